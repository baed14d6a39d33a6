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
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from obligations import collector, script
from obligations.evidence import _timezone, _unchecked
from obligations.evidence import wall_time as _wall
from obligations.lazy import BuiltOnAccess
from obligations.walltime import elapsed

if TYPE_CHECKING:
    import pendulum

    from obligations.calendar import HolidayCalendar
    from obligations.evidence import EvidenceRecord, EvidenceTable, LoadResult, Rejected
    from obligations.model import Obligation, Spec
    from obligations.occurrences import DueSeries, EventRecord, Occurrence


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

    @property
    def estimated(self) -> bool:
        """Its due date was computed from holiday data estimated by rule (--estimate)."""
        return self.occurrence is not None and self.occurrence.estimated


@attrs.frozen
class CheckResult:
    findings: Sequence[Finding]  # ``Findings`` from ``check``: each built when asked for
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
        if isinstance(self.findings, Findings):
            counted = self.findings.status_counts()
            return any(counted[status] for status in FAILING)
        return any(f.failing for f in self.findings)

    def counts(self) -> dict[str, int]:
        if isinstance(self.findings, Findings):
            return {status.value: n for status, n in self.findings.status_counts().items()}
        counted = Counter(f.status.value for f in self.findings)
        return {status.value: counted.get(status.value, 0) for status in Status}

    def summary(self) -> dict[str, Any]:
        """The accounting of every row read (``matched + unmatched + rejected = rows_read``), then
        the findings per status. ``unmatched`` is the rows' count: with ``agency`` the findings
        are that agency's, and their ``unmatched`` count would be fewer than the rows."""
        per_status = self.counts()
        del per_status[Status.UNMATCHED.value]
        return {
            "rows_read": self.rows_read,
            "matched": self.matched,
            "unmatched": self.unmatched,
            "rejected": len(self.rejected),
            **per_status,
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


def _pending_series(
    spec: Spec, as_of: dt.date, events: Sequence[EventRecord], calendar: HolidayCalendar | None
) -> list[DueSeries]:
    """What falls due after ``as_of``, as far as each duty's window can have opened by then and
    as far as holiday data reaches (docs/checking.md), as ``expand`` series.

    Nothing is due yet, so a year without data only shortens how far ahead a duty is listed
    (``expand_within_data``); it never makes a due date up. Duties of the same horizon are
    expanded together, with the obligations their 同步 [ID] chains refer to.
    """
    from obligations.occurrences import expand_within_data

    groups: dict[dt.timedelta, list[Obligation]] = {}
    for ob in spec.obligations:
        if ob.schedule.kind == "standing":
            continue  # due once, on the first day checked (in the main range): nothing falls due later
        groups.setdefault(_horizon(ob), []).append(ob)
    first = as_of + dt.timedelta(days=1)
    out: list[DueSeries] = []
    for horizon, members in groups.items():
        part = spec if len(members) == len(spec.obligations) else _part(spec, members)
        needs_events = any(ob.schedule.kind == "event" for ob in part.obligations)
        found, _ = expand_within_data(
            part, first, as_of + horizon, events=events if needs_events else (), calendar=calendar
        )
        if part is not spec:
            ids = {ob.id for ob in members}
            found = [s for s in found if s.obligation.id in ids]
        out.extend(found)
    return out


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


def check(
    spec: Spec,
    evidence: Sequence[LoadResult],
    *,
    start: dt.date,
    as_of: dt.datetime,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
    agency: str | None = None,
) -> CheckResult:
    """Set every evidence row against the occurrences due from ``start`` (and open by ``as_of``).

    ``as_of`` is taken in the spec's time zone: an aware time is converted there, and a naive one is
    a wall time there (docs/calendar.md, "Clock changes"), never the machine's local time.
    """
    as_of = _in_spec_zone(as_of, spec)
    zone = _timezone(spec.timezone)
    tables = [_table(load.records, zone) for load in evidence]
    rejected = tuple(r for load in evidence for r in load.rejected)
    rows_read = sum(load.rows_read for load in evidence)
    return _check(spec, start, as_of, events, calendar, tables, rejected, rows_read, agency)


def check_records(
    spec: Spec,
    records: Sequence[EvidenceRecord],
    *,
    start: dt.date,
    as_of: dt.datetime,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
    agency: str | None = None,
) -> CheckResult:
    """``check`` for records already in memory (every one counts as a row read)."""
    as_of = _in_spec_zone(as_of, spec)
    table = _table(records, _timezone(spec.timezone))
    return _check(spec, start, as_of, events, calendar, [table], (), len(records), agency)


def _in_spec_zone(as_of: dt.datetime, spec: Spec) -> pendulum.DateTime:
    """``as_of`` in the spec's zone: converted when aware, read as a wall time there when naive (the
    date of the check is that zone's date, whatever zone the caller's clock is in)."""
    import pendulum

    from obligations.walltime import wall_instant

    if as_of.tzinfo is None:
        return wall_instant(as_of, spec.timezone)
    return pendulum.instance(as_of).in_timezone(spec.timezone)


def _table(records: Sequence[EvidenceRecord], zone: Any) -> EvidenceTable:
    """The columns of ``records``: a loader's own table, else made from the records."""
    from obligations.evidence import EvidenceTable

    table = getattr(records, "table", None)
    if isinstance(table, EvidenceTable) and table.zone is zone:
        return table
    return EvidenceTable.from_records(records, zone)


def _check(
    spec: Spec,
    start: dt.date,
    as_of: pendulum.DateTime,
    events: Sequence[EventRecord],
    calendar: HolidayCalendar | None,
    tables: Sequence[EvidenceTable],
    rejected: tuple[Rejected, ...],
    rows_read: int,
    agency: str | None,
) -> CheckResult:
    """Check the rows of each table, in order."""
    from obligations.occurrences import checked_range

    start, _ = checked_range(start, as_of.date())  # a datetime given for a date; the range's order
    # No object is built per row or per finding here (``Findings`` builds them when asked), and
    # what is built holds no reference cycle: the collector would only walk it again and again.
    with collector.paused():
        return _Matcher(spec, start, as_of, events, calendar).run(tables, rejected, rows_read, agency)


# A slot's verdict, before it is a Finding; and the kinds of compact findings (``Findings``).
_STATUSES = tuple(Status)
_ON_TIME, _LATE, _MISSING, _PENDING = Status.ON_TIME, Status.LATE, Status.MISSING, Status.PENDING
_SHORT, _GAP = Status.SHORT, Status.GAP
_WRONG, _UNMATCHED, _DUPLICATE = Status.WRONG_AGENCY, Status.UNMATCHED, Status.DUPLICATE


class _Slot:
    """One occurrence (item ``k`` of an expanded series), the rows that meet it (in publication
    order, as global row numbers) and its duplicates.

    A row number is an int, and most slots hold one row or none: no list is made for them (a
    million rows would otherwise leave a million small containers for the collector to walk).
    """

    __slots__ = ("detail", "due", "dups", "first", "k", "more", "opens", "plain", "seqs", "series", "status")

    def __init__(self, series: DueSeries, k: int, due: int, opens: int | None, plain: bool) -> None:
        self.series = series
        self.k = k
        self.due = due  # the due instant (``_wall``)
        self.opens = opens  # when publication starts to count; None: any time before the due instant
        self.plain = plain  # neither a count nor a real-time duty: judged by the first publication
        self.first = -1  # the first row that meets it; -1: none yet
        self.more: list[int] | None = None  # the rows after the first (count and real-time duties)
        self.dups: list[int] | None = None  # rows that are duplicates, in the order they were placed
        self.seqs: list[int] | None = None  # their placement numbers, kept when another slot ties
        self.status: Status = _MISSING  # the verdict (``_Matcher._judge``)
        self.detail = ""

    def evidence(self) -> list[int]:
        """The rows that meet it, in publication order."""
        if self.first < 0:
            return []
        return [self.first] if self.more is None else [self.first, *self.more]


_DUE = operator.attrgetter("due")
_UNSEEN = itertools.repeat(-1)  # endless: what ``_walls`` reads for an instant not seen yet
_ZEROS = itertools.repeat(0)


def _owner(series: DueSeries) -> tuple[str, str]:
    return series.obligation.id, series.agency


class _Series:
    """The occurrences one agency label owes of one obligation, in due order, and the rows that
    name them (set against them in publication order, once all are read)."""

    __slots__ = ("by_period", "dues", "label", "multi", "ob", "open_from", "rows", "slots")

    def __init__(self, ob: Obligation, label: str) -> None:
        self.ob = ob
        self.label = label
        self.slots: list[_Slot] = []
        self.dues: list[int] = []
        self.multi = ob.schedule.kind in ("count", "realtime")  # every row counts: no duplicates
        self.rows: list[int] = []
        self.open_from = 0  # every slot before this one holds evidence
        self.by_period: dict[tuple[int, int], _Slot] | None = None

    def periods(self) -> dict[tuple[int, int], _Slot]:
        """(first, last day ordinal) of a period → its slot (the first, when two share one)."""
        if self.by_period is None:
            self.by_period = {}
            for slot in self.slots:
                starts, ends = slot.series.period_starts, slot.series.period_ends
                if starts is not None and ends is not None:
                    self.by_period.setdefault((starts[slot.k], ends[slot.k]), slot)
        return self.by_period


_new_finding = _unchecked(Finding)  # Finding(*every field): there is nothing to check
_US = 1_000_000
_DAY_US = 86_400 * _US


class _Matcher:
    """The one implementation of the rules of docs/checking.md, on ints.

    Occurrences are the items of ``expand``'s series (no ``Occurrence`` is built unless a finding
    is asked for); rows are a table's columns: a target key, a wall time in microseconds and a
    period. Rows are resolved (obligation, agency label) once per distinct (id, subject, agency),
    grouped by the occurrences they can meet, and each group is set against its occurrences in
    order of publication: groups share nothing, so this is the order of the rules. Findings are
    then put in the order of (due, obligation, agency, first publication) without sorting them
    all: slots are made in that order, and each slot's findings follow it.
    """

    def __init__(
        self,
        spec: Spec,
        start: dt.date,
        as_of: pendulum.DateTime,
        events: Sequence[EventRecord],
        calendar: HolidayCalendar | None,
    ) -> None:
        from obligations.occurrences import _Built, _Days, expand

        self.spec = spec
        self.start = start
        self.as_of = as_of
        self.tz = spec.timezone
        self.zone = _timezone(spec.timezone)
        self.now = _wall(as_of, self.zone)
        self.dues: dict[int, int] = {}  # id(due DateTime) → _wall, for the shared instants
        self._keep: list[Any] = []  # the objects whose ids key ``dues``
        main = expand(spec, start, as_of.date(), events=events, calendar=calendar)
        pending = _pending_series(spec, as_of.date(), events, calendar)  # all due later
        self.series: dict[tuple[str, str], _Series] = {}
        self.slots: list[_Slot] = []  # every slot, in (due, obligation, agency) order
        self.in_run: list[bool] = []  # the slot shares (due, obligation, agency) with the one before
        self._begins: dict[int, int] = {}  # day ordinal → its start (``_begin``)
        self._make_slots([*main, *pending])
        self._by_subject: dict[str, list[Obligation]] | None = None
        self._by_loose_id: dict[str, Obligation | None] | None = None
        self._labels: dict[str, dict[str, str]] = {}
        self._agency_keys: dict[str, str] = {}
        self._targets: dict[tuple[str | None, str | None, str], _Series | Obligation | None] = {}
        self.loose: list[tuple[Any, ...]] = []  # wrong-agency and unmatched rows: no due instant
        self.with_dups: list[_Slot] = []  # the slots whose duplicates are entries (``_duplicates``)
        self.matched = 0
        self.unmatched = 0
        self._placed = 0
        self.rows = _Rows()
        self._built: dict[int, tuple[DueSeries, list[Occurrence]]] = {}  # id(series) → its objects
        self._dates: Any = _Built(_Days._date_of)  # one Date per day, shared (as occurrences())

    def _walls(self, series: DueSeries) -> tuple[list[int], Iterable[int | None]]:
        """The due instants of ``series`` and the openings of their windows (``_opens``,
        docs/checking.md, "Windows"), as wall times."""
        dues = self.dues
        walls: list[int] = list(map(dues.get, map(id, series.dues), _UNSEEN))
        if min(walls, default=0) < 0:  # instants not seen yet (shared by many series: few)
            for k in itertools.compress(range(len(walls)), map(operator.lt, walls, _ZEROS)):
                instant = series.dues[k]
                wall = dues.get(id(instant), -1)
                if wall < 0:
                    wall = dues[id(instant)] = _wall(instant, self.zone)
                    self._keep.append(instant)
                walls[k] = wall
        opens: Iterable[int | None]
        if series.triggers is None and (series.period_starts is None or series.rule == "standing"):
            # once and standing duties: any time before the due instant (a list put on display
            # long before the checked range is on display in it)
            opens = itertools.repeat(None)
        else:
            opens = list(map(self._opens, itertools.repeat(series), itertools.count(), walls))
        return walls, opens

    def _make_slots(self, found: list[DueSeries]) -> None:
        """A slot for each item of ``found`` whose window has opened, in (due, obligation id,
        agency) order, ties in the order of ``found`` and of the items; each (obligation, agency)
        a ``_Series`` holding its slots in that order, made in the order of its first slot.

        The series are taken in (obligation id, agency) order and each one's slots sorted by due,
        so that one stable sort by due gives the whole order: no tuple is made per occurrence.
        """
        now = self.now
        groups: dict[tuple[str, str], tuple[_Series, list[_Slot]]] = {}
        for series in sorted(found, key=_owner):
            key = _owner(series)
            group = groups.get(key)
            if group is None:
                group = groups[key] = (_Series(series.obligation, series.agency), [])
            owed, made = group
            plain = not owed.multi
            walls, opens = self._walls(series)
            for k, (due, start) in enumerate(zip(walls, opens, strict=False)):
                if start is None or start <= now:  # else not due, not pending, simply not yet
                    made.append(_Slot(series, k, due, start, plain))
        firsts = []
        slots: list[_Slot] = []
        tied: set[int] = set()  # ids of the slots that share (due, obligation, agency) with the one before
        for key, (owed, made) in groups.items():
            if not made:
                continue
            made.sort(key=_DUE)  # stable
            owed.slots = made
            owed.dues = dues = [slot.due for slot in made]
            firsts.append((dues[0], key, owed))
            slots += made
            for i in itertools.compress(range(1, len(dues)), map(operator.eq, dues, dues[1:])):
                tied.add(id(made[i]))  # ordered with the one before: remember placements
                made[i].seqs = []
                if made[i - 1].seqs is None:
                    made[i - 1].seqs = []
        firsts.sort(key=operator.itemgetter(0, 1))
        self.series = {key: owed for _, key, owed in firsts}
        slots.sort(key=_DUE)  # stable: by (obligation, agency) from the groups, then their order
        self.slots = slots
        self.in_run = [id(slot) in tied for slot in slots] if tied else [False] * len(slots)

    def _begin(self, first: int) -> int:
        """The start of day ``first`` (an ordinal), as a wall time (remembered in ``_begins``)."""
        start = self._begins.get(first)
        if start is not None:
            return start
        import pendulum

        day = dt.date.fromordinal(first)
        begun = pendulum.datetime(day.year, day.month, day.day, tz=self.tz)
        start = self._begins[first] = _wall(begun, self.zone)
        return start

    def _opens(self, series: DueSeries, k: int, due: int) -> int | None:
        """``_opens`` (docs/checking.md, "Windows") of item ``k`` of ``series``, as a wall time."""
        triggers = series.triggers
        if triggers is not None and triggers[k] is not None:
            trigger = _wall(triggers[k].occurred_at, self.zone)
            return None if due < trigger else trigger  # a lead before an event: any time before
        starts = series.period_starts
        if starts is None:
            return None
        first = starts[k]
        start = self._begin(first)
        if due >= start:
            return start
        # A lead time (每日 提前48小時): the window is one period long, ending at the due instant.
        ends = series.period_ends
        assert ends is not None
        return due - (ends[k] - first + 1) * _DAY_US

    def labels(self, ob: Obligation) -> dict[str, str]:
        found = self._labels.get(ob.id)
        if found is None:
            found = self._labels[ob.id] = _labels(ob)
        return found

    # -- the rows --------------------------------------------------------------------------------
    def run(
        self,
        tables: Sequence[EvidenceTable],
        rejected: tuple[Rejected, ...],
        rows_read: int,
        agency: str | None,
    ) -> CheckResult:
        rows = self.rows
        for table in tables:  # rules 1 and 2: which obligation, which agency
            base = rows.add(table)
            targets = [self._target(key) for key in table.targets]
            add = [t.rows.append if isinstance(t, _Series) else None for t in targets]
            for g, key in enumerate(table.keys, base):
                append = add[key]
                if append is not None:
                    append(g)
                    continue
                target = targets[key]
                name = table.targets[key][2]
                if target is None:
                    self._unmatched(g, name, NO_OBLIGATION)
                elif not isinstance(target, _Series):
                    self.matched += 1
                    self.loose.append((target.id, name, rows.times[g], _WRONG, g, ""))
        for series in self.series.values():
            if series.rows:
                self._place(series)  # rules 3 and 4, in order of publication
        self.series, self._targets = {}, {}  # the slots hold all that is left to judge
        findings = self._ordered()
        if agency is not None:
            findings = Findings(tuple(f for f in findings if self._concerns(f, agency)))
        return CheckResult(
            findings, rejected, rows_read, self.matched, self.unmatched, self.start, self.as_of
        )

    def _target(self, key: tuple[str | None, str | None, str]) -> _Series | Obligation | None:
        """The series a row can meet; the obligation alone for a wrong agency; None for none."""
        if key in self._targets:
            return self._targets[key]
        ob = self._obligation(*key)
        target: _Series | Obligation | None = ob
        if ob is not None:
            label = self.labels(ob).get(self._agency_key(key[2]))
            if label is not None:
                target = self.series.get((ob.id, label))
                if target is None:  # no occurrence in the checked range
                    target = self.series[(ob.id, label)] = _Series(ob, label)
        self._targets[key] = target
        return target

    def _place(self, series: _Series) -> None:
        rows = series.rows
        times, periods = self.rows.times, self.rows.periods
        rows.sort(key=times.__getitem__)  # stable: rows published at one instant keep file order
        spans = self.rows.spans
        slots, dues, multi = series.slots, series.dues, series.multi
        n = len(slots)
        bisect_left = bisect.bisect_left
        placed = self._placed
        by_period: dict[tuple[int, int], _Slot] | None = None
        for g in rows:
            moment = times[g]
            slot: _Slot | None = None
            p = periods[g]
            if p:  # 1. the period the row states
                if by_period is None:
                    by_period = series.periods()
                slot = by_period.get(spans[p])
            if slot is None and n:
                # 2. the first occurrence due at or after the row whose window holds it (one
                # still open, else the first already met); windows open in due order
                i = bisect_left(dues, moment)
                holding = None
                for k in range(i, n):
                    candidate = slots[k]
                    if candidate.opens is not None and candidate.opens > moment:
                        break
                    if multi or candidate.first < 0:
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
                    while k < n and slots[k].first >= 0:
                        k += 1
                    series.open_from = k
                    if k < n and dues[k] < moment:
                        slot = slots[k]
                    elif i > 0:
                        slot = slots[i - 1]
            if slot is None:
                self._unmatched(g, self.rows.agency(g), OUTSIDE_RANGE, series.ob.id)
                continue
            if slot.first < 0:
                slot.first = g
            elif multi:
                if slot.more is None:
                    slot.more = [g]
                else:
                    slot.more.append(g)
            else:  # 4. met already: a duplicate
                if slot.dups is None:
                    slot.dups = [g]
                else:
                    slot.dups.append(g)
                if slot.seqs is not None:
                    slot.seqs.append(placed)
            placed += 1
        self.matched += placed - self._placed
        self._placed = placed
        series.rows = []

    def _unmatched(self, g: int, agency: str, why: str, ob_id: str = "") -> None:
        self.unmatched += 1
        self.loose.append((ob_id, agency, self.rows.times[g], _UNMATCHED, g, why))

    def _obligation(self, ob_id: str | None, subject: str | None, agency: str) -> Obligation | None:
        if ob_id:
            return self.spec.obligation(ob_id) or self._loose_id(ob_id)
        if not subject:
            return None
        if self._by_subject is None:
            self._by_subject = {}
            obs = self.spec.obligations
            for ob, key in zip(obs, script.keys(ob.subject for ob in obs), strict=True):
                self._by_subject.setdefault(key, []).append(ob)
        candidates = self._by_subject.get(script.key(subject), [])
        who = self._agency_key(agency)
        for ob in candidates:  # the subject may be shared: prefer an obligation the agency owes
            if who in self.labels(ob):
                return ob
        return candidates[0] if candidates else None

    def _loose_id(self, ob_id: str) -> Obligation | None:
        """The obligation whose id ``ob_id`` is, but for case and full-width forms (typed in
        Excel with a Chinese input method: ＨＭ－４４０４, hm-4404); None when none or several."""
        if self._by_loose_id is None:
            found: dict[str, Obligation | None] = {}
            for ob in self.spec.obligations:
                key = _id_key(ob.id)
                found[key] = None if key in found else ob  # two ids alike but for case: neither
            self._by_loose_id = found
        return self._by_loose_id.get(_id_key(ob_id))

    def _agency_key(self, name: str) -> str:
        cached = self._agency_keys.get(name)
        if cached is None:
            declared = self.spec.agency(name)
            cached = script.key(declared.name if declared else name)
            self._agency_keys[name] = cached
        return cached

    # -- verdicts and their order ----------------------------------------------------------------
    def _ordered(self) -> Findings:
        """Every finding in (due, obligation, agency, first publication) order, ties in the order
        they were made (the placement of rows before the verdicts of occurrences), as compact
        entries: a slot (its verdict), a negative int (a duplicate: ``_duplicates``), a loose row.

        Slots are in (due, obligation, agency) order, and each slot's findings share that: only
        its verdict and its duplicates need ordering (by first publication), and the rare slots
        sharing the whole key with a neighbour are ordered together.
        """
        out: list[Any] = []
        append, extend, judge = out.append, out.extend, self._judge
        tally = [0] * len(_STATUSES)  # per status, by its place in _STATUSES (an Enum hashes slowly)
        times = self.rows.times
        slots, in_run = self.slots, self.in_run
        n = len(slots)
        dups_total = 0
        for i, slot in enumerate(slots):
            if in_run[i]:
                continue  # ordered with the first slot of its run
            if i + 1 < n and in_run[i + 1]:
                j = i + 1
                while j < n and in_run[j]:
                    j += 1
                for member in slots[i:j]:
                    tally[judge(member)] += 1
                    dups_total += len(member.dups or ())
                extend(self._run(slots[i:j]))
                continue
            tally[judge(slot)] += 1
            dups = slot.dups
            if dups is None:
                append(slot)
                continue
            dups_total += len(dups)
            # Duplicates were published no earlier than the first evidence; those published at
            # the same instant were made before the verdict, and come first.
            first = times[slot.first]
            k = 0
            while k < len(dups) and times[dups[k]] <= first:
                k += 1
            pairs = self._duplicates(slot)
            if k:
                extend(pairs[:k])
                append(slot)
                extend(pairs[k:])
            else:
                append(slot)
                extend(pairs)
        counts = dict(zip(_STATUSES, tally, strict=True))
        counts[_DUPLICATE] += dups_total
        loose = self.loose
        loose.sort(key=operator.itemgetter(0, 1, 2))
        for item in loose:
            counts[item[3]] += 1
        out.extend(loose)
        self.slots, self.in_run, self.loose = [], [], []
        return Findings(out, self.finding, counts)

    def _duplicates(self, slot: _Slot) -> list[int]:
        """The entries of the slot's duplicates, in order: ints, which the collector does not
        track (a (slot, row) pair per duplicate would be a million objects for it to walk).

        ``-1 - (p * rows + g)`` stands for row ``g`` as a duplicate of ``self.with_dups[p]``.
        """
        assert slot.dups is not None
        base = -1 - len(self.with_dups) * self.rows.n
        self.with_dups.append(slot)
        return list(map(base.__sub__, slot.dups))

    def _run(self, run: list[_Slot]) -> list[Any]:
        times = self.rows.times
        keyed: list[tuple[Any, ...]] = []
        for index, slot in enumerate(run):
            if slot.dups is not None:
                entries = self._duplicates(slot)
                for seq, g, entry in zip(slot.seqs or (), slot.dups, entries, strict=True):
                    keyed.append(((1, times[g]), 0, seq, entry))
            first = (1, times[slot.first]) if slot.first >= 0 else (0, 0)
            keyed.append((first, 1, index, slot))
        keyed.sort(key=lambda item: item[:3])
        return [item[3] for item in keyed]

    def _judge(self, slot: _Slot) -> int:
        """The slot's verdict (kept in it, with its detail), as its place in ``_STATUSES`` (an
        Enum hashes in Python: counting by place is cheaper): docs/checking.md, after the rules."""
        first = slot.first
        status: Status
        if not slot.plain and slot.series.obligation.schedule.kind == "count":
            evidence = slot.evidence()
            found = len(evidence)
            need = slot.series.min_count
            slot.detail = f"{found}/{need}"
            if found >= need:
                status = _ON_TIME if self.rows.times[evidence[need - 1]] <= slot.due else _LATE
            elif slot.due > self.now:
                status = _PENDING
            else:  # none at all is missing, as for any duty (and so a veto two weeks on)
                status = _SHORT if found else _MISSING
        elif first < 0:
            status = _MISSING if slot.due <= self.now else _PENDING
        elif not slot.plain and (gap := self._longest_gap(slot, slot.evidence())) is not None:
            status = _GAP  # real time: an interval without updates longer than allowed
            slot.detail = _hours(dt.timedelta(microseconds=gap))
        elif not slot.plain and slot.due > self.now:
            status = _PENDING  # real time: the day is not over, a gap may still open
        else:  # by the first publication
            status = _ON_TIME if self.rows.times[first] <= slot.due else _LATE
        slot.status = status
        return _STATUSES.index(status)

    def _longest_gap(self, slot: _Slot, evidence: list[int]) -> int | None:
        """The longest interval of the day without an update, if longer than the allowed gap, in
        real elapsed microseconds: hours are counted as instants (docs/calendar.md), so that the
        day a clock goes back (25 hours) or forward (23) is measured as it was lived."""
        schedule = slot.series.obligation.schedule
        limit = getattr(schedule, "max_gap", None)
        starts = slot.series.period_starts
        if limit is None or slot.opens is None or starts is None:
            return None
        if limit.unit.value != "hour":
            return None  # a gap of a day or more cannot be exceeded within one day's window
        import pendulum

        allowed = dt.timedelta(hours=limit.amount)
        day = dt.date.fromordinal(starts[slot.k])
        begun = pendulum.datetime(day.year, day.month, day.day, tz=self.tz)
        ended = min(slot.series.dues[slot.k], self.as_of)
        updates = sorted(r.published_at for r in map(self.rows.record, evidence))
        marks = [begun, *(u for u in updates if u <= ended), ended]
        longest = max(elapsed(a, b) for a, b in itertools.pairwise(marks))
        return longest // dt.timedelta(microseconds=1) if longest > allowed else None

    # -- findings, when asked for ------------------------------------------------------------------
    def finding(self, entry: Any) -> Finding:
        """The ``Finding`` of one compact entry of ``_ordered``."""
        record = self.rows.record
        if isinstance(entry, _Slot):
            occ = self.occurrence(entry)
            ob_id, status = occ.obligation.id, entry.status
            evidence = tuple(map(record, entry.evidence()))
            if status is _MISSING or (status is _PENDING and not entry.detail):
                return _new_finding(status, ob_id, occ.agency, occ, (), occ.due, None, "")
            if status is _LATE:
                need = occ.min_count if occ.obligation.schedule.kind == "count" else 1
                lateness = elapsed(occ.due, evidence[need - 1].published_at)
                return Finding(status, ob_id, occ.agency, occ, evidence, occ.due, lateness, entry.detail)
            return Finding(status, ob_id, occ.agency, occ, evidence, occ.due, detail=entry.detail)
        if isinstance(entry, int):  # a duplicate (``_duplicates``)
            p, g = divmod(-1 - entry, self.rows.n)
            occ = self.occurrence(self.with_dups[p])
            return _new_finding(
                _DUPLICATE, occ.obligation.id, occ.agency, occ, (record(g),), occ.due, None, ""
            )
        ob_id, _, _, status, g, why = entry
        row = record(g)
        if status is _WRONG:
            return Finding(status, ob_id, row.agency, None, (row,))
        return Finding(status, ob_id, row.agency, None, (row,), detail=why)

    def occurrence(self, slot: _Slot) -> Occurrence:
        """The ``Occurrence`` of a slot: the one ``occurrences()`` builds (once per series)."""
        from obligations.occurrences import _objects

        built = self._built.get(id(slot.series))
        if built is None:
            built = self._built[id(slot.series)] = (slot.series, _objects(slot.series, self._dates))
        return built[1][slot.k]

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


class _Rows:
    """The rows of every table checked, numbered one after the other (global row numbers)."""

    def __init__(self) -> None:
        self.tables: list[EvidenceTable] = []
        self.bases: list[int] = []
        self.times: Sequence[int] = array("q")
        self.periods: Sequence[int] = array("l")
        self.spans: list[tuple[int, int]] = [(0, 0)]  # period index → (first, last day ordinal)
        self.n = 0

    def add(self, table: EvidenceTable) -> int:
        """Number ``table``'s rows after those already added; the first number."""
        base = self.n
        spans = [(p.start.toordinal(), p.end.toordinal()) if p else (0, 0) for p in table.period_values]
        if not self.tables:
            self.times, self.periods, self.spans = table.times, table.periods, spans
        else:
            offset = len(self.spans)
            self.times = array("q", self.times) + array("q", table.times)
            self.periods = array("l", self.periods) + array(
                "l", (p + offset if p else 0 for p in table.periods)
            )
            self.spans = self.spans + spans
        self.tables.append(table)
        self.bases.append(base)
        self.n += len(table)
        return base

    def _locate(self, g: int) -> tuple[EvidenceTable, int]:
        t = bisect.bisect_right(self.bases, g) - 1
        return self.tables[t], g - self.bases[t]

    def agency(self, g: int) -> str:
        table, i = self._locate(g)
        return table.targets[table.keys[i]][2]

    def record(self, g: int) -> EvidenceRecord:
        table, i = self._locate(g)
        return table.record(i)


class Findings(BuiltOnAccess[Finding]):
    """``CheckResult.findings``: each ``Finding`` is built when it is asked for, from a compact
    entry (a million rows give a million findings; most callers want a few, or a count).

    A sequence like a tuple (``lazy.BuiltOnAccess``); the counts per status are known without
    building any.
    """

    __slots__ = ("_counts",)

    def __init__(
        self,
        entries: Sequence[Any],
        make: Callable[[Any], Finding] | None = None,
        counts: dict[Status, int] | None = None,
    ) -> None:
        super().__init__(entries, make)
        self._counts = counts

    def status_counts(self) -> dict[Status, int]:
        """How many findings have each status (every status, 0 for none)."""
        if self._counts is None:
            counted = Counter(f.status for f in self)
            self._counts = {status: counted.get(status, 0) for status in Status}
        return dict(self._counts)


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


def _id_key(ob_id: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKC", ob_id).casefold()


def _hours(delta: dt.timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"
