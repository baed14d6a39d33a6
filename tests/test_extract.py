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
from obligations.cli import main
from obligations.cli_extract import extract_cmd
from obligations.compiler import compile_text
from obligations.diagnostics import render_all
from obligations.extract import extract_text, load_extractor
from obligations.model import Obligation, Spec, schedule_to_dict

SHARED = Path(__file__).resolve().parent / "data" / "shared"
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
        assert ob.source.quote
    # A duty stated twice in a paragraph is merged and quotes both sentences: one > line each.
    quotes = [line[1:].strip() for line in _draft().splitlines() if line.startswith(">")]
    assert quotes and all(q in seed for q in quotes)


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


# ---- what a careful encoder does (small synthetic texts) -----------------------------------------------

REGISTRY = """\
機構 財政局 = 某縣財政局 別名 縣財政局
機構 環保局 = 某縣環境保護局 別名 縣環保局
機構 物價局 = 某縣物價局
機構 人社局 = 某縣人力資源和社會保障局
機構 縣各部門 = 某縣人民政府各部門 別名 縣政府各部門、各部門
機構 各鄉鎮 = 某縣各鄉鎮人民政府 別名 「各鄉(鎮)」
機構 縣政府辦公室 = 某縣人民政府辦公室
"""


def _drafted(text: str, **kwargs: object) -> tuple[str, Spec]:
    draft = extract_text(textwrap.dedent(text).strip() + "\n", "x.txt", **kwargs)  # type: ignore[arg-type]
    return draft, _compile(draft)


def _schedule(spec: Spec, action: str, subject: str) -> dict[str, object]:
    return schedule_to_dict(_find(spec, action, subject).schedule)


def _registry(tmp_path: Path) -> Path:
    path = tmp_path / "agencies.obl"
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def test_registry_is_included_instead_of_placeholders(tmp_path: Path) -> None:
    from obligations.compiler import compile_file
    from obligations.extract import load_registry

    registry = load_registry(_registry(tmp_path), "agencies.obl")
    text = "一、要求\n縣政府各部門要每月公開財政收支情況。每季度公布物價指數。(縣財政局、物價局、審計局分別牽頭落實)\n"
    draft = extract_text(text, "x.txt", agencies=registry)
    assert '引用 "agencies.obl"' in draft
    assert "機構 財政局" not in draft and "機構 縣各部門" not in draft
    assert "機構 審計局 = 審計局  # 機構表中沒有，全稱待核" in draft  # only what the registry lacks
    out = tmp_path / "draft.obl"
    out.write_text(draft, encoding="utf-8")
    result = compile_file(out)
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.spec is not None
    monthly = _find(result.spec, "公開", "財政收支情況")
    assert [a.name for a in monthly.agencies] == ["縣各部門"]  # 縣政府各部門 is its alias
    assert result.spec.agency("縣各部門") is not None
    assert result.spec.agency("縣各部門").full_name == "某縣人民政府各部門"  # type: ignore[union-attr]


def test_registry_must_hold_only_declarations(tmp_path: Path) -> None:
    from obligations.extract import load_registry

    bad = tmp_path / "bad.obl"
    bad.write_text("標題：機構表\n機構 財政局 = 某縣財政局\n", encoding="utf-8")
    with pytest.raises(ValueError, match="only 機構 declarations"):
        load_registry(bad)
    broken = tmp_path / "broken.obl"
    broken.write_text("機構 = \n", encoding="utf-8")
    with pytest.raises(ValueError):
        load_registry(broken)


def test_catch_all_in_the_tail_reaches_the_registry(tmp_path: Path) -> None:
    text = """
        一、要求
        集中公布國家職業資格目錄、政府定價經營服務性收費等各類清單。(財政局、縣有關部門按職責分工分別落實)
        """
    with_registry = _drafted(text, agencies=_registry(tmp_path))[1]
    assert _agencies(_find(with_registry, "公布", "國家職業資格目錄清單"), with_registry) == {"人社局"}
    assert _agencies(_find(with_registry, "公布", "政府定價經營服務性收費清單"), with_registry) == {"物價局"}
    without = _drafted(text)[1]  # without a registry only the tail's agencies are candidates
    assert "人社局" not in _agencies(_find(without, "公布", "國家職業資格目錄清單"), without)


def test_remits_of_the_whole_sentence_when_the_subject_names_none() -> None:
    text = """
        一、要求
        密切關注銀行信貸、政府債務等方面的輿情,針對誤讀、曲解等情況,及時開展有理有據的回應。(金融辦、財政局、人行、商務局按職責分工牽頭落實)
        """
    spec = _drafted(text)[1]
    ob = next(o for o in spec.obligations if o.action == "回應")
    assert _agencies(ob, spec) == {"人行", "財政局"}  # 銀行信貸 and 政府債務; 商務局 has no part


@pytest.mark.parametrize(
    ("sentence", "tail", "expected"),
    [
        ("及時公開全面推開“營改增”相關配套措施", "財政局、國稅局、商務局", {"財政局", "國稅局"}),
        ("實時更新年度內收費基金政策調整情況", "財政局、物價局、國稅局", {"財政局", "物價局"}),
        ("及時公開降低企業用電成本政策措施", "發改委、物價局、國土局", {"發改委", "物價局"}),
        ("定期發布最新的PPP項目入庫", "發改委、財政局", {"財政局"}),
        ("及時公布中介服務事項清單", "編辦、行政審批局、市場監管局", {"編辦", "行政審批局"}),
        ("及時公布企業設立后的經營許可清單", "編辦、行政審批局、市場監管局", {"行政審批局", "市場監管局"}),
        (
            "及時公開推進相對集中行政許可權改革試點情況",
            "編辦、行政審批局、市場監管局",
            {"編辦", "行政審批局"},
        ),
    ],
)
def test_remits_shared_by_two_agencies(sentence: str, tail: str, expected: set[str]) -> None:
    spec = _drafted(f"一、要求\n{sentence}。({tail}按職責分工分別牽頭落實)\n")[1]
    (ob,) = spec.obligations
    assert _agencies(ob, spec) == expected


def test_untailed_paragraphs_go_to_the_texts_addressees() -> None:
    text = """
        一、財政
        每月公開財政收支情況。(財政局牽頭落實)
        二、工作機制
        (一)平臺建設。積極推進政府公報同步上網。每年公開政府信息公開工作年度報告。
        各鄉鎮各部門要結合實際,制定具體實施方案。縣政府辦公室適時對落實情況進行督查。
        """
    draft, spec = _drafted(text)
    report = _find(spec, "公開", "政府信息公開工作年度報告")
    assert [(a.name, a.role.value) for a in report.agencies] == [("各鄉鎮", "each"), ("各部門", "each")]
    assert "按文中的主送對象「各鄉鎮各部門」分別落實" in draft
    gazette = _find(spec, "上網", "政府公報")  # the office's own business
    assert _agencies(gazette, spec) == {"縣政府辦公室"}
    assert _agencies(_find(spec, "公開", "財政收支情況"), spec) == {"財政局"}  # the tail still rules


def test_untailed_paragraphs_proposals_incidents_and_press() -> None:
    text = """
        一、財政
        每月公開財政收支情況。(財政局牽頭落實)
        二、工作機制
        (一)公開。對需要社會廣泛知曉的電視電話會議,要積極通過網絡直播等向社會公開。做好人大代表建議和政協委員提案辦理結果公開工作。
        (二)回應。嚴格執行重大突發事件5小時內發布權威信息的時限要求。每年公開政府信息公開工作年度報告。
        各鄉鎮、縣政府各部門要結合實際,制定具體實施方案。縣政府辦公室適時對落實情況進行督查。
        """
    draft, spec = _drafted(text)
    # the office runs the government's own broadcasts and press releases, the others theirs
    live = _find(spec, "直播", "社會廣泛知曉的電視電話會議")
    assert _agencies(live, spec) == {"各鄉鎮", "縣政府各部門", "縣政府辦公室"}
    # proposals: the office assigns them, the departments answer (not the townships)
    proposals = _find(spec, "公開", "人大代表建議和政協委員提案辦理結果")
    assert [(a.name, a.role and a.role.value) for a in proposals.agencies] == [
        ("縣政府辦公室", "lead"),
        ("縣政府各部門", "each"),
    ]
    assert "建議提案由縣政府辦公室交辦、督辦" in draft
    # an incident binds the departments concerned, not every department
    release = _find(spec, "發布", "權威信息")
    assert _agencies(release, spec) == {"各鄉鎮", "有關部門", "縣政府辦公室"}
    assert "事件觸發的義務由事發的地方和部門承擔" in draft
    # the plain rules still hold for everything else
    assert _agencies(_find(spec, "督查", "落實情況"), spec) == {"縣政府辦公室"}
    assert _agencies(_find(spec, "公開", "政府信息公開工作年度報告"), spec) == {"各鄉鎮", "縣政府各部門"}


def test_shared_functions_bind_the_tails_catch_all() -> None:
    text = """
        一、要求
        圍繞年內實現“雙隨機、一公開”監管全覆蓋目標,統一公布縣級隨機抽查事項清單,及時公開抽查結果。公布投資核準事項清單。
        年底實現80%以上政務服務事項在線辦理。(市場監管局、行政審批局、縣有關部門按職責分工負責落實)
        """
    spec = _drafted(text)[1]
    goal = _find(spec, "實現", "“雙隨機、一公開”監管全覆蓋目標")
    listing = _find(spec, "公布", "縣級隨機抽查事項清單")
    # the means to the goal is due with it; a clause with its own time keeps it
    assert schedule_to_dict(listing.schedule) == schedule_to_dict(goal.schedule)
    assert _schedule(spec, "公開", "抽查結果")["working_days"] == 20
    for ob in (goal, listing, _find(spec, "公開", "抽查結果")):
        assert _agencies(ob, spec) == {"市場監管局", "縣有關部門"}
    online = _find(spec, "實現", "80%以上政務服務事項在線辦理")
    assert _agencies(online, spec) == {"行政審批局", "縣有關部門"}
    assert _agencies(_find(spec, "公布", "投資核準事項清單"), spec) == {"行政審批局"}


def test_no_addressee_words_no_default_agencies() -> None:
    spec = _drafted("一、要求\n每年公開政府信息公開工作年度報告。\n")[1]
    assert spec.obligations[0].agencies == ()


def test_on_request_replies_follow_the_regulation() -> None:
    old = """
        某縣政務公開工作要點
        某縣人民政府辦公室
        2018年3月1日
        一、依申請公開
        依法做好依申請公開工作,嚴格按照法定時限答復。
        """
    draft, spec = _drafted(old)
    replies = [ob for ob in spec.obligations if ob.action == "答復"]
    assert [schedule_to_dict(ob.schedule)["working_days"] for ob in replies] == [15, 20]
    assert "自 2018-03-01 至 2019-05-14" in draft and "自 2019-05-15 起" in draft
    assert "可延長 15個工作日" in draft and "可延長 20個工作日" in draft
    assert replies[0].subject == "政府信息公開申請"
    new = old.replace("2018年3月1日", "2020年3月1日")
    draft, spec = _drafted(new)
    assert [schedule_to_dict(ob.schedule)["working_days"] for ob in spec.obligations] == [20]
    assert "自 2019-05-15" not in draft
    assert "第三十三條" in draft


def test_genre_verbs_in_the_vocabulary_are_kept_as_written() -> None:
    # 傳達 and 推廣 are in the built-in vocabulary, so the draft keeps the document's own verb.
    text = """
        一、要求
        及時傳達政策意圖。及時推廣典型經驗做法。大力推廣網上辦稅。(發改委牽頭落實)
        """
    draft, spec = _drafted(text)
    assert _schedule(spec, "傳達", "政策意圖")["prompt"] is True
    assert "原文「傳達」：語言詞表沒有這個動作" not in draft
    assert _find(spec, "推廣", "典型經驗做法")
    assert "網上辦稅" not in {ob.subject for ob in spec.obligations}  # 推廣 without a time: not a duty


def test_answering_doubts_about_the_policy_being_drafted() -> None:
    text = "一、要求\n制訂鼓勵發展新產業政策時,主動及時做好解疑釋惑工作。(發改委牽頭落實)\n"
    draft, spec = _drafted(text)
    ob = _find(spec, "回應", "鼓勵發展新產業政策")
    assert schedule_to_dict(ob.schedule)["prompt"] is True
    assert "原文「解疑釋惑」" in draft


def test_summary_sentences_are_comments() -> None:
    text = """
        一、推進環境保護信息公開
        扎實做好環境質量公開工作。每月公布空氣環境質量。
        做好農業經濟信息公開,定期發布主要農產品經濟數據。
        做好跟蹤審計結果公開,加大整改結果的公開力度。
        """
    draft, spec = _drafted(text)
    subjects = {ob.subject for ob in spec.obligations}
    assert "環境質量" not in subjects and "農業經濟信息" not in subjects
    assert {"空氣環境質量", "主要農產品經濟數據", "跟蹤審計結果", "整改結果"} <= subjects
    assert "# 總括句（其後已寫明具體義務）未列為義務：扎實做好環境質量公開工作" in draft
    assert "# 原文：扎實做好環境質量公開工作。" in draft  # the sentence itself is still kept


def test_summary_without_what_follows_is_kept() -> None:
    spec = _drafted("一、要求\n推進網絡市場監管信息公開。\n")[1]
    assert _find(spec, "公開", "網絡市場監管信息")


def test_budgets_under_the_budget_law() -> None:
    text = """
        一、財政
        縣政府各部門要按照規定做好部門預決算公開工作。集中公開政府預決算。各部門在公開“三公”經費預決算的同時,公開會議費預決算。(財政局牽頭落實)
        """
    draft, spec = _drafted(text)
    dept = _schedule(spec, "公開", "部門預算")
    assert (dept["kind"], dept["within"], dept["trigger"]) == ("event", "P20D", "財政部門批復部門預算")
    assert _schedule(spec, "公開", "部門決算")["trigger"] == "財政部門批復部門決算"
    assert _schedule(spec, "公開", "政府預算")["trigger"] == "本級人大批准政府預算"
    assert _schedule(spec, "公開", "政府決算")["trigger"] == "本級人大常委會批准政府決算"
    assert "預算法第十四條" in draft
    three = _find(spec, "公開", "“三公”經費預算")
    assert _schedule(spec, "公開", "“三公”經費預算")["within"] == "P0D"
    meeting = _schedule(spec, "公開", "會議費預算")  # 在公開X的同時, 公開Y: with X
    assert meeting["sync_with"] == three.id
    assert _schedule(spec, "公開", "會議費決算")["sync_with"] == _find(spec, "公開", "“三公”經費決算").id


def test_set_phrases_are_split() -> None:
    text = "一、要求\n及時公開減稅降費政策措施,以及降低企業用電用地等要素成本政策措施。(財政局、國土局按職責分工分別牽頭落實)\n"
    spec = _drafted(text)[1]
    subjects = {ob.subject for ob in spec.obligations}
    assert {"減稅政策措施", "降費政策措施"} <= subjects
    assert _agencies(_find(spec, "公開", "降低企業用地要素成本政策措施"), spec) == {"國土局"}


def test_published_along_with_another_document() -> None:
    text = "一、要求\n逐步建立政府債務舉借情況隨同預算公開的常態機制。(財政局牽頭落實)\n"
    spec = _drafted(text)[1]
    schedule = _schedule(spec, "公開", "政府債務舉借情況")
    assert (schedule["kind"], schedule["within"], schedule["trigger"]) == ("event", "P0D", "預算公開")


def test_mechanisms_routine_meetings_and_follow_ups() -> None:
    text = """
        一、要求
        實行環境保護例行新聞發布會制度。建立違法案件處理結果公開機制。
        建立抽檢信息公開機制,每周公布食品安全抽檢信息。
        及時公開規范性文件的廢止情況,并在政府網站已發布的原文件上作出明確標注。
        (環保局牽頭落實)
        """
    spec = _drafted(text)[1]
    assert _schedule(spec, "召開", "環境保護例行新聞發布會") == {"kind": "unscheduled", "phrase": "定期"}
    assert _schedule(spec, "公開", "違法案件處理結果")["working_days"] == 20
    assert "抽檢信息" not in {ob.subject for ob in spec.obligations}  # spelled out by the next clause
    label = _schedule(spec, "標注", "已發布的原文件")
    assert label["sync_with"] == _find(spec, "公開", "規范性文件的廢止情況").id


def test_a_notice_board_is_standing_disclosure() -> None:
    text = "一、要求\n積極創建食品安全示范縣,取得登記證的小作坊建立安全信息公示欄。(市場監管局牽頭落實)\n"
    spec = _drafted(text)[1]
    (ob,) = spec.obligations
    assert (ob.action, ob.subject) == ("公示", "取得登記證的小作坊安全信息")
    assert schedule_to_dict(ob.schedule)["kind"] == "standing"
    assert _drafted("一、要求\n各村建立公開欄。\n")[1].obligations == ()  # no information named


def test_interpretation_said_to_be_simultaneous() -> None:
    text = "一、要求\n做好金融改革發展政策的解讀,做到同步聯動。(金融辦牽頭落實)\n"
    spec = _drafted(text)[1]
    schedule = _schedule(spec, "解讀", "金融改革發展政策")
    assert (schedule["kind"], schedule["within"]) == ("event", "P0D")


def test_live_broadcast_is_same_day() -> None:
    text = "一、要求\n對涉及公眾利益的電視電話會議,要積極通過網絡直播等向社會公開。(縣政府辦公室負責落實)\n"
    spec = _drafted(text)[1]
    ob = _find(spec, "直播", "涉及公眾利益的電視電話會議")
    assert schedule_to_dict(ob.schedule)["within"] == "P0D"
    assert "網絡" in ob.channels


def test_policies_of_the_frame_and_their_interpretation() -> None:
    text = "一、要求\n圍繞積極的財政政策和穩健的貨幣政策加強溝通,及時傳達政策意圖,同步深入解讀。(財政局、人行分頭落實)\n"
    spec = _drafted(text)[1]
    fiscal = _find(spec, "傳達", "財政政策意圖")
    monetary = _find(spec, "傳達", "貨幣政策意圖")
    assert _agencies(fiscal, spec) == {"財政局"} and _agencies(monetary, spec) == {"人行"}
    readings = [ob for ob in spec.obligations if ob.action == "解讀"]
    assert sorted(str(schedule_to_dict(ob.schedule)["sync_with"]) for ob in readings) == sorted(
        [fiscal.id, monetary.id]
    )


def test_supervised_actors_are_not_a_list_of_subjects() -> None:
    text = "一、要求\n督促指導在海中央企業、市屬企業做好去產能公示有關工作。(發改委、國資辦按職責分工分別牽頭落實)\n"
    spec = _drafted(text)[1]
    (ob,) = spec.obligations
    assert (ob.action, ob.subject) == ("公示", "在海中央企業、市屬企業去產能")
    assert _agencies(ob, spec) == {"國資辦"}  # who supervises the enterprises, not 產能's 發改委


def test_a_duty_stated_twice_is_merged() -> None:
    text = """
        一、要求
        各部門要做好部門決算公開工作。集中公開部門決算。(財政局牽頭落實)
        """
    draft, spec = _drafted(text)
    merged = [ob for ob in spec.obligations if ob.subject == "部門決算"]
    assert len(merged) == 1
    assert _agencies(merged[0], spec) == {"各部門", "財政局"}
    assert draft.count("> 集中公開部門決算。") == 1 and draft.count("> 各部門要做好部門決算公開工作。") == 1


def _body(draft: str) -> list[str]:
    """The draft from its first section on: sections, obligations, quotes and comments."""
    lines = draft.splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.startswith("§")) :]


def test_roll_rule_of_the_sentence() -> None:
    text = """
        一、財政
        每月8日前公布財政收支月報，遇節假日順延。每月10日前公布稅收收入月報，遇節假日不順延。特別重大突發事件5小時內發布權威信息，遇節假日順延。(縣財政局負責落實)
        """
    draft, spec = _drafted(text)
    assert _body(draft) == [
        "§ 一 財政",
        "每月 8日前 公布 財政收支月報 by 縣財政局 遇節假日順延",
        "> 每月8日前公布財政收支月報，遇節假日順延。",
        "每月 10日前 公布 稅收收入月報 by 縣財政局 不順延",
        "> 每月10日前公布稅收收入月報，遇節假日不順延。",
        "事件 特別重大突發事件 後 5小時內 發布 權威信息 by 縣財政局",  # hours cannot roll (E212)
        "> 特別重大突發事件5小時內發布權威信息，遇節假日順延。",
        "# 責任分工：(縣財政局負責落實)",
    ]
    assert _schedule(spec, "公布", "財政收支月報")["roll"] is True


def test_deadlines_after_the_period() -> None:
    text = """
        一、統計
        每季度期後15日內公布統計資料。每季度結束後15個工作日內公布藥品質量公告。會議結束後5日內公開會議決定。(縣財政局負責落實)
        """
    draft, spec = _drafted(text)
    assert _body(draft) == [
        "§ 一 統計",
        "每季度 期後 15日內 公布 統計資料 by 縣財政局",
        "> 每季度期後15日內公布統計資料。",
        "每季度 期後 15個工作日內 公布 藥品質量公告 by 縣財政局",
        "> 每季度結束後15個工作日內公布藥品質量公告。",
        "事件 會議結束後 後 5日內 公開 會議決定 by 縣財政局",  # an event, not the end of a period
        "> 會議結束後5日內公開會議決定。",
        "# 責任分工：(縣財政局負責落實)",
    ]
    deadline = _schedule(spec, "公布", "藥品質量公告")["deadline"]
    assert deadline == {"kind": "after_period", "working_days": 15}


def test_next_period_deadline_of_the_duty_just_stated() -> None:
    text = """
        一、統計
        每月公布上月統計數據，于次月10日前公開。每年次年7月1日前公開部門決算。(縣財政局負責落實)
        """
    draft, spec = _drafted(text)
    assert _body(draft) == [
        "§ 一 統計",
        "每月 次月 10日前 公布 上月統計數據 by 縣財政局",
        "> 每月公布上月統計數據，于次月10日前公開。",
        "每年 次年 7月1日前 公開 部門決算 by 縣財政局",
        "> 每年次年7月1日前公開部門決算。",
        "# 責任分工：(縣財政局負責落實)",
    ]
    assert _schedule(spec, "公布", "上月統計數據")["deadline"] == {"kind": "next_period_day", "day": 10}


def test_tail_of_a_short_paragraph_under_a_numbered_heading() -> None:
    text = """
        一、財政
        （一）月報。每月8日前公布財政收支月報。（縣財政局負責落實）
        """
    draft = _drafted(text)[0]
    assert _body(draft) == [
        "§ 一 財政",
        "",
        "§ 一(一) 月報",
        "每月 8日前 公布 財政收支月報 by 縣財政局",
        "> 每月8日前公布財政收支月報。",
        "# 責任分工：（縣財政局負責落實）",
    ]


# ---- extension point and command line -----------------------------------------------------------------


def test_extractor_plugins() -> None:
    assert load_extractor("rules").extract_text("一、要求\n每月公開財政收支情況。\n", "x.txt")
    with pytest.raises(LookupError):
        load_extractor("no-such-extractor")


def test_plugins_get_the_registry_only_if_they_take_it(tmp_path: Path) -> None:
    from obligations.extract import Registry, run_extractor

    class Plain:
        def extract_text(self, text: str, source_name: str) -> str:
            return "標題：x\n"

    class Aware:
        def extract_text(self, text: str, source_name: str, agencies: Registry | None = None) -> str:
            assert agencies is not None and agencies.agency("縣財政局") is not None
            return "標題：y\n"

    registry = _registry(tmp_path)
    assert run_extractor(Plain(), "文", "x.txt") == "標題：x\n"
    with pytest.raises(LookupError):
        run_extractor(Plain(), "文", "x.txt", registry)
    assert run_extractor(Aware(), "文", "x.txt", registry) == "標題：y\n"


def test_cli_prints_the_draft(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract_cmd, [str(SEED)])
    assert result.exit_code == 0, result.output
    assert result.output == _draft()


@pytest.mark.parametrize("suffix", [".txt", ".docx"])
def test_cli_on_a_file_that_is_not_text(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(b"PK\x03\x04\x80\x80\xff" * 10)  # neither UTF-8 nor GB18030, as a .docx is
    result = CliRunner().invoke(main, ["--lang", "en", "extract", str(path)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"{path}: not a text file this can read (tried UTF-8 and GB18030/GBK); save a Word or PDF "
        "document as plain text (.txt) first; a catalogue table can be given as .xlsx or .csv\n"
    )


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


def test_cli_agencies_are_included_relative_to_the_draft(tmp_path: Path) -> None:
    from obligations.compiler import compile_file

    registry = _registry(tmp_path)
    source = tmp_path / "要點.txt"
    source.write_text("一、要求\n每月公開財政收支情況。(縣財政局牽頭落實)\n", encoding="utf-8")
    out = tmp_path / "drafts" / "draft.obl"
    out.parent.mkdir()
    result = CliRunner().invoke(extract_cmd, [str(source), "-o", str(out), "--agencies", str(registry)])
    assert result.exit_code == 0, result.output
    draft = out.read_text(encoding="utf-8")
    assert '引用 "../agencies.obl"' in draft
    compiled = compile_file(out)
    assert compiled.errors == ()
    assert compiled.spec is not None
    assert [a.name for a in compiled.spec.obligations[0].agencies] == ["財政局"]
    bad = tmp_path / "bad.obl"
    bad.write_text("標題：不是機構表\n", encoding="utf-8")
    result = CliRunner().invoke(extract_cmd, [str(source), "--agencies", str(bad)])
    assert result.exit_code == 3
    assert "only 機構 declarations" in result.output


def test_cli_reports_an_unwritable_output(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract_cmd, [str(SEED), "-o", str(tmp_path / "missing" / "draft.obl")])
    assert result.exit_code == 3


def test_cli_writes_a_new_file(tmp_path: Path) -> None:
    out = tmp_path / "new.obl"
    result = CliRunner().invoke(extract_cmd, [str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _draft()
    assert "new.obl" in result.output
