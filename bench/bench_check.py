"""Check N evidence rows against a generated 10,000-obligation spec vs reading the same CSV with csv.

Run: .venv/bin/python bench/bench_check.py [--rows 1000000 2000000] [--repeat R] [--obligations N]

Issue 5's acceptance: checking 1,000,000 rows against 10,000 obligations over one year takes at
most 2x the time of reading the same CSV with the standard csv module, peak memory stays under
1 GB, and 2,000,000 rows take at most 2.2x the time of 1,000,000.

The spec (seeded): 10,000 obligations with ids, one of 10 declared agencies each (one in twenty
owed by two agencies separately): weekly (every Sunday or by a weekday), monthly (month's end or by
a day), quarterly (quarter's end or 期後15日內), a few monthly ones that roll over holidays
(遇節假日順延, so holiday data matters) and a few event duties (特別重大突發事件 後 48小時內, fed a
dozen events).

The evidence (seeded), spread over 2026: ``編號,單位,發布時間,鏈接,標題,期間``, one row per
publication: an obligation that owes it, its agency, a time ``2026-mm-dd HH:MM`` inside the period
(one in ten late, after it), a distinct url and title per row, the period (2026-W41, 2026-10,
2026-Q3) on one row in five. About 1 % name a wrong agency, 1 % an unknown id, 0.2 % have a bad
timestamp (rejected), 3 % write the agency in Simplified script.

Four sides, each in a fresh subprocess (so ``ru_maxrss`` of that process is the side's own peak),
interleaved (csv, least, check, floor, csv, least …) and reported as medians:

- "csv": ``csv.reader`` over the file, touching every row (``len(row)``);
- "least": the least a pure-Python check must do with each row, in one process: ``csv.reader``, one
  dict lookup of (id, agency), ``datetime.fromisoformat`` of the time, both kept in lists. No
  validation, matching or verdict: its ratio to "csv" is a lower bound for any design that reads
  the rows in Python;
- "check": what ``obligations check`` does before it renders: ``obligations.evidence.load_evidence``
  (the public loader: encoding detection, header mapping, validation of every row, into columns)
  then ``obligations.findings.check`` from 2026-01-01 as of 2026-12-31 23:59:59 (occurrence
  expansion, matching, verdicts, ordered findings), then ``summary()`` and ``len(findings)``: a
  result whose findings are all available (``Findings`` and ``LoadResult.records`` build each
  ``Finding`` and ``EvidenceRecord`` when it is asked for, so none is built here);
- "floor": what the previous design could not avoid: one ``pendulum.DateTime``, ``RecordSource``,
  ``EvidenceRecord`` and ``Finding`` (with its one-record tuple) per row, built from values parsed
  beforehand (not timed), the cheapest way the library knows, the collector paused and its final
  collection counted. The lazy result no longer pays this; it is kept as the yardstick of what
  building every object eagerly would cost (and what rendering every finding still costs).

Only those are timed; interpreter start-up and compiling the spec are not. Within "check" the
time spent in ``obligations.occurrences.expand`` (expansion: the year and the pending horizon) is
measured by wrapping it, and reported as a share.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AGENCIES = [
    ("市場監管局", "市场监管局"),
    ("財政局", "财政局"),
    ("商務局", "商务局"),
    ("環保局", "环保局"),
    ("人社局", "人社局"),
    ("統計局", "统计局"),
    ("住建局", "住建局"),
    ("教育局", "教育局"),
    ("民政局", "民政局"),
    ("衛計委", "卫计委"),
]
SUBJECT_CHARS = "食品安全抽檢財政收支報告環境預測農產價格統計資料城市空氣水源藥質量消費市場運行分析"
YEAR = 2026
TZ = "Asia/Shanghai"
EVENT = "特別重大突發事件"


# ---- the spec --------------------------------------------------------------------------------------


def obligation_plan(n: int, seed: int) -> list[dict[str, Any]]:
    """What the generator needs to know of each obligation: id, kind, agencies, subject, line."""
    rng = random.Random(seed)
    plan = []
    for i in range(n):
        slot = i % 100
        subject = "".join(rng.choice(SUBJECT_CHARS) for _ in range(rng.randint(4, 8))) + str(i)
        agencies = [AGENCIES[rng.randrange(len(AGENCIES))][0]]
        if rng.random() < 0.05:
            other = rng.choice([a for a, _ in AGENCIES if a != agencies[0]])
            agencies.append(other)
        if slot < 40:
            kind, timing = "week", rng.choice(["每周", "每周五", "每周三"])
        elif slot < 73:
            kind, timing = "month", rng.choice(["每月", f"每月 {rng.randint(5, 28)}日前"])
        elif slot < 75:
            kind, timing = "month", f"每月 {rng.randint(5, 20)}日前 遇節假日順延"
        elif slot < 98:
            kind, timing = "quarter", rng.choice(["每季度", "每季度 期後15日內"])
        else:
            kind, timing = "event", f"事件 {EVENT} 後 48小時內"
        ob_id = f"B-{i:05d}"
        roll = ""
        if timing.endswith(" 遇節假日順延"):
            timing, roll = timing.removesuffix(" 遇節假日順延"), " 遇節假日順延"
        who = "、".join(agencies) + (" 分別" if len(agencies) > 1 else "")
        line = f"[{ob_id}] {timing} 公布 {subject} by {who}{roll}"
        plan.append({"id": ob_id, "kind": kind, "agencies": agencies, "subject": subject, "line": line})
    return plan


def spec_text(plan: list[dict[str, Any]]) -> str:
    lines = ["標題：核查基準", "發布日期：2025-12-01", f"時區：{TZ}"]
    lines += [f"機構 {a} = 海門市{a}" for a, _ in AGENCIES]
    lines += [p["line"] for p in plan]
    return "\n".join(lines) + "\n"


def event_times(seed: int) -> list[dt.datetime]:
    rng = random.Random(seed + 1)
    days = sorted(rng.sample(range(1, 350), 12))
    return [dt.datetime(YEAR, 1, 1, 9) + dt.timedelta(days=d, hours=rng.randint(0, 10)) for d in days]


# ---- the evidence ------------------------------------------------------------------------------------


def _period(kind: str, rng: random.Random) -> tuple[dt.date, dt.date, str, str]:
    """A period of ``kind`` in the year: first day, last day, label for the 期間 column, title part."""
    if kind == "week":
        week = rng.randint(1, 52)
        monday = dt.date.fromisocalendar(YEAR, week, 1)
        return monday, monday + dt.timedelta(days=6), f"{YEAR}-W{week:02d}", f"{YEAR}年第{week}周"
    if kind == "month":
        month = rng.randint(1, 12)
        first = dt.date(YEAR, month, 1)
        last = (dt.date(YEAR + (month == 12), month % 12 + 1, 1)) - dt.timedelta(days=1)
        return first, last, f"{YEAR}-{month:02d}", f"{YEAR}年{month}月"
    quarter = rng.randint(1, 4)
    first = dt.date(YEAR, 3 * quarter - 2, 1)
    last = dt.date(YEAR, 3 * quarter, 28)
    return first, last, f"{YEAR}-Q{quarter}", f"{YEAR}年第{quarter}季度"


def write_evidence(path: Path, plan: list[dict[str, Any]], rows: int, seed: int) -> None:
    rng = random.Random(seed + rows)
    events = event_times(seed)
    simplified = dict(AGENCIES)
    names = [a for a, _ in AGENCIES]
    last = dt.datetime(YEAR, 12, 31, 23, 59)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["編號", "單位", "發布時間", "鏈接", "標題", "期間"])
        for row in range(2, rows + 2):
            ob = plan[rng.randrange(len(plan))]
            agency = ob["agencies"][0] if len(ob["agencies"]) == 1 else rng.choice(ob["agencies"])
            period = ""
            roll = rng.random()
            if ob["kind"] == "event":
                when = rng.choice(events) + dt.timedelta(minutes=rng.randint(10, 60 * 60))
                title = f"{ob['subject']}（{when:%m月%d日}）"
            else:
                first, end, label, shown = _period(ob["kind"], rng)
                day = first + dt.timedelta(days=rng.randint(0, (end - first).days))
                if roll < 0.1:  # late: after the period
                    day = end + dt.timedelta(days=rng.randint(1, 20))
                when = dt.datetime(day.year, day.month, day.day, rng.randint(8, 18), rng.randint(0, 59))
                title = f"{ob['subject']}（{shown}）"
                if rng.random() < 0.2:
                    period = label
            when = min(when, last)
            ob_id = ob["id"]
            if roll > 0.99:  # wrong agency
                agency = rng.choice([a for a in names if a not in ob["agencies"]])
            elif roll > 0.98:  # unknown obligation
                ob_id = f"X-{rng.randrange(100_000):05d}"
            elif 0.95 < roll < 0.98:  # the other script
                agency = simplified[agency]
            stamp = f"{when:%Y-%m-%d %H:%M}"
            if rng.random() < 0.002:
                stamp = f"{YEAR}-13-{when.day:02d} {when:%H:%M}"  # rejected: bad_timestamp
            site = names.index(agency) if agency in names else 0
            url = f"https://www.haimen.gov.cn/art/{when:%Y/%m/%d}/art_{site}_{row}.html"
            out.writerow([ob_id, agency, stamp, url, title, period])


# ---- the two sides (each runs in its own process) ---------------------------------------------------


def side_csv(path: Path) -> dict[str, Any]:
    t = time.perf_counter()
    cells = rows = 0
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            cells += len(row)
            rows += 1
    return {"seconds": time.perf_counter() - t, "rows": rows - 1, "cells": cells}


def side_check(path: Path, spec_path: Path, seed: int) -> dict[str, Any]:
    import pendulum

    import obligations.occurrences as occ_module
    from obligations.compiler import compile_text
    from obligations.evidence import load_evidence
    from obligations.findings import check
    from obligations.occurrences import EventRecord

    compiled = compile_text(spec_path.read_text(encoding="utf-8"), str(spec_path))
    assert compiled.spec is not None, [str(d) for d in compiled.diagnostics][:5]
    spec = compiled.spec
    events = [
        EventRecord(EVENT, pendulum.instance(t, tz=TZ), id=f"E{i}") for i, t in enumerate(event_times(seed))
    ]
    as_of = pendulum.datetime(YEAR, 12, 31, 23, 59, 59, tz=TZ)
    expansion = [0.0, 0]
    inner = occ_module.expand

    def timed_expand(*args: Any, **kw: Any) -> Any:
        t = time.perf_counter()
        try:
            return inner(*args, **kw)
        finally:
            expansion[0] += time.perf_counter() - t
            expansion[1] += 1

    occ_module.expand = timed_expand
    rss_before = _rss_mb()
    t0 = time.perf_counter()
    loaded = load_evidence(path, spec.timezone, as_of)
    t1 = time.perf_counter()
    result = check(spec, [loaded], start=dt.date(YEAR, 1, 1), as_of=as_of, events=events)
    summary = result.summary()
    findings = len(result.findings)
    t2 = time.perf_counter()
    assert summary["matched"] + summary["unmatched"] + summary["rejected"] == summary["rows_read"]
    return {
        "seconds": t2 - t0,
        "load": t1 - t0,
        "check": t2 - t1,
        "expansion": expansion[0],
        "expansion_calls": expansion[1],
        "rss_before_mb": rss_before,
        # the reader process load_evidence forks for the second half of a large file: its own peak
        # (shared copy-on-write pages included), which the side's ru_maxrss does not count
        "reader_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "findings": findings,
        "summary": summary,
    }


def side_least(path: Path) -> dict[str, Any]:
    """The least a check written in Python does with each row, timed like "csv": read it with
    ``csv.reader``, look up its (id, agency) in a dict, parse its time with ``fromisoformat`` and
    keep both. No validation, no matching, no verdict, one process: a lower bound on any pure-Python
    design that reads every row in one process."""
    t = time.perf_counter()
    seen: dict[tuple[str, str], int] = {}
    keys: list[int] = []
    times: list[dt.datetime | None] = []
    parse = dt.datetime.fromisoformat
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for row in rows:
            ident = (row[0], row[1])
            key = seen.get(ident)
            if key is None:
                key = seen[ident] = len(seen)
            keys.append(key)
            try:
                times.append(parse(row[2]))
            except ValueError:
                times.append(None)
    return {"seconds": time.perf_counter() - t, "rows": len(keys), "targets": len(seen)}


def side_floor(path: Path) -> dict[str, Any]:
    import pendulum

    from obligations.evidence import EvidenceRecord, RecordSource, _unchecked
    from obligations.findings import Finding, Status

    zone = pendulum.timezone(TZ)
    values = []
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        for number, (ob, agency, stamp, url, title, _) in enumerate(rows, start=2):
            try:
                wall = dt.datetime.fromisoformat(stamp)
            except ValueError:
                continue
            values.append(
                (ob, agency, wall.year, wall.month, wall.day, wall.hour, wall.minute, url, title, number)
            )
    new_record, new_source, new_finding = (
        _unchecked(EvidenceRecord),
        _unchecked(RecordSource),
        _unchecked(Finding),
    )
    file, duplicate, moment = str(path), Status.DUPLICATE, pendulum.DateTime
    out = []
    t = time.perf_counter()
    gc.disable()
    for ob, agency, y, mo, d, h, mi, url, title, number in values:
        at = moment(y, mo, d, h, mi, 0, 0, zone, fold=1)
        record = new_record(agency, at, ob, None, url, title, None, None, False, new_source(file, number))
        out.append(new_finding(duplicate, ob, agency, None, (record,), None, None, ""))
    gc.enable()
    gc.collect(0)  # what the first allocation after re-enabling the collector would do
    return {"seconds": time.perf_counter() - t, "objects": len(out)}


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_side(args: list[str]) -> dict[str, Any]:
    """Run one side in a fresh interpreter; its own report plus its peak RSS (``wait4``)."""
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [sys.executable, __file__, *args], stdout=subprocess.PIPE, stderr=err, text=True
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"side {args} failed:\n{err.read()}")
    report: dict[str, Any] = json.loads(out)
    report["maxrss_mb"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    return report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 2_000_000])
    ap.add_argument("--obligations", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--dir", type=Path, default=None, help="where to write the files (default: a temp dir)")
    ap.add_argument("--side", choices=["csv", "least", "check", "floor"], help=argparse.SUPPRESS)
    ap.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--spec", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.side == "csv":
        print(json.dumps(side_csv(args.file)))
        return
    if args.side == "check":
        print(json.dumps(side_check(args.file, args.spec, args.seed)))
        return
    if args.side == "floor":
        print(json.dumps(side_floor(args.file)))
        return
    if args.side == "least":
        print(json.dumps(side_least(args.file)))
        return

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        plan = obligation_plan(args.obligations, args.seed)
        spec_path = Path(tmp) / "bench.obl"
        spec_path.write_text(spec_text(plan), encoding="utf-8")
        files = {}
        for n in args.rows:
            files[n] = Path(tmp) / f"evidence-{n}.csv"
            t = time.perf_counter()
            write_evidence(files[n], plan, n, args.seed)
            size = files[n].stat().st_size / 2**20
            print(f"generated {n:,} rows ({size:,.0f} MiB) in {time.perf_counter() - t:.1f} s", flush=True)
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for r in range(args.repeat):
            for n in args.rows:
                for side in ("csv", "least", "check", "floor"):
                    extra = ["--spec", str(spec_path), "--seed", str(args.seed)] if side == "check" else []
                    report = run_side(["--side", side, "--file", str(files[n]), *extra])
                    runs.setdefault((side, n), []).append(report)
                    print(
                        f"  run {r + 1} {side:5s} {n:>9,}: {report['seconds']:7.2f} s, "
                        f"peak RSS {report['maxrss_mb']:,.0f} MiB",
                        flush=True,
                    )
        print_report(args, runs)


def print_report(args: argparse.Namespace, runs: dict[tuple[str, int], list[dict[str, Any]]]) -> None:
    def med(side: str, n: int, key: str) -> float:
        return float(statistics.median(r[key] for r in runs[(side, n)]))

    print()
    print(f"spec: {args.obligations:,} obligations; medians of {args.repeat} interleaved runs")
    for n in args.rows:
        c, k, fl = med("csv", n, "seconds"), med("check", n, "seconds"), med("floor", n, "seconds")
        load, chk, exp = med("check", n, "load"), med("check", n, "check"), med("check", n, "expansion")
        summary = runs[("check", n)][0]["summary"]
        csv_rss, check_rss = med("csv", n, "maxrss_mb"), med("check", n, "maxrss_mb")
        print(f"{n:,} rows:")
        print(f"  csv.reader              {c * 1000:9,.0f} ms   peak RSS {csv_rss:6,.0f} MiB")
        least = med("least", n, "seconds")
        print(f"  least in Python         {least * 1000:9,.0f} ms   (read, look up, parse the time)")
        print(f"  load_evidence + check   {k * 1000:9,.0f} ms   peak RSS {check_rss:6,.0f} MiB")
        print(f"    (the compiled spec alone: {med('check', n, 'rss_before_mb'):,.0f} MiB)")
        print(f"    (its forked reader's own peak RSS: {med('check', n, 'reader_rss_mb'):,.0f} MiB)")
        print(f"    load_evidence         {load * 1000:9,.0f} ms")
        print(f"    check                 {chk * 1000:9,.0f} ms")
        print(f"      of which expansion  {exp * 1000:9,.0f} ms ({exp / k:.0%} of the whole)")
        print(f"  floor (result objects)  {fl * 1000:9,.0f} ms")
        print(f"  ratio check / csv: {k / c:.2f} (target <= 2); without expansion: {(k - exp) / c:.2f}")
        print(f"  ratio floor / csv: {fl / c:.2f}; check / floor: {k / fl:.2f}")
        print(f"  ratio least / csv: {least / c:.2f}; check / least: {k / least:.2f}")
        print(f"  summary: {json.dumps(summary, ensure_ascii=False)}")
    if len(args.rows) >= 2:
        a, b = args.rows[0], args.rows[1]
        ka, kb = med("check", a, "seconds"), med("check", b, "seconds")
        ea, eb = med("check", a, "expansion"), med("check", b, "expansion")
        ca, cb = med("csv", a, "seconds"), med("csv", b, "seconds")
        print(
            f"scaling {b:,} / {a:,} rows: {kb / ka:.2f} (target <= 2.2); "
            f"without expansion: {(kb - eb) / (ka - ea):.2f}; csv alone: {cb / ca:.2f}"
        )


if __name__ == "__main__":
    main()
