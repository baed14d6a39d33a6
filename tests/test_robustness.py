"""Bad spec input never escapes as anything but the project's own error type."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations.cli import main
from obligations.compiler import compile_text, loads
from obligations.diagnostics import render_all
from obligations.errors import SpecError
from tests.spec_strategies import spec_text

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_ALPHABET = st.characters(codec="utf-8") | st.sampled_from(
    list('每周月年事件後內前至少次 by、，「」《》"[]>#\n:：0123456789')
)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(spec_text())
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.text(_ALPHABET, min_size=1, max_size=4))
        if op == "insert":
            text = text[:pos] + piece + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + len(piece) :]
        else:
            text = text[:pos] + piece + text[pos + len(piece) :]
    return text


def _only_own_errors(text: str) -> None:
    result = compile_text(text, "t.obl")  # must not raise
    rendered = render_all(result.diagnostics, result.sources, "zh") + render_all(
        result.diagnostics, result.sources
    )
    assert "Traceback" not in rendered
    assert all(d.span is None or d.span.line >= 1 for d in result.diagnostics)
    try:
        loads(text, "t.obl")
    except SpecError as err:
        assert err.diagnostics
        assert any(d.is_error for d in err.diagnostics)


@SETTINGS
@given(st.text(_ALPHABET, max_size=200))
def test_random_text(text: str) -> None:
    _only_own_errors(text)


@SETTINGS
@given(mutated())
def test_mutated_specs(text: str) -> None:
    _only_own_errors(text)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_cli_never_shows_a_traceback(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "x.obl"
    spec.write_text(text, encoding="utf-8")
    for args in (["list", str(spec)], ["lint", str(spec)], ["fmt", str(spec)]):
        result = CliRunner().invoke(main, ["--lang", "en", *args])
        assert result.exit_code in (0, 1, 3), result.output
        assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.output


# Inputs a fuzzer found (session 4): each ended in a traceback, or read silently wrong.
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("時區：" + "/".join(["A"] * 400) + "\n每月 公布 x by 財政局\n", "E204"),  # RecursionError
        ("引用 \x00\n", "E301"),  # a NUL byte in an include path: ValueError
        ("標題：x\r每月 公布 x by 財政局\n", "E101"),  # old Mac line ends: read as one line, no duty
        ("# 註釋\r每月 公布 x by 財政局\r", "E101"),  # ... even where it starts in a comment
    ],
)
def test_inputs_a_fuzzer_found_are_diagnostics(text: str, code: str) -> None:
    result = compile_text(text, "f.obl")
    assert code in [d.code for d in result.diagnostics]
    render_all(result.diagnostics, result.sources, "zh")  # and they render


def test_a_chinese_numeral_after_by_day_is_that_day() -> None:
    result = compile_text('monthly by day 十五 publish "x" by 財政局\n', "f.obl")
    assert result.spec is not None
    assert result.spec.obligations[0].to_dict()["schedule"]["deadline"] == {
        "kind": "day_of_period",
        "day": 15,
    }


def test_fmt_in_english_keeps_a_month_that_does_not_exist() -> None:
    from obligations.fmt import format_source

    # 13月 is E202 when compiled; fmt keeps it as written instead of failing with an IndexError
    assert format_source("每年 13月1日前 公布 x by 財政局\n", "f.obl", keywords="en") == (
        "yearly 13月1日前 公布 x by 財政局\n"
    )
