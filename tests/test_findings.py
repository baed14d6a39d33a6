"""Matching evidence to occurrences (docs/checking.md): each rule, each status, and reconciliation."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from obligations.compiler import compile_text
from obligations.evidence import EvidenceRecord, LoadResult, Rejected, parse_period
from obligations.findings import CheckResult, Status, check, check_records
from obligations.model import Spec
from obligations.occurrences import EventRecord, Occurrence
from tests.strategies import LAST_COVERED, periodic_specs

TZ = "Asia/Shanghai"
SPEC_TEXT = """機構 市場監管局 = 海門市市場監督管理局 別名 市场监管局
機構 財政局 = 海門市財政局
機構 環保局 = 海門市環境保護局
[W] 每周 公布 食品安全抽檢 by 市場監管局
[M] 每月 8日前 公布 財政收支月報 by 財政局 遇節假日順延
[C] 每年 至少2次 開展 專項督查 by 財政局、市場監管局 分別
[R] 實時（間隔不超過6小時） 發布 空氣質量 by 環保局
"""
START = dt.date(2026, 9, 28)  # Monday of ISO week 40
AS_OF = pendulum.datetime(2026, 10, 20, 12, tz=TZ)


@pytest.fixture(scope="module")
def spec() -> Spec:
    result = compile_text(SPEC_TEXT, "t.obl")
    assert result.spec is not None
    return result.spec


def at(month: int, day: int, hour: int = 10) -> pendulum.DateTime:
    return pendulum.datetime(2026, month, day, hour, tz=TZ)


def rec(ob: str, agency: str, when: pendulum.DateTime, **kw: object) -> EvidenceRecord:
    return EvidenceRecord(agency=agency, published_at=when, obligation=ob, **kw)  # type: ignore[arg-type]


def statuses(result: CheckResult, ob: str) -> list[tuple[str, str]]:
    return [
        (f.status.value, f.due.date().isoformat() if f.due else "")
        for f in result.findings
        if f.obligation == ob
    ]


def run(spec: Spec, *records: EvidenceRecord) -> CheckResult:
    return check_records(spec, records, start=START, as_of=AS_OF)


def test_weekly_on_time_missing_pending(spec: Spec) -> None:
    result = run(spec, rec("W", "市場監管局", at(10, 6)))
    assert statuses(result, "W") == [
        ("missing", "2026-10-04"),
        ("on_time", "2026-10-11"),
        ("missing", "2026-10-18"),
        ("pending", "2026-10-25"),
    ]


def test_stated_period_wins_over_publication_time(spec: Spec) -> None:
    # Published in week 41 but stating week 40: it is week 40's, and late.
    late = rec("W", "市場監管局", at(10, 6), period=parse_period("2026-W40"))
    result = run(spec, late)
    (first,) = [
        f for f in result.findings if f.obligation == "W" and f.due and f.due.date() == dt.date(2026, 10, 4)
    ]
    assert first.status is Status.LATE
    assert first.lateness == at(10, 6) - first.due  # type: ignore[operator]
    assert statuses(result, "W")[1] == ("missing", "2026-10-11")


def test_after_the_window_goes_to_the_earliest_open_past_due(spec: Spec) -> None:
    # Monthly, due 8 October: published on the 12th, no period stated, no window holds it
    # (November's window has not opened): it settles October's, late.
    result = run(spec, rec("M", "財政局", at(10, 12)))
    (october,) = [f for f in result.findings if f.obligation == "M"]
    assert october.status is Status.LATE
    assert october.due == pendulum.datetime(2026, 10, 8, tz=TZ).end_of("day")


def test_duplicate_wrong_agency_unmatched(spec: Spec) -> None:
    result = run(
        spec,
        rec("W", "市场监管局", at(10, 6)),  # the other script is the same agency
        rec("W", "市場監管局", at(10, 7)),
        rec("W", "財政局", at(10, 8)),
        rec("NOPE", "財政局", at(10, 8)),
    )
    counts = result.counts()
    assert (counts["on_time"], counts["duplicate"], counts["wrong_agency"], counts["unmatched"]) == (
        1,
        1,
        1,
        1,
    )
    assert (result.matched, result.unmatched, result.rows_read) == (3, 1, 4)


def test_subject_matching_is_script_insensitive(spec: Spec) -> None:
    record = EvidenceRecord(agency="市场监管局", published_at=at(10, 6), subject="食品安全抽检")
    result = run(spec, record)
    assert statuses(result, "W")[1] == ("on_time", "2026-10-11")


def test_an_id_typed_in_another_case_or_full_width_is_that_id(spec: Spec) -> None:
    # Excel with a Chinese input method gives ｗ or Ｗ for W; a lowercase id is the same id.
    result = run(spec, rec("ｗ", "市場監管局", at(10, 6)), rec("w", "市場監管局", at(10, 13)))
    assert statuses(result, "W")[1:3] == [("on_time", "2026-10-11"), ("on_time", "2026-10-18")]
    assert result.unmatched == 0


def test_counts_each_agency_separately(spec: Spec) -> None:
    result = run(
        spec, rec("C", "財政局", at(3, 1)), rec("C", "財政局", at(9, 30)), rec("C", "市場監管局", at(4, 1))
    )
    by_agency = {f.agency: (f.status.value, f.detail) for f in result.findings if f.obligation == "C"}
    assert by_agency == {"財政局": ("on_time", "2/2"), "市場監管局": ("pending", "1/2")}


def test_realtime_gap(spec: Spec) -> None:
    # 6-hour limit on 2026-10-19: updates at 05:00 and 14:00 leave a 9-hour gap.
    result = run(
        spec,
        rec("R", "環保局", at(10, 19, 5)),
        rec("R", "環保局", at(10, 19, 14)),
        rec("R", "環保局", at(10, 19, 20)),
    )
    (day,) = [
        f for f in result.findings if f.obligation == "R" and f.due and f.due.date() == dt.date(2026, 10, 19)
    ]
    assert (day.status, day.detail) == (Status.GAP, "9.0h")


def test_agency_filter_uses_aliases_and_scripts(spec: Spec) -> None:
    result = check_records(
        spec, [rec("W", "市場監管局", at(10, 6))], start=START, as_of=AS_OF, agency="海门市市场监督管理局"
    )
    assert {f.obligation for f in result.findings} == {"W", "C"}


def test_as_of_is_read_in_the_spec_zone(spec: Spec) -> None:
    # A server's clock is often UTC: a naive as-of is a wall time in the spec's zone, not the
    # machine's, and an aware one in another zone is the same instant seen there.
    rows = (rec("W", "市場監管局", at(10, 6)), rec("M", "財政局", at(10, 19, 9)))

    def seen(as_of: dt.datetime) -> list[tuple[str, str, object]]:
        result = check_records(spec, rows, start=START, as_of=as_of)
        assert result.as_of.timezone_name == TZ
        return [(f.status.value, f.obligation, f.due) for f in result.findings]

    assert seen(dt.datetime(2026, 10, 20, 12)) == seen(AS_OF)
    # 23:00 on Sunday 18 October in Shanghai: week 42 is still pending (in UTC it would be missing)
    sunday = seen(dt.datetime(2026, 10, 18, 23))
    assert sunday == seen(pendulum.datetime(2026, 10, 18, 23, tz=TZ))
    assert ("pending", "W", pendulum.datetime(2026, 10, 18, 23, 59, 59, 999999, tz=TZ)) in sunday
    utc = dt.datetime(2026, 10, 20, 4, tzinfo=dt.UTC)  # 12:00 in Shanghai
    assert seen(utc) == seen(AS_OF)
    late_evening = dt.datetime(2026, 10, 18, 16, 30, tzinfo=dt.UTC)  # 19 Oct 00:30 there
    assert seen(late_evening) == seen(pendulum.datetime(2026, 10, 19, 0, 30, tz=TZ))


def test_failing_means_late_or_missing(spec: Spec) -> None:
    assert run(spec).failing
    quiet = compile_text("[Y] 每年 公布 年報 by 甲\n", "q.obl").spec
    assert quiet is not None
    assert not check_records(quiet, [], start=dt.date(2026, 1, 1), as_of=at(10, 1)).failing


def test_a_duplicate_published_with_the_first_comes_before_the_verdict(spec: Spec) -> None:
    result = run(spec, rec("W", "市場監管局", at(10, 6)), rec("W", "市場監管局", at(10, 6)))
    week = [f.status.value for f in result.findings if f.obligation == "W" and f.evidence]
    assert week == ["duplicate", "on_time"]


def test_occurrences_due_at_one_instant_are_ordered_by_first_publication() -> None:
    # Two events at one instant: two occurrences with the same due instant, obligation and
    # agency; the rows fill them in publication order (file order at one instant).
    text = "[E] 事件 突發事件 後 5小時內 發布 權威信息 by 財政局\n"
    one = compile_text(text, "e.obl").spec
    assert one is not None
    happened = at(10, 6, 9)
    events = [EventRecord("突發事件", happened, id="a"), EventRecord("突發事件", happened, id="b")]
    first, second, later = (
        rec("E", "財政局", at(10, 6)),
        rec("E", "財政局", at(10, 6)),
        rec("E", "財政局", at(10, 6, 11)),
    )
    result = check_records(one, [later, first, second], start=START, as_of=AS_OF, events=events)
    assert [(f.status.value, f.evidence) for f in result.findings] == [
        ("on_time", (first,)),
        ("on_time", (second,)),
        ("duplicate", (later,)),
    ]


def test_a_year_without_holiday_data_shortens_only_the_duties_that_need_it() -> None:
    # As of 30 December 2026, with no data for 2027: the week due 3 January 2027 needs none and
    # is pending; January's monthly report, rolled over holidays, would need it (and its window
    # has not opened anyway). Nothing fails, nothing is made up.
    text = (
        "[W] 每周 公布 食品安全抽檢 by 市場監管局\n[M] 每月 8日前 公布 財政收支月報 by 財政局 遇節假日順延\n"
    )
    two = compile_text(text, "y.obl").spec
    assert two is not None
    result = check_records(two, [], start=dt.date(2026, 12, 1), as_of=pendulum.datetime(2026, 12, 30, tz=TZ))
    pending = [
        (f.obligation, f.due.date().isoformat()) for f in result.findings if f.status is Status.PENDING
    ]
    assert pending == [("W", "2027-01-03")]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(periodic_specs(), st.dates(dt.date(2005, 1, 1), LAST_COVERED - dt.timedelta(days=420)))
def test_pending_horizons_lose_no_occurrence_whose_window_has_opened(text: str, day: dt.date) -> None:
    # Pending occurrences are expanded only as far as each duty's window can have opened by the
    # as-of date (findings._horizon): exactly those 400 days of expansion would keep.
    from obligations.findings import _pending_series
    from obligations.occurrences import as_occurrences, occurrences

    compiled = compile_text(text, "p.obl")
    assume(compiled.spec is not None)
    assert compiled.spec is not None
    whole = compiled.spec

    def opened(occ: Occurrence) -> bool:
        opens = _window_opens(occ, whole.timezone)
        return opens is None or opens <= pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, tz=TZ)

    def listed(occs: list[Occurrence]) -> list[tuple[str, str, dt.datetime]]:
        return [(o.obligation.id, o.agency, o.due) for o in occs if opened(o)]

    far = occurrences(whole, day + dt.timedelta(days=1), day + dt.timedelta(days=400))
    pending = as_occurrences(_pending_series(whole, day, (), None))
    pending.sort(key=lambda o: (o.due, o.obligation.id, o.agency))  # as occurrences() orders them
    assert listed(pending) == listed(far)


def _window_opens(occ: Occurrence, tz: str) -> dt.datetime | None:
    """When publication starts to count for ``occ`` (docs/checking.md, "Windows"), stated again
    on ``Occurrence`` objects as the test's oracle: the matcher works it out on wall times."""
    if occ.trigger is not None:
        trigger = occ.trigger.occurred_at
        return None if occ.due < trigger else trigger  # a lead before an event: any time before
    first = occ.period_start
    if first is None:
        return None
    start = pendulum.datetime(first.year, first.month, first.day, tz=tz)
    if occ.due >= start:
        return start
    # A lead time (每日 提前48小時): the window is one period long, ending at the due instant.
    last = occ.period_end
    assert last is not None
    return occ.due - (last - first + dt.timedelta(days=1))


def test_findings_keep_their_order_whatever_the_rows(spec: Spec) -> None:
    rows = [
        rec(ob, agency, at(10, d, h))
        for d in (2, 6, 9)
        for h in (9, 9, 17)
        for ob in ("W", "M", "C")
        for agency in ("市場監管局", "財政局")
    ]
    forward = run(spec, *rows)
    backward = run(spec, *reversed(rows))
    assert [(f.status, f.obligation, f.agency, f.due) for f in forward.findings] == [
        (f.status, f.obligation, f.agency, f.due) for f in backward.findings
    ]


# ---- reconciliation: every row read is accounted for exactly once ---------------------------------

_OBS = ["W", "M", "C", "R", "NOPE", ""]
_AGENCIES = ["市場監管局", "市场监管局", "財政局", "環保局", "不存在局"]


@st.composite
def loads(draw: st.DrawFn) -> list[LoadResult]:
    out = []
    for _ in range(draw(st.integers(1, 3))):
        records = []
        for _ in range(draw(st.integers(0, 25))):
            ob = draw(st.sampled_from(_OBS))
            when = pendulum.datetime(2026, 1, 1, tz=TZ).add(hours=draw(st.integers(0, 24 * 292)))
            records.append(
                EvidenceRecord(
                    agency=draw(st.sampled_from(_AGENCIES)),
                    published_at=when,
                    obligation=ob or None,
                    subject=None
                    if ob
                    else draw(st.sampled_from(["食品安全抽檢", "空氣質量", "不存在的事項"])),
                )
            )
        bad = draw(st.integers(0, 5))
        rejected = tuple(Rejected(i + 2, "bad_timestamp", "壞", "bad") for i in range(bad))
        out.append(LoadResult(tuple(records), rejected, len(records) + bad))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads())
def test_every_row_is_accounted_for_once(data: list[LoadResult]) -> None:
    spec = compile_text(SPEC_TEXT, "t.obl").spec
    assert spec is not None
    result = check(spec, data, start=START, as_of=AS_OF)
    rows = sum(load.rows_read for load in data)
    assert result.matched + result.unmatched + len(result.rejected) == rows
    evidence_rows = [id(r) for f in result.findings for r in f.evidence if f.status is not Status.DUPLICATE]
    duplicate_rows = [id(r) for f in result.findings if f.status is Status.DUPLICATE for r in f.evidence]
    placed = evidence_rows + duplicate_rows
    assert len(placed) == len(set(placed)) == result.matched + result.unmatched
    # In (due, obligation, agency, first publication) order; what has no due instant last.
    keys = [
        (
            f.due is None,
            f.due.timestamp() if f.due else 0.0,
            f.obligation,
            f.agency,
            f.evidence[0].published_at.timestamp() if f.evidence else 0.0,
        )
        for f in result.findings
    ]
    assert keys == sorted(keys)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(loads(), st.sampled_from([None, "財政局", "市场监管局", "環保局"]))
def test_the_summary_accounts_for_every_row_with_or_without_an_agency(
    data: list[LoadResult], agency: str | None
) -> None:
    # --agency keeps that agency's findings; the summary's rows are still every row read.
    spec = compile_text(SPEC_TEXT, "t.obl").spec
    assert spec is not None
    result = check(spec, data, start=START, as_of=AS_OF, agency=agency)
    summary = result.summary()
    assert summary["matched"] + summary["unmatched"] + summary["rejected"] == summary["rows_read"]
    assert summary["rows_read"] == sum(load.rows_read for load in data)
    listed = [f.status.value for f in result.findings]
    for status in Status:
        if status is not Status.UNMATCHED:
            assert summary[status.value] == listed.count(status.value)
    if agency is None:
        assert summary["unmatched"] == listed.count("unmatched")


def test_a_standing_list_put_up_before_the_checked_range_is_on_display_in_it() -> None:
    # 長期: met by a publication any time before the due instant (the first day checked), as an
    # evaluator finds a list put up long ago; before, such a row was unmatched and the duty missing.
    spec = compile_text("[S1] 長期 公示 名單 by 甲局\n", "s.obl").spec
    assert spec is not None
    early = rec("S1", "甲局", pendulum.datetime(2026, 9, 1, 10, tz=TZ))
    result = check_records(spec, [early], start=START, as_of=AS_OF)
    [finding] = [f for f in result.findings if f.status is not Status.PENDING]
    assert (finding.status, finding.evidence) == (Status.ON_TIME, (early,))
    assert result.unmatched == 0


LONDON_RT = """時區：Europe/London
[RT] 實時（間隔不超過6小時） 發布 空氣質量 by 環保局
"""


@pytest.mark.parametrize(
    ("day", "updates", "expected"),
    [
        # 25 October: the clocks go back, the day has 25 hours; 00:00 BST to 06:00 GMT is 7 hours
        (dt.date(2026, 10, 25), ["00:00", "06:00", "12:00", "18:00"], ("gap", "7.0h")),
        (dt.date(2026, 10, 25), ["05:30", "11:00", "17:00", "22:00"], ("gap", "6.5h")),
        # 29 March: the clocks go forward, the day has 23 hours; 00:00 GMT to 07:00 BST is 6 hours
        (dt.date(2026, 3, 29), ["00:00", "07:00", "13:00", "19:00"], ("on_time", "")),
    ],
)
def test_real_time_gaps_are_measured_in_real_hours(
    day: dt.date, updates: list[str], expected: tuple[str, str]
) -> None:
    spec = compile_text(LONDON_RT, "l.obl").spec
    assert spec is not None
    tz = "Europe/London"
    rows = [
        rec("RT", "環保局", pendulum.parse(f"{day} {u}", tz=tz))  # type: ignore[arg-type]
        for u in updates
    ]
    end = pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tz=tz)
    result = check_records(spec, rows, start=day, as_of=end)
    [found] = [f for f in result.findings if f.due and f.due.date() == day]
    assert (found.status.value, found.detail) == expected


def test_a_real_time_day_not_over_is_pending_until_a_gap_opens(spec: Spec) -> None:
    # At noon, updates at 01:00 and 06:00 leave no gap over six hours yet: the day is undecided.
    noon = pendulum.datetime(2026, 10, 20, 12, tz=TZ)
    rows = [rec("R", "環保局", at(10, 20, 1)), rec("R", "環保局", at(10, 20, 6))]
    result = check_records(spec, rows, start=dt.date(2026, 10, 20), as_of=noon)
    [today] = [f for f in result.findings if f.obligation == "R" and f.due and f.due.date() == noon.date()]
    assert today.status is Status.PENDING
    later = check_records(spec, rows, start=dt.date(2026, 10, 20), as_of=noon.add(hours=1))  # 13:00
    [today] = [f for f in later.findings if f.obligation == "R" and f.due and f.due.date() == noon.date()]
    assert (today.status, today.detail) == (Status.GAP, "7.0h")


def test_a_count_duty_with_no_publication_at_all_is_missing_not_short() -> None:
    # 至少2次 a month: one in September is short (1/2); none in August is missing, as for any
    # duty, so that two weeks on it is a veto like any other missing item.
    spec = compile_text("[C] 每月 至少2次 開展 檢查 by 乙局\n", "c.obl").spec
    assert spec is not None
    rows = [rec("C", "乙局", at(9, 10))]
    result = check_records(spec, rows, start=dt.date(2026, 8, 1), as_of=AS_OF)
    assert [(f.status.value, f.due.date().isoformat() if f.due else "", f.detail) for f in result.findings][
        :2
    ] == [
        ("missing", "2026-08-31", ""),
        ("short", "2026-09-30", "1/2"),
    ]
