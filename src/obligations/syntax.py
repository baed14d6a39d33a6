"""Syntax: the spec as written, as frozen attrs nodes that each carry their source span.

``SyntaxBuilder`` is a Lark transformer run inline by the LALR parser (no intermediate
tree), one method per rule alias. It only builds nodes: keyword words become enums and
numerals become ints, but nothing is validated here (an impossible date such as 2月30日
is kept as written and reported by the checker in ``model.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from obligations.diagnostics import Span
from obligations.terms import Every as Every  # re-exported: many modules name them from here
from obligations.terms import Role as Role
from obligations.terms import Unit as Unit

if TYPE_CHECKING:
    from lark import Token
else:  # bound on first use by SyntaxBuilder: a cached spec is unpickled without importing Lark
    Token = None


# ---- leaves ---------------------------------------------------------------------------------


@attrs.frozen
class Name:
    """A bare or quoted word. ``quote`` is the opening mark used (「 《 " “) or "" for bare."""

    text: str
    quote: str
    span: Span


@attrs.frozen
class Duration:
    amount: int
    unit: Unit
    span: Span


@attrs.frozen
class Date:
    """A date as written; ``year/month/day`` may not form a real date (checked later)."""

    year: int
    month: int
    day: int
    span: Span


# ---- header and declarations ------------------------------------------------------------------


@attrs.frozen
class HeaderField:
    field: str  # title | issuer | issued | timezone | prompt | effective
    value: Any  # str | Date | Duration | Window
    span: Span
    value_span: Span | None = None


@attrs.frozen
class AgencyDecl:
    name: Name
    full_name: Name
    aliases: tuple[Name, ...]
    span: Span


@attrs.frozen
class Include:
    path: Name
    span: Span


@attrs.frozen
class Section:
    id: str
    title: str
    span: Span


# ---- timing -------------------------------------------------------------------------------------


@attrs.frozen
class Period:
    every: Every | None  # None: 定期 with no period given
    weekday: int | None  # 每周二 -> 2
    regularly: bool
    span: Span


@attrs.frozen
class DayOfPeriod:
    """每月8日前 (month None) or 每年1月31日前 (month 1, day 31)."""

    day: int
    month: int | None
    span: Span


@attrs.frozen
class WeekdayOfPeriod:
    weekday: int  # 1 = Monday … 7 = Sunday
    span: Span


@attrs.frozen
class NextPeriodDay:
    """次月10日前 / 次年7月1日前: a day in the period after the one covered."""

    day: int
    month: int | None
    span: Span


@attrs.frozen
class Prompt:
    """及時: the spec's default lag."""

    span: Span


Lag = Duration | Prompt


@attrs.frozen
class AfterPeriod:
    lag: Lag
    span: Span


Deadline = DayOfPeriod | WeekdayOfPeriod | NextPeriodDay | AfterPeriod


@attrs.frozen
class Count:
    min_count: int
    span: Span


@attrs.frozen
class Periodic:
    period: Period
    deadline: Deadline | None
    count: Count | None
    lead: Duration | None
    span: Span


@attrs.frozen
class EventAfter:
    event: Name | None  # None: bare 及時, whose trigger is the information being formed or changed
    lag: Lag
    span: Span


@attrs.frozen
class EventSameDay:
    event: Name
    span: Span


@attrs.frozen
class EventLead:
    event: Name
    lead: Duration
    span: Span


@attrs.frozen
class SyncWith:
    ref: str
    span: Span


@attrs.frozen
class Standing:
    span: Span


@attrs.frozen
class Realtime:
    max_gap: Duration | None
    span: Span


@attrs.frozen
class Once:
    date: Date | None  # None: by the end of the year (年底前 / 年內)
    phrase: str  # date | year_end | within_year
    span: Span


@attrs.frozen
class Vague:
    phrase: str
    span: Span


Timing = Periodic | EventAfter | EventSameDay | EventLead | SyncWith | Standing | Realtime | Once | Vague


# ---- clauses --------------------------------------------------------------------------------------


@attrs.frozen
class AgencyEntry:
    name: Name
    role: Role | None
    span: Span


@attrs.frozen
class Agencies:
    entries: tuple[AgencyEntry, ...]
    span: Span


@attrs.frozen
class Channels:
    names: tuple[Name, ...]
    span: Span


@attrs.frozen
class Roll:
    on: bool
    span: Span


@attrs.frozen
class Window:
    start: Date | None
    end: Date | None
    span: Span


@attrs.frozen
class Display:
    duration: Duration
    span: Span


@attrs.frozen
class Extension:
    duration: Duration
    span: Span


Clause = Agencies | Channels | Roll | Window | Display | Extension


@attrs.frozen
class Obligation:
    id: str | None
    timing: Timing
    action: Name
    subject: Name | None  # None only in a line with an error (E214), never in a compiled spec
    clauses: tuple[Clause, ...]
    quotes: tuple[str, ...]
    english: bool  # written with English keywords (for fmt's default style)
    span: Span
    id_span: Span | None = None


Statement = HeaderField | AgencyDecl | Include | Section | Obligation


@attrs.frozen
class SpecFile:
    file: str
    statements: tuple[Statement, ...]
    comments: tuple[tuple[int, str], ...]  # (line, text) of every comment, for fmt


# ---- keyword tables (token text -> meaning) -------------------------------------------------------

_ROLE_WORDS = {
    Role.EACH: ("分別", "分别", "分頭", "分头", "各", "each", "respectively"),
    Role.LEAD: ("牽頭", "牵头", "lead", "leads"),
    Role.SUPPORT: ("配合", "support", "supports"),
    Role.JOINT: ("共同", "聯合", "联合", "jointly", "joint"),
}
ROLE_OF_WORD = {w: role for role, words in _ROLE_WORDS.items() for w in words}

_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "兩": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_WEEKDAY_CHARS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_EN_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
EN_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_UNIT_OF_TYPE = {
    "HOURS": Unit.HOUR,
    "WORKING_DAYS": Unit.WORKING_DAY,
    "DAYS": Unit.DAY,
    "WEEKS": Unit.WEEK,
    "MONTHS": Unit.MONTH,
    "YEARS": Unit.YEAR,
}
_EVERY_OF_RULE = {
    "daily": Every.DAY,
    "weekly": Every.WEEK,
    "biweekly": Every.BIWEEK,
    "monthly": Every.MONTH,
    "quarterly": Every.QUARTER,
    "halfyearly": Every.HALF_YEAR,
    "yearly": Every.YEAR,
}


def parse_numeral(text: str) -> int:
    """``12`` or a Chinese numeral up to 九十九 (二十, 十五, 兩) as an int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return sum(_CN_DIGITS.get(ch, 0) for ch in text)


def _digits(text: str) -> list[int]:
    out: list[int] = []
    cur = ""
    for ch in text:
        if ch.isdigit():
            cur += ch
        elif cur:
            out.append(int(cur))
            cur = ""
    if cur:
        out.append(int(cur))
    return out


# ---- the transformer -------------------------------------------------------------------------------


def _tok_span(file: str, tok: Token) -> Span:
    # Tokens from the lexer always carry positions; Lark types them as optional.
    line, column = tok.line or 1, tok.column or 1
    return Span(
        file,
        line,
        column,
        tok.end_line or line,
        tok.end_column or column + 1,
        tok.start_pos or 0,
        tok.end_pos or 0,
    )


class SyntaxBuilder:
    """Inline LALR callbacks: each receives the children of one reduced rule."""

    def __init__(self) -> None:
        global Token
        from lark import Token

        self.file = "<string>"
        self.text = ""

    # spans --------------------------------------------------------------------------------------
    def _span_of(self, item: Any) -> Span | None:
        if isinstance(item, Token):
            return _tok_span(self.file, item) if item.line is not None else None
        return getattr(item, "span", None)

    def _span(self, children: Sequence[Any]) -> Span:
        spans = [s for s in (self._span_of(c) for c in children) if s is not None]
        if not spans:
            return Span(self.file, 1, 1, 1, 1)
        return spans[0].to(spans[-1])

    # file and statements ------------------------------------------------------------------------
    def start(self, children: list[Any]) -> list[Statement]:
        return [c for c in children if not isinstance(c, Token)]

    def title(self, c: list[Any]) -> HeaderField:
        return HeaderField("title", str(c[1]).strip(), self._span(c))

    def issuer(self, c: list[Any]) -> HeaderField:
        return HeaderField("issuer", str(c[1]).strip(), self._span(c))

    def issued(self, c: list[Any]) -> HeaderField:
        return HeaderField("issued", c[1], self._span(c))

    def timezone(self, c: list[Any]) -> HeaderField:
        return HeaderField("timezone", str(c[1]), self._span(c), _tok_span(self.file, c[1]))

    def prompt_default(self, c: list[Any]) -> HeaderField:
        return HeaderField("prompt", c[1], self._span(c))

    def doc_effective(self, c: list[Any]) -> HeaderField:
        return HeaderField("effective", c[1], self._span(c))

    def agency_decl(self, c: list[Any]) -> AgencyDecl:
        name, full_name = (x for x in c if isinstance(x, Name))
        aliases = next((x for x in c if isinstance(x, tuple)), ())
        return AgencyDecl(name, full_name, aliases, self._span(c))

    def aliases(self, c: list[Any]) -> tuple[Name, ...]:
        return tuple(x for x in c if isinstance(x, Name))

    def include(self, c: list[Any]) -> Include:
        return Include(c[1], self._span(c))

    def section(self, c: list[Any]) -> Section:
        title = str(c[2]).strip() if len(c) > 2 else ""
        return Section(str(c[1]), title, self._span(c))

    def obligation(self, c: list[Any]) -> Obligation:
        ob_id = None
        id_span = None
        items = list(c)
        if isinstance(items[0], Token) and items[0].type == "OB_ID":
            id_span = _tok_span(self.file, items[0])
            ob_id = str(items.pop(0))[1:-1]
        timing, action, *rest = items
        subject = rest.pop(0) if rest and isinstance(rest[0], Name) else None
        clauses = tuple(x for x in rest if not isinstance(x, str | Token))
        quotes = tuple(x for x in rest if isinstance(x, str) and not isinstance(x, Token))
        end = self._span([action, subject, *clauses])
        english = self.text[timing.span.start : timing.span.start + 1].isascii()
        span = self._span(c[:1]).to(end)
        return Obligation(ob_id, timing, action, subject, clauses, quotes, english, span, id_span)

    def quote(self, c: list[Any]) -> str:
        return str(c[0])[1:].strip()

    def name(self, c: list[Any]) -> Name:
        tok: Token = c[0]
        text = str(tok)
        span = _tok_span(self.file, tok)
        if tok.type == "QUOTED":
            mark = text[0]
            inner = text[1:-1]
            return Name(f"《{inner}》" if mark == "《" else inner, mark, span)
        return Name(text, "", span)

    action = subject = event_name = agency_name = channel_name = decl_name = full_name = alias_name = path = (
        name
    )

    def date(self, c: list[Any]) -> Date:
        y, m, d = [*_digits(str(c[0])), 0, 0, 0][:3]
        return Date(y, m, d, self._span(c))

    def duration(self, c: list[Any]) -> Duration:
        num, unit = c
        return Duration(parse_numeral(str(num)), _UNIT_OF_TYPE[unit.type], self._span(c))

    # periods and deadlines ----------------------------------------------------------------------
    def _period(self, every: Every, c: list[Any]) -> Period:
        return Period(every, None, False, self._span(c))

    def daily(self, c: list[Any]) -> Period:
        return self._period(Every.DAY, c)

    def weekly(self, c: list[Any]) -> Period:
        return self._period(Every.WEEK, c)

    def biweekly(self, c: list[Any]) -> Period:
        return self._period(Every.BIWEEK, c)

    def monthly(self, c: list[Any]) -> Period:
        return self._period(Every.MONTH, c)

    def quarterly(self, c: list[Any]) -> Period:
        return self._period(Every.QUARTER, c)

    def halfyearly(self, c: list[Any]) -> Period:
        return self._period(Every.HALF_YEAR, c)

    def yearly(self, c: list[Any]) -> Period:
        return self._period(Every.YEAR, c)

    def weekly_on(self, c: list[Any]) -> Period:
        return Period(Every.WEEK, _WEEKDAY_CHARS[str(c[0])[-1]], False, self._span(c))

    def regularly(self, c: list[Any]) -> Period:
        inner: Period | None = c[1] if len(c) > 1 else None
        every = inner.every if inner else None
        weekday = inner.weekday if inner else None
        return Period(every, weekday, True, self._span(c))

    def periodic(self, c: list[Any]) -> Periodic:
        period = c[0]
        deadline = next((x for x in c[1:] if isinstance(x, Deadline)), None)
        count = next((x for x in c[1:] if isinstance(x, Count)), None)
        lead = next((x for x in c[1:] if isinstance(x, Duration)), None)
        return Periodic(period, deadline, count, lead, self._span(c))

    def year_count(self, c: list[Any]) -> Periodic:
        period = Period(Every.YEAR, None, False, self._span(c[:1]))
        return Periodic(period, None, c[1], None, self._span(c))

    def day_of_period(self, c: list[Any]) -> DayOfPeriod:
        # 8日前 (DAY_BEFORE), or the NUM after "by day", which may be a Chinese numeral (十五)
        text = str(c[-1])
        digits = _digits(text)
        return DayOfPeriod(digits[0] if digits else parse_numeral(text), None, self._span(c))

    def month_day_of_period(self, c: list[Any]) -> DayOfPeriod:
        month, day = self._month_day(str(c[0]))
        return DayOfPeriod(day, month, self._span(c))

    @staticmethod
    def _month_day(text: str) -> tuple[int, int]:
        lowered = text.lower()
        for i, month_name in enumerate(EN_MONTHS, start=1):
            if month_name in lowered:
                return i, _digits(text)[0]
        month, day = _digits(text)[:2]
        return month, day

    def weekday_of_period(self, c: list[Any]) -> WeekdayOfPeriod:
        text = str(c[0])
        lowered = text.lower()
        for i, day_name in enumerate(_EN_WEEKDAYS, start=1):
            if day_name in lowered:
                return WeekdayOfPeriod(i, self._span(c))
        ch = text.rstrip("前")[-1]
        return WeekdayOfPeriod(_WEEKDAY_CHARS[ch], self._span(c))

    def next_period_day(self, c: list[Any]) -> NextPeriodDay:
        first = str(c[0])
        if c[0].type in ("NEXT_MONTH", "NEXT_YEAR"):
            # 次月10日前 / 次年7月1日前: the day (and month) are in the second token
            text = str(c[1])
            if c[1].type == "MONTH_DAY_BEFORE":
                month, day = self._month_day(text)
                return NextPeriodDay(day, month, self._span(c))
            return NextPeriodDay(_digits(text)[0], None, self._span(c))
        if c[0].type == "EN_BY_MONTH_DAY":
            month, day = self._month_day(first)
            return NextPeriodDay(day, month, self._span(c))
        return NextPeriodDay(parse_numeral(str(c[1])), None, self._span(c))

    def after_period(self, c: list[Any]) -> AfterPeriod:
        lag = next(x for x in c if isinstance(x, Duration | Prompt))
        return AfterPeriod(lag, self._span(c))

    def prompt_lag(self, c: list[Any]) -> Prompt:
        return Prompt(self._span(c))

    def within(self, c: list[Any]) -> Duration:
        dur: Duration = next(x for x in c if isinstance(x, Duration))
        return dur

    def count(self, c: list[Any]) -> Count:
        return Count(parse_numeral(str(c[1])), self._span(c))

    def count_once(self, c: list[Any]) -> Count:
        return Count(1, self._span(c))

    def lead(self, c: list[Any]) -> Duration:
        dur: Duration = next(x for x in c if isinstance(x, Duration))
        return dur

    # events and other timings ------------------------------------------------------------------
    def event_after(self, c: list[Any]) -> EventAfter:
        return EventAfter(c[1], c[-1], self._span(c))

    def event_same_day(self, c: list[Any]) -> EventSameDay:
        return EventSameDay(c[1], self._span(c))

    def event_lead(self, c: list[Any]) -> EventLead:
        return EventLead(c[1], c[-1], self._span(c))

    def prompt_event(self, c: list[Any]) -> EventAfter:
        span = self._span(c)
        return EventAfter(None, Prompt(span), span)

    def sync_with(self, c: list[Any]) -> SyncWith:
        return SyncWith(str(c[1])[1:-1], self._span(c))

    def standing(self, c: list[Any]) -> Standing:
        return Standing(self._span(c))

    def realtime(self, c: list[Any]) -> Realtime:
        return Realtime(c[1] if len(c) > 1 else None, self._span(c))

    def max_gap(self, c: list[Any]) -> Duration:
        dur: Duration = next(x for x in c if isinstance(x, Duration))
        return dur

    def once_date(self, c: list[Any]) -> Once:
        date = c[-1] if isinstance(c[-1], Date) else None
        if date is None:
            tok: Token = c[0]
            y, m, d = [*_digits(str(tok)), 0, 0, 0][:3]
            date = Date(y, m, d, _tok_span(self.file, tok))
        return Once(date, "date", self._span(c))

    def once_year_end(self, c: list[Any]) -> Once:
        return Once(None, "year_end", self._span(c))

    def once_within_year(self, c: list[Any]) -> Once:
        return Once(None, "within_year", self._span(c))

    def vague(self, c: list[Any]) -> Vague:
        return Vague(str(c[0]), self._span(c))

    # clauses -----------------------------------------------------------------------------------
    def agencies(self, c: list[Any]) -> Agencies:
        return Agencies(tuple(x for x in c if isinstance(x, AgencyEntry)), self._span(c))

    def agency_entry(self, c: list[Any]) -> AgencyEntry:
        role = ROLE_OF_WORD[str(c[1])] if len(c) > 1 else None
        return AgencyEntry(c[0], role, self._span(c))

    def channels(self, c: list[Any]) -> Channels:
        return Channels(tuple(x for x in c if isinstance(x, Name)), self._span(c))

    def roll(self, c: list[Any]) -> Roll:
        return Roll(True, self._span(c))

    def no_roll(self, c: list[Any]) -> Roll:
        return Roll(False, self._span(c))

    def display(self, c: list[Any]) -> Display:
        return Display(c[1], self._span(c))

    def extension(self, c: list[Any]) -> Extension:
        return Extension(c[1], self._span(c))

    def window(self, c: list[Any]) -> Window:
        dates = [x for x in c if isinstance(x, Date)]
        return Window(dates[0], dates[1], self._span(c))

    def window_from(self, c: list[Any]) -> Window:
        return Window(c[1], None, self._span(c))

    def window_to(self, c: list[Any]) -> Window:
        return Window(None, c[1], self._span(c))
