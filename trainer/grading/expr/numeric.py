"""Numeric evaluation of a tree: exact integers and fractions, floats, numpy matrices."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any, cast

from trainer.grading.expr import nodes
from trainer.grading.expr.nodes import EvalError, Fold, ShapeError, VectorProduct, fold

__all__ = ["BUILTIN_FUNCTIONS", "evaluate", "evaluate_float", "fmt_shape"]

# Exact powers are computed as integers/fractions only up to this many bits.
MAX_EXACT_BITS = 20000



class _IdentityValue:
    """An identity matrix of yet unknown size, times a scalar."""

    __slots__ = ("scale",)

    def __init__(self, scale: float = 1.0):
        self.scale = scale

# A value while evaluating: an int, a Fraction, a float, a numpy array or the identity I.
# Arithmetic on it is duck-typed (numbers and arrays share their operators), so its type
# is Any; evaluate() hands the result out as object.
Value = Any


def _shape(x: Value) -> tuple[int, int] | None:
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) == 0:
        return None
    if len(shape) == 1:
        return (shape[0], 1)
    return (shape[0], shape[1])


def fmt_shape(s: tuple[int, int] | None) -> str:
    return "scalar" if s is None else f"{s[0]}×{s[1]}"


def _is_array(x: Value) -> bool:
    return _shape(x) is not None


def _scalarize(x: Value) -> Value:
    s = _shape(x)
    if s == (1, 1):
        return x.reshape(-1)[0].item()
    return x


def _add(x: Value, y: Value, sub: bool) -> Value:
    xi, yi = isinstance(x, _IdentityValue), isinstance(y, _IdentityValue)
    if xi or yi:
        if xi and yi:
            return _IdentityValue(x.scale - y.scale if sub else x.scale + y.scale)
        import numpy as np

        other = y if xi else x
        s = _shape(other)
        if s is None or s[0] != s[1]:
            raise ShapeError(f"can not add I to a {fmt_shape(s)} "
                             f"{'matrix' if s else 'value'}")
        eye = np.eye(s[0])
        if xi:
            return x.scale * eye - y if sub else x.scale * eye + y
        return x - y.scale * eye if sub else x + y.scale * eye
    sx, sy = _shape(x), _shape(y)
    if sx != sy:
        # a scalar and a vector combine elementwise (1 + exp(−Xw)); a matrix does not
        # (A + λ is more likely a forgotten I than an elementwise sum)
        if (sx is None and sy is not None and 1 in sy) or (sy is None and sx is not None
                                                           and 1 in sx):
            return x - y if sub else x + y
        raise ShapeError(f"can not {'subtract' if sub else 'add'} {fmt_shape(sx)} and "
                         f"{fmt_shape(sy)}")
    return x - y if sub else x + y


def _mul2(x: Value, y: Value) -> Value:
    xi, yi = isinstance(x, _IdentityValue), isinstance(y, _IdentityValue)
    if xi or yi:
        if xi and yi:
            return _IdentityValue(x.scale * y.scale)
        if xi:
            return _IdentityValue(x.scale * y) if not _is_array(y) else x.scale * y
        return _IdentityValue(y.scale * x) if not _is_array(x) else y.scale * x
    sx, sy = _shape(x), _shape(y)
    if sx is not None and sy is not None:
        if sx == sy and sx[1] == 1 and sx[0] > 1:
            # not read as the dot product: x*y is entry by entry in code, and x y undefined
            raise VectorProduct(f"can not multiply two {fmt_shape(sx)} vectors: write aᵀb for "
                             "their dot product")
        if sx[1] != sy[0]:
            raise ShapeError(f"can not multiply {fmt_shape(sx)} by {fmt_shape(sy)}")
        return _scalarize(x @ y)
    return x * y


def _div(x: Value, y: Value, exact: bool) -> Value:
    sy = _shape(y)
    if sy is not None and 1 in sy and (_shape(x) == sy or not _is_array(x)) \
            and not isinstance(x, _IdentityValue):
        # a number, or a vector of the same shape, over a vector is taken entry by entry:
        # 1/(1 + exp(−Xw)) and exp(Xw)/(1 + exp(Xw)) are the sigmoid
        import numpy as np

        with np.errstate(all="ignore"):
            r = x / y
        if not np.all(np.isfinite(r)):
            raise EvalError("division by zero")
        return r
    if isinstance(y, _IdentityValue) or _is_array(y):
        raise ShapeError(f"can not divide by a {fmt_shape(_shape(y)) if _is_array(y) else 'I'} "
                         "matrix; use ^(-1) or inv(...)")
    if isinstance(x, _IdentityValue):
        return _IdentityValue(x.scale / y)
    if y == 0 and not _is_array(x):
        raise EvalError("division by zero")
    if exact and isinstance(x, (int, Fraction)) and isinstance(y, (int, Fraction)):
        return _norm(Fraction(x) / Fraction(y))
    return x / y


def _norm(v: Fraction) -> int | Fraction:
    return v.numerator if v.denominator == 1 else v


def _bits(v: int | Fraction) -> int:
    if isinstance(v, int):
        return v.bit_length()
    return max(v.numerator.bit_length(), v.denominator.bit_length())


def _pow(x: Value, y: Value) -> Value:
    sy = _shape(y)
    if sy is not None and 1 in sy and not _is_array(x) and not isinstance(x, _IdentityValue):
        # a number to a vector's power, entry by entry: e^(−Xw)
        import numpy as np

        with np.errstate(all="ignore"):
            r = np.power(float(cast("float", x)), y)
        if not np.all(np.isfinite(r)):
            raise EvalError("not a real number" if float(cast("float", x)) < 0
                            else "number too large")
        return r
    if isinstance(y, _IdentityValue) or _is_array(y):
        raise ShapeError("a matrix can not be an exponent")
    if isinstance(x, _IdentityValue):
        return _IdentityValue(x.scale ** y)
    sx = _shape(x)
    if sx is not None:
        import numpy as np

        exponent = cast("float", y)  # not a matrix nor I (refused above): a number
        if float(exponent) != int(exponent):
            raise ShapeError("a matrix power needs an integer exponent")
        if sx[0] != sx[1]:
            raise ShapeError(f"can not take a power of a {fmt_shape(sx)} matrix "
                             "(it is not square)")
        k = int(exponent)
        if abs(k) > 64:
            raise EvalError("matrix exponent too large")
        try:
            return np.linalg.matrix_power(np.asarray(x), k)
        except np.linalg.LinAlgError:
            raise EvalError("singular matrix") from None
    if isinstance(x, (int, Fraction)) and isinstance(y, int):
        if x == 0 and y < 0:
            raise EvalError("division by zero")
        if abs(y) * max(_bits(x), 1) <= MAX_EXACT_BITS:
            r = Fraction(x) ** y if isinstance(x, Fraction) or y < 0 else x ** y
            return _norm(r) if isinstance(r, Fraction) else r
    try:
        r = float(x) ** float(y)
    except OverflowError:
        raise EvalError("number too large") from None
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    if isinstance(r, complex):
        raise EvalError("not a real number")
    return r


def _sigmoid(x: Value) -> Value:
    if _is_array(x):
        import numpy as np

        with np.errstate(all="ignore"):
            return 1.0 / (1.0 + np.exp(-x))
    xf = float(x)
    if xf >= 0:
        return 1.0 / (1.0 + math.exp(-xf))
    z = math.exp(xf)
    return z / (1.0 + z)


def _elementwise(fname: str, scalar: Callable[[float], float]) -> Callable[..., object]:
    def f(x: Value, *rest: Value) -> Value:
        if isinstance(x, _IdentityValue):
            raise ShapeError(f"{fname}(I) is not defined")
        if _is_array(x):
            import numpy as np

            with np.errstate(all="ignore"):
                return getattr(np, {"ln": "log", "abs": "abs"}.get(fname, fname))(x)
        return scalar(float(x))
    return f


def _log(x: Value, base: Value = None) -> Value:
    if base is not None:
        return _log(x) / _log(base)
    if _is_array(x):
        return _elementwise("log", math.log)(x)
    return math.log(x)  # exact ints/fractions fine


def _sqrt(x: Value) -> Value:
    if _is_array(x) or isinstance(x, _IdentityValue):
        return _elementwise("sqrt", math.sqrt)(x)
    if isinstance(x, (int, Fraction)) and x >= 0:
        # exact square roots stay exact
        if isinstance(x, int):
            r = math.isqrt(x)
            if r * r == x:
                return r
        else:
            a, b = math.isqrt(x.numerator), math.isqrt(x.denominator)
            if a * a == x.numerator and b * b == x.denominator:
                return Fraction(a, b)
    return math.sqrt(x)


def _abs(x: Value) -> Value:
    if _is_vector(x):
        return _vector_norm(x)  # |v| of a vector is its length, as on paper
    if _is_array(x):
        return _elementwise("abs", abs)(x)
    return abs(x)


def _inv(x: Value) -> Value:
    if isinstance(x, _IdentityValue):
        return _IdentityValue(1 / x.scale)
    if _is_array(x):
        return _pow(x, -1)
    return _div(1, x, True)


# exact factorials and binomials stay exact only this far (beyond: floats via Γ)
_MAX_EXACT_FACTORIAL = 3000


def _scalar_fn(fname: str, f: Callable[..., object]) -> Callable[..., object]:
    """A scalar function applied to each entry of a vector or matrix."""
    def g(*args: Value) -> Value:
        if any(isinstance(a, _IdentityValue) for a in args):
            raise ShapeError(f"{fname}(I) is not defined")
        if any(_is_array(a) for a in args):
            import numpy as np

            return np.vectorize(lambda *xs: float(cast("float", f(*xs))), otypes=[float])(*args)
        return f(*args)
    return g


def _as_int(x: Value) -> int | None:
    if isinstance(x, int):
        return x
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    if isinstance(x, float) and x.is_integer() and abs(x) < 2**53:
        return int(x)
    return None


def _gamma(x: Value) -> Value:
    k = _as_int(x)
    if k is not None and k <= 0:
        raise EvalError("Γ is not defined at 0 or a negative integer")
    if k is not None and k <= _MAX_EXACT_FACTORIAL and not isinstance(x, float):
        return math.factorial(k - 1)
    xf = float(x)
    try:
        return math.gamma(xf)
    except OverflowError:
        raise EvalError("number too large") from None


def _factorial(x: Value) -> Value:
    k = _as_int(x)
    if k is not None and k < 0:
        raise EvalError("the factorial of a negative number is not defined")
    if k is not None and k <= _MAX_EXACT_FACTORIAL and not isinstance(x, float):
        return math.factorial(k)
    return _gamma(float(x) + 1)


def _binom(n: Value, k: Value) -> Value:
    ni, ki = _as_int(n), _as_int(k)
    if ni is not None and ki is not None and not isinstance(n, float) and not isinstance(k, float):
        if ni >= 0 and 0 <= ki and ni <= _MAX_EXACT_FACTORIAL:
            return math.comb(ni, ki)
        if ni >= 0 and (ki < 0 or ki > ni):
            return 0
    nf, kf = float(n), float(k)
    if nf < 0 or kf < 0 or kf > nf:
        raise EvalError("binom(n, k) is taken here for 0 ≤ k ≤ n only")
    return math.exp(math.lgamma(nf + 1) - math.lgamma(kf + 1) - math.lgamma(nf - kf + 1))


def _digamma(x: Value) -> Value:
    """ψ(x) = Γ'(x)/Γ(x): recurrence up to x ≥ 6, then the asymptotic series."""
    xf = float(x)
    if xf <= 0 and xf.is_integer():
        raise EvalError("ψ is not defined at 0 or a negative integer")
    if xf < 0:  # reflection: ψ(1 − x) − ψ(x) = π cot(πx)
        return _digamma(1 - xf) - math.pi / math.tan(math.pi * xf)
    acc = 0.0
    while xf < 10:
        acc -= 1 / xf
        xf += 1
    inv2 = 1 / (xf * xf)
    # Σ B₂ₖ/(2k·x²ᵏ); from x ≥ 10 the first terms leave an error below 1e-16
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (
        1 / 240 - inv2 * (1 / 132 - inv2 * (691 / 32760 - inv2 / 12))))))
    return acc + math.log(xf) - 0.5 / xf - series


def _is_vector(x: Value) -> bool:
    shape = getattr(x, "shape", None)
    return shape is not None and len(shape) == 2 and min(shape) == 1 and max(shape) > 1


def _vector_norm(x: Value, p: Value | None = None) -> Value:
    """‖x‖ (Frobenius for a matrix); ‖x‖₂ (``p`` = 2) only of a vector or a number."""
    if p is not None:
        if _is_array(p) or p != 2:
            raise EvalError("only the Euclidean norm ‖v‖₂ is understood")
        if _is_array(x) and not _is_vector(x):
            raise ShapeError("‖A‖₂ of a matrix (its spectral norm) is not understood; "
                             "‖A‖ is its Frobenius norm")
    if _is_array(x):
        import numpy as np

        return float(np.sqrt(np.sum(np.asarray(x, dtype=float) ** 2)))
    return _abs(x)


def _extreme(pick: Callable[..., object], fname: str) -> Callable[..., object]:
    def f(*args: Value) -> Value:
        if any(_is_array(a) or isinstance(a, _IdentityValue) for a in args):
            raise ShapeError(f"{fname} takes numbers, not matrices")
        return pick(*args)
    return f


BUILTIN_FUNCTIONS: dict[str, Callable[..., object]] = {
    "factorial": _scalar_fn("factorial", _factorial),
    "binom": _scalar_fn("binom", _binom),
    "gamma": _scalar_fn("gamma", _gamma),
    "digamma": _scalar_fn("digamma", _digamma),
    "norm": _vector_norm,
    "max": _extreme(max, "max"),
    "min": _extreme(min, "min"),
    "log": _log,
    "ln": _log,
    "exp": _elementwise("exp", math.exp),
    "sqrt": _sqrt,
    "abs": _abs,
    "sigmoid": _sigmoid,
    "inv": _inv,
}



class _Evaluate(Fold[Value]):
    __slots__ = ("env", "functions", "exact", "floats", "scale")

    def __init__(self, env: Mapping[str, object], functions: Mapping[str, Callable[..., object]] | None,
                 exact: bool, floats: bool):
        self.env = env
        self.functions = functions
        self.exact = exact
        self.floats = floats
        self.scale = 0.0  # largest magnitude of a term summed (float mode)

    def _track(self, v: Value) -> None:
        if isinstance(v, float):
            m = abs(v)
        elif _is_array(v):
            import numpy as np

            with np.errstate(all="ignore"):
                m = float(np.max(np.abs(np.asarray(v))))
        else:
            return
        if m > self.scale:
            self.scale = m

    def name(self, n: nodes.Name) -> Value:
        try:
            return self.env[n.name]
        except KeyError:
            raise EvalError(f"no value for '{n.name}'") from None

    def num(self, n: nodes.Num) -> Value:
        v = n.value
        if self.floats or (not self.exact and isinstance(v, Fraction)):
            try:
                return float(v)
            except OverflowError:
                raise EvalError("number too large") from None
        return v

    def const(self, n: nodes.Const) -> Value:
        return math.pi if n.name == "pi" else math.e

    def identity(self, n: nodes.Identity) -> Value:
        return _IdentityValue()

    def mul(self, n: nodes.Mul, factors: list[tuple[str, Value]]) -> Value:
        acc = factors[0][1]
        for op, v in factors[1:]:
            acc = _div(acc, v, self.exact) if op == "/" else _mul2(acc, v)
        return acc

    def add(self, n: nodes.Add, terms: list[tuple[str, Value]]) -> Value:
        acc = None
        for op, v in terms:
            if self.floats:
                self._track(v)
            acc = v if acc is None else _add(acc, v, op == "-")
        return acc

    def pow(self, n: nodes.Pow, base: Value, exp: Value) -> Value:
        return _pow(base, exp)

    def neg(self, n: nodes.Neg, arg: Value) -> Value:
        if isinstance(arg, _IdentityValue):
            return _IdentityValue(-arg.scale)
        return -arg

    def call(self, n: nodes.Call, args: list[Value]) -> Value:
        fn = None
        if self.functions is not None:
            fn = self.functions.get(n.func)
        if fn is None:
            fn = BUILTIN_FUNCTIONS.get(n.func)
        if fn is None:
            raise EvalError(f"unknown function '{n.func}'")
        return fn(*args)

    def transpose(self, n: nodes.Transpose, arg: Value) -> Value:
        if _is_array(arg):
            if len(arg.shape) == 1:
                return arg.reshape(1, -1)
            return arg.T
        return arg


def evaluate(node: nodes.Node, env: Mapping[str, object],
             functions: Mapping[str, Callable[..., object]] | None = None, *, exact: bool = False) -> object:
    """Evaluate ``node`` numerically with ``env`` giving the names' values.

    Calls are looked up in ``functions`` first, then in the built-in table
    (log, ln, exp, sqrt, abs, sigmoid, inv).  Integers stay integers under
    ``+ - * ^``; ``/`` is true division (exact fractions when ``exact``).
    Matrices are numpy arrays: ``*`` between two of them is the matrix
    product.  Math errors raise :class:`EvalError` (a ValueError);
    non-conformable shapes raise :class:`ShapeError`.
    """
    ctx = _Evaluate(env, functions, exact, False)
    return _guarded(node, ctx)


def _guarded(node: nodes.Node, ctx: _Evaluate) -> object:
    try:
        v = fold(node, ctx)
    except EvalError:
        raise
    except OverflowError:
        raise EvalError("number too large") from None
    except ZeroDivisionError:
        raise EvalError("division by zero") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise EvalError(f"can not be evaluated: {exc}") from None
    if isinstance(v, _IdentityValue):
        raise ShapeError("the size of I can not be determined")
    if isinstance(v, complex):
        raise EvalError("not a real number")
    return v


def evaluate_float(node: nodes.Node, env: Mapping[str, object]) -> tuple[Value, float]:
    """Evaluate with every number as a float (used by sampling).

    Returns the value and the largest magnitude of any summed term, a
    measure of how much cancellation the result went through.
    """
    ctx = _Evaluate(env, None, False, True)
    v = _guarded(node, ctx)
    return v, ctx.scale
