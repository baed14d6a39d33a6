"""Events files: what happened and when, as exported from a spreadsheet or a case system.

``load_events(path, tz)`` reads CSV (UTF-8, UTF-8 with a byte-order mark, or GB18030 as Chinese
Excel and WPS save it) or JSON Lines (``.jsonl`` / ``.ndjson``). Columns: ``event``,
``occurred_at`` and optionally ``id``, or 事件 / 發生時間 / 編號 in either script. Every row is
either a record or a rejected row with its number and the reason: a bad row is never dropped and
never a traceback. Only a file that cannot be read at all raises :class:`InputError`.
The formats are in docs/calendar.md ("Events files").
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import attrs
import pendulum

from obligations import script
from obligations.errors import FIRST_YEAR, LAST_YEAR, InputError
from obligations.occurrences import EventRecord
from obligations.paths import shown
from obligations.walltime import wall_instant

__all__ = [
    "COLUMNS",
    "EventsFile",
    "RejectedRow",
    "RowError",
    "load_events",
    "parse_timestamp",
    "pendulum_zone",
]

# Accepted names of each column; compared script-insensitively, ignoring case and spaces.
COLUMNS: dict[str, tuple[str, ...]] = {
    "event": ("event", "事件"),
    "occurred_at": ("occurred_at", "發生時間"),
    "id": ("id", "編號"),
}
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


@attrs.frozen
class RejectedRow:
    """A row that is not a record: its number in the file (the header is row 1) and why."""

    row: int
    code: str  # what is wrong, for programs: see _REASONS
    reason: str  # the same in English, with the details
    reason_zh: str = ""
    text: str = ""  # the row as written, for the message

    def message(self, lang: str = "en") -> str:
        """The reason in ``lang`` (``zh`` or ``en``), e.g. ``no event name``."""
        return self.reason_zh if lang == "zh" and self.reason_zh else self.reason

    def describe(self, lang: str = "en") -> str:
        row = f"第{self.row}行" if lang == "zh" else f"row {self.row}"
        return f"{row}: {self.message(lang)}" + (f": {self.text}" if self.text else "")


class RowError(ValueError):
    """Why a row or a time cannot be read: a code and the reason in English and Chinese."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.code = code
        self.en = en
        self.zh = zh


@attrs.frozen
class EventsFile:
    path: str
    records: tuple[EventRecord, ...]
    rejected: tuple[RejectedRow, ...]

    @property
    def rows_read(self) -> int:
        """Every row that held anything: accepted + rejected (blank rows are not rows)."""
        return len(self.records) + len(self.rejected)


def load_events(path: str | Path, tz: str | dt.tzinfo) -> EventsFile:
    """Read an events file; times without a zone are in ``tz`` (the spec's time zone)."""
    path = Path(path)
    zone = pendulum_zone(tz)
    text = _decode(path)
    rows = _json_rows(text) if path.suffix.lower() in JSON_LINES_SUFFIXES else _csv_rows(text, path)
    records: list[EventRecord] = []
    rejected: list[RejectedRow] = []
    for number, fields, raw in rows:
        try:
            if isinstance(fields, RowError):
                raise fields
            records.append(_record(fields, number, zone))
        except RowError as bad:
            rejected.append(RejectedRow(number, bad.code, bad.en, bad.zh, raw))
    return EventsFile(shown(path), tuple(records), tuple(rejected))


def pendulum_zone(tz: str | dt.tzinfo) -> pendulum.Timezone | pendulum.FixedTimezone:
    """An IANA name, a zoneinfo zone or a fixed offset as a pendulum zone."""
    if isinstance(tz, pendulum.Timezone | pendulum.FixedTimezone):
        return tz
    if isinstance(tz, str):
        try:
            return pendulum.timezone(tz)
        except Exception:  # pendulum's InvalidTimezone, or a name the system cannot read
            raise InputError(
                f"unknown time zone {tz!r}; use an IANA name such as Asia/Shanghai",
                f"無法識別的時區「{tz}」；請使用 IANA 名稱，例如 Asia/Shanghai",
            ) from None
    if isinstance(tz, ZoneInfo):
        return pendulum.timezone(tz.key)
    offset = tz.utcoffset(None)
    if offset is None:
        raise TypeError(f"{tz!r} is neither an IANA zone nor a fixed offset")
    return pendulum.FixedTimezone(int(offset.total_seconds()))


# ---- reading the bytes ---------------------------------------------------------------------------


def _decode(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputError(f"{path}: cannot read: {reason}", f"{path}：無法讀取：{reason}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(
            f"{path}: UTF-16 text; save it as CSV UTF-8 (Excel) or 編碼 UTF-8 (WPS)",
            f"{path}：這是 UTF-16 文本；請另存為 CSV UTF-8（Excel）或 編碼 UTF-8（WPS）",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel and WPS save "CSV" in the system code page: GBK, a subset of GB18030.
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: neither UTF-8 nor GB18030 text (byte {exc.start}); save it as CSV UTF-8",
            f"{path}：既不是 UTF-8 也不是 GB18030 文本（第 {exc.start} 字節）；請另存為 CSV UTF-8",
        ) from None


# ---- rows: (number, fields or the reason there are none, the text as written) --------------------

_Row = tuple[int, Mapping[str, object] | RowError, str]
_Zone = pendulum.Timezone | pendulum.FixedTimezone


@cache
def _column_of(name: str) -> str | None:
    key = script.key(name)
    for column, names in COLUMNS.items():
        if key in (script.key(n) for n in names):
            return column
    return None


def _csv_rows(text: str, path: Path) -> Iterator[_Row]:
    import csv
    import io

    from obligations.csvtext import allow_cells, delimiter_of

    allow_cells(len(text) + 1)  # the file is held whole already: any cell of it may be read
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = delimiter_of(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str | None] | None = None
    for number, cells in enumerate(reader, start=1):
        if not any(cell.strip() for cell in cells):
            continue  # blank rows are not rows
        if header is None:
            header = _header(cells, path, number)
            continue
        yield number, _csv_fields(header, cells), delimiter.join(cells)
    if header is None:
        raise InputError(
            f"{path}: no header row; the first row must name the columns event,occurred_at[,id]",
            f"{path}：沒有表頭；第一行應寫列名 事件,發生時間[,編號]",
        )


def _header(cells: Sequence[str], path: Path, number: int) -> list[str | None]:
    columns = [_column_of(cell) if cell.strip() else None for cell in cells]
    for column in set(columns) - {None}:
        if columns.count(column) > 1:
            raise InputError(
                f"{path}:{number}: the column {column} is given twice",
                f"{path}:{number}：列 {column} 出現了兩次",
            )
    missing = [c for c in ("event", "occurred_at") if c not in columns]
    if missing:
        accepted = "; ".join(f"{c}: {' or '.join(COLUMNS[c])}" for c in missing)
        raise InputError(
            f"{path}:{number}: the header has no column {', '.join(missing)} ({accepted})",
            f"{path}:{number}：表頭缺少列 {'、'.join(COLUMNS[c][1] for c in missing)}"
            f"（可寫 {'；'.join(' 或 '.join(COLUMNS[c]) for c in missing)}）",
        )
    return columns


def _csv_fields(header: list[str | None], cells: list[str]) -> Mapping[str, object] | RowError:
    extra = [cell for cell in cells[len(header) :] if cell.strip()]
    if extra:
        # an unquoted comma inside a name: refusing beats reading the wrong time
        return RowError(
            "extra-cells",
            f"{len(cells)} cells but the header has {len(header)} (quote a name that holds a comma)",
            f"有 {len(cells)} 格，但表頭只有 {len(header)} 列（名稱含逗號時請加引號）",
        )
    return {column: cell for column, cell in zip(header, cells, strict=False) if column is not None}


def _json_rows(text: str) -> Iterator[_Row]:
    # Lines end at "\n" only: str.splitlines() would also break at U+2028 and U+0085, which JSON
    # holds unescaped inside strings, and split one row in two.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, RowError("not-json", f"not JSON ({exc.msg})", f"不是 JSON（{exc.msg}）"), line
            continue
        except RecursionError:  # nested deeper than the decoder goes: not an events row either
            yield number, RowError("not-json", "not JSON (nested too deep)", "不是 JSON（嵌套過深）"), line
            continue
        if not isinstance(value, dict):
            yield number, RowError("not-object", "not a JSON object", "不是 JSON 對象"), line
            continue
        fields: dict[str, object] = {}
        for key, item in value.items():
            column = _column_of(key)
            if column is not None:
                fields[column] = item
        yield number, fields, line


# ---- one record --------------------------------------------------------------------------------------


def _record(fields: Mapping[str, object], number: int, tz: _Zone) -> EventRecord:
    """The record of one row; RowError says why there is none."""
    event = fields.get("event")
    when = fields.get("occurred_at")
    ident = fields.get("id")
    if not isinstance(event, str) or not event.strip():
        raise RowError("no-event", "no event name", "沒有事件名稱")
    if not isinstance(when, str) or not when.strip():
        raise RowError("no-time", "no time (occurred_at / 發生時間)", "沒有發生時間")
    if isinstance(ident, bool) or (ident is not None and not isinstance(ident, str | int)):
        raise RowError("bad-id", "the id must be text or a whole number", "編號必須是文字或整數")
    occurred = parse_timestamp(when, tz)
    text_id = str(ident).strip() if ident is not None else ""
    return EventRecord(event.strip(), occurred, text_id or None, number)


_DATE = (
    r"(?P<year>\d{4})(?:"
    r"-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})"
    r"|/(?P<m2>\d{1,2})/(?P<d2>\d{1,2})"
    r"|年(?P<m3>\d{1,2})月(?P<d3>\d{1,2})[日號号]?)"
)
_CLOCK = (
    r"(?:[T\s]*(?:(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"|(?P<h2>\d{1,2})[時时點点](?:(?P<min2>\d{1,2})分(?:(?P<s2>\d{1,2})秒)?)?))"
)
_ZONE = r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)"
_TIMESTAMP = re.compile(rf"{_DATE}(?:{_CLOCK}\s*{_ZONE}?)?", re.IGNORECASE)
_FORMS = "2026-10-09 14:30, 2026-10-09T14:30+08:00, 2026/10/9, 2026年10月9日"


def parse_timestamp(text: str, tz: str | dt.tzinfo) -> pendulum.DateTime:
    """A time as written in an events file, in ``tz`` (the spec's zone).

    A time without a zone is a time in ``tz``; a date alone is its 00:00. Raises RowError (a
    ValueError) with the reason in English and Chinese.
    """
    zone = pendulum_zone(tz)
    cleaned = unicodedata.normalize("NFKC", text).strip()  # full-width digits and colons
    match = _TIMESTAMP.fullmatch(cleaned)
    if match is None:
        written = text.strip()
        raise RowError(
            "bad-time",
            f"time {written!r} not understood; write e.g. {_FORMS}",
            f"無法識別時間「{written}」；請寫成 {_FORMS} 等格式",
        )
    g = match.groupdict()
    month = int(g["m1"] or g["m2"] or g["m3"])
    day = int(g["d1"] or g["d2"] or g["d3"])
    hour = int(g["hour"] or g["h2"] or 0)
    minute = int(g["minute"] or g["min2"] or 0)
    second = int(g["second"] or g["s2"] or 0)
    micro = int((g["fraction"] or "0")[:6].ljust(6, "0"))
    year = int(g["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:  # the calendar counts limits of up to ten years after it
        written = text.strip()
        raise RowError(
            "no-such-time",
            f"year {year} in {written!r} is outside {FIRST_YEAR}-{LAST_YEAR}",
            f"「{written}」的年份 {year} 不在 {FIRST_YEAR}–{LAST_YEAR} 之內",
        )
    try:
        naive = dt.datetime(year, month, day, hour, minute, second, micro)
    except ValueError as exc:
        written = text.strip()
        raise RowError(
            "no-such-time", f"no such time {written!r} ({exc})", f"不存在的時間「{written}」"
        ) from None
    if g["zone"] is None:
        return wall_instant(naive, zone)
    offset = _offset(g["zone"])
    if offset is None:
        written = text.strip()
        raise RowError(
            "no-such-time",
            f"no such UTC offset in {written!r} (from -12:00 to +14:00, minutes under 60)",
            f"「{written}」的時區偏移不存在（應在 -12:00 至 +14:00 之間，分鐘小於 60）",
        )
    return pendulum.instance(naive.replace(tzinfo=dt.timezone(offset))).in_timezone(zone)


def _offset(zone: str) -> dt.timedelta | None:
    """The offset ``Z``, ``+08:00``, ``-0530`` or ``+08`` says; None for one no zone has (over
    +14:00 or under -12:00, or 60 minutes or more), as evidence files read them."""
    if zone.upper() == "Z":
        return dt.timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    offset = sign * dt.timedelta(hours=hours, minutes=minutes)
    if minutes >= 60 or not -dt.timedelta(hours=12) <= offset <= dt.timedelta(hours=14):
        return None
    return offset
