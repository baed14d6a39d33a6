"""The command line: output, exit codes and the JSON contract."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations.cli import main

SPEC = """標題：測試
機構 市場監管局 = 海門市市場監督管理局 別名 市場局
[R-1] 每周 公布 食品安全抽檢 by 市場監管局
> 每周公布食品安全抽檢信息
"""
SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "list.schema.json"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--lang", "en", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "a.obl"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_list_table(spec: Path) -> None:
    code, out, _ = run("list", str(spec))
    assert code == 0
    assert out.splitlines()[2].split() == ["R-1", "weekly", "公布", "食品安全抽檢", "市場監管局"]


def test_list_json_matches_schema(spec: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run("list", "--format", "json", str(spec))
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert data[0]["agencies"] == [{"name": "市場監管局", "role": "joint"}]
    assert data[0]["source"]["quote"] == "每周公布食品安全抽檢信息"


def test_list_csv(spec: Path) -> None:
    code, out, _ = run("list", "--format", "csv", str(spec))
    assert code == 0
    assert out.splitlines()[0] == "id,schedule,action,subject,agencies,section,quote,file,line"
    zh = CliRunner().invoke(main, ["--lang", "zh", "list", "--format", "csv", str(spec)])
    assert zh.stdout.splitlines()[0] == "編號,時間,動作,事項,責任單位,章節,原文,文件,行"  # all Chinese
    excel = CliRunner().invoke(main, ["--lang", "zh", "list", "--format", "csv", "--bom", str(spec)])
    assert excel.stdout_bytes.startswith("\ufeff編號,".encode())  # Excel reads UTF-8 only with a BOM


def test_lint_clean_exits_zero(spec: Path) -> None:
    assert run("lint", str(spec)) == (0, "", "")


def test_lint_findings_exit_one(tmp_path: Path) -> None:
    path = tmp_path / "b.obl"
    path.write_text("定期 公布 X by 人社局\n", encoding="utf-8")
    code, out, err = run("lint", str(path))
    assert code == 1
    assert "warning W401: 定期 (regularly) gives no period, so this obligation cannot be scheduled" in out
    assert "warning W403: agency 人社局 is not declared" in out
    assert err.strip() == "3 warning(s)"


def test_invalid_spec_exits_three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("c.obl").write_text("每周 公布\n", encoding="utf-8")
    code, out, err = run("list", "c.obl")
    assert code == 3
    assert out == ""
    assert err == (
        "c.obl:1:4: error E214: this obligation has the action 公布 but no subject\n"
        " 1 | 每周 公布\n"
        "   |      ^^^^\n"
        "  = hint: write the verb, then what is published: 公布 食品安全抽檢信息 (if 公布 is the subject, add the verb before it)\n"
        "1 error(s)\n"
    )


def test_usage_error_exits_two() -> None:
    assert run("list", "--format", "xml")[0] == 2


def test_fmt_check_and_write(tmp_path: Path) -> None:
    path = tmp_path / "d.obl"
    path.write_text("每周   公布 X   by Y\n", encoding="utf-8")
    assert run("fmt", "--check", str(path))[0] == 1
    assert path.read_text(encoding="utf-8") == "每周   公布 X   by Y\n"  # --check never writes
    assert run("fmt", str(path))[1] == "每周 公布 X by Y\n"  # default prints, never writes
    assert path.read_text(encoding="utf-8") == "每周   公布 X   by Y\n"
    assert run("fmt", "--write", str(path))[0] == 0
    assert path.read_text(encoding="utf-8") == "每周 公布 X by Y\n"
    assert run("fmt", "--check", str(path))[0] == 0


def test_fmt_never_writes_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    # A GBK spec decoded with replacement characters and written back would lose its Chinese.
    path = tmp_path / "gbk.obl"
    original = "# 財政收支月報，按月公開\n[T-1]   monthly   publish budget by finance\n".encode("gb18030")
    path.write_bytes(original)
    code, out, err = run("fmt", "--write", str(path))
    assert (code, out) == (3, "")
    assert err == (
        f"error E304: spec {path} is not UTF-8 text\n  = hint: save the file as UTF-8 (WPS/Word: 另存為 → 編碼 UTF-8)\n"
        "1 of 1 file(s) not formatted (see above)\n"
    )
    assert path.read_bytes() == original


def test_fmt_write_on_a_folder_formats_the_files_it_can(tmp_path: Path) -> None:
    # One file that cannot be formatted is said, and does not stop the others being written.
    (tmp_path / "a.obl").write_bytes("每月   公布 財政 by 財政局\n".encode("gb18030"))
    (tmp_path / "b.obl").write_text("每月   公布 Z by Y\n", encoding="utf-8")
    code, _, err = run("fmt", "--write", str(tmp_path))
    assert code == 3
    assert err.splitlines()[-2:] == [
        f"reformatted {tmp_path / 'b.obl'}",
        "1 of 2 file(s) not formatted (see above)",
    ]
    assert (tmp_path / "b.obl").read_text(encoding="utf-8") == "每月 公布 Z by Y\n"


def test_fmt_write_keeps_windows_line_ends_on_every_line(tmp_path: Path) -> None:
    path = tmp_path / "w.obl"
    path.write_bytes(
        "# 註釋\r\n每周   公布 X   by Y  # 行尾註釋\r\n> 原文\r\n\r\n每月 公布 Z by Y\r\n".encode()
    )
    assert run("fmt", "--write", str(path))[0] == 0
    assert path.read_bytes() == (
        "# 註釋\r\n每周 公布 X by Y  # 行尾註釋\r\n> 原文\r\n\r\n每月 公布 Z by Y\r\n".encode()
    )
    assert run("fmt", "--check", str(path))[0] == 0


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_fmt_write_through_a_symbolic_link_keeps_the_link(tmp_path: Path) -> None:
    real = tmp_path / "real.obl"
    real.write_text("每周   公布 X   by Y\n", encoding="utf-8")
    link = tmp_path / "link.obl"
    link.symlink_to(real)
    assert run("fmt", "--write", str(link))[0] == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "每周 公布 X by Y\n"


def test_fmt_takes_a_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.obl").write_text("每周 公布 X by Y\n", encoding="utf-8")
    (tmp_path / "sub" / "b.obl").write_text("每月   公布 Z by Y\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("每周   not a spec\n", encoding="utf-8")
    code, _, err = run("fmt", "--check", str(tmp_path))
    assert (code, err) == (1, f"would reformat {tmp_path / 'sub' / 'b.obl'}\n")
    assert run("fmt", "--write", str(tmp_path))[0] == 0
    assert (tmp_path / "sub" / "b.obl").read_text(encoding="utf-8") == "每月 公布 Z by Y\n"
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "每周   not a spec\n"
    assert run("fmt", "--check", str(tmp_path))[0] == 0
    (tmp_path / "empty").mkdir()
    assert run("fmt", str(tmp_path / "empty"))[0] == 2


def test_explain_with_a_bad_holidays_file_says_so(tmp_path: Path) -> None:
    spec = tmp_path / "e.obl"
    spec.write_text("[M] 每月 8日前 公開 財政收支月報 by 財政局 遇節假日順延\n", encoding="utf-8")
    bad = tmp_path / "h.csv"
    bad.write_text("2027-01-01\n", encoding="utf-8")
    code, out, err = run("explain", "M", str(spec), "--holidays", str(bad))
    assert (code, out) == (3, "")
    assert err == f"error: {bad}:1: expected date,kind,name but found 1 columns\n"


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0
    assert out.startswith("obligations, version ")


def test_explain_lists_next_due_dates_and_what_moved_them(tmp_path: Path) -> None:
    path = tmp_path / "e.obl"
    path.write_text(
        "[M] 每月 8日前 公開 財政收支月報 by 財政局 遇節假日順延\n[E] 及時 公開 政府文件 by 辦公室\n",
        encoding="utf-8",
    )
    code, out, _ = run("explain", "M", str(path), "--on", "2026-10-20", "--count", "2")
    assert code == 0
    assert out.splitlines()[-3:] == [
        "next due  2026-11-09 Mon  財政局",
        "            moved by 2026-11-08 Sun: weekend, day off",
        "          2026-12-08 Tue  財政局",
    ]
    code, out, _ = run("explain", "E", str(path), "--on", "2026-10-20")
    assert out.splitlines()[-1] == "next due  set by events: give them with obligations due --events FILE"


def test_explain_shows_every_spec_that_has_the_id(tmp_path: Path) -> None:
    (tmp_path / "y2025.obl").write_text(
        "標題：2025年要點\n[F-3] 每月 8日前 公布 財政收支月報 by 財政局\n", "utf-8"
    )
    (tmp_path / "y2026.obl").write_text(
        "標題：2026年要點\n[F-3] 每月 10日前 公布 財政收支月報 by 財政局\n", "utf-8"
    )
    code, out, _ = run("explain", "F-3", str(tmp_path), "--on", "2026-03-01", "--count", "1")
    assert code == 0
    assert [line for line in out.splitlines() if line.startswith(("document", "next due"))] == [
        "document    2025年要點",
        "next due  2026-03-08 Sun  財政局",
        "document    2026年要點",
        "next due  2026-03-10 Tue  財政局",
    ]


def test_explain_says_when_holiday_data_cuts_the_list_short(tmp_path: Path) -> None:
    # 15 working days after December is in January, a year with no data: one date of the five,
    # and a line saying why, so that the short list does not look complete.
    from tests.strategies import LAST_COVERED

    last = LAST_COVERED.year
    spec = tmp_path / "a.obl"
    spec.write_text("[A7] 每月 期後15個工作日內 公布 月度財政數據 by 財政局\n", encoding="utf-8")
    args = ["explain", "A7", str(spec), "--on", f"{last}-12-01", "--count"]
    code, out, _ = run(*args, "5")
    assert code == 0
    *_, listed, said = out.splitlines()
    assert listed.startswith(f"next due  {last}-12-") and listed.endswith("財政局")  # November's
    assert said == f"          (the list stops before {last + 1}: no holiday data for {last + 1})"
    assert "stops" not in run(*args, "1")[1]  # one was asked for, one is listed
    code, out, _ = run("explain", "A7", str(spec), "--on", f"{last + 1}-01-01")
    assert out.splitlines()[-1] == (
        f"next due  no holiday data for {last + 1}: none can be listed "
        "(give it with --holidays FILE, or add --estimate)"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["due", "--agency", ""],
        ["check", "specs/haimen-2017", "--agency", " ", "--evidence", "docs/examples/evidence-2026-10.csv"],
        ["evidence", "list", "--agency", ""],
        ["explain", "HM-4404", "--count", "0"],
    ],
)
def test_an_empty_filter_or_a_count_below_one_is_a_usage_error(
    args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # --agency "" used to mean every agency, and --count -1 none: say so instead.
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    code, _, err = run(*args)
    assert code == 2 and ("must not be empty" in err or "is not in the range x>=1" in err), err


def test_help_lists_every_command_without_importing_them() -> None:
    # --help used to import every command's module to show its one line; the lines it shows for
    # the lazy ones are kept in cli._LazyGroup.SHORT_HELP, and must say what the commands say.
    import click

    from obligations.cli import _LazyGroup

    ctx = click.Context(main)
    for name in _LazyGroup.LAZY:
        command = main.get_command(ctx, name)
        assert command is not None and command.help is not None
        assert _LazyGroup.SHORT_HELP[name] == command.help.split("\n\n")[0].replace("\n", " ").strip()
    probe = "import sys; from obligations.cli import main; main(['--help'], standalone_mode=False); "
    probe += "print(sorted(m for m in sys.modules if m.startswith('obligations.cli_')))"
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "['obligations.cli_options']"
