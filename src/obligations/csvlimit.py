"""The csv module's limit on the size of a cell, raised before reading.

csv refuses a cell over ``csv.field_size_limit()`` (128 KiB in a new process) by raising
``_csv.Error`` in the middle of the file. That limit belongs to the process, not to one reader, so
whether a file reads would depend on what ran before. Each reader raises it to what it is prepared
to hold (never lowering what another set), and applies its own limits with its own messages.
"""

from __future__ import annotations

import csv


def allow_cells(size: int) -> None:
    """Let csv read cells of up to ``size`` characters (a C long: 2**31 - 1 at most, as Windows has)."""
    wanted = min(size, 2**31 - 1)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)
