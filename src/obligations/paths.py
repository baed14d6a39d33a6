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


def shown(path: str | Path) -> str:
    """``path`` as text that a person can read and every output can encode.

    On Linux a file name is bytes. One that is not UTF-8 (unzipped from an archive made on Chinese
    Windows, so GBK) reaches Python with surrogates in it, which no UTF-8 output (a message, JSON,
    HTML, the ledger) can hold. Such a name is read as GB18030, else its bad bytes become U+FFFD.
    Only for showing: files are still opened by their real path.
    """
    import os

    text = os.fspath(path)
    if text.isascii() or not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = os.fsencode(text)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace")
