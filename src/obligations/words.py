"""Schedules and agencies in words, in Chinese or English, for tables and explanations."""

from __future__ import annotations

import attrs

from obligations.model import (
    Count,
    Event,
    Lag,
    Obligation,
    Once,
    PeriodDeadline,
    Periodic,
    Realtime,
    Schedule,
    Standing,
    Unscheduled,
)
from obligations.terms import Every, Role, Unit

_EVERY = {
    Every.DAY: ("每日", "daily"),
    Every.WEEK: ("每周", "weekly"),
    Every.BIWEEK: ("每兩周", "every two weeks"),
    Every.MONTH: ("每月", "monthly"),
    Every.QUARTER: ("每季度", "quarterly"),
    Every.HALF_YEAR: ("每半年", "half-yearly"),
    Every.YEAR: ("每年", "yearly"),
}
_UNIT = {
    Unit.HOUR: ("小時", "hour"),
    Unit.WORKING_DAY: ("個工作日", "working day"),
    Unit.DAY: ("日", "day"),
    Unit.WEEK: ("周", "week"),
    Unit.MONTH: ("個月", "month"),
    Unit.YEAR: ("年", "year"),
}
_ROLE = {Role.EACH: ("分別", "each"), Role.LEAD: ("牽頭", "lead"), Role.SUPPORT: ("配合", "support")}
_WEEKDAYS_ZH = "一二三四五六日"
_WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def lag(value: Lag, lang: str) -> str:
    zh, en = _UNIT[value.unit]
    text = f"{value.amount}{zh}" if lang == "zh" else f"{value.amount} {en}{'' if value.amount == 1 else 's'}"
    if value.prompt:
        return f"及時（{text}）" if lang == "zh" else f"promptly ({text})"
    return text


def _deadline(d: PeriodDeadline, lang: str) -> str:
    zh = lang == "zh"
    if d.kind == "day_of_period":
        if d.month:
            return f"{d.month}月{d.day}日前" if zh else f"by {d.day}/{d.month}"
        return f"{d.day}日前" if zh else f"by day {d.day}"
    if d.kind == "weekday":
        assert d.weekday is not None
        return f"周{_WEEKDAYS_ZH[d.weekday - 1]}前" if zh else f"by {_WEEKDAYS_EN[d.weekday - 1]}"
    if d.kind == "next_period_day":
        if d.month:
            return f"次年{d.month}月{d.day}日前" if zh else f"by {d.day}/{d.month} next year"
        return f"次月{d.day}日前" if zh else f"by day {d.day} of next month"
    assert d.lag is not None
    return f"期後{lag(d.lag, lang)}內" if zh else f"within {lag(d.lag, lang)} after the period"


def schedule(s: Schedule, lang: str) -> str:
    """One line such as 每月8日前（遇節假日順延） or 'on event X within 5 hours'."""
    zh = lang == "zh"
    match s:
        case Periodic():
            every_zh, every_en = _EVERY[s.every]
            parts = [every_zh if zh else every_en]
            if s.deadline:
                parts.append(_deadline(s.deadline, lang))
            if s.lead:
                parts.append(f"提前{lag(s.lead, lang)}" if zh else f"{lag(s.lead, lang)} ahead")
            if s.roll:
                parts.append("（遇節假日順延）" if zh else "(rolls to next working day)")
            return ("" if zh else " ").join(parts)
        case Count():
            every_zh, every_en = _EVERY[s.every]
            return (
                f"{every_zh}至少{s.min_count}次"
                if zh
                else f"{every_en}, at least {s.min_count} time{'' if s.min_count == 1 else 's'}"
            )
        case Event():
            return _event(s, lang)
        case Standing():
            return "長期公開" if zh else "standing"
        case Realtime():
            gap = f"（間隔不超過{lag(s.max_gap, lang)}）" if zh and s.max_gap else ""
            gap_en = f" (max gap {lag(s.max_gap, lang)})" if not zh and s.max_gap else ""
            return ("實時" + gap) if zh else ("real-time" + gap_en)
        case Once():
            return f"{s.due.isoformat()}前" if zh else f"before {s.due.isoformat()}"
        case Unscheduled():
            return f"未定（{s.phrase}）" if zh else f"unscheduled ({s.phrase})"
    raise AssertionError(s)


def _event(s: Event, lang: str) -> str:
    zh = lang == "zh"
    trigger = f"「{s.trigger}」" if zh else f'"{s.trigger}"'
    if s.sync_with:
        return f"與 [{s.sync_with}] 同步" if zh else f"same day as [{s.sync_with}]"
    if s.same_day:
        return f"事件{trigger}當日" if zh else f"on event {trigger}, same day"
    if s.lead:
        return f"事件{trigger}前{lag(s.lead, lang)}" if zh else f"{lag(s.lead, lang)} before event {trigger}"
    assert s.lag is not None
    if s.lag.prompt and not zh:
        return f"promptly (within {lag(attrs.evolve(s.lag, prompt=False), lang)}) after event {trigger}"
    return f"事件{trigger}後{lag(s.lag, lang)}內" if zh else f"within {lag(s.lag, lang)} of event {trigger}"


def agencies(ob: Obligation, lang: str) -> str:
    parts = []
    for ref in ob.agencies:
        role = _ROLE.get(ref.role)
        parts.append(
            ref.name
            if role is None
            else f"{ref.name}（{role[0]}）"
            if lang == "zh"
            else f"{ref.name} ({role[1]})"
        )
    return ("、" if lang == "zh" else ", ").join(parts)
