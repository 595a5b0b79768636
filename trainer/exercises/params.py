"""The params language: draw a card's numbers with a seeded stdlib RNG, safely.

Every expression is read by :func:`trainer.grading.expr.parse` (never ``eval``)
and evaluated with :func:`trainer.grading.expr.evaluate` and the function
tables below.  Nothing here imports numpy or sympy: drawing the numbers of a
card must cost microseconds, because the study app does it for every card it
shows.

Values are ``int``, ``float`` or :class:`Sample` (a tuple of numbers).  Every
float is *canonicalised* (rounded to 12 significant digits) as soon as it is
drawn or computed, and is printed by :func:`format_value` so that the printed
text reads back as exactly the same float: the number the learner sees is the
number the solver gets.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from functools import lru_cache
from typing import Any

from trainer.grading.expr import (
    ARITY,
    DEFAULT_FUNCTIONS,
    Call,
    EvalError,
    Node,
    ParseError,
    chain_holds,
    evaluate,
    parse,
    split_comparison,
    walk,
)
from trainer.grading.expr import format_number as _format_number

__all__ = [
    "DETERMINISTIC_ARITY",
    "MAX_ATTEMPTS",
    "PARAM_FUNCTIONS",
    "RANDOM_ARITY",
    "ExerciseError",
    "Sample",
    "check_arity",
    "draw_params",
    "fill",
    "format_value",
    "parse_constraint",
    "placeholders",
]

MAX_ATTEMPTS = 500
MAX_SIZE = 1000
MAX_DIGITS = 12


class ExerciseError(ValueError):
    """A card's own expressions could not be drawn, evaluated or filled (a deck bug)."""


class Sample(tuple[Any, ...]):
    """A list of numbers drawn as one param (``x: normal(0, 1, 8, 2)``).

    Arithmetic is element by element with a scalar or a sample of the same
    length (``2*x + 1``, ``x + noise``); everything else about a sample goes
    through a function (``sum(x)``, ``mean(x)``, ``item(x, 1)``).
    """

    __slots__ = ()

    def _zip(self, other: object, op: Callable[[Any, Any], object]) -> Sample:
        if isinstance(other, Sample):
            if len(other) != len(self):
                raise TypeError(f"samples of different lengths ({len(self)} and {len(other)})")
            return Sample(_canon(op(a, b)) for a, b in zip(self, other, strict=True))
        if isinstance(other, (int, float, Fraction)) and not isinstance(other, bool):
            return Sample(_canon(op(a, other)) for a in self)
        # Python then tries the other operand's method; typeshed types NotImplemented as Any
        return NotImplemented  # type: ignore[no-any-return]

    def __add__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: a + b)

    def __radd__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: b + a)

    def __sub__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: a - b)

    def __rsub__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: b - a)

    def __mul__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: a * b)

    def __rmul__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: b * a)

    def __truediv__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: a / b)

    def __rtruediv__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: b / a)

    def __pow__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: float(a) ** float(b))

    def __rpow__(self, other: object) -> Sample:
        return self._zip(other, lambda a, b: float(b) ** float(a))

    def __neg__(self) -> Sample:
        return Sample(-a for a in self)

    def __float__(self) -> float:
        raise TypeError("a sample is a list of numbers; use sum(x), mean(x) or item(x, i)")


# ------------------------------------------------------------------ values


def _canon(v: object) -> int | float | Sample:
    """The value as stored: ints stay ints; floats keep 12 significant digits."""
    if isinstance(v, bool):
        raise TypeError("true/false is not a number")
    if isinstance(v, int):
        return v
    if isinstance(v, Sample):
        return v
    if isinstance(v, (tuple, list)):
        return Sample(_canon(x) for x in v)
    if isinstance(v, Fraction):
        if v.denominator == 1:
            return v.numerator
        v = float(v)
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"not a number: {v!r}") from None
    if not math.isfinite(f):
        raise ValueError("the value is not a finite number")
    return float(f"{f:.12g}")


def format_value(v: object) -> str:
    """How a param is printed: ``7``, ``0.57``, ``1.2, 0.7, 3.1`` for a sample."""
    if isinstance(v, (tuple, list)):
        return ", ".join(format_value(x) for x in v)
    # every figure, so that the printed value reads back as the same float
    return _format_number(v)


def _int_arg(v: object, what: str, lo: int = 0, hi: int = MAX_SIZE) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)):
        raise TypeError(f"{what} must be a whole number")
    if isinstance(v, int):
        n = v
    else:
        if float(v) != int(v):
            raise ValueError(f"{what} must be a whole number, not {format_value(v)}")
        n = int(v)
    if not lo <= n <= hi:
        raise ValueError(f"{what} must be between {lo} and {hi}, not {n}")
    return n


def _num(v: object, what: str = "argument") -> float:
    if isinstance(v, (Sample, tuple, list)):
        raise TypeError(f"{what} must be a number, not a sample")
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)):
        raise TypeError(f"{what} must be a number")
    return float(v)


def _seq(v: object, what: str) -> tuple[Any, ...]:
    if isinstance(v, (tuple, list)):
        return tuple(v)
    if hasattr(v, "tolist"):  # a numpy array returned by a solver
        out = v.tolist()
        return tuple(out) if isinstance(out, list) else (out,)
    raise TypeError(f"{what} needs a sample (a list of numbers)")


def _round_value(x: object, digits: object = 0) -> object:
    d = _int_arg(digits, "round's digits", -6, MAX_DIGITS)
    if isinstance(x, (tuple, list)):
        return Sample(_round_value(a, d) for a in x)
    f = _num(x, "round's argument")
    if d <= 0:
        return int(round(f, d))
    return round(f, d)


def _maybe_round(values: Iterable[float], digits: object | None) -> list[object]:
    if digits is None:
        return list(values)
    return [_round_value(v, digits) for v in values]


# --------------------------------------------------------- deterministic helpers


def _sum(x: object) -> object:
    return math.fsum(_num(a) for a in _seq(x, "sum")) if any(
        isinstance(a, float) for a in _seq(x, "sum")) else sum(_seq(x, "sum"))


def _len(x: object) -> int:
    return len(_seq(x, "len"))


def _mean(x: object) -> float:
    s = _seq(x, "mean")
    if not s:
        raise ValueError("mean of an empty sample")
    return math.fsum(_num(a) for a in s) / len(s)


def _sumsq(x: object) -> object:
    s = _seq(x, "sumsq")
    if all(isinstance(a, int) for a in s):
        return sum(a * a for a in s)
    return math.fsum(_num(a) ** 2 for a in s)


def _prod(x: object) -> object:
    s = _seq(x, "prod")
    if all(isinstance(a, int) for a in s):
        return math.prod(s)
    return math.prod(_num(a) for a in s)


def _dot(x: object, y: object) -> float:
    a, b = _seq(x, "dot"), _seq(y, "dot")
    if len(a) != len(b):
        raise ValueError(f"dot of samples of different lengths ({len(a)} and {len(b)})")
    return math.fsum(_num(u) * _num(v) for u, v in zip(a, b, strict=True))


def _item(x: object, i: object) -> object:
    s = _seq(x, "item")
    k = _int_arg(i, "item's index", 1, len(s))
    return s[k - 1]


def _extreme(pick: Callable[..., object], name: str) -> Callable[..., object]:
    def f(*args: object) -> object:
        vals = _seq(args[0], name) if len(args) == 1 else args
        if not vals:
            raise ValueError(f"{name} of nothing")
        return pick(vals, key=lambda a: _num(a))
    return f


def _vec(*args: object) -> Sample:
    return Sample(_canon(_num(a)) for a in args)


def _floor(x: object) -> int:
    return math.floor(_num(x))


def _ceil(x: object) -> int:
    return math.ceil(_num(x))


DETERMINISTIC: dict[str, Callable[..., object]] = {
    "round": _round_value,
    "sum": _sum,
    "len": _len,
    "mean": _mean,
    "sumsq": _sumsq,
    "prod": _prod,
    "dot": _dot,
    "item": _item,
    "min": _extreme(min, "min"),
    "max": _extreme(max, "max"),
    "vec": _vec,
    "floor": _floor,
    "ceil": _ceil,
}

# (fewest, most) arguments; None = any number
DETERMINISTIC_ARITY: dict[str, tuple[int, int | None]] = {
    **ARITY,  # the answer functions, with the parser's arities
    "round": (1, 2), "sum": (1, 1), "len": (1, 1), "mean": (1, 1), "sumsq": (1, 1),
    "prod": (1, 1), "dot": (2, 2), "item": (2, 2), "min": (1, None), "max": (1, None),
    "vec": (1, None), "floor": (1, 1), "ceil": (1, 1),
}

RANDOM_ARITY: dict[str, tuple[int, int | None]] = {
    "randint": (2, 2), "uniform": (2, 3), "choice": (1, None), "normal": (2, 4),
    "exponential": (1, 3), "poisson": (1, 2), "bernoulli": (1, 2), "binomial": (2, 2),
    "uniform_sample": (3, 4), "simplex": (1, 2), "multinomial": (2, None),
}

PARAM_FUNCTIONS: frozenset[str] = (
    frozenset(DETERMINISTIC_ARITY) | frozenset(RANDOM_ARITY) | DEFAULT_FUNCTIONS
)


def _poisson(rng: random.Random, lam: float) -> int:
    if lam < 0 or lam > 1e4:
        raise ValueError("a Poisson rate must be in [0, 10000]")
    if lam > 60:  # normal approximation keeps this O(1); fine for drawing exercises
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def random_functions(rng: random.Random) -> dict[str, Callable[..., object]]:
    """The drawing functions, bound to one generator."""

    def randint(lo: object, hi: object) -> int:
        a = _int_arg(lo, "randint's low end", -10**9, 10**9)
        b = _int_arg(hi, "randint's high end", -10**9, 10**9)
        if b < a:
            raise ValueError(f"randint({a}, {b}): the range is empty")
        return rng.randint(a, b)

    def uniform(lo: object, hi: object, digits: object | None = None) -> object:
        a, b = _num(lo), _num(hi)
        if b < a:
            raise ValueError("uniform: the high end is below the low end")
        v = rng.uniform(a, b)
        return v if digits is None else _round_value(v, digits)

    def uniform_sample(lo: object, hi: object, size: object,
                       digits: object | None = None) -> Sample:
        a, b = _num(lo), _num(hi)
        n = _int_arg(size, "size", 1)
        return Sample(_maybe_round((rng.uniform(a, b) for _ in range(n)), digits))

    def choice(*options: object) -> object:
        if len(options) == 1 and isinstance(options[0], (tuple, list)):
            options = tuple(options[0])
        if not options:
            raise ValueError("choice of nothing")
        return rng.choice(options)

    def normal(mean: object, sd: object, size: object | None = None,
               digits: object | None = None) -> object:
        m, s = _num(mean), _num(sd)
        if s < 0:
            raise ValueError("normal: the standard deviation must not be negative")
        if size is None:
            return rng.gauss(m, s)
        n = _int_arg(size, "size", 1)
        return Sample(_maybe_round((rng.gauss(m, s) for _ in range(n)), digits))

    def exponential(rate: object, size: object | None = None,
                    digits: object | None = None) -> object:
        r = _num(rate)
        if r <= 0:
            raise ValueError("exponential: the rate must be positive")
        if size is None:
            return rng.expovariate(r)
        n = _int_arg(size, "size", 1)
        return Sample(_maybe_round((rng.expovariate(r) for _ in range(n)), digits))

    def poisson(rate: object, size: object | None = None) -> object:
        lam = _num(rate)
        if size is None:
            return _poisson(rng, lam)
        n = _int_arg(size, "size", 1)
        return Sample(_poisson(rng, lam) for _ in range(n))

    def bernoulli(p: object, size: object | None = None) -> object:
        q = _num(p)
        if not 0 <= q <= 1:
            raise ValueError("bernoulli: p must be in [0, 1]")
        if size is None:
            return int(rng.random() < q)
        n = _int_arg(size, "size", 1)
        return Sample(int(rng.random() < q) for _ in range(n))

    def binomial(n: object, p: object) -> int:
        m = _int_arg(n, "binomial's n", 0, 100_000)
        q = _num(p)
        if not 0 <= q <= 1:
            raise ValueError("binomial: p must be in [0, 1]")
        return sum(rng.random() < q for _ in range(m))

    def simplex(size: object, digits: object | None = None) -> Sample:
        """Probabilities that sum to exactly 1 (after rounding to ``digits``, default 2)."""
        k = _int_arg(size, "size", 2, 50)
        d = 2 if digits is None else _int_arg(digits, "digits", 1, 6)
        unit = 10 ** d
        if unit < k:
            raise ValueError("simplex: too few digits for this many probabilities")
        for _ in range(100):
            w = [rng.expovariate(1.0) for _ in range(k)]
            total = sum(w)
            counts = [max(1, round(unit * x / total)) for x in w[:-1]]
            last = unit - sum(counts)
            if last >= 1:
                return Sample(_canon(Fraction(c, unit)) for c in [*counts, last])
        raise ValueError("simplex: could not draw")  # pragma: no cover - vanishingly rare

    def multinomial(n: object, *probs: object) -> Sample:
        m = _int_arg(n, "multinomial's n", 0, 100_000)
        ps = _seq(probs[0], "multinomial") if len(probs) == 1 else probs
        ws = [_num(p) for p in ps]
        if len(ws) < 2 or any(w < 0 for w in ws) or sum(ws) <= 0:
            raise ValueError("multinomial: needs two or more non-negative probabilities")
        counts = [0] * len(ws)
        for i in rng.choices(range(len(ws)), weights=ws, k=m):
            counts[i] += 1
        return Sample(counts)

    return {
        "randint": randint, "uniform": uniform, "uniform_sample": uniform_sample,
        "choice": choice, "normal": normal, "exponential": exponential, "poisson": poisson,
        "bernoulli": bernoulli, "binomial": binomial, "simplex": simplex,
        "multinomial": multinomial,
    }


# ---------------------------------------------------------------- parsing


@lru_cache(maxsize=65536)
def parse_cached(text: str, names: tuple[str, ...], functions: frozenset[str],
                 matrices: tuple[str, ...] = ()) -> tuple[Node, tuple[str, ...]]:
    """Parse once per (text, names, functions); returns the tree and its warnings."""
    warnings: list[str] = []
    node = parse(text, names=names, functions=functions, matrices=matrices, warnings=warnings)
    return node, tuple(warnings)


def calls(node: Node) -> list[Call]:
    return [n for n in walk(node) if isinstance(n, Call)]


def check_arity(node: Node, arity: Mapping[str, tuple[int, int | None]]) -> list[str]:
    out = []
    for c in calls(node):
        lo_hi = arity.get(c.func)
        if lo_hi is None:
            continue
        lo, hi = lo_hi
        n = len(c.args)
        if n < lo or (hi is not None and n > hi):
            want = f"{lo}" if lo == hi else (f"{lo} or more" if hi is None else f"{lo} to {hi}")
            out.append(f"{c.func}() takes {want} arguments, not {n}")
    return out


def parse_constraint(text: str, names: tuple[str, ...],
                     functions: frozenset[str]) -> tuple[list[Node], list[str]]:
    """``0 < k < n`` -> ([0, k, n], ["<", "<"]); raises ParseError."""
    sides, ops = split_comparison(text)
    if not ops:
        raise ParseError("a constraint needs a comparison such as 'k < n'", 0)
    nodes = []
    pos = 0
    for i, side in enumerate(sides):
        try:
            node, _ = parse_cached(side, names, functions)
        except ParseError as exc:
            raise ParseError(exc.message, pos + exc.position) from None
        nodes.append(node)
        pos += len(side) + (len(ops[i]) if i < len(ops) else 0)
    return nodes, ops


def constraint_holds(nodes: list[Node], ops: list[str], env: Mapping[str, object]) -> bool:
    vals = [_num(evaluate(n, env, DETERMINISTIC)) for n in nodes]
    return chain_holds(vals, ops)


# ------------------------------------------------------------------ drawing


def draw_params(params: tuple[tuple[str, str], ...], constraints: tuple[str, ...], seed: int,
                where: str = "") -> dict[str, object]:
    """Draw ``params`` in order with ``random.Random(seed)`` until ``constraints`` hold.

    A constraint may call the solver functions (``item(em_step(x, ...), 3) >= 0.01``); their
    table loads at the first such constraint. Constraints that name anything other than
    params (a symbolic card's symbols) are not checked here.  Raises :class:`ExerciseError`.
    """
    names = tuple(name for name, _ in params)
    trees = []
    for i, (name, text) in enumerate(params):
        try:
            node, _ = parse_cached(text, names[:i], PARAM_FUNCTIONS)
        except ParseError as exc:
            raise ExerciseError(f"{where}param {name!r}: {exc}") from None
        trees.append((name, node))
    checks = []
    for text in constraints:
        try:
            nodes, ops = parse_constraint(text, names, frozenset(DETERMINISTIC_ARITY))
            with_solvers = False
        except ParseError:
            from trainer.exercises.exercise import solve_function_names

            try:
                nodes, ops = parse_constraint(text, names, solve_function_names())
            except ParseError:
                continue  # names a symbol: only `trainer check` can test it
            with_solvers = True
        checks.append((text, nodes, ops, with_solvers))
    solver_table: dict[str, Callable[..., object]] | None = None
    rng = random.Random(seed)
    table: dict[str, Callable[..., object]] = {**DETERMINISTIC, **random_functions(rng)}
    failed = ""
    for _ in range(MAX_ATTEMPTS if checks else 1):
        env: dict[str, object] = {}
        for name, node in trees:
            try:
                env[name] = _canon(evaluate(node, env, table))
            except (EvalError, TypeError, ValueError, ArithmeticError) as exc:
                raise ExerciseError(f"{where}param {name!r}: {exc}") from None
        failed = ""
        for text, nodes, ops, with_solvers in checks:
            try:
                if with_solvers:
                    if solver_table is None:
                        from trainer.exercises.exercise import _solve_functions

                        solver_table = _solve_functions()
                    ok = chain_holds([_num(evaluate(n, env, solver_table)) for n in nodes], ops)
                else:
                    ok = constraint_holds(nodes, ops, env)
            except (EvalError, TypeError, ValueError, ArithmeticError) as exc:
                raise ExerciseError(f"{where}constraint {text!r}: {exc}") from None
            if not ok:
                failed = text
                break
        if not failed:
            return env
    raise ExerciseError(f"{where}the constraint {failed!r} still failed after {MAX_ATTEMPTS} "
                        "draws; widen the params' ranges")


_PLACEHOLDER = re.compile(r"\{\{([^{}]*)\}\}")


def placeholders(text: str | None) -> list[str]:
    """The expressions written between ``{{`` and ``}}`` in ``text``."""
    if not text:
        return []
    return [m.group(1).strip() for m in _PLACEHOLDER.finditer(text)]


def fill(text: str | None, env: Mapping[str, object]) -> str | None:
    """Replace every ``{{expr}}`` by the value of ``expr`` over the params."""
    if text is None or "{{" not in text:
        return text
    names = tuple(env)
    functions = frozenset(DETERMINISTIC_ARITY)

    def one(m: re.Match[str]) -> str:
        inner = m.group(1).strip()
        if inner in env:
            return format_value(env[inner])
        try:
            node, _ = parse_cached(inner, names, functions)
            return format_value(_canon(evaluate(node, env, DETERMINISTIC)))
        except (ParseError, EvalError, TypeError, ValueError, ArithmeticError) as exc:
            raise ExerciseError(f"placeholder {{{{{inner}}}}}: {exc}") from None

    return _PLACEHOLDER.sub(one, text)
