"""CSV text: how the project's readers take it (the cell-size limit, the delimiter) and what its
writers put in a cell (nothing Excel would run as a formula).

csv refuses a cell over ``csv.field_size_limit()`` (128 KiB in a new process) by raising
``_csv.Error`` in the middle of the file. That limit belongs to the process, not to one reader, so
whether a file reads would depend on what ran before. Each reader raises it to what it is prepared
to hold (never lowering what another set), and applies its own limits with its own messages.

Excel saves "CSV" with semicolons where the decimal mark is a comma, and "Text (Tab delimited)"
with tabs; every reader of evidence, events and holiday files takes the delimiter the same way.
"""

from __future__ import annotations

import csv


def allow_cells(size: int) -> None:
    """Let csv read cells of up to ``size`` characters (a C long: 2**31 - 1 at most, as Windows has)."""
    wanted = min(size, 2**31 - 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def delimiter_of(first: str) -> str:
    """The delimiter a file's first line shows: tab when it has tabs and no comma (Excel "Text
    (Tab delimited)"); a semicolon when it has semicolons and neither (Excel's CSV where the
    decimal mark is a comma); else comma."""
    if "," in first:
        return ","
    if "\t" in first:
        return "\t"
    return ";" if ";" in first else ","


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_text(value: str) -> str:
    """A cell Excel and WPS will not run as a formula: a leading = + - @ gets a ' in front. Spec
    names and evidence titles come from people and scraped websites; a CSV opened in Excel must not
    run ``=HYPERLINK(…)`` or ``=cmd|…`` from them."""
    return "'" + value if value.startswith(_FORMULA_START) else value
