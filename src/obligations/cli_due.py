"""``obligations due`` (what falls due in a week, month… and who is late) and ``obligations calendar``.

Wired into the command group in ``obligations.cli``. Everything but click is imported inside the
commands: ``due`` is run every morning and its start-up time is budgeted (docs/performance.md).
Exit codes as in ``obligations.cli``: 0 fine, 1 rows of the events file rejected (the rest is
shown), 2 usage error, 3 invalid spec, unreadable input or a year without holiday data.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn, ParamSpec

import click

from obligations.cli_options import (
    BadValue,
    calendar_option,
    estimate_option,
    holidays_option,
    not_a_date,
    not_blank,
    year_problem,
)

if TYPE_CHECKING:
    from obligations.calendar import HolidayCalendar, Special, TableCalendar, YearData
    from obligations.errors import CalendarDataError
    from obligations.model import Obligation, Spec
    from obligations.occurrences import EventRecord, Occurrence
    from obligations.render_due import DueItem, Missing

EXIT_FINDINGS, EXIT_INVALID = 1, 3  # as obligations.cli
RANGES = ("week", "next_week", "month", "quarter", "year")


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    """A date written YYYY-MM-DD (``click.DateTime`` would import ``_strptime``: start-up time)."""
    if value is None:
        return None
    text = value.strip()
    if len(text) == 10 and text[4] == text[7] == "-":
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass
        else:
            problem = year_problem(value, day.year)
            if problem is not None:
                raise BadValue(problem, ctx, param)
            return day
    raise BadValue(not_a_date(value, "YYYY-MM-DD"), ctx, param)


def _lang() -> str:
    obj = click.get_current_context().find_root().obj
    lang = getattr(obj, "lang", None)
    if lang is None:
        from obligations.diagnostics import default_lang

        lang = default_lang()
    return "en" if lang == "en" else "zh"


def _fail(lang: str, message: str, hint: str = "") -> NoReturn:
    """An error the user can fix: one line, a hint, exit 3 (no traceback)."""
    click.echo(f"error: {message}" if lang == "en" else f"錯誤：{message}", err=True)
    if hint:
        click.echo(f"  = {'hint' if lang == 'en' else '提示'}: {hint}", err=True)
    sys.exit(EXIT_INVALID)


def _input_error(lang: str, err: Exception) -> NoReturn:
    message = getattr(err, "message", None)
    _fail(lang, message(lang) if callable(message) else str(err))


# ---- ranges ------------------------------------------------------------------------------------


def date_range(which: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The range ``--week`` (Monday–Sunday, ISO), ``--next-week``, ``--month``, ``--quarter``
    or ``--year`` around ``today``, both ends included."""
    if which in ("week", "next_week"):
        monday = today - dt.timedelta(days=today.weekday())
        if which == "next_week":
            monday += dt.timedelta(days=7)
        return monday, monday + dt.timedelta(days=6)
    if which == "month":
        return today.replace(day=1), _month_end(today.year, today.month)
    if which == "quarter":
        first = 3 * ((today.month - 1) // 3) + 1
        return dt.date(today.year, first, 1), _month_end(today.year, first + 2)
    if which == "year":
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    raise ValueError(which)


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def today_in(timezone: str) -> dt.date:
    """Today's date in a time zone (the spec's: a Shanghai office's week starts at its midnight)."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(timezone)).date()


def _choose_range(
    flags: dict[str, bool], date_from: dt.date | None, date_to: dt.date | None, lang: str
) -> str | tuple[dt.date, dt.date]:
    chosen = [name for name in RANGES if flags[name]]
    explicit = date_from is not None or date_to is not None
    if len(chosen) > 1 or (chosen and explicit):
        names = ", ".join("--" + n.replace("_", "-") for n in chosen) + (", --from/--to" if explicit else "")
        raise click.UsageError(
            f"choose one range, not {names}" if lang == "en" else f"只能選擇一個期間，卻給了 {names}"
        )
    if explicit:
        if date_from is None or date_to is None:
            raise click.UsageError(
                "--from and --to go together" if lang == "en" else "--from 和 --to 須同時給出"
            )
        start, end = date_from, date_to
        if start > end:
            raise click.UsageError(
                f"--from {start} is after --to {end}" if lang == "en" else f"--from {start} 晚於 --to {end}"
            )
        return start, end
    return chosen[0] if chosen else "week"


# ---- compiling and loading ------------------------------------------------------------------------


def _calendar(lang: str, holidays: Sequence[str], estimate: bool, name: str = "cn") -> TableCalendar:
    from obligations.cache import load_calendar_cached
    from obligations.calendar import BUILTIN_CALENDARS, select_calendar
    from obligations.errors import InputError

    try:
        if name in BUILTIN_CALENDARS:
            return load_calendar_cached(list(holidays), estimate=estimate)
        # A plugin's calendar: typed as the table calendar the rendering reads (years, day_info).
        return select_calendar(name, holidays, estimate=estimate)  # type: ignore[return-value]
    except InputError as err:
        _input_error(lang, err)


def years_text(years: Iterable[int]) -> str:
    """2004–2026, 2030."""
    ordered = sorted(years)
    runs: list[list[int]] = []
    for year in ordered:
        if runs and year == runs[-1][1] + 1:
            runs[-1][1] = year
        else:
            runs.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs) or "-"


def no_holiday_data(lang: str, err: CalendarDataError, cal: HolidayCalendar, estimate: bool) -> NoReturn:
    """A year without holiday data: say which, what is covered, and how to supply it (exit 3).

    Every command that computes due dates (due, calendar, check, report) says it so."""
    covered = years_text(cal.years())
    year = err.year
    who = f" [{err.obligation}]" if err.obligation else ""  # the engine names the duty
    where_en, where_zh = err.where  # ... and the period or event that needed the year
    where = ""
    if where_en:
        where = f"{where_en}; " if lang == "en" else f"{where_zh}；"
    if lang == "en":
        message = (
            f"no holiday data for {year}, so due dates{who} in {year} cannot be computed "
            f"({where}data: {covered})"
        )
        hint = (
            f"give {year}'s days off and make-up working days in a holidays file (CSV or JSON, see "
            "docs/calendar.md) with --holidays FILE, or name the file in the environment variable "
            'OBLIGATIONS_HOLIDAYS, or write holidays = "FILE" in obligations.toml'
        )
        if not estimate:
            hint += "; or add --estimate for dates estimated by rule (marked estimated)"
    else:
        message = (
            f"沒有 {year} 年的節假日安排數據，無法計算{who} {year} 年的到期日（{where}已有數據：{covered}）"
        )
        hint = (
            f"請將 {year} 年的放假日和調休上班日寫入節假日文件（CSV 或 JSON，格式見 docs/calendar.md），"
            "用 --holidays FILE 指定，或寫入環境變量 OBLIGATIONS_HOLIDAYS，"
            '或在 obligations.toml 中寫 holidays = "FILE"'
        )
        if not estimate:
            hint += "；也可加 --estimate 按規則推定（結果標為「估算」）"
    _fail(lang, message, hint)


def _load_events(lang: str, path: str, timezone: str) -> tuple[list[EventRecord], int]:
    """The events of an events file and how many rows were rejected; each rejected row is
    reported on stderr with its row number."""
    from obligations.errors import InputError
    from obligations.events import load_events

    try:
        loaded = load_events(path, timezone)
    except (InputError, OSError) as err:
        _input_error(lang, err)
    rejected = list(loaded.rejected)
    for r in rejected:
        row = getattr(r, "row", None)
        code = getattr(r, "code", "")
        message = getattr(r, "message", None)
        reason = message(lang) if callable(message) else getattr(r, "reason", None) or str(r)
        where = f"{path}:{row}" if row is not None else path
        click.echo(
            f"{where}: {'rejected' if lang == 'en' else '拒絕'}{f' [{code}]' if code else ''} {reason}",
            err=True,
        )
    if rejected:
        n = len(rejected)
        click.echo(
            f"{n} row(s) of {path} rejected; the others are used"
            if lang == "en"
            else f"{path}：拒絕 {n} 行，其餘各行照常使用",
            err=True,
        )
    return list(loaded.records), len(rejected)


# ---- agencies -----------------------------------------------------------------------------------


class AgencyFilter:
    """``--agency NAME``: the declared agency a name, full name or alias means (either script), or
    an undeclared agency written the same way; joint and lead/support occurrences match any of
    their agencies, an 分別 (each) occurrence only its own."""

    def __init__(self, name: str, specs: Sequence[Spec]) -> None:
        from obligations import script

        self.name = name
        self.key = script.key(name)
        self._declared = {id(spec): spec.agency(name) for spec in specs}
        self._keys: dict[str, str] = {}

    def known(self, specs: Sequence[Spec]) -> bool:
        if any(self._declared.values()):
            return True
        return any(
            self._same(spec, ref.name) for spec in specs for ob in spec.obligations for ref in ob.agencies
        )

    def label(self, spec: Spec, label: str) -> bool:
        """Whether an occurrence's agency label (joint agencies joined by 、) names it."""
        return any(self._same(spec, part) for part in label.split("、"))

    def _same(self, spec: Spec, name: str) -> bool:
        declared = self._declared.get(id(spec))
        if declared is not None:
            return spec.agency(name) is declared
        if name not in self._keys:
            from obligations import script

            self._keys[name] = script.key(name)
        return self._keys[name] == self.key

    def occurrence(self, spec: Spec, occ: Occurrence) -> bool:
        from obligations.render_due import occurrence_agencies

        return any(self._same(spec, name) for name in occurrence_agencies(occ))

    def obligation(self, spec: Spec, ob: Obligation) -> bool:
        return any(self._same(spec, ref.name) for ref in ob.agencies)


# ---- what cannot be scheduled -------------------------------------------------------------------


def _in_force(spec: Spec, ob: Obligation, start: dt.date, end: dt.date) -> bool:
    for w in (spec.effective, ob.effective):
        if (w.start is not None and w.start > end) or (w.end is not None and w.end < start):
            return False
    return True


def missing(
    spec: Spec,
    start: dt.date,
    end: dt.date,
    events: Sequence[EventRecord] | None,
    keep: AgencyFilter | None,
) -> Missing:
    """The obligations in force in the range that no due date can be given: the table's footer.

    ``unscheduled``: the text gives no time (``occurrences.unscheduled``: 定期, 適時…, and 同步
    chains ending in one). ``events``: event-triggered, and no event of theirs was given (no
    events file, or none of its rows names the trigger); a 同步 [ID] duty counts here when [ID]
    does. Those whose events were given but fall due outside the range are not missing.
    """
    from obligations import script
    from obligations.model import Event
    from obligations.occurrences import unscheduled
    from obligations.render_due import Missing

    vague = {ob.id for ob in unscheduled(spec)}
    given = set(script.keys(r.event for r in events)) if events else set()
    counts = {"events": 0, "unscheduled": 0}
    for ob in spec.obligations:
        if not _in_force(spec, ob, start, end):
            continue
        if keep is not None and not keep.obligation(spec, ob):
            continue
        if ob.id in vague:
            counts["unscheduled"] += 1
            continue
        root = _sync_root(spec, ob)
        # Without events no name needs comparing (and OpenCC need not load).
        if isinstance(root.schedule, Event) and (not given or script.key(root.schedule.trigger) not in given):
            counts["events"] += 1
    return Missing(events_given=events is not None, **counts)


def _sync_root(spec: Spec, ob: Obligation) -> Obligation:
    """The duty a 同步 [ID] chain ends in (cycles and dangling ids are ``unscheduled`` already)."""
    from obligations.model import Event

    seen = {ob.id}
    while isinstance(ob.schedule, Event) and ob.schedule.sync_with:
        ref = spec.obligation(ob.schedule.sync_with)
        if ref is None or ref.id in seen:
            return ob
        seen.add(ref.id)
        ob = ref
    return ob


def _merge(parts: Iterable[Missing]) -> Missing:
    from obligations.render_due import Missing

    total = Missing()
    for m in parts:
        total = Missing(
            total.events + m.events,
            total.unscheduled + m.unscheduled,
            total.events_given or m.events_given,
        )
    return total


# ---- due ------------------------------------------------------------------------------------------

P = ParamSpec("P")


def _collector_paused(command: Callable[P, None]) -> Callable[P, None]:
    """Run a command with the cyclic collector paused.

    A short-lived command that allocates much and frees little: the collector would only rescan
    the freshly imported modules (~10% of ``due``'s time). Reference counting still frees.
    """

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        from obligations import collector

        with collector.paused():
            command(*args, **kwargs)

    return run


@click.command("due")
@click.argument("specs", nargs=-1, type=click.Path())
@click.option("--week", is_flag=True, help="This ISO week, Monday to Sunday (the default).")
@click.option("--next-week", "next_week", is_flag=True, help="Next week, Monday to Sunday.")
@click.option("--month", is_flag=True, help="This calendar month.")
@click.option("--quarter", is_flag=True, help="This calendar quarter.")
@click.option("--year", is_flag=True, help="This calendar year.")
@click.option(
    "--from",
    "date_from",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_iso_date,
    help="First day of the range (YYYY-MM-DD).",
)
@click.option(
    "--to",
    "date_to",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_iso_date,
    help="Last day of the range (YYYY-MM-DD).",
)
@click.option(
    "--today",
    default=None,
    metavar="YYYY-MM-DD",
    callback=_iso_date,
    help="The day to count from (default: today in the spec's zone).",
)
@click.option(
    "--agency",
    default=None,
    callback=not_blank,
    help="Only this agency: its name, full name or an alias, either script.",
)
@click.option(
    "--events", "events_file", type=click.Path(), default=None, help="Events file: what happened when."
)
@holidays_option
@estimate_option
@calendar_option
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    help="table, json, csv or ics (or a format a plugin adds).",
)
@click.option("--bom", is_flag=True, help="With --format csv: start with a byte-order mark (Excel, WPS).")
@_collector_paused
def due(
    specs: tuple[str, ...],
    week: bool,
    next_week: bool,
    month: bool,
    quarter: bool,
    year: bool,
    date_from: dt.date | None,
    date_to: dt.date | None,
    today: dt.date | None,
    agency: str | None,
    events_file: str | None,
    holidays: tuple[str, ...],
    estimate: bool,
    calendar_name: str,
    fmt: str,
    bom: bool,
) -> None:
    """What falls due in a range (default: this week), who owes it, and how late it is.

    \b
      obligations due                     this week, every agency
      obligations due --agency 市場監管局  one agency (any name or alias, either script)
      obligations due --month --events events.csv
      obligations due --format ics > due.ics
    """
    from obligations.cli import _compile

    lang = _lang()
    flags = {"week": week, "next_week": next_week, "month": month, "quarter": quarter, "year": year}
    chosen = _choose_range(flags, date_from, date_to, lang)
    results = _compile(lang, specs)
    spec_list = [r.spec for r in results if r.spec is not None]
    cal = _calendar(lang, holidays, estimate, calendar_name)
    keep = AgencyFilter(agency, spec_list) if agency else None
    if keep is not None and not keep.known(spec_list):
        raise click.UsageError(
            f"no agency {agency!r} in the spec (see obligations list)"
            if lang == "en"
            else f"規範中沒有機構「{agency}」（可用 obligations list 查看）"
        )

    from obligations.errors import CalendarDataError
    from obligations.occurrences import occurrences
    from obligations.render_due import DueItem

    items: list[DueItem] = []
    parts: list[Missing] = []
    events_by_zone: dict[str, list[EventRecord]] = {}
    rejected = 0
    first: tuple[dt.date, dt.date, dt.date] | None = None
    for spec in spec_list:
        day = today if today is not None else today_in(spec.timezone)
        start, end = chosen if isinstance(chosen, tuple) else date_range(chosen, day)
        first = first or (start, end, day)
        records: list[EventRecord] | None = None
        if events_file is not None:
            if not events_by_zone:
                events_by_zone[spec.timezone], rejected = _load_events(lang, events_file, spec.timezone)
            elif spec.timezone not in events_by_zone:
                # Rejected rows were reported once; another zone only reads the times again.
                events_by_zone[spec.timezone] = _quiet_events(lang, events_file, spec.timezone)
            records = events_by_zone[spec.timezone]
        try:
            found = occurrences(spec, start, end, events=records or (), calendar=cal)
        except CalendarDataError as err:
            no_holiday_data(lang, err, cal, estimate)
        if keep is not None:
            found = [occ for occ in found if keep.occurrence(spec, occ)]
        items.extend(DueItem(occ, day, spec.timezone) for occ in found)
        parts.append(missing(spec, start, end, records, keep))
    items.sort(key=lambda i: (i.occurrence.due, i.occurrence.obligation.id, i.occurrence.agency))
    assert first is not None  # _compile exits when there is no spec
    start, end, day = first
    absent = _merge(parts)
    _output(items, absent, lang, fmt, bom, start, end, day)
    if rejected:
        sys.exit(EXIT_FINDINGS)  # as docs/cli.md: rows rejected is a finding


def _quiet_events(lang: str, path: str, timezone: str) -> list[EventRecord]:
    from obligations.errors import InputError
    from obligations.events import load_events

    try:
        return list(load_events(path, timezone).records)
    except (InputError, OSError) as err:
        _input_error(lang, err)


def _output(
    items: Sequence[DueItem],
    absent: Missing,
    lang: str,
    fmt: str,
    bom: bool,
    start: dt.date,
    end: dt.date,
    day: dt.date,
) -> None:
    from obligations import render_due
    from obligations.cli import emit

    emit("occurrences", items, lang, fmt, bom=bom, missing=absent, start=start, end=end, today=day)
    if fmt == "table":
        return  # the table carries its own footer
    footer = render_due.missing_lines(absent, lang)
    if footer:  # machine formats stay clean; the count still reaches the person running it
        click.echo(footer, err=True, nl=False)


# ---- calendar -------------------------------------------------------------------------------------

_KIND = {"off": ("放假", "day off"), "work": ("調休上班", "make-up working day")}


@click.command("calendar")
@click.option("--year", "year", type=int, default=None, help="The year (default: this year).")
@holidays_option
@click.option("--estimate", is_flag=True, help="Estimate years without a notice by rule; marked 推定.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def calendar_cmd(year: int | None, holidays: tuple[str, ...], estimate: bool, fmt: str) -> None:
    """The days off and make-up working days of a year, with their names and notice."""
    from obligations.calendar import CHINA
    from obligations.errors import CalendarDataError

    lang = _lang()
    cal = _calendar(lang, holidays, estimate)
    year = year if year is not None else today_in("Asia/Shanghai").year
    try:
        data = cal.year_data(year)
    except CalendarDataError as err:
        no_holiday_data(lang, err, cal, estimate)
    days = sorted(
        [(d, "off", s) for d, s in data.days_off.items()] + [(d, "work", s) for d, s in data.workdays.items()]
    )
    coverage = _coverage(cal)
    if fmt == "json":
        import json

        payload = {
            "calendar": CHINA,
            "year": year,
            "notice": data.notice,
            "source": data.source,
            "estimated": data.estimated,
            "days": [
                {
                    "date": d.isoformat(),
                    "weekday": d.isoweekday(),
                    "kind": kind,
                    "name": s.name,
                    "notice": s.notice or data.notice,
                }
                for d, kind, s in days
            ],
            "coverage": [
                {"from": a, "to": b, "source": source, "estimated": est} for a, b, source, est in coverage
            ],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    click.echo(_calendar_text(year, data, days, coverage, lang), nl=False)


def _coverage(cal: TableCalendar) -> list[tuple[int, int, str, bool]]:
    """Runs of consecutive years from the same source: (first, last, source, estimated)."""
    runs: list[tuple[int, int, str, bool]] = []
    for y in sorted(cal.years()):
        data = cal.year_data(y)
        if runs and runs[-1][1] == y - 1 and runs[-1][2:] == (data.source, data.estimated):
            a, _, source, est = runs[-1]
            runs[-1] = (a, y, source, est)
        else:
            runs.append((y, y, data.source, data.estimated))
    return runs


def _source_text(source: str, estimated: bool, lang: str) -> str:
    from obligations.calendar import BUNDLED_SOURCE

    if estimated:
        return "estimated by rule" if lang == "en" else "按規則推定"
    if source == BUNDLED_SOURCE:
        return "bundled" if lang == "en" else "內置"
    return source


def _calendar_text(
    year: int,
    data: YearData,
    days: Sequence[tuple[dt.date, str, Special]],
    coverage: Sequence[tuple[int, int, str, bool]],
    lang: str,
) -> str:
    from obligations.render_due import simple_table, weekday

    en = lang == "en"
    if data.estimated:
        notice = (
            "no notice yet: estimated by the rules of 全國年節及紀念日放假辦法 (no make-up days)"
            if en
            else "尚無通知：按《全國年節及紀念日放假辦法》規則推定（不含調休）"
        )
    else:
        notice = data.notice or ("(no notice named)" if en else "（未註明通知）")
    out = [f"{year}: {notice}\n" if en else f"{year} 年：{notice}\n"]
    own_notice = any(s.notice and s.notice != data.notice for _, _, s in days)
    headers = ["date", "day", "kind", "name"] if en else ["日期", "星期", "安排", "名稱"]
    if own_notice:
        headers.append("notice" if en else "通知")
    rows = []
    for d, kind, s in days:
        zh_kind, en_kind = _KIND[kind]
        row = [d.isoformat(), weekday(d, lang), en_kind if en else zh_kind, s.name]
        if own_notice:
            row.append(s.notice if s.notice != data.notice else "")
        rows.append(row)
    if rows:
        out.append(simple_table(headers, rows))
    off = sum(1 for _, k, _ in days if k == "off")
    work = len(days) - off
    out.append(
        f"{off} days off, {work} make-up working days\n" if en else f"共 {off} 天放假，{work} 天調休上班\n"
    )
    parts = []
    for a, b, source, est in coverage:
        span = str(a) if a == b else f"{a}–{b}"
        parts.append(
            f"{span} ({_source_text(source, est, lang)})"
            if en
            else f"{span}（{_source_text(source, est, lang)}）"
        )
    out.append(f"years covered: {', '.join(parts)}\n" if en else f"數據覆蓋年份：{'、'.join(parts)}\n")
    return "".join(out)
