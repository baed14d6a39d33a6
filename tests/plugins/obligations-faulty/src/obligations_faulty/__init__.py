"""Entry points that load but misbehave (see pyproject.toml)."""

from __future__ import annotations

from typing import Any


def raising_calendar() -> Any:
    raise RuntimeError("the calendar service is down")


def not_a_calendar() -> Any:
    return object()


class _Boom:
    kinds = ("obligations", "occurrences", "findings", "compliance")

    def render(self, output: Any) -> str:
        raise ValueError("format exploded")


BOOM = _Boom()
NOT_VERBS = 42
