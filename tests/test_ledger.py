"""The SQLite evidence ledger and the ``evidence`` commands."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import click
import pendulum
import pytest
from click.testing import CliRunner

from obligations.cli_evidence import evidence
from obligations.evidence import EvidenceFileError, EvidenceRecord, RecordSource, parse_period
from obligations.ledger import (
    DEFAULT_LEDGER_NAME,
    SCHEMA_VERSION,
    Ledger,
    LedgerEntry,
    LedgerFilter,
    default_ledger_path,
)

TZ = "Asia/Shanghai"
AS_OF = pendulum.datetime(2026, 12, 1, tz=TZ)
CSV = (
    "編號,事項,單位,發布時間,鏈接,標題,渠道,期間\n"
    "HM-1,,財政局,2026-10-09 14:30,https://x.gov.cn/a,十月財政收支,政府網站,2026年10月\n"
    ",食品安全抽檢,市場監管局,2026/10/9,,,公告欄,2026-W41\n"
    "HM-2,,財政局,不是時間,,,,\n"
    'HM-3,,財政局,2026-11-02T10:00:00+08:00,,"標題, 有逗號",,2026-Q4\n'
)


def record(n: int, agency: str = "財政局", **kw: object) -> EvidenceRecord:
    stamp = pendulum.datetime(2026, 10, 1, tz=TZ).add(minutes=n)
    return EvidenceRecord(agency, stamp, obligation=f"HM-{n}", **kw)  # type: ignore[arg-type]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "ledger.sqlite"


@pytest.fixture
def evidence_csv(tmp_path: Path) -> Path:
    path = tmp_path / "evidence.csv"
    path.write_text(CSV, encoding="gb18030")
    return path


# ---- the store ----------------------------------------------------------------------------------


def test_default_path() -> None:
    assert default_ledger_path({}) == Path(DEFAULT_LEDGER_NAME)
    assert default_ledger_path({"OBLIGATIONS_LEDGER": "/data/l.sqlite"}) == Path("/data/l.sqlite")


def test_schema_and_wal(db: Path) -> None:
    Ledger(db).close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    conn.close()


def test_add_and_duplicates(db: Path) -> None:
    with Ledger(db) as ledger:
        first = ledger.add(record(1, url="https://x.gov.cn/1"))
        again = ledger.add(record(1, agency="财政局", url="https://x.gov.cn/1"))  # same, other script
        other_url = ledger.add(record(1, url="https://x.gov.cn/2"))
        assert (first.duplicate, again.duplicate, other_url.duplicate) == (False, True, False)
        assert again.id == first.id and ledger.count() == 2


def test_import_reports_every_row(db: Path, evidence_csv: Path) -> None:
    with Ledger(db) as ledger:
        result = ledger.import_file(evidence_csv, TZ, AS_OF)
        assert (result.rows_read, result.imported, result.rejected, result.duplicates) == (4, 3, 1, ())
        assert result.load.rejected[0].row == 4
        again = ledger.import_file(evidence_csv, TZ, AS_OF)
        assert (again.imported, [d.row for d in again.duplicates]) == (0, [2, 3, 5])
        assert [d.existing_id for d in again.duplicates] == list(result.imported_ids)
        assert ledger.count() == 3
        log = ledger.imports()
        assert [(i["imported"], i["duplicates"], i["rejected"]) for i in log] == [(3, 0, 1), (0, 3, 1)]


def test_import_is_all_or_nothing(db: Path, evidence_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Ledger._insert

    def failing(conn: sqlite3.Connection, rows: list[tuple[object, ...]], import_id: int | None) -> object:
        real(conn, rows[:2], import_id)  # two rows are in when the disk fails
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Ledger, "_insert", staticmethod(failing))
    with Ledger(db) as ledger:
        with pytest.raises(EvidenceFileError) as info:
            ledger.import_file(evidence_csv, TZ, AS_OF)
        assert info.value.code == "ledger_write" and "nothing was stored" in str(info.value)
        assert ledger.count() == 0 and ledger.imports() == []


def test_a_file_is_read_before_the_write_transaction(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Records of a CSV file are built when asked for: building them inside the transaction held
    # the ledger locked for the whole read, and a concurrent add gave up after its wait.
    import contextlib

    from obligations.evidence import EvidenceTable

    inside = False
    built_inside = 0
    real_write, real_record = Ledger._write, EvidenceTable.record

    @contextlib.contextmanager
    def watched_write(self: Ledger) -> Iterator[sqlite3.Connection]:
        nonlocal inside
        with real_write(self) as conn:
            inside = True
            try:
                yield conn
            finally:
                inside = False

    def watched_record(self: EvidenceTable, i: int) -> EvidenceRecord:
        nonlocal built_inside
        built_inside += inside
        return real_record(self, i)

    monkeypatch.setattr(Ledger, "_write", watched_write)
    monkeypatch.setattr(EvidenceTable, "record", watched_record)
    lines = [f"HM-{n},財政局,2026-10-{1 + n % 28:02d} 10:{n % 60:02d}" for n in range(300)]
    path = tmp_path / "many.csv"
    path.write_text("編號,單位,發布時間\n" + "\n".join(lines) + "\n", encoding="utf-8")
    with Ledger(db) as ledger:
        result = ledger.import_file(path, TZ, AS_OF)
    assert len(result.imported_ids) == 300 and built_inside == 0


def test_a_writer_blocks_neither_opening_nor_reading(db: Path) -> None:
    with Ledger(db) as ledger:
        ledger.add(record(1))
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process's long import, say
    writer.execute("DELETE FROM evidence")
    try:
        with Ledger(db, timeout=0.2) as reader:
            assert reader.count() == 1  # opened and read at once (WAL: the last commit)
            with pytest.raises(EvidenceFileError) as info:
                reader.add(record(2))
        assert info.value.code == "ledger_busy"
        assert info.value.message("en") == (
            f"{db}: the evidence ledger stayed busy with another writer (database is locked); try again later"
        )
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_unreadable_file_stores_nothing(db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("標題\nx\n", encoding="utf-8")
    with Ledger(db) as ledger:
        with pytest.raises(EvidenceFileError):
            ledger.import_file(bad, TZ, AS_OF)
        assert ledger.count() == 0 and ledger.imports() == []


def test_list_filters(db: Path, evidence_csv: Path) -> None:
    with Ledger(db) as ledger:
        ledger.import_file(evidence_csv, TZ, AS_OF)
        assert [e.record.obligation for e in ledger.list(LedgerFilter(agency="财政局"))] == ["HM-1", "HM-3"]
        assert [e.record.subject for e in ledger.list(LedgerFilter(subject="食品安全抽检"))] == [
            "食品安全抽檢"
        ]
        assert len(ledger.list(LedgerFilter(obligation="HM-3"))) == 1
        assert len(ledger.list(LedgerFilter(obligation="[HM-3]"))) == 1  # as a spec writes it
        window = LedgerFilter(start=pendulum.date(2026, 10, 9), end=pendulum.date(2026, 10, 31))
        assert [e.record.obligation for e in ledger.list(window)] == [None, "HM-1"]  # by time: 00:00 first
        entry = ledger.list(LedgerFilter(obligation="HM-1"))[0]
        assert entry.record.published_at == pendulum.datetime(2026, 10, 9, 14, 30, tz=TZ)
        assert entry.record.published_at.timezone_name == TZ
        assert entry.record.period == parse_period("2026-10")
        assert entry.record.source == RecordSource(str(evidence_csv), 2)
        assert entry.import_id == 1


def test_not_a_ledger_and_newer_schema(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello " * 100)
    with pytest.raises(EvidenceFileError) as info:
        Ledger(text)
    assert info.value.code == "bad_ledger" and "notes.sqlite" in str(info.value)
    newer = tmp_path / "newer.sqlite"
    Ledger(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(EvidenceFileError, match="upgrade"):
        Ledger(newer)
    with pytest.raises(EvidenceFileError) as missing:
        Ledger(tmp_path / "none.sqlite", create=False)
    assert missing.value.code == "no_ledger" and not (tmp_path / "none.sqlite").exists()


# ---- round trips --------------------------------------------------------------------------------


def _fields(entries: Sequence[LedgerEntry]) -> list[tuple[object, ...]]:
    out: list[tuple[object, ...]] = []
    for entry in entries:
        r = entry.record
        out.append(
            (
                r.obligation,
                r.subject,
                r.agency,
                r.published_at,
                r.date_only,
                r.url,
                r.title,
                r.channel,
                r.period,
            )
        )
    return out


@pytest.mark.parametrize(
    ("name", "bom", "lang"),
    [
        ("out.csv", False, "zh"),
        ("out.csv", True, "zh"),
        ("out.csv", True, "en"),
        ("out.jsonl", False, "zh"),
        ("out.xlsx", False, "zh"),
        ("out.xlsx", False, "en"),
    ],
)
def test_export_import_round_trip(
    db: Path, evidence_csv: Path, tmp_path: Path, name: str, bom: bool, lang: str
) -> None:
    with Ledger(db) as ledger:
        ledger.import_file(evidence_csv, TZ, AS_OF)
        ledger.add(record(7, subject='含"引號"與\n換行', title="=cmd|' /C calc'!A0"))
        out = tmp_path / name
        assert ledger.export(out, bom=bom, lang=lang) == 4
        original = _fields(ledger.list())
    if name.endswith(".csv"):
        assert out.read_bytes().startswith(b"\xef\xbb\xbf") is bom
        assert b"\r\n" in out.read_bytes()
    with Ledger(tmp_path / "copy.sqlite") as copy:
        result = copy.import_file(out, TZ, AS_OF)
        assert (result.rows_read, result.imported, result.rejected) == (4, 4, 0)
        assert _fields(copy.list()) == original
        assert copy.import_file(out, TZ, AS_OF).imported == 0  # and it is a duplicate of itself


def test_export_never_leaves_half_a_file(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from obligations import ledger as ledger_mod

    target = tmp_path / "out.csv"
    target.write_text("the previous export\n", encoding="utf-8")

    def failing(out: object, entries: object, lang: str) -> int:
        out.write("half a row")  # type: ignore[attr-defined]
        raise OSError(28, "No space left on device")

    with Ledger(db) as ledger:
        ledger.add(record(1))
        with pytest.raises(EvidenceFileError):
            ledger.export(tmp_path / "missing-dir" / "out.csv")
        with pytest.raises(EvidenceFileError, match="ledger itself"):
            ledger.export(db)
        monkeypatch.setattr(ledger_mod, "write_csv", failing)
        with pytest.raises(EvidenceFileError, match="No space left"):
            ledger.export(target)
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert not list(tmp_path.rglob("*.tmp"))


# ---- concurrency --------------------------------------------------------------------------------

N = 150


def _writer(db: str, tag: str, start: object, csv_path: str) -> None:
    start.wait()  # type: ignore[attr-defined]
    with Ledger(db) as ledger:
        for i in range(N):  # each add is its own transaction: as much contention as there can be
            stamp = pendulum.datetime(2026, 10, 1, tz=TZ).add(seconds=i)
            ledger.add(EvidenceRecord("財政局", stamp, obligation=f"{tag}-{i}"))
        ledger.import_file(csv_path, TZ, AS_OF)


def test_two_processes_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite"
    files = []
    for tag in ("A", "B"):
        path = tmp_path / f"{tag}.csv"
        rows = "".join(f"{tag}-file-{i},財政局,2026-10-02 10:{i % 60:02d}\n" for i in range(N))
        path.write_text("編號,單位,發布時間\n" + rows, encoding="utf-8")
        files.append(str(path))
    ctx = multiprocessing.get_context("spawn")
    start = ctx.Event()
    workers = [
        ctx.Process(target=_writer, args=(str(db), tag, start, f)) for tag, f in zip("AB", files, strict=True)
    ]
    for w in workers:
        w.start()
    start.set()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    with Ledger(db) as ledger:
        assert ledger.count() == 4 * N
        assert len(ledger.imports()) == 2


# ---- the commands -------------------------------------------------------------------------------


class _Obj:
    def __init__(self, lang: str) -> None:
        self.lang = lang


@click.group()
@click.option("--lang", default="zh")
@click.pass_context
def root(ctx: click.Context, lang: str) -> None:
    ctx.obj = _Obj(lang)


root.add_command(evidence)


def run(*args: str, lang: str = "zh") -> tuple[int, str, str]:
    result = CliRunner().invoke(root, ["--lang", lang, "evidence", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_cli_import_summary_zh_and_en(db: Path, evidence_csv: Path) -> None:
    code, out, _ = run("import", str(evidence_csv), "--db", str(db), "--as-of", "2026-12-01")
    assert code == 1
    assert "讀取 4 行，導入 3 行，拒絕 1 行" in out and "編碼 GB18030" in out
    assert "第 4 行 [bad_timestamp] 發布時間「不是時間」無法識別" in out
    code, out, _ = run("import", str(evidence_csv), "--db", str(db), "--as-of", "2026-12-01", lang="en")
    assert code == 1
    assert "4 rows read, 0 imported, 3 already in the ledger (not stored twice), 1 rejected" in out
    assert "row 4 [bad_timestamp] published_at '不是時間' is not a date or time" in out


def test_cli_import_exit_codes(db: Path, tmp_path: Path, evidence_csv: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        '{"obligation": "HM-1", "agency": "財政局", "published_at": "2026-10-09"}\n', encoding="utf-8"
    )
    assert run("import", str(good), "--db", str(db))[0] == 0
    code, out, err = run("import", str(good), str(tmp_path / "missing.csv"), "--db", str(db), lang="en")
    assert code == 3 and "missing.csv: no such file" in err and "total:" in out
    bad = tmp_path / "bad.csv"
    bad.write_bytes("單位,發布時間\n財政局,2026-10-09\n".encode("utf-16"))
    code, _, err = run("import", str(bad), "--db", str(db))
    assert code == 3 and "UTF-16" in err and "錯誤" in err
    code, _, err = run("import", str(good), "--tz", "Mars/Base", "--db", str(db))
    assert code == 2 and "Mars/Base" in err
    assert run("import", "--db", str(db))[0] == 2


def test_cli_add_list_export(db: Path, tmp_path: Path) -> None:
    base = ("--db", str(db), "--as-of", "2026-12-01")
    code, out, _ = run(
        "add",
        "--agency",
        "財政局",
        "--published-at",
        "2026-10-09 09:00",
        "--obligation",
        "HM-1",
        "--period",
        "2026年10月",
        *base,
    )
    assert (code, out) == (0, "已記錄 #1\n")
    code, out, _ = run(
        "add", "--agency", "财政局", "--published-at", "2026-10-09 09:00", "--obligation", "HM-1", *base
    )
    assert code == 0 and "#1" in out and "已有" in out
    code, _, err = run(
        "add", "--agency", "財政局", "--published-at", "2027-01-01", "--obligation", "HM-1", *base
    )
    assert code == 1 and "將來" in err
    code, _, err = run("add", "--agency", "財政局", "--published-at", "2026-10-09", *base, lang="en")
    assert code == 1 and "neither obligation nor subject" in err

    code, out, _ = run("list", "--db", str(db))
    assert (
        code == 0
        and "HM-1" in out
        and "2026-10-09 09:00" in out
        and "2026年10月" in out
        and "發布時間" in out
    )
    code, out, _ = run("list", "--db", str(db), "--format", "csv", lang="en")
    assert out.splitlines() == [
        "obligation,subject,agency,published_at,url,title,channel,period",
        "HM-1,,財政局,2026-10-09 09:00:00+08:00,,,,2026-10",
    ]
    code, out, _ = run(
        "list",
        "--db",
        str(db),
        "--format",
        "json",
        "--agency",
        "財政局",
        "--from",
        "2026-10-01",
        "--to",
        "2026-10-31",
    )
    assert '"obligation": "HM-1"' in out and '"published_at": "2026-10-09T09:00:00+08:00"' in out
    code, out, _ = run("list", "--db", str(db), "--from", "2026-11-01")
    assert code == 0 and "沒有" in out
    assert run("list", "--db", str(db), "--from", "2026-11-01", "--to", "2026-10-01")[0] == 2
    code, _, err = run("list", "--db", str(tmp_path / "none.sqlite"))
    assert code == 3 and "不存在" in err and not (tmp_path / "none.sqlite").exists()

    out_file = tmp_path / "out.csv"
    code, out, _ = run("export", str(out_file), "--bom", "--db", str(db))
    assert code == 0 and "1" in out
    assert out_file.read_bytes().startswith("\ufeff編號,事項,單位".encode())
    code, _, _ = run("export", str(tmp_path / "x.xlsx"), "--db", str(db))
    assert code == 0 and (tmp_path / "x.xlsx").stat().st_size > 0

    # A file that exists is the user's: replaced only when asked.
    mine = tmp_path / "mine.csv"
    mine.write_text("my notes\n", encoding="utf-8")
    assert run("export", str(mine), "--db", str(db)) == (
        2,
        "",
        f"{mine} 已存在，未覆蓋；要覆蓋請加 --force\n",
    )
    assert mine.read_text(encoding="utf-8") == "my notes\n"
    code, _, _ = run("export", str(mine), "--force", "--db", str(db))
    assert code == 0 and mine.read_text(encoding="utf-8").startswith("編號,事項,單位")


def test_cli_lang_defaults_to_chinese(db: Path, evidence_csv: Path) -> None:
    result = CliRunner().invoke(evidence, ["import", str(evidence_csv), "--db", str(db)])
    assert result.exit_code == 1 and "讀取 4 行" in result.stdout


def test_cli_many_rejected_rows_are_summarised(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(
        "編號,單位,發布時間\n" + "HM-1,財政局,壞\n" * 130 + ",財政局,2026-10-09\n" * 5, encoding="utf-8"
    )
    code, out, _ = run("import", str(path), "--db", str(db), lang="en")
    assert code == 1
    assert out.count("[bad_timestamp]") == 100
    assert "… 35 more rejected: bad_timestamp 30, no_obligation 5" in out
