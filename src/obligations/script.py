"""Traditional/Simplified Chinese through OpenCC: identity keys and script conversion.

Identity is script-insensitive (市場監管局 is 市场监管局): two names are the same when their
Simplified forms, case-folded and stripped of white space, are equal. Conversion is
batched (one OpenCC call for many names) because a large spec holds tens of thousands.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any


@cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def to_hans(text: str) -> str:
    result: str = _converter("t2s").convert(text)
    return result


def to_hant(text: str) -> str:
    result: str = _converter("s2t").convert(text)
    return result


def convert_many(texts: Iterable[str], script: str) -> list[str]:
    """Convert many strings with one OpenCC call. ``script`` is ``hans`` or ``hant``."""
    items = list(texts)
    if not items:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in items)
    out = to_hans(joined) if script == "hans" else to_hant(joined)
    parts = out.split("\n")
    if len(parts) != len(items):  # a phrase rule spanning a line break: fall back to one by one
        return [to_hans(t) if script == "hans" else to_hant(t) for t in items]
    return parts


def normalize(text: str) -> str:
    """The identity key of an already-Simplified string."""
    return "".join(text.split()).casefold()


def key(text: str) -> str:
    """The script-insensitive identity key of one name."""
    return normalize(to_hans(text))


def keys(texts: Iterable[str]) -> list[str]:
    return [normalize(t) for t in convert_many(texts, "hans")]


def detect_script(text: str) -> str:
    """``hans`` when the text is Simplified, else ``hant`` (also for text with no Chinese).

    Only Traditional-only characters are a reliable signal: s2t also changes characters
    that are correct in both scripts (布 → 佈), so a Simplified verdict needs t2s to change
    nothing while s2t changes something.
    """
    sample = text[:20000]
    to_s = sum(a != b for a, b in zip(sample, to_hans(sample), strict=False))
    if to_s:
        return "hant"
    to_t = sum(a != b for a, b in zip(sample, to_hant(sample), strict=False))
    return "hans" if to_t else "hant"
