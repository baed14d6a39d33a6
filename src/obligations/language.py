"""Which language to speak to the user, decided without importing anything heavy."""

from __future__ import annotations

import os
from collections.abc import Mapping


def default_lang(environ: Mapping[str, str] | None = None) -> str:
    """``en`` when the locale says English, otherwise Chinese ("Chinese when unsure")."""
    env = os.environ if environ is None else environ
    for var in ("OBLIGATIONS_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    import locale  # only when no variable says: start-up pays for it rarely

    loc = locale.getlocale()[0] or ""
    return "en" if loc.lower().startswith("en") else "zh"
