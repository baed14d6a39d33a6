"""The checker: syntax of an entry file and its includes → the model (``Spec``) and diagnostics.

Names are resolved (aliases, Traditional/Simplified), roles are spread over agency lists, 及時
takes the spec's default lag, ids are given or derived from meaning, and every impossible value
is an error with its span. Nothing here looks at the text again: the model is built from nodes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from obligations import script
from obligations import syntax as syn
from obligations.diagnostics import Diagnostic, Span
from obligations.model import (
    DEFAULT_PROMPT_DAYS,
    DEFAULT_TIMEZONE,
    DEFAULT_TRIGGER,
    Agency,
    AgencyRef,
    Count,
    Event,
    Lag,
    Obligation,
    Once,
    PeriodDeadline,
    Periodic,
    Realtime,
    Schedule,
    Source,
    Spec,
    Standing,
    Unscheduled,
    Window,
)
from obligations.terms import Every, Role, Unit

# One spelling per vague phrase, so the same words in either script or English mean the same.
_VAGUE_CANON = {
    "按时": "按時",
    "on time": "按時",
    "适时": "適時",
    "when appropriate": "適時",
    "as required": "按要求",
    "按国家要求": "按國家要求",
}


# ---- the checker ---------------------------------------------------------------------------------

_DEADLINE_FITS: dict[str, frozenset[Every]] = {
    "day_of_period": frozenset({Every.MONTH}),
    "month_day_of_period": frozenset({Every.YEAR}),
    "weekday": frozenset({Every.WEEK, Every.BIWEEK}),
    "next_month_day": frozenset({Every.MONTH}),
    "next_year_day": frozenset({Every.YEAR}),
}
_EVERY_ZH = {
    Every.DAY: "每日",
    Every.WEEK: "每周",
    Every.BIWEEK: "每兩周",
    Every.MONTH: "每月",
    Every.QUARTER: "每季度",
    Every.HALF_YEAR: "每半年",
    Every.YEAR: "每年",
}
_EVERY_EN = {
    Every.DAY: "daily",
    Every.WEEK: "weekly",
    Every.BIWEEK: "biweekly",
    Every.MONTH: "monthly",
    Every.QUARTER: "quarterly",
    Every.HALF_YEAR: "half-yearly",
    Every.YEAR: "yearly",
}
_FIELD_NAMES = {
    "title": ("title", "標題"),
    "issuer": ("issuer", "發布機關"),
    "issued": ("issued", "發布日期"),
    "timezone": ("timezone", "時區"),
    "prompt": ("promptly", "及時"),
    "effective": ("effective", "有效期"),
}
_EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_WEEKDAYS = "一二三四五六日"
_OTHER_PERIODS_EN = "for other periods write 期後N日內 (within N days after the period)"
_OTHER_PERIODS_ZH = "其他週期請寫「期後N日內」"
# Which periods each deadline form fits, as hints in both languages.
_DEADLINE_HINTS = {
    "day_of_period": (
        f"use it with monthly (每月); {_OTHER_PERIODS_EN}",
        f"與「每月」連用；{_OTHER_PERIODS_ZH}",
    ),
    "month_day_of_period": ("use it with yearly (每年)", "與「每年」連用"),
    "weekday": ("use it with weekly (每周) or biweekly (每兩周)", "與「每周」或「每兩周」連用"),
    "next_month_day": (
        f"次月 goes with monthly (每月); {_OTHER_PERIODS_EN}",
        f"「次月」與「每月」連用；{_OTHER_PERIODS_ZH}",
    ),
    "next_year_day": (
        f"次年 goes with yearly (每年); {_OTHER_PERIODS_EN}",
        f"「次年」與「每年」連用；{_OTHER_PERIODS_ZH}",
    ),
}


def _deadline_label(form: str, d: PeriodDeadline) -> tuple[str, str]:
    """The deadline as the user wrote it, in English and Chinese."""
    month = _EN_MONTHS[(d.month or 1) - 1] if 1 <= (d.month or 1) <= 12 else str(d.month)
    if form == "day_of_period":
        return f"by day {d.day}", f"{d.day}日前"
    if form == "month_day_of_period":
        return f"by {d.day} {month}", f"{d.month}月{d.day}日前"
    if form == "weekday":
        w = (d.weekday or 1) - 1
        return f"on {_EN_WEEKDAYS[w]}", f"周{_ZH_WEEKDAYS[w]}"
    if form == "next_month_day":
        return f"by day {d.day} of next month", f"次月{d.day}日前"
    return f"by {d.day} {month} of next year", f"次年{d.month}月{d.day}日前"


# The longest length of time a spec may give, per unit: ten years (E218).
_TEN_YEARS = {
    Unit.HOUR: 87_840,
    Unit.WORKING_DAY: 2_500,
    Unit.DAY: 3_660,
    Unit.WEEK: 522,
    Unit.MONTH: 120,
    Unit.YEAR: 10,
}


@attrs.define
class _Checker:
    diagnostics: list[Diagnostic] = attrs.field(factory=list)
    header: dict[str, tuple[Any, Span]] = attrs.field(factory=dict)
    agencies: dict[str, Agency] = attrs.field(factory=dict)  # key -> agency
    agency_order: list[Agency] = attrs.field(factory=list)
    prompt: Lag = attrs.field(factory=lambda: Lag(DEFAULT_PROMPT_DAYS, Unit.WORKING_DAY, True))
    roll_span: Span | None = None
    default_year: int | None = None

    def error(self, code: str, span: Span | None, **args: Any) -> None:
        self.diagnostics.append(Diagnostic(code, span, {k: str(v) for k, v in args.items()}))

    # header ------------------------------------------------------------------------------------
    def read_header(self, fields: Iterable[syn.HeaderField]) -> None:
        for f in fields:
            if f.field in self.header:
                en, zh = _FIELD_NAMES[f.field]
                self.error("E205", f.span, field=en, field_zh=zh, first=self.header[f.field][1])
                continue
            self.header[f.field] = (f.value, f.value_span or f.span)
        if "prompt" in self.header:
            d: syn.Duration = self.header["prompt"][0]
            what = ("the default for 及時", "「及時」的默認時限")
            if self._positive(d.amount, d.span, *what) and self._not_too_long(d, *what):
                self.prompt = Lag(d.amount, d.unit, True)
        if "timezone" in self.header:
            self._check_timezone(*self.header["timezone"])

    def _check_timezone(self, name: str, span: Span) -> None:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(name)
        # ZoneInfoNotFoundError is a KeyError; a name of hundreds of parts (A/A/…) goes as deep
        # in the import machinery, which gives up with RecursionError: not a zone either
        except (KeyError, ValueError, OSError, RecursionError):
            self.error("E204", span, value=name)

    def header_date(self) -> dt.date | None:
        if "issued" not in self.header:
            return None
        return self.date(self.header["issued"][0])

    def header_window(self) -> Window:
        if "effective" not in self.header:
            return Window()
        return self.window(self.header["effective"][0])

    # values ------------------------------------------------------------------------------------
    def date(self, d: syn.Date) -> dt.date | None:
        try:
            return dt.date(d.year, d.month, d.day)
        except ValueError:
            self.error(
                "E202",
                d.span,
                what="the date",
                what_zh="日期",
                value=f"{d.year}-{d.month:02d}-{d.day:02d}",
                value_zh=f"{d.year}-{d.month:02d}-{d.day:02d}",
            )
            return None

    def window(self, w: syn.Window) -> Window:
        start = self.date(w.start) if w.start else None
        end = self.date(w.end) if w.end else None
        if start and end and start > end:
            self.error("E206", w.span, start=start.isoformat(), end=end.isoformat())
        return Window(start, end)

    def _positive(self, value: int, span: Span, what: str, what_zh: str) -> bool:
        if value >= 1:
            return True
        self.error("E207", span, what=what, what_zh=what_zh, value=value)
        return False

    def lag(self, lag: syn.Lag, what: str = "a time limit", what_zh: str = "時限") -> Lag:
        if isinstance(lag, syn.Prompt):
            return self.prompt
        if self._positive(lag.amount, lag.span, what, what_zh):
            self._not_too_long(lag, what, what_zh)
        return Lag(lag.amount, lag.unit)

    def _not_too_long(self, lag: syn.Duration, what: str, what_zh: str) -> bool:
        """E218 for a length over ten years: no disclosure duty runs that long, and a mistyped
        提前1000000天 would send the calendar past the year 9999 (a traceback, or all the memory)."""
        from obligations import words

        most = _TEN_YEARS[lag.unit]
        if lag.amount <= most:
            return True
        given, limit = Lag(lag.amount, lag.unit), Lag(most, lag.unit)
        self.error(
            "E218",
            lag.span,
            what=what,
            what_zh=what_zh,
            value=words.lag(given, "en"),
            value_zh=words.lag(given, "zh"),
            most=words.lag(limit, "en"),
            most_zh=words.lag(limit, "zh"),
        )
        return False

    # agencies ----------------------------------------------------------------------------------
    def declare(self, decls: Iterable[syn.AgencyDecl]) -> None:
        decl_list = list(decls)
        all_names = [n.text for d in decl_list for n in (d.name, d.full_name, *d.aliases)]
        name_keys = iter(script.keys(all_names))
        for d in decl_list:
            agency = Agency(d.name.text, d.full_name.text, tuple(a.text for a in d.aliases), d.span)
            names = (d.name, d.full_name, *d.aliases)
            own = [next(name_keys) for _ in names]
            first = self.agencies.get(own[0])
            if first is not None and script.key(first.name) == own[0]:
                self.error("E208", d.name.span, name=d.name.text, first=first.span)
                continue
            self.agency_order.append(agency)
            for name, k in zip(names, own, strict=True):
                other = self.agencies.get(k)
                if other is not None and other is not agency:
                    self.error("E210", name.span, name=name.text, other=other.name)
                    continue
                self.agencies[k] = agency

    def agency_refs(
        self, entries: Sequence[syn.AgencyEntry], entry_keys: Sequence[str]
    ) -> tuple[AgencyRef, ...]:
        # A role word covers the agencies listed before it, back to the previous role word
        # ("財政局、國稅局 分別" makes both "each"); agencies with no role word are joint.
        roles: list[Role] = []
        pending = 0
        for entry in entries:
            pending += 1
            if entry.role is not None:
                roles.extend([entry.role] * pending)
                pending = 0
        roles.extend([Role.JOINT] * pending)
        refs = []
        for entry, role, k in zip(entries, roles, entry_keys, strict=True):
            agency = self.agencies.get(k)
            name = agency.name if agency else entry.name.text
            refs.append(AgencyRef(name, role, agency is not None, entry.name.span))
        return tuple(refs)

    # schedules ---------------------------------------------------------------------------------
    def schedule(self, t: syn.Timing, roll: bool | None) -> Schedule:
        match t:
            case syn.Periodic():
                return self.periodic(t, roll)
            case syn.EventAfter():
                trigger = t.event.text if t.event else DEFAULT_TRIGGER
                lag = self.lag(t.lag)
                if roll and lag.unit is Unit.HOUR:
                    span = self.roll_span or t.span
                    self.error("E212", span, value=f"{lag.amount} hours", value_zh=f"{lag.amount}小時")
                return Event(trigger, lag, False, None, None, roll, t.span)
            case syn.EventSameDay():
                return Event(t.event.text, None, True, None, None, roll, t.span)
            case syn.EventLead():
                return Event(
                    t.event.text, None, False, self.lag(t.lead, "a lead time", "提前量"), None, roll, t.span
                )
            case syn.SyncWith():
                return Event(f"[{t.ref}]", None, True, None, t.ref, roll, t.span)
            case syn.Standing():
                return Standing(t.span)
            case syn.Realtime():
                gap = self.lag(t.max_gap, "a maximum gap", "間隔") if t.max_gap else None
                return Realtime(gap, t.span)
            case syn.Once():
                return self.once(t)
            case syn.Vague():
                return Unscheduled(_VAGUE_CANON.get(t.phrase, t.phrase), t.span)
        raise AssertionError(f"unhandled timing {t!r}")  # the grammar has no other timing

    def periodic(self, t: syn.Periodic, roll: bool | None) -> Schedule:
        period = t.period
        if period.every is None:
            return Unscheduled("定期", t.span)
        if t.count is not None:
            self._positive(t.count.min_count, t.count.span, "a count", "次數")
            extra = t.deadline or t.lead
            if extra is not None:  # never drop what was written: a count has no single deadline
                self.error("E215", extra.span)
            return Count(period.every, t.count.min_count, t.span)
        if t.deadline is not None and period.weekday is not None:
            self.error("E216", t.deadline.span, what="the weekday", what_zh="星期")
        deadline = self.deadline(t.deadline, period.every) if t.deadline else None
        if deadline is None and period.weekday is not None:
            deadline = PeriodDeadline("weekday", weekday=period.weekday)
        lead = self.lag(t.lead, "a lead time", "提前量") if t.lead else None
        return Periodic(period.every, deadline, bool(roll), lead, t.span)

    def deadline(self, d: syn.Deadline, every: Every) -> PeriodDeadline | None:
        match d:
            case syn.DayOfPeriod(day=day, month=None):
                form, out = "day_of_period", PeriodDeadline("day_of_period", day=day)
            case syn.DayOfPeriod(day=day, month=month):
                form, out = "month_day_of_period", PeriodDeadline("day_of_period", day=day, month=month)
            case syn.WeekdayOfPeriod(weekday=weekday):
                form, out = "weekday", PeriodDeadline("weekday", weekday=weekday)
            case syn.NextPeriodDay(day=day, month=None):
                form, out = "next_month_day", PeriodDeadline("next_period_day", day=day)
            case syn.NextPeriodDay(day=day, month=month):
                form, out = "next_year_day", PeriodDeadline("next_period_day", day=day, month=month)
            case syn.AfterPeriod(lag=lag):
                return PeriodDeadline("after_period", lag=self.lag(lag))
            case _:
                raise AssertionError(f"unhandled deadline {d!r}")
        if every not in _DEADLINE_FITS[form]:
            en, zh = _deadline_label(form, out)
            hint_en, hint_zh = _DEADLINE_HINTS[form]
            self.error(
                "E203",
                d.span,
                deadline=en,
                deadline_zh=zh,
                every=_EVERY_EN[every],
                every_zh=_EVERY_ZH[every],
                hint_en=hint_en,
                hint_zh=hint_zh,
            )
            return None
        if not self._valid_day(out, d.span):
            return None
        return out

    def _valid_day(self, d: PeriodDeadline, span: Span) -> bool:
        month = 1 if d.month is None else d.month  # 0日前 and 0月 are mistakes, not "the 1st"
        day = 1 if d.day is None else d.day
        try:
            dt.date(2000, month, day)  # a leap year, so 2月29日前 is allowed
        except ValueError:
            label_zh = f"{month}月{day}日" if d.month is not None else f"{day}日"
            if d.month is not None and not 1 <= month <= 12:
                label_en = f"month {month}"
            elif d.month is not None:
                label_en = f"{day} {_EN_MONTHS[month - 1]}"
            else:
                label_en = f"day {day}"
            self.error("E202", span, what="the date", what_zh="日期", value=label_en, value_zh=label_zh)
            return False
        return True

    def once(self, t: syn.Once) -> Schedule:
        if t.date is not None:
            due = self.date(t.date)
            return Once(due, "date", t.span) if due else Unscheduled("date", t.span)
        if self.default_year is None:
            self.error("E213", t.span)
            return Unscheduled(t.phrase, t.span)
        return Once(
            dt.date(self.default_year, 12, 31),
            "year_end" if t.phrase == "year_end" else "within_year",
            t.span,
        )


def _join_quote(lines: Sequence[str]) -> str:
    out = ""
    for line in lines:
        if out and out[-1].isascii() and out[-1].isalnum() and line[:1].isascii():
            out += " "
        out += line
    return out


_FULLWIDTH_BRACKETS = str.maketrans("（）", "()")


def derive_id(section: str, action_key: str, subject_key: str, agency_keys: Sequence[str]) -> str:
    """An id from meaning, not text: reformatting or converting script never changes it."""
    section_key = script.key(section.translate(_FULLWIDTH_BRACKETS))
    basis = "|".join([section_key, action_key, subject_key, *sorted(agency_keys)])
    return "o-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:8]


def check(files: Sequence[syn.SpecFile]) -> tuple[Spec, list[Diagnostic]]:
    """Syntax of an entry file and its includes (in include order) → model and diagnostics."""
    ck = _Checker()
    statements = [s for f in files for s in f.statements]
    ck.read_header(s for s in statements if isinstance(s, syn.HeaderField))
    issued = ck.header_date()
    effective = ck.header_window()
    ck.default_year = (issued.year if issued else None) or (effective.start.year if effective.start else None)
    ck.declare(s for s in statements if isinstance(s, syn.AgencyDecl))

    syntax_obs: list[tuple[syn.Obligation, str, str]] = []
    for f in files:
        section, title = "", ""
        for s in f.statements:
            if isinstance(s, syn.Section):
                section, title = s.id, s.title
            elif isinstance(s, syn.Obligation):
                syntax_obs.append((s, section, title))

    obligations = _build_obligations(ck, syntax_obs)
    spec = Spec(
        title=str(ck.header.get("title", ("", None))[0]),
        issuer=str(ck.header.get("issuer", ("", None))[0]),
        issued=issued,
        timezone=str(ck.header.get("timezone", (DEFAULT_TIMEZONE, None))[0]),
        prompt=ck.prompt,
        effective=effective,
        agencies=tuple(ck.agency_order),
        obligations=tuple(obligations),
        files=tuple(f.file for f in files),
    )
    _check_refs(ck, spec)
    return spec, ck.diagnostics


def _build_obligations(ck: _Checker, items: Sequence[tuple[syn.Obligation, str, str]]) -> list[Obligation]:
    # One batched OpenCC call for every name the obligations use.
    names: list[str] = []
    for ob, _, _ in items:
        names.append(ob.action.text)
        names.append(ob.subject.text if ob.subject else "")
        names.extend(e.name.text for c in ob.clauses if isinstance(c, syn.Agencies) for e in c.entries)
    all_keys = iter(script.keys(names))

    out: list[Obligation] = []
    seen_ids: dict[str, Span] = {}
    derived_count: dict[str, int] = {}
    for ob, section, title in items:
        action_key, subject_key = next(all_keys), next(all_keys)
        if ob.subject is None:
            ck.error("E214", ob.action.span, action=ob.action.text)
        entries = [e for c in ob.clauses if isinstance(c, syn.Agencies) for e in c.entries]
        entry_keys = [next(all_keys) for _ in entries]
        refs = ck.agency_refs(entries, entry_keys)
        _check_repeated_clauses(ck, ob)
        roll_clause = next((c for c in ob.clauses if isinstance(c, syn.Roll)), None)
        roll = roll_clause.on if roll_clause else None
        ck.roll_span = roll_clause.span if roll_clause else None
        windows = [ck.window(c) for c in ob.clauses if isinstance(c, syn.Window)]
        display = next(
            (
                ck.lag(c.duration, "a display period", "公示期")
                for c in ob.clauses
                if isinstance(c, syn.Display)
            ),
            None,
        )
        extension = next(
            (
                ck.lag(c.duration, "an extension", "延長期")
                for c in ob.clauses
                if isinstance(c, syn.Extension)
            ),
            None,
        )
        channels = tuple(n.text for c in ob.clauses if isinstance(c, syn.Channels) for n in c.names)
        schedule = ck.schedule(ob.timing, roll)
        if ob.id is not None:
            ob_id = ob.id
            if ob_id in seen_ids:
                ck.error("E201", ob.id_span or ob.span, id=ob_id, first=seen_ids[ob_id])
            seen_ids.setdefault(ob_id, ob.span)
        else:
            base = derive_id(section, action_key, subject_key, [script.key(r.name) for r in refs])
            n = derived_count.get(base, 0) + 1
            derived_count[base] = n
            ob_id = base if n == 1 else f"{base}-{n}"
        source = Source(ob.span.file, ob.span.line, ob.span.column, section, title, _join_quote(ob.quotes))
        out.append(
            Obligation(
                id=ob_id,
                id_given=ob.id is not None,
                action=ob.action.text,
                subject=ob.subject.text if ob.subject else "",
                agencies=refs,
                schedule=schedule,
                channels=channels,
                effective=windows[-1] if windows else Window(),
                display=display,
                source=source,
                span=ob.span,
                action_span=ob.action.span,
                extension=extension,
            )
        )
    return out


_SINGLE_CLAUSES: dict[type, tuple[str, str]] = {
    syn.Roll: ("the roll rule (遇節假日順延 / 不順延)", "順延規則"),
    syn.Display: ("the display period (公示期)", "公示期"),
    syn.Window: ("the effective window (自…至…)", "有效期"),
    syn.Extension: ("the extension (可延長)", "可延長期限"),
}


def _check_repeated_clauses(ck: _Checker, ob: syn.Obligation) -> None:
    """A clause that can hold one value must not be written twice: one of them would be lost."""
    seen: set[type] = set()
    for clause in ob.clauses:
        kind = type(clause)
        if kind in _SINGLE_CLAUSES:
            if kind in seen:
                what, what_zh = _SINGLE_CLAUSES[kind]
                ck.error("E216", clause.span, what=what, what_zh=what_zh)
            seen.add(kind)


def _check_refs(ck: _Checker, spec: Spec) -> None:
    reported: set[str] = set()
    for ob in spec.obligations:
        if not (isinstance(ob.schedule, Event) and ob.schedule.sync_with):
            continue
        if spec.obligation(ob.schedule.sync_with) is None:
            ck.error("E209", ob.schedule.span, ref=ob.schedule.sync_with)
            continue
        cycle = _sync_cycle(spec, ob)
        if cycle and not reported.intersection(cycle):
            reported.update(cycle)
            ck.error("E217", ob.schedule.span, cycle=" → ".join(f"[{i}]" for i in (*cycle, cycle[0])))


def _sync_cycle(spec: Spec, ob: Obligation) -> tuple[str, ...]:
    """The ids of a 同步 chain that comes back to ``ob`` (nothing would ever fall due), else ()."""
    chain = [ob.id]
    current: Obligation | None = ob
    while current is not None and isinstance(current.schedule, Event) and current.schedule.sync_with:
        ref = current.schedule.sync_with
        if ref == ob.id:
            return tuple(chain)
        if ref in chain:
            return ()  # a cycle further along the chain: reported from one of its own members
        chain.append(ref)
        current = spec.obligation(ref)
    return ()
