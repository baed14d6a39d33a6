"""Draft the Haimen 2017 document with `obligations extract` and compare with the hand-encoded spec.

Run: .venv/bin/python bench/bench_extract.py [--repeat R] [--verbose] [--no-agencies]

1. Time: ``extract_text`` on the whole document, first call in the process (cold: grammar,
   OpenCC and regexes load) and the median of R further calls (warm). The bundled agency
   registry ``specs/haimen-2017/agencies.obl`` is passed as ``agencies=`` (the realistic
   workflow: a city reuses its registry); ``--no-agencies`` drafts without it.
2. Compile the draft (it must have no errors) and the bundled spec ``specs/haimen-2017``.
3. Match extracted obligations to bundled ones, one to one:
   - a pair is *eligible* when their source quotes overlap: at least half of the character
     bigrams of one quote occur in the other (quotes compared script-insensitively, without
     white space or punctuation; the draft quotes whole sentences, the bundled spec often a
     clause, so containment is what counts), and their subjects are similar: Dice coefficient
     of the subjects' character bigrams ≥ 0.2;
   - eligible pairs are taken greedily, best first (subject similarity, then quote overlap),
     each obligation at most once.
4. Report
   - recall: share of bundled obligations matched by an extracted one that is *right*:
     same schedule kind, and the same ``every`` (periodic, count) or ``within`` /
     ``working_days`` (event; 同步 is within P0D), and the same agency set (names resolved
     through the bundled agency registry, so 市發改委 = 發改委; roles not compared);
   - found: share of bundled obligations matched at all;
   - a diagnostic (not the target): recall if the draft's agencies need only be among the
     bundled ones (the hand spec adds supporting agencies by judgment);
   - precision: share of extracted obligations matched to a bundled one;
   - failure classes: bundled obligations not found, found with the wrong schedule, found with
     the wrong agencies (or both); extracted obligations matching nothing.
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from obligations import script
from obligations.compiler import compile_file, compile_text
from obligations.diagnostics import render_all
from obligations.extract import Registry, extract_text, load_registry
from obligations.model import Obligation, Spec, schedule_to_dict

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "shared" / "seeds" / "000_0ca0f610db5f85cb.txt"  # a copy of ../shared
BUNDLED = ROOT / "specs" / "haimen-2017" / "haimen-2017.obl"
REGISTRY = ROOT / "specs" / "haimen-2017" / "agencies.obl"

QUOTE_OVERLAP = 0.5
SUBJECT_SIMILARITY = 0.2
_PUNCT = re.compile(r"[\s\W_]+")


def _key(text: str) -> str:
    return _PUNCT.sub("", script.to_hans(text)).casefold()


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


def quote_overlap(a: str, b: str) -> float:
    ba, bb = _bigrams(_key(a)), _bigrams(_key(b))
    common = len(ba & bb)
    return max(common / len(ba), common / len(bb))


def subject_similarity(a: str, b: str) -> float:
    ba, bb = _bigrams(_key(a)), _bigrams(_key(b))
    return 2 * len(ba & bb) / (len(ba) + len(bb))


def schedule_key(ob: Obligation) -> tuple[Any, ...]:
    d = schedule_to_dict(ob.schedule)
    kind = d["kind"]
    if kind in ("periodic", "count"):
        return (kind, d["every"])
    if kind == "event":
        return (kind, d.get("within"), d.get("working_days"))
    return (kind,)


def agency_set(ob: Obligation, registry: Spec) -> frozenset[str]:
    out = set()
    for ref in ob.agencies:
        agency = registry.agency(ref.name)
        out.add(agency.name if agency else script.key(ref.name))
    return frozenset(out)


def match(extracted: list[Obligation], bundled: list[Obligation]) -> dict[int, int]:
    """bundled index -> extracted index."""
    pairs = []
    for i, b in enumerate(bundled):
        for j, e in enumerate(extracted):
            q = quote_overlap(b.source.quote, e.source.quote)
            if q < QUOTE_OVERLAP:
                continue
            s = subject_similarity(b.subject, e.subject)
            if s >= SUBJECT_SIMILARITY:
                pairs.append((s, q, i, j))
    pairs.sort(key=lambda p: (-p[0], -p[1], p[2], p[3]))
    used_b: set[int] = set()
    used_e: set[int] = set()
    out = {}
    for _, _, i, j in pairs:
        if i in used_b or j in used_e:
            continue
        used_b.add(i)
        used_e.add(j)
        out[i] = j
    return out


def time_extraction(text: str, repeat: int, registry: Registry | None) -> tuple[float, float]:
    start = time.perf_counter()
    extract_text(text, SEED.name, agencies=registry)
    cold = time.perf_counter() - start
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        extract_text(text, SEED.name, agencies=registry)
        runs.append(time.perf_counter() - start)
    return cold, statistics.median(runs)


def _line(ob: Obligation) -> str:
    names = "、".join(a.name for a in ob.agencies) or "-"
    return f"{ob.action} {ob.subject} | {schedule_key(ob)} | {names}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failure")
    parser.add_argument("--no-agencies", action="store_true", help="draft without the agency registry")
    args = parser.parse_args()

    text = SEED.read_text(encoding="utf-8")
    # Loaded before timing, as a caller reusing its registry would; the include is absolute
    # because compile_text resolves includes against the current directory.
    agencies = None if args.no_agencies else load_registry(REGISTRY, REGISTRY.as_posix())
    cold, warm = time_extraction(text, args.repeat, agencies)
    draft = extract_text(text, SEED.name, agencies=agencies)
    result = compile_text(draft, "draft.obl")
    if result.errors or result.spec is None:
        raise SystemExit(render_all(result.errors, result.sources, "en"))
    bundled_result = compile_file(BUNDLED)
    assert bundled_result.spec is not None
    registry = bundled_result.spec
    extracted = list(result.spec.obligations)
    bundled = list(registry.obligations)

    pairs = match(extracted, bundled)
    right = right_subset = 0
    classes: Counter[str] = Counter()
    agency_detail: Counter[str] = Counter()
    failures: dict[str, list[str]] = {}
    for i, b in enumerate(bundled):
        j = pairs.get(i)
        if j is None:
            cls = "not found"
            failures.setdefault(cls, []).append(f"{b.id}: {_line(b)}")
            classes[cls] += 1
            continue
        e = extracted[j]
        same_schedule = schedule_key(b) == schedule_key(e)
        same_agencies = agency_set(b, registry) == agency_set(e, registry)
        if same_schedule and agency_set(e, registry) and agency_set(e, registry) <= agency_set(b, registry):
            right_subset += 1
        if same_schedule and same_agencies:
            right += 1
            continue
        cls = (
            "wrong schedule and agencies"
            if not (same_schedule or same_agencies)
            else "wrong schedule"
            if not same_schedule
            else "wrong agencies"
        )
        classes[cls] += 1
        if not same_agencies:
            mine, theirs = agency_set(e, registry), agency_set(b, registry)
            how = (
                "the bundled spec adds agencies to the draft's"
                if mine < theirs
                else "the draft adds agencies to the bundled spec's"
                if mine > theirs
                else "overlapping, neither contains the other"
                if mine & theirs
                else "no agency in common"
            )
            agency_detail[how] += 1
        failures.setdefault(cls, []).append(f"{b.id}: {_line(b)}\n      draft: {_line(e)}")
    matched_e = set(pairs.values())
    unmatched = [e for j, e in enumerate(extracted) if j not in matched_e]

    print(f"document: {SEED.name} ({len(text):,} characters)")
    print(f"agency registry: {'none' if agencies is None else REGISTRY.relative_to(ROOT)}")
    print(f"extraction time: cold {cold * 1000:.0f} ms, warm median of {args.repeat} {warm * 1000:.0f} ms")
    print(f"draft: {len(extracted)} obligations, compiles with 0 errors")
    print(f"bundled spec: {len(bundled)} obligations")
    print(f"recall (right schedule and agencies): {right}/{len(bundled)} = {right / len(bundled):.1%}")
    print(f"found (matched at all): {len(pairs)}/{len(bundled)} = {len(pairs) / len(bundled):.1%}")
    print(
        "  diagnostic, not the target: right schedule and the draft's agencies among the bundled ones "
        f"(agencies the spec adds by judgment not required): {right_subset}/{len(bundled)} "
        f"= {right_subset / len(bundled):.1%}"
    )
    print(f"precision: {len(matched_e)}/{len(extracted)} = {len(matched_e) / len(extracted):.1%}")
    print("failure classes (bundled obligations):")
    for cls, n in classes.most_common():
        print(f"  {cls}: {n}")
    print("wrong agency sets (with or without the right schedule):")
    for how, n in agency_detail.most_common():
        print(f"  {how}: {n}")
    print(f"  extracted obligations matching nothing: {len(unmatched)}")
    if args.verbose:
        for cls, items in failures.items():
            print(f"\n== {cls}")
            for item in items:
                print("  " + item)
        print("\n== extracted, matching nothing")
        for e in unmatched:
            print(f"  line {e.source.line}: {_line(e)}")


if __name__ == "__main__":
    main()
