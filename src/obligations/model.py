"""The checked model: what a spec means, independent of how it was written.

Frozen attrs classes only; ``checker.check`` builds them from syntax. Keeping the checker out
of this module means a cached spec is unpickled without importing the syntax stage or Lark.

The classes are not slotted (``slots=False``), like ``terms.Span`` and the calendar's data
classes: a cached spec is a few thousand of these objects, and the unpickler fills a plain
object's ``__dict__`` in C, where a slotted frozen one costs a Python ``__setstate__`` call
each (a quarter of a warm ``obligations due``'s own work, measured in docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from obligations import script
from obligations.terms import AttrsRepr, Every, Role, Span, Unit

if TYPE_CHECKING:
    from obligations.calendar import HolidayCalendar
    from obligations.diagnostics import Diagnostic
    from obligations.occurrences import EventRecord, Occurrence

DEFAULT_TIMEZONE = "Asia/Shanghai"
# 政府信息公開條例 (2019) art. 26: 自該政府信息形成或者變更之日起20個工作日內及時公開.
DEFAULT_PROMPT_DAYS = 20
DEFAULT_TRIGGER = "信息形成或變更"

_ISO_UNIT = {Unit.HOUR: "H", Unit.DAY: "D", Unit.WEEK: "W", Unit.MONTH: "M", Unit.YEAR: "Y"}


@attrs.frozen(slots=False, repr=False)
class Lag(AttrsRepr):
    """A length of time: ``amount`` ``unit``. ``prompt`` marks one that came from 及時."""

    amount: int
    unit: Unit
    prompt: bool = False

    @property
    def working_days(self) -> int | None:
        return self.amount if self.unit is Unit.WORKING_DAY else None

    def iso(self) -> str | None:
        """ISO 8601 duration (PT5H, P20D, P1M); None for working days, which ISO cannot say."""
        if self.unit is Unit.WORKING_DAY:
            return None
        if self.unit is Unit.HOUR:
            return f"PT{self.amount}H"
        return f"P{self.amount}{_ISO_UNIT[self.unit]}"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"amount": self.amount, "unit": self.unit.value}
        if self.prompt:
            out["prompt"] = True
        return out


@attrs.frozen(slots=False, repr=False)
class Window(AttrsRepr):
    start: dt.date | None = None
    end: dt.date | None = None

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
        }


# ---- schedules -----------------------------------------------------------------------------------


@attrs.frozen(slots=False, repr=False)
class PeriodDeadline(AttrsRepr):
    """When a periodic duty falls due, relative to its period.

    ``day_of_period``: day ``day`` (of month ``month`` for yearly periods) inside the period;
    ``weekday``: that weekday of the week; ``next_period_day``: that day of the next period;
    ``after_period``: ``lag`` after the period ends.
    """

    kind: Literal["day_of_period", "weekday", "next_period_day", "after_period"]
    day: int | None = None
    month: int | None = None
    weekday: int | None = None
    lag: Lag | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for name in ("day", "month", "weekday"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.lag is not None:
            out.update(_lag_fields(self.lag))
        return out


@attrs.frozen(slots=False, repr=False)
class Periodic(AttrsRepr):
    every: Every
    deadline: PeriodDeadline | None
    roll: bool
    lead: Lag | None
    span: Span
    kind: Literal["periodic"] = "periodic"


@attrs.frozen(slots=False, repr=False)
class Count(AttrsRepr):
    every: Every
    min_count: int
    span: Span
    kind: Literal["count"] = "count"


@attrs.frozen(slots=False, repr=False)
class Event(AttrsRepr):
    """Triggered by an event (or by another obligation's publication, for 同步)."""

    trigger: str
    lag: Lag | None  # None with same_day or lead
    same_day: bool
    lead: Lag | None
    sync_with: str | None
    roll: bool | None  # None: the default for the unit (days roll, hours and working days need not)
    span: Span
    kind: Literal["event"] = "event"


@attrs.frozen(slots=False, repr=False)
class Standing(AttrsRepr):
    span: Span
    kind: Literal["standing"] = "standing"


@attrs.frozen(slots=False, repr=False)
class Realtime(AttrsRepr):
    max_gap: Lag | None
    span: Span
    kind: Literal["realtime"] = "realtime"


@attrs.frozen(slots=False, repr=False)
class Once(AttrsRepr):
    due: dt.date
    phrase: Literal["date", "year_end", "within_year"]
    span: Span
    kind: Literal["once"] = "once"


@attrs.frozen(slots=False, repr=False)
class Unscheduled(AttrsRepr):
    phrase: str
    span: Span
    kind: Literal["unscheduled"] = "unscheduled"


Schedule = Periodic | Count | Event | Standing | Realtime | Once | Unscheduled


# ---- agencies, sources, obligations ------------------------------------------------------------


@attrs.frozen(slots=False, repr=False)
class Agency(AttrsRepr):
    name: str
    full_name: str
    aliases: tuple[str, ...]
    span: Span


@attrs.frozen(slots=False, repr=False)
class AgencyRef(AttrsRepr):
    name: str  # the declared short name, or the name as written when undeclared
    role: Role
    declared: bool
    span: Span


@attrs.frozen(slots=False, repr=False)
class Source(AttrsRepr):
    file: str
    line: int
    column: int
    section: str
    section_title: str
    quote: str


@attrs.frozen(slots=False, repr=False)
class Obligation(AttrsRepr):
    id: str
    id_given: bool
    action: str
    subject: str
    agencies: tuple[AgencyRef, ...]
    schedule: Schedule
    channels: tuple[str, ...]
    effective: Window
    display: Lag | None
    source: Source
    span: Span
    action_span: Span
    extension: Lag | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``obligations list --format json`` (docs/list.schema.json)."""
        return {
            "id": self.id,
            "action": self.action,
            "subject": self.subject,
            "agencies": [{"name": a.name, "role": a.role.value} for a in self.agencies],
            "schedule": schedule_to_dict(self.schedule),
            "channels": list(self.channels),
            "display": self.display.to_dict() if self.display else None,
            "extension": self.extension.to_dict() if self.extension else None,
            "effective": self.effective.to_dict(),
            "source": {
                "file": self.source.file,
                "line": self.source.line,
                "column": self.source.column,
                "section": self.source.section,
                "quote": self.source.quote,
            },
        }


@attrs.frozen(slots=False, repr=False)
class Spec(AttrsRepr):
    title: str
    issuer: str
    issued: dt.date | None
    timezone: str
    prompt: Lag
    effective: Window
    agencies: tuple[Agency, ...]
    obligations: tuple[Obligation, ...]
    files: tuple[str, ...]
    _by_id: dict[str, Obligation] = attrs.field(init=False, repr=False, eq=False)
    _agency_by_key: dict[str, Agency] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {o.id: o for o in self.obligations})
        lookup: dict[str, Agency] = {}
        for agency in self.agencies:
            for name in (agency.name, agency.full_name, *agency.aliases):
                lookup.setdefault(script.key(name), agency)
        object.__setattr__(self, "_agency_by_key", lookup)

    def obligation(self, ob_id: str) -> Obligation | None:
        return self._by_id.get(ob_id)

    def agency(self, name: str) -> Agency | None:
        """The declared agency a name, full name or alias refers to, in either script."""
        return self._agency_by_key.get(script.key(name))

    def occurrences(
        self,
        start: dt.date,
        end: dt.date,
        *,
        events: Sequence[EventRecord] = (),
        calendar: HolidayCalendar | None = None,
    ) -> list[Occurrence]:
        """Every occurrence due from ``start`` to ``end`` (inclusive), sorted by due instant.

        >>> import datetime as dt, obligations
        >>> spec = obligations.loads("[W] 每周 公布 食品安全抽檢 by 市場監管局\\n")
        >>> [o.due_date.isoformat() for o in spec.occurrences(dt.date(2026, 10, 1), dt.date(2026, 10, 14))]
        ['2026-10-04', '2026-10-11']
        """
        from obligations.occurrences import occurrences

        return occurrences(self, start, end, events=events, calendar=calendar)

    def lint(self) -> list[Diagnostic]:
        """Warnings worth a person's attention (W4xx), as ``obligations lint`` reports them."""
        from obligations.lint import lint

        return lint(self)


def _lag_fields(lag: Lag) -> dict[str, Any]:
    if lag.unit is Unit.WORKING_DAY:
        return {"working_days": lag.amount} | ({"prompt": True} if lag.prompt else {})
    return {"within": lag.iso()} | ({"prompt": True} if lag.prompt else {})


def _lead_fields(lead: Lag) -> dict[str, Any]:
    """ISO 8601 cannot say working days, so those go in their own field (lead stays null)."""
    if lead.working_days is not None:
        return {"lead": None, "lead_working_days": lead.working_days}
    return {"lead": lead.iso()}


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": schedule.kind}
    match schedule:
        case Periodic():
            out["every"] = schedule.every.value
            if schedule.deadline:
                out["deadline"] = schedule.deadline.to_dict()
            if schedule.lead:
                out.update(_lead_fields(schedule.lead))
            out["roll"] = schedule.roll
        case Count():
            out["every"] = schedule.every.value
            out["min_count"] = schedule.min_count
        case Event():
            out["trigger"] = schedule.trigger
            if schedule.lag is not None:
                out.update(_lag_fields(schedule.lag))
            if schedule.same_day:
                out["within"] = "P0D"
                out["same_day"] = True
            if schedule.lead is not None:
                out.update(_lead_fields(schedule.lead))
            if schedule.sync_with:
                out["sync_with"] = schedule.sync_with
            if schedule.roll is not None:
                out["roll"] = schedule.roll
        case Realtime():
            gap = schedule.max_gap
            out["max_gap"] = gap.iso() if gap else None
            if gap is not None and gap.working_days is not None:
                out["max_gap_working_days"] = gap.working_days
        case Once():
            out["due"] = schedule.due.isoformat()
            out["phrase"] = schedule.phrase
        case Unscheduled():
            out["phrase"] = schedule.phrase
        case Standing():
            pass
    return out
