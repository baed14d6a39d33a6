"""A time written without an offset, read in a zone: one rule for every input.

A wall time a clock change skips (02:30 when clocks go from 02:00 to 03:00) is read as after the
change (03:30 summer time); a wall time it repeats (01:30 when clocks go back from 02:00 to 01:00)
is read as its second occurrence, after the change. This is ``pendulum.datetime``'s rule
(``fold=1``); evidence times, event times, Excel date cells and ``--as-of`` all follow it, so the
same text is the same instant wherever it is written (docs/calendar.md, "Clock changes"). China has
had no clock change since 1991: the rule matters to specs in other zones.
"""

from __future__ import annotations

import datetime as dt

import pendulum


def wall_instant(
    naive: dt.datetime, zone: str | pendulum.Timezone | pendulum.FixedTimezone
) -> pendulum.DateTime:
    """The instant the wall time ``naive`` (its tzinfo ignored) names in ``zone``."""
    return pendulum.datetime(
        naive.year,
        naive.month,
        naive.day,
        naive.hour,
        naive.minute,
        naive.second,
        naive.microsecond,
        tz=zone,
    )


_minus = dt.datetime.__sub__  # a plain timedelta; pendulum's subtraction builds an Interval (50 µs)
_offset = dt.datetime.utcoffset


def elapsed(earlier: dt.datetime, later: dt.datetime) -> dt.timedelta:
    """``later - earlier`` as lived, exactly, for aware times. Python subtracts two times that share
    one tzinfo as wall times, so across a clock change (Europe/London, 25 October) an hour would be
    lost or gained: the difference of their offsets puts it back. Lateness, gaps and overdue days
    are all measured with it; a large report measures a million."""
    delta = _minus(later, earlier)
    if later.tzinfo is earlier.tzinfo:
        delta -= _offset(later) - _offset(earlier)  # type: ignore[operator]  # aware: never None
    return delta
