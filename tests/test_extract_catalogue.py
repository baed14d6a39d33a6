"""`obligations extract` on 基層政務公開標準目錄 tables: the flattened reference rows (with their
noise: pinyin glosses, spaced-out characters, cells wrapped over lines, stray marks), and .xlsx / .csv
files.

Every draft must compile, and specific rows must come out with the right deadline.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations import script
from obligations.cli_extract import extract_cmd
from obligations.compiler import compile_text
from obligations.diagnostics import render_all
from obligations.extract import extract_catalogue
from obligations.extract_catalogue import catalogue_timing, is_catalogue
from obligations.model import Obligation, Spec, schedule_to_dict

REFERENCE = Path(__file__).resolve().parent / "data" / "shared" / "reference"


def _reference(prefix: str) -> Path:
    (path,) = REFERENCE.glob(f"{prefix}_*.txt")
    return path


def _compile(draft: str) -> Spec:
    result = compile_text(draft, "catalogue.obl")
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.spec is not None
    return result.spec


@cache
def _draft(prefix: str) -> str:
    return extract_catalogue(_reference(prefix))


@cache
def _spec(prefix: str) -> Spec:
    return _compile(_draft(prefix))


def _rows(spec: Spec, subject: str, section: str | None = None) -> list[Obligation]:
    found = [
        ob
        for ob in spec.obligations
        if script.key(ob.subject) == script.key(subject)
        and (section is None or script.key(ob.source.section) == script.key(section))
    ]
    assert found, f"no row {subject}"
    return found


def _schedule(ob: Obligation) -> dict[str, object]:
    return schedule_to_dict(ob.schedule)


# ---- the reference rows ------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["D01", "D03", "D04", "D07"])
def test_reference_catalogues_compile(prefix: str) -> None:
    spec = _spec(prefix)
    assert len(spec.obligations) >= 10
    assert all(ob.source.quote for ob in spec.obligations)


@pytest.mark.parametrize("prefix", ["D01", "D03", "D04", "D07"])
def test_deterministic(prefix: str) -> None:
    assert extract_catalogue(_reference(prefix)) == _draft(prefix)


def test_d01_pinyin_glosses_do_not_hide_the_deadline() -> None:
    spec = _spec("D01")
    # 信息形成或變更之日起3個工作日內(nèi) | 鎮(zhèn)人民政府 | ■政府網(wǎng)站 ■單位/村委會公示欄(電子屏)
    (ob,) = _rows(spec, "政府文件", "政府文件")
    assert _schedule(ob) == {"kind": "event", "trigger": "信息形成或變更", "working_days": 3}
    assert [a.name for a in ob.agencies] == ["鎮人民政府"]
    assert ob.channels == ("政府網站", "單位/村委會公示欄(電子屏)")
    (intro,) = _rows(spec, "鄉鎮簡介")
    assert _schedule(intro)["working_days"] == 20
    assert "(zhèn)" in intro.source.quote  # the quote is the row as written


def test_d01_yearly_report_by_january_31() -> None:
    (ob,) = _rows(_spec("D01"), "公开年报")
    assert _schedule(ob) == {
        "kind": "periodic",
        "every": "year",
        "deadline": {"kind": "day_of_period", "day": 31, "month": 1},
        "roll": False,
    }


def test_d01_deadline_wrapped_over_lines_in_a_cell() -> None:
    # 自信息形\n成或者变\n更之日起\n20个工作\n日内予以\n公开, in a table without | separators
    (ob,) = _rows(_spec("D01"), "独生子女父母奖励")
    assert _schedule(ob) == {"kind": "event", "trigger": "信息形成或變更", "working_days": 20}
    assert [a.name for a in ob.agencies] == ["街道办事处"]


@pytest.mark.parametrize("prefix", ["D01", "D03", "D04", "D07"])
def test_stray_marks_in_deadline_cells_change_no_deadline(prefix: str, tmp_path: Path) -> None:
    # Ticks, stars, reference marks, circled numbers and footnote calls around the timing words,
    # as tables copied from web pages carry them: every row keeps the deadline of the clean table.
    text = _reference(prefix).read_text(encoding="utf-8")
    marked = re.sub(r"(工作日[內内])", r"\1※[注1]", text)
    marked = re.sub(r"(信息形成|每年|每月|每季度|長期|长期|實時|实时)", r"√ ★\1", marked)
    marked = re.sub(r"(至少)", r"①\1", marked)
    assert marked != text
    noisy = tmp_path / _reference(prefix).name
    noisy.write_text(marked, encoding="utf-8")
    clean_spec, noisy_spec = _spec(prefix), _compile(extract_catalogue(noisy))
    assert [(ob.subject, _schedule(ob)) for ob in noisy_spec.obligations] == [
        (ob.subject, _schedule(ob)) for ob in clean_spec.obligations
    ]


def test_d03_spaced_out_characters() -> None:
    # 制 定 或 获 取 信 息之日起 10 个 工作日内 | 盖州市民政局
    spec = _spec("D03")
    rows = [ob for ob in _rows(spec, "政策法规文件") if ob.agencies[0].name == "盖州市民政局"]
    assert len(rows) == 1
    assert _schedule(rows[0]) == {"kind": "event", "trigger": "制定或获取信息", "working_days": 10}


def test_d03_publish_within_then_display_for() -> None:
    # 制定或获取信息之日起10个工作日内,公示7 / 个工作日 (wrapped)
    spec = _spec("D03")
    (ob,) = [o for o in _rows(spec, "审核") if o.display is not None]
    assert _schedule(ob) == {"kind": "event", "trigger": "制定或获取信息", "working_days": 10}
    assert ob.display is not None and (ob.display.amount, ob.display.unit.value) == (7, "working_day")


def test_d03_several_publishers_each() -> None:
    ob = _rows(_spec("D03"), "办事指南", "最低生活保障")[0]
    assert [(a.name, a.role.value) for a in ob.agencies] == [
        ("县级政府民政部门", "each"),
        ("乡镇政府(街道办事处)", "each"),
    ]
    assert "机构 「乡镇政府(街道办事处)」 = 「乡镇政府(街道办事处)」  # 全稱待核" in _draft("D03")


def test_d04_formed_or_changed_in_brackets() -> None:
    # 信息形成(變更)20個工作日內(nèi) | 區(qū)級扶貧部門
    (ob,) = _rows(_spec("D04"), "貧困人口識別")
    assert _schedule(ob) == {"kind": "event", "trigger": "信息形成或變更", "working_days": 20}
    assert [a.name for a in ob.agencies] == ["區級扶貧部門", "貧困人口所在行政村"]


def test_d04_text_that_is_not_a_table_is_kept_as_comments() -> None:
    draft = _draft("D04")
    assert (
        "# 原文：(二)鄉鎮、村和項目實施單位在鄉鎮政府、村委會或項目實施地等場所利用固定信息公開欄進行公示。"
        in draft
    )


def test_d07_half_year_at_least_once() -> None:
    (ob,) = _rows(_spec("D07"), "法律法规", "政策文件")[:1]
    assert _schedule(ob) == {"kind": "count", "every": "half-year", "min_count": 1}


def test_d07_promptly_as_it_progresses() -> None:
    (ob,) = _rows(_spec("D07"), "重大決策草案")
    assert _schedule(ob) == {"kind": "event", "trigger": "信息形成或變更", "working_days": 20, "prompt": True}


def test_d07_one_week_ahead_of_the_meeting() -> None:
    (ob,) = _rows(_spec("D07"), "重要會議")
    assert _schedule(ob) == {"kind": "event", "trigger": "重要會議", "lead": "P1W"}
    assert ob.action == "發送"


def test_d07_merged_timing_cell_takes_the_row_above() -> None:
    (ob,) = _rows(_spec("D07"), "行政强制")
    assert _schedule(ob)["working_days"] == 20
    assert "# 本行時限空白（合併單元格）：沿用上一行" in _draft("D07")


# ---- single cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            "信息形成或变更之日起20个工作日内",
            {"kind": "event", "trigger": "信息形成或变更", "lag": (20, "working_day")},
        ),
        ("自信息形成或者变更之日起20个工作日内予以公开", {"kind": "event", "trigger": "信息形成或变更"}),
        (
            "信息形成(变更)下发至本单位20个工作日内",
            {"kind": "event", "trigger": "信息形成或变更下发至本单位"},
        ),
        ("制 定 或 获 取 信 息之日起 10 个 工作日内", {"kind": "event", "trigger": "制定或获取信息"}),
        ("每年1月31日前", {"kind": "periodic", "every": "year", "day": 31, "month": 1}),
        ("每月10日前", {"kind": "periodic", "every": "month", "day": 10}),
        ("长期公开", {"kind": "standing"}),
        ("长期保持公开", {"kind": "standing"}),
        ("半年至少更新1次", {"kind": "count", "every": "half-year", "count": 1}),
        ("每季度", {"kind": "periodic", "every": "quarter"}),
        ("按进展情况及时公开", {"kind": "prompt"}),
        ("实时", {"kind": "realtime"}),
        ("定期", {"kind": "regularly"}),
        ("提前一周发通知邀请", {"kind": "lead_event", "lag": (1, "week"), "trigger": "会议"}),
        ("依法依规", {"kind": "vague", "phrase": "按要求"}),
    ],
)
def test_catalogue_timing(cell: str, expected: dict[str, object]) -> None:
    timing = catalogue_timing(cell, "会议")
    assert timing is not None
    when = timing.when
    got: dict[str, object] = {"kind": when.kind}
    for key in expected:
        if key == "kind":
            continue
        value = getattr(when, key)
        if key == "every":
            value = value.value
        if key == "lag":
            value = (value[0], value[1].value)
        got[key] = value
    assert got == expected


def test_unreadable_timing_keeps_the_phrase_in_a_note() -> None:
    timing = catalogue_timing("依法依规", "x")
    assert timing is not None and any("依法依规" in n for n in timing.notes)


def test_display_period() -> None:
    timing = catalogue_timing("制定或获取信息之日起10个工作日内，公示7个工作日", "x")
    assert timing is not None and timing.display is not None
    assert (timing.display[0], timing.display[1].value) == (7, "working_day")


def test_empty_cell() -> None:
    assert catalogue_timing("  ", "x") is None


# ---- xlsx and csv -------------------------------------------------------------------------------------

HEADER = ["序号", "公开事项", "", "公开内容（要素）", "公开依据", "公开时限", "公开主体", "公开渠道和载体"]
SUBHEADER = ["", "一级事项", "二级事项", "", "", "", "", ""]
ROWS = [
    [
        "1",
        "政策文件",
        "法律法规",
        "与安全生产有关的法律、法规",
        "《条例》",
        "半年至少更新1次",
        "县应急局",
        "■政府网站 □两微一端",
    ],
    ["2", "", "部门规章", "部门规章", "《条例》", "同上", "县应急局", "■政府网站"],
    [
        "3",
        "依法行政",
        "行政许可",
        "许可的依据、条件、程序",
        "《条例》",
        "信息形成或变更之日起20个工作日内",
        "县应急局、乡镇政府",
        "■政府网站",
    ],
    ["4", "", "年报", "政府信息公开工作年度报告", "《条例》", "每年1月31日前", "县应急局", "■政府网站"],
]


def _check_grid_draft(draft: str) -> None:
    spec = _compile(draft)
    by_subject = {ob.subject: ob for ob in spec.obligations}
    assert _schedule(by_subject["法律法规"]) == {"kind": "count", "every": "half-year", "min_count": 1}
    assert _schedule(by_subject["部门规章"]) == {"kind": "count", "every": "half-year", "min_count": 1}
    assert by_subject["部门规章"].source.section == "政策文件"  # the merged 一級 cell
    assert _schedule(by_subject["行政许可"])["working_days"] == 20
    assert [a.name for a in by_subject["行政许可"].agencies] == ["县应急局", "乡镇政府"]
    assert by_subject["年报"].source.section == "依法行政"
    assert _schedule(by_subject["年报"])["deadline"] == {"kind": "day_of_period", "day": 31, "month": 1}
    assert by_subject["法律法规"].channels == ("政府网站",)


def test_xlsx_with_merged_cells(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["安全生产领域基层政务公开标准目录"])
    ws.append(HEADER)
    ws.append(SUBHEADER)
    for row in ROWS:
        ws.append([c or None for c in row])
    ws.merge_cells("B2:C2")
    ws.merge_cells("B4:B5")  # 政策文件 over rows 1-2
    ws.merge_cells("B6:B7")  # 依法行政 over rows 3-4
    path = tmp_path / "catalogue.xlsx"
    wb.save(path)
    draft = extract_catalogue(path)
    assert draft.startswith("標題：安全生产领域基层政务公开标准目录") or draft.startswith(
        "标题：安全生产领域基层政务公开标准目录"
    )
    _check_grid_draft(draft)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [HEADER, SUBHEADER, *ROWS]:
        writer.writerow(row)
    path = tmp_path / "catalogue.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    _check_grid_draft(extract_catalogue(path))


@pytest.mark.usefixtures("fresh_csv_limit")
def test_csv_with_a_cell_over_128_kib(tmp_path: Path) -> None:
    # csv refuses such a cell in a new process unless the reader raises its limit first.
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [HEADER, SUBHEADER, *ROWS]:
        writer.writerow(row)
    writer.writerow(["備註：" + "說明" * 100_000])
    path = tmp_path / "catalogue.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _check_grid_draft(extract_catalogue(path))


def test_catalogue_with_an_agency_registry(tmp_path: Path) -> None:
    import csv
    import io

    from obligations.compiler import compile_file

    registry = tmp_path / "agencies.obl"
    registry.write_text("機構 應急局 = 某縣應急管理局 別名 縣應急局\n", encoding="utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [HEADER, SUBHEADER, *ROWS]:
        writer.writerow(row)
    path = tmp_path / "catalogue.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    draft = extract_catalogue(path, agencies=registry)
    assert f'引用 "{registry.as_posix()}"' in draft
    assert "應急局 = 應急局" not in draft and "县应急局 = " not in draft  # the registry names it
    assert "乡镇政府 = 乡镇政府  # 機構表中沒有，全稱待核" in draft  # only what it lacks is declared
    out = tmp_path / "draft.obl"
    out.write_text(draft, encoding="utf-8")
    result = compile_file(out)
    assert result.errors == (), render_all(result.errors, result.sources, "en")
    assert result.spec is not None
    by_subject = {ob.subject: ob for ob in result.spec.obligations}
    assert [a.name for a in by_subject["行政许可"].agencies] == ["應急局", "乡镇政府"]


def test_is_catalogue() -> None:
    assert is_catalogue(_reference("D07").read_text(encoding="utf-8"))
    seed = Path(__file__).resolve().parent / "data" / "shared" / "seeds" / "000_0ca0f610db5f85cb.txt"
    assert not is_catalogue(seed.read_text(encoding="utf-8"))


def test_cli_detects_a_catalogue(tmp_path: Path) -> None:
    result = CliRunner().invoke(extract_cmd, [str(_reference("D07"))])
    assert result.exit_code == 0, result.output
    assert result.output == _draft("D07")
    out = tmp_path / "d07.obl"
    result = CliRunner().invoke(extract_cmd, [str(_reference("D07")), "-o", str(out), "--kind", "catalogue"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == _draft("D07")
