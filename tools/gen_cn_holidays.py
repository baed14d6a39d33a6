"""Regenerate ``src/obligations/data/cn_holidays.json`` from the ``holidays`` package.

Usage::

    python tools/gen_cn_holidays.py            # rewrite the data file
    python tools/gen_cn_holidays.py --check    # exit 1 if the file is not what this script generates

The run-time engine (``obligations.calendar``) never imports ``holidays``; this script is the
only place the package is used, so a wrong entry upstream can be found and fixed here, and the
data file is reviewed as a diff. ``tests/test_holiday_data.py`` cross-checks every day against
``chinese_calendar`` and checks that this script reproduces the committed file.

How ``holidays`` (0.109) represents China: ``holidays.China`` holds the statutory days, their
"observed" (補假) days and, in ``ChinaStaticHolidays.special_public_holidays``, the 調休 swaps as
``(to_month, to_day, from_month, from_day[, from_year])``: the ``to`` date becomes a day off and
the ``from`` date (a Saturday or Sunday) becomes a make-up working day. The make-up working days
end up in the instance's ``weekend_workdays`` set and ``is_working_day()`` applies them; this
script reads both.

Each day off is named after the festival(s) of the break it belongs to (a break being a run of
consecutive non-working days containing at least one holiday of the package), so the weekend
days inside or next to a break carry the break's name, as the notices count them
(e.g. 「4月4日（周六）至6日（周一）放假，共3天」).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import holidays
import opencc
from holidays.calendars.chinese import _ChineseLunisolar
from holidays.countries.china import ChinaStaticHolidays

FORMAT = 1
DATA_FILE = Path(__file__).resolve().parents[1] / "src" / "obligations" / "data" / "cn_holidays.json"

# Years whose arrangement the data covers. 2004 is where the cross-check source
# (chinese_calendar) starts; holidays 0.109 also lists 2001-2003, but its 2003 labour-day entry
# is the original long-holiday plan, which the SARS notice of 2003-04-21 cancelled, so the years
# before 2004 are left out rather than shipped unchecked. 2026 is the last year with a notice
# in holidays 0.109 (the 2027 notice is not in it).
FIRST_YEAR = 2004
LAST_YEAR = 2026
# Lunar festival dates for rule-based estimates of the years after the data ends.
LUNAR_LAST_YEAR = 2050

# The State Council General Office notice that arranges each year (title, then number). A number
# is given only where it was verified against a published copy of the notice; otherwise the title
# alone, never a guessed number.
NOTICES_ZH_CN: dict[int, str] = {
    2004: "国务院办公厅关于2004年部分节假日安排的通知",
    2005: "国务院办公厅关于2005年部分节假日安排的通知",
    2006: "国务院办公厅关于2006年部分节假日安排的通知 国办发明电〔2005〕35号",
    2007: "国务院办公厅关于2007年部分节假日安排的通知 国办发明电〔2006〕49号",
    2008: "国务院办公厅关于2008年部分节假日安排的通知",
    2009: "国务院办公厅关于2009年部分节假日安排的通知 国办发明电〔2008〕42号",
    2010: "国务院办公厅关于2010年部分节假日安排的通知 国办发明电〔2009〕27号",
    2011: "国务院办公厅关于2011年部分节假日安排的通知 国办发明电〔2010〕40号",
    2012: "国务院办公厅关于2012年部分节假日安排的通知 国办发明电〔2011〕45号",
    2013: "国务院办公厅关于2013年部分节假日安排的通知 国办发明电〔2012〕33号",
    2014: "国务院办公厅关于2014年部分节假日安排的通知 国办发明电〔2013〕28号",
    2015: "国务院办公厅关于2015年部分节假日安排的通知 国办发明电〔2014〕28号",
    2016: "国务院办公厅关于2016年部分节假日安排的通知 国办发明电〔2015〕18号",
    2017: "国务院办公厅关于2017年部分节假日安排的通知 国办发明电〔2016〕17号",
    2018: "国务院办公厅关于2018年部分节假日安排的通知 国办发明电〔2017〕12号",
    2019: "国务院办公厅关于2019年部分节假日安排的通知 国办发明电〔2018〕15号",
    2020: "国务院办公厅关于2020年部分节假日安排的通知 国办发明电〔2019〕16号",
    2021: "国务院办公厅关于2021年部分节假日安排的通知 国办发明电〔2020〕27号",
    2022: "国务院办公厅关于2022年部分节假日安排的通知 国办发明电〔2021〕11号",
    2023: "国务院办公厅关于2023年部分节假日安排的通知 国办发明电〔2022〕16号",
    2024: "国务院办公厅关于2024年部分节假日安排的通知 国办发明电〔2023〕7号",
    2025: "国务院办公厅关于2025年部分节假日安排的通知 国办发明电〔2024〕12号",
    2026: "国务院办公厅关于2026年部分节假日安排的通知 国办发明电〔2025〕7号",
}

# Breaks set (or changed) by a notice other than the year's arrangement notice, keyed by a day
# inside the break. The notice applies to every day of that break and to its make-up days.
SPECIAL_NOTICES_ZH_CN: dict[dt.date, str] = {
    dt.date(
        2015, 9, 3
    ): "国务院关于中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日调休放假的通知 国发明电〔2015〕1号",
    dt.date(2019, 5, 1): "国务院办公厅关于调整2019年劳动节假期安排的通知 国办发明电〔2019〕3号",
    dt.date(2020, 1, 25): (
        "国务院办公厅关于2020年部分节假日安排的通知 国办发明电〔2019〕16号；"
        "国务院办公厅关于延长2020年春节假期的通知 国办发明电〔2020〕1号"
    ),
}

# Package holiday names (zh_CN) -> festival. Observed days ("X（补假）") map through their base
# name; substituted days ("休息日（由 … 调休）") have no festival of their own.
_VICTORY_70 = "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日"
FESTIVALS_ZH_CN: dict[str, str] = {
    "元旦": "元旦",
    "春节": "春节",
    "农历除夕": "春节",
    "春节延长假期": "春节",
    "清明节": "清明节",
    "劳动节": "劳动节",
    "端午节": "端午节",
    "中秋节": "中秋节",
    "国庆节": "国庆节",
    _VICTORY_70: _VICTORY_70,
}
_OBSERVED_SUFFIX = "（补假）"
_SUBSTITUTED_PREFIX = "休息日（由 "
_ESTIMATED_MARK = "推定"

_s2t = opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """The project's documents are in Traditional Chinese; the package and the notices are not."""
    return str(_s2t.convert(text))


def _days(first: dt.date, last: dt.date) -> Iterable[dt.date]:
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        yield dt.date.fromordinal(ordinal)


def _festivals_of(name: str) -> list[str]:
    """Festivals named by one package entry; ``"中秋节; 国庆节"`` names two."""
    found: list[str] = []
    for part in name.split("; ") if name else ():
        if part.startswith(_SUBSTITUTED_PREFIX):
            continue
        if _ESTIMATED_MARK in part:
            raise SystemExit(f"refusing to generate: {part!r} is an estimate in holidays")
        base = part.removesuffix(_OBSERVED_SUFFIX)
        if base not in FESTIVALS_ZH_CN:
            raise SystemExit(f"unknown holiday name in holidays: {part!r}; extend FESTIVALS_ZH_CN")
        found.append(FESTIVALS_ZH_CN[base])
    return found


class _Breaks:
    """The holiday breaks of the covered range, as the package defines them."""

    def __init__(self, cn: holidays.HolidayBase, first: dt.date, last: dt.date) -> None:
        self.cn = cn
        self.span_of: dict[dt.date, int] = {}
        self.spans: list[list[dt.date]] = []
        run: list[dt.date] = []
        for day in _days(first, last):
            if cn.is_working_day(day):
                self._close(run)
                run = []
            else:
                run.append(day)
        self._close(run)

    def _close(self, run: list[dt.date]) -> None:
        if any(day in self.cn for day in run):
            for day in run:
                self.span_of[day] = len(self.spans)
            self.spans.append(run)

    def name(self, day: dt.date) -> str:
        """The festival(s) of the break holding ``day``, in date order, joined with 「、」."""
        festivals: list[str] = []
        for member in self.spans[self.span_of[day]]:
            for festival in _festivals_of(self.cn.get(member) or ""):
                if festival not in festivals:
                    festivals.append(festival)
        if not festivals:
            raise SystemExit(f"break around {day} has no named holiday")
        return to_traditional("、".join(festivals))

    def notice(self, day: dt.date) -> str:
        """The notice that set the break holding ``day``."""
        span = self.spans[self.span_of[day]]
        for key, notice in SPECIAL_NOTICES_ZH_CN.items():
            if key in span:
                return to_traditional(notice)
        # A break is arranged by the notice for the year of its first named holiday: the break
        # 2022-12-31..2023-01-02 belongs to the 2023 notice although it starts in 2022.
        named = [d for d in span if _festivals_of(self.cn.get(d) or "")]
        return to_traditional(NOTICES_ZH_CN[named[0].year])


def _substitutions() -> dict[dt.date, dt.date]:
    """Make-up working day -> the day off it paid for, from the package's 調休 table."""
    pairs: dict[dt.date, dt.date] = {}
    for year, entries in ChinaStaticHolidays.special_public_holidays.items():
        for entry in entries:
            if len(entry) < 4:
                continue
            to_month, to_day, from_month, from_day, *from_year = entry
            pairs[dt.date(from_year[0] if from_year else year, from_month, from_day)] = dt.date(
                year, to_month, to_day
            )
    return pairs


def _entry(day: dt.date, name: str, notice: str, year_notice: str) -> dict[str, str]:
    item = {"date": day.isoformat(), "name": name}
    if notice != year_notice:
        item["notice"] = notice
    return item


def build_years() -> dict[str, Any]:
    first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)
    cn = holidays.country_holidays("CN", years=range(FIRST_YEAR - 1, LAST_YEAR + 2), language="zh_CN")
    breaks = _Breaks(cn, first, last)
    paid_for = _substitutions()
    years: dict[str, Any] = {}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        year_notice = to_traditional(NOTICES_ZH_CN[year])
        days_off: list[dict[str, str]] = []
        workdays: list[dict[str, str]] = []
        for day in _days(dt.date(year, 1, 1), dt.date(year, 12, 31)):
            weekend = day.weekday() >= 5
            if not cn.is_working_day(day):
                if day in breaks.span_of:
                    days_off.append(_entry(day, breaks.name(day), breaks.notice(day), year_notice))
                elif not weekend:
                    raise SystemExit(f"{day} is a weekday off outside any break")
            elif weekend:
                off = paid_for.get(day)
                if off is None or off not in breaks.span_of:
                    raise SystemExit(f"make-up working day {day} pays for no day off in a break")
                name = breaks.name(off) + "調休上班"
                workdays.append(_entry(day, name, breaks.notice(off), year_notice))
        years[str(year)] = {"notice": year_notice, "days_off": days_off, "workdays": workdays}
    return years


def build_lunar_estimates() -> dict[str, dict[str, str]]:
    """Gregorian dates of the lunar festivals (and 清明) for the years after the data ends."""
    lunar = _ChineseLunisolar()
    out: dict[str, dict[str, str]] = {}
    for year in range(LAST_YEAR + 1, LUNAR_LAST_YEAR + 1):
        dates = {
            "spring_festival": lunar.lunar_new_year_date(year)[0],
            "qingming": lunar.qingming_date(year)[0],
            "dragon_boat": lunar.dragon_boat_date(year)[0],
            "mid_autumn": lunar.mid_autumn_date(year)[0],
        }
        if any(value is None for value in dates.values()):
            raise SystemExit(f"holidays has no lunar dates for {year}")
        out[str(year)] = {key: value.isoformat() for key, value in dates.items() if value is not None}
    return out


def build_data() -> dict[str, Any]:
    return {
        "format": FORMAT,
        "calendar": "CN",
        "generated_from": {
            "package": "holidays",
            "version": metadata.version("holidays"),
            "tool": "tools/gen_cn_holidays.py",
        },
        "years": build_years(),
        "lunar_estimates": build_lunar_estimates(),
    }


def render(data: dict[str, Any]) -> str:
    """Stable text: one entry per line, so a changed holiday shows as a one-line diff."""
    lines = ["{"]
    lines.append(f'  "format": {json.dumps(data["format"])},')
    lines.append(f'  "calendar": {json.dumps(data["calendar"])},')
    lines.append(f'  "generated_from": {_compact(data["generated_from"])},')
    lines.append('  "years": {')
    year_items = list(data["years"].items())
    for y_index, (year, entry) in enumerate(year_items):
        lines.append(f"    {json.dumps(year)}: {{")
        lines.append(f'      "notice": {json.dumps(entry["notice"], ensure_ascii=False)},')
        for key in ("days_off", "workdays"):
            items = entry[key]
            closing = "," if key == "days_off" else ""
            if not items:
                lines.append(f'      "{key}": []{closing}')
                continue
            lines.append(f'      "{key}": [')
            for i, item in enumerate(items):
                lines.append(f"        {_compact(item)}" + ("," if i < len(items) - 1 else ""))
            lines.append(f"      ]{closing}")
        lines.append("    }" + ("," if y_index < len(year_items) - 1 else ""))
    lines.append("  },")
    lines.append('  "lunar_estimates": {')
    lunar_items = list(data["lunar_estimates"].items())
    for i, (year, dates) in enumerate(lunar_items):
        lines.append(f"    {json.dumps(year)}: {_compact(dates)}" + ("," if i < len(lunar_items) - 1 else ""))
    lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--output", type=Path, default=DATA_FILE)
    args = parser.parse_args(argv)
    text = render(build_data())
    assert json.loads(text) == build_data()  # the hand-rolled layout must still be plain JSON
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run python tools/gen_cn_holidays.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
