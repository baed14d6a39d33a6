"""``obligations extract FILE [-o SPEC]``: draft a spec from a policy document or a catalogue.

Registered on the main group by ``cli.py`` (``main.add_command(extract_cmd)``). The draft goes to
stdout; ``-o SPEC`` writes it instead and never replaces an existing file unless ``--force`` is
given (nothing a person wrote is overwritten without asking). ``--agencies REGISTRY`` reuses an
existing agency registry: the draft includes it (``引用``, the path written relative to the
draft's directory) and names agencies by it instead of declaring placeholders. Exit codes follow
``cli.py``: 0 written, 2 usage error (the output exists), 3 unreadable input or registry.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from obligations.cli_options import keep_existing

EXIT_OK, EXIT_USAGE, EXIT_INVALID = 0, 2, 3

# A file that is neither UTF-8 nor GB18030: most often a Word or PDF file given as it is.
_NOT_TEXT_ZH = (
    "不是可識別的文本文件（已嘗試 UTF-8、GB18030/GBK）；Word 或 PDF 文件請先另存為純文本（.txt），"
    "目錄表格可直接用 .xlsx 或 .csv"
)
_NOT_TEXT_EN = (
    "not a text file this can read (tried UTF-8 and GB18030/GBK); save a Word or PDF document as "
    "plain text (.txt) first; a catalogue table can be given as .xlsx or .csv"
)


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
@click.option(
    "--agencies",
    "agencies_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="An agency registry (機構 declarations) to include and name agencies from.",
)
def extract_cmd(
    file: str, output: str | None, force: bool, kind: str, extractor: str, agencies_path: str | None
) -> None:
    """Draft a spec from FILE: a policy document (plain text) or a catalogue (.xlsx, .csv, text).

    \b
    The draft always compiles; every source sentence is kept as a > quote or a # comment, and every
    guess is said in a comment. Review it, then run `obligations lint` on it.
    """
    from obligations.compiler import compile_text
    from obligations.extract import (
        Registry,
        draft_file,
        extract_catalogue,
        load_extractor,
        load_registry,
        run_extractor,
    )

    zh = _lang() != "en"
    if output is not None:
        keep_existing(output, force, "zh" if zh else "en")
    registry: Registry | None = None
    if agencies_path is not None:
        # The draft names the registry relative to where it will live (stdout: the cwd).
        base = Path(output).resolve().parent if output is not None else Path.cwd()
        try:
            include = Path(os.path.relpath(Path(agencies_path).resolve(), base)).as_posix()
        except ValueError:  # another drive (Windows): only an absolute path works
            include = Path(agencies_path).resolve().as_posix()
        try:
            registry = load_registry(agencies_path, include)
        except (OSError, UnicodeDecodeError, ValueError) as err:
            click.echo(f"{agencies_path}: {err}", err=True)
            sys.exit(EXIT_INVALID)
    try:
        if kind == "catalogue":
            draft = extract_catalogue(file, registry)
        elif kind == "text":
            from obligations.extract_catalogue import read_text_file

            draft = run_extractor(load_extractor(extractor), read_text_file(file), Path(file).name, registry)
        else:
            draft = draft_file(file, extractor, registry)
    except LookupError as err:
        raise click.UsageError(str(err)) from err
    except UnicodeDecodeError:
        click.echo(f"{file}: {_NOT_TEXT_ZH if zh else _NOT_TEXT_EN}", err=True)
        sys.exit(EXIT_INVALID)
    except (OSError, ValueError) as err:
        click.echo(f"{file}: {err}", err=True)
        sys.exit(EXIT_INVALID)
    check = draft
    if registry is not None:  # compile_text resolves includes against the cwd
        check = draft.replace(f'"{registry.include}"', f'"{registry.path.as_posix()}"', 1)
    result = compile_text(check, output or "<draft>")
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
    except OSError as err:  # e.g. the folder does not exist
        click.echo(f"{output}: {err.strerror or err}", err=True)
        sys.exit(EXIT_INVALID)
    count = len(result.spec.obligations) if result.spec else 0
    click.echo(
        f"已寫入 {output}：{count} 條義務（草稿，請核對）"
        if zh
        else f"wrote {output}: {count} obligations (draft: review it)",
        err=True,
    )
