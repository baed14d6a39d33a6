"""The evidence ledger (證據台賬): an SQLite file holding every publication recorded so far.

One file, ``./obligations-ledger.sqlite`` in the directory the command runs in, or the path in
``$OBLIGATIONS_LEDGER``, or ``--db``. Safe for several processes at once: WAL journal, every
write in a ``BEGIN IMMEDIATE`` transaction, and a busy timeout so that a writer waits for
another instead of failing. A file's accepted rows go in one transaction: all or none.

A row identical to one already stored (same obligation, subject, agency, instant and url,
compared script-insensitively) is not stored twice: it is reported as a duplicate of the
existing entry, so importing a file again (or an updated copy of it) never double-counts.
``docs/evidence.md`` describes the schema.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import pendulum

from obligations import script
from obligations.evidence import (
    DEFAULT_TIMEZONE,
    FIELD_NAMES,
    EvidenceFileError,
    EvidenceRecord,
    EvidenceSource,
    LoadResult,
    RecordSource,
    _clean_id,
    load_evidence,
    parse_period,
)

SCHEMA_VERSION = 1
LEDGER_ENV = "OBLIGATIONS_LEDGER"
DEFAULT_LEDGER_NAME = "obligations-ledger.sqlite"
BUSY_TIMEOUT_S = 30.0
EXPORT_COLUMNS = ("obligation", "subject", "agency", "published_at", "url", "title", "channel", "period")
ExportFormat = Literal["csv", "jsonl", "xlsx"]

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    imported INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    obligation TEXT,
    subject TEXT,
    agency TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_utc TEXT NOT NULL,
    published_date TEXT NOT NULL,
    tz TEXT,
    date_only INTEGER NOT NULL DEFAULT 0,
    url TEXT,
    title TEXT,
    channel TEXT,
    period TEXT,
    source_file TEXT,
    source_row INTEGER,
    import_id INTEGER REFERENCES imports(id),
    added_at TEXT NOT NULL,
    agency_key TEXT NOT NULL,
    subject_key TEXT,
    dedup_key TEXT NOT NULL UNIQUE
);
CREATE INDEX evidence_agency ON evidence(agency_key, published_utc);
CREATE INDEX evidence_obligation ON evidence(obligation, published_utc);
CREATE INDEX evidence_subject ON evidence(subject_key, published_utc);
CREATE INDEX evidence_published ON evidence(published_utc);
"""

_COLUMNS = (
    "id, obligation, subject, agency, published_at, tz, date_only, url, title, channel, period, "
    "source_file, source_row, import_id, added_at"
)


def default_ledger_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$OBLIGATIONS_LEDGER`` when set, else ``obligations-ledger.sqlite`` in the current directory."""
    env = os.environ if environ is None else environ
    value = env.get(LEDGER_ENV, "").strip()
    return Path(value) if value else Path(DEFAULT_LEDGER_NAME)


@attrs.frozen
class LedgerEntry:
    """A stored record with its ledger id, when it was added and by which import (None for ``add``)."""

    id: int
    record: EvidenceRecord
    added_at: pendulum.DateTime
    import_id: int | None = None


@attrs.frozen
class AddResult:
    id: int  # the new entry, or the existing one this record duplicates
    duplicate: bool


@attrs.frozen
class Duplicate:
    row: int  # the row of the imported file
    existing_id: int  # the ledger entry it repeats


@attrs.frozen
class ImportResult:
    """One file imported: every row read is imported, a duplicate, or rejected (never stored)."""

    file: str
    load: LoadResult
    imported_ids: tuple[int, ...]
    duplicates: tuple[Duplicate, ...]
    import_id: int

    @property
    def rows_read(self) -> int:
        return self.load.rows_read

    @property
    def imported(self) -> int:
        return len(self.imported_ids)

    @property
    def rejected(self) -> int:
        return len(self.load.rejected)


@attrs.frozen
class LedgerFilter:
    """What ``list`` and ``export`` select. Dates are inclusive, on the publication's local date."""

    agency: str | None = None  # compared script-insensitively (市場監管局 = 市场监管局)
    obligation: str | None = None
    subject: str | None = None  # compared script-insensitively
    start: dt.date | None = None
    end: dt.date | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if self.agency:
            clauses.append("agency_key = ?")
            args.append(script.key(self.agency))
        if self.obligation:
            clauses.append("obligation = ?")
            args.append(_clean_id(self.obligation))  # [HM-4404] is stored as HM-4404
        if self.subject:
            clauses.append("subject_key = ?")
            args.append(script.key(self.subject))
        if self.start:
            clauses.append("published_date >= ?")
            args.append(self.start.isoformat())
        if self.end:
            clauses.append("published_date <= ?")
            args.append(self.end.isoformat())
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), args


def _utc(stamp: pendulum.DateTime) -> str:
    """Fixed-width UTC text, so that text order is time order."""
    return stamp.in_timezone("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _tz_name(stamp: pendulum.DateTime) -> str | None:
    tz = stamp.tzinfo
    return tz.name if isinstance(tz, pendulum.Timezone) else None


def dedup_key(record: EvidenceRecord, agency_key: str, subject_key: str | None) -> str:
    """What makes two records the same publication: obligation, subject, agency, instant, url."""
    parts = (
        (record.obligation or "").strip(),
        subject_key or "",
        agency_key,
        _utc(pendulum.instance(record.published_at)),
        (record.url or "").strip(),
    )
    return "\x1f".join(parts)


def format_timestamp(record: EvidenceRecord, sep: str = " ") -> str:
    """How exports write a time: ``2026-10-09 14:30:00+08:00``, or the date alone for a date-only record."""
    stamp = pendulum.instance(record.published_at)
    if record.date_only:
        return stamp.to_date_string()
    text = stamp.isoformat()  # 2026-10-09T14:30:00+08:00 (microseconds when there are any)
    return text.replace("T", sep, 1)


class Ledger:
    """An open ledger file. Use as a context manager, or call ``close``."""

    def __init__(
        self, path: str | Path | None = None, *, create: bool = True, timeout: float = BUSY_TIMEOUT_S
    ) -> None:
        self.path = Path(path) if path is not None else default_ledger_path()
        if not create and not self.path.exists():
            raise EvidenceFileError(
                "no_ledger",
                str(self.path),
                "證據台賬不存在：請先導入（evidence import / add），或用 --db 指定台賬文件",
                "no evidence ledger here: import something first (evidence import / add) "
                "or choose the ledger with --db",
            )
        self._conn = self._connect(timeout)

    def _error(self, err: Exception) -> EvidenceFileError:
        return EvidenceFileError(
            "bad_ledger",
            str(self.path),
            f"無法打開證據台賬（{err}）。請檢查路徑，或用 --db 指定另一個文件",
            f"cannot open the evidence ledger ({err}); check the path or choose another file with --db",
        )

    def _busy(self, err: Exception) -> EvidenceFileError:
        return EvidenceFileError(
            "ledger_busy",
            str(self.path),
            f"證據台賬正被其他程序佔用，等待後仍無法寫入（{err}），請稍後再試",
            f"the evidence ledger stayed busy with another writer ({err}); try again later",
        )

    def _connect(self, timeout: float) -> sqlite3.Connection:
        if self.path.is_dir():
            raise self._error(IsADirectoryError("is a directory"))
        try:
            conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as err:
            raise self._error(err) from err
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._init_schema(conn)
        except sqlite3.Error as err:
            conn.close()
            if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
                raise self._busy(err) from err  # another process writes (SQLITE_BUSY)
            raise self._error(err) from err
        except EvidenceFileError:
            conn.close()
            raise
        return conn

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        """Create the tables of a new ledger; refuse a newer schema. An existing ledger is only
        read here, so opening one never waits for another process's write to end."""
        version = self._version(conn)
        if version is None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if self._version(conn) is None:  # no other process made it meanwhile
                    for statement in _SCHEMA.split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            version = SCHEMA_VERSION
        if version > SCHEMA_VERSION:
            raise EvidenceFileError(
                "bad_ledger",
                str(self.path),
                f"台賬的格式版本是 {version}，比本程序支持的 {SCHEMA_VERSION} 新：請升級 obligations",
                f"the ledger has schema version {version}, newer than {SCHEMA_VERSION}: upgrade obligations",
            )

    @staticmethod
    def _version(conn: sqlite3.Connection) -> int | None:
        """The schema version; None when the file has no ledger tables yet."""
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        ).fetchone()
        if not exists:
            return None
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE), committed or rolled back whole."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._busy(err) from err
        try:
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise EvidenceFileError(
                "ledger_write",
                str(self.path),
                f"寫入證據台賬失敗，本次未保存任何內容（{err}）",
                f"writing to the evidence ledger failed; nothing was stored ({err})",
            ) from err
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise

    # ---- writing ---------------------------------------------------------------------------------

    @staticmethod
    def _prepare(records: Sequence[EvidenceRecord]) -> builtins.list[tuple[Any, ...]]:
        """The column values of each record, but its import id: made before a write transaction
        (a file's records are built as they are read), so other writers wait only for the inserts."""
        names = [r.agency for r in records] + [r.subject or "" for r in records]
        keys = script.keys(names)
        agency_keys, subject_keys = keys[: len(records)], keys[len(records) :]
        now = pendulum.now("UTC").isoformat()
        rows: builtins.list[tuple[Any, ...]] = []
        for record, agency_key, subject_key in zip(records, agency_keys, subject_keys, strict=True):
            stamp = pendulum.instance(record.published_at)
            source = record.source
            rows.append(
                (
                    record.obligation,
                    record.subject,
                    record.agency,
                    stamp.isoformat(),
                    _utc(stamp),
                    stamp.to_date_string(),
                    _tz_name(stamp),
                    int(record.date_only),
                    record.url,
                    record.title,
                    record.channel,
                    str(record.period) if record.period else None,
                    source.file if source else None,
                    source.row if source else None,
                    now,
                    agency_key,
                    subject_key or None,
                    dedup_key(record, agency_key, subject_key or None),
                )
            )
        return rows

    @staticmethod
    def _insert(
        conn: sqlite3.Connection, rows: Sequence[tuple[Any, ...]], import_id: int | None
    ) -> builtins.list[AddResult]:
        out: builtins.list[AddResult] = []
        for row in rows:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO evidence (obligation, subject, agency, published_at, published_utc, "
                "published_date, tz, date_only, url, title, channel, period, source_file, source_row, "
                "added_at, agency_key, subject_key, dedup_key, import_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*row, import_id),
            )
            if cursor.rowcount == 1 and cursor.lastrowid is not None:
                out.append(AddResult(cursor.lastrowid, False))
            else:
                existing = conn.execute("SELECT id FROM evidence WHERE dedup_key = ?", (row[-1],)).fetchone()
                out.append(AddResult(int(existing[0]), True))
        return out

    def add(self, record: EvidenceRecord) -> AddResult:
        """Store one record (its own transaction); a duplicate is not stored again."""
        return self.add_many([record])[0]

    def add_many(self, records: Iterable[EvidenceRecord]) -> builtins.list[AddResult]:
        """Store records in one transaction: all of them or, on any error, none."""
        items = builtins.list(records)
        if not items:
            return []
        rows = self._prepare(items)
        with self._write() as conn:
            return self._insert(conn, rows, None)

    def import_file(
        self,
        path: str | Path,
        tz: str = DEFAULT_TIMEZONE,
        as_of: dt.datetime | None = None,
        *,
        sources: Sequence[EvidenceSource] | None = None,
    ) -> ImportResult:
        """Read a file and store its accepted rows in one transaction.

        Rejected rows are reported in ``result.load.rejected`` and never stored. The file is read
        before the transaction starts, so other writers wait only for the inserts.
        Raises ``InputError`` when the file cannot be read at all (nothing is stored then).
        """
        load = load_evidence(path, tz, as_of, sources=sources)
        records = tuple(load.records)  # built here, not inside the transaction
        rows = self._prepare(records)
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO imports (file, imported_at, rows_read, rejected) VALUES (?, ?, ?, ?)",
                (load.file, pendulum.now("UTC").isoformat(), load.rows_read, len(load.rejected)),
            )
            import_id = int(cursor.lastrowid or 0)
            results = self._insert(conn, rows, import_id)
            imported = tuple(r.id for r in results if not r.duplicate)
            duplicates = tuple(
                Duplicate(rec.source.row if rec.source and rec.source.row is not None else 0, r.id)
                for rec, r in zip(records, results, strict=True)
                if r.duplicate
            )
            conn.execute(
                "UPDATE imports SET imported = ?, duplicates = ? WHERE id = ?",
                (len(imported), len(duplicates), import_id),
            )
        return ImportResult(load.file, load, imported, duplicates, import_id)

    # ---- reading ---------------------------------------------------------------------------------

    def count(self, filters: LedgerFilter | None = None) -> int:
        where, args = (filters or LedgerFilter()).where()
        row = self._conn.execute(f"SELECT count(*) FROM evidence{where}", args).fetchone()
        return int(row[0])

    def entries(self, filters: LedgerFilter | None = None) -> Iterator[LedgerEntry]:
        """Stored records in publication order (then id), streamed."""
        where, args = (filters or LedgerFilter()).where()
        cursor = self._conn.execute(
            f"SELECT {_COLUMNS} FROM evidence{where} ORDER BY published_utc, id", args
        )
        for row in cursor:
            yield _entry(row)

    def list(self, filters: LedgerFilter | None = None) -> builtins.list[LedgerEntry]:
        return builtins.list(self.entries(filters))

    def imports(self) -> builtins.list[dict[str, Any]]:
        """The import log: one row per imported file, newest last."""
        cursor = self._conn.execute(
            "SELECT id, file, imported_at, rows_read, imported, duplicates, rejected FROM imports ORDER BY id"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    # ---- export ----------------------------------------------------------------------------------

    def export(
        self,
        path: str | Path,
        format: ExportFormat | None = None,
        *,
        bom: bool = False,
        lang: str = "zh",
        filters: LedgerFilter | None = None,
    ) -> int:
        """Write the (selected) records to ``path``; returns how many. Format from the suffix by default.

        Headers are Chinese (``lang='zh'``) or English; both import back. CSV is UTF-8 with CRLF
        line ends; ``bom=True`` adds the byte-order mark Excel needs to see UTF-8. The file is
        written beside its final name and moved into place, so a failed export leaves no half file.
        """
        target = Path(path)
        fmt = format or export_format_for(target)
        if target.resolve() == self.path.resolve():
            raise EvidenceFileError(
                "bad_export", str(target), "不能導出到台賬文件本身", "cannot export over the ledger itself"
            )
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            if fmt == "xlsx":
                count = _write_xlsx(tmp, self.entries(filters), lang)
            else:
                with tmp.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                    if fmt == "jsonl":
                        count = write_jsonl(out, self.entries(filters))
                    else:
                        count = write_csv(out, self.entries(filters), lang)
            os.replace(tmp, target)
        except OSError as err:
            raise EvidenceFileError(
                "unwritable", str(target), f"無法寫入：{err.strerror}", f"cannot write: {err.strerror}"
            ) from err
        finally:
            tmp.unlink(missing_ok=True)
        return count


def export_format_for(path: Path) -> ExportFormat:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    return "csv"


def _entry(row: Sequence[Any]) -> LedgerEntry:
    (
        entry_id,
        obligation,
        subject,
        agency,
        published_at,
        tz,
        date_only,
        url,
        title,
        channel,
        period,
        source_file,
        source_row,
        import_id,
        added_at,
    ) = row
    stamp = pendulum.parse(published_at)
    assert isinstance(stamp, pendulum.DateTime)
    if tz:
        stamp = stamp.in_timezone(tz)
    record = EvidenceRecord(
        agency=agency,
        published_at=stamp,
        obligation=obligation,
        subject=subject,
        url=url,
        title=title,
        channel=channel,
        period=parse_period(period) if period else None,
        date_only=bool(date_only),
        source=RecordSource(source_file, source_row) if source_file is not None else None,
    )
    added = pendulum.parse(added_at)
    assert isinstance(added, pendulum.DateTime)
    return LedgerEntry(int(entry_id), record, added, import_id)


def export_headers(lang: str) -> builtins.list[str]:
    index = 1 if lang == "en" else 0
    return [FIELD_NAMES[c][index] for c in EXPORT_COLUMNS]


def export_row(record: EvidenceRecord, lang: str) -> builtins.list[str]:
    return [
        record.obligation or "",
        record.subject or "",
        record.agency,
        format_timestamp(record),
        record.url or "",
        record.title or "",
        record.channel or "",
        record.period.label(lang) if record.period else "",
    ]


def write_csv(out: Any, entries: Iterable[LedgerEntry], lang: str) -> int:
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(export_headers(lang))
    count = 0
    for entry in entries:
        writer.writerow(export_row(entry.record, lang))
        count += 1
    return count


def entry_json(entry: LedgerEntry) -> dict[str, Any]:
    r = entry.record
    return {
        "id": entry.id,
        "obligation": r.obligation,
        "subject": r.subject,
        "agency": r.agency,
        "published_at": format_timestamp(r, "T"),
        "date_only": r.date_only,
        "url": r.url,
        "title": r.title,
        "channel": r.channel,
        "period": str(r.period) if r.period else None,
        "source": str(r.source) if r.source else None,
    }


def write_jsonl(out: Any, entries: Iterable[LedgerEntry]) -> int:
    count = 0
    for entry in entries:
        payload = entry_json(entry)
        del payload["id"]  # an import gives new ids; "id" would read as an obligation id
        out.write(json.dumps(payload, ensure_ascii=False) + "\n")
        count += 1
    return count


def _write_xlsx(path: Path, entries: Iterable[LedgerEntry], lang: str) -> int:
    """Real date cells (local time, no zone: Excel has none) so that sorting and filtering work."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("證據" if lang != "en" else "evidence")
    sheet.append(export_headers(lang))
    time_column = EXPORT_COLUMNS.index("published_at")
    count = 0
    for entry in entries:
        record = entry.record
        row: builtins.list[Any] = []
        for value in export_row(record, lang):
            text = WriteOnlyCell(sheet, value=value)
            text.data_type = "s"  # never a formula, whatever the text starts with (=, +, -, @)
            row.append(text)
        stamp = pendulum.instance(record.published_at)
        cell = WriteOnlyCell(sheet, value=stamp.naive())
        cell.number_format = "yyyy-mm-dd" if record.date_only else "yyyy-mm-dd hh:mm:ss"
        row[time_column] = cell
        sheet.append(row)
        count += 1
    workbook.save(path)
    return count
