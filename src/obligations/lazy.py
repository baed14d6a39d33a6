"""A sequence whose items are built when they are asked for, from compact entries.

A check of a million evidence rows returns a million records and about as many findings; most
callers look at a few of them, or only at counts. ``evidence.Records`` and ``findings.Findings``
keep an entry per item (a row number, a tuple of ints) and build the object on access.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar, overload

T = TypeVar("T")


class BuiltOnAccess(Sequence[T]):
    """Like a tuple of ``make(entry)`` for each entry: indexing, slicing (to a tuple), iteration,
    ``==`` with any sequence of the same items; nothing is kept once built. With ``make`` None the
    entries are the items."""

    __slots__ = ("_entries", "_make")

    def __init__(self, entries: Sequence[Any], make: Callable[[Any], T] | None = None) -> None:
        self._entries = entries
        self._make = make

    def __len__(self) -> int:
        return len(self._entries)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the tuple of its items, all built (``make`` may be a closure, which pickle
        cannot carry): a result sent to another process arrives whole."""
        return (tuple, (tuple(self),))

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[T, ...]: ...

    def __getitem__(self, index: int | slice) -> T | tuple[T, ...]:
        make = self._make
        if isinstance(index, slice):
            part = self._entries[index]
            return tuple(part) if make is None else tuple(map(make, part))
        entry = self._entries[index]
        return entry if make is None else make(entry)

    def __iter__(self) -> Iterator[T]:
        return iter(self._entries) if self._make is None else map(self._make, self._entries)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(tuple(self))
