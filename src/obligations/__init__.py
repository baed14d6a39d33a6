"""obligations: government information-disclosure duties (政務公開) as a checkable rules language.

The public API, in pipeline order (see docs/api.md)::

    import obligations

    spec = obligations.load("specs/haimen-2017")[0]          # compile (raises SpecError)
    due = spec.occurrences(start, end)                        # when each duty falls due
    result = obligations.check(spec, [obligations.load_evidence("published.csv")], start=…, as_of=…)

Names are imported lazily, so ``import obligations`` costs almost nothing; everything listed in
``__all__`` is stable, everything else is private. Due dates and warnings are methods of the
compiled spec (``spec.occurrences``, ``spec.lint``): the stage modules ``obligations.occurrences``
and ``obligations.lint`` share those names, and a package attribute cannot be both.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module that defines it
_EXPORTS: dict[str, str] = {
    # compiling specs
    "load": "compiler",
    "loads": "compiler",
    "compile_file": "compiler",
    "compile_text": "compiler",
    "compile_paths": "compiler",
    "Compiled": "compiler",
    "format_source": "fmt",
    # the model
    "Spec": "model",
    "Obligation": "model",
    "Agency": "model",
    "AgencyRef": "model",
    "Source": "model",
    "Lag": "model",
    "Window": "model",
    "Periodic": "model",
    "Count": "model",
    "Event": "model",
    "Standing": "model",
    "Realtime": "model",
    "Once": "model",
    "Unscheduled": "model",
    "Every": "terms",
    "Role": "terms",
    "Unit": "terms",
    # diagnostics and errors
    "Diagnostic": "diagnostics",
    "Severity": "diagnostics",
    "Span": "diagnostics",
    "render_text": "diagnostics",
    "ObligationsError": "errors",
    "SpecError": "errors",
    "CalendarDataError": "errors",
    "DateRangeError": "errors",
    "InputError": "errors",
    # calendars and due dates
    "HolidayCalendar": "calendar",
    "china_calendar": "calendar",
    "load_calendar": "calendar",
    "unscheduled": "occurrences",
    "Occurrence": "occurrences",
    "EventRecord": "occurrences",
    "load_events": "events",
    # evidence and checking
    "EvidenceRecord": "evidence",
    "LoadResult": "evidence",
    "load_evidence": "evidence",
    "Ledger": "ledger",
    "check": "findings",
    "check_records": "findings",
    "CheckResult": "findings",
    "Finding": "findings",
    "Status": "findings",
}

# Written out, not built from _EXPORTS: type checkers read only a literal __all__, and under
# --strict a name imported for them alone (below) is exported only by being listed here.
__all__ = [
    "Agency",
    "AgencyRef",
    "CalendarDataError",
    "CheckResult",
    "Compiled",
    "Count",
    "DateRangeError",
    "Diagnostic",
    "Event",
    "EventRecord",
    "Every",
    "EvidenceRecord",
    "Finding",
    "HolidayCalendar",
    "InputError",
    "Lag",
    "Ledger",
    "LoadResult",
    "Obligation",
    "ObligationsError",
    "Occurrence",
    "Once",
    "Periodic",
    "Realtime",
    "Role",
    "Severity",
    "Source",
    "Span",
    "Spec",
    "SpecError",
    "Standing",
    "Status",
    "Unit",
    "Unscheduled",
    "Window",
    "__version__",
    "check",
    "check_records",
    "china_calendar",
    "compile_file",
    "compile_paths",
    "compile_text",
    "format_source",
    "load",
    "load_calendar",
    "load_events",
    "load_evidence",
    "loads",
    "render_text",
    "unscheduled",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'obligations' has no attribute {name!r}")
    value = getattr(import_module(f"obligations.{module}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from obligations.calendar import HolidayCalendar, china_calendar, load_calendar
    from obligations.compiler import Compiled, compile_file, compile_paths, compile_text, load, loads
    from obligations.diagnostics import Diagnostic, Severity, Span, render_text
    from obligations.errors import CalendarDataError, DateRangeError, InputError, ObligationsError, SpecError
    from obligations.events import load_events
    from obligations.evidence import EvidenceRecord, LoadResult, load_evidence
    from obligations.findings import CheckResult, Finding, Status, check, check_records
    from obligations.fmt import format_source
    from obligations.ledger import Ledger
    from obligations.model import (
        Agency,
        AgencyRef,
        Count,
        Event,
        Lag,
        Obligation,
        Once,
        Periodic,
        Realtime,
        Source,
        Spec,
        Standing,
        Unscheduled,
        Window,
    )
    from obligations.occurrences import EventRecord, Occurrence, unscheduled
    from obligations.terms import Every, Role, Unit
