"""Source text → syntax, through the Lark LALR parser built from ``grammar/obligations.lark``.

The parser is built once per process and cached on disk by Lark (``cache=True``), so
start-up does not rebuild the grammar. Parsing runs ``SyntaxBuilder`` inline; every Lark
exception is turned into a diagnostic here and never escapes. To report every syntax error
of a file in one run, a line that fails is blanked (keeping all offsets) and the parse is
repeated; statements are line-based, so one bad line does not hide the others.
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from obligations.diagnostics import Diagnostic, Span
from obligations.syntax import SpecFile, Statement, SyntaxBuilder

GRAMMAR_NAME = "obligations.lark"
MAX_SYNTAX_ERRORS = 50


def grammar_path() -> Path:
    """The grammar shipped in the wheel, or the repository's ``grammar/`` when run from source."""
    shipped = resources.files("obligations") / "grammar" / GRAMMAR_NAME
    if shipped.is_file():
        return Path(str(shipped))
    return Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_NAME


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


class _Parser:
    def __init__(self) -> None:
        from lark import Lark

        self.builder = SyntaxBuilder()
        self.comments: list[tuple[int, str]] = []
        self.lark = Lark(
            grammar_text(),
            parser="lalr",
            lexer="contextual",
            propagate_positions=True,
            maybe_placeholders=False,
            transformer=self.builder,
            lexer_callbacks={"COMMENT": self._comment},
            cache=True,
        )
        self.lock = threading.Lock()

    def _comment(self, tok: Any) -> Any:
        self.comments.append((tok.line, str(tok)))
        return tok


@cache
def _parser() -> _Parser:
    return _Parser()


@cache
def tree_parser() -> Any:
    """A parser producing a plain Lark tree with positions, for tools and debugging."""
    from lark import Lark

    return Lark(grammar_text(), parser="lalr", lexer="contextual", propagate_positions=True, cache=True)


def parse(text: str, file: str = "<string>") -> tuple[SpecFile, list[Diagnostic]]:
    """Parse one spec file. Returns the syntax of every line that parsed and a diagnostic per bad line."""
    from lark.exceptions import UnexpectedInput

    p = _parser()
    work = text if text.endswith("\n") else text + "\n"
    diagnostics: list[Diagnostic] = []
    with p.lock:
        p.builder.file = file
        p.builder.text = work
        while True:
            p.comments = []
            try:
                statements: list[Statement] = p.lark.parse(work)  # type: ignore[assignment]  # inline builder
                break
            except UnexpectedInput as err:
                diag, line = _diagnostic(err, work, file)
                diagnostics.append(diag)
                if len(diagnostics) >= MAX_SYNTAX_ERRORS or line < 1:
                    statements = []
                    break
                work = _blank_line(work, line)
                p.builder.text = work
        comments = tuple(p.comments)
    return SpecFile(file, tuple(statements), comments), diagnostics


def _blank_line(text: str, line: int) -> str:
    """Replace line ``line`` (1-based) and the quote lines after it with spaces, keeping offsets."""
    lines = text.split("\n")
    idx = line - 1
    lines[idx] = " " * len(lines[idx])
    idx += 1
    while idx < len(lines) and lines[idx].lstrip().startswith((">", "＞")):
        lines[idx] = " " * len(lines[idx])
        idx += 1
    return "\n".join(lines)


# ---- turning Lark's exceptions into diagnostics -------------------------------------------------


def _diagnostic(err: Any, text: str, file: str) -> tuple[Diagnostic, int]:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(err, UnexpectedCharacters):
        pos: int = err.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        span = Span(file, err.line, err.column, err.line, err.column + 1, pos, pos + 1)
        expected = describe_expected(set(err.allowed or ()))
        found = {"zh": f"字符「{ch}」", "en": f"character {ch!r}"}
        return Diagnostic("E101", span, _args(found, expected)), err.line
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        tok = err.token
        span = Span(
            file,
            tok.line,
            tok.column,
            tok.end_line or tok.line,
            tok.end_column or tok.column + 1,
            tok.start_pos or 0,
            tok.end_pos or 0,
        )
        expected_set = set(err.expected or ())
        expected = describe_expected(expected_set)
        args = _args(describe_found(tok), expected)
        args.update(_hint(expected_set))
        return Diagnostic("E102", span, args), tok.line
    assert isinstance(err, UnexpectedEOF | UnexpectedToken)
    lines = text.rstrip("\n").split("\n")
    line = len(lines)
    span = Span.point(file, line, len(lines[-1]) + 1, len(text.rstrip("\n")))
    expected = describe_expected(set(getattr(err, "expected", ()) or ()))
    return Diagnostic("E103", span, _args({"zh": "", "en": ""}, expected)), line


def _args(found: dict[str, str], expected: dict[str, str]) -> dict[str, str]:
    return {
        "found": found["en"],
        "found_zh": found["zh"],
        "expected": expected["en"],
        "expected_zh": expected["zh"],
    }


# Terminal names grouped into what a person would call them, in the order they are listed.
_CATEGORIES: list[tuple[frozenset[str], str, str]] = [
    (
        frozenset({"TITLE_KEY", "ISSUER_KEY", "ISSUED_KEY", "TZ_KEY", "PROMPT_KEY", "EFFECTIVE_KEY"}),
        "a header field (title:, issued: …)",
        "文件頭字段（標題：、發布日期：……）",
    ),
    (
        frozenset({"AGENCY_KW", "INCLUDE_KW", "SECTION_MARK"}),
        "a declaration (agency, include, §)",
        "聲明（機構、引用、§）",
    ),
    (frozenset({"OB_ID"}), "an id such as [R-001]", "編號（如 [R-001]）"),
    (
        frozenset(
            {
                "DAILY",
                "WEEKLY",
                "BIWEEKLY",
                "MONTHLY",
                "QUARTERLY",
                "HALFYEARLY",
                "YEARLY",
                "REGULARLY",
                "EVERY_WEEKDAY",
                "EVENT_KW",
                "EN_ON_EVENT",
                "PROMPTLY",
                "SAME_DAY",
                "STANDING",
                "REALTIME",
                "DATE_BEFORE",
                "EN_BEFORE",
                "YEAR_END",
                "WITHIN_YEAR",
                "VAGUE",
            }
        ),
        "a schedule (weekly, monthly, on event …)",
        "時間表述（每周、每月、事件……）",
    ),
    (
        frozenset(
            {
                "DAY_BEFORE",
                "MONTH_DAY_BEFORE",
                "WEEKDAY",
                "EN_BY_DAY",
                "EN_BY_MONTH_DAY",
                "EN_WEEKDAY",
                "NEXT_MONTH",
                "NEXT_YEAR",
                "AFTER_PERIOD",
                "EN_AFTER_PERIOD",
                "EN_OF_NEXT",
            }
        ),
        "a deadline (by day 8, by 31 January, on Tuesday, within 15 days after the period)",
        "期限（8日前、1月31日前、周二、次月10日前、期後15日內）",
    ),
    (frozenset({"AT_LEAST", "TIMES", "EN_ONCE"}), "a count (at least 1 time)", "次數（至少1次）"),
    (frozenset({"LEAD_ZH", "EN_AHEAD"}), "a lead time (48 hours ahead)", "提前量（提前48小時）"),
    (frozenset({"AFTER_ZH", "BEFORE_ZH"}), "後 (after) or 前 (before)", "「後」或「前」"),
    (frozenset({"LATEST", "EN_WITHIN", "WITHIN_ZH"}), "a time limit (within 5 hours)", "時限（5小時內）"),
    (frozenset({"NUM"}), "a number", "數字"),
    (
        frozenset({"HOURS", "WORKING_DAYS", "DAYS", "WEEKS", "MONTHS", "YEARS"}),
        "a unit (hours, days, working days, weeks, months, years)",
        "時間單位（小時、日、工作日、周、月、年）",
    ),
    (frozenset({"DATE"}), "a date (2017-09-04)", "日期（2017-09-04）"),
    (frozenset({"WORD", "QUOTED"}), "a word or a quoted name", "詞或加引號的名稱"),
    (frozenset({"EQUALS"}), "=", "「=」"),
    (frozenset({"ALIAS_KW"}), "aka", "「別名」"),
    (frozenset({"ROLE"}), "a role (lead, each, support, jointly)", "職責詞（牽頭、分別、配合、共同）"),
    (frozenset({"_LISTSEP"}), "a separator (、 , and)", "分隔符（、，）"),
    (
        frozenset({"BY", "CHANNEL_KW", "ROLL", "NO_ROLL", "DISPLAY_KW", "FROM", "TO"}),
        "a clause (by agency, via channel, roll forward, from … to …, display for …)",
        "子句（by 機構、渠道、遇節假日順延、自…至…、公示期）",
    ),
    (frozenset({"SINCE", "UNTIL"}), "起 or 止", "「起」或「止」"),
    (frozenset({"LPAR", "RPAR", "MAX_GAP"}), "a maximum gap (max gap 1 hour)", "間隔（間隔不超過1小時）"),
    (frozenset({"TEXT", "TZNAME", "SECTION_ID"}), "text", "文字"),
    (frozenset({"QUOTE"}), "a quote line (> …)", "原文引用行（> ……）"),
    (frozenset({"_NL", "$END"}), "the end of the line", "行尾"),
]

_KNOWN = frozenset().union(*(names for names, _, _ in _CATEGORIES))


def describe_expected(names: set[str]) -> dict[str, str]:
    en: list[str] = []
    zh: list[str] = []
    for group, label_en, label_zh in _CATEGORIES:
        if names & group:
            en.append(label_en)
            zh.append(label_zh)
    for other in sorted(names - _KNOWN):
        en.append(other)
        zh.append(other)
    if not en:
        return {"en": "nothing more", "zh": "無"}
    joined_en = en[0] if len(en) == 1 else ", ".join(en[:-1]) + " or " + en[-1]
    joined_zh = zh[0] if len(zh) == 1 else "、".join(zh[:-1]) + "或" + zh[-1]
    return {"en": joined_en, "zh": joined_zh}


def describe_found(tok: Any) -> dict[str, str]:
    text = str(tok)
    if tok.type == "_NL":
        return {"en": "the end of the line", "zh": "行尾"}
    if tok.type == "WORD":
        return {"en": f"the word {text!r}", "zh": f"詞「{text}」"}
    if tok.type == "QUOTED":
        return {"en": f"the name {text}", "zh": f"名稱{text}"}
    if tok.type == "NUM":
        return {"en": f"the number {text}", "zh": f"數字「{text}」"}
    if tok.type in ("DATE", "DATE_BEFORE"):
        return {"en": f"the date {text!r}", "zh": f"日期「{text}」"}
    return {"en": f"the keyword {text!r}", "zh": f"關鍵詞「{text}」"}


def _hint(expected: set[str]) -> dict[str, str]:
    if "DAILY" in expected and "AGENCY_KW" in expected:
        return {
            "hint_en": "a line is a header field, a declaration, a § section or an obligation that starts "
            "with its schedule, e.g. 每周 公布 食品安全抽檢 by 市場監管局",
            "hint_zh": "每行是文件頭字段、聲明、§ 章節，或以時間表述開頭的義務，"
            "例如：每周 公布 食品安全抽檢 by 市場監管局",
        }
    if "HOURS" in expected:
        return {
            "hint_en": "write the unit right after the number: 5小時, 20個工作日, 15 days",
            "hint_zh": "數字後緊跟時間單位：5小時、20個工作日、15日",
        }
    if "NUM" in expected:
        return {
            "hint_en": "a number is needed here, in digits or 一 to 九十九",
            "hint_zh": "此處需要數字，可用阿拉伯數字或一至九十九",
        }
    if expected & {"WORD", "QUOTED"}:
        return {
            "hint_en": "parts of a line are separated by spaces; quote a name that contains spaces or "
            'punctuation: 「…」 or "…"',
            "hint_zh": '一行中各部分以空格分隔；含空格或標點的名稱請加引號：「…」或 "…"',
        }
    if "_NL" in expected:
        return {
            "hint_en": "one obligation per line; the parts after the subject are clauses such as "
            "by <agency>, via <channel>, 遇節假日順延",
            "hint_zh": "每行一條義務；事項之後只能是子句，如 by <機構>、渠道 <渠道>、遇節假日順延",
        }
    return {"hint_en": "see docs/language.md", "hint_zh": "參見 docs/language.md"}
