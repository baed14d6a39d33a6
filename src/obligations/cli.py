"""The command line: parse options, call the library, render, choose the exit code.

Exit codes: 0 fine, 1 findings (lint warnings, a file fmt would change), 2 usage error,
3 invalid spec or unreadable input. Heavy modules are imported inside commands so that
``obligations --help`` and the common commands start fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from obligations import __version__
from obligations.cli_options import DateTimeInRange, estimate_option, holidays_option, write_whole

if TYPE_CHECKING:
    from obligations.cache import CompileResult
    from obligations.model import Spec

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INVALID = 0, 1, 2, 3


class Context:
    def __init__(self, lang: str) -> None:
        self.lang = lang


def _lang_default() -> str:
    from obligations.language import default_lang

    return default_lang()


class _LazyGroup(click.Group):
    """Commands defined in other modules are imported only when run (or listed by --help):
    ``obligations due --week`` should not pay for check, evidence and extract."""

    LAZY: ClassVar[dict[str, str]] = {
        "due": "obligations.cli_due:due",
        "calendar": "obligations.cli_due:calendar_cmd",
        "check": "obligations.cli_check:check",
        "report": "obligations.cli_check:report_cmd",
        "evidence": "obligations.cli_evidence:evidence",
        "extract": "obligations.cli_extract:extract_cmd",
    }

    # What ``obligations --help`` lists for each, so that listing imports none of them (a test keeps
    # these equal to the commands' own help).
    SHORT_HELP: ClassVar[dict[str, str]] = {
        "due": "What falls due in a range (default: this week), who owes it, and how late it is.",
        "calendar": "The days off and make-up working days of a year, with their names and notice.",
        "check": "Check published evidence against what SPEC says was due: on time, late, missing, …",
        "report": "Per-agency compliance: on-time %, late, missing, mean lateness, grade (docs/reports.md).",
        "evidence": "Evidence of publication (證據台賬): add, import, list, export.",
        "extract": (
            "Draft a spec from FILE: a policy document (plain text) or a catalogue (.xlsx, .csv, text)."
        ),
    }
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_commands(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self._listing and cmd_name in self.SHORT_HELP and cmd_name not in self.commands:
            return click.Command(cmd_name, help=self.SHORT_HELP[cmd_name])  # a stand-in, for its help
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            from importlib import import_module

            module, _, attr = self.LAZY[cmd_name].partition(":")
            command: click.Command = getattr(import_module(module), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="obligations")
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of messages (default: from the locale; Chinese when unsure).",
)
@click.pass_context
def main(ctx: click.Context, lang: str | None) -> None:
    """obligations: 政務公開 duties as a checkable rules language.

    \b
    Write duties in a spec file (.obl), then:
      obligations list SPEC      what the spec says
      obligations lint SPEC      what looks wrong or cannot be scheduled
      obligations fmt SPEC       canonical layout, keywords in zh or en
    """
    ctx.obj = Context(lang or _lang_default())


def _spec_paths(specs: Sequence[str]) -> list[str]:
    """The SPEC arguments, or ./specs/ when present, else the bundled source-document spec."""
    if specs:
        return list(specs)
    from obligations.paths import bundled_spec_dir

    local = Path("specs")
    chosen = str(local) if local.is_dir() else str(bundled_spec_dir())
    click.echo(f"# spec: {chosen}", err=True)
    return [chosen]


def _compile(lang: str, specs: Sequence[str]) -> list[CompileResult]:
    """Compile through the compiled-spec cache (``cache.compile_cached``); print every diagnostic;
    exit 3 if any spec has errors. Every command that reads specs comes here."""
    from obligations.cache import compile_cached

    results = compile_cached(_spec_paths(specs))
    if not results:
        raise click.UsageError("no spec files found (*.obl)")
    failed = [r for r in results if r.errors]
    if failed:
        from obligations.diagnostics import render_all

        for r in failed:
            click.echo(render_all(r.errors, r.sources, lang), err=True)
        count = sum(len(r.errors) for r in results)
        click.echo(f"{count} error(s)" if lang == "en" else f"共 {count} 個錯誤", err=True)
        sys.exit(EXIT_INVALID)
    return results


def _specs(results: Sequence[CompileResult]) -> list[Spec]:
    return [r.spec for r in results if r.spec is not None]


# ---- list ---------------------------------------------------------------------------------------


@main.command("list")
@click.argument("specs", nargs=-1, type=click.Path())
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
@click.pass_obj
def list_cmd(obj: Context, specs: tuple[str, ...], fmt: str, bom: bool) -> None:
    """List the obligations of SPEC files or directories."""
    results = _compile(obj.lang, specs)
    obligations = [ob for spec in _specs(results) for ob in spec.obligations]
    emit("obligations", obligations, obj.lang, fmt, bom=bom)


def emit(kind: str, payload: Any, lang: str, fmt: str, *, bom: bool = False, **extra: Any) -> None:
    """Render through the format registry (obligations.formats); an unknown format is a usage error."""
    from obligations import formats

    try:
        formats.emit(formats.Output(kind, payload, lang, bom, extra), fmt)
    except formats.FormatError as err:
        raise click.UsageError(str(err)) from None
    except formats.PluginFailed as err:
        click.echo(f"error: {err}" if lang == "en" else f"錯誤：{err}", err=True)
        sys.exit(EXIT_INVALID)


# ---- lint ---------------------------------------------------------------------------------------


@main.command()
@click.argument("specs", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def lint(obj: Context, specs: tuple[str, ...], fmt: str) -> None:
    """Report what looks wrong: unknown verbs, undeclared agencies, duplicates, vague timing."""
    import json

    from obligations.diagnostics import render_all, to_json
    from obligations.lint import lint as run_lint

    results: list[CompileResult]
    if fmt == "json":
        from obligations.cache import compile_cached

        results = compile_cached(_spec_paths(specs))
        errors = [to_json(d, obj.lang) for r in results for d in r.errors]
        if errors:  # a program reading JSON gets the errors as JSON too
            click.echo(json.dumps(errors, ensure_ascii=False, indent=2))
            sys.exit(EXIT_INVALID)
    else:
        results = _compile(obj.lang, specs)
    found = 0
    payload: list[dict[str, Any]] = []
    for r in results:
        assert r.spec is not None
        warnings = sorted(run_lint(r.spec), key=_position)
        found += len(warnings)
        if fmt == "json":
            payload.extend(to_json(w, obj.lang) for w in warnings)
        elif warnings:
            click.echo(render_all(warnings, r.sources, obj.lang))
    if fmt == "json":
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    elif found:
        click.echo(f"{found} warning(s)" if obj.lang == "en" else f"共 {found} 個警告", err=True)
    sys.exit(EXIT_FINDINGS if found else EXIT_OK)


def _position(d: Any) -> tuple[str, int, int, str]:
    span = d.span
    return (span.file, span.line, span.column, d.code) if span else ("", 0, 0, d.code)


# ---- explain ------------------------------------------------------------------------------------


@main.command()
@click.argument("obligation_id")
@click.argument("specs", nargs=-1, type=click.Path())
@click.option(
    "--on",
    "on",
    type=DateTimeInRange(["%Y-%m-%d"]),
    default=None,
    help="List the due dates from this day (default: today in the spec's time zone).",
)
@click.option(
    "--count",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many next due dates to list.",
)
@holidays_option
@estimate_option
@click.pass_obj
def explain(
    obj: Context,
    obligation_id: str,
    specs: tuple[str, ...],
    on: Any,
    count: int,
    holidays: tuple[str, ...],
    estimate: bool,
) -> None:
    """Where an obligation comes from, and its next due dates with the holidays that moved them."""
    from obligations import report
    from obligations.cli_due import _calendar

    # Every spec that has the id: two files of one folder may both have it (last year's key
    # points and this year's), and showing only the first would hide the other.
    found = [
        (spec, ob) for spec in _specs(_compile(obj.lang, specs)) if (ob := spec.obligation(obligation_id))
    ]
    if found:
        calendar = _calendar(obj.lang, holidays, estimate)  # a bad holidays file: a message, exit 3
        for n, (spec, ob) in enumerate(found):
            if n:
                click.echo()
            click.echo(report.explain_obligation(spec, ob, obj.lang), nl=False)
            click.echo(_next_due(spec, ob, on, count, calendar, obj.lang), nl=False)
        return
    raise click.UsageError(
        f"no obligation {obligation_id!r}" if obj.lang == "en" else f"沒有編號為 {obligation_id} 的義務"
    )


def _next_due(spec: Any, ob: Any, on: Any, count: int, calendar: Any, lang: str) -> str:
    import datetime as dt

    import attrs
    import pendulum

    from obligations import report
    from obligations.model import Event, Unscheduled
    from obligations.occurrences import as_occurrences, expand_within_data

    if isinstance(ob.schedule, Unscheduled):
        return report.next_due_note("unscheduled", lang)
    if isinstance(ob.schedule, Event) and not ob.schedule.sync_with:
        return report.next_due_note("needs_events", lang)
    start = on.date() if on else pendulum.now(spec.timezone).date()
    chain = [ob]  # 同步 [ID] needs the obligations it refers to
    while isinstance(chain[-1].schedule, Event) and chain[-1].schedule.sync_with:
        ref = spec.obligation(chain[-1].schedule.sync_with)
        if ref is None or ref in chain:
            break
        chain.append(ref)
    if isinstance(chain[-1].schedule, Event) and not chain[-1].schedule.sync_with:
        return report.next_due_note("needs_events", lang)  # the chain ends in an event
    alone = attrs.evolve(spec, obligations=tuple(chain))
    # as far ahead as the holiday data reaches
    series, missing = expand_within_data(alone, start, start + dt.timedelta(days=400), calendar=calendar)
    found = as_occurrences([s for s in series if s.obligation.id == ob.id])
    if not found and missing is not None:
        return report.next_due_note("no_data", lang, str(missing.year))
    return report.next_due(found, count, lang, stops=missing.year if missing is not None else None)


# ---- plugins ------------------------------------------------------------------------------------


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def plugins(obj: Context, fmt: str) -> None:
    """List installed plugins (built-in ones too), where they come from, and any that failed to load."""
    import json

    from obligations import report
    from obligations.plugins import all_plugins

    found = all_plugins()
    if fmt == "json":
        rows = [
            {
                "group": p.group,
                "name": p.name,
                "value": p.value,
                "distribution": p.distribution,
                "error": p.error,
            }
            for p in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        ok, failed = ("ok", "failed: ") if obj.lang == "en" else ("正常", "加載失敗：")
        headers = (
            ["group", "name", "distribution", "status"]
            if obj.lang == "en"
            else ["類別", "名稱", "來源", "狀態"]
        )
        rows_t = [
            [p.group, p.name, p.distribution, ok if p.error is None else failed + p.error] for p in found
        ]
        click.echo(report.table(headers, rows_t), nl=False)
    sys.exit(EXIT_FINDINGS if any(p.error for p in found) else EXIT_OK)


# ---- fmt ----------------------------------------------------------------------------------------


@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--check", is_flag=True, help="Exit 1 if any file is not formatted; change nothing.")
@click.option("--write", "-w", is_flag=True, help="Rewrite the files in place (default: print to stdout).")
@click.option(
    "--script",
    type=click.Choice(["hant", "hans"]),
    default=None,
    help="Convert names and keywords to Traditional (hant) or Simplified (hans) Chinese.",
)
@click.option(
    "--keywords",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Write keywords in Chinese or English (default: as the file has them).",
)
@click.pass_obj
def fmt(
    obj: Context, specs: tuple[str, ...], check: bool, write: bool, script: str | None, keywords: str | None
) -> None:
    """Print SPEC files in canonical form (same meaning, comments kept).

    A directory stands for every *.obl file under it, included files too."""
    from obligations.compiler import SPEC_SUFFIX, read_source
    from obligations.diagnostics import Diagnostic, render_all
    from obligations.fmt import FormatError, format_source

    files = [
        str(f) for p in map(Path, specs) for f in (sorted(p.rglob(f"*{SPEC_SUFFIX}")) if p.is_dir() else [p])
    ]
    if not files:
        raise click.UsageError("no spec files found (*.obl)")
    changed = failed = 0
    for path in files:  # a file that cannot be formatted is said, and the others are still done
        try:
            # Strictly UTF-8: text decoded with replacement characters, written back, would lose
            # what the user wrote (a GBK file's Chinese) for good.
            original = read_source(Path(path))
        except UnicodeDecodeError:
            click.echo(render_all([Diagnostic("E304", None, {"path": path})], {}, obj.lang), err=True)
            failed += 1
            continue
        try:
            formatted = format_source(original, path, keywords=keywords, script=script)
        except FormatError as err:
            click.echo(render_all(err.diagnostics, {path: original}, obj.lang), err=True)
            failed += 1
            continue
        if not check and not write:
            click.echo(formatted, nl=False)
        if formatted == original:
            continue
        changed += 1
        if check:
            click.echo(f"would reformat {path}" if obj.lang == "en" else f"需要格式化：{path}", err=True)
        elif write:
            write_whole(path, formatted, obj.lang)
            click.echo(f"reformatted {path}" if obj.lang == "en" else f"已格式化：{path}", err=True)
    if failed:
        click.echo(
            f"{failed} of {len(files)} file(s) not formatted (see above)"
            if obj.lang == "en"
            else f"{len(files)} 個文件中有 {failed} 個未能格式化（見上）",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    sys.exit(EXIT_FINDINGS if check and changed else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
