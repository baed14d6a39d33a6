"""The bundled holiday data against an independent source, and against its generator.

``chinese_calendar`` is maintained separately from ``holidays`` (which the data is generated
from), so checking every day of every covered year against it catches an entry that one of them
got wrong. Every known disagreement is listed below with its reason and in docs/calendar.md; any
other disagreement, or a listed one that has gone away, fails the test.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import chinese_calendar  # type: ignore[import-untyped]
import opencc
import pytest
from chinese_calendar import constants as cc_data

from obligations.calendar import DayKind, china_calendar

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "src" / "obligations" / "data" / "cn_holidays.json"
TOOL = ROOT / "tools" / "gen_cn_holidays.py"

CAL = china_calendar()

CC_FIRST = min(cc_data.holidays).year
CC_LAST = max(cc_data.holidays).year
CHECKED_YEARS = sorted(y for y in CAL.years() if CC_FIRST <= y <= CC_LAST)

# date -> (working day in our data, working day in chinese_calendar, why ours is right)
KNOWN_DISAGREEMENTS: dict[date, tuple[bool, bool, str]] = {
    date(2005, 12, 31): (
        True,
        False,
        "國辦發明電〔2005〕35號 (the 2006 notice) says 「12月31日（星期六）上班」; chinese_calendar "
        "records only the dates inside 2006 from that notice and so misses this make-up Saturday.",
    ),
}


def year_days(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_the_years_checked_are_the_ones_expected() -> None:
    assert CAL.years() == frozenset(range(2004, 2027))
    assert list(range(2004, 2027)) == CHECKED_YEARS, "chinese_calendar no longer covers the data"


def test_every_day_agrees_with_chinese_calendar() -> None:
    found: dict[date, tuple[bool, bool]] = {}
    for year in CHECKED_YEARS:
        for day in year_days(year):
            ours, theirs = CAL.is_working_day(day), chinese_calendar.is_workday(day)
            assert chinese_calendar.is_holiday(day) is not theirs
            if ours != theirs:
                found[day] = (ours, theirs)
    expected = {day: (ours, theirs) for day, (ours, theirs, _) in KNOWN_DISAGREEMENTS.items()}
    undocumented = {d: v for d, v in found.items() if d not in expected}
    stale = {d: v for d, v in expected.items() if found.get(d) != v}
    assert not undocumented, f"undocumented disagreements (ours, chinese_calendar): {undocumented}"
    assert not stale, f"listed disagreements that no longer hold: {stale}"


def test_days_off_and_names_agree_with_chinese_calendar() -> None:
    """Listed days and their festivals, beyond the working/non-working bit.

    chinese_calendar leaves out some ordinary weekend days of a break (「與周末連休」), which our
    data lists as part of the break; those are the only extra days allowed, and they are
    non-working either way.
    """
    to_trad = opencc.OpenCC("s2t")
    ours_off: dict[date, str] = {}
    ours_work: dict[date, str] = {}
    for year in CHECKED_YEARS:
        data = CAL.year_data(year)
        ours_off.update({d: s.name for d, s in data.days_off.items()})
        ours_work.update({d: s.name for d, s in data.workdays.items()})
    for day, english in cc_data.holidays.items():
        festival = to_trad.convert(cc_data.Holiday(english).chinese)
        assert festival in ours_off.get(day, ""), f"{day}: chinese_calendar says {festival}"
    extra = [d for d in ours_off if d not in cc_data.holidays]
    assert all(d.weekday() >= 5 for d in extra), [d for d in extra if d.weekday() < 5]
    for day, english in cc_data.workdays.items():
        festival = to_trad.convert(cc_data.Holiday(english).chinese)
        assert festival in ours_work.get(day, ""), f"{day}: chinese_calendar says {festival} make-up day"
    assert set(ours_work) - set(cc_data.workdays) == {d for d, v in KNOWN_DISAGREEMENTS.items() if v[0]}


def test_every_year_names_its_notice() -> None:
    for year in sorted(CAL.years()):
        notice = CAL.year_data(year).notice
        assert notice.startswith(f"國務院辦公廳關於{year}年部分節假日安排的通知"), notice
        for day in year_days(year):
            info = CAL.day_info(day)
            if info.kind in (DayKind.HOLIDAY, DayKind.MAKEUP_WORKDAY):
                assert info.name and info.notice.startswith("國務院"), info


def test_lunar_estimates_match_chinese_calendar_qingming() -> None:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for year, dates in raw["lunar_estimates"].items():
        first, last = date(int(year), 4, 1), date(int(year), 4, 10)
        terms = [d for d, name in chinese_calendar.get_solar_terms(first, last) if name == "清明"]
        assert terms == [date.fromisoformat(dates["qingming"])], year


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cn_holidays", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_data_file_is_what_the_tool_generates() -> None:
    holidays = pytest.importorskip("holidays")
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    if raw["generated_from"]["version"] != holidays.__version__:
        pytest.skip(
            f"data made with holidays {raw['generated_from']['version']}, {holidays.__version__} installed"
        )
    started = time.perf_counter()
    tool = load_tool()
    text = tool.render(tool.build_data())
    assert time.perf_counter() - started < 5, "regeneration got slow; compare a sample instead"
    assert text == DATA_FILE.read_text(encoding="utf-8"), "run: python tools/gen_cn_holidays.py"
