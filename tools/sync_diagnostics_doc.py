"""Refresh the example outputs in docs/diagnostics.md from the golden files.

Each example is a ```text block right after a marker ``<!-- golden: bad/X.out -->``; it holds
one diagnostic, in Chinese or English, copied from that golden file. After changing a message
and running ``pytest --update-golden``, run this, then review both with ``git diff``.
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


def main() -> int:
    doc = DOC.read_text(encoding="utf-8")

    def refresh(m: re.Match[str]) -> str:
        golden = (GOLDEN / m.group("path")).read_text(encoding="utf-8")
        return m.group(1) + pick(m.group("body"), golden) + m.group(4)

    new = BLOCK.sub(refresh, doc)
    if new != doc:
        DOC.write_text(new, encoding="utf-8")
        print("docs/diagnostics.md refreshed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
