"""fmt is idempotent and meaning-preserving, and keyword/script conversion round-trips."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from obligations.fmt import format_source, meaning
from obligations.parse_tree import parse
from tests.spec_strategies import spec_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _meaning(text: str) -> object:
    spec_file, diags = parse(text, "t.obl")
    assert diags == []
    return meaning(spec_file)


@SETTINGS
@given(spec_text())
def test_generated_specs_compile(text: str) -> None:
    _, diags = parse(text, "t.obl")
    assert diags == []


@SETTINGS
@given(spec_text())
def test_fmt_is_idempotent_and_keeps_meaning(text: str) -> None:
    for keywords in (None, "zh", "en"):
        for script in (None, "hant", "hans"):
            once = format_source(text, "t.obl", keywords=keywords, script=script)
            assert format_source(once, "t.obl", keywords=keywords, script=script) == once
            assert _meaning(once) == _meaning(text)


@SETTINGS
@given(spec_text())
def test_keywords_and_scripts_round_trip(text: str) -> None:
    zh = format_source(text, "t.obl", keywords="zh")
    there_and_back = format_source(format_source(zh, "t.obl", keywords="en"), "t.obl", keywords="zh")
    assert there_and_back == zh
    hant = format_source(text, "t.obl", script="hant")
    via_hans = format_source(format_source(hant, "t.obl", script="hans"), "t.obl", script="hant")
    assert _meaning(via_hans) == _meaning(text)


def test_comments_and_blank_lines_survive() -> None:
    text = "# 開頭\n\n\n每周 公布 X by Y  # 行尾\n> 原文\n# 中間\n\n每月 公布 Z by Y\n"
    assert (
        format_source(text, "t.obl")
        == "# 開頭\n\n每周 公布 X by Y  # 行尾\n> 原文\n# 中間\n\n每月 公布 Z by Y\n"
    )


def test_english_keywords() -> None:
    text = "每月 8日前 公布 財政收支月報 by 財政局、稅務局 分別 遇節假日順延\n"
    assert format_source(text, "t.obl", keywords="en") == (
        "monthly by day 8 公布 財政收支月報 by 財政局, 稅務局 each roll forward\n"
    )


def test_simplified_script_converts_names_not_quotes() -> None:
    text = "每周 公布 食品安全抽檢 by 市場監管局\n> 每周公布食品安全抽檢信息\n"
    assert format_source(text, "t.obl", script="hans") == (
        "每周 公布 食品安全抽检 by 市场监管局\n> 每周公布食品安全抽檢信息\n"
    )


def test_names_that_need_quotes_get_them() -> None:
    text = '每周 公布 "food safety results" by 「市場監管局、財政局」\n'
    assert format_source(text, "t.obl") == "每周 公布 「food safety results」 by 「市場監管局、財政局」\n"


@pytest.mark.parametrize(
    "subject",
    [
        "至",
        "by",
        "由",
        "渠道",
        "遇節假日順延",
        "不順延",
        "公示期",
        "自",
        "from",
        "until",
        "可延長",
        "extendable",
    ],
)
def test_a_subject_that_is_a_keyword_keeps_its_quotes(subject: str) -> None:
    # Bare, 至 would read back as the keyword of a window, extendable before by as 「extendable by」.
    text = f'每月 公布 "{subject}" by 財政局\n'
    formatted = format_source(text, "t.obl")
    assert formatted == f"每月 公布 「{subject}」 by 財政局\n"
    assert _meaning(formatted) == _meaning(text)


def test_a_subject_that_only_starts_like_a_keyword_stays_bare() -> None:
    assert format_source('每月 公布 "自然資源" by 財政局\n', "t.obl") == "每月 公布 自然資源 by 財政局\n"
