"""A cache of compiled specs, so that everyday commands do not parse the same files every run.

:func:`compile_cached` returns what :func:`obligations.compiler.compile_paths` returns, read
from the cache when nothing it depends on has changed. On a hit neither the compiler nor Lark
nor OpenCC is imported: the answer is one ``pickle.load``.

What a cached answer depends on, all checked on every lookup:

- the package: its version, the Python bytecode tag, the grammar file's content, the size and
  modification time of every module of the package, and of the installed Lark and OpenCC
  (their versions change how specs parse and which names are the same);
- the invocation: the current directory (messages name files relative to it) and the paths as
  given;
- the specs: the content of every file compiled (entry files and everything they include,
  hashed as the compiler read it) and, for each directory given, the list of its ``*.obl``
  files (a new file is a new entry).

The first two make the file name of the cache entry; the last is a manifest stored at the head of
the entry and compared before the compiled specs are unpickled. So an edit to an included file
is a miss, and the entry is replaced. Only error-free results are stored.

Where: ``$OBLIGATIONS_CACHE_DIR`` (set it empty to turn the cache off), else the platform's
user cache folder (``~/.cache/obligations``, ``~/Library/Caches/obligations``,
``%LOCALAPPDATA%\\obligations\\Cache``). A folder that cannot be created or written, or that
others could write to (a planted pickle would run code), means no cache: the cache never makes
a command fail, it only makes it faster.
"""

from __future__ import annotations

import contextlib
import os
import sys

# blake2b from the built-in _blake2 module: importing hashlib would load OpenSSL (~5 ms of
# start-up) for a digest that only tells whether a file changed.
from _blake2 import blake2b as _blake2b
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

# Reading is the hot path: the C unpickler alone, without the pickle module's Python part (~2 ms
# of start-up). Writing, on a miss, imports pickle.
try:
    from _pickle import load as _load
except ImportError:  # an implementation without the accelerator
    from pickle import load as _load

if TYPE_CHECKING:
    from obligations.calendar import TableCalendar
    from obligations.diagnostics import Diagnostic
    from obligations.model import Spec

ENV_VAR = "OBLIGATIONS_CACHE_DIR"
FORMAT = 1  # of the cache entries; bump when their layout changes
MAX_ENTRIES = 64  # older entries beyond this many are removed when one is written
SPEC_SUFFIX = ".obl"  # as compiler.SPEC_SUFFIX (not imported: the compiler pulls the parser)
GRAMMAR_NAME = "obligations.lark"  # as parse_tree.GRAMMAR_NAME, for the same reason
_PROTOCOL = 5


class CompileResult(Protocol):
    """What :func:`compile_cached` returns: a ``compiler.Compiled`` or a :class:`CachedCompiled`."""

    @property
    def entry(self) -> str: ...

    @property
    def spec(self) -> Spec | None: ...

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]: ...

    @property
    def sources(self) -> dict[str, str]: ...

    @property
    def errors(self) -> tuple[Diagnostic, ...]: ...


class CachedCompiled:
    """A compile result read from the cache: ``compiler.Compiled`` without the syntax trees.

    A plain class (attrs would compile its methods at import, on the path of every cache hit).
    """

    __slots__ = ("diagnostics", "entry", "sources", "spec")
    syntax: tuple[()] = ()

    def __init__(
        self, entry: str, spec: Spec | None, diagnostics: tuple[Diagnostic, ...], sources: dict[str, str]
    ) -> None:
        self.entry = entry
        self.spec = spec
        self.diagnostics = diagnostics
        self.sources = sources

    def __repr__(self) -> str:
        return f"CachedCompiled(entry={self.entry!r})"

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


def compile_cached(paths: Sequence[str | Path]) -> list[CompileResult]:
    """``compiler.compile_paths(paths)``, from the cache when nothing it read has changed."""
    hit = lookup(paths)
    if hit is not None:
        return list(hit)
    from obligations.compiler import compile_paths

    results = compile_paths(paths)
    with contextlib.suppress(Exception):  # the cache must never make a command fail
        store(paths, results)
    return list(results)


# ---- where ---------------------------------------------------------------------------------------


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache folder, created if need be; None when there is to be no cache."""
    env = os.environ if environ is None else environ
    try:
        if ENV_VAR in env:
            value = env[ENV_VAR].strip()
            if not value:
                return None
            path = Path(value).expanduser()
        else:
            path = _platform_dir(env)
        return path if _usable(path) else None
    except (OSError, RuntimeError, ValueError):  # no home folder, a bad path
        return None


def _platform_dir(env: Mapping[str, str]) -> Path:
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "obligations" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "obligations"
    xdg = env.get("XDG_CACHE_HOME", "")
    base_dir = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base_dir / "obligations"


def _usable(path: Path) -> bool:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not os.access(path, os.W_OK | os.X_OK):
        return False
    if os.name == "posix":
        st = path.stat()
        # Anyone else able to write here could plant a pickle, and loading one runs code.
        if st.st_uid != os.getuid() or st.st_mode & 0o022:
            return False
    return True


# ---- keys ----------------------------------------------------------------------------------------

_fingerprint_memo: list[str] = []


def fingerprint() -> str:
    """The package, Python, Lark and OpenCC the cached objects were made with (see the docstring)."""
    if _fingerprint_memo:
        return _fingerprint_memo[0]
    import obligations

    package = Path(obligations.__file__).parent
    h = _blake2b()
    h.update(f"{FORMAT}|{obligations.__version__}|{sys.implementation.cache_tag}|{_PROTOCOL}".encode())
    grammar = package / "grammar" / GRAMMAR_NAME
    if not grammar.is_file():  # run from a source checkout: as parse_tree.grammar_path
        grammar = package.parents[1] / "grammar" / GRAMMAR_NAME
    h.update(grammar.read_bytes() if grammar.is_file() else b"-")
    modules = sorted((e.name, e.stat()) for e in os.scandir(package) if e.name.endswith(".py"))
    for name, st in modules:
        h.update(f"|{name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for dependency in ("lark", "opencc"):
        h.update(f"|{dependency}:{_installed(dependency)}".encode())
    _fingerprint_memo.append(h.hexdigest())
    return _fingerprint_memo[0]


def _installed(module: str) -> str:
    """Where a module is installed and its file's size and time, without importing it."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except (ImportError, ValueError):
        return "-"
    if spec is None or not spec.origin:
        return "-"
    try:
        st = os.stat(spec.origin)
    except OSError:
        return spec.origin
    return f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}"


def entry_path(directory: Path, paths: Sequence[str | Path]) -> Path:
    """The cache entry of one invocation: package fingerprint, current directory, paths as given."""
    h = _blake2b(fingerprint().encode())
    h.update(os.getcwd().encode("utf-8", "surrogateescape"))
    for p in paths:
        h.update(b"\0" + os.fspath(p).encode("utf-8", "surrogateescape"))
    return directory / f"{h.hexdigest()[:40]}.pickle"


def _digest(text: str) -> str:
    return _blake2b(text.encode("utf-8", "surrogatepass")).hexdigest()


def _read_digest(name: str) -> str | None:
    """The digest of a spec file as the compiler reads it (UTF-8, a BOM dropped)."""
    try:
        text = Path(name).read_bytes().decode("utf-8")  # not "utf-8-sig": its codec is one more import
        return _digest(text[1:] if text.startswith("\ufeff") else text)
    except (OSError, UnicodeDecodeError):
        return None


def _listings(paths: Sequence[str | Path]) -> dict[str, list[str]]:
    """For each directory given, its ``*.obl`` files (as ``compiler.expand_paths`` finds them)."""
    out: dict[str, list[str]] = {}
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out[os.fspath(p)] = sorted(str(f) for f in path.rglob(f"*{SPEC_SUFFIX}"))
    return out


def _manifest(paths: Sequence[str | Path], sources: Mapping[str, str]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "paths": [os.fspath(p) for p in paths],
        "listings": _listings(paths),
        "files": {name: _digest(text) for name, text in sources.items()},
    }


def _valid(manifest: Any, paths: Sequence[str | Path]) -> bool:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return False
    if manifest.get("paths") != [os.fspath(p) for p in paths]:
        return False
    if manifest.get("listings") != _listings(paths):
        return False
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return False
    return all(_read_digest(name) == digest for name, digest in files.items())


# ---- read and write ------------------------------------------------------------------------------


def lookup(paths: Sequence[str | Path], directory: Path | None = None) -> list[CachedCompiled] | None:
    """The cached results for ``paths`` if they are still valid, else None (never raises)."""
    try:
        directory = directory or cache_dir()
        if directory is None:
            return None
        with open(entry_path(directory, paths), "rb") as f:
            # The manifest holds only built-in types: checking it imports nothing.
            if not _valid(_load(f), paths):
                return None
            payload = _load(f)
        return [
            CachedCompiled(entry, spec, tuple(diags), dict(sources))
            for entry, spec, diags, sources in payload
        ]
    except Exception:  # a missing, stale, truncated or foreign entry is a miss
        return None


def store(
    paths: Sequence[str | Path], results: Sequence[CompileResult], directory: Path | None = None
) -> bool:
    """Write the results of compiling ``paths``; only complete, error-free results are kept."""
    if not results or any(r.errors or r.spec is None for r in results):
        return False
    directory = directory or cache_dir()
    if directory is None:
        return False
    sources: dict[str, str] = {}
    for r in results:
        sources.update(r.sources)
    payload = [(r.entry, r.spec, tuple(r.diagnostics), dict(r.sources)) for r in results]
    import pickle

    data = pickle.dumps(_manifest(paths, sources), _PROTOCOL) + pickle.dumps(payload, _PROTOCOL)
    _write(directory, entry_path(directory, paths), data)
    return True


def _prune(directory: Path) -> None:
    entries = []
    for e in os.scandir(directory):
        if e.name.endswith(".pickle") and not e.name.startswith(".tmp-"):
            entries.append((e.stat().st_mtime_ns, e.path))
    entries.sort(reverse=True)
    for _, path in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            os.unlink(path)


# ---- the holiday calendar -----------------------------------------------------------------------


def load_calendar_cached(files: Sequence[str | Path] = (), *, estimate: bool = False) -> TableCalendar:
    """``calendar.load_calendar(files, estimate=estimate)``, from the cache when the bundled data
    and every holidays file it would read (``--holidays``, ``$OBLIGATIONS_HOLIDAYS``,
    ``obligations.toml``) are unchanged. Saves reading and checking the JSON data (~15 ms).

    Errors are those of ``load_calendar``: anything unusual is left to it.
    """
    from obligations.calendar import load_calendar

    try:
        directory = cache_dir()
        target = _calendar_entry(directory, files, estimate) if directory is not None else None
    except Exception:  # an unreadable holidays file, a bad obligations.toml: load_calendar says so
        directory = target = None
    if target is not None:
        try:
            with open(target, "rb") as f:
                cal = _load(f)
            from obligations.calendar import TableCalendar

            if isinstance(cal, TableCalendar):
                return cal
        except Exception:  # missing or unreadable: a miss
            pass
    cal = load_calendar(list(files), estimate=estimate)
    if directory is not None and target is not None:
        import pickle

        with contextlib.suppress(Exception):
            _write(directory, target, pickle.dumps(cal, _PROTOCOL))
    return cal


def _calendar_entry(directory: Path, files: Sequence[str | Path], estimate: bool) -> Path:
    """The entry for a calendar: named by the package, the options and every file's content."""
    import obligations
    from obligations.calendar import _user_files  # the same search load_calendar makes

    h = _blake2b(f"calendar|{fingerprint()}|{estimate}".encode())
    bundled = Path(obligations.__file__).parent / "data" / "cn_holidays.json"
    for path in [bundled, *_user_files(files, os.environ, None)]:
        h.update(b"\0" + os.fspath(path).encode("utf-8", "surrogateescape") + b"\0")
        h.update(_blake2b(path.read_bytes()).digest())
    return directory / f"cal-{h.hexdigest()[:40]}.pickle"


def _write(directory: Path, target: Path, data: bytes) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)  # atomic: a concurrent reader sees the old entry or the new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(directory)


def clear(directory: Path | None = None) -> int:
    """Remove every cache entry; returns how many were removed."""
    directory = directory or cache_dir()
    if directory is None:
        return 0
    removed = 0
    for e in os.scandir(directory):
        if e.name.endswith(".pickle"):
            try:
                os.unlink(e.path)
                removed += 1
            except OSError:
                pass
    return removed
