"""Rendering results for people and programs: tables (tabulate), JSON and CSV.

The last stage of the pipeline; it never computes, it only presents what earlier
stages produced.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from obligations import words
from obligations.csvtext import excel_text
from obligations.model import Obligation, Spec

_LIST_HEADERS = {
    "zh": ["編號", "時間", "動作", "事項", "責任單位", "章節"],
    "en": ["id", "schedule", "action", "subject", "agencies", "section"],
}


def obligation_row(ob: Obligation, lang: str) -> list[str]:
    return [
        ob.id,
        words.schedule(ob.schedule, lang),
        ob.action,
        ob.subject,
        words.agencies(ob, lang),
        ob.source.section,
    ]


def render_obligations(obligations: Sequence[Obligation], fmt: str, lang: str, bom: bool = False) -> str:
    if fmt == "json":
        return json.dumps([ob.to_dict() for ob in obligations], ensure_ascii=False, indent=2) + "\n"
    rows = [obligation_row(ob, lang) for ob in obligations]
    headers = _LIST_HEADERS["en" if lang == "en" else "zh"]
    if fmt == "csv":
        return to_csv(
            [*headers, *(("quote", "file", "line") if lang == "en" else ("原文", "文件", "行"))],
            [
                [*r, ob.source.quote, ob.source.file, str(ob.source.line)]
                for r, ob in zip(rows, obligations, strict=True)
            ],
            bom=bom,
        )
    return table(headers, rows)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    from tabulate import tabulate

    return tabulate(rows, headers=list(headers), tablefmt="simple") + "\n"


def to_csv(headers: Sequence[str], rows: Sequence[Sequence[str]], bom: bool = False) -> str:
    """CSV for Excel and WPS: CRLF line ends, every cell ``excel_text``, a BOM on request."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")  # Excel and WPS read UTF-8 only with a BOM
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([excel_text(cell) if isinstance(cell, str) else cell for cell in row] for row in rows)
    return buf.getvalue()


def explain_obligation(spec: Spec, ob: Obligation, lang: str) -> str:
    """An obligation with its provenance: document, section, source position and quoted sentence."""
    zh = lang != "en"
    labels = (
        ("義務", "文件", "章節", "位置", "原文", "時間", "責任單位", "渠道")
        if zh
        else ("obligation", "document", "section", "defined at", "source", "schedule", "agencies", "channels")
    )
    section = f"{ob.source.section} {ob.source.section_title}".strip()
    values = (
        f"[{ob.id}] {ob.action} {ob.subject}",
        spec.title or "-",
        section or "-",
        f"{ob.source.file}:{ob.source.line}:{ob.source.column}",
        f"「{ob.source.quote}」" if ob.source.quote else "-",
        words.schedule(ob.schedule, lang),
        words.agencies(ob, lang) or "-",
        ("、" if zh else ", ").join(ob.channels) or "-",
    )
    from obligations.termwidth import display_width

    width = max(display_width(label) for label in labels)
    return "".join(
        f"{label}{' ' * (width - display_width(label))}  {value}\n"
        for label, value in zip(labels, values, strict=True)
    )


_NOTES = {
    "unscheduled": (
        "下次到期  無法排期：原文未給出具體時間",
        "next due  cannot be scheduled: the text gives no time",
    ),
    "needs_events": (
        "下次到期  由事件觸發：用 obligations due --events FILE 給出事件",
        "next due  set by events: give them with obligations due --events FILE",
    ),
    "no_data": (
        "下次到期  沒有 {} 年的節假日數據，無法列出（可用 --holidays FILE 提供，或加 --estimate 推定）",
        "next due  no holiday data for {}: none can be listed "
        "(give it with --holidays FILE, or add --estimate)",
    ),
    "none": ("下次到期  一年內沒有", "next due  none within a year"),
}


def next_due_note(key: str, lang: str, detail: str = "") -> str:
    zh, en = _NOTES[key]
    return (en if lang == "en" else zh).format(detail) + "\n"


def next_due(occurrences: Sequence[Any], count: int, lang: str, stops: int | None = None) -> str:
    """The next ``count`` due dates per agency, each with the days that moved it; ``stops``: the
    year without holiday data that cut the list short, said when an agency got fewer than
    ``count`` (a shorter list must not look complete)."""
    if not occurrences:
        return next_due_note("none", lang)
    from obligations.termwidth import display_width

    label = "next due" if lang == "en" else "下次到期"
    pad = " " * display_width(label)
    lines: list[str] = []
    per_agency: dict[str, int] = {}
    for occ in occurrences:
        if per_agency.get(occ.agency, 0) >= count:
            continue
        per_agency[occ.agency] = per_agency.get(occ.agency, 0) + 1
        head = label if not lines else pad
        weekday = (
            occ.due_date.format("ddd", locale="en")
            if lang == "en"
            else "周" + "一二三四五六日"[occ.due_date.weekday()]
        )
        est = (" (estimated)" if lang == "en" else "（估算）") if occ.estimated else ""
        lines.append(f"{head}  {occ.due_date.isoformat()} {weekday}  {occ.agency}{est}")
        for day in occ.moved:
            lines.append(f"{pad}    {'moved by' if lang == 'en' else '受影響'} {day.describe(lang)}")
    if stops is not None and min(per_agency.values()) < count:
        lines.append(
            f"{pad}  (the list stops before {stops}: no holiday data for {stops})"
            if lang == "en"
            else f"{pad}  （{stops} 年沒有節假日數據，只列到此）"
        )
    return "\n".join(lines) + "\n"
