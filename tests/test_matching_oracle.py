"""The matcher against an oracle: docs/checking.md's rules written plainly, on ``Occurrence``
objects and evidence records, compared finding for finding with ``check_records`` on generated
rows.

The oracle is slow and obvious: no integers, no columns, no grouping by distinct keys. Where the
two disagree, one of them does not do what docs/checking.md says. Order is not compared here (it
has tests of its own in test_findings.py): each side's findings are compared as a multiset.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import Any

import pendulum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations import script
from obligations.compiler import compile_text
from obligations.evidence import EvidenceRecord, parse_period
from obligations.findings import check_records
from obligations.model import Obligation, Spec
from obligations.occurrences import EventRecord, Occurrence, agencies_owing
from obligations.syntax import Role

TZ = "Asia/Shanghai"
SPEC_TEXT = """機構 市場監管局 = 海門市市場監督管理局 別名 市场监管局
機構 財政局 = 海門市財政局
機構 物價局 = 海門市物價局
機構 環保局 = 海門市環境保護局
[W] 每周 公布 食品安全抽檢 by 市場監管局
[M] 每月 8日前 公布 財政收支月報 by 財政局 遇節假日順延
[Q] 每季度 期後15日內 公布 季度報告 by 財政局、物價局 分別
[J] 每月 公布 價格監測 by 財政局、物價局
[L] 每月 公布 收費目錄 by 物價局 牽頭、財政局 配合
[L2] 每月 公布 收費公示 by 財政局 牽頭、物價局 牽頭、環保局 配合
[F] 每日 提前48小時 發布 空氣預報 by 環保局
[E] 事件 突發事件 後 5小時內 發布 權威信息 by 環保局
[C] 每季度 至少2次 開展 專項督查 by 市場監管局、環保局 分別
[R] 實時（間隔不超過6小時） 發布 空氣質量 by 環保局
[S] 長期 公開 辦事指南 by 財政局
"""
_SPEC = compile_text(SPEC_TEXT, "oracle.obl").spec
assert _SPEC is not None
START = dt.date(2025, 9, 1)
EVENTS = (
    EventRecord("突發事件", pendulum.datetime(2025, 9, 20, 22, tz=TZ), id="a"),
    EventRecord("突發事件", pendulum.datetime(2025, 10, 9, 3, 30, tz=TZ), id="b"),
    EventRecord("突發事件", pendulum.datetime(2025, 10, 9, 3, 30, tz=TZ), id="c"),
)
# Ids and subjects the rows name (NOPE and 不存在的事項 name nothing), agencies in either script,
# owing or not, declared or not, and periods a row may state.
_IDS = ["W", "M", "Q", "J", "L", "L2", "F", "E", "C", "R", "S", "NOPE"]
_SUBJECTS = ["食品安全抽检", "季度報告", "價格監測", "不存在的事項"]
_AGENCIES = ["市場監管局", "市场监管局", "財政局", "物价局", "物價局", "環保局", "不存在局"]
_PERIODS = ["2025-09", "2025-10", "2025-W40", "2025-W41", "2025-Q3", "2025-Q4", "2025-10-09"]


@st.composite
def rows(draw: st.DrawFn) -> tuple[list[EvidenceRecord], pendulum.DateTime]:
    as_of = pendulum.datetime(2025, 10, 1, tz=TZ).add(hours=draw(st.integers(0, 24 * 45)))
    out = []
    for _ in range(draw(st.integers(0, 40))):
        by_id = draw(st.booleans())
        period_text = draw(st.one_of(st.none(), st.sampled_from(_PERIODS)))
        period = None
        if period_text is not None and period_text != "2025-10-09":
            period = parse_period(period_text)
        out.append(
            EvidenceRecord(
                agency=draw(st.sampled_from(_AGENCIES)),
                published_at=pendulum.datetime(2025, 9, 1, tz=TZ).add(
                    minutes=30 * draw(st.integers(0, 48 * 80))
                ),
                obligation=draw(st.sampled_from(_IDS)) if by_id else None,
                subject=None if by_id else draw(st.sampled_from(_SUBJECTS)),
                period=period,
            )
        )
    return out, as_of


# ---- the oracle -----------------------------------------------------------------------------------


def _start_of(day: dt.date) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, tz=TZ)


def _opens(occ: Occurrence) -> pendulum.DateTime | None:
    """docs/checking.md, rule 3.2: when publication starts to count (None: any time before due)."""
    if occ.trigger is not None:
        happened = occ.trigger.occurred_at
        return None if occ.due < happened else happened  # a lead before an event: any time before
    if occ.period_start is None or occ.period_end is None or occ.obligation.schedule.kind == "standing":
        return None  # once and standing duties
    first = _start_of(occ.period_start)
    if occ.due >= first:
        return first  # from the first day of its period
    days = (occ.period_end - occ.period_start).days + 1
    return occ.due - dt.timedelta(days=days)  # a lead time: one period long, ending at the due instant


def _labels(ob: Obligation) -> dict[str, str]:
    """docs/checking.md, rule 2: which occurrence each agency publishes for."""
    owing = agencies_owing(ob)
    labels = {}
    for ref in ob.agencies:
        if ref.role in (Role.EACH, Role.LEAD):
            labels[script.key(ref.name)] = ref.name
        else:  # joint agencies share one occurrence; a support agency publishes for the lead's
            labels[script.key(ref.name)] = next((o for o in owing if ref.name in o.split("、")), owing[0])
    return labels


def _agency_key(spec: Spec, name: str) -> str:
    declared = spec.agency(name)
    return script.key(declared.name if declared else name)


def _obligation(spec: Spec, row: EvidenceRecord) -> Obligation | None:
    """Rule 1: the id; else the subject, script-insensitively, preferring one the agency owes."""
    if row.obligation:
        return spec.obligation(row.obligation)
    same = [ob for ob in spec.obligations if script.key(ob.subject) == script.key(row.subject or "")]
    owed = [ob for ob in same if _agency_key(spec, row.agency) in _labels(ob)]
    return (owed or same or [None])[0]


class _Slot:
    def __init__(self, occ: Occurrence) -> None:
        self.occ = occ
        self.opens = _opens(occ)
        self.rows: list[int] = []  # the rows that meet it, in publication order
        self.dups: list[int] = []


def oracle(spec: Spec, records: Sequence[EvidenceRecord], as_of: pendulum.DateTime) -> Counter[Any]:
    ahead = as_of.date() + dt.timedelta(days=1)
    occs = spec.occurrences(START, as_of.date(), events=EVENTS)
    later = spec.occurrences(ahead, as_of.date() + dt.timedelta(days=400), events=EVENTS)
    occs += [o for o in later if o.obligation.schedule.kind != "standing"]  # due once, the first day
    series: dict[tuple[str, str], list[_Slot]] = {}
    for occ in sorted(occs, key=lambda o: (o.due, o.obligation.id, o.agency)):
        slot = _Slot(occ)
        if slot.opens is None or slot.opens <= as_of:  # a window not yet open: not listed at all
            series.setdefault((occ.obligation.id, occ.agency), []).append(slot)
    found: Counter[Any] = Counter()
    placed: dict[tuple[str, str], list[int]] = {}
    for g, row in enumerate(records):
        ob = _obligation(spec, row)
        if ob is None:
            found["unmatched", "", row.agency, None, (g,)] += 1
            continue
        label = _labels(ob).get(_agency_key(spec, row.agency))
        if label is None:
            found["wrong_agency", ob.id, row.agency, None, (g,)] += 1
            continue
        placed.setdefault((ob.id, label), []).append(g)
    for key, gs in placed.items():
        slots = series.get(key, [])
        multi = bool(slots) and slots[0].occ.obligation.schedule.kind in ("count", "realtime")
        dues = [s.occ.due for s in slots]
        for g in sorted(gs, key=lambda g: records[g].published_at):  # stable: file order at one instant
            slot = _place(records[g], slots, dues, multi)
            if slot is None:
                found["unmatched", key[0], records[g].agency, None, (g,)] += 1
            elif not slot.rows or multi:
                slot.rows.append(g)
            else:
                slot.dups.append(g)
    for slots in series.values():
        for slot in slots:
            occ = slot.occ
            found[
                _verdict(slot, records, as_of), occ.obligation.id, occ.agency, occ.due, tuple(slot.rows)
            ] += 1
            for g in slot.dups:
                found["duplicate", occ.obligation.id, occ.agency, occ.due, (g,)] += 1
    return found


def _place(row: EvidenceRecord, slots: list[_Slot], dues: list[Any], multi: bool) -> _Slot | None:
    """Rule 3, in its order."""
    when = row.published_at
    if row.period is not None:  # 1. the period the row states (the first occurrence of it)
        for slot in slots:
            if (slot.occ.period_start, slot.occ.period_end) == (row.period.start, row.period.end):
                return slot
    i = bisect.bisect_left(dues, when)
    # Windows open in due order: those holding the row are the first due after it, until one
    # that opens later.
    window = []
    for s in slots[i:]:
        if s.opens is not None and s.opens > when:
            break
        window.append(s)
    if window:  # 2. the window holding it: one still open, else the first (met already)
        return next((s for s in window if multi or not s.rows), window[0])
    unmet = next((s for s in slots if not s.rows), None)  # 3. the earliest open occurrence past due
    if unmet is not None and unmet.occ.due < when:
        return unmet
    return slots[i - 1] if i > 0 else None  # 4. every one past due is met: the latest of them


def _verdict(slot: _Slot, records: Sequence[EvidenceRecord], as_of: pendulum.DateTime) -> str:
    occ = slot.occ
    kind = occ.obligation.schedule.kind
    times = [records[g].published_at for g in slot.rows]
    due_passed = occ.due <= as_of
    if kind == "count":
        need = occ.min_count
        if len(times) >= need:
            return "on_time" if times[need - 1] <= occ.due else "late"
        if not due_passed:
            return "pending"
        return "short" if times else "missing"  # none at all: missing, as any duty
    if not times:
        return "missing" if due_passed else "pending"
    if kind == "realtime" and slot.opens is not None:
        limit = occ.obligation.schedule.max_gap
        end = min(occ.due, as_of)
        marks = [slot.opens, *(t for t in times if t <= end), end]
        longest = max(b - a for a, b in itertools.pairwise(marks))
        if limit is not None and limit.unit.value == "hour" and longest > dt.timedelta(hours=limit.amount):
            return "gap"
        if not due_passed:
            return "pending"  # the day is not over: a gap may still open
    return "on_time" if times[0] <= occ.due else "late"


def matcher(spec: Spec, records: Sequence[EvidenceRecord], as_of: pendulum.DateTime) -> Counter[Any]:
    result = check_records(spec, records, start=START, as_of=as_of, events=EVENTS)
    index = {id(r): g for g, r in enumerate(records)}
    found: Counter[Any] = Counter()
    for f in result.findings:
        rows_ = tuple(index[id(r)] for r in f.evidence)
        if f.occurrence is None:
            found[f.status.value, f.obligation, f.agency, None, rows_] += 1
        else:
            found[f.status.value, f.obligation, f.agency, f.occurrence.due, rows_] += 1
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows())
def test_the_matcher_finds_what_the_rules_say(case: tuple[list[EvidenceRecord], pendulum.DateTime]) -> None:
    records, as_of = case
    assert matcher(_SPEC, records, as_of) == oracle(_SPEC, records, as_of)


def test_the_oracle_sees_every_kind_of_finding() -> None:
    # The spec and rows above can produce every status: the comparison is not vacuous.
    at = pendulum.datetime
    records = [
        EvidenceRecord(agency="市場監管局", published_at=at(2025, 9, 3, 10, tz=TZ), obligation="W"),
        EvidenceRecord(agency="市场监管局", published_at=at(2025, 9, 4, 10, tz=TZ), obligation="W"),
        EvidenceRecord(agency="財政局", published_at=at(2025, 9, 20, 10, tz=TZ), obligation="M"),
        EvidenceRecord(agency="環保局", published_at=at(2025, 9, 3, 10, tz=TZ), obligation="W"),
        EvidenceRecord(agency="不存在局", published_at=at(2025, 9, 3, 10, tz=TZ), obligation="NOPE"),
        EvidenceRecord(agency="市場監管局", published_at=at(2025, 9, 5, 10, tz=TZ), obligation="C"),
        EvidenceRecord(agency="環保局", published_at=at(2025, 9, 6, 10, tz=TZ), obligation="C"),  # short
        EvidenceRecord(  # the third quarter's second: late, so the count is met late
            agency="市場監管局",
            published_at=at(2025, 10, 5, 10, tz=TZ),
            obligation="C",
            period=parse_period("2025-Q3"),
        ),
        EvidenceRecord(agency="環保局", published_at=at(2025, 9, 5, 1, tz=TZ), obligation="R"),
    ]
    as_of = at(2025, 10, 15, 12, tz=TZ)
    found = oracle(_SPEC, records, as_of)
    kinds = {key[0] for key in found}
    assert kinds == {
        "on_time",
        "late",
        "missing",
        "pending",
        "duplicate",
        "wrong_agency",
        "unmatched",
        "short",
        "gap",
    }, kinds
    assert matcher(_SPEC, records, as_of) == found
