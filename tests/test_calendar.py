"""The working-day engine: known arrangements, arithmetic properties, missing data, user files."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from obligations.calendar import (
    DayKind,
    HolidayCalendar,
    Special,
    TableCalendar,
    YearData,
    china_calendar,
    estimate_year,
    load_calendar,
    read_holidays_file,
)
from obligations.errors import CalendarDataError, InputError, ObligationsError
from tests.strategies import (
    LAST_COVERED,
    covered_dates,
    dates_in_year,
    dates_with_room,
    uncovered_years,
    working_day_counts,
)

CAL = china_calendar()
NO_ENV: dict[str, str] = {}


def days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def off_days(cal: HolidayCalendar, first: date, last: date) -> list[date]:
    return [d for d in days(first, last) if cal.is_day_off(d)]


def naive_add(cal: HolidayCalendar, start: date, n: int) -> date:
    """Reference: walk day by day."""
    day = start
    while n:
        day += timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


@pytest.fixture(autouse=True)
def _no_config_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # load_calendar reads ./obligations.toml when there is one; keep the repository's out.
    monkeypatch.chdir(tmp_path)


# --- known arrangements ------------------------------------------------------------------------


def test_2026_national_day_matches_the_notice() -> None:
    # 國辦發明電〔2025〕7號: 10月1日（周四）至7日（周三）放假調休，共7天。
    # 9月20日（周日）、10月10日（周六）上班。
    assert off_days(CAL, date(2026, 9, 19), date(2026, 10, 11)) == [
        date(2026, 9, 19),
        *days(date(2026, 9, 25), date(2026, 9, 27)),  # 中秋節 9月25日至27日
        *days(date(2026, 10, 1), date(2026, 10, 7)),
        date(2026, 10, 11),
    ]
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday, worked
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday, worked
    assert CAL.is_working_day(date(2026, 10, 8))


def test_2026_spring_festival_matches_the_notice() -> None:
    # 2月15日（臘月二十八、周日）至23日（正月初七、周一）放假調休，共9天。
    # 2月14日（周六）、2月28日（周六）上班。
    assert off_days(CAL, date(2026, 2, 9), date(2026, 3, 1)) == [
        *days(date(2026, 2, 15), date(2026, 2, 23)),
        date(2026, 3, 1),  # an ordinary Sunday; Saturday 2/28 is worked
    ]
    assert CAL.is_working_day(date(2026, 2, 14))
    assert CAL.is_working_day(date(2026, 2, 28))
    assert CAL.is_working_day(date(2026, 2, 24))


def test_2026_whole_year_lists() -> None:
    data = CAL.year_data(2026)
    assert sorted(data.workdays) == [
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    ]
    weekdays_off = sorted(d for d in data.days_off if d.weekday() < 5)
    # 13 days' worth of statutory holiday (2024 revision; 補 for those on weekends) + 6 paid for
    # by the six make-up Saturdays and Sundays.
    assert len(weekdays_off) == 19
    assert all(d.weekday() >= 5 for d in data.workdays)


def test_older_years() -> None:
    # 2005-12-31 (Saturday) was worked for the 2006 New Year (國辦發明電〔2005〕35號).
    assert CAL.is_working_day(date(2005, 12, 31))
    assert off_days(CAL, date(2006, 1, 1), date(2006, 1, 3)) == list(days(date(2006, 1, 1), date(2006, 1, 3)))
    # 2015: the Victory Day holiday, 9月3日至5日, 9月6日（星期日）上班.
    assert off_days(CAL, date(2015, 9, 3), date(2015, 9, 6)) == list(days(date(2015, 9, 3), date(2015, 9, 5)))
    # 2019: labour day extended to 5月1日至4日, 4月28日、5月5日（星期日）上班.
    assert off_days(CAL, date(2019, 4, 27), date(2019, 5, 5)) == [
        date(2019, 4, 27),
        *days(date(2019, 5, 1), date(2019, 5, 4)),
    ]
    # 2020: the Spring Festival extended to 2月2日; 2月1日 (a Saturday first set to be worked) was off.
    assert off_days(CAL, date(2020, 1, 19), date(2020, 2, 3)) == list(
        days(date(2020, 1, 24), date(2020, 2, 2))
    )
    assert CAL.is_working_day(date(2020, 1, 19))
    assert CAL.is_working_day(date(2020, 2, 3))
    # 2008, the first year of 清明/端午/中秋: 12月29日（星期六）上班, 12月30日至1月1日放假.
    assert CAL.is_working_day(date(2007, 12, 29))
    assert off_days(CAL, date(2007, 12, 30), date(2008, 1, 2)) == list(
        days(date(2007, 12, 30), date(2008, 1, 1))
    )


def test_arithmetic_examples() -> None:
    assert CAL.add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert CAL.add_working_days(date(2026, 9, 18), 1) == date(2026, 9, 20)  # the worked Sunday
    assert CAL.add_working_days(date(2026, 10, 1), 2) == date(2026, 10, 9)
    assert CAL.add_working_days(date(2026, 10, 8), 2) == date(2026, 10, 10)  # the worked Saturday
    assert CAL.add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)
    assert CAL.roll_forward(date(2026, 10, 3)) == date(2026, 10, 8)
    assert CAL.roll_forward(date(2026, 10, 10)) == date(2026, 10, 10)
    # across a year boundary inside the data
    assert CAL.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 4)


def test_day_info_explains() -> None:
    info = CAL.day_info(date(2026, 10, 6))
    assert (info.kind, info.name, info.working, info.estimated) == (DayKind.HOLIDAY, "國慶節", False, False)
    assert info.notice == "國務院辦公廳關於2026年部分節假日安排的通知 國辦發明電〔2025〕7號"
    made_up = CAL.day_info(date(2026, 9, 20))
    assert (made_up.kind, made_up.name, made_up.working) == (DayKind.MAKEUP_WORKDAY, "國慶節調休上班", True)
    assert made_up.describe() == (
        "2026-09-20 周日：國慶節調休上班，工作日"
        "（國務院辦公廳關於2026年部分節假日安排的通知 國辦發明電〔2025〕7號）"
    )
    plain = CAL.day_info(date(2026, 10, 11))
    assert (plain.kind, plain.name, plain.notice) == (DayKind.WEEKEND, "", "")
    assert CAL.day_info(date(2026, 10, 9)).kind is DayKind.WEEKDAY
    # A break that starts in December belongs to the next year's notice.
    assert "2019年" in CAL.day_info(date(2018, 12, 29)).notice


def test_pendulum_and_protocol() -> None:
    assert isinstance(CAL, HolidayCalendar)
    assert CAL.name == "CN"
    assert CAL.years() == frozenset(range(2004, 2027))
    result = CAL.add_working_days(pendulum.date(2026, 9, 30), 1)
    assert result == date(2026, 10, 8) and type(result) is date
    assert CAL.day_info(pendulum.date(2026, 10, 6)).day == date(2026, 10, 6)


def test_negative_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 5), -1)


# --- properties --------------------------------------------------------------------------------


@given(covered_dates())
def test_working_day_rule(day: date) -> None:
    info = CAL.day_info(day)
    expected = (day.weekday() < 5 and info.kind is not DayKind.HOLIDAY) or info.kind is DayKind.MAKEUP_WORKDAY
    assert CAL.is_working_day(day) is expected is info.working
    assert CAL.is_day_off(day) is not expected
    if info.kind is DayKind.MAKEUP_WORKDAY:
        assert day.weekday() >= 5


@given(dates_with_room(), working_day_counts())
def test_add_lands_on_a_later_working_day(start: date, n: int) -> None:
    result = CAL.add_working_days(start, n)
    assert result > start
    assert CAL.is_working_day(result)
    assert result == naive_add(CAL, start, n)


@given(dates_with_room(), working_day_counts(), working_day_counts())
def test_add_composes(start: date, n: int, m: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, n), m) == CAL.add_working_days(start, n + m)


@given(dates_with_room(20))
def test_roll_forward(day: date) -> None:
    rolled = CAL.roll_forward(day)
    assert rolled >= day and CAL.is_working_day(rolled)
    assert CAL.roll_forward(rolled) == rolled
    assert all(not CAL.is_working_day(d) for d in days(day, rolled - timedelta(days=1)))
    assert rolled == (day if CAL.is_working_day(day) else CAL.add_working_days(day, 1))


# --- missing data ------------------------------------------------------------------------------


@given(uncovered_years(), st.data())
def test_uncovered_year_raises_naming_the_year(year: int, data: st.DataObject) -> None:
    day = data.draw(dates_in_year(year))
    for call in (
        lambda: CAL.is_working_day(day),
        lambda: CAL.is_day_off(day),
        lambda: CAL.add_working_days(day, 1),
        lambda: CAL.roll_forward(day),
        lambda: CAL.day_info(day),
        lambda: CAL.estimated(day),
    ):
        with pytest.raises(CalendarDataError) as caught:
            call()
        assert caught.value.year == year and caught.value.calendar == "CN"
        assert str(year) in str(caught.value)


def test_crossing_into_an_uncovered_year_raises() -> None:
    assert CAL.add_working_days(date(2026, 12, 30), 1) == date(2026, 12, 31)
    with pytest.raises(CalendarDataError) as caught:
        CAL.add_working_days(date(2026, 12, 30), 2)
    assert caught.value.year == 2027
    assert CAL.is_working_day(LAST_COVERED)  # 2026-12-31, a Thursday
    with pytest.raises(CalendarDataError) as caught:
        CAL.roll_forward(date(2027, 1, 1))
    assert caught.value.year == 2027


def test_missing_data_hint_names_the_three_ways() -> None:
    with pytest.raises(CalendarDataError) as caught:
        CAL.add_working_days(date(2026, 12, 20), 20)
    message = str(caught.value)
    assert "2027" in message
    for way in (
        "--holidays FILE",
        "OBLIGATIONS_HOLIDAYS",
        'holidays = "FILE"',
        "obligations.toml",
        "estimate",
    ):
        assert way in message
    assert isinstance(caught.value, ObligationsError)


# --- user files --------------------------------------------------------------------------------

CSV_2027 = """\
# 2027 arrangement, typed in by hand
date,kind,name
2027-01-01,off,元旦
2027-02-05,休,春節
2027-02-06,off,春節
2027-02-07,off,春節
2027-02-08,off,春節
2027-02-09,off,春節
2027-02-10,off,春節
2027-02-11,off,春節
2027-02-20,班,春節調休上班
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.usefixtures("fresh_csv_limit")
def test_user_csv_with_a_cell_over_128_kib(tmp_path: Path) -> None:
    # csv refuses such a cell in a new process unless the reader raises its limit first.
    name = "元旦" * 100_000
    path = write(tmp_path, "h.csv", f"date,kind,name\n2027-01-01,off,{name}\n2027-02-20,work,\n")
    data = read_holidays_file(path)
    assert date(2027, 1, 1) in data.years[2027].days_off
    assert date(2027, 2, 20) in data.years[2027].workdays
    assert len(data.years[2027].days_off[date(2027, 1, 1)].name) == 200_000


def test_user_csv_supplies_a_year(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", CSV_2027)
    cal = load_calendar([path], environ=NO_ENV)
    assert cal.years() == frozenset(range(2004, 2028))
    # Dec 21-25, 28-31, Jan 4-8, 11-15 are 19 working days (Jan 1 is off); the 20th is Jan 18.
    assert cal.add_working_days(date(2026, 12, 20), 20) == date(2027, 1, 18)
    assert cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 12)
    assert cal.is_working_day(date(2027, 2, 20))
    info = cal.day_info(date(2027, 2, 20))
    assert (info.kind, info.name, info.source, info.estimated) == (
        DayKind.MAKEUP_WORKDAY,
        "春節調休上班",
        str(path),
        False,
    )
    assert not cal.estimated_between(date(2026, 1, 1), date(2027, 12, 31))


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_user_csv_saved_with_semicolons_or_tabs(tmp_path: Path, delimiter: str) -> None:
    # Excel saves "CSV" with semicolons where the decimal mark is a comma, and text with tabs.
    (tmp_path / "comma").mkdir()
    comma = read_holidays_file(write(tmp_path / "comma", "h.csv", CSV_2027))
    assert read_holidays_file(write(tmp_path, "h.csv", CSV_2027.replace(",", delimiter))).years == {
        2027: attrs.evolve(comma.years[2027], source=str(tmp_path / "h.csv"))
    }


def test_user_json_replaces_a_bundled_year_wholesale(tmp_path: Path) -> None:
    doc = {
        "format": 1,
        "calendar": "CN",
        "years": {
            "2026": {
                "notice": "本地通知",
                "days_off": [{"date": "2026-03-02", "name": "測試"}],
                "workdays": [],
            }
        },
    }
    path = write(tmp_path, "h.json", json.dumps(doc, ensure_ascii=False))
    cal = load_calendar([path], environ=NO_ENV)
    assert cal.is_day_off(date(2026, 3, 2))
    assert cal.is_working_day(date(2026, 10, 1))  # the bundled 2026 is gone, not merged
    assert cal.is_working_day(date(2026, 9, 20)) is False
    assert cal.day_info(date(2026, 3, 2)).notice == "本地通知"
    assert cal.is_day_off(date(2025, 10, 1))  # other years untouched


def test_environment_variable_and_config_file(tmp_path: Path) -> None:
    path = write(tmp_path, "h.csv", CSV_2027)
    env = {"OBLIGATIONS_HOLIDAYS": os.pathsep.join(["", str(path)])}
    assert 2027 in load_calendar(environ=env).years()
    config = write(tmp_path, "obligations.toml", 'title = "x"\nholidays = "h.csv"\n')
    assert 2027 in load_calendar(environ=NO_ENV, config_path=config).years()
    # without config_path, ./obligations.toml is read (the fixture made tmp_path the cwd)
    assert 2027 in load_calendar(environ=NO_ENV).years()
    # explicit files win over the environment variable, which they replace
    other = write(tmp_path, "other.csv", "2027-03-01,off,x\n")
    cal = load_calendar([other], environ=env, config_path=write(tmp_path, "empty.toml", ""))
    assert cal.is_day_off(date(2027, 3, 1)) and cal.is_working_day(date(2027, 2, 8))


def test_later_file_wins(tmp_path: Path) -> None:
    first = write(tmp_path, "a.csv", CSV_2027)
    second = write(tmp_path, "b.csv", "2027-03-01,off,x\n")
    cal = load_calendar([first, second], environ=NO_ENV)
    assert cal.is_working_day(date(2027, 2, 8)) and cal.is_day_off(date(2027, 3, 1))


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "bad.csv",
            "date,kind,name\n2027-01-01,off,元旦\n2027-01-02,holiday,x\n",
            "bad.csv:3: kind 'holiday'",
        ),
        ("bad.csv", "2027-01-01,off\n2027-13-01,off\n", "bad.csv:2: '2027-13-01' is not a date"),
        ("bad.csv", "2027-01-01,off,a,b\n", "bad.csv:1: expected date,kind,name but found 4 columns"),
        ("bad.csv", "\n\n2027-01-04,work,x\n", "bad.csv:3: 2027-01-04 is a weekday"),
        ("bad.csv", "2027-01-01,off\n2027-01-01,off\n", "bad.csv:2: 2027-01-01 is listed twice"),
        ("bad.csv", "# nothing\n", "bad.csv:1: the file lists no days"),
        ("bad.json", '{"years": {"2027": {"days_off": [}}}', "bad.json:1:34: not valid JSON"),
        (
            "bad.json",
            '{"years": {\n "2027": {\n  "days_off": [{"date": "2027-02-30"}],\n  "workdays": []}}}',
            "bad.json:3: years.2027.days_off[0].date: '2027-02-30' is not a date",
        ),
        (
            "bad.json",
            '{"years": {\n "2027": {\n  "days_off": [],\n  "workday": []}}}',
            "bad.json:2: years.2027: unknown member 'workday'",
        ),
        ("bad.json", '{"years": {"2027": {"days_off": []}}}', "years.2027.workdays: must be a list"),
        (
            "bad.json",
            '{"years": {"2027": {"days_off": [{"date": "2028-01-01"}], "workdays": []}}}',
            "bad.json:1: years.2027.days_off[0]: 2028-01-01 is not in 2027",
        ),
        ("bad.json", '{"format": 2, "years": {}}', "bad.json: format: unsupported format 2"),
        ("bad.json", "[]", "bad.json: top level: must be an object"),
    ],
)
def test_bad_user_file_names_file_and_line(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(InputError) as caught:
        load_calendar([path], environ=NO_ENV)
    assert str(caught.value).startswith(str(tmp_path))
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("text", "zh"),
    [
        ("2027-01-04,班,x\n", "bad.csv:1：2027-01-04 是工作日；調休上班日只能是周六或周日"),
        ("2027-01-01,放假\n", "bad.csv:1：類型「放假」應為 休（off）或 班（work）"),
        ("2027/1/1,休\n", "bad.csv:1：「2027/1/1」不是 YYYY-MM-DD 格式的日期"),
        ("2027-01-01,休\n2027-01-01,休\n", "bad.csv:2：2027-01-01 列了兩次"),
        ("2027-01-01,休,元旦,x\n", "bad.csv:1：應為「日期,類型,名稱」三列，卻有 4 列"),
        ("# 2027\n", "bad.csv:1：文件中沒有列出任何日子"),
    ],
)
def test_holiday_csv_errors_in_chinese(tmp_path: Path, text: str, zh: str) -> None:
    # The 2027 file an office types in Excel: its mistakes are said in the office's language.
    with pytest.raises(InputError) as caught:
        read_holidays_file(write(tmp_path, "bad.csv", text))
    assert caught.value.message("zh") == f"{tmp_path / zh}"


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_holidays_file(tmp_path / "missing.csv")
    gbk = tmp_path / "excel.csv"  # what Chinese Excel and WPS save as plain "CSV"
    gbk.write_bytes("日期,類型,名稱\n2027-01-01,休,元旦\n".encode("gbk"))
    assert read_holidays_file(gbk).years[2027].days_off[date(2027, 1, 1)].name == "元旦"
    neither = tmp_path / "utf16.csv"
    neither.write_bytes("2027-01-01,off\n".encode("utf-16"))
    with pytest.raises(InputError, match="neither UTF-8 nor GB18030"):
        read_holidays_file(neither)
    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffdate,kind,name\n2027-01-01,off,元旦\n".encode())
    assert date(2027, 1, 1) in read_holidays_file(bom).years[2027].days_off


def test_bad_config_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not valid TOML"):
        load_calendar(environ=NO_ENV, config_path=write(tmp_path, "c.toml", "holidays = \n"))
    with pytest.raises(InputError, match="must be a file name"):
        load_calendar(environ=NO_ENV, config_path=write(tmp_path, "c.toml", "holidays = 3\n"))
    with pytest.raises(InputError, match="cannot read"):
        load_calendar(environ=NO_ENV, config_path=tmp_path / "absent.toml")


# --- estimates ---------------------------------------------------------------------------------


def test_estimate_mode_marks_estimated() -> None:
    cal = load_calendar(estimate=True, environ=NO_ENV)
    assert cal.years() == frozenset(range(2004, 2051))
    result = cal.add_working_days(date(2026, 12, 20), 20)
    assert result.year == 2027
    assert cal.estimated(result) and not cal.estimated(date(2026, 12, 20))
    assert cal.estimated_between(date(2026, 12, 20), result)
    assert not cal.estimated_between(date(2026, 1, 1), date(2026, 12, 31))
    info = cal.day_info(date(2027, 2, 9))
    assert (info.kind, info.name, info.estimated, info.source) == (
        DayKind.HOLIDAY,
        "春節（補假）",
        True,
        "estimate",
    )
    assert info.describe().endswith("（推定）")
    with pytest.raises(CalendarDataError) as caught:
        cal.is_working_day(date(2051, 1, 3))
    assert "estimate" not in caught.value.hint  # already on: the hint must not suggest it


def test_estimate_rules_for_2027() -> None:
    cal = load_calendar(estimate=True, environ=NO_ENV)
    # 除夕 Feb 5 (Fri) + 初一-初三 Feb 6-8; Sat/Sun statutory days made up on Feb 9, 10.
    assert off_days(cal, date(2027, 2, 4), date(2027, 2, 11)) == list(
        days(date(2027, 2, 5), date(2027, 2, 10))
    )
    # 勞動節 May 1-2 is a weekend: 補假 May 3-4.
    assert off_days(cal, date(2027, 4, 30), date(2027, 5, 5)) == list(
        days(date(2027, 5, 1), date(2027, 5, 4))
    )
    # 國慶 Oct 1 (Fri) - 3 (Sun): 補假 Oct 4, 5; no make-up working days are ever estimated.
    assert off_days(cal, date(2027, 9, 30), date(2027, 10, 6)) == list(
        days(date(2027, 10, 1), date(2027, 10, 5))
    )
    assert not any(
        cal.day_info(d).kind is DayKind.MAKEUP_WORKDAY for d in days(date(2027, 1, 1), date(2027, 12, 31))
    )


def test_estimate_merges_coinciding_festivals() -> None:
    lunar = {
        "spring_festival": date(2028, 1, 26),
        "qingming": date(2028, 4, 4),
        "dragon_boat": date(2028, 5, 28),
        "mid_autumn": date(2028, 10, 3),
    }
    year = estimate_year(2028, lunar)
    assert year.days_off[date(2028, 10, 3)].name == "中秋節、國慶節"
    # Jan 1 is a Saturday: made up on Monday Jan 3. Oct 1 is a Sunday: made up after Oct 3.
    assert year.days_off[date(2028, 1, 3)].name == "元旦（補假）"
    assert year.days_off[date(2028, 5, 29)].name == "端午節（補假）"
    assert year.days_off[date(2028, 10, 4)].name == "國慶節（補假）"
    # 12 distinct statutory dates (中秋 is Oct 3) and 3 made up (Jan 1, May 28, Oct 1 are weekend days)
    assert len(year.days_off) == 15
    assert year.estimated and not year.workdays


def test_user_year_beats_estimate(tmp_path: Path) -> None:
    cal = load_calendar([write(tmp_path, "h.csv", CSV_2027)], estimate=True, environ=NO_ENV)
    assert not cal.estimated(date(2027, 6, 1)) and cal.estimated(date(2028, 6, 1))
    assert cal.estimated_between(date(2027, 1, 1), date(2029, 1, 1))


@pytest.mark.parametrize(
    ("year", "lunar", "differing"),
    [
        (2025, ("2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"), 10),
        (2026, ("2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"), 12),
    ],
)
def test_estimate_rules_against_notices_under_the_same_law(
    year: int, lunar: tuple[str, ...], differing: int
) -> None:
    """2025 and 2026 were arranged under the 2024 revision too: same yearly total, some days moved."""
    keys = ("spring_festival", "qingming", "dragon_boat", "mid_autumn")
    estimate = TableCalendar(
        "E", {year: estimate_year(year, dict(zip(keys, map(date.fromisoformat, lunar), strict=True)))}
    )
    year_of = list(days(date(year, 1, 1), date(year, 12, 31)))
    assert sum(map(estimate.is_working_day, year_of)) == sum(map(CAL.is_working_day, year_of)) == 248
    assert sum(estimate.is_working_day(d) != CAL.is_working_day(d) for d in year_of) == differing


def test_table_calendar_checks_year_data_built_in_code() -> None:
    with pytest.raises(ValueError, match="listed in year 2027"):
        TableCalendar("X", {2027: YearData(2027, {date(2028, 1, 3): Special("x")})})
    with pytest.raises(ValueError, match="Saturday or Sunday"):
        TableCalendar("X", {2027: YearData(2027, {}, {date(2027, 1, 4): Special("x")})})
    with pytest.raises(ValueError, match="given as year"):
        TableCalendar("X", {2027: YearData(2028)})
    school = TableCalendar("school", {2027: YearData(2027, {date(2027, 1, 4): Special("開學前")})})
    assert isinstance(school, HolidayCalendar) and school.is_day_off(date(2027, 1, 4))
