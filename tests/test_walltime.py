"""Clock changes: a wall time written without an offset is one instant wherever it is written
(evidence text, Excel cells, events, --as-of): docs/calendar.md, "Clock changes"."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given

from obligations.events import parse_timestamp as event_time
from obligations.evidence import _RowBuilder
from obligations.evidence import parse_timestamp as evidence_time
from obligations.walltime import wall_instant
from tests.strategies import wall_times_near_clock_changes

NY = "America/New_York"


def same(a: dt.datetime, b: dt.datetime) -> bool:
    """The same instant with the same offset. (``==`` between zones is False for any time in a
    repeated hour, by PEP 495, even for the same instant.)"""
    return a.timestamp() == b.timestamp() and a.utcoffset() == b.utcoffset()


@pytest.mark.parametrize(
    ("written", "instant"),
    [
        ("2026-03-08 01:30", "2026-03-08T01:30:00-05:00"),  # before the change
        ("2026-03-08 02:30", "2026-03-08T03:30:00-04:00"),  # skipped: read as after the change
        ("2026-03-08 03:30", "2026-03-08T03:30:00-04:00"),
        ("2026-11-01 00:30", "2026-11-01T00:30:00-04:00"),
        ("2026-11-01 01:30", "2026-11-01T01:30:00-05:00"),  # repeated: its second occurrence
        ("2026-11-01 02:30", "2026-11-01T02:30:00-05:00"),
    ],
)
def test_the_rule_at_new_yorks_changes(written: str, instant: str) -> None:
    expected = pendulum.parse(instant)
    assert same(event_time(written, NY), expected)
    assert same(evidence_time(written, NY)[0], expected)
    assert same(wall_instant(dt.datetime.fromisoformat(written), NY), expected)


@given(wall_times_near_clock_changes())
def test_every_input_reads_a_wall_time_alike(case: tuple[str, dt.datetime]) -> None:
    zone, moment = case
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    expected = wall_instant(moment, zone)
    assert same(event_time(text, zone), expected)
    assert same(evidence_time(text, zone)[0], expected)
    # an Excel date cell: a naive datetime
    builder = _RowBuilder("x.xlsx", zone, pendulum.datetime(2030, 1, 1, tz="UTC"), 1000)
    stamp = builder.timestamp(2, moment, "yyyy-mm-dd hh:mm:ss")
    assert isinstance(stamp, tuple) and same(stamp[0], expected)


def test_elapsed_is_real_time_across_clock_changes() -> None:
    # Python subtracts two times sharing a tzinfo as wall times; elapsed must not: it equals
    # pendulum's own (slower) subtraction, around both London changes of 2026 and across zones.
    from obligations.walltime import elapsed

    tz = "Europe/London"
    points = [pendulum.datetime(2026, 3, 29, h, tz=tz) for h in (0, 1, 3, 4)]
    points += [pendulum.datetime(2026, 10, 25, h, m, tz=tz) for h in (0, 1, 2) for m in (0, 30)]
    points.append(pendulum.datetime(2026, 10, 25, 12, 0, 0, 999999, tz="Asia/Shanghai"))
    for a in points:
        for b in points:
            assert elapsed(a, b) == (b - a).as_timedelta()
    assert elapsed(points[4], points[8]) == dt.timedelta(hours=3)  # 00:00 BST to 02:00 GMT
