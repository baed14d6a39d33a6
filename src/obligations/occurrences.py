"""Occurrences: when each obligation falls due, under a statutory calendar.

The calendar stage of the pipeline: model (``Spec``) + a date range + events + a holiday
calendar → ``Occurrence`` objects. ``expand`` gives the same due instants in bulk, as columns
(``DueSeries``, no object per instant); ``occurrences`` is ``expand`` plus the objects, so every
rule below is applied in one place. Dates are pendulum values at this API boundary and plain
``datetime.date`` ordinals inside (see ``obligations.calendar``). Every rule is written in
``docs/calendar.md`` ("Date rules") with a worked example that ``tests/test_calendar_docs.py``
executes; the rule names below (``Occurrence.rule``) are that section's headings.

Nothing here guesses a day off: a rule that needs a year the calendar has no data for raises
:class:`~obligations.errors.CalendarDataError` naming the year and the obligation. A rule that
needs no holiday data (no roll, no working days) never consults the calendar at all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import NamedTuple, TypeVar

import attrs
import pendulum

from obligations import collector, script
from obligations.calendar import DayInfo, HolidayCalendar, china_calendar
from obligations.errors import FIRST_YEAR, LAST_YEAR, CalendarDataError, DateRangeError
from obligations.model import (
    DEFAULT_TIMEZONE,
    Count,
    Event,
    Lag,
    Obligation,
    Once,
    PeriodDeadline,
    Periodic,
    Realtime,
    Spec,
    Standing,
    Unscheduled,
    Window,
)
from obligations.terms import AttrsRepr, Every, Role, Unit

__all__ = [
    "CLOCK_EVENTS",
    "RULES",
    "DueSeries",
    "EventRecord",
    "Occurrence",
    "agencies_owing",
    "as_occurrences",
    "display_end",
    "expand",
    "expand_within_data",
    "occurrences",
    "stopped_clocks",
    "unmatched_events",
    "unscheduled",
]


# The date rules, as named in ``Occurrence.rule``: each is a heading of docs/calendar.md "Date rules".
RULES = (
    "periodic",
    "day-of-period",
    "next-period",
    "after-period",
    "lead",
    "count",
    "working-days",
    "days",
    "hours",
    "event-lead",
    "same-day",
    "sync",
    "on-request",
    "standing",
    "realtime",
    "once",
)


@attrs.frozen(repr=False)
class EventRecord(AttrsRepr):
    """One thing that happened: a row of an events file (``event``, ``occurred_at``, optional ``id``)."""

    event: str
    occurred_at: pendulum.DateTime
    id: str | None = None
    row: int | None = None  # the row of the events file it came from, for messages


# Not slotted: a slotted frozen attrs class sets each field through object.__setattr__, which
# made construction four times slower; a year of a 10,000-duty spec builds close to a million.
@attrs.frozen(slots=False, repr=False)
class Occurrence(AttrsRepr):
    """One time an obligation falls due, for one agency."""

    obligation: Obligation
    agency: str  # who owes it: the agency for 'each', the lead for lead/support, names joined by 、 for joint
    period_start: pendulum.Date | None  # the period covered (periodic and count), else None
    period_end: pendulum.Date | None
    trigger: EventRecord | None  # the event that started the clock (event-triggered), else None
    due: pendulum.DateTime  # the instant it falls due, in the spec's time zone
    due_date: pendulum.Date  # the date of ``due`` in the spec's time zone: the day shown to people
    estimated: bool  # computed from estimated (not official) holiday data
    moved: tuple[DayInfo, ...] = ()  # the days off / make-up days that moved the due date, for explain
    min_count: int = 1  # publications required in the window (count obligations)
    # --- added by the engine (issue 3, part 2); all have defaults ---
    rule: str = ""  # the date rule applied: a heading of docs/calendar.md "Date rules", e.g. "after-period"
    display_until: pendulum.DateTime | None = None  # end of the display period if published at ``due``
    applied: tuple[EventRecord, ...] = ()  # on-request clock events (extension, pause, restart) applied
    notes: tuple[str, ...] = ()  # clock events not applied, and why

    @property
    def uid(self) -> str:
        """Stable across runs: obligation + period or trigger + agency (used as the iCalendar UID)."""
        if self.period_start is not None:
            anchor = self.period_start.isoformat()
        elif self.trigger is not None:
            anchor = self.trigger.id or self.trigger.occurred_at.isoformat()
        else:
            anchor = self.due_date.isoformat()
        return f"{self.obligation.id}/{anchor}/{self.agency}"


# Not slotted, for the reason given at Occurrence: one is built per obligation and agency.
@attrs.frozen(slots=False, repr=False)
class DueSeries(AttrsRepr):
    """Every time one obligation falls due in a range, for one agency: parallel columns.

    What ``expand`` returns, and what ``occurrences`` turns into one ``Occurrence`` per due
    instant: item ``i`` of every column describes the same occurrence. Items are in the order of
    the periods (periodic, count, real time) or of the triggering events in the events file, not
    necessarily of the due instants. Days are **ordinals** (``date.toordinal()``; turn one back
    with ``datetime.date.fromordinal``); a column of evenly spaced days may be a ``range``. An
    optional column that is None means that the rule has no such value (no period, no trigger) or
    leaves it at the default for every item (``estimated`` False, ``moved`` empty …). The agencies
    owing one obligation get one series each, sharing the same column objects.
    """

    obligation: Obligation
    agency: str  # as Occurrence.agency
    rule: str  # the date rule applied: a heading of docs/calendar.md "Date rules"
    dues: Sequence[pendulum.DateTime]  # the due instants, aware, in the spec's time zone
    due_days: Sequence[int]  # the ordinal of each due instant's date in the spec's time zone
    period_starts: Sequence[int] | None = None  # the period covered (periodic, count, standing, real time)
    period_ends: Sequence[int] | None = None
    min_count: int = 1  # publications required in each period (count obligations)
    triggers: Sequence[EventRecord] | None = None  # the event that started each clock (event-triggered)
    estimated: Sequence[bool] | None = None  # computed from estimated holiday data
    moved: Sequence[tuple[DayInfo, ...]] | None = None  # the days off / make-up days that moved it
    display_until: Sequence[pendulum.DateTime] | None = None  # end of the display period (公示期)
    applied: Sequence[tuple[EventRecord, ...]] | None = None  # on-request clock events applied
    notes: Sequence[tuple[str, ...]] | None = None  # on-request clock events not applied, and why

    def __len__(self) -> int:
        return len(self.dues)


# ---- the public functions -----------------------------------------------------------------------


def expand(
    spec: Spec,
    start: dt.date,
    end: dt.date,
    *,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
) -> list[DueSeries]:
    """When each obligation of ``spec`` falls due in ``start``..``end`` (inclusive), in bulk.

    The same due instants as ``occurrences`` (which is built on this), as columns of one
    ``DueSeries`` per obligation that can be scheduled and agency that owes it, in (obligation
    id, agency) order; a series may be empty. No object is built per due instant: the instants
    are ``pendulum.DateTime`` values shared by every duty due at the same instant.
    ``calendar`` defaults to China's bundled calendar. Raises :class:`CalendarDataError` when a
    due date depends on a year without holiday data.
    """
    start, end = checked_range(start, end)
    engine = _Engine(spec, start, end, calendar or china_calendar(), events)
    out: list[DueSeries] = []
    with collector.paused():  # occurrences hold no cycles; a year allocates a million
        for ob in sorted(spec.obligations, key=_id_of):
            out.extend(engine.series(ob))
    return out


def checked_range(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """``start``..``end`` as plain dates (a datetime is taken for its date); DateRangeError when it
    ends before it starts or leaves the years the engine can count in."""
    first, last = (dt.date(d.year, d.month, d.day) for d in (start, end))
    if first > last:
        raise DateRangeError(f"the range starts ({first}) after it ends ({last})")
    for day in (first, last):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise DateRangeError(f"{day}: the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return first, last


def occurrences(
    spec: Spec,
    start: dt.date,
    end: dt.date,
    *,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
) -> list[Occurrence]:
    """Every occurrence of ``spec`` whose due date lies in ``start``..``end`` (inclusive).

    Sorted by (due, obligation id, agency). ``calendar`` defaults to China's bundled calendar.
    Raises :class:`CalendarDataError` when a due date depends on a year without holiday data.
    This is ``expand`` with one ``Occurrence`` built per due instant.
    """
    return as_occurrences(expand(spec, start, end, events=events, calendar=calendar))


def expand_within_data(
    spec: Spec,
    start: dt.date,
    end: dt.date,
    *,
    events: Sequence[EventRecord] = (),
    calendar: HolidayCalendar | None = None,
) -> tuple[list[DueSeries], CalendarDataError | None]:
    """``expand``, with each duty listed only as far ahead as holiday data reaches.

    For looking ahead, where nothing is due yet (pending items, the next due dates): a year
    without data shortens how far a duty is listed and is never guessed, but does not stop the
    others. A duty whose dates reach such a year is expanded again up to the end of the year
    before it, then a day shorter at a time for a week, then a week at a time, while a rolled or
    counted deadline still reaches into it
    (docs/calendar.md). Returns the series, in ``expand``'s order, and the first error met
    (None when no duty was cut short).
    """
    start, end = checked_range(start, end)
    cal = calendar or china_calendar()
    engines: dict[dt.date, _Engine] = {}
    out: list[DueSeries] = []
    first_error: CalendarDataError | None = None
    with collector.paused():
        for ob in sorted(spec.obligations, key=_id_of):
            stop, tries = end, 0
            while stop >= start:
                engine = engines.get(stop)
                if engine is None:  # one engine per distinct end: the duties cut short share one
                    engine = engines[stop] = _Engine(spec, start, stop, cal, events)
                try:
                    out.extend(engine.series(ob))
                    break
                except CalendarDataError as err:
                    if first_error is None:
                        # Kept without its traceback and the error it replaced (``_needed_for``,
                        # raised ``from None``): through them it would hold this frame, and its
                        # callers' frames with all their locals, in a cycle until the collector
                        # found it. It is returned, not raised: neither is ever shown.
                        first_error = err.with_traceback(None)
                        first_error.__context__ = None
                    # a day shorter for the last week of the data (a lead due on 25 December
                    # survives a week of 4 January that needs the next year), then a week
                    shorter = dt.timedelta(days=1 if 0 < tries <= 7 else 7)
                    stop = min(stop - shorter, dt.date(err.year - 1, 12, 31))
                    tries += 1
    return out, first_error


def as_occurrences(series: Sequence[DueSeries]) -> list[Occurrence]:
    """One ``Occurrence`` per due instant of ``series`` (as ``expand`` orders them), sorted by
    (due, obligation id, agency)."""
    date: _Built[pendulum.Date] = _Built(_Days._date_of)  # one Date per day, shared
    out: list[Occurrence] = []
    with collector.paused():  # occurrences hold no cycles; a year allocates a million
        # Obligations in id order, agencies in name order and each agency's periods in order,
        # then a stable sort on the due instant alone: the order of sorting on (due, id, agency)
        # without a key tuple each. Agency before period matters when a roll puts several
        # periods on one due date (每日 期後1日內 over a holiday break).
        for _, group in itertools.groupby(series, key=_obligation_of):
            first, *others = group
            built = _objects(first, date)
            if others:  # the agencies owing one duty share its columns: copy each object
                agencies = [first.agency, *(s.agency for s in others)]
                built = [_copy(occ, occ.obligation, agency) for agency in agencies for occ in built]
            out.extend(built)
        out.sort(key=_due_of)
    return out


def _obligation_of(series: DueSeries) -> int:
    return id(series.obligation)


def _objects(series: DueSeries, date: _Built[pendulum.Date]) -> list[Occurrence]:
    """One ``Occurrence`` per item of ``series``: positional arguments, as this runs per item."""
    ob, agency, rule, count = series.obligation, series.agency, series.rule, series.min_count
    dues, days = series.dues, series.due_days
    starts, ends = series.period_starts, series.period_ends
    details = (series.triggers, series.estimated, series.moved, series.display_until)
    if details == (None, None, None, None) and series.applied is None and series.notes is None:
        # Plain rules (most of a spec): no trigger, nothing moved or estimated, no display.
        if starts is None or ends is None:
            return [
                Occurrence(ob, agency, None, None, None, due, date[d], False, (), count, rule)
                for due, d in zip(dues, days, strict=True)
            ]
        if starts == ends == days:  # one-day periods due on their day: daily, real time
            return [
                Occurrence(ob, agency, d, d, None, due, d, False, (), count, rule)
                for d, due in zip(map(date.__getitem__, days), dues, strict=True)
            ]
        return [
            Occurrence(ob, agency, date[a], date[b], None, due, date[d], False, (), count, rule)
            for a, b, due, d in zip(starts, ends, dues, days, strict=True)
        ]
    nothing = itertools.repeat(None)
    columns = zip(
        nothing if starts is None else map(date.__getitem__, starts),
        nothing if ends is None else map(date.__getitem__, ends),
        nothing if series.triggers is None else series.triggers,
        dues,
        map(date.__getitem__, days),
        itertools.repeat(False) if series.estimated is None else series.estimated,
        itertools.repeat(()) if series.moved is None else series.moved,
        nothing if series.display_until is None else series.display_until,
        itertools.repeat(()) if series.applied is None else series.applied,
        itertools.repeat(()) if series.notes is None else series.notes,
        strict=False,  # the columns left out are endless repeats of their default
    )
    return [
        Occurrence(ob, agency, a, b, trigger, due, day, est, moved, count, rule, until, applied, notes)
        for a, b, trigger, due, day, est, moved, until, applied, notes in columns
    ]


_due_of = operator.attrgetter("due")


def _id_of(ob: Obligation) -> str:
    return ob.id


def unscheduled(spec: Spec) -> list[Obligation]:
    """The obligations no date can be computed for, in spec order.

    Vague timings (按時, 適時, bare 定期 …) and ``同步 [ID]`` chains that end in one of those or
    go round in a circle. The CLI lists them so that they are never dropped silently.
    """
    return [ob for ob in spec.obligations if _unschedulable(spec, ob, ())]


def _unschedulable(spec: Spec, ob: Obligation, seen: tuple[str, ...]) -> bool:
    schedule = ob.schedule
    if isinstance(schedule, Unscheduled):
        return True
    if not (isinstance(schedule, Event) and schedule.sync_with):
        return False
    ref = spec.obligation(schedule.sync_with)
    if ref is None or ref.id in seen or ref.id == ob.id:
        return True
    return _unschedulable(spec, ref, (*seen, ob.id))


def agencies_owing(ob: Obligation) -> list[str]:
    """Who owes each occurrence, in the order written (docs/calendar.md, "Agencies").

    ``each`` and ``lead`` agencies owe one occurrence each; the ``joint`` agencies owe one
    together (names joined by 、); ``support`` agencies owe none of their own, unless nobody
    else is named, when they owe one jointly. No agency at all: one occurrence, agency "".
    """
    owing: list[str] = []
    joint: list[str] = []
    support: list[str] = []
    joint_at: int | None = None
    for ref in ob.agencies:
        if ref.role is Role.JOINT:
            if joint_at is None:
                joint_at = len(owing)
            joint.append(ref.name)
        elif ref.role is Role.SUPPORT:
            support.append(ref.name)
        elif ref.name not in owing:
            owing.append(ref.name)
    if joint_at is not None:
        owing.insert(joint_at, "、".join(dict.fromkeys(joint)))
    if not owing and support:
        owing.append("、".join(dict.fromkeys(support)))
    return owing or [""]


# ---- clock events of on-request (依申請公開) duties -------------------------------------------------

EXTENSION = "extension"
CONSULTATION_START = "consultation_start"
CONSULTATION_END = "consultation_end"
CORRECTION_REQUESTED = "correction_requested"
CORRECTION_RECEIVED = "correction_received"

# The follow-up events of one request (same ``id`` as its receipt), in either script or English.
CLOCK_EVENTS: dict[str, tuple[str, ...]] = {
    EXTENSION: ("延期", "延長答復期限", "extension"),
    CONSULTATION_START: ("徵求第三方意見", "徵求意見", "consultation_start"),
    CONSULTATION_END: ("第三方意見反饋", "收到第三方意見", "consultation_end"),
    CORRECTION_REQUESTED: ("補正", "要求補正", "correction_requested"),
    CORRECTION_RECEIVED: ("補正後收到", "收到補正", "correction_received"),
}


@cache  # OpenCC loads on first use only
def _clock_kinds() -> dict[str, str]:
    """Script-insensitive key of every clock event name -> its kind."""
    names = [(kind, name) for kind, words in CLOCK_EVENTS.items() for name in words]
    keys = script.keys(name for _, name in names)
    return {k: kind for (kind, _), k in zip(names, keys, strict=True)}


def _clock_kind(key: str) -> str | None:
    """The clock event a name stands for (by its script-insensitive key), or None."""
    return _clock_kinds().get(key)


def unmatched_events(spec: Spec, events: Sequence[EventRecord]) -> list[EventRecord]:
    """The records that can give rise to no occurrence of ``spec``, whatever the range.

    A name that is no obligation's trigger (compared script-insensitively) and no clock event
    of a known request; a trigger whose date lies outside the effective window of every
    obligation it triggers; a clock event without an ``id`` or whose ``id`` has no receipt.
    In the order given.
    """
    matcher = _Matcher(spec, events)
    return [matcher.records[i] for i in sorted(matcher.unused)]


def stopped_clocks(
    spec: Spec, events: Sequence[EventRecord], *, calendar: HolidayCalendar | None = None
) -> list[EventRecord]:
    """Receipts of on-request duties whose clock is stopped, so that they have no due date yet.

    A consultation started and not answered, or a correction requested and not received: the
    CLI lists these instead of an occurrence. In the order given.
    """
    matcher = _Matcher(spec, events)
    days = _Days(calendar or china_calendar(), matcher.tz)
    stopped: list[EventRecord] = []
    for ob in spec.obligations:
        if ob.extension is None or not isinstance(ob.schedule, Event):
            continue
        for receipt in matcher.triggers.get(ob.id, []):
            clock = _replay(ob, receipt, matcher.follow_ups(receipt), days)
            if clock.status != _RUNNING and receipt not in stopped:
                stopped.append(receipt)
    return stopped


def display_end(
    ob: Obligation,
    published: dt.datetime,
    *,
    calendar: HolidayCalendar | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> pendulum.DateTime | None:
    """The end of ``ob``'s display period (公示期) for a publication at ``published``.

    Counted like a time limit from the publication: the day of publication is not counted,
    working days are working days, calendar days roll off a day off (docs/calendar.md,
    "display"). None when the obligation has no display period. A naive ``published`` is
    taken to be in ``timezone`` (the spec's).
    """
    if ob.display is None:
        return None
    tz = pendulum.timezone(timezone)
    return _Days(calendar or china_calendar(), tz).after_instant(_local(published, tz), ob.display, True).due


# ---- matching event records to obligations -------------------------------------------------------

_Zone = pendulum.Timezone | pendulum.FixedTimezone


def _local(moment: dt.datetime, tz: _Zone) -> pendulum.DateTime:
    """``moment`` in ``tz``; a naive time is a wall time in ``tz`` (``walltime``'s rule)."""
    if moment.tzinfo is None:
        from obligations.walltime import wall_instant

        return wall_instant(moment, tz)
    return pendulum.instance(moment).in_timezone(tz)


class _Matcher:
    """Which records trigger which obligations, and which follow up which request.

    Built once per call: one batched OpenCC conversion of every record name.
    """

    def __init__(self, spec: Spec, events: Sequence[EventRecord]) -> None:
        self.tz = pendulum.timezone(spec.timezone)
        self.records = list(events)
        self.triggers: dict[str, list[EventRecord]] = {}  # obligation id -> the records it triggers
        self.unused: set[int] = set()  # indices of records that give rise to nothing
        self._clock: dict[str, list[EventRecord]] = {}  # request id -> its follow-up events
        if not self.records:
            return  # nothing to compare: OpenCC (a tenth of a second to load) is not needed
        by_trigger = _by_trigger(spec)
        receipts: set[str] = set()
        follow: list[tuple[int, EventRecord]] = []
        for i, (rec, key) in enumerate(
            zip(self.records, script.keys(r.event for r in self.records), strict=True)
        ):
            day = _local(rec.occurred_at, self.tz).date()
            obs = [ob for ob in by_trigger.get(key, []) if _window(spec, ob).contains(day)]
            for ob in obs:
                self.triggers.setdefault(ob.id, []).append(rec)
                if ob.extension is not None and rec.id is not None:
                    receipts.add(rec.id)
            if obs:
                continue
            if rec.id is not None and _clock_kind(key) is not None:
                follow.append((i, rec))
            else:
                self.unused.add(i)
        for i, rec in follow:
            if rec.id in receipts:
                self._clock.setdefault(rec.id, []).append(rec)
            else:
                self.unused.add(i)

    def follow_ups(self, receipt: EventRecord) -> list[EventRecord]:
        """The clock events with the receipt's ``id``, in time order (then file order)."""
        if receipt.id is None:
            return []
        found = self._clock.get(receipt.id, [])
        return sorted(found, key=lambda r: (_local(r.occurred_at, self.tz), r.row or 0))


def _by_trigger(spec: Spec) -> dict[str, list[Obligation]]:
    """Event obligations by the key of their trigger (同步 [ID] has no trigger of its own)."""
    triggered = [
        ob for ob in spec.obligations if isinstance(ob.schedule, Event) and not ob.schedule.sync_with
    ]
    names = [ob.schedule.trigger for ob in triggered if isinstance(ob.schedule, Event)]
    out: dict[str, list[Obligation]] = {}
    for ob, key in zip(triggered, script.keys(names), strict=True):
        out.setdefault(key, []).append(ob)
    return out


def _window(spec: Spec, ob: Obligation) -> Window:
    """The obligation's own window within the spec's (docs/calendar.md, "Effective windows")."""
    own, whole = ob.effective, spec.effective
    starts = [d for d in (own.start, whole.start) if d is not None]
    ends = [d for d in (own.end, whole.end) if d is not None]
    return Window(max(starts) if starts else None, min(ends) if ends else None)


# ---- day arithmetic -----------------------------------------------------------------------------

_MONTHS_PER_PERIOD = {Every.MONTH: 1, Every.QUARTER: 3, Every.HALF_YEAR: 6, Every.YEAR: 12}
# No break of days off lasts 30 days (the longest since 2004 is 10): how far back a period's due
# date can be rolled from, so the engine knows which periods can land in the range.
_ROLL_SLACK = 30
_UNKNOWN_DAYS_MAX = 3_660  # a bound's count back through years without data stops after ten years
_BIWEEK_EPOCH = dt.date(2001, 1, 1)  # a Monday; used only when a spec gives no date at all
_FAR = 10**7  # beyond any ordinal: an open end of a window


@cache  # a run asks about the same few months for every duty
def _month_start(year: int, month: int) -> int:
    """The ordinal of the first day of ``month``."""
    return dt.date(year, month, 1).toordinal()


def _month_end(year: int, month: int) -> int:
    """The ordinal of the last day of ``month``."""
    if month == 12:
        return _month_start(year, 12) + 30
    return _month_start(year, month + 1) - 1


def _clamped(year: int, month: int, day: int) -> int:
    """``day`` of the month, or the month's last day if it has none (民法典 art. 202)."""
    return min(_month_start(year, month) + day - 1, _month_end(year, month))


def _add_months(day: dt.date, months: int) -> int:
    """The corresponding day ``months`` later (earlier if negative), clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    return _clamped(index // 12, index % 12 + 1, day.day)


def _monday(ordinal: int) -> int:
    # Ordinal 1 (0001-01-01) is a Monday: (ordinal - 1) % 7 is the weekday, Monday = 0.
    return ordinal - (ordinal - 1) % 7


def _periods(every: Every, first: int, last: int, anchor: int) -> Iterator[tuple[int, int]]:
    """(start, end) ordinals of the periods that overlap ``first``..``last``, in order."""
    if every is Every.DAY:
        for day in range(first, last + 1):
            yield day, day
        return
    if every in (Every.WEEK, Every.BIWEEK):
        length = 7 if every is Every.WEEK else 14
        start = _monday(first) if every is Every.WEEK else anchor + (first - anchor) // length * length
        while start <= last:
            yield start, start + length - 1
            start += length
        return
    yield from _month_periods(_MONTHS_PER_PERIOD[every], first, last)


def _month_periods(months: int, first: int, last: int) -> Iterator[tuple[int, int]]:
    day = dt.date.fromordinal(first)
    index = day.year * 12 + (day.month - 1) // months * months
    while True:
        start = _month_start(index // 12, index % 12 + 1)
        if start > last:
            return
        index += months
        yield start, _month_start(index // 12, index % 12 + 1) - 1


def _lag_days(lag: Lag) -> int:
    """At most how many calendar days ``lag`` spans (for choosing the periods to compute)."""
    n = lag.amount
    return {
        Unit.HOUR: n // 24 + 1,
        Unit.DAY: n,
        Unit.WEEK: 7 * n,
        Unit.MONTH: 31 * n,
        Unit.YEAR: 366 * n,
        Unit.WORKING_DAY: 2 * n + _ROLL_SLACK,
    }[lag.unit]


_V = TypeVar("_V")


class _Due(NamedTuple):
    """A computed due instant with what explains it."""

    due: pendulum.DateTime
    estimated: bool = False
    moved: tuple[DayInfo, ...] = ()


class _Built(dict[int, _V]):
    """A cache that builds a missing value with ``make`` (``dict.__missing__``)."""

    def __init__(self, make: Callable[[int], _V]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: int) -> _V:
        value = self[key] = self._make(key)
        return value


class _Days:
    """Day arithmetic under one calendar and time zone, with the instants cached per day."""

    def __init__(self, cal: HolidayCalendar, tz: pendulum.Timezone | pendulum.FixedTimezone) -> None:
        self.cal = cal
        self.tz = tz
        # ordinal -> value, built on first use; plain dict lookups on the hot path
        self.ends = _Built(self._end_of)
        self.dates = _Built(self._date_of)
        self._start_of: dict[int, pendulum.DateTime] = {}
        self._working: dict[tuple[int, int], tuple[int, tuple[DayInfo, ...]]] = {}
        self._rolled: dict[int, tuple[int, tuple[DayInfo, ...]]] = {}

    # instants and dates ------------------------------------------------------------------------
    def _end_of(self, ordinal: int) -> pendulum.DateTime:
        """23:59:59.999999 local: the last instant of the day (the due-instant convention)."""
        d = dt.date.fromordinal(ordinal)
        return pendulum.DateTime(d.year, d.month, d.day, 23, 59, 59, 999999, tzinfo=self.tz)

    @staticmethod
    def _date_of(ordinal: int) -> pendulum.Date:
        d = dt.date.fromordinal(ordinal)
        return pendulum.Date(d.year, d.month, d.day)

    def end_of(self, ordinal: int) -> pendulum.DateTime:
        return self.ends[ordinal]

    def date(self, ordinal: int) -> pendulum.Date:
        return self.dates[ordinal]

    def start_of(self, ordinal: int) -> pendulum.DateTime:
        """00:00 local (pendulum moves it forward if a clock change skips midnight)."""
        found = self._start_of.get(ordinal)
        if found is None:
            d = dt.date.fromordinal(ordinal)
            found = self._start_of[ordinal] = pendulum.datetime(d.year, d.month, d.day, tz=self.tz)
        return found

    # the calendar ------------------------------------------------------------------------------
    def roll(self, ordinal: int) -> tuple[int, tuple[DayInfo, ...]]:
        """The day itself if working, else the next working day; ``moved`` = the days off passed."""
        found = self._rolled.get(ordinal)
        if found is None:
            day = dt.date.fromordinal(ordinal)
            target = self.cal.roll_forward(day).toordinal()
            moved = tuple(self.cal.day_info(dt.date.fromordinal(o)) for o in range(ordinal, target))
            found = self._rolled[ordinal] = (target, moved)
        return found

    def working(self, base: int, n: int) -> tuple[int, tuple[DayInfo, ...]]:
        """The n-th working day after ``base``; ``moved`` = the days in between that differ from a
        plain Monday-Friday week (holidays on weekdays, make-up Saturdays and Sundays)."""
        found = self._working.get((base, n))
        if found is None:
            target = self.cal.add_working_days(dt.date.fromordinal(base), n).toordinal()
            span = map(dt.date.fromordinal, range(base + 1, target + 1))
            moved = tuple(self.cal.day_info(day) for day in span if self.unusual(day))
            found = self._working[(base, n)] = (target, moved)
        return found

    def unusual(self, day: dt.date) -> bool:
        """A holiday on a weekday, or a make-up Saturday or Sunday: what a working-day count
        passes that a plain Monday-Friday week would not."""
        return self.cal.is_working_day(day) != (day.weekday() < 5)

    def day_info(self, day: dt.date) -> DayInfo:
        return self.cal.day_info(day)

    def estimated(self, first: int, last: int) -> bool:
        return self.cal.estimated_between(dt.date.fromordinal(first), dt.date.fromordinal(last))

    # the rules ---------------------------------------------------------------------------------
    def end_of_day(self, ordinal: int, roll: bool) -> _Due:
        """Due at the end of a day, moved to the next working day if ``roll`` and it is a day off."""
        if not roll:
            return _Due(self.end_of(ordinal))
        target, moved = self.roll(ordinal)
        return _Due(self.end_of(target), self.estimated(ordinal, target), moved)

    def after_day(self, base: int, lag: Lag, roll: bool) -> _Due:
        """A limit in days, weeks, months, years or working days counted from the day ``base``,
        which is not counted itself (民法典 art. 201); due at the end of the last day."""
        n = lag.amount
        if lag.unit is Unit.WORKING_DAY:
            target, moved = self.working(base, n)
            return _Due(self.end_of(target), self.estimated(base, target), moved)
        if lag.unit in (Unit.DAY, Unit.WEEK):
            last = base + n * (7 if lag.unit is Unit.WEEK else 1)
        else:
            months = n * (12 if lag.unit is Unit.YEAR else 1)
            last = _add_months(dt.date.fromordinal(base), months)
        return self.end_of_day(last, roll)

    def after_instant(self, at: pendulum.DateTime, lag: Lag, roll: bool) -> _Due:
        """A limit counted from an instant: hours exactly, anything longer from its day."""
        if lag.unit is Unit.HOUR:
            return _Due(self.hours_after(at, lag.amount))
        return self.after_day(at.date().toordinal(), lag, roll)

    def hours_after(self, at: pendulum.DateTime, hours: int) -> pendulum.DateTime:
        # In UTC, so a clock change inside the limit cannot stretch or shrink it.
        return at.in_timezone("UTC").add(hours=hours).in_timezone(self.tz)

    def earliest_before(self, anchor: int, lead: Lag) -> int:
        """The earliest day a lead of working days counted back from day ``anchor`` can reach,
        whatever the holidays of a year without data turn out to be: its days count as days off,
        which takes the count furthest back. A bound that guesses nothing, to leave out a period
        whose due date cannot fall in the range (a January anchor while January has no data)."""
        day = dt.date.fromordinal(anchor)
        one = dt.timedelta(days=1)
        for _ in range(lead.amount):
            day -= one
            for _ in range(_UNKNOWN_DAYS_MAX):
                try:
                    if self.cal.is_working_day(day):
                        break
                except CalendarDataError:
                    pass  # unknown: a day off, for the bound
                day -= one
        return day.toordinal()

    def before(self, at: pendulum.DateTime, lead: Lag) -> pendulum.DateTime:
        """``at`` minus a lead time (提前): hours exactly, days and longer on the calendar."""
        n = lead.amount
        if lead.unit is Unit.HOUR:
            return self.hours_after(at, -n)
        if lead.unit is Unit.WORKING_DAY:
            day = at.date()
            for _ in range(n):
                day -= dt.timedelta(days=1)
                while not self.cal.is_working_day(day):
                    day -= dt.timedelta(days=1)
            return at.set(year=day.year, month=day.month, day=day.day)
        if lead.unit in (Unit.DAY, Unit.WEEK):
            return at.subtract(days=n * (7 if lead.unit is Unit.WEEK else 1))
        return at.subtract(months=n * (12 if lead.unit is Unit.YEAR else 1))


# ---- periodic deadlines --------------------------------------------------------------------------


class _PeriodRule(NamedTuple):
    """How one periodic schedule turns a period into a due instant."""

    deadline: PeriodDeadline | None
    roll: bool
    lead: Lag | None
    rule: str
    late: int  # at most this many days from the period's end to the due date
    early: int  # at most this many days from the due date back to the period's start
    spread: int  # at most this many days from ``day()`` to the due date

    @classmethod
    def of(cls, sched: Periodic) -> _PeriodRule:
        dl = sched.deadline
        spread = _ROLL_SLACK if sched.roll else 0
        late, rule = spread, "periodic"
        if dl is not None and dl.kind == "next_period_day":
            late, rule = 366 + spread, "next-period"
        elif dl is not None and dl.kind == "after_period" and dl.lag is not None:
            spread = _lag_days(dl.lag) + _ROLL_SLACK
            late, rule = spread, "after-period"
        elif dl is not None:
            rule = "day-of-period"
        if sched.lead is not None:
            return cls(dl, sched.roll, sched.lead, "lead", late, _lag_days(sched.lead) + 1, 0)
        return cls(dl, sched.roll, None, rule, late, 0, spread)

    def day(self, start: int, end: int) -> int:
        """The deadline day before any roll; for ``after_period``, the day the lag counts from."""
        dl = self.deadline
        if dl is None or dl.kind == "after_period":
            return end
        if dl.kind == "weekday":
            return start + (dl.weekday or 1) - 1  # in the period's first week, as RFC 5545 BYDAY
        first = dt.date.fromordinal(start)
        day = dl.day or 1
        if dl.kind == "day_of_period":
            return _clamped(first.year, dl.month or first.month, day)
        if dl.month is not None:  # next_period_day of a year: 次年7月1日前
            return _clamped(first.year + 1, dl.month, day)
        after = dt.date.fromordinal(end + 1)  # next_period_day of a month: 次月10日前
        return _clamped(after.year, after.month, day)

    @property
    def plain(self) -> bool:
        """Due on a day of the period or the next, computed without the calendar."""
        after = self.deadline is not None and self.deadline.kind == "after_period"
        return not (self.roll or self.lead or after)

    def anchor(self, start: int, end: int) -> int:
        """What a lead time counts back from: the deadline's day, else the period's first day."""
        return start if self.deadline is None else self.day(start, end)

    def highest(self, start: int, end: int) -> int:
        """No due date of this period is later (found without the calendar)."""
        return self.anchor(start, end) if self.lead is not None else self.day(start, end) + self.spread

    def lowest(self, start: int, end: int) -> int:
        """No due date of this period is earlier (found without the calendar)."""
        if self.lead is not None:
            return self.anchor(start, end) - self.early
        day = self.day(start, end)
        dl = self.deadline
        if dl is not None and dl.kind == "after_period" and dl.lag is not None:
            # each day or working day of the lag moves the clock on by at least one day
            return day + (dl.lag.amount if dl.lag.unit in (Unit.DAY, Unit.WORKING_DAY) else 0)
        return day


# ---- the engine ----------------------------------------------------------------------------------


class _Engine:
    """One run of ``expand``: the spec, the range, the events and the caches they share."""

    def __init__(
        self, spec: Spec, start: dt.date, end: dt.date, cal: HolidayCalendar, events: Sequence[EventRecord]
    ) -> None:
        self.spec = spec
        self.lo = start.toordinal()
        self.hi = end.toordinal()
        self.tz = pendulum.timezone(spec.timezone)
        self.days = _Days(cal, self.tz)
        self.matcher = _Matcher(spec, events)
        self._protos: dict[str, DueSeries | None] = {}
        self._owing: dict[str, list[str]] = {}
        self._periods: dict[tuple[Every, int, int, int], tuple[tuple[int, int], ...]] = {}
        self._range_ends: list[pendulum.DateTime] | None = None

    def series(self, ob: Obligation) -> list[DueSeries]:
        """``ob``'s due instants in the range, one series per agency that owes it (by name)."""
        proto = self.prototype(ob)
        if proto is None:
            return []
        owing = self.owing(ob)
        if len(owing) == 1:
            return [proto]
        # the agencies share the columns: only the name differs
        return [attrs.evolve(proto, agency=agency) for agency in sorted(owing)]

    def prototype(self, ob: Obligation) -> DueSeries | None:
        """``ob``'s series for its first owing agency, None if unschedulable (memoised: 同步 reuses it)."""
        if ob.id not in self._protos:
            self._protos[ob.id] = self._compute(ob)
        return self._protos[ob.id]

    def owing(self, ob: Obligation) -> list[str]:
        found = self._owing.get(ob.id)
        if found is None:
            found = self._owing[ob.id] = agencies_owing(ob)
        return found

    def periods(self, every: Every, first: int, last: int, anchor: int) -> tuple[tuple[int, int], ...]:
        """``_periods`` as a tuple, built once per run for all duties with the same periods."""
        key = (every, first, last, anchor if every is Every.BIWEEK else 0)
        found = self._periods.get(key)
        if found is None:
            found = self._periods[key] = tuple(_periods(every, first, last, anchor))
        return found

    def _compute(self, ob: Obligation) -> DueSeries | None:
        if _unschedulable(self.spec, ob, ()):
            return None
        agency = self.owing(ob)[0]
        try:
            found = self._by_kind(ob, agency)
        except CalendarDataError as exc:
            # Say which duty needed the year: the message otherwise names only the year.
            raise _needed_for(exc, ob.id) from None
        if ob.display is not None:
            after, display = self.days.after_instant, ob.display
            until = tuple(after(due, display, True).due for due in found.dues)
            found = attrs.evolve(found, display_until=until)
        return found

    def _by_kind(self, ob: Obligation, agency: str) -> DueSeries:
        schedule = ob.schedule
        match schedule:
            case Periodic():
                return self._periodic(ob, schedule, agency)
            case Count():
                return self._count(ob, schedule, agency)
            case Event(sync_with=str(ref)):
                return self._sync(ob, ref, agency)
            case Event():
                return self._event(ob, schedule, agency)
            case Standing():
                return self._standing(ob, agency)
            case Realtime():
                return self._realtime(ob, agency)
            case Once():
                return self._once(ob, schedule, agency)
        raise AssertionError(f"unscheduled [{ob.id}] reached the engine")  # ruled out by _compute

    def _bounds(self, ob: Obligation) -> tuple[int, int]:
        window = _window(self.spec, ob)
        first = window.start.toordinal() if window.start else -_FAR
        last = window.end.toordinal() if window.end else _FAR
        return first, last

    def _in_range(self, ordinal: int) -> bool:
        return self.lo <= ordinal <= self.hi

    def _ends_of(self, days: range) -> tuple[pendulum.DateTime, ...]:
        """The end-of-day instants of evenly spaced days of the range: one slice of a list built
        once per run, shared by every daily and weekly duty."""
        ends = self._range_ends
        if ends is None:
            end_of = self.days.ends
            ends = self._range_ends = [end_of[o] for o in range(self.lo, self.hi + 1)]
        if not days:
            return ()
        lo = self.lo
        return tuple(ends[days.start - lo : days.stop - lo : days.step])

    # periodic and count --------------------------------------------------------------------------
    def _periodic(self, ob: Obligation, sched: Periodic, agency: str) -> DueSeries:
        rule = _PeriodRule.of(sched)
        if rule.plain:
            return self._plain_periodic(ob, sched, rule, agency)
        first, last = self._bounds(ob)
        lo, hi = self.lo, self.hi
        starts: list[int] = []
        ends: list[int] = []
        dues: list[pendulum.DateTime] = []
        days: list[int] = []
        estimated: list[bool] = []
        moved: list[tuple[DayInfo, ...]] = []
        for start, end in self.periods(sched.every, lo - rule.late, hi + rule.early, self._anchor(ob)):
            if not first <= end <= last:  # a period belongs to the version in force on its last day
                continue
            if rule.lowest(start, end) > hi:
                break
            if rule.highest(start, end) < lo:
                continue  # cannot reach the range: do not ask the calendar about it
            try:
                due = self._period_due(rule, start, end)
            except CalendarDataError as exc:
                if self._after_range(rule, start, end):
                    continue  # its lead reaches back from a year without data, but not into the range
                raise _period_needed(exc, start, end) from None
            day = due.due.toordinal()
            if lo <= day <= hi:
                starts.append(start)
                ends.append(end)
                dues.append(due.due)
                days.append(day)
                estimated.append(due.estimated)
                moved.append(due.moved)
        return DueSeries(
            ob,
            agency,
            rule.rule,
            tuple(dues),
            tuple(days),
            tuple(starts),
            tuple(ends),
            estimated=tuple(estimated),
            moved=tuple(moved),
        )

    def _plain_periodic(self, ob: Obligation, sched: Periodic, rule: _PeriodRule, agency: str) -> DueSeries:
        """Periodic rules that need no calendar (no roll, lead or lag): most of a spec's due
        instants. The due day is ordinal arithmetic; periods of a fixed length become ranges."""
        first, last = self._bounds(ob)
        lo, hi = self.lo, self.hi
        dl = rule.deadline
        offset = (dl.weekday or 1) - 1 if dl is not None and dl.kind == "weekday" else None
        length = _LENGTH.get(sched.every)
        if length is not None and (dl is None or offset is not None):
            # Periods start at anchor + length * i; the due day is ``shift`` days after the start.
            # The periods due in the range whose last day is in the window are one run of them.
            anchor = self._anchor(ob) if sched.every is Every.BIWEEK else 1  # ordinal 1: a Monday
            shift = length - 1 if offset is None else offset
            low = max(first - length + 1, lo - shift)
            high = min(last - length + 1, hi - shift)
            low += (anchor - low) % length  # the first period start from ``low`` on
            if low > high:
                return DueSeries(ob, agency, rule.rule, (), (), (), ())
            starts = range(low, high + 1, length)
            days = range(low + shift, high + shift + 1, length)
            ends = days if shift == length - 1 else range(low + length - 1, high + length, length)
            return DueSeries(ob, agency, rule.rule, self._ends_of(days), days, starts, ends)
        end_of = self.days.ends
        out_starts: list[int] = []
        out_ends: list[int] = []
        out_days: list[int] = []
        for start, end in self.periods(sched.every, lo - rule.late, hi, self._anchor(ob)):
            if not first <= end <= last:
                continue
            day = end if dl is None else start + offset if offset is not None else rule.day(start, end)
            if day < lo:
                continue
            if day > hi:
                break
            out_starts.append(start)
            out_ends.append(end)
            out_days.append(day)
        dues = tuple(map(end_of.__getitem__, out_days))
        return DueSeries(ob, agency, rule.rule, dues, tuple(out_days), tuple(out_starts), tuple(out_ends))

    def _after_range(self, rule: _PeriodRule, start: int, end: int) -> bool:
        """Whether a lead of working days surely ends after the range, whatever the holidays of the
        year it reaches back from (``_Days.earliest_before``)."""
        lead = rule.lead
        if lead is None or lead.unit is not Unit.WORKING_DAY:
            return False
        return self.days.earliest_before(rule.anchor(start, end), lead) > self.hi

    def _period_due(self, rule: _PeriodRule, start: int, end: int) -> _Due:
        dl = rule.deadline
        if rule.lead is not None:
            return _Due(self.days.before(self.days.start_of(rule.anchor(start, end)), rule.lead))
        if dl is not None and dl.kind == "after_period" and dl.lag is not None:
            if dl.lag.unit is Unit.HOUR:  # hours run from the end of the period: the next midnight
                return _Due(self.days.hours_after(self.days.start_of(end + 1), dl.lag.amount))
            # A limit after the period follows the N日內 rules, so its days roll (民法典 art. 203).
            return self.days.after_day(end, dl.lag, roll=True)
        return self.days.end_of_day(rule.day(start, end), rule.roll)

    def _anchor(self, ob: Obligation) -> int:
        """Biweekly periods are 14-day blocks from the Monday of this day's ISO week."""
        spec = self.spec
        day = ob.effective.start or spec.effective.start or spec.issued or _BIWEEK_EPOCH
        return _monday(day.toordinal())

    def _count(self, ob: Obligation, sched: Count, agency: str) -> DueSeries:
        first, last = self._bounds(ob)
        periods = [
            (start, end)
            for start, end in self.periods(sched.every, self.lo, self.hi, self._anchor(ob))
            if first <= end <= last and self._in_range(end)
        ]
        ends = tuple(end for _, end in periods)
        dues = tuple(map(self.days.ends.__getitem__, ends))
        starts = tuple(start for start, _ in periods)
        return DueSeries(ob, agency, "count", dues, ends, starts, ends, sched.min_count)

    # standing, real time, once -----------------------------------------------------------------
    def _standing(self, ob: Obligation, agency: str) -> DueSeries:
        first, last = self._bounds(ob)
        begin, finish = max(first, self.lo), min(last, self.hi)
        if begin > finish:
            return DueSeries(ob, agency, "standing", (), (), (), ())
        return DueSeries(ob, agency, "standing", (self.days.end_of(begin),), (begin,), (begin,), (finish,))

    def _realtime(self, ob: Obligation, agency: str) -> DueSeries:
        first, last = self._bounds(ob)
        days = range(max(first, self.lo), min(last, self.hi) + 1)
        return DueSeries(ob, agency, "realtime", self._ends_of(days), days, days, days)

    def _once(self, ob: Obligation, sched: Once, agency: str) -> DueSeries:
        day = sched.due.toordinal()
        first, last = self._bounds(ob)
        if not (first <= day <= last and self._in_range(day)):
            return DueSeries(ob, agency, "once", (), ())
        return DueSeries(ob, agency, "once", (self.days.end_of(day),), (day,))

    # events ------------------------------------------------------------------------------------
    def _event(self, ob: Obligation, sched: Event, agency: str) -> DueSeries:
        name, due_of = ("on-request", None) if ob.extension is not None else self._event_rule(sched)
        triggers: list[EventRecord] = []
        dues: list[pendulum.DateTime] = []
        days: list[int] = []
        estimated: list[bool] = []
        moved: list[tuple[DayInfo, ...]] = []
        applied: list[tuple[EventRecord, ...]] = []
        notes: list[tuple[str, ...]] = []
        for rec in self.matcher.triggers.get(ob.id, []):
            done: tuple[EventRecord, ...] = ()
            noted: tuple[str, ...] = ()
            try:
                if due_of is None:
                    clock = _replay(ob, rec, self.matcher.follow_ups(rec), self.days)
                    if clock.status != _RUNNING:
                        continue  # no due date while the clock is stopped: see stopped_clocks()
                    due = clock.due(self.days)
                    done, noted = tuple(clock.applied), tuple(clock.notes)
                else:
                    due = due_of(_local(rec.occurred_at, self.tz))
            except CalendarDataError as exc:
                if sched.lead is None and exc.year > dt.date.fromordinal(self.hi).year:
                    # Counted forward from the event into a year after the range: due in that
                    # year at the earliest, so not in the range, whatever the holidays will be.
                    continue
                raise _event_needed(exc, rec) from None
            day = due.due.toordinal()
            if self._in_range(day):
                triggers.append(rec)
                dues.append(due.due)
                days.append(day)
                estimated.append(due.estimated)
                moved.append(due.moved)
                applied.append(done)
                notes.append(noted)
        return DueSeries(
            ob,
            agency,
            name,
            tuple(dues),
            tuple(days),
            triggers=tuple(triggers),
            estimated=tuple(estimated),
            moved=tuple(moved),
            applied=tuple(applied),
            notes=tuple(notes),
        )

    def _event_rule(self, sched: Event) -> tuple[str, Callable[[pendulum.DateTime], _Due]]:
        """The rule of an event duty (not on request), and its due instant from the trigger's."""
        days = self.days
        if sched.same_day:
            roll = sched.roll is True
            return "same-day", lambda at: days.end_of_day(at.date().toordinal(), roll)
        if sched.lead is not None:
            lead = sched.lead
            return "event-lead", lambda at: _Due(days.before(at, lead))
        assert sched.lag is not None  # the checker gives every event a lag, same_day or a lead
        lag = sched.lag
        if lag.unit is Unit.HOUR:
            return "hours", lambda at: _Due(days.hours_after(at, lag.amount))
        if lag.unit is Unit.WORKING_DAY:
            return "working-days", lambda at: days.after_day(at.date().toordinal(), lag, roll=False)
        # N日內 and longer roll off a day off unless the spec says 不順延 (民法典 art. 203)
        roll = sched.roll is not False
        return "days", lambda at: days.after_day(at.date().toordinal(), lag, roll=roll)

    def _sync(self, ob: Obligation, ref_id: str, agency: str) -> DueSeries:
        ref = self.spec.obligation(ref_id)
        assert ref is not None  # _unschedulable has ruled out a missing reference and cycles
        proto = self.prototype(ref)
        assert proto is not None  # and an unschedulable end of the chain
        first, last = self._bounds(ob)
        keep = [i for i, day in enumerate(self._basis(proto)) if first <= day <= last]
        if len(keep) == len(proto.dues):
            return attrs.evolve(proto, obligation=ob, agency=agency, rule="sync", display_until=None)
        return DueSeries(
            ob,
            agency,
            "sync",
            tuple(proto.dues[i] for i in keep),
            tuple(proto.due_days[i] for i in keep),
            _pick(proto.period_starts, keep),
            _pick(proto.period_ends, keep),
            proto.min_count,
            _pick(proto.triggers, keep),
            _pick(proto.estimated, keep),
            _pick(proto.moved, keep),
            None,
            _pick(proto.applied, keep),
            _pick(proto.notes, keep),
        )

    def _basis(self, series: DueSeries) -> Sequence[int]:
        """The days that decide which version of a duty applies (see "Effective windows")."""
        if series.period_ends is not None:
            return series.period_ends
        if series.triggers is not None:
            return [_local(rec.occurred_at, self.tz).date().toordinal() for rec in series.triggers]
        return series.due_days


_LENGTH = {Every.DAY: 1, Every.WEEK: 7, Every.BIWEEK: 14}  # periods of a fixed number of days


def _pick(column: Sequence[_V] | None, keep: list[int]) -> tuple[_V, ...] | None:
    return None if column is None else tuple(column[i] for i in keep)


class _Located(CalendarDataError):
    """A CalendarDataError whose hint starts with where the year was needed (a period, an event)."""


def _located(exc: CalendarDataError, hint: str, where_en: str, where_zh: str) -> _Located:
    """``exc`` with where the year was needed: at the start of its hint, and as ``where``."""
    return _Located(exc.year, exc.calendar, f"{hint}: {exc.hint}", where=(where_en, where_zh))


def _period_needed(exc: CalendarDataError, start: int, end: int) -> _Located:
    first, last = _day_text(start), _day_text(end)
    return _located(exc, f"period {first}..{last}", f"period {first} to {last}", f"期間 {first} 至 {last}")


def _event_needed(exc: CalendarDataError, rec: EventRecord) -> _Located:
    name, at = rec.event, rec.occurred_at.strftime("%Y-%m-%d %H:%M")
    return _located(
        exc, f"event {name!r} of {rec.occurred_at}", f"event {name} of {at}", f"事件「{name}」{at}"
    )


def _needed_for(exc: CalendarDataError, ob_id: str) -> CalendarDataError:
    """The error as the caller sees it: ``needed for [M], period …: <how to supply the year>``."""
    joint = ", " if isinstance(exc, _Located) else ": "
    hint = f"needed for [{ob_id}]{joint}{exc.hint}"
    return CalendarDataError(exc.year, exc.calendar, hint, obligation=ob_id, where=exc.where)


def _copy(occ: Occurrence, ob: Obligation, agency: str) -> Occurrence:
    """``occ`` for another obligation or agency, without attrs.evolve's cost per field."""
    out: Occurrence = object.__new__(Occurrence)
    fields = out.__dict__
    fields.update(occ.__dict__)
    fields["obligation"] = ob
    fields["agency"] = agency
    return out


# ---- the on-request clock ------------------------------------------------------------------------

_RUNNING = "running"
_CONSULTING = "consulting"
_CORRECTING = "correcting"
_PAUSABLE = frozenset({Unit.WORKING_DAY, Unit.DAY})


class _Clock:
    """The clock of one request, replayed over its follow-up events (docs/calendar.md, "on-request").

    The limit runs from ``base`` (a day not counted itself), less the ``used`` units already
    counted before a consultation stopped the clock. A plain class, not attrs: it is private and
    mutable, and generating attrs methods at import is a cost every ``due`` run would pay.
    """

    __slots__ = (
        "applied",
        "base",
        "extended",
        "extension",
        "lag",
        "moved",
        "notes",
        "received",
        "roll",
        "status",
        "used",
    )

    def __init__(self, lag: Lag, extension: Lag, received: pendulum.DateTime, roll: bool, base: int) -> None:
        self.lag = lag
        self.extension = extension
        self.received = received
        self.roll = roll
        self.base = base
        self.used = 0
        self.status = _RUNNING
        self.extended = False
        self.moved: tuple[DayInfo, ...] = ()  # special days inside the part counted before a pause
        self.applied: list[EventRecord] = []
        self.notes: list[str] = []

    def limit(self, days: _Days) -> _Due:
        """When the limit runs out, extension aside."""
        if self.lag.unit is Unit.HOUR:
            return _Due(days.hours_after(self.received, self.lag.amount))
        remaining = Lag(max(self.lag.amount - self.used, 0), self.lag.unit)
        due = days.after_day(self.base, remaining, roll=self.roll)
        return due._replace(moved=self.moved + due.moved) if self.moved else due

    def due(self, days: _Days) -> _Due:
        """When the limit runs out, with the extension if one was granted."""
        due = self.limit(days)
        if not self.extended:
            return due
        # the extension is counted in its own unit from the due date it extends
        later = days.after_instant(due.due, self.extension, roll=True)
        return _Due(later.due, due.estimated or later.estimated, due.moved + later.moved)

    def count_until(self, days: _Days, until: int) -> None:
        """Spend the units of the limit after ``base`` up to ``until`` (inclusive): a pause starts."""
        if self.lag.unit is not Unit.WORKING_DAY:
            self.used += until - self.base
            return
        span = [dt.date.fromordinal(o) for o in range(self.base + 1, until + 1)]
        self.used += sum(days.cal.is_working_day(day) for day in span)
        self.moved += tuple(days.day_info(day) for day in span if days.unusual(day))


def _replay(ob: Obligation, receipt: EventRecord, follow: Sequence[EventRecord], days: _Days) -> _Clock:
    """Replay a request's follow-up events over its clock, in time order."""
    sched = ob.schedule
    # the checker gives an event a lag; an on-request duty has an extension
    assert isinstance(sched, Event) and sched.lag is not None and ob.extension is not None
    lag = sched.lag
    if lag.unit is Unit.WEEK:  # weeks count as 7N days, so that a pause can stop them part-way
        lag = Lag(lag.amount * 7, Unit.DAY, lag.prompt)
    received = _local(receipt.occurred_at, days.tz)
    roll = lag.unit is not Unit.WORKING_DAY and sched.roll is not False
    clock = _Clock(lag, ob.extension, received, roll, received.date().toordinal())
    for rec in follow:
        kind = _clock_kind(script.key(rec.event))
        assert kind is not None  # _Matcher keeps only clock events as follow-ups
        day = _local(rec.occurred_at, days.tz).date().toordinal()
        reason = _not_applicable(clock, kind, day, days) or _apply(clock, kind, day, days)
        if reason:
            clock.notes.append(f"{rec.event} {_day_text(day)}: not applied ({reason})")
        else:
            clock.applied.append(rec)
    return clock


def _day_text(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


def _not_applicable(clock: _Clock, kind: str, day: int, days: _Days) -> str:
    if kind != EXTENSION and clock.lag.unit not in _PAUSABLE:
        return "pauses and restarts apply to limits in days or working days"
    acts_on_running = kind in (EXTENSION, CONSULTATION_START, CORRECTION_REQUESTED)
    if acts_on_running and clock.status == _RUNNING and day > clock.due(days).due.toordinal():
        return "it came after the time limit had run out"
    return ""


def _apply(clock: _Clock, kind: str, day: int, days: _Days) -> str:
    """Change the clock for one event; the reason it cannot apply, or ""."""
    if kind == EXTENSION:
        if clock.extended:
            return "the time limit can be extended only once"
        clock.extended = True
    elif kind == CONSULTATION_START:
        if clock.status != _RUNNING:
            return "the clock was not running"
        clock.count_until(days, day)
        clock.status = _CONSULTING
    elif kind == CONSULTATION_END:
        if clock.status != _CONSULTING:
            return "no consultation was open"
        clock.base, clock.status = day, _RUNNING
    elif kind == CORRECTION_REQUESTED:
        if clock.status == _CORRECTING:
            return "a correction was already requested"
        clock.status = _CORRECTING
    elif kind == CORRECTION_RECEIVED:
        if clock.status != _CORRECTING:
            return "no correction was requested"
        clock.base, clock.used, clock.moved, clock.status = day, 0, (), _RUNNING
    return ""
