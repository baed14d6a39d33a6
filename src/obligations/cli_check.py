"""``obligations check``: who is late, and by how much. Thin: options → library → render → exit code.

Exit codes: 0 nothing late or missing, 1 something is, 2 usage error, 3 invalid spec,
unreadable evidence or events, or a year without holiday data.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from obligations.cli_options import (
    DateTimeInRange,
    calendar_option,
    estimate_option,
    holidays_option,
    not_blank,
    write_whole,
)
from obligations.render_due import estimate_note, estimated_suffix, simple_table

if TYPE_CHECKING:
    import pendulum

    from obligations.errors import InputError
    from obligations.evidence import EvidenceRecord, LoadResult
    from obligations.findings import CheckResult, Finding
    from obligations.model import Spec

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3


def _lang() -> str:
    obj = click.get_current_context().find_root().obj
    return str(getattr(obj, "lang", "zh"))


class _AsOf(DateTimeInRange):
    """``--as-of``: a date alone is the end of that day (截至10月31日 includes the 31st), as for
    ``evidence add``; with a time, that minute. A wall time, read in the spec's zone later."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        moment = super().convert(value, param, ctx)
        if isinstance(value, str) and ":" not in value:
            return moment.replace(hour=23, minute=59, second=59, microsecond=999999)
        return moment


class CheckInputs(NamedTuple):
    """What check and report read: the spec, the evidence, events, range, agency and calendar."""

    specs: tuple[str, ...]
    evidence_files: tuple[str, ...]
    db: str | None
    events_file: str | None
    start: dt.datetime | None
    as_of: dt.datetime | None
    agency: str | None
    holidays: tuple[str, ...]
    estimate: bool
    calendar_name: str


def _check_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options check and report share (evidence, events, range, agency and calendar), passed
    to the command as one ``CheckInputs`` with the SPECS argument, before its own options."""

    @functools.wraps(command)
    def bundled(**params: Any) -> Any:
        inputs = CheckInputs(**{name: params.pop(name) for name in CheckInputs._fields})
        return command(inputs, **params)

    decorators = [
        click.option(
            "--evidence",
            "evidence_files",
            multiple=True,
            type=click.Path(),
            help="Evidence file (CSV, JSON Lines, xlsx); repeatable. Default: the evidence ledger.",
        ),
        click.option(
            "--db",
            type=click.Path(dir_okay=False),
            default=None,
            help="The evidence ledger to read when no --evidence is given (default: see docs/evidence.md).",
        ),
        click.option(
            "--events",
            "events_file",
            type=click.Path(),
            default=None,
            help="Events file (CSV or JSON Lines).",
        ),
        click.option(
            "--from",
            "start",
            type=DateTimeInRange(["%Y-%m-%d"]),
            default=None,
            help="First day checked (default: the spec's effective start, else its issue date).",
        ),
        click.option(
            "--as-of",
            "as_of",
            type=_AsOf(["%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]),
            default=None,
            help="Check as of this day or instant (default: now). A date alone means its end.",
        ),
        click.option(
            "--agency", default=None, callback=not_blank, help="Only this agency (any script, any alias)."
        ),
        holidays_option,
        estimate_option,
        calendar_option,
    ]
    for decorator in reversed(decorators):
        bundled = decorator(bundled)
    return bundled


@click.command("check")
@click.argument("specs", nargs=-1, type=click.Path())
@_check_options
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help="table, json, csv or html (or a format a plugin adds).",
)
@click.option(
    "--bom", is_flag=True, help="CSV: start with a UTF-8 BOM so Excel and WPS read Chinese correctly."
)
def check(inputs: CheckInputs, fmt: str, bom: bool) -> None:
    """Check published evidence against what SPEC says was due: on time, late, missing, …"""
    from obligations.cli import emit

    spec, result = run_check(inputs)
    emit("findings", result, _lang(), fmt, bom=bom, spec=spec, title=spec.title)
    sys.exit(EXIT_FINDINGS if result.failing else EXIT_OK)


def run_check(inputs: CheckInputs) -> tuple[Spec, CheckResult]:
    """Everything ``check`` and ``report`` share: load, match; errors become messages and exit 3."""
    import pendulum

    from obligations.calendar import select_calendar
    from obligations.cli import _compile, _specs
    from obligations.errors import CalendarDataError, InputError
    from obligations.findings import check as run
    from obligations.walltime import wall_instant

    spec = _one_spec(_specs(_compile(_lang(), inputs.specs)))
    tz = spec.timezone
    moment = wall_instant(inputs.as_of, tz) if inputs.as_of else pendulum.now(tz)
    first = inputs.start.date() if inputs.start else (spec.effective.start or spec.issued)
    if first is None:
        raise click.UsageError("the spec has no effective start or issue date: give --from DATE")
    if first > moment.date():  # without --from, the start is the spec's (its 有效期 or issue date)
        en, zh = ("--from", "--from") if inputs.start else ("the spec's effective start", "規範生效日")
        raise click.UsageError(
            f"{en} {first} is after --as-of {moment.date()}"
            if _lang() == "en"
            else f"{zh} {first} 晚於 --as-of {moment.date()}"
        )
    try:
        calendar = select_calendar(inputs.calendar_name, inputs.holidays, estimate=inputs.estimate)
        loads = _evidence(inputs.evidence_files, inputs.db, tz, moment)
        events = _events(inputs.events_file, tz)
    except InputError as err:
        _input_failure(err)
    try:
        result = run(
            spec, loads, start=first, as_of=moment, events=events, calendar=calendar, agency=inputs.agency
        )
        if inputs.agency and not result.findings:
            _known_agency(spec, inputs.agency)
        return spec, result
    except CalendarDataError as err:
        from obligations.cli_due import no_holiday_data

        no_holiday_data(_lang(), err, calendar, inputs.estimate)
    except InputError as err:
        _input_failure(err)
    raise AssertionError("unreachable")  # both exit


def _known_agency(spec: Spec, agency: str) -> None:
    """A usage error when ``--agency`` names no agency of the spec and published none of the rows
    (nothing listed): a mistyped name must not turn a failing check into a pass."""
    from obligations.cli_due import AgencyFilter

    if not AgencyFilter(agency, [spec]).known([spec]):
        raise click.UsageError(
            f"no agency {agency!r} in the spec or the evidence (see obligations list)"
            if _lang() == "en"
            else f"規範和發布記錄中都沒有機構「{agency}」（可用 obligations list 查看）"
        )


def _agency_rows(spec: Spec, agency: str) -> Callable[[str], bool]:
    """Whether a report row (an agency, or joint agencies joined by 、) is ``agency``'s, by any
    of its names in either script: as ``due --agency`` decides it."""
    from obligations.cli_due import AgencyFilter

    keep = AgencyFilter(agency, [spec])
    return lambda row: keep.label(spec, row)


def _input_failure(err: InputError) -> NoReturn:
    """An unreadable evidence, events or holidays file: said as ``due`` says it (exit 3)."""
    from obligations.cli_due import _input_error

    _input_error(_lang(), err)


def _one_spec(specs: Sequence[Spec]) -> Spec:
    if len(specs) != 1:
        raise click.UsageError(f"check one spec at a time (found {len(specs)} entry files)")
    return specs[0]


def _evidence(files: Sequence[str], db: str | None, tz: str, as_of: pendulum.DateTime) -> list[LoadResult]:
    from obligations.evidence import LoadResult, load_evidence
    from obligations.ledger import Ledger, default_ledger_path
    from obligations.paths import shown

    if files:
        loads = [load_evidence(f, tz, as_of) for f in files]
        for load in loads:
            for bad in load.rejected:
                where = f"{load.file}:" if load.file else ""
                click.echo(f"{where}{bad.row}: {bad.code}: {bad.message(_lang())}", err=True)
        return loads
    path = Path(db) if db else default_ledger_path()
    if not path.exists():
        raise click.UsageError(
            f"no --evidence given and no evidence ledger at {path}"
            if _lang() == "en"
            else f"沒有給出 --evidence，{path} 也沒有證據台賬（先用 obligations evidence import 導入）"
        )
    with Ledger(path, create=False) as ledger:
        stored = [entry.record for entry in ledger.entries()]
    # The ledger as it stood at --as-of: what was published later is not evidence yet (a file's
    # such rows are rejected as future dates; the ledger's are simply later, and said so).
    records = tuple(r for r in stored if r.published_at <= as_of)
    later = len(stored) - len(records)
    if later:
        stamp = as_of.strftime("%Y-%m-%d %H:%M")
        click.echo(
            f"{path}: {later} entries published after --as-of {stamp} are not checked"
            if _lang() == "en"
            else f"{path}：{later} 條記錄發布於 --as-of {stamp} 之後，未納入核查",
            err=True,
        )
    return [LoadResult(records, (), len(records), shown(path))]


def _events(path: str | None, tz: str) -> list[Any]:
    if path is None:
        return []
    from obligations.events import load_events

    loaded = load_events(path, tz)
    for bad in loaded.rejected:
        click.echo(f"{path}: {bad.describe(_lang())}", err=True)
    return list(loaded.records)


@click.command("report")
@click.argument("specs", nargs=-1, type=click.Path())
@_check_options
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help="table, json or csv (or a format a plugin adds).",
)
@click.option(
    "--bom", is_flag=True, help="CSV: start with a UTF-8 BOM so Excel and WPS read Chinese correctly."
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write one self-contained HTML report (heat map, overdue list, per-agency table).",
)
@click.option("--force", is_flag=True, help="Overwrite the --html file if it exists.")
def report_cmd(inputs: CheckInputs, fmt: str, bom: bool, html_file: str | None, force: bool) -> None:
    """Per-agency compliance: on-time %, late, missing, mean lateness, grade (docs/reports.md)."""
    from obligations.compliance import compliance

    if html_file and Path(html_file).exists() and not force:
        raise click.UsageError(f"{html_file} exists; pass --force to overwrite it")
    spec, result = run_check(inputs)
    from obligations.cli import emit

    lang = _lang()
    keep = _agency_rows(spec, inputs.agency) if inputs.agency else None
    if html_file:  # the table and the page read every finding: build each once
        import attrs

        result = attrs.evolve(result, findings=tuple(result.findings))
    emit("compliance", compliance(result, agency=keep).rows, lang, fmt, bom=bom)
    if html_file:
        from obligations.html_report import render_html
        from obligations.script import detect_script

        html_lang = (
            "en" if lang == "en" else ("zh-Hans" if detect_script(spec.title) == "hans" else "zh-Hant")
        )
        write_whole(html_file, render_html(result, spec.title, html_lang, agency=keep), lang)
        click.echo(f"wrote {html_file}" if lang == "en" else f"已寫入 {html_file}", err=True)
    sys.exit(EXIT_FINDINGS if result.failing else EXIT_OK)


# ---- rendering ------------------------------------------------------------------------------------

_HEADERS = {
    "zh": ["狀態", "編號", "責任單位", "到期", "發布時間", "逾期（天）", "事項", "說明"],
    "en": ["status", "id", "agency", "due", "published", "late (days)", "subject", "detail"],
}
_STATUS_ZH = {
    "on_time": "按時",
    "late": "逾期",
    "missing": "未發布",
    "pending": "未到期",
    "wrong_agency": "單位不符",
    "duplicate": "重複",
    "unmatched": "無對應義務",
    "short": "次數不足",
    "gap": "更新間隔過長",
}


def status_label(status: str, lang: str) -> str:
    return status if lang == "en" else _STATUS_ZH.get(status, status)


def _deciding(f: Finding) -> EvidenceRecord | None:
    """The publication a row shows: the first, or for a count duty met (on time or late) the N-th,
    which decided it and from which its lateness is measured."""
    if not f.evidence:
        return None
    need = f.occurrence.min_count if f.occurrence is not None else 1
    from obligations.findings import Status

    if f.status in (Status.ON_TIME, Status.LATE) and 1 < need <= len(f.evidence):
        return f.evidence[need - 1]
    return f.evidence[0]


_DETAIL_ZH = {
    "no obligation of this spec has this id or subject": "本規範中沒有此編號或事項",
    "no occurrence of this obligation in the checked range": "檢查範圍內沒有此義務的到期項",
}


def _row(f: Finding, lang: str, spec: Spec | None = None) -> list[str]:
    from obligations.compliance import lateness_days

    deciding = _deciding(f)
    published = deciding.published_at.strftime("%Y-%m-%d %H:%M") if deciding else ""
    days = lateness_days(f) if f.lateness is not None else None  # halves up, as report and HTML
    late = f"{days:.1f}" if days is not None else ""
    ob = f.occurrence.obligation if f.occurrence else (spec.obligation(f.obligation) if spec else None)
    subject = ob.subject if ob else (f.evidence[0].subject or "" if f.evidence else "")
    detail = f.detail if lang == "en" else _DETAIL_ZH.get(f.detail, f.detail)
    due = f.due.strftime("%Y-%m-%d %H:%M") if f.due else ""
    if f.estimated:
        due += estimated_suffix(lang)
    return [
        status_label(f.status.value, lang),
        f.obligation,
        f.agency,
        due,
        published,
        late,
        subject,
        detail,
    ]


def to_json(result: CheckResult) -> dict[str, Any]:
    def record(r: Any) -> dict[str, Any]:
        return {
            "obligation": r.obligation,
            "subject": r.subject,
            "agency": r.agency,
            "published_at": r.published_at.isoformat(),
            "url": r.url,
            "title": r.title,
            "channel": r.channel,
            "period": str(r.period) if r.period else None,
            "source": {"file": r.source.file, "row": r.source.row} if r.source else None,
        }

    return {
        "summary": result.summary(),
        "findings": [
            {
                "obligation": f.obligation,
                "agency": f.agency,
                "due": f.due.isoformat() if f.due else None,
                "estimated": f.estimated,
                "status": f.status.value,
                "lateness_days": round(f.lateness.total_seconds() / 86400, 3)
                if f.lateness is not None
                else None,
                "detail": f.detail,
                "evidence": [record(r) for r in f.evidence],
            }
            for f in result.findings
        ],
        "rejected": [
            {
                "file": r.file,
                "row": r.row,
                "code": r.code,
                "message": r.message_en,
                "message_zh": r.message_zh,
            }
            for r in result.rejected
        ],
    }


def render(result: CheckResult, fmt: str, lang: str, bom: bool = False, spec: Spec | None = None) -> str:
    import json

    from obligations import report

    if fmt == "json":
        return json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
    listed = [f for f in result.findings if f.status.value != "pending" or fmt == "csv"]
    rows = [_row(f, lang, spec) for f in listed]
    headers = _HEADERS["en" if lang == "en" else "zh"]
    if fmt == "csv":
        return report.to_csv(headers, rows, bom=bom)
    note = estimate_note(lang) if any(f.estimated for f in listed) else ""
    # Lateness, in days with one decimal, is the one column of numbers: right-aligned.
    return simple_table(headers, rows, right=(5,)) + _summary_line(result, lang) + note


def _summary_line(result: CheckResult, lang: str) -> str:
    s = result.summary()
    if lang == "en":
        return (
            f"\nrows read {s['rows_read']}: matched {s['matched']}, unmatched {s['unmatched']}, "
            f"rejected {s['rejected']} · on time {s['on_time']}, late {s['late']}, missing {s['missing']}, "
            f"short {s['short']}, gaps {s['gap']}, pending {s['pending']} (not listed)\n"
        )
    return (
        f"\n讀取 {s['rows_read']} 行：匹配 {s['matched']}，無對應義務 {s['unmatched']}，拒收 {s['rejected']}"
        f" · 按時 {s['on_time']}，逾期 {s['late']}，未發布 {s['missing']}，次數不足 {s['short']}，"
        f"間隔過長 {s['gap']}，未到期 {s['pending']}（未列出）\n"
    )
