"""The few words every stage shares: units of time, periods, responsibility roles, and spans.

Kept free of everything else, so that loading a cached model imports nothing more.
"""

from __future__ import annotations

import enum

import attrs


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


@attrs.frozen(slots=False)  # unpickled by the thousand from the cache: see model.py
class Span:
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
