"""``obligations extract FILE [-o SPEC]``: draft a spec from a policy document or a catalogue.

Registered on the main group by ``cli.py`` (``main.add_command(extract_cmd)``). The draft goes to
stdout; ``-o SPEC`` writes it instead and never replaces an existing file unless ``--force`` is
given (nothing a person wrote is overwritten without asking). Exit codes follow ``cli.py``:
0 written, 2 usage error (the output exists), 3 unreadable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_USAGE, EXIT_INVALID = 0, 2, 3


def _lang() -> str:
    ctx = click.get_current_context(silent=True)
    lang = getattr(ctx.obj, "lang", None) if ctx is not None else None
    if lang:
        return str(lang)
    from obligations.diagnostics import default_lang

    return default_lang()


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the draft to this spec file (default: print it).",
)
@click.option("--force", is_flag=True, help="Replace OUTPUT if it already exists.")
@click.option(
    "--kind",
    type=click.Choice(["auto", "text", "catalogue"]),
    default="auto",
    show_default=True,
    help="A policy document (text) or a 標準目錄 table (catalogue); auto: by suffix and content.",
)
@click.option(
    "--extractor",
    default="rules",
    show_default=True,
    help="Extractor for policy text: the built-in rules, or a plugin of the obligations.extractors group.",
)
def extract_cmd(file: str, output: str | None, force: bool, kind: str, extractor: str) -> None:
    """Draft a spec from FILE: a policy document (plain text) or a catalogue (.xlsx, .csv, text).

    \b
    The draft always compiles; every source sentence is kept as a > quote or a # comment, and every
    guess is said in a comment. Review it, then run `obligations lint` on it.
    """
    from obligations.compiler import compile_text
    from obligations.extract import draft_file, extract_catalogue, load_extractor

    zh = _lang() != "en"
    if output is not None and Path(output).exists() and not force:
        click.echo(
            f"{output} 已存在，未覆蓋；要覆蓋請加 --force"
            if zh
            else f"{output} exists; not overwritten (use --force)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    try:
        if kind == "catalogue":
            draft = extract_catalogue(file)
        elif kind == "text":
            from obligations.extract_catalogue import read_text_file

            draft = load_extractor(extractor).extract_text(read_text_file(file), Path(file).name)
        else:
            draft = draft_file(file, extractor)
    except LookupError as err:
        raise click.UsageError(str(err)) from err
    except (OSError, UnicodeDecodeError, ValueError) as err:
        click.echo(f"{file}: {err}", err=True)
        sys.exit(EXIT_INVALID)
    result = compile_text(draft, output or "<draft>")
    if result.errors:  # a plugin's output; the built-in extractors never get here
        from obligations.diagnostics import render_all

        click.echo(render_all(result.errors, result.sources, "zh" if zh else "en"), err=True)
        sys.exit(EXIT_INVALID)
    if output is None:
        click.echo(draft, nl=False)
        return
    mode = "w" if force else "x"
    try:
        with open(output, mode, encoding="utf-8", newline="\n") as f:
            f.write(draft)
    except FileExistsError:  # created since the check above
        click.echo(f"{output} 已存在，未覆蓋" if zh else f"{output} exists; not overwritten", err=True)
        sys.exit(EXIT_USAGE)
    count = len(result.spec.obligations) if result.spec else 0
    click.echo(
        f"已寫入 {output}：{count} 條義務（草稿，請核對）"
        if zh
        else f"wrote {output}: {count} obligations (draft: review it)",
        err=True,
    )
