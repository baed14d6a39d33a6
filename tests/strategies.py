"""Hypothesis strategies shared by the test modules.

Calendar: dates inside the bundled holiday data, dates far enough from its end that adding
working days stays inside it, working-day counts, and years the data does not cover.
"""

from __future__ import annotations

from datetime import date, timedelta

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
