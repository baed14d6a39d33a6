"""Lint: warnings about a compiled spec that are worth a person's attention but not errors.

Every warning comes from the checked model, so lint sees exactly what ``due`` and
``check`` will act on.
"""

from __future__ import annotations

from collections.abc import Iterable

from obligations import script
from obligations.diagnostics import Diagnostic
from obligations.model import Obligation, Spec, Unscheduled
from obligations.plugins import action_vocabulary


def lint(spec: Spec, extra_actions: Iterable[str] = ()) -> list[Diagnostic]:
    known = action_vocabulary() | {script.key(a) for a in extra_actions}
    out: list[Diagnostic] = []
    seen: dict[tuple[object, ...], Obligation] = {}
    for ob in spec.obligations:
        out.extend(_schedule_warnings(ob))
        if script.key(ob.action) not in known:
            shown = "、".join(sorted(_display_actions()))
            out.append(Diagnostic("W402", ob.action_span, {"verb": ob.action, "known": shown}))
        for ref in ob.agencies:
            if not ref.declared:
                out.append(Diagnostic("W403", ref.span, {"name": ref.name}))
        if not ob.agencies:
            out.append(Diagnostic("W407", ob.span, {"id": ob.id}))
        identity = (
            script.key(ob.action),
            script.key(ob.subject),
            tuple(sorted(script.key(r.name) for r in ob.agencies)),
            ob.effective,
            _schedule_identity(ob),
        )
        if identity in seen:
            out.append(Diagnostic("W404", ob.span, {"other": seen[identity].id}))
        else:
            seen[identity] = ob
        if not ob.source.quote:
            out.append(Diagnostic("W405", ob.span, {"id": ob.id}))
    return out


def _schedule_identity(ob: Obligation) -> object:
    from obligations.model import schedule_to_dict

    return repr(sorted(schedule_to_dict(ob.schedule).items()))


def _schedule_warnings(ob: Obligation) -> list[Diagnostic]:
    schedule = ob.schedule
    if not isinstance(schedule, Unscheduled):
        return []
    if schedule.phrase == "定期":
        return [Diagnostic("W401", schedule.span, {})]
    return [Diagnostic("W406", schedule.span, {"phrase": schedule.phrase})]


def _display_actions() -> list[str]:
    from obligations.vocabulary import BUILTIN_ACTIONS

    return [a for a in BUILTIN_ACTIONS if not a.isascii()][:12]
