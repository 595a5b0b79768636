"""Records with slots, written as plain classes to keep start-up fast."""

# A @dataclass compiles its methods (__init__, __eq__, __repr__, ...) from source text each
# time the module is imported: about 5 M instructions a class, a tenth of the first card's
# gap to an empty Textual app over the records read before it. A record's methods below
# are compiled once into the .pyc; each record class writes its own typed __init__.

from __future__ import annotations

from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from dataclasses import Field


class _DataclassFields:
    """A record class's fields as `dataclasses` describes a dataclass's, so that
    `dataclasses.replace`, `fields` and `asdict` take records as they took the dataclasses
    these classes were. Made the first time they are asked for (from a dataclass of the same
    fields, made then), and kept on the class."""

    def __get__(self, record: object, cls: type[Any]) -> dict[str, Field[Any]]:
        from dataclasses import fields, make_dataclass

        hints = {name: kind for klass in reversed(cls.__mro__)
                 for name, kind in getattr(klass, "__annotations__", {}).items()}
        twin = make_dataclass(cls.__name__, [(name, hints.get(name, Any))
                                             for name in cls.__slots__])
        made = {f.name: f for f in fields(twin)}
        type.__setattr__(cls, "__dataclass_fields__", made)
        return made


class Fielded:
    """Fields are the subclass's `__slots__`, in order: equality (same class, every field
    but those in `_uncompared`), a dataclass-style repr, copy and pickle. Mutable and
    unhashable, as a dataclass without `frozen` is; `Record` is the frozen kind."""

    __slots__ = ()
    _uncompared: ClassVar[frozenset[str]] = frozenset()
    if TYPE_CHECKING:
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    else:
        __dataclass_fields__ = _DataclassFields()

    def _names(self) -> tuple[str, ...]:
        return self.__slots__  # a subclass's names

    def _compared(self) -> tuple[Any, ...]:
        skip = self._uncompared
        return tuple(getattr(self, name) for name in self._names() if name not in skip)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Fielded)
        return self._compared() == other._compared()

    # (defining __eq__ leaves __hash__ None: unhashable, unless a subclass hashes)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._names())
        return f"{type(self).__qualname__}({fields})"

    # copy and pickle set the fields through __setstate__, never through a refused __setattr__
    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._names())

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(self._names(), state, strict=True):
            object.__setattr__(self, name, value)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.__getstate__()))


class Record(Fielded):
    """A frozen record: as `Fielded`, plus a hash of the compared fields and no assignment
    after __init__ (which sets fields with `object.__setattr__`)."""

    __slots__ = ()

    def __hash__(self) -> int:
        return hash(self._compared())

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")


def _rebuild(cls: type[Fielded], state: tuple[Any, ...]) -> Fielded:
    record = cls.__new__(cls)
    record.__setstate__(state)
    return record


def field_names(cls: type[Fielded]) -> tuple[str, ...]:
    """A record class's fields, in order (as `dataclasses.fields` names a dataclass's)."""
    return tuple(cls.__slots__)
