"""Occurrences as an iCalendar file (RFC 5545), for Outlook, WPS, DingTalk and phone calendars.

One VEVENT per occurrence: an all-day event on the due date, or, when the deadline is counted
in hours (事件…後5小時內), an event at the due instant. The UID is the occurrence's stable
identity (:attr:`obligations.occurrences.Occurrence.uid`, obligation + period or trigger +
agency) plus :data:`UID_DOMAIN`, so importing next week's file updates the events already
imported instead of duplicating them. DTSTAMP is midnight UTC of ``today`` (``--today``), so
the same command on the same day prints the same bytes.

``icalendar`` is imported inside :func:`render_ics`: it takes ~130 ms to import and only this
format needs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from obligations.occurrences import Occurrence
    from obligations.render_due import DueItem

#: Makes the UIDs globally unique (RFC 5545 3.8.4.7 suggests ``id@domain``). ``.invalid`` is
#: reserved (RFC 2606): it can never be anyone's real domain.
UID_DOMAIN = "obligations.invalid"

CALENDAR_NAME = {"zh": "政務公開到期事項", "en": "Disclosure duties due"}


def uid(occ: Occurrence) -> str:
    return f"{occ.uid}@{UID_DOMAIN}"


def _unique(first: str, occ: Occurrence, used: set[str]) -> str:
    """``first``, or, when an earlier event of this calendar has it, ``first`` with the due date
    (and a count): two specs of one folder (this year's key points and last year's, a catalogue
    and the key points) can hold the same duty with other deadlines, and a calendar keeps only
    one event per UID. The same specs give the same UIDs, run after run."""
    found, n = first, 1
    while found in used:
        n += 1
        local, _, domain = first.partition("@")
        found = f"{local}/{occ.due_date.isoformat()}" + (f"/{n - 1}" if n > 2 else "") + f"@{domain}"
    used.add(found)
    return found


def description(occ: Occurrence, lang: str) -> str:
    """Where the duty comes from (the source sentence) and what this occurrence is."""
    from obligations import words
    from obligations.render_due import day_text, estimate_note, is_timed

    ob = occ.obligation
    en = lang == "en"
    section = f"{ob.source.section} {ob.source.section_title}".strip()
    due = day_text(occ.due_date, lang)
    if is_timed(ob):
        due += f" {occ.due.strftime('%H:%M')} ({occ.due.strftime('%z')})"
    fields: list[tuple[str, str]] = [
        ("source" if en else "原文", ob.source.quote),
        ("section" if en else "章節", section),
        ("schedule" if en else "時間", words.schedule(ob.schedule, lang)),
        ("agencies" if en else "責任單位", words.agencies(ob, lang) or occ.agency),
        ("owed by" if en else "本次責任單位", occ.agency),
    ]
    if occ.period_start is not None and occ.period_end is not None:
        start, end = occ.period_start.isoformat(), occ.period_end.isoformat()
        fields.append(("period", f"{start} – {end}") if en else ("期間", f"{start} 至 {end}"))
    if occ.trigger is not None:
        t = occ.trigger
        when = t.occurred_at.isoformat()
        ident = (f", id {t.id}" if en else f"，編號 {t.id}") if t.id else ""
        fields.append(
            ("event", f"{t.event} ({when}{ident})") if en else ("事件", f"{t.event}（{when}{ident}）")
        )
    if occ.min_count > 1:
        fields.append(("at least", f"{occ.min_count} times") if en else ("至少", f"{occ.min_count} 次"))
    fields.append(("due" if en else "到期", due))
    sep = ": " if en else "："
    text = "\n".join(f"{label}{sep}{value}" for label, value in fields if value)
    if occ.estimated:
        text += "\n" + estimate_note(lang).rstrip("\n")
    return text


def render_ics(items: Sequence[DueItem], lang: str, today: dt.date) -> bytes:
    """The iCalendar text (CRLF lines, UTF-8) of ``items``."""
    import icalendar

    from obligations import __version__
    from obligations.render_due import is_timed, summary

    lang = "en" if lang == "en" else "zh"
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//obligations//obligations {__version__}//{lang.upper()}")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME[lang])
    stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)
    used: set[str] = set()
    for item in items:
        occ = item.occurrence
        event = icalendar.Event()
        event.add("uid", _unique(uid(occ), occ, used))
        event.add("dtstamp", stamp)
        if is_timed(occ.obligation):
            # An instant: written in UTC, which every client reads without a VTIMEZONE.
            event.add("dtstart", dt.datetime.fromtimestamp(occ.due.timestamp(), dt.UTC))
        else:
            day = dt.date(occ.due_date.year, occ.due_date.month, occ.due_date.day)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary(occ, lang))
        event.add("description", description(occ, lang))
        event.add("transp", "TRANSPARENT")  # a deadline, not a meeting: it does not block the day
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
