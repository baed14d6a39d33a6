"""The occurrence engine: every date rule of docs/calendar.md "Date rules", with full dates.

The worked examples of the document are run by test_calendar_docs.py; here each rule is
asserted field by field, around the 2026 National Day and Spring Festival breaks, on the
bundled Haimen spec, and by properties (working days, tiling, agreement with dateutil.rrule).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from dateutil import rrule  # type: ignore[import-untyped]
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations.calendar import DayKind, china_calendar, load_calendar
from obligations.compiler import bundled_spec_dir, compile_file, compile_text
from obligations.errors import CalendarDataError
from obligations.model import Event, Spec
from obligations.occurrences import (
    DueSeries,
    EventRecord,
    Occurrence,
    agencies_owing,
    as_occurrences,
    display_end,
    expand,
    expand_within_data,
    occurrences,
    stopped_clocks,
    unmatched_events,
    unscheduled,
)
from tests.strategies import (
    LAST_COVERED,
    date_ranges,
    event_times,
    periodic_specs,
    periodic_timings,
    rrule_timings,
    working_day_counts,
)

CAL = china_calendar()
SHANGHAI = pendulum.timezone("Asia/Shanghai")
D = dt.date


@lru_cache(maxsize=512)
def spec_of(text: str) -> Spec:
    compiled = compile_text(text, "t.obl")
    assert compiled.spec is not None, [(d.code, d.args) for d in compiled.errors]
    return compiled.spec


def at(text: str) -> pendulum.DateTime:
    """A local time in Shanghai, ``2026-09-18 10:00``."""
    return pendulum.parse(text, tz=SHANGHAI)  # type: ignore[return-value]


def ev(when: str, name: str, ident: str | None = None) -> EventRecord:
    return EventRecord(name, at(when), ident)


def run(
    text: str, first: dt.date, last: dt.date, events: Sequence[EventRecord] = (), **kw: object
) -> list[Occurrence]:
    return occurrences(spec_of(text), first, last, events=events, **kw)  # type: ignore[arg-type]


def end_of(day: str) -> pendulum.DateTime:
    return pendulum.parse(f"{day}T23:59:59.999999", tz=SHANGHAI)  # type: ignore[return-value]


def dues(occs: Sequence[Occurrence]) -> list[str]:
    return [o.due_date.isoformat() for o in occs]


def moved(occ: Occurrence) -> list[str]:
    return [info.day.isoformat() for info in occ.moved]


@pytest.fixture(autouse=True)
def _no_config_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # load_calendar would read ./obligations.toml


# --- the due instant, periods ----------------------------------------------------------------------


def test_due_is_the_last_microsecond_of_the_day_in_the_spec_zone() -> None:
    [occ] = run("[M] 每月 公布 月報 by 財政局", D(2026, 9, 1), D(2026, 9, 30))
    assert occ.due == pendulum.datetime(2026, 10, 1, tz="Asia/Shanghai") - dt.timedelta(microseconds=1)
    assert occ.due.timezone_name == "Asia/Shanghai"
    assert occ.due_date == pendulum.Date(2026, 9, 30)
    assert (occ.period_start, occ.period_end) == (pendulum.Date(2026, 9, 1), pendulum.Date(2026, 9, 30))
    assert occ.trigger is None and occ.estimated is False and occ.moved == () and occ.rule == "periodic"


def test_another_time_zone_is_used_for_days_and_instants() -> None:
    spec = "時區：Europe/London\n[M] 每月 公布 月報 by 財政局"
    [occ] = run(spec, D(2026, 3, 1), D(2026, 3, 31))
    assert occ.due.isoformat() == "2026-03-31T23:59:59.999999+01:00"  # British Summer Time


@pytest.mark.parametrize(
    ("every", "first_period", "second_period"),
    [
        ("每日", ("2026-02-14", "2026-02-14"), ("2026-02-15", "2026-02-15")),
        ("每周", ("2026-02-09", "2026-02-15"), ("2026-02-16", "2026-02-22")),
        ("每月", ("2026-02-01", "2026-02-28"), ("2026-03-01", "2026-03-31")),
        ("每季度", ("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30")),
        ("每半年", ("2026-01-01", "2026-06-30"), ("2026-07-01", "2026-12-31")),
        ("每年", ("2026-01-01", "2026-12-31"), ("2027-01-01", "2027-12-31")),
    ],
)
def test_calendar_periods(every: str, first_period: tuple[str, str], second_period: tuple[str, str]) -> None:
    occs = run(f"[P] {every} 公布 數據 by 統計局", D(2026, 2, 14), D(2027, 12, 31))
    periods = [(o.period_start.isoformat(), o.period_end.isoformat()) for o in occs]  # type: ignore[union-attr]
    assert periods[:2] == [first_period, second_period]


def test_iso_week_spans_the_new_year() -> None:
    [occ] = run("[W] 每周 公布 數據 by 統計局", D(2027, 1, 3), D(2027, 1, 3))
    assert (occ.period_start, occ.period_end) == (pendulum.Date(2026, 12, 28), pendulum.Date(2027, 1, 3))


def test_biweekly_periods_count_from_the_obligations_start() -> None:
    occs = run("[B] 每兩周 更新 動態 by 辦公室 自 2026-12-16 起", D(2026, 12, 1), D(2027, 1, 31))
    assert [(o.period_start.isoformat(), o.due_date.isoformat()) for o in occs] == [  # type: ignore[union-attr]
        ("2026-12-14", "2026-12-27"),
        ("2026-12-28", "2027-01-10"),  # across ISO week 53 of 2026: still two weeks
        ("2027-01-11", "2027-01-24"),
    ]


def test_biweekly_falls_back_to_the_spec_start_then_its_issue_date_then_2001() -> None:
    def starts(text: str) -> list[str]:
        occs = run(text + "\n[B] 每兩周 更新 動態 by 辦公室", D(2026, 1, 1), D(2026, 2, 15))
        return [o.period_start.isoformat() for o in occs]  # type: ignore[union-attr]

    # the spec's window both anchors the pairs and bounds the duty
    assert starts("有效期：自 2026-01-21 起") == ["2026-01-19", "2026-02-02"]
    assert starts("發布日期：2026-01-07") == ["2025-12-22", "2026-01-05", "2026-01-19", "2026-02-02"]
    # 2001-01-01 is a Monday; 2026-01-05 is 1305 weeks later, an odd number
    assert starts("") == ["2025-12-29", "2026-01-12", "2026-01-26"]


# --- periodic rules ----------------------------------------------------------------------------------


def test_period_end_is_not_rolled_without_the_clause() -> None:
    plain = run("[M] 每月 公布 月報 by 財政局", D(2026, 10, 1), D(2026, 11, 5))
    rolled = run("[M] 每月 公布 月報 by 財政局 遇節假日順延", D(2026, 10, 1), D(2026, 11, 5))
    assert dues(plain) == ["2026-10-31"]  # a Saturday
    assert dues(rolled) == ["2026-11-02"]
    assert moved(rolled[0]) == ["2026-10-31", "2026-11-01"]
    assert [i.kind for i in rolled[0].moved] == [DayKind.WEEKEND, DayKind.WEEKEND]


def test_day_of_month_across_national_day() -> None:
    [plain] = run("[D] 每月 5日前 公布 月報 by 財政局", D(2026, 10, 1), D(2026, 10, 31))
    [rolled] = run("[D] 每月 5日前 公布 月報 by 財政局 遇節假日順延", D(2026, 10, 1), D(2026, 10, 31))
    assert plain.due == end_of("2026-10-05") and plain.rule == "day-of-period"
    assert rolled.due == end_of("2026-10-08")
    assert moved(rolled) == ["2026-10-05", "2026-10-06", "2026-10-07"]
    assert {i.name for i in rolled.moved} == {"國慶節"}


def test_day_of_year_across_the_spring_festival() -> None:
    [occ] = run("[Y] 每年 2月20日前 公開 計劃 by 辦公室 遇節假日順延", D(2026, 1, 1), D(2026, 12, 31))
    assert occ.due == end_of("2026-02-24")
    assert moved(occ) == ["2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23"]
    assert (occ.period_start, occ.period_end) == (pendulum.Date(2026, 1, 1), pendulum.Date(2026, 12, 31))


def test_a_make_up_saturday_is_not_rolled() -> None:
    # 2026-02-28 (Saturday) is worked to pay for the Spring Festival break
    [occ] = run("[D] 每月 28日前 公布 月報 by 財政局 遇節假日順延", D(2026, 2, 1), D(2026, 2, 28))
    assert occ.due == end_of("2026-02-28") and occ.moved == ()


@pytest.mark.parametrize(
    ("timing", "first", "last", "expected"),
    [
        ("每月 31日前", D(2026, 2, 1), D(2026, 4, 30), ["2026-02-28", "2026-03-31", "2026-04-30"]),
        ("每年 2月29日前", D(2027, 1, 1), D(2028, 12, 31), ["2027-02-28", "2028-02-29"]),
        ("每月 次月31日前", D(2026, 3, 1), D(2026, 4, 30), ["2026-03-31", "2026-04-30"]),
    ],
)
def test_a_day_the_month_lacks_is_its_last_day(
    timing: str, first: dt.date, last: dt.date, expected: list[str]
) -> None:
    assert dues(run(f"[X] {timing} 公布 報表 by 統計局", first, last)) == expected


def test_weekday_deadline_and_its_roll_across_national_day() -> None:
    plain = run("[W] 每周四 公布 抽檢 by 監管局", D(2026, 9, 28), D(2026, 10, 11))
    rolled = run("[W] 每周四 公布 抽檢 by 監管局 遇節假日順延", D(2026, 9, 28), D(2026, 10, 11))
    assert dues(plain) == ["2026-10-01", "2026-10-08"]
    assert dues(rolled) == ["2026-10-08", "2026-10-08"]
    assert [o.period_start.isoformat() for o in rolled] == ["2026-09-28", "2026-10-05"]  # type: ignore[union-attr]


def test_weekday_of_a_biweekly_period_is_in_its_first_week() -> None:
    occs = run("[B] 每兩周 周三 更新 動態 by 辦公室 自 2026-10-12 起", D(2026, 10, 12), D(2026, 11, 8))
    assert dues(occs) == ["2026-10-14", "2026-10-28"]


def test_next_period_day() -> None:
    occs = run("[N] 每月 次月10日前 公布 數據 by 統計局 遇節假日順延", D(2026, 10, 1), D(2026, 10, 31))
    assert dues(occs) == ["2026-10-10"]  # a make-up Saturday: a working day
    assert occs[0].period_end == pendulum.Date(2026, 9, 30) and occs[0].rule == "next-period"
    [yearly] = run("[N] 每年 次年7月1日前 公開 決算 by 財政局", D(2026, 1, 1), D(2026, 12, 31))
    assert yearly.due == end_of("2026-07-01")
    assert (yearly.period_start, yearly.period_end) == (
        pendulum.Date(2025, 1, 1),
        pendulum.Date(2025, 12, 31),
    )


def test_days_after_the_period_roll_by_statute() -> None:
    [occ] = run("[A] 每月 期後5日內 公布 資料 by 統計局", D(2026, 10, 1), D(2026, 10, 31))
    assert occ.due == end_of("2026-10-08") and occ.rule == "after-period"
    assert moved(occ) == ["2026-10-05", "2026-10-06", "2026-10-07"]


def test_working_days_after_the_period() -> None:
    [occ] = run("[A] 每月 期後15個工作日內 公布 數據 by 財政局", D(2026, 10, 1), D(2026, 10, 31))
    assert occ.due == end_of("2026-10-27")
    assert moved(occ) == ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-10"]
    assert [i.kind for i in occ.moved][-1] is DayKind.MAKEUP_WORKDAY


def test_promptly_after_the_period_is_the_specs_default() -> None:
    default = run("[A] 每季度 期後 及時 公布 數據 by 統計局", D(2026, 7, 1), D(2026, 7, 31))
    header = run("及時：5個工作日\n[A] 每季度 期後 及時 公布 數據 by 統計局", D(2026, 7, 1), D(2026, 7, 31))
    assert dues(default) == ["2026-07-28"]  # 20 working days after 30 June
    assert dues(header) == ["2026-07-07"]


def test_months_after_the_period() -> None:
    [occ] = run("[A] 每季度 期後1個月內 公布 數據 by 統計局", D(2026, 7, 1), D(2026, 8, 31))
    assert occ.due == end_of("2026-07-30")  # 30 June + 1 month, a Thursday


def test_daily_lead_in_hours() -> None:
    occs = run("[F] 每日 提前48小時 發布 預報 by 環保局", D(2026, 10, 1), D(2026, 10, 2))
    assert [o.due for o in occs] == [at("2026-10-01 00:00"), at("2026-10-02 00:00")]
    assert [o.period_start.isoformat() for o in occs] == ["2026-10-03", "2026-10-04"]  # type: ignore[union-attr]
    assert all(o.rule == "lead" and o.moved == () for o in occs)


def test_weekly_lead_in_weeks_and_a_lead_on_a_deadline() -> None:
    [weekly] = run("[F] 每周 提前一周 公布 計劃 by 住建局", D(2026, 10, 5), D(2026, 10, 5))
    assert weekly.due == at("2026-10-05 00:00") and weekly.period_start == pendulum.Date(2026, 10, 12)
    [tuesday] = run("[F] 每周二 提前1天 公布 計劃 by 住建局", D(2026, 10, 5), D(2026, 10, 11))
    assert tuesday.due == at("2026-10-05 00:00")  # the day before Tuesday 6 October, at 00:00


def test_lead_in_working_days_counts_back_over_the_break() -> None:
    text = "[F] 每周四 提前2個工作日 公布 計劃 by 住建局"
    # Thursday 1 October and Thursday 8 October: 1–7 October are off, so for both weeks the
    # second working day back is Tuesday 29 September
    occs = run(text, D(2026, 9, 29), D(2026, 9, 29))
    assert [(o.due, o.period_start) for o in occs] == [
        (at("2026-09-29 00:00"), pendulum.Date(2026, 9, 28)),
        (at("2026-09-29 00:00"), pendulum.Date(2026, 10, 5)),
    ]
    [after] = run(text, D(2026, 10, 13), D(2026, 10, 13))
    assert after.period_start == pendulum.Date(2026, 10, 12)  # Thursday 15 October


def test_counts() -> None:
    occs = run("[C] 每年 至少2次 召開 發布會 by 統計局", D(2026, 1, 1), D(2026, 12, 31))
    assert [(o.due, o.min_count, o.rule) for o in occs] == [(end_of("2026-12-31"), 2, "count")]
    halves = run("[C] 半年 至少1次 更新 法規 by 應急局", D(2026, 1, 1), D(2026, 12, 31))
    assert dues(halves) == ["2026-06-30", "2026-12-31"]


# --- events -----------------------------------------------------------------------------------------

E20 = "[E] 事件 信息形成或變更 後 20個工作日內 公開 政府文件 by 辦公室"


def test_working_days_after_an_event() -> None:
    [occ] = run(E20, D(2026, 10, 1), D(2026, 10, 31), [ev("2026-09-18 10:00", "信息形成或變更", "d1")])
    assert occ.due == end_of("2026-10-22") and occ.rule == "working-days"
    assert occ.trigger is not None and occ.trigger.id == "d1"
    assert occ.period_start is None and occ.period_end is None
    assert moved(occ) == [
        "2026-09-20", "2026-09-25", "2026-10-01", "2026-10-02",
        "2026-10-05", "2026-10-06", "2026-10-07", "2026-10-10",
    ]  # fmt: skip


def test_an_event_on_a_holiday_counts_from_the_holiday() -> None:
    [occ] = run(E20, D(2026, 1, 1), D(2026, 3, 31), [ev("2026-02-17 09:00", "信息形成或變更")])
    # 18–23 February off; Tuesday 24 February is working day 1; Saturday 28 February is worked
    assert occ.due == end_of("2026-03-20")


def test_bare_promptly_needs_information_formed_or_changed_events() -> None:
    text = "[J] 及時 公開 規範性文件 by 法制辦"
    assert run(text, D(2026, 1, 1), D(2026, 12, 31)) == []
    [occ] = run(text, D(2026, 1, 1), D(2026, 12, 31), [ev("2026-09-18 10:00", "信息形成或变更")])
    assert occ.due == end_of("2026-10-22")


def test_days_after_an_event_roll_unless_no_roll() -> None:
    events = [ev("2026-09-22 09:00", "項目竣工")]
    [rolled] = run("[T] 事件 項目竣工 後 15日內 公開 情況 by 住建局", D(2026, 10, 1), D(2026, 10, 31), events)
    [kept] = run(
        "[T] 事件 項目竣工 後 15日內 公開 情況 by 住建局 不順延", D(2026, 10, 1), D(2026, 10, 31), events
    )
    assert rolled.due == end_of("2026-10-08") and moved(rolled) == ["2026-10-07"] and rolled.rule == "days"
    assert kept.due == end_of("2026-10-07") and kept.moved == ()


def test_weeks_months_and_years_after_an_event() -> None:
    def due_of(lag: str, when: str) -> str:
        [occ] = run(
            f"[T] 事件 完成 後 {lag}內 公開 情況 by 局", D(2024, 1, 1), D(2026, 12, 31), [ev(when, "完成")]
        )
        return occ.due_date.isoformat()

    assert due_of("2周", "2026-09-22 09:00") == "2026-10-08"  # 6 October, rolled
    assert due_of("1個月", "2026-01-31 09:00") == "2026-02-28"  # art. 202; a make-up Saturday
    assert due_of("1個月", "2026-03-31 09:00") == "2026-04-30"
    assert due_of("1年", "2024-02-29 09:00") == "2025-02-28"
    assert due_of("1個月", "2026-08-31 09:00") == "2026-09-30"
    assert due_of("3天", "2026-09-30 09:00") == "2026-10-08"  # 3 October, rolled over the break


def test_hours_are_exact_and_never_rolled() -> None:
    text = "[H] 事件 突發事件 後 5小時內 發布 權威信息 by 辦公室"
    events = [
        ev("2026-10-01 21:30", "突發事件", "x1"),
        EventRecord("突發事件", pendulum.datetime(2026, 10, 3, 1, 0, tz="UTC"), "x2"),
    ]
    occs = run(text, D(2026, 10, 1), D(2026, 10, 31), events)
    assert [o.due for o in occs] == [at("2026-10-02 02:30"), at("2026-10-03 14:00")]
    assert all(o.due.timezone_name == "Asia/Shanghai" and o.rule == "hours" for o in occs)


def test_hours_across_a_clock_change_are_exact() -> None:
    text = "時區：Europe/London\n[H] 事件 突發事件 後 5小時內 發布 權威信息 by 辦公室"
    london = pendulum.datetime(2026, 3, 28, 23, 0, tz="Europe/London")
    [occ] = run(text, D(2026, 3, 1), D(2026, 3, 31), [EventRecord("突發事件", london)])
    assert occ.due.isoformat() == "2026-03-29T05:00:00+01:00"  # 4 hours of wall clock, 5 real


def test_lead_before_an_event() -> None:
    [occ] = run(
        "[L] 事件 評議會 提前一周 發送 通知 by 應急局",
        D(2026, 10, 1),
        D(2026, 10, 31),
        [ev("2026-10-08 09:00", "評議會")],
    )
    assert occ.due == at("2026-10-01 09:00") and occ.rule == "event-lead"


def test_same_day() -> None:
    events = [ev("2026-10-03 16:00", "公報印發")]
    [plain] = run("[S] 事件 公報印發 同步 上網 公報 by 辦公室", D(2026, 10, 1), D(2026, 10, 31), events)
    [rolled] = run(
        "[S] 事件 公報印發 同步 上網 公報 by 辦公室 遇節假日順延", D(2026, 10, 1), D(2026, 10, 31), events
    )
    assert plain.due == end_of("2026-10-03") and plain.rule == "same-day"
    assert rolled.due == end_of("2026-10-08") and moved(rolled) == [f"2026-10-0{d}" for d in range(3, 8)]


def test_event_names_match_in_either_script_and_ignoring_case_and_spaces() -> None:
    text = (
        "[S] 事件 「Gazette Issued」 同步 上網 公報 by 辦公室\n[T] 事件 政府公報印發 同步 上網 公報 by 辦公室"
    )
    events = [ev("2026-10-09 10:00", "gazette  issued"), ev("2026-10-09 10:00", "政府公报印发")]
    occs = run(text, D(2026, 10, 1), D(2026, 10, 31), events)
    assert [o.obligation.id for o in occs] == ["S", "T"]


def test_naive_event_times_are_in_the_spec_zone() -> None:
    naive = EventRecord("完成", dt.datetime(2026, 10, 9, 23, 30))  # type: ignore[arg-type]
    [occ] = run("[S] 事件 完成 同步 公開 情況 by 局", D(2026, 10, 1), D(2026, 10, 31), [naive])
    assert occ.due == end_of("2026-10-09")


def test_event_in_another_zone_counts_on_the_spec_zones_day() -> None:
    utc = EventRecord("完成", pendulum.datetime(2026, 10, 8, 17, 0, tz="UTC"))  # 01:00 on the 9th in Shanghai
    [occ] = run("[S] 事件 完成 同步 公開 情況 by 局", D(2026, 10, 1), D(2026, 10, 31), [utc])
    assert occ.due == end_of("2026-10-09")


# --- 同步 -------------------------------------------------------------------------------------------


def test_sync_copies_each_occurrence_of_the_referenced_obligation() -> None:
    text = "[R1] 及時 公開 文件 by 辦公室\n[R2] 同步 [R1] 解讀 文件 by 發改委、財政局 分別\n[R3] 同步 [R2] 轉載 文件 by 網信辦"
    occs = run(text, D(2026, 10, 1), D(2026, 10, 31), [ev("2026-09-18 10:00", "信息形成或變更", "p")])
    assert [(o.obligation.id, o.agency, o.rule) for o in occs] == [
        ("R1", "辦公室", "working-days"),
        ("R2", "發改委", "sync"),
        ("R2", "財政局", "sync"),
        ("R3", "網信辦", "sync"),
    ]
    assert {o.due for o in occs} == {end_of("2026-10-22")}
    assert {o.trigger.id for o in occs if o.trigger} == {"p"}


def test_sync_with_a_periodic_duty_shares_its_period() -> None:
    occs = run(
        "[M] 每月 8日前 公布 月報 by 財政局\n[N] 同步 [M] 解讀 月報 by 財政局",
        D(2026, 10, 1),
        D(2026, 10, 31),
    )
    assert [(o.obligation.id, o.due_date.isoformat(), o.period_start) for o in occs] == [
        ("M", "2026-10-08", pendulum.Date(2026, 10, 1)),
        ("N", "2026-10-08", pendulum.Date(2026, 10, 1)),
    ]


def test_sync_chains_ending_in_vague_timing_are_unscheduled() -> None:
    spec = spec_of("[C] 適時 公開 丙 by 局\n[D] 同步 [C] 解讀 丙 by 局\n[E] 每月 公開 丁 by 局")
    assert [o.id for o in unscheduled(spec)] == ["C", "D"]
    assert [o.obligation.id for o in occurrences(spec, D(2026, 1, 1), D(2026, 1, 31))] == ["E"]


def test_sync_cycles_do_not_compile() -> None:
    # A 同步 cycle can never fall due: the checker rejects it (E217) rather than leave it unscheduled.
    result = compile_text(
        "[A] 同步 [B] 公開 甲 by 局\n[B] 同步 [A] 公開 乙 by 局\n[F] 同步 [F] 公開 戊 by 局\n", "c.obl"
    )
    assert [d.code for d in result.errors] == ["E217", "E217"]


# --- standing, real time, once, display ------------------------------------------------------------


def test_standing_is_due_at_the_start_of_its_window_in_the_range() -> None:
    text = "[S1] 長期 公示 名單 by 民政局\n[S2] 長期 公示 信息 by 監管局 自 2026-10-10 至 2026-10-20"
    occs = run(text, D(2026, 10, 1), D(2026, 10, 31))
    assert [(o.obligation.id, o.due, o.period_start, o.period_end, o.rule) for o in occs] == [
        ("S1", end_of("2026-10-01"), pendulum.Date(2026, 10, 1), pendulum.Date(2026, 10, 31), "standing"),
        ("S2", end_of("2026-10-10"), pendulum.Date(2026, 10, 10), pendulum.Date(2026, 10, 20), "standing"),
    ]
    assert run(text, D(2026, 11, 1), D(2026, 11, 30))[0].obligation.id == "S1"
    assert len(run(text, D(2026, 11, 1), D(2026, 11, 30))) == 1


def test_realtime_is_one_occurrence_per_day() -> None:
    occs = run("[R] 實時 更新 政策 by 物價局 至 2026-10-02 止", D(2026, 9, 30), D(2026, 10, 5))
    assert [(o.period_start, o.due) for o in occs] == [
        (pendulum.Date(2026, 9, 30), end_of("2026-09-30")),
        (pendulum.Date(2026, 10, 1), end_of("2026-10-01")),
        (pendulum.Date(2026, 10, 2), end_of("2026-10-02")),
    ]


def test_once_is_due_at_the_end_of_its_date_without_roll() -> None:
    text = "發布日期：2026-09-01\n[O1] 2026-10-03前 公開 清單 by 局\n[O2] 年內 實現 覆蓋 by 局"
    occs = run(text, D(2026, 1, 1), D(2026, 12, 31))
    assert [(o.obligation.id, o.due, o.rule, o.period_start) for o in occs] == [
        ("O1", end_of("2026-10-03"), "once", None),
        ("O2", end_of("2026-12-31"), "once", None),
    ]
    assert run(text, D(2027, 1, 1), D(2027, 12, 31)) == []


def test_display_until_counts_from_the_due_instant() -> None:
    text = "[P] 事件 制定信息 後 10個工作日內 公示 名單 by 民政局 公示期 7個工作日"
    [occ] = run(text, D(2026, 10, 1), D(2026, 10, 31), [ev("2026-09-18 10:00", "制定信息")])
    assert occ.due == end_of("2026-10-09") and occ.display_until == end_of("2026-10-19")


def test_display_end_for_an_actual_publication() -> None:
    spec = spec_of("[P] 每月 公示 名單 by 民政局 公示期 5日")
    ob = spec.obligations[0]
    assert display_end(ob, at("2026-09-30 15:00")) == end_of("2026-10-08")  # 5 October, rolled
    assert display_end(ob, dt.datetime(2026, 9, 1, 9, 0)) == end_of("2026-09-07")  # 6 September is a Sunday
    assert display_end(spec_of("[Q] 每月 公示 名單 by 民政局").obligations[0], at("2026-09-30 15:00")) is None
    hours = spec_of("[P] 每月 公示 名單 by 民政局 公示期 24小時").obligations[0]
    assert display_end(hours, at("2026-09-30 15:00")) == at("2026-10-01 15:00")


# --- on-request clock ----------------------------------------------------------------------------

REQ = "[HM-6402] 事件 收到政府信息公開申請 後 20個工作日內 答復 申請 by 辦公室 可延長 20個工作日"
RECEIPT = "收到政府信息公開申請"


def request(*follow: tuple[str, str]) -> list[Occurrence]:
    events = [ev("2026-09-18 14:00", RECEIPT, "A"), *(ev(when, name, "A") for when, name in follow)]
    return run(REQ, D(2026, 9, 1), D(2026, 12, 31), events)


def test_on_request_without_follow_ups() -> None:
    [occ] = request()
    assert occ.due == end_of("2026-10-22") and occ.rule == "on-request" and occ.applied == ()


@pytest.mark.parametrize("name", ["延期", "extension", "Extension", "延长答复期限"])
def test_extension_moves_the_due_date_once(name: str) -> None:
    [occ] = request(("2026-10-20 09:00", name))
    assert occ.due == end_of("2026-11-19")
    assert [r.event for r in occ.applied] == [name] and occ.notes == ()


def test_a_second_extension_or_a_late_one_is_not_applied() -> None:
    [twice] = request(("2026-10-20 09:00", "延期"), ("2026-11-02 09:00", "延期"))
    assert twice.due == end_of("2026-11-19")
    assert twice.notes == ("延期 2026-11-02: not applied (the time limit can be extended only once)",)
    [late] = request(("2026-10-23 09:00", "延期"))
    assert late.due == end_of("2026-10-22") and late.applied == ()
    assert late.notes == ("延期 2026-10-23: not applied (it came after the time limit had run out)",)


def test_extension_on_the_last_day_is_in_time() -> None:
    [occ] = request(("2026-10-22 17:00", "延期"))
    assert occ.due == end_of("2026-11-19")


def test_consultation_pauses_the_clock() -> None:
    [occ] = request(("2026-09-24 09:00", "徵求第三方意見"), ("2026-10-12 09:00", "第三方意見反饋"))
    # used: 20–24 September (5); the remaining 15 count after 12 October
    assert occ.due == end_of("2026-11-02")
    assert moved(occ) == ["2026-09-20"]
    assert [r.event for r in occ.applied] == ["徵求第三方意見", "第三方意見反饋"]


def test_consultation_and_extension_combine() -> None:
    [occ] = request(
        ("2026-09-24 09:00", "consultation_start"),
        ("2026-10-12 09:00", "consultation_end"),
        ("2026-10-30 09:00", "extension"),
    )
    assert occ.due == end_of("2026-11-30")  # 2 November + 20 working days


def test_an_open_consultation_stops_the_clock() -> None:
    events = [ev("2026-09-18 14:00", RECEIPT, "A"), ev("2026-09-24 09:00", "征求第三方意见", "A")]
    assert run(REQ, D(2026, 9, 1), D(2026, 12, 31), events) == []
    assert stopped_clocks(spec_of(REQ), events) == [events[0]]
    assert unmatched_events(spec_of(REQ), events) == []


def test_correction_restarts_the_clock() -> None:
    [occ] = request(("2026-09-21 09:00", "補正"), ("2026-10-09 09:00", "補正後收到"))
    assert occ.due == end_of("2026-11-05") and moved(occ) == ["2026-10-10"]


def test_correction_discards_time_used_before_a_consultation() -> None:
    [occ] = request(
        ("2026-09-22 09:00", "consultation_start"),
        ("2026-09-23 09:00", "consultation_end"),
        ("2026-09-24 09:00", "correction_requested"),
        ("2026-10-09 09:00", "correction_received"),
    )
    assert occ.due == end_of("2026-11-05")


def test_nonsense_follow_ups_are_noted_not_applied() -> None:
    [occ] = request(("2026-09-24 09:00", "第三方意見反饋"), ("2026-09-25 09:00", "補正後收到"))
    assert occ.due == end_of("2026-10-22") and occ.applied == ()
    assert occ.notes == (
        "第三方意見反饋 2026-09-24: not applied (no consultation was open)",
        "補正後收到 2026-09-25: not applied (no correction was requested)",
    )


def test_pause_on_a_limit_in_days() -> None:
    text = "[Q] 事件 收到申請 後 15日內 答復 申請 by 辦公室 可延長 15日"
    events = [
        ev("2026-03-02 10:00", "收到申請", "B"),
        ev("2026-03-05 10:00", "徵求意見", "B"),
        ev("2026-03-20 10:00", "收到第三方意見", "B"),
    ]
    [occ] = run(text, D(2026, 3, 1), D(2026, 4, 30), events)
    # 3 days used (3–5 March); 12 remain after 20 March: 1 April, a Wednesday
    assert occ.due == end_of("2026-04-01")


def test_pauses_do_not_apply_to_limits_in_hours() -> None:
    text = "[Q] 事件 收到申請 後 48小時內 答復 申請 by 辦公室 可延長 24小時"
    events = [
        ev("2026-03-02 10:00", "收到申請", "B"),
        ev("2026-03-03 10:00", "徵求意見", "B"),
        ev("2026-03-03 11:00", "延期", "B"),
    ]
    [occ] = run(text, D(2026, 3, 1), D(2026, 4, 30), events)
    assert occ.due == at("2026-03-05 10:00")
    assert occ.notes == (
        "徵求意見 2026-03-03: not applied (pauses and restarts apply to limits in days or working days)",
    )


def test_follow_ups_without_a_known_request_are_unmatched() -> None:
    events = [
        ev("2026-09-18 14:00", RECEIPT, "A"),
        ev("2026-09-20 09:00", "延期", "Z"),
        ev("2026-09-20 09:00", "延期"),
        ev("2026-09-20 09:00", "開會", "A"),
    ]
    assert [(r.event, r.id) for r in unmatched_events(spec_of(REQ), events)] == [
        ("延期", "Z"),
        ("延期", None),
        ("開會", "A"),
    ]


def test_a_receipt_without_id_uses_the_plain_limit() -> None:
    [occ] = run(REQ, D(2026, 9, 1), D(2026, 12, 31), [ev("2026-09-18 14:00", RECEIPT)])
    assert occ.due == end_of("2026-10-22") and occ.rule == "on-request"


# --- effective windows ----------------------------------------------------------------------------


def test_the_bundled_versions_of_the_reply_limit() -> None:
    spec = compile_file(bundled_spec_dir() / "haimen-2017.obl").spec
    assert spec is not None
    events = [ev("2019-05-14 16:00", RECEIPT, "Q1"), ev("2019-05-15 09:00", RECEIPT, "Q2")]
    found = [o for o in occurrences(spec, D(2019, 5, 1), D(2019, 6, 30), events=events) if o.trigger]
    by_request = {(o.trigger.id, o.obligation.id): o.due_date.isoformat() for o in found if o.trigger}
    # 'each': one occurrence per agency; 6401 has 15 working days, 6402 has 20
    assert set(by_request.items()) == {(("Q1", "HM-6401"), "2019-06-04"), (("Q2", "HM-6402"), "2019-06-13")}
    assert sorted({o.agency for o in found}) == ["各區鎮", "市各部門"]


def test_a_period_belongs_to_the_version_in_force_on_its_last_day() -> None:
    text = "[V1] 每月 8日前 公布 月報 by 財政局 至 2026-10-15 止\n[V2] 每月 10日前 公布 月報 by 財政局 自 2026-10-16 起"
    occs = run(text, D(2026, 9, 1), D(2026, 11, 30))
    assert [(o.obligation.id, o.due_date.isoformat()) for o in occs] == [
        ("V1", "2026-09-08"),
        ("V2", "2026-10-10"),
        ("V2", "2026-11-10"),
    ]


def test_the_spec_window_bounds_every_obligation() -> None:
    text = "有效期：自 2026-10-01 至 2026-10-31\n[M] 每月 公布 月報 by 局\n[E] 事件 完成 同步 公開 情況 by 局"
    events = [ev("2026-09-30 10:00", "完成"), ev("2026-10-30 10:00", "完成")]
    occs = run(text, D(2026, 9, 1), D(2026, 11, 30), events)
    assert [(o.obligation.id, o.due_date.isoformat()) for o in occs] == [
        ("E", "2026-10-30"),
        ("M", "2026-10-31"),
    ]
    assert unmatched_events(spec_of(text), events) == [events[0]]


# --- agencies, order, range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by", "owing"),
    [
        ("by 財政局、物價局 共同", ["財政局、物價局"]),
        ("by 財政局、物價局", ["財政局、物價局"]),
        ("by 財政局、物價局 分別", ["財政局", "物價局"]),
        ("by 人行 牽頭、金融辦 配合", ["人行"]),
        ("by 甲 牽頭、乙 牽頭、丙 配合", ["甲", "乙"]),
        ("by 金融辦 配合", ["金融辦"]),
        ("", [""]),
    ],
)
def test_who_owes_an_occurrence(by: str, owing: list[str]) -> None:
    spec = spec_of(f"[M] 每月 公布 月報 {by}")
    assert agencies_owing(spec.obligations[0]) == owing
    occs = occurrences(spec, D(2026, 10, 1), D(2026, 10, 31))
    assert [o.agency for o in occs] == sorted(owing)
    assert len({o.uid for o in occs}) == len(occs)


def test_sorted_by_due_then_id_then_agency() -> None:
    text = (
        "[Z] 每月 公布 甲 by 乙局、甲局 分別\n[A] 每月 公布 乙 by 丙局\n"
        "[M] 每月 30日前 公布 丙 by 丁局\n[B] 事件 完成 後 1小時內 公開 丁 by 戊局"
    )
    occs = run(text, D(2026, 10, 1), D(2026, 10, 31), [ev("2026-10-31 10:00", "完成")])
    assert [(o.due_date.isoformat(), o.obligation.id, o.agency) for o in occs] == [
        ("2026-10-30", "M", "丁局"),
        ("2026-10-31", "B", "戊局"),
        ("2026-10-31", "A", "丙局"),
        ("2026-10-31", "Z", "乙局"),
        ("2026-10-31", "Z", "甲局"),
    ]
    assert occs == sorted(occs, key=lambda o: (o.due, o.obligation.id, o.agency))


def test_the_range_is_by_due_date_inclusive_at_both_ends() -> None:
    text = "[A] 每月 期後5日內 公布 資料 by 統計局"
    assert dues(run(text, D(2026, 10, 8), D(2026, 10, 8))) == ["2026-10-08"]
    assert run(text, D(2026, 10, 9), D(2026, 11, 4)) == []
    with pytest.raises(ValueError, match="starts"):
        run(text, D(2026, 10, 9), D(2026, 10, 8))


def test_unscheduled_lists_vague_timings_in_order() -> None:
    spec = spec_of("[A] 按時 寄送 記錄單 by 人社局\n[B] 每月 公布 月報 by 局\n[C] 定期 公布 情況 by 局")
    assert [o.id for o in unscheduled(spec)] == ["A", "C"]


# --- holiday data ---------------------------------------------------------------------------------


def test_a_deadline_into_a_year_without_data_names_the_year_and_the_duty() -> None:
    text = "[Z1] 每月 期後15個工作日內 公布 數據 by 財政局"
    with pytest.raises(CalendarDataError) as caught:
        run(text, D(2026, 12, 1), D(2027, 1, 31))
    assert caught.value.year == 2027
    assert "2027" in str(caught.value) and "[Z1]" in str(caught.value)
    assert "--holidays" in str(caught.value)


def test_the_same_deadline_with_the_year_supplied(tmp_path: Path) -> None:
    user = tmp_path / "2027.csv"
    user.write_text("2027-01-01,off,元旦\n2027-02-05,休,春節\n", "utf-8")
    cal = load_calendar([user], environ={})
    occs = run("[Z1] 每月 期後15個工作日內 公布 數據 by 財政局", D(2026, 12, 1), D(2027, 1, 31), calendar=cal)
    assert dues(occs) == ["2026-12-21", "2027-01-22"]
    assert moved(occs[1]) == ["2027-01-01"] and occs[1].estimated is False


def test_estimated_years_mark_the_result() -> None:
    cal = load_calendar(estimate=True, environ={})
    occs = run("[Z1] 每月 期後15個工作日內 公布 數據 by 財政局", D(2026, 12, 1), D(2027, 1, 31), calendar=cal)
    assert [o.estimated for o in occs] == [False, True]


def test_rules_that_need_no_days_off_need_no_data() -> None:
    occs = run("[M] 每月 8日前 公布 月報 by 財政局", D(2035, 1, 1), D(2035, 12, 31))
    assert len(occs) == 12 and not any(o.estimated for o in occs)
    # with a roll, even December 2034 is asked about: its 8th, rolled, could in principle reach 2035
    with pytest.raises(
        CalendarDataError, match=r"2034: needed for \[M\], period 2034-12-01..2034-12-31: give"
    ):
        run("[M] 每月 8日前 公布 月報 by 財政局 遇節假日順延", D(2035, 1, 1), D(2035, 12, 31))


# --- the bundled spec ----------------------------------------------------------------------------


def test_bundled_spec_over_the_week_of_the_2026_quarter_end() -> None:
    spec = compile_file(bundled_spec_dir() / "haimen-2017.obl").spec
    assert spec is not None
    occs = occurrences(spec, D(2026, 9, 28), D(2026, 10, 4))
    periodic = [
        (o.due_date.isoformat(), o.obligation.id, o.agency, o.period_start.isoformat(), o.rule)  # type: ignore[union-attr]
        for o in occs
        if o.rule in ("periodic", "after-period")
    ]
    assert periodic == [
        ("2026-09-28", "HM-1120", "統計局", "2026-08-01", "after-period"),
        ("2026-09-30", "HM-1109", "財政局", "2026-09-01", "periodic"),
        ("2026-09-30", "HM-1118", "統計局", "2026-07-01", "periodic"),
        ("2026-09-30", "HM-3205", "市場監管局", "2026-07-01", "periodic"),
        ("2026-09-30", "HM-3206", "市場監管局", "2026-07-01", "periodic"),
        ("2026-09-30", "HM-4207", "環保局", "2026-09-01", "periodic"),
        ("2026-09-30", "HM-4405", "市場監管局", "2026-07-01", "periodic"),
        ("2026-09-30", "HM-5213", "國土局", "2026-07-01", "periodic"),
        ("2026-09-30", "HM-5214", "國土局", "2026-07-01", "periodic"),
        ("2026-10-04", "HM-4404", "市場監管局", "2026-09-28", "periodic"),
    ]
    hm1120 = next(o for o in occs if o.obligation.id == "HM-1120")
    assert moved(hm1120) == ["2026-09-20", "2026-09-25"]  # a make-up Sunday and 中秋節
    forecasts = [o for o in occs if o.obligation.id == "HM-4206"]
    assert [(o.due, o.period_start.isoformat()) for o in forecasts][:2] == [  # type: ignore[union-attr]
        (at("2026-09-28 00:00"), "2026-09-30"),
        (at("2026-09-29 00:00"), "2026-10-01"),
    ]
    assert len(forecasts) == 7
    assert sorted({o.obligation.id for o in occs if o.rule == "standing"}) == [
        "HM-4101",
        "HM-4106",
        "HM-4410",
    ]
    assert len([o for o in occs if o.obligation.id == "HM-4205"]) == 7  # real time: one a day
    assert not any(o.trigger for o in occs)  # no events given


# --- properties -------------------------------------------------------------------------------------

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(when=event_times(), n=working_day_counts())
def test_a_working_day_deadline_lands_on_a_working_day_after_the_trigger(when: dt.datetime, n: int) -> None:
    text = f"[E] 事件 完成 後 {n}個工作日內 公開 情況 by 局"
    [occ] = run(
        text,
        when.date(),
        when.date() + dt.timedelta(days=400),
        [EventRecord("完成", pendulum.instance(when, tz=SHANGHAI))],
    )
    assert CAL.is_working_day(occ.due_date)
    assert occ.due >= pendulum.instance(when, tz=SHANGHAI)
    assert occ.due_date == CAL.add_working_days(when.date(), n)


_MOST = {"日": 365, "周": 52, "個月": 12, "小時": 2000}


@PROPERTY
@given(when=event_times(200), unit=st.sampled_from(sorted(_MOST)), data=st.data())
def test_due_is_never_before_the_trigger_and_days_roll_to_working_days(
    when: dt.datetime, unit: str, data: st.DataObject
) -> None:
    n = data.draw(st.integers(1, _MOST[unit]))
    trigger = pendulum.instance(when, tz=SHANGHAI)
    text = f"[E] 事件 完成 後 {n}{unit}內 公開 情況 by 局"
    [occ] = run(text, when.date(), when.date() + dt.timedelta(days=800), [EventRecord("完成", trigger)])
    assert occ.due >= trigger
    if unit != "小時":
        assert CAL.is_working_day(occ.due_date)


@PROPERTY
@given(when=event_times(), n=working_day_counts(30), m=working_day_counts(30))
def test_n_then_m_working_days_is_n_plus_m(when: dt.datetime, n: int, m: int) -> None:
    def after(start: pendulum.DateTime, k: int) -> Occurrence:
        text = f"[E] 事件 完成 後 {k}個工作日內 公開 情況 by 局"
        return run(text, start.date(), start.date() + dt.timedelta(days=200), [EventRecord("完成", start)])[0]

    first = after(pendulum.instance(when, tz=SHANGHAI), n)
    assert after(first.due, m).due == after(pendulum.instance(when, tz=SHANGHAI), n + m).due


@PROPERTY
@given(timing=periodic_timings(), span=date_ranges(D(2005, 3, 1), D(2025, 6, 30)))
def test_periodic_occurrences_tile_the_range(timing: tuple[str, str], span: tuple[dt.date, dt.date]) -> None:
    occs = run(f"[P] {timing[0]} 公布 數據 by 局 {timing[1]}", *span)
    by_period = sorted(occs, key=lambda o: o.period_start)  # type: ignore[arg-type,return-value]
    for prev, nxt in itertools.pairwise(by_period):
        assert nxt.period_start == prev.period_end + dt.timedelta(days=1)  # type: ignore[operator]
    assert all(span[0] <= o.due_date <= span[1] for o in occs)
    assert dues(occs) == dues(by_period)  # due dates grow with the periods


def _rrule(every: str, weekday_or_month: int | None, day: int | None) -> Any:
    # Any: dateutil ships no type stubs in this environment
    """Our schedule as an RFC 5545 rule. Periods with no deadline are due on their last day."""
    monday = dt.datetime(2001, 1, 1)  # a Monday: the biweekly anchor of a spec with no dates
    interval = 2 if every == "biweek" else 1
    if every in ("week", "biweek") and weekday_or_month is not None:
        return rrule.rrule(rrule.WEEKLY, byweekday=weekday_or_month - 1, dtstart=monday, interval=interval)
    if every in ("week", "biweek"):
        # the last day of a two-week period is the Sunday of its second week
        second = monday + dt.timedelta(days=7 * (interval - 1))
        return rrule.rrule(rrule.WEEKLY, byweekday=rrule.SU, dtstart=second, interval=interval)
    if every == "day":
        return rrule.rrule(rrule.DAILY, dtstart=monday)
    if every == "month":
        return rrule.rrule(rrule.MONTHLY, bymonthday=day or -1, dtstart=monday)
    if every == "year" and day is not None:
        return rrule.rrule(rrule.YEARLY, bymonth=weekday_or_month, bymonthday=day, dtstart=monday)
    months = {"quarter": (3, 6, 9, 12), "half-year": (6, 12), "year": (12,)}[every]
    return rrule.rrule(rrule.MONTHLY, bymonth=months, bymonthday=-1, dtstart=monday)


@PROPERTY
@given(timing=rrule_timings(), span=date_ranges(D(2001, 2, 1), D(2030, 12, 31)))
def test_rrule_expressible_schedules_agree_with_dateutil(
    timing: tuple[str, str, int | None, int | None], span: tuple[dt.date, dt.date]
) -> None:
    text, every, weekday_or_month, day = timing
    ours = [o.due_date for o in run(f"[P] {text} 公布 數據 by 局", *span)]
    first, last = (dt.datetime.combine(d, dt.time()) for d in span)
    theirs = _rrule(every, weekday_or_month, day).between(first, last, inc=True)
    assert ours == [d.date() for d in theirs]


# --- bulk expansion: expand() ---------------------------------------------------------------------


def _day(ordinal: int | None) -> dt.date | None:
    return None if ordinal is None else dt.date.fromordinal(ordinal)


def series_rows(series: Sequence[DueSeries]) -> list[tuple[object, ...]]:
    """Every item of every series as the field values of the Occurrence it stands for."""
    rows: list[tuple[object, ...]] = []
    for s in series:
        n = len(s)
        for column in (s.due_days, s.period_starts, s.period_ends, s.triggers, s.estimated, s.moved):
            assert column is None or len(column) == n  # parallel columns
        for i in range(n):
            rows.append(
                (
                    s.obligation.id,
                    s.agency,
                    None if s.period_starts is None else _day(s.period_starts[i]),
                    None if s.period_ends is None else _day(s.period_ends[i]),
                    None if s.triggers is None else s.triggers[i],
                    s.dues[i],
                    _day(s.due_days[i]),
                    False if s.estimated is None else s.estimated[i],
                    () if s.moved is None else s.moved[i],
                    s.min_count,
                    s.rule,
                    None if s.display_until is None else s.display_until[i],
                    () if s.applied is None else s.applied[i],
                    () if s.notes is None else s.notes[i],
                )
            )
    return rows


def occurrence_rows(occs: Sequence[Occurrence]) -> list[tuple[object, ...]]:
    return [(o.obligation.id, *attrs.astuple(o, recurse=False)[1:]) for o in occs]


def assert_agree(series: Sequence[DueSeries], occs: Sequence[Occurrence]) -> None:
    """expand() and occurrences() give the same occurrences, field for field."""
    assert Counter(series_rows(series)) == Counter(occurrence_rows(occs))
    keys = [(s.obligation.id, s.agency) for s in series]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)  # (obligation id, agency) order


def test_expand_gives_columns_per_obligation_and_owing_agency() -> None:
    text = (
        "[W] 每周四 公布 信息 by 甲局、乙局 分別\n[M] 每月 5日前 公布 月報 by 財政局 遇節假日順延\n"
        "[A] 按時 寄送 記錄單 by 人社局"
    )
    series = expand(spec_of(text), D(2026, 9, 28), D(2026, 10, 11))
    assert [(s.obligation.id, s.agency, s.rule, len(s)) for s in series] == [
        ("M", "財政局", "day-of-period", 1),
        ("W", "乙局", "day-of-period", 2),
        ("W", "甲局", "day-of-period", 2),
    ]  # A cannot be scheduled: no series (unscheduled() lists it)
    month, weekly, _ = series
    assert list(month.dues) == [end_of("2026-10-08")] and list(month.due_days) == [D(2026, 10, 8).toordinal()]
    assert [str(info.day) for info in month.moved[0]] == ["2026-10-05", "2026-10-06", "2026-10-07"]  # type: ignore[index]
    assert list(weekly.dues) == [end_of("2026-10-01"), end_of("2026-10-08")]
    assert [_day(o) for o in weekly.period_starts] == [D(2026, 9, 28), D(2026, 10, 5)]  # type: ignore[union-attr]
    assert [_day(o) for o in weekly.period_ends] == [D(2026, 10, 4), D(2026, 10, 11)]  # type: ignore[union-attr]
    assert (weekly.triggers, weekly.estimated, weekly.moved, weekly.display_until) == (None, None, None, None)
    assert series[2].dues is weekly.dues  # the agencies share the columns
    assert all(isinstance(d, dt.datetime) and d.utcoffset() == dt.timedelta(hours=8) for d in weekly.dues)


def test_expand_checks_the_range_and_needs_the_same_holiday_data() -> None:
    spec = spec_of("[M] 每月 8日前 公布 月報 by 財政局 遇節假日順延")
    with pytest.raises(ValueError, match="starts"):
        expand(spec, D(2026, 10, 9), D(2026, 10, 8))
    with pytest.raises(CalendarDataError, match=r"2034: needed for \[M\], period 2034-12-01"):
        expand(spec, D(2035, 1, 1), D(2035, 12, 31))


def test_expand_and_occurrences_agree_on_the_bundled_spec_over_a_2026_quarter() -> None:
    spec = compile_file(bundled_spec_dir() / "haimen-2017.obl").spec
    assert spec is not None
    names = sorted(
        {
            ob.schedule.trigger
            for ob in spec.obligations
            if isinstance(ob.schedule, Event) and ob.schedule.trigger
        }
    )
    events = [ev("2026-10-09 10:00", name, f"T{i}") for i, name in enumerate(names)]
    events += [
        ev("2026-09-18 14:00", RECEIPT, "R1"),
        ev("2026-10-12 09:00", "延期", "R1"),  # extended
        ev("2026-11-02 09:00", RECEIPT, "R2"),
        ev("2026-11-05 09:00", "徵求第三方意見", "R2"),  # paused, then running again
        ev("2026-11-20 09:00", "第三方意見反饋", "R2"),
        ev("2026-12-01 09:00", RECEIPT, "R3"),
        ev("2026-12-02 09:00", "補正", "R3"),  # stopped: no due date
        ev("2026-12-03 09:00", "延期", "R3"),
    ]
    first, last = D(2026, 10, 1), D(2026, 12, 31)
    series = expand(spec, first, last, events=events)
    occs = occurrences(spec, first, last, events=events)
    assert_agree(series, occs)
    assert len(occs) > 500
    # every kind of rule the spec uses gave some of them
    assert {o.rule for o in occs} >= {
        "periodic",
        "after-period",
        "lead",
        "count",
        "working-days",
        "same-day",
        "sync",
        "on-request",
        "standing",
        "realtime",
    }
    assert any(o.moved for o in occs) and any(o.applied for o in occs)
    assert not any(o.trigger is not None and o.trigger.id == "R3" for o in occs)


@PROPERTY
@given(text=periodic_specs(), span=date_ranges(D(2005, 3, 1), D(2025, 6, 30)))
def test_expand_and_occurrences_agree_on_generated_periodic_specs(
    text: str, span: tuple[dt.date, dt.date]
) -> None:
    spec = spec_of(text)
    series = expand(spec, *span)
    assert_agree(series, occurrences(spec, *span))
    by_ob = itertools.groupby(series, key=lambda s: s.obligation.id)
    for ob_id, group in by_ob:
        shared = list(group)
        ob = spec.obligation(ob_id)
        assert ob is not None and [s.agency for s in shared] == sorted(agencies_owing(ob))
        assert all(s.dues is shared[0].dues for s in shared)


@PROPERTY
@given(timing=rrule_timings(), span=date_ranges(D(2001, 2, 1), D(2030, 12, 31)))
def test_expand_gives_rrules_instants(
    timing: tuple[str, str, int | None, int | None], span: tuple[dt.date, dt.date]
) -> None:
    text, every, weekday_or_month, day = timing
    [series] = expand(spec_of(f"[P] {text} 公布 數據 by 局"), *span)
    first, last = (dt.datetime.combine(d, dt.time()) for d in span)
    theirs = _rrule(every, weekday_or_month, day).between(first, last, inc=True)
    assert [_day(o) for o in series.due_days] == [d.date() for d in theirs]
    assert list(series.dues) == [end_of(d.date().isoformat()) for d in theirs]


def test_periods_rolled_onto_one_day_stay_in_due_id_agency_order() -> None:
    # 2005-01-01..03 were days off: the daily periods of 31 December to 3 January all fall due on
    # the 4th, for each of two agencies. The order is (due, id, agency), then the period.
    spec = compile_text("[P0] 每日 期後1日內 公布 數據0 by 甲局、乙局 分別\n", "p.obl").spec
    assert spec is not None
    found = occurrences(spec, dt.date(2005, 1, 2), dt.date(2005, 1, 5))
    on_4th = [(o.agency, str(o.period_start)) for o in found if o.due_date == dt.date(2005, 1, 4)]
    assert on_4th == [
        ("乙局", "2004-12-31"),
        ("乙局", "2005-01-01"),
        ("乙局", "2005-01-02"),
        ("乙局", "2005-01-03"),
        ("甲局", "2004-12-31"),
        ("甲局", "2005-01-01"),
        ("甲局", "2005-01-02"),
        ("甲局", "2005-01-03"),
    ]
    assert found == sorted(found, key=lambda o: (o.due, o.obligation.id, o.agency))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=periodic_specs(), span=date_ranges(D(2005, 3, 1), D(2025, 6, 30)))
def test_within_data_is_expand_where_the_data_reaches(text: str, span: tuple[dt.date, dt.date]) -> None:
    spec = spec_of(text)
    found, missing = expand_within_data(spec, *span)
    assert missing is None
    assert as_occurrences(found) == occurrences(spec, *span)


def test_within_data_cuts_short_only_the_duties_that_need_the_missing_year() -> None:
    # Z1 counts working days after the month: December's falls due in January 2027, which the
    # bundled data does not cover. M1, due on each month's last day, needs no holiday data.
    spec = spec_of("[M1] 每月 公布 月報 by 統計局\n[Z1] 每月 期後15個工作日內 公布 月度財政數據 by 財政局\n")
    with pytest.raises(CalendarDataError):
        expand(spec, D(2026, 11, 1), D(2027, 3, 31))
    found, missing = expand_within_data(spec, D(2026, 11, 1), D(2027, 3, 31))
    assert missing is not None and missing.year == 2027
    dues = [(o.obligation.id, str(o.period_start), str(o.due_date)) for o in as_occurrences(found)]
    assert dues == [
        ("Z1", "2026-10-01", "2026-11-20"),  # 15 working days after 31 October
        ("M1", "2026-11-01", "2026-11-30"),
        ("Z1", "2026-11-01", "2026-12-21"),
        ("M1", "2026-12-01", "2026-12-31"),
        ("M1", "2027-01-01", "2027-01-31"),  # month ends need no holiday data
        ("M1", "2027-02-01", "2027-02-28"),
        ("M1", "2027-03-01", "2027-03-31"),
    ]  # Z1's December, due in January 2027, is not listed: that year has no data


def test_an_event_due_after_the_data_does_not_stop_a_range_before_it() -> None:
    # A request received in December is answered in January; while January has no holiday data,
    # that answer cannot be dated, but it cannot fall in December either: December's week is
    # still listed. A range reaching January does need it, and the error names the event.
    last = LAST_COVERED.year
    spec = compile_text(
        "[Q1] 事件 收到政府信息公開申請 後 20個工作日內 答復 申請人 by 辦公室\n"
        "[Q2] 每月 公布 財政收支月報 by 辦公室\n",
        "req.obl",
    ).spec
    assert spec is not None
    request = EventRecord(
        "收到政府信息公開申請", pendulum.datetime(last, 12, 9, 10, tz=spec.timezone), id="Y2"
    )
    week = occurrences(spec, dt.date(last, 12, 1), dt.date(last, 12, 31), events=[request])
    assert [(o.obligation.id, o.due_date) for o in week] == [("Q2", dt.date(last, 12, 31))]
    with pytest.raises(CalendarDataError) as caught:
        occurrences(spec, dt.date(last, 12, 1), dt.date(last + 1, 1, 31), events=[request])
    assert caught.value.year == last + 1
    assert f"needed for [Q1], event '收到政府信息公開申請' of {last}-12-09" in caught.value.hint


def test_a_working_day_lead_from_a_year_without_data_stops_only_the_ranges_it_can_reach() -> None:
    # 提前1個工作日 before each week: the week of 4 January counts back from a year without data,
    # so its date is unknown, but it cannot be before the last working day of December. A range
    # ending weeks before is listed; a range reaching the end of December stops, as it must.
    last = LAST_COVERED.year
    spec = compile_text("[L3] 每周 提前1個工作日 公布 停水計劃 by 住建局\n", "l.obl").spec
    assert spec is not None
    early = spec.occurrences(dt.date(last, 11, 30), dt.date(last, 12, 6))
    assert [o.due_date.month for o in early] == [12] and early[0].due_date.weekday() < 5
    with pytest.raises(CalendarDataError) as caught:
        spec.occurrences(dt.date(last, 12, 1), dt.date(last, 12, 31))
    assert caught.value.year == last + 1
    # looking ahead lists every week whose date is known: up to the last Friday before that week
    found, missing = expand_within_data(spec, dt.date(last, 11, 30), dt.date(last + 1, 3, 31))
    assert missing is not None and missing.year == last + 1
    [series] = found
    known = [d for d in spec.occurrences(dt.date(last, 11, 30), dt.date(last, 12, 27))]
    assert [dt.date.fromordinal(d) for d in series.due_days] == [o.due_date for o in known]
