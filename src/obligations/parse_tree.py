"""Source text → syntax, through the Lark LALR parser built from ``grammar/obligations.lark``.

The parser is built once per process and cached on disk by Lark (``cache=True``), so
start-up does not rebuild the grammar. Parsing runs ``SyntaxBuilder`` inline; every Lark
exception is turned into a diagnostic here and never escapes. To report every syntax error
of a file in one run, a line that fails is blanked (keeping all offsets) and the parse is
repeated; statements are line-based, so one bad line does not hide the others.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

from obligations.diagnostics import Diagnostic, Span
from obligations.syntax import SpecFile, Statement, SyntaxBuilder

GRAMMAR_NAME = "obligations.lark"
MAX_SYNTAX_ERRORS = 50


def grammar_path() -> Path:
    """The grammar shipped in the wheel, or the repository's ``grammar/`` when run from source."""
    from importlib import resources

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
            # Positions come from the tokens (SyntaxBuilder._span): Lark's propagation would
            # wrap every rule callback for nothing (a third of the parse). tree_parser() keeps it.
            propagate_positions=False,
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
    for diag, line in _invisible_characters(work, file):
        diagnostics.append(diag)
        work = _blank_line(work, line)
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
    diagnostics.sort(key=lambda d: (d.span.line, d.span.column) if d.span else (0, 0))  # stable
    return SpecFile(file, tuple(statements), comments), diagnostics


# Zero-width spaces and joiners, bidi marks, word joiners and a byte-order mark inside the text: the
# lexer would take them as part of a name (財政局 followed by U+200B is another agency, looking
# the same), so each line holding one outside a comment is an E101 of its own. A lone surrogate
# (text decoded with surrogateescape by a caller) is one anywhere: no UTF-8 output can hold it.
_INVISIBLE = "[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\ud800-\udfff]|\r(?!\n)"


def _invisible_characters(text: str, file: str) -> list[tuple[Diagnostic, int]]:
    """E101 for the first invisible format character of each line (not in a comment or a quote
    line)."""
    import re

    found: list[tuple[Diagnostic, int]] = []
    last_line = 0
    for match in re.finditer(_INVISIBLE, text):
        pos = match.start()
        if pos == 0:
            continue  # a byte-order mark starting the file is an encoding mark, not text
        begin = text.rfind("\n", 0, pos) + 1
        line = text.count("\n", 0, pos) + 1
        before = text[begin:pos]
        # half a character, or a line end of old Macs (a file of them would read as one line, its
        # duties as one comment): never text, wherever it is
        lone = "\ud800" <= match.group() <= "\udfff" or match.group() == "\r"
        hidden = "#" in before or "＃" in before or before.lstrip().startswith((">", "＞"))
        if line == last_line or (hidden and not lone):
            continue  # a comment, or a quote of the source text (copied as it is, and never a name)
        last_line = line
        column = pos - begin + 1
        ch = match.group()
        span = Span(file, line, column, line, column + 1, pos, pos + 1)
        args = _args(
            _describe_char(ch),
            {"en": "a name or keyword written in visible characters", "zh": "由可見字符組成的名稱或關鍵詞"},
        )
        args.update(_char_hint(ch))
        found.append((Diagnostic("E101", span, args), line))
    return found


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

# Tokens a person would call a word, or that the lexer only produced because nothing the parser
# could accept matched (Lark's contextual lexer then retries with every terminal): describe
# those by what the text really is, not by the terminal that happened to match.
_CATCH_ALL = frozenset({"TEXT", "TZNAME", "SECTION_ID", "WORD"})


def _diagnostic(err: Any, text: str, file: str) -> tuple[Diagnostic, int]:
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    if isinstance(err, UnexpectedCharacters):
        pos: int = err.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else ""
        span = Span(file, err.line, err.column, err.line, err.column + 1, pos, pos + 1)
        args = _args(_describe_char(ch), describe_expected(set(err.allowed or ())))
        args.update(_char_hint(ch))
        return Diagnostic("E101", span, args), err.line
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        tok = err.token
        found, length = describe_found(tok)
        line, column, start = tok.line or 1, tok.column or 1, tok.start_pos or 0
        span = Span(file, line, column, line, column + max(1, length), start, start + max(1, length))
        expected_set = set(err.expected or ())
        args = _args(found, describe_expected(expected_set))
        args.update(_misread_schedule(err) or _hint(expected_set, tok, _previous(err), text))
        return Diagnostic("E102", span, args), line
    assert isinstance(err, UnexpectedEOF | UnexpectedToken)
    lines = text.rstrip("\n").split("\n")
    line = len(lines)
    span = Span.point(file, line, len(lines[-1]) + 1, len(text.rstrip("\n")))
    expected = describe_expected(set(getattr(err, "expected", ()) or ()))
    return Diagnostic("E103", span, _args({"zh": "", "en": ""}, expected)), line


def _previous(err: Any) -> Any:
    """What the parser had just read before the error (a token or a syntax node), if known."""
    parser = getattr(err, "interactive_parser", None)
    stack = getattr(getattr(parser, "parser_state", None), "value_stack", None)
    return stack[-1] if stack else None


_SCHEDULE_TERMINALS = (
    "DAILY",
    "WEEKLY",
    "BIWEEKLY",
    "MONTHLY",
    "QUARTERLY",
    "HALFYEARLY",
    "YEARLY",
    "EVERY_WEEKDAY",
)


def _terminals(names: tuple[str, ...]) -> str:
    """The grammar's regular expressions for the terminals ``names``, as one alternation."""
    patterns = []
    for line in grammar_text().splitlines():
        m = re.match(r"^([A-Z_]+)(?:\.\d+)?: /(.*)/$", line.strip())
        if m and m.group(1) in names:
            patterns.append(f"(?:{m.group(2)})")
    return "|".join(patterns)


@cache
def _schedule_word() -> re.Pattern[str]:
    return re.compile(_terminals(_SCHEDULE_TERMINALS))


def _misread_schedule(err: Any) -> dict[str, str] | None:
    """A second schedule on a line is read as the action (a bare word): say so."""
    parser = getattr(err, "interactive_parser", None)
    stack = getattr(getattr(parser, "parser_state", None), "value_stack", None) or []
    for item in stack:
        text = getattr(item, "text", None)
        if isinstance(text, str) and getattr(item, "quote", "x") == "" and _schedule_word().fullmatch(text):
            return _h(
                f"{text!r} was read as the action because the line already has a schedule; one line holds "
                "one obligation with one schedule: put the second on its own line",
                f"「{text}」被讀作動作詞，因為本行已有時間表述；每行只寫一條義務、一個時間表述，請把第二個另起一行",
            )
    return None


_CLAUSE_TERMINALS = ("BY", "CHANNEL_KW", "ROLL", "NO_ROLL", "DISPLAY_KW", "EXTEND_KW", "FROM", "TO")


@cache
def _clause_start() -> re.Pattern[str]:
    """Where a clause (by, 渠道, 遇節假日順延 …) starts after a name: its keyword after white space."""
    return re.compile(r"\s(?:" + _terminals(_CLAUSE_TERMINALS) + ")")


def _unquoted_name(tok: Any, previous: Any, text: str) -> dict[str, str] | None:
    """A name of several words written without quotes: the parser took the first word as the
    whole name and stops at the second. Show the name quoted, as far as the next clause.

    Not when the second word is an action (公布, publish): then a word before it was misread, as
    a misspelt weekday is, and quoting would only hide that."""
    from obligations.vocabulary import BUILTIN_ACTIONS

    if getattr(previous, "type", None) != "WORD" or tok.type not in _CATCH_ALL:
        return None
    if str(tok) in BUILTIN_ACTIONS or str(tok).lower() in BUILTIN_ACTIONS:
        return None
    start = previous.start_pos
    end = text.find("\n", start)
    line = text[start : len(text) if end < 0 else end].split("#")[0].split("＃")[0]
    clause = _clause_start().search(line)
    name = " ".join(line[: clause.start() if clause else len(line)].split())
    return _h(
        f'a name with spaces needs quotes: "{name}" (or write it without the spaces)',
        f'名稱含空格時須加引號："{name}"（或刪去空格）',
    )


def _args(found: dict[str, str], expected: dict[str, str]) -> dict[str, str]:
    return {
        "found": found["en"],
        "found_zh": found["zh"],
        "expected": expected["en"],
        "expected_zh": expected["zh"],
    }


def _describe_char(ch: str) -> dict[str, str]:
    import unicodedata

    if ch.isprintable() and not ch.isspace():
        return {"en": f"character {ch!r}", "zh": f"字符「{ch}」"}
    code = f"U+{ord(ch):04X}" if ch else "end of input"
    name = unicodedata.name(ch, "control character") if ch else ""
    return {"en": f"invisible character {code} ({name})", "zh": f"不可見字符 {code}（{name}）"}


def _char_hint(ch: str) -> dict[str, str]:
    if ch == "\r":
        return {
            "hint_en": "a carriage return without a line feed (old Mac line ends): save the file with "
            "ordinary line ends (Windows CRLF or Unix LF)",
            "hint_zh": "單獨的回車符（舊式 Mac 換行）：請以普通換行（Windows CRLF 或 Unix LF）另存文件",
        }
    if not ch.isprintable() or ch.isspace():
        return {
            "hint_en": "replace it with an ordinary space (or delete it); it often comes from copying out of "
            "Word or a web page",
            "hint_zh": "請改為普通空格或刪除；這類字符常由 Word 或網頁複製帶入",
        }
    return {
        "hint_en": 'quote text that contains punctuation: 「…」 or "…"',
        "hint_zh": '含標點的文字請加引號：「…」或 "…"',
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
    (frozenset({"AT_LEAST", "EN_ONCE"}), "a count (at least 1 time)", "次數（至少1次）"),
    (frozenset({"TIMES"}), "次 (times)", "「次」"),
    (frozenset({"LEAD_ZH", "EN_AHEAD"}), "a lead time (48 hours ahead)", "提前量（提前48小時）"),
    (frozenset({"AFTER_ZH"}), "後 (after)", "「後」"),
    (frozenset({"BEFORE_ZH"}), "前 (before)", "「前」"),
    (frozenset({"SAME_DAY"}), "同步 (same day)", "「同步」"),
    (frozenset({"PROMPTLY"}), "及時 (promptly)", "「及時」"),
    (frozenset({"LATEST", "EN_WITHIN"}), "a time limit (within 5 hours)", "時限（5小時內）"),
    (frozenset({"WITHIN_ZH"}), "內 (within)", "「內」"),
    (frozenset({"NUM"}), "a number", "數字"),
    (
        frozenset({"HOURS", "WORKING_DAYS", "DAYS", "WEEKS", "MONTHS", "YEARS"}),
        "a unit (hours, days, working days, weeks, months, years)",
        "時間單位（小時、日、工作日、周、月、年）",
    ),
    (frozenset({"DATE"}), "a date (2017-09-04)", "日期（2017-09-04）"),
    (frozenset({"WORD", "QUOTED"}), "a name (a word, or text in quotes)", "名稱（詞，或引號中的文字）"),
    (frozenset({"EQUALS"}), "=", "「=」"),
    (frozenset({"ALIAS_KW"}), "aka", "「別名」"),
    (frozenset({"ROLE"}), "a role (lead, each, support, jointly)", "職責詞（牽頭、分別、配合、共同）"),
    (frozenset({"_LISTSEP"}), "a separator (、 , and)", "分隔符（、，）"),
    (
        frozenset({"BY", "CHANNEL_KW", "ROLL", "NO_ROLL", "DISPLAY_KW", "EXTEND_KW", "FROM", "TO"}),
        "a clause (by agency, via channel, roll forward, from … to …, display for …)",
        "子句（by 機構、渠道、遇節假日順延、自…至…、公示期）",
    ),
    (frozenset({"SINCE", "UNTIL"}), "起 or 止", "「起」或「止」"),
    (frozenset({"LPAR", "RPAR", "MAX_GAP"}), "a maximum gap (max gap 1 hour)", "間隔（間隔不超過1小時）"),
    (frozenset({"SECTION_ID"}), "a section number such as 四(四)", "章節編號（如 四(四)）"),
    (frozenset({"TZNAME"}), "a time zone such as Asia/Shanghai", "時區（如 Asia/Shanghai）"),
    (frozenset({"TEXT"}), "text", "文字"),
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
    joined_zh = zh[0] if len(zh) == 1 else "、".join(zh[:-1]) + "，或" + zh[-1]
    return {"en": joined_en, "zh": joined_zh}


_OPENERS = {"「": "」", "“": "”", '"': '"', "《": "》"}


def describe_found(tok: Any) -> tuple[dict[str, str], int]:
    """What the token is, as a person would say it, and how many characters the caret should cover."""
    text = str(tok)
    kind = tok.type
    if kind == "_NL":
        return {"en": "the end of the line", "zh": "行尾"}, 1
    if kind == "QUOTE" or text[:1] in (">", "＞"):
        return {"en": "a quote line (> …)", "zh": "原文引用行（> ……）"}, 1
    if kind == "OB_ID":
        return {"en": f"the id {text}", "zh": f"編號{text}"}, len(text)
    if kind == "QUOTED":
        return {"en": f"the name {text}", "zh": f"名稱{text}"}, len(text)
    if kind == "NUM":
        return {"en": f"the number {text}", "zh": f"數字「{text}」"}, len(text)
    if kind in ("DATE", "DATE_BEFORE"):
        return {"en": f"the date {text!r}", "zh": f"日期「{text}」"}, len(text)
    first = text[:1]
    if first in _OPENERS and _OPENERS[first] not in text[1:]:
        return {
            "en": f"{first} with no closing {_OPENERS[first]} on this line",
            "zh": f"「{first}」在本行沒有對應的「{_OPENERS[first]}」",
        }, 1
    if first in "」”》":
        return {"en": f"an unmatched {first}", "zh": f"多餘的「{first}」"}, 1
    if kind in ("LPAR", "RPAR", "EQUALS", "_LISTSEP") or (first and not _WORDISH.match(first)):
        return {"en": f"{first!r}", "zh": f"「{first}」"}, 1
    if kind in _CATCH_ALL:
        word = _WORDISH.match(text)
        shown = word.group(0) if word else text
        return {"en": f"the word {shown!r}", "zh": f"詞「{shown}」"}, len(shown)
    return {"en": f"the keyword {text!r}", "zh": f"關鍵詞「{text}」"}, len(text)


_WORDISH = re.compile(r'[^\s，、,:：（）()「」《》"“”\[\]【】#＃=＝>＞]+')


def _hint(expected: set[str], tok: Any, previous: Any, source: str) -> dict[str, str]:
    text = str(tok)
    prev_type = getattr(previous, "type", None)
    first = text[:1]
    if first in _OPENERS and _OPENERS[first] not in text[1:]:
        return _h(
            f"close the quote on the same line: {first}…{_OPENERS[first]}",
            f"請在同一行內閉合引號：{first}……{_OPENERS[first]}",
        )
    if first in "」”》":
        return _h(
            f"remove the extra {first}, or add the opening mark it belongs to",
            f"請刪除多餘的「{first}」，或補上與之對應的開引號",
        )
    if tok.type == "QUOTE" or first in (">", "＞"):
        return _h(
            "a > quote line must come directly below its obligation (no blank or comment line between)",
            "原文引用行（>）必須緊接在其義務的下一行，中間不能有空行或註釋",
        )
    if tok.type == "OB_ID":
        return _h(
            "an id goes at the start of the line: [R-001] 每周 公布 …", "編號寫在行首：[R-001] 每周 公布 ……"
        )
    if prev_type == "BY" or (prev_type == "_LISTSEP" and "ROLE" not in expected and "WORD" in expected):
        return _h(
            "name the agency after by (quote it if it has spaces), or remove by",
            "請在 by 之後寫責任單位（含空格時加引號），或刪去 by",
        )
    if "EQUALS" in expected and "WORD" not in expected:
        return _h(
            "declare an agency as: 機構 簡稱 = 全稱 別名 其他名稱",
            "機構聲明的寫法：機構 簡稱 = 全稱 別名 其他名稱",
        )
    if "HOURS" in expected:
        return _h(
            f"{text!r} is not a unit; units are 小時 hours, 日/天 days, 工作日 working days, 周 weeks, "
            "個月 months, 年 years (minutes are not supported)",
            f"「{text}」不是時間單位；可用：小時、日/天、工作日、周、個月、年（不支持分鐘）",
        )
    if "TIMES" in expected:
        return _h("add 次 after the number: 至少1次 (at least 1 time)", "請在數字後加「次」：至少1次")
    if "WITHIN_ZH" in expected and len(expected) <= 2:
        return _h("add 內 after the unit: 5小時內", "請在時間單位後加「內」：5小時內")
    if "AFTER_ZH" in expected:
        return _h(
            "write 後 between the event and the time limit: 事件 X 後 5小時內",
            "請在事件名稱與時限之間寫「後」：事件 X 後 5小時內",
        )
    if "DATE" in expected:
        return _h(
            "write dates as 2017-09-04, 2017/9/4 or 2017年9月4日",
            "日期寫作 2017-09-04、2017/9/4 或 2017年9月4日",
        )
    if "SECTION_ID" in expected:
        return _h(
            "write the section number after §: § 四(四) 推進食品藥品安全領域信息公開",
            "請在 § 後寫章節編號：§ 四(四) 推進食品藥品安全領域信息公開",
        )
    if "DAILY" in expected and "AGENCY_KW" in expected:
        return _h(
            "a line is a header field, a declaration, a § section or an obligation that starts with its "
            "schedule, e.g. 每周 公布 食品安全抽檢 by 市場監管局",
            "每行是文件頭字段、聲明、§ 章節，或以時間表述開頭的義務，"
            "例如：每周 公布 食品安全抽檢 by 市場監管局",
        )
    if "NUM" in expected and not expected & {"WORD", "QUOTED"}:
        return _h(
            "a number is needed here, in digits or 一 to 九十九", "此處需要數字，可用阿拉伯數字或一至九十九"
        )
    if tok.type in _CATCH_ALL and (
        text.startswith("由") or (text.lower().startswith("by") and len(text) > 2)
    ):
        return _h("put a space after by / 由: by 財政局", "請在 by／由 之後加空格：by 財政局")
    if expected & {"WORD", "QUOTED"}:
        return _h(
            "parts of a line are separated by spaces; quote a name that contains spaces or punctuation: "
            '「…」 or "…"',
            '一行中各部分以空格分隔；含空格或標點的名稱請加引號：「…」或 "…"',
        )
    if "_NL" in expected and (unquoted := _unquoted_name(tok, previous, source)):
        return unquoted
    if "_NL" in expected:
        return _h(
            "one obligation per line; after the subject come only clauses such as by <agency>, "
            "via <channel>, 遇節假日順延 (roll forward)",
            "每行一條義務；事項之後只能是子句，如 by <機構>、渠道 <渠道>、遇節假日順延",
        )
    return _h("see docs/language.md", "參見 docs/language.md")


def _h(en: str, zh: str) -> dict[str, str]:
    return {"hint_en": en, "hint_zh": zh}
