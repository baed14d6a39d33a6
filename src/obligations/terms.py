"""The few words every stage shares: units of time, periods and responsibility roles."""

from __future__ import annotations

import enum


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


__all__ = ["Every", "Role", "Unit"]
