"""Output formats: table, json, csv, ics, html, and any a plugin adds (group ``obligations.formats``).

A command hands a format an ``Output``: the kind of result (``obligations``, ``occurrences``,
``findings``, ``compliance``), the result itself and what rendering needs. Each format says which
kinds it can render. The built-in formats are registered in ``pyproject.toml`` exactly as a
plugin's would be; to keep start-up fast (reading entry-point metadata costs more than the whole
``due --week`` budget), a built-in name is resolved through ``BUILTIN``, a mirror of those entry
points that a test keeps identical to the installed metadata, and the group itself is read only
for other names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import attrs

from obligations.errors import InputError
from obligations.terms import AttrsRepr

KINDS = ("obligations", "occurrences", "findings", "compliance")


@attrs.frozen(repr=False)
class Output(AttrsRepr):
    kind: str
    payload: Any
    lang: str
    bom: bool = False
    extra: Mapping[str, Any] = attrs.field(factory=dict)


class OutputFormat(Protocol):
    name: str
    kinds: frozenset[str]

    def render(self, output: Output) -> str | bytes: ...


class FormatError(Exception):
    """The format named cannot render this kind of result (a usage error for the CLI)."""


class PluginFailed(InputError):
    """A format plugin raised while rendering (the CLI says so and exits 3)."""


# ---- built-in formats -------------------------------------------------------------------------------


class _Table:
    # plain classes: built at import on every run, where attrs would generate code (start-up)
    name = "table"
    kinds: frozenset[str] = frozenset(KINDS)

    def render(self, output: Output) -> str:
        return _tabular(output, "table")


class _Json:
    # plain classes: built at import on every run, where attrs would generate code (start-up)
    name = "json"
    kinds: frozenset[str] = frozenset(KINDS)

    def render(self, output: Output) -> str:
        return _tabular(output, "json")


class _Csv:
    # plain classes: built at import on every run, where attrs would generate code (start-up)
    name = "csv"
    kinds: frozenset[str] = frozenset(KINDS)

    def render(self, output: Output) -> str:
        return _tabular(output, "csv")


class _Ics:
    # plain classes: built at import on every run, where attrs would generate code (start-up)
    name = "ics"
    kinds: frozenset[str] = frozenset({"occurrences"})

    def render(self, output: Output) -> bytes:
        from obligations.ics import render_ics

        return render_ics(output.payload, output.lang, output.extra["today"])


class _Html:
    # plain classes: built at import on every run, where attrs would generate code (start-up)
    name = "html"
    kinds: frozenset[str] = frozenset({"findings"})

    def render(self, output: Output) -> str:
        from obligations.html_report import render_html

        return render_html(output.payload, output.extra["title"], output.extra.get("html_lang", output.lang))


def _tabular(output: Output, fmt: str) -> str:
    """table, json and csv for every kind, through the renderer of each stage's results."""
    kind, payload, lang = output.kind, output.payload, output.lang
    if kind == "obligations":
        from obligations import report

        return report.render_obligations(payload, fmt, lang, bom=output.bom)
    if kind == "occurrences":
        from obligations import render_due

        if fmt == "table":
            x = output.extra
            return render_due.render_table(
                payload, x["missing"], lang, start=x["start"], end=x["end"], today=x["today"]
            )
        return (
            render_due.render_json(payload)
            if fmt == "json"
            else render_due.render_csv(payload, bom=output.bom)
        )
    if kind == "findings":
        from obligations.cli_check import render

        return render(payload, fmt, lang, output.bom, output.extra.get("spec"))
    from obligations import compliance as c

    if fmt == "table":
        return c.compliance_table(payload, lang)
    return (
        c.compliance_json(payload, lang) if fmt == "json" else c.compliance_csv(payload, lang, bom=output.bom)
    )


TABLE = _Table()
JSON = _Json()
CSV = _Csv()
ICS = _Ics()
HTML = _Html()

#: The built-in entries of the ``obligations.formats`` group, as pyproject.toml declares them.
BUILTIN: dict[str, str] = {
    "csv": "obligations.formats:CSV",
    "html": "obligations.formats:HTML",
    "ics": "obligations.formats:ICS",
    "json": "obligations.formats:JSON",
    "table": "obligations.formats:TABLE",
}


def get(name: str, kind: str) -> OutputFormat:
    """The format ``name`` for results of ``kind``; ``FormatError`` says which names would do."""
    found = _builtin(name) if name in BUILTIN else _plugin(name)
    if found is None and name not in BUILTIN:
        from obligations.plugins import load_group

        broken = [p for p in load_group("obligations.formats") if p.name == name and p.error is not None]
        if broken:
            raise FormatError(
                f"format plugin {name!r} ({broken[0].distribution}) failed to load: {broken[0].error}"
            )
    if found is None or kind not in found.kinds:
        raise FormatError(f"no format {name!r} for {kind}; available: {', '.join(names(kind))}")
    return found


def names(kind: str) -> list[str]:
    """Every format that renders ``kind``: built-in ones, then plugins' (reads the group)."""
    from obligations.plugins import load_group

    found = {n for n in BUILTIN if kind in _builtin(n).kinds}
    for plugin in load_group("obligations.formats"):
        if plugin.error is None and kind in getattr(plugin.obj, "kinds", ()):
            found.add(plugin.name)
    return sorted(found)


def _builtin(name: str) -> OutputFormat:
    module, _, attr = BUILTIN[name].partition(":")
    obj: OutputFormat = globals()[attr] if module == __name__ else getattr(__import__(module), attr)
    return obj


def _plugin(name: str) -> OutputFormat | None:
    from obligations.plugins import load_group

    for plugin in load_group("obligations.formats"):
        if plugin.name == name and plugin.error is None:
            obj: OutputFormat = plugin.obj
            return obj
    return None


def emit(output: Output, name: str) -> None:
    """Render ``output`` in format ``name`` to standard output (text or bytes, as the format gives)."""
    import click

    found = get(name, output.kind)
    try:
        rendered = found.render(output)
    except Exception as err:
        if name in BUILTIN:
            raise  # our own fault: a traceback the tests see
        raise PluginFailed(f"format plugin {name!r} failed: {type(err).__name__}: {err}") from err
    click.echo(rendered, nl=False)
