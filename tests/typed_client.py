"""A portal developer's use of the public API, type-checked with mypy --strict by tools/check.

docs/api.md promises a fully typed API: every exported name must be visible to a client under
--strict (a lazy package that only imported them for type checkers did not re-export them).
"""

from __future__ import annotations

import datetime as dt

import obligations


def due_this_month(path: str) -> list[tuple[str, dt.date]]:
    specs: list[obligations.Spec] = obligations.load(path)
    found = specs[0].occurrences(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    return [(o.obligation.id, o.due_date) for o in found]


def checked(spec: obligations.Spec, evidence: str) -> dict[str, int]:
    try:
        load: obligations.LoadResult = obligations.load_evidence(evidence, spec.timezone)
    except obligations.InputError as err:
        raise SystemExit(err.message("zh")) from err
    result: obligations.CheckResult = obligations.check(
        spec, [load], start=dt.date(2026, 10, 1), as_of=dt.datetime(2026, 10, 31, 23, 59)
    )
    late = [f for f in result.findings if f.status is obligations.Status.LATE]
    return {"late": len(late), **result.counts()}


def first_error(text: str) -> str | None:
    try:
        obligations.loads(text)
    except obligations.SpecError as err:
        return err.diagnostics[0].code if err.diagnostics else None
    except obligations.ObligationsError:
        return "other"
    return None
