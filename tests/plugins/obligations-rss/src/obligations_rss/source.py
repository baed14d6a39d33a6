"""The source: a saved feed → ``LoadResult``, one row per ``<item>`` (RSS 2.0) or ``<entry>`` (Atom).

Rows are numbered 1, 2, 3 … in document order, and every one is accounted for: it becomes an
``EvidenceRecord`` or a ``Rejected`` row carrying its item number. A file that is not a feed
(not well-formed XML, another root element, an unknown encoding) raises ``EvidenceFileError``.
Only the standard library (``xml.etree``) and ``obligations`` are used.
"""

from __future__ import annotations

import codecs
import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from obligations.evidence import (
    MAX_FIELD,
    EvidenceFileError,
    EvidenceRecord,
    LoadResult,
    RecordSource,
    Rejected,
    check_timezone,
    parse_period,
    record_from_fields,
)

if TYPE_CHECKING:
    import datetime as dt

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
_CHUNK = 1 << 16

# <category domain="…"> (RSS) / <category scheme="…"> (Atom) values that say what a category holds.
ID_DOMAINS = frozenset({"obligation", "編號", "编号"})
SUBJECT_DOMAINS = frozenset({"subject", "事項", "事项"})


# ---- titles -------------------------------------------------------------------------------------

# A period written at the head of a title: 2026年第41周, 2026年第三季度, 2026年上半年, 2026年10月, 2026年度.
_PERIOD_HEAD = re.compile(
    r"\s*(?P<p>\d{4}\s*年\s*(?:第\s*\d{1,2}\s*[周週]|第?\s*[1-4一二三四]\s*季度|[上下]\s*半年度?"
    r"|(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*月份?|度)?)(?!\s*\d)\s*[：:·]?\s*"
)
# A bracketed remark closing a title: （第41周）, （2026年第41周）, 【重發】, (轉載).
_REMARK_TAIL = re.compile(r"\s*[（(【\[](?P<r>[^（()）【】\[\]]*)[）)】\]]\s*$")
_ID = re.compile(r"[\[【]?(?P<id>[A-Za-z][A-Za-z0-9_.\-]*)[\]】]?")


def split_title(title: str) -> tuple[str, str | None]:
    """The subject a title names and the period it states (canonical label), if any.

    A period at the head (「2026年第41周食品安全抽檢信息」) or in a closing bracket
    (「食品安全抽檢信息（2026年第41周）」) is taken off and read; any closing bracketed remark
    （第41周）【重發】 is dropped. ``("食品安全抽檢信息", "2026-W41")`` for both examples.
    """
    rest = title.strip()
    head = _PERIOD_HEAD.match(rest)
    period = _period(head["p"]) if head is not None else None
    if head is not None and period is not None:
        rest = rest[head.end() :]
    while (tail := _REMARK_TAIL.search(rest)) is not None and tail.start() > 0:
        period = period or _period(tail["r"])
        rest = rest[: tail.start()]
    return rest.strip(), period


def _period(text: str) -> str | None:
    try:
        return str(parse_period(text))
    except ValueError:
        return None


def looks_like_id(text: str) -> bool:
    """HM-4404, [HM-4404], o-1a2b3c4d: ASCII, starting with a letter, with a digit somewhere."""
    m = _ID.fullmatch(text.strip())
    return m is not None and any(ch.isdigit() for ch in m["id"])


def _clean_id(text: str) -> str:
    m = _ID.fullmatch(text.strip())
    return m["id"] if m is not None else text.strip()


# ---- items --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """What one ``<item>`` / ``<entry>`` says, as text (empty when absent)."""

    number: int
    title: str = ""
    link: str = ""
    published: str = ""
    agency: str = ""
    categories: tuple[tuple[str, str], ...] = ()  # (domain or scheme, text)


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()).strip() if el is not None else ""


def _author(text: str) -> str:
    """RSS <author> is an e-mail address, often ``mail@host (Name)``: the name, or the text itself."""
    m = re.fullmatch(r"\S+@\S+\s*\((?P<name>[^)]*)\)", text)
    if m is not None:
        return m["name"].strip()
    return "" if re.fullmatch(r"\S+@\S+", text) else text


def _rss_item(number: int, el: ET.Element) -> Item:
    link = _text(el.find("link"))
    guid = el.find("guid")
    if not link and guid is not None and guid.get("isPermaLink", "true") != "false":
        link = _text(guid)
    return Item(
        number,
        title=_text(el.find("title")),
        link=link,
        published=_text(el.find("pubDate")) or _text(el.find(f"{DC}date")),
        agency=_text(el.find(f"{DC}creator")) or _author(_text(el.find("author"))),
        categories=tuple((c.get("domain", "").strip(), _text(c)) for c in el.findall("category")),
    )


def _atom_entry(number: int, el: ET.Element, ns: str) -> Item:
    link = ""
    for candidate in el.findall(f"{ns}link"):
        if candidate.get("rel", "alternate") == "alternate":
            link = candidate.get("href", "").strip()
            break
    return Item(
        number,
        title=_text(el.find(f"{ns}title")),
        link=link,
        published=_text(el.find(f"{ns}published")) or _text(el.find(f"{ns}updated")),
        agency=_text(el.find(f"{ns}author/{ns}name")),
        categories=tuple(
            (c.get("scheme", "").strip(), (c.get("term") or c.get("label") or "").strip())
            for c in el.findall(f"{ns}category")
        ),
    )


_RFC822 = re.compile(r"\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s")


def feed_time(text: str) -> str:
    """An RFC 822 date (RSS pubDate, ``Fri, 09 Oct 2026 09:30:00 +0800``) as ISO 8601; anything
    else (Atom's RFC 3339, the ``2026-10-09 09:30`` many Chinese sites write) as it is, for
    ``obligations`` to read as a spreadsheet cell."""
    if _RFC822.match(text + " ") is None:
        return text
    try:
        return email.utils.parsedate_to_datetime(text).isoformat()  # -0000: no zone, read in tz
    except (TypeError, ValueError, IndexError, OverflowError):
        return text  # obligations rejects it (bad_timestamp), quoting it


# ---- reading the file ---------------------------------------------------------------------------

_DECLARATION = re.compile(rb"""\s*<\?xml[^>]*?\sencoding\s*=\s*["'](?P<e>[A-Za-z0-9._:\-]+)["']""")
# Chinese sites often declare gb2312 for text that is really GBK: GB18030 reads all three.
_GB = frozenset({"gb2312", "gbk", "gb18030", "hz", "euc_cn"})


def _encoding(head: bytes, file: str) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    m = _DECLARATION.match(head)
    if m is None:
        return "utf-8"
    declared = m["e"].decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise EvidenceFileError(
            "encoding",
            file,
            f"XML 聲明的編碼「{declared}」無法識別",
            f"the XML declaration names an unknown encoding {declared!r}",
        ) from None
    return "gb18030" if name.replace("-", "_") in _GB else name


def _open(path: Path, file: str) -> IO[bytes]:
    try:
        return path.open("rb")
    except FileNotFoundError as err:
        raise EvidenceFileError("not_found", file, "文件不存在", "no such file") from err
    except IsADirectoryError as err:
        raise EvidenceFileError("not_a_file", file, "這是目錄，不是文件", "is a directory") from err
    except OSError as err:
        raise EvidenceFileError(
            "unreadable", file, f"無法讀取：{err.strerror}", f"cannot read: {err.strerror}"
        ) from err


def _decoded(f: IO[bytes], head: bytes, encoding: str, file: str) -> Iterator[str]:
    """The file as text, chunk by chunk (expat reads no multi-byte encoding but UTF-8/16 itself)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    data = head
    while True:
        try:
            yield decoder.decode(data, final=not data)
        except UnicodeDecodeError as err:
            raise EvidenceFileError(
                "encoding",
                file,
                f"字節 {offset + err.start} 處不是有效的 {encoding} 編碼（XML 聲明或文件本身有誤）",
                f"invalid {encoding} at byte {offset + err.start} (wrong XML declaration or damaged file)",
            ) from err
        if not data:
            return
        offset += len(data)
        data = f.read(_CHUNK)


@dataclass
class _Feed:
    """The items of one feed and what its feed-level elements say, filled while parsing."""

    file: str
    kind: str = ""  # "rss" or "atom"
    ns: str = ""  # Atom's namespace as ElementTree writes it ("" for a feed without one)
    channel: bool = False
    agency: str = ""

    def __post_init__(self) -> None:
        self.items: list[Item] = []

    def start(self, el: ET.Element, depth: int) -> None:
        if depth > 0:
            if self.kind == "rss" and depth == 1 and el.tag == "channel":
                self.channel = True
            return
        if el.tag == "rss":
            self.kind = "rss"
        elif el.tag.endswith("}feed") or el.tag == "feed":
            self.kind, self.ns = "atom", el.tag[: -len("feed")]
        else:
            raise EvidenceFileError(
                "bad_feed",
                self.file,
                f"不是 RSS 2.0 或 Atom 訂閱源（根元素是 <{el.tag}>，應是 <rss> 或 <feed>）",
                f"not an RSS 2.0 or Atom feed (the root element is <{el.tag}>, not <rss> or <feed>)",
            )

    def end(self, el: ET.Element, parent: ET.Element | None) -> None:
        if parent is None:
            return
        if self.kind == "rss" and parent.tag == "channel":
            if el.tag == "item":
                self.items.append(_rss_item(len(self.items) + 1, el))
                parent.remove(el)  # keep memory flat: an item is read once
            elif el.tag in (f"{DC}publisher", f"{DC}creator") and not self.agency:
                self.agency = _text(el)
        elif self.kind == "atom" and parent.tag == f"{self.ns}feed":
            if el.tag == f"{self.ns}entry":
                self.items.append(_atom_entry(len(self.items) + 1, el, self.ns))
                parent.remove(el)
            elif el.tag == f"{self.ns}author" and not self.agency:
                self.agency = _text(el.find(f"{self.ns}name"))


def read_feed(path: Path) -> tuple[list[Item], str, str]:
    """The items of a feed file, the agency its feed-level elements name ("" if none), its encoding."""
    file = str(path)
    with _open(path, file) as f:
        head = f.read(_CHUNK)
        if not head.strip():
            raise EvidenceFileError("empty", file, "文件是空的", "the file is empty")
        encoding = _encoding(head, file)
        feed = _Feed(file)
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("start", "end"))
        stack: list[ET.Element] = []
        try:
            for text in _decoded(f, head, encoding, file):
                parser.feed(text)
                for event in parser.read_events():
                    el = event[-1]
                    if not isinstance(el, ET.Element):  # only start and end events were asked for
                        continue
                    if event[0] == "start":
                        feed.start(el, len(stack))
                        stack.append(el)
                    else:
                        stack.pop()
                        feed.end(el, stack[-1] if stack else None)
            parser.close()
        except ET.ParseError as err:
            line, column = err.position
            what = re.sub(r":? line \d+, column \d+$", "", str(err))  # expat's words, without its position
            raise EvidenceFileError(
                "bad_feed",
                file,
                f"不是格式正確的 XML（第 {line} 行第 {column + 1} 列）：{what}；整個文件未讀入",
                f"not well-formed XML (line {line}, column {column + 1}): {what}; nothing of the file was read",
            ) from err
    if feed.kind == "rss" and not feed.channel:
        raise EvidenceFileError(
            "bad_feed", file, "<rss> 中沒有 <channel>", "the <rss> element has no <channel>"
        )
    return feed.items, feed.agency, encoding.removesuffix("-sig")


# ---- the source ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RssSource:
    """An ``obligations`` evidence source for saved RSS 2.0 and Atom feeds.

    Each ``<item>`` / ``<entry>`` is one publication:

    ============  =================================================================================
    field         from
    ============  =================================================================================
    title         ``<title>``
    url           RSS ``<link>`` (else a permalink ``<guid>``); Atom ``<link rel="alternate" href>``
    published_at  RSS ``<pubDate>`` (RFC 822; else ``<dc:date>``); Atom ``<published>``, else
                  ``<updated>``. A time without a zone is in the time zone given to ``load``.
    agency        the ``agency`` option when set; else the item's ``<dc:creator>`` or
                  ``<author>`` (Atom ``<author><name>``); else the feed's ``<dc:publisher>`` or
                  ``<dc:creator>`` (Atom: the feed's ``<author><name>``)
    obligation    a ``<category>`` (Atom: its ``term``) that looks like an id (HM-4404,
                  ``[HM-4404]``) or whose ``domain`` / ``scheme`` is ``obligation`` / 編號
    subject       a ``<category>`` whose ``domain`` / ``scheme`` is ``subject`` / 事項; else the
                  title without its period and closing remark (``split_title``)
    period        the period the title states (2026年第41周 → 2026-W41), if any
    channel       the ``channel`` option (政府網站)
    ============  =================================================================================

    The record is then checked as a spreadsheet row is (``obligations.evidence.record_from_fields``):
    a bad time, a future time, a non-http link … reject the item with the usual code.
    """

    agency: str | None = None
    channel: str | None = "政府網站"
    max_field: int = MAX_FIELD
    name: str = "rss"
    suffixes: tuple[str, ...] = (".rss", ".atom", ".xml")

    def load(self, path: Path, tz: str, as_of: dt.datetime | None = None) -> LoadResult:
        check_timezone(tz)
        file = str(path)
        items, feed_agency, encoding = read_feed(path)
        records: list[EvidenceRecord] = []
        rejected: list[Rejected] = []
        for item in items:
            outcome = self.row(item, feed_agency, file, tz, as_of)
            if isinstance(outcome, Rejected):
                rejected.append(outcome)
            else:
                records.append(outcome)
        return LoadResult(tuple(records), tuple(rejected), len(items), file, 0, 0, encoding)

    def row(
        self, item: Item, feed_agency: str, file: str, tz: str, as_of: dt.datetime | None
    ) -> EvidenceRecord | Rejected:
        """One item as a record, or rejected with its item number."""
        agency = self.agency or item.agency or feed_agency
        if not item.published:
            return Rejected(
                item.number,
                "missing_value",
                "條目沒有發布時間（RSS 的 <pubDate>，Atom 的 <published> 或 <updated>）",
                "the item has no publication time (<pubDate> in RSS, <published> or <updated> in Atom)",
                file,
            )
        if not agency:
            return Rejected(
                item.number,
                "missing_value",
                "條目沒有發布單位：條目和訂閱源都沒有 <dc:creator>/<author>/<dc:publisher>，也沒有設置 agency",
                "the item has no agency: neither it nor the feed has <dc:creator>/<author>/<dc:publisher>, "
                "and no agency option is set",
                file,
            )
        obligation = next(
            (
                _clean_id(text)
                for domain, text in item.categories
                if domain in ID_DOMAINS or (domain not in SUBJECT_DOMAINS and looks_like_id(text))
            ),
            "",
        )
        title_subject, period = split_title(item.title)
        subject = next((t for d, t in item.categories if d in SUBJECT_DOMAINS and t), title_subject)
        if not obligation and not subject:
            return Rejected(
                item.number,
                "no_obligation",
                "條目沒有標題，也沒有可作編號或事項的 <category>，無法對應到義務",
                "the item has no title and no <category> naming an obligation or subject",
                file,
            )
        fields = {
            "obligation": obligation,
            "subject": subject,
            "agency": agency,
            "published_at": feed_time(item.published),
            "url": item.link,
            "title": item.title,
            "channel": self.channel,
            "period": period,
        }
        outcome = record_from_fields(fields, tz, as_of, file=file, max_field=self.max_field)
        if isinstance(outcome, Rejected):  # numbered 0 there: give it its item number
            return Rejected(item.number, outcome.code, outcome.message_zh, outcome.message_en, file)
        return EvidenceRecord(
            agency=outcome.agency,
            published_at=outcome.published_at,
            obligation=outcome.obligation,
            subject=outcome.subject,
            url=outcome.url,
            title=outcome.title,
            channel=outcome.channel,
            period=outcome.period,
            date_only=outcome.date_only,
            source=RecordSource(file, item.number),
        )


RSS_SOURCE = RssSource()
