"""Holiday calendars are chosen by name from the obligations.calendars group."""

from __future__ import annotations

import datetime as dt
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from click.testing import CliRunner

from obligations import calendar as cal
from obligations import plugins
from obligations.cli import main
from obligations.errors import InputError

ROOT = Path(__file__).resolve().parents[1]


def test_builtin_mirror_is_the_installed_entry_point() -> None:
    installed = {
        ep.name: ep.value
        for ep in entry_points(group="obligations.calendars")
        if ep.value.startswith("obligations.")
    }
    assert installed == cal.BUILTIN_CALENDARS


class _EveryDayWorks:
    """A calendar with no days off at all (a stand-in for a plugin's own calendar)."""

    name = "always-open"

    def years(self) -> frozenset[int]:
        return frozenset(range(1990, 2100))

    def is_working_day(self, d: dt.date) -> bool:
        return True

    def is_day_off(self, d: dt.date) -> bool:
        return False

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        return d + dt.timedelta(days=n)

    def roll_forward(self, d: dt.date) -> dt.date:
        return d

    def day_info(self, d: dt.date) -> cal.DayInfo:
        return cal.DayInfo(d, cal.DayKind.WEEKDAY)

    def estimated(self, d: dt.date) -> bool:
        return False

    def estimated_between(self, start: dt.date, end: dt.date) -> bool:
        return False


def _group(*extra: plugins.Plugin) -> tuple[plugins.Plugin, ...]:
    return (
        plugins.Plugin(
            "obligations.calendars", "cn", cal.BUILTIN_CALENDARS["cn"], "obligations", cal.china_calendar
        ),
        *extra,
    )


def test_a_plugin_calendar_is_used_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    plugin = plugins.Plugin(
        "obligations.calendars", "always-open", "x:y", "obligations-example", _EveryDayWorks
    )
    monkeypatch.setattr(plugins, "load_group", lambda group: _group(plugin))
    chosen = cal.select_calendar("always-open")
    assert chosen.is_working_day(dt.date(2026, 10, 1))  # China's National Day, but not in this calendar
    assert cal.select_calendar("cn").is_working_day(dt.date(2026, 10, 1)) is False


def test_unknown_broken_and_misused_calendars_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = plugins.Plugin(
        "obligations.calendars", "school", "s:f", "obligations-school", None, "ImportError: no module"
    )
    ok = plugins.Plugin("obligations.calendars", "always-open", "x:y", "obligations-example", _EveryDayWorks)
    monkeypatch.setattr(plugins, "load_group", lambda group: _group(broken, ok))
    with pytest.raises(InputError, match="no calendar 'nope'; installed: always-open, cn, school"):
        cal.select_calendar("nope")
    with pytest.raises(
        InputError, match=r"calendar plugin 'school' \(obligations-school\) failed to load: ImportError"
    ):
        cal.select_calendar("school")
    with pytest.raises(InputError, match="--holidays and --estimate apply to the cn calendar"):
        cal.select_calendar("always-open", estimate=True)


def test_due_names_an_unknown_calendar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(
        main, ["--lang", "en", "due", "specs/haimen-2017", "--calendar", "nope", "--today", "2026-10-14"]
    )
    assert result.exit_code == 3
    assert "no calendar 'nope'" in result.output
