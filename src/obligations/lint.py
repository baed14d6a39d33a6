"""Lint: warnings about a compiled spec that are worth a person's attention but not errors.

Every warning comes from the checked model, so lint sees exactly what ``due`` and
``check`` will act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from obligations import script
from obligations.diagnostics import Diagnostic
from obligations.model import Obligation, Periodic, Spec, Unscheduled
from obligations.plugins import action_vocabulary


def lint(spec: Spec, extra_actions: Iterable[str] = ()) -> list[Diagnostic]:
    known = action_vocabulary() | {script.key(a) for a in extra_actions}
    out: list[Diagnostic] = []
    seen: dict[tuple[object, ...], Obligation] = {}
    for ob in spec.obligations:
        out.extend(_schedule_warnings(ob))
        if script.key(ob.action) not in known:
            out.append(Diagnostic("W402", ob.action_span, {"verb": ob.action, **_known_verbs()}))
        for ref in ob.agencies:
            if not ref.declared:
                shown = ref.name if _WORD.fullmatch(ref.name) else f"「{ref.name}」"
                out.append(Diagnostic("W403", ref.span, {"name": ref.name, "declared": shown}))
        if not ob.agencies:
            out.append(Diagnostic("W407", ob.span, _which(ob)))
        identity = (
            script.key(ob.action),
            script.key(ob.subject),
            tuple(sorted(script.key(r.name) for r in ob.agencies)),
            ob.effective,
            _schedule_identity(ob),
        )
        if identity in seen:
            first = seen[identity]
            out.append(Diagnostic("W404", ob.span, {"other": _label_en(first), "other_zh": _label_zh(first)}))
        else:
            seen[identity] = ob
        if not ob.source.quote:
            out.append(Diagnostic("W405", ob.span, _which(ob)))
    return out


_WORD = re.compile(r'[^\s，、,:：（）()「」《》"“”\[\]【】#＃=＝>＞]+')


def _label_en(ob: Obligation) -> str:
    return f"[{ob.id}]" if ob.id_given else f"the obligation on line {ob.source.line}"


def _label_zh(ob: Obligation) -> str:
    return f"[{ob.id}]" if ob.id_given else f"第 {ob.source.line} 行的義務"


def _which(ob: Obligation) -> dict[str, str]:
    return {"id": _label_en(ob), "id_zh": _label_zh(ob)}


def _schedule_identity(ob: Obligation) -> object:
    from obligations.model import schedule_to_dict

    return repr(sorted(schedule_to_dict(ob.schedule).items()))


def _schedule_warnings(ob: Obligation) -> list[Diagnostic]:
    schedule = ob.schedule
    if isinstance(schedule, Periodic) and schedule.lead is not None and schedule.roll:
        return [Diagnostic("W408", schedule.span, {})]
    if not isinstance(schedule, Unscheduled):
        return []
    if schedule.phrase == "定期":
        return [Diagnostic("W401", schedule.span, {})]
    return [Diagnostic("W406", schedule.span, {"phrase": schedule.phrase})]


def _known_verbs() -> dict[str, str]:
    from obligations.vocabulary import BUILTIN_ACTIONS

    return {
        "known": ", ".join(a for a in BUILTIN_ACTIONS if a.isascii()),
        "known_zh": "、".join(a for a in BUILTIN_ACTIONS if not a.isascii()),
    }
