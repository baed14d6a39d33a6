"""Evidence files: every row accounted for, every bad input a clear message and never a traceback."""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from pathlib import Path

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations.errors import InputError
from obligations.evidence import (
    CSV_SOURCE,
    JSONL_SOURCE,
    MAX_FIELD,
    XLSX_SOURCE,
    CsvSource,
    EvidenceFileError,
    EvidenceRecord,
    EvidenceSource,
    JsonlSource,
    LoadResult,
    Period,
    Rejected,
    available_sources,
    header_field,
    load_evidence,
    parse_period,
    parse_timestamp,
    record_from_fields,
)

TZ = "Asia/Shanghai"
AS_OF = pendulum.datetime(2026, 12, 1, tz=TZ)
HEADER_ZH = "事項,單位,發布時間,鏈接,標題,渠道,期間"
HEADER_EN = "obligation,subject,agency,published_at,url,title,channel,period"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def load(path: Path, **kw: object) -> LoadResult:
    return load_evidence(path, kw.pop("tz", TZ), kw.pop("as_of", AS_OF), **kw)  # type: ignore[arg-type]


def codes(result: LoadResult) -> dict[int, str]:
    return {r.row: r.code for r in result.rejected}


# ---- timestamps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "date_only"),
    [
        ("2026-10-09T14:30:00+08:00", "2026-10-09T14:30:00+08:00", False),
        ("2026-10-09T06:30:00Z", "2026-10-09T14:30:00+08:00", False),
        ("2026-10-09 14:30", "2026-10-09T14:30:00+08:00", False),
        ("2026/10/9 14:30", "2026-10-09T14:30:00+08:00", False),
        ("2026年10月9日 14時30分", "2026-10-09T14:30:00+08:00", False),
        ("2026年10月9日14时30分", "2026-10-09T14:30:00+08:00", False),
        ("2026年10月9日 下午2:30", "2026-10-09T14:30:00+08:00", False),
        ("２０２６－１０－０９　１４：３０", "2026-10-09T14:30:00+08:00", False),
        ("2026-10-09 14:30:15.5+0800", "2026-10-09T14:30:15.500000+08:00", False),
        ("2026-10-09T14:30:00 UTC", "2026-10-09T22:30:00+08:00", False),
        ("2026-10-09", "2026-10-09T00:00:00+08:00", True),
        ("2026年10月9日", "2026-10-09T00:00:00+08:00", True),
        ("2026.10.09", "2026-10-09T00:00:00+08:00", True),
    ],
)
def test_timestamps(text: str, expected: str, date_only: bool) -> None:
    stamp, only = parse_timestamp(text, TZ)
    assert stamp.isoformat() == expected
    assert only is date_only
    assert stamp.timezone_name == TZ


def test_timestamp_without_zone_takes_the_given_zone() -> None:
    stamp, _ = parse_timestamp("2026-07-01 09:00", "Europe/London")
    assert stamp.isoformat() == "2026-07-01T09:00:00+01:00"
    stamp, _ = parse_timestamp("2026-07-01T09:00:00+08:00", "Europe/London")
    assert stamp.isoformat() == "2026-07-01T02:00:00+01:00"  # same instant, shown in the zone


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "2026-10",
        "2026-13-01",
        "2026-02-30",
        "2026-10-09 25:00",
        "2026-10-09 14",
        "1899-12-30",
        "26-10-09",
    ],
)
def test_bad_timestamps(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text, TZ)


ZONES = ["Asia/Shanghai", "Europe/London", "America/New_York", "Australia/Lord_Howe", "UTC"]


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(dt.datetime(1985, 1, 1), dt.datetime(2040, 12, 31)),
    st.sampled_from(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]),
    st.sampled_from(ZONES),
)
def test_the_iso_path_agrees_with_the_general_one(moment: dt.datetime, form: str, tz: str) -> None:
    # 2026-10-09 14:30 and its kin skip the general parser: they must come out the very same,
    # fold, zone object and all, on days a clock changes too (and be refused alike before 1990).
    from obligations.evidence import _parse_general, _timezone

    text = moment.strftime(form)
    try:
        general = _parse_general(text, _timezone(tz))
    except ValueError:
        with pytest.raises(ValueError):
            parse_timestamp(text, tz)
        return
    fast = parse_timestamp(text, tz)
    assert fast == general
    (a, _), (b, _) = fast, general
    assert (repr(a), a.isoformat(), a.fold, type(a), a.tzinfo) == (
        repr(b),
        b.isoformat(),
        b.fold,
        type(b),
        b.tzinfo,
    )


@pytest.mark.parametrize(
    ("text", "tz"),
    [
        ("2026-03-29 01:30", "Europe/London"),  # skipped by the clock change
        ("2026-10-25 01:30", "Europe/London"),  # repeated
        ("2026-03-08 02:30", "America/New_York"),
        ("1991-04-14 02:30", "Asia/Shanghai"),  # China kept summer time until 1991
    ],
)
def test_times_on_days_a_clock_changes(text: str, tz: str) -> None:
    from obligations.evidence import _parse_general, _timezone

    fast, general = parse_timestamp(text, tz), _parse_general(text, _timezone(tz))
    assert (repr(fast[0]), fast[0].isoformat()) == (repr(general[0]), general[0].isoformat())


# ---- periods ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2026-10", "2026-10", "2026-10-01", "2026-10-31"),
        ("2026-W41", "2026-W41", "2026-10-05", "2026-10-11"),
        ("2026-Q3", "2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026-H1", "2026-H1", "2026-01-01", "2026-06-30"),
        ("2026", "2026", "2026-01-01", "2026-12-31"),
        ("2026年10月", "2026-10", "2026-10-01", "2026-10-31"),
        ("2026年十二月", "2026-12", "2026-12-01", "2026-12-31"),
        ("2026年第三季度", "2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026年三季度", "2026-Q3", "2026-07-01", "2026-09-30"),
        ("2026年上半年", "2026-H1", "2026-01-01", "2026-06-30"),
        ("2026年下半年", "2026-H2", "2026-07-01", "2026-12-31"),
        ("2026年", "2026", "2026-01-01", "2026-12-31"),
        ("2026年度", "2026", "2026-01-01", "2026-12-31"),
        ("2026年第41周", "2026-W41", "2026-10-05", "2026-10-11"),
        ("2026q4", "2026-Q4", "2026-10-01", "2026-12-31"),
        ("2020-W53", "2020-W53", "2020-12-28", "2021-01-03"),
        ("2026-10-09", "2026-10-09", "2026-10-09", "2026-10-09"),
    ],
)
def test_periods(text: str, label: str, start: str, end: str) -> None:
    period = parse_period(text)
    assert (str(period), period.start.isoformat(), period.end.isoformat()) == (label, start, end)
    assert parse_period(period.label("zh")) == period
    assert parse_period(str(period)) == period


@pytest.mark.parametrize(
    "text", ["2026-13", "2026-W54", "2027-W53", "2026-Q5", "2026-H3", "上半年", "foo", ""]
)
def test_bad_periods(text: str) -> None:
    with pytest.raises(ValueError):
        parse_period(text)


@given(
    st.integers(1990, 2100),
    st.sampled_from(["year", "half-year", "quarter", "month", "week"]),
    st.integers(1, 53),
)
def test_period_labels_round_trip(year: int, kind: str, index: int) -> None:
    from obligations.evidence import _period

    try:
        period = _period(kind, year, index)  # type: ignore[arg-type]
    except ValueError:
        return
    assert parse_period(str(period)) == period
    assert parse_period(period.label("zh")) == period
    assert period.contains(period.start) and period.contains(period.end)


# ---- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("發布時間", "published_at"),
        ("发布时间", "published_at"),
        ("發佈時間", "published_at"),
        ("Published_At", "published_at"),
        ("單位", "agency"),
        ("单位", "agency"),
        ("鏈接", "url"),
        ("链接", "url"),
        ("編號", "obligation"),
        ("编号", "obligation"),
        ("事項", "subject_or_id"),
        ("事项", "subject_or_id"),
        ("*發布時間（必填）", "published_at"),
        ("期間", "period"),
        ("备注", None),
    ],
)
def test_headers(header: str, field: str | None) -> None:
    assert header_field(header) == field


# ---- CSV ----------------------------------------------------------------------------------------

ROWS = (
    "食品安全抽檢,市場監管局,2026-10-09 14:30,https://x.gov.cn/a,抽檢通告,政府網站,2026-W41\n"
    "HM-12,財政局,2026/10/9,,,,2026年第三季度\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "e.csv", HEADER_ZH + "\n" + ROWS, encoding)
    result = load(path)
    assert result.rows_read == 2 and not result.rejected
    assert result.encoding == ("gb18030" if encoding in ("gb18030", "gbk") else "utf-8")
    first, second = result.records
    assert (first.subject, first.obligation, first.agency) == ("食品安全抽檢", None, "市場監管局")
    assert first.published_at == pendulum.datetime(2026, 10, 9, 14, 30, tz=TZ)
    assert str(first.period) == "2026-W41" and first.channel == "政府網站"
    assert (second.obligation, second.subject, second.date_only) == ("HM-12", None, True)
    assert first.source is not None and first.source.row == 2


def test_csv_simplified_headers_gbk(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "编号,事项,单位,发布时间\nHM-1,财政预算,财政局,2026-10-09\n", "gbk")
    (record,) = load(path).records
    assert (record.obligation, record.subject, record.agency) == ("HM-1", "财政预算", "财政局")


def test_subject_column_with_an_id_column_is_always_the_subject(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "編號,事項,單位,發布時間\n,HM-12,財政局,2026-10-09\n")
    (record,) = load(path).records
    assert (record.obligation, record.subject) == (None, "HM-12")


def test_utf16_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", HEADER_ZH + "\n" + ROWS, "utf-16")
    with pytest.raises(InputError) as info:
        load(path)
    assert "UTF-16" in str(info.value) and "e.csv" in str(info.value)


def test_unknown_encoding_names_file_and_encodings(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(b"agency,published_at,subject\n\xff\xfa\xfb,2026-10-09,x\n")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    err = info.value
    assert err.code == "encoding"
    for text in (str(err), err.message("zh")):
        assert "e.csv" in text and "UTF-8" in text and "GB18030" in text


def test_utf8_broken_part_way_is_not_read_as_gbk(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes((HEADER_ZH + "\n" + ROWS).encode("utf-8") + b"\xe9\xa3,x\n")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert info.value.code == "encoding" and "line 4" in str(info.value)


def test_missing_columns_named(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "事項,標題,備注\n財政預算,標題,x\n")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    err = info.value
    assert err.code == "missing_column"
    assert "agency" in str(err) and "published_at" in str(err) and "事項, 標題, 備注" in str(err)
    assert "單位" in err.message("zh") and "發布時間" in err.message("zh") and "備注" in err.message("zh")
    assert "Traceback" not in err.message("zh")


def test_missing_obligation_and_subject_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "單位,發布時間\n財政局,2026-10-09\n")
    with pytest.raises(EvidenceFileError, match="obligation/subject"):
        load(path)


@pytest.mark.parametrize("content", [b"", b"\n\n\r\n", b"\xef\xbb\xbf", b" , ,\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert info.value.code == "empty" and "empty" in str(info.value) and "空" in info.value.message("zh")


def test_header_only_is_zero_rows(tmp_path: Path) -> None:
    result = load(write(tmp_path / "e.csv", HEADER_ZH + "\n"))
    assert (result.rows_read, result.records, result.rejected) == (0, (), ())


def test_duplicate_column(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", "事項,單位,發布時間,日期\nx,y,2026-10-09,2026-10-09\n")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert info.value.code == "duplicate_column" and "日期" in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match="no such file"):
        load(tmp_path / "nope.csv")
    for name in ("dir.csv", "folder"):  # with a suffix, or none (no source would be named)
        (tmp_path / name).mkdir()
        with pytest.raises(EvidenceFileError) as info:
            load(tmp_path / name)
        assert (info.value.code, info.value.message("zh")) == (
            "not_a_file",
            f"{tmp_path / name}：這是目錄，不是文件",
        )


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "old.xls", "x")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert ".xlsx" in str(info.value) and ".xls" in info.value.message("zh")


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    text = "2026年10月政務公開記錄,,,,,,\n\n" + HEADER_ZH + "\n" + ROWS + ",,,,,,\n壞,財政局,不是時間,,,,\n"
    result = load(write(tmp_path / "e.csv", text))
    assert result.header_row == 3
    assert [r.source.row for r in result.records if r.source] == [4, 5]
    assert codes(result) == {7: "bad_timestamp"}
    assert (result.rows_read, result.blank_rows) == (3, 1)


def test_rejected_rows_have_reasons_in_both_languages(tmp_path: Path) -> None:
    rows = [
        "食品安全抽檢,市場監管局,2026-10-09 14:30,,,,",  # 2 ok
        ",市場監管局,2026-10-09 14:30,,,,",  # 3 no_obligation
        "x,,2026-10-09,,,,",  # 4 missing_value (agency)
        "x,財政局,,,,,",  # 5 missing_value (published_at)
        "x,財政局,2026-13-09,,,,",  # 6 bad_timestamp
        "x,財政局,2027-01-01,,,,",  # 7 future_date
        "x,財政局,2026-10-09,,,,2026-Q5",  # 8 bad_period
        "x,財政局,2026-10-09,www.x.gov.cn/a,,,",  # 9 bad_url
        "x,財政局,2026-10-09,,,,,extra",  # 10 extra_values
        "x,財政局,2026-12-01,,,,",  # 11 ok: the as_of day itself
    ]
    result = load(write(tmp_path / "e.csv", HEADER_ZH + "\n" + "\n".join(rows) + "\n"))
    assert codes(result) == {
        3: "no_obligation",
        4: "missing_value",
        5: "missing_value",
        6: "bad_timestamp",
        7: "future_date",
        8: "bad_period",
        9: "bad_url",
        10: "extra_values",
    }
    assert len(result.records) == 2
    for r in result.rejected:
        assert r.message("zh") and r.message("en") and r.message("zh") != r.message("en")
        assert r.file.endswith("e.csv")
    by_row = {r.row: r for r in result.rejected}
    assert "單位" in by_row[4].message("zh") and "agency" in by_row[4].message("en")
    assert "2026-13-09" in by_row[6].message("zh")


def test_future_is_relative_to_as_of(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", HEADER_ZH + "\nx,財政局,2026-10-09 14:30,,,,\n")
    assert codes(load(path, as_of=pendulum.datetime(2026, 10, 9, 14, 29, tz=TZ))) == {2: "future_date"}
    assert codes(load(path, as_of=pendulum.datetime(2026, 10, 9, 14, 30, tz=TZ))) == {}
    # a naive as-of is a wall time in the loader's zone, not the machine's (often UTC on a server)
    assert codes(load(path, as_of=dt.datetime(2026, 10, 9, 14, 29))) == {2: "future_date"}
    assert codes(load(path, as_of=dt.datetime(2026, 10, 9, 14, 30))) == {}


def test_quoted_cells_line_endings_and_row_numbers(tmp_path: Path) -> None:
    text = (
        HEADER_EN + "\r\n"
        'HM-1,,財政局,2026-10-09,,"標題, 有逗號\r\n還有換行",,\r\n'
        'HM-2,,財政局,2026-10-09,,"說 ""引號"" 與 12""屏",,\r'
        'HM-3,,財政局,2026-10-09,,12"屏,,\n'
        "HM-4,,財政局,不是時間,,,,"
    )
    result = load(write(tmp_path / "e.csv", text))
    titles = [r.title for r in result.records]
    assert titles == ["標題, 有逗號\r\n還有換行", '說 "引號" 與 12"屏', '12"屏']
    assert [r.source.row for r in result.records if r.source] == [2, 3, 4]
    assert codes(result) == {5: "bad_timestamp"}


def test_unclosed_quote(tmp_path: Path) -> None:
    text = (
        HEADER_EN
        + '\nHM-1,,財政局,2026-10-09,,ok,,\nHM-2,,財政局,2026-10-09,,"never closed,,\nHM-3,,x,y,,,,\n'
    )
    result = load(write(tmp_path / "e.csv", text))
    assert codes(result) == {3: "bad_quote"} and result.rows_read == 2


def test_tab_separated(tmp_path: Path) -> None:
    text = HEADER_ZH.replace(",", "\t") + "\n" + ROWS.replace(",", "\t")
    for name in ("e.tsv", "e.txt"):
        assert len(load(write(tmp_path / name, text)).records) == 2


def test_semicolon_separated(tmp_path: Path) -> None:
    # Excel writes ; between cells where the decimal mark is a comma; a title may then hold commas.
    text = HEADER_ZH.replace(",", ";") + "\n" + ROWS.replace(",", ";")
    semicolons = load(write(tmp_path / "e.csv", text))
    commas = load(write(tmp_path / "c.csv", HEADER_ZH + "\n" + ROWS))
    assert [r.published_at for r in semicolons.records] == [r.published_at for r in commas.records]
    assert (semicolons.rows_read, semicolons.rejected) == (2, ())
    one = HEADER_ZH.replace(",", ";") + "\nHM-1;財政局;2026-10-09;;關於預算,決算的通知;;\n"
    (record,) = load(write(tmp_path / "t.csv", one)).records
    assert record.title == "關於預算,決算的通知"


def test_id_like_subject_becomes_obligation_without_id_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "e.csv", "事項,單位,發布時間\n[HM-12],財政局,2026-10-09\n財政預算,財政局,2026-10-09\n"
    )
    first, second = load(path).records
    assert (first.obligation, first.subject) == ("HM-12", None)
    assert (second.obligation, second.subject) == (None, "財政預算")


# ---- huge fields ---------------------------------------------------------------------------------


def _huge_csv(path: Path, size: int, quoted: bool) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER_EN + "\n")
        f.write("HM-1,,財政局,2026-10-09,,before,,\n")
        f.write("HM-2,,財政局,2026-10-09,,")
        f.write('"' if quoted else "")
        block = ("很長的內容\n" if quoted else "很長的內容") * 10_000
        for _ in range(size // len(block) + 1):
            f.write(block)
        f.write('"' if quoted else "")
        f.write(",,\n")
        f.write("HM-3,,財政局,2026-10-09,,after,,\n")
    return path


@pytest.mark.parametrize("quoted", [False, True])
def test_huge_field_is_rejected_in_bounded_memory(tmp_path: Path, quoted: bool) -> None:
    path = _huge_csv(tmp_path / "huge.csv", 4_000_000, quoted)
    assert path.stat().st_size > 10_000_000
    source = CsvSource(max_field=20_000)
    tracemalloc.start()
    try:
        result = load(path, sources=[source])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_500_000, peak  # the file is 10+ MB and its one cell 4M characters: never held
    assert [r.title for r in result.records] == ["before", "after"]
    assert codes(result) == {3: "field_too_large"}
    assert [r.source.row for r in result.records if r.source] == [2, 4]


def test_cell_over_the_limit_inside_a_row_under_the_row_cap(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", HEADER_EN + f"\nHM-1,,財政局,2026-10-09,,{'x' * 1500},,\n")
    result = load(path, sources=[CsvSource(max_field=1000)])
    (rejected,) = result.rejected
    assert rejected.code == "field_too_large" and "title" in rejected.message("en")
    assert "1500" in rejected.message("zh")


def test_default_limit_accepts_cells_larger_than_csv_default(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", HEADER_EN + f"\nHM-1,,財政局,2026-10-09,,{'字' * 300_000},,\n")
    (record,) = load(path).records
    assert record.title is not None and len(record.title) == 300_000


@pytest.mark.usefixtures("fresh_csv_limit")
def test_a_cell_over_the_limit_in_a_fresh_process(tmp_path: Path) -> None:
    # A fresh interpreter's csv module refuses cells over 128 KiB. A quote-free row longer than
    # the cell limit (1 MiB) but under the row cap is read whole and handed to the general code;
    # that must not be the csv module's limit speaking, but this row's rejection.
    title = "字" * (MAX_FIELD + 10)
    path = write(
        tmp_path / "e.csv",
        HEADER_EN
        + f"\nHM-1,,財政局,2026-10-09,,before,,\nHM-2,,財政局,2026-10-09,,{title},,\nHM-3,,財政局,2026-10-10,,after,,\n",
    )
    result = load(path)
    assert [r.title for r in result.records] == ["before", "after"]
    (rejected,) = result.rejected
    assert (rejected.row, rejected.code) == (3, "field_too_large")
    assert rejected.message("en") == (
        f"the title cell is too large ({MAX_FIELD + 10} characters; the limit is {MAX_FIELD})"
    )


# ---- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl(tmp_path: Path) -> None:
    lines = [
        json.dumps({"obligation": "HM-1", "agency": "財政局", "published_at": "2026-10-09T10:00:00+08:00"}),
        "{not json",
        "",
        json.dumps(
            {"事項": "財政預算", "單位": "財政局", "發布時間": "2026年10月9日", "期間": "2026年第三季度"},
            ensure_ascii=False,
        ),
        json.dumps([1, 2]),
        json.dumps({"obligation": 12, "agency": "財政局", "published_at": "2026-10-09", "title": ["x"]}),
        json.dumps({"obligation": 12, "agency": "財政局", "published_at": "2026-10-09"}),
        "",
    ]
    path = write(tmp_path / "e.jsonl", "\n".join(lines) + "\n")
    result = load(path)
    assert codes(result) == {2: "bad_json", 5: "bad_json", 6: "bad_value"}
    assert result.rows_read == 6 and result.blank_rows == 1 and result.header_row == 0
    a, b, c = result.records
    assert a.obligation == "HM-1" and not a.date_only
    assert (b.subject, str(b.period), b.date_only) == ("財政預算", "2026-Q3", True)
    assert c.obligation == "12"


def test_a_cell_too_large_is_the_reason_even_after_a_value_that_is_not_text(tmp_path: Path) -> None:
    # The checks keep their order whatever the columns' order: size first, then text.
    line = {"obligation": "HM-1", "agency": "財政局", "published_at": "2026-10-09", "channel": True}
    path = write(tmp_path / "e.jsonl", json.dumps({**line, "title": "x" * 300}) + "\n" + json.dumps(line))
    result = load(path, sources=[JsonlSource(max_field=200)])
    assert codes(result) == {1: "field_too_large", 2: "bad_value"}


def test_loaded_records_are_the_records_the_constructor_builds(tmp_path: Path) -> None:
    # The loader builds records without running their checks again (it has made them): the
    # objects must be the ones EvidenceRecord(...) makes, and repeated values are shared.
    path = write(tmp_path / "e.csv", HEADER_ZH + "\n" + ROWS + ROWS.splitlines()[0] + "\n")
    first, second, third = load(path).records
    expected = EvidenceRecord(
        agency="市場監管局",
        published_at=pendulum.datetime(2026, 10, 9, 14, 30, tz=TZ),
        subject="食品安全抽檢",
        url="https://x.gov.cn/a",
        title="抽檢通告",
        channel="政府網站",
        period=parse_period("2026-W41"),
        source=attrs.evolve(first.source, row=2) if first.source else None,
    )
    assert first == expected and repr(first) == repr(expected) and hash(first) == hash(expected)
    assert second.obligation == "HM-12" and second.date_only
    assert third == attrs.evolve(first, source=third.source)
    assert third.agency is first.agency and third.published_at is first.published_at
    assert third.period is first.period and third.title is first.title


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_leaves_the_garbage_collector_as_it_was(tmp_path: Path, enabled: bool) -> None:
    import gc

    path = write(tmp_path / "e.csv", HEADER_ZH + "\n" + ROWS)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        load(path)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_jsonl_not_utf8_and_huge_line(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    good = json.dumps({"obligation": "HM-1", "agency": "財政局", "published_at": "2026-10-09"}).encode()
    path.write_bytes(
        good
        + b"\n"
        + '{"agency": "財政局"}'.encode("gbk")
        + b"\n"
        + b'{"title": "'
        + b"x" * 500_000
        + b'"}\n'
        + good
        + b"\n"
    )
    result = load(path, sources=[JsonlSource(max_field=10_000)])
    assert codes(result) == {2: "bad_json", 3: "field_too_large"}
    assert len(result.records) == 2


def test_jsonl_empty(tmp_path: Path) -> None:
    with pytest.raises(EvidenceFileError, match="empty"):
        load(write(tmp_path / "e.jsonl", "\n\n"))


# ---- Excel --------------------------------------------------------------------------------------


def _xlsx(
    path: Path, sheets: dict[str, list[list[object]]], formats: dict[tuple[str, str], str] | None = None
) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for (name, cell), fmt in (formats or {}).items():
            if name == title:
                sheet[cell].number_format = fmt
    workbook.save(path)
    return path


def test_xlsx(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["2026年10月公開記錄"],
        ["編號", "事項", "單位", "發布時間", "鏈接", "標題", "渠道", "期間", "備注"],
        [
            "HM-1",
            None,
            "財政局",
            dt.datetime(2026, 10, 9, 14, 30),
            None,
            "月報",
            "政府網站",
            dt.datetime(2026, 10, 1),
            "x",
        ],
        ["HM-2", None, "財政局", dt.datetime(2026, 10, 9), None, None, None, "2026-Q3", None],
        [None, "財政預算", "財政局", "2026/10/9 9:05", "https://x.gov.cn/1", None, None, 2026, None],
        [None, None, None, None, None, None, None, None, None],
        [12, None, "財政局", 46304, None, None, None, None, None],
        ["HM-3", None, "財政局", dt.datetime(2026, 10, 9), None, None, None, None, None],
    ]
    formats = {("證據", "H3"): "yyyy-mm", ("證據", "D4"): "yyyy-mm-dd", ("證據", "D8"): "yyyy-mm-dd hh:mm"}
    path = _xlsx(tmp_path / "e.xlsx", {"說明": [["請在下一頁填寫"]], "證據": rows}, formats)
    result = load(path)
    assert result.header_row == 2 and result.ignored_columns == ("備注",)
    assert codes(result) == {7: "bad_timestamp"}
    assert "Excel" in result.rejected[0].message("en") and "2026-10-09" in result.rejected[0].message("zh")
    assert result.rows_read == 5 and result.blank_rows == 1
    one, two, three, four = result.records
    assert one.published_at == pendulum.datetime(2026, 10, 9, 14, 30, tz=TZ) and not one.date_only
    assert str(one.period) == "2026-10"  # a date cell shown as a month
    assert two.date_only and str(two.period) == "2026-Q3"
    assert three.subject == "財政預算" and three.published_at.minute == 5 and str(three.period) == "2026"
    assert not four.date_only  # midnight, but the cell's format shows the time
    assert [r.source.row for r in result.records if r.source] == [3, 4, 5, 8]


@pytest.mark.parametrize(
    ("fmt", "period"),
    [
        ("yyyy-mm", "2026-09"),  # shown "2026-09", whatever day the cell holds
        ('yyyy"年"m"月"', "2026-09"),
        ('[$-804]yyyy"年"m"月";@', "2026-09"),
        ("mmm-yy", "2026-09"),
        ("m/yyyy", "2026-09"),
        ("yyyy", "2026"),
        ("yyyy-mm-dd", "2026-09-15"),
        ("yyyy/m/d h:mm", "2026-09-15"),
        ('"day" yyyy-mm', "2026-09"),  # quoted text is not a format code
    ],
)
def test_xlsx_period_cell_is_what_its_format_shows(tmp_path: Path, fmt: str, period: str) -> None:
    rows: list[list[object]] = [
        ["編號", "單位", "發布時間", "期間"],
        ["HM-1", "財政局", dt.datetime(2026, 10, 9, 14, 30), dt.datetime(2026, 9, 15)],
    ]
    result = load(_xlsx(tmp_path / "e.xlsx", {"證據": rows}, {("證據", "D2"): fmt}))
    [record] = result.records
    assert str(record.period) == period


def test_xlsx_missing_columns(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", {"a": [["事項", "標題"], ["x", "y"]]})
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert info.value.code == "missing_column" and "標題" in info.value.message("zh")


def test_xlsx_not_a_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "e.xlsx", "this is not a zip")
    with pytest.raises(EvidenceFileError) as info:
        load(path)
    assert info.value.code == "bad_workbook" and "xlsx" in info.value.message("zh")


# ---- plugins ------------------------------------------------------------------------------------


def test_builtin_sources_are_available() -> None:
    names = [s.name for s in available_sources()]
    assert {"csv", "jsonl", "xlsx"} <= set(names)
    for source in (CSV_SOURCE, JSONL_SOURCE, XLSX_SOURCE):
        assert isinstance(source, EvidenceSource)


def test_a_plugin_source_and_a_failing_one(tmp_path: Path) -> None:
    class Fixed:
        name = "fixed"
        suffixes = (".fixed",)

        def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult:
            record = EvidenceRecord("財政局", pendulum.datetime(2026, 1, 1, tz=tz), obligation="HM-1")
            return LoadResult((record,), (), 1, str(path))

    class Broken(Fixed):
        def load(self, path: Path, tz: str, as_of: pendulum.DateTime | None = None) -> LoadResult:
            raise RuntimeError("boom")

    path = write(tmp_path / "e.fixed", "")
    assert load(path, sources=[Fixed()]).records[0].obligation == "HM-1"
    with pytest.raises(EvidenceFileError) as info:
        load(path, sources=[Broken()])
    assert info.value.code == "source_failed" and "boom" in str(info.value)


def test_record_from_fields() -> None:
    record = record_from_fields(
        {"agency": "財政局", "published_at": "2026-10-09", "obligation": "HM-1"}, TZ, AS_OF
    )
    assert isinstance(record, EvidenceRecord) and record.source is not None and record.source.row is None
    rejected = record_from_fields({"agency": "財政局", "published_at": "soon"}, TZ, AS_OF)
    assert isinstance(rejected, Rejected) and rejected.code == "no_obligation"


def test_records_need_an_aware_time() -> None:
    with pytest.raises(ValueError):
        EvidenceRecord("財政局", dt.datetime(2026, 1, 1), obligation="x")  # type: ignore[arg-type]


def test_bad_timezone(tmp_path: Path) -> None:
    path = write(tmp_path / "e.csv", HEADER_ZH + "\n" + ROWS)
    with pytest.raises(EvidenceFileError, match="Mars/Base"):
        load(path, tz="Mars/Base")


# ---- the reconciliation property --------------------------------------------------------------

GOOD = st.sampled_from(
    [
        ("HM-1", "", "財政局", "2026-10-09 14:30", "https://x.gov.cn/a", "2026-Q3"),
        ("", "食品安全抽檢", "市场监管局", "2026/10/9", "", "2026年10月"),
        ("o-1a2b3c4d", "財政預算", "財政局", "2026年10月9日 14時30分", "", ""),
        ("HM-2", "", "財政局", "2026-10-09T06:30:00Z", "", "2026-W41"),
        ("HM-3", "", "財政局", "2026-10-09", "HTTPS://WWW.X.GOV.CN/A", ""),  # the scheme in capitals
    ]
)
BAD = st.sampled_from(
    [
        (("", "", "財政局", "2026-10-09", "", ""), "no_obligation"),
        (("HM-1", "", "", "2026-10-09", "", ""), "missing_value"),
        (("HM-1", "", "財政局", "", "", ""), "missing_value"),
        (("HM-1", "", "財政局", "2026-02-30", "", ""), "bad_timestamp"),
        (("HM-1", "", "財政局", "next week", "", ""), "bad_timestamp"),
        (("HM-1", "", "財政局", "2031-01-01", "", ""), "future_date"),
        (("HM-1", "", "財政局", "2026-10-09", "", "2026-Q9"), "bad_period"),
        (("HM-1", "", "財政局", "2026-10-09", "javascript:alert(1)", ""), "bad_url"),
        (("HM-1", "", "財政局", "2026-10-09", "", "x" * 300), "field_too_large"),
    ]
)
ROW = st.one_of(
    GOOD.map(lambda g: (g, None)),
    BAD,
    st.just((None, "blank")),
)
RELAXED = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


@RELAXED
@given(
    rows=st.lists(ROW, max_size=25),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    title_rows=st.integers(0, 2),
)
def test_every_row_is_accounted_for(
    tmp_path: Path,
    rows: list[tuple[tuple[str, ...] | None, str | None]],
    encoding: str,
    newline: str,
    title_rows: int,
) -> None:
    lines = ["標題行"] * title_rows + ["編號,事項,單位,發布時間,鏈接,期間"]
    for cells, _ in rows:
        lines.append("" if cells is None else ",".join(_quote(c) for c in cells))
    path = write(tmp_path / "p.csv", newline.join(lines) + newline, encoding)
    result = load(path, sources=[CsvSource(max_field=200)])
    header = title_rows + 1
    assert result.header_row == header
    assert len(result.records) + len(result.rejected) == result.rows_read
    numbers = [r.row for r in result.rejected]
    assert len(set(numbers)) == len(numbers)
    last = header + len(rows)
    assert all(header < n <= last for n in numbers)
    expected_rejected = {
        header + 1 + i: code for i, (cells, code) in enumerate(rows) if cells is not None and code
    }
    assert codes(result) == expected_rejected
    expected_accepted = [
        header + 1 + i for i, (cells, code) in enumerate(rows) if cells is not None and not code
    ]
    assert [r.source.row for r in result.records if r.source] == expected_accepted
    trailing = len(rows) - len([1 for _ in _strip_trailing_blank(rows)])
    assert result.rows_read + result.blank_rows + trailing == len(rows)


def _strip_trailing_blank(
    rows: list[tuple[tuple[str, ...] | None, str | None]],
) -> list[tuple[tuple[str, ...] | None, str | None]]:
    out = list(rows)
    while out and out[-1][0] is None:
        out.pop()
    return out


@RELAXED
@given(rows=st.lists(ROW, max_size=25))
def test_every_jsonl_line_is_accounted_for(
    tmp_path: Path, rows: list[tuple[tuple[str, ...] | None, str | None]]
) -> None:
    keys = ("obligation", "subject", "agency", "published_at", "url", "period")
    lines = [
        "" if cells is None else json.dumps(dict(zip(keys, cells, strict=True)), ensure_ascii=False)
        for cells, _ in rows
    ]
    lines.append(json.dumps({"obligation": "HM-9", "agency": "財政局", "published_at": "2026-01-01"}))
    path = write(tmp_path / "p.jsonl", "\n".join(lines) + "\n")
    result = load(path, sources=[JsonlSource(max_field=200)])
    assert len(result.records) + len(result.rejected) == result.rows_read
    expected = {i + 1: code for i, (cells, code) in enumerate(rows) if cells is not None and code}
    assert codes(result) == expected


@RELAXED
@given(st.binary(max_size=400), st.sampled_from([".csv", ".jsonl", ".xlsx"]))
def test_arbitrary_bytes_never_escape(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"f{suffix}"
    path.write_bytes(b"agency,published_at,subject\n" + content if suffix == ".csv" else content)
    try:
        result = load(path)
    except InputError as err:
        assert str(err) and err.message("zh")  # type: ignore[attr-defined]
        return
    assert len(result.records) + len(result.rejected) == result.rows_read


@RELAXED
@given(st.text(st.characters(codec="utf-8") | st.sampled_from(list(',"\r\n\t')), max_size=300))
def test_arbitrary_csv_text_never_escapes(tmp_path: Path, text: str) -> None:
    path = write(tmp_path / "f.csv", "agency,published_at,subject,title\n" + text)
    try:
        result = load(path)
    except InputError:
        return
    assert len(result.records) + len(result.rejected) == result.rows_read
    numbers = [r.row for r in result.rejected] + [r.source.row for r in result.records if r.source]
    assert len(set(numbers)) == len(numbers)


def test_splitter_agrees_with_the_csv_module() -> None:
    import csv
    import io

    from obligations.evidence import _csv_records

    samples = [
        'a,b\r\n"x\ny",z\n',
        'a,"b""c",d\n12"屏,"",\r\r\n',
        '"a"b,c\n"",""""\n',
        "a,b\n\n\nc,d",
        'x,"y\r\nz"\rw,v\r\n',
    ]
    for sample in samples:
        ours = [
            next(csv.reader([text]), []) if isinstance(text, str) else None
            for text, _ in _csv_records(io.StringIO(sample), ",", 10_000)
        ]
        theirs = list(csv.reader(io.StringIO(sample, newline="")))
        assert ours == theirs, sample


@given(st.text(st.sampled_from(list('ab,"\r\n屏')), max_size=60))
def test_splitter_agrees_with_the_csv_module_on_anything(text: str) -> None:
    import csv
    import io

    from obligations.evidence import _csv_records

    ours = [
        next(csv.reader([t]), []) if isinstance(t, str) else None
        for t, _ in _csv_records(io.StringIO(text), ",", 10_000)
    ]
    theirs = list(csv.reader(io.StringIO(text, newline="")))
    assert ours == theirs


def test_period_type() -> None:
    period = parse_period("2026-Q3")
    assert isinstance(period, Period) and period.kind == "quarter" and period.label("en") == "2026-Q3"


# ---- the fast path of the CSV loader agrees with the general one ----------------------------------

_FAST_IDS = st.sampled_from(["HM-1", " HM-2 ", "[HM-3]", "【HM-4】", "", "  ", "X", "HM-1\u3000", "ＨＭ-5"])
_FAST_AGENCIES = st.sampled_from(["市場監管局", " 財政局", "财政局 ", "", " ", "局\t"])
_FAST_STAMPS = st.one_of(
    st.sampled_from(
        [
            "2026-10-09",
            "2026-10-09 14:30",
            "2026-10-09T14:30",
            "2026-10-09 14:30:05",
            "2026-10-09T14:30:59",
            "2026-13-01 10:00",
            "2026-02-30",
            "2026-10-09 24:00",
            "2026-10-09 14:60",
            "1989-12-31 10:00",
            "2030-01-01 10:00",
            "2026-12-31 23:59",
            "2027-01-01",
            " 2026-10-09 14:30",
            "2026/10/09 14:30",
            "２０２６-10-09 14:30",
            "2026-10-09 14:30Z",
            "2026-10-09 1430",
            "2026-10-09 +1:30",
            "2026-10-0914:30",
            "",
        ]
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}{}{:02d}:{:02d}".format,
        st.integers(1985, 2028),
        st.integers(0, 13),
        st.integers(0, 32),
        st.sampled_from([" ", "T", "t", "_"]),
        st.integers(0, 25),
        st.integers(0, 61),
    ),
    st.text(alphabet="0123456789-: T年月日", max_size=19),
)
_FAST_URLS = st.sampled_from(
    ["", "https://a.gov.cn/x", "http://localhost:8/a", "ftp://x.cn", " https://a.cn ", "x"]
)
_FAST_PERIODS = st.sampled_from(["", "2026-10", "2026-W41", "2026-Q3", "2026-13", " 2026 ", "第三季度", "  "])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(
        st.one_of(
            st.tuples(
                _FAST_IDS, _FAST_AGENCIES, _FAST_STAMPS, _FAST_URLS, st.text(max_size=5), _FAST_PERIODS
            ),
            st.sampled_from(["", ",,,,,", "HM-1,局", "HM-1,局,2026-10-09,,,,x", "HM-1,局,2026-10-09,,,,"]),
        ),
        max_size=25,
    ),
    header=st.sampled_from(["編號,單位,發布時間,鏈接,標題,期間", "事項,單位,發布時間,鏈接,標題,期間"]),
)
def test_the_fast_csv_path_gives_what_the_general_path_gives(
    tmp_path: Path, rows: list[tuple[str, ...] | str], header: str
) -> None:
    # No quote (a file with one takes the general path whole); commas, CR and line breaks in the
    # generated title make rows of other widths, or a file the general path reads whole.
    lines = [header, *((row if isinstance(row, str) else ",".join(row)).replace('"', "") for row in rows)]
    path = tmp_path / "fast.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    as_of = pendulum.datetime(2026, 12, 31, 23, 59, tz="Asia/Shanghai")
    fast = CSV_SOURCE._load_columns(path, "Asia/Shanghai", as_of)
    general = CSV_SOURCE._load(path, "Asia/Shanghai", as_of, "utf-8-sig")
    if fast is None:  # a CR, or no data row: the general loader reads it
        return
    assert list(fast.records) == list(general.records)
    assert [repr(r) for r in fast.records] == [repr(r) for r in general.records]
    assert fast.rejected == general.rejected
    assert (fast.rows_read, fast.blank_rows, fast.header_row, fast.encoding, fast.ignored_columns) == (
        general.rows_read,
        general.blank_rows,
        general.header_row,
        general.encoding,
        general.ignored_columns,
    )
    from obligations.evidence import EvidenceTable, Records

    assert isinstance(fast.records, Records)
    zone = fast.records.table.zone
    again = EvidenceTable.from_records(tuple(general.records), zone)
    table = fast.records.table
    assert [table.targets[k] for k in table.keys] == [again.targets[k] for k in again.keys]
    assert list(table.times) == list(again.times)
    assert [table.period_values[p] for p in table.periods] == [again.period_values[p] for p in again.periods]


# ---- a large file read by two processes -----------------------------------------------------------


def _mixed_rows(n: int) -> list[str]:
    """Good rows and bad ones (timestamps, agencies, widths) spread over both halves of a file."""
    kinds = [
        "HM-{i},財政局,2026-10-{d:02d} 14:30,https://a.gov.cn/{i},標題{i},2026-10",
        "[HM-{i}],市场监管局,2026-09-{d:02d},,,",
        "HM-{i},,2026-10-{d:02d} 09:00,,,",  # no agency: rejected
        "HM-{i},財政局,2026-13-{d:02d} 09:00,,,",  # no such month: rejected
        "HM-{i},財政局,2026-10-{d:02d}",  # fewer cells
        ",,,,,",  # blank
        "HM-{i},財政局,2026/10/{d:02d} 08:00,x,標題,2026-W41",  # the general path
    ]
    return [kinds[i % len(kinds)].format(i=i, d=i % 28 + 1) for i in range(n)]


@pytest.mark.parametrize("tail", ["", "HM-9,財政局,2026-10-09 \xff\n"])
def test_two_processes_read_what_one_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: str
) -> None:
    # The second half of a large file is read in a forked child (evidence._scan_parts); lowering the
    # threshold makes a small file large. A byte that is not UTF-8 in that half must end the same way.
    import obligations.evidence as evidence

    path = tmp_path / "big.csv"
    text = "\n".join(["編號,單位,發布時間,鏈接,標題,期間", *_mixed_rows(300)]) + "\n"
    data = text.encode("utf-8") + tail.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff")
    path.write_bytes(data)

    def read() -> tuple[list[str], tuple[Rejected, ...], int, str] | str:
        try:
            result = load(path)
        except (InputError, UnicodeDecodeError) as err:
            return f"{type(err).__name__}: {err}"
        return [repr(r) for r in result.records], result.rejected, result.rows_read, result.encoding

    monkeypatch.setattr(evidence, "_PARALLEL_ROWS", 10**9)
    alone = read()
    monkeypatch.setattr(evidence, "_PARALLEL_ROWS", 10)
    assert evidence._can_fork()
    assert read() == alone
    if not tail:
        assert isinstance(alone, tuple) and len(alone[0]) > 100 and len(alone[1]) > 50


def test_no_second_process_beside_other_threads() -> None:
    import threading

    from obligations.evidence import _can_fork

    assert _can_fork()  # pytest runs the tests in one thread
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert not _can_fork()
    finally:
        stop.set()
        worker.join()
    assert _can_fork()
