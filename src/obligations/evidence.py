"""Evidence: what was actually published, read from the files disclosure offices keep.

An evidence file is a table (CSV, JSON Lines or Excel .xlsx) with one publication a row:
which duty it answers (an obligation id, or a subject matched later), who published it,
when, where (url, channel) and for which period. Every source turns a file into a
``LoadResult`` that accounts for every data row exactly once: a row is either a
``EvidenceRecord`` or a ``Rejected`` row with its spreadsheet row number and a reason in
Chinese and English. Blank rows hold nothing and are counted apart (``blank_rows``).

A file that cannot be read at all (unknown encoding, no header with the required columns,
empty, not a workbook) raises ``EvidenceFileError`` (an ``InputError``). Files are streamed:
a row is never longer in memory than the field limit allows, whatever the file holds.

Sources are plugins (entry point group ``obligations.sources``); the built-in ones are
``CSV_SOURCE``, ``JSONL_SOURCE`` and ``XLSX_SOURCE``. ``docs/evidence.md`` has every rule.
"""

from __future__ import annotations

import bisect
import codecs
import contextlib
import csv
import datetime as dt
import functools
import itertools
import json
import operator
import os
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from obligations import collector, script
from obligations.csvtext import allow_cells, delimiter_of
from obligations.errors import InputError
from obligations.lazy import BuiltOnAccess
from obligations.paths import shown
from obligations.walltime import wall_instant

if TYPE_CHECKING:
    from obligations.plugins import Plugin

SOURCES_GROUP = "obligations.sources"
DEFAULT_TIMEZONE = "Asia/Shanghai"  # as obligations.model.DEFAULT_TIMEZONE (not imported: it pulls lark)
MAX_FIELD = 1_048_576  # characters in one cell; a longer cell rejects its row (field_too_large)
EARLIEST_YEAR = 1990  # before this a timestamp is a spreadsheet artefact (1899-12-30 is Excel's zero)
HEADER_SEARCH_ROWS = 10  # the header may sit below a title row or two, as office sheets often have
_CHUNK = 1 << 16

FIELDS = ("obligation", "subject", "agency", "published_at", "url", "title", "channel", "period")
REQUIRED = ("agency", "published_at")  # and one of obligation / subject

# Field → (Chinese name, English name) as shown in messages and written as headers.
FIELD_NAMES: dict[str, tuple[str, str]] = {
    "obligation": ("編號", "obligation"),
    "subject": ("事項", "subject"),
    "agency": ("單位", "agency"),
    "published_at": ("發布時間", "published_at"),
    "url": ("鏈接", "url"),
    "title": ("標題", "title"),
    "channel": ("渠道", "channel"),
    "period": ("期間", "period"),
}

# Every header a column may carry, compared script-insensitively (obligations.script.key) after
# dropping spaces, underscores, hyphens, "*" marks and a bracketed remark such as （必填）.
# 事項 is special: the subject, or the obligation id when the file has no id column and the
# cell looks like an id (HM-12, o-1a2b3c4d).
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "obligation": ("obligation", "obligation id", "id", "編號", "義務編號", "事項編號"),
    "subject": ("subject", "公開事項", "公開內容"),
    "agency": ("agency", "單位", "發布單位", "公開主體", "責任單位", "部門", "機構"),
    "published_at": (
        "published_at",
        "published",
        "date",
        "time",
        "發布時間",
        "發布日期",
        "公開時間",
        "公開日期",
        "時間",
        "日期",
    ),
    "url": ("url", "link", "鏈接", "網址", "鏈接地址", "網頁鏈接"),
    "title": ("title", "標題", "名稱"),
    "channel": ("channel", "渠道", "公開渠道", "發布渠道", "公開方式"),
    "period": ("period", "期間", "所屬期間", "報告期", "期次"),
}
_T = TypeVar("_T", bound=attrs.AttrsInstance)
_SUBJECT_OR_ID = "事項"
_AMBIGUOUS = "subject_or_id"

_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")  # the spec grammar's OB_ID, without brackets
_ID_BRACKETS = re.compile(r"^[\[【](.*)[\]】]$")


# ---- periods -----------------------------------------------------------------------------------

PeriodKind = Literal["day", "week", "month", "quarter", "half-year", "year"]  # = syntax.Every values
_QUARTER_ZH = "一二三四"
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@attrs.frozen(order=True)
class Period:
    """The period a publication covers: a year, half, quarter, month, ISO week or day.

    ``start`` and ``end`` are inclusive. ``str()`` is the canonical label (``2026-Q3``) that
    ``parse_period`` reads back and the ledger stores.
    """

    start: pendulum.Date
    end: pendulum.Date
    kind: PeriodKind

    def __str__(self) -> str:
        s = self.start
        match self.kind:
            case "year":
                return f"{s.year}"
            case "half-year":
                return f"{s.year}-H{1 if s.month == 1 else 2}"
            case "quarter":
                return f"{s.year}-Q{(s.month - 1) // 3 + 1}"
            case "month":
                return f"{s.year}-{s.month:02d}"
            case "week":
                year, week, _ = s.isocalendar()
                return f"{year}-W{week:02d}"
            case _:
                return s.isoformat()

    def label(self, lang: str = "zh") -> str:
        if lang == "en":
            return str(self)
        s = self.start
        match self.kind:
            case "year":
                return f"{s.year}年"
            case "half-year":
                return f"{s.year}年{'上' if s.month == 1 else '下'}半年"
            case "quarter":
                return f"{s.year}年第{_QUARTER_ZH[(s.month - 1) // 3]}季度"
            case "month":
                return f"{s.year}年{s.month}月"
            case "week":
                year, week, _ = s.isocalendar()
                return f"{year}年第{week}周"
            case _:
                return f"{s.year}年{s.month}月{s.day}日"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def _month_end(year: int, month: int) -> pendulum.Date:
    return pendulum.Date(year, month, 1).end_of("month")


def _period(kind: PeriodKind, year: int, index: int = 1) -> Period:
    """The ``index``-th period of ``kind`` in ``year`` (1-based); ValueError when out of range."""
    if kind == "year":
        return Period(pendulum.Date(year, 1, 1), pendulum.Date(year, 12, 31), kind)
    if kind == "half-year":
        if index not in (1, 2):
            raise ValueError(f"half {index}")
        first = 1 + 6 * (index - 1)
        return Period(pendulum.Date(year, first, 1), _month_end(year, first + 5), kind)
    if kind == "quarter":
        if not 1 <= index <= 4:
            raise ValueError(f"quarter {index}")
        first = 1 + 3 * (index - 1)
        return Period(pendulum.Date(year, first, 1), _month_end(year, first + 2), kind)
    if kind == "month":
        if not 1 <= index <= 12:
            raise ValueError(f"month {index}")
        return Period(pendulum.Date(year, index, 1), _month_end(year, index), kind)
    if kind == "week":
        monday = dt.date.fromisocalendar(year, index, 1)  # ValueError for week 53 of a 52-week year
        start = pendulum.Date(monday.year, monday.month, monday.day)
        return Period(start, start.add(days=6), kind)
    raise ValueError(kind)


def _zh_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + (_ZH_DIGITS[text[1:]] if text[1:] else 0)
    return _ZH_DIGITS[text]


_Y = r"(?P<y>\d{4})"
_PERIOD_PATTERNS: tuple[tuple[str, PeriodKind], ...] = (
    (rf"{_Y}\s*(?:年度?)?", "year"),
    (rf"{_Y}\s*[-/.]?\s*H(?P<i>[12])", "half-year"),
    (rf"{_Y}\s*年?\s*(?P<i>[上下])\s*半年度?", "half-year"),
    (rf"{_Y}\s*[-/.]?\s*Q(?P<i>[1-4])", "quarter"),
    (rf"{_Y}\s*年?\s*第?\s*(?P<i>[1-4一二三四])\s*季度?", "quarter"),
    (rf"{_Y}\s*[-/.]?\s*W(?P<i>\d{{1,2}})", "week"),
    (rf"{_Y}\s*年?\s*第\s*(?P<i>\d{{1,2}})\s*[周週]", "week"),
    (rf"{_Y}\s*[-/.]\s*(?P<i>\d{{1,2}})", "month"),
    (rf"{_Y}\s*年\s*(?P<i>\d{{1,2}}|十[一二]?|[一二三四五六七八九])\s*月份?", "month"),
)
_PERIOD_FORMS = tuple((re.compile(pattern, re.IGNORECASE), kind) for pattern, kind in _PERIOD_PATTERNS)


def parse_period(text: str) -> Period:
    """``2026``, ``2026-H1``, ``2026-Q3``, ``2026-10``, ``2026-W41``, ``2026-10-09`` and the Chinese
    forms (2026年, 2026年上半年, 2026年第三季度, 2026年10月, 2026年第41周, 2026年10月9日).

    Weeks are ISO weeks. Raises ValueError for anything else (also 2026-13, 2026-W54).
    """
    s = _normalize(text)
    for pattern, kind in _PERIOD_FORMS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        year = int(m["y"])
        if kind == "year":
            return _period(kind, year)
        raw = m["i"]
        if kind == "half-year":
            index = {"上": 1, "下": 2}.get(raw) or int(raw)
        elif kind == "quarter":
            index = _QUARTER_ZH.index(raw) + 1 if raw in _QUARTER_ZH else int(raw)
        else:
            index = _zh_number(raw)
        return _period(kind, year, index)
    day = _date_only(s)
    if day is not None:
        return Period(day, day, "day")
    raise ValueError(f"not a period: {text!r}")


def _date_only(s: str) -> pendulum.Date | None:
    m = _DATE_RE.match(s)
    if m is None or s[m.end() :].strip():
        return None
    return pendulum.Date(int(m["y"]), int(m["m"]), int(m["d"]))  # ValueError for 2026-02-30


# ---- timestamps --------------------------------------------------------------------------------

_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?:\s*日)?",
)
_ZONE_RE = re.compile(r"\s*(?P<z>Z|UTC|GMT|(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?)$", re.IGNORECASE)
_AMPM = r"上午|下午|早上|晚上|中午|AM|PM"
_TIME_RE = re.compile(
    rf"(?:(?P<ap1>{_AMPM})\s*)?(?P<H>\d{{1,2}})\s*(?::|時|点)\s*"
    r"(?:(?P<M>\d{1,2})\s*(?::|分)?\s*(?:(?P<S>\d{1,2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?)?"
    rf"\s*(?P<ap2>{_AMPM})?",
    re.IGNORECASE,
)


def _normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), 點/時 to one spelling, spaces trimmed."""
    return unicodedata.normalize("NFKC", text).replace("點", "点").replace("时", "時").strip()


def parse_timestamp(text: str, tz: str) -> tuple[pendulum.DateTime, bool]:
    """A publication time and whether it was a date alone (``date_only``).

    Accepted: ISO 8601 with or without a zone (``2026-10-09T14:30:00+08:00``, ``…Z``), a space
    instead of ``T``, ``/`` or ``.`` between date parts (``2026/10/9 14:30``), Chinese forms
    (``2026年10月9日 14時30分``, ``下午2:30``), full-width digits. Without a zone the time is in
    ``tz``; a date alone is 00:00 of that day in ``tz``. The result is in ``tz`` (same instant).
    Raises ValueError for anything else, or a year before 1990.
    """
    return _parse_timestamp(text, _timezone(tz), {})


_Zone = pendulum.Timezone | pendulum.FixedTimezone


@functools.lru_cache(maxsize=64)
def _timezone(tz: str) -> _Zone:
    return pendulum.timezone(tz)


def _parse_timestamp(text: str, zone: _Zone, days: dict[int, int]) -> tuple[pendulum.DateTime, bool]:
    """``parse_timestamp`` with the zone looked up, and ``days``: for each day ordinal seen, the
    ``fold`` of a wall time that day in ``zone``, or -1 on a day the zone changes its offset
    (``_plain_fold``), kept by the caller for one zone."""
    s = text.strip()
    n = len(s)
    # The forms machines write (2026-10-09, 2026-10-09 14:30, 2026-10-09T14:30:05) go straight to
    # fromisoformat; anything it refuses, and every other form, takes the general path below, so
    # this path decides nothing the general one would decide differently.
    if (
        (n == 16 or n == 10 or n == 19)
        and s[4] == "-"
        and s[7] == "-"
        and (n == 10 or (s[10] in " T" and s[13] == ":" and (n == 16 or s[16] == ":")))
        and s.isascii()
    ):
        try:
            wall = dt.datetime.fromisoformat(s)
        except ValueError:
            pass
        else:
            fold = days.get(wall.toordinal())
            if fold is None:
                fold = days[wall.toordinal()] = _plain_fold(wall.date(), zone)
            if wall.year >= EARLIEST_YEAR and fold >= 0:
                # On a day with no clock change a wall time is one instant: this is the very
                # object pendulum.datetime(…, tz=zone) builds, at a tenth of its cost.
                stamp = pendulum.DateTime(
                    wall.year,
                    wall.month,
                    wall.day,
                    wall.hour,
                    wall.minute,
                    wall.second,
                    wall.microsecond,
                    zone,
                    fold=fold,
                )
                return stamp, n == 10
    return _parse_general(text, zone)


def _plain_fold(day: dt.date, zone: _Zone) -> int:
    """The ``fold`` pendulum gives a wall time of ``day`` in ``zone`` (1 for a named zone, as
    ``pendulum.datetime`` asks for it; 0 for a fixed offset, whose conversion resets it), or -1
    when the zone changes its UTC offset that day, so that some wall time is skipped or repeated.
    """
    if isinstance(zone, pendulum.FixedTimezone):
        return 0
    start = dt.datetime(day.year, day.month, day.day)
    marks = (start, start + dt.timedelta(hours=12), start + dt.timedelta(days=1, microseconds=-1))
    offsets = {zone.utcoffset(m.replace(fold=fold)) for m in marks for fold in (0, 1)}
    return 1 if len(offsets) == 1 else -1


def _parse_general(text: str, zone: _Zone) -> tuple[pendulum.DateTime, bool]:
    s = _normalize(text)
    m = _DATE_RE.match(s)
    if m is None:
        raise ValueError("not a date")
    year, month, day = int(m["y"]), int(m["m"]), int(m["d"])
    rest = s[m.end() :].strip()
    given: pendulum.Timezone | pendulum.FixedTimezone | None = None
    zm = _ZONE_RE.search(rest)
    if zm is not None:
        given = _zone(zm["z"])
        rest = rest[: zm.start()].strip()
    if rest[:1] in ("T", "t"):
        rest = rest[1:].strip()
    hour = minute = second = micro = 0
    date_only = not rest
    if rest:
        tm = _TIME_RE.fullmatch(rest)
        if tm is None:
            raise ValueError("not a time of day")
        hour = int(tm["H"])
        minute = int(tm["M"] or 0)
        second = int(tm["S"] or 0)
        micro = int((tm["f"] or "0")[:6].ljust(6, "0"))
        marker = (tm["ap1"] or tm["ap2"] or "").upper()
        if marker:
            if not 1 <= hour <= 12:
                raise ValueError("hour with 上午/下午 must be 1-12")
            if marker in ("PM", "下午", "晚上", "中午") and hour != 12:
                hour += 12
            elif marker in ("AM", "上午", "早上") and hour == 12:
                hour = 0
    if year < EARLIEST_YEAR:
        raise ValueError(f"year {year} is before {EARLIEST_YEAR}")
    dt.datetime(year, month, day, hour, minute, second, micro)  # ValueError for 2026-02-30, 25:00
    if given is not None:
        stamp = pendulum.datetime(year, month, day, hour, minute, second, micro, tz=given)
        return stamp.in_timezone(zone), date_only
    return pendulum.datetime(year, month, day, hour, minute, second, micro, tz=zone), date_only


def _zone(text: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    t = text.upper().removeprefix("UTC").removeprefix("GMT")
    if t in ("", "Z"):
        return pendulum.UTC
    sign = -1 if t[0] == "-" else 1
    digits = t[1:].replace(":", "")
    hours, minutes = (int(digits[:-2]), int(digits[-2:])) if len(digits) > 2 else (int(digits), 0)
    if hours > 14 or minutes >= 60:
        raise ValueError(f"bad offset {text}")
    return pendulum.FixedTimezone(sign * (hours * 3600 + minutes * 60))


def check_timezone(tz: str) -> None:
    """Raise ``EvidenceFileError`` (code ``bad_timezone``) unless ``tz`` is an IANA zone name."""
    try:
        pendulum.timezone(tz)
    except Exception as err:  # pendulum raises its own InvalidTimezone / ZoneInfoNotFoundError
        raise EvidenceFileError(
            "bad_timezone",
            None,
            f"未知時區「{tz}」（請寫 IANA 名稱，例如 Asia/Shanghai）",
            f"unknown time zone {tz!r} (use an IANA name such as Asia/Shanghai)",
        ) from err


# ---- records -----------------------------------------------------------------------------------


def _aware(_: Any, attribute: attrs.Attribute[Any], value: pendulum.DateTime) -> None:
    if value.tzinfo is None:
        raise ValueError(f"{attribute.name} must carry a time zone")


@attrs.frozen
class RecordSource:
    """Where a record came from: a file and a row (spreadsheet numbering, header = 1), or a line."""

    file: str
    row: int | None = None

    def __str__(self) -> str:
        return self.file if self.row is None else f"{self.file}:{self.row}"


@attrs.frozen
class EvidenceRecord:
    """One publication. ``obligation`` or ``subject`` (or both) say which duty it answers."""

    agency: str
    published_at: pendulum.DateTime = attrs.field(validator=_aware)
    obligation: str | None = None
    subject: str | None = None  # matched to obligations script-insensitively (later)
    url: str | None = None
    title: str | None = None
    channel: str | None = None
    period: Period | None = None
    date_only: bool = False  # the file gave a date without a time: published_at is 00:00 that day
    source: RecordSource | None = None

    def __attrs_post_init__(self) -> None:
        if not self.agency.strip():
            raise ValueError("agency must not be empty")
        if not (self.obligation or self.subject):
            raise ValueError("a record needs an obligation id or a subject")

    @property
    def published_date(self) -> pendulum.Date:
        return self.published_at.date()


@attrs.frozen
class Rejected:
    """A row that did not become a record: where, why (a stable code) and a message in zh and en."""

    row: int
    code: str
    message_zh: str
    message_en: str
    file: str = ""

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@attrs.frozen
class LoadResult:
    """Every data row of a file, accounted for once: ``len(records) + len(rejected) == rows_read``.

    ``header_row`` is the header's row number (1 unless title rows sit above it; for JSON Lines 0).
    Blank rows between data rows are ``blank_rows`` (not in ``rows_read``); trailing blank rows
    are not counted at all.
    """

    records: Sequence[EvidenceRecord]  # a tuple, or ``Records`` (built when asked for)
    rejected: tuple[Rejected, ...]
    rows_read: int
    file: str = ""
    header_row: int = 1
    blank_rows: int = 0
    encoding: str | None = None
    ignored_columns: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if len(self.records) + len(self.rejected) != self.rows_read:
            raise AssertionError("a LoadResult must account for every row read")


# ---- the columnar table ------------------------------------------------------------------------

Target = tuple[str | None, str | None, str]  # (obligation, subject, agency): what matching looks at


class EvidenceTable:
    """The rows of one load as columns: what checking needs of each row, as ints, and a way to
    build each row's ``EvidenceRecord`` when it is asked for.

    ``keys[i]`` indexes ``targets`` (the distinct (obligation, subject, agency) of the rows),
    ``times[i]`` is ``published_at`` as microseconds of wall time in ``zone`` (day ordinal ×
    86,400 s + seconds of the day: two datetimes of one zone compare as their wall times do), and
    ``periods[i]`` indexes ``period_values`` (``period_values[0]`` is None: no period stated).
    """

    __slots__ = ("_make", "keys", "period_values", "periods", "targets", "times", "zone")

    def __init__(
        self,
        zone: _Zone,
        targets: list[Target],
        keys: Sequence[int],
        times: Sequence[int],
        period_values: list[Period | None],
        periods: Sequence[int],
        make: Callable[[int], EvidenceRecord],
    ) -> None:
        self.zone = zone
        self.targets = targets
        self.keys = keys
        self.times = times
        self.period_values = period_values
        self.periods = periods
        self._make = make

    def __len__(self) -> int:
        return len(self.keys)

    def record(self, i: int) -> EvidenceRecord:
        """Row ``i``'s record: equal to the one built when the row was read (the same reprs)."""
        return self._make(i)

    @classmethod
    def from_records(cls, records: Sequence[EvidenceRecord], zone: _Zone) -> EvidenceTable:
        """The table of records already built (other sources, a ledger, ``check_records``)."""
        held = records if isinstance(records, tuple | list) else tuple(records)
        columns = _Columns(zone)
        for record in held:
            columns.add(
                (record.obligation, record.subject, record.agency),
                wall_time(record.published_at, zone),
                record.period,
            )
        return columns.table(held.__getitem__)


def wall_time(moment: dt.datetime, zone: _Zone) -> int:
    """An aware instant as microseconds of wall time in ``zone`` (converted there first when it
    is in another zone): the ``times`` of an ``EvidenceTable``."""
    if moment.tzinfo is not zone:
        moment = moment.astimezone(zone)
    return (
        moment.toordinal() * 86_400 + moment.hour * 3600 + moment.minute * 60 + moment.second
    ) * 1_000_000 + moment.microsecond


class _Columns:
    """An ``EvidenceTable`` being filled, a row at a time."""

    def __init__(self, zone: _Zone) -> None:
        self.zone = zone
        self.targets: list[Target] = []
        self.target_index: dict[Target, int] = {}
        self.keys = array("l")
        self.times = array("q")
        self.period_values: list[Period | None] = [None]
        self.period_index: dict[Period | None, int] = {None: 0}
        self.periods = array("l")

    def add(self, target: Target, time: int, period: Period | None) -> None:
        self.keys.append(_place(target, self.target_index, self.targets))
        self.times.append(time)
        self.periods.append(_place(period, self.period_index, self.period_values))

    def table(self, make: Callable[[int], EvidenceRecord]) -> EvidenceTable:
        return EvidenceTable(
            self.zone, self.targets, self.keys, self.times, self.period_values, self.periods, make
        )


_V = TypeVar("_V")


def _place(value: _V, index: dict[_V, int], values: list[_V]) -> int:
    """The place of ``value`` in ``values`` (a column's distinct values), added when new."""
    found = index.get(value)
    if found is None:
        found = index[value] = len(values)
        values.append(value)
    return found


class Records(BuiltOnAccess[EvidenceRecord]):
    """``LoadResult.records`` of a loader that keeps columns: each ``EvidenceRecord`` is built
    when asked for (equal to, and with the repr of, the one an eager loader built).

    Behaves like a tuple (``lazy.BuiltOnAccess``). ``table`` is what ``check`` reads.
    """

    __slots__ = ("table",)

    def __init__(self, table: EvidenceTable) -> None:
        super().__init__(range(len(table)), table.record)
        self.table = table


class EvidenceFileError(InputError):
    """A whole evidence file is unreadable. ``code`` is stable; messages in zh and en.

    ``str(err)`` is the English message; ``err.message("zh")`` the Chinese one.
    """

    def __init__(self, code: str, file: str | None, zh: str, en: str) -> None:
        self.code = code
        self.file = file
        self._parts = (zh, en)
        self.message_zh = f"{file}：{zh}" if file else zh
        self.message_en = f"{file}: {en}" if file else en
        super().__init__(self.message_en)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.code, self.file, *self._parts))

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


# ---- headers -----------------------------------------------------------------------------------

_REMARK = re.compile(r"[（(【\[].*?[)）】\]]")


def _header_key(text: str) -> str:
    cleaned = _REMARK.sub("", unicodedata.normalize("NFKC", text))
    cleaned = cleaned.replace("_", "").replace("-", "").replace("*", "").replace("＊", "")
    return script.key(cleaned)


def _alias_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for field, names in _HEADER_ALIASES.items():
        for name in names:
            table[_header_key(name)] = field
    table[_header_key(_SUBJECT_OR_ID)] = _AMBIGUOUS
    return table


_ALIASES: dict[str, str] | None = None


def header_field(name: str) -> str | None:
    """The field a column header means (``事項`` gives ``subject_or_id``), or None if unknown."""
    global _ALIASES
    if _ALIASES is None:
        _ALIASES = _alias_table()
    return _ALIASES.get(_header_key(name))


@attrs.frozen
class _Header:
    columns: tuple[str | None, ...]  # field of each column, None when ignored
    names: tuple[str, ...]  # the headers as written
    ignored: tuple[str, ...]
    id_column: bool  # the file has an explicit obligation id column
    drops: bool = attrs.field(init=False)  # some column maps to no field: its cells are dropped

    @drops.default
    def _drops(self) -> bool:
        return None in self.columns

    @property
    def missing(self) -> list[str]:
        have = set(self.columns)
        missing = [f for f in REQUIRED if f not in have]
        if not have & {"obligation", "subject", _AMBIGUOUS}:
            missing.insert(0, "obligation/subject")
        return missing


def _map_header(file: str, cells: Sequence[str]) -> _Header:
    columns: list[str | None] = []
    seen: dict[str, str] = {}
    ignored: list[str] = []
    for raw in cells:
        name = raw.strip()
        field = header_field(name) if name else None
        if field is not None and field in seen:
            raise EvidenceFileError(
                "duplicate_column",
                file,
                f"「{seen[field]}」和「{name}」兩欄是同一個字段（{_field_zh(field)}），請刪去一欄",
                f"columns {seen[field]!r} and {name!r} both mean {_field_en(field)}; remove one",
            )
        if field is not None:
            seen[field] = name
        elif name:
            ignored.append(name)
        columns.append(field)
    id_column = "obligation" in seen
    if id_column:  # with an id column, 事項 is always the subject
        if "subject" in seen and _AMBIGUOUS in seen:
            raise EvidenceFileError(
                "duplicate_column",
                file,
                f"「{seen['subject']}」和「{seen[_AMBIGUOUS]}」兩欄都是事項，請刪去一欄",
                f"columns {seen['subject']!r} and {seen[_AMBIGUOUS]!r} both mean subject; remove one",
            )
        columns = ["subject" if c == _AMBIGUOUS else c for c in columns]
    return _Header(tuple(columns), tuple(c.strip() for c in cells), tuple(ignored), id_column)


def _field_zh(field: str) -> str:
    if field == _AMBIGUOUS:
        return "事項"
    return "/".join(FIELD_NAMES[f][0] for f in field.split("/"))


def _field_en(field: str) -> str:
    if field == _AMBIGUOUS:
        return "subject"
    return "/".join(FIELD_NAMES[f][1] for f in field.split("/"))


def _missing_columns_error(file: str, header: _Header | None, first: Sequence[str]) -> EvidenceFileError:
    found = [c.strip() for c in (header.names if header else first) if c.strip()]
    missing = header.missing if header else ["obligation/subject", *REQUIRED]
    shown_zh = "、".join(found) if found else "（無）"
    shown_en = ", ".join(found) if found else "(none)"
    return EvidenceFileError(
        "missing_column",
        file,
        f"缺少必需的欄：{'、'.join(_field_zh(m) for m in missing)}。找到的欄：{shown_zh}。"
        "必需：發布時間、單位，以及編號或事項（欄名可用中文或英文，見 docs/evidence.md）",
        f"missing required column(s): {', '.join(_field_en(m) for m in missing)}; columns found: {shown_en}. "
        "Required: published_at, agency, and obligation or subject (see docs/evidence.md)",
    )


def _find_header(file: str, rows: Iterable[tuple[int, Sequence[str]]]) -> tuple[int, _Header]:
    """The first of the first few non-blank rows that has every required column."""
    best: _Header | None = None
    first: Sequence[str] = ()
    seen = 0
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        if not first:
            first = cells
        header = _map_header(file, cells)
        if not header.missing:
            return number, header
        if best is None or len(header.missing) < len(best.missing):
            best = header
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            break
    if not first:
        raise EvidenceFileError("empty", file, "文件是空的（沒有表頭，也沒有數據）", "the file is empty")
    raise _missing_columns_error(file, best if best and len(best.missing) < 3 else None, first)


# ---- row validation ----------------------------------------------------------------------------

Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | None


def _short(value: object, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unchecked(cls: type[_T]) -> Callable[..., _T]:
    """A constructor of the frozen, slotted attrs class ``cls`` taking every field positionally,
    in order, and running no validator or ``__attrs_post_init__``.

    For values already checked, built in bulk (a row of a million): the attrs ``__init__`` of a
    frozen slotted class sets each field through ``object.__setattr__`` and costs half as much
    again. The object is the one ``cls(*values)`` would build.
    """
    names = [a.name for a in attrs.fields(cls)]
    setters = {f"_set_{n}": getattr(cls, n).__set__ for n in names}
    lines = [f"def make({', '.join(names)}):", "    obj = _new(_cls)"]
    lines += [f"    _set_{n}(obj, {n})" for n in names]
    lines.append("    return obj")
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec("\n".join(lines), namespace)  # the way attrs itself writes __init__
    make: Callable[..., _T] = namespace["make"]
    return make


_new_record = _unchecked(EvidenceRecord)
_new_source = _unchecked(RecordSource)

# Distinct values a loader remembers (per file) so that a million rows share what repeats: agency,
# id, subject, channel and title strings, timestamps, periods. Bounded, so that a file of distinct
# values cannot grow them past this many entries each.
_SHARED_MAX = 100_000


@attrs.define
class _RowBuilder:
    """Turns one row's cells (field → value) into a record or a rejection, in a fixed order.

    One builder reads one file: it keeps the zone, the as-of limit, and the distinct values seen
    (agency and id strings, periods, days) so that rows repeat no work and share their values.
    """

    file: str
    tz: str
    as_of: pendulum.DateTime
    max_field: int
    id_column: bool = True
    _zone: _Zone = attrs.field(init=False)
    _limit: pendulum.DateTime = attrs.field(init=False)
    _limit_day: dt.date = attrs.field(init=False)
    _days: dict[int, int] = attrs.field(init=False, factory=dict)
    _stamps: dict[str, tuple[pendulum.DateTime, bool]] = attrs.field(init=False, factory=dict)
    _periods: dict[str, Period | None] = attrs.field(init=False, factory=dict)
    _strings: dict[str, str] = attrs.field(init=False, factory=dict)
    _titles: dict[str, str] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        self._zone = _timezone(self.tz)
        self._limit = self.as_of.in_timezone(self.tz)
        self._limit_day = dt.date(self._limit.year, self._limit.month, self._limit.day)

    def reject(self, row: int, code: str, zh: str, en: str) -> Rejected:
        return Rejected(row, code, zh, en, self.file)

    def shared(self, text: str) -> str:
        """``text``, or an equal string seen before (agency names and ids repeat row after row)."""
        strings = self._strings
        found = strings.get(text)
        if found is not None:
            return found
        if len(strings) < _SHARED_MAX:
            strings[text] = text
        return text

    def title(self, text: str) -> str:
        """``text``, or an equal title seen lately: a publication listed twice (a duplicate, or
        once per channel) keeps one copy. Emptied when full, keeping the recent ones."""
        titles = self._titles
        found = titles.get(text)
        if found is not None:
            return found
        if len(titles) >= _SHARED_MAX:
            titles.clear()
        titles[text] = text
        return text

    def build(
        self,
        row: int,
        cells: Mapping[str, Cell],
        formats: Mapping[str, str] | None = None,
        *,
        fits: bool = False,
    ) -> EvidenceRecord | Rejected:
        """The record of a row, or why it is rejected.

        The checks run in this order, and the first that fails is the row's reason: a cell over
        the size limit (the first, in column order); a value that cannot be text; a required value
        missing; neither id nor subject; the time; the period; the url. ``fits``: the caller knows
        that no cell is over the limit (the whole row is not).
        """
        try:  # a row of text (every CSV row, most JSON Lines): one pass
            text = {field: value.strip() for field, value in cells.items()}  # type: ignore[union-attr]
        except AttributeError:  # a number, a date, a boolean (Excel, JSON)
            checked = self._texts(row, cells)
            if isinstance(checked, Rejected):
                return checked
            text = checked
        else:
            if not fits and any(len(value) > self.max_field for value in cells.values()):  # type: ignore[arg-type]
                return self._texts(row, cells)  # type: ignore[return-value]  # names the cell
        obligation, subject, agency = self.identity(text)
        raw_stamp = cells.get("published_at")
        if not agency or raw_stamp is None or (isinstance(raw_stamp, str) and not raw_stamp.strip()):
            zh, en = FIELD_NAMES["agency" if not agency else "published_at"]  # REQUIRED, in order
            return self.reject(row, "missing_value", f"缺少{zh}", f"no {en}")
        if not obligation and not subject:
            return self.reject(
                row,
                "no_obligation",
                "編號和事項都沒有填寫，無法對應到義務",
                "neither obligation nor subject: the row cannot be matched to a duty",
            )
        stamp = self.timestamp(row, raw_stamp, formats.get("published_at") if formats else None)
        if isinstance(stamp, Rejected):
            return stamp
        published, date_only = stamp
        period: Period | None = None
        raw_period = cells.get("period")
        if raw_period is not None and (not isinstance(raw_period, str) or raw_period.strip()):
            parsed = self.period(row, raw_period, formats.get("period") if formats else None)
            if isinstance(parsed, Rejected):
                return parsed
            period = parsed
        url = text.get("url") or None
        if url is not None and not _valid_url(url):
            return self.reject(
                row,
                "bad_url",
                f"鏈接「{_short(url)}」不是以 http:// 或 https:// 開頭的網址",
                f"url {_short(url)!r} is not an http:// or https:// address",
            )
        channel, title = text.get("channel"), text.get("title")
        strings = self._strings
        agency = strings.get(agency) or self.shared(agency)
        if obligation:
            obligation = strings.get(obligation) or self.shared(obligation)
        # Every check of EvidenceRecord's own (an aware time, an agency, an id or a subject) has
        # passed above: build it without running them again.
        return _new_record(
            agency,
            published,
            obligation or None,
            self.shared(subject) if subject else None,
            url,
            self.title(title) if title else None,
            self.shared(channel) if channel else None,
            period,
            date_only,
            _new_source(self.file, row),
        )

    def identity(self, text: dict[str, str]) -> tuple[str, str, str]:
        """(obligation id, subject, agency) of a row's stripped cells, each "" when not given.

        事項 (``subject_or_id``) is taken out of ``text``: an id when the file has no id column
        and it looks like one, else the subject. Brackets around an id are dropped.
        """
        if _AMBIGUOUS in text:
            value = text.pop(_AMBIGUOUS)
            if not self.id_column and not text.get("obligation") and _looks_like_id(value):
                text["obligation"] = value
            else:
                text.setdefault("subject", value)
        obligation = text.get("obligation", "")
        if obligation and (obligation[0] == "[" or obligation[0] == "【"):
            obligation = _clean_id(obligation)
        return obligation, text.get("subject", ""), text.get("agency") or ""

    def _texts(self, row: int, cells: Mapping[str, Cell]) -> dict[str, str] | Rejected:
        """Each cell as stripped text, or the rejection of the first cell over the size limit,
        else of the first cell that cannot be text (the time and the period are read apart)."""
        limit = self.max_field
        text: dict[str, str] = {}
        not_text: Rejected | None = None
        for field, value in cells.items():
            if isinstance(value, str):
                if len(value) > limit:
                    return self.too_large(row, field, len(value))
                text[field] = value.strip()
            elif not_text is None and field != "published_at" and field != "period":
                converted = self.text(row, field, value)
                if isinstance(converted, Rejected):
                    not_text = converted  # unless a later cell is too large
                else:
                    text[field] = converted
        return text if not_text is None else not_text

    def too_large(self, row: int, field: str, size: int) -> Rejected:
        zh, en = FIELD_NAMES.get(field, (field, field)) if field != _AMBIGUOUS else ("事項", "subject")
        return self.reject(
            row,
            "field_too_large",
            f"「{zh}」欄內容過長（{size} 字，上限 {self.max_field} 字）",
            f"the {en} cell is too large ({size} characters; the limit is {self.max_field})",
        )

    def text(self, row: int, field: str, value: Cell) -> str | Rejected:
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, bool) or not isinstance(value, int | float):
            zh, en = FIELD_NAMES.get(field, ("事項", "subject"))
            return self.reject(
                row,
                "bad_value",
                f"「{zh}」應是文字，而不是 {_short(value)}",
                f"{en} must be text, not {_short(value)!r}",
            )
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def timestamp(
        self, row: int, value: Cell, number_format: str | None
    ) -> tuple[pendulum.DateTime, bool] | Rejected:
        try:
            if isinstance(value, str):
                # Times repeat (a date alone, 09:00 …): one DateTime serves every row that gives
                # the same text. The cache is emptied when full, keeping the recent ones.
                stamps = self._stamps
                cached = stamps.get(value)
                if cached is None:
                    cached = _parse_timestamp(value, self._zone, self._days)
                    if len(stamps) >= _SHARED_MAX:
                        stamps.clear()
                    stamps[value] = cached
                result = cached
            elif isinstance(value, dt.datetime):
                stamp = wall_instant(value, self.tz) if value.tzinfo is None else value
                stamp = pendulum.instance(stamp).in_timezone(self.tz)
                has_time = value.time() != dt.time(0) or _format_has_time(number_format)
                result = stamp, not has_time
                if value.year < EARLIEST_YEAR:
                    raise ValueError(f"year {value.year}")
            elif isinstance(value, dt.date):
                if value.year < EARLIEST_YEAR:
                    raise ValueError(f"year {value.year}")
                result = pendulum.datetime(value.year, value.month, value.day, tz=self.tz), True
            else:
                return self.bad_timestamp(row, value)
        except (ValueError, OverflowError):
            return self.bad_timestamp(row, value)
        stamp, date_only = result
        limit = self._limit
        if (dt.date(stamp.year, stamp.month, stamp.day) > self._limit_day) if date_only else (stamp > limit):
            shown = stamp.to_date_string() if date_only else stamp.format("YYYY-MM-DD HH:mm")
            return self.reject(
                row,
                "future_date",
                f"發布時間 {shown} 晚於檢查時間 {limit.format('YYYY-MM-DD HH:mm')}：不能是將來",
                f"published_at {shown} is after {limit.format('YYYY-MM-DD HH:mm')} (as of): "
                "it cannot be in the future",
            )
        return result

    def bad_timestamp(self, row: int, value: Cell) -> Rejected:
        hint_zh = hint_en = ""
        if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
            day = dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
            hint_zh = f"（像是 Excel 日期序號，即 {day}；請把單元格設為日期格式）"
            hint_en = f" (looks like an Excel date serial, {day}: format the cell as a date)"
        return self.reject(
            row,
            "bad_timestamp",
            f"發布時間「{_short(value)}」無法識別{hint_zh}；可寫 2026-10-09 14:30、2026/10/9、2026年10月9日",
            f"published_at {_short(value)!r} is not a date or time{hint_en}; write e.g. 2026-10-09 14:30",
        )

    def period(self, row: int, value: Cell, number_format: str | None) -> Period | Rejected:
        if isinstance(value, str):
            # Periods repeat row after row: each text is read once (a Period is frozen and shared).
            periods = self._periods
            if value in periods:
                known = periods[value]
            else:
                try:
                    known = parse_period(value)
                except (ValueError, KeyError):
                    known = None
                if len(periods) < _SHARED_MAX:
                    periods[value] = known
            return self.bad_period(row, value) if known is None else known
        try:
            if isinstance(value, dt.datetime | dt.date):
                # Excel turns a typed 2026-10 into a date cell (the 1st, shown without a day); what
                # the cell shows is what the user sees, whatever day it holds.
                day = pendulum.Date(value.year, value.month, value.day)
                shows = _format_shows(number_format)
                if shows & {"d", "h", "s"} or "y" not in shows:
                    return Period(day, day, "day")
                if "m" in shows:
                    return _period("month", day.year, day.month)
                return _period("year", day.year)
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and float(value).is_integer()
                and EARLIEST_YEAR <= value <= 9999
            ):
                return _period("year", int(value))
        except (ValueError, KeyError):
            pass
        return self.bad_period(row, value)

    def bad_period(self, row: int, value: Cell) -> Rejected:
        return self.reject(
            row,
            "bad_period",
            f"期間「{_short(value)}」無法識別；可寫 2026、2026-H1、2026-Q3、2026-10、2026-W41、"
            "2026年上半年、2026年第三季度、2026年10月",
            f"period {_short(value)!r} is not a period; write 2026, 2026-H1, 2026-Q3, 2026-10 or 2026-W41",
        )


def _format_has_time(number_format: str | None) -> bool:
    shows = _format_shows(number_format)
    return "h" in shows or "s" in shows


def _format_shows(number_format: str | None) -> set[str]:
    """The letters of ``ymdhs`` an Excel number format holds, quoted text and ``[…]`` locale and
    colour codes left out (``m`` is minutes beside ``h`` or ``s``); an empty set for no format."""
    if not number_format:
        return set()
    fmt = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", number_format).lower()
    return {part for part in "ymdhs" if part in fmt}


def _looks_like_id(text: str) -> bool:
    inner = _clean_id(text)
    return bool(_ID_RE.fullmatch(inner)) and any(ch.isdigit() for ch in inner)


def _clean_id(text: str) -> str:
    text = text.strip()
    if not text or (text[0] != "[" and text[0] != "【"):
        return text
    m = _ID_BRACKETS.match(text)
    return m.group(1).strip() if m else text


# The scheme and host are case-insensitive (RFC 3986): HTTPS://WWW.GOV.CN/ is a url too.
_URL_RE = re.compile(
    r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?|https?://localhost(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE
)


def _valid_url(url: str) -> bool:
    return bool(_URL_RE.fullmatch(url.strip()))


def record_from_fields(
    fields: Mapping[str, str | None],
    tz: str = DEFAULT_TIMEZONE,
    as_of: dt.datetime | None = None,
    *,
    file: str = "cli",
    max_field: int = MAX_FIELD,
) -> EvidenceRecord | Rejected:
    """One record from field values (``FIELDS`` names), checked as a file row is (row number 0).

    For ``evidence add`` and library callers; the record's source is ``file`` without a row.
    """
    check_timezone(tz)
    builder = _RowBuilder(file, tz, _as_of(as_of, tz), max_field, id_column=True)
    cells: dict[str, Cell] = {k: v for k, v in fields.items() if k in FIELDS and v is not None}
    outcome = builder.build(0, cells)
    if isinstance(outcome, EvidenceRecord):
        return attrs.evolve(outcome, source=RecordSource(file))
    return outcome


# ---- sources -----------------------------------------------------------------------------------


@runtime_checkable
class EvidenceSource(Protocol):
    """A reader of one kind of evidence file, registered in the ``obligations.sources`` group.

    ``load`` returns every row accounted for (see ``LoadResult``) and raises ``InputError``
    (or a subclass) when the file cannot be read at all.
    """

    @property
    def name(self) -> str: ...

    @property
    def suffixes(self) -> tuple[str, ...]: ...

    def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult: ...


def _as_of(as_of: dt.datetime | None, tz: str) -> pendulum.DateTime:
    """The instant after which a publication is in the future: now, else ``as_of``; a naive
    ``as_of`` is a wall time in ``tz``, as every time written without a zone is (``walltime``)."""
    if as_of is None:
        return pendulum.now("UTC")
    if as_of.tzinfo is None:
        return wall_instant(as_of, tz)
    return pendulum.instance(as_of)


def _open_binary(path: Path) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError as err:
        raise EvidenceFileError("not_found", shown(path), "文件不存在", "no such file") from err
    except IsADirectoryError as err:
        raise _not_a_file(path) from err
    except OSError as err:
        raise EvidenceFileError(
            "unreadable", shown(path), f"無法讀取：{err.strerror}", f"cannot read: {err.strerror}"
        ) from err


def _not_a_file(path: Path) -> EvidenceFileError:
    return EvidenceFileError("not_a_file", shown(path), "這是目錄，不是文件", "is a directory")


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file is UTF-8 (with or without BOM), else ``gb18030``.

    Streams the file. A file that is neither, or UTF-8 broken part-way (it decoded as UTF-8 with
    Chinese text before the bad byte, so reading it as GB18030 would garble it silently), raises
    ``EvidenceFileError`` naming the encodings tried.
    """
    file = shown(path)
    with _open_binary(path) as f:
        head = f.read(4)
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            raise EvidenceFileError(
                "encoding",
                file,
                "文件是 UTF-16 編碼（Excel「Unicode 文本」）。請另存為「CSV UTF-8（逗號分隔）」",
                "the file is UTF-16 (Excel 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'",
            )
        f.seek(0)
        bad = _first_decode_error(f, "utf-8")
        if bad is None:
            return "utf-8-sig"
        offset, line, non_ascii = bad
        if non_ascii >= _DAMAGED_AFTER:
            raise EvidenceFileError(
                "encoding",
                file,
                f"第 {line} 行（字節 {offset}）不是有效的 UTF-8，而此前的內容是 UTF-8："
                "文件已損壞或混用了編碼。請用 Excel / WPS 重新另存為 CSV",
                f"invalid UTF-8 at line {line} (byte {offset}) after valid UTF-8 text: the file is damaged "
                "or mixes encodings; save it again as CSV from Excel or WPS",
            )
        f.seek(0)
        bad_gb = _first_decode_error(f, "gb18030")
        if bad_gb is None:
            return "gb18030"
    raise EvidenceFileError(
        "encoding",
        file,
        f"無法識別文件編碼（已嘗試 UTF-8、GB18030/GBK；"
        f"UTF-8 在第 {line} 行出錯，GB18030 在第 {bad_gb[1]} 行出錯）。"
        "請用 Excel / WPS 另存為「CSV UTF-8（逗號分隔）」",
        f"unknown text encoding (tried UTF-8 and GB18030/GBK; UTF-8 fails at line {line}, "
        f"GB18030 at line {bad_gb[1]}); save it as 'CSV UTF-8 (Comma delimited)' from Excel or WPS",
    )


# Non-ASCII characters decoded as UTF-8 before a bad byte that make the file damaged UTF-8
# rather than GBK (a GBK file breaks UTF-8 decoding at, or right after, its first Chinese text).
_DAMAGED_AFTER = 4


def _first_decode_error(f: IO[bytes], encoding: str) -> tuple[int, int, int] | None:
    """(byte offset, line, non-ASCII characters decoded before it) of the first error, or None.

    Non-ASCII characters are counted up to ``_DAMAGED_AFTER`` (and a chunk's worth beyond):
    only whether there are that many matters.
    """
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    lines = 1
    non_ascii = 0
    while True:
        chunk = f.read(_CHUNK)
        final = not chunk
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as err:
            good = chunk[: max(0, min(err.start, len(chunk)))]
            decoded = good.decode(encoding, errors="ignore")
            return offset + len(good), lines + good.count(b"\n"), non_ascii + _count_non_ascii(decoded)
        if non_ascii < _DAMAGED_AFTER:  # only whether there are that many matters
            non_ascii += _count_non_ascii(text)
        lines += chunk.count(b"\n")
        offset += len(chunk)
        if final:
            return None


def _count_non_ascii(text: str) -> int:
    return 0 if text.isascii() else len(text) - len(text.encode("ascii", "ignore"))


_TOO_LARGE = object()  # a record over the size cap: read through, never held


def _csv_records(stream: IO[str], delimiter: str, cap: int) -> Iterator[tuple[str | object, bool]]:
    """Split text into CSV records as the csv module would, holding at most ``cap`` characters.

    Yields ``(text, unclosed)``: the record's text without its line break (``_TOO_LARGE`` instead
    for a record over ``cap``), and ``unclosed`` for the last record when the file ends inside a
    quoted cell. As in the csv module, a quote opens a quoted cell only at the start of a cell
    (12"屏 is literal), ``""`` inside one is a quote, and a record ends at CR, LF or CRLF outside
    quotes. Only quotes and line breaks are visited one by one, so a long file splits fast.
    """
    parts: list[str] = []
    size = 0
    too_big = False
    quoted = False
    quote_pending = False  # saw " inside a quoted cell; the next character decides
    skip_lf = False  # the last chunk ended on CR: a LF opening the next one belongs to it
    prev = "\n"  # the character before the current chunk
    starts = (delimiter, "\r", "\n")  # a quote after one of these opens a quoted cell
    special = re.compile(r'["\r\n]')
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        i, n = 0, len(chunk)
        if skip_lf:
            skip_lf = False
            if chunk[0] == "\n":
                i = 1
        if not quoted and not quote_pending and '"' not in chunk and "\r" not in chunk:
            # No quote and no CR in the chunk (most files, most chunks): its records are its lines.
            lines = (chunk[i:] if i else chunk).split("\n")
            rest = lines.pop()  # after the last LF: the start of a record the next chunk ends
            for line in lines:
                if parts or too_big:
                    if not too_big:
                        parts.append(line)
                        size += len(line)
                    yield (_TOO_LARGE if too_big or size > cap else "".join(parts)), False
                    parts, size, too_big = [], 0, False
                else:
                    yield (line if len(line) <= cap else _TOO_LARGE), False
            if rest and not too_big:
                parts.append(rest)
                size += len(rest)
                if size > cap:
                    too_big, parts, size = True, [], 0
            prev = chunk[-1]
            continue
        start = i
        while i < n:
            if quote_pending:
                quote_pending = False
                if chunk[i] == '"':  # "" inside a quoted cell: a literal quote, still quoted
                    i += 1
                    continue
                quoted = False
            if quoted:
                j = chunk.find('"', i)
                if j < 0:
                    break
                i = j + 1
                quote_pending = True
                continue
            m = special.search(chunk, i)
            if m is None:
                break
            j = m.start()
            if chunk[j] == '"':
                quoted = (chunk[j - 1] if j > 0 else prev) in starts
                i = j + 1
                continue
            if not too_big:
                parts.append(chunk[start:j])
                size += j - start
            yield (_TOO_LARGE if too_big or size > cap else "".join(parts)), False
            parts, size, too_big = [], 0, False
            i = j + 1
            if chunk[j] == "\r":
                if i == n:
                    skip_lf = True
                elif chunk[i] == "\n":
                    i += 1
            start = i
        if start < n and not too_big:
            parts.append(chunk[start:])
            size += n - start
            if size > cap:
                too_big, parts, size = True, [], 0
        prev = chunk[-1]
    if parts or too_big or quoted:
        unclosed = quoted and not quote_pending
        yield (_TOO_LARGE if too_big else "".join(parts)), unclosed


class _Tally:
    """What a loader makes of the rows it reads, in file order: records, rejections, and blank rows.

    A blank row counts only once a data row follows it: blank lines at the end of a file are not
    rows (docs/checking.md, "Every row is accounted for").
    """

    __slots__ = ("_pending", "blank", "records", "rejected")

    def __init__(self) -> None:
        self.records: list[EvidenceRecord] = []
        self.rejected: list[Rejected] = []
        self.blank = 0
        self._pending = 0

    def skip_blank(self) -> None:
        self._pending += 1

    def data_row(self) -> None:
        """A row that is not blank comes: the blank rows before it count."""
        if self._pending:
            self.blank, self._pending = self.blank + self._pending, 0

    def add(self, outcome: EvidenceRecord | Rejected) -> None:
        self.data_row()
        if isinstance(outcome, EvidenceRecord):
            self.records.append(outcome)
        else:
            self.rejected.append(outcome)

    def result(
        self, file: str, header_row: int, encoding: str | None, ignored: tuple[str, ...] = ()
    ) -> LoadResult:
        records, rejected = tuple(self.records), tuple(self.rejected)
        rows = len(records) + len(rejected)
        return LoadResult(records, rejected, rows, file, header_row, self.blank, encoding, ignored)


@attrs.frozen
class CsvSource:
    """CSV or tab-separated text: UTF-8, UTF-8 with BOM, or GB18030/GBK as Chinese Excel and WPS save it."""

    max_field: int = MAX_FIELD
    name: str = "csv"
    suffixes: tuple[str, ...] = (".csv", ".tsv", ".txt")

    @property
    def row_cap(self) -> int:
        """Characters one row may hold before it is rejected unread (several large cells fit)."""
        return self.max_field * 8 + 1024

    def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult:
        check_timezone(tz)
        fast = self._load_columns(path, tz, as_of)
        if fast is not None:
            return fast
        # Most files are UTF-8: read as such at once, which decodes the whole file, the test
        # detect_encoding would make in a pass of its own. Any failure (a byte that is not UTF-8,
        # or an error that decoding in another encoding might avoid) reads it again as
        # detect_encoding decides, so the outcome is the same as deciding first.
        try:
            return self._load(path, tz, as_of, "utf-8-sig")
        except (UnicodeDecodeError, EvidenceFileError):
            pass
        return self._load(path, tz, as_of, detect_encoding(path))

    def _load(self, path: Path, tz: str, as_of: pendulum.DateTime | None, encoding: str) -> LoadResult:
        file = shown(path)
        allow_cells(self.row_cap + 1)
        with _open_binary(path) as raw:
            sniff = _text_stream(raw, encoding)
            delimiter = _sniff_delimiter(sniff)
            sniff.close()  # detaches: raw stays open
            raw.seek(0)
            records_iter = enumerate(_csv_records(_text_stream(raw, encoding), delimiter, self.row_cap), 1)
            header_row, header = _find_header(file, self._header_rows(file, records_iter, delimiter))
            builder = _RowBuilder(file, tz, _as_of(as_of, tz), self.max_field, header.id_column)
            tally = _Tally()
            # One csv.reader splits every record into cells: the splitter hands it one record's
            # text at a time (a record too large or never closed goes as "", and is rejected from
            # what ``current`` says), so that cells are split exactly as csv splits them.
            current: list[Any] = [0, "", False]

            def texts() -> Iterator[str]:
                for number, (text, unclosed) in records_iter:
                    current[0], current[1], current[2] = number, text, unclosed
                    yield text if isinstance(text, str) and not unclosed else ""

            with collector.paused():
                for cells in csv.reader(texts(), delimiter=delimiter, strict=False):
                    number, text, unclosed = current
                    outcome = self._row(builder, header, number, text, unclosed, cells)
                    if outcome is None:
                        tally.skip_blank()
                    else:
                        tally.add(outcome)
        return tally.result(file, header_row, encoding.removesuffix("-sig"), header.ignored)

    def _load_columns(self, path: Path, tz: str, as_of: pendulum.DateTime | None) -> LoadResult | None:
        """The file as an ``EvidenceTable`` (``Records``), when it is UTF-8, comma-separated and
        holds no quote and no CR (the fast path above); None when it is not, or cannot be read:
        the general loader then reads it, and reports what is wrong."""
        file = shown(path)
        read = self._read_lines(path)
        if read is None:
            return None
        allow_cells(self.row_cap + 1)  # the general code splits a line with csv
        data, lines = read
        try:
            first = lines[0].decode("utf-8-sig") if lines else ""
            if delimiter_of(first) != ",":
                return None  # tab- or semicolon-separated: the general loader reads those
            found = _find_header(file, self._header_lines(lines))
        except (UnicodeDecodeError, EvidenceFileError):
            return None
        header_row, header = found
        stamp = _as_of(as_of, tz)
        builder = _RowBuilder(file, tz, stamp, self.max_field, header.id_column)
        scan = _Scan(builder, header)
        try:
            # The scan makes no reference cycles (ints, strings, arrays); the collector, paused
            # here and in the forked child, would only walk the list of lines again and again.
            with collector.paused():
                parts = _scan_parts(scan, lines, header_row, self.max_field)
        except UnicodeDecodeError:
            return None
        # line j is data[ends[j] + j : ends[j + 1] + j] (ends: the lengths of the lines before)
        ends = array("q", itertools.accumulate(map(len, lines), initial=0))
        del lines
        columns = _Columns(builder._zone)
        made: dict[int, EvidenceRecord] = {}  # table row → record, for rows of the general path
        line_of = array("l")  # table row → line (0-based) of the rows of the fast path; -1 others
        tally = _Tally()  # its records stay empty: the columns and ``made`` hold them
        later = _RowBuilder(file, tz, stamp, self.max_field, header.id_column)  # builds records

        def line_text(j: int) -> str:
            return data[ends[j] + j : ends[j + 1] + j].decode()

        with collector.paused():
            for targets, keys, times, periods, where, general, period_values in parts:
                remap = [_place(t, columns.target_index, columns.targets) for t in targets]
                same_keys = remap == list(range(len(remap)))  # the first part: as it is
                premap = [_place(p, columns.period_index, columns.period_values) for p in period_values]
                same_periods = premap == list(range(len(premap)))
                fast = 0
                general.append(len(data) + 1)  # past every line: the rest is fast
                for j in general:
                    # the fast rows before line j
                    end = bisect.bisect_left(where, j, fast)
                    if end > fast:
                        tally.data_row()
                        if same_keys:
                            columns.keys.extend(keys[fast:end])
                        else:
                            columns.keys.extend(map(remap.__getitem__, keys[fast:end]))
                        columns.times.extend(times[fast:end])
                        if same_periods:
                            columns.periods.extend(periods[fast:end])
                        else:
                            columns.periods.extend(map(premap.__getitem__, periods[fast:end]))
                        line_of.extend(where[fast:end])
                        fast = end
                    if j > len(data):
                        break
                    text = line_text(j)
                    cells = _split(text, ",")
                    outcome = self._row(
                        builder,
                        header,
                        j + 1,
                        text if len(text) <= self.row_cap else _TOO_LARGE,
                        False,
                        cells,
                    )
                    if outcome is None:
                        tally.skip_blank()
                        continue
                    if isinstance(outcome, Rejected):
                        tally.add(outcome)
                        continue
                    tally.data_row()
                    made[len(columns.keys)] = outcome
                    columns.add(
                        (outcome.obligation, outcome.subject, outcome.agency),
                        wall_time(outcome.published_at, builder._zone),
                        outcome.period,
                    )
                    line_of.append(-1)

        def record(i: int) -> EvidenceRecord:
            j = line_of[i]
            if j < 0:
                return made[i]
            text = line_text(j)
            built = self._row(later, header, j + 1, text, False, text.split(","))
            assert isinstance(built, EvidenceRecord), built
            return built

        table = columns.table(record)
        if not len(table) and not tally.rejected:
            return None  # no data: the general loader says so
        return LoadResult(
            Records(table),
            tuple(tally.rejected),
            len(table) + len(tally.rejected),
            file,
            header_row,
            tally.blank,
            "utf-8",
            header.ignored,
        )

    def _read_lines(self, path: Path) -> tuple[bytes, list[bytes]] | None:
        """The file and its lines, read a block at a time; None as soon as a block holds a quote
        or a CR, or a line is longer than the row cap allows (in bytes): the general loader,
        which streams, reads those (so a huge row is never held whole, here neither)."""
        blocks: list[bytes] = []
        lines: list[bytes] = []
        rest = b""
        cap = self.row_cap
        with _open_binary(path) as raw:
            while True:
                block = raw.read(_BLOCK)
                if not block:
                    break
                if b'"' in block or b"\r" in block:
                    return None
                blocks.append(block)
                part = (rest + block).split(b"\n") if rest else block.split(b"\n")
                rest = part.pop()
                if len(rest) > cap or (part and max(map(len, part)) > cap):
                    return None
                lines += part
        if rest:
            lines.append(rest)  # the last line, without a line break
        return b"".join(blocks), lines

    def _header_lines(self, lines: list[bytes]) -> Iterator[tuple[int, Sequence[str]]]:
        for j, line in enumerate(lines):
            text = line.decode("utf-8-sig" if j == 0 else "utf-8")
            if len(text) > self.row_cap:
                raise EvidenceFileError("field_too_large", None, "", "")
            yield j + 1, _split(text, ",")

    @staticmethod
    def _header_rows(
        file: str, records: Iterator[tuple[int, tuple[str | object, bool]]], delimiter: str
    ) -> Iterator[tuple[int, Sequence[str]]]:
        for number, (text, _) in records:
            if not isinstance(text, str):
                raise EvidenceFileError(
                    "field_too_large", file, f"第 {number} 行過長，不能作表頭", f"row {number} is too large"
                )
            yield number, _split(text, delimiter)

    def _row(
        self,
        builder: _RowBuilder,
        header: _Header,
        number: int,
        text: str | object,
        unclosed: bool,
        cells: list[str],
    ) -> EvidenceRecord | Rejected | None:
        if not isinstance(text, str):
            return builder.reject(
                number,
                "field_too_large",
                f"本行內容過長（超過 {self.row_cap} 字），未讀入",
                f"the row is too large (over {self.row_cap} characters) and was not read",
            )
        if unclosed:
            return builder.reject(
                number,
                "bad_quote",
                "引號沒有閉合：從本行起到文件末尾都被讀成了一個單元格，請檢查本行的引號",
                "a quote opened in this row is never closed: the rest of the file was read as one cell",
            )
        if not "".join(cells).strip():  # blank: no cell holds anything but white space
            return None
        columns = header.columns
        if len(cells) > len(columns):  # cells beyond the header must be empty
            extra = [c for c in cells[len(columns) :] if c.strip()]
            if extra:
                return builder.reject(
                    number,
                    "extra_values",
                    f"本行比表頭多出 {len(cells) - len(columns)} 個值，多半是內容中有未加引號的逗號",
                    f"the row has {len(cells) - len(columns)} more value(s) than the header "
                    "(an unquoted comma in a cell?)",
                )
        values: dict[Any, Cell] = dict(zip(columns, cells, strict=False))
        if header.drops:
            values.pop(None, None)
        return builder.build(number, values, fits=len(text) <= self.max_field)


# ---- CSV in columns: the fast path -------------------------------------------------------------
#
# A file that is UTF-8 (with or without BOM), comma-separated, and holds no quote and no CR has
# one record per line and the cells of a record are ``line.split(",")``: exactly what the csv
# module would make of it. Its rows are read into an ``EvidenceTable`` without building a record:
# a row whose cells all take the common forms (see ``_Scan.row``) gives its columns directly, from
# caches filled by the general code itself (one entry per distinct id and agency, date, time of
# day, period); any other row goes through the general code (``CsvSource._row``), and so does
# building a row's record later, from its line. The fast path accepts only rows the general code
# accepts, with the same values (tests/test_evidence.py holds the two to agree).

_DAY_US = 86_400 * 1_000_000
_BAD = -1  # a cache's answer: this value takes the general path
_HOSTS_MAX = 4096  # distinct url hosts remembered by a scan
_CHUNK_LINES = 4096  # lines decoded at once by a scan


class _Scan:
    """The fast path's caches for one file (or one part of it): every value it holds was
    decided by the general code."""

    def __init__(self, builder: _RowBuilder, header: _Header) -> None:
        self.builder = builder
        columns = header.columns
        self.width = len(columns)
        where = {field: i for i, field in enumerate(columns) if field is not None}
        self.ident_fields = tuple(f for f in ("obligation", "subject", _AMBIGUOUS, "agency") if f in where)
        self.ident = operator.itemgetter(*(where[f] for f in self.ident_fields))
        self.stamp_at = where["published_at"]
        self.url_at = where.get("url")
        self.period_at = where.get("period")
        self.targets: list[Target] = []
        self.idents: dict[Any, int] = {}
        self.days: dict[str, int] = {}
        self.clock: dict[str, int] = {"": 0}
        self.limit = wall_time(builder._limit, builder._zone)
        self.limit_day = builder._limit_day.toordinal()
        self.period_values: list[Period | None] = [None]
        self.period_index: dict[Period | None, int] = {None: 0}
        self.periods_seen: dict[str, int] = {}
        self.hosts: dict[str, bool] = {}  # "https://host" → ``host``

    def target(self, raw: Any) -> int:
        """The target index of a row's identifying cells, or ``_BAD``."""
        if not isinstance(raw, tuple):
            raw = (raw,)
        text = {field: value.strip() for field, value in zip(self.ident_fields, raw, strict=True)}
        obligation, subject, agency = self.builder.identity(text)
        if not agency or not (obligation or subject):
            key = _BAD
        else:
            key = len(self.targets)
            self.targets.append((obligation or None, subject or None, agency))
        self.idents[raw if len(raw) > 1 else raw[0]] = key
        return key

    def day(self, text: str) -> int:
        """Midnight of a ``YYYY-MM-DD`` date as a wall time, when ``_parse_timestamp`` takes its
        fast branch for it (no clock change that day, 1990 or later), else ``_BAD``."""
        wall = _BAD
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            with contextlib.suppress(ValueError):
                stamp, date_only = _parse_timestamp(text, self.builder._zone, self.builder._days)
                fold = self.builder._days.get(stamp.toordinal())
                if date_only and fold is not None and fold >= 0 and stamp.tzinfo is self.builder._zone:
                    wall = wall_time(stamp, self.builder._zone)
        self.days[text] = wall
        return wall

    def time_of_day(self, text: str) -> int:
        """`` HH:MM`` / ``THH:MM:SS`` after a date: microseconds into the day, or ``_BAD``."""
        offset = _BAD
        n = len(text)
        if (n == 6 or n == 9) and text[0] in " T" and text[3] == ":" and (n == 6 or text[6] == ":"):
            with contextlib.suppress(ValueError):
                if text.isascii():
                    wall = dt.datetime.fromisoformat("2000-01-03" + text)
                    if wall.tzinfo is None:
                        offset = wall_time(wall.replace(tzinfo=self.builder._zone), self.builder._zone)
                        offset -= dt.date(2000, 1, 3).toordinal() * _DAY_US
        self.clock[text] = offset
        return offset

    def host(self, text: str) -> bool:
        """Whether ``text`` followed by "/" is a url (remembered in ``hosts``, while it is small)."""
        found = _URL_RE.fullmatch(text + "/") is not None
        if len(self.hosts) < _HOSTS_MAX:
            self.hosts[text] = found
        return found

    def period(self, text: str) -> int:
        index = 0
        if text.strip():
            found = self.builder.period(0, text, None)
            if isinstance(found, Rejected):
                index = _BAD
            else:
                index = _place(found, self.period_index, self.period_values)
        self.periods_seen[text] = index
        return index

    def rows(
        self, lines: Sequence[bytes], first: int, last: int, max_field: int
    ) -> tuple[array[int], array[int], array[int], array[int], list[int]]:
        """Lines ``first``..``last``-1: the columns of those the fast path takes (keys, times,
        periods, line numbers) and the line numbers of the others, in order."""
        keys, times, periods, where = array("l"), array("q"), array("l"), array("l")
        general: list[int] = []
        idents, days, clock, seen = self.idents, self.days, self.clock, self.periods_seen
        ident, width, stamp_at, url_at, period_at = (
            self.ident,
            self.width,
            self.stamp_at,
            self.url_at,
            self.period_at,
        )
        limit, limit_day, url_ok = self.limit, self.limit_day, _URL_RE.fullmatch
        add_key, add_time, add_period, add_line, other = (
            keys.append,
            times.append,
            periods.append,
            where.append,
            general.append,
        )
        hosts = self.hosts
        # One decoding per chunk of lines (as strict as one a line: "\n" ends no UTF-8 sequence;
        # chunks keep the text held at once small). UnicodeDecodeError: the caller reads the
        # file another way.
        for lo in range(first, last, _CHUNK_LINES):
            hi = min(lo + _CHUNK_LINES, last)
            for j, line in enumerate(b"\n".join(lines[lo:hi]).decode().split("\n"), lo):
                cells = line.split(",")
                if len(cells) != width or len(line) > max_field:
                    other(j)
                    continue
                raw = ident(cells)
                key = idents.get(raw)
                if key is None:
                    key = self.target(raw)
                stamp = cells[stamp_at]
                n = len(stamp)
                day = days.get(stamp[:10])
                if day is None:
                    day = self.day(stamp[:10])
                moment = clock.get(stamp[10:])
                if moment is None:
                    moment = self.time_of_day(stamp[10:])
                if key < 0 or day < 0 or moment < 0 or not (n == 16 or n == 10 or n == 19):
                    other(j)
                    continue
                if n == 10:
                    if day // _DAY_US > limit_day:
                        other(j)  # in the future: rejected there
                        continue
                elif day + moment > limit:
                    other(j)
                    continue
                p = 0
                if period_at is not None:
                    text = cells[period_at]
                    p = seen.get(text, -2)
                    if p == -2:
                        p = self.period(text)
                    if p < 0:
                        other(j)
                        continue
                if url_at is not None:
                    url = cells[url_at]
                    # A url of printable ASCII without a space holds no white space; after a host
                    # (up to its first "/") the regex takes as a url followed by "/", any such text
                    # is a url too. Any other goes to the regex itself.
                    i = url.find("/", 8)
                    if not (
                        i > 0
                        and (hosts.get(url[:i]) or self.host(url[:i]))
                        and url.isascii()
                        and url.isprintable()
                        and " " not in url
                    ):
                        url = url.strip()
                        if url and url_ok(url) is None:
                            other(j)
                            continue
                add_key(key)
                add_time(day + moment)
                add_period(p)
                add_line(j)
        return keys, times, periods, where, general


# What the fast path makes of some lines: targets, keys, times, periods, line numbers of its rows;
# the line numbers of the others; period values.
_Part = tuple[
    list[Target], "array[int]", "array[int]", "array[int]", "array[int]", list[int], list[Period | None]
]


def _scan_parts(
    scan: _Scan, lines: list[bytes], header_row: int, max_field: int
) -> list[
    tuple[list[Target], array[int], array[int], array[int], array[int], list[int], list[Period | None]]
]:
    """The fast path over the data lines (from ``header_row``, 0-based), in parts, in order.

    A large file is read in two halves at once: the second in a forked child process (which has
    the lines already, and sends back only its columns), the first here. What is measured is the
    wall time, and a machine with two cores reads the file in little more than half of it. The
    halves are merged in order, so the outcome is the one reading alone gives.
    """
    last = len(lines)
    middle = (header_row + last) // 2
    if last - header_row < _PARALLEL_ROWS or not _can_fork():
        middle = last
    child = _fork_scan(scan, lines, middle, last, max_field) if middle < last else None
    keys, times, periods, where, general = scan.rows(lines, header_row, middle, max_field)
    parts: list[_Part] = [(scan.targets, keys, times, periods, where, general, scan.period_values)]
    if child is not None:
        parts.append(child())
    return parts


def _can_fork() -> bool:
    """Whether a second core can read half of a file: only in a process with one thread, since a
    child forked beside other threads may wait forever on a lock one of them held (a web server
    importing the library reads on one core)."""
    import sys

    threading = sys.modules.get("threading")
    single = threading is None or threading.active_count() == 1
    return single and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


_BLOCK = 1 << 18  # bytes read at a time by the fast path
_PARALLEL_ROWS = 50_000  # fewer lines are read in one process (a fork costs a few milliseconds)


def _fork_scan(scan: _Scan, lines: list[bytes], first: int, last: int, max_field: int) -> Callable[[], _Part]:
    """Start ``scan.rows`` of lines ``first``..``last``-1 in a child process; a function that waits
    for its part (raising UnicodeDecodeError as the scan would)."""
    import pickle

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: scan, send, leave without running the parent's exit handlers
        status = 0
        try:
            os.close(read_end)
            try:
                keys, times, periods, where, general = scan.rows(lines, first, last, max_field)
                part: Any = (scan.targets, keys, times, periods, where, general, scan.period_values)
            except UnicodeDecodeError:
                part = None
            with os.fdopen(write_end, "wb") as out:
                pickle.dump(part, out, protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)

    def wait() -> _Part:
        with os.fdopen(read_end, "rb") as got:
            data = got.read()
        _, status = os.waitpid(pid, 0)
        if status != 0 or not data:  # the child failed: read its half here
            keys, times, periods, where, general = scan.rows(lines, first, last, max_field)
            return (scan.targets, keys, times, periods, where, general, scan.period_values)
        part: _Part | None = pickle.loads(data)
        if part is None:
            raise UnicodeDecodeError("utf-8", b"", 0, 1, "invalid UTF-8 in the second half")
        return part

    return wait


def _text_stream(raw: IO[bytes], encoding: str) -> IO[str]:
    import io

    class _Unclosing(io.TextIOWrapper):
        def close(self) -> None:  # leave the binary file to its own ``with``
            self.detach()

    return _Unclosing(raw, encoding=encoding, errors="strict", newline="")


def _sniff_delimiter(stream: IO[str]) -> str:
    return delimiter_of(stream.read(_CHUNK).lstrip("\ufeff").split("\n", 1)[0])


def _split(text: str, delimiter: str) -> list[str]:
    for cells in csv.reader([text], delimiter=delimiter, strict=False):
        return cells
    return []


@attrs.frozen
class JsonlSource:
    """JSON Lines: one object a line, keys as the CSV headers; line numbers are row numbers."""

    max_field: int = MAX_FIELD
    name: str = "jsonl"
    suffixes: tuple[str, ...] = (".jsonl", ".ndjson")

    def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult:
        check_timezone(tz)
        file = shown(path)
        builder = _RowBuilder(file, tz, _as_of(as_of, tz), self.max_field, id_column=False)
        tally = _Tally()
        cap = self.max_field * 8 + 1024
        with _open_binary(path) as f, collector.paused():
            for number, line in enumerate(_capped_lines(f, cap), start=1):
                if line is not None and not line.strip():
                    tally.skip_blank()
                else:
                    tally.add(self._line(builder, number, line))
        if not (tally.records or tally.rejected):
            raise EvidenceFileError("empty", file, "文件是空的（沒有數據）", "the file is empty")
        return tally.result(file, 0, "utf-8")

    def _line(self, builder: _RowBuilder, number: int, line: bytes | None) -> EvidenceRecord | Rejected:
        if line is None:
            return builder.reject(
                number,
                "field_too_large",
                f"本行內容過長（超過 {self.max_field * 8} 字節），未讀入",
                f"the line is too large (over {self.max_field * 8} bytes) and was not read",
            )
        try:
            obj = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            reason = "不是 UTF-8" if isinstance(err, UnicodeDecodeError) else "不是有效的 JSON"
            return builder.reject(
                number, "bad_json", f"{reason}：{_short(err, 80)}", f"not valid JSON: {_short(err, 80)}"
            )
        if not isinstance(obj, dict):
            return builder.reject(
                number,
                "bad_json",
                f"應是 JSON 對象 {{…}}，而不是 {type(obj).__name__}",
                f"expected a JSON object {{…}}, not {type(obj).__name__}",
            )
        values: dict[str, Cell] = {}
        for key, value in obj.items():
            field = header_field(str(key))
            if field is None:
                continue
            if isinstance(value, dict | list):
                zh, en = FIELD_NAMES.get(field, ("事項", "subject"))
                return builder.reject(
                    number, "bad_value", f"「{zh}」應是文字", f"{en} must be text, not a list or object"
                )
            if field in values and values[field] not in (None, "") and value not in (None, ""):
                zh, en = FIELD_NAMES.get(field, ("事項", "subject"))
                return builder.reject(
                    number, "bad_value", f"「{zh}」出現了兩次", f"{en} is given twice (under two names)"
                )
            if value not in (None, "") or field not in values:
                values[field] = value
        if "obligation" in values and _AMBIGUOUS in values:
            values.setdefault("subject", values.pop(_AMBIGUOUS))
        return builder.build(number, values, fits=len(line) <= self.max_field)  # decoded is no longer


def _capped_lines(f: IO[bytes], cap: int) -> Iterator[bytes | None]:
    """Lines of a binary file; None for a line over ``cap`` bytes (read through, never held)."""
    while True:
        line = f.readline(cap + 1)
        if not line:
            return
        if len(line) > cap and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = f.readline(_CHUNK)
            yield None
            continue
        yield line


@attrs.frozen
class XlsxSource:
    """Excel workbooks (.xlsx, .xlsm), read-only and streamed: the first sheet with a proper header."""

    max_field: int = MAX_FIELD
    name: str = "xlsx"
    suffixes: tuple[str, ...] = (".xlsx", ".xlsm")

    def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult:
        check_timezone(tz)
        file = shown(path)
        _open_binary(path).close()  # not found / a directory: the same messages as the other sources
        workbook = _open_workbook(path)
        try:
            first_error: EvidenceFileError | None = None
            for sheet in workbook.worksheets:
                try:
                    return self._sheet(file, sheet, tz, as_of)
                except EvidenceFileError as err:
                    if err.code not in ("missing_column", "empty"):
                        raise
                    first_error = first_error or err
            raise first_error or EvidenceFileError(
                "empty", file, "工作簿沒有工作表", "the workbook has no sheet"
            )
        finally:
            workbook.close()

    def _sheet(self, file: str, sheet: Any, tz: str, as_of: pendulum.DateTime | None) -> LoadResult:
        rows = enumerate(sheet.iter_rows(), start=1)
        label = f"{file}[{sheet.title}]"

        def header_rows() -> Iterator[tuple[int, Sequence[str]]]:
            for number, cells in rows:
                yield number, [_cell_text(c.value) for c in cells]

        header_row, header = _find_header(label, header_rows())
        builder = _RowBuilder(file, tz, _as_of(as_of, tz), self.max_field, header.id_column)
        with collector.paused():
            tally = self._rows(rows, header, builder)
        return tally.result(file, header_row, None, header.ignored)

    @staticmethod
    def _rows(
        rows: Iterator[tuple[int, Any]],
        header: _Header,
        builder: _RowBuilder,
    ) -> _Tally:
        """Build the sheet's data rows."""
        tally = _Tally()
        for number, cells in rows:
            values: dict[str, Cell] = {}
            formats: dict[str, str] = {}
            for field, cell in zip(header.columns, cells, strict=False):
                value = cell.value
                if field is None or value is None or (isinstance(value, str) and not value.strip()):
                    continue
                values[field] = value
                if getattr(cell, "number_format", None):
                    formats[field] = str(cell.number_format)
            if not values and not any(_cell_text(c.value).strip() for c in cells):
                tally.skip_blank()
            else:
                tally.add(builder.build(number, values, formats))
        return tally


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _open_workbook(path: Path) -> Any:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    file = shown(path)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as err:
        raise EvidenceFileError(
            "bad_workbook",
            file,
            f"不是有效的 .xlsx 工作簿（{type(err).__name__}）。"
            "加密或 .xls 舊格式的文件請在 Excel / WPS 中另存為 .xlsx",
            f"not a readable .xlsx workbook ({type(err).__name__}); save encrypted or old .xls files "
            "as .xlsx from Excel or WPS",
        ) from err


CSV_SOURCE = CsvSource()
JSONL_SOURCE = JsonlSource()
XLSX_SOURCE = XlsxSource()
BUILTIN_SOURCES: tuple[EvidenceSource, ...] = (CSV_SOURCE, JSONL_SOURCE, XLSX_SOURCE)


def available_sources() -> list[EvidenceSource]:
    """Plugins first (so one may take over a suffix), then the built-ins.

    The built-ins are registered in ``obligations.sources`` like any plugin; from a source tree
    without installed metadata they apply all the same.
    """
    from obligations.plugins import load_group

    plugins: tuple[Plugin, ...] = load_group(SOURCES_GROUP)
    builtin_ids = {id(s) for s in BUILTIN_SOURCES}
    third = [
        p.obj
        for p in plugins
        if p.error is None and id(p.obj) not in builtin_ids and isinstance(p.obj, EvidenceSource)
    ]
    return [*third, *BUILTIN_SOURCES]


def source_for(path: Path, sources: Sequence[EvidenceSource] | None = None) -> EvidenceSource:
    suffix = path.suffix.lower()
    candidates = available_sources() if sources is None else list(sources)
    for source in candidates:
        if suffix in tuple(s.lower() for s in source.suffixes):
            return source
    known = sorted({s for source in candidates for s in source.suffixes})
    hint_zh = "；.xls 舊格式請另存為 .xlsx" if suffix == ".xls" else ""
    hint_en = "; save old .xls files as .xlsx" if suffix == ".xls" else ""
    if sources is None:
        # A source that failed to import cannot say which suffixes it reads: name it, since the
        # file may well be its (docs/plugins.md).
        from obligations.plugins import load_group

        failed = [f"{p.name} ({p.distribution})" for p in load_group(SOURCES_GROUP) if p.error is not None]
        if failed:
            hint_zh += f"；加載失敗的來源插件：{'、'.join(failed)}，詳見 obligations plugins"
            hint_en += f"; source plugins that failed to load: {', '.join(failed)} (see obligations plugins)"
    raise EvidenceFileError(
        "unsupported",
        shown(path),
        f"不支持的文件類型「{suffix or '（無後綴）'}」；支持：{'、'.join(known)}{hint_zh}",
        f"unsupported file type {suffix or '(no suffix)'!r}; supported: {', '.join(known)}{hint_en}",
    )


def load_evidence(
    path: str | Path,
    tz: str = DEFAULT_TIMEZONE,
    as_of: dt.datetime | None = None,
    *,
    sources: Sequence[EvidenceSource] | None = None,
) -> LoadResult:
    """Read an evidence file with the source its suffix names (``obligations.sources`` plugins).

    ``tz`` applies to times written without a zone; ``as_of`` (default: now) is the instant after
    which a publication time is ``future_date`` (a naive ``as_of`` is a wall time in ``tz``).
    Raises ``InputError`` for an unreadable file.
    """
    p = Path(path)
    if p.is_dir():  # before the suffix: a folder has none, and "no reader for it" would mislead
        raise _not_a_file(p)
    source = source_for(p, sources)
    stamp = _as_of(as_of, tz)
    try:
        return source.load(p, tz, stamp)
    except InputError:
        raise
    except Exception as err:  # a plugin (or a library under it) failing must not end in a traceback
        raise EvidenceFileError(
            "source_failed",
            shown(p),
            f"讀取器「{source.name}」出錯：{type(err).__name__}: {_short(err, 200)}",
            f"source {source.name!r} failed: {type(err).__name__}: {_short(err, 200)}",
        ) from err
