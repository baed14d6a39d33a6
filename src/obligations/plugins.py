"""Entry-point plugins. Built-in features register through the same groups as third-party ones.

Groups: ``obligations.calendars`` (holiday calendars), ``obligations.actions`` (action verb
vocabularies). A plugin that fails to load is recorded with its error and skipped, so it
never takes down a command that does not need it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

import attrs

from obligations import script

GROUPS = (
    "obligations.calendars",  # holiday calendars: a zero-argument factory returning a HolidayCalendar
    "obligations.actions",  # action verb vocabularies: an iterable of verbs
    "obligations.sources",  # evidence sources: an EvidenceSource
    "obligations.formats",  # output formats
    "obligations.extractors",  # drafting specs from text (heavier models sit here)
)


@attrs.frozen
class Plugin:
    group: str
    name: str
    value: str
    distribution: str
    obj: Any = None
    error: str | None = None


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return str(getattr(dist, "name", "?")) if dist is not None else "?"


def all_plugins() -> list[Plugin]:
    """Every installed plugin of every group, loaded, with the error of any that failed."""
    return [p for group in GROUPS for p in load_group(group)]


@cache
def load_group(group: str) -> tuple[Plugin, ...]:
    out = []
    for ep in sorted(entry_points(group=group), key=lambda e: e.name):
        try:
            obj = ep.load()
            wrong = _misshapen(group, obj)
        except Exception as err:
            out.append(Plugin(group, ep.name, ep.value, _dist_name(ep), None, f"{type(err).__name__}: {err}"))
            continue
        if wrong is not None:  # loaded, but not what its group takes: failed, as one that raised
            out.append(
                Plugin(group, ep.name, ep.value, _dist_name(ep), None, f"{wrong} (see docs/plugins.md)")
            )
            continue
        out.append(Plugin(group, ep.name, ep.value, _dist_name(ep), obj))
    return tuple(out)


def _misshapen(group: str, obj: Any) -> str | None:
    """Why ``obj`` is not what ``group`` takes, or None: checked once, when the group is loaded,
    so that a plugin of the wrong shape is reported by ``obligations plugins`` and skipped by the
    commands instead of failing in the middle of one."""
    if group == "obligations.actions":
        if not isinstance(obj, Iterable) or isinstance(obj, str | bytes):
            return "not an iterable of action verbs (strings)"
        if not all(isinstance(v, str) for v in obj):
            return "not an iterable of action verbs (strings)"
    elif group in ("obligations.calendars", "obligations.extractors") and not callable(obj):
        return "not callable"
    elif group == "obligations.formats" and not (
        callable(getattr(obj, "render", None)) and hasattr(obj, "kinds")
    ):
        return "not an output format (no render and kinds)"
    elif group == "obligations.sources" and not callable(getattr(obj, "load", None)):
        return "not an evidence source (no load)"
    return None


@cache
def action_vocabulary() -> frozenset[str]:
    """Identity keys of every known action verb (built-in and plugins)."""
    verbs: list[str] = []
    for plugin in load_group("obligations.actions"):
        if plugin.error is None:
            verbs.extend(str(v) for v in plugin.obj)
    if not any(p.name == "builtin" and p.error is None for p in load_group("obligations.actions")):
        # Running from a source tree without installed metadata: the built-ins still apply.
        from obligations.vocabulary import BUILTIN_ACTIONS

        verbs.extend(BUILTIN_ACTIONS)
    return frozenset(script.keys(verbs))
