"""obligations due --format ics: valid iCalendar, stable UIDs, reproducible bytes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from obligations.compiler import loads
from obligations.ics import UID_DOMAIN, description, render_ics, uid
from obligations.occurrences import EventRecord, Occurrence
from obligations.render_due import DueItem
from tests.test_due_cli import EVENTS, SPEC, _cli

icalendar = pytest.importorskip("icalendar")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OBLIGATIONS_HOLIDAYS", raising=False)
    monkeypatch.chdir(tmp_path)
    Path("t.obl").write_text(SPEC, encoding="utf-8")
    Path("events.csv").write_text(EVENTS, encoding="utf-8")


def ics(*args: str, lang: str = "zh") -> bytes:
    result = CliRunner().invoke(_cli(), ["--lang", lang, "due", "t.obl", "--format", "ics", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def events(data: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_round_trip_through_icalendar() -> None:
    data = ics("--today", "2026-09-30", "--events", "events.csv")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]).startswith("-//obligations//obligations ")
    found = events(data)
    assert [str(e["UID"]) for e in found] == [
        f"T-5/E-1/市場監管局@{UID_DOMAIN}",
        f"T-4/2026-09-01/稅務局@{UID_DOMAIN}",
        f"T-4/2026-09-01/財政局@{UID_DOMAIN}",
        f"T-1/2026-09-28/市場監管局@{UID_DOMAIN}",
    ]
    timed, *_, weekly = found
    # The weekly duty: an all-day event on its due date
    assert weekly.decoded("DTSTART") == dt.date(2026, 10, 4)
    assert weekly.decoded("DTEND") == dt.date(2026, 10, 5)
    assert str(weekly["SUMMARY"]) == "[T-1] 公布 食品安全抽檢信息（市場監管局）"
    assert str(weekly["DESCRIPTION"]) == (
        "原文：每周公布食品安全抽檢信息\n"
        "章節：一 定期公開\n"
        "時間：每周\n"
        "責任單位：市場監管局\n"
        "本次責任單位：市場監管局\n"
        "期間：2026-09-28 至 2026-10-04\n"
        "到期：2026-10-04 周日"
    )
    assert weekly.decoded("DTSTAMP") == dt.datetime(2026, 9, 30, tzinfo=dt.UTC)
    assert str(weekly["TRANSP"]) == "TRANSPARENT"
    # The 5-hour duty: a timed event at the due instant (10:30 + 5 h in Shanghai = 07:30 UTC)
    assert timed.decoded("DTSTART") == dt.datetime(2026, 9, 30, 7, 30, tzinfo=dt.UTC)
    assert "DTEND" not in timed
    assert "事件：食品安全事故（2026-09-30T10:30:00+08:00，編號 E-1）" in str(timed["DESCRIPTION"])
    assert "到期：2026-09-30 周三 15:30 (+0800)" in str(timed["DESCRIPTION"])


def test_summary_in_english() -> None:
    found = events(ics("--today", "2026-09-30", lang="en"))
    assert str(found[-1]["SUMMARY"]) == "[T-1] 公布 食品安全抽檢信息 (市場監管局)"
    assert str(found[-1]["DESCRIPTION"]).startswith(
        "source: 每周公布食品安全抽檢信息\nsection: 一 定期公開\n"
    )


def test_same_day_same_bytes() -> None:
    assert ics("--today", "2026-09-30") == ics("--today", "2026-09-30")


def test_uids_are_stable_across_runs_and_ranges() -> None:
    # Another day, another range: the occurrences both runs contain keep their UIDs, so a
    # calendar importing both updates the events instead of duplicating them.
    monday = {str(e["UID"]): e for e in events(ics("--today", "2026-09-28", "--month"))}
    week = {str(e["UID"]): e for e in events(ics("--today", "2026-09-30"))}
    shared = set(monday) & set(week)
    assert shared == {f"T-4/2026-09-01/稅務局@{UID_DOMAIN}", f"T-4/2026-09-01/財政局@{UID_DOMAIN}"}
    for key in shared:
        assert monday[key].decoded("DTSTART") == week[key].decoded("DTSTART")
        assert str(monday[key]["SUMMARY"]) == str(week[key]["SUMMARY"])


def test_the_same_duty_in_two_specs_gives_two_events() -> None:
    # Last year's key points and this year's in one folder: the same id and period, other
    # deadlines. A calendar keeps one event per UID, so the second must have its own.
    Path("specs").mkdir()
    Path("specs/y2025.obl").write_text("[F-3] 每月 8日前 公布 財政收支月報 by 財政局\n", encoding="utf-8")
    Path("specs/y2026.obl").write_text("[F-3] 每月 10日前 公布 財政收支月報 by 財政局\n", encoding="utf-8")
    args = ["due", "specs", "--format", "ics", "--from", "2026-03-01", "--to", "2026-03-31"]
    runs = [CliRunner().invoke(_cli(), [*args, "--today", "2026-03-01"]) for _ in range(2)]
    assert runs[0].stdout_bytes == runs[1].stdout_bytes
    found = [(str(e["UID"]), e.decoded("DTSTART")) for e in events(runs[0].stdout_bytes)]
    assert found == [
        (f"F-3/2026-03-01/財政局@{UID_DOMAIN}", dt.date(2026, 3, 8)),
        (f"F-3/2026-03-01/財政局/2026-03-10@{UID_DOMAIN}", dt.date(2026, 3, 10)),
    ]


def test_estimated_occurrence_says_so() -> None:
    spec = loads(SPEC, "t.obl")
    ob = spec.obligation("T-2")
    assert ob is not None
    tz = pendulum.timezone("Asia/Shanghai")
    occ = Occurrence(
        obligation=ob,
        agency="財政局",
        period_start=pendulum.Date(2027, 10, 1),
        period_end=pendulum.Date(2027, 10, 31),
        trigger=None,
        due=pendulum.DateTime(2027, 10, 8, 23, 59, 59, tzinfo=tz),
        due_date=pendulum.Date(2027, 10, 8),
        estimated=True,
    )
    data = render_ics([DueItem(occ, dt.date(2027, 10, 1), "Asia/Shanghai")], "zh", dt.date(2027, 10, 1))
    (event,) = events(data)
    assert str(event["SUMMARY"]) == "[T-2] 公布 財政收支月報（財政局）（估算）"
    assert str(event["UID"]) == uid(occ) == f"T-2/2027-10-01/財政局@{UID_DOMAIN}"
    assert description(occ, "zh").endswith(
        "估算：按規則推定的節假日數據計算（尚無國務院通知），僅供安排工作參考，不是法定日期"
    )


def test_trigger_without_id_uses_its_time_in_the_uid() -> None:
    spec = loads(SPEC, "t.obl")
    ob = spec.obligation("T-5")
    assert ob is not None
    tz = pendulum.timezone("Asia/Shanghai")
    at = pendulum.DateTime(2026, 9, 30, 10, 30, tzinfo=tz)
    occ = Occurrence(
        ob, "市場監管局", None, None, EventRecord("食品安全事故", at), at.add(hours=5), at.date(), False
    )
    assert uid(occ) == f"T-5/2026-09-30T10:30:00+08:00/市場監管局@{UID_DOMAIN}"
    (event,) = events(render_ics([DueItem(occ, at.date(), "Asia/Shanghai")], "en", at.date()))
    assert event.decoded("DTSTART") == dt.datetime(2026, 9, 30, 7, 30, tzinfo=dt.UTC)
