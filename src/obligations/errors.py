"""The project's one root exception and its few subclasses.

Every failure a user can cause (a bad spec, a year without holiday data, an unreadable
file) is raised as a subclass of :class:`ObligationsError`, so callers catch one type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from obligations.diagnostics import Diagnostic


class ObligationsError(Exception):
    """Root of every error this library raises on purpose."""


class SpecError(ObligationsError):
    """A spec did not compile. Carries every diagnostic found, errors and warnings alike."""

    def __init__(self, diagnostics: Sequence[Diagnostic], sources: dict[str, str] | None = None) -> None:
        self.diagnostics = tuple(diagnostics)
        self.sources = dict(sources or {})
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else (self.diagnostics[0] if self.diagnostics else None)
        summary = f"{len(errors)} error(s) in spec" + (f"; first: {first.code}" if first else "")
        super().__init__(summary)

    def __reduce__(self) -> tuple[Any, ...]:  # pickle calls the class with these (process pools)
        return (type(self), (self.diagnostics, self.sources))


class CalendarDataError(ObligationsError):
    """A date computation needed a year the calendar has no data for (never guessed)."""

    def __init__(
        self, year: int, calendar: str, hint: str, obligation: str = "", where: tuple[str, str] = ("", "")
    ) -> None:
        self.year = year
        self.calendar = calendar
        self.hint = hint
        self.obligation = obligation  # the id of the duty that needed the year, when known
        self.where = where  # the period or event that needed it, in English and Chinese, when known
        super().__init__(f"calendar {calendar!r} has no holiday data for {year}: {hint}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.year, self.calendar, self.hint, self.obligation, self.where))


#: The years a date may have anywhere (command line, API, events files): the calendar counts limits
#: of up to ten years (E218) past a date, and must stay inside what ``datetime`` holds. Here, in the
#: lightest module, because the command line's option types need them at start-up.
FIRST_YEAR, LAST_YEAR = 1900, 2999


class DateRangeError(ObligationsError, ValueError):
    """A range of dates that cannot be: it ends before it starts, or a year outside
    ``FIRST_YEAR``..``LAST_YEAR``. A ``ValueError`` too, as a bad argument is."""


class InputError(ObligationsError):
    """An input file (events, evidence, holidays) could not be read at all.

    ``str(err)`` is the English message; ``err.message("zh")`` the Chinese one when it was given
    (``InputError(en, zh)``), else the English.
    """

    def __init__(self, en: str = "", zh: str = "") -> None:
        super().__init__(en)
        self._zh = zh

    def message(self, lang: str = "zh") -> str:
        return self._zh if lang != "en" and self._zh else str(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self._zh))
