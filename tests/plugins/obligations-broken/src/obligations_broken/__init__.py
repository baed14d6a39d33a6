"""A plugin that cannot be imported: it needs a module nobody installed.

Every entry point of this distribution points here, so each fails the same way when
``obligations`` loads it: ``ModuleNotFoundError: No module named 'obligations_missing_dependency'``.
"""

from __future__ import annotations

import obligations_missing_dependency  # type: ignore[import-not-found]  # the point of this plugin

SOURCE = obligations_missing_dependency.SOURCE
VERBS = ("廣播",)


def calendar() -> object:
    return obligations_missing_dependency.calendar()
