"""Generate docs/cli.md from the click commands themselves, so the reference cannot drift.

Run ``python tools/gen_cli_docs.py`` after changing a command; tests/test_cli_docs.py fails
when docs/cli.md differs from what this prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "cli.md"

INTRO = """# Command-line reference

Generated from the commands by `python tools/gen_cli_docs.py`; do not edit by hand.

- Messages follow `--lang zh|en` (default: the locale; Chinese when unsure).
- Exit codes: 0 fine, 1 findings (lint warnings, late or missing items, rows an import or an events
  file rejected, a file `fmt` would change), 2 usage error, 3 invalid spec or unreadable input.
  `check` and `report` exit 1 only for late, missing, short or gap findings: a rejected evidence
  row is listed on standard error and counted in the summary.
- Output never contains colour or progress bars, so it pipes cleanly (`NO_COLOR` is respected trivially).
- Shell completion (click's): `eval "$(_OBLIGATIONS_COMPLETE=bash_source obligations)"` in `~/.bashrc`
  (`zsh_source` for zsh, `fish_source` for fish).
"""


def _section(cmd: click.Command, path: list[str], parent: click.Context | None) -> list[str]:
    # Build contexts as click does for a real run, so help option names and widths are the user's.
    settings: dict[str, object] = {"terminal_width": 100, "max_content_width": 100}
    settings.update(cmd.context_settings)
    ctx = click.Context(cmd, info_name=path[-1], parent=parent, **settings)  # type: ignore[arg-type]
    lines = [
        f"{'#' * min(len(path) + 1, 4)} `{' '.join(path)}`",
        "",
        "```text",
        cmd.get_help(ctx).rstrip(),
        "```",
        "",
    ]
    if isinstance(cmd, click.Group):
        for name in sorted(cmd.list_commands(ctx)):
            sub = cmd.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                lines += _section(sub, [*path, name], ctx)
    return lines


def render() -> str:
    from obligations.cli import main

    return INTRO + "\n" + "\n".join(_section(main, ["obligations"], None)).rstrip() + "\n"


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    sys.exit(0)
