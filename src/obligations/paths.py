"""Where the package's own files are, found without importing anything heavy (start-up matters)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_spec_dir() -> Path:
    """The bundled source-document spec (《海門市近期政務公開工作要點》), in the wheel or the repo."""
    shipped = _PACKAGE / "specs" / "haimen-2017"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parents[1] / "specs" / "haimen-2017"
