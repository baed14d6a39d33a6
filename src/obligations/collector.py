"""Pausing Python's cyclic garbage collector around bulk work that makes no reference cycles.

Compiling a spec, expanding a year of occurrences and loading evidence each allocate hundreds of
thousands of objects that hold no cycles. The collector, triggered by the allocation count, would
rescan them again and again and find nothing: reference counting frees them all anyway. Each
caller says why its work qualifies.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; restore it after only if it was enabled."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
