"""Where an answer may differ from the reference at isolated points: the values to test there.

Random sampling can not find an answer that is wrong at one value only (``+ max(0,
1 − |n − 7|)``, a factor ``(n − 3)/(n − 3)`` undefined at n = 3, a window of width 1e-9
around k = n).  Such an answer has a piece that changes behaviour where a subexpression
crosses a value: the argument of ``abs``, the difference of two arguments of ``max``/``min``,
a divisor, the argument of Γ, ψ, ``!``, ``binom``, ``log`` or ``sqrt``, the base of a power.
Each such piece is looked at as a function of one symbol, the others held at a sample
point: where it is linear or quadratic there (checked with four values), the points where
it is 0 or ±1, and a parabola's vertex, are worth a test.  Integer symbols are tried at
the integers either side.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping

from trainer.grading.domains import Domain
from trainer.grading.expr import EvalError, Node, evaluate_float, free_names, walk
from trainer.grading.expr.nodes import Call, Mul, Num, Pow

__all__ = ["critical_values", "pieces"]

# functions whose behaviour changes where an argument crosses 0 (a pole, a kink, the edge
# of the domain); Γ and ψ have a pole at every non-positive integer, ! and binom near -1
_CROSSING = frozenset({"abs", "gamma", "digamma", "factorial", "binom", "log", "ln", "sqrt",
                       "log2", "log10", "lg", "norm"})
_TARGETS = (0.0, 1.0, -1.0)
_MAX_VALUES = 40  # candidate values for one sample point (a few ms at most)
_MAX_PIECES = 96  # pieces looked at (a hostile answer may have thousands)
_PAIRED = 6  # arguments of max/min whose pairwise crossings are looked at

Piece = tuple[Callable[[Mapping[str, object]], float], frozenset[str]]


def _value(node: Node) -> Piece:
    def f(env: Mapping[str, object]) -> float:
        return float(evaluate_float(node, env)[0])
    return f, frozenset(free_names(node))


def _difference(a: Node, b: Node) -> Piece:
    def f(env: Mapping[str, object]) -> float:
        return float(evaluate_float(a, env)[0]) - float(evaluate_float(b, env)[0])
    return f, frozenset(free_names(a) | free_names(b))


def pieces(node: Node) -> list[Piece]:
    """The subexpressions (as functions of the point) whose crossings matter."""
    out: list[Piece] = []
    seen: set[Node] = set()

    def add(n: Node) -> None:
        if isinstance(n, Num) or n in seen or not free_names(n):
            return
        seen.add(n)
        out.append(_value(n))

    for n in walk(node):
        if isinstance(n, Call):
            if n.func in _CROSSING:
                for a in n.args:
                    add(a)
            elif n.func in ("max", "min"):
                for i, a in enumerate(n.args):
                    add(a)
                    # where two arguments cross (the first few: pairs grow as their square)
                    for b in n.args[i + 1:_PAIRED]:
                        if free_names(a) | free_names(b):
                            out.append(_difference(a, b))
        elif isinstance(n, Mul):
            for op, f in n.factors:
                if op == "/":
                    add(f)
        elif isinstance(n, Pow):
            if not (isinstance(n.exp, Num) and n.exp.value == int(n.exp.value)
                    and n.exp.value > 0):
                add(n.base)
        if len(out) >= _MAX_PIECES:
            break
    return out[:_MAX_PIECES]


def _roots(f: list[float], h: float) -> list[float]:
    """Offsets (in units of the step ``h``) where a function sampled at 0, h, 2h, 3h is
    0 or ±1, and a parabola's vertex, if the four values fit a line or a parabola."""
    d1, d2, d3 = f[1] - f[0], f[2] - f[1], f[3] - f[2]
    s1, s2 = d2 - d1, d3 - d2
    scale = max(abs(v) for v in f) or 1.0
    tol = 1e-9 * scale
    out: list[float] = []
    if abs(s1) <= tol and abs(s2) <= tol:
        # flat only within rounding: x − 10¹¹ near x = 0 climbs by 1/64 on values of 10¹¹,
        # x/10¹² − 1 by 10⁻¹⁴ on values of 1
        if abs(d1) <= 1e-15 * scale:
            return []
        return [(t - f[0]) / d1 for t in _TARGETS]
    if abs(s2 - s1) > tol:
        return []
    # f(u) = f0 + d1·u + s1·u(u−1)/2 = a·u² + b·u + c
    a, b = s1 / 2, d1 - s1 / 2
    out.append(-b / (2 * a))
    for t in _TARGETS:
        c = f[0] - t
        disc = b * b - 4 * a * c
        if disc >= 0:
            r = math.sqrt(disc)
            out += [(-b - r) / (2 * a), (-b + r) / (2 * a)]
    return out


def _samples(part: Callable[[Mapping[str, object]], float], trial: dict[str, object],
             name: str, x: float, h: float) -> list[float] | None:
    """The piece at x, x + h, x + 2h, x + 3h (the other symbols as in ``trial``), or None
    where it is not a finite number."""
    vals = []
    for j in range(4):
        trial[name] = x + j * h
        try:
            v = part(trial)
        except (EvalError, TypeError, ValueError, ArithmeticError):
            return None
        if not math.isfinite(v):
            return None
        vals.append(v)
    return vals


def _refined(part: Callable[[Mapping[str, object]], float], trial: dict[str, object],
             name: str, x0: float, h: float, roots: list[float], integer: bool) -> list[float]:
    """The roots (offsets in steps ``h`` from ``x0``) as values; near a real one far away
    they are found again from steps of its own size there, since far from x0 a step of
    x0's size is lost in rounding (x − 10¹¹ read from x near 0 puts its root 10⁷ off)."""
    xs = [x0 + u * h for u in roots if math.isfinite(u)]
    far = [x for x in xs if abs(x - x0) > 64 * h]
    if integer or not far:
        return xs
    xr = far[0]
    h2 = max(abs(xr), 1.0) * 2.0 ** -20
    vals = _samples(part, trial, name, xr, h2)
    if vals is None:
        return xs
    return xs + [xr + u * h2 for u in _roots(vals, h2) if math.isfinite(u)]


def critical_values(parts: list[Piece], env: Mapping[str, object],
                    domains: Mapping[str, Domain], skip: frozenset[str] = frozenset(),
                    deadline: float = math.inf) -> Iterator[tuple[str, float]]:
    """(symbol, value) pairs worth testing with the other symbols as in ``env``; none
    more once ``deadline`` (monotonic) passes."""
    given = 0
    seen: set[tuple[str, float]] = set()
    for name, dom in domains.items():
        if dom.is_matrix or name in skip or name not in env:
            continue
        x0 = float(env[name])  # type: ignore[arg-type]
        h = 1.0 if dom.is_integer else max(abs(x0), 1.0) / 64
        trial = dict(env)
        for part, names in parts:
            if name not in names:
                continue
            if time.monotonic() > deadline:
                return
            step = h
            vals = _samples(part, trial, name, x0, step)
            if vals is None:
                continue
            roots = _roots(vals, step)
            if not roots:
                # a root far away looks flat at x0's step (x − 10¹⁴ near x = 0, on values
                # of 10¹⁴): look again with a step of the piece's own size
                wide = max(abs(v) for v in vals) * 2.0 ** -20
                wide = float(max(1, round(wide))) if dom.is_integer else wide
                again = _samples(part, trial, name, x0, wide) if wide > step else None
                if again is not None:
                    step, roots = wide, _roots(again, wide)
            found = _refined(part, trial, name, x0, step, roots, dom.is_integer)
            # beyond a crossing far out, where a ramp (max(0, x − 10¹⁴)) has grown as large
            # as the values themselves
            for x in found + [2 * x for x in found if abs(x) > 1e3]:
                # beyond 2^53 an integer symbol has no neighbours in doubles
                if not math.isfinite(x) or abs(x) > (1e15 if dom.is_integer else 1e300):
                    continue
                cands = [math.floor(x), math.ceil(x)] if dom.is_integer else [x]
                for c in cands:
                    c = float(c)
                    if (name, c) in seen or not dom.contains(c) or c == x0:
                        continue
                    seen.add((name, c))
                    yield name, c
                    given += 1
                    if given >= _MAX_VALUES:
                        return
