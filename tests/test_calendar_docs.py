"""docs/calendar.md "Date rules" is executable: every worked example is run and its output compared.

Convention of the document (stated there too): a fenced block with info string ``due-example``
holds lines ``key: value``:

- ``spec:`` a line of the spec (several lines make one spec; header fields are allowed);
- ``range:`` the first and last day of the range, ``YYYY-MM-DD YYYY-MM-DD``;
- ``event:`` an event record, ``time | event name`` or ``time | event name | id`` (times as in
  an events file, read by ``obligations.events.parse_timestamp`` in the spec's zone);
- ``holidays:`` a row of a holidays CSV file (``date,kind,name``): the rows make one user file;
- ``calendar: estimate`` turns estimate mode on;
- ``expect:`` one occurrence as rendered by :func:`render`, in order; ``expect: none`` for none;
- ``error:`` the run fails with ``CalendarDataError`` for this year;
- ``unmatched:`` / ``stopped:`` the events ``unmatched_events`` / ``stopped_clocks`` return, as
  ``time | event name`` (or ``| id``), in order.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import attrs
import pytest

from obligations.calendar import china_calendar, load_calendar
from obligations.compiler import compile_text
from obligations.errors import CalendarDataError
from obligations.events import parse_timestamp
from obligations.occurrences import (
    RULES,
    EventRecord,
    Occurrence,
    occurrences,
    stopped_clocks,
    unmatched_events,
)

DOC = Path(__file__).resolve().parents[1] / "docs" / "calendar.md"
KEYS = {"spec", "range", "event", "holidays", "calendar", "expect", "error", "unmatched", "stopped"}


@attrs.frozen
class Example:
    line: int
    items: tuple[tuple[str, str], ...]

    def values(self, key: str) -> list[str]:
        return [value for k, value in self.items if k == key]


def examples() -> list[Example]:
    """Every ``due-example`` block of the document, with the line its fence opens on."""
    found: list[Example] = []
    lines = DOC.read_text("utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```due-example":
            start = i + 1
            items: list[tuple[str, str]] = []
            i += 1
            while lines[i].strip() != "```":
                if lines[i].strip():
                    key, _, value = lines[i].partition(":")
                    assert key.strip() in KEYS, f"calendar.md:{i + 1}: unknown key {key!r}"
                    items.append((key.strip(), value.strip()))
                i += 1
            found.append(Example(start, tuple(items)))
        i += 1
    return found


EXAMPLES = examples()


def _days(days: list[date]) -> str:
    """Dates as runs: 2026-10-01..2026-10-02,2026-10-05..2026-10-07,2026-10-10."""
    runs: list[list[date]] = []
    for day in days:
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(r[0].isoformat() if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)


def _instant(moment: datetime) -> str:
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{moment.microsecond:06d}" if moment.microsecond else "")


def render(occ: Occurrence) -> str:
    """``DUE ID AGENCY RULE key=value …``: the one-line form the examples are written in."""
    parts = [_instant(occ.due), occ.obligation.id, occ.agency or "-", occ.rule]
    if occ.period_start is not None and occ.period_end is not None:
        parts.append(f"period={occ.period_start}..{occ.period_end}")
    if occ.trigger is not None:
        parts.append(f"trigger={occ.trigger.id or occ.trigger.event}")
    if occ.min_count != 1:
        parts.append(f"count={occ.min_count}")
    if occ.moved:
        parts.append(f"moved={_days([info.day for info in occ.moved])}")
    if occ.display_until is not None:
        parts.append(f"display_until={_instant(occ.display_until)}")
    if occ.applied:
        parts.append("applied=" + ",".join(rec.event for rec in occ.applied))
    parts.extend(f"note={note!r}" for note in occ.notes)
    if occ.estimated:
        parts.append("estimated")
    return " ".join(parts)


def _record(text: str, row: int, tz: str) -> EventRecord:
    fields = [f.strip() for f in text.split("|")]
    when, name = fields[0], fields[1]
    ident = fields[2] if len(fields) > 2 else None
    return EventRecord(name, parse_timestamp(when, tz), ident, row)


def _event_text(rec: EventRecord) -> str:
    return f"{_instant(rec.occurred_at)} | {rec.event}" + (f" | {rec.id}" if rec.id else "")


@pytest.fixture(autouse=True)
def _no_config_in_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # load_calendar would read ./obligations.toml


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"calendar.md:{e.line}" for e in EXAMPLES])
def test_example(example: Example, tmp_path: Path) -> None:
    compiled = compile_text("\n".join(example.values("spec")), "example.obl")
    assert compiled.spec is not None, [d.code for d in compiled.errors]
    spec = compiled.spec
    events = [_record(text, i, spec.timezone) for i, text in enumerate(example.values("event"), 1)]
    first, last = (date.fromisoformat(d) for d in example.values("range")[0].split())
    calendar = china_calendar()
    if example.values("holidays") or example.values("calendar"):
        files = []
        if example.values("holidays"):
            user = tmp_path / "holidays.csv"
            user.write_text("\n".join(example.values("holidays")) + "\n", "utf-8")
            files.append(user)
        calendar = load_calendar(files, estimate=example.values("calendar") == ["estimate"], environ={})
    expected_error = example.values("error")
    if expected_error:
        with pytest.raises(CalendarDataError) as caught:
            occurrences(spec, first, last, events=events, calendar=calendar)
        assert caught.value.year == int(expected_error[0].split()[-1])
        assert expected_error[0].split()[-1] in str(caught.value)
        return
    got = [render(o) for o in occurrences(spec, first, last, events=events, calendar=calendar)]
    expected = [line for line in example.values("expect") if line != "none"]
    assert got == expected
    assert [_event_text(r) for r in unmatched_events(spec, events)] == _normalised(
        example.values("unmatched"), spec.timezone
    )
    stopped = stopped_clocks(spec, events, calendar=calendar)
    assert [_event_text(r) for r in stopped] == _normalised(example.values("stopped"), spec.timezone)


def _normalised(lines: list[str], tz: str) -> list[str]:
    return [_event_text(_record(line, 0, tz)) for line in lines]


def _rules_section() -> str:
    text = DOC.read_text("utf-8")
    start = text.index("\n## Date rules")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else len(text)]


def test_every_rule_has_a_heading_and_a_worked_example() -> None:
    section = _rules_section()
    used = {e.split()[4] for ex in EXAMPLES for e in ex.values("expect") if e != "none"}
    for rule in RULES:
        assert re.search(rf"^### .*`{re.escape(rule)}`", section, re.M), f"no heading for rule {rule}"
        assert rule in used, f"no worked example shows rule {rule}"


def test_every_rule_heading_holds_an_example() -> None:
    parts = re.split(r"^### ", _rules_section(), flags=re.M)[1:]
    for part in parts:
        title = part.splitlines()[0]
        if "`" in title:  # a rule heading, e.g. ### Day of the period `day-of-period`
            assert "```due-example" in part, f"the section {title!r} has no worked example"


def test_examples_cover_the_2026_holidays() -> None:
    text = "\n".join(v for ex in EXAMPLES for k, v in ex.items if k == "expect")
    assert "2026-10-01..2026-10-02,2026-10-05..2026-10-07,2026-10-10" in text  # National Day
    assert "2026-02-20..2026-02-23" in text  # Spring Festival
