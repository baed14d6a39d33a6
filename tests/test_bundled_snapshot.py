"""Golden snapshot of ``obligations list --format json`` for the bundled spec, and ``explain``.

Rewrite with ``pytest --update-golden`` and review the change with ``git diff``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations.cli import main

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = Path(__file__).parent / "golden" / "haimen-2017.list.json"


def test_list_json_snapshot(update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["list", "--format", "json", "specs/haimen-2017"])
    assert result.exit_code == 0, result.output
    if update_golden:
        SNAPSHOT.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == SNAPSHOT.read_text(encoding="utf-8")


def test_explain_goes_to_the_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["--lang", "zh", "explain", "HM-4404", "specs/haimen-2017"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "義務      [HM-4404] 公布 食品安全抽檢信息"
    assert lines[1] == "文件      海門市近期政務公開工作要點"
    assert lines[2] == "章節      四(四) 推進食品藥品安全領域信息公開"
    assert lines[4] == "原文      「每周公布食品安全抽檢信息」"
    assert lines[5] == "時間      每周"


def test_explain_unknown_id_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["--lang", "en", "explain", "NOPE", "specs/haimen-2017"])
    assert result.exit_code == 2
    assert "no obligation 'NOPE'" in result.output
