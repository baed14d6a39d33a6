"""docs/language.md is executable: its spec examples compile, and its claims about them hold.

Conventions of the document (see its introduction):

- every spec example is a fenced block with info string ``obl`` and compiles on its own with
  no errors; ``obl-nocompile`` marks an example that names a file which does not exist here
  (an include), which must still parse;
- ``<!-- same-meaning -->`` before a group of three fenced blocks (Traditional, Simplified,
  English keywords) says the three mean the same: their obligations (ids aside), header
  fields and agencies are compared;
- ``<!-- fmt-output keywords=… script=… -->`` before a ``text`` block says it is what ``fmt``
  prints for the nearest ``obl`` block above it;
- ``json`` blocks hold either one obligation (``"id"`` present: the ``list --format json`` entry
  of the ``obl`` block just above it, compiled as ``a.obl``) or one ``schedule`` per line, each
  of which some ``obl`` block of the document must produce;
- ``<!-- rejected-accepted -->`` before a ``text`` block of lines ending in ``✗ E102`` (rejected
  with that error) or ``✓`` (compiles): the gotchas of §12, checked line by line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest

from obligations import script
from obligations.checker import check
from obligations.compiler import compile_text
from obligations.diagnostics import render_all
from obligations.fmt import format_source, meaning
from obligations.parse_tree import parse
from obligations.syntax import Include, Obligation

DOC = Path(__file__).resolve().parents[1] / "docs" / "language.md"
KNOWN_INFO = {"obl", "obl-nocompile", "text", "json"}

MANDATORY = """\
每周 公布 食品安全抽檢 by 市場監管局
每季度 公布 藥品質量公告 by 市場監管局
按月 公開 全市財政收支情況 by 財政局
每半年 發布 消費市場運行情況分析報告 by 商務局
每月 8日前 公布 財政收支月報 by 財政局 遇節假日順延
每年 至少1次 開展 政務公開專項督查評估 by 市政府辦公室
每日 提前48小時 發布 城市空氣質量預報 by 環保局
事件 特別重大突發事件 後 5小時內 發布 權威信息 by 市政府辦公室
事件 信息形成或變更 後 20個工作日內 公開 政府文件 by 市政府辦公室
weekly publish "food safety sampling results" by "Market Supervision Bureau"
on event "major emergency" within 5 hours publish "authoritative information" by "City Government Office"
"""

_FENCE = re.compile(r"^```(\S*)\s*$")
_MARKER = re.compile(r"^<!--\s*(same-meaning|fmt-output|rejected-accepted)\b(.*?)-->\s*$")


@attrs.frozen
class Block:
    number: int  # 1-based position among all fenced blocks
    info: str
    text: str
    line: int  # line of the opening fence
    marker: tuple[str, str] | None  # (kind, arguments) of a marker comment since the previous block

    @property
    def label(self) -> str:
        return f"docs/language.md#{self.number}"


def _blocks() -> list[Block]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    marker: tuple[str, str] | None = None
    i = 0
    while i < len(lines):
        m = _MARKER.match(lines[i].strip())
        if m:
            marker = (m.group(1), m.group(2).strip())
        fence = _FENCE.match(lines[i])
        if fence and fence.group(1):
            start = i
            i += 1
            body: list[str] = []
            while i < len(lines) and lines[i].rstrip() != "```":
                body.append(lines[i])
                i += 1
            assert i < len(lines), f"unclosed fence at line {start + 1}"
            out.append(Block(len(out) + 1, fence.group(1), "\n".join(body) + "\n", start + 1, marker))
            marker = None
        i += 1
    return out


BLOCKS = _blocks()
SPEC_BLOCKS = [b for b in BLOCKS if b.info == "obl"]


def _groups() -> list[tuple[Block, Block, Block]]:
    groups = []
    for i, b in enumerate(BLOCKS):
        if b.marker and b.marker[0] == "same-meaning":
            trio = BLOCKS[i : i + 3]
            assert len(trio) == 3, f"same-meaning at block {b.number} has fewer than three blocks after it"
            groups.append((trio[0], trio[1], trio[2]))
    return groups


GROUPS = _groups()


def _ids(blocks: list[Block]) -> list[str]:
    return [f"{b.number}@L{b.line}" for b in blocks]


# ---- the document's shape ----------------------------------------------------------------------


def test_document_has_examples() -> None:
    assert len(SPEC_BLOCKS) >= 40
    assert len(GROUPS) >= 15


def test_every_block_is_tagged() -> None:
    """An untagged or misspelt fence would silently escape these tests."""
    unknown = [(b.line, b.info) for b in BLOCKS if b.info not in KNOWN_INFO]
    assert unknown == []
    lines = DOC.read_text(encoding="utf-8").splitlines()
    bare = [n for n, line in enumerate(lines, 1) if line.rstrip() == "```"]
    assert len(bare) == len(BLOCKS), "a fence without an info string opens a block"


def test_mandatory_examples_appear_verbatim() -> None:
    assert MANDATORY in DOC.read_text(encoding="utf-8")
    assert any(MANDATORY in b.text for b in SPEC_BLOCKS), "the mandatory examples must be one obl block"


# ---- every example compiles -------------------------------------------------------------------


@pytest.mark.parametrize("block", SPEC_BLOCKS, ids=_ids(SPEC_BLOCKS))
def test_block_compiles(block: Block) -> None:
    result = compile_text(block.text, block.label)
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.syntax and result.syntax[-1].statements, "an example must hold at least one statement"


NOCOMPILE = [b for b in BLOCKS if b.info == "obl-nocompile"]


@pytest.mark.parametrize("block", NOCOMPILE, ids=_ids(NOCOMPILE))
def test_nocompile_block_parses_and_is_an_include(block: Block) -> None:
    spec_file, diags = parse(block.text, block.label)
    assert diags == [], render_all(diags, {block.label: block.text}, "en")
    assert any(isinstance(s, Include) for s in spec_file.statements), "obl-nocompile is only for includes"


# ---- three keyword sets, one meaning ------------------------------------------------------------


def _what_it_means(block: Block) -> dict[str, Any]:
    spec_file, diags = parse(block.text, block.label)
    assert diags == [], render_all(diags, {block.label: block.text}, "en")
    obligations = meaning(spec_file)
    for ob in obligations:
        ob.pop("id")  # derived ids may differ between the blocks; meaning may not
    spec, _ = check([spec_file])
    given_ids = [ob.id for ob in spec.obligations if ob.id_given]
    header = {
        "title": script.key(spec.title),
        "issuer": script.key(spec.issuer),
        "issued": spec.issued,
        "timezone": spec.timezone,
        "prompt": spec.prompt,
        "effective": spec.effective,
    }
    agencies = [
        (script.key(a.name), script.key(a.full_name), sorted(script.key(x) for x in a.aliases))
        for a in spec.agencies
    ]
    return {"obligations": obligations, "given_ids": given_ids, "header": header, "agencies": agencies}


def _statement_lines(text: str) -> list[str]:
    lines = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "＃", ">", "＞")):
            continue
        lines.append(re.sub(r"\s+[#＃].*$", "", line))
    return lines


@pytest.mark.parametrize("group", GROUPS, ids=[f"{g[0].number}@L{g[0].line}" for g in GROUPS])
def test_same_meaning_in_three_keyword_sets(group: tuple[Block, Block, Block]) -> None:
    hant, hans, en = group
    assert {b.info for b in group} <= {"obl", "obl-nocompile"}
    assert len({b.info for b in group}) == 1
    assert hant.text != hans.text, "the Simplified example must be written in Simplified"
    expected = _what_it_means(hant)
    assert _what_it_means(hans) == expected
    assert _what_it_means(en) == expected

    # The Simplified block is Simplified (quotes, the evidence, are copied as the source has them).
    for line in _statement_lines(hans.text):
        assert script.to_hans(line) == line, f"not Simplified: {line}"
    # The English block uses English keywords: each statement starts with an ASCII keyword.
    for line in _statement_lines(en.text):
        keyword = re.sub(r"^[\[【][^\]】]*[\]】]\s*", "", line)
        assert keyword[:1].isascii(), f"not an English keyword: {line}"
    spec_file, _ = parse(en.text, en.label)
    assert all(s.english for s in spec_file.statements if isinstance(s, Obligation))


@pytest.mark.parametrize("group", GROUPS, ids=[f"{g[0].number}@L{g[0].line}" for g in GROUPS])
def test_ids_do_not_depend_on_keywords_or_script(group: tuple[Block, Block, Block]) -> None:
    """§6.2: derived ids come from meaning, so the three spellings of a group share them."""
    ids = []
    for block in group:
        spec_file, _ = parse(block.text, block.label)
        spec, _ = check([spec_file])
        ids.append([ob.id for ob in spec.obligations])
    assert ids[0] == ids[1] == ids[2]


# ---- documented outputs --------------------------------------------------------------------------


def _preceding_spec(block: Block) -> Block:
    before = [b for b in SPEC_BLOCKS if b.number < block.number]
    assert before, f"no obl block before block {block.number}"
    return before[-1]


FMT_OUTPUTS = [b for b in BLOCKS if b.marker and b.marker[0] == "fmt-output"]


@pytest.mark.parametrize("block", FMT_OUTPUTS, ids=_ids(FMT_OUTPUTS))
def test_fmt_output_is_what_fmt_prints(block: Block) -> None:
    assert block.info == "text"
    assert block.marker is not None
    options = dict(arg.split("=", 1) for arg in block.marker[1].split())
    source = _preceding_spec(block)
    formatted = format_source(
        source.text, "a.obl", keywords=options.get("keywords") or None, script=options.get("script") or None
    )
    assert formatted == block.text


def _all_schedules() -> list[dict[str, Any]]:
    out = []
    for b in SPEC_BLOCKS:
        result = compile_text(b.text, b.label)
        if result.spec is not None:
            out.extend(ob.to_dict()["schedule"] for ob in result.spec.obligations)
    return out


JSON_BLOCKS = [b for b in BLOCKS if b.info == "json"]


@pytest.mark.parametrize("block", JSON_BLOCKS, ids=_ids(JSON_BLOCKS))
def test_json_examples_are_what_the_compiler_produces(block: Block) -> None:
    try:
        whole = json.loads(block.text)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict) and "id" in whole:
        source = _preceding_spec(block)
        result = compile_text(source.text, "a.obl")
        assert result.spec is not None
        actual = [ob.to_dict() for ob in result.spec.obligations if ob.id == whole["id"]]
        assert actual == [whole]
        return
    schedules = _all_schedules()
    for line in block.text.splitlines():
        if line.strip():
            assert json.loads(line) in schedules, f"no example compiles to {line}"


# ---- §12: what is rejected, and how to write it instead ------------------------------------------

_REJECTED = re.compile(r"^(?P<line>.*\S)\s+✗ (?P<code>[EW]\d{3})$")
_ACCEPTED = re.compile(r"^(?P<line>.*\S)\s+✓$")


def _rejected_accepted() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for b in BLOCKS:
        if b.marker and b.marker[0] == "rejected-accepted":
            for raw in b.text.splitlines():
                if m := _REJECTED.match(raw):
                    out.append((m["line"], m["code"]))
                elif m := _ACCEPTED.match(raw):
                    out.append((m["line"], None))
                else:
                    assert not raw.strip(), f"neither ✗ nor ✓: {raw}"
    return out


REJECTED_ACCEPTED = _rejected_accepted()


def test_gotchas_are_listed() -> None:
    assert sum(code is not None for _, code in REJECTED_ACCEPTED) >= 10
    assert sum(code is None for _, code in REJECTED_ACCEPTED) >= 10


@pytest.mark.parametrize(("line", "code"), REJECTED_ACCEPTED)
def test_gotcha_lines_behave_as_documented(line: str, code: str | None) -> None:
    result = compile_text(line + "\n", "gotcha.obl")
    if code is None:
        assert result.errors == (), render_all(result.errors, result.sources, "en")
    else:
        assert [d.code for d in result.errors] == [code]
