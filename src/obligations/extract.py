"""Draft a spec from a policy document: the first draft is automatic, the human's job a review.

``extract_text`` reads a 政務公開 document as plain text (Traditional or Simplified, full- or
half-width punctuation, paragraphs line-wrapped or not) and writes a spec that always compiles:

* the header from the title line and the signature block (發布機關 / 發布日期);
* a ``§`` section per heading (``一、`` → ``§ 一``, ``(一)`` → ``§ 一(一)``);
* one obligation per duty: the action verb (the language's own vocabulary), its subject, the timing
  phrase (the grammar's own keywords, plus the few running-text spellings it does not accept), and
  the agencies of the paragraph's responsibility tail (「(X、Y按職責分工分別牽頭落實)」);
* under every obligation its source sentence as ``>`` lines, verbatim; every sentence without a duty
  as a ``#`` comment, so a reviewer sees the whole document and nothing is silently dropped;
* what a careful encoder adds: the statutory limits the text relies on (條例 for 依申請 replies and
  unstated disclosures, 預算法 art. 14 for budgets), duties stated in noun form (「建立X公開機制」),
  summary sentences that only restate a heading kept as comments, paragraphs without a tail given
  to the addressees the text names, and an existing agency registry (``agencies=``) included and
  used for names instead of placeholder declarations.

Catalogue tables (基層政務公開標準目錄) are read by ``extract_catalogue`` (``extract_catalogue.py``).

The extractor is rule-based, deterministic and offline. Rules, in the order they apply, are
documented in ``docs/extract.md``; every guess the rules make is said in a ``#`` comment above the
obligation it concerns. A heavier extractor (a language model, say) plugs in through the
``obligations.extractors`` entry-point group: an object with ``extract_text(text, source_name)``
returning spec text (see ``load_extractor``). Whatever it returns is compiled before use.

Internally every match is made on an aligned Simplified copy of the text (same length, same
offsets), so one set of patterns serves both scripts while the names and quotes written to the
draft are sliced from the original.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Protocol

import attrs

from obligations.diagnostics import Span
from obligations.terms import Every, Role, Unit

EXTRACTORS_GROUP = "obligations.extractors"

# ---- shared: text normalisation -------------------------------------------------------------------

_SPAN = Span("<draft>", 1, 1, 1, 1)
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# A pinyin gloss after a character, as some mirrors add them: 鎮(zhèn), 內(nèi), 網(wǎng).
_PINYIN = re.compile(rf"(?<=[{_CJK}])[(（]\s*[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ]{{1,7}}\s*[)）]")
# Spaced-out characters (制 定 或 获 取): white space with a CJK character or digit on both sides.
_SPACED = re.compile(rf"(?<=[{_CJK}\d])[ \t\u3000\u00a0]+(?=[{_CJK}\d])")
_INVISIBLE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def clean_noise(text: str) -> str:
    """Remove what mirrors add to a cell or a phrase: pinyin glosses, spaced-out characters,
    invisible characters, full-width digits. Used before matching timing phrases."""
    text = _INVISIBLE.sub("", text).translate(_FULLWIDTH_DIGITS)
    text = _PINYIN.sub("", text)
    return _SPACED.sub("", text)


def hans_aligned(text: str) -> str:
    """A Simplified copy of ``text`` with the same length, so offsets carry over.

    OpenCC converts phrase by phrase; when a phrase changes length the text is converted one
    character at a time instead (rare, and only loses phrase-level choices)."""
    from obligations import script

    out = script.to_hans(text)
    if len(out) == len(text):
        return out
    chars = script.convert_many(list(text), "hans")
    return "".join(c if len(c) == 1 else o for c, o in zip(chars, text, strict=True))


@lru_cache(maxsize=4096)
def _hans(text: str) -> str:
    """``script.to_hans``, remembered (names and subjects are converted again and again)."""
    from obligations import script

    return script.to_hans(text)


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """``20`` or a Chinese numeral up to 九十九 (二十, 十五, 两) → int; None if neither."""
    text = text.strip().translate(_FULLWIDTH_DIGITS)
    if text.isdigit():
        return int(text)
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    value = (_CN_DIGITS.get(tens, -100) if tens else 1) * 10 + (_CN_DIGITS.get(ones, -100) if ones else 0)
    return value if value > 0 else None


NUM = r"(?:\d+|[一二两三四五六七八九十]+)"
_UNIT_WORDS: tuple[tuple[str, Unit], ...] = (
    ("个小时", Unit.HOUR),
    ("小时", Unit.HOUR),
    ("个工作日", Unit.WORKING_DAY),
    ("工作日", Unit.WORKING_DAY),
    ("个星期", Unit.WEEK),
    ("星期", Unit.WEEK),
    ("个月", Unit.MONTH),
    ("周", Unit.WEEK),
    ("日", Unit.DAY),
    ("天", Unit.DAY),
    ("月", Unit.MONTH),
    ("年", Unit.YEAR),
)
UNIT_RE = "(?:" + "|".join(w for w, _ in _UNIT_WORDS) + ")"


def duration(amount_text: str, unit_text: str) -> tuple[int, Unit] | None:
    """(amount, unit) from ``20`` + ``个工作日`` (Simplified); None if either is not one."""
    unit = next((u for w, u in _UNIT_WORDS if unit_text == w), None)
    amount = cn_number(amount_text)
    if unit is None or amount is None or amount < 1:
        return None
    return amount, unit


# ---- shared: the grammar's own vocabulary ------------------------------------------------------------

_PERIOD_TERMINALS = {
    "DAILY": Every.DAY,
    "WEEKLY": Every.WEEK,
    "BIWEEKLY": Every.BIWEEK,
    "MONTHLY": Every.MONTH,
    "QUARTERLY": Every.QUARTER,
    "HALFYEARLY": Every.HALF_YEAR,
    "YEARLY": Every.YEAR,
}


@cache
def grammar_words() -> dict[str, tuple[str, ...]]:
    """The Chinese words of each keyword terminal of ``grammar/obligations.lark``, in Simplified.

    The extractor matches running text against the same words the language accepts, so a
    keyword added to the grammar is recognised in documents too."""
    from obligations import script
    from obligations.parse_tree import grammar_text

    raw: dict[str, list[str]] = {}
    for line in grammar_text().splitlines():
        m = re.match(r"^([A-Z_]+)(?:\.\d+)?:\s*/(.*)/\s*$", line.strip())
        if not m:
            continue
        body = re.sub(r"\(\?![^)]*\)\)?$", "", m.group(2))  # drop the trailing boundary look-ahead
        body = body.removeprefix("(").removesuffix(")")
        words = [w for w in body.split("|") if w and re.fullmatch(rf"[{_CJK}]+", w)]
        if words:
            raw[m.group(1)] = words
    flat = [w for words in raw.values() for w in words]
    converted = iter(script.convert_many(flat, "hans"))
    out: dict[str, tuple[str, ...]] = {}
    for name, words in raw.items():
        simplified = [next(converted) for _ in words]
        out[name] = tuple(sorted(set(simplified), key=lambda w: (-len(w), w)))
    return out


@cache
def action_words() -> tuple[str, ...]:
    """The built-in Chinese action verbs (``vocabulary.py``), Simplified, longest first."""
    from obligations import script
    from obligations.vocabulary import BUILTIN_ACTIONS

    chinese = [a for a in BUILTIN_ACTIONS if re.fullmatch(rf"[{_CJK}]+", a)]
    return tuple(sorted(set(script.convert_many(chinese, "hans")), key=lambda w: (-len(w), w)))


# ---- shared: what an extracted obligation is ----------------------------------------------------------


@attrs.frozen
class When:
    """A timing, before it is written as spec syntax.

    kind: periodic | count | event | prompt | after_prompt | after_period | standing | realtime |
    once | vague | regularly | same_day | sync | lead_event | statutory (法定: 信息形成或變更 後
    20個工作日內).
    ``lag`` is the time limit of an event or after the period (after_period), the lead of a
    periodic duty or of a lead_event. ``next_period``: day and month are of the next period
    (次月10日前)."""

    kind: str
    every: Every | None = None
    count: int | None = None
    lag: tuple[int, Unit] | None = None
    trigger: str | None = None
    phrase: str | None = None
    day: int | None = None
    month: int | None = None
    weekday: int | None = None
    ref: str | None = None
    next_period: bool = False


STATUTORY = When("statutory")
STATUTORY_TRIGGER = "信息形成或變更"
STATUTORY_DAYS = 20


@attrs.define
class Draft:
    """One obligation of the draft, with the comments a reviewer needs above it."""

    when: When
    action: str
    subject: str
    agencies: list[tuple[str, Role | None]] = attrs.field(factory=list)
    channels: list[str] = attrs.field(factory=list)
    display: tuple[int, Unit] | None = None
    quotes: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    id: str | None = None
    context: str = ""  # the clause it came from (Simplified), for assigning agencies
    window: tuple[str | None, str | None] | None = None  # 自 … 至 … (ISO dates)
    umbrella: str | None = None  # 「推進X信息公開」: X (Simplified), when it may only restate a heading
    clause: str = ""  # the clause it came from, as written
    derived: bool = False  # the timing is a default (法定, 預算法), not the text's
    actors: str = ""  # 督促指導X做好…: X (Simplified), whose supervisor owes the duty
    extension: tuple[int, Unit] | None = None  # 可延長
    sentence: str = ""  # the sentence it came from (Simplified), for assigning agencies
    roll: bool | None = None  # 遇節假日順延 / 不順延, when the text says so


_NAME_STRIP = " \t\u3000\n·•●▪◆★※，、,.。;；:：!！?？"


def clean_name(text: str) -> str:
    """A name as the draft can hold it: one line, no stray punctuation at the ends, no quote
    marks that would end a quoted name early."""
    text = re.sub(r"\s+", " ", text).strip(_NAME_STRIP)
    text = text.replace("「", "“").replace("」", "”").replace('"', "”")
    return text.replace("#", "").replace("＃", "").strip()


@attrs.frozen
class Registry:
    """An existing agency registry (``機構`` declarations, e.g. ``specs/haimen-2017/agencies.obl``)
    the draft includes instead of declaring placeholders: a city reuses the registry it keeps.

    ``path`` is absolute (for compiling); ``include`` is the path the draft writes after
    ``引用`` (relative to where the draft will live)."""

    path: Path
    include: str
    agencies: tuple[Any, ...]  # model.Agency
    _by_key: dict[str, Any] = attrs.field(eq=False, repr=False)

    def agency(self, name: str) -> Any | None:
        """The registry agency a name, full name or alias refers to, in either script."""
        from obligations import script

        return self._by_key.get(script.key(clean_name(name)))


def load_registry(path: str | Path, include: str | None = None) -> Registry:
    """Read an agency registry. ``include``: how the draft names it (default: ``path`` as given).
    Raises ``ValueError`` if the file does not compile or declares no agency."""
    p = Path(path)
    agencies = _registry_agencies(str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0)
    return Registry(p.resolve(), include if include is not None else p.as_posix(), agencies[0], agencies[1])


@cache
def _registry_agencies(path: str, _mtime: int) -> tuple[tuple[Any, ...], dict[str, Any]]:
    from obligations import script
    from obligations.compiler import compile_file
    from obligations.diagnostics import render_all

    result = compile_file(path)
    if result.errors or result.spec is None:
        raise ValueError(f"not a usable agency registry:\n{render_all(result.errors, result.sources, 'en')}")
    from obligations import syntax as syn

    for spec_file in result.syntax:  # the draft includes it: only declarations may come along
        for stmt in spec_file.statements:
            if isinstance(stmt, syn.HeaderField | syn.Obligation | syn.Section):
                where = f"line {stmt.span.line} of {Path(spec_file.file).name}"
                raise ValueError(
                    "an agency registry holds only 機構 declarations (and 引用), "
                    f"but {where} is a header field, section or obligation"
                )
    agencies = tuple(result.spec.agencies)
    if not agencies:
        raise ValueError("the agency registry declares no agency (機構)")
    by_key: dict[str, Any] = {}
    for a in agencies:
        for n in (a.name, a.full_name, *a.aliases):
            by_key.setdefault(script.key(n), a)
    return agencies, by_key


class DraftWriter:
    """Collects header fields, agencies, sections, comments and obligations; renders spec text
    through ``fmt.Formatter`` (so quoting and keywords are exactly what ``fmt`` writes), then
    compiles it and turns any obligation that would not compile into comments.

    With a ``registry`` the draft includes it (``引用``) and names its agencies by their
    registry names; only agencies the registry lacks are declared as placeholders."""

    def __init__(self, sample: str, file: str, registry: Registry | None = None) -> None:
        from obligations import script
        from obligations.fmt import Formatter

        self.file = file
        self.registry = registry
        self.fmt = Formatter("zh", None)
        self.fmt.script = script.detect_script(sample)
        self.header: list[str] = []
        self.body: list[tuple[str, Any]] = []  # ("line", str) | ("ob", Draft)
        self.agencies: dict[str, list[str]] = {}  # short name -> aliases, in order of first use
        self.agency_notes: dict[str, str] = {}
        self.issued_year: int | None = None
        self.issued: str | None = None  # ISO date
        self._ids = 0

    # header and layout ------------------------------------------------------------------------
    def header_field(self, field: str, value: str) -> None:
        from obligations import syntax as syn

        if field == "issued":
            y, m, d = (int(x) for x in value.split("-"))
            self.issued_year = y
            self.issued = value
            node = syn.HeaderField("issued", syn.Date(y, m, d, _SPAN), _SPAN)
        else:
            node = syn.HeaderField(field, clean_name(value), _SPAN)
        self.header.append(self.fmt.header(node))

    def prompt_default(self) -> None:
        """``及時：20個工作日``: what 及時 means in the draft, said where a reviewer sees it."""
        from obligations import syntax as syn

        node = syn.HeaderField("prompt", syn.Duration(STATUTORY_DAYS, Unit.WORKING_DAY, _SPAN), _SPAN)
        self.header.append(
            self.fmt.header(node) + "   # 政府信息公開條例第二十六條：信息形成或變更之日起20個工作日內"
        )

    def comment(self, text: str) -> None:
        for line in text.splitlines() or [""]:
            self.body.append(("line", f"# {line.strip()}".rstrip()))

    def blank(self) -> None:
        if self.body and self.body[-1] != ("line", ""):
            self.body.append(("line", ""))

    def section(self, sid: str, title: str) -> None:
        self.blank()
        sid = re.sub(r"[\s#＃]+", "", sid) or "?"
        title = re.sub(r"\s+", " ", title.replace("#", "").replace("＃", "")).strip()
        self.body.append(("line", f"§ {sid} {title}".rstrip()))

    def new_id(self) -> str:
        self._ids += 1
        return f"D-{self._ids:03d}"

    def declare(self, name: str, note: str = "全稱待核") -> str:
        name = clean_name(name)
        known = self.registry.agency(name) if self.registry is not None and name else None
        if known is not None:
            return str(known.name)
        if self.registry is not None and note == "全稱待核":
            note = "機構表中沒有，全稱待核"
        if name and name not in self.agencies:
            self.agencies[name] = []
            self.agency_notes[name] = note
        return name

    def alias(self, name: str, alias: str) -> None:
        if alias != name and alias not in self.agencies[name]:
            self.agencies[name].append(alias)

    def add(self, ob: Draft) -> None:
        self.body.append(("ob", ob))

    # rendering ----------------------------------------------------------------------------------
    def _name(self, text: str, action: bool = False) -> str:
        from obligations import syntax as syn

        return self.fmt.name(syn.Name(clean_name(text), "", _SPAN), action=action)

    def _timing(self, w: When) -> Any:
        from obligations import syntax as syn

        def dur(x: tuple[int, Unit]) -> syn.Duration:
            return syn.Duration(x[0], x[1], _SPAN)

        def name(text: str) -> syn.Name:
            return syn.Name(clean_name(text), "", _SPAN)

        def period(every: Every | None, regularly: bool = False) -> syn.Period:
            return syn.Period(every, None, regularly, _SPAN)

        match w.kind:
            case "periodic" | "after_prompt" | "after_period" | "count" | "regularly":
                deadline: Any = None
                if w.kind == "after_prompt":
                    deadline = syn.AfterPeriod(syn.Prompt(_SPAN), _SPAN)
                elif w.kind == "after_period":
                    assert w.lag is not None
                    deadline = syn.AfterPeriod(dur(w.lag), _SPAN)
                elif w.day is not None:
                    day = syn.NextPeriodDay if w.next_period else syn.DayOfPeriod
                    deadline = day(w.day, w.month, _SPAN)
                elif w.weekday is not None:
                    deadline = syn.WeekdayOfPeriod(w.weekday, _SPAN)
                count = syn.Count(w.count, _SPAN) if w.kind == "count" and w.count else None
                lead = dur(w.lag) if w.kind == "periodic" and w.lag else None
                return syn.Periodic(period(w.every, w.kind == "regularly"), deadline, count, lead, _SPAN)
            case "event":
                assert w.lag is not None
                return syn.EventAfter(name(w.trigger or STATUTORY_TRIGGER), dur(w.lag), _SPAN)
            case "statutory":
                lag = (STATUTORY_DAYS, Unit.WORKING_DAY)
                return syn.EventAfter(name(STATUTORY_TRIGGER), dur(lag), _SPAN)
            case "prompt":
                trigger = name(w.trigger) if w.trigger else None
                return syn.EventAfter(trigger, syn.Prompt(_SPAN), _SPAN)
            case "same_day":
                return syn.EventSameDay(name(w.trigger or "?"), _SPAN)
            case "lead_event":
                assert w.lag is not None
                return syn.EventLead(name(w.trigger or "?"), dur(w.lag), _SPAN)
            case "sync":
                return syn.SyncWith(w.ref or "?", _SPAN)
            case "standing":
                return syn.Standing(_SPAN)
            case "realtime":
                return syn.Realtime(None, _SPAN)
            case "once":
                if self.issued_year is None:  # 年內 / 年底前 need the document's year
                    return syn.Vague(self.script_text("適時"), _SPAN)
                return syn.Once(None, w.phrase or "within_year", _SPAN)
            case "vague":
                return syn.Vague(self.script_text(w.phrase or "按要求"), _SPAN)
        raise AssertionError(w)

    def script_text(self, text: str, traditional: bool = True) -> str:
        """``text`` in the draft's script (keywords and generated words follow the source).
        ``traditional``: the text is already Traditional (the extractor's own words), so a
        Traditional draft needs no conversion."""
        from obligations import script

        if self.fmt.script == "hans":
            return script.to_hans(text)
        return text if traditional else script.to_hant(text)

    def _obligation_lines(self, ob: Draft) -> list[str]:
        from obligations import syntax as syn

        notes = list(ob.notes)
        if ob.when.kind == "once" and self.issued_year is None:
            notes.append("原文「年內／年底」，但未找到發布日期，無法確定年份：暫作「適時」")
        clauses: list[Any] = []
        if ob.agencies:
            entries = [
                syn.AgencyEntry(syn.Name(clean_name(n), "", _SPAN), role, _SPAN) for n, role in ob.agencies
            ]
            clauses.append(syn.Agencies(tuple(entries), _SPAN))
        channels = [clean_name(c) for c in ob.channels if clean_name(c)]
        if channels:
            clauses.append(syn.Channels(tuple(syn.Name(c, "", _SPAN) for c in channels), _SPAN))
        if ob.roll is not None:
            clauses.append(syn.Roll(ob.roll, _SPAN))
        if ob.display:
            clauses.append(syn.Display(syn.Duration(ob.display[0], ob.display[1], _SPAN), _SPAN))
        if ob.extension:
            clauses.append(syn.Extension(syn.Duration(ob.extension[0], ob.extension[1], _SPAN), _SPAN))
        if ob.window:

            def date(iso: str | None) -> syn.Date | None:
                if iso is None:
                    return None
                y, m, d = (int(x) for x in iso.split("-"))
                return syn.Date(y, m, d, _SPAN)

            clauses.append(syn.Window(date(ob.window[0]), date(ob.window[1]), _SPAN))
        node = syn.Obligation(
            id=ob.id,
            timing=self._timing(ob.when),
            action=syn.Name(clean_name(ob.action), "", _SPAN),
            subject=syn.Name(clean_name(ob.subject) or "?", "", _SPAN),
            clauses=tuple(clauses),
            quotes=tuple(re.sub(r"\s*\n\s*", "", q).strip() for q in ob.quotes if q.strip()),
            english=False,
            span=_SPAN,
        )
        lines = [f"# {n}" for n in notes]
        return lines + self.fmt.obligation(node)

    def _agency_lines(self) -> list[str]:
        from obligations import syntax as syn

        out = []
        for name, aliases in self.agencies.items():
            decl = syn.AgencyDecl(
                syn.Name(name, "", _SPAN),
                syn.Name(name, "", _SPAN),
                tuple(syn.Name(a, "", _SPAN) for a in aliases),
                _SPAN,
            )
            line = self.fmt.statement(decl)[0]
            note = self.agency_notes.get(name)
            out.append(f"{line}  # {note}" if note else line)
        return out

    def render(self) -> str:
        from obligations.compiler import compile_text

        blocks: list[list[str]] = []
        kinds: list[bool] = []  # True: an obligation block
        for kind, value in self.body:
            if kind == "ob":
                blocks.append(self._obligation_lines(value))
                kinds.append(True)
            else:
                blocks.append([value])
                kinds.append(False)
        head = [*self.header]
        check_head = list(head)
        if self.registry is not None:
            from obligations import syntax as syn

            def include(path: str) -> str:
                return self.fmt.statement(syn.Include(syn.Name(path, '"', _SPAN), _SPAN))[0]

            note = "# 機構表：責任單位按其中的名稱、別名和全稱引用。"
            head += ["", note, include(self.registry.include)]
            # compile_text resolves includes against the current directory: check with the
            # absolute path, write the one the draft will use.
            check_head += ["", note, include(self.registry.path.as_posix())]
        agencies = self._agency_lines()
        if agencies:
            title = (
                "# 機構：機構表中沒有的責任單位，名稱照原文，請核對。"
                if self.registry is not None
                else "# 機構：草稿中出現的責任單位，名稱照原文；全稱未知時暫用簡稱，請核對。"
            )
            head += ["", title, *agencies]
            check_head += ["", title, *agencies]
        for _ in range(3):  # each pass comments out what did not compile; normally one pass
            body = [line for b in blocks for line in b]
            text = "\n".join([*head, "", *body]).rstrip() + "\n"
            check = "\n".join([*check_head, "", *body]).rstrip() + "\n"
            result = compile_text(check, self.file)
            bad_lines = {d.span.line for d in result.errors if d.span is not None}
            if not result.errors:
                return text
            first = len(head) + 2
            changed = False
            for i, block in enumerate(blocks):
                last = first + len(block) - 1
                if kinds[i] and any(first <= n <= last for n in bad_lines):
                    blocks[i] = ["# 未能生成為可編譯的義務，請人工改寫："] + [
                        "# " + line.lstrip("#> ").strip() for line in block
                    ]
                    kinds[i] = False
                    changed = True
                first = last + 1
            if not changed:
                break
        # Whatever remains wrong is outside the obligations (never expected): keep it visible.
        return "\n".join(["# " + line for line in text.splitlines()]) + "\n"


# ---- extension point ---------------------------------------------------------------------------


class Extractor(Protocol):
    """What a plugin in the ``obligations.extractors`` group provides. A plugin may also accept
    an ``agencies`` keyword (a ``Registry``); ``obligations extract --agencies`` needs it."""

    def extract_text(self, text: str, source_name: str) -> str: ...


AgenciesArg = str | Path | Registry | None


def _registry(agencies: AgenciesArg) -> Registry | None:
    if agencies is None or isinstance(agencies, Registry):
        return agencies
    return load_registry(agencies)


class _RuleBased:
    def extract_text(self, text: str, source_name: str, agencies: AgenciesArg = None) -> str:
        return _extract_rules(text, source_name, _registry(agencies))


def load_extractor(name: str = "rules") -> Extractor:
    """The built-in rule-based extractor (``rules``) or a plugin registered under ``name`` in the
    ``obligations.extractors`` entry-point group (an object, or a class to instantiate)."""
    if name == "rules":
        return _RuleBased()
    from obligations.plugins import load_group

    for plugin in load_group(EXTRACTORS_GROUP):
        if plugin.name == name:
            if plugin.error is not None:
                raise LookupError(f"extractor {name!r} failed to load: {plugin.error}")
            obj = plugin.obj() if isinstance(plugin.obj, type) else plugin.obj
            if not callable(getattr(obj, "extract_text", None)):
                raise LookupError(f"extractor {name!r} has no extract_text(text, source_name)")
            return obj  # type: ignore[no-any-return]
    known = ["rules", *(p.name for p in load_group(EXTRACTORS_GROUP))]
    raise LookupError(f"no extractor {name!r} (known: {', '.join(known)})")


def extract_text(text: str, source_name: str = "<text>", agencies: AgenciesArg = None) -> str:
    """Draft spec text from a policy document given as plain text (rule-based, deterministic).

    ``agencies``: an agency registry (a path, or a ``Registry`` from ``load_registry``) the
    draft includes and names agencies from, instead of declaring placeholders."""
    return _extract_rules(text, source_name, _registry(agencies))


def extract_catalogue(path: str | Path, agencies: AgenciesArg = None) -> str:
    """Draft spec text from a 基層政務公開標準目錄 (.xlsx, .csv or flattened text)."""
    from obligations.extract_catalogue import extract_catalogue as run

    return run(path, agencies=_registry(agencies))


def run_extractor(extractor: Extractor, text: str, source_name: str, agencies: AgenciesArg = None) -> str:
    """``extractor.extract_text``, passing the registry when one is given (a plugin that does
    not take ``agencies`` cannot use one: ``LookupError``)."""
    if agencies is None:
        return extractor.extract_text(text, source_name)
    import inspect

    try:
        params = inspect.signature(extractor.extract_text).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    if "agencies" not in params and not any(p.kind is p.VAR_KEYWORD for p in params.values()):
        raise LookupError("this extractor does not accept an agency registry (--agencies)")
    return extractor.extract_text(text, source_name, agencies=_registry(agencies))  # type: ignore[call-arg]


def draft_file(path: str | Path, extractor: str = "rules", agencies: AgenciesArg = None) -> str:
    """Draft from a file: catalogues by suffix (.xlsx/.xlsm/.csv) or by content (a flattened
    table with 公開時限 columns), anything else as a policy document."""
    from obligations.extract_catalogue import is_catalogue, read_text_file

    p = Path(path)
    registry = _registry(agencies)
    if p.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        return extract_catalogue(p, registry)
    text = read_text_file(p)
    if is_catalogue(text):
        return extract_catalogue(p, registry)
    return run_extractor(load_extractor(extractor), text, p.name, registry)


# ==== the rule-based extractor for policy text ==========================================================

# Verbs of the document genre that the language's vocabulary (vocabulary.py) lacks, and the
# vocabulary verb the draft writes for each (with the original in a comment, so lint stays quiet
# and a reviewer sees the choice). Keys are Simplified.
_GENRE_VERBS = {
    "传达": "發布",  # 及時傳達政策意圖
    "推广": "發布",  # 及時推廣典型經驗做法 (publicise); a duty only with a time, like an activity
    "解疑释惑": "回應",  # 做好解疑釋惑工作: answering the public's doubts
    "公示公告": "公示",
    "刊登": "發布",
    "刊发": "發布",
    "张贴": "公示",
}

# Verbs of the vocabulary by what they mean for a draft (Simplified). Disclosures are duties
# whenever they have an object; interpretation and answers too, unscheduled when no time is
# given; activities (meetings, studies, goals) only when the text gives them a time.
_INTERPRET = frozenset({"解读", "回应", "答复", "答覆", "解疑释惑"})
# Verbs that accompany the duty before them (「及時公開X,并在原文件上作出標注」): 同步 with it.
_FOLLOW_UP = frozenset({"标注"})
_ACTIVITY = frozenset(
    {
        "召开",
        "举行",
        "编制",
        "开展",
        "进行",
        "组织",
        "实现",
        "建立",
        "设立",
        "转为",
        "提出",
        "督查",
        "评估",
        "备案",
        "推广",
    }
)
# Light verbs that hand over to a following verb: 組織召開 → 召開, 進行深度解讀 → 解讀.
_LIGHT = frozenset({"进行", "开展", "组织"})

# Words after a verb that make it part of a noun: 公開機制, 發布會, 公示系統, 解讀材料.
_NOUN_AFTER = re.compile(
    r"^(?:公示|公告|公开|发布)?(?:的|会(?!议)|机制|制度|平台|统一平台|方式|目录|范围|指南|栏|系统|条例|办法|规定|透明|"
    r"实效|专栏|时限|要求|载体|渠道|形式|年报|人|材料|方案|审核|功能|作品|率|服务|申请|队伍|批评|交办|督办|、|等)"
)
# Nouns that end a full phrase: where 「A和B」 may be two subjects (參加社會保險情況和社會保險基金運行情況).
_HEAD_NOUN = re.compile(
    r"(?:情况|信息|提示|动态|数据|公告|名单|报告|结果|政策|计划|措施|方案|标准|工作|清单|目录|意见|制度|决定|资料|规定|"
    r"价格|文件|指南|方式|招投标)$"
)
_NOUN_BEFORE = re.compile(r"(?:政务|依申请|舆情|已|所|被|已经|予以)$")

# Words that open a duty but are not part of it (Simplified): 做好 X 公開工作, 加大 X 的公開力度.
_LEAD_INS = (
    "进一步",
    "突出做好",
    "落实好",
    "按照法定时限",
    "确保",
    "进行",
    "开展",
    "组织",
    "督促指导",
    "指导",
    "督促",
    "我市",
    "我县",
    "我区",
    "著力推进",
    "著力",
    "尤其要",
    "特别是",
    "尤其",
    "切实做好",
    "扎实做好",
    "认真做好",
    "着力推进",
    "大力推进",
    "加快推进",
    "积极推进",
    "深入推进",
    "全面推进",
    "重点推进",
    "严格执行",
    "汇总形成并统一",
    "汇总形成并",
    "依法依规",
    "原则上",
    "做好",
    "推进",
    "推动",
    "加大",
    "加强",
    "深化",
    "强化",
    "全面",
    "积极",
    "主动",
    "依法",
    "重点",
    "着力",
    "大力",
    "切实",
    "认真",
    "严格",
    "落实",
    "有序",
    "逐级",
    "分批次",
    "统一",
    "集中",
    "都要",
    "要",
    "应当",
    "应",
    "须",
    "需",
    "注重",
    "准确",
    "规范",
    "深入",
    "深度",
    "同时",
    "并且",
    "并",
    "以及",
    "还要",
    "继续",
    "持续",
    "不断",
    "加快",
    "抓好",
    "按照规定",
    "按规定",
    "带头",
    "全力",
    "扎实",
    "及时准确",
    "对",
    "针对",
    "围绕",
    "因地制宜",
    "于",
)
_LEAD_RE = re.compile("^(?:" + "|".join(sorted(_LEAD_INS, key=len, reverse=True)) + ")")
_TRAIL_RE = re.compile(
    r"(?:等?工作|的?公开力度|力度|的时限要求|的同时|上?作出|的|等|了|之中|中|进行|都要|要|全面|主动|集中|准确|"
    r"深入|深度|明确|有关)$"
)
# Where a duty is published: 在政府網站, 通過企業信用信息公示系統, 利用…手段, 依托…平台.
_CHANNEL_RE = re.compile(
    r"(?:在|通过|利用|依托)([^在通利依]{0,24}?(?:网站|平台|系统|新媒体|媒体|公示栏|栏|二维码|手段|门户网站))"
    r"(?:上|中|等)?"
)
_PLACE_TAIL_RE = re.compile(
    r"在([^在]{1,12}(?:村|组|乡|镇|社区|街道|网站|平台|系统|栏|媒体|场所|大厅|中心))$"
)
_TO_RE = re.compile(r"向(?:社会公众|社会|公众|[\u4e00-\u9fff]{1,8}?)(?=$)")

# ---- timing in running text ----------------------------------------------------------------------

# Running-text spellings the grammar does not accept as keywords, and what they mean.
_RUNNING_VAGUE = {
    "按照国家要求": "按國家要求",
    "按国家要求": "按國家要求",
    "按照省要求": "按省要求",
    "按省要求": "按省要求",
    "按照要求": "按要求",
    "按要求": "按要求",
    "按时": "按時",
    "适时": "適時",
    "逐步": "逐步",
}
_ITEM_SEP = "、"
# Words that make the second of two joined phrases lean on the first (分配情況 of what?).
_LEANING = "相关|有关|其他|后续|相应|执行|落实"
# Timing words the language has no keyword for: the duty becomes unscheduled and the phrase is
# kept in a comment for the reviewer.
_UNMAPPED = ("尽快", "第一时间", "随时", "不定期", "常态化", "经常")
_ARRANGEMENT = re.compile(r"按照([^，,。；;]{0,30}?)(?:统一)?(?:布置安排|部署|安排|要求)")


@cache
def _period_words() -> tuple[tuple[str, Every], ...]:
    words = grammar_words()
    pairs = [(w, every) for term, every in _PERIOD_TERMINALS.items() for w in words.get(term, ())]
    pairs.append(("每季", Every.QUARTER))
    return tuple(sorted(set(pairs), key=lambda p: (-len(p[0]), p[0])))


@cache
def _timing_re() -> re.Pattern[str]:
    words = grammar_words()
    flags: set[str] = set()
    for term in (
        "REGULARLY",
        "WITHIN_YEAR",
        "YEAR_END",
        "STANDING",
        "REALTIME",
        "VAGUE",
        "PROMPTLY",
        "SAME_DAY",
    ):
        flags.update(words.get(term, ()))
    flags.update(_RUNNING_VAGUE)
    flags.update(_UNMAPPED)
    flags.update({"年底", "年末"})

    def either(*terms: str) -> str:
        return "|".join(re.escape(w) for term in terms for w in words.get(term, ()))

    periods = "|".join(re.escape(w) for w, _ in _period_words())
    alternatives = [
        r"(?P<wk>每[周週](?P<wd>[一二三四五六日天]))",
        # 期後15日內, or 每季度結束後15個工作日內: 結束後 only right after a period (會議結束後 is an event)
        rf"(?P<ap>(?:(?P<ap_every>{periods})\s*(?:结束后|结束之后)|{either('AFTER_PERIOD')})"
        rf"\s*(?P<an>{NUM})\s*(?P<au>{UNIT_RE})(?:内|以内))",
        rf"(?P<nx>(?:(?:{either('NEXT_MONTH')})\s*|(?:{either('NEXT_YEAR')})\s*(?P<nm>\d{{1,2}})\s*月\s*)"
        r"(?P<nd>\d{1,2})\s*[日号](?:前|之前|以前))",
        r"(?P<dl>(?:(?P<dm>\d{1,2})\s*月\s*)?(?P<dd>\d{1,2})\s*[日号](?:前|之前|以前))",
        rf"(?P<dur>(?:最迟)?(?P<n>{NUM})\s*(?P<u>{UNIT_RE})(?:内|以内))",
        rf"(?P<lead>提前(?:至)?(?P<ln>{NUM})\s*(?P<lu>{UNIT_RE}))",
        rf"(?P<cnt>(?:至少|不少于)(?:进行|开展|组织)?\s*(?P<cn>{NUM})\s*次)",
        f"(?P<period>{periods})",
        "(?P<flag>" + "|".join(re.escape(w) for w in sorted(flags, key=lambda f: (-len(f), f))) + ")",
    ]
    return re.compile("|".join(alternatives))


@attrs.frozen
class _Found:
    start: int
    end: int
    kind: str  # wd dl nx ap dur lead cnt period flag
    text: str
    value: Any = None


def timing_tokens(h: str) -> list[_Found]:
    out = []
    for m in _timing_re().finditer(h):
        kind = next(k for k in ("wk", "ap", "nx", "dl", "dur", "lead", "cnt", "period", "flag") if m.group(k))
        value: Any = None
        start = m.start()
        if kind == "ap":
            value = duration(m.group("an"), m.group("au"))
            if m.group("ap_every"):
                start = m.end("ap_every")
                period = m.group("ap_every")
                out.append(_Found(m.start(), start, "period", period, dict(_period_words())[period]))
        elif kind == "nx":
            value = (int(m.group("nd")), int(m.group("nm")) if m.group("nm") else None)
        elif kind == "wk":
            kind, value = "period", Every.WEEK
            out.append(
                _Found(
                    m.start(), m.end(), "wd", m.group("wd"), "一二三四五六日天".index(m.group("wd")) % 7 + 1
                )
            )
        elif kind == "dl":
            value = (int(m.group("dd")), int(m.group("dm")) if m.group("dm") else None)
        elif kind == "dur":
            value = duration(m.group("n"), m.group("u"))
        elif kind == "lead":
            value = duration(m.group("ln"), m.group("lu"))
        elif kind == "cnt":
            value = cn_number(m.group("cn"))
        elif kind == "period":
            value = dict(_period_words())[m.group(0)]
        if kind in ("ap", "dur", "lead", "cnt") and value is None:
            continue
        out.append(_Found(start, m.end(), kind, h[start : m.end()], value))
    return out


def when_from(tokens: Sequence[_Found], trigger: str | None) -> tuple[When | None, list[str]]:
    """The timing several tokens of one duty add up to, and notes for the reviewer."""
    notes: list[str] = []
    kinds = {t.kind for t in tokens}
    flags = {t.text for t in tokens if t.kind == "flag"}
    periods = [t.value for t in tokens if t.kind == "period"]
    count = next((t.value for t in tokens if t.kind == "cnt"), None)
    words = grammar_words()
    after = next((t.value for t in tokens if t.kind == "ap"), None)
    if after is not None and periods:
        return When("after_period", every=periods[0], lag=after), notes
    if after is not None or ("nx" in kinds and not periods):
        notes.append("原文的期限（期後…內、次月…前）沒有週期，已略去，請核對")
    if "dur" in kinds:
        lag = next(t.value for t in tokens if t.kind == "dur")
        if trigger is None:
            notes.append(f"原文只寫時限，未寫起算事件：暫以「{STATUTORY_TRIGGER}」起算")
        return When("event", lag=lag, trigger=trigger or STATUTORY_TRIGGER), notes
    if count is not None and (periods or flags & set(words.get("WITHIN_YEAR", ()))):
        every = periods[0] if periods else Every.YEAR
        return When("count", every=every, count=count), notes
    if periods:
        lead = next((t.value for t in tokens if t.kind == "lead"), None)
        if flags & set(words.get("PROMPTLY", ())):
            return When("after_prompt", every=periods[0]), notes
        weekday = next((t.value for t in tokens if t.kind == "wd"), None)
        deadline = next((t for t in tokens if t.kind in ("dl", "nx")), None)
        day, month = deadline.value if deadline is not None else (None, None)
        fits = (periods[0] is Every.MONTH and month is None) or (
            periods[0] is Every.YEAR and month is not None
        )
        if day is not None and not fits:
            notes.append("期限與週期不相配，已略去，請核對")
            day = month = deadline = None
        if weekday is not None and periods[0] is not Every.WEEK:
            weekday = None
        next_period = deadline is not None and deadline.kind == "nx"
        return (
            When(
                "periodic",
                every=periods[0],
                lag=lead,
                day=day,
                month=month,
                weekday=weekday,
                next_period=next_period,
            ),
            notes,
        )
    if flags & set(words.get("REALTIME", ())):
        return When("realtime"), notes
    if flags & set(words.get("STANDING", ())):
        return When("standing"), notes
    if flags & set(words.get("PROMPTLY", ())):
        return When("prompt", trigger=trigger), notes
    if flags & set(words.get("SAME_DAY", ())):
        return When("same_day", trigger=trigger), notes
    if flags & set(words.get("REGULARLY", ())):
        return When("regularly"), notes
    if flags & {"年底", "年末", *words.get("YEAR_END", ())}:
        return When("once", phrase="year_end"), notes
    if flags & set(words.get("WITHIN_YEAR", ())):
        return When("once", phrase="within_year"), notes
    for flag in sorted(flags, key=lambda f: (-len(f), f)):
        if flag in _RUNNING_VAGUE:
            return When("vague", phrase=_RUNNING_VAGUE[flag]), notes
        if flag in words.get("VAGUE", ()):
            return When("vague", phrase=flag), notes
    unmapped = sorted(f for f in flags if f in _UNMAPPED)
    if unmapped:
        notes.append(f"時間「{unmapped[0]}」語言中沒有對應關鍵詞：暫作「按要求」，請核對")
        return When("vague", phrase="按要求"), notes
    return None, notes


# ---- document structure -------------------------------------------------------------------------

_HEAD1 = re.compile(r"^\s*([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.*)$", re.S)
_HEAD2 = re.compile(r"^\s*[（(]\s*([一二三四五六七八九十]{1,3})\s*[）)]\s*(.*)$", re.S)
_HEAD3 = re.compile(r"^\s*(\d{1,2})\s*[.．、](?!\d)\s*(.*)$", re.S)
_HEAD4 = re.compile(r"^\s*[（(]\s*(\d{1,2})\s*[）)]\s*(.*)$", re.S)
_DATE_LINE = re.compile(
    r"^\s*(\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*$"
)
_ISSUER_LINE = re.compile(
    rf"^\s*[{_CJK}（）()]{{2,40}}(?:人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|局|厅|办|委)\s*$"
)
_DOC_TYPES = re.compile(
    r"(?:要点|方案|通知|意见|办法|规定|计划|细则|规划|目录|决定|安排|报告|指南|条例|制度|纲要)"
)
_SENTENCE_END = "。！？!?"
_CLAUSE_SEP = "，,；;：:"
_OPEN = '（(“‘「『《〈【["'
_CLOSE = '）)”’」』》〉】]"'
_TAIL_RE = re.compile(
    r"[（(]([^（）()]{2,160}?)((?:按职责分工|按职责)?(?:分别|分头|各自)?(?:牵头|负责|配合)?落实|负责|牵头)[）)]\s*[。.]?\s*$"
)


def _paragraphs(text: str) -> list[str]:
    """Lines joined back into paragraphs where the text was wrapped at a fixed width.

    A text is taken as wrapped when at least a third of its longer lines (and at least three)
    share one length, ±1; a line of that length not ending a sentence continues on the next."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lengths = [len(line) for line in lines if len(line.strip()) >= 15]
    width = 0
    if lengths:
        counts: dict[int, int] = {}
        for n in lengths:
            counts[n] = counts.get(n, 0) + 1

        def near(n: int) -> int:
            return counts[n] + counts.get(n - 1, 0) + counts.get(n + 1, 0)

        best = max(counts, key=lambda n: (near(n), n))
        if near(best) >= 3 and near(best) * 3 >= len(lengths):
            width = best
    out: list[str] = []
    joining = False
    for raw in lines:
        line = raw.strip()
        if not line:
            joining = False
            continue
        starts_new = raw[:1] in ("\u3000", " ", "\t") or _is_heading(line)
        if joining and not starts_new and out:
            out[-1] += line
        else:
            out.append(line)
        joining = bool(width) and len(raw) >= width - 1 and line[-1] not in _SENTENCE_END + "；;：:）)"
    return out


def _is_heading(line: str) -> bool:
    return _heading(line) is not None


def _heading(line_h: str) -> tuple[int, str, int] | None:
    """(level, section-id part, where the title starts) of a heading line: 一、 (一) 1. (1).

    Numbered items (1. and (1)) count as headings only on a line of their own (no 。), since in
    many documents they number duties inside a paragraph."""
    for level, pattern in enumerate((_HEAD1, _HEAD2, _HEAD3, _HEAD4)):
        m = pattern.match(line_h)
        if m is None:
            continue
        if level >= 2 and ("。" in line_h or len(line_h) > 60):
            return None
        number = m.group(1) if level in (0, 2) else f"({m.group(1)})"
        return level, number, m.start(2)
    return None


def _title_only(line_h: str) -> bool:
    """A heading line that _extract_rules reads as a title and nothing else (no 。, short). Only
    such a line has no tail: a short paragraph opening with a heading has a body that a tail
    closes (（一）月報。每月8日前公布…。（縣財政局負責落實）)."""
    heading = _heading(line_h)
    if heading is None:
        return False
    rest = line_h[heading[2] :]
    return "。" not in rest and len(rest) <= 60


def _split(text: str, seps: str) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text`` ending at a separator outside brackets and quotes
    (the separator stays with its piece)."""
    pieces: list[tuple[int, int]] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN and not (ch == '"' and depth):
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif ch in seps and depth == 0:
            pieces.append((start, i + 1))
            start = i + 1
    if start < len(text) and text[start:].strip():
        pieces.append((start, len(text)))
    elif pieces and start < len(text):
        s, _ = pieces[-1]
        pieces[-1] = (s, len(text))
    return pieces


# ---- agencies --------------------------------------------------------------------------------------

# Collective duty-bearers a sentence may name as its subject (Simplified).
_COLLECTIVE = (
    "各区镇",
    "各区、镇",
    "各乡镇",
    "各街道",
    "各部门",
    "各单位",
    "各地",
    "市政府各部门",
    "市各部门",
    "县政府各部门",
    "区政府各部门",
    "市政府办公室",
    "县政府办公室",
    "区政府办公室",
    "政府办公室",
    "相关部门",
    "有关部门",
    "市有关部门",
    "市相关部门",
    "有任务分工的部门",
)
_AGENCY_SHAPE = re.compile(
    rf"(?:市|县|区)?[{_CJK}]{{1,10}}?(?:管理委员会|委员会|办公室|管委会|中心|局|委|办|行)"
)
# Remits of the usual county departments: when a tail names several agencies 「按職責分工」, each
# duty goes to the ones whose remit its words touch (see _assign). Keys match agency names
# (Simplified); values are words of the duty (Simplified).
REMITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "财政",
        (
            "财政",
            "预算",
            "决算",
            "债务",
            "债券",
            "三公",
            "会议费",
            "培训费",
            "政府性基金",
            "降费",
            "行政事业性收费",
            "奖补资金",
            "PPP",
            "国有资产",
            "营改增",  # a fiscal reform run by finance and tax together (財稅〔2016〕36號)
            "收费基金",  # 行政事業性收費和政府性基金, listed by finance and prices together
            "项目库",  # the PPP project library (PPP 綜合信息平台) is kept by finance
            "项目入库",
        ),
    ),
    ("国税|地税|税务", ("税", "营改增", "办税", "纳税")),
    # electricity is priced (用電, 電價); 收費基金 as for finance
    ("物价|价格", ("价格", "收费", "定价", "指导价", "降费", "用电", "电价", "收费基金")),
    ("人行|人民银行", ("货币", "信贷", "银行", "金融领域")),
    ("金融", ("金融", "金融领域", "非法集资", "资本市场")),
    (
        "发改|发展和改革|发展改革",
        (
            "规划",
            "重大项目",
            "重大工程",
            "投资项目",
            "产能",
            "物流成本",
            "用电",
            "存量资产",
            "新产业",
            "新动能",
            "现代产业",
            "PPP",
            "经验做法",
        ),
    ),
    ("国土|自然资源", ("土地", "用地", "地价")),
    ("住建|住房|城乡建设", ("房地产", "住房", "棚改", "棚户区", "安置", "保障性", "危房", "征收")),
    ("商务", ("外贸", "贸易", "消费市场", "商务")),
    (
        "市场监|工商|质监|食药监|食品药品",
        (
            "质量",
            "抽查",
            "抽检",
            "特种设备",
            "标准",
            "商标",
            "食品",
            "药品",
            "工商登记",
            "经营许可",
            "企业信用",
            "消费者",
            "12315",
            "双随机",
            "假冒伪劣",
            "广告",
            "召回",
            "执法专项",
            "网络市场",
            "放心消费",
            "小作坊",
            "医药代表",
        ),
    ),
    ("民政", ("救助", "低保", "救灾", "灾情", "灾害", "慈善", "特困")),
    ("农办|农村工作|扶贫", ("扶贫", "脱贫", "低收入", "农村产权", "农村改革", "农村土地承包")),
    ("农业|农委", ("农业", "农产品", "农民", "春耕", "农资", "农业补贴")),
    ("环保|环境保护|生态环境", ("环境", "大气", "排污", "空气", "水源", "污染")),
    ("水利|水务", ("河长制", "江河", "河道", "水利")),
    ("科技", ("科技", "创新")),
    ("教育", ("教育", "学校", "招生", "学生")),
    ("卫计|卫生", ("医疗", "卫生", "医德", "号源", "计生")),
    ("人社|人力资源", ("就业", "社会保险", "职业资格", "参保")),
    ("安监|应急|安全生产", ("安全生产", "事故", "隐患")),
    ("统计", ("统计",)),
    ("审计", ("审计",)),
    ("法制|司法", ("规范性", "法制")),
    ("编办|机构编制", ("权力清单", "中介服务", "相对集中行政许可")),  # 編辦 reorganises who licenses
    # 行政審批局: the licences (相對集中行政許可權) and the intermediaries its approvals use
    ("审批", ("审批", "核准", "备案", "行政许可", "经营许可", "政务服务", "不见面", "见一次面", "中介服务")),
    ("公共资源", ("公共资源交易",)),
    ("国资", ("国有", "国资", "国企", "市属企业", "中央企业")),
)


@cache
def _remit_words(agency_h: str) -> tuple[str, ...]:
    return tuple(k for pattern, keys in REMITS if re.search(pattern, agency_h) for k in keys)


def _remit_hits(agency_h: str, words_h: str) -> int:
    """Where the last word of the agency's remit ends in ``words_h`` (-1: none). In a Chinese
    noun phrase the head comes last (房地產用地供應數據 is about land), so the later hit wins."""
    best = -1
    for k in _remit_words(agency_h):
        at = words_h.rfind(k)
        if at >= 0:
            best = max(best, at + len(k))
    return best


@attrs.define
class _Tail:
    """A responsibility tail: agencies as written (original script), roles, whether the work is
    divided among them (分頭/分別/按職責分工/負責), and the tail text for a comment."""

    names: list[str]
    hans: list[str]
    lead: bool  # 牽頭
    each: bool  # 分別 / 分頭 / 各自
    divided: bool
    text: str


def _parse_tail(body_o: str, body_h: str) -> tuple[_Tail | None, int]:
    m = _TAIL_RE.search(body_h)
    if not m:
        return None, len(body_o)
    names_h = m.group(1)
    role_text = m.group(2)
    names_o = body_o[m.start(1) : m.end(1)]
    names, hans = [], []
    for s, e in _split(names_h, "、,，"):
        piece_h = names_h[s:e].strip("、,， ")
        piece_o = names_o[s:e].strip("、,， ")
        # 「市住建局、國土局及人行」: 及/和 also join names
        for sub_s, sub_e in _word_split(piece_h, ("和", "及", "与")):
            h = piece_h[sub_s:sub_e].strip()
            o = piece_o[sub_s:sub_e].strip()
            if h:
                names.append(o)
                hans.append(h)
    if not names:
        return None, len(body_o)
    lead = "牵头" in role_text
    each = any(w in role_text for w in ("分别", "分头", "各自"))
    divided = len(names) > 1 and (each or any(w in role_text for w in ("分工", "负责")))
    return _Tail(names, hans, lead, each, divided, body_o[m.start() :].strip()), m.start()


def _word_split(text: str, words: Iterable[str]) -> list[tuple[int, int]]:
    """Split at joining words (和 及 与) only when both sides look like agency names."""
    cuts = [0]
    for w in words:
        for m in re.finditer(w, text):
            left, right = text[cuts[-1] : m.start()], text[m.end() :]
            if _AGENCY_SHAPE.fullmatch(left) and _AGENCY_SHAPE.match(right):
                cuts.append(m.start())
                cuts.append(m.end())
    cuts.append(len(text))
    return [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]


@attrs.define
class _Context:
    """What one document's extraction keeps track of."""

    writer: DraftWriter
    known_agencies: dict[str, str] = attrs.field(factory=dict)  # hans -> name as first written
    # Defaults for paragraphs without a responsibility tail (see _document_addressees).
    addressees: list[str] = attrs.field(factory=list)
    addressee_text: str = ""
    office: str | None = None
    section_h: list[str] = attrs.field(factory=list)  # titles of the enclosing headings (Simplified)
    covered: dict[int, list[tuple[str, str]]] = attrs.field(factory=dict)  # see _covered_by_catch_all
    _known: tuple[int, re.Pattern[str]] | None = None

    def known_re(self) -> re.Pattern[str]:
        """Known agency names and collective duty-bearers, longest first, as one pattern."""
        if self._known is None or self._known[0] != len(self.known_agencies):
            names = sorted(set(self.known_agencies) | set(_COLLECTIVE), key=lambda n: (-len(n), n))
            self._known = (len(self.known_agencies), re.compile("|".join(re.escape(n) for n in names)))
        return self._known[1]


# ---- duties in one sentence -------------------------------------------------------------------------


@attrs.define
class _Unit:
    verb: str  # Simplified
    pre: tuple[int, int]
    post: tuple[int, int]
    vstart: int
    vend: int
    light: tuple[int, int] | None = None  # 開展 of 開展督查, when the verb is its object


@cache
def _verb_re() -> re.Pattern[str]:
    verbs = sorted({*action_words(), *_GENRE_VERBS}, key=lambda w: (-len(w), w))
    return re.compile("|".join(re.escape(v) for v in verbs))


def _depths(text: str) -> list[int]:
    """Bracket and quote depth at every character (a verb inside “…” or 《…》 is part of a name)."""
    out, depth = [], 0
    for ch in text:
        if ch in _CLOSE and depth and not (ch == '"' and depth == 0):
            depth -= 1
            out.append(depth + 1)
            continue
        if ch in _OPEN:
            depth += 1
        out.append(depth)
    return out


_JOINERS = "、和并及与"


def _units(h: str) -> list[_Unit]:
    """The duty units of one clause: each verb with the text before it (pre) and after it (post).

    Verbs that are really nouns are left out: inside quotes or brackets (“雙隨機、一公開”), before
    a noun (公開機制, 發布會, 解讀工作至少…), after 政務/依申請/已, in a list (出讓公告、成效公示和…),
    or inside the object of an earlier verb (公開公共資源交易公告). An activity verb before a
    disclosure verb hands over to it (組織國控重點企業及時發布, 對X進行公告, 備案信息及時公開)."""
    depth = _depths(h)
    candidates: list[tuple[int, int, str]] = []
    for m in _verb_re().finditer(h):
        before, after = h[: m.start()], h[m.end() :]
        timed = bool(re.search("(?:长期|定期|实时)$", before))  # 長期公示制度: a timed duty
        if depth[m.start()] or _NOUN_BEFORE.search(before) or (_NOUN_AFTER.match(after) and not timed):
            continue
        if re.match(r"^工作(?:至少|不少于|进行|开展|中|的|机制|制度|规范化|制度化)", after):
            continue  # 對政策解讀工作至少進行1次專題研究: a noun phrase
        candidates.append((m.start(), m.end(), m.group(0)))
    verbs: list[tuple[int, int, str]] = []
    lights: dict[int, tuple[int, int]] = {}
    for k, (s, e, verb) in enumerate(candidates):
        later = candidates[k + 1 :]
        if verb in _ACTIVITY and any(v not in _ACTIVITY for _, _, v in later):
            continue
        if verb in _LIGHT and later and later[0][0] - e <= 4:
            lights[later[0][0]] = (s, e)
            continue  # 組織召開, 進行深度解讀: the next verb is the action
        if verbs:
            between = h[verbs[-1][1] : s]
            if between and not any(c in _JOINERS for c in between):
                continue  # 公開公共資源交易公告: a verb inside the previous verb's object
            if verb in _ACTIVITY and _boundary(between) is None:
                continue  # 公布…企業設立后的經營許可
            if h[e : e + 1] == "和" and "、" in between:
                continue  # 發布土地供應計劃、出讓公告、成效公示和供應結果信息
        verbs.append((s, e, verb))
    units: list[_Unit] = []
    cursor = 0
    for i, (s, e, verb) in enumerate(verbs):
        if i + 1 < len(verbs):
            between = h[e : verbs[i + 1][0]]
            cut = _boundary(between)
            if cut is None:
                first = next((j for j, c in enumerate(between) if c in _JOINERS), None)
                cut = (first, first + 1) if first is not None else (len(between), len(between))
            post_end, next_pre = e + cut[0], e + cut[1]
        else:
            post_end = next_pre = len(h)
        units.append(_Unit(verb, (cursor, s), (e, post_end), s, e, lights.get(s)))
        cursor = next_pre
    return units


# Text between two verbs made only of these characters (joiners, modal and manner adverbs) does
# not belong to either verb's object.
_LIGHT_TEXT = re.compile(r"^[\s、和并及与以同时还也要都应当须需主动积极深入深度集中全面准确规范进一步]*$")


def _boundary(between: str) -> tuple[int, int] | None:
    """Where the text between two verbs splits: at the last joiner after which only timing,
    adverbs or a 向/在 phrase come (每周公布A、每季度公布B → A | 每季度)."""
    for j in range(len(between) - 1, -1, -1):
        if between[j] in _JOINERS and _is_light(between[j + 1 :]):
            return j, j + 1
    if _is_light(between):
        return 0, 0
    return None


def _is_light(text: str) -> bool:
    rest = text
    for found in sorted(timing_tokens(rest), key=lambda f: -f.start):
        rest = rest[: found.start] + rest[found.end :]
    rest = _TO_RE.sub("", rest)
    rest = _CHANNEL_RE.sub("", rest)
    return bool(_LIGHT_TEXT.match(rest))


def _strip_post(o: str, h: str) -> tuple[str, str]:
    """The object after a verb, without what trails it (工作, 力度, 的時限要求 …)."""
    if h[:1] in "、，,和及与" or h.startswith("不") or re.match("(?:制度|机制)$", h):
        return "", ""  # 集中發布、利用新媒體推送 / 解讀和輿論引導 / 回應不超時: no object here
    m = re.match(rf"^\s*{NUM}\s*次", h)
    if m:
        o, h = o[m.end() :], h[m.end() :]
    changed = True
    while changed and h:
        changed = False
        # 公布財政收支月報遇節假日順延: the roll rule is the sentence's (see _roll), not the object's
        roll = re.search(rf"[（(]?(?:{_roll_re().pattern})[）)]?$", h)
        m = _TRAIL_RE.search(h) or re.search(r"[，,、\s]+$", h) or roll
        if m and m.start() < len(h):
            o, h, changed = o[: m.start()], h[: m.start()], True
    return o.strip(), h.strip()


def _strip_pre(o: str, h: str) -> tuple[str, str, list[str]]:
    """An object written before its verb, without the words around it: lead-ins, timing,
    向/在/通過 phrases. Returns the original and Simplified text and the channels found."""
    channels: list[str] = []
    changed = True
    while changed and h:
        changed = False
        m = _LEAD_RE.match(h) or re.match(r"^[，,、\s]+", h)
        if m and m.end() and not re.match("(?:情况|信息|工作|结果)", h[m.end() :]):  # 落實情況: a noun
            o, h, changed = o[m.end() :], h[m.end() :], True
            continue
        tokens = [t for t in timing_tokens(h) if t.start == 0]
        if tokens:
            o, h, changed = o[tokens[0].end :], h[tokens[0].end :], True
            continue
        m = _CHANNEL_RE.match(h)
        if m:
            channels.append(o[m.start(1) : m.end(1)])
            o, h, changed = o[m.end() :], h[m.end() :], True
            continue
        m = _TO_RE.match(h) if h.startswith("向") else None
        if m and m.end():
            o, h, changed = o[m.end() :], h[m.end() :], True
    changed = True
    while changed and h:
        changed = False
        tokens = [t for t in timing_tokens(h) if t.end == len(h)]
        if tokens:
            o, h, changed = o[: tokens[-1].start], h[: tokens[-1].start], True
            continue
        m = _TRAIL_RE.search(h) or re.search(r"[，,、\s]+$", h)
        if m and m.start() < len(h):
            o, h, changed = o[: m.start()], h[: m.start()], True
            continue
        m = re.search("(?:宣传|宣讲|引导)?[和及与]$", h)  # 做好房地產政策宣傳和解讀: a second verb
        if m and m.start() >= 2:
            o, h, changed = o[: m.start()], h[: m.start()], True
            continue
        m = _TO_RE.search(h)
        if m and m.start() < len(h):
            o, h, changed = o[: m.start()], h[: m.start()], True
            continue
        m = _CHANNEL_RE.search(h)
        if m and m.end() == len(h):
            channels.append(o[m.start(1) : m.end(1)])
            o, h, changed = o[: m.start()], h[: m.start()], True
            continue
        m = _PLACE_TAIL_RE.search(h)
        if m and m.start() > 0:
            channels.append(o[m.start(1) : m.end(1)])
            o, h, changed = o[: m.start()], h[: m.start()], True
    return o.strip(), h.strip(), channels


def _clause_agencies(o: str, h: str, ctx: _Context) -> tuple[list[tuple[str, Role | None]], int]:
    """Agencies named at the start of a clause (市政府辦公室適時…, 各區鎮各部門負責同志…,
    市住建局聯合市場監管局、物價局等部門…) and where the rest of the clause begins."""
    found: list[tuple[str, str]] = []
    pos = 0
    known = ctx.known_re()
    while pos < len(h):
        m = known.match(h, pos)
        name = m.group(0) if m else None
        if name is None and h.startswith("市", pos):
            m = known.match(h, pos + 1)
            name = "市" + m.group(0) if m else None
        if name is None:
            break
        found.append((o[pos : pos + len(name)], name))
        pos += len(name)
        if pos < len(h) and h[pos] in "、和及与":
            pos += 1
    if not found:
        return [], 0
    entries: list[tuple[str, Role | None]] = [(n, None) for n, _ in found]
    m2 = re.match(r"^(?:联合|会同)", h[pos:])
    if m2:
        # X聯合Y、Z等部門: X leads, the others support.
        start = pos + m2.end()
        end_m = re.search(r"等(?:部门|单位)|[，,]", h[start:])
        end = start + (end_m.start() if end_m else 0)
        supports = [x.strip() for x in re.split(r"[、和及与]", o[start:end]) if x.strip()]
        if supports:
            entries = [(n, None) for n, _ in found[:-1]] + [(found[-1][0], Role.LEAD)]
            entries += [(x, None) for x in supports[:-1]] + [(supports[-1], Role.SUPPORT)]
            pos = end + (end_m.end() - end_m.start() if end_m else 0)
    m3 = re.match(r"^(?:主要)?负责同志", h[pos:])
    if m3:
        pos += m3.end()
    if len(entries) > 1 and not any(r for _, r in entries):
        entries[-1] = (entries[-1][0], Role.EACH)
    return entries, pos


def _join(item: str, suffix: str) -> str:
    """item + suffix without repeating their overlap: 重點消費品質量監督抽查 + 質量監督抽查結果."""
    for k in range(min(len(item), len(suffix)), 1, -1):
        if item.endswith(suffix[:k]):
            return item + suffix[k:]
    return item + suffix


def _split_items(o: str, h: str) -> list[tuple[str, str]]:
    """Split an enumerated object into one subject per item: 「經濟社會發展的重大規劃、重大政策、
    重大工程項目等」 → 經濟社會發展的重大規劃 / …的重大政策 / …的重大工程項目; 「A、B等政策執行情況」 →
    A政策執行情況 / B政策執行情況; 「A以及B」 and 「A情況和B情況」 → two. Lists of short words
    (電信、金融、旅游), of adjectives (規范性、政策性), of more than four items, and lists inside
    quotes stay one subject."""
    depth = _depths(h)
    idx = next((i for i in range(len(h)) if h.startswith("以及", i) and not depth[i]), -1)
    if 4 <= idx <= len(h) - 6 and "、" not in h[:idx] and not re.match(_LEANING, h[idx + 2 :]):
        return [(o[:idx], h[:idx]), (o[idx + 2 :], h[idx + 2 :])]
    whole = [(o, h)]
    stem_h, suffix_h, suffix_o = h, "", ""
    m = re.search(r"等([^、等“”]*)$", h)
    if m and not depth[m.start()]:
        stem_h, suffix_h, suffix_o = h[: m.start()], m.group(1), o[m.start(1) :]
    stem_o = o[: len(stem_h)]
    items = [(stem_o[a:b].rstrip("、"), stem_h[a:b].rstrip("、")) for a, b in _split(stem_h, _ITEM_SEP)]
    if suffix_h:  # 降低企業用電用地等要素成本: 用電、用地 are two items (X A X B before 等)
        items = [pair for item in items for pair in _repeated_pair(*item)]
    if len(items) >= 2:
        last_o, last_h = items[-1]
        joiner = re.search("[和及与]", last_h)
        if not suffix_h and "的" in last_h and all("的" not in ih for _, ih in items[:-1]):
            return whole  # 學生獎助學金、學費減免、助學貸款與勤工儉學的管理規定: one head
        if joiner and "和" not in items[0][1] and len(re.findall("[和及与]", last_h)) == 1:
            j = joiner.start()
            right = last_h[j + 1 :]
            if j >= 2 and len(right) >= 2 and not re.match(_LEANING, right):
                items[-1:] = [(last_o[:j], last_h[:j]), (last_o[j + 1 :], right)]
    else:
        items = _joined_pair(stem_o, stem_h)
        if len(items) < 2:
            return whole
    many = len(items) > 4 and not re.match("各类|各项", suffix_h)
    if many or any(len(ih) < 4 or ih.endswith("性") for _, ih in items):
        return whole
    prefix_o = prefix_h = ""
    first_o, first_h = items[0]
    if "的" in first_h and all("的" not in ih for _, ih in items[1:]):
        cut = first_h.rfind("的") + 1
        prefix_o, prefix_h = first_o[:cut], first_h[:cut]
        items[0] = (first_o[cut:], first_h[cut:])
    plural = re.match("各类|各项", suffix_h)  # 等各類清單: each item is a 清單
    if plural:
        suffix_o, suffix_h = suffix_o[plural.end() :], suffix_h[plural.end() :]
    return [(_join(prefix_o + io, suffix_o), _join(prefix_h + ih, suffix_h)) for io, ih in items]


def _repeated_pair(o: str, h: str) -> list[tuple[str, str]]:
    """「…用電用地」 (one character repeated: X A X B) at the end of an item → …用電, …用地."""
    m = re.search(rf"([{_CJK}])([{_CJK}])\1([{_CJK}])$", h)
    if m is None or m.start() < 2:
        return [(o, h)]
    i = m.start()
    return [(o[: i + 2], h[: i + 2]), (o[:i] + o[i + 2 :], h[:i] + h[i + 2 :])]


def _joined_pair(o: str, h: str) -> list[tuple[str, str]]:
    """「A和B」 as two subjects when both are full phrases (參加社會保險情況和社會保險基金運行情況,
    “不見面清單”和“見一次面清單”), not when B leans on A (安置住房建設信息和分配情況)."""
    depth = _depths(h)
    joins = [i for i, c in enumerate(h) if c in "和及" and not depth[i]]
    if len(joins) != 1:
        return [(o, h)]
    idx = joins[0]
    left, right = h[:idx], h[idx + 1 :]
    quoted = left[:1] == "“" and left[-1:] == "”" and right[:1] == "“" and right[-1:] == "”"
    shortest = (4, 4) if h[idx] == "和" else (6, 6)  # 支持政策及實施進展情況 stays one
    full = (
        len(left) >= shortest[0]
        and len(right) >= shortest[1]
        and not (len(right) <= 4 and re.search("(?:情况|结果|进度)$", right))  # 建設信息和分配情況
        and _HEAD_NOUN.search(left) is not None
        and _HEAD_NOUN.search(right) is not None
        and not re.match(_LEANING, right)
    )
    if quoted or full:
        return [(o[:idx], left), (o[idx + 1 :], right)]
    return [(o, h)]


_PERIOD_PREFIX = re.compile(r"^((?:月度|季度|年度)(?:[、和及](?:月度|季度|年度))+)")
_MQY = re.compile(r"^月\s*[（(]\s*季\s*[、,，]\s*年\s*[）)]\s*(?:度)?")
_PERIOD_OF = {"月度": Every.MONTH, "季度": Every.QUARTER, "年度": Every.YEAR}


def _period_split(o: str, h: str, when: When | None) -> list[tuple[str, When | None]] | None:
    """「季度、年度X」 → X each quarter and each year; 「月(季、年)X」 → 月度X, 季度X, 年度X."""
    m = _MQY.match(h)
    if m:
        rest = o[m.end() :]
        kind = "after_prompt" if when is not None and when.kind == "prompt" else "periodic"
        return [(f"{p}{rest}", When(kind, every=_PERIOD_OF[p])) for p in ("月度", "季度", "年度")]
    m = _PERIOD_PREFIX.match(h)
    if m:
        rest = o[m.end() :]
        periods = re.findall("月度|季度|年度", m.group(1))
        return [(rest, When("periodic", every=_PERIOD_OF[p])) for p in periods]
    return None


@attrs.define
class _SentenceState:
    agencies: list[tuple[str, Role | None]] | None = None
    carry: list[_Found] = attrs.field(factory=list)
    trigger: str | None = None
    last: list[tuple[int, Draft]] = attrs.field(factory=list)  # (clause number, duty)
    topic: tuple[str, str] | None = None  # 對X, … : X
    phrase: tuple[str, str] | None = None  # the noun phrase of the last clause without a duty
    clause: int = 0
    clause_h: str = ""
    clause_o: str = ""
    sentence_h: str = ""
    frame: tuple[str, str] | None = None  # 圍繞X, … : X, for the whole sentence
    simultaneous: list[Draft] = attrs.field(factory=list)  # 在公開X的同時, … : X
    goal: When | None = None  # 圍繞年內實現X目標, … : the goal's deadline, for the means


# A clause that starts with one of these is a verb phrase, not one more item of an object.
_VERBISH = re.compile(
    r"^(?:增强|提振|稳定|预判|促进|提高|提升|确保|防止|接受|方便|扩大|推动|推进|引导|助推|鼓励|支持|改善|帮助|实现|加快|"
    r"完善|健全|建立|开通|研究|落实|注重|发挥|加强|加大|做好|组织|开展|明确|强化|坚持|学习|传递|管好|用好|主动|积极|"
    r"进一步|深入|全面|切实|严格|密切|多用|按照|根据|围绕|针对|对|在|通过|利用|依托|使|让|为|以|并|把|将|除)"
)
_GENERIC = frozenset({"政策", "信息", "情况", "全文", "工作", "结果", "文件", "内容"})


def _sentence_duties(sent_o: str, sent_h: str, ctx: _Context) -> list[Draft]:
    state = _SentenceState(sentence_h=sent_h)
    out: list[Draft] = []
    previous_sep = ""
    for cs, ce in _split(sent_h, _CLAUSE_SEP):
        state.clause += 1
        clause_o = sent_o[cs:ce].rstrip(_CLAUSE_SEP + _SENTENCE_END)
        clause_h = sent_h[cs:ce].rstrip(_CLAUSE_SEP + _SENTENCE_END)
        sep, previous_sep = previous_sep, sent_h[cs:ce].rstrip()[-1:]
        state.clause_h = clause_h
        state.clause_o = clause_o
        agencies, skip = _clause_agencies(clause_o, clause_h, ctx)
        if agencies:
            state.agencies = agencies
        clause_o, clause_h = clause_o[skip:], clause_h[skip:]
        units = _units(clause_h)
        made = _clause_duties(clause_o, clause_h, units, state, ctx) if units else []
        made += _along_duties(clause_o, clause_h, made, state, ctx)
        if not made:
            _no_duty_clause(clause_o, clause_h, state, out, sep, bool(units), ctx)
            continue
        out.extend(made)
        state.carry = []
        state.topic = state.frame
        if clause_h.startswith("围绕") and state.goal is None:
            # 圍繞年內實現X目標,匯總形成并統一公布Y: Y is the means to the goal, due with it
            state.goal = next((ob.when for ob in made if ob.when.kind == "once"), None)
    roll = _roll(sent_h)
    for ob in out:
        ob.quotes = [sent_o.strip()]
        ob.sentence = sent_h
        if roll is not None and _can_roll(ob.when):
            ob.roll = roll

        written = _GENRE_VERBS.get(_hans(ob.action))
        if written is not None and _hans(ob.action) not in action_words():  # until the vocabulary has it
            ob.notes.append(f"原文「{ob.action}」：語言詞表沒有這個動作，暫寫作「{written}」")
            ob.action = ctx.writer.script_text(written)
    return out


@cache
def _roll_re() -> re.Pattern[str]:
    """The grammar's roll clauses (遇節假日順延, 不順延) and running-text spellings of them."""
    words = grammar_words()
    spelled = [re.escape(w) for w in (*words.get("ROLL", ()), *words.get("NO_ROLL", ()))]
    return re.compile("|".join([r"遇(?:法定)?节假日(?:则|应|依次)?不?顺延", "不予顺延", *spelled]))


def _roll(h: str) -> bool | None:
    """遇節假日順延 (True) or 不順延 (False) in a sentence, else None: the text's own roll rule."""
    said = [m.group(0) for m in _roll_re().finditer(h)]
    return not any("不" in w for w in said) if said else None


def _can_roll(when: When) -> bool:
    """Whether the language keeps a roll rule for a timing: periodic and event schedules only (a
    count, 長期, 年底前 have none), and not with hours (an exact instant: E212 for a limit, W408
    for a lead)."""
    if when.kind not in ("periodic", "after_period", "after_prompt", "event", "prompt", "statutory"):
        return False
    return when.lag is None or when.lag[1] is not Unit.HOUR


# 「建立/健全X公開機制」: a mechanism to publish X.
_MECHANISM_RE = re.compile(
    r"(?:建立|健全|完善)(?:健全|完善)?(?P<x>[^，,；;]{2,30}?)(?:公示公告|公告公示|公开|公示|公告|发布)(?:机制|制度)$"
)

# 「實行/建立X例行新聞發布會制度」: routine press conferences.
_ROUTINE_RE = re.compile(
    r"^(?:实行|建立|健全|完善|落实|坚持)?(?P<s>[^，,；;]*?(?:例行|定期)[^，,；;]*?(?:新闻发布会|发布会|通气会|吹风会))"
    r"(?:制度|机制)"
)

# 「X建立Y公示欄」: Y about X is on show (長期公示).
_BOARD_RE = re.compile(
    r"(?P<who>[^，,；;]*?)(?:建立|设立|设置|完善|规范)(?:健全|完善)?(?P<x>[^，,；;]{2,20}?)"
    r"(?:公示栏|公开栏|公告栏|公示牌|公开牌)$"
)

# 「A隨同B公開」「A連同B一并公開」: A is published with B (also inside 「建立…機制」).
_ALONG_RE = re.compile(r"(?P<a>[^，,；;]{2,30}?)(?:随同|连同)(?P<b>[^，,；;]{1,20}?)(?:一并|一同|同步)?公开")


def _along_duties(o: str, h: str, made: list[Draft], state: _SentenceState, ctx: _Context) -> list[Draft]:
    m = _ALONG_RE.search(h)
    if m is None:
        return []
    a_o, a_h, _ = _strip_pre(o[m.start("a") : m.end("a")], m.group("a"))
    cut = re.match("^(?:逐步)?(?:建立|健全|完善|形成)(?:健全|完善)?", a_h)
    if cut:
        a_o, a_h, _ = _strip_pre(a_o[cut.end() :], a_h[cut.end() :])
    if len(a_h) < 2 or any(hans_aligned(ob.subject) == a_h for ob in made):
        return []
    writer = ctx.writer
    trigger = o[m.start("b") : m.end("b")] + writer.script_text("公開")
    note = f"原文「{o[m.start('a') : m.end()]}」：與{o[m.start('b') : m.end('b')]}同步公開，請核對"
    ob = Draft(When("same_day", trigger=trigger), writer.script_text("公開"), a_o, notes=[note])
    _finish(ob, state, [])
    return [ob]


def _no_duty_clause(
    o: str, h: str, state: _SentenceState, out: list[Draft], sep: str, has_verb: bool, ctx: _Context
) -> None:
    """A clause without a duty: a timing to carry (按省要求,公布…), a topic (對X,…公開), one more
    item of the previous duty's object (公開A;B / 公開A,以及B / 公開A,B), or a noun phrase an
    object-less verb may refer to (落實好X制度,并向社會公布)."""
    if not has_verb and _roll_re().search(h):
        return  # 遇節假日順延: a clause of the sentence's duties (see _roll), not a noun phrase
    tokens = timing_tokens(h)
    rest_h = h
    for t in sorted(tokens, key=lambda f: -f.start):
        rest_h = rest_h[: t.start] + rest_h[t.end :]
    arrangement = _ARRANGEMENT.search(h)
    if arrangement and not tokens and not has_verb:
        scope = arrangement.group(1)
        phrase = "按国家要求" if "国家" in scope else "按省要求" if "省" in scope else "按要求"
        state.carry = [_Found(0, 0, "flag", phrase)]
        return
    if tokens and not has_verb and len(_LEAD_RE.sub("", rest_h).strip()) <= 2:
        state.carry = list(tokens)
        return
    if h.startswith(("对", "针对", "对于")) and not has_verb:
        topic_o, topic_h, _ = _strip_pre(o, h)
        state.topic = (topic_o, topic_h)
        return
    m = _FRAME_RE.match(h)
    if m and not has_verb and len(m.group(1)) >= 4:
        state.frame = state.topic = (o[m.start(1) : m.end(1)], m.group(1))  # 圍繞X加強…
        return
    m = _DRAFTING_RE.match(h)
    if m and not has_verb:
        topic_o, topic_h, _ = _strip_pre(o[m.start(1) : m.end(1)], m.group(1))
        if len(topic_h) >= 4:
            state.topic = (topic_o, topic_h)  # 制訂X政策時, …做好解疑釋惑工作
            return
    mechanism = _MECHANISM_RE.search(h)
    if mechanism and len(mechanism.group("x")) >= 4:
        # 建立違規違紀問題處理結果公開機制: once it exists, X is published (法定); dropped as a
        # summary when the sentence goes on to publish X itself (see _drop_umbrellas)
        x_o, x_h, _ = _strip_pre(o[mechanism.start("x") : mechanism.end("x")], mechanism.group("x"))
        if len(x_h) >= 4:
            note = (
                "原文「建立…公開機制」：機制所公開的事項按條例法定時限"
                "（信息形成或變更之日起20個工作日內），請核對"
            )
            ob = Draft(
                STATUTORY, ctx.writer.script_text("公開"), x_o, notes=[note], umbrella=x_h, derived=True
            )
            _finish(ob, state, [])
            out.append(ob)
            return
    board = _BOARD_RE.search(h)
    if board:
        # 小作坊建立安全信息公示欄: a notice board shows what it is for as long as it stands
        who_o, who_h, _ = _strip_pre(o[board.start("who") : board.end("who")], board.group("who"))
        x_o = o[board.start("x") : board.end("x")]
        if len(who_h) + len(board.group("x")) >= 4:
            note = "原文「建立…公示欄」：公示欄上的信息長期公示，請核對"
            ob = Draft(When("standing"), ctx.writer.script_text("公示"), who_o + x_o, notes=[note])
            _finish(ob, state, [])
            out.append(ob)
            return
    routine = _ROUTINE_RE.search(h)
    if routine and not has_verb:
        # 實行環境保護例行新聞發布會制度: a meeting held routinely (定期, no period given)
        subject_o, _, _ = _strip_pre(o[routine.start("s") : routine.end("s")], routine.group("s"))
        note = "原文「例行／定期…會制度」：定期召開，原文未寫週期"
        ob = Draft(When("regularly"), ctx.writer.script_text("召開"), subject_o, notes=[note])
        _finish(ob, state, [])
        out.append(ob)
        return
    conjunction = re.match(r"^(?:以及|及|和|与)", h)
    previous = [ob for n, ob in state.last if n == state.clause - 1]
    start = conjunction.end() if conjunction else 0
    if (
        previous
        and not has_verb
        and (conjunction or not _VERBISH.match(h))
        and _HEAD_NOUN.search(h.rstrip("等"))
        and previous[-1].when.kind != "sync"
    ):
        prev = previous[-1]
        item_o, item_h, _ = _strip_pre(o[start:], h[start:])
        for subject, _ in _split_items(item_o, item_h) if item_h else []:
            extra = attrs.evolve(prev, subject=subject, notes=[], id=None, quotes=[])
            if prev.derived:  # the default depends on the subject (預算法 for budgets only)
                extra.when, extra.notes = _statute_or_sync(subject, [], state, ctx)
            out.append(extra)
            state.last.append((state.clause, extra))
        return
    if has_verb:
        return
    phrase_o, phrase_h, _ = _strip_pre(o, h)
    cut = re.search("(?:制度|机制|工作|标准化|规范化|制度化)$", phrase_h)
    if cut:
        phrase_o, phrase_h = phrase_o[: cut.start()], phrase_h[: cut.start()]
    if len(phrase_h) >= 4:
        state.phrase = (phrase_o, phrase_h)


# 「圍繞X加強…」: X frames the sentence (the policies its generic objects are about).
_FRAME_RE = re.compile(
    r"^围绕(.+?)(?=加强|推进|推动|做好|加大|促进|提高|提升|实现|开展|建立|完善|健全|落实|增强|强化|$)"
)
# 「制定/出臺X時」: X is the topic of what follows.
_DRAFTING_RE = re.compile(r"^在?(?:制定|制订|出台|起草|研究制定)(.+?)(?:时|的时候|过程中)$")


def _frame_policies(frame: tuple[str, str]) -> list[tuple[str, str]]:
    """The policies a frame lists: 「積極的財政政策和穩健的貨幣政策」 → 財政政策, 貨幣政策."""
    frame_o, frame_h = frame
    out = []
    depth = _depths(frame_h)
    cuts = [0, *(i + 1 for i, c in enumerate(frame_h) if c in "和、及与" and not depth[i]), len(frame_h) + 1]
    for a, b in itertools.pairwise(cuts):
        item_h, item_o = frame_h[a : b - 1], frame_o[a : b - 1]
        cut = item_h.rfind("的") + 1
        item_h, item_o = item_h[cut:], item_o[cut:]
        if item_h.endswith("政策") and len(item_h) >= 4:
            out.append((item_o, item_h))
    return out if len(out) >= 2 else []


def _sync_targets(state: _SentenceState, ctx: _Context) -> list[Draft]:
    """The duties of the nearest clause (this or the one before) with duties, given ids."""
    recent = [(n, ob) for n, ob in state.last if n >= state.clause - 1]
    if not recent:
        return []
    last = recent[-1][0]
    out = [ob for n, ob in recent if n == last and ob.when.kind != "sync"]
    for ob in out:
        if ob.id is None:
            ob.id = ctx.writer.new_id()
    return out


def _sync_with_previous(state: _SentenceState, ctx: _Context) -> Draft | None:
    """The duty of this or the previous clause that an interpretation or 同步 refers to."""
    recent = [ob for n, ob in state.last if n >= state.clause - 1]
    if not recent:
        return None
    prev = recent[-1]
    if prev.id is None:
        prev.id = ctx.writer.new_id()
    return prev


def _deadline_of_previous(tokens: Sequence[_Found], state: _SentenceState) -> bool:
    """Whether an object-less clause that only says by when (于次月10日前公開) gave its deadline
    to the duties of the clause before, which have a period and no deadline of their own."""
    if not tokens or any(t.kind not in ("dl", "nx", "ap") for t in tokens):
        return False
    previous = [ob for n, ob in state.last if n == state.clause - 1]
    bare = [ob for ob in previous if ob.when == When("periodic", every=ob.when.every)]
    for ob in bare:
        when, notes = when_from([_Found(0, 0, "period", "", ob.when.every), *tokens], None)
        ob.when = when or ob.when
        ob.notes += notes
    return bool(bare)


def _clause_duties(o: str, h: str, units: list[_Unit], state: _SentenceState, ctx: _Context) -> list[Draft]:
    out: list[Draft] = []
    chain: list[_Found] = []
    count_tokens = [t for t in timing_tokens(h) if t.kind == "cnt"]
    for idx, u in enumerate(units):
        pre_o, pre_h = o[u.pre[0] : u.pre[1]], h[u.pre[0] : u.pre[1]]
        post_o, post_h = o[u.post[0] : u.post[1]], h[u.post[0] : u.post[1]]
        verb_o = o[u.vstart : u.vend]
        if "细化" in pre_h:
            continue  # 細化公開…: details of a duty already stated
        obj_o, obj_h = _strip_post(post_o, post_h)
        channels: list[str] = []
        trigger = state.trigger
        pre_tokens = timing_tokens(pre_h)
        own_dur = next((t for t in pre_tokens if t.kind == "dur"), None)
        if own_dur is not None:
            trig_o, trig_h, _ = _strip_pre(pre_o[: own_dur.start], pre_h[: own_dur.start])
            if trig_h:
                trigger = trig_o
        embedded: list[_Found] = []
        whole = False  # the object is one subject, not a list to split
        actors_h = ""
        led = False  # 推進/做好/加大 X 公開: the object before the verb, after a lead-in
        if not obj_h:
            led = bool(_UMBRELLA_LEAD.match(pre_h.lstrip("，,、 ")))
            cut = own_dur.start if own_dur is not None else len(pre_h)
            obj_o, obj_h, channels = _strip_pre(pre_o[:cut], pre_h[:cut])
            modifier = pre_h[:cut].rstrip().endswith("的") and not _HEAD_NOUN.search(obj_h)
            if own_dur is not None or (not post_h.strip() and modifier):
                obj_o = obj_h = ""  # 及時開展有理有據的回應: a modifier (not 做好X政策的解讀: the object)
            embedded = [t for t in timing_tokens(obj_h) if t.kind == "period"]
            doer = re.search("做好|搞好|抓好", obj_h)
            if doer and doer.start() >= 2 and not _depths(obj_h)[doer.start()]:
                # 督促指導在海中央企業、市屬企業做好去產能公示: those before 做好 are who the
                # agency supervises (its remit decides who answers); the duty is after it
                actors_o, actors_h = obj_o[: doer.start()], obj_h[: doer.start()]
                rest_o, rest_h, _ = _strip_pre(obj_o[doer.end() :], obj_h[doer.end() :])
                if len(rest_h) >= 2:
                    obj_o, obj_h = actors_o + rest_o, actors_h + rest_h
                    whole = True
                else:
                    actors_h = ""
        else:
            channels = _strip_pre(pre_o, pre_h)[2]
        if u.verb in _INTERPRET and (not obj_h or obj_h in _GENERIC):
            targets = _sync_targets(state, ctx)
            if targets:
                # 并進行深度解讀 / 同步深入解讀 / 做好政策解讀工作: interpretation goes with the document
                note = "原文未寫時限；解讀與所解讀的文件同步（政策性文件與解讀同步），請核對"
                for target in targets:
                    ob = Draft(When("sync", ref=target.id), verb_o, target.subject, notes=[note])
                    _finish(ob, state, channels)
                    out.append(ob)
                continue
        if u.verb in _FOLLOW_UP and obj_h and re.match("^(?:并|同时)", pre_h) and not pre_tokens:
            targets = _sync_targets(state, ctx)
            if targets:
                # 及時公開X,并在原文件上作出標注: the label goes with the notice
                note = "「并…」：與前一條同步，請核對"
                ob = Draft(When("sync", ref=targets[-1].id), verb_o, obj_o, notes=[note])
                _finish(ob, state, channels)
                out.append(ob)
                continue
        if u.verb in _INTERPRET and obj_h in _GENERIC and state.topic is None:
            continue  # 要主動帶頭解讀政策: no document to interpret, a role, not a duty
        from_topic = state.topic is not None and (not obj_h or len(obj_h) <= 2 or obj_h in _GENERIC)
        if state.topic is not None and from_topic:
            topic_o, topic_h = state.topic
            obj_o = topic_o if topic_h.endswith(obj_h) else topic_o + obj_o
            obj_h = topic_h if topic_h.endswith(obj_h) else topic_h + obj_h
        elif obj_h in _GENERIC and state.last and "的" in state.last[-1][1].subject:
            prev_subject = state.last[-1][1].subject  # 信息披露和結果公示: …項目的 + 結果
            prefix = prev_subject[: prev_subject.rfind("的") + 1]
            obj_o, obj_h = prefix + obj_o, prefix + obj_h
        tokens = [*state.carry, *chain, *(t for t in pre_tokens if t.text not in {e.text for e in embedded})]
        if u.verb in _REPLY and not obj_h and own_dur is None and _on_request(state, ctx):
            out.extend(_on_request_duties(verb_o, state, ctx, channels))
            continue
        if not obj_h and _deadline_of_previous(tokens, state):
            continue  # 每月公布上月統計數據,于次月10日前公開: no duty of its own
        if not obj_h and u.light is not None and u.verb in _ACTIVITY:
            obj_o = obj_h = verb_o  # 年內至少開展2次督查: 開展 督查
            verb_o = o[u.light[0] : u.light[1]]
        if not obj_h and u.verb not in _ACTIVITY and u.verb not in _INTERPRET and state.phrase:
            obj_o, obj_h = state.phrase  # 落實好X制度,并向社會公布
        if not obj_h:
            if idx + 1 < len(units):
                chain = tokens  # 定期編制和公布X: the timing goes on to the next verb
            continue
        live = False
        if u.verb not in _LIVE and len(obj_h) > 2 and obj_h.endswith(_LIVE):
            # 對電視電話會議,…通過網絡、新媒體直播等向社會公開: the action is the broadcast, of
            # the topic when there is one, through what comes before 直播
            cut = len(obj_h) - next(len(w) for w in _LIVE if obj_h.endswith(w))
            verb_o, rest_o, rest_h = obj_o[cut:], obj_o[:cut], obj_h[:cut]
            via = re.match("^(?:通过|利用|依托|在)", rest_h)
            if via:
                channels = [*channels, *(c for c in re.split("[、和及与]", rest_o[via.end() :]) if c)]
            if from_topic or via:
                obj_o, obj_h = (state.topic or ("", ""))[0], (state.topic or ("", ""))[1]
            else:
                obj_o, obj_h = rest_o, rest_h
            live = bool(obj_h)
        all_tokens = tokens + [t for t in count_tokens if t not in tokens]
        when, notes = when_from(all_tokens, trigger)
        if when is None and state.goal is not None and u.verb not in _INTERPRET and u.verb not in _ACTIVITY:
            when = state.goal
            notes.append("原文未寫時限：句首「圍繞…目標」的時間管到為目標所做的事，請核對")
        if when is not None and when.kind == "event" and own_dur is not None:
            state.trigger = when.trigger
        split = _period_split(obj_o, obj_h, when)
        if (
            u.verb in _ACTIVITY
            and split is None
            and (
                when is None or when.kind == "same_day" or (when.kind == "vague" and when.phrase == "按要求")
            )
        ):
            chain = []
            continue  # an activity (meeting, study, goal) is a duty only with a time
        if when is not None and when.kind == "same_day":
            prev = _sync_with_previous(state, ctx)
            if prev is not None:
                when = When("sync", ref=prev.id)
            else:
                when = When("same_day", trigger=obj_o)
                notes.append("原文「同步」未說明與何事同步：暫以事項本身為觸發事件，請核對")
        if when is None and (live or u.verb in _LIVE):
            when = When("same_day", trigger=obj_o)
            notes.append("直播與所直播的事同時進行：同步")
        if when is None and u.verb == "解读" and obj_h and "同步" in state.sentence_h:
            # 做好政策解讀,做到同步聯動 / 政策性文件與解讀材料同步: interpreted as it is issued
            issued = re.search("出台|印发|发布", obj_h)
            when = When("same_day", trigger=obj_o if issued else obj_o + ctx.writer.script_text("出臺"))
            notes.append("原文「同步」：解讀與政策出臺同步，請核對")
        if when is None and not embedded:
            if u.verb in _INTERPRET:
                when = When("vague", phrase="適時")
                notes.append("原文未寫時限（無時限）：暫作「適時」")
            else:
                when = STATUTORY
                notes.append("原文未寫時限：按條例法定時限（信息形成或變更之日起20個工作日內）")
        if when is not None and when.kind == "prompt" and re.search("上一?年度|上年", obj_h):
            when = When("after_prompt", every=Every.YEAR)
            notes.append("「及時…上一年度」：每年期後及時")
        if split is not None:
            subjects = [(subject, w or when, notes) for subject, w in split]
        else:
            subjects = []
            items = [(obj_o, obj_h)] if from_topic or whole else _split_items(obj_o, obj_h)
            policies = _frame_policies(state.frame) if state.frame and obj_h.startswith("政策") else []
            if policies and not from_topic:
                # 圍繞財政政策和貨幣政策,…傳達政策意圖: the intent of each policy
                items = [(po + obj_o[2:], ph + obj_h[2:]) for po, ph in policies]
                notes = [*notes, "「政策」按句首「圍繞…」所列的政策分列，請核對"]
            for subject, subject_h in items:
                own = next((e for e in embedded if e.text in subject_h), None)
                if own is not None and (when is None or when.kind in ("statutory", "prompt")):
                    subjects.append((subject, When("periodic", every=own.value), []))
                elif when is None:
                    note = "原文未寫時限：按條例法定時限（信息形成或變更之日起20個工作日內）"
                    subjects.append((subject, STATUTORY, [note]))
                else:
                    subjects.append((subject, when, notes))
        umbrella = obj_h if led and u.verb == "公开" and when is STATUTORY and _is_generic(obj_h) else None
        expanded = [(part, w, n) for subject, w, n in subjects for part in _expand_compounds(subject)]
        if len(expanded) > len(subjects):
            expanded = [(p, w, [*n, "「預決算」「減稅降費」等合稱拆為各自的義務"]) for p, w, n in expanded]
        for subject, w, item_notes in expanded:
            if w is None:
                continue
            derived = w is STATUTORY
            if derived and u.verb not in _INTERPRET:
                w, item_notes = _statute_or_sync(subject, item_notes, state, ctx)
            ob = Draft(w, verb_o, subject, notes=list(item_notes), umbrella=umbrella, derived=derived)
            ob.actors = actors_h
            _finish(ob, state, channels)
            out.append(ob)
        if out and re.search("的?同时$", h):
            state.simultaneous = [ob for ob in out if ob.when.kind != "sync"]  # 在公開X的同時,公開Y
        chain = []
    return out


# Set phrases that join two things each published on its own (Simplified), and the characters
# of each part: 預決算 → 預算、決算; 減稅降費 → 減稅、降費.
_COMPOUNDS: tuple[tuple[str, tuple[tuple[int, ...], ...]], ...] = (
    ("预决算", ((0, 2), (1, 2))),
    ("减税降费", ((0, 1), (2, 3))),
)


def _expand_compounds(subject: str) -> list[str]:
    """「部門預決算」 → 部門預算, 部門決算 (every compound in the subject, in the source script)."""
    h = hans_aligned(subject)
    for word, parts in _COMPOUNDS:
        i = h.find(word)
        if i < 0:
            continue
        out = []
        for part in parts:
            piece = "".join(subject[i + k] for k in part)
            out.extend(_expand_compounds(subject[:i] + piece + subject[i + len(word) :]))
        return out
    return [subject]


# 預算法 (2014) art. 14: budgets and final accounts approved by the people's congress (or its
# standing committee) are published by the finance department within 20 days of approval; a
# department's budget and final accounts by the department within 20 days of the finance
# department's 批復. 「三公」經費 are published with the department's budget and final accounts.
_BUDGET_NOTE = "原文未寫時限：預算法第十四條，{what}後20日內公開"


def _statute_or_sync(
    subject: str, notes: list[str], state: _SentenceState, ctx: _Context
) -> tuple[When, list[str]]:
    """A time for a disclosure the text gives no time: with the duty it is published together
    with (在公開X的同時), under the 預算法 for budgets, else the 條例's 20 working days."""
    writer = ctx.writer
    h = hans_aligned(subject)
    kind = "决算" if "决算" in h else "预算" if "预算" in h else None
    notes = [n for n in notes if not n.startswith("原文未寫時限")]
    if state.simultaneous:
        target = next(
            (ob for ob in state.simultaneous if kind and kind in hans_aligned(ob.subject)),
            state.simultaneous[0],
        )
        if target.id is None:
            target.id = writer.new_id()
        return When("sync", ref=target.id), [*notes, "原文「在公開…的同時」：與該條同步"]
    if kind is None:
        return STATUTORY, [*notes, "原文未寫時限：按條例法定時限（信息形成或變更之日起20個工作日內）"]
    word = "預算" if kind == "预算" else "決算"
    if "三公" in h:
        trigger = writer.script_text(f"部門{word}公開")
        note = f"「三公」經費{word}隨部門{word}同步公開（預算法第十四條、財政部有關規定），請核對"
        return When("same_day", trigger=trigger), [*notes, note]
    if re.search("政府(?:预算|决算)|本级(?:预算|决算)|财政(?:预算|决算)|总(?:预算|决算)", h):
        who = "本級人大批准政府預算" if kind == "预算" else "本級人大常委會批准政府決算"
        what = "經本級人大（常委會）批准"
    else:
        who = f"財政部門批復部門{word}"
        what = "財政部門批復部門預算、決算"
    trigger = writer.script_text(who)
    return When("event", lag=(20, Unit.DAY), trigger=trigger), [*notes, _BUDGET_NOTE.format(what=what)]


# Summary sentences: 「推進X信息公開」「做好X公開工作」「加大X公開力度」 where X names a field, not
# a thing to publish, and the duties that follow spell it out.
_UMBRELLA_LEAD = re.compile(
    r"^(?:进一步|积极|扎实|切实|认真|突出|重点|深入|全面|着力|大力|加快|不断)?(?:推进|推动|做好|加大|深化|加强)"
)
_CONCRETE_HEAD = re.compile(
    r"(?:情况|提示|动态|数据|公告|名单|报告|结果|政策|计划|措施|方案|标准|清单|目录|意见|制度|决定|资料|规定|"
    r"价格|文件|指南|方式|招投标|进度|进展|成效|务|全文)$"
)
_GENERIC_BIGRAMS = frozenset({"信息", "情况", "工作", "公开", "政策", "有关", "相关", "领域", "方面", "管理"})


def _is_generic(obj_h: str) -> bool:
    """An object that names a field of information (環境質量, 預決算, X領域信息), not an item."""
    obj_h = obj_h.rstrip("等")
    if re.search("(?:领域|方面)(?:的)?(?:信息)?$", obj_h):
        return True
    return obj_h.endswith("信息") or _CONCRETE_HEAD.search(obj_h) is None


def _shares_topic(a: str, b: str, n: int) -> bool:
    """Whether ``a`` and ``b`` share ``n`` characters in a row (not a generic word)."""
    a = re.sub(r"[\W_]", "", a)
    b = re.sub(r"[\W_]", "", b)
    return any(a[i : i + n] in b and a[i : i + n] not in _GENERIC_BIGRAMS for i in range(len(a) - n + 1))


def _drop_umbrellas(sentences: list[list[Draft]], ctx: _Context) -> list[list[str]]:
    """Remove summary duties; return, per sentence, the objects dropped.

    A duty is a summary when it is an 「推進/做好/加大 X 公開」 with no time of its own and X names
    a field (see ``_is_generic``), it opens its sentence, and the duties that follow (in the rest
    of the sentence, or in the next sentence when it is a sentence of its own) are about the same
    thing (they share two characters with X), or X restates the heading (four characters), or X
    is a 領域/方面 by its own words."""
    dropped: list[list[str]] = [[] for _ in sentences]
    for k, duties in enumerate(sentences):
        if not duties or duties[0].umbrella is None:
            continue
        head = duties[0]
        group = [ob for ob in duties if ob.umbrella == head.umbrella and ob.context == head.context]
        later = [ob for ob in duties if ob not in group]
        if not later and k + 1 < len(sentences):
            later = sentences[k + 1]
        if not later:
            continue
        topic = head.umbrella or ""

        related = (
            re.search("(?:领域|方面)(?:的)?(?:信息)?$", topic) is not None
            or any(_shares_topic(topic, _hans(ob.subject), 2) for ob in later)
            or any(_shares_topic(topic, title, 4) for title in ctx.section_h)
        )
        if related:
            dropped[k].append(head.clause)
            sentences[k] = [ob for ob in duties if ob not in group]
    return dropped


# Live broadcasts happen with what they broadcast.
_LIVE = ("直播",)

# Replies to requests for government information (依申請公開), when the text says only 「按照法定
# 時限答復」 or gives no time: 政府信息公開條例 (2007) art. 24 — 15 working days from receipt,
# extendable by 15; the 2019 revision, art. 33 (in force 2019-05-15) — 20, extendable by 20.
_REPLY = frozenset({"答复", "答覆"})
_ON_REQUEST_2019 = "2019-05-15"
_ON_REQUEST_SUBJECT = "政府信息公開申請"
_ON_REQUEST_TRIGGER = "收到政府信息公開申請"


def _on_request(state: _SentenceState, ctx: _Context) -> bool:
    """Whether an object-less 答復 is about 依申請公開 (the sentence or its heading says so)."""
    return "依申请" in state.sentence_h or any("依申请" in t for t in ctx.section_h)


def _on_request_duties(verb_o: str, state: _SentenceState, ctx: _Context, channels: list[str]) -> list[Draft]:
    writer = ctx.writer
    subject = writer.script_text(_ON_REQUEST_SUBJECT)
    trigger = writer.script_text(_ON_REQUEST_TRIGGER)
    old = "依申請答復：政府信息公開條例（2007）第二十四條，收到申請之日起15個工作日內，可延長15個工作日"
    new = (
        "依申請答復：政府信息公開條例（2019年修訂）第三十三條，20個工作日內，可延長20個工作日，2019-05-15施行"
    )
    spans: list[tuple[int, tuple[str | None, str | None] | None, str]] = []
    if writer.issued is not None and writer.issued < _ON_REQUEST_2019:
        spans.append((15, (writer.issued, "2019-05-14"), old))
        spans.append((20, (_ON_REQUEST_2019, None), new))
    else:
        spans.append((20, None, new))
    out = []
    for days, window, note in spans:
        notes = ["原文「按照法定時限答復」或未寫時限：" + note + "，請核對"]
        if writer.issued is None:
            notes.append("未找到發布日期：按現行條例（2019年修訂）")
        ob = Draft(
            When("event", lag=(days, Unit.WORKING_DAY), trigger=trigger),
            verb_o,
            subject,
            notes=notes,
            window=window,
            extension=(days, Unit.WORKING_DAY),
        )
        _finish(ob, state, channels)
        out.append(ob)
    return out


def _finish(ob: Draft, state: _SentenceState, channels: list[str]) -> None:
    if state.agencies:
        ob.agencies = list(state.agencies)
    ob.channels = list(dict.fromkeys(clean_name(c) for c in channels if clean_name(c)))
    ob.context = state.clause_h
    ob.clause = state.clause_o
    state.last.append((state.clause, ob))


# ---- the document -------------------------------------------------------------------------------------


@attrs.define
class _Header:
    title: str | None = None
    issuer: str | None = None
    issued: str | None = None


def _cn_year(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = "".join(str(_CN_DIGITS.get(c, "")) for c in text)
    return int(digits) if len(digits) == 4 else None


def _date_of(line_h: str) -> str | None:
    m = _DATE_LINE.match(line_h)
    if not m:
        return None
    y, mo, d = _cn_year(m.group(1)), cn_number(m.group(2)), cn_number(m.group(3))
    if y is None or mo is None or d is None:
        return None
    import datetime as dt

    try:
        return dt.date(y, mo, d).isoformat()
    except ValueError:
        return None


def _find_header(paras_o: list[str], paras_h: list[str], first_heading: int, source_name: str) -> _Header:
    header = _Header()
    for i, h in enumerate(paras_h):
        date = _date_of(h)
        if date is None:
            continue
        header.issued = date
        if i > 0 and _ISSUER_LINE.match(paras_h[i - 1]) and not _DOC_TYPES.search(paras_h[i - 1]):
            header.issuer = paras_o[i - 1].strip()
        if i < first_heading or header.issuer:
            break
    for i, h in enumerate(paras_h[: max(first_heading, 1)]):
        line = h.strip()
        if (
            4 <= len(line) <= 60
            and not re.search(r"[，,。；;：:]", line)
            and _DOC_TYPES.search(line)
            and _date_of(line) is None
        ):
            header.title = paras_o[i].strip().strip("《》")
            break
    if header.title is None:
        for o in paras_o[: max(first_heading, 1)]:
            m = re.search(r"《([^》]{4,60})》", o)
            if m:
                header.title = m.group(1)
                break
    if header.title is None:
        header.title = Path(source_name).stem or None
    return header


def _extract_rules(text: str, source_name: str, registry: Registry | None = None) -> str:
    text = text.lstrip("\ufeff")
    paras_o = _paragraphs(text)
    paras_h = [hans_aligned(p) for p in paras_o]
    first_heading = next((i for i, p in enumerate(paras_h) if _is_heading(p)), len(paras_h))
    writer = DraftWriter(text, source_name, registry)
    header = _find_header(paras_o, paras_h, first_heading, source_name)
    if header.title:
        writer.header_field("title", header.title)
    if header.issuer:
        writer.header_field("issuer", header.issuer)
    if header.issued:
        writer.header_field("issued", header.issued)
    writer.prompt_default()
    writer.comment(f"草稿：由 obligations extract 從 {Path(source_name).name} 自動生成，請逐條核對。")
    writer.comment("每條義務下的 > 行是原文；未識別為義務的句子以 # 原文： 註釋保留。")
    ctx = _Context(writer)
    if registry is not None:
        for agency in registry.agencies:
            for n in (agency.name, agency.full_name, *agency.aliases):
                ctx.known_agencies.setdefault(_hans(clean_name(n)), n)

    # Tails first, so that agencies named in tails are known when sentences name them.
    tails: list[tuple[_Tail | None, int]] = []
    for o, h in zip(paras_o, paras_h, strict=True):
        tail, cut = _parse_tail(o, h) if not _title_only(h) else (None, len(o))
        tails.append((tail, cut))
        if tail:
            for name, name_h in zip(tail.names, tail.hans, strict=True):
                ctx.known_agencies.setdefault(name_h, name)

    if first_heading == len(paras_h):
        first_heading = _body_start(paras_h)
    _document_addressees(paras_o, paras_h, tails, first_heading, ctx)
    ctx.office = _coordinating_office(paras_h[first_heading:], header.issuer, ctx)
    for o in paras_o[:first_heading]:
        writer.comment(f"原文：{o}")

    section: list[str] = []
    for i in range(first_heading, len(paras_o)):
        o, h = paras_o[i], paras_h[i]
        body_o, body_h = o, h
        heading = _heading(h)
        if heading is not None:
            level, number, start = heading
            parents = (section + [""] * level)[:level]  # a missing level is left empty
            section = [*parents, number]
            rest_o, rest_h = o[start:], h[start:]
            end = rest_h.find("。")
            if end < 0 and len(rest_h) <= 60:
                title, body_o, body_h = rest_o, "", ""
            elif 0 <= end <= 60:
                title, body_o, body_h = rest_o[:end], rest_o[end + 1 :], rest_h[end + 1 :]
            else:
                title, body_o, body_h = "", rest_o, rest_h
            writer.section("".join(section), title.strip())
            ctx.section_h = [*ctx.section_h[:level], hans_aligned(title.strip())]
        if not body_h.strip():
            continue
        tail = _tail_for(tails, i, paras_h)
        offset = len(o) - len(body_o)
        cut = tails[i][1] - offset if tails[i][0] else len(body_o)
        _paragraph(body_o[:cut], body_h[:cut], tail, ctx)
        if tails[i][0]:
            writer.comment(f"責任分工：{body_o[cut:].strip()}")
        writer.blank()
    return writer.render()


def _body_start(paras_h: list[str]) -> int:
    """Without headings: the body starts after the leading title / addressee / date lines."""
    i = 0
    while i < len(paras_h) and (
        _date_of(paras_h[i])
        or _ISSUER_LINE.match(paras_h[i])
        or (len(paras_h[i]) <= 60 and not re.search("[。；;]", paras_h[i]))
        or paras_h[i].rstrip().endswith(("：", ":"))
    ):
        i += 1
    return i


# Duties of the office that coordinates government information work (政府辦公室/辦公廳, the
# 政府信息公開工作主管部門 under the 條例): the government gazette, supervision, assignment.
_OFFICE_REMIT = ("公报", "督查", "督办", "交办", "门户网站")
_OFFICE_RE = re.compile("政府办公[室厅]$|政府办$")
# 人大代表建議、政協委員提案: assigned and supervised by the office, answered by the departments.
_PROPOSALS = re.compile("建议提案|代表建议|委员提案")
# Broadcasts and press releases: the government's own (its meetings, its press conferences) are
# run by the office, which therefore joins the addressees for them.
_PRESS = ("直播", "新闻发布", "权威信息")
# Triggers that are incidents: the duty falls on the area and departments concerned (國辦發〔2016〕
# 61號: 涉事地方和部門是第一責任主體), not on every department.
_INCIDENT = re.compile("突发|事故|灾害|险情|疫情")


def _is_all_addressee(name_h: str) -> bool:
    """A collective that addresses everybody of a kind (各區鎮, 各部門, 市政府各部門), not a
    particular group (有關部門, 有任務分工的部門)."""
    return "各" in name_h and not re.search("有关|相关|任务|分工", name_h)


def _document_addressees(
    paras_o: list[str],
    paras_h: list[str],
    tails: list[tuple[_Tail | None, int]],
    start: int,
    ctx: _Context,
) -> None:
    """The duty-bearers of the paragraphs without a responsibility tail, as the text itself names
    them: the collective addressees (各區鎮各部門, 各區鎮、市政府各部門, 各單位) that open clauses
    of those paragraphs. The set named most often wins (names compared through the registry, so
    各部門 and 市政府各部門 count as one when it says so); a tie goes to the larger set, then to
    the first."""
    from obligations import script

    counts: dict[tuple[str, ...], int] = {}
    first: dict[tuple[str, ...], tuple[int, list[str], str]] = {}
    order = 0
    for i in range(start, len(paras_h)):
        if _tail_for(tails, i, paras_h) is not None or (_is_heading(paras_h[i]) and len(paras_h[i]) <= 60):
            continue
        o, h = paras_o[i], paras_h[i]
        for cs, ce in _split(h, _SENTENCE_END + _CLAUSE_SEP):
            clause_o, clause_h = o[cs:ce].strip(), h[cs:ce].strip()
            entries, end = _clause_agencies(clause_o, clause_h, ctx)
            names = [n for n, _ in entries]
            if not names or not all(_is_all_addressee(_hans(n)) for n in names):
                continue
            key = tuple(sorted({script.key(_resolved(ctx, n)) for n in names}))
            counts[key] = counts.get(key, 0) + 1
            if key not in first:
                said = re.sub("(?:主要)?负责同志$", "", clause_h[:end])  # 各區鎮各部門負責同志
                first[key] = (order, names, clause_o[: len(said)])
                order += 1
    if not counts:
        return
    best = max(counts, key=lambda k: (counts[k], len(k), -first[k][0]))
    ctx.addressees = first[best][1]
    ctx.addressee_text = first[best][2]


def _resolved(ctx: _Context, name: str) -> str:
    """A name as the draft will write it (the registry's name when it knows it), undeclared."""
    registry = ctx.writer.registry
    if registry is not None:
        for candidate in (name, name[1:] if name.startswith("市") else "市" + name):
            known = registry.agency(candidate)
            if known is not None:
                return str(known.name)
    return clean_name(name)


def _coordinating_office(body_h: list[str], issuer: str | None, ctx: _Context) -> str | None:
    """The government office (…政府辦公室) the text names, or that issued it."""
    from obligations import script

    names = sorted(set(ctx.known_agencies) | set(_COLLECTIVE), key=lambda n: (-len(n), n))
    text = "".join(body_h)
    for name_h in names:
        if _OFFICE_RE.search(name_h) and name_h in text:
            return ctx.known_agencies.get(
                name_h, name_h if ctx.writer.fmt.script == "hans" else script.to_hant(name_h)
            )
    if issuer and _OFFICE_RE.search(_hans(issuer)):
        return issuer
    return None


def _tail_for(tails: list[tuple[_Tail | None, int]], i: int, paras_h: list[str]) -> _Tail | None:
    """A paragraph's own tail, or else the next one before the next heading (a tail may close
    several paragraphs)."""
    for j in range(i, len(tails)):
        if j > i and _is_heading(paras_h[j]):
            return None
        if tails[j][0] is not None:
            return tails[j][0]
    return None


def _paragraph(body_o: str, body_h: str, tail: _Tail | None, ctx: _Context) -> None:
    writer = ctx.writer
    for name in tail.names if tail else ():
        _declare(ctx, name)  # every agency a tail names, used or not, for the reviewer
    texts: list[str] = []
    sentences: list[list[Draft]] = []
    for s, e in _split(body_h, _SENTENCE_END):
        sent_o, sent_h = body_o[s:e].strip(), body_h[s:e].strip()
        if sent_h:
            texts.append(sent_o)
            sentences.append(_sentence_duties(sent_o, sent_h, ctx))
    dropped = _drop_umbrellas(sentences, ctx)
    for duties in sentences:
        for ob in duties:
            if not ob.agencies and tail is not None:
                ob.agencies = _assign(tail, ob, ctx)
                if tail.divided and len(ob.agencies) < len(tail.names):
                    ob.notes.append("按職責分工：依事項用詞分配責任單位，請核對")
            elif not ob.agencies:
                _default_agencies(ob, ctx)
            ob.agencies = _merge_entries([(_declare(ctx, name), role) for name, role in ob.agencies])
    _merge_repeats(sentences)
    for sent_o, duties, summary in zip(texts, sentences, dropped, strict=True):
        for clause_h in summary:
            writer.comment(f"總括句（其後已寫明具體義務）未列為義務：{clause_h}")
        if not duties:
            writer.comment(f"原文：{sent_o}")
            continue
        for ob in duties:
            writer.add(ob)


def _merge_repeats(sentences: list[list[Draft]]) -> None:
    """A duty the paragraph states twice (same action, subject and timing: 「做好部門預決算公開」
    then 「集中公開…部門預決算」) is one duty: the first keeps both quotes and both sets of
    agencies (references to the second are moved to it)."""
    from obligations import script

    seen: dict[tuple[str, ...], Draft] = {}
    moved: dict[str, str] = {}
    for k, duties in enumerate(sentences):
        kept = []
        for ob in duties:
            w = ob.when
            key = (
                script.key(ob.action),
                script.key(ob.subject),
                w.kind,
                str(w.lag),
                str(w.every),
                w.trigger or "",
            )
            first = seen.get(key)
            if first is None or ob.when.kind == "sync":
                seen.setdefault(key, ob)
                kept.append(ob)
                continue
            first.quotes += [q for q in ob.quotes if q not in first.quotes]
            names = {n for n, _ in first.agencies}
            first.agencies = _merge_entries(
                first.agencies + [(n, r) for n, r in ob.agencies if n not in names]
            )
            first.channels += [c for c in ob.channels if c not in first.channels]
            first.notes.append("本段兩處寫到同一義務：已合併，引文兩句，責任單位合併，請核對")
            if ob.id is not None:
                if first.id is None:
                    first.id = ob.id
                else:
                    moved[ob.id] = first.id
        sentences[k] = kept
    if moved:
        for duties in sentences:
            for ob in duties:
                if ob.when.kind == "sync" and ob.when.ref in moved:
                    ob.when = attrs.evolve(ob.when, ref=moved[ob.when.ref])


def _default_agencies(ob: Draft, ctx: _Context) -> None:
    """Agencies for a duty of a paragraph without a responsibility tail that names none: the
    coordinating office for its own business (政府公報, 督查…), the office leading the departments
    for 建議提案 (it assigns them, they answer), else the text's collective addressees, each for
    itself (分別) — narrowed to those concerned (有關部門) for a duty an incident triggers, and
    joined by the office for broadcasts and press releases (it runs the government's own)."""

    subject_h = _hans(ob.subject)
    words = subject_h + ob.context
    if ctx.office is not None and any(k in words for k in _OFFICE_REMIT):
        ob.agencies = [(ctx.office, None)]
        ob.notes.append(f"原文未寫責任單位：政府公報、督查等屬{clean_name(ctx.office)}的職責，請核對")
        return
    if not ctx.addressees:
        return
    said = clean_name(ctx.addressee_text) or "、".join(ctx.addressees)
    departments = [n for n in ctx.addressees if "部门" in _hans(n)]
    if ctx.office is not None and departments and _PROPOSALS.search(subject_h + ob.sentence):
        ob.agencies = [(ctx.office, Role.LEAD)] + [(n, None) for n in departments]
        ob.agencies[-1] = (ob.agencies[-1][0], Role.EACH)  # each department its own
        office = clean_name(ctx.office)
        ob.notes.append(
            f"原文本段沒有責任分工：建議提案由{office}交辦、督辦，{'、'.join(departments)}承辦，請核對"
        )
        return
    names = list(ctx.addressees)
    notes = [f"原文本段沒有責任分工：按文中的主送對象「{said}」分別落實，請核對"]
    trigger = ob.when.trigger or ""
    if ob.when.kind == "event" and _INCIDENT.search(_hans(trigger)):
        concerned = ctx.writer.script_text("有關部門")
        narrowed = [concerned if "部门" in _hans(n) else n for n in names]
        if narrowed != names:
            names = list(dict.fromkeys(narrowed))
            notes.append(
                f"事件觸發的義務由事發的地方和部門承擔：「{'、'.join(departments)}」作「{concerned}」"
            )
    if ctx.office is not None and any(k in _hans(ob.action) + subject_h for k in _PRESS):
        names.append(ctx.office)
        notes.append(f"直播、新聞發布：政府自己的會議和發布由{clean_name(ctx.office)}承擔，請核對")
    ob.agencies = [(n, None) for n in names]
    if len(ob.agencies) > 1:
        ob.agencies[-1] = (ob.agencies[-1][0], Role.EACH)
    ob.notes.extend(notes)


def _declare(ctx: _Context, name: str) -> str:
    """Declare an agency under its short name; 市X and X are one agency (X, alias 市X). With a
    registry, a name it knows (as name, alias or full name, with or without 市) is its name."""
    writer = ctx.writer
    name = clean_name(name)

    if writer.registry is not None:
        for candidate in (name, name[1:] if name.startswith("市") else "市" + name):
            known = writer.registry.agency(candidate)
            if known is not None:
                return str(known.name)

    h = _hans(name)
    if h.startswith("市") and len(h) > 3:
        short = name[1:]
        if short in writer.agencies or _hans(short) in ctx.known_agencies:
            writer.declare(short)
            writer.alias(short, name)
            return short
    if name not in writer.agencies:
        for existing in writer.agencies:
            if _hans(existing) == h:
                return existing
    return writer.declare(name)


def _merge_entries(entries: list[tuple[str, Role | None]]) -> list[tuple[str, Role | None]]:
    """Agency entries with names repeated (各部門 and 市政府各部門 are one registry agency) kept
    once, at their first place; a role word stays on the last entry of its group."""
    out: list[tuple[str, Role | None]] = []
    for name, role in entries:
        at = next((i for i, (n, _) in enumerate(out) if n == name), None)
        if at is None:
            out.append((name, role))
        elif role is not None:
            out[-1] = (out[-1][0], out[-1][1] or role)
    if len(out) == 1 and out[0][1] is Role.EACH:
        out[0] = (out[0][0], None)
    return out


def _assign(tail: _Tail, ob: Draft, ctx: _Context) -> list[tuple[str, Role | None]]:
    """The tail agencies a duty goes to: all of them, or, when the tail divides the work, those
    whose remit its subject (else its clause) touches last; else every one whose remit its
    sentence touches (「密切關注銀行信貸…政府債務等方面的輿情,…及時回應」: each answers for its
    own field); with no hit at all, all of them (the tail gives them the paragraph together).

    When the tail includes a catch-all (市有關部門) and a registry is given, the registry's
    agencies outside the tail are candidates for the subject too (國家職業資格目錄 → 人社局)."""
    names = list(zip(tail.names, tail.hans, strict=True))
    chosen = names
    if tail.divided:
        subject_h = _hans(ob.subject)
        levels = [(ob.actors, names, False)] if ob.actors else []
        levels += [(subject_h, names + _covered_by_catch_all(tail, ctx), False), (ob.context, names, False)]
        levels.append((ob.sentence, names, True))
        for words, candidates, every_hit in levels:
            scores = [(_remit_hits(nh, words), n, nh) for n, nh in candidates]
            best = max(s for s, _, _ in scores)
            if best >= 0:
                chosen = [(n, nh) for s, n, nh in scores if (s >= 0 if every_hit else s == best)]
                break
    if tail.divided and len(chosen) < len(names) and _SHARED_FUNCTION.search(_hans(ob.subject)):
        # 隨機抽查、政務服務: every department that inspects or serves has its part, so the tail's
        # catch-all (市有關部門) joins the agency whose remit the subject names
        chosen += [(n, nh) for n, nh in names if _CATCH_ALL.search(nh) and (n, nh) not in chosen]
    role = Role.EACH if tail.each and len(chosen) > 1 else Role.LEAD if tail.lead else None
    entries: list[tuple[str, Role | None]] = [(n, None) for n, _ in chosen]
    entries[-1] = (entries[-1][0], role)
    return entries


# Functions every department exercises, each for its own field, although one agency leads them:
# random inspections and their results (「雙隨機、一公開」, 國辦發〔2015〕58號) and government
# services (政務服務事項, 國發〔2016〕55號). A duty about them also binds a tail's catch-all.
_SHARED_FUNCTION = re.compile("双随机|随机抽查|抽查结果|政务服务事项")
_CATCH_ALL = re.compile("有关|相关")


def _covered_by_catch_all(tail: _Tail, ctx: _Context) -> list[tuple[str, str]]:
    """The registry's agencies a tail's 「市有關部門」 stands for: those it does not name."""
    from obligations import script

    registry = ctx.writer.registry
    if registry is None or not any(re.search("有关|相关", nh) for nh in tail.hans):
        return []
    cached = ctx.covered.get(id(tail))
    if cached is not None:
        return cached
    named = {script.key(_resolved(ctx, n)) for n in tail.names}
    out = []
    for agency in registry.agencies:
        ah = _hans(agency.name)
        if script.key(agency.name) in named or "各" in ah or re.search("有关|相关|任务|政府", ah):
            continue
        if _remit_words(ah):
            out.append((str(agency.name), ah))
    ctx.covered[id(tail)] = out
    return out


# Re-exported for the catalogue extractor.
__all__ = [
    "EXTRACTORS_GROUP",
    "NUM",
    "STATUTORY_TRIGGER",
    "UNIT_RE",
    "Draft",
    "DraftWriter",
    "Extractor",
    "Registry",
    "When",
    "clean_name",
    "clean_noise",
    "cn_number",
    "draft_file",
    "duration",
    "extract_catalogue",
    "extract_text",
    "grammar_words",
    "hans_aligned",
    "load_extractor",
    "load_registry",
    "run_extractor",
    "timing_tokens",
    "when_from",
]
