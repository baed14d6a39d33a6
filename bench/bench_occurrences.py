"""Expand a generated 10,000-obligation spec over one year vs dateutil.rrule on the same schedules.

Run: .venv/bin/python bench/bench_occurrences.py [--obligations N] [--repeat R] [--year Y]

The spec is a periodic mix RFC 5545 can express (a fifth each): daily; weekly on a weekday;
monthly by a day of the month (or at the month's end); quarterly at the quarter's end; yearly by
a day of a month. One agency each, so both sides produce one item per due date.

- "rrule": for every obligation, build the equivalent ``rrule`` (DTSTART at 23:59:59.999999
  Asia/Shanghai, the engine's due instant) and list its instants in the year.
- "occurrences": ``obligations.occurrences.occurrences(spec, 1 Jan, 31 Dec)``: the same instants,
  as sorted ``Occurrence`` objects with periods, agency, rule.
- "floor": building the same number of ``Occurrence`` objects from values computed beforehand,
  with nothing else: no engine can produce its result faster than this.

Before timing, the due instants of both sides are checked to be equal, obligation by obligation
(to the second: RFC 5545 has no fractions of a second, so rrule gives 23:59:59).
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
from obligations.occurrences import Occurrence, occurrences

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
    engine, rules = by_engine(spec, year), by_rrule(spec, year)
    check_equal(spec, engine, rules)
    count = len(engine)
    floor = floor_maker(engine)
    del engine, rules
    gc.collect()
    times: dict[str, list[float]] = {"rrule": [], "occurrences": [], "floor": []}
    for _ in range(args.repeat):
        times["rrule"].append(timed(lambda: by_rrule(spec, year)))
        times["occurrences"].append(timed(lambda: by_engine(spec, year)))
        times["floor"].append(timed(floor))
    med = {side: statistics.median(ts) for side, ts in times.items()}
    rr, occ, fl = med["rrule"], med["occurrences"], med["floor"]
    per = 1e6 / count
    print(
        f"spec: {args.obligations} periodic obligations; {count:,} due instants in {year}, equal both sides"
    )
    print(f"dateutil.rrule, same schedules (instants only): median {rr * 1000:,.0f} ms of {args.repeat}")
    print(f"occurrences() (sorted Occurrence objects):      median {occ * 1000:,.0f} ms")
    print(f"floor: {count:,} Occurrence objects alone:      median {fl * 1000:,.0f} ms")
    print(f"ratio rrule / occurrences: {rr / occ:.2f} (target >= 5)")
    print(f"ratio rrule / floor:       {rr / fl:.2f} (the most an engine returning these objects can reach)")
    print(
        f"per due instant: rrule {rr * per:.2f} µs, occurrences {occ * per:.2f} µs, floor {fl * per:.2f} µs"
    )


if __name__ == "__main__":
    main()
