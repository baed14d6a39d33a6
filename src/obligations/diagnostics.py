"""Diagnostics are data: a stable code, a severity, a span, arguments and a hint.

Text (in Chinese or English) and JSON are produced from that data by the renderers at the
bottom of this module, so the compiler never formats a message itself. The catalogue
``MESSAGES`` is the single source of every message; ``docs/diagnostics.md`` documents each
code and a test keeps the two in step.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from obligations.language import default_lang as default_lang  # re-exported
from obligations.terms import Span as Span  # re-exported: every stage names it from here
from obligations.termwidth import display_width


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@attrs.frozen
class Message:
    severity: Severity
    en: str
    zh: str
    hint_en: str = ""
    hint_zh: str = ""


def _copy_args(args: Mapping[str, str]) -> dict[str, str]:
    return dict(args)


@attrs.frozen
class Diagnostic:
    code: str
    span: Span | None
    args: Mapping[str, str] = attrs.field(factory=dict, converter=_copy_args)

    @property
    def severity(self) -> Severity:
        return MESSAGES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def message(self, lang: str = "zh") -> str:
        entry = MESSAGES[self.code]
        return (entry.en if lang == "en" else entry.zh).format_map(_Args(self.args))

    def hint(self, lang: str = "zh") -> str:
        entry = MESSAGES[self.code]
        return (entry.hint_en if lang == "en" else entry.hint_zh).format_map(_Args(self.args))


class _Args(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


_E = Severity.ERROR
_W = Severity.WARNING

# Codes are stable: never renumber, only add. E1xx syntax, E2xx meaning, E3xx files, W4xx lint.
MESSAGES: dict[str, Message] = {
    "E101": Message(
        _E,
        "unexpected {found}; expected {expected}",
        "無法識別的{found_zh}；此處應為{expected_zh}",
        "{hint_en}",
        "{hint_zh}",
    ),
    "E102": Message(
        _E,
        "found {found}; expected {expected}",
        "此處應為{expected_zh}，卻見到{found_zh}",
        "{hint_en}",
        "{hint_zh}",
    ),
    "E103": Message(
        _E,
        "the file ends in the middle of a line; expected {expected}",
        "文件在一行中途結束；此處應為{expected_zh}",
        "finish the line or remove it",
        "補全該行或刪除",
    ),
    "E201": Message(
        _E,
        "obligation id {id} is used twice (first at {first})",
        "義務編號 {id} 重複（首次出現於 {first}）",
        "give each obligation its own id, or remove the id to have one derived",
        "每條義務使用不同編號，或刪去編號由系統自動生成",
    ),
    "E202": Message(
        _E,
        "{value} does not exist",
        "{what_zh} {value_zh} 不存在",
        "check the day and month",
        "請檢查月份和日期",
    ),
    "E203": Message(
        _E,
        "the deadline {deadline} does not fit a {every} period",
        "期限「{deadline_zh}」不適用於「{every_zh}」週期",
        "{hint_en}",
        "{hint_zh}",
    ),
    "E204": Message(
        _E,
        "unknown time zone {value}",
        "未知時區 {value}",
        "use an IANA name such as Asia/Shanghai",
        "請使用 IANA 時區名，例如 Asia/Shanghai",
    ),
    "E205": Message(
        _E,
        "the header field {field} is given twice (first at {first})",
        "文件頭字段「{field_zh}」重複（首次出現於 {first}）",
        "keep one",
        "只保留一處",
    ),
    "E206": Message(
        _E,
        "the effective window starts {start}, after it ends {end}",
        "有效期起始日 {start} 晚於結束日 {end}",
        "swap the dates",
        "請交換兩個日期",
    ),
    "E207": Message(
        _E,
        "{what} must be at least 1, found {value}",
        "{what_zh}至少為 1，卻見到 {value}",
        "write a whole number of 1 or more",
        "請寫 1 或更大的整數",
    ),
    "E208": Message(
        _E,
        "agency {name} is declared twice (first at {first})",
        "機構 {name} 重複聲明（首次出現於 {first}）",
        "declare each agency once; list other names as aliases",
        "每個機構只聲明一次，其他名稱寫作別名",
    ),
    "E209": Message(
        _E,
        "the same-day rule (同步 / together with) refers to obligation {ref}, which does not exist",
        "「同步」引用的義務 {ref} 不存在",
        "use the id of an obligation in this spec, e.g. [R-001]",
        "請引用本規範中已有的義務編號，例如 [R-001]",
    ),
    "E210": Message(
        _E,
        "the name {name} already means agency {other}",
        "名稱 {name} 已指向機構 {other}",
        "an alias may belong to one agency only",
        "一個別名只能屬於一個機構",
    ),
    "E212": Message(
        _E,
        "a time limit in hours ({value}) is an exact instant and cannot roll to a working day",
        "以小時計的時限（{value_zh}）是確切時刻，不能順延",
        "remove 遇節假日順延 (roll forward), or give the limit in days",
        "刪除「遇節假日順延」，或改以日計",
    ),
    "E213": Message(
        _E,
        "年底前/年內 needs a year, but the spec has no issue date or effective window",
        "「年底前／年內」需要年份，但本規範沒有發布日期或有效期",
        "add a header line such as 發布日期：2017-09-04",
        "請添加文件頭，例如：發布日期：2017-09-04",
    ),
    "E214": Message(
        _E,
        "this obligation has the action {action} but no subject",
        "此義務只有動作詞「{action}」，缺少事項",
        "write the verb, then what is published: 公布 食品安全抽檢信息 "
        "(if {action} is the subject, add the verb before it)",
        "先寫動作詞，再寫公開的事項：公布 食品安全抽檢信息（如「{action}」本是事項，請在前面加上動作詞）",
    ),
    "E215": Message(
        _E,
        "a count (至少N次 / at least N times) cannot also have a deadline or a lead time",
        "次數要求（至少N次）不能同時帶期限或提前量",
        "a count is due at the end of its period; write the deadline as a separate obligation "
        "if the text has one",
        "次數要求在週期末到期；如原文另有期限，請另寫一條義務",
    ),
    "E216": Message(
        _E,
        "{what} is given twice on this line",
        "本行{what_zh}寫了兩次",
        "keep one; for a rule that changes on a date, write two obligations, each with its own window",
        "只保留一個；規則在某日變更時，請寫兩條義務，各帶自己的有效期",
    ),
    "E217": Message(
        _E,
        "同步 (together with) goes round in a circle: {cycle}, so none of them ever falls due",
        "「同步」循環引用：{cycle}，這些義務都無法確定日期",
        "let one of them have its own schedule",
        "讓其中一條義務有自己的時間表述",
    ),
    "E218": Message(
        _E,
        "{what} of {value} is longer than ten years ({most} at most)",
        "{what_zh}{value_zh}超過十年（最多 {most_zh}）",
        "no disclosure duty runs that long: check the number",
        "沒有這麼長的公開時限，請檢查數字",
    ),
    "E301": Message(
        _E,
        "cannot read included file {path}: {reason}",
        "無法讀取引用的文件 {path}：{reason_zh}",
        "paths are relative to the including file",
        "路徑相對於引用它的文件",
    ),
    "E302": Message(
        _E,
        "include cycle: {cycle}",
        "循環引用：{cycle}",
        "remove one of the includes",
        "刪除其中一個引用",
    ),
    "E303": Message(
        _E,
        "cannot read spec {path}: {reason}",
        "無法讀取規範文件 {path}：{reason_zh}",
        "check the path; a directory is read as all the *.obl files in it",
        "請檢查路徑；給出目錄時讀取其中所有 *.obl 文件",
    ),
    "E304": Message(
        _E,
        "spec {path} is not UTF-8 text",
        "規範文件 {path} 不是 UTF-8 文本",
        "save the file as UTF-8 (WPS/Word: 另存為 → 編碼 UTF-8)",
        "請將文件另存為 UTF-8 編碼（WPS/Word：另存為 → 編碼 UTF-8）",
    ),
    "E305": Message(
        _E,
        "formatting {path} would change its meaning, so it was left as it is (a bug: please report it)",
        "格式化 {path} 會改變其含義，文件未作改動（這是程序缺陷，請報告）",
        "",
        "",
    ),
    "W401": Message(
        _W,
        "定期 (regularly) gives no period, so this obligation cannot be scheduled",
        "「定期」未寫明週期，無法排期",
        "add the period the text means, e.g. 定期 每月; or keep it and record why",
        "如原文另有依據，請寫明週期，例如「定期 每月」",
    ),
    "W402": Message(
        _W,
        "unknown action verb {verb}",
        "未知的動作詞 {verb}",
        "known verbs: {known} (and the Chinese ones: {known_zh}); plugins can add more",
        "已知動作詞：{known_zh}；插件可添加更多",
    ),
    "W403": Message(
        _W,
        "agency {name} is not declared",
        "機構 {name} 未聲明",
        "declare it: 機構 {declared} = <full name>",
        "請聲明：機構 {declared} = <全稱>",
    ),
    "W404": Message(
        _W,
        "obligation duplicates {other} (same action, subject, agencies and schedule)",
        "本義務與{other_zh}重複（動作、事項、機構和時間相同）",
        "remove one, or make the difference explicit",
        "刪除其一，或寫明區別",
    ),
    "W405": Message(
        _W,
        "{id} has no source sentence",
        "{id_zh}沒有原文出處",
        "add a line starting with > that quotes the source text",
        "在下一行以 > 開頭引用原文",
    ),
    "W406": Message(
        _W,
        "{phrase} does not say when, so this obligation cannot be scheduled",
        "「{phrase}」未給出具體時間，無法排期",
        "keep the source wording; checking will list it as unscheduled",
        "保留原文表述；檢查時將列為「無法排期」",
    ),
    "W407": Message(
        _W,
        "{id} has no responsible agency",
        "{id_zh}未指定責任單位",
        "add by <agency>",
        "請添加 by <機構>",
    ),
    "W408": Message(
        _W,
        "遇節假日順延 (roll forward) has no effect with a lead time: a forecast is due a fixed time ahead",
        "提前量與「遇節假日順延」同用時不順延：提前量是固定時間",
        "remove 遇節假日順延, or say what the text means by it in a comment",
        "刪除「遇節假日順延」，或在註釋中說明原文含義",
    ),
}


# --- renderers -------------------------------------------------------------------------------

_SEVERITY_ZH = {Severity.ERROR: "錯誤", Severity.WARNING: "警告"}


@functools.lru_cache(maxsize=8)  # a file with 10,000 warnings is split once, not 10,000 times
def _lines(text: str) -> tuple[str, ...]:
    return tuple(text.split("\n"))  # the parser counts only \n, so must we


def render_text(diag: Diagnostic, sources: Mapping[str, str], lang: str = "zh") -> str:
    """``file:line:col: error E102: message``, the source line, a caret line and the hint."""
    sev = diag.severity.value if lang == "en" else _SEVERITY_ZH[diag.severity]
    where = f"{diag.span}: " if diag.span else ""
    lines = [f"{where}{sev} {diag.code}: {diag.message(lang)}"]
    span = diag.span
    text = sources.get(span.file) if span else None
    if span is not None and text is not None:
        src_lines = _lines(text)
        if 1 <= span.line <= len(src_lines):
            line = src_lines[span.line - 1].replace("\t", " ")
            gutter = str(span.line)
            pad = " " * len(gutter)
            start = min(span.column - 1, len(line))
            end = span.end_column - 1 if span.end_line == span.line else len(line)
            end = max(start + 1, min(end, len(line))) if line else start + 1
            carets = "^" * max(1, display_width(line[start:end]))
            lines.append(f" {gutter} | {line}")
            lines.append(f" {pad} | {' ' * display_width(line[:start])}{carets}")
    hint = diag.hint(lang)
    if hint:
        lines.append(f"  = {'hint' if lang == 'en' else '提示'}: {hint}")
    return "\n".join(lines)


def render_all(diags: Iterable[Diagnostic], sources: Mapping[str, str], lang: str = "zh") -> str:
    return "\n".join(render_text(d, sources, lang) for d in diags)


def to_json(diag: Diagnostic, lang: str = "zh") -> dict[str, Any]:
    span = diag.span
    return {
        "code": diag.code,
        "severity": diag.severity.value,
        "message": diag.message(lang),
        "hint": diag.hint(lang),
        "span": None
        if span is None
        else {
            "file": span.file,
            "line": span.line,
            "column": span.column,
            "end_line": span.end_line,
            "end_column": span.end_column,
        },
    }
