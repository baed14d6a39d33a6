"""`obligations extract` on policy text: the Haimen 2017 document and variants of it.

The draft must always compile, keep every sentence of the source (as a ``>`` quote or a ``#``
comment), be the same on every run, and contain the obligations a reader expects.
"""

from __future__ import annotations

import re
import textwrap
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations import script
from obligations.cli_extract import extract_cmd
from obligations.compiler import compile_text
from obligations.diagnostics import render_all
from obligations.extract import extract_text, load_extractor
from obligations.model import Obligation, Spec, schedule_to_dict

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "000_0ca0f610db5f85cb.txt"


@cache
def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


@cache
def _draft() -> str:
    return extract_text(_seed(), SEED.name)


def _compile(draft: str) -> Spec:
    result = compile_text(draft, "draft.obl")
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.spec is not None
    return result.spec


@cache
def _spec() -> Spec:
    return _compile(_draft())


def _find(spec: Spec, action: str, subject: str) -> Obligation:
    found = [
        ob
        for ob in spec.obligations
        if script.key(ob.action) == script.key(action) and script.key(ob.subject) == script.key(subject)
    ]
    assert found, f"no obligation {action} {subject}"
    return found[0]


def _agencies(ob: Obligation, spec: Spec) -> set[str]:
    """The agencies of an obligation under their declared short names."""
    out = set()
    for ref in ob.agencies:
        agency = spec.agency(ref.name)
        out.add(agency.name if agency else ref.name)
    return out


# ---- the Haimen document --------------------------------------------------------------------------


def test_draft_compiles_without_errors() -> None:
    spec = _spec()
    assert len(spec.obligations) > 150


def test_header_from_title_line_and_signature_block() -> None:
    spec = _spec()
    assert spec.title == "海門市近期政務公開工作要點"
    assert spec.issuer == "海門市人民政府辦公室"
    assert spec.issued is not None and spec.issued.isoformat() == "2017-09-04"


def test_sections_follow_the_headings() -> None:
    draft = _draft()
    assert "§ 一 以政務公開助力經濟平穩較快增長" in draft
    assert "§ 一(一) 加強預期引導,推進經濟社會政策公開透明" in draft
    assert "§ 四(四) 推進食品藥品安全領域信息公開" in draft
    ob = _find(_spec(), "公布", "食品安全抽檢信息")
    assert ob.source.section == "四(四)"


def test_weekly_food_safety_sampling_by_market_supervision() -> None:
    spec = _spec()
    ob = _find(spec, "公布", "食品安全抽檢信息")
    assert schedule_to_dict(ob.schedule) == {"kind": "periodic", "every": "week", "roll": False}
    assert _agencies(ob, spec) == {"市場監管局"}
    assert ob.source.quote.startswith("建立食品安全定期常態性抽檢信息公開機制,每周公布食品安全抽檢信息")


def test_compound_clause_is_split_quarterly_drug_quality() -> None:
    spec = _spec()
    ob = _find(spec, "公布", "藥品質量公告")
    assert schedule_to_dict(ob.schedule)["every"] == "quarter"
    assert _agencies(ob, spec) == {"市場監管局"}


def test_five_hours_for_authoritative_information() -> None:
    ob = _find(_spec(), "發布", "權威信息")
    schedule = schedule_to_dict(ob.schedule)
    assert schedule["kind"] == "event"
    assert schedule["within"] == "PT5H"
    assert schedule["trigger"] == "特別重大、重大突發事件"
    press = _find(_spec(), "舉行", "新聞發布會")
    assert schedule_to_dict(press.schedule)["within"] == "PT24H"
    assert schedule_to_dict(press.schedule)["trigger"] == "特別重大、重大突發事件"


@pytest.mark.parametrize(
    ("action", "subject", "expected"),
    [
        ("公開", "全市財政收支情況", {"kind": "periodic", "every": "month"}),
        ("發布", "消費市場運行情況分析報告", {"kind": "periodic", "every": "half-year"}),
        ("公布", "參加社會保險情況", {"kind": "unscheduled", "phrase": "定期"}),
        ("寄送", "個人權益記錄單", {"kind": "unscheduled", "phrase": "按時"}),
        ("更新", "年度內收費基金政策調整情況", {"kind": "realtime"}),
        ("發布", "大氣環境質量", {"kind": "realtime"}),
        ("公示", "低收入農戶", {"kind": "standing"}),
        ("公布", "返鄉下鄉人員創業創新園區工作", {"kind": "unscheduled", "phrase": "按省要求"}),
        ("實現", "80%以上政務服務事項在線辦理", {"kind": "once", "phrase": "year_end", "due": "2017-12-31"}),
        ("開展", "扶貧第三方評估", {"kind": "unscheduled", "phrase": "適時"}),
        ("進行", "專題研究", {"kind": "count", "every": "year", "min_count": 1}),
        ("公開", "上一年度化解過剩產能情況", {"kind": "periodic", "every": "year"}),
        ("公布", "季度統計資料", {"kind": "periodic", "every": "quarter"}),
        ("公開", "重點排污單位名錄", {"kind": "event", "working_days": 20, "trigger": "信息形成或變更"}),
    ],
)
def test_timing_phrases(action: str, subject: str, expected: dict[str, object]) -> None:
    schedule = schedule_to_dict(_find(_spec(), action, subject).schedule)
    assert {k: schedule.get(k) for k in expected} == expected


def test_prompt_is_the_spec_default() -> None:
    schedule = schedule_to_dict(_find(_spec(), "公布", "穩定和擴大就業的新一輪政策").schedule)
    assert schedule == {"kind": "event", "trigger": "信息形成或變更", "working_days": 20, "prompt": True}


def test_interpretation_goes_with_its_document() -> None:
    spec = _spec()
    policy = _find(spec, "公布", "穩定和擴大就業的新一輪政策")
    reading = _find(spec, "解讀", "穩定和擴大就業的新一輪政策")
    assert policy.id_given
    assert schedule_to_dict(reading.schedule)["sync_with"] == policy.id


def test_responsibility_tail_roles() -> None:
    spec = _spec()
    ob = _find(spec, "寄送", "個人權益記錄單")  # (人社局牽頭落實)
    assert [(a.name, a.role.value) for a in ob.agencies] == [("人社局", "lead")]
    tax = _find(spec, "公開", "便民辦稅春風行動事項")  # 按職責分工分別牽頭: the tax bureaus, each
    assert [(a.name, a.role.value) for a in tax.agencies] == [("國稅局", "each"), ("地稅局", "each")]
    price = _find(spec, "發布", "主要農產品批發價格等信息")  # a price is the price bureau's
    assert _agencies(price, spec) == {"物價局"}


def test_agencies_named_in_the_sentence_win() -> None:
    spec = _spec()
    ob = _find(spec, "督查", "落實情況")  # 市政府辦公室適時對落實情況進行督查
    assert _agencies(ob, spec) == {"市政府辦公室"}
    cases = _find(spec, "曝光", "一批典型案例")  # 市住建局聯合市場監管局、物價局等部門
    assert [(a.name, a.role.value) for a in cases.agencies] == [
        ("住建局", "lead"),
        ("市場監管局", "support"),
        ("物價局", "support"),
    ]


def test_agencies_are_declared_with_a_note() -> None:
    draft = _draft()
    assert "機構 市場監管局 = 市場監管局  # 全稱待核" in draft
    assert "機構 發改委 = 發改委 別名 市發改委  # 全稱待核" in draft
    assert "TODO" not in draft
    spec = _spec()
    assert all(a.declared for ob in spec.obligations for a in ob.agencies)


def _sentences(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        line = re.sub(r"^[一二三四五六七八九十]+、|^[(（][一二三四五六七八九十]+[)）]", "", line)
        for piece in re.split(r"(?<=[。；;])", line):
            if piece.strip():
                out.append(piece.strip())
    return out


def test_every_sentence_is_kept_as_a_quote_or_a_comment() -> None:
    draft = _draft()
    kept = [line.lstrip("#>§ ").strip() for line in draft.splitlines() if line.startswith(("#", ">", "§"))]
    shown = "\n".join(kept)
    missing = [s for s in _sentences(_seed()) if s.rstrip("。；;") not in shown]
    assert missing == []


def test_every_obligation_quotes_its_source_verbatim() -> None:
    seed = _seed()
    for ob in _spec().obligations:
        assert ob.source.quote and ob.source.quote in seed


def test_guesses_are_said_in_comments() -> None:
    draft = _draft()
    assert "# 原文未寫時限：按條例法定時限" in draft
    assert "# 原文：近期,我市政務公開工作總體要求是" in draft
    assert "# 責任分工：(市場監管局牽頭落實)" in draft


def test_deterministic() -> None:
    assert extract_text(_seed(), SEED.name) == extract_text(_seed(), SEED.name)


# ---- variants of the input -------------------------------------------------------------------------


def _meaning(spec: Spec) -> list[tuple[str, str, str]]:
    return [
        (script.key(ob.action), script.key(ob.subject), str(schedule_to_dict(ob.schedule)["kind"]))
        for ob in spec.obligations
    ]


def test_line_wrapped_paragraphs_give_the_same_draft() -> None:
    wrapped = "\n".join("\n".join(textwrap.wrap(p, 36)) if len(p) > 36 else p for p in _seed().splitlines())
    assert wrapped.count("\n") > _seed().count("\n") * 3
    spec = _compile(extract_text(wrapped, "wrapped.txt"))
    assert _meaning(spec) == _meaning(_spec())
    assert [ob.source.quote for ob in spec.obligations] == [ob.source.quote for ob in _spec().obligations]


def test_simplified_source() -> None:
    simplified = script.to_hans(_seed())
    draft = extract_text(simplified, "simplified.txt")
    spec = _compile(draft)
    assert "标题：海门市近期政务公开工作要点" in draft
    assert "机构 市场监管局 = 市场监管局  # 全稱待核" in draft
    ob = _find(spec, "公布", "食品安全抽检信息")
    assert schedule_to_dict(ob.schedule)["every"] == "week"
    assert len(spec.obligations) == len(_spec().obligations)


def test_full_width_punctuation() -> None:
    full = _seed().translate(str.maketrans(",;:()", "，；：（）"))
    spec = _compile(extract_text(full, "fullwidth.txt"))
    assert len(spec.obligations) == len(_spec().obligations)
    ob = _find(spec, "發布", "權威信息")
    assert schedule_to_dict(ob.schedule)["within"] == "PT5H"


def test_unmapped_timing_is_unscheduled_with_the_phrase_in_a_comment() -> None:
    text = "一、工作要求\n各部門要盡快公開行政處罰決定。(法制辦牽頭落實)\n"
    draft = extract_text(text, "x.txt")
    spec = _compile(draft)
    ob = _find(spec, "公開", "行政處罰決定")
    assert schedule_to_dict(ob.schedule) == {"kind": "unscheduled", "phrase": "按要求"}
    assert "「盡快」" in draft or "「尽快」" in draft


def test_within_the_year_without_a_date_still_compiles() -> None:
    draft = extract_text("一、要求\n年內實現政務服務事項全部在線辦理。\n", "x.txt")
    spec = _compile(draft)
    assert schedule_to_dict(spec.obligations[0].schedule)["kind"] == "unscheduled"
    assert "未找到發布日期" in draft


def test_names_that_need_quotes_are_quoted() -> None:
    draft = extract_text("一、要求\n及時公開棚改項目征收(拆遷)補償方案。(住建局牽頭落實)\n", "x.txt")
    assert "及時 公開 「棚改項目征收(拆遷)補償方案」 by 住建局 牽頭" in draft
    _compile(draft)


def test_sentence_without_a_duty_is_a_comment() -> None:
    draft = extract_text("一、要求\n強化公開隊伍建設。\n", "x.txt")
    assert "# 原文：強化公開隊伍建設。" in draft
    assert _compile(draft).obligations == ()


# ---- extension point and command line -----------------------------------------------------------------


def test_extractor_plugins() -> None:
    assert load_extractor("rules").extract_text("一、要求\n每月公開財政收支情況。\n", "x.txt")
    with pytest.raises(LookupError):
        load_extractor("no-such-extractor")


def test_cli_prints_the_draft(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract_cmd, [str(SEED)])
    assert result.exit_code == 0, result.output
    assert result.output == _draft()


def test_cli_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "draft.obl"
    out.write_text("# mine\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(extract_cmd, [str(SEED), "-o", str(out)])
    assert result.exit_code == 2
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == "# mine\n"
    result = runner.invoke(extract_cmd, [str(SEED), "-o", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _draft()


def test_cli_writes_a_new_file(tmp_path: Path) -> None:
    out = tmp_path / "new.obl"
    result = CliRunner().invoke(extract_cmd, [str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _draft()
    assert "new.obl" in result.output
