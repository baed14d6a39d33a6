"""Draft a spec from a 基層政務公開標準目錄 (standard disclosure catalogue).

Input: an ``.xlsx`` workbook (openpyxl), a ``.csv`` file (UTF-8, with or without BOM, or
GB18030), or the flattened text such tables become when copied from a web page: cells separated
by ``|`` (a cell may run over several lines), or one cell per line. The columns are
公開事項 (一級/二級[/三級]) / 公開內容 / 公開依據 / 公開時限 / 公開主體 / 公開渠道和載體 / 公開對象 /
公開方式 / 公開層級, in whatever order and subset the table has.

Every row becomes one obligation: the 一級事項 is its section, the 二級事項 its subject, the
公開時限 its timing, the 公開主體 its agencies (``分別`` when several levels publish), the ticked
(■) 公開渠道 its channels, and the whole row, verbatim, its ``>`` quote. Cells are cleaned of
mirror noise (pinyin glosses, spaced-out characters, invisible characters) before the timing is
read. What cannot be read as a table is kept as ``#`` comments.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from pathlib import Path
from typing import Any

import attrs

from obligations.csvtext import allow_cells
from obligations.extract import (
    NUM,
    STATUTORY_TRIGGER,
    UNIT_RE,
    Draft,
    DraftWriter,
    Registry,
    When,
    clean_name,
    clean_noise,
    cn_number,
    duration,
    hans_aligned,
    timing_tokens,
    when_from,
)
from obligations.terms import Every, Role, Unit

# ---- reading files ---------------------------------------------------------------------------------


def read_text_file(path: str | Path) -> str:
    """A text file as UTF-8 (with or without BOM), else GB18030 (what Chinese Windows writes)."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def is_catalogue(text: str) -> bool:
    """Whether a text looks like a catalogue table rather than a policy document."""
    sample = hans_aligned(clean_noise(text[:20000]))
    squashed = re.sub(r"\s+", "", sample)
    return "公开时限" in squashed and bool(re.search("公开事项|事项名称|公开内容", squashed))


# ---- the row model --------------------------------------------------------------------------------------


@attrs.define
class Row:
    """One catalogue row, cells cleaned; ``raw`` keeps the cells as written for the quote."""

    number: str
    items: list[str]
    content: str
    timing: str
    body: str
    channels: str
    raw: list[str]


@attrs.define
class Table:
    title: str
    notes: list[str]
    rows: list[Row]
    unparsed: list[str] = attrs.field(factory=list)  # lines kept as comments
    preamble: list[str] = attrs.field(factory=list)  # text before the first row (title, header)


_FIELDS = (
    ("seq", r"序号"),
    ("items", r"公开事项|事项名称|一级目录|一级事项|二级事项|三级事项"),
    ("content", r"公开内容"),
    ("basis", r"公开依据"),
    ("timing", r"公开时限|时限"),
    ("body", r"公开主体"),
    ("channels", r"公开渠道|载体"),
    ("audience", r"公开对象"),
    ("mode", r"公开方式"),
    ("level", r"公开层级"),
)
_SUBHEADER = re.compile(
    r"^(?:一级(?:事项)?|二级(?:事项)?|三级(?:事项)?|全社会?|特定群[众体]|主动|依申请(?:公开)?|"
    r"(?:县|乡|镇|村|市|区)(?:级)?(?:、(?:乡|村)级?)*|乡、村级|群众|公开)$"
)
_BOXES = "■□▄☑☐"
_TICKED = "■▄☑"
# 口 stands in for □ in some tables, but is also a character (人口): a box only where a box can be.
_BOX_RE = re.compile(rf"[{_BOXES}]|(?:^|(?<=[\s;；,，:：|]))口")


# Marks a table adds to a cell around its text: ticks, stars, reference marks, geometric bullets,
# circled numbers and footnote calls ([注2], （注）). They say nothing about the deadline.
_STRAY = re.compile(
    r"[\u2460-\u24ff\u2605\u2606\u203b\u221a\u2713\u2714\u25a0-\u25ff*#]"  # ①…, ★☆, ※, √, ✓✔, ■□▲●…
    r"|[\[【（(]注\d*[\]】）)]"  # footnote calls
)


def _norm(cell: str) -> str:
    """A cell for matching: noise and stray marks removed, Simplified, no white space."""
    return _STRAY.sub("", re.sub(r"\s+", "", hans_aligned(clean_noise(cell))))


def _field(cell_h: str) -> str | None:
    for name, pattern in _FIELDS:
        if re.search(pattern, cell_h):
            return name
    return None


def _join_lines(text: str) -> str:
    """A cell that ran over several lines, as one line (CJK joins without a space)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    out = ""
    for line in lines:
        if out and (
            re.match(r"[\u3400-\u9fff\d（(《“]", line) and re.search(r"[\u3400-\u9fff\d）)》”]$", out)
        ):
            out += line
        else:
            out += (" " if out else "") + line
    return out


_STRONG_TIMING = re.compile(
    rf"{NUM}\s*{UNIT_RE}(?:内|以内)|每\s*(?:年|月|季度?|半年|周|日|天)|长期|至少|不少于|及时|提前|实时|同上|定期|"
    rf"公示\s*{NUM}|随时"
)


def _is_timing(cell_h: str) -> bool:
    return bool(cell_h) and len(cell_h) <= 80 and "《" not in cell_h and bool(_STRONG_TIMING.search(cell_h))


# ---- timing of one cell ------------------------------------------------------------------------------

_DISPLAY_RE = re.compile(rf"公示(?:期|时间)?(?:不得?少于|不少于|为)?\s*(?P<n>{NUM})\s*(?P<u>{UNIT_RE})")
_EVENT_RE = re.compile(
    rf"^(?:自|从)?(?P<trig>.*?)(?:之日起|之日后|之后|以后|起|后)?\s*(?:的)?(?P<n>{NUM})\s*(?P<u>{UNIT_RE})(?:内|以内)"
)
_DUR_RE = re.compile(rf"{NUM}\s*{UNIT_RE}(?:内|以内)")
_LEAD_RE = re.compile(rf"提前\s*(?P<n>{NUM})\s*(?P<u>{UNIT_RE})")
_DAY_RE = re.compile(
    r"每(?P<p>年|月)\s*(?:(?P<m>\d{1,2})\s*月)?\s*(?P<d>\d{1,2})\s*[日号]\s*(?:前|之前|以前)"
)
_COUNT_RE = re.compile(
    rf"(?:每)?(?P<p>半年|年|季度|季|月|周)(?:内)?(?:至少|不少于)[\u4e00-\u9fff]{{0,2}}?\s*(?P<n>{NUM})\s*次"
)
_PERIOD_ONLY = {"半年": Every.HALF_YEAR, "年": Every.YEAR, "季度": Every.QUARTER, "季": Every.QUARTER}
_PERIOD_ONLY |= {"月": Every.MONTH, "周": Every.WEEK}


def _trigger(text_h: str) -> str:
    """The event a 時限 counts from, in one spelling: 信息形成(變更) / 信息形成或者變更 → 信息形成或變更."""
    t = re.sub(r"[（(]\s*变更\s*[）)]", "或变更", text_h)
    t = t.replace("或者", "或").strip("的起后 ")
    return t or "信息形成或变更"


@attrs.frozen
class CellTiming:
    when: When
    display: tuple[int, Unit] | None
    notes: tuple[str, ...]
    action: str | None = None  # a verb the cell implies (發通知 → 發送)


def catalogue_timing(cell: str, subject: str) -> CellTiming | None:
    """Read one 公開時限 cell; None when it is empty. Unreadable phrases become 按要求 with the
    phrase kept in a note."""
    h = _norm(cell)
    if not h:
        return None
    notes: list[str] = []
    display = None
    m = _DISPLAY_RE.search(h)
    if m:
        display = duration(m.group("n"), m.group("u"))
        h = (h[: m.start()] + h[m.end() :]).strip("，,;；。 ")
    m = _EVENT_RE.match(h)
    if m and duration(m.group("n"), m.group("u")):
        lag = duration(m.group("n"), m.group("u"))
        trigger = m.group("trig").strip("，,;；")
        if not trigger:
            notes.append(f"時限「{cell.strip()}」未寫起算事件：暫以「{STATUTORY_TRIGGER}」起算")
            trigger = STATUTORY_TRIGGER
        return CellTiming(When("event", lag=lag, trigger=_trigger(trigger)), display, tuple(notes))
    m = _LEAD_RE.search(h)
    if m and duration(m.group("n"), m.group("u")):
        action = "發送" if "通知" in h else None
        when = When("lead_event", lag=duration(m.group("n"), m.group("u")), trigger=subject)
        notes.append(f"「{cell.strip()}」：以事項本身為事件，提前量如原文，請核對事件名稱")
        return CellTiming(when, display, tuple(notes), action)
    m = _DAY_RE.search(h)
    if m:
        every = Every.YEAR if m.group("p") == "年" else Every.MONTH
        month = int(m.group("m")) if m.group("m") else None
        if (every is Every.YEAR) == (month is not None):
            return CellTiming(When("periodic", every=every, day=int(m.group("d")), month=month), display, ())
    m = _COUNT_RE.search(h)
    if m:
        count = cn_number(m.group("n"))
        if count:
            return CellTiming(When("count", every=_PERIOD_ONLY[m.group("p")], count=count), display, ())
    found, more = when_from(timing_tokens(h), None)
    if found is not None and found.kind not in ("same_day", "once"):
        return CellTiming(found, display, tuple(notes + more))
    if display is not None and not h:
        notes.append(f"時限「{cell.strip()}」只寫公示期：發布時限按條例法定時限")
        return CellTiming(When("statutory"), display, tuple(notes))
    notes.append(f"時限「{cell.strip()}」無法對應到語言的時間寫法：暫作「按要求」，請核對")
    return CellTiming(When("vague", phrase="按要求"), display, tuple(notes))


# ---- flattened text ------------------------------------------------------------------------------

_META = re.compile(r"^(?:TITLE|CONTEXT|TIMING PHRASES HERE|SOURCE|Other pages)\b|^\s*https?://|^\[\.\.\.")


def _blocks(text: str) -> list[tuple[str, list[str]]]:
    """(title, lines) of each table in a flattened file. Files of the reference layout separate
    tables with ===== lines and put the table after a ``verbatim`` line; anything else is one
    table."""
    parts = re.split(r"\n=+\s*\n", "\n" + text.replace("\r\n", "\n") + "\n")
    out = []
    for part in parts:
        lines = part.split("\n")
        title = ""
        start = 0
        for i, line in enumerate(lines):
            if re.match(r"^\[\d+\]\s*", line) and not title:
                title = re.sub(r"^\[\d+\]\s*", "", line).strip()
            if re.match(r"^verbatim\b", line.strip()):
                start = i + 1
                break
        body = [line for line in lines[start:] if not _META.match(line.strip())]
        if start == 0 and any(re.match(r"^(?:TITLE|CONTEXT):", line) for line in lines):
            continue  # the file's own description
        if any(line.strip() for line in body):
            out.append((title, body))
    return out


def _pipe_cells(lines: list[str]) -> list[tuple[str, str]]:
    """(raw, cleaned) cells of a ``|``-separated block; a cell may span lines."""
    cells = []
    for piece in "\n".join(lines).split("|"):
        raw = _join_lines(piece)
        cells.append((raw, _join_lines(clean_noise(piece))))
    return cells


def _header(cells_h: list[str]) -> tuple[list[str], int] | None:
    """The main header fields in order and the index of the first data cell (the row numbered 1)."""
    t = next((i for i, c in enumerate(cells_h) if _field(c) == "timing"), None)
    if t is None:
        return None
    start = t
    while start > 0 and (not cells_h[start - 1] or _field(cells_h[start - 1]) is not None):
        start -= 1
    fields = []
    i = start
    while i < len(cells_h) and (not cells_h[i] or _field(cells_h[i]) or _SUBHEADER.match(cells_h[i])):
        f = _field(cells_h[i])
        if f and f not in fields and not _SUBHEADER.match(cells_h[i]):
            fields.append(f)
        i += 1
    while i < len(cells_h) and cells_h[i] != "1":
        i += 1
    if i >= len(cells_h):
        return None
    return fields, i


_DEFAULT_FIELDS = ["seq", "items", "content", "basis", "timing", "body", "channels"]


def _pipe_rows(cells: list[tuple[str, str]]) -> tuple[list[Row], int]:
    """Rows of a ``|`` table and the index of its first data cell. Without a header (an excerpt
    that starts mid-table) the standard column order is assumed from the first numbered cell."""
    cells_h = [_norm(c) for _, c in cells]
    head = _header(cells_h)
    if head is None:
        first = next((i for i, c in enumerate(cells_h) if c.isdigit() and int(c) < 1000), None)
        if first is None:
            return [], 0
        head = (_DEFAULT_FIELDS, first)
    fields, i = head
    start = i
    rows: list[list[int]] = []
    expected = int(cells_h[i])
    while i < len(cells):
        if cells_h[i] == str(expected):
            rows.append([i])
            expected += 1
        elif rows:
            rows[-1].append(i)
        i += 1
    out = [_row_from(fields, [cells[j] for j in idx]) for idx in rows]
    return out, start


def _row_from(fields: list[str], cells: list[tuple[str, str]]) -> Row:
    """A data row located by its 時限 cell: before it come the items, the content and the basis;
    after it the agencies and the channels (merged cells are simply missing)."""
    raw = [r for r, _ in cells]
    clean = [c for _, c in cells]
    number = clean[0]
    rest = clean[1:]
    t = next((k for k, c in enumerate(rest) if _is_timing(_norm(c))), None)
    has_basis = "basis" in fields and (
        "timing" not in fields or fields.index("basis") < fields.index("timing")
    )
    has_body = "body" in fields
    if t is None:  # no 時限 cell (merged with the row above): 一級/二級 are the first short cells
        items = [c for c in (rest[:2] if len(rest) >= 3 else rest[:1]) if c and len(_norm(c)) <= 10]
        return Row(number, items, "", "", "", "", raw)
    before = [c for c in rest[:t]]
    basis_n = 1 if has_basis and before and _looks_like_basis(before[-1]) else 0
    content = before[-1 - basis_n] if len(before) > basis_n else ""
    items = [c for c in before[: max(len(before) - 1 - basis_n, 0)] if c]
    after = [c for c in rest[t + 1 :]]
    body = ""
    if has_body and after and after[0] and not _is_channel(after[0]) and after[0].strip() not in ("√", ""):
        body = after[0]
    channels = next((c for c in after if _is_channel(c)), "")
    return Row(number, items, content, rest[t], body, channels, raw)


def _looks_like_basis(cell: str) -> bool:
    return bool(re.search(r"《|条例|條例|规定|規定|办法|辦法|意见|意見|法》|通知|方案", cell))


def _is_channel(cell: str) -> bool:
    return bool(_BOX_RE.search(cell)) or bool(re.search("网站|網站|公示栏|公示欄", cell))


_ROW_START = re.compile(r"^\s*(\d{1,4})(?:\s+(.*))?$")


def _line_rows(lines: list[str]) -> list[Row]:
    """A table with one cell per line (or cells separated by spaces): rows start at a line that is
    a number; inside a row the 時限 is found in the joined text, the agencies follow it up to the
    first channel box."""
    rows: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        m = _ROW_START.match(line)
        if m and (not rows or rows[-1]):
            rows.append([m.group(2)] if m.group(2) else [])
        elif rows:
            rows[-1].append(line.strip())
    out = []
    for k, row_lines in enumerate(rows):
        if not row_lines:
            continue
        joined_raw = " ".join(row_lines)
        boxed = [re.sub(r"(?:^|(?<=\s))口", "□", line) for line in row_lines]  # 口 used as a box
        joined = _join_lines(clean_noise("\n".join(boxed)))
        joined_h = hans_aligned(joined)
        squashed = re.sub(r"\s+", "", joined_h)
        m = _DUR_RE.search(squashed) or _STRONG_TIMING.search(squashed)
        timing, body, channels = "", "", ""
        if m is not None:
            start = _timing_start(squashed, m.start())
            end = _timing_end(squashed, m.end())
            timing = squashed[start:end]
            tail = squashed[end:]
            box = _BOX_RE.search(tail) or re.search("√", tail)
            body = tail[: box.start()] if box else ""
            channels = tail[box.start() :] if box else ""
        texts = [line for line in row_lines if not re.fullmatch(r"[\d\s]+", line)] or row_lines
        tokens = [t for t in re.split(r"\s+", texts[0]) if t]
        items = tokens[:2] if len(tokens) >= 3 else [texts[0]]
        out.append(Row(str(k + 1), items, "", timing, body, channels, [joined_raw]))
    return out


def _timing_start(text: str, at: int) -> int:
    """Back from a matched duration to where its phrase starts (自信息形成… / 制定或获取…): the last
    such phrase before it with no box or title mark in between."""
    head = text[:at]
    for pattern in (r"(?:自|从)?(?:信息形成|制定或获取)", r"(?:自|从)?信息"):
        starts = [
            m.start() for m in re.finditer(pattern, head) if not re.search(r"[■□▄√《》]", head[m.start() :])
        ]
        if starts:
            return starts[-1]
    return at


def _timing_end(text: str, at: int) -> int:
    m = re.match(rf"(?:予以公开|公开)?(?:[，,;；]?公示(?:期|时间)?(?:不得?少于)?{NUM}{UNIT_RE})?", text[at:])
    return at + (m.end() if m else 0)


def _tables_from_text(text: str) -> tuple[str, list[Table]]:
    title_m = re.search(r"^TITLE:\s*(.+)$", text, re.M)
    doc_title = title_m.group(1).split(" - ")[0].strip() if title_m else ""
    doc_title = re.sub(r"\s*\([\x00-\x7f]*\)\s*$", "", doc_title)
    tables = []
    for title, lines in _blocks(text):
        table_title = title or next((line.strip() for line in lines if "目录" in _norm(line)), "")
        notes = []
        preamble: list[str] = []
        if any("|" in line for line in lines):
            cells = _pipe_cells(lines)
            rows, start = _pipe_rows(cells)
            preamble = [raw for raw, _ in cells[:start] if raw.strip()]
        else:
            rows = _line_rows(lines)
            if rows:
                notes.append("表格無「|」分隔，按行拆分：事項、時限、主體請逐行核對")
                first = next(i for i, line in enumerate(lines) if _ROW_START.match(line))
                preamble = [line.strip() for line in lines[:first] if line.strip()]
        table = Table(table_title, notes, rows, preamble=preamble)
        if not rows:
            table.unparsed = [line for line in lines if line.strip()]
        tables.append(table)
    return doc_title, tables


# ---- grids: xlsx and csv ------------------------------------------------------------------------------


def _grid_rows(grid: list[list[str]]) -> list[Row]:
    """Rows of a table whose cells keep their columns (xlsx, csv). Empty item cells take the value
    above (merged cells); the header row is the one naming 公開時限."""
    grid_h = [[_norm(c) for c in row] for row in grid]
    header_at = next((i for i, row in enumerate(grid_h) if any(_field(c) == "timing" for c in row)), None)
    if header_at is None:
        return []
    columns: dict[str, list[int]] = {}
    last_field = None
    for j, cell in enumerate(grid_h[header_at]):
        f = _field(cell) if cell else last_field
        if f:
            columns.setdefault(f, []).append(j)
        last_field = f if cell or last_field in ("items",) else None
    data_start = header_at + 1
    if data_start < len(grid_h) and any(_SUBHEADER.match(c) for c in grid_h[data_start] if c):
        data_start += 1
    rows: list[Row] = []
    previous: list[str] = []
    for r in range(data_start, len(grid)):
        cells = grid[r]
        if not any(c.strip() for c in cells):
            continue

        def col(name: str, cells: list[str] = cells) -> str:
            return " ".join(cells[j] for j in columns.get(name, []) if j < len(cells) and cells[j].strip())

        item_cols = columns.get("items", [])
        items = [cells[j].strip() if j < len(cells) else "" for j in item_cols]
        items = [v or (previous[k] if k < len(previous) else "") for k, v in enumerate(items)]
        previous = items
        rows.append(
            Row(
                col("seq") or str(len(rows) + 1),
                [clean_noise(i) for i in items if i],
                clean_noise(col("content")),
                clean_noise(col("timing")),
                clean_noise(col("body")),
                clean_noise(col("channels")),
                [c for c in cells],
            )
        )
    return rows


def _xlsx_tables(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=False, data_only=True)
    tables = []
    for ws in wb.worksheets:
        grid = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    grid[r][c] = value
        title = next((c for row in grid[:3] for c in row if "目录" in _norm(c)), ws.title)
        tables.append(Table(title, [], _grid_rows(grid)))
    return tables


def _csv_tables(path: Path) -> list[Table]:
    text = read_text_file(path)
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    allow_cells(len(text) + 1)  # the file is held whole already: any cell of it may be read
    grid = [row for row in csv.reader(io.StringIO(text), dialect)]
    title = next((c for row in grid[:3] for c in row if "目录" in _norm(c)), path.stem)
    return [Table(title, [], _grid_rows(grid))]


# ---- the draft --------------------------------------------------------------------------------------


def _channels(cell: str) -> list[str]:
    """The ticked channels of a 公開渠道 cell (■政府網站 □政務新媒體 → 政府網站); a cell without boxes
    lists its channels plainly."""
    if not _BOX_RE.search(cell):
        return [c for c in re.split(r"[、,，;；\s]+", cell) if c and c != "√"]
    out = []
    for m in re.finditer(rf"[{_TICKED}]\s*((?:(?!{_BOX_RE.pattern})[^{_BOXES};；])+)", cell):
        name = re.sub(r"\s+", "", m.group(1)).strip("，,、;；:：。√")
        if name:
            out.append(name)
    return out


def _agencies(cell: str) -> list[str]:
    cell = re.sub(r"\s+", "", cell)
    return [a for a in re.split(r"[、,，;；/]", cell) if a and a not in ("√",)]


def _subject(row: Row) -> tuple[str, str]:
    """(section, subject): the 一級 and the last 事項 of the row; the content when there is none."""
    items = [
        re.sub(r"\s+", "", i) if re.search(r"[\u3400-\u9fff]\s+[\u3400-\u9fff]", i) else i for i in row.items
    ]
    items = [clean_name(i.lstrip("·• ")) for i in items if clean_name(i.lstrip("·• "))]
    if items:
        return items[0], items[-1]
    content = clean_name(row.content)[:40]
    return "", content or f"第{row.number}行"


def _write(writer: DraftWriter, tables: list[Table]) -> None:
    for n, table in enumerate(tables, 1):
        writer.blank()
        writer.comment(f"表{n}：{table.title}" if table.title else f"表{n}")
        for note in table.notes:
            writer.comment(note)
        if table.preamble:
            writer.comment("表頭：" + " | ".join(re.sub(r"\s+", " ", p) for p in table.preamble))
        if table.unparsed:
            writer.comment("未能識別為表格，原文保留如下，請人工處理：")
            for line in table.unparsed:
                writer.comment(f"原文：{line.strip()}")
            continue
        section = None
        previous: CellTiming | None = None
        previous_row: Row | None = None
        level1 = ""
        for row in table.rows:
            first, subject = _subject(row)
            if len(row.items) >= 2 or (first and not level1):
                level1 = first
            if level1 != section:
                section = level1
                writer.section(level1 or f"表{n}", "")
            timing = None
            notes: list[str] = []
            if re.sub(r"\s", "", row.timing) not in ("同上", "同上。"):
                timing = catalogue_timing(row.timing, subject)
            else:
                notes.append("時限「同上」：沿用上一行")
            if timing is None and previous is not None:
                timing = previous
                if not notes:
                    notes.append("本行時限空白（合併單元格）：沿用上一行")
                if previous_row is not None and not row.body.strip() and not row.channels.strip():
                    row = attrs.evolve(row, body=previous_row.body, channels=previous_row.channels)
            if timing is None:
                timing = CellTiming(
                    When("vague", phrase="按要求"), None, ("本行沒有公開時限：暫作「按要求」",)
                )
            previous, previous_row = timing, row
            agencies = [a for a in _agencies(row.body) if a]
            names = list(dict.fromkeys(writer.declare(a) for a in agencies))  # registry names may merge
            entries: list[tuple[str, Role | None]] = [(n, None) for n in names]
            if len(entries) > 1:
                entries[-1] = (entries[-1][0], Role.EACH)
            action = timing.action or "公開"
            ob = Draft(
                timing.when
                if timing.when.kind != "lead_event"
                else attrs.evolve(timing.when, trigger=subject),
                writer.script_text(action),
                subject,
                agencies=entries,
                channels=_channels(row.channels),
                display=timing.display,
                quotes=[" | ".join(re.sub(r"\s+", " ", c).strip() for c in row.raw)],
                notes=[*notes, *timing.notes],
            )
            if ob.when.kind == "event":
                ob.when = attrs.evolve(
                    ob.when,
                    trigger=writer.script_text(ob.when.trigger or STATUTORY_TRIGGER, traditional=False),
                )
            writer.add(ob)


def extract_catalogue(path: str | Path, agencies: Registry | None = None) -> str:
    """Draft spec text from a catalogue file (.xlsx/.xlsm, .csv, or flattened text).

    ``agencies``: an agency registry (``extract.load_registry``) to include and name the
    公開主體 from; those it lacks are declared as placeholders."""
    p = Path(path)
    suffix = p.suffix.lower()
    title = p.stem
    if suffix in (".xlsx", ".xlsm", ".csv"):
        tables = _xlsx_tables(p) if suffix != ".csv" else _csv_tables(p)
        title = next((t.title for t in tables if "目录" in _norm(t.title)), title)
        sample = " ".join(r.content + r.timing for t in tables for r in t.rows[:50])
    else:
        text = read_text_file(p)
        doc_title, tables = _tables_from_text(text)
        title = doc_title or next((t.title for t in tables if t.title), p.stem)
        sample = text
    writer = DraftWriter(sample or title, p.name, agencies)
    if title:
        writer.header_field("title", title)
    writer.comment(f"草稿：由 obligations extract 從目錄 {p.name} 自動生成，請逐條核對。")
    writer.comment(
        "每行一條義務：一級事項為章節，二級事項為事項，公開時限為時間，公開主體為責任單位；> 行為原表一行。"
    )
    _write(writer, tables)
    return writer.render()
