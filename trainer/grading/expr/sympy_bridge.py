"""The bridge to sympy: a tree becomes a sympy expression (never through text)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from trainer.grading.expr import nodes
from trainer.grading.expr.nodes import Fold, fold

__all__ = ["to_sympy"]


class _ToSympy(Fold[Any]):
    def __init__(self, sympy: Any, symbols: dict[str, object],
                 functions: Mapping[str, Callable[..., object]] | None):
        self.sp = sympy
        self.symbols = symbols
        self.functions = functions

    def num(self, n: nodes.Num) -> Any:
        v = n.value
        if isinstance(v, Fraction):
            return self.sp.Rational(v.numerator, v.denominator)
        return self.sp.Integer(v)

    def name(self, n: nodes.Name) -> Any:
        s = self.symbols.get(n.name)
        if s is None:
            s = self.symbols[n.name] = self.sp.Symbol(n.name)
        return s

    def const(self, n: nodes.Const) -> Any:
        return self.sp.pi if n.name == "pi" else self.sp.E

    def identity(self, n: nodes.Identity) -> Any:
        if "I" in self.symbols:
            return self.symbols["I"]
        raise ValueError("the size of I is not known")

    def neg(self, n: nodes.Neg, arg: Any) -> Any:
        return -arg

    def add(self, n: nodes.Add, terms: list[tuple[str, Any]]) -> Any:
        acc = terms[0][1]
        for op, v in terms[1:]:
            acc = acc - v if op == "-" else acc + v
        return acc

    def mul(self, n: nodes.Mul, factors: list[tuple[str, Any]]) -> Any:
        acc = factors[0][1]
        for op, v in factors[1:]:
            acc = acc * v ** -1 if op == "/" else acc * v
        return acc

    def pow(self, n: nodes.Pow, base: Any, exp: Any) -> Any:
        return base ** exp

    def transpose(self, n: nodes.Transpose, arg: Any) -> Any:
        return self.sp.transpose(arg) if hasattr(arg, "shape") else arg

    def call(self, n: nodes.Call, args: list[Any]) -> Any:
        sp, f = self.sp, n.func
        if f in ("log", "ln"):
            return sp.log(*args)
        if f == "exp":
            return sp.exp(args[0])
        if f == "sqrt":
            return sp.sqrt(args[0])
        if f == "abs":
            return sp.Abs(args[0])
        if f == "sigmoid":
            return 1 / (1 + sp.exp(-args[0]))
        if f == "inv":
            return args[0] ** -1
        if f == "norm" and len(args) <= 2:  # ‖v‖₂ of what sympy sees (scalars) is |v|
            a = args[0]
            return sp.sqrt((a.T * a)[0, 0]) if hasattr(a, "shape") else sp.Abs(a)
        if f == "factorial":
            return sp.factorial(args[0])
        if f == "binom":
            return sp.binomial(args[0], args[1])
        if f == "gamma":
            return sp.gamma(args[0])
        if f == "digamma":
            return sp.digamma(args[0])
        if f == "max":
            return sp.Max(*args)
        if f == "min":
            return sp.Min(*args)
        if self.functions is not None and f in self.functions:
            return self.functions[f](*args)
        raise ValueError(f"function '{f}' has no sympy equivalent")


def to_sympy(node: nodes.Node, symbols: Mapping[str, object] | None = None,
             functions: Mapping[str, Callable[..., object]] | None = None) -> object:
    """Build a sympy expression from the tree (never from text).

    ``symbols`` maps names to sympy objects (Symbol or MatrixSymbol; the key
    ``"I"`` may give the identity for :class:`Identity`).  Missing names
    become plain ``sympy.Symbol(name)``.
    """
    import sympy

    return fold(node, _ToSympy(sympy, dict(symbols or {}), functions))
