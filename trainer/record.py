"""Immutable records with slots, written as plain classes to keep start-up fast."""

# A @dataclass compiles its methods (__init__, __eq__, __repr__, ...) from source text each
# time the module is imported: about 5 M instructions a class, a tenth of the first card's
# gap to an empty Textual app over the records read before it. A Record's methods below
# are compiled once into the .pyc; each record class writes its own typed __init__.

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import Any, ClassVar


class Record:
    """Fields are the subclass's `__slots__`, in order: equality (same class, every field
    but those in `_uncompared`), hash of the same, a dataclass-style repr, and no
    assignment after __init__ (which sets fields with `object.__setattr__`)."""

    __slots__ = ()
    _uncompared: ClassVar[frozenset[str]] = frozenset()

    def _names(self) -> tuple[str, ...]:
        return self.__slots__  # a subclass's names

    def _compared(self) -> tuple[Any, ...]:
        skip = self._uncompared
        return tuple(getattr(self, name) for name in self._names() if name not in skip)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    # copy and pickle set the fields through __setstate__, not the refused __setattr__
    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._names(), state, strict=True):
            object.__setattr__(self, name, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__getstate__()))


def _rebuild(cls: type[Record], state: tuple[Any, ...]) -> Record:
    record = cls.__new__(cls)
    record.__setstate__(state)
    return record


def field_names(cls: type[Record]) -> tuple[str, ...]:
    """A record class's fields, in order (as `dataclasses.fields` names a dataclass's)."""
    return tuple(cls.__slots__)
