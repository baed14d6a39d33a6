"""Output formats go through the obligations.formats registry, built-in ones included."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations import formats
from obligations.cli import main
from obligations.plugins import load_group

ROOT = Path(__file__).resolve().parents[1]


def test_builtin_mirror_is_the_installed_entry_points() -> None:
    installed = {
        ep.name: ep.value
        for ep in entry_points(group="obligations.formats")
        if ep.value.startswith("obligations.")
    }
    assert installed == formats.BUILTIN


def test_builtins_load_through_the_group() -> None:
    loaded = {p.name: p.obj for p in load_group("obligations.formats") if p.error is None}
    for name in formats.BUILTIN:
        assert loaded[name] is formats.get(name, next(iter(loaded[name].kinds)))


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("obligations", ["csv", "json", "table"]),
        ("occurrences", ["csv", "ics", "json", "table"]),
        ("findings", ["csv", "html", "json", "table"]),
        ("compliance", ["csv", "json", "table"]),
    ],
)
def test_formats_per_kind(kind: str, expected: list[str]) -> None:
    assert formats.names(kind) == expected


def test_unknown_format_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["--lang", "en", "list", "specs/haimen-2017", "--format", "ics"])
    assert result.exit_code == 2
    assert "no format 'ics' for obligations; available: csv, json, table" in result.output


def test_check_as_html(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = [
        "--lang",
        "zh",
        "check",
        "specs/haimen-2017",
        "--evidence",
        "docs/examples/evidence-2026-10.csv",
        "--from",
        "2026-09-28",
        "--as-of",
        "2026-10-31",
        "--agency",
        "市場監管局",
        "--format",
        "html",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "海門市近期政務公開工作要點" in result.stdout
