"""How many terminal columns a text takes: carets under source lines and the cells of tables.

A module of its own, imported by the diagnostics and by the table renderer alike, because
``obligations due --week`` draws a table without loading the diagnostics (start-up matters).
"""

from __future__ import annotations

import functools
import unicodedata


@functools.lru_cache(maxsize=1 << 16)  # a table's cells repeat (dates, agencies, sections)
def display_width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two, combining marks and
    format characters (a zero-width space) none (the one measure of carets under source lines and
    of table cells)."""
    if text.isascii() and text.isprintable():
        return len(text)
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) == "Cf":
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width
