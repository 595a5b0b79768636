"""The Unicode pretty printer: a tree as the learner would write it (σ², √n, Xᵀ, |x|)."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from trainer.grading.expr import nodes
from trainer.grading.expr.nodes import Fold, fold
from trainer.grading.expr.unicode import GREEK_TO_UNICODE, TO_SUB, TO_SUPER

__all__ = ["bracketed", "pretty", "pretty_name"]

_P_ADD, _P_MUL, _P_NEG, _P_POW, _P_ATOM = 1, 2, 3, 4, 5


def _prec(n: nodes.Node) -> int:
    match n:
        case nodes.Add():
            return _P_ADD
        case nodes.Mul():
            return _P_MUL
        case nodes.Neg():
            return _P_NEG
        case nodes.Pow():
            return _P_POW
        case nodes.Num(text=text) if (text or "").endswith("%"):
            return _P_ATOM
        case nodes.Num(value=Fraction(), text=None):
            return _P_MUL
    return _P_ATOM


def pretty_name(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+?)_?(\d+)", name)
    if m:
        base, digits = m.group(1), m.group(2)
        return GREEK_TO_UNICODE.get(base, base) + "".join(TO_SUB[d] for d in digits)
    return GREEK_TO_UNICODE.get(name, name)


def _wrap(n: nodes.Node, s: str, min_prec: int) -> str:
    return f"({s})" if _prec(n) < min_prec else s


def _int_exponent(n: nodes.Node) -> int | None:
    match n:
        case nodes.Num(value=int(v), text=text) if (text is None or text.isdigit()
                                                     or not text.isascii()):
            return v
        case nodes.Neg(arg=nodes.Num() as arg):
            inner = _int_exponent(arg)
            return None if inner is None else -inner
    return None


def _open_right(n: nodes.Node) -> bool:
    """Printed as √x: a power or transpose written after it would go inside."""
    return (isinstance(n, nodes.Call) and n.func == "sqrt" and len(n.args) == 1
            and _prec(n.args[0]) >= _P_ATOM)


def _closed_before_division(n: nodes.Node, s: str) -> str:
    """√(k)/n, not √k/n: the parser refuses that as √k/n or √(k/n) (√2/2 stays)."""
    inner = n.arg if isinstance(n, nodes.Neg) else n
    if (isinstance(inner, nodes.Call) and _open_right(inner)
            and not isinstance(inner.args[0], nodes.Num)):
        return ("−" if inner is not n else "") + f"√({pretty(inner.args[0])})"
    return s


class _Pretty(Fold[str]):
    def num(self, n: nodes.Num) -> str:
        return n.text if n.text is not None else str(n.value)

    def name(self, n: nodes.Name) -> str:
        return pretty_name(n.name)

    def const(self, n: nodes.Const) -> str:
        return "π" if n.name == "pi" else n.name

    def identity(self, n: nodes.Identity) -> str:
        return "I"

    def neg(self, n: nodes.Neg, arg: str) -> str:
        return f"−({arg})" if isinstance(n.arg, (nodes.Add, nodes.Neg)) else f"−{arg}"

    def add(self, n: nodes.Add, terms: list[tuple[str, str]]) -> str:
        parts = []
        for k, ((op, t), (_, s)) in enumerate(zip(n.terms, terms, strict=True)):
            if k == 0:
                parts.append(_wrap(t, s, _P_ADD))
            elif op == "+" and isinstance(t, nodes.Neg):
                parts.append(" − " + _wrap(t.arg, pretty(t.arg), _P_ADD + 1))
            elif op == "+":
                parts.append(" + " + _wrap(t, s, _P_ADD + 1))
            else:
                neg_or_sum = isinstance(t, (nodes.Add, nodes.Neg))
                parts.append(f" − ({s})" if neg_or_sum else " − " + s)
        return "".join(parts)

    def mul(self, n: nodes.Mul, factors: list[tuple[str, str]]) -> str:
        parts = []
        prev: nodes.Node | None = None
        divided = False
        for k, ((op, f), (_, s)) in enumerate(zip(n.factors, factors, strict=True)):
            if k + 1 < len(n.factors) and n.factors[k + 1][0] == "/":
                s = _closed_before_division(f, s)
            if k == 0:
                parts.append(_wrap(f, s, _P_MUL))
            elif op == "/":
                divided = True
                parts.append("/" + _wrap(f, s, _P_POW))
            else:
                w = _wrap(f, s, _P_POW)
                if divided:
                    # (1/2)·(a + b), not 1/2·(a + b), which reads as if the product were below
                    parts = ["(" + "".join(parts) + ")"]
                    divided = False
                    parts.append("·" + w)
                elif (isinstance(prev, nodes.Num) and not isinstance(f, nodes.Num)
                        and not w[0].isdigit() and w[0] not in "|‖"):
                    parts.append(w)
                else:
                    parts.append("·" + w)
            prev = f
        return "".join(parts)

    def pow(self, n: nodes.Pow, base: str, exp: str) -> str:
        b = _wrap(n.base, base, _P_ATOM)
        if _open_right(n.base) or (isinstance(n.base, nodes.Call)
                                   and n.base.func in ("log", "ln", "factorial")):
            b = f"({base})"  # log(x)² would be ambiguous, √x² is √(x²), n!² hard to read
        k = _int_exponent(n.exp)
        if k is not None and not (k == 0 and isinstance(n.exp, nodes.Neg)):
            return b + "".join(TO_SUPER[c] for c in str(k))
        return b + "^" + _wrap(n.exp, exp, _P_ATOM)

    def transpose(self, n: nodes.Transpose, arg: str) -> str:
        return (f"({arg})" if _open_right(n.arg) else _wrap(n.arg, arg, _P_ATOM)) + "ᵀ"

    def call(self, n: nodes.Call, args: list[str]) -> str:
        f = n.func
        if len(args) == 1:
            if f == "sqrt":
                return "√" + _wrap(n.args[0], args[0], _P_ATOM)
            if f == "abs" and not (args[0][:1] in "|‖" or args[0][-1:] in "|‖"):
                return "|" + args[0] + "|"  # ||k|| would read as a norm: abs(|k|)
            if f == "inv":
                return _wrap(n.args[0], args[0], _P_ATOM) + "⁻¹"
            if f == "norm":
                return "‖" + args[0] + "‖"
            if f == "factorial":
                a = n.args[0]
                plain = isinstance(a, (nodes.Name, nodes.Const)) or (
                    isinstance(a, nodes.Num) and isinstance(a.value, int)
                    and (a.text or "1").isdigit())
                return (args[0] if plain else f"({args[0]})") + "!"
        if f == "norm" and len(args) == 2 and args[1] == "2":
            return "‖" + args[0] + "‖₂"
        if f == "log" and len(args) == 2 and _int_exponent(n.args[1]) is not None \
                and isinstance(n.args[1], nodes.Num):
            return "log" + "".join(TO_SUB[d] for d in str(n.args[1].value)) + f"({args[0]})"
        shown = {"sigmoid": "σ", "gamma": "Γ"}.get(f, f)
        return shown + "(" + ", ".join(args) + ")"


_PRETTY = _Pretty()


def pretty(node: nodes.Node) -> str:
    """Unicode rendering of ``node`` (no sympy)."""
    return fold(node, _PRETTY)


def bracketed(node: nodes.Node, name: Callable[[str], str] = str) -> str:
    """Fully bracketed ASCII that the parser reads back as ``node`` with no precedence
    rule; ``name`` writes each name (a param's value in brackets, say)."""
    return fold(node, _Bracketed(name))


class _Bracketed(Fold[str]):
    def __init__(self, name: Callable[[str], str]):
        self.write_name = name

    def num(self, n: nodes.Num) -> str:
        v = n.value
        return f"({v.numerator}/{v.denominator})" if isinstance(v, Fraction) else str(v)

    def name(self, n: nodes.Name) -> str:
        return self.write_name(n.name)

    def const(self, n: nodes.Const) -> str:
        return n.name

    def identity(self, n: nodes.Identity) -> str:
        return "I"

    def neg(self, n: nodes.Neg, arg: str) -> str:
        return f"(-{arg})"

    def add(self, n: nodes.Add, terms: list[tuple[str, str]]) -> str:
        return "(" + terms[0][1] + "".join(f" {op} {s}" for op, s in terms[1:]) + ")"

    def mul(self, n: nodes.Mul, factors: list[tuple[str, str]]) -> str:
        return "(" + factors[0][1] + "".join(
            ("/" if op == "/" else "*") + s for op, s in factors[1:]) + ")"

    def pow(self, n: nodes.Pow, base: str, exp: str) -> str:
        return f"({base})^({exp})"

    def transpose(self, n: nodes.Transpose, arg: str) -> str:
        return f"({arg})'"

    def call(self, n: nodes.Call, args: list[str]) -> str:
        return f"{n.func}({', '.join(args)})"
