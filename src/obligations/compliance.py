"""Compliance: per-agency numbers and an evaluator-style grade, from a ``CheckResult``.

The numbers an office is asked for when an evaluator comes (how many duties fell due, how many
were met on time, late or not at all, by how much they were late) and a grade in the manner of
the national government-website inspection (國辦秘函〔2019〕19號): some faults are a veto
(單項否決) whatever else is right, the others deduct points from 100, and the score with the
on-time rate places the agency in a tier (合格 / 基本合格 / 不合格).

The grading is data, not code: :data:`RULES` holds every veto, deduction and tier, and
``docs/reports.md`` shows the table (``rules_markdown`` renders it; a test keeps the two equal).
Counting only: nothing here matches evidence, it reads the findings the checking stage made.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs

from obligations.findings import CheckResult, Finding, Status
from obligations.model import Event
from obligations.walltime import elapsed

if TYPE_CHECKING:
    import pendulum

__all__ = [
    "DECIDED",
    "RULES",
    "AgencyCompliance",
    "Charge",
    "Compliance",
    "Deduction",
    "GradeRules",
    "Tier",
    "Veto",
    "VetoHit",
    "compliance",
    "compliance_csv",
    "compliance_json",
    "compliance_table",
    "grade_label",
    "is_on_request",
    "lateness_days",
    "overdue_days",
    "rules_markdown",
]

#: Occurrence statuses that are decided. ``due`` counts the occurrences with one of these whose due
#: instant has passed at the as-of instant; every occurrence due later is ``pending``, whatever its
#: status (met early, or a real-time day still running): not yet due, it is neither a success nor a
#: failure, and an agency does not raise its rate by publishing next month's item early.
DECIDED = (
    Status.ON_TIME,
    Status.LATE,
    Status.MISSING,
    Status.SHORT,
    Status.GAP,
)

DutyKind = Literal["proactive", "on_request", "any"]
GradeCode = Literal["pass", "basic", "fail", "unrated"]

_DAY_US = 86_400_000_000  # microseconds in a day


# ---- the rules (data) -----------------------------------------------------------------------------


@attrs.frozen
class Veto:
    """单项否决: one occurrence with ``status``, of a duty of kind ``duty``, whose due instant lies
    more than ``older_than_days`` days before ``as_of``, makes the grade 不合格 by itself."""

    code: str
    status: Status
    duty: DutyKind
    older_than_days: int
    zh: str
    en: str
    basis: str  # the E01 indicator it follows


@attrs.frozen
class Deduction:
    """扣分: ``points`` for each finding with ``status``, at most ``cap`` in all."""

    code: str
    status: Status
    points: int
    cap: int
    zh: str
    en: str


@attrs.frozen
class Tier:
    """A grade reached with a score of at least ``min_score`` and an on-time rate of at least
    ``min_on_time_pct`` percent, the rate as printed (to one decimal, halves up: 79.95 % is 80.0 %).
    A row with nothing due is not rated (``unrated``)."""

    code: GradeCode
    zh: str
    en: str
    min_score: int
    min_on_time_pct: int


@attrs.frozen
class GradeRules:
    vetoes: tuple[Veto, ...]
    deductions: tuple[Deduction, ...]
    tiers: tuple[Tier, ...]  # best first: the first one whose thresholds are met
    full_score: int = 100


RULES = GradeRules(
    vetoes=(
        Veto(
            "missing_2w",
            Status.MISSING,
            "proactive",
            14,
            "主動公開事項逾期超過 14 天仍未公開",
            "a proactive (主動公開) duty still unpublished more than 14 days after it fell due",
            "首頁不更新／欄目不更新：監測 2 周無更新，即單項否決",
        ),
        Veto(
            "reply_3m",
            Status.MISSING,
            "on_request",
            90,
            "依申請公開答復逾期超過 90 天仍未答復",
            "an on-request (依申請公開) reply still not given more than 90 days after it fell due",
            "互動回應差：超過 3 個月未回應留言，即單項否決",
        ),
    ),
    deductions=(
        Deduction("missing", Status.MISSING, 5, 40, "未公開", "missing"),
        Deduction("late", Status.LATE, 2, 20, "逾期公開", "late"),
        Deduction("short", Status.SHORT, 3, 15, "次數不足", "short"),
        Deduction("gap", Status.GAP, 2, 10, "更新間斷", "gap"),
        Deduction("wrong_agency", Status.WRONG_AGENCY, 1, 5, "非責任單位發布", "wrong agency"),
    ),
    tiers=(
        Tier("pass", "合格", "pass", 80, 80),
        Tier("basic", "基本合格", "basic pass", 60, 60),
    ),
)

_FAIL = ("不合格", "fail")
_UNRATED = ("未評", "not rated")


def grade_label(code: str, lang: str, rules: GradeRules = RULES) -> str:
    """The name of a grade code in ``lang`` (zh or en)."""
    en = lang == "en"
    for tier in rules.tiers:
        if tier.code == code:
            return tier.en if en else tier.zh
    labels = _FAIL if code == "fail" else _UNRATED
    return labels[1] if en else labels[0]


# ---- the rows -------------------------------------------------------------------------------------


@attrs.frozen
class VetoHit:
    """One occurrence that set off a veto rule."""

    rule: str  # Veto.code
    obligation: str
    agency: str
    due: pendulum.DateTime
    days_overdue: float  # as_of − due, in days, 1 decimal


@attrs.frozen
class Charge:
    """A deduction applied: ``count`` findings, ``points`` taken off (after the cap)."""

    rule: str  # Deduction.code
    count: int
    points: int


@attrs.frozen
class AgencyCompliance:
    """One row of the compliance table: an agency, or the total (``total=True``, agency "")."""

    agency: str
    total: bool
    due: int  # decided occurrences: on_time + late + missing + short + gaps
    on_time: int
    late: int
    missing: int
    short: int
    gaps: int
    pending: int  # not yet due and not yet published: not in ``due``
    wrong_agency: int  # evidence rows from an agency that does not owe the duty
    duplicates: int  # further publications of an occurrence already met
    on_time_pct: float | None  # 100 × on_time / due, 1 decimal (half up); None when due == 0
    mean_late_days: float | None  # mean of the LATE ones, in days, 1 decimal; None if none
    score: int
    grade: GradeCode
    vetoes: tuple[VetoHit, ...] = ()
    deductions: tuple[Charge, ...] = ()


@attrs.frozen
class Compliance:
    agencies: tuple[AgencyCompliance, ...]  # sorted by agency name
    total: AgencyCompliance
    unmatched: int  # evidence rows naming no known obligation (no agency row counts them)
    rejected: int
    start: dt.date
    as_of: pendulum.DateTime

    @property
    def rows(self) -> tuple[AgencyCompliance, ...]:
        """The agencies then the total: what the renderers take."""
        return (*self.agencies, self.total)


def is_on_request(finding: Finding) -> bool:
    """An on-request duty (依申請公開): an event obligation with an extension clause (可延長)."""
    occ = finding.occurrence
    if occ is None:
        return False
    ob = occ.obligation
    return occ.rule == "on-request" or (ob.extension is not None and isinstance(ob.schedule, Event))


def _due_of(finding: Finding) -> pendulum.DateTime | None:
    if finding.due is not None:
        return finding.due
    return finding.occurrence.due if finding.occurrence is not None else None


def _lateness_us(finding: Finding) -> int | None:
    """The lateness of a LATE finding in microseconds: its own, else first publication − due."""
    lateness = finding.lateness
    if lateness is None:
        due = _due_of(finding)
        if due is None or not finding.evidence:
            return None
        lateness = elapsed(due, min(r.published_at for r in finding.evidence))
    return _us(lateness)


def _us(delta: dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def lateness_days(finding: Finding) -> float | None:
    """How late a LATE finding was, in days to one decimal (halves up); None if unknown."""
    us = _lateness_us(finding)
    return None if us is None else _round1(max(us, 0), _DAY_US)


def overdue_days(finding: Finding, as_of: dt.datetime) -> float | None:
    """How long past due an occurrence is at ``as_of``, in days to one decimal; None if not due."""
    due = _due_of(finding)
    if due is None or as_of <= due:
        return None
    return _round1(_us(elapsed(due, as_of)), _DAY_US)


def _round1(num: int, den: int) -> float:
    """num / den to one decimal, halves rounded up (for num, den ≥ 0), computed exactly."""
    tenths = (20 * num + den) // (2 * den)
    return tenths / 10


def _veto_order(hit: VetoHit) -> tuple[Any, ...]:
    """Vetoes are listed by due, then obligation, agency and rule (a row's, and the total's)."""
    return (hit.due, hit.obligation, hit.agency, hit.rule)


def _vetoes(findings: Iterable[Finding], as_of: pendulum.DateTime, rules: GradeRules) -> list[VetoHit]:
    hits: list[VetoHit] = []
    for f in findings:
        due = _due_of(f)
        if due is None:
            continue
        if not any(f.status is rule.status for rule in rules.vetoes):
            continue
        kind: DutyKind = "on_request" if is_on_request(f) else "proactive"
        overdue = elapsed(due, as_of)
        for rule in rules.vetoes:
            if f.status is not rule.status or rule.duty not in (kind, "any"):
                continue
            if overdue > dt.timedelta(days=rule.older_than_days):
                hits.append(VetoHit(rule.code, f.obligation, f.agency, due, _round1(_us(overdue), _DAY_US)))
    hits.sort(key=_veto_order)
    return hits


def _row(
    agency: str,
    total: bool,
    findings: Sequence[Finding],
    as_of: pendulum.DateTime,
    rules: GradeRules,
    vetoes: Sequence[VetoHit] | None = None,
) -> AgencyCompliance:
    """One row; ``vetoes``: those of ``findings`` when known already (the total's are its rows')."""
    count = {s: 0 for s in Status}
    for f in findings:
        due_at = _due_of(f) if f.occurrence is not None else None
        count[Status.PENDING if due_at is not None and due_at > as_of else f.status] += 1
    due = sum(count[s] for s in DECIDED)
    on_time = count[Status.ON_TIME]
    lateness = [
        max(us, 0) for f in findings if f.status is Status.LATE and (us := _lateness_us(f)) is not None
    ]
    charges = tuple(
        Charge(d.code, count[d.status], min(count[d.status] * d.points, d.cap))
        for d in rules.deductions
        if count[d.status]
    )
    score = max(0, rules.full_score - sum(c.points for c in charges))
    vetoes = tuple(_vetoes(findings, as_of, rules) if vetoes is None else vetoes)
    grade: GradeCode = "fail"  # a veto, or no tier reached
    if due == 0 and not vetoes:
        grade = "unrated"
    elif not vetoes:
        for tier in rules.tiers:
            # the rate as printed (one decimal, halves up): a grade must follow from the numbers shown
            if score >= tier.min_score and _round1(on_time * 100, due) >= tier.min_on_time_pct:
                grade = tier.code
                break
    return AgencyCompliance(
        agency=agency,
        total=total,
        due=due,
        on_time=on_time,
        late=count[Status.LATE],
        missing=count[Status.MISSING],
        short=count[Status.SHORT],
        gaps=count[Status.GAP],
        pending=count[Status.PENDING],
        wrong_agency=count[Status.WRONG_AGENCY],
        duplicates=count[Status.DUPLICATE],
        on_time_pct=_round1(on_time * 100, due) if due else None,
        mean_late_days=_round1(sum(lateness), len(lateness) * _DAY_US) if lateness else None,
        score=score,
        grade=grade,
        vetoes=vetoes,
        deductions=charges,
    )


def compliance(
    result: CheckResult, rules: GradeRules = RULES, *, agency: Callable[[str], bool] | None = None
) -> Compliance:
    """Per-agency rows (sorted by agency name) and the total, graded by ``rules``.

    A finding counts for the agency it names (``Finding.agency``; a joint duty's agencies,
    joined by 、, are one row). Unmatched evidence names no duty and counts in no row.
    ``agency``: which rows to keep (``report --agency``), the total being theirs: the findings of
    a check for one agency include other agencies' rows published for its duties (wrong agency),
    which are those agencies' faults, not its own.
    """
    by_agency: dict[str, list[Finding]] = {}
    for f in result.findings:
        if f.status is not Status.UNMATCHED and (agency is None or agency(f.agency)):
            by_agency.setdefault(f.agency, []).append(f)
    counted = [f for fs in by_agency.values() for f in fs]
    rows = tuple(_row(a, False, by_agency[a], result.as_of, rules) for a in sorted(by_agency))
    every = sorted((h for r in rows for h in r.vetoes), key=_veto_order)
    return Compliance(
        agencies=rows,
        total=_row("", True, counted, result.as_of, rules, every),
        unmatched=result.unmatched,
        rejected=len(result.rejected),
        start=result.start,
        as_of=result.as_of,
    )


# ---- rendering ------------------------------------------------------------------------------------

#: (key, zh header, en header) of every column, in order. The key is the JSON key and the
#: English CSV header; the text table and the HTML page show the zh or en header.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("agency", "單位", "agency"),
    ("due", "應公開", "due"),
    ("on_time", "按時", "on time"),
    ("late", "逾期", "late"),
    ("missing", "未公開", "missing"),
    ("short", "次數不足", "short"),
    ("gaps", "間斷", "gaps"),
    ("on_time_pct", "按時率%", "on time %"),
    ("mean_late_days", "平均逾期天數", "mean days late"),
    ("wrong_agency", "非責任單位", "wrong agency"),
    ("duplicates", "重複", "duplicates"),
    ("pending", "未到期", "pending"),
    ("score", "得分", "score"),
    ("vetoes", "否決", "vetoes"),
    ("grade", "等級", "grade"),
)

TOTAL_LABEL = ("合計", "total")
NO_AGENCY_LABEL = ("（未指明單位）", "(no agency)")


def headers(lang: str, keys: bool = False) -> list[str]:
    """Column headers: Chinese, English words, or (``keys``, for an English CSV) the JSON keys."""
    if lang == "en":
        return [key if keys else en for key, _, en in COLUMNS]
    return [zh for _, zh, _ in COLUMNS]


def agency_label(row: AgencyCompliance, lang: str) -> str:
    i = 1 if lang == "en" else 0
    if row.total:
        return TOTAL_LABEL[i]
    return row.agency or NO_AGENCY_LABEL[i]


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def row_cells(row: AgencyCompliance, lang: str, rules: GradeRules = RULES) -> list[str]:
    """The cells of one row as text, in ``COLUMNS`` order (empty for a rate with nothing due)."""
    return [
        agency_label(row, lang),
        str(row.due),
        str(row.on_time),
        str(row.late),
        str(row.missing),
        str(row.short),
        str(row.gaps),
        _number(row.on_time_pct),
        _number(row.mean_late_days),
        str(row.wrong_agency),
        str(row.duplicates),
        str(row.pending),
        str(row.score),
        str(len(row.vetoes)),
        grade_label(row.grade, lang, rules),
    ]


def compliance_table(rows: Sequence[AgencyCompliance], lang: str) -> str:
    """A text table (tabulate ``simple``, CJK-width aware); numbers right-aligned, "–" for none."""
    from tabulate import tabulate

    body = [[c or "–" for c in row_cells(r, lang)] for r in rows]
    align = ("left", *("right",) * (len(COLUMNS) - 2), "left")
    return (
        tabulate(body, headers=headers(lang), tablefmt="simple", disable_numparse=True, colalign=align) + "\n"
    )


def compliance_csv(rows: Sequence[AgencyCompliance], lang: str, bom: bool = True) -> str:
    """CSV for Excel / WPS: CRLF line ends, Chinese headers for zh (the JSON keys for en); with
    ``bom`` a UTF-8 BOM first (Excel reads UTF-8 only with one). Write it encoded as UTF-8.
    An empty cell where there is no rate; an agency name starting with = + - @ gets a leading '."""
    from obligations.report import to_csv

    return to_csv(headers(lang, keys=True), [row_cells(r, lang) for r in rows], bom=bom)


def _veto_json(hit: VetoHit) -> dict[str, Any]:
    return {
        "rule": hit.rule,
        "obligation": hit.obligation,
        "agency": hit.agency,
        "due": hit.due.isoformat(),
        "days_overdue": hit.days_overdue,
    }


def row_json(row: AgencyCompliance, lang: str, rules: GradeRules = RULES) -> dict[str, Any]:
    return {
        "agency": row.agency,
        "total": row.total,
        "due": row.due,
        "on_time": row.on_time,
        "late": row.late,
        "missing": row.missing,
        "short": row.short,
        "gaps": row.gaps,
        "pending": row.pending,
        "wrong_agency": row.wrong_agency,
        "duplicates": row.duplicates,
        "on_time_pct": row.on_time_pct,
        "mean_late_days": row.mean_late_days,
        "score": row.score,
        "grade": row.grade,
        "grade_label": grade_label(row.grade, lang, rules),
        "vetoes": [_veto_json(h) for h in row.vetoes],
        "deductions": [{"rule": c.rule, "count": c.count, "points": c.points} for c in row.deductions],
    }


def compliance_json(rows: Sequence[AgencyCompliance], lang: str) -> str:
    """A JSON array, one object per row; keys are English whatever ``lang`` (it names the grade only)."""
    return json.dumps([row_json(r, lang) for r in rows], ensure_ascii=False, indent=2) + "\n"


def rules_markdown(rules: GradeRules = RULES) -> str:
    """The rules as the Markdown tables of docs/reports.md (a test keeps the doc equal to this)."""
    out = ["| veto | duty | status | when | basis (E01) |", "|---|---|---|---|---|"]
    duty = {"proactive": "主動公開", "on_request": "依申請公開", "any": "any"}
    for v in rules.vetoes:
        out.append(
            f"| `{v.code}` {v.zh} | {duty[v.duty]} | {v.status.value} | "
            f"due more than {v.older_than_days} days before as-of | {v.basis} |"
        )
    out += ["", "| deduction | status | points each | at most |", "|---|---|---|---|"]
    for d in rules.deductions:
        out.append(f"| `{d.code}` {d.zh} | {d.status.value} | {d.points} | {d.cap} |")
    out += ["", "| tier | score at least | on-time % at least |", "|---|---|---|"]
    for t in rules.tiers:
        out.append(f"| `{t.code}` {t.zh} ({t.en}) | {t.min_score} | {t.min_on_time_pct} |")
    out += [
        "",
        f"- `fail` {_FAIL[0]} ({_FAIL[1]}): any veto, or neither tier reached.",
        f"- `unrated` {_UNRATED[0]} ({_UNRATED[1]}): nothing fell due (due = 0); the score is still shown.",
    ]
    return "\n".join(out) + "\n"
