"""The few words every stage shares: units of time, periods, responsibility roles, and spans.

Kept free of everything else, so that loading a cached model imports nothing more.
"""

from __future__ import annotations

import enum
from typing import cast

import attrs


class AttrsRepr:
    """Base of the frozen attrs classes, which are declared with ``repr=False``: the repr attrs
    would generate (``Name(field=value, …)``, fields with ``repr=False`` left out), written once.

    attrs compiles a ``__repr__`` for every class at import, 40 % of what declaring a class costs;
    for the two dozen classes a warm ``obligations due`` loads that was a tenth of its own start-up
    (docs/performance.md). Unlike attrs' this repr has no guard against cycles: these objects are
    frozen values and hold none.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        cls = type(self)
        parts = []
        for a in attrs.fields(cast("type[attrs.AttrsInstance]", cls)):  # each subclass is an attrs class
            if a.repr is False:
                continue
            value = getattr(self, a.name, attrs.NOTHING)
            parts.append(f"{a.name}={value!r}" if a.repr is True else f"{a.name}={a.repr(value)}")
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({', '.join(parts)})"


class Unit(enum.Enum):
    HOUR = "hour"
    WORKING_DAY = "working_day"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Every(enum.Enum):
    DAY = "day"
    WEEK = "week"
    BIWEEK = "biweek"
    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half-year"
    YEAR = "year"


class Role(enum.Enum):
    JOINT = "joint"
    EACH = "each"
    LEAD = "lead"
    SUPPORT = "support"


@attrs.frozen(slots=False, repr=False)  # unpickled by the thousand from the cache: see model.py
class Span(AttrsRepr):
    """A region of a source file. Lines and columns are 1-based, columns count characters."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0

    @classmethod
    def point(cls, file: str, line: int, column: int, offset: int = 0) -> Span:
        return cls(file, line, column, line, column + 1, offset, offset + 1)

    def to(self, other: Span) -> Span:
        """The span covering ``self`` through ``other``."""
        return Span(
            self.file, self.line, self.column, other.end_line, other.end_column, self.start, other.end
        )

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


__all__ = ["Every", "Role", "Span", "Unit"]
