"""Expand a generated 10,000-obligation spec over one year vs dateutil.rrule on the same schedules.

Run: .venv/bin/python bench/bench_occurrences.py [--obligations N] [--repeat R] [--year Y]

The spec is a periodic mix RFC 5545 can express (a fifth each): daily; weekly on a weekday;
monthly by a day of the month (or at the month's end); quarterly at the quarter's end; yearly by
a day of a month. One agency each, so every side produces one item per due date.

Three sides, each producing every due instant of the year as an aware ``datetime``:

- "rrule": for every obligation, build the equivalent ``rrule`` (DTSTART at 23:59:59.999999
  Asia/Shanghai, the engine's due instant) and list its instants in the year: a list of
  datetimes per obligation.
- "expand": ``obligations.occurrences.expand(spec, 1 Jan, 31 Dec)``: a ``DueSeries`` per
  obligation, whose ``dues`` are the same instants as datetimes (``pendulum.DateTime``, one
  shared object per distinct instant), with the periods and due days as ordinals besides.
- "occurrences": ``occurrences(spec, 1 Jan, 31 Dec)``: the same instants, as sorted
  ``Occurrence`` objects with periods, agency, rule (expand + one object per due instant).

And two references, timed in the same loop, to read the sides by:

- "floor": building the same number of ``Occurrence`` objects from values computed beforehand,
  with nothing else: no engine can return these objects faster than this.
- "expand + a new datetime per instant": expand, then a plain ``datetime`` (the type rrule
  returns) built for every due instant: what a caller that wants an object of its own per
  instant, as rrule gives, would pay on top.

Before timing, the due instants of every side are checked to be equal, obligation by
obligation (to the second: RFC 5545 has no fractions of a second, so rrule gives 23:59:59), and
expand's and occurrences' to be identical to the microsecond, with the same periods.
Reports the median of R runs of each, interleaved so machine noise hits them alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import statistics
import time
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule  # type: ignore[import-untyped]

from obligations.compiler import compile_text
from obligations.model import Obligation, Periodic, Spec
from obligations.occurrences import DueSeries, Occurrence, expand, occurrences

WEEKDAYS = "一二三四五六日"
ZONE = ZoneInfo("Asia/Shanghai")


def generate(n: int, seed: int = 2026) -> str:
    rng = random.Random(seed)
    lines = ["標題：基準測試", "時區：Asia/Shanghai"]
    for i in range(n):
        kind = i % 5
        if kind == 0:
            timing = "每日"
        elif kind == 1:
            timing = f"每周{rng.choice(WEEKDAYS)}"
        elif kind == 2:
            timing = rng.choice(["每月", f"每月 {rng.randint(1, 28)}日前"])
        elif kind == 3:
            timing = "每季度"
        else:
            timing = f"每年 {rng.randint(1, 12)}月{rng.randint(1, 28)}日前"
        lines.append(f"[B-{i:05d}] {timing} 公布 事項{i} by 局{i % 10}")
    return "\n".join(lines) + "\n"


def as_rrule(ob: Obligation, year: int) -> Any:
    """The obligation's schedule as an RFC 5545 rule whose instants are its due instants."""
    sched = ob.schedule
    assert isinstance(sched, Periodic)
    # DTSTART on 1 January of the year: rrule walks from DTSTART, so an earlier one would slow it
    start = dt.datetime(year, 1, 1, 23, 59, 59, 999999, tzinfo=ZONE)
    every, dl = sched.every.value, sched.deadline
    if every == "day":
        return rrule.rrule(rrule.DAILY, dtstart=start)
    if every == "week":
        return rrule.rrule(rrule.WEEKLY, byweekday=((dl.weekday if dl else None) or 7) - 1, dtstart=start)
    if every == "month":
        return rrule.rrule(rrule.MONTHLY, bymonthday=dl.day if dl else -1, dtstart=start)
    if every == "quarter":
        return rrule.rrule(rrule.MONTHLY, bymonth=(3, 6, 9, 12), bymonthday=-1, dtstart=start)
    assert dl is not None and every == "year"
    return rrule.rrule(rrule.YEARLY, bymonth=dl.month, bymonthday=dl.day, dtstart=start)


def by_rrule(spec: Spec, year: int) -> list[list[dt.datetime]]:
    first = dt.datetime(year, 1, 1, tzinfo=ZONE)
    last = dt.datetime(year, 12, 31, 23, 59, 59, 999999, tzinfo=ZONE)
    return [as_rrule(ob, year).between(first, last, inc=True) for ob in spec.obligations]


def by_engine(spec: Spec, year: int) -> list[Occurrence]:
    return occurrences(spec, dt.date(year, 1, 1), dt.date(year, 12, 31))


def by_expand(spec: Spec, year: int) -> list[DueSeries]:
    return expand(spec, dt.date(year, 1, 1), dt.date(year, 12, 31))


def own_objects(spec: Spec, year: int) -> list[list[dt.datetime]]:
    """expand, then a plain ``datetime`` of its own (rrule's type) for every due instant."""
    new = dt.datetime
    return [
        [new(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, d.tzinfo) for d in s.dues]
        for s in by_expand(spec, year)
    ]


def floor_maker(found: list[Occurrence]) -> Callable[[], list[Occurrence]]:
    """Rebuild ``found`` from its own field values: the cost of the objects alone."""
    values = [
        (o.obligation, o.agency, o.period_start, o.period_end, None, o.due, o.due_date, False, (), 1, o.rule)
        for o in found
    ]

    def build() -> list[Occurrence]:
        gc.disable()  # as occurrences() does
        try:
            return [Occurrence(*v) for v in values]
        finally:
            gc.enable()

    return build


def check_equal(spec: Spec, engine: list[Occurrence], rules: list[list[dt.datetime]]) -> None:
    ours: dict[str, list[dt.datetime]] = {ob.id: [] for ob in spec.obligations}
    for occ in sorted(engine, key=lambda o: o.due):
        ours[occ.obligation.id].append(occ.due.replace(microsecond=0))
    for ob, theirs in zip(spec.obligations, rules, strict=True):
        assert ours[ob.id] == theirs, ob.id


def check_expand(
    spec: Spec, series: list[DueSeries], rules: list[list[dt.datetime]], engine: list[Occurrence]
) -> None:
    """expand's instants are rrule's (to the second) and occurrences' (exactly, with periods)."""
    by_id = {s.obligation.id: s for s in series}
    assert len(by_id) == len(series) == len(spec.obligations)
    for ob, theirs in zip(spec.obligations, rules, strict=True):
        dues = by_id[ob.id].dues
        assert all(isinstance(d, dt.datetime) and d.tzinfo is not None for d in dues), ob.id
        assert [d.replace(microsecond=0) for d in dues] == theirs, ob.id
    flat = [
        (s.obligation.id, due, dt.date.fromordinal(day), dt.date.fromordinal(a), dt.date.fromordinal(b))
        for s in series
        for due, day, a, b in zip(s.dues, s.due_days, s.period_starts or (), s.period_ends or (), strict=True)
    ]
    objects = [(o.obligation.id, o.due, o.due_date, o.period_start, o.period_end) for o in engine]
    assert sorted(flat) == sorted(objects)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t
    del result
    gc.collect()  # free one side's million objects before the next side runs
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--obligations", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--year", type=int, default=2026)
    args = ap.parse_args()
    compiled = compile_text(generate(args.obligations), "bench.obl")
    assert compiled.spec is not None and len(compiled.spec.obligations) == args.obligations
    spec, year = compiled.spec, args.year
    engine, series, rules = by_engine(spec, year), by_expand(spec, year), by_rrule(spec, year)
    check_equal(spec, engine, rules)
    check_expand(spec, series, rules, engine)
    count = len(engine)
    assert count == sum(len(s) for s in series) == sum(len(r) for r in rules)
    floor = floor_maker(engine)
    del engine, series, rules
    gc.collect()
    sides: dict[str, Callable[[], object]] = {
        "rrule": lambda: by_rrule(spec, year),
        "expand": lambda: by_expand(spec, year),
        "occurrences": lambda: by_engine(spec, year),
        "floor": floor,
        "own": lambda: own_objects(spec, year),
    }
    times: dict[str, list[float]] = {side: [] for side in sides}
    for _ in range(args.repeat):
        for side, fn in sides.items():
            times[side].append(timed(fn))
    med = {side: statistics.median(ts) for side, ts in times.items()}
    rr, ex, occ, fl, own = (med[side] for side in ("rrule", "expand", "occurrences", "floor", "own"))
    per = 1e6 / count
    rows = [
        ("dateutil.rrule, same schedules (a new datetime per instant)", rr),
        ("expand(): DueSeries (shared datetimes, period ordinals)", ex),
        ("occurrences(): sorted Occurrence objects", occ),
        (f"reference: floor, {count:,} Occurrence objects alone", fl),
        ("reference: expand() + a new datetime per instant", own),
    ]
    print(
        f"spec: {args.obligations} periodic obligations; {count:,} due instants in {year}, equal on all sides"
    )
    print(f"medians of {args.repeat} interleaved runs (each side: aware datetimes for every due instant)")
    for name, t in rows:
        print(f"  {name:<62} {t * 1000:8,.0f} ms {t * per:6.2f} µs/instant")
    print(f"ratio rrule / expand:      {rr / ex:6.2f} (target >= 5)")
    print(f"ratio rrule / occurrences: {rr / occ:6.2f}")
    print(
        f"ratio rrule / floor:       {rr / fl:6.2f} (the most an engine returning Occurrence objects reaches)"
    )
    print(f"ratio rrule / expand() + a new datetime per instant: {rr / own:.2f}")


if __name__ == "__main__":
    main()
