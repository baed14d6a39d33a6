"""obligations due and obligations calendar: whole outputs, exit codes, ranges, agencies, formats.

The spec is small and the day fixed (--today 2026-09-30, the week of the 2026 National Day break
2026-10-01 – 10-07, with make-up working days 09-20 and 10-10), so every expected output is
written out in full.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from obligations.cli import main
from obligations.cli_due import calendar_cmd, date_range, due
from obligations.render_due import relative, simple_table, weekday

SPEC = """標題：測試規範
發布日期：2026-01-01
時區：Asia/Shanghai
機構 市場監管局 = 某市市場監督管理局 別名 市場局
機構 財政局 = 某市財政局
機構 統計局 = 某市統計局
機構 稅務局 = 某市稅務局

§ 一 定期公開
[T-1] 每周 公布 食品安全抽檢信息 by 市場監管局
> 每周公布食品安全抽檢信息
[T-2] 每月 1日前 公布 財政收支月報 by 財政局 遇節假日順延
> 每月1日前公布財政收支月報，遇節假日順延
[T-3] 每季度 期後 5個工作日內 公布 統計數據 by 統計局
> 每季度結束後5個工作日內公布統計數據
[T-4] 每月 公開 稅費收入情況 by 財政局、稅務局 分別
> 財政局、稅務局分別按月公開稅費收入情況

§ 二 事件
[T-5] 事件 食品安全事故 後 5小時內 發布 權威信息 by 市場監管局 牽頭、統計局 配合
> 發生食品安全事故後5小時內發布權威信息
[T-6] 及時 公開 政策文件 by 財政局
> 及時公開政策文件
[T-7] 定期 公布 其他信息 by 統計局
> 定期公布其他信息
"""

EVENTS = "event,occurred_at,id\n食品安全事故,2026-09-30 10:30,E-1\n信息形成或變更,2026-09-29,F-1\n"


def _cli() -> click.Group:
    """The real command group, with due and calendar added if obligations.cli does not yet."""
    if "due" in main.commands:
        return main
    commands = {**main.commands, "due": due, "calendar": calendar_cmd}
    return click.Group(
        name=main.name,
        params=main.params,
        callback=main.callback,
        commands=commands,
        context_settings=main.context_settings,
    )


def run(*args: str, lang: str = "zh") -> tuple[int, str, str]:
    result = CliRunner().invoke(_cli(), ["--lang", lang, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user cache, holidays or config leak in; the spec is ./t.obl."""
    monkeypatch.setenv("OBLIGATIONS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("OBLIGATIONS_HOLIDAYS", raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    Path("t.obl").write_text(SPEC, encoding="utf-8")


# ---- the table ------------------------------------------------------------------------------------

WEEK_ZH = """\
2026-09-28 周一 至 2026-10-04 周日：3 項到期（今天 2026-09-30 周三）
到期             距今    編號    事項                   責任單位    章節
---------------  ------  ------  ---------------------  ----------  ------
2026-09-30 周三  今天    T-4     公開 稅費收入情況      稅務局      一
2026-09-30 周三  今天    T-4     公開 稅費收入情況      財政局      一
2026-10-04 周日  4天後   T-1     公布 食品安全抽檢信息  市場監管局  一
另有 3 項義務無法在此期間排期：
  事件觸發 2 項：未提供事件（請用 --events FILE 提供）
  時間未定 1 項：原文未給出具體時間（見 obligations lint）
"""


def test_week_table_zh() -> None:
    assert run("due", "t.obl", "--today", "2026-09-30") == (0, WEEK_ZH, "")


def test_week_is_the_default_and_explicit_week_is_the_same() -> None:
    assert run("due", "t.obl", "--week", "--today", "2026-09-30") == (0, WEEK_ZH, "")


NEXT_WEEK_EN = """\
2026-10-05 Mon – 2026-10-11 Sun: 2 due (today 2026-09-30 Wed)
due             when        id    obligation             agencies    section
--------------  ----------  ----  ---------------------  ----------  ---------
2026-10-08 Thu  in 8 days   T-2   公布 財政收支月報      財政局      一
2026-10-11 Sun  in 11 days  T-1   公布 食品安全抽檢信息  市場監管局  一
Not scheduled in this range: 3 obligations
  2 event-triggered: no events given (pass --events FILE)
  1 unscheduled: the text gives no time (see obligations lint)
"""


def test_next_week_en_rolls_over_national_day() -> None:
    # T-2 is due by 10-01, a day off; 遇節假日順延 moves it to 10-08, the first working day after
    # the break (10-01 – 10-07).
    assert run("due", "t.obl", "--next-week", "--today", "2026-09-30", lang="en") == (0, NEXT_WEEK_EN, "")


FROM_TO_WITH_EVENTS = """\
2026-09-28 周一 至 2026-10-18 周日：8 項到期（今天 2026-10-09 周五）
到期                   距今     編號    事項                   責任單位                            章節
---------------------  -------  ------  ---------------------  ----------------------------------  ------
2026-09-30 周三 15:30  逾期9天  T-5     發布 權威信息          市場監管局（牽頭）、統計局（配合）  二
2026-09-30 周三        逾期9天  T-4     公開 稅費收入情況      稅務局                              一
2026-09-30 周三        逾期9天  T-4     公開 稅費收入情況      財政局                              一
2026-10-04 周日        逾期5天  T-1     公布 食品安全抽檢信息  市場監管局                          一
2026-10-08 周四        逾期1天  T-2     公布 財政收支月報      財政局                              一
2026-10-11 周日        2天後    T-1     公布 食品安全抽檢信息  市場監管局                          一
2026-10-13 周二        4天後    T-3     公布 統計數據          統計局                              一
2026-10-18 周日        9天後    T-1     公布 食品安全抽檢信息  市場監管局                          一
另有 1 項義務無法在此期間排期：
  時間未定 1 項：原文未給出具體時間（見 obligations lint）
"""


def test_from_to_with_events_across_national_day() -> None:
    # T-5: 5 hours after 10:30. T-3: the quarter ends 09-30, and its 5 working days are 10-08,
    # 10-09, 10-10 (a make-up Saturday), 10-12 and 10-13. T-2: due by 10-01, a day off, rolled to
    # 10-08. T-6 (及時: 20 working days after 09-29) falls due on 11-02, after the range, and is
    # not missing either: its event was given.
    Path("events.csv").write_text(EVENTS, encoding="utf-8")
    args = ("due", "t.obl", "--from", "2026-09-28", "--to", "2026-10-18", "--today", "2026-10-09")
    assert run(*args, "--events", "events.csv") == (0, FROM_TO_WITH_EVENTS, "")


def test_working_days_over_national_day_for_one_agency() -> None:
    Path("events.csv").write_text(EVENTS, encoding="utf-8")
    args = ("due", "t.obl", "--from", "2026-09-28", "--to", "2026-11-06", "--today", "2026-10-09")
    assert run(*args, "--events", "events.csv", "--agency", "财政局") == (
        0,
        "2026-09-28 周一 至 2026-11-06 周五：5 項到期（今天 2026-10-09 周五）\n"
        "到期             距今     編號    事項               責任單位    章節\n"
        "---------------  -------  ------  -----------------  ----------  ------\n"
        "2026-09-30 周三  逾期9天  T-4     公開 稅費收入情況  財政局      一\n"
        "2026-10-08 周四  逾期1天  T-2     公布 財政收支月報  財政局      一\n"
        "2026-10-31 周六  22天後   T-4     公開 稅費收入情況  財政局      一\n"
        "2026-11-02 周一  24天後   T-2     公布 財政收支月報  財政局      一\n"
        "2026-11-02 周一  24天後   T-6     公開 政策文件      財政局      二\n",
        "",
    )


def test_ranges() -> None:
    from datetime import date

    today = date(2026, 9, 30)
    assert date_range("week", today) == (date(2026, 9, 28), date(2026, 10, 4))
    assert date_range("next_week", today) == (date(2026, 10, 5), date(2026, 10, 11))
    assert date_range("month", today) == (date(2026, 9, 1), date(2026, 9, 30))
    assert date_range("quarter", today) == (date(2026, 7, 1), date(2026, 9, 30))
    assert date_range("quarter", date(2026, 12, 31)) == (date(2026, 10, 1), date(2026, 12, 31))
    assert date_range("year", today) == (date(2026, 1, 1), date(2026, 12, 31))
    # An ISO week that spans two years
    assert date_range("week", date(2027, 1, 1)) == (date(2026, 12, 28), date(2027, 1, 3))


@pytest.mark.parametrize(
    ("flag", "first_line"),
    [
        ("--month", "2026-09-01 周二 至 2026-09-30 周三：7 項到期（今天 2026-09-30 周三）"),
        ("--quarter", "2026-07-01 周三 至 2026-09-30 周三："),
        ("--year", "2026-01-01 周四 至 2026-12-31 周四："),
    ],
)
def test_range_flags(flag: str, first_line: str) -> None:
    code, out, _ = run("due", "t.obl", flag, "--today", "2026-09-30")
    assert code == 0
    assert out.splitlines()[0].startswith(first_line)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--week", "--month"), "只能選擇一個期間，卻給了 --week, --month"),
        (("--month", "--from", "2026-01-01", "--to", "2026-01-31"), "只能選擇一個期間"),
        (("--from", "2026-01-01"), "--from 和 --to 須同時給出"),
        (("--from", "2026-02-01", "--to", "2026-01-31"), "--from 2026-02-01 晚於 --to 2026-01-31"),
        (
            ("--today", "2026-9-30"),
            "選項 '--today' 的值無效：「2026-9-30」不是日期；請寫成 YYYY-MM-DD 的形式",
        ),
        (("--today", "2026-02-30"), "「2026-02-30」不是日期"),
        (("--format", "xml"), "xml"),
    ],
)
def test_usage_errors_exit_two(args: tuple[str, ...], message: str) -> None:
    code, out, err = run("due", "t.obl", *args)
    assert code == 2
    assert out == ""
    assert message in err


def test_overdue_and_relative_words() -> None:
    from datetime import date

    day = date(2026, 9, 30)
    cases = {-2: ("逾期2天", "2 days overdue"), -1: ("逾期1天", "1 day overdue"), 0: ("今天", "today")}
    cases |= {1: ("明天", "tomorrow"), 3: ("3天後", "in 3 days")}
    for delta, (zh, en) in cases.items():
        due_day = date.fromordinal(day.toordinal() + delta)
        assert relative(due_day, day, "zh") == zh
        assert relative(due_day, day, "en") == en
    assert weekday(date(2026, 12, 1), "zh") == "周二"
    assert weekday(date(2026, 12, 1), "en") == "Tue"


def test_simple_table_is_tabulates_simple_format() -> None:
    tabulate = pytest.importorskip("tabulate").tabulate
    headers = ["到期", "距今", "編號", "事項", "責任單位", "章節"]
    rows = [
        ["2026-12-01 周二", "逾期2天", "HM-4404", "公布 食品安全抽檢信息", "市場監管局（牽頭）", "四(四)"],
        ["2026-12-01 Tue (estimated)", "in 3 days", "o-1a2b3c4d", "x", "", "1"],
        ["", "", "", "", "", ""],
    ]
    expected = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True) + "\n"
    assert simple_table(headers, rows) == expected


_CELLS = st.text(alphabet=st.sampled_from("ab 1.9-：逾期（天）市場監管局食品安全Ａ"), max_size=8).map(
    str.strip
)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(_CELLS, min_size=4, max_size=4), max_size=8),
    right=st.sets(st.integers(0, 3)),
)
def test_simple_table_right_aligns_as_tabulate_does(rows: list[list[str]], right: set[int]) -> None:
    tabulate = pytest.importorskip("tabulate").tabulate
    headers = ["狀態", "id", "逾期（天）", "說明"]
    # A column of numbers is right-aligned when it holds any; one with none is text (tabulate's
    # own choice when it parses numbers, as the check table's did).
    align = tuple("right" if i in right and any(row[i] for row in rows) else "left" for i in range(4))
    expected = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True, colalign=align)
    assert simple_table(headers, rows, right=sorted(right)) == expected + "\n"


# ---- agencies -------------------------------------------------------------------------------------


def test_agency_alias_in_the_other_script() -> None:
    # 市场局 is the Simplified form of the alias 市場局 of 市場監管局.
    code, out, err = run("due", "t.obl", "--today", "2026-09-30", "--agency", "市场局")
    assert (code, err) == (0, "")
    assert out == (
        "2026-09-28 周一 至 2026-10-04 周日：1 項到期（今天 2026-09-30 周三）\n"
        "到期             距今    編號    事項                   責任單位    章節\n"
        "---------------  ------  ------  ---------------------  ----------  ------\n"
        "2026-10-04 周日  4天後   T-1     公布 食品安全抽檢信息  市場監管局  一\n"
        "另有 1 項義務無法在此期間排期：\n"
        "  事件觸發 1 項：未提供事件（請用 --events FILE 提供）\n"
    )


def test_agency_full_name_and_each_obligations() -> None:
    # 分別: each agency owes its own occurrence, and only its own matches.
    code, out, _ = run("due", "t.obl", "--today", "2026-09-30", "--agency", "某市税务局")
    assert code == 0
    rows = [line.split()[3] for line in out.splitlines()[3:] if line.startswith("2026")]
    assert rows == ["T-4"]
    assert "稅務局" in out and "財政局" not in out


def test_agency_support_sees_joint_and_lead_occurrences() -> None:
    Path("events.csv").write_text(EVENTS, encoding="utf-8")
    code, out, _ = run(
        "due", "t.obl", "--today", "2026-09-30", "--agency", "統計局", "--events", "events.csv"
    )
    assert code == 0
    assert "T-5     發布 權威信息" in out  # 統計局 supports 市場監管局's T-5


def test_unknown_agency_is_a_usage_error() -> None:
    code, out, err = run("due", "t.obl", "--agency", "教育局", lang="en")
    assert code == 2
    assert out == ""
    assert "no agency '教育局' in the spec" in err


# ---- JSON and CSV ---------------------------------------------------------------------------------


def test_json() -> None:
    Path("events.csv").write_text(EVENTS, encoding="utf-8")
    code, out, err = run(
        "due", "t.obl", "--today", "2026-09-30", "--events", "events.csv", "--format", "json"
    )
    assert code == 0
    assert (
        err == "另有 1 項義務無法在此期間排期：\n  時間未定 1 項：原文未給出具體時間（見 obligations lint）\n"
    )
    data = json.loads(out)
    assert [d["obligation"] for d in data] == ["T-5", "T-4", "T-4", "T-1"]
    assert data[0] == {
        "obligation": "T-5",
        "agency": "市場監管局",
        "period": None,
        "trigger": {"event": "食品安全事故", "occurred_at": "2026-09-30T10:30:00+08:00", "id": "E-1"},
        "due": "2026-09-30T15:30:00+08:00",
        "due_date": "2026-09-30",
        "estimated": False,
        "timed": True,
        "action": "發布",
        "subject": "權威信息",
        "section": "二",
        "kind": "event",
        "min_count": 1,
    }
    assert data[3]["period"] == {"start": "2026-09-28", "end": "2026-10-04"}
    assert data[3]["trigger"] is None
    assert data[3]["due"].startswith("2026-10-04T23:59:59") and data[3]["due"].endswith("+08:00")
    for d in data:
        assert set(d) >= {"obligation", "agency", "period", "trigger", "due", "due_date", "estimated"}


def test_csv_and_bom() -> None:
    code, out, _ = run("due", "t.obl", "--today", "2026-09-30", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [
        "obligation",
        "agency",
        "period_start",
        "period_end",
        "trigger_event",
        "trigger_occurred_at",
        "trigger_id",
        "due",
        "due_date",
        "estimated",
        "timed",
        "action",
        "subject",
        "section",
        "kind",
        "min_count",
    ]
    assert rows[3][:4] == ["T-1", "市場監管局", "2026-09-28", "2026-10-04"]
    assert rows[3][8:] == ["2026-10-04", "false", "false", "公布", "食品安全抽檢信息", "一", "periodic", "1"]
    raw = CliRunner().invoke(_cli(), ["due", "t.obl", "--today", "2026-09-30", "--format", "csv", "--bom"])
    assert raw.stdout_bytes.startswith("\ufeffobligation,".encode())
    assert raw.stdout_bytes.endswith(b",periodic,1\r\n")  # CRLF, as Excel writes CSV


# ---- events, holidays, errors ----------------------------------------------------------------------


def test_rejected_event_rows_are_reported_with_row_numbers() -> None:
    Path("events.csv").write_text(EVENTS + ",2026-09-29,X\n食品安全事故,notadate,E-2\n", encoding="utf-8")
    code, out, err = run("due", "t.obl", "--today", "2026-09-30", "--events", "events.csv", lang="en")
    assert code == 1  # rows rejected is a finding (docs/cli.md); the others are still used
    assert "T-5" in out
    lines = err.splitlines()
    assert lines[0] == "events.csv:4: rejected [no-event] no event name"
    assert lines[1].startswith("events.csv:5: rejected [bad-time] time 'notadate' not understood")
    assert lines[2] == "2 row(s) of events.csv rejected; the others are used"


def test_unreadable_events_file_exits_three() -> None:
    code, out, err = run("due", "t.obl", "--events", "missing.csv", lang="en")
    assert code == 3
    assert out == ""
    assert err.startswith("error: missing.csv: ")


def test_unreadable_holidays_file_exits_three() -> None:
    code, out, err = run("due", "t.obl", "--holidays", "missing.csv", lang="en")
    assert (code, out) == (3, "")
    assert err.startswith("error: missing.csv: cannot read")


def test_uncovered_year_exits_three_naming_the_year() -> None:
    # The week 2030-12-30 – 2031-01-05 needs 2030 first (T-2's roll, T-3's working days).
    code, out, err = run("due", "t.obl", "--today", "2031-01-05")
    assert (code, out) == (3, "")
    assert err == (
        "錯誤：沒有 2030 年的節假日安排數據，無法計算 [T-2] 2030 年的到期日"
        "（期間 2030-12-01 至 2030-12-31；已有數據：2004–2026）\n"
        "  = 提示: 請將 2030 年的放假日和調休上班日寫入節假日文件（CSV 或 JSON，格式見 docs/calendar.md），"
        "用 --holidays FILE 指定，或寫入環境變量 OBLIGATIONS_HOLIDAYS，"
        '或在 obligations.toml 中寫 holidays = "FILE"；也可加 --estimate 按規則推定（結果標為「估算」）\n'
    )
    Path("h2030.csv").write_text("2030-01-01,off,元旦\n", encoding="utf-8")
    code, _, err = run("due", "t.obl", "--today", "2031-01-05", "--holidays", "h2030.csv", lang="en")
    assert code == 3
    assert err.startswith("error: no holiday data for 2031, so due dates [T-2] in 2031 cannot be computed")
    assert "(period 2031-01-01 to 2031-01-31; data: 2004–2026, 2030)" in err
    assert "--estimate" in err


def test_uncovered_year_succeeds_with_user_holidays_files(monkeypatch: pytest.MonkeyPatch) -> None:
    Path("h2030.csv").write_text("2030-01-01,off,元旦\n", encoding="utf-8")
    Path("h2031.csv").write_text("date,kind,name\n2031-01-01,off,元旦\n", encoding="utf-8")
    args = ("due", "t.obl", "--today", "2031-01-05", "--holidays", "h2030.csv", "--holidays", "h2031.csv")
    code, out, err = run(*args)
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "2030-12-30 周一 至 2031-01-05 周日：4 項到期（今天 2031-01-05 周日）"
    assert "2031-01-02 周四  逾期3天  T-2" in out  # 01-01 is a day off: rolled to 01-02
    assert "估算" not in out
    # The same through the environment variable
    monkeypatch.setenv("OBLIGATIONS_HOLIDAYS", "h2030.csv:h2031.csv")
    assert run(*args[:4]) == (0, out, "")


def test_estimate_marks_results() -> None:
    code, out, err = run("due", "t.obl", "--today", "2031-01-05", "--estimate")
    assert (code, err) == (0, "")
    assert "2031-01-02 周四（估算）  逾期3天  T-2" in out
    assert "估算：按規則推定的節假日數據計算（尚無國務院通知），僅供安排工作參考，不是法定日期" in out


def test_invalid_spec_exits_three() -> None:
    Path("bad.obl").write_text("每周 公布\n", encoding="utf-8")
    code, out, err = run("due", "bad.obl", lang="en")
    assert (code, out) == (3, "")
    assert err.endswith("1 error(s)\n")


def test_default_spec_is_said_on_stderr() -> None:
    Path("specs").mkdir()
    Path("t.obl").rename("specs/t.obl")
    code, out, err = run("due", "--today", "2026-09-30")
    assert (code, out, err) == (0, WEEK_ZH, "# spec: specs\n")


def test_no_spec_files_is_a_usage_error() -> None:
    Path("empty").mkdir()
    code, _, err = run("due", "empty", lang="en")
    assert code == 2
    assert "no spec files found" in err


# ---- calendar --------------------------------------------------------------------------------------


def test_calendar_2026() -> None:
    code, out, err = run("calendar", "--year", "2026")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "2026 年：國務院辦公廳關於2026年部分節假日安排的通知 國辦發明電〔2025〕7號"
    assert lines[1].split() == ["日期", "星期", "安排", "名稱"]
    assert "2026-09-20  周日    調休上班  國慶節調休上班" in lines
    assert "2026-10-07  周三    放假      國慶節" in lines
    assert "2026-10-10  周六    調休上班  國慶節調休上班" in lines
    assert lines[-2:] == ["共 33 天放假，6 天調休上班", "數據覆蓋年份：2004–2026（內置）"]


def test_calendar_estimated_year_en() -> None:
    code, out, _ = run("calendar", "--year", "2027", "--estimate", lang="en")
    assert code == 0
    lines = out.splitlines()
    assert (
        lines[0]
        == "2027: no notice yet: estimated by the rules of 全國年節及紀念日放假辦法 (no make-up days)"
    )
    assert "2027-10-04  Mon    day off  國慶節（補假）" in lines
    assert lines[-1] == "years covered: 2004–2026 (bundled), 2027–2050 (estimated by rule)"


def test_calendar_uncovered_year_and_user_file() -> None:
    code, out, err = run("calendar", "--year", "2031", lang="en")
    assert (code, out) == (3, "")
    assert err.startswith("error: no holiday data for 2031")
    Path("h2031.csv").write_text("2031-01-01,off,元旦\n2031-01-04,work,調休\n", encoding="utf-8")
    code, out, _ = run("calendar", "--year", "2031", "--holidays", "h2031.csv", lang="en")
    assert code == 0
    assert out == (
        "2031: (no notice named)\n"
        "date        day    kind                 name\n"
        "----------  -----  -------------------  ------\n"
        "2031-01-01  Wed    day off              元旦\n"
        "2031-01-04  Sat    make-up working day  調休\n"
        "1 days off, 1 make-up working days\n"
        "years covered: 2004–2026 (bundled), 2031 (h2031.csv)\n"
    )


def test_calendar_json() -> None:
    code, out, _ = run("calendar", "--year", "2026", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["year"] == 2026 and data["estimated"] is False
    assert {"date": "2026-10-10", "weekday": 6, "kind": "work", "name": "國慶節調休上班"}.items() <= data[
        "days"
    ][-1].items()
    assert data["coverage"] == [
        {"from": 2004, "to": 2026, "source": "obligations/data/cn_holidays.json", "estimated": False}
    ]


def test_holidays_from_obligations_toml() -> None:
    Path("holidays").mkdir()
    Path("holidays/h.csv").write_text("2030-01-01,off,元旦\n2031-01-01,off,元旦\n", encoding="utf-8")
    Path("obligations.toml").write_text('holidays = "holidays/h.csv"\n', encoding="utf-8")
    code, out, err = run("due", "t.obl", "--today", "2031-01-05")
    assert (code, err) == (0, "")
    assert "2031-01-02 周四  逾期3天  T-2" in out
    code, out, _ = run("calendar", "--year", "2031", lang="en")
    assert code == 0
    assert out.endswith("years covered: 2004–2026 (bundled), 2030–2031 (holidays/h.csv)\n")


def test_a_lead_time_shows_its_time_of_day() -> None:
    # 提前1個工作日 is due at 00:00 of the day shown: a publication at 10:00 that day is late, so
    # the table, the CSV and the calendar say the time, as for a limit in hours.
    Path("lead.obl").write_text("[L3] 每周 提前1個工作日 公布 停水計劃 by 住建局\n", encoding="utf-8")
    code, out, _ = run("due", "lead.obl", "--today", "2026-11-18")
    assert code == 0 and "2026-11-20 周五 00:00" in out
    code, out, _ = run("due", "lead.obl", "--today", "2026-11-18", "--format", "csv")
    row = out.splitlines()[1].split(",")
    assert (row[7], row[10]) == ("2026-11-20T00:00:00+08:00", "true")
