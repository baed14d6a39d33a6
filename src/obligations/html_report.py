"""The check as one self-contained HTML page, for the office and for the evaluator.

``render_html(result, spec_title, lang)`` returns a complete document: inline CSS, no script,
no image, no font or style sheet from anywhere, and a Content-Security-Policy that forbids
loading anything (so the page looks the same from a USB stick, an intranet or an e-mail, and
even a page edited by hand cannot run script). Parts, in order: summary, calendar heat map
(agency × ISO week), overdue list, per-agency compliance (``obligations.compliance``), evidence
not set against a duty, rejected rows, and (folded) the on-time publications with their links.
``docs/reports.md`` describes each.

Everything that comes from a spec or an evidence file is escaped with ``html.escape(…,
quote=True)``, in text and in attributes alike; an evidence URL becomes a link only when it is
an absolute ``http``/``https`` URL with a host (anything else is shown as text), and links carry
``rel="noopener noreferrer"``. Rendering only: the numbers come from the findings and from
``obligations.compliance``; the output depends on the arguments alone (no clock, no locale).
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from urllib.parse import urlsplit

import attrs

from obligations.compliance import (
    COLUMNS,
    NO_AGENCY_LABEL,
    RULES,
    TOTAL_LABEL,
    Compliance,
    GradeRules,
    compliance,
    grade_label,
    lateness_days,
    overdue_days,
    row_cells,
)
from obligations.evidence import EvidenceRecord, Rejected
from obligations.findings import CheckResult, Finding, Status
from obligations.render_due import estimated_suffix

__all__ = ["CSP", "SEVERITY", "STATUS_STYLE", "StatusStyle", "is_http_url", "render_html"]

#: Nothing may load: no script, no image, no font, no style sheet; inline CSS only.
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@attrs.frozen
class StatusStyle:
    zh: str
    en: str
    symbol: str  # the text fallback: shown in heat-map cells, badges and the legend
    colour: str  # the colour and pattern in words (docs/reports.md)


#: How each status is named and drawn. Colours are the Okabe–Ito palette, told apart with the
#: common colour-vision deficiencies; each status also has its own symbol, and the bad ones a pattern.
STATUS_STYLE: dict[Status, StatusStyle] = {
    Status.ON_TIME: StatusStyle("按時", "on time", "✓", "blue #0072B2, plain"),
    Status.LATE: StatusStyle("逾期", "late", "!", "orange #E69F00, plain"),
    Status.MISSING: StatusStyle("未公開", "missing", "✗", "vermillion #D55E00, diagonal hatching"),
    Status.PENDING: StatusStyle("未到期", "pending", "○", "white, dashed outline"),
    Status.SHORT: StatusStyle("次數不足", "short", "−", "reddish purple #CC79A7, horizontal stripes"),
    Status.GAP: StatusStyle("更新間斷", "gap", "≈", "yellow #F0E442, vertical stripes"),
    Status.WRONG_AGENCY: StatusStyle("非責任單位", "wrong agency", "≠", "grey"),
    Status.DUPLICATE: StatusStyle("重複", "duplicate", "=", "grey"),
    Status.UNMATCHED: StatusStyle("未匹配", "unmatched", "?", "grey"),
}

#: Worst first: a heat-map cell shows the worst status among the occurrences due that week.
SEVERITY: tuple[Status, ...] = (
    Status.MISSING,
    Status.SHORT,
    Status.GAP,
    Status.LATE,
    Status.ON_TIME,
    Status.PENDING,
)

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: FONTS; margin: 0 auto; max-width: 1240px; padding: 1.5rem; color: #1a1a1a;
  background: #fff; line-height: 1.5; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
p.meta { color: #444; margin: .3rem 0; }
nav a { margin-right: 1rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .2rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eef3f8; white-space: nowrap; }
th[scope=row], td.nw { white-space: nowrap; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td, tr.total th { font-weight: bold; background: #f5f5f5; }
.scroll { overflow-x: auto; }
.none { color: #555; font-style: italic; }
.grade { display: inline-block; padding: 0 .5rem; border-radius: 3px; font-weight: bold;
  white-space: nowrap; }
.grade.pass { background: #0072B2; color: #fff; }
.grade.basic { background: #E69F00; color: #000; }
.grade.fail { background: #D55E00; color: #fff; }
.grade.unrated { background: #ddd; color: #000; }
.headline { font-size: 1.1rem; margin: .5rem 0 1rem; }
.url-text { font-family: ui-monospace, monospace; color: #555; word-break: break-all; }
a { color: #0050a0; word-break: break-all; }
.st { background-color: #f4f4f4; color: #000; }
span.st { display: inline-block; min-width: 1.4em; text-align: center; font-weight: bold;
  border: 1px solid #999; margin-right: .3em; }
.st.wrong_agency, .st.duplicate, .st.unmatched { background-color: #ddd; }
.st.on_time { background-color: #0072B2; color: #fff; }
.st.late { background-color: #E69F00; color: #000; }
.st.missing { background-color: #D55E00; color: #fff; background-image:
  repeating-linear-gradient(45deg, rgba(0,0,0,.35) 0 2px, transparent 2px 6px); }
.st.pending { background-color: #fff; color: #555; outline: 1px dashed #777; outline-offset: -3px; }
.st.short { background-color: #CC79A7; color: #000; background-image:
  repeating-linear-gradient(0deg, rgba(255,255,255,.5) 0 2px, transparent 2px 6px); }
.st.gap { background-color: #F0E442; color: #000; background-image:
  repeating-linear-gradient(90deg, rgba(0,0,0,.25) 0 2px, transparent 2px 6px); }
table.heat { font-size: .8rem; }
table.heat th, table.heat td { padding: 0; text-align: center; }
table.heat thead th { padding: .1rem .2rem; font-weight: normal; }
table.heat th[scope=row] { padding: 0 .5rem; text-align: left; }
table.heat td { width: 2rem; min-width: 2rem; height: 1.8rem; font-weight: bold; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
footer { margin-top: 2rem; color: #555; font-size: .85rem; }
@media print { nav { display: none; } h2 { break-after: avoid; } tr { break-inside: avoid; }
  details { display: block; } }
"""

_FONTS_HANT = (
    '"PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC", "Source Han Sans TC", "Noto Sans TC", '
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"'
)
_FONTS_HANS = (
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", '
    '"WenQuanYi Micro Hei", "PingFang TC", "Microsoft JhengHei", "Noto Sans CJK TC"'
)
_FONTS_LATIN = '"Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial'


def _e(text: object) -> str:
    """Escape for text and for attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


def is_http_url(url: str) -> bool:
    """An absolute http(s) URL with a host and nothing a browser would reinterpret.

    White space, control or format characters anywhere (bidi overrides and zero-width characters
    included: they make a link read as another), a backslash, a missing ``//``, no host or a bad
    port: not a link. ``javascript:``, ``data:`` and relative URLs never are. Nor is a URL with a
    user name (``https://www.haimen.gov.cn@evil.example/`` goes to evil.example): it is shown as text.
    """
    if not url or "\\" in url or any(unicodedata.category(c)[0] in "CZ" for c in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if "@" in parts.netloc:
        return False
    return scheme in ("http", "https") and bool(host) and url[: len(scheme) + 3].lower() == scheme + "://"


class _Text:
    """Interface words in the report's language; zh-Hans is converted from the Traditional text."""

    def __init__(self, lang: str) -> None:
        low = lang.lower()
        self.hans = low in ("zh-hans", "zh-cn", "zh-sg", "zh-my")
        self.lang = "en" if low.startswith("en") else "zh"
        self.html_lang = "en" if self.lang == "en" else "zh-Hans" if self.hans else "zh-Hant"
        self._cache: dict[str, str] = {}

    def __call__(self, zh: str, en: str) -> str:
        if self.lang == "en":
            return en
        if not self.hans:
            return zh
        if zh not in self._cache:
            from obligations.script import to_hans

            self._cache[zh] = to_hans(zh)
        return self._cache[zh]

    def status(self, status: Status) -> str:
        return self(STATUS_STYLE[status].zh, STATUS_STYLE[status].en)

    def days(self, value: float) -> str:
        return self(f"{value:.1f} 天", f"{value:.1f} days")

    def grade(self, code: str, rules: GradeRules) -> str:
        return self(grade_label(code, "zh", rules), grade_label(code, "en", rules))

    @property
    def fonts(self) -> str:
        cjk = _FONTS_HANS if self.hans else _FONTS_HANT
        if self.lang == "en":
            return f"{_FONTS_LATIN}, {cjk}, sans-serif"
        return f"{cjk}, {_FONTS_LATIN}, sans-serif"


# ---- small pieces -------------------------------------------------------------------------------


def _tr(cells: Iterable[str], attrs: str = "") -> str:
    return f"<tr{attrs}>{''.join(cells)}</tr>"


def _td(text: str, cls: str = "") -> str:
    """A cell of already escaped HTML."""
    return f'<td class="{cls}">{text}</td>' if cls else f"<td>{text}</td>"


def _table(head: Sequence[str], rows: Iterable[str], cls: str = "", caption: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    cap = f"<caption>{caption}</caption>" if caption else ""
    heads = "".join(f'<th scope="col">{h}</th>' for h in head)
    body = "".join(rows)
    table = f"<table{attr}>{cap}<thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table}</div>'


def _section(anchor: str, title: str, body: Iterable[str]) -> str:
    return "\n".join([f'<section id="{anchor}">', f"<h2>{title}</h2>", *body, "</section>"])


def _none(t: _Text) -> str:
    return f'<p class="none">{t("無", "none")}</p>'


def _badge(status: Status, t: _Text) -> str:
    symbol = STATUS_STYLE[status].symbol
    return f'<span class="st {status.value}" aria-hidden="true">{symbol}</span>{t.status(status)}'


def _link(url: str | None, t: _Text) -> str:
    if not url:
        return ""
    if is_http_url(url):
        return f'<a href="{_e(url)}" rel="noopener noreferrer" target="_blank">{_e(url)}</a>'
    note = t("不是網頁地址，未設為鏈接", "not a web address: not linked")
    return f'<span class="url-text" title="{note}">{_e(url)}</span>'


def _stamp(value: dt.datetime, date_only: bool = False) -> str:
    if date_only:
        return value.strftime("%Y-%m-%d")
    offset = value.strftime("%z")
    zone = f" {offset[:3]}:{offset[3:]}" if offset else ""
    return value.strftime("%Y-%m-%d %H:%M") + zone


def _due_of(f: Finding) -> dt.datetime | None:
    if f.due is not None:
        return f.due
    return f.occurrence.due if f.occurrence is not None else None


def _due_text(f: Finding, t: _Text) -> str:
    """The due day, marked when it was computed from holiday data estimated by rule (--estimate)."""
    text = _day(_due_day(f), t)
    if f.estimated:
        text += t(estimated_suffix("zh"), estimated_suffix("en"))
    return text


def _due_day(f: Finding) -> dt.date | None:
    if f.occurrence is not None:
        return f.occurrence.due_date
    due = _due_of(f)
    return due.date() if due is not None else None


_WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
_WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day(day: dt.date | None, t: _Text) -> str:
    if day is None:
        return ""
    return f"{day.isoformat()} {t(_WEEKDAYS_ZH[day.weekday()], _WEEKDAYS_EN[day.weekday()])}"


def _subject(f: Finding) -> str:
    if f.occurrence is None:
        return ""
    ob = f.occurrence.obligation
    return f"{ob.action} {ob.subject}"


def _source_order(r: EvidenceRecord) -> tuple[str, int]:
    if r.source is None:
        return ("", 0)
    return (r.source.file, r.source.row or 0)


def _publication(r: EvidenceRecord, t: _Text) -> str:
    """One evidence record in a cell: time, title, link."""
    parts = [_e(_stamp(r.published_at, r.date_only))]
    if r.title:
        parts.append(_e(r.title))
    if r.url:
        parts.append(_link(r.url, t))
    return " ".join(parts)


def _by_due(findings: Iterable[Finding]) -> list[Finding]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(findings, key=lambda f: (_due_of(f) or far, f.obligation, f.agency))


# ---- the parts ----------------------------------------------------------------------------------


def _summary(result: CheckResult, comp: Compliance, t: _Text, rules: GradeRules) -> str:
    total = comp.total
    rate = "–" if total.on_time_pct is None else f"{total.on_time_pct:.1f}%"
    grade = _e(t.grade(total.grade, rules))
    headline = (
        f'<p class="headline">{t("總評", "Overall")}: '
        f'<span class="grade {total.grade}" data-grade="{total.grade}">{grade}</span>'
        f" · {t('得分', 'score')} <b>{total.score}</b>"
        f" · {t('單項否決', 'vetoes')} <b>{len(total.vetoes)}</b>"
        f" · {t('按時率', 'on time')} <b>{rate}</b></p>"
    )
    rejected = len(result.rejected)
    rows = [
        ("rows_read", t("讀入行數", "rows read"), result.rows_read),
        ("matched", t("已匹配", "matched"), result.matched),
        ("unmatched", t("未匹配", "unmatched"), result.unmatched),
        ("rejected", t("被拒絕", "rejected"), rejected),
    ]
    row_html = [
        _tr([f'<th scope="row">{label}</th>', _td(str(n), "n")], f' data-key="{key}"')
        for key, label, n in rows
    ]
    sum_line = (
        f'<p class="meta">{t("已匹配", "matched")} {result.matched}'
        f" + {t('未匹配', 'unmatched')} {result.unmatched}"
        f" + {t('被拒絕', 'rejected')} {rejected}"
        f" = {t('讀入', 'read')} {result.rows_read}</p>"
    )
    counts = result.counts()
    order = [*SEVERITY, *(s for s in Status if s not in SEVERITY)]
    status_html = [
        _tr(
            [f'<th scope="row">{_badge(s, t)}</th>', _td(str(counts[s.value]), "n")],
            f' data-status="{s.value}"',
        )
        for s in order
    ]
    return _section(
        "summary",
        t("概要", "Summary"),
        [
            headline,
            f'<div class="scroll"><table class="rows"><caption>{t("證據行", "Evidence rows")}</caption>'
            f"<tbody>{''.join(row_html)}</tbody></table></div>",
            sum_line,
            f'<div class="scroll"><table class="statuses"><caption>{t("各狀態數量", "Findings by status")}'
            f"</caption><tbody>{''.join(status_html)}</tbody></table></div>",
        ],
    )


def _weeks(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the ISO weeks from ``first``'s to ``last``'s."""
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _week_name(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d} ({monday.isoformat()} – {(monday + dt.timedelta(days=6)).isoformat()})"


def _legend(t: _Text) -> str:
    items = [f'<li data-status="{s.value}">{_badge(s, t)}</li>' for s in SEVERITY]
    items.append(
        f'<li><span class="st" aria-hidden="true">&nbsp;</span>{t("當周無到期", "nothing due")}</li>'
    )
    return f'<ul class="legend">{"".join(items)}</ul>'


def _heat_cell(name: str, monday: dt.date, found: Sequence[Finding], t: _Text) -> str:
    week = _week_name(monday)
    if not found:
        return f'<td class="st" title="{_e(f"{name} · {week}")}"></td>'
    worst = min((f.status for f in found), key=SEVERITY.index)
    count = Counter(f.status for f in found)
    parts = "、".join(f"{t.status(s)} {count[s]}" for s in SEVERITY if count[s])
    ids = list(dict.fromkeys(f.obligation for f in found))
    id_text = ", ".join(ids[:8]) + (" …" if len(ids) > 8 else "")
    tip = f"{name} · {week} · {parts} · {id_text}"
    return (
        f'<td class="st {worst.value}" data-status="{worst.value}" title="{_e(tip)}">'
        f"{STATUS_STYLE[worst].symbol}</td>"
    )


def _heatmap(result: CheckResult, comp: Compliance, t: _Text) -> str:
    note = t(
        "每格為該單位當周到期事項中最差的狀態，懸停可見明細。",
        "Each cell: the worst status among the agency’s occurrences due that week (hover for details).",
    )
    body = [
        f'<p class="meta">{note}</p>',
        _legend(t),
    ]
    cells: dict[tuple[str, dt.date], list[Finding]] = {}
    days: list[dt.date] = []
    last = result.as_of.date()
    beyond = last + dt.timedelta(days=7 - last.weekday())  # the Monday after the as-of week
    for f in result.findings:
        day = _due_day(f)
        if f.occurrence is None or f.status not in SEVERITY or day is None or day >= beyond:
            continue  # occurrences due after the checked range are pending and not drawn
        days.append(day)
        cells.setdefault((f.agency, day - dt.timedelta(days=day.weekday())), []).append(f)
    owing = {agency for agency, _ in cells}
    agencies = [r.agency for r in comp.agencies if r.agency in owing]
    if not agencies:
        return _section("heatmap", t("到期日曆（按周）", "Calendar (by ISO week)"), [*body, _none(t)])
    weeks = _weeks(min([result.start, *days]), last)
    head = [t("單位", "agency")]
    for monday in weeks:
        week = monday.isocalendar()[1]
        head.append(
            f'<span title="{_e(_week_name(monday))}">W{week:02d}<br><small>{monday:%m-%d}</small></span>'
        )
    rows = []
    for agency in agencies:
        name = agency or t(*NO_AGENCY_LABEL)
        tds = [f'<th scope="row">{_e(name)}</th>']
        tds += [_heat_cell(name, monday, cells.get((agency, monday), []), t) for monday in weeks]
        rows.append(_tr(tds))
    body.append(_table(head, rows, cls="heat"))
    return _section("heatmap", t("到期日曆（按周）", "Calendar (by ISO week)"), body)


def _overdue(result: CheckResult, t: _Text) -> str:
    title = t("逾期清單（未公開與逾期公開）", "Overdue (missing and late)")
    late = _by_due(f for f in result.findings if f.status in (Status.MISSING, Status.LATE))
    if not late:
        return _section("overdue", title, [_none(t)])
    head = [
        t("狀態", "status"),
        t("編號", "id"),
        t("事項", "subject"),
        t("單位", "agency"),
        t("到期", "due"),
        t("逾期", "lateness"),
        t("證據", "evidence"),
    ]
    rows = []
    for f in late:
        if f.status is Status.LATE:
            d = lateness_days(f)
            how = t.days(d) if d is not None else ""
        else:
            d = overdue_days(f, result.as_of)
            how = (
                t(f"已逾期 {d:.1f} 天，未公開", f"{d:.1f} days overdue, unpublished") if d is not None else ""
            )
        cells = [
            _td(_badge(f.status, t), "nw"),
            _td(_e(f.obligation), "nw"),
            _td(_e(_subject(f))),
            _td(_e(f.agency), "nw"),
            _td(_e(_due_text(f, t)), "nw"),
            _td(_e(how), "n"),
            _td("<br>".join(_publication(r, t) for r in f.evidence)),
        ]
        rows.append(_tr(cells, f' data-status="{f.status.value}"'))
    return _section("overdue", title, [_table(head, rows, cls="overdue")])


def _agencies(comp: Compliance, t: _Text, rules: GradeRules) -> str:
    head = [t(zh, en) for _, zh, en in COLUMNS]
    rows = []
    for r in comp.rows:
        name = t(*TOTAL_LABEL) if r.total else r.agency or t(*NO_AGENCY_LABEL)
        cells = [f'<th scope="row">{_e(name)}</th>']
        cells += [_td(_e(c or "–"), "n") for c in row_cells(r, t.lang, rules)[1:-1]]
        cells.append(
            _td(f'<span class="grade {r.grade}" data-grade="{r.grade}">{_e(t.grade(r.grade, rules))}</span>')
        )
        rows.append(_tr(cells, ' class="total"' if r.total else f' data-agency="{_e(r.agency)}"'))
    body = [_table(head, rows, cls="compliance"), f"<h3>{t('單項否決', 'Vetoes')}</h3>"]
    if comp.total.vetoes:
        names = {v.code: t(v.zh, v.en) for v in rules.vetoes}
        veto_rows = [
            _tr(
                [
                    _td(_e(names.get(h.rule, h.rule))),
                    _td(_e(h.obligation), "nw"),
                    _td(_e(h.agency), "nw"),
                    _td(_e(_stamp(h.due)), "nw"),
                    _td(_e(t.days(h.days_overdue)), "n"),
                ]
            )
            for h in comp.total.vetoes
        ]
        head_v = [
            t("規則", "rule"),
            t("編號", "id"),
            t("單位", "agency"),
            t("到期", "due"),
            t("逾期", "overdue"),
        ]
        body.append(_table(head_v, veto_rows, cls="vetoes"))
    else:
        body.append(_none(t))
    body.append(_rules(t, rules))
    return _section("agencies", t("各單位公開情況", "Compliance by agency"), body)


def _rules(t: _Text, rules: GradeRules) -> str:
    items = [f"<li>{t('單項否決', 'Veto')}: {_e(t(v.zh, v.en))}</li>" for v in rules.vetoes]
    items += [
        f"<li>{t('扣分', 'Deduction')}: {_e(t(d.zh, d.en))}, "
        + t(f"每項 {d.points} 分，最多 {d.cap} 分", f"{d.points} each, at most {d.cap}")
        + "</li>"
        for d in rules.deductions
    ]
    items += [
        f"<li>{_e(t(tier.zh, tier.en))}: "
        + t(
            f"得分 ≥ {tier.min_score} 且按時率 ≥ {tier.min_on_time_pct}%",
            f"score ≥ {tier.min_score} and on time ≥ {tier.min_on_time_pct}%",
        )
        + "</li>"
        for tier in rules.tiers
    ]
    fail = t("有單項否決，或未達以上等級", "any veto, or neither tier reached")
    unrated = t("無到期事項", "nothing fell due")
    items.append(f"<li>{t.grade('fail', rules)}: {fail}; {t.grade('unrated', rules)}: {unrated}</li>")
    summary = t(f"評分規則（滿分 {rules.full_score}）", f"How the grade is given (out of {rules.full_score})")
    return f"<details><summary>{summary}</summary><ul>{''.join(items)}</ul></details>"


def _evidence(result: CheckResult, t: _Text) -> str:
    title = t("未計入的證據（未匹配、非責任單位、重複）", "Evidence not set against a duty")
    shown = (Status.UNMATCHED, Status.WRONG_AGENCY, Status.DUPLICATE)
    records = sorted(
        ((f, r) for f in result.findings if f.status in shown for r in f.evidence),
        key=lambda fr: _source_order(fr[1]),
    )
    rows = []
    for f, r in records:
        file, row = _source_order(r)
        cells = [
            _td(_e(file), "nw"),
            _td(str(row) if row else "", "n"),
            _td(_badge(f.status, t), "nw"),
            _td(_e(r.agency), "nw"),
            _td(_e(r.obligation or r.subject or "")),
            _td(_e(_stamp(r.published_at, r.date_only)), "nw"),
            _td(_e(r.title or "")),
            _td(_link(r.url, t)),
        ]
        rows.append(_tr(cells, f' data-status="{f.status.value}"'))
    if not rows:
        return _section("evidence", title, [_none(t)])
    head = [
        t("文件", "file"),
        t("行", "row"),
        t("狀態", "status"),
        t("單位", "agency"),
        t("編號／事項", "id / subject"),
        t("發布時間", "published"),
        t("標題", "title"),
        t("鏈接", "link"),
    ]
    return _section("evidence", title, [_table(head, rows, cls="evidence")])


def _rejected(rejected: Sequence[Rejected], t: _Text) -> str:
    title = t("被拒絕的行", "Rejected rows")
    if not rejected:
        return _section("rejected", title, [_none(t)])
    rows = [
        _tr(
            [_td(_e(r.file), "nw"), _td(str(r.row), "n"), _td(_e(r.code), "nw"), _td(_e(r.message(t.lang)))],
            f' data-code="{_e(r.code)}"',
        )
        for r in sorted(rejected, key=lambda r: (r.file, r.row))
    ]
    head = [t("文件", "file"), t("行", "row"), t("代碼", "code"), t("原因", "reason")]
    return _section("rejected", title, [_table(head, rows, cls="rejected")])


def _published(result: CheckResult, t: _Text) -> str:
    title = t("按時公開的記錄", "Published on time")
    met = _by_due(f for f in result.findings if f.status is Status.ON_TIME)
    if not met:
        return _section("published", title, [_none(t)])
    rows = [
        _tr(
            [
                _td(_e(f.obligation), "nw"),
                _td(_e(_subject(f))),
                _td(_e(f.agency), "nw"),
                _td(_e(_due_text(f, t)), "nw"),
                _td("<br>".join(_publication(r, t) for r in f.evidence)),
            ]
        )
        for f in met
    ]
    head = [
        t("編號", "id"),
        t("事項", "subject"),
        t("單位", "agency"),
        t("到期", "due"),
        t("證據", "evidence"),
    ]
    fold = t(f"展開 {len(met)} 條按時公開的記錄及鏈接", f"Show the {len(met)} on-time publications and links")
    return _section(
        "published",
        title,
        [f"<details><summary>{fold}</summary>{_table(head, rows, cls='published')}</details>"],
    )


def render_html(
    result: CheckResult,
    spec_title: str,
    lang: str,
    *,
    rules: GradeRules = RULES,
    agency: Callable[[str], bool] | None = None,
) -> str:
    """The whole report as one HTML document (write it encoded as UTF-8).

    ``lang``: ``zh-Hant`` (also ``zh``), ``zh-Hans`` (interface words converted; spec and evidence
    text stay as written) or ``en``. ``rules``: the grading rules (``compliance.RULES``).
    ``agency``: the per-agency rows to keep, as ``compliance(…, agency=…)``.
    """
    t = _Text(lang)
    if not isinstance(result.findings, tuple):  # built once here, not once for each section
        result = attrs.evolve(result, findings=tuple(result.findings))
    comp = compliance(result, rules, agency=agency)
    title = spec_title or t("政務公開", "Disclosure duties")
    heading = t(f"{title}：公開情況檢查報告", f"{title}: disclosure check report")
    checked = t(
        f"檢查範圍：{result.start.isoformat()} 起，截至 {_stamp(result.as_of)}",
        f"Checked from {result.start.isoformat()} to {_stamp(result.as_of)}",
    )
    sections = (
        ("summary", t("概要", "Summary")),
        ("heatmap", t("日曆", "Calendar")),
        ("overdue", t("逾期清單", "Overdue")),
        ("agencies", t("各單位", "Agencies")),
        ("evidence", t("未計入的證據", "Other evidence")),
        ("rejected", t("被拒絕的行", "Rejected rows")),
        ("published", t("按時公開", "On time")),
    )
    nav = "".join(f'<a href="#{anchor}">{label}</a>' for anchor, label in sections)
    footer = t(
        "由 obligations 生成。評分規則見 docs/reports.md。",
        "Made by obligations. The grading rules are in docs/reports.md.",
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{t.html_lang}">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{_e(CSP)}">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="generator" content="obligations">',
            f"<title>{_e(heading)}</title>",
            f"<style>{_CSS.replace('FONTS', t.fonts)}</style>",
            "</head>",
            "<body>",
            f'<header><h1>{_e(heading)}</h1><p class="meta">{_e(checked)}</p><nav>{nav}</nav></header>',
            "<main>",
            _summary(result, comp, t, rules),
            _heatmap(result, comp, t),
            _overdue(result, t),
            _agencies(comp, t, rules),
            _evidence(result, t),
            _rejected(result.rejected, t),
            _published(result, t),
            "</main>",
            f"<footer>{footer}</footer>",
            "</body>",
            "</html>",
            "",
        ]
    )
