"""`obligations check` and `report` on years without holiday data: refused without --estimate (the
same message as `due`), and every due date computed from estimated days marked with --estimate.

2031 stands for a year with no State Council notice (the bundled data ends years before it).
HM-1120 (月度統計資料, 期後 及時) falls due a working day after the month, so its date depends on
the holidays; HM-1118 (每季度, at the quarter's end) does not.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations.calendar import load_calendar
from obligations.cli import main
from obligations.cli_due import years_text

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["specs/haimen-2017", "--from", "2031-09-22", "--as-of", "2031-10-20", "--agency", "統計局"]


@pytest.fixture
def evidence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)
    path = tmp_path / "e.csv"
    path.write_text("編號,單位,發布時間\nHM-1120,統計局,2031-09-26 10:00\n", encoding="utf-8")
    return str(path)


def check(lang: str, *extra: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", lang, "check", *ARGS, *extra])
    return result.exit_code, result.stdout, result.stderr


def test_check_marks_due_dates_computed_from_estimated_holidays(evidence: str) -> None:
    code, out, _ = check("zh", "--evidence", evidence, "--estimate")
    assert code == 1
    assert out.splitlines()[2:] == [
        "按時    HM-1120  統計局      2031-09-26 23:59（估算）  2031-09-26 10:00                月度統計資料",
        "未發布  HM-1118  統計局      2031-09-30 23:59                    "
        "                      國民經濟運行情況和主要調查數據新聞發布會、通氣會",
        "",
        "讀取 1 行：匹配 1，無對應義務 0，拒收 0 · 按時 1，逾期 0，未發布 1，次數不足 0，間隔過長 0，"
        "未到期 7（未列出）",
        "估算：按規則推定的節假日數據計算（尚無國務院通知），僅供安排工作參考，不是法定日期",
    ]
    code, out, _ = check("en", "--evidence", evidence, "--estimate")
    lines = out.splitlines()
    assert lines[2].startswith("on_time   HM-1120  統計局    2031-09-26 23:59 (estimated)  2031-09-26 10:00")
    assert lines[3].startswith("missing   HM-1118  統計局    2031-09-30 23:59              ")
    assert lines[-1] == (
        "estimated: computed from holiday data estimated by rule, not from a State Council notice; "
        "a planning aid, not a legal date"
    )


def test_check_json_says_which_due_dates_are_estimated(evidence: str) -> None:
    code, out, _ = check("en", "--evidence", evidence, "--estimate", "--format", "json")
    assert code == 1
    listed = {
        (f["obligation"], f["due"][:10]): f["estimated"]
        for f in json.loads(out)["findings"]
        if f["status"] != "pending"
    }
    assert listed == {("HM-1120", "2031-09-26"): True, ("HM-1118", "2031-09-30"): False}


def test_check_without_holiday_data_says_so_as_due_does(evidence: str) -> None:
    covered = years_text(load_calendar().years())
    code, out, err = check("en", "--evidence", evidence)
    assert (code, out) == (3, "")
    assert err == (
        "error: no holiday data for 2031, so due dates [HM-1120] in 2031 cannot be computed "
        f"(period 2031-06-01 to 2031-06-30; data: {covered})\n"
        "  = hint: give 2031's days off and make-up working days in a holidays file (CSV or JSON, see "
        "docs/calendar.md) with --holidays FILE, or name the file in the environment variable "
        'OBLIGATIONS_HOLIDAYS, or write holidays = "FILE" in obligations.toml; or add --estimate for '
        "dates estimated by rule (marked estimated)\n"
    )
    code, _, err = check("zh", "--evidence", evidence)
    assert code == 3
    assert err.splitlines()[0] == (
        "錯誤：沒有 2031 年的節假日安排數據，無法計算 [HM-1120] 2031 年的到期日"
        f"（期間 2031-06-01 至 2031-06-30；已有數據：{covered}）"
    )


def test_report_marks_estimated_due_dates(evidence: str, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    args = ["--lang", "zh", "report", *ARGS, "--evidence", evidence, "--estimate", "--html", str(page)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    html = page.read_text(encoding="utf-8")
    assert "2031-09-26 周五（估算）" in html  # HM-1120, met on time
    assert "2031-09-30 周二<" in html  # HM-1118, missing: a quarter's end needs no holiday data


def test_as_of_a_date_alone_is_the_end_of_that_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 截至10月11日: a row published that afternoon counts, and week 41 (due Sunday 11 October
    # 23:59) is missing, not pending, when nothing met it; with a time, that minute is the limit.
    monkeypatch.chdir(ROOT)
    path = tmp_path / "e.csv"
    path.write_text("編號,單位,發布時間\nHM-4404,市場監管局,2026-10-11 15:00\n", encoding="utf-8")
    base = ["--lang", "en", "check", "specs/haimen-2017", "--from", "2026-10-05", "--agency", "市場監管局"]

    def run(*extra: str) -> tuple[dict[str, int], list[tuple[str, str]]]:
        result = CliRunner().invoke(main, [*base, *extra, "--format", "json"])
        data = json.loads(result.stdout)
        week41 = [(f["status"], f["due"][:10]) for f in data["findings"] if f["obligation"] == "HM-4404"]
        return data["summary"], week41

    summary, week41 = run("--evidence", str(path), "--as-of", "2026-10-11")
    assert (summary["rejected"], summary["on_time"]) == (0, 1)
    assert ("on_time", "2026-10-11") in week41
    summary, _ = run("--evidence", str(path), "--as-of", "2026-10-11 14:59")
    assert summary["rejected"] == 1  # published after the limit: future_date
    empty = tmp_path / "none.csv"
    empty.write_text("編號,單位,發布時間\n", encoding="utf-8")
    assert ("missing", "2026-10-11") in run("--evidence", str(empty), "--as-of", "2026-10-11")[1]
    assert ("pending", "2026-10-11") in run("--evidence", str(empty), "--as-of", "2026-10-11 12:00")[1]


def test_lateness_keeps_its_decimal_in_the_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Days late, to one decimal, right-aligned: 3.0 stays 3.0 beside 4.4 (the table once printed
    # a whole number of days as 3).
    monkeypatch.chdir(ROOT)
    path = tmp_path / "e.csv"
    path.write_text(
        "編號,單位,發布時間,期間\n"
        "HM-4404,市場監管局,2026-10-14 23:59,2026-W41\n"
        "HM-4404,市場監管局,2026-10-09 09:30,2026-W40\n",
        encoding="utf-8",
    )
    args = ["--lang", "en", "check", "specs/haimen-2017", "--evidence", str(path)]
    result = CliRunner().invoke(
        main, [*args, "--from", "2026-09-28", "--as-of", "2026-10-16", "--agency", "市場監管局"]
    )
    late = [line for line in result.stdout.splitlines() if line.startswith("late")]
    assert [line[: line.index("食品")].rstrip()[-4:] for line in late] == [" 4.4", " 3.0"]


def test_from_after_as_of_is_a_usage_error(evidence: str) -> None:
    args = ["--lang", "en", "check", "specs/haimen-2017", "--evidence", evidence]
    result = CliRunner().invoke(main, [*args, "--from", "2031-12-01", "--as-of", "2031-11-01"])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: --from 2031-12-01 is after --as-of 2031-11-01"


@pytest.mark.parametrize(
    ("command", "option", "value"),
    [
        (["check", "specs/haimen-2017"], "--from", "0001-01-01"),
        (["check", "specs/haimen-2017"], "--as-of", "9999-12-31"),
        (["due"], "--today", "9999-12-31"),
        (["due", "--to", "2026-01-31"], "--from", "0001-01-01"),
        (["explain", "HM-4404"], "--on", "9999-12-31"),
    ],
)
def test_dates_far_outside_any_plan_are_usage_errors(
    evidence: str, command: list[str], option: str, value: str
) -> None:
    # The engine looks a year and more around a range: year 1 and year 9999 ended in tracebacks.
    extra = ["--evidence", evidence] if command[0] == "check" else []
    result = CliRunner().invoke(main, ["--lang", "en", *command, *extra, option, value])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '{option}': '{value}': the year must be between 1900 and 2999"
    )


def test_a_spec_not_yet_in_effect_at_the_as_of_date_says_so(evidence: str) -> None:
    # Without --from the check starts at the spec's effective start (2017-09-04 for Haimen).
    args = ["--lang", "en", "check", "specs/haimen-2017", "--evidence", evidence, "--as-of", "2016-01-01"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        "Error: the spec's effective start 2017-09-04 is after --as-of 2016-01-01"
    )


def test_the_ledger_is_checked_as_it_stood_at_as_of(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A retrospective check from the ledger must not credit what was published after --as-of:
    # the same as the file, where those rows are rejected as future dates.
    monkeypatch.chdir(ROOT)
    db = str(tmp_path / "ledger.sqlite")
    example = "docs/examples/evidence-2026-10.csv"
    runner = CliRunner()
    assert runner.invoke(main, ["evidence", "import", example, "--db", db]).exit_code == 1  # row 10
    base = ["check", "specs/haimen-2017", "--from", "2026-09-28", "--as-of", "2026-10-12"]
    base += ["--agency", "市場監管局", "--format", "json"]
    from_file = runner.invoke(main, ["--lang", "en", *base, "--evidence", example])
    from_ledger = runner.invoke(main, ["--lang", "en", *base, "--db", db])
    assert from_ledger.exit_code == from_file.exit_code == 1
    findings = [json.loads(r.stdout)["findings"] for r in (from_file, from_ledger)]
    assert [(f["obligation"], f["due"], f["status"]) for f in findings[0]] == [
        (f["obligation"], f["due"], f["status"]) for f in findings[1]
    ]
    assert json.loads(from_ledger.stdout)["summary"]["rows_read"] == 4
    assert from_ledger.stderr == f"{db}: 4 entries published after --as-of 2026-10-12 23:59 are not checked\n"
    zh = runner.invoke(main, ["--lang", "zh", *base, "--db", db])
    assert zh.stderr == f"{db}：4 條記錄發布於 --as-of 2026-10-12 23:59 之後，未納入核查\n"


@pytest.mark.parametrize("command", ["check", "report"])
def test_an_agency_no_one_knows_is_a_usage_error(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mistyped --agency lists nothing: without this, a failing check would pass with exit 0.
    monkeypatch.chdir(ROOT)
    args = [command, "specs/haimen-2017", "--evidence", "docs/examples/evidence-2026-10.csv"]
    args += ["--from", "2026-09-28", "--as-of", "2026-10-31", "--agency"]
    typo = CliRunner().invoke(main, ["--lang", "en", *args, "市埸監管局"])
    assert typo.exit_code == 2
    assert typo.stderr.splitlines()[-1] == (
        "Error: no agency '市埸監管局' in the spec or the evidence (see obligations list)"
    )
    zh = CliRunner().invoke(main, ["--lang", "zh", *args, "市埸監管局"])
    assert (
        zh.stderr.splitlines()[-1]
        == "Error: 規範和發布記錄中都沒有機構「市埸監管局」（可用 obligations list 查看）"
    )
    # Any alias or script of a declared agency is known, and so is an agency that only published.
    assert CliRunner().invoke(main, ["--lang", "en", *args, "海门市市场监督管理局"]).exit_code == 1
    outsider = tmp_path / "e.csv"
    outsider.write_text("編號,單位,發布時間\nHM-4404,宣傳部,2026-10-09 10:00\n", encoding="utf-8")
    published = CliRunner().invoke(main, ["--lang", "en", *args, "宣傳部", "--evidence", str(outsider)])
    assert published.exit_code == 0, published.output
    assert "宣傳部" in published.stdout


REPORT = ["report", "specs/haimen-2017", "--from", "2026-09-28", "--as-of", "2026-10-31"]


def test_report_html_into_a_missing_folder_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    target = tmp_path / "no-such-folder" / "r.html"
    args = [*REPORT, "--evidence", "docs/examples/evidence-2026-10.csv", "--html", str(target)]
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    assert result.exit_code == 3 and isinstance(result.exception, SystemExit)
    assert result.stderr.splitlines()[-1] == f"{target}: cannot write: No such file or directory"
    zh = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert zh.stderr.splitlines()[-1] == f"{target}：無法寫入：No such file or directory"


@pytest.mark.skipif(os.name != "posix", reason="a file name in GBK bytes is a POSIX file system's")
def test_a_file_name_in_gbk_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Unzipped from an archive made on Chinese Windows: the name is GBK bytes, not UTF-8. It is
    # shown as its Chinese name in JSON, HTML and the ledger, and --force replaces a report whole.
    monkeypatch.chdir(ROOT)
    name = os.fsdecode("10月公開記錄.csv".encode("gbk"))
    evidence = tmp_path / name
    evidence.write_bytes(Path("docs/examples/evidence-2026-10.csv").read_bytes())
    runner = CliRunner()
    checked = runner.invoke(
        main, ["--lang", "en", "check", *REPORT[1:], "--evidence", str(evidence), "--format", "json"]
    )
    assert checked.exit_code == 1, checked.output
    [rejected] = json.loads(checked.stdout)["rejected"]
    assert rejected["file"] == str(tmp_path / "10月公開記錄.csv")
    page = tmp_path / "r.html"
    page.write_text("<p>last month's report</p>", encoding="utf-8")
    made = runner.invoke(main, [*REPORT, "--evidence", str(evidence), "--html", str(page), "--force"])
    assert made.exit_code == 1, made.output
    assert "10月公開記錄.csv" in page.read_text(encoding="utf-8")
    db = str(tmp_path / "ledger.sqlite")
    imported = runner.invoke(main, ["--lang", "en", "evidence", "import", str(evidence), "--db", db])
    assert imported.exit_code == 1 and isinstance(imported.exception, SystemExit)
    assert imported.stdout.startswith(
        f"{tmp_path / '10月公開記錄.csv'}: 9 rows read, 8 imported, 1 rejected\n"
    )


def test_check_csv_cells_never_run_as_formulas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Titles and agencies come from scraped websites; Excel must show them, not run them.
    monkeypatch.chdir(ROOT)
    evidence = tmp_path / "e.csv"
    evidence.write_text(
        "編號,單位,發布時間,標題\n"
        'HM-4404,"=HYPERLINK(""http://x"")",2026-10-09 10:00,x\n'
        "HM-4404,@SUM(A1),2026-10-09 11:00,x\n",
        encoding="utf-8",
    )
    args = ["--lang", "en", "check", *REPORT[1:], "--evidence", str(evidence), "--format", "csv"]
    out = CliRunner().invoke(main, args).stdout
    rows = list(csv.reader(io.StringIO(out)))
    cells = [cell for row in rows[1:] for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and "'@SUM(A1)" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


def test_no_evidence_and_no_ledger_is_said_in_the_users_language(tmp_path: Path) -> None:
    db = tmp_path / "none.sqlite"
    args = ["check", str(ROOT / "specs/haimen-2017"), "--db", str(db), "--as-of", "2026-10-31"]
    zh = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert zh.exit_code == 2
    assert zh.stderr.splitlines()[-1] == (
        f"Error: 沒有給出 --evidence，{db} 也沒有證據台賬（先用 obligations evidence import 導入）"
    )
    en = CliRunner().invoke(main, ["--lang", "en", *args])
    assert en.stderr.splitlines()[-1] == f"Error: no --evidence given and no evidence ledger at {db}"


def test_an_unreadable_evidence_file_is_said_as_due_says_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    args = ["check", str(ROOT / "specs/haimen-2017"), "--evidence", str(missing), "--as-of", "2026-10-31"]
    zh = CliRunner().invoke(main, ["--lang", "zh", *args])
    assert (zh.exit_code, zh.stderr) == (3, f"錯誤：{missing}：文件不存在\n")
    en = CliRunner().invoke(main, ["--lang", "en", *args])
    assert (en.exit_code, en.stderr) == (3, f"error: {missing}: no such file\n")


def test_check_rounds_lateness_halves_up_and_shows_what_decided_a_count(tmp_path: Path) -> None:
    # 2 days 6 hours late is 2.3 in the table, the CSV, the report and the HTML alike (Python's
    # round() of the float gave 2.2); a count met late shows the publication that completed it.
    spec = tmp_path / "s.obl"
    spec.write_text(
        "[H] 事件 突發事件 後 5小時內 發布 權威信息 by 甲局\n[C] 每月 至少2次 開展 檢查 by 乙局\n",
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text("event,occurred_at\n突發事件,2026-10-01 10:00\n", encoding="utf-8")
    evidence = tmp_path / "e.csv"
    evidence.write_text(
        "obligation,agency,published_at,period\n"
        "H,甲局,2026-10-03 21:00,\n"  # due 10-01 15:00: 2.25 days late
        "C,乙局,2026-09-10 10:00,\n"
        "C,乙局,2026-10-02 10:00,2026-09\n",  # September's second, after its end
        encoding="utf-8",
    )
    args = ["--lang", "en", "check", str(spec), "--evidence", str(evidence), "--events", str(events)]
    args += ["--from", "2026-09-01", "--as-of", "2026-10-05"]
    table = CliRunner().invoke(main, args).stdout
    assert "late      H     甲局      2026-10-01 15:00  2026-10-03 21:00            2.3" in table
    assert "late      C     乙局      2026-09-30 23:59  2026-10-02 10:00            1.4" in table
    rows = list(csv.DictReader(io.StringIO(CliRunner().invoke(main, [*args, "--format", "csv"]).stdout)))
    assert [(r["id"], r["published"], r["late (days)"]) for r in rows if r["status"] == "late"] == [
        ("C", "2026-10-02 10:00", "1.4"),
        ("H", "2026-10-03 21:00", "2.3"),
    ]


def test_report_for_one_agency_leaves_out_other_agencies_wrong_rows(tmp_path: Path) -> None:
    # 財政局 posting 市場監管局's weekly item is 財政局's fault: with --agency 市場監管局 the table,
    # its total and grade are 市場監管局's own (the wrong-agency row used to add a 財政局 row).
    args = [
        "--lang",
        "en",
        "report",
        *REPORT[1:],
        "--evidence",
        str(ROOT / "docs/examples/evidence-2026-10.csv"),
    ]
    args += ["--agency", "市场监管局", "--format", "json"]
    out = CliRunner().invoke(main, args, catch_exceptions=False).stdout
    rows = json.loads(out)
    assert [r["agency"] for r in rows] == ["市場監管局", ""]
    assert rows[0]["wrong_agency"] == rows[1]["wrong_agency"] == 0
    assert {k: v for k, v in rows[1].items() if k not in ("agency", "total")} == {
        k: v for k, v in rows[0].items() if k not in ("agency", "total")
    }


def test_a_mistyped_date_is_said_in_the_users_language() -> None:
    args = [
        "check",
        str(ROOT / "specs/haimen-2017"),
        "--evidence",
        str(ROOT / "docs/examples/evidence-2026-10.csv"),
    ]
    zh = CliRunner().invoke(main, ["--lang", "zh", *args, "--as-of", "2026-13-01"])
    assert zh.exit_code == 2
    assert zh.stderr.splitlines()[-1] == (
        "Error: 選項 '--as-of' 的值無效：「2026-13-01」不是日期；"
        "請寫成 2026-10-31 或 2026-10-31T14:30 或 2026-10-31 14:30 的形式"
    )
    en = CliRunner().invoke(main, ["--lang", "en", *args, "--from", "0001-01-01"])
    assert en.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--from': '0001-01-01': the year must be between 1900 and 2999"
    )
