"""terms.AttrsRepr: the repr the frozen classes share is the one attrs would generate."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect

import attrs

from obligations.terms import AttrsRepr


def _both() -> tuple[type, type]:
    def make(base: tuple[type, ...], repr_: bool) -> type:
        return attrs.make_class(
            "Sample",
            {
                "name": attrs.field(),
                "when": attrs.field(default=dt.date(2026, 10, 1)),
                "hidden": attrs.field(default="secret", repr=False),
                "shown": attrs.field(default=3, repr=lambda v: f"<{v}>"),
                "nested": attrs.field(default=()),
            },
            bases=base,
            frozen=True,
            slots=False,
            repr=repr_,
        )

    return make((), True), make((AttrsRepr,), False)


def test_the_shared_repr_is_the_generated_one() -> None:
    generated, shared = _both()
    for args in [("a",), ("引號'\"", dt.date(2027, 1, 1)), ("x", dt.date(2026, 1, 1), "h", 5, ("t", 1))]:
        assert repr(shared(*args)) == repr(generated(*args))
    inner_generated, inner_shared = generated("in"), shared("in")
    assert repr(shared("out", nested=(inner_shared,))) == repr(generated("out", nested=(inner_generated,)))


def test_every_class_declared_without_attrs_repr_uses_the_shared_one() -> None:
    checked = 0
    for name in ("terms", "model", "calendar", "occurrences", "formats"):
        module = importlib.import_module(f"obligations.{name}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and attrs.has(cls) and cls.__module__ == module.__name__:
                assert issubclass(cls, AttrsRepr), f"{cls.__qualname__}: give it AttrsRepr (or attrs' repr)"
                assert cls.__repr__ is AttrsRepr.__repr__, cls.__qualname__
                checked += 1
    assert checked >= 24
