"""Events files: encodings, headers in three spellings, time formats, rejected rows, unreadable files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obligations.compiler import compile_text
from obligations.errors import InputError
from obligations.events import EventsFile, RowError, load_events, parse_timestamp
from obligations.occurrences import EventRecord, occurrences

SHANGHAI = "Asia/Shanghai"


def at(text: str, tz: str = SHANGHAI) -> pendulum.DateTime:
    return pendulum.parse(text, tz=tz)  # type: ignore[return-value]


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings and headers ------------------------------------------------------------------------

ROWS = "收到政府信息公開申請,2026-10-09 14:30,A1\n延期,2026-10-20 09:00,A1\n"


@pytest.mark.parametrize(
    ("header", "encoding"),
    [
        ("event,occurred_at,id", "utf-8"),
        ("事件,發生時間,編號", "utf-8-sig"),  # Excel's "CSV UTF-8" writes a byte-order mark
        ("事件,发生时间,编号", "gb18030"),  # Chinese Excel / WPS "CSV" is the system code page
        ("Event , OCCURRED_AT, Id", "utf-8"),
    ],
)
def test_the_same_rows_in_every_encoding_and_header(tmp_path: Path, header: str, encoding: str) -> None:
    rows = ROWS if encoding != "gb18030" else ROWS.replace("開", "开")
    loaded = load_events(write(tmp_path, "events.csv", f"{header}\n{rows}", encoding), SHANGHAI)
    assert loaded.rejected == () and loaded.rows_read == 2
    first, second = loaded.records
    assert first.event.startswith("收到政府信息公") and first.id == "A1" and first.row == 2
    assert first.occurred_at == at("2026-10-09T14:30:00")
    assert first.occurred_at.timezone_name == SHANGHAI
    assert (second.event, second.id, second.row) == ("延期", "A1", 3)


def test_column_order_and_extra_columns_do_not_matter(tmp_path: Path) -> None:
    text = "備註,編號,發生時間,事件\n來電,7,2026-10-09 14:30,收到申請\n"
    [rec] = load_events(write(tmp_path, "e.csv", text), SHANGHAI).records
    assert (rec.event, rec.id, rec.occurred_at) == ("收到申請", "7", at("2026-10-09T14:30:00"))


@pytest.mark.usefixtures("fresh_csv_limit")
def test_a_cell_over_128_kib_is_read(tmp_path: Path) -> None:
    # csv refuses such a cell in a new process unless the reader raises its limit first.
    note = "說明" * 100_000
    text = f"事件,發生時間,備註\n收到申請,2026-10-09 14:30,{note}\n延期,2026-10-20 09:00,\n"
    loaded = load_events(write(tmp_path, "e.csv", text), SHANGHAI)
    assert [(r.event, r.row) for r in loaded.records] == [("收到申請", 2), ("延期", 3)]
    assert loaded.rejected == ()


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_semicolon_and_tab_separated_files(tmp_path: Path, delimiter: str) -> None:
    # Excel saves "CSV" with semicolons where the decimal mark is a comma, and text with tabs.
    text = f"事件,發生時間,編號\n{ROWS}".replace(",", delimiter) + f"延期{delimiter}2026-13-01{delimiter}A2\n"
    loaded = load_events(write(tmp_path, "e.csv", text), SHANGHAI)
    assert [(r.event, r.id, r.row) for r in loaded.records] == [
        ("收到政府信息公開申請", "A1", 2),
        ("延期", "A1", 3),
    ]
    [bad] = loaded.rejected
    assert (bad.row, bad.text) == (4, f"延期{delimiter}2026-13-01{delimiter}A2")


def test_id_is_optional(tmp_path: Path) -> None:
    loaded = load_events(write(tmp_path, "e.csv", "event,occurred_at\n會議,2026/10/9\n"), SHANGHAI)
    assert [(r.event, r.id) for r in loaded.records] == [("會議", None)]


def test_json_lines(tmp_path: Path) -> None:
    lines = [
        {"event": "收到申請", "occurred_at": "2026-10-09T14:30:00+08:00", "id": "A1"},
        {"事件": "延期", "发生时间": "2026年10月20日", "編號": 12},
        {"event": "會議", "occurred_at": "2026-10-21 09:00", "other": [1, 2]},
    ]
    for suffix in (".jsonl", ".ndjson"):
        text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
        loaded = load_events(write(tmp_path, f"e{suffix}", text), SHANGHAI)
        assert [(r.event, r.id, r.row) for r in loaded.records] == [
            ("收到申請", "A1", 1),
            ("延期", "12", 2),
            ("會議", None, 3),
        ]
        assert loaded.records[1].occurred_at == at("2026-10-20T00:00:00")
        assert loaded.rows_read == 3


# --- times -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "local"),
    [
        ("2026-10-09 14:30", "2026-10-09T14:30:00"),
        ("2026-10-09T14:30", "2026-10-09T14:30:00"),
        ("2026-10-09 14:30:15", "2026-10-09T14:30:15"),
        ("2026-10-09T14:30:15.25", "2026-10-09T14:30:15.250000"),
        ("2026-10-09T14:30:00+08:00", "2026-10-09T14:30:00"),
        ("2026-10-09T06:30:00Z", "2026-10-09T14:30:00"),
        ("2026-10-09 06:30+0000", "2026-10-09T14:30:00"),
        ("2026-10-09", "2026-10-09T00:00:00"),
        ("2026/10/9", "2026-10-09T00:00:00"),
        ("2026/10/9 8:05", "2026-10-09T08:05:00"),
        ("2026年10月9日", "2026-10-09T00:00:00"),
        ("2026年10月9日 14:30", "2026-10-09T14:30:00"),
        ("2026年10月9日14時30分", "2026-10-09T14:30:00"),
        ("2026年10月9号 14点", "2026-10-09T14:00:00"),
        ("２０２６－１０－０９　１４：３０", "2026-10-09T14:30:00"),
        ("  2026-10-09 14:30  ", "2026-10-09T14:30:00"),
    ],
)
def test_time_formats(written: str, local: str) -> None:
    parsed = parse_timestamp(written, SHANGHAI)
    assert parsed == at(local) and parsed.timezone_name == SHANGHAI


def test_a_time_without_zone_is_in_the_spec_zone() -> None:
    assert parse_timestamp("2026-03-29 12:00", "Europe/London").isoformat() == "2026-03-29T12:00:00+01:00"
    assert parse_timestamp("2026-10-09 12:00", dt.UTC) == at("2026-10-09T20:00:00")


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("yesterday", "bad-time"),
        ("14:30", "bad-time"),
        ("2026-10", "bad-time"),
        ("20261009", "bad-time"),
        ("2026-13-01", "no-such-time"),
        ("2026-02-30", "no-such-time"),
        ("2026-10-09 25:00", "no-such-time"),
        ("9995-01-01 10:00", "no-such-time"),  # ten years of limits after it would pass 9999
        ("1899-12-30", "no-such-time"),  # Excel's day 0
    ],
)
def test_bad_times(written: str, code: str) -> None:
    with pytest.raises(RowError) as caught:
        parse_timestamp(written, SHANGHAI)
    assert caught.value.code == code
    assert written.strip() in caught.value.en and written.strip() in caught.value.zh


# --- rejected rows ---------------------------------------------------------------------------------


def test_a_year_outside_the_calendar_is_said_so() -> None:
    with pytest.raises(RowError) as caught:
        parse_timestamp("9995-01-01 10:00", SHANGHAI)
    assert str(caught.value) == "year 9995 in '9995-01-01 10:00' is outside 1900-2999"
    assert caught.value.zh == "「9995-01-01 10:00」的年份 9995 不在 1900–2999 之內"


def test_every_bad_row_is_reported_with_its_number_and_reason(tmp_path: Path) -> None:
    text = (
        "事件,發生時間,編號\n"
        "收到申請,2026-10-09 14:30,A1\n"  # 2
        ",2026-10-09,A2\n"  # 3: no event
        "收到申請,,A3\n"  # 4: no time
        "\n"  # 5: blank, not a row
        "收到申請,明天,A4\n"  # 6: bad time
        "收到申請,2026-02-30,A5\n"  # 7: no such day
        "會議,通知,2026-10-09,A6\n"  # 8: an unquoted comma
        '"會議,通知",2026-10-09,A7\n'  # 9: quoted: fine
    )
    loaded = load_events(write(tmp_path, "e.csv", text), SHANGHAI)
    assert [(r.row, r.id) for r in loaded.records] == [(2, "A1"), (9, "A7")]
    assert loaded.records[1].event == "會議,通知"
    assert [(r.row, r.code) for r in loaded.rejected] == [
        (3, "no-event"),
        (4, "no-time"),
        (6, "bad-time"),
        (7, "no-such-time"),
        (8, "extra-cells"),
    ]
    assert loaded.rows_read == 7 == len(loaded.records) + len(loaded.rejected)
    bad = loaded.rejected[2]
    assert bad.describe() == (
        "row 6: time '明天' not understood; write e.g. 2026-10-09 14:30, 2026-10-09T14:30+08:00, "
        "2026/10/9, 2026年10月9日: 收到申請,明天,A4"
    )
    assert bad.message("zh").startswith("無法識別時間「明天」")
    assert loaded.rejected[0].message("zh") == "沒有事件名稱"


def test_rows_are_numbered_as_a_spreadsheet_numbers_them(tmp_path: Path) -> None:
    text = 'event,occurred_at\n"會議\n第二行",2026-10-09\n會議,bad\n'
    loaded = load_events(write(tmp_path, "e.csv", text), SHANGHAI)
    assert [r.row for r in loaded.records] == [2] and [r.row for r in loaded.rejected] == [3]


def test_bad_json_lines_are_rejected_rows(tmp_path: Path) -> None:
    text = '{"event": "a", "occurred_at": "2026-10-09"}\n[1]\n{bad\n{"event": "b", "occurred_at": "2026-10-09", "id": true}\n{"event": 3, "occurred_at": "2026-10-09"}\n'
    loaded = load_events(write(tmp_path, "e.jsonl", text), SHANGHAI)
    assert [r.row for r in loaded.records] == [1]
    assert [(r.row, r.code) for r in loaded.rejected] == [
        (2, "not-object"),
        (3, "not-json"),
        (4, "bad-id"),
        (5, "no-event"),
    ]


# --- files that cannot be read --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "zh"),
    [
        (b"", "沒有表頭；第一行應寫列名 事件,發生時間[,編號]"),
        ("事件,時間\n會議,2026-10-09\n".encode(), "1：表頭缺少列 發生時間（可寫 occurred_at 或 發生時間）"),
        (b"event,event,occurred_at\n", "1：列 event 出現了兩次"),
        (
            "event,occurred_at\n".encode("utf-16"),
            "這是 UTF-16 文本；請另存為 CSV UTF-8（Excel）或 編碼 UTF-8（WPS）",
        ),
    ],
)
def test_unreadable_files_are_said_in_chinese(tmp_path: Path, content: bytes, zh: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_events(path, SHANGHAI)
    assert caught.value.message("zh") == f"{path}{'：' if not zh[0].isdigit() else ':'}{zh}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "no header row"),
        (b"\n\n", "no header row"),
        (
            "事件,時間\n會議,2026-10-09\n".encode(),
            "no column occurred_at (occurred_at: occurred_at or 發生時間)",
        ),
        (b"event,event,occurred_at\n", "the column event is given twice"),
        ("event,occurred_at\n".encode("utf-16"), "UTF-16"),
        (b"event,occurred_at\n\xff\xfe\xfd,2026-10-09\n", "neither UTF-8 nor GB18030"),
    ],
)
def test_unreadable_files_raise_input_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "e.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        load_events(path, SHANGHAI)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_a_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_events(tmp_path / "nope.csv", SHANGHAI)


def test_an_empty_json_lines_file_has_no_records(tmp_path: Path) -> None:
    assert load_events(write(tmp_path, "e.jsonl", ""), SHANGHAI) == EventsFile(
        str(tmp_path / "e.jsonl"), (), ()
    )


# --- properties ---------------------------------------------------------------------------------------

PROPERTY = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_CELLS = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)


@PROPERTY
@given(rows=st.lists(st.lists(_CELLS, min_size=0, max_size=5), max_size=12))
def test_any_csv_content_gives_records_and_rejected_rows_never_a_traceback(
    tmp_path: Path, rows: list[list[str]]
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["event", "occurred_at", "id"])
    writer.writerows(rows)
    path = write(tmp_path, "p.csv", out.getvalue())
    loaded = load_events(path, SHANGHAI)
    read_back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))[1:]
    assert loaded.rows_read == sum(1 for r in read_back if any(c.strip() for c in r))
    assert all(r.event.strip() == r.event and r.event for r in loaded.records)


@PROPERTY
@given(
    moment=st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2100, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0)
    )
)
def test_written_times_read_back(tmp_path: Path, moment: dt.datetime) -> None:
    expected = pendulum.instance(moment, tz=SHANGHAI)
    for written in (
        moment.strftime("%Y-%m-%d %H:%M"),
        expected.isoformat(),  # with its own offset: China kept summer time in 1986–1991
        f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}",
        f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02d}:{moment.minute:02d}",
    ):
        assert parse_timestamp(written, SHANGHAI) == expected, written


# --- into the engine ----------------------------------------------------------------------------------


def test_an_events_file_drives_the_on_request_clock(tmp_path: Path) -> None:
    text = (
        "編號,事件,發生時間\n"
        "A1,收到政府信息公開申請,2026-09-18 14:00\n"
        "A1,延期,2026-10-20 09:00\n"
        "A2,收到政府信息公开申请,2026/9/18\n"
        "A3,延期,2026-10-20 09:00\n"
    )
    loaded = load_events(write(tmp_path, "requests.csv", text), SHANGHAI)
    spec = compile_text(
        "[HM-6402] 事件 收到政府信息公開申請 後 20個工作日內 答復 申請 by 辦公室 可延長 20個工作日", "r.obl"
    ).spec
    assert spec is not None
    found = occurrences(spec, dt.date(2026, 10, 1), dt.date(2026, 12, 31), events=loaded.records)
    assert [(o.trigger.id, o.due_date.isoformat()) for o in found if o.trigger] == [
        ("A2", "2026-10-22"),
        ("A1", "2026-11-19"),
    ]
    assert all(isinstance(r, EventRecord) for r in loaded.records)


def test_json_lines_rows_a_fuzzer_found(tmp_path: Path) -> None:
    # Nested deeper than json goes (RecursionError), a line separator inside a string (which
    # str.splitlines took for a line end, splitting the row), an offset no zone has (ValueError).
    deep = "[" * 1000 + "]" * 1000
    inside = json.dumps({"event": "會議\u2028延期", "occurred_at": "2026-10-09 14:30"}, ensure_ascii=False)
    path = tmp_path / "e.jsonl"
    path.write_text(f"{deep}\n{inside}\n", encoding="utf-8")
    loaded = load_events(path, SHANGHAI)
    assert [(r.row, r.code) for r in loaded.rejected] == [(1, "not-json")]
    assert [(r.row, r.event) for r in loaded.records] == [(2, "會議\u2028延期")]
    for offset in ("+99:00", "+24:00", "+08:60", "+15:00"):
        with pytest.raises(RowError) as caught:
            parse_timestamp(f"2026-10-09T14:30{offset}", SHANGHAI)
        assert caught.value.code == "no-such-time"
    assert parse_timestamp("2026-10-09T14:30+14:00", SHANGHAI) == at("2026-10-09T08:30:00")
