"""The bundled specs: the Haimen 2017 key points (the document the project exists for) and the
English transparency code.

Both must compile cleanly; every ``>`` quote must be found verbatim in its source; the
coverage table in ``docs/specs/haimen-2017.md`` must account for every paragraph of the
document and name exactly the spec's obligations; and a few obligations are checked for
meaning, not just for existence.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from obligations import syntax as syn
from obligations.compiler import Compiled, compile_file
from obligations.diagnostics import render_all
from obligations.model import Count, Event, Obligation, Once, Periodic, Realtime, Spec, Standing, Unscheduled
from obligations.syntax import Every, Role, Unit

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "shared" / "seeds" / "000_0ca0f610db5f85cb.txt"
UK_SOURCE = (
    ROOT
    / "tests"
    / "data"
    / "shared"
    / "reference"
    / "F02_en_uk_transparency_code_smaller_authorities_2015_excerpts.txt"
)
HAIMEN = ROOT / "specs" / "haimen-2017" / "haimen-2017.obl"
AGENCIES = ROOT / "specs" / "haimen-2017" / "agencies.obl"
UK = ROOT / "specs" / "uk-transparency-2015" / "transparency-code.obl"
COVERAGE = ROOT / "docs" / "specs" / "haimen-2017.md"

HM_ID = re.compile(r"HM-\d{4}")


def _squash(text: str) -> str:
    """Whitespace is the only thing normalised when looking for a quote."""
    return re.sub(r"\s+", "", text)


@cache
def _compiled(path: Path) -> Compiled:
    return compile_file(path)


def _spec(path: Path) -> Spec:
    result = _compiled(path)
    assert result.spec is not None, render_all(result.diagnostics, result.sources, "en")
    return result.spec


def _quotes(path: Path) -> list[tuple[str, str]]:
    """(obligation id, quote line) for every ``>`` line of the entry file, from the syntax."""
    out: list[tuple[str, str]] = []
    for spec_file in _compiled(path).syntax:
        for stmt in spec_file.statements:
            if isinstance(stmt, syn.Obligation):
                out.extend((stmt.id or "?", q) for q in stmt.quotes)
    return out


@cache
def _paragraphs() -> list[str]:
    """Every non-empty line of the seed is a paragraph, P1 … in file order."""
    return [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def _ob(spec: Spec, ob_id: str) -> Obligation:
    ob = spec.obligation(ob_id)
    assert ob is not None, f"{ob_id} is not in the spec"
    return ob


def _agencies(ob: Obligation) -> list[tuple[str, Role]]:
    return [(a.name, a.role) for a in ob.agencies]


# ---- compiling ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [HAIMEN, UK], ids=["haimen-2017", "uk-transparency-2015"])
def test_spec_compiles_without_errors(path: Path) -> None:
    result = _compiled(path)
    assert not result.errors, render_all(result.errors, result.sources, "en")
    assert result.spec is not None


def test_agency_registry_compiles_alone_and_is_included() -> None:
    registry = compile_file(AGENCIES)
    assert not registry.errors, render_all(registry.errors, registry.sources, "en")
    assert registry.spec is not None
    spec = _spec(HAIMEN)
    assert len(spec.agencies) == len(registry.spec.agencies)
    # Short name, full name, alias and the other script all find the same agency.
    for name in ("人社局", "海門市人力資源和社會保障局", "市人社局", "海门市人力资源和社会保障局"):
        agency = spec.agency(name)
        assert agency is not None and agency.name == "人社局", name
    assert spec.agency("市场监管局") is spec.agency("市場監督管理局") is spec.agency("市場監管局")
    assert spec.agency("相關部門") is spec.agency("市有關部門")


def test_every_agency_used_is_declared() -> None:
    for path in (HAIMEN, UK):
        spec = _spec(path)
        undeclared = {(ob.id, a.name) for ob in spec.obligations for a in ob.agencies if not a.declared}
        assert not undeclared, undeclared
        assert all(ob.agencies for ob in spec.obligations)


def test_haimen_header() -> None:
    spec = _spec(HAIMEN)
    assert spec.title == "海門市近期政務公開工作要點"
    assert spec.issuer == "海門市人民政府辦公室"
    assert spec.issued is not None and spec.issued.isoformat() == "2017-09-04"
    assert spec.timezone == "Asia/Shanghai"
    assert (spec.prompt.amount, spec.prompt.unit) == (20, Unit.WORKING_DAY)
    assert spec.effective.start is not None and spec.effective.start.isoformat() == "2017-09-04"
    assert spec.effective.end is None


def test_haimen_has_well_over_80_obligations_with_given_ids() -> None:
    spec = _spec(HAIMEN)
    assert len(spec.obligations) > 80
    assert all(ob.id_given and HM_ID.fullmatch(ob.id) for ob in spec.obligations)
    ids = [ob.id for ob in spec.obligations]
    assert ids == sorted(ids), "ids are numbered in document order"


# ---- quotes -------------------------------------------------------------------------------------


def test_every_haimen_quote_is_verbatim_in_the_document() -> None:
    document = _squash(SEED.read_text(encoding="utf-8"))
    quotes = _quotes(HAIMEN)
    assert quotes
    missing = [(ob_id, q) for ob_id, q in quotes if _squash(q) not in document]
    assert not missing, missing


def test_every_haimen_obligation_has_a_quote() -> None:
    spec = _spec(HAIMEN)
    assert all(ob.source.quote for ob in spec.obligations)


def test_every_uk_quote_is_verbatim_in_the_source() -> None:
    source = _squash(UK_SOURCE.read_text(encoding="utf-8"))
    quotes = _quotes(UK)
    assert quotes
    missing = [(ob_id, q) for ob_id, q in quotes if _squash(q) not in source]
    assert not missing, missing


# ---- the coverage table -------------------------------------------------------------------------


@cache
def _coverage_rows() -> dict[str, tuple[str, list[str]]]:
    """P-number → (opening as quoted, obligation ids named in the row)."""
    rows: dict[str, tuple[str, list[str]]] = {}
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not cells or not re.fullmatch(r"P\d+", cells[0]):
            continue
        assert cells[0] not in rows, f"{cells[0]} is listed twice"
        rows[cells[0]] = (cells[1], HM_ID.findall(cells[2]))
    return rows


def test_coverage_lists_every_paragraph_in_order() -> None:
    rows = _coverage_rows()
    paragraphs = _paragraphs()
    assert list(rows) == [f"P{i}" for i in range(1, len(paragraphs) + 1)]
    for i, text in enumerate(paragraphs, start=1):
        opening = rows[f"P{i}"][0].rstrip("…").strip()
        assert len(opening) >= min(10, len(text)), f"P{i}: quote more of the opening"
        assert text.startswith(opening), f"P{i}: {opening!r} is not how the paragraph starts"


def test_coverage_ids_are_exactly_the_spec_ids() -> None:
    spec = _spec(HAIMEN)
    in_spec = {ob.id for ob in spec.obligations}
    in_table = [ob_id for _, ids in _coverage_rows().values() for ob_id in ids]
    assert len(in_table) == len(set(in_table)), "an id is listed under two paragraphs"
    assert set(in_table) - in_spec == set(), "the table names ids the spec does not have"
    assert in_spec - set(in_table) == set(), "spec obligations missing from the table"


def test_coverage_rows_point_at_the_quoted_paragraph() -> None:
    spec = _spec(HAIMEN)
    quotes: dict[str, list[str]] = {}
    for ob_id, q in _quotes(HAIMEN):
        quotes.setdefault(ob_id, []).append(_squash(q))
    paragraphs = [_squash(p) for p in _paragraphs()]
    for p_number, (_, ids) in _coverage_rows().items():
        paragraph = paragraphs[int(p_number[1:]) - 1]
        for ob_id in ids:
            assert spec.obligation(ob_id) is not None
            for q in quotes[ob_id]:
                assert q in paragraph, f"{ob_id} quotes text outside {p_number}: {q}"


# ---- meaning: spot checks -----------------------------------------------------------------------


def test_weekly_food_safety_sampling() -> None:
    ob = _ob(_spec(HAIMEN), "HM-4404")
    assert "每周公布食品安全抽檢信息" in ob.source.quote
    assert (ob.action, ob.subject) == ("公布", "食品安全抽檢信息")
    assert isinstance(ob.schedule, Periodic)
    assert ob.schedule.kind == "periodic"
    assert ob.schedule.every is Every.WEEK
    assert ob.schedule.deadline is None and ob.schedule.lead is None
    assert _agencies(ob) == [("市場監管局", Role.LEAD)]
    assert ob.source.section == "四(四)"


def test_quarterly_drug_quality_bulletin() -> None:
    ob = _ob(_spec(HAIMEN), "HM-4405")
    assert "每季度公布藥品質量公告" in ob.source.quote
    assert ob.subject == "藥品質量公告"
    assert isinstance(ob.schedule, Periodic) and ob.schedule.every is Every.QUARTER
    assert _agencies(ob) == [("市場監管局", Role.LEAD)]
    assert ob.to_dict()["schedule"] == {"kind": "periodic", "every": "quarter", "roll": False}


def test_monthly_drinking_water_quality() -> None:
    ob = _ob(_spec(HAIMEN), "HM-4207")
    assert "每月公開集中式飲用水源地水環境質量" in ob.source.quote
    assert ob.subject == "集中式飲用水源地水環境質量"
    assert isinstance(ob.schedule, Periodic) and ob.schedule.every is Every.MONTH
    assert _agencies(ob) == [("環保局", Role.LEAD)]
    assert ob.to_dict()["agencies"] == [{"name": "環保局", "role": "lead"}]


def test_emergency_release_within_5_hours_and_press_conference_within_24() -> None:
    spec = _spec(HAIMEN)
    release, conference = _ob(spec, "HM-6203"), _ob(spec, "HM-6204")
    for ob in (release, conference):
        assert "特別重大、重大突發事件最遲5小時內發布權威信息、24小時內舉行新聞發布會" in ob.source.quote
        assert isinstance(ob.schedule, Event)
        assert ob.schedule.trigger == "特別重大、重大突發事件"
        assert not ob.schedule.same_day and ob.schedule.sync_with is None
    assert (release.action, release.subject) == ("發布", "權威信息")
    assert (conference.action, conference.subject) == ("舉行", "新聞發布會")
    assert release.to_dict()["schedule"] == {
        "kind": "event",
        "trigger": "特別重大、重大突發事件",
        "within": "PT5H",
    }
    assert conference.to_dict()["schedule"] == {
        "kind": "event",
        "trigger": "特別重大、重大突發事件",
        "within": "PT24H",
    }
    assert _agencies(release) == [
        ("各區鎮", Role.JOINT),
        ("市有關部門", Role.JOINT),
        ("市政府辦公室", Role.SUPPORT),
    ]


def test_air_quality_forecast_48_hours_ahead() -> None:
    ob = _ob(_spec(HAIMEN), "HM-4206")
    assert "城市空氣環境質量預報提前至48小時" in ob.source.quote
    assert isinstance(ob.schedule, Periodic) and ob.schedule.every is Every.DAY
    assert ob.schedule.lead is not None and ob.schedule.lead.iso() == "PT48H"
    assert ob.to_dict()["schedule"] == {"kind": "periodic", "every": "day", "lead": "PT48H", "roll": False}


def test_realtime_air_quality_has_no_invented_gap() -> None:
    ob = _ob(_spec(HAIMEN), "HM-4205")
    assert isinstance(ob.schedule, Realtime) and ob.schedule.max_gap is None


def test_statistics_monthly_quarterly_yearly_promptly_after_the_period() -> None:
    spec = _spec(HAIMEN)
    expected = {"HM-1120": Every.MONTH, "HM-1121": Every.QUARTER, "HM-1122": Every.YEAR}
    for ob_id, every in expected.items():
        ob = _ob(spec, ob_id)
        assert "及時公布月(季、年)統計資料" in ob.source.quote
        assert isinstance(ob.schedule, Periodic) and ob.schedule.every is every
        deadline = ob.schedule.deadline
        assert deadline is not None and deadline.kind == "after_period"
        assert deadline.lag is not None and deadline.lag.prompt
        assert (deadline.lag.amount, deadline.lag.unit) == (20, Unit.WORKING_DAY)
        assert _agencies(ob) == [("統計局", Role.LEAD)]


def test_quarterly_and_yearly_press_conferences() -> None:
    spec = _spec(HAIMEN)
    quarterly, yearly = _ob(spec, "HM-1118"), _ob(spec, "HM-1119")
    assert quarterly.subject == yearly.subject == "國民經濟運行情況和主要調查數據新聞發布會、通氣會"
    assert isinstance(quarterly.schedule, Periodic) and quarterly.schedule.every is Every.QUARTER
    assert isinstance(yearly.schedule, Periodic) and yearly.schedule.every is Every.YEAR


def test_promptly_means_the_statutory_20_working_days() -> None:
    ob = _ob(_spec(HAIMEN), "HM-1301")  # 及時公布年度重大項目
    assert isinstance(ob.schedule, Event)
    assert ob.schedule.trigger == "信息形成或變更"
    assert ob.schedule.lag is not None and ob.schedule.lag.prompt
    assert ob.to_dict()["schedule"] == {
        "kind": "event",
        "trigger": "信息形成或變更",
        "working_days": 20,
        "prompt": True,
    }
    statutory = _ob(_spec(HAIMEN), "HM-4208")  # 公開重點排污單位名錄: no time in the text
    assert statutory.to_dict()["schedule"] == {
        "kind": "event",
        "trigger": "信息形成或變更",
        "working_days": 20,
    }


def test_same_time_duties_point_at_existing_obligations() -> None:
    spec = _spec(HAIMEN)
    syncs = {
        ob.id: ob.schedule.sync_with
        for ob in spec.obligations
        if isinstance(ob.schedule, Event) and ob.schedule.sync_with
    }
    assert syncs["HM-2404"] == "HM-2412"  # 政府債務舉借情況隨同預算公開
    assert syncs["HM-2410"] == "HM-2408"  # 在公開“三公”經費預決算的同時，公開會議費、培訓費預決算
    assert syncs["HM-1111"] == "HM-1110"  # 政策與解讀同步
    for ob_id, target in syncs.items():
        assert spec.obligation(target) is not None, ob_id


def test_split_responsibility_goes_to_each_agency() -> None:
    spec = _spec(HAIMEN)
    # 按月公開全市財政收支情況 under 「發改委、財政局、金融辦、人行分頭落實」 → 財政局 alone.
    fiscal = _ob(spec, "HM-1109")
    assert isinstance(fiscal.schedule, Periodic) and fiscal.schedule.every is Every.MONTH
    assert _agencies(fiscal) == [("財政局", Role.JOINT)]
    # 各部門 publish their own 三公 budgets.
    assert _agencies(_ob(spec, "HM-2408")) == [("市各部門", Role.EACH)]


def test_within_the_year_counts_and_one_offs() -> None:
    spec = _spec(HAIMEN)
    study = _ob(spec, "HM-6201")  # 年內對政策解讀工作至少進行1次專題研究
    assert isinstance(study.schedule, Count)
    assert (study.schedule.every, study.schedule.min_count) == (Every.YEAR, 1)
    assert _agencies(study) == [("各區鎮", Role.EACH), ("市各部門", Role.EACH)]
    review = _ob(spec, "HM-6901")  # 督查評估不少于1次
    assert isinstance(review.schedule, Count) and review.schedule.min_count == 1
    goal = _ob(spec, "HM-2115")  # 年底實現80%以上政務服務事項在線辦理
    assert isinstance(goal.schedule, Once) and goal.schedule.due.isoformat() == "2017-12-31"


def test_vague_wording_stays_unscheduled() -> None:
    spec = _spec(HAIMEN)
    expected = {
        "HM-1115": "定期",
        "HM-1117": "按時",
        "HM-2305": "按省要求",
        "HM-2403": "逐步",
        "HM-6902": "適時",
    }
    for ob_id, phrase in expected.items():
        schedule = _ob(spec, ob_id).schedule
        assert isinstance(schedule, Unscheduled) and schedule.phrase == phrase, ob_id
    assert isinstance(_ob(spec, "HM-4101").schedule, Standing)  # 長期公示


def test_application_replies_follow_the_statute_in_force() -> None:
    spec = _spec(HAIMEN)
    before, after = _ob(spec, "HM-6401"), _ob(spec, "HM-6402")
    assert isinstance(before.schedule, Event) and isinstance(after.schedule, Event)
    assert before.schedule.lag is not None and after.schedule.lag is not None
    assert before.schedule.lag.working_days == 15 and after.schedule.lag.working_days == 20
    assert before.effective.end is not None and before.effective.end.isoformat() == "2019-05-14"
    assert after.effective.start is not None and after.effective.start.isoformat() == "2019-05-15"


# ---- the English spec ---------------------------------------------------------------------------


def test_uk_annual_and_meeting_duties() -> None:
    spec = _spec(UK)
    assert spec.timezone == "Europe/London"
    assert len(spec.obligations) == 14
    annual = _ob(spec, "UK-101")
    assert isinstance(annual.schedule, Periodic) and annual.schedule.every is Every.YEAR
    deadline = annual.schedule.deadline
    assert deadline is not None
    assert (deadline.kind, deadline.month, deadline.day) == ("next_period_day", 7, 1)
    assert annual.channels == ("website",)
    assert {a.role for a in annual.agencies} == {Role.EACH}
    first = _ob(spec, "UK-111")
    assert isinstance(first.schedule, Once) and first.schedule.due.isoformat() == "2015-07-01"
    minutes = _ob(spec, "UK-201")
    assert minutes.to_dict()["schedule"] == {"kind": "event", "trigger": "formal meeting", "within": "P1M"}
    agenda = _ob(spec, "UK-202")
    assert agenda.to_dict()["schedule"] == {"kind": "event", "trigger": "formal meeting", "lead": "P3D"}
