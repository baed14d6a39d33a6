"""The one function that chains the stages: source → syntax (parse_tree) → model (check).

A spec is an entry file and the files it includes. ``compile_paths`` accepts files and
directories; in a directory every ``*.obl`` file is an entry except those another file
in the same set includes (a shared agency registry is included, not compiled alone).
Errors never raise from here: they come back as diagnostics with the sources needed to
render them. ``load`` is the raising convenience for library users.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from obligations import collector, parse_tree
from obligations.checker import check
from obligations.diagnostics import Diagnostic, Span
from obligations.errors import SpecError
from obligations.model import Spec
from obligations.paths import bundled_spec_dir as bundled_spec_dir  # re-exported: callers predate paths.py
from obligations.syntax import Include, SpecFile

SPEC_SUFFIX = ".obl"


@attrs.frozen
class Compiled:
    """The result of compiling one entry file: its model (None if it had errors)."""

    entry: str
    spec: Spec | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]
    syntax: tuple[SpecFile, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)


def read_source(path: Path) -> str:
    """Read a spec as UTF-8 (a BOM, as Windows editors write it, is accepted)."""
    return path.read_bytes().decode("utf-8-sig")


def _display(path: Path) -> str:
    """How a file is named in messages: as given, or relative when it lies under the cwd."""
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


@attrs.define
class _Loader:
    sources: dict[str, str] = attrs.field(factory=dict)
    diagnostics: list[Diagnostic] = attrs.field(factory=list)
    files: list[SpecFile] = attrs.field(factory=list)
    loaded: set[Path] = attrs.field(factory=set)

    def load(self, path: Path, stack: tuple[Path, ...], via: Span | None) -> None:
        try:
            resolved = path.resolve()
        except (OSError, ValueError) as err:  # a NUL byte in an include path, or a path too long
            reason = str(err) or type(err).__name__
            code = "E301" if via else "E303"
            self.diagnostics.append(
                Diagnostic(code, via, {"path": repr(str(path)), "reason": reason, "reason_zh": reason})
            )
            return
        if resolved in stack:
            chain = " → ".join(_display(p) for p in (*stack[stack.index(resolved) :], resolved))
            self.diagnostics.append(Diagnostic("E302", via, {"cycle": chain}))
            return
        if resolved in self.loaded:
            return  # included twice through different files: once is enough
        self.loaded.add(resolved)
        name = _display(path)
        text = self._read(path, name, via)
        if text is None:
            return
        self.sources[name] = text
        spec_file, diags = parse_tree.parse(text, name)
        self.diagnostics.extend(diags)
        # Includes come first so that their declarations precede the includer's use of them.
        for stmt in spec_file.statements:
            if isinstance(stmt, Include):
                self.load(path.parent / stmt.path.text, (*stack, resolved), stmt.path.span)
        self.files.append(spec_file)

    def _read(self, path: Path, name: str, via: Span | None) -> str | None:
        try:
            return read_source(path)
        except UnicodeDecodeError:
            self.diagnostics.append(Diagnostic("E304", via, {"path": name}))
        except OSError as err:
            code = "E301" if via else "E303"
            reason_en, reason_zh = _os_reason(err)
            self.diagnostics.append(
                Diagnostic(code, via, {"path": name, "reason": reason_en, "reason_zh": reason_zh})
            )
        return None


_OS_REASONS = {
    errno.ENOENT: ("no such file", "文件不存在"),
    errno.EACCES: ("permission denied", "沒有讀取權限"),
    errno.EISDIR: ("it is a directory", "這是一個目錄"),
    errno.ENOTDIR: ("a part of the path is not a directory", "路徑中有一部分不是目錄"),
}


def _os_reason(err: OSError) -> tuple[str, str]:
    known = _OS_REASONS.get(err.errno or -1)
    if known:
        return known
    text = err.strerror or str(err)
    return text, text


def compile_file(path: str | Path) -> Compiled:
    with collector.paused():  # tokens and nodes hold no cycles
        loader = _Loader()
        loader.load(Path(path), (), None)
        return _finish(_display(Path(path)), loader)


def compile_text(text: str, file: str = "<string>") -> Compiled:
    """Compile a spec held in memory. Includes are resolved against the current directory."""
    with collector.paused():  # tokens and nodes hold no cycles
        loader = _Loader()
        loader.sources[file] = text
        spec_file, diags = parse_tree.parse(text, file)
        loader.diagnostics.extend(diags)
        for stmt in spec_file.statements:
            if isinstance(stmt, Include):
                loader.load(Path(stmt.path.text), (), stmt.span)
        loader.files.append(spec_file)
        return _finish(file, loader)


def _finish(entry: str, loader: _Loader) -> Compiled:
    spec, diags = check(loader.files)
    # In reading order: files as loaded, then line and column, whatever stage found them.
    order = {f.file: i for i, f in enumerate(loader.files)}
    all_diags = tuple(sorted((*loader.diagnostics, *diags), key=lambda d: _position(d, order)))
    has_errors = any(d.is_error for d in all_diags)
    return Compiled(entry, None if has_errors else spec, all_diags, loader.sources, tuple(loader.files))


def _position(d: Diagnostic, order: dict[str, int]) -> tuple[int, int, int]:
    if d.span is None:
        return (-1, 0, 0)
    return (order.get(d.span.file, len(order)), d.span.line, d.span.column)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; directories become their ``*.obl`` files that no other file includes."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            out.append(path)
            continue
        found = sorted(path.rglob(f"*{SPEC_SUFFIX}"))
        out.extend(_entries(found))
    return out


def _entries(files: Sequence[Path]) -> list[Path]:
    """Files no other file includes, plus any file no entry reaches (an include cycle), so
    that nothing in a directory is silently skipped."""
    graph = {f.resolve(): _includes_of(f) for f in files}
    included = set().union(*graph.values()) if graph else set()
    entries = [f for f in files if f.resolve() not in included]
    reached: set[Path] = set()
    stack = [f.resolve() for f in entries]
    while stack:
        node = stack.pop()
        if node not in reached:
            reached.add(node)
            stack.extend(graph.get(node, ()))
    entries += [f for f in files if f.resolve() not in reached]
    return entries


def _includes_of(f: Path) -> set[Path]:
    try:
        text = read_source(f)
    except (OSError, UnicodeDecodeError):
        return set()  # reported when the file itself is compiled
    if "引用" not in text and "include" not in text.lower():
        return set()  # no include keyword anywhere: no include line, and no parse just to learn so
    spec_file, _ = parse_tree.parse(text, str(f))
    return {(f.parent / s.path.text).resolve() for s in spec_file.statements if isinstance(s, Include)}


def compile_paths(paths: Iterable[str | Path]) -> list[Compiled]:
    return [compile_file(p) for p in expand_paths(paths)]


def load(*paths: str | Path) -> list[Spec]:
    """Compile spec files or directories; raise ``SpecError`` with every diagnostic if any fails."""
    results = compile_paths(paths)
    errors = [d for r in results for d in r.errors]
    if errors:
        sources = {k: v for r in results for k, v in r.sources.items()}
        raise SpecError([d for r in results for d in r.diagnostics], sources)
    return [r.spec for r in results if r.spec is not None]


def loads(text: str, file: str = "<string>") -> Spec:
    """Compile a spec from a string; raise ``SpecError`` if it has errors."""
    result = compile_text(text, file)
    if result.spec is None:
        raise SpecError(result.diagnostics, result.sources)
    return result.spec
