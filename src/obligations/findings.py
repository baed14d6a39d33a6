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
import math
import operator
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from obligations import script
from obligations.evidence import _gc_paused, _unchecked

if TYPE_CHECKING:
    import pendulum

    from obligations.calendar import HolidayCalendar
    from obligations.evidence import EvidenceRecord, LoadResult, Period, Rejected
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
# the current period of a yearly duty (due 31 December, or next year) is seen as pending. Shorter
# for duties whose periods are shorter (``_horizon``).
_HORIZON = dt.timedelta(days=400)
_PERIOD_DAYS = {"day": 1, "week": 7, "biweek": 14, "month": 31, "quarter": 92, "half-year": 184, "year": 366}
_LAG_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "month": 31, "year": 366, "working_day": 2}
_SLACK_DAYS = 31  # a roll over a holiday break; the breaks a count of working days spans

# Occurrences whose publication window has not opened by the as-of instant are not listed at all.
# For periodic, count and real-time duties the window opens with the period (or, for a lead
# time, one period before the due instant), so the pending occurrences that can be listed fall
# due at most one period, plus the deadline's distance from the period and a roll, after it.


def _horizon(ob: Obligation) -> dt.timedelta:
    """How far after the as-of date an occurrence of ``ob`` whose window has opened can fall due."""
    sched = ob.schedule
    if sched.kind == "realtime":
        days = 1
    elif sched.kind in ("periodic", "count"):
        every = getattr(sched, "every", None)
        days = _PERIOD_DAYS.get(getattr(every, "value", ""), 0)
        if not days:
            return _HORIZON
        deadline = getattr(sched, "deadline", None)
        if deadline is not None and deadline.kind == "next_period_day":
            days *= 2
        elif deadline is not None and deadline.kind == "after_period":
            lag = deadline.lag
            if lag is None or lag.unit.value not in _LAG_DAYS:
                return _HORIZON
            days += math.ceil(lag.amount * _LAG_DAYS[lag.unit.value])
    else:  # once, standing, events: their windows do not open with a period
        return _HORIZON
    return min(_HORIZON, dt.timedelta(days=days + _SLACK_DAYS))


def _calendar_bound(ob: Obligation) -> bool:
    """Whether ``ob`` probably needs holiday data: an event, a roll, a lead time, or a limit
    after the period (its days roll). Only a guess to group duties by, never a verdict."""
    sched = ob.schedule
    if sched.kind == "event" or getattr(sched, "roll", False) or getattr(sched, "lead", None) is not None:
        return True
    deadline = getattr(sched, "deadline", None)
    return deadline is not None and deadline.kind == "after_period"


def _pending(
    spec: Spec, as_of: dt.date, events: Sequence[EventRecord], calendar: HolidayCalendar | None
) -> list[Occurrence]:
    """Occurrences due after ``as_of`` (as far as each duty's window can have opened), as far as
    holiday data reaches, sorted as ``occurrences`` sorts them.

    Nothing is due yet, so a year without data only shortens how far ahead pending items are
    listed, obligation by obligation (docs/checking.md); it never makes a due date up. Duties are
    expanded in groups of the same horizon; a group that meets a year without data is split, down
    to single obligations whose range is then shortened.
    """
    groups: dict[tuple[dt.timedelta, bool], list[Obligation]] = {}
    for ob in spec.obligations:
        groups.setdefault((_horizon(ob), _calendar_bound(ob)), []).append(ob)
    out: list[Occurrence] = []
    first = as_of + dt.timedelta(days=1)
    for (horizon, bound), members in groups.items():
        out.extend(_pending_of(spec, members, bound, first, as_of + horizon, events, calendar))
    out.sort(key=_occurrence_order)
    return out


def _pending_of(
    spec: Spec,
    members: list[Obligation],
    bound: bool,
    first: dt.date,
    end: dt.date,
    events: Sequence[EventRecord],
    calendar: HolidayCalendar | None,
) -> list[Occurrence]:
    from obligations.errors import CalendarDataError
    from obligations.occurrences import occurrences

    part = spec if len(members) == len(spec.obligations) else _part(spec, members)
    if not any(ob.schedule.kind == "event" for ob in part.obligations):
        events = ()  # they can only start the clocks of event duties
    try:
        found = occurrences(part, first, end, events=events, calendar=calendar)
    except CalendarDataError as err:
        if len(members) > 1 and not bound:  # most of them need no holiday data: halve
            half = len(members) // 2
            return [
                *_pending_of(spec, members[:half], bound, first, end, events, calendar),
                *_pending_of(spec, members[half:], bound, first, end, events, calendar),
            ]
        if len(members) > 1:
            return [o for ob in members for o in _pending_of(spec, [ob], bound, first, end, events, calendar)]
        # Stop well before the year without data: a rolled or counted deadline near the end of
        # the last covered year may reach into it.
        end = min(end - dt.timedelta(days=31), dt.date(err.year - 1, 11, 30))
        if end < first:
            return []
        return _pending_of(spec, members, bound, first, end, events, calendar)
    if part is spec:
        return found
    ids = {ob.id for ob in members}
    return [o for o in found if o.obligation.id in ids]


def _part(spec: Spec, members: list[Obligation]) -> Spec:
    """``spec`` with only ``members`` and the obligations their 同步 [ID] chains refer to."""
    chosen: dict[str, Obligation] = {}
    for ob in members:
        for ref in _with_references(spec, ob):
            chosen.setdefault(ref.id, ref)
    return attrs.evolve(spec, obligations=tuple(chosen.values()))


def _with_references(spec: Spec, ob: Obligation) -> tuple[Obligation, ...]:
    """``ob`` and the obligations its 同步 [ID] chain refers to."""
    chain = [ob]
    ref = getattr(ob.schedule, "sync_with", None)
    while ref and (target := spec.obligation(ref)) is not None and target not in chain:
        chain.append(target)
        ref = getattr(target.schedule, "sync_with", None)
    return tuple(chain)


def _occurrence_order(occ: Occurrence) -> tuple[Any, ...]:
    return (occ.due, occ.obligation.id, occ.agency)


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
    records = [load.records for load in evidence]
    rejected = tuple(r for load in evidence for r in load.rejected)
    rows_read = sum(load.rows_read for load in evidence)
    return _check(spec, start, as_of, events, calendar, records, rejected, rows_read, agency)


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
    return _check(spec, start, as_of, events, calendar, [records], (), len(records), agency)


def _check(
    spec: Spec,
    start: dt.date,
    as_of: pendulum.DateTime,
    events: Sequence[EventRecord],
    calendar: HolidayCalendar | None,
    records: Sequence[Sequence[EvidenceRecord]],
    rejected: tuple[Rejected, ...],
    rows_read: int,
    agency: str | None,
) -> CheckResult:
    """Check the records of each sequence of ``records``, in order."""
    # A check of a million rows builds a million findings, and has as many records and
    # occurrences alive; none holds a reference cycle, and collections triggered by the
    # allocation count would walk them all again and again.
    with _gc_paused():
        return _Matcher(spec, start, as_of, events, calendar).run(records, rejected, rows_read, agency)


class _Slot:
    """One occurrence, the evidence that meets it (in publication order) and its duplicates."""

    __slots__ = ("dups", "evidence", "occ", "opens", "seqs")

    def __init__(self, occ: Occurrence, opens: dt.datetime | None) -> None:
        self.occ = occ
        self.opens = opens  # when publication starts to count; None: any time before the due instant
        self.evidence: list[EvidenceRecord] | None = None  # made with the first
        self.dups: list[Finding] | None = None  # DUPLICATE findings, in the order they were made
        self.seqs: list[int] | None = None  # their placement numbers, kept when another slot ties


_DONE: Any = None  # a slot already judged (``_Matcher._ordered``)


class _Series:
    """The occurrences one agency label owes of one obligation, in due order, and the rows that
    name them (set against them in publication order, once all are read)."""

    __slots__ = ("by_period", "dues", "label", "multi", "ob", "open_from", "rows", "slots")

    def __init__(self, ob: Obligation, label: str) -> None:
        self.ob = ob
        self.label = label
        self.slots: list[_Slot] = []
        self.dues: list[dt.datetime] = []
        self.multi = ob.schedule.kind in ("count", "realtime")  # every row counts: no duplicates
        self.rows: list[EvidenceRecord] = []
        self.open_from = 0  # every slot before this one holds evidence
        self.by_period: dict[tuple[dt.date | None, dt.date | None], _Slot] | None = None

    def for_period(self, period: Period) -> _Slot | None:
        if self.by_period is None:
            self.by_period = {}
            for slot in self.slots:  # the first occurrence of a period wins
                self.by_period.setdefault((slot.occ.period_start, slot.occ.period_end), slot)
        return self.by_period.get((period.start, period.end))


_published_at = operator.attrgetter("published_at")
_UNSEEN: Any = object()
_target_key = operator.attrgetter("obligation", "subject", "agency")  # what rules 1 and 2 look at
_BATCH = 1 << 16
_new_finding = _unchecked(Finding)  # Finding(*every field): there is nothing to check
_elapsed = dt.datetime.__sub__  # a plain timedelta; pendulum's subtraction builds an Interval


class _Matcher:
    """The one implementation of the rules of docs/checking.md.

    Rows are resolved (obligation, agency label) once per distinct (id, subject, agency), grouped
    by the occurrences they can meet, and each group is set against its occurrences in order of
    publication: groups share nothing, so this is the order of the rules. Findings are then put in
    the order of (due, obligation, agency, first publication) without sorting them all: slots
    are made in that order, and each slot's findings follow it.
    """

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
        occs += _pending(spec, as_of.date(), events, calendar)  # all due later
        self.series: dict[tuple[str, str], _Series] = {}
        self.slots: list[_Slot] = []  # every slot, in (due, obligation, agency) order
        self.in_run: list[bool] = []  # the slot shares (due, obligation, agency) with the one before
        if not self._make_slots(occs):  # occurrences() sorts so; if it ever does not, sort here
            occs.sort(key=_occurrence_order)
            self.series, self.slots, self.in_run = {}, [], []
            self._make_slots(occs)
        self._by_subject: dict[str, list[Obligation]] | None = None
        self._labels: dict[str, dict[str, str]] = {}
        self._agency_keys: dict[str, str] = {}
        self._targets: dict[tuple[str | None, str | None, str], _Series | Obligation | None] = {}
        self.loose: list[Finding] = []  # wrong-agency and unmatched rows: no due instant
        self.matched = 0
        self.unmatched = 0
        self._placed = 0

    def _make_slots(self, occs: list[Occurrence]) -> bool:
        """A slot for each occurrence whose window has opened, in order; False, and unfinished,
        when ``occs`` are not in (due, obligation id, agency) order."""
        as_of, tz, slots, in_run, by_key = self.as_of, self.tz, self.slots, self.in_run, self.series
        begins: dict[dt.date, pendulum.DateTime] = {}
        spans: dict[tuple[dt.date, dt.date], dt.timedelta] = {}
        last_due: dt.datetime | None = None
        last_key: tuple[str, str] = ("", "")
        for occ in occs:
            due = occ.due
            first = occ.period_start
            opens: dt.datetime | None
            if first is not None and occ.trigger is None:  # a period's window (most of them)
                opens = begins.get(first)
                if opens is None or due < opens:
                    opens = _opens(occ, tz, begins, spans)
            else:
                opens = _opens(occ, tz, begins, spans)
            if opens is not None and opens > as_of:
                continue  # its window has not started: not due, not pending, simply not yet
            key = (occ.obligation.id, occ.agency)
            tied = False
            if last_due is not None and due <= last_due:
                if due < last_due or key < last_key:
                    return False
                tied = key == last_key
            last_due, last_key = due, key
            series = by_key.get(key)
            if series is None:
                series = by_key[key] = _Series(occ.obligation, occ.agency)
            slot = _Slot(occ, opens)
            series.slots.append(slot)
            series.dues.append(due)
            if tied:  # its findings are ordered with the previous slot's: remember placements
                slot.seqs = []
                if slots[-1].seqs is None:
                    slots[-1].seqs = []
            in_run.append(tied)
            slots.append(slot)
        return True

    def labels(self, ob: Obligation) -> dict[str, str]:
        found = self._labels.get(ob.id)
        if found is None:
            found = self._labels[ob.id] = _labels(ob)
        return found

    # -- the rows --------------------------------------------------------------------------------
    def run(
        self,
        records: Sequence[Sequence[EvidenceRecord]],
        rejected: tuple[Rejected, ...],
        rows_read: int,
        agency: str | None,
    ) -> CheckResult:
        targets, loose = self._targets, self.loose
        for batch in records:  # rules 1 and 2: which obligation, which agency
            for start in range(0, len(batch), _BATCH):
                part = batch[start : start + _BATCH]
                found = map(targets.get, map(_target_key, part), itertools.repeat(_UNSEEN))
                for record, target in zip(part, found, strict=True):
                    if target is _UNSEEN:
                        target = self._target(record)
                    if isinstance(target, _Series):
                        target.rows.append(record)
                    elif target is None:
                        self._unmatched(record, NO_OBLIGATION)
                    else:
                        self.matched += 1
                        finding = Finding(Status.WRONG_AGENCY, target.id, record.agency, None, (record,))
                        loose.append(finding)
        for series in self.series.values():
            if series.rows:
                self._place(series)  # rules 3 and 4, in order of publication
        self.series, self._targets = {}, {}  # the slots hold all that is left to judge
        findings = self._ordered()
        if agency is not None:
            findings = [f for f in findings if self._concerns(f, agency)]
        return CheckResult(
            tuple(findings), rejected, rows_read, self.matched, self.unmatched, self.start, self.as_of
        )

    def _target(self, record: EvidenceRecord) -> _Series | Obligation | None:
        """The series a row can meet; the obligation alone for a wrong agency; None for none."""
        key = _target_key(record)
        if key in self._targets:
            return self._targets[key]
        ob = self._obligation(record)
        target: _Series | Obligation | None = ob
        if ob is not None:
            label = self.labels(ob).get(self._agency_key(record.agency))
            if label is not None:
                target = self.series.get((ob.id, label))
                if target is None:  # no occurrence in the checked range
                    target = self.series[(ob.id, label)] = _Series(ob, label)
        self._targets[key] = target
        return target

    def _place(self, series: _Series) -> None:
        rows = series.rows
        rows.sort(key=_published_at)  # stable: rows published at one instant keep file order
        slots, dues, multi = series.slots, series.dues, series.multi
        n = len(slots)
        ob_id, label = series.ob.id, series.label
        bisect_left, new_finding, duplicate = bisect.bisect_left, _new_finding, Status.DUPLICATE
        placed = self._placed
        for record in rows:
            moment = record.published_at
            slot: _Slot | None = None
            if record.period is not None:  # 1. the period the row states
                slot = series.for_period(record.period)
            if slot is None and n:
                # 2. the first occurrence due at or after the row whose window holds it (one
                # still open, else the first already met); windows open in due order
                i = bisect_left(dues, moment)
                holding = None
                for k in range(i, n):
                    candidate = slots[k]
                    if candidate.opens is not None and candidate.opens > moment:
                        break
                    if multi or candidate.evidence is None:
                        slot = candidate
                        break
                    if holding is None:
                        holding = candidate
                if slot is None:
                    slot = holding
                if slot is None:
                    # 3. the earliest open occurrence past due; 4. else every one past due is met:
                    # the latest of them
                    k = series.open_from
                    while k < n and slots[k].evidence is not None:
                        k += 1
                    series.open_from = k
                    if k < n and dues[k] < moment:
                        slot = slots[k]
                    elif i > 0:
                        slot = slots[i - 1]
            if slot is None:
                self._unmatched(record, OUTSIDE_RANGE, ob_id)
                continue
            evidence = slot.evidence
            if evidence is None:
                slot.evidence = [record]
            elif multi:
                evidence.append(record)
            else:  # 4. met already: a duplicate
                occ = slot.occ
                dup = new_finding(duplicate, ob_id, label, occ, (record,), occ.due, None, "")
                if slot.dups is None:
                    slot.dups = [dup]
                else:
                    slot.dups.append(dup)
                if slot.seqs is not None:
                    slot.seqs.append(placed)
            placed += 1
        self.matched += placed - self._placed
        self._placed = placed
        series.rows = []

    def _unmatched(self, record: EvidenceRecord, why: str, ob_id: str = "") -> None:
        self.unmatched += 1
        self.loose.append(Finding(Status.UNMATCHED, ob_id, record.agency, None, (record,), detail=why))

    def _obligation(self, record: EvidenceRecord) -> Obligation | None:
        if record.obligation:
            return self.spec.obligation(record.obligation)
        if not record.subject:
            return None
        if self._by_subject is None:
            self._by_subject = {}
            obs = self.spec.obligations
            for ob, key in zip(obs, script.keys(ob.subject for ob in obs), strict=True):
                self._by_subject.setdefault(key, []).append(ob)
        candidates = self._by_subject.get(script.key(record.subject), [])
        agency = self._agency_key(record.agency)
        for ob in candidates:  # the subject may be shared: prefer an obligation the agency owes
            if agency in self.labels(ob):
                return ob
        return candidates[0] if candidates else None

    def _agency_key(self, name: str) -> str:
        cached = self._agency_keys.get(name)
        if cached is None:
            declared = self.spec.agency(name)
            cached = script.key(declared.name if declared else name)
            self._agency_keys[name] = cached
        return cached

    # -- verdicts and their order ----------------------------------------------------------------
    def _ordered(self) -> list[Finding]:
        """Every finding in (due, obligation, agency, first publication) order, ties in the order
        they were made (the placement of rows before the verdicts of occurrences).

        Slots are in (due, obligation, agency) order, and each slot's findings share that: only
        its verdict and its duplicates need ordering (by first publication), and the rare slots
        sharing the whole key with a neighbour are ordered together.
        """
        out: list[Finding] = []
        append, extend, verdict_of = out.append, out.extend, self._verdict
        slots, in_run = self.slots, self.in_run
        n = len(slots)
        for i, slot in enumerate(slots):
            if in_run[i]:
                continue  # ordered with the first slot of its run
            if i + 1 < n and in_run[i + 1]:
                j = i + 1
                while j < n and in_run[j]:
                    j += 1
                extend(self._run(slots[i:j]))
                continue
            slots[i] = _DONE  # let it go as soon as it is judged
            verdict = verdict_of(slot)
            dups = slot.dups
            if dups is None:
                append(verdict)
                continue
            # Duplicates were published no earlier than the first evidence; those published at
            # the same instant were made before the verdict, and come first.
            first = verdict.evidence[0].published_at
            k = 0
            while k < len(dups) and dups[k].evidence[0].published_at <= first:
                k += 1
            if k:
                extend(dups[:k])
                append(verdict)
                extend(dups[k:])
            else:
                append(verdict)
                extend(dups)
        self.loose.sort(key=_loose_order)
        extend(self.loose)
        self.slots, self.in_run, self.loose = [], [], []
        return out

    def _run(self, run: list[_Slot]) -> list[Finding]:
        keyed: list[tuple[Any, ...]] = []
        for index, slot in enumerate(run):
            for seq, dup in zip(slot.seqs or (), slot.dups or (), strict=True):
                keyed.append((_first(dup), 0, seq, dup))
            verdict = self._verdict(slot)
            keyed.append((_first(verdict), 1, index, verdict))
        keyed.sort(key=lambda item: item[:3])
        return [item[3] for item in keyed]

    def _verdict(self, slot: _Slot) -> Finding:
        occ = slot.occ
        ob_id, kind = occ.obligation.id, occ.obligation.schedule.kind
        due_passed = occ.due <= self.as_of
        if slot.evidence is None and kind != "count":
            status = Status.MISSING if due_passed else Status.PENDING
            return _new_finding(status, ob_id, occ.agency, occ, (), occ.due, None, "")
        evidence = tuple(slot.evidence or ())  # placed in order of publication
        if kind == "count":
            return self._count(slot, evidence, due_passed)
        if kind == "realtime":
            gap = self._longest_gap(slot, evidence)
            if gap is not None:
                return Finding(Status.GAP, ob_id, occ.agency, occ, evidence, occ.due, detail=_hours(gap))
        first = evidence[0].published_at
        if first <= occ.due:
            return Finding(Status.ON_TIME, ob_id, occ.agency, occ, evidence, occ.due)
        return Finding(Status.LATE, ob_id, occ.agency, occ, evidence, occ.due, _elapsed(first, occ.due))

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
                Status.LATE,
                occ.obligation.id,
                occ.agency,
                occ,
                evidence,
                occ.due,
                _elapsed(enough, occ.due),
                detail,
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
        longest = max(_elapsed(b, a) for a, b in itertools.pairwise(marks))
        return longest if longest > allowed else None

    def _concerns(self, finding: Finding, agency: str) -> bool:
        """Findings of the agency's occurrences, and evidence it published (a wrong-agency row
        concerns both the publisher and the agencies that owe the obligation)."""
        key = self._agency_key(agency)
        names = [finding.agency, *(r.agency for r in finding.evidence)]
        if any(key in {self._agency_key(part) for part in name.split("、")} for name in names if name):
            return True
        if finding.status is not Status.WRONG_AGENCY:
            return False
        ob = self.spec.obligation(finding.obligation)
        return ob is not None and key in self.labels(ob)


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


def _opens(
    occ: Occurrence,
    tz: str,
    begins: dict[dt.date, pendulum.DateTime],
    spans: dict[tuple[dt.date, dt.date], dt.timedelta],
) -> dt.datetime | None:
    """When publication starts to count for ``occ`` (docs/checking.md, "Windows").

    ``begins`` and ``spans`` remember the start of each period's first day and each period's
    length: a year of a large spec has a few hundred of them and a million occurrences.
    """
    import pendulum

    if occ.trigger is not None:
        trigger = occ.trigger.occurred_at
        return None if occ.due < trigger else trigger  # a lead before an event: any time before
    first = occ.period_start
    if first is None:
        return None
    start = begins.get(first)
    if start is None:
        start = begins[first] = pendulum.datetime(first.year, first.month, first.day, tz=tz)
    if occ.due >= start:
        return start
    # A lead time (每日 提前48小時): the window is one period long, ending at the due instant.
    last = occ.period_end
    assert last is not None
    span = spans.get((first, last))
    if span is None:
        span = spans[(first, last)] = last - first + dt.timedelta(days=1)
    return occ.due - span


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"


def _first(f: Finding) -> tuple[int, dt.datetime | None]:
    """The first publication of a finding, before any publication when it has none."""
    return (1, f.evidence[0].published_at) if f.evidence else (0, None)


def _loose_order(f: Finding) -> tuple[Any, ...]:
    return (f.obligation, f.agency, f.evidence[0].published_at)
