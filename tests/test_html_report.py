"""The HTML report (obligations.html_report): escaping, links, self-containment and its numbers.

The page is parsed back with the standard library's HTMLParser, so every check is about the
elements and attributes a browser would build, not about substrings that happen to match.
``tests/test_html_browser.py`` opens the same page in a real browser.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest

from obligations.evidence import Rejected
from obligations.findings import CheckResult, Finding, Status
from obligations.html_report import is_http_url, render_html
from tests.test_compliance import met, result, row_finding, sample_findings

SCRIPT_TITLE = "<script>alert(1)</script>"
ATTR_BREAKER = '" onmouseover="x'
EVIL_AGENCY = '財政局"><script>alert(2)</script>'
SPEC_TITLE = '測試規範 <img src=x onerror="alert(3)">'

#: The evidence URLs that must become links, and those that must stay text.
GOOD_URLS = ("https://czj.example.gov.cn/10", "http://stats.example.cn/a?x=1&y=2")
BAD_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/relative/page.html",
    "//protocol-relative.example.cn/x",
    "https:/one-slash.example.cn",
    "http://[::1",
)


def evil_findings() -> list[Finding]:
    """The sample, plus evidence and names that try to break out of text and attributes."""
    s = Status
    extra = [
        row_finding(s.UNMATCHED, "X1", "統計局", "2026-10-03 09:00", title=SCRIPT_TITLE, url=GOOD_URLS[1]),
        met(
            s.LATE,
            "M1",
            EVIL_AGENCY,
            "2026-09-05 23:59",
            "2026-09-07 09:00",
            title=ATTR_BREAKER,
            url=BAD_URLS[0],
        ),
    ]
    extra += [
        row_finding(s.UNMATCHED, "X2", ATTR_BREAKER, "2026-10-04 09:00", title=f"bad url {i}", url=url)
        for i, url in enumerate(BAD_URLS[1:])
    ]
    return [*sample_findings(), *extra]


def evil_result() -> CheckResult:
    rejected = (
        Rejected(
            40, "bad_timestamp", "「發布時間」不是日期：<b>下周</b>", "published_at is not a date", "證據.csv"
        ),
        Rejected(41, "extra_values", f"多出 1 個值 {ATTR_BREAKER}", "1 more value", "證據.csv"),
    )
    return result(evil_findings(), rejected)


class Page(HTMLParser):
    """Every element with its attributes, the text, and every table row's cells, in order."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows: list[tuple[str, str, list[str]]] = []  # (section id, data-key/status, cell texts)
        self._section = ""
        self._row: list[str] | None = None
        self._row_key = ""
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag == "section":
            self._section = a.get("id") or ""
        elif tag == "tr":
            self._row, self._row_key = (
                [],
                a.get("data-key") or a.get("data-status") or a.get("data-code") or "",
            )
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._section, self._row_key, self._row))
            self._row = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [a for tag, a in self.elements if tag == name]

    def rows_in(self, section: str) -> list[tuple[str, list[str]]]:
        """The rows of a section's tables, header rows included, in document order."""
        return [(key, cells) for sec, key, cells in self.rows if sec == section]

    def section(self, anchor: str) -> list[tuple[str, dict[str, str | None]]]:
        """The elements from <section id=anchor> to the next <section>."""
        start = next(
            i for i, (tag, a) in enumerate(self.elements) if tag == "section" and a.get("id") == anchor
        )
        end = next(
            (i for i, (tag, _) in enumerate(self.elements[start + 1 :], start + 1) if tag == "section"),
            len(self.elements),
        )
        return self.elements[start:end]


@pytest.fixture(scope="module")
def page_html() -> str:
    return render_html(evil_result(), SPEC_TITLE, "zh-Hant")


@pytest.fixture(scope="module")
def page(page_html: str) -> Page:
    return Page(page_html)


# ---- escaping and links -----------------------------------------------------------------------------


def test_script_title_stays_text(page_html: str, page: Page) -> None:
    assert page.tags("script") == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert SCRIPT_TITLE in "".join(page.text)  # shown to the reader as the characters it is
    assert "alert(2)" in "".join(page.text) and "<script>alert(2)" not in page_html


def test_no_event_handler_attributes(page_html: str, page: Page) -> None:
    handlers = [(tag, name) for tag, a in page.elements for name in a if name.startswith("on")]
    assert handlers == []
    assert "&quot; onmouseover=&quot;x" in page_html
    # the attribute-breaking agency name sits whole inside title attributes of the heat map
    titles = [a.get("title") or "" for _, a in page.elements]
    assert any(t.startswith(EVIL_AGENCY + " · ") for t in titles)
    assert page.tags("img") == []  # the spec title's <img> is text
    assert SPEC_TITLE in "".join(page.text)


def test_only_http_urls_are_links(page: Page) -> None:
    anchors = [a for a in page.tags("a") if not (a.get("href") or "").startswith("#")]
    assert sorted({a["href"] or "" for a in anchors}) == sorted(GOOD_URLS)
    for a in anchors:
        assert a.get("rel") == "noopener noreferrer"
    text = "".join(page.text)
    for url in BAD_URLS:
        assert url in text  # shown as text …
    hrefs = [a.get("href") or "" for a in page.tags("a")]
    assert not any(h.lower().startswith(("javascript", "data", "/")) for h in hrefs)  # … never a link


def test_self_contained(page_html: str, page: Page) -> None:
    """No CDN, no web font, nothing fetched: the only URLs are the evidence's own."""
    urls = re.findall(r"(?i)(?:https?:)?//[^\s\"'<>]*", page_html)
    allowed = {u.replace("&", "&amp;") for u in (*GOOD_URLS, *BAD_URLS)}
    stray = [u for u in urls if not any(u in a for a in allowed)]
    assert stray == []
    for needle in ("<link", "@import", "url(", "@font-face", " src=", "<iframe", "<object", "<embed", "<svg"):
        assert needle not in page_html.lower().replace(html.escape(SPEC_TITLE).lower(), "")
    csp = [a for a in page.tags("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0].get("content") or "")
    assert not any(a.get("src") for _, a in page.elements)


def test_is_http_url() -> None:
    for url in GOOD_URLS:
        assert is_http_url(url)
    assert is_http_url("https://www.gov.cn/zhengce/content/2019-04/15/content_5382991.htm")
    assert is_http_url("https://例子.中国/政務公開?期=2026年10月")
    assert is_http_url("https://x.gov.cn/a?mail=a@b.cn")  # an @ after the host is harmless
    spoofs = ("https://x.cn/\u202egnp.exe", "https://x\u200b.cn", "https://x.cn/\u3000", "https://x.cn/\x85")
    for url in (
        *BAD_URLS,
        *spoofs,
        "",
        " https://x.cn",
        "https://x.cn/a b",
        "https://x.cn\\@evil",
        "https://x.cn:99999",
        "https://www.haimen.gov.cn@evil.example/",  # a user name: the link goes to evil.example
        "https://user:pw@x.gov.cn/",
    ):
        assert not is_http_url(url), url


# ---- the numbers ------------------------------------------------------------------------------------


def test_summary_counts(page: Page) -> None:
    r = evil_result()
    shown = {key: int(cells[1]) for key, cells in page.rows_in("summary") if key}
    assert {k: shown[k] for k in ("rows_read", "matched", "unmatched", "rejected")} == {
        "rows_read": 31,
        "matched": 21,
        "unmatched": 8,
        "rejected": 2,
    }
    assert {k: shown[k] for k in ("rows_read", "matched", "unmatched", "rejected")} == {
        k: r.summary()[k] for k in ("rows_read", "matched", "unmatched", "rejected")
    }
    assert {s.value: shown[s.value] for s in Status} == r.counts()
    assert r.counts()["unmatched"] == 8 and r.counts()["late"] == 3


def test_overdue_list_sorted_by_due(page: Page) -> None:
    rows = [cells for key, cells in page.rows_in("overdue") if key]
    assert [(c[0], c[1], c[3], c[4]) for c in rows] == [
        ("✗未公開", "Q1", "辦公室", "2026-07-10 周五"),
        ("!逾期", "M1", EVIL_AGENCY, "2026-09-05 周六"),
        ("✗未公開", "W1", "市場監管局", "2026-09-17 周四"),
        ("!逾期", "M1", "財政局", "2026-10-05 周一"),
        ("!逾期", "W1", "市場監管局", "2026-10-08 周四"),
        ("✗未公開", "Q1", "辦公室", "2026-10-15 周四"),  # same due as the next: by id
        ("✗未公開", "W1", "市場監管局", "2026-10-15 周四"),
    ]
    assert rows[0][2:] == [
        "答復 政府信息公開申請",
        "辦公室",
        "2026-07-10 周五",
        "已逾期 101.4 天，未公開",
        "",
    ]
    assert rows[3][5:] == ["2.3 天", "2026-10-08 05:59 +08:00 https://czj.example.gov.cn/10"]
    assert rows[1][5:] == ["1.4 天", f"2026-09-07 09:00 +08:00 {ATTR_BREAKER} javascript:alert(1)"]


def test_heat_map(page: Page) -> None:
    heat = page.section("heatmap")
    head = [
        a.get("title") for tag, a in heat if tag == "span" and (a.get("title") or "").startswith("2026-W")
    ]
    assert head[0] == "2026-W27 (2026-06-29 – 2026-07-05)"
    assert head[-1] == "2026-W43 (2026-10-19 – 2026-10-25)"  # the as-of week: C1 pending (12-31) is not drawn
    assert len(head) == 17
    cells = [a for tag, a in heat if tag == "td"]
    assert len(cells) == 17 * 7  # 7 agencies owe occurrences (the evil one included; 發改委 does not)
    market = [a for a in cells if (a.get("title") or "").startswith("市場監管局 · ")]
    statuses = {(a.get("title") or "").split(" · ")[1][:8]: a.get("data-status") for a in market}
    assert statuses["2026-W38"] == "missing"  # due 2026-09-17
    assert statuses["2026-W41"] == "late"
    assert statuses["2026-W43"] == "pending"
    assert statuses["2026-W36"] == "on_time"
    assert statuses["2026-W30"] is None  # nothing due
    legend = [a.get("data-status") for tag, a in heat if tag == "li" and a.get("data-status")]
    assert legend == ["missing", "short", "gap", "late", "on_time", "pending"]


def test_agency_table_and_rejected(page: Page) -> None:
    comp = {cells[0]: cells for _, cells in page.rows_in("agencies") if len(cells) == 15}
    assert " ".join(comp["財政局"]) == "財政局 4 3 1 0 0 0 75.0 2.3 0 1 0 98 0 基本合格"
    assert comp[EVIL_AGENCY][0] == EVIL_AGENCY
    assert " ".join(comp[EVIL_AGENCY][1:]) == "1 0 1 0 0 0 0.0 1.4 0 0 0 98 0 不合格"
    assert comp["合計"][1:4] == ["23", "14", "3"]
    assert [cells for key, cells in page.rows_in("rejected") if key] == [
        ["證據.csv", "40", "bad_timestamp", "「發布時間」不是日期：<b>下周</b>"],
        ["證據.csv", "41", "extra_values", f"多出 1 個值 {ATTR_BREAKER}"],
    ]
    evidence = [cells for key, cells in page.rows_in("evidence") if key]
    assert [tuple(c[:3]) for c in evidence][:3] == [
        ("證據.csv", "6", "=重複"),
        ("證據.csv", "21", "≠非責任單位"),
        ("證據.csv", "22", "?未匹配"),
    ]
    assert evidence[3][1:] == [
        "23",
        "?未匹配",
        "統計局",
        "X1",
        "2026-10-03 09:00 +08:00",
        SCRIPT_TITLE,
        GOOD_URLS[1],
    ]


def test_languages() -> None:
    r = evil_result()
    hant, hans, en = (render_html(r, "海門", lang) for lang in ("zh", "zh-Hans", "en"))
    assert '<html lang="zh-Hant">' in hant and '<html lang="zh-Hans">' in hans and '<html lang="en">' in en
    assert "逾期清單" in hant and "逾期清单" in hans and "Overdue (missing and late)" in en
    assert "財政局" in hans and "财政局" not in hans  # spec and evidence text is never converted
    assert "Noto Sans CJK SC" in hans.split("Noto Sans CJK TC")[0]  # Simplified fonts first for zh-Hans
    assert "Noto Sans CJK TC" in hant.split("Noto Sans CJK SC")[0]


def test_deterministic_and_empty() -> None:
    r = evil_result()
    assert render_html(r, "t", "zh") == render_html(r, "t", "zh")
    empty = render_html(result([]), "", "en")
    assert Page(empty).tags("script") == []
    assert empty.count('<p class="none">none</p>') == 6


def test_with_the_real_matcher() -> None:
    """A check made by obligations.findings (not by hand) renders, and its numbers add up."""
    from obligations.compiler import loads
    from obligations.compliance import DECIDED, compliance
    from obligations.evidence import EvidenceRecord
    from obligations.findings import check_records
    from tests.test_compliance import at

    spec = loads("標題：小規範\n時區：Asia/Shanghai\n[M1] 每月 5日前 公布 財政收支月報 by 財政局\n")
    records = [
        EvidenceRecord("財政局", at("2026-08-04 10:00"), "M1", title=SCRIPT_TITLE, url="javascript:alert(1)"),
        EvidenceRecord("財政局", at("2026-08-04 11:00"), "M1"),  # a duplicate
        EvidenceRecord("財政局", at("2026-09-09 10:00"), "M1", url=GOOD_URLS[0]),  # late
        EvidenceRecord("發改委", at("2026-09-01 10:00"), "M1"),  # wrong agency
        EvidenceRecord("統計局", at("2026-09-01 10:00"), "X9"),  # unmatched
    ]
    r = check_records(spec, records, start=dt.date(2026, 7, 1), as_of=at("2026-10-20 09:00"))
    comp = compliance(r)
    total = comp.total
    assert sum(row.due for row in comp.agencies) == total.due
    assert total.due + total.pending == sum(1 for f in r.findings if f.status in (*DECIDED, Status.PENDING))
    assert total.wrong_agency + total.duplicates + comp.unmatched + total.due + total.pending == len(
        r.findings
    )
    page = Page(render_html(r, spec.title, "zh-Hant"))
    shown = {key: int(cells[1]) for key, cells in page.rows_in("summary") if key}
    assert shown == r.summary()
    assert page.tags("script") == [] and SCRIPT_TITLE in "".join(page.text)
    assert [a.get("href") for a in page.tags("a") if not (a.get("href") or "").startswith("#")] == [
        GOOD_URLS[0]
    ]
