"""Refresh the example outputs in docs/diagnostics.md.

Errors: each example is a ```text block right after a marker ``<!-- golden: bad/X.out -->``; it
holds one diagnostic, in Chinese or English, copied from that golden file. Warnings: in each
``## Wxxx`` section, the first ```obl block is linted as ``spec.obl`` and the two ```text blocks
after it become that warning in Chinese and in English. After changing a message and running
``pytest --update-golden``, run this, then review both with ``git diff``; the tests fail while
running it would change anything.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "diagnostics.md"
GOLDEN = ROOT / "tests" / "golden"
BLOCK = re.compile(r"(<!-- golden: (?P<path>[^ ]+) -->\n```text\n)(?P<body>.*?)(\n```)", re.S)
HEAD = re.compile(r"^\S+:\d+:\d+: \S+ (?P<code>[EW]\d{3}):|^\S+ (?P<bare>[EW]\d{3}):", re.M)


def diagnostics(text: str) -> list[str]:
    """Split rendered output into one string per diagnostic (a head line and its indented lines)."""
    out: list[list[str]] = []
    for line in text.splitlines():
        if HEAD.match(line):
            out.append([line])
        elif out and (line.startswith(" ") or line.startswith("  =")):
            out[-1].append(line)
    return ["\n".join(d) for d in out]


def pick(old: str, golden: str) -> str:
    zh, _, en = golden.partition("\n---\n")
    english = " error " in old.splitlines()[0] or " warning " in old.splitlines()[0]
    m = HEAD.match(old)
    code = (m.group("code") or m.group("bare")) if m else None
    candidates = diagnostics(en if english else zh)
    for cand in candidates:
        cm = HEAD.match(cand)
        if cm and (cm.group("code") or cm.group("bare")) == code:
            return cand
    return candidates[0] if candidates else old


WARNING = re.compile(
    r"(?P<head>## (?P<code>W\d{3})\n.*?```obl\n)(?P<spec>.*?)(?P<mid>\n```\n\n```text\n)(?P<zh>.*?)"
    r"(?P<mid2>\n```\n\n```text\n)(?P<en>.*?)(?P<tail>\n```)",
    re.S,
)


def lint_example(code: str, spec: str) -> tuple[str, str]:
    """The warning ``code`` that linting ``spec`` gives, rendered in Chinese and in English."""
    from obligations.compiler import compile_text
    from obligations.diagnostics import render_text
    from obligations.lint import lint

    result = compile_text(spec + "\n", "spec.obl")
    assert result.spec is not None, f"{code}: the example does not compile"
    found = [d for d in lint(result.spec) if d.code == code]
    assert found, f"{code}: the example does not give {code}"
    return render_text(found[0], result.sources, "zh"), render_text(found[0], result.sources, "en")


def refresh(doc: str) -> str:
    def golden(m: re.Match[str]) -> str:
        text = (GOLDEN / m.group("path")).read_text(encoding="utf-8")
        return m.group(1) + pick(m.group("body"), text) + m.group(4)

    def warning(m: re.Match[str]) -> str:
        zh, en = lint_example(m.group("code"), m.group("spec"))
        return (
            m.group("head") + m.group("spec") + m.group("mid") + zh + m.group("mid2") + en + m.group("tail")
        )

    return WARNING.sub(warning, BLOCK.sub(golden, doc))


def main() -> int:
    doc = DOC.read_text(encoding="utf-8")
    new = refresh(doc)
    if new != doc:
        DOC.write_text(new, encoding="utf-8")
        print("docs/diagnostics.md refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
