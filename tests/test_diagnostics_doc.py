"""docs/diagnostics.md documents exactly the codes in ``MESSAGES``, and the golden tests show them.

* every code in ``MESSAGES`` has a ``## CODE`` section, and every such section is a real code;
* each section states the code's severity;
* every error code a spec file can trigger appears in at least one ``tests/golden/bad/*.out``;
* every example output in the document marked ``<!-- golden: bad/X.out -->`` is, verbatim,
  part of that golden file, so the document never shows a message the compiler no longer prints.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from obligations.diagnostics import MESSAGES, Severity

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "diagnostics.md"
GOLDEN = Path(__file__).parent / "golden"

# Error codes that no spec file can produce, and why. Keep this list short and explained.
NOT_FROM_A_FILE = {
    # The parser appends a final line break before parsing, so input never ends mid-line;
    # a truncated last line is reported as E102 ("found the end of the line").
    "E103": "a file always ends with a complete line",
    # Only `obligations fmt` reports it, when its own output would not mean the same (a bug).
    "E305": "reported by fmt's self-check, not by compiling a spec",
}

_HEADING = re.compile(r"^## ([A-Z]\d{3})\s*$", re.MULTILINE)
_GOLDEN_BLOCK = re.compile(r"<!-- golden: (\S+) -->\n```text\n(.*?)\n```", re.DOTALL)
_REPORTED = re.compile(r"(?:錯誤|error) (E\d{3}):")


def _doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _sections() -> dict[str, str]:
    text = _doc()
    matches = list(_HEADING.finditer(text))
    out: dict[str, str] = {}
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[m.end() : end]
        nxt = re.search(r"^#{1,2} ", body, re.MULTILINE)  # a section ends at the next # or ## heading
        out[m.group(1)] = body[: nxt.start()] if nxt else body
    return out


def test_every_code_is_documented() -> None:
    missing = sorted(set(MESSAGES) - set(_sections()))
    assert not missing, f"docs/diagnostics.md has no '## CODE' section for {missing}"


def test_every_documented_code_exists() -> None:
    unknown = sorted(set(_sections()) - set(MESSAGES))
    assert not unknown, f"docs/diagnostics.md documents codes that are not in MESSAGES: {unknown}"


def test_each_code_is_documented_once() -> None:
    codes = _HEADING.findall(_doc())
    twice = sorted({c for c in codes if codes.count(c) > 1})
    assert not twice, f"codes with more than one section: {twice}"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_section_states_severity(code: str) -> None:
    body = _sections().get(code)
    if body is None:
        pytest.skip("no section (reported by test_every_code_is_documented)")
    word = "error" if MESSAGES[code].severity is Severity.ERROR else "warning"
    assert re.search(rf"\*\*Severity:\*\* {word}\b", body), f"## {code} should say '**Severity:** {word}'"


def test_untriggerable_codes_are_real() -> None:
    assert set(NOT_FROM_A_FILE) <= set(MESSAGES), "NOT_FROM_A_FILE names codes that no longer exist"


def test_every_error_code_has_a_golden_case() -> None:
    reported: set[str] = set()
    for out in (GOLDEN / "bad").glob("*.out"):
        reported.update(_REPORTED.findall(out.read_text(encoding="utf-8")))
    wanted = {c for c, m in MESSAGES.items() if m.severity is Severity.ERROR} - set(NOT_FROM_A_FILE)
    missing = sorted(wanted - reported)
    assert not missing, f"no tests/golden/bad case reports {missing}: add a small .obl that triggers it"


def test_doc_examples_match_golden_output() -> None:
    blocks = _GOLDEN_BLOCK.findall(_doc())
    assert blocks, "docs/diagnostics.md should show golden output examples"
    stale = []
    for rel, shown in blocks:
        path = GOLDEN / rel
        assert path.is_file(), f"docs/diagnostics.md refers to {rel}, which does not exist"
        if shown not in path.read_text(encoding="utf-8"):
            stale.append(rel)
    assert not stale, (
        "these examples in docs/diagnostics.md no longer match the compiler's output; "
        f"copy the current text from tests/golden/{', tests/golden/'.join(stale)}"
    )


def test_examples_are_in_sync() -> None:
    """Every example output in docs/diagnostics.md is what the compiler and lint print today."""
    import importlib.util

    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("sync_doc", root / "tools" / "sync_diagnostics_doc.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = (root / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert module.refresh(doc) == doc, "run python tools/sync_diagnostics_doc.py and review the diff"
