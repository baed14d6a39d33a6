"""Every ```console block in docs/ is run and must print exactly what the doc shows.

A block marked ```console example starts with a line ``$ obligations ARGS…`` (run from the repository root) followed by the
expected standard output; the info string may say ``console example exit=N`` (default 0). Messages on
standard error are not part of the comparison.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations.cli import main

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(
    r"```console example(?: exit=(?P<exit>\d+))?\n\$ obligations (?P<args>[^\n]*)\n(?P<out>.*?)```", re.S
)


def _examples() -> list[tuple[str, int, str, str]]:
    found = []
    for doc in sorted((ROOT / "docs").rglob("*.md")):
        for m in BLOCK.finditer(doc.read_text(encoding="utf-8")):
            line = doc.read_text(encoding="utf-8")[: m.start()].count("\n") + 1
            found.append(
                (
                    f"{doc.relative_to(ROOT)}:{line}",
                    int(m.group("exit") or 0),
                    m.group("args"),
                    m.group("out"),
                )
            )
    return found


EXAMPLES = _examples()


@pytest.mark.parametrize(("where", "code", "args", "out"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_console_example(where: str, code: int, args: str, out: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("OBLIGATIONS_HOLIDAYS", raising=False)
    result = CliRunner().invoke(main, shlex.split(args))
    assert result.stdout == out, f"{where}: output differs"
    assert result.exit_code == code, f"{where}: exit {result.exit_code}"


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 2
