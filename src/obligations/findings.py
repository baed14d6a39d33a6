"""Findings: what was published against what was due.

The checking stage: occurrences (from the calendar stage) + evidence records → one
``Finding`` per occurrence and per evidence row that matched nothing, plus the rejected
rows, so that every row read is accounted for exactly once. The rules are written in
``docs/checking.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from obligations import script

if TYPE_CHECKING:
    import pendulum

    from obligations.calendar import HolidayCalendar
    from obligations.evidence import EvidenceRecord, LoadResult, Rejected
    from obligations.model import Obligation, Spec
    from obligations.occurrences import EventRecord, Occurrence


class Status(enum.Enum):
    ON_TIME = "on_time"  # published inside the window, by the due instant
    LATE = "late"  # published after the due instant (``lateness`` says by how much)
    MISSING = "missing"  # past due, nothing published
    PENDING = "pending"  # not yet due, nothing published yet
    WRONG_AGENCY = "wrong_agency"  # published, but by an agency that does not owe it
    DUPLICATE = "duplicate"  # a further publication for an occurrence already met
    UNMATCHED = "unmatched"  # evidence naming no known obligation (reported, never dropped)
    SHORT = "short"  # a count obligation with fewer publications than required
    GAP = "gap"  # a real-time obligation with a gap longer than allowed


#: Why evidence is unmatched (``Finding.detail``), rendered in the user's language by the CLI.
NO_OBLIGATION = "no obligation of this spec has this id or subject"
OUTSIDE_RANGE = "no occurrence of this obligation in the checked range"

#: Statuses that make ``obligations check`` exit 1.
FAILING = frozenset({Status.LATE, Status.MISSING, Status.SHORT, Status.GAP})


@attrs.frozen
class Finding:
    status: Status
    obligation: str  # obligation id ("" for unmatched evidence)
    agency: str
    occurrence: Occurrence | None  # None for unmatched, duplicate and wrong-agency evidence rows
    evidence: tuple[EvidenceRecord, ...] = ()
    due: pendulum.DateTime | None = None
    lateness: dt.timedelta | None = None  # for LATE: published_at − due
    detail: str = ""  # e.g. "2 of 4" for SHORT, the longest gap for GAP

    @property
    def failing(self) -> bool:
        return self.status in FAILING


@attrs.frozen
class CheckResult:
    findings: tuple[Finding, ...]
    rejected: tuple[Rejected, ...]
    rows_read: int
    matched: int  # evidence rows that satisfied or were set against an occurrence
    unmatched: int  # evidence rows naming no known obligation
    start: dt.date
    as_of: pendulum.DateTime

    def __attrs_post_init__(self) -> None:
        # Every input row is accounted for exactly once.
        if self.matched + self.unmatched + len(self.rejected) != self.rows_read:
            raise ValueError(
                f"rows do not reconcile: matched {self.matched} + unmatched {self.unmatched} + "
                f"rejected {len(self.rejected)} != read {self.rows_read}"
            )

    @property
    def failing(self) -> bool:
        return any(f.failing for f in self.findings)

    def counts(self) -> dict[str, int]:
        counted = Counter(f.status.value for f in self.findings)
        return {status.value: counted.get(status.value, 0) for status in Status}

    def summary(self) -> dict[str, Any]:
        return {
            "rows_read": self.rows_read,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "rejected": len(self.rejected),
            **self.counts(),
        }


# ---- matching (docs/checking.md) -------------------------------------------------------------------

# How far ahead of the as-of date occurrences are looked for: a year's period plus a lag, so that
# the current period of a yearly duty (due 31 December, or next year) is seen as pending.
_HORIZON = dt.timedelta(days=400)


def _pending(
    spec: Spec, as_of: dt.date, events: Sequence[EventRecord], calendar: HolidayCalendar | None
) -> list[Occurrence]:
    """Occurrences due after ``as_of``, as far as holiday data reaches.

    Nothing is due yet, so a year without data only shortens how far ahead pending items are
    listed, obligation by obligation (docs/checking.md); it never makes a due date up.
    """
    from obligations.errors import CalendarDataError
    from obligations.occurrences import occurrences

    first = as_of + dt.timedelta(days=1)
    try:
        return occurrences(spec, first, as_of + _HORIZON, events=events, calendar=calendar)
    except CalendarDataError:
        pass
    out: list[Occurrence] = []
    for ob in spec.obligations:
        alone = attrs.evolve(spec, obligations=_with_references(spec, ob))
        end = as_of + _HORIZON
        while end > as_of:
            try:
                found = occurrences(alone, first, end, events=events, calendar=calendar)
            except CalendarDataError as err:
                # Stop well before the year without data: a rolled or counted deadline near the
                # end of the last covered year may reach into it.
                end = min(end - dt.timedelta(days=31), dt.date(err.year - 1, 11, 30))
                continue
            out.extend(o for o in found if o.obligation.id == ob.id)
            break
    return out


def _with_references(spec: Spec, ob: Obligation) -> tuple[Obligation, ...]:
    """``ob`` and the obligations its 同步 [ID] chain refers to."""
    chain = [ob]
    ref = getattr(ob.schedule, "sync_with", None)
    while ref and (target := spec.obligation(ref)) is not None and target not in chain:
        chain.append(target)
        ref = getattr(target.schedule, "sync_with", None)
    return tuple(chain)


def check(
    spec: Spec,
    evidence: Sequence[LoadResult],
    *,
    start: dt.date,
    as_of: pendulum.DateTime,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
    agency: str | None = None,
) -> CheckResult:
    """Set every evidence row against the occurrences due from ``start`` (and open by ``as_of``)."""
    records = [r for load in evidence for r in load.records]
    rejected = tuple(r for load in evidence for r in load.rejected)
    rows_read = sum(load.rows_read for load in evidence)
    return _Matcher(spec, start, as_of, events, calendar).run(records, rejected, rows_read, agency)


def check_records(
    spec: Spec,
    records: Sequence[EvidenceRecord],
    *,
    start: dt.date,
    as_of: pendulum.DateTime,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
    agency: str | None = None,
) -> CheckResult:
    """``check`` for records already in memory (every one counts as a row read)."""
    return _Matcher(spec, start, as_of, events, calendar).run(list(records), (), len(records), agency)


@attrs.define
class _Slot:
    """One occurrence and the evidence set against it."""

    occ: Occurrence
    opens: dt.datetime | None  # when publication starts to count; None: any time before the due instant
    evidence: list[EvidenceRecord] = attrs.field(factory=list)


class _Matcher:
    def __init__(
        self,
        spec: Spec,
        start: dt.date,
        as_of: pendulum.DateTime,
        events: Sequence[EventRecord],
        calendar: HolidayCalendar | None,
    ) -> None:
        from obligations.occurrences import occurrences

        self.spec = spec
        self.start = start
        self.as_of = as_of
        self.tz = spec.timezone
        occs = occurrences(spec, start, as_of.date(), events=events, calendar=calendar)
        occs += _pending(spec, as_of.date(), events, calendar)
        self.slots: dict[tuple[str, str], list[_Slot]] = {}
        for occ in occs:
            opens = _opens(occ, self.tz)
            if opens is not None and opens > as_of:
                continue  # its window has not started: not due, not pending, simply not yet
            self.slots.setdefault((occ.obligation.id, occ.agency), []).append(_Slot(occ, opens))
        self.dues = {k: [s.occ.due for s in v] for k, v in self.slots.items()}
        self.by_subject: dict[str, list[Obligation]] = {}
        for ob in spec.obligations:
            self.by_subject.setdefault(script.key(ob.subject), []).append(ob)
        self.labels = {ob.id: _labels(ob) for ob in spec.obligations}
        self._agency_keys: dict[str, str] = {}
        self.findings: list[Finding] = []
        self.matched = 0
        self.unmatched = 0

    # -- one record ------------------------------------------------------------------------------
    def run(
        self,
        records: list[EvidenceRecord],
        rejected: tuple[Rejected, ...],
        rows_read: int,
        agency: str | None,
    ) -> CheckResult:
        for record in sorted(records, key=lambda r: r.published_at):
            self._place(record)
        for slots in self.slots.values():
            for slot in slots:
                self.findings.append(self._verdict(slot))
        findings = sorted(self.findings, key=_finding_order)
        if agency is not None:
            findings = [f for f in findings if self._concerns(f, agency)]
        return CheckResult(
            tuple(findings), rejected, rows_read, self.matched, self.unmatched, self.start, self.as_of
        )

    def _place(self, record: EvidenceRecord) -> None:
        ob = self._obligation(record)
        if ob is None:
            self._unmatched(record, NO_OBLIGATION)
            return
        label = self.labels[ob.id].get(self._agency_key(record.agency))
        if label is None:
            self.matched += 1
            self.findings.append(Finding(Status.WRONG_AGENCY, ob.id, record.agency, None, (record,)))
            return
        slots = self.slots.get((ob.id, label), [])
        slot = self._by_period(slots, record) or self._by_window(slots, (ob.id, label), record)
        slot = slot or self._earliest_open_past_due(slots, record)
        if slot is None:
            slot = self._latest_met_before(slots, record)
            if slot is None:
                self._unmatched(record, OUTSIDE_RANGE, ob.id)
                return
        self.matched += 1
        if slot.evidence and slot.occ.obligation.schedule.kind not in ("count", "realtime"):
            self.findings.append(Finding(Status.DUPLICATE, ob.id, label, slot.occ, (record,), slot.occ.due))
            return
        slot.evidence.append(record)

    def _unmatched(self, record: EvidenceRecord, why: str, ob_id: str = "") -> None:
        self.unmatched += 1
        self.findings.append(Finding(Status.UNMATCHED, ob_id, record.agency, None, (record,), detail=why))

    def _obligation(self, record: EvidenceRecord) -> Obligation | None:
        if record.obligation:
            return self.spec.obligation(record.obligation)
        if not record.subject:
            return None
        candidates = self.by_subject.get(script.key(record.subject), [])
        agency = self._agency_key(record.agency)
        for ob in candidates:  # the subject may be shared: prefer an obligation the agency owes
            if agency in self.labels[ob.id]:
                return ob
        return candidates[0] if candidates else None

    def _agency_key(self, name: str) -> str:
        cached = self._agency_keys.get(name)
        if cached is None:
            declared = self.spec.agency(name)
            cached = script.key(declared.name if declared else name)
            self._agency_keys[name] = cached
        return cached

    # -- the three rules, in order ---------------------------------------------------------------
    @staticmethod
    def _by_period(slots: list[_Slot], record: EvidenceRecord) -> _Slot | None:
        period = record.period
        if period is None:
            return None
        for slot in slots:
            if slot.occ.period_start == period.start and slot.occ.period_end == period.end:
                return slot
        return None

    def _by_window(self, slots: list[_Slot], key: tuple[str, str], record: EvidenceRecord) -> _Slot | None:
        moment = record.published_at
        first_holding = None
        for i in range(bisect.bisect_left(self.dues.get(key, []), moment), len(slots)):
            slot = slots[i]
            if slot.opens is not None and slot.opens > moment:
                break  # windows of one obligation and agency open in due order
            if not slot.evidence or slot.occ.obligation.schedule.kind in ("count", "realtime"):
                return slot
            first_holding = first_holding or slot
        return first_holding

    def _earliest_open_past_due(self, slots: list[_Slot], record: EvidenceRecord) -> _Slot | None:
        for slot in slots:
            if slot.occ.due >= record.published_at:
                break
            if not slot.evidence:
                return slot
        return None

    @staticmethod
    def _latest_met_before(slots: list[_Slot], record: EvidenceRecord) -> _Slot | None:
        met = [s for s in slots if s.evidence and s.occ.due < record.published_at]
        return met[-1] if met else None

    # -- verdicts --------------------------------------------------------------------------------
    def _verdict(self, slot: _Slot) -> Finding:
        occ, evidence = slot.occ, tuple(sorted(slot.evidence, key=lambda r: r.published_at))
        ob_id, kind = occ.obligation.id, occ.obligation.schedule.kind
        due_passed = occ.due <= self.as_of
        if kind == "count":
            return self._count(slot, evidence, due_passed)
        if not evidence:
            status = Status.MISSING if due_passed else Status.PENDING
            return Finding(status, ob_id, occ.agency, occ, (), occ.due)
        if kind == "realtime":
            gap = self._longest_gap(slot, evidence)
            if gap is not None:
                return Finding(Status.GAP, ob_id, occ.agency, occ, evidence, occ.due, detail=_hours(gap))
        first = evidence[0].published_at
        if first <= occ.due:
            return Finding(Status.ON_TIME, ob_id, occ.agency, occ, evidence, occ.due)
        return Finding(Status.LATE, ob_id, occ.agency, occ, evidence, occ.due, first - occ.due)

    def _count(self, slot: _Slot, evidence: tuple[EvidenceRecord, ...], due_passed: bool) -> Finding:
        occ = slot.occ
        need = occ.min_count
        detail = f"{len(evidence)}/{need}"
        if len(evidence) >= need:
            enough = evidence[need - 1].published_at
            if enough <= occ.due:
                return Finding(
                    Status.ON_TIME, occ.obligation.id, occ.agency, occ, evidence, occ.due, detail=detail
                )
            return Finding(
                Status.LATE, occ.obligation.id, occ.agency, occ, evidence, occ.due, enough - occ.due, detail
            )
        status = Status.SHORT if due_passed else Status.PENDING
        return Finding(status, occ.obligation.id, occ.agency, occ, evidence, occ.due, detail=detail)

    def _longest_gap(self, slot: _Slot, evidence: tuple[EvidenceRecord, ...]) -> dt.timedelta | None:
        """The longest interval of the day without an update, if longer than the allowed gap."""
        schedule = slot.occ.obligation.schedule
        limit = getattr(schedule, "max_gap", None)
        if limit is None or slot.opens is None:
            return None
        if limit.unit.value != "hour":
            return None  # a gap of a day or more cannot be exceeded within one day's window
        allowed = dt.timedelta(hours=limit.amount)
        day_end = min(slot.occ.due, self.as_of)
        marks = [slot.opens, *(r.published_at for r in evidence if r.published_at <= day_end), day_end]
        longest = max(b - a for a, b in itertools.pairwise(marks))
        return longest if longest > allowed else None

    def _concerns(self, finding: Finding, agency: str) -> bool:
        """Findings of the agency's occurrences, and evidence it published (a wrong-agency row
        concerns both the publisher and the agencies that owe the obligation)."""
        key = self._agency_key(agency)
        names = [finding.agency, *(r.agency for r in finding.evidence)]
        if any(key in {self._agency_key(part) for part in name.split("、")} for name in names if name):
            return True
        return finding.status is Status.WRONG_AGENCY and key in self.labels.get(finding.obligation, {})


def _labels(ob: Obligation) -> dict[str, str]:
    """Agency key → the occurrence label it publishes for (docs/checking.md, "Agencies")."""
    from obligations.occurrences import agencies_owing
    from obligations.syntax import Role

    owing = agencies_owing(ob)
    labels: dict[str, str] = {}
    for ref in ob.agencies:
        key = script.key(ref.name)
        if ref.role in (Role.EACH, Role.LEAD):
            labels[key] = ref.name
        else:  # joint names share one occurrence; support agencies publish for the lead's
            labels[key] = next((o for o in owing if ref.name in o.split("、")), owing[0])
    if not ob.agencies:
        labels[script.key("")] = ""
    return labels


def _opens(occ: Occurrence, tz: str) -> dt.datetime | None:
    """When publication starts to count for ``occ`` (docs/checking.md, "Windows")."""
    import pendulum

    if occ.trigger is not None:
        trigger = occ.trigger.occurred_at
        return None if occ.due < trigger else trigger  # a lead before an event: any time before
    if occ.period_start is None:
        return None
    begins = pendulum.datetime(occ.period_start.year, occ.period_start.month, occ.period_start.day, tz=tz)
    if occ.due >= begins:
        return begins
    # A lead time (每日 提前48小時): the window is one period long, ending at the due instant.
    assert occ.period_end is not None
    return occ.due - (occ.period_end - occ.period_start + dt.timedelta(days=1))


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"


def _finding_order(f: Finding) -> tuple[Any, ...]:
    due = f.due.timestamp() if f.due is not None else float("inf")
    first = f.evidence[0].published_at.timestamp() if f.evidence else 0.0
    return (due, f.obligation, f.agency, first)
