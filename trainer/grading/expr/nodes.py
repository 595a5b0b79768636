"""The expression tree (frozen dataclasses), its errors, and the one walk over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Generic, TypeVar

__all__ = [
    "Add", "Call", "Const", "EvalError", "Fold", "Identity", "Mul", "Name", "Neg", "Node",
    "Num", "ParseError", "Pow", "ShapeError", "Transpose", "VectorProduct", "children",
    "contains", "fold", "free_names", "walk",
]


class ParseError(ValueError):
    """The text is not a valid expression; ``position`` is a 0-based offset."""

    def __init__(self, message: str, position: int = 0, fix: tuple[int, int] | None = None):
        super().__init__(message, position)
        self.message = message
        self.position = position
        # the span of the text to change (empty: where to type), for an editor to select
        self.fix = fix if fix is not None else (position, position)

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


class EvalError(ValueError):
    """An expression could not be evaluated (domain error, overflow, ...)."""


class ShapeError(EvalError):
    """Matrix shapes do not fit."""


class VectorProduct(ShapeError):
    """Two column vectors written side by side (`x y`, `x*y`, `x·y`): read neither as their
    dot product nor entry by entry, so the learner is asked to write the one meant."""


class Node:
    """Base class of expression nodes (all are frozen dataclasses)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Num(Node):
    value: int | Fraction
    text: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Name(Node):
    name: str


@dataclass(frozen=True, slots=True)
class Const(Node):
    name: str  # "pi" or "e"


@dataclass(frozen=True, slots=True)
class Identity(Node):
    pass


@dataclass(frozen=True, slots=True)
class Neg(Node):
    arg: Node


@dataclass(frozen=True, slots=True)
class Add(Node):
    """Sum of terms; each item is ("+" | "-", node)."""

    terms: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Mul(Node):
    """Product read left to right; each item is ("*" | "/" | " ", node).

    The first item's operator is "*"; " " marks implicit multiplication.
    """

    factors: tuple[tuple[str, Node], ...]


@dataclass(frozen=True, slots=True)
class Pow(Node):
    base: Node
    exp: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Transpose(Node):
    arg: Node


T = TypeVar("T")


class Fold(Generic[T]):
    """What to make of each kind of node, given what was made of its children.

    :func:`fold` calls one method per node, children first; each method also
    gets the node itself (for its operators and its children's kinds).
    """

    def num(self, n: Num) -> T:
        raise NotImplementedError

    def name(self, n: Name) -> T:
        raise NotImplementedError

    def const(self, n: Const) -> T:
        raise NotImplementedError

    def identity(self, n: Identity) -> T:
        raise NotImplementedError

    def neg(self, n: Neg, arg: T) -> T:
        raise NotImplementedError

    def add(self, n: Add, terms: list[tuple[str, T]]) -> T:
        raise NotImplementedError

    def mul(self, n: Mul, factors: list[tuple[str, T]]) -> T:
        raise NotImplementedError

    def pow(self, n: Pow, base: T, exp: T) -> T:
        raise NotImplementedError

    def transpose(self, n: Transpose, arg: T) -> T:
        raise NotImplementedError

    def call(self, n: Call, args: list[T]) -> T:
        raise NotImplementedError


def fold(node: Node, alg: Fold[T]) -> T:
    """Reduce the tree bottom-up with ``alg`` (the parser bounds the depth)."""
    match node:
        case Num():
            return alg.num(node)
        case Name():
            return alg.name(node)
        case Const():
            return alg.const(node)
        case Identity():
            return alg.identity(node)
        case Neg(arg=arg):
            return alg.neg(node, fold(arg, alg))
        case Add(terms=terms):
            return alg.add(node, [(op, fold(t, alg)) for op, t in terms])
        case Mul(factors=factors):
            return alg.mul(node, [(op, fold(f, alg)) for op, f in factors])
        case Pow(base=base, exp=exp):
            return alg.pow(node, fold(base, alg), fold(exp, alg))
        case Transpose(arg=arg):
            return alg.transpose(node, fold(arg, alg))
        case Call(args=args):
            return alg.call(node, [fold(a, alg) for a in args])
    raise TypeError(f"not an expression node: {node!r}")  # pragma: no cover


def children(n: Node) -> tuple[Node, ...]:
    """The direct subexpressions of ``n``."""
    match n:
        case Add(terms=terms):
            return tuple(t for _, t in terms)
        case Mul(factors=factors):
            return tuple(f for _, f in factors)
        case Neg(arg=arg) | Transpose(arg=arg):
            return (arg,)
        case Pow(base=base, exp=exp):
            return (base, exp)
        case Call(args=args):
            return args
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children (iterative: no depth limit)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def contains(node: Node, pred: Callable[[Node], bool]) -> bool:
    return any(pred(n) for n in walk(node))


def free_names(node: Node) -> set[str]:
    """Names (symbols) used in ``node``."""
    return {n.name for n in walk(node) if isinstance(n, Name)}
