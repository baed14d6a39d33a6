"""Golden tests for the compiler.

``tests/golden/good/X.obl`` compiles with no errors; ``X.json`` beside it is its
``list --format json``. ``tests/golden/bad/X.obl`` fails; ``X.out`` beside it holds the full
diagnostic text in Chinese, then a line ``---``, then in English. Run pytest with
``--update-golden`` to rewrite the expected files, and review the change with ``git diff``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from obligations.compiler import compile_file
from obligations.diagnostics import render_all

GOLDEN = Path(__file__).parent / "golden"
GOOD = sorted((GOLDEN / "good").glob("*.obl"))
BAD = sorted((GOLDEN / "bad").glob("*.obl"))


def _relative(path: Path) -> str:
    return path.relative_to(GOLDEN).as_posix()


def _compile(path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # Compile from the golden folder so file names in diagnostics are short and stable.
    monkeypatch.chdir(GOLDEN)
    return compile_file(_relative(path))


def _check(expected_path: Path, actual: str, update: bool) -> None:
    if update or not expected_path.exists():
        expected_path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"{expected_path.name} did not exist; written now, review it and rerun")
    assert actual == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good(path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _compile(path, monkeypatch)
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.spec is not None
    actual = json.dumps([ob.to_dict() for ob in result.spec.obligations], ensure_ascii=False, indent=2) + "\n"
    _check(path.with_suffix(".json"), actual, update_golden)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad(path: Path, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    result = _compile(path, monkeypatch)
    assert result.errors, f"{path.name} compiled without errors"
    assert result.spec is None
    text = render_all(result.diagnostics, result.sources, "zh") + "\n---\n"
    text += render_all(result.diagnostics, result.sources, "en") + "\n"
    _check(path.with_suffix(".out"), text, update_golden)


def test_enough_bad_cases() -> None:
    assert len(BAD) >= 30
