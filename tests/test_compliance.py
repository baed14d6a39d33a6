"""Per-agency compliance and the evaluator-style grade (obligations.compliance, docs/reports.md).

The CheckResult is built by hand: obligations from a tiny spec compiled with ``compile_text``,
occurrences and evidence records constructed directly, findings written out one by one, so that
every number below can be checked with a pencil. ``sample_result`` is shared with the HTML tests.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import attrs
import pendulum
import pytest

from obligations.compiler import compile_text
from obligations.compliance import (
    RULES,
    AgencyCompliance,
    Charge,
    GradeRules,
    Tier,
    VetoHit,
    compliance,
    compliance_csv,
    compliance_json,
    compliance_table,
    lateness_days,
    overdue_days,
    rules_markdown,
)
from obligations.evidence import EvidenceRecord, RecordSource, Rejected
from obligations.findings import CheckResult, Finding, Status
from obligations.model import Obligation
from obligations.occurrences import Occurrence

ROOT = Path(__file__).resolve().parents[1]
TZ = "Asia/Shanghai"

SPEC = """\
標題：測試規範
時區：Asia/Shanghai
[M1] 每月 5日前 公布 財政收支月報 by 財政局
[P1] 每月 10日前 公布 價格監測信息 by 物價局
[W1] 每周四 公布 食品安全抽檢信息 by 市場監管局
[Q1] 事件 收到政府信息公開申請 後 20個工作日內 答復 政府信息公開申請 by 辦公室 可延長 20個工作日
[C1] 每季度 至少2次 召開 新聞發布會 by 統計局
[RT1] 實時（間隔不超過1小時） 發布 大氣環境質量 by 環保局
[S1] 長期 公開 政府信息公開指南 by 辦公室
"""


def _obligations() -> dict[str, Obligation]:
    compiled = compile_text(SPEC, "test.obl")
    assert compiled.spec is not None, compiled.diagnostics
    return {ob.id: ob for ob in compiled.spec.obligations}


OB = _obligations()


def at(text: str) -> pendulum.DateTime:
    """``2026-10-05 23:59`` in the spec's zone."""
    value = pendulum.parse(text, tz=TZ)
    assert isinstance(value, pendulum.DateTime)
    return value


def occ(ob_id: str, agency: str, due: str) -> Occurrence:
    when = at(due)
    return Occurrence(OB[ob_id], agency, None, None, None, when, when.date(), False)


def ev(
    agency: str,
    published: str,
    ob_id: str,
    *,
    row: int,
    title: str | None = None,
    url: str | None = None,
    file: str = "證據.csv",
) -> EvidenceRecord:
    return EvidenceRecord(
        agency, at(published), ob_id, None, url, title, None, None, False, RecordSource(file, row)
    )


def met(
    status: Status, ob_id: str, agency: str, due: str, published: str | None = None, **kw: str
) -> Finding:
    """A finding of one occurrence; LATE gets its lateness from the publication."""
    o = occ(ob_id, agency, due)
    evidence = (ev(agency, published, ob_id, row=0, **kw),) if published else ()
    lateness = evidence[0].published_at - o.due if status is Status.LATE and evidence else None
    return Finding(status, ob_id, agency, o, evidence, o.due, lateness)


def row_finding(status: Status, ob_id: str, agency: str, published: str, **kw: str) -> Finding:
    """A finding of an evidence row alone (wrong agency, unmatched)."""
    return Finding(status, ob_id, agency, None, (ev(agency, published, ob_id, row=0, **kw),))


def duplicate(ob_id: str, agency: str, due: str, published: str) -> Finding:
    """A further publication, set against the occurrence already met (as the matcher does)."""
    o = occ(ob_id, agency, due)
    return Finding(Status.DUPLICATE, ob_id, agency, o, (ev(agency, published, ob_id, row=0),), o.due)


def result(
    findings: Sequence[Finding],
    rejected: Sequence[Rejected] = (),
    *,
    start: str = "2026-07-01",
    as_of: str = "2026-10-20 09:00",
) -> CheckResult:
    """The findings with their evidence numbered as rows 2, 3, … of one file, in order; the
    rejected rows as given. Every row is accounted for, as CheckResult demands."""
    numbered, row = [], 2
    for f in findings:
        evidence = []
        for r in f.evidence:
            evidence.append(attrs.evolve(r, source=RecordSource(r.source.file if r.source else "", row)))
            row += 1
        numbered.append(attrs.evolve(f, evidence=tuple(evidence)))
    findings = numbered
    rows = sum(len(f.evidence) for f in findings)
    unmatched = sum(len(f.evidence) for f in findings if f.status is Status.UNMATCHED)
    return CheckResult(
        tuple(findings),
        tuple(rejected),
        rows + len(rejected),
        rows - unmatched,
        unmatched,
        dt.date.fromisoformat(start),
        at(as_of),
    )


def sample_findings() -> list[Finding]:
    s = Status
    return [
        # 財政局: 3 of 4 on time, one 2¼ days late, and a duplicate row → 75.0 %, basic pass.
        met(s.ON_TIME, "M1", "財政局", "2026-07-05 23:59", "2026-07-03 10:00", title="2026年6月財政收支"),
        met(s.ON_TIME, "M1", "財政局", "2026-08-05 23:59", "2026-08-05 09:00"),
        met(s.ON_TIME, "M1", "財政局", "2026-09-05 23:59", "2026-09-04 16:30"),
        met(
            s.LATE,
            "M1",
            "財政局",
            "2026-10-05 23:59",
            "2026-10-08 05:59",
            url="https://czj.example.gov.cn/10",
        ),
        duplicate("M1", "財政局", "2026-09-05 23:59", "2026-09-06 09:00"),
        # 物價局: all on time → 100 %, pass.
        *(
            met(s.ON_TIME, "P1", "物價局", f"2026-{m:02d}-10 23:59", f"2026-{m:02d}-09 15:00")
            for m in (7, 8, 9, 10)
        ),
        # 市場監管局: weekly; one missing for a month (veto), one missing 4 days, one a day late.
        met(s.ON_TIME, "W1", "市場監管局", "2026-09-03 23:59", "2026-09-03 10:00"),
        met(s.ON_TIME, "W1", "市場監管局", "2026-09-10 23:59", "2026-09-10 10:00"),
        met(s.MISSING, "W1", "市場監管局", "2026-09-17 23:59"),
        met(s.ON_TIME, "W1", "市場監管局", "2026-09-24 23:59", "2026-09-24 10:00"),
        met(s.ON_TIME, "W1", "市場監管局", "2026-10-01 23:59", "2026-09-30 10:00"),
        met(s.LATE, "W1", "市場監管局", "2026-10-08 23:59", "2026-10-09 23:59"),
        met(s.MISSING, "W1", "市場監管局", "2026-10-15 23:59"),
        met(s.PENDING, "W1", "市場監管局", "2026-10-22 23:59"),
        # 辦公室: on-request replies; one 101 days overdue (veto), one 4 days overdue (no veto).
        met(s.MISSING, "Q1", "辦公室", "2026-07-10 23:59"),
        met(s.ON_TIME, "Q1", "辦公室", "2026-09-10 23:59", "2026-09-08 11:00"),
        met(s.MISSING, "Q1", "辦公室", "2026-10-15 23:59"),
        # 統計局: a quarter with one press conference of the two required; the next one pending.
        met(s.SHORT, "C1", "統計局", "2026-09-30 23:59", "2026-08-12 09:00"),
        met(s.PENDING, "C1", "統計局", "2026-12-31 23:59"),
        # 環保局: real-time, one day with a gap → 2 of 3, basic pass.
        met(s.ON_TIME, "RT1", "環保局", "2026-10-17 23:59", "2026-10-17 00:10"),
        met(s.GAP, "RT1", "環保局", "2026-10-18 23:59", "2026-10-18 00:10"),
        met(s.ON_TIME, "RT1", "環保局", "2026-10-19 23:59", "2026-10-19 00:10"),
        # 發改委 published W1, which it does not owe: nothing due of its own → not rated.
        row_finding(s.WRONG_AGENCY, "W1", "發改委", "2026-10-02 09:00"),
        # Evidence naming no duty: counted in no agency's row.
        row_finding(s.UNMATCHED, "X9", "統計局", "2026-10-03 09:00", title="統計月報"),
    ]


def sample_result() -> CheckResult:
    rejected = (
        Rejected(
            40, "bad_timestamp", "「發布時間」不是日期：下周", "published_at is not a date: 下周", "證據.csv"
        ),
    )
    return result(sample_findings(), rejected)


# ---- the numbers ----------------------------------------------------------------------------------


def test_reconciles() -> None:
    r = sample_result()
    assert (r.rows_read, r.matched, r.unmatched, len(r.rejected)) == (22, 20, 1, 1)


def test_rows_exact() -> None:
    c = compliance(sample_result())
    by = {row.agency: row for row in c.agencies}
    assert [row.agency for row in c.agencies] == [
        "市場監管局",
        "物價局",
        "環保局",
        "發改委",
        "統計局",
        "財政局",
        "辦公室",
    ]
    fin = by["財政局"]
    assert (fin.due, fin.on_time, fin.late, fin.missing, fin.pending, fin.duplicates) == (4, 3, 1, 0, 0, 1)
    assert fin.on_time_pct == 75.0
    assert fin.mean_late_days == 2.3  # 2 days 6 hours = 2.25, halves round up (not to even)
    assert (fin.score, fin.grade, fin.vetoes) == (98, "basic", ())
    assert fin.deductions == (Charge("late", 1, 2),)

    market = by["市場監管局"]
    assert (market.due, market.on_time, market.late, market.missing, market.pending) == (7, 4, 1, 2, 1)
    assert market.on_time_pct == 57.1  # 4 / 7 = 57.142…
    assert market.mean_late_days == 1.0
    assert market.score == 100 - 2 * 5 - 2
    assert market.grade == "fail"
    assert market.vetoes == (VetoHit("missing_2w", "W1", "市場監管局", at("2026-09-17 23:59"), 32.4),)

    office = by["辦公室"]
    assert (office.due, office.on_time, office.missing, office.on_time_pct) == (3, 1, 2, 33.3)
    assert office.vetoes == (VetoHit("reply_3m", "Q1", "辦公室", at("2026-07-10 23:59"), 101.4),)
    assert office.mean_late_days is None

    stats = by["統計局"]
    assert (stats.due, stats.short, stats.pending, stats.on_time_pct, stats.score, stats.grade) == (
        1,
        1,
        1,
        0.0,
        97,
        "fail",
    )
    env = by["環保局"]
    assert (env.due, env.gaps, env.on_time_pct, env.score, env.grade) == (3, 1, 66.7, 98, "basic")
    assert by["物價局"].grade == "pass" and by["物價局"].on_time_pct == 100.0
    ndrc = by["發改委"]
    assert (ndrc.due, ndrc.wrong_agency, ndrc.score, ndrc.grade, ndrc.on_time_pct) == (
        0,
        1,
        99,
        "unrated",
        None,
    )


def test_total_row() -> None:
    c = compliance(sample_result())
    t = c.total
    assert t.total and t.agency == ""
    # due = 4 + 4 + 7 + 3 + 1 + 3 + 0; on time = 3 + 4 + 4 + 1 + 0 + 2
    assert (t.due, t.on_time, t.late, t.missing, t.short, t.gaps) == (22, 14, 2, 4, 1, 1)
    assert (t.pending, t.wrong_agency, t.duplicates) == (2, 1, 1)
    assert t.on_time_pct == 63.6  # 14 / 22
    assert t.mean_late_days == 1.6  # (2.25 + 1.0) / 2 = 1.625
    assert t.deductions == (
        Charge("missing", 4, 20),
        Charge("late", 2, 4),
        Charge("short", 1, 3),
        Charge("gap", 1, 2),
        Charge("wrong_agency", 1, 1),
    )
    assert t.score == 70
    assert [h.rule for h in t.vetoes] == ["reply_3m", "missing_2w"]  # by due
    assert t.grade == "fail"
    # Every decided or pending occurrence is in exactly one column.
    assert sum(r.due + r.pending for r in c.agencies) == t.due + t.pending
    assert (c.unmatched, c.rejected) == (1, 1)


TABLE_ZH = """\
單位          應公開    按時    逾期    未公開    次數不足    間斷    按時率%    平均逾期天數    非責任單位    重複    未到期    得分    否決  等級
----------  --------  ------  ------  --------  ----------  ------  ---------  --------------  ------------  ------  --------  ------  ------  --------
市場監管局         7       4       1         2           0       0       57.1             1.0             0       0         1      88       1  不合格
物價局             4       4       0         0           0       0      100.0               –             0       0         0     100       0  合格
環保局             3       2       0         0           0       1       66.7               –             0       0         0      98       0  基本合格
發改委             0       0       0         0           0       0          –               –             1       0         0      99       0  未評
統計局             1       0       0         0           1       0        0.0               –             0       0         1      97       0  不合格
財政局             4       3       1         0           0       0       75.0             2.3             0       1         0      98       0  基本合格
辦公室             3       1       0         2           0       0       33.3               –             0       0         0      90       1  不合格
合計              22      14       2         4           1       1       63.6             1.6             1       1         2      70       2  不合格
"""

TABLE_EN = """\
agency        due    on time    late    missing    short    gaps    on time %    mean days late    wrong agency    duplicates    pending    score    vetoes  grade
----------  -----  ---------  ------  ---------  -------  ------  -----------  ----------------  --------------  ------------  ---------  -------  --------  ----------
市場監管局      7          4       1          2        0       0         57.1               1.0               0             0          1       88         1  fail
物價局          4          4       0          0        0       0        100.0                 –               0             0          0      100         0  pass
環保局          3          2       0          0        0       1         66.7                 –               0             0          0       98         0  basic pass
發改委          0          0       0          0        0       0            –                 –               1             0          0       99         0  not rated
統計局          1          0       0          0        1       0          0.0                 –               0             0          1       97         0  fail
財政局          4          3       1          0        0       0         75.0               2.3               0             1          0       98         0  basic pass
辦公室          3          1       0          2        0       0         33.3                 –               0             0          0       90         1  fail
total          22         14       2          4        1       1         63.6               1.6               1             1          2       70         2  fail
"""


def test_table_zh() -> None:
    assert compliance_table(compliance(sample_result()).rows, "zh") == TABLE_ZH


def test_table_en() -> None:
    assert compliance_table(compliance(sample_result()).rows, "en") == TABLE_EN


def test_csv_for_excel() -> None:
    rows = compliance(sample_result()).rows
    text = compliance_csv(rows, "zh", bom=True)
    data = text.encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel and WPS read the Chinese right
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert (
        lines[0]
        == "單位,應公開,按時,逾期,未公開,次數不足,間斷,按時率%,平均逾期天數,非責任單位,重複,未到期,得分,否決,等級"
    )
    assert lines[1] == "市場監管局,7,4,1,2,0,0,57.1,1.0,0,0,1,88,1,不合格"
    assert lines[4] == "發改委,0,0,0,0,0,0,,,1,0,0,99,0,未評"  # no rate: an empty cell
    assert lines[-2] == "合計,22,14,2,4,1,1,63.6,1.6,1,1,2,70,2,不合格"
    assert lines[-1] == ""  # CRLF after the last row too, and no bare LF anywhere
    assert "\n" not in text.replace("\r\n", "")
    en = compliance_csv(rows, "en", bom=False)
    assert not en.startswith("\ufeff")
    assert en.split("\r\n")[0].startswith("agency,due,on_time,late,missing,short,gaps,on_time_pct,")


def test_csv_formula_injection() -> None:
    f = met(Status.ON_TIME, "M1", "=HYPERLINK(1)", "2026-09-05 23:59", "2026-09-04 09:00")
    text = compliance_csv(compliance(result([f])).rows, "zh", bom=False)
    assert "\r\n'=HYPERLINK(1),1,1," in text


def test_json() -> None:
    data = json.loads(compliance_json(compliance(sample_result()).rows, "zh"))
    assert len(data) == 8
    office = next(d for d in data if d["agency"] == "辦公室")
    assert office == {
        "agency": "辦公室",
        "total": False,
        "due": 3,
        "on_time": 1,
        "late": 0,
        "missing": 2,
        "short": 0,
        "gaps": 0,
        "pending": 0,
        "wrong_agency": 0,
        "duplicates": 0,
        "on_time_pct": 33.3,
        "mean_late_days": None,
        "score": 90,
        "grade": "fail",
        "grade_label": "不合格",
        "vetoes": [
            {
                "rule": "reply_3m",
                "obligation": "Q1",
                "agency": "辦公室",
                "due": "2026-07-10T23:59:00+08:00",
                "days_overdue": 101.4,
            }
        ],
        "deductions": [{"rule": "missing", "count": 2, "points": 10}],
    }
    assert data[-1]["total"] is True and data[-1]["grade_label"] == "不合格"
    assert json.loads(compliance_json(compliance(sample_result()).rows, "en"))[-1]["grade_label"] == "fail"


# ---- the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "vetoed"),
    [
        ("2026-10-01 23:59", False),  # exactly 14 days after 2026-09-17 23:59: not more than 14
        ("2026-10-01 23:59:01", True),
    ],
)
def test_veto_boundary(as_of: str, vetoed: bool) -> None:
    f = met(Status.MISSING, "W1", "市場監管局", "2026-09-17 23:59")
    row = compliance(result([f], as_of=as_of)).agencies[0]
    assert bool(row.vetoes) is vetoed
    assert row.grade == "fail"  # 0 % on time fails anyway


def test_on_request_is_not_vetoed_at_two_weeks() -> None:
    f = met(Status.MISSING, "Q1", "辦公室", "2026-09-10 23:59")
    row = compliance(result([f], as_of="2026-10-20 09:00")).agencies[0]  # 39 days: under 90
    assert row.vetoes == ()
    late = met(Status.MISSING, "Q1", "辦公室", "2026-07-10 23:59")
    assert compliance(result([late])).agencies[0].vetoes[0].rule == "reply_3m"


def test_veto_fails_a_good_score() -> None:
    findings = [
        met(Status.ON_TIME, "W1", "市場監管局", f"2026-09-{d:02d} 23:59", f"2026-09-{d:02d} 09:00")
        for d in range(1, 20)
    ]
    findings.append(met(Status.MISSING, "W1", "市場監管局", "2026-09-20 23:59"))
    row = compliance(result(findings, as_of="2026-10-20 09:00")).agencies[0]
    assert (row.score, row.on_time_pct, len(row.vetoes), row.grade) == (95, 95.0, 1, "fail")


def test_deduction_cap_and_floor() -> None:
    findings = [met(Status.MISSING, "W1", "市場監管局", f"2026-10-{d:02d} 23:59") for d in range(1, 13)]
    row = compliance(result(findings, as_of="2026-10-14 09:00")).agencies[0]
    assert row.deductions == (Charge("missing", 12, 40),)  # 12 × 5 = 60, capped at 40
    assert row.score == 60
    harsh = tuple(attrs.evolve(d, points=50, cap=200) if d.code == "missing" else d for d in RULES.deductions)
    strict = attrs.evolve(RULES, deductions=harsh)
    assert (
        compliance(result(findings, as_of="2026-10-14 09:00"), strict).agencies[0].score == 0
    )  # never below 0


def test_pending_only_is_not_rated() -> None:
    pending = met(Status.PENDING, "M1", "財政局", "2026-11-05 23:59")
    row = compliance(result([pending], as_of="2026-10-01 09:00")).agencies[0]
    assert (row.due, row.pending, row.on_time_pct, row.score, row.grade) == (0, 1, None, 100, "unrated")


def test_rules_are_data() -> None:
    lenient = GradeRules(RULES.vetoes, RULES.deductions, (Tier("pass", "合格", "pass", 80, 50),))
    row = compliance(sample_result(), lenient)
    assert {r.agency: r.grade for r in row.agencies}["財政局"] == "pass"


def test_lateness_helpers() -> None:
    f = met(Status.LATE, "M1", "財政局", "2026-10-05 23:59", "2026-10-08 05:59")
    assert lateness_days(f) == 2.3
    # Without a lateness of its own, it is the first publication minus the due instant.
    bare = Finding(Status.LATE, "M1", "財政局", f.occurrence, f.evidence, f.due)
    assert lateness_days(bare) == 2.3
    missing = met(Status.MISSING, "M1", "財政局", "2026-10-05 23:59")
    assert overdue_days(missing, at("2026-10-06 11:59")) == 0.5
    assert overdue_days(missing, at("2026-10-05 12:00")) is None


def test_docs_show_the_rules_table() -> None:
    doc = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    assert rules_markdown() in doc, "docs/reports.md: paste the output of compliance.rules_markdown()"


def test_docs_examples_are_real_output() -> None:
    doc = (ROOT / "docs" / "reports.md").read_text(encoding="utf-8")
    rows = compliance(sample_result()).rows
    assert TABLE_ZH in doc and TABLE_EN in doc
    csv_shown = compliance_csv(rows, "zh", bom=True).removeprefix("\ufeff").replace("\r\n", "\n")
    assert f"```text\n{csv_shown}```" in doc
    office = [r for r in rows if r.agency == "辦公室"]
    assert f"```json\n{compliance_json(office, 'zh')}```" in doc


def test_row_type() -> None:
    row = compliance(sample_result()).agencies[0]
    assert isinstance(row, AgencyCompliance)


def test_an_occurrence_not_yet_due_is_pending_even_when_met_early() -> None:
    # As of 10-20, October's report (due 11-05) published on 10-15 is not yet due: neither a
    # success nor a failure. Counting it would raise the rate by publishing early.
    s = Status
    findings = [
        met(s.ON_TIME, "M1", "財政局", "2026-09-05 23:59", "2026-09-04 10:00"),
        met(s.MISSING, "M1", "財政局", "2026-10-05 23:59"),
        met(s.ON_TIME, "M1", "財政局", "2026-11-05 23:59", "2026-10-15 10:00"),
    ]
    [row] = compliance(result(findings, as_of="2026-10-20 09:00")).agencies
    assert (row.due, row.on_time, row.missing, row.pending, row.on_time_pct) == (2, 1, 1, 1, 50.0)


def test_the_grade_follows_from_the_rate_as_printed() -> None:
    # 323 of 404 is 79.95 %, printed 80.0: a pass needs 80 %, and a reader checks the 80.0 shown.
    s = Status
    day = dt.date(2025, 9, 1)
    findings = []
    for n in range(404):
        due = (day + dt.timedelta(days=n)).isoformat() + " 23:59"
        if n < 323:
            findings.append(met(s.ON_TIME, "M1", "財政局", due, due.replace("23:59", "10:00")))
        else:
            findings.append(met(s.LATE, "M1", "財政局", due, due.replace("23:59", "23:59:30")))
    graded = GradeRules(RULES.vetoes, (), RULES.tiers, RULES.full_score)
    [row] = compliance(result(findings, start="2025-09-01", as_of="2026-12-31 00:00"), graded).agencies
    assert (row.on_time_pct, row.score, row.grade) == (80.0, 100, "pass")
