"""What is due: occurrences as a table, JSON or CSV, with weekdays and relative time in zh or en.

Rendering only: the occurrences come from ``obligations.occurrences``, the choice of range and
agency from ``obligations.cli_due``. Nothing here imports more than the standard library and
``obligations.words`` (which the model has loaded anyway), because ``obligations due`` is the
command people run every morning and its start-up time is budgeted (docs/performance.md).

The table is tabulate's ``simple`` format, drawn here (:func:`simple_table`) rather than by
tabulate: importing tabulate costs about 100 ms (it reads its own version through
``importlib.metadata`` and imports wcwidth), half the budget of the whole command.
``tests/test_due_cli.py`` checks that the two draw the same table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from obligations.termwidth import display_width

if TYPE_CHECKING:
    from obligations.model import Obligation
    from obligations.occurrences import Occurrence

WEEKDAYS_ZH = "一二三四五六日"
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

HEADERS = {
    "zh": ("到期", "距今", "編號", "事項", "責任單位", "章節"),
    "en": ("due", "when", "id", "obligation", "agencies", "section"),
}

#: The columns of ``--format csv``, in order; the JSON keys are the same, with ``period`` and
#: ``trigger`` as objects.
CSV_COLUMNS = (
    "obligation",
    "agency",
    "period_start",
    "period_end",
    "trigger_event",
    "trigger_occurred_at",
    "trigger_id",
    "due",
    "due_date",
    "estimated",
    "timed",
    "action",
    "subject",
    "section",
    "kind",
    "min_count",
)


# Plain classes, not attrs: attrs compiles each class's methods when the module is imported
# (~0.7 ms a class), and this module is on the path of every `obligations due`.


class DueItem:
    """One occurrence to show, with the day it is seen from (``--today`` in the spec's zone)."""

    __slots__ = ("occurrence", "timezone", "today")

    def __init__(self, occurrence: Occurrence, today: dt.date, timezone: str) -> None:
        self.occurrence = occurrence
        self.today = today
        self.timezone = timezone  # the spec's IANA zone


class Missing:
    """Obligations that cannot be placed in the range, counted by reason (the footer)."""

    __slots__ = ("events", "events_given", "unscheduled")

    def __init__(self, events: int = 0, unscheduled: int = 0, events_given: bool = False) -> None:
        self.events = events  # event-triggered, with no event of theirs given
        self.unscheduled = unscheduled  # the text gives no time (定期, 適時, 按時…)
        self.events_given = events_given  # whether an events file was given (changes the hint)

    @property
    def total(self) -> int:
        return self.events + self.unscheduled

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Missing):
            return NotImplemented
        return (self.events, self.unscheduled, self.events_given) == (
            other.events,
            other.unscheduled,
            other.events_given,
        )

    def __hash__(self) -> int:
        return hash((self.events, self.unscheduled, self.events_given))

    def __repr__(self) -> str:
        return (
            f"Missing(events={self.events}, unscheduled={self.unscheduled}, events_given={self.events_given})"
        )


# ---- words ---------------------------------------------------------------------------------------


def weekday(day: dt.date, lang: str) -> str:
    """周二 / Tue."""
    i = day.weekday()
    return WEEKDAYS_EN[i] if lang == "en" else f"周{WEEKDAYS_ZH[i]}"


def day_text(day: dt.date, lang: str) -> str:
    """2026-12-01 周二 / 2026-12-01 Tue."""
    return f"{day.isoformat()} {weekday(day, lang)}"


def relative(due: dt.date, today: dt.date, lang: str) -> str:
    """今天, 明天, 3天後, 逾期2天 / today, tomorrow, in 3 days, 2 days overdue."""
    days = due.toordinal() - today.toordinal()  # pendulum's Date subtraction builds an Interval
    if lang == "en":
        if days == 0:
            return "today"
        if days == 1:
            return "tomorrow"
        if days > 1:
            return f"in {days} days"
        return f"{-days} day{'' if days == -1 else 's'} overdue"
    if days == 0:
        return "今天"
    if days == 1:
        return "明天"
    if days > 1:
        return f"{days}天後"
    return f"逾期{-days}天"


def estimated_mark(lang: str) -> str:
    return "estimated" if lang == "en" else "估算"


# id(schedule) → (schedule, is_timed): one answer per schedule object (a year of a large spec asks
# it for every one of its occurrences); the schedule is kept so that its id cannot be reused.
_TIMED: dict[int, tuple[object, bool]] = {}


def is_timed(ob: Obligation) -> bool:
    """True when the deadline is an instant, not the end of a day: counted in hours (事件…後5小時內,
    提前48小時), or a lead time of days (提前1個工作日), which is due at 00:00 of the day it names,
    so that a publication later that day is late and the time must show."""
    schedule = ob.schedule
    known = _TIMED.get(id(schedule))
    if known is not None and known[0] is schedule:
        return known[1]
    timed = _timed(schedule)
    if len(_TIMED) >= 100_000:
        _TIMED.clear()
    _TIMED[id(schedule)] = (schedule, timed)
    return timed


def _timed(schedule: Any) -> bool:
    from obligations.model import Event, Periodic

    lags = []
    if isinstance(schedule, Event):
        lags = [schedule.lag, schedule.lead]
    elif isinstance(schedule, Periodic):
        lags = [schedule.lead, schedule.deadline.lag if schedule.deadline else None]
    if getattr(schedule, "lead", None) is not None:
        return True
    # Enum values, not members: obligations.syntax (where the enums live) is not loaded on a cache hit.
    return any(lag is not None and lag.unit.value == "hour" for lag in lags)


def due_text(occ: Occurrence, lang: str) -> str:
    """The due cell: the date and weekday, the time when the deadline is in hours, the estimate mark."""
    text = day_text(occ.due_date, lang)
    if is_timed(occ.obligation):
        text += f" {occ.due.strftime('%H:%M')}"
    if occ.estimated:
        text += estimated_suffix(lang)
    return text


def estimated_suffix(lang: str) -> str:
    """What follows a due date computed from holiday data estimated by rule (``estimate_note``)."""
    return f" ({estimated_mark(lang)})" if lang == "en" else f"（{estimated_mark(lang)}）"


def agencies_text(occ: Occurrence, lang: str) -> str:
    """Who owes it: the one agency of an 分別 (each) duty, else every agency with its role."""
    from obligations import words

    ob = occ.obligation
    if any(ref.role.value == "each" and ref.name == occ.agency for ref in ob.agencies):
        return occ.agency
    return words.agencies(ob, lang) or occ.agency


def occurrence_agencies(occ: Occurrence) -> tuple[str, ...]:
    """The agencies an occurrence concerns, for ``--agency``: the agency of an 分別 occurrence;
    otherwise every agency of the obligation (joint, lead and support)."""
    refs = occ.obligation.agencies
    if any(ref.role.value == "each" and ref.name == occ.agency for ref in refs):
        return (occ.agency,)
    return tuple(ref.name for ref in refs) or (occ.agency,)


def summary(occ: Occurrence, lang: str) -> str:
    """[HM-4404] 公布 食品安全抽檢信息（市場監管局）: the iCalendar SUMMARY."""
    ob = occ.obligation
    head = f"[{ob.id}] {ob.action} {ob.subject}"
    mark = f" ({estimated_mark(lang)})" if lang == "en" else f"（{estimated_mark(lang)}）"
    if lang == "en":
        return f"{head} ({occ.agency})" + (mark if occ.estimated else "")
    return f"{head}（{occ.agency}）" + (mark if occ.estimated else "")


# ---- table -----------------------------------------------------------------------------------


def simple_table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """tabulate's ``simple`` format for text cells, CJK-width aware: left-aligned, but for the
    columns ``right`` (numbers), right-aligned with their header when they hold any value (as
    tabulate aligns a column of numbers, and a column with none as text).

    Same output as ``tabulate(rows, headers, tablefmt="simple", disable_numparse=True)`` (with
    ``colalign`` for ``right``) for single-line cells, without tabulate's ~100 ms import (see the
    module docstring) and ten times faster on a large table.
    """
    cells = [[" ".join(str(c).split("\n")).strip() for c in row] for row in rows]
    right = [i for i in right if any(row[i] for row in cells)]
    head = [h.strip() for h in headers]
    # A column is as wide as its widest cell, and at least two wider than its header.
    widths = [display_width(h) + 2 for h in head]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], display_width(c))

    def line(values: Sequence[str]) -> str:
        padded = [
            " " * (w - display_width(v)) + v if i in right else v + " " * (w - display_width(v))
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ]
        return "  ".join(padded).rstrip()

    out = [line(head), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def table_rows(items: Sequence[DueItem], lang: str) -> list[list[str]]:
    rows = []
    for item in items:
        occ = item.occurrence
        ob = occ.obligation
        # A standing duty (長期公開) is due for the whole range: no day count to show.
        standing = ob.schedule.kind == "standing"
        rows.append(
            [
                due_text(occ, lang),
                ("standing" if lang == "en" else "長期")
                if standing
                else relative(occ.due_date, item.today, lang),
                ob.id,
                f"{ob.action} {ob.subject}",
                agencies_text(occ, lang),
                ob.source.section,
            ]
        )
    return rows


def range_line(start: dt.date, end: dt.date, today: dt.date, count: int, lang: str) -> str:
    if lang == "en":
        what = f"{count} due" if count else "nothing due"
        return f"{day_text(start, lang)} – {day_text(end, lang)}: {what} (today {day_text(today, lang)})\n"
    what = f"{count} 項到期" if count else "沒有到期事項"
    return f"{day_text(start, lang)} 至 {day_text(end, lang)}：{what}（今天 {day_text(today, lang)}）\n"


def missing_lines(missing: Missing, lang: str) -> str:
    """The footer: what cannot be placed in the range, so nothing is silently missing."""
    if not missing.total:
        return ""
    en = lang == "en"
    lines = [
        f"Not scheduled in this range: {missing.total} obligation{'' if missing.total == 1 else 's'}"
        if en
        else f"另有 {missing.total} 項義務無法在此期間排期："
    ]
    if missing.events:
        if missing.events_given:
            lines.append(
                f"  {missing.events} event-triggered: their events are not in the events file"
                if en
                else f"  事件觸發 {missing.events} 項：事件文件中沒有其事件"
            )
        else:
            lines.append(
                f"  {missing.events} event-triggered: no events given (pass --events FILE)"
                if en
                else f"  事件觸發 {missing.events} 項：未提供事件（請用 --events FILE 提供）"
            )
    if missing.unscheduled:
        lines.append(
            f"  {missing.unscheduled} unscheduled: the text gives no time (see obligations lint)"
            if en
            else f"  時間未定 {missing.unscheduled} 項：原文未給出具體時間（見 obligations lint）"
        )
    return "\n".join(lines) + "\n"


def estimate_note(lang: str) -> str:
    if lang == "en":
        return (
            "estimated: computed from holiday data estimated by rule, not from a State Council "
            "notice; a planning aid, not a legal date\n"
        )
    return "估算：按規則推定的節假日數據計算（尚無國務院通知），僅供安排工作參考，不是法定日期\n"


def render_table(
    items: Sequence[DueItem],
    missing: Missing,
    lang: str,
    *,
    start: dt.date,
    end: dt.date,
    today: dt.date,
) -> str:
    lang = "en" if lang == "en" else "zh"
    out = [range_line(start, end, today, len(items), lang)]
    if items:
        out.append(simple_table(HEADERS[lang], table_rows(items, lang)))
    if any(i.occurrence.estimated for i in items):
        out.append(estimate_note(lang))
    footer = missing_lines(missing, lang)
    if footer:
        out.append(footer)
    return "".join(out)


# ---- JSON and CSV ------------------------------------------------------------------------------


def to_dict(occ: Occurrence) -> dict[str, Any]:
    """One occurrence as JSON (docs/due.md lists every key)."""
    ob = occ.obligation
    trigger = occ.trigger
    period = (
        {"start": occ.period_start.isoformat(), "end": occ.period_end.isoformat()}
        if occ.period_start is not None and occ.period_end is not None
        else None
    )
    return {
        "obligation": ob.id,
        "agency": occ.agency,
        "period": period,
        "trigger": None
        if trigger is None
        else {"event": trigger.event, "occurred_at": trigger.occurred_at.isoformat(), "id": trigger.id},
        "due": occ.due.isoformat(),
        "due_date": occ.due_date.isoformat(),
        "estimated": occ.estimated,
        "timed": is_timed(ob),
        "action": ob.action,
        "subject": ob.subject,
        "section": ob.source.section,
        "kind": ob.schedule.kind,
        "min_count": occ.min_count,
    }


def render_json(items: Iterable[DueItem]) -> str:
    import json  # only for --format json: the table needs none of it

    return json.dumps([to_dict(i.occurrence) for i in items], ensure_ascii=False, indent=2) + "\n"


def csv_row(occ: Occurrence) -> list[str]:
    d = to_dict(occ)
    period = d["period"] or {}
    trigger = d["trigger"] or {}
    return [
        d["obligation"],
        d["agency"],
        period.get("start", ""),
        period.get("end", ""),
        trigger.get("event", ""),
        trigger.get("occurred_at", ""),
        trigger.get("id") or "",
        d["due"],
        d["due_date"],
        "true" if d["estimated"] else "false",
        "true" if d["timed"] else "false",
        d["action"],
        d["subject"],
        d["section"],
        d["kind"],
        str(d["min_count"]),
    ]


def render_csv(items: Iterable[DueItem], *, bom: bool = False) -> str:
    import csv
    import io

    from obligations.csvtext import excel_text

    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")  # Excel and WPS read UTF-8 only with a BOM
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([excel_text(cell) for cell in csv_row(i.occurrence)] for i in items)
    return buf.getvalue()
