"""Hypothesis strategies shared by the test modules.

Calendar: dates inside the bundled holiday data, dates far enough from its end that adding
working days stays inside it, working-day counts, and years the data does not cover.
Occurrences: periodic timings (any, and those RFC 5545 can express), date ranges, event times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import strategies as st

from obligations.calendar import china_calendar

_COVERED = china_calendar().years()
FIRST_COVERED = date(min(_COVERED), 1, 1)
LAST_COVERED = date(max(_COVERED), 12, 31)

# The longest run of consecutive days off in the data is 10 days (2020's extended Spring
# Festival), so n working days never take more than 2 * n + 14 calendar days.
MAX_WORKING_DAYS = 120


def room_for(working_days: int) -> timedelta:
    """Calendar days that ``working_days`` working days can need, generously."""
    return timedelta(days=2 * working_days + 14)


def covered_dates() -> st.SearchStrategy[date]:
    """Any day of a year the bundled data covers."""
    return st.dates(FIRST_COVERED, LAST_COVERED)


def dates_with_room(working_days: int = MAX_WORKING_DAYS) -> st.SearchStrategy[date]:
    """Days from which ``working_days`` working days later is still inside the data."""
    return st.dates(FIRST_COVERED, LAST_COVERED - room_for(working_days))


def working_day_counts(max_value: int = MAX_WORKING_DAYS // 2) -> st.SearchStrategy[int]:
    """A number of working days to add: 1 to ``max_value``."""
    return st.integers(min_value=1, max_value=max_value)


def uncovered_years() -> st.SearchStrategy[int]:
    """Years without bundled data (and, past 2050, without lunar estimates either)."""
    return st.one_of(
        st.integers(min_value=1900, max_value=min(_COVERED) - 1),
        st.integers(min_value=max(_COVERED) + 1, max_value=2200),
    )


def dates_in_year(year: int) -> st.SearchStrategy[date]:
    return st.dates(date(year, 1, 1), date(year, 12, 31))


# --- occurrences: schedules, ranges and event times (tests/test_occurrences.py) ----------------

EVERY_WORDS = {
    "day": "每日",
    "week": "每周",
    "biweek": "每兩周",
    "month": "每月",
    "quarter": "每季度",
    "half-year": "每半年",
    "year": "每年",
}
WEEKDAY_WORDS = "一二三四五六日"


@st.composite
def periodic_timings(draw: st.DrawFn) -> tuple[str, str]:
    """(timing, clause) of any periodic line: a period, maybe a deadline that fits it, maybe
    遇節假日順延 (a clause, written after the subject)."""
    every = draw(st.sampled_from(sorted(EVERY_WORDS)))
    options = [""]
    if every in ("week", "biweek"):
        options.append(f"周{draw(st.sampled_from(WEEKDAY_WORDS))}")
    if every == "month":
        day = draw(st.integers(1, 31))
        options += [f"{day}日前", f"次月{day}日前"]
    if every == "year":
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        options += [f"{month}月{day}日前", f"次年{month}月{day}日前"]
    lag = draw(st.integers(1, 30))
    options += [f"期後{lag}日內", f"期後{lag}個工作日內", "期後 及時"]
    deadline = draw(st.sampled_from(options))
    roll = draw(st.sampled_from(["", "遇節假日順延"]))
    return f"{EVERY_WORDS[every]} {deadline}".strip(), roll


@st.composite
def rrule_timings(draw: st.DrawFn) -> tuple[str, str, int | None, int | None]:
    """A periodic timing RFC 5545 can express: (timing, every, weekday or month, day).

    No roll and no lag; due at the period's end or on a fixed day. Days stop at 28 because a
    BYMONTHDAY=31 rule skips short months, where ours moves to the month's last day.
    """
    every = draw(st.sampled_from(sorted(EVERY_WORDS)))
    word = EVERY_WORDS[every]
    fixed = draw(st.booleans())
    if fixed and every in ("week", "biweek"):
        weekday = draw(st.integers(1, 7))
        return f"{word} 周{WEEKDAY_WORDS[weekday - 1]}", every, weekday, None
    if fixed and every == "month":
        day = draw(st.integers(1, 28))
        return f"{word} {day}日前", every, None, day
    if fixed and every == "year":
        month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
        return f"{word} {month}月{day}日前", every, month, day
    return word, every, None, None


def date_ranges(
    first: date = FIRST_COVERED, last: date = LAST_COVERED
) -> st.SearchStrategy[tuple[date, date]]:
    """(start, end) with start <= end, both inside ``first``..``last``, up to about 14 months long."""
    return st.dates(first, last).flatmap(
        lambda start: st.tuples(st.just(start), st.dates(start, min(last, start + timedelta(days=430))))
    )


def event_times(room: int = MAX_WORKING_DAYS) -> st.SearchStrategy[datetime]:
    """Naive times of day on dates from which ``room`` working days later is still covered."""
    return st.builds(
        datetime.combine,
        dates_with_room(room),
        st.times(),
    )


AGENCY_CLAUSES = ("by 局", "by 甲局、乙局 分別", "by 甲局 牽頭、乙局 配合", "by 甲局、乙局", "")
LEADS = ("提前48小時", "提前3個工作日", "提前一周", "提前2日")
DISPLAYS = ("公示期 7個工作日", "公示期 5日", "公示期 24小時")


@st.composite
def periodic_specs(draw: st.DrawFn) -> str:
    """A small spec of periodic duties (tests/test_occurrences.py): 1-4 lines of any periodic
    timing, each maybe with a lead time, several agencies, a display period, its own window; maybe
    a 同步 duty following the first with a window of its own."""
    lines: list[str] = []
    for i in range(draw(st.integers(1, 4))):
        timing, clause = draw(periodic_timings())
        lead = draw(st.sampled_from(("", "", *LEADS)))
        by = draw(st.sampled_from(AGENCY_CLAUSES))
        display = draw(st.sampled_from(("", "", *DISPLAYS)))
        window = ""
        if draw(st.booleans()):
            start = draw(st.dates(date(2004, 1, 1), date(2026, 6, 30)))
            window = f" 自 {start} 至 {start + timedelta(days=draw(st.integers(0, 800)))}"
        lines.append(f"[P{i}] {timing} {lead} 公布 數據{i} {by} {clause} {display}{window}")
    if draw(st.booleans()):
        since = draw(st.dates(date(2004, 1, 1), date(2026, 6, 30)))
        lines.append(f"[S] 同步 [P0] 解讀 數據 {draw(st.sampled_from(AGENCY_CLAUSES))} 自 {since} 起")
    return "\n".join(lines)


# Zones with clock changes, and the days of their 2026 changes (a skipped and a repeated hour each).
CLOCK_CHANGES = {
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Europe/London": (date(2026, 3, 29), date(2026, 10, 25)),
    "Australia/Sydney": (date(2026, 10, 4), date(2026, 4, 5)),
}


@st.composite
def wall_times_near_clock_changes(draw: st.DrawFn) -> tuple[str, datetime]:
    """A zone and a wall time (no offset) within hours of one of its clock changes: some skipped,
    some repeated, most ordinary."""
    zone = draw(st.sampled_from(sorted(CLOCK_CHANGES)))
    day = draw(st.sampled_from(CLOCK_CHANGES[zone]))
    moment = datetime(day.year, day.month, day.day) + timedelta(
        minutes=draw(st.integers(-60, 6 * 60)), seconds=draw(st.sampled_from([0, 0, 0, 59]))
    )
    return zone, moment
