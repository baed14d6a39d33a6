"""``obligations evidence``: record, import, list and export what was published (the ledger).

Exit codes as elsewhere: 0 fine, 1 some rows rejected, 2 usage error, 3 unreadable input
(a file that cannot be read at all, or a ledger that cannot be opened). Messages follow
``--lang`` of the root command when there is one, else Chinese. Heavy modules (the ledger,
openpyxl, OpenCC) are imported inside commands.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from obligations.cli_options import BadValue, keep_existing, not_blank

if TYPE_CHECKING:
    import datetime as dt

    from obligations.evidence import Rejected
    from obligations.ledger import ExportFormat, ImportResult, Ledger, LedgerFilter

T = TypeVar("T")
EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_UNREADABLE = 0, 1, 2, 3
SHOWN_REJECTED = 100  # rejected rows listed per file; the rest are counted by reason
DEFAULT_TZ = "Asia/Shanghai"


def _lang() -> str:
    ctx = click.get_current_context(silent=True)
    obj = ctx.find_root().obj if ctx is not None else None
    lang = getattr(obj, "lang", None)
    return lang if lang in ("zh", "en") else "zh"


def _say(zh: str, en: str) -> str:
    return en if _lang() == "en" else zh


def _fail(err: Exception) -> None:
    """Print a whole-file error (InputError) in the user's language; the caller decides the exit."""
    message = getattr(err, "message", None)
    text = message(_lang()) if callable(message) else str(err)
    click.echo(_say("錯誤：", "error: ") + text, err=True)


def _open(db: str | None, *, create: bool = True) -> Ledger:
    from obligations.errors import InputError
    from obligations.ledger import Ledger

    try:
        return Ledger(db, create=create)
    except InputError as err:
        _fail(err)
        sys.exit(EXIT_UNREADABLE)


def _check_tz(tz: str) -> str:
    from obligations.errors import InputError
    from obligations.evidence import check_timezone

    try:
        check_timezone(tz)
    except InputError as err:
        message = getattr(err, "message", None)
        raise BadValue(message(_lang()) if callable(message) else str(err), None, None) from err
    return tz


def _tz_callback(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    return _check_tz(value)


def _as_of_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    from obligations.evidence import parse_timestamp

    tz = _ctx.params.get("tz") or DEFAULT_TZ
    try:
        stamp, date_only = parse_timestamp(value, tz)
    except ValueError as err:
        raise BadValue(
            _say(f"無法識別的時間「{value}」", f"not a date or time: {value!r}"), _ctx, _param
        ) from err
    return stamp.end_of("day") if date_only else stamp


def _date_callback(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from obligations.evidence import parse_timestamp

    try:
        stamp, _ = parse_timestamp(value, DEFAULT_TZ)
    except ValueError as err:
        raise BadValue(_say(f"無法識別的日期「{value}」", f"not a date: {value!r}"), _ctx, _param) from err
    return stamp.date()


_db_option = click.option(
    "--db",
    type=click.Path(dir_okay=False),
    envvar="OBLIGATIONS_LEDGER",
    default=None,
    help="Ledger file (default: $OBLIGATIONS_LEDGER, else ./obligations-ledger.sqlite).",
)
_tz_option = click.option(
    "--tz",
    default=DEFAULT_TZ,
    show_default=True,
    is_eager=True,
    callback=_tz_callback,
    help="Time zone of times written without one.",
)
_as_of_option = click.option(
    "--as-of",
    callback=_as_of_callback,
    default=None,
    help="Reject publication times after this instant (default: now). A date alone means its end.",
)


def _filter_options(f: Any) -> Any:
    for option in reversed(
        [
            click.option(
                "--agency", default=None, callback=not_blank, help="Only this agency (either script)."
            ),
            click.option("--obligation", default=None, help="Only this obligation id."),
            click.option("--subject", default=None, help="Only this subject (either script)."),
            click.option("--from", "start", callback=_date_callback, default=None, help="From this date."),
            click.option("--to", "end", callback=_date_callback, default=None, help="Up to this date."),
        ]
    ):
        f = option(f)
    return f


def _filters(
    agency: str | None,
    obligation: str | None,
    subject: str | None,
    start: dt.date | None,
    end: dt.date | None,
) -> LedgerFilter:
    from obligations.ledger import LedgerFilter

    if start and end and start > end:
        raise click.BadParameter(_say("--from 晚於 --to", "--from is after --to"))
    return LedgerFilter(agency=agency, obligation=obligation, subject=subject, start=start, end=end)


@click.group("evidence")
def evidence() -> None:
    """Evidence of publication (證據台賬): add, import, list, export.

    \b
    The ledger is an SQLite file: --db, else $OBLIGATIONS_LEDGER, else
    ./obligations-ledger.sqlite. Files: CSV (UTF-8 or GBK), JSON Lines, Excel .xlsx,
    with headers in Chinese or English (docs/evidence.md).
      obligations evidence import 2026-10.xlsx
      obligations evidence list --agency 財政局 --from 2026-10-01
      obligations evidence export all.csv --bom
    """


# ---- add ----------------------------------------------------------------------------------------


@evidence.command("add")
@click.option("--agency", required=True, help="Who published (單位).")
@click.option("--published-at", "published_at", required=True, help="When (發布時間): 2026-10-09 14:30.")
@click.option("--obligation", default=None, help="Obligation id (編號), e.g. HM-12.")
@click.option("--subject", default=None, help="Subject (事項), when the id is not known.")
@click.option("--url", default=None, help="Where (鏈接).")
@click.option("--title", default=None, help="Title (標題).")
@click.option("--channel", default=None, help="Channel (渠道), e.g. 政府網站.")
@click.option("--period", default=None, help="Period covered (期間): 2026-10, 2026-Q3, 2026年上半年 …")
@_tz_option
@_as_of_option
@_db_option
def add_cmd(
    agency: str,
    published_at: str,
    obligation: str | None,
    subject: str | None,
    url: str | None,
    title: str | None,
    channel: str | None,
    period: str | None,
    tz: str,
    as_of: dt.datetime | None,
    db: str | None,
) -> None:
    """Record one publication."""
    from obligations.evidence import Rejected, record_from_fields

    fields = {
        "agency": agency,
        "published_at": published_at,
        "obligation": obligation,
        "subject": subject,
        "url": url,
        "title": title,
        "channel": channel,
        "period": period,
    }
    outcome = record_from_fields(fields, tz, as_of)
    if isinstance(outcome, Rejected):
        click.echo(_say("未記錄：", "not recorded: ") + outcome.message(_lang()), err=True)
        sys.exit(EXIT_REJECTED)
    with _open(db) as ledger:
        result = _guard(lambda: ledger.add(outcome))
    if result.duplicate:
        click.echo(
            _say(
                f"台賬中已有相同的記錄 #{result.id}，未重複記錄",
                f"already in the ledger as #{result.id}; not recorded twice",
            )
        )
    else:
        click.echo(_say(f"已記錄 #{result.id}", f"recorded #{result.id}"))


def _guard(action: Callable[[], T]) -> T:
    from obligations.errors import InputError

    try:
        return action()
    except InputError as err:
        _fail(err)
        sys.exit(EXIT_UNREADABLE)


# ---- import -------------------------------------------------------------------------------------


@evidence.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@_tz_option
@_as_of_option
@_db_option
def import_cmd(files: tuple[str, ...], tz: str, as_of: dt.datetime | None, db: str | None) -> None:
    """Import evidence files: CSV, JSON Lines or Excel .xlsx.

    Each file's accepted rows are stored in one transaction; rejected rows are listed with their
    row number and reason and are not stored. Rows already in the ledger are not stored twice.
    Exit 1 when any row was rejected, 3 when a file could not be read at all.
    """
    from obligations.errors import InputError

    worst = EXIT_OK
    totals = [0, 0, 0, 0]
    with _open(db) as ledger:
        for file in files:
            try:
                result = ledger.import_file(file, tz, as_of)
            except InputError as err:
                _fail(err)
                worst = EXIT_UNREADABLE
                continue
            _print_import(result)
            totals[0] += result.rows_read
            totals[1] += result.imported
            totals[2] += len(result.duplicates)
            totals[3] += result.rejected
            if result.rejected and worst == EXIT_OK:
                worst = EXIT_REJECTED
    if len(files) > 1:
        read, imported, dup, rejected = totals
        click.echo(
            _say(
                f"合計：讀取 {read} 行，導入 {imported} 行，重複 {dup} 行，拒絕 {rejected} 行",
                f"total: {read} rows read, {imported} imported, {dup} duplicate, {rejected} rejected",
            )
        )
    sys.exit(worst)


def _print_import(result: ImportResult) -> None:
    load = result.load
    extra_zh: list[str] = []
    extra_en: list[str] = []
    if load.blank_rows:
        extra_zh.append(f"跳過 {load.blank_rows} 個空行")
        extra_en.append(f"{load.blank_rows} blank row(s) skipped")
    if load.header_row > 1:
        extra_zh.append(f"表頭在第 {load.header_row} 行")
        extra_en.append(f"header on row {load.header_row}")
    if load.encoding and load.encoding != "utf-8":
        extra_zh.append(f"編碼 {load.encoding.upper()}")
        extra_en.append(f"encoding {load.encoding.upper()}")
    if load.ignored_columns:
        extra_zh.append("忽略的欄：" + "、".join(load.ignored_columns))
        extra_en.append("ignored columns: " + ", ".join(load.ignored_columns))
    tail_zh = f"（{'；'.join(extra_zh)}）" if extra_zh else ""
    tail_en = f" ({'; '.join(extra_en)})" if extra_en else ""
    dup = len(result.duplicates)
    dup_zh = f"重複 {dup} 行（台賬中已有，未重複記錄），" if dup else ""
    dup_en = f"{dup} already in the ledger (not stored twice), " if dup else ""
    click.echo(
        _say(
            f"{result.file}：讀取 {result.rows_read} 行，導入 {result.imported} 行，"
            f"{dup_zh}拒絕 {result.rejected} 行{tail_zh}",
            f"{result.file}: {result.rows_read} rows read, {result.imported} imported, "
            f"{dup_en}{result.rejected} rejected{tail_en}",
        )
    )
    _print_rejected(load.rejected)


def _print_rejected(rejected: Sequence[Rejected]) -> None:
    lang = _lang()
    for item in rejected[:SHOWN_REJECTED]:
        where = f"row {item.row}" if lang == "en" else f"第 {item.row} 行"
        click.echo(f"  {where} [{item.code}] {item.message(lang)}")
    if len(rejected) > SHOWN_REJECTED:
        counts: dict[str, int] = {}
        for item in rejected[SHOWN_REJECTED:]:
            counts[item.code] = counts.get(item.code, 0) + 1
        by_code = ", ".join(f"{code} {n}" for code, n in sorted(counts.items()))
        more = len(rejected) - SHOWN_REJECTED
        click.echo(_say(f"  … 另有 {more} 行被拒絕：{by_code}", f"  … {more} more rejected: {by_code}"))


# ---- list ---------------------------------------------------------------------------------------


@evidence.command("list")
@_filter_options
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True
)
@_db_option
def list_cmd(
    agency: str | None,
    obligation: str | None,
    subject: str | None,
    start: dt.date | None,
    end: dt.date | None,
    fmt: str,
    db: str | None,
) -> None:
    """List recorded publications, oldest first."""
    import json

    from obligations import ledger as ledger_mod

    selection = _filters(agency, obligation, subject, start, end)
    lang = _lang()
    with _open(db, create=False) as ledger:
        entries = ledger.entries(selection)
        if fmt == "json":
            payload = [ledger_mod.entry_json(e) for e in entries]
            click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            ledger_mod.write_csv(sys.stdout, entries, lang)
        else:
            click.echo(_table(entries, lang), nl=False)


def _table(entries: Any, lang: str) -> str:
    from obligations import report
    from obligations.ledger import format_timestamp

    headers = (
        ["#", "obligation", "subject", "agency", "published", "period", "channel", "title"]
        if lang == "en"
        else ["#", "編號", "事項", "單位", "發布時間", "期間", "渠道", "標題"]
    )
    rows = []
    for e in entries:
        r = e.record
        stamp = format_timestamp(r)[:16]  # to the minute; the zone is the ledger's
        rows.append(
            [
                str(e.id),
                r.obligation or "",
                _clip(r.subject or ""),
                r.agency,
                stamp,
                r.period.label(lang) if r.period else "",
                r.channel or "",
                _clip(r.title or ""),
            ]
        )
    if not rows:
        return _say("台賬中沒有符合條件的記錄\n", "no matching records in the ledger\n")
    return report.table(headers, rows)


def _clip(text: str, width: int = 30) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---- export -------------------------------------------------------------------------------------


@evidence.command("export")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "jsonl", "xlsx"]),
    default=None,
    help="Default: from the file's suffix, else csv.",
)
@click.option(
    "--bom", is_flag=True, help="Start a CSV with a UTF-8 BOM, so that Excel and WPS read it right."
)
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
@_filter_options
@_db_option
def export_cmd(
    file: str,
    fmt: str | None,
    bom: bool,
    force: bool,
    agency: str | None,
    obligation: str | None,
    subject: str | None,
    start: dt.date | None,
    end: dt.date | None,
    db: str | None,
) -> None:
    """Write recorded publications to FILE (CSV, JSON Lines or .xlsx).

    Headers are in the message language (--lang); either language imports back. An existing FILE
    is never replaced without --force.
    """
    keep_existing(file, force, _lang())
    selection = _filters(agency, obligation, subject, start, end)
    with _open(db, create=False) as ledger:
        count = _guard(
            lambda: ledger.export(
                file, cast("ExportFormat | None", fmt), bom=bom, lang=_lang(), filters=selection
            )
        )
    click.echo(_say(f"已導出 {count} 條記錄到 {file}", f"exported {count} record(s) to {file}"))
