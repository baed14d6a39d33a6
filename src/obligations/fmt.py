"""fmt: print syntax back as canonical text, in Chinese or English keywords and either script.

Formatting is meaning-preserving and idempotent (property-tested): compile(fmt(s)) means
the same as compile(s). Comments and blank lines are kept where they were; ``>`` source
quotes and include paths are never converted (a quote is evidence of what the document
said, a path names a file). Names are converted with OpenCC when a script is asked for,
and quoted only when they would not read back as one bare word.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import attrs

from obligations import script as scripts
from obligations import syntax as syn
from obligations.diagnostics import Diagnostic
from obligations.errors import SpecError
from obligations.syntax import EN_MONTHS, Every, Unit

_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ZH_WEEKDAYS = "一二三四五六日"

# (Traditional, Simplified, English) for every keyword fmt writes.
_KW: dict[str, tuple[str, str, str]] = {
    "title": ("標題：", "标题：", "title: "),
    "issuer": ("發布機關：", "发布机关：", "issuer: "),
    "issued": ("發布日期：", "发布日期：", "issued: "),
    "timezone": ("時區：", "时区：", "timezone: "),
    "prompt": ("及時：", "及时：", "promptly: "),
    "effective": ("有效期：", "有效期：", "effective: "),
    "agency": ("機構", "机构", "agency"),
    "aka": ("別名", "别名", "aka"),
    "include": ("引用", "引用", "include"),
    "every.day": ("每日", "每日", "daily"),
    "every.week": ("每周", "每周", "weekly"),
    "every.biweek": ("每兩周", "每两周", "biweekly"),
    "every.month": ("每月", "每月", "monthly"),
    "every.quarter": ("每季度", "每季度", "quarterly"),
    "every.half-year": ("每半年", "每半年", "half-yearly"),
    "every.year": ("每年", "每年", "yearly"),
    "regularly": ("定期", "定期", "regularly"),
    "promptly": ("及時", "及时", "promptly"),
    "event": ("事件", "事件", "on event"),
    "after": ("後", "后", ""),
    "same_day": ("同步", "同步", "same day"),
    "together": ("同步", "同步", "together with"),
    "standing": ("長期", "长期", "standing"),
    "realtime": ("實時", "实时", "real-time"),
    "year_end": ("年底前", "年底前", "by year end"),
    "within_year": ("年內", "年内", "within the year"),
    "after_period": ("期後", "期后", "after the period"),
    "next_month": ("次月", "次月", "of next month"),
    "next_year": ("次年", "次年", "of next year"),
    "roll": ("遇節假日順延", "遇节假日顺延", "roll forward"),
    "no_roll": ("不順延", "不顺延", "no roll"),
    "display": ("公示期", "公示期", "display for"),
    "extend": ("可延長", "可延长", "extendable by"),
    "via": ("渠道", "渠道", "via"),
    "by": ("by", "by", "by"),
    "from": ("自", "自", "from"),
    "to": ("至", "至", "to"),
    "since": ("起", "起", ""),
    "until": ("至", "至", "until"),
    "role.each": ("分別", "分别", "each"),
    "role.lead": ("牽頭", "牵头", "lead"),
    "role.support": ("配合", "配合", "support"),
    "role.joint": ("共同", "共同", "jointly"),
    "max_gap": ("間隔不超過", "间隔不超过", "max gap"),
    "vague.按時": ("按時", "按时", "on time"),
    "vague.適時": ("適時", "适时", "when appropriate"),
    "vague.按要求": ("按要求", "按要求", "as required"),
}
_UNIT_WORDS: dict[Unit, tuple[str, str, str]] = {
    Unit.HOUR: ("小時", "小时", "hour"),
    Unit.WORKING_DAY: ("個工作日", "个工作日", "working day"),
    Unit.DAY: ("日", "日", "day"),
    Unit.WEEK: ("周", "周", "week"),
    Unit.MONTH: ("個月", "个月", "month"),
    Unit.YEAR: ("年", "年", "year"),
}
_VAGUE_CANON = {
    "按時": "按時",
    "按时": "按時",
    "on time": "按時",
    "適時": "適時",
    "适时": "適時",
    "when appropriate": "適時",
    "as required": "按要求",
}

_WORD = re.compile(r'[^\s，、,:：（）()「」《》"“”\[\]【】#＃=＝>＞]+')
# Terminals that are not keywords. An action is lexed right after a schedule, in a state
# where LALR lookahead merging lets many keywords in, so an action that starts with any
# keyword is quoted.
_NOT_KEYWORDS = {"WORD", "QUOTED", "TEXT", "TZNAME", "SECTION_ID", "QUOTE", "COMMENT", "WS", "OB_ID"}


@cache
def _action_clash() -> re.Pattern[str]:
    from obligations.parse_tree import grammar_text

    patterns = []
    for line in grammar_text().splitlines():
        m = re.match(r"^([A-Z_]+)(?:\.\d+)?: /(.*)/$", line.strip())
        if m and m.group(1) not in _NOT_KEYWORDS:
            patterns.append(f"(?:{m.group(2)})")
    return re.compile("|".join(patterns))


class Formatter:
    def __init__(self, keywords: str, script: str | None) -> None:
        self.english = keywords == "en"
        self.script = script or "hant"
        self.convert_names = script is not None

    # words -----------------------------------------------------------------------------------
    def kw(self, key: str) -> str:
        hant, hans, en = _KW[key]
        return en if self.english else (hans if self.script == "hans" else hant)

    def text(self, value: str) -> str:
        if not self.convert_names:
            return value
        return scripts.to_hans(value) if self.script == "hans" else scripts.to_hant(value)

    def name(self, n: syn.Name, action: bool = False, then: str = "") -> str:
        text = self.text(n.text)
        if n.quote == "《" and text.startswith("《") and text.endswith("》") and "》" not in text[1:-1]:
            return text
        # A name that is a whole keyword (a subject 「至」, 「by」, 「渠道」) reads back as the keyword
        # wherever a clause may follow, so it keeps its quotes; an action, lexed where more
        # keywords are let in, is quoted when it merely starts with one.
        # ``then``: what follows it on the line, for keywords of two words (「extendable」 before
        # 「by 財政局」 would read back as 「extendable by」).
        clash = _action_clash().match(text) if action else _action_clash().fullmatch(text)
        if then and not clash:
            found = _action_clash().match(f"{text} {then}")
            clash = found if found is not None and found.end() > len(text) else None
        bare_ok = _WORD.fullmatch(text) is not None and not clash
        if bare_ok:
            return text
        if "」" not in text and not self.english:
            return f"「{text}」"
        if '"' not in text:
            return f'"{text}"'
        return f"「{text}」"

    def duration(self, d: syn.Duration) -> str:
        hant, hans, en = _UNIT_WORDS[d.unit]
        if self.english:
            return f"{d.amount} {en}{'' if d.amount == 1 else 's'}"
        return f"{d.amount}{hans if self.script == 'hans' else hant}"

    def within(self, lag: syn.Lag) -> str:
        if isinstance(lag, syn.Prompt):
            return self.kw("promptly")
        if self.english:
            return f"within {self.duration(lag)}"
        return self.duration(lag) + ("内" if self.script == "hans" else "內")

    def date(self, d: syn.Date) -> str:
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"

    def month_day(self, month: int, day: int) -> str:
        if self.english and 1 <= month <= 12:
            return f"{day} {EN_MONTHS[month - 1].capitalize()}"
        # A month that does not exist (13月, an E202 the compiler reports) has no English name:
        # it keeps its Chinese form, which reads back as written
        return f"{month}月{day}日前"

    # timing ------------------------------------------------------------------------------------
    def period(self, p: syn.Period) -> str:
        if p.every is None:
            return self.kw("regularly")
        if p.weekday is not None and p.every is Every.WEEK:
            base = (
                f"weekly on {_EN_WEEKDAYS[p.weekday - 1]}"
                if self.english
                else f"每周{_ZH_WEEKDAYS[p.weekday - 1]}"
            )
        else:
            base = self.kw(f"every.{p.every.value}")
        return f"{self.kw('regularly')} {base}" if p.regularly else base

    def deadline(self, d: syn.Deadline) -> str:
        match d:
            case syn.DayOfPeriod(day=day, month=None):
                return f"by day {day}" if self.english else f"{day}日前"
            case syn.DayOfPeriod(day=day, month=month) if month is not None:
                said = self.month_day(month, day)
                return f"by {said}" if self.english and not said.endswith("前") else said
            case syn.WeekdayOfPeriod(weekday=w):
                return f"on {_EN_WEEKDAYS[w - 1]}" if self.english else f"周{_ZH_WEEKDAYS[w - 1]}"
            case syn.NextPeriodDay(day=day, month=None):
                return f"by day {day} of next month" if self.english else f"次月 {day}日前"
            case syn.NextPeriodDay(day=day, month=month) if month is not None:
                if self.english and 1 <= month <= 12:
                    return f"by {self.month_day(month, day)} of next year"
                return f"次年 {self.month_day(month, day)}"
            case syn.AfterPeriod(lag=lag):
                if self.english:
                    return f"{self.within(lag)} after the period"
                return f"{self.kw('after_period')} {self.within(lag)}"
        raise AssertionError(d)

    def timing(self, t: syn.Timing) -> str:
        match t:
            case syn.Periodic():
                period, deadline = t.period, t.deadline
                if (
                    isinstance(deadline, syn.WeekdayOfPeriod)
                    and period.every is Every.WEEK
                    and not period.regularly
                ):
                    # one canonical form for "weekly, due on Tuesday": 每周二 / weekly on Tuesday
                    period, deadline = attrs.evolve(period, weekday=deadline.weekday), None
                parts = [self.period(period)]
                if deadline is not None:
                    parts.append(self.deadline(deadline))
                if t.count is not None:
                    n = t.count.min_count
                    parts.append(
                        f"at least {n} time{'' if n == 1 else 's'}" if self.english else f"至少{n}次"
                    )
                if t.lead is not None:
                    parts.append(self.lead(t.lead))
                return " ".join(parts)
            case syn.EventAfter(event=None):
                return self.kw("promptly")
            case syn.EventAfter(event=event, lag=lag) if event is not None:
                if self.english:
                    return f"on event {self.name(event)} {self.within(lag)}"
                return f"{self.kw('event')} {self.name(event)} {self.kw('after')} {self.within(lag)}"
            case syn.EventSameDay(event=event):
                return f"{self.kw('event')} {self.name(event)} {self.kw('same_day')}"
            case syn.EventLead(event=event, lead=lead):
                return f"{self.kw('event')} {self.name(event)} {self.lead(lead)}"
            case syn.SyncWith(ref=ref):
                return f"{self.kw('together')} [{ref}]"
            case syn.Standing():
                return self.kw("standing")
            case syn.Realtime(max_gap=gap):
                if gap is None:
                    return self.kw("realtime")
                if self.english:
                    return f"real-time (max gap {self.duration(gap)})"
                return f"{self.kw('realtime')}（{self.kw('max_gap')}{self.duration(gap)}）"
            case syn.Once(date=date) if date is not None:
                return f"before {self.date(date)}" if self.english else f"{self.date(date)}前"
            case syn.Once(phrase=phrase):
                return self.kw(phrase)
            case syn.Vague(phrase=phrase):
                canon = _VAGUE_CANON.get(phrase)
                return self.kw(f"vague.{canon}") if canon else phrase
        raise AssertionError(t)

    def lead(self, d: syn.Duration) -> str:
        return f"{self.duration(d)} ahead" if self.english else f"提前{self.duration(d)}"

    # clauses -----------------------------------------------------------------------------------
    def clause(self, c: syn.Clause) -> str:
        sep = ", " if self.english else "、"
        match c:
            case syn.Agencies(entries=entries):
                return f"{self.kw('by')} " + sep.join(self.entry(e) for e in entries)
            case syn.Channels(names=names):
                return f"{self.kw('via')} " + sep.join(self.name(n) for n in names)
            case syn.Roll(on=on):
                return self.kw("roll" if on else "no_roll")
            case syn.Display(duration=d):
                return f"{self.kw('display')} {self.duration(d)}"
            case syn.Window():
                return self.window(c)
            case syn.Extension(duration=d):
                return f"{self.kw('extend')} {self.duration(d)}"
        raise AssertionError(c)

    def entry(self, e: syn.AgencyEntry) -> str:
        name = self.name(e.name)
        return name if e.role is None else f"{name} {self.kw('role.' + e.role.value)}"

    def window(self, w: syn.Window) -> str:
        if w.start and w.end:
            return f"{self.kw('from')} {self.date(w.start)} {self.kw('to')} {self.date(w.end)}"
        if w.start:
            since = self.kw("since")
            return f"{self.kw('from')} {self.date(w.start)}" + (f" {since}" if since else "")
        assert w.end is not None
        return f"{self.kw('until')} {self.date(w.end)}"

    # statements ---------------------------------------------------------------------------------
    def statement(self, s: syn.Statement) -> list[str]:
        match s:
            case syn.HeaderField():
                return [self.header(s)]
            case syn.AgencyDecl():
                line = f"{self.kw('agency')} {self.name(s.name)} = {self.name(s.full_name)}"
                if s.aliases:
                    sep = ", " if self.english else "、"
                    line += f" {self.kw('aka')} " + sep.join(self.name(a) for a in s.aliases)
                return [line]
            case syn.Include():
                return [f'{self.kw("include")} "{s.path.text}"']
            case syn.Section():
                return [f"§ {s.id} {self.text(s.title)}".rstrip()]
            case syn.Obligation():
                return self.obligation(s)
        raise AssertionError(s)

    def header(self, h: syn.HeaderField) -> str:
        key = self.kw(h.field)
        value = h.value
        if isinstance(value, syn.Date):
            return key + self.date(value)
        if isinstance(value, syn.Duration):
            return key + self.duration(value)
        if isinstance(value, syn.Window):
            return key + self.window(value)
        return key + (self.text(value) if h.field in ("title", "issuer") else str(value))

    def obligation(self, ob: syn.Obligation) -> list[str]:
        parts = [f"[{ob.id}]"] if ob.id else []
        assert ob.subject is not None  # format_source refuses lines without one (E214)
        order: list[type] = [syn.Agencies, syn.Channels, syn.Roll, syn.Display, syn.Extension, syn.Window]
        clauses = [self.clause(c) for c in sorted(ob.clauses, key=lambda c: order.index(type(c)))]
        subject = self.name(ob.subject, then=clauses[0] if clauses else "")
        parts += [self.timing(ob.timing), self.name(ob.action, action=True), subject, *clauses]
        return [" ".join(parts), *(f"> {q}" for q in ob.quotes)]


def format_file(
    spec_file: syn.SpecFile, source: str, keywords: str | None = None, script: str | None = None
) -> str:
    """Canonical text of one parsed file. ``keywords``: zh|en (default: the file's own)."""
    if keywords is None:
        obligations = [s for s in spec_file.statements if isinstance(s, syn.Obligation)]
        english = sum(o.english for o in obligations)
        keywords = "en" if obligations and english * 2 > len(obligations) else "zh"
    keyword_script = script or scripts.detect_script(source)
    fmt = Formatter(keywords, script)
    fmt.script = keyword_script
    by_line = {s.span.line: s for s in spec_file.statements}
    comments = dict(spec_file.comments)
    covered: set[int] = set()
    out: list[str] = []
    lines = source.splitlines()
    for number in range(1, len(lines) + 1):
        if number in covered:
            continue
        stmt = by_line.get(number)
        if stmt is not None:
            rendered = fmt.statement(stmt)
            if number in comments:
                rendered[0] += "  " + comments[number]
            out.extend(rendered)
            if isinstance(stmt, syn.Obligation):
                covered.update(range(number + 1, number + 1 + len(stmt.quotes)))
        elif number in comments:
            out.append(comments[number])
        elif not lines[number - 1].strip():
            if out and out[-1] != "":
                out.append("")
        else:
            out.append(lines[number - 1].rstrip())  # not reached for a file that parsed
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


class FormatError(SpecError):
    """The file could not be formatted safely; ``diagnostics`` says why. A ``SpecError`` (and so
    an ``ObligationsError``), as a caller of ``format_source`` catches it."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(diagnostics)
        self.diagnostics = tuple(diagnostics)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (list(self.diagnostics),))


def meaning(spec_file: syn.SpecFile) -> list[dict[str, Any]]:
    """What one file's obligations mean, without positions and with names as identity keys."""
    from obligations.checker import check

    spec, _ = check([spec_file])
    out = []
    for ob in spec.obligations:
        d = ob.to_dict()
        d["action"] = scripts.key(d["action"])
        d["subject"] = scripts.key(d["subject"])
        d["agencies"] = [{**a, "name": scripts.key(a["name"])} for a in d["agencies"]]
        d["channels"] = [scripts.key(c) for c in d["channels"]]
        d["source"] = {"section": scripts.key(d["source"]["section"]), "quote": d["source"]["quote"]}
        if d["schedule"].get("trigger"):
            d["schedule"]["trigger"] = scripts.key(d["schedule"]["trigger"])
        out.append(d)
    return out


def format_source(
    text: str, file: str = "<string>", keywords: str | None = None, script: str | None = None
) -> str:
    """Format one file's text. Raises ``FormatError`` if it does not parse, or if (a bug) the
    formatted text would mean something else, in which case nothing should be written.

    A file with Windows line ends (CRLF) keeps them, on every line: the parser counts only LF, and
    a CR left at the end of a comment would make the lines end in two ways."""
    from obligations.parse_tree import parse

    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    spec_file, diags = parse(text, file)
    if diags:
        raise FormatError(diags)
    missing = [s for s in spec_file.statements if isinstance(s, syn.Obligation) and s.subject is None]
    if missing:
        raise FormatError([Diagnostic("E214", s.action.span, {"action": s.action.text}) for s in missing])
    formatted = format_file(spec_file, text, keywords=keywords, script=script)
    again, diags = parse(formatted, file)
    if diags or meaning(again) != meaning(spec_file):
        raise FormatError([Diagnostic("E305", None, {"path": file})])
    return formatted.replace("\n", "\r\n") if crlf else formatted
