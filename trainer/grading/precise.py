"""Rigorous evaluation of a parsed expression with mpmath intervals, to decide what doubles can not.

Every value is an interval that is guaranteed to hold the exact result at the
sample point (the point's coordinates are exact binary numbers).  Raising the
precision shrinks the intervals, so two formulas that are equal eventually
compare equal, and a difference that survives is a real one.  A definite math
error (log of a negative number, division by an exact zero) is
:class:`Undefined`; anything that more precision might still settle, or that
is too large to compute, is :class:`Unknown`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

from trainer.grading.expr import nodes

__all__ = ["PRECISIONS", "Undefined", "Unknown", "evaluate", "signed_parts", "warm_up"]

# bits of working precision tried in turn (double is 53)
PRECISIONS = (128, 320, 800, 2000)
# the largest magnitudes carried: exp(±1e300) is 2^(±1.4·10³⁰⁰), and mpmath keeps such an
# exponent as a Python int at little cost.  A Gaussian e^(−x²/(2σ²)) at the sampler's
# extremes (x = 10⁹, σ = 10⁻⁹, or a crossing of the answer's pieces far out) stays inside, so
# it is pinned down there, not only bounded (an answer wrong only there was accepted)
_MAX_EXP_ARG = 1e300
_MAX_MAG_BITS = 1 << 1000
# an exact integer exponent is taken as one up to this many bits (int() of it is cheap)
_MAX_INT_BITS = 256
_REF_MAX_COND = 1e12


class Undefined(ArithmeticError):
    """The expression has no real value at this point (not a matter of precision)."""


class Unknown(ArithmeticError):
    """This precision (or this evaluator) can not tell; more precision may."""


class Hopeless(Unknown):
    """More precision will not help: too large, ill-conditioned, or not supported here."""


class Huge(Hopeless):
    """The value is certainly beyond 2^MAX_MAG_BITS in magnitude, 10^(10^300) (``tiny``:
    certainly below its reciprocal and not zero)."""

    def __init__(self, tiny: bool = False, positive: bool | None = None):
        super().__init__("too small" if tiny else "too large")
        self.tiny = tiny
        self.positive = positive  # None: the sign is not known


class _Eye:
    """An identity matrix of yet unknown size, times a scalar interval."""

    __slots__ = ("scale",)

    def __init__(self, scale: Any):
        self.scale = scale


_CTX: dict[int, Any] = {}


def _ctx(prec: int) -> Any:
    ctx = _CTX.get(prec)
    if ctx is None:
        import mpmath

        ctx = _CTX[prec] = mpmath.iv.__class__()
        ctx.prec = prec
    return ctx


def warm_up() -> None:
    """Import mpmath and build the contexts now, not during the first comparison."""
    for prec in PRECISIONS:
        ctx = _ctx(prec)
        ctx.exp(ctx.mpf(0.5)) + ctx.log(ctx.mpf(2.5))


def lo(x: Any) -> Any:
    """The lower end of an interval, as an exact mpf."""
    import mpmath

    return mpmath.mp.make_mpf(x._mpi_[0])


def hi(x: Any) -> Any:
    import mpmath

    return mpmath.mp.make_mpf(x._mpi_[1])


def signed_parts(v: Any) -> tuple[int, int]:
    """(m, e) with v = m·2^e exactly, m signed (mpmath's ``man_exp`` drops the sign:
    −1 gave (1, 0), and −exp(−1) was graded as +0.3679)."""
    sign, man, exp, _ = v._mpf_
    return (-int(man) if sign else int(man)), int(exp)


def _holds_integer(a: Any, b: Any) -> bool:
    """Whether [a, b] (exact mpf ends) holds an integer, decided on the binary digits
    (mpmath's floor rounds to 53 bits: 10^300 ± 2^870 had one floor)."""
    ends = []
    for v in (a, b):
        man, exp = signed_parts(v)
        if exp >= 0:
            return True  # an integer end (every end beyond 2^prec is one)
        ends.append(man >> -exp)  # its floor
    return ends[0] != ends[1]


class _Eval:
    def __init__(self, iv: Any, env: Mapping[str, object], deadline: float,
                 reference: bool):
        self.iv = iv
        self.env = env
        self.deadline = deadline
        self.reference = reference
        self.steps = 0
        self.cache: dict[str, Any] = {}
        self.root: nodes.Node | None = None

    # .......................................................... helpers

    def is_mat(self, x: Any) -> bool:
        return hasattr(x, "rows") and hasattr(x, "cols") and not isinstance(x, _Eye)

    def exact_zero(self, x: Any) -> bool:
        return bool(lo(x) == 0 and hi(x) == 0)

    def contains_zero(self, x: Any) -> bool:
        return bool(lo(x) <= 0 <= hi(x))

    def check(self, x: Any) -> Any:
        """Refuse values too large to carry on with (they would take unbounded time)."""
        if self.is_mat(x):
            for i in range(x.rows):
                for j in range(x.cols):
                    self.check(x[i, j])
            return x
        if isinstance(x, _Eye):
            return x
        import mpmath

        a, b = lo(x), hi(x)
        for end in (a, b):
            if mpmath.isnan(end):
                raise Unknown("not a number at this precision")
        if mpmath.isinf(a) and mpmath.isinf(b) and a == b:
            raise Huge(positive=a > 0)
        if mpmath.isinf(a) or mpmath.isinf(b):
            raise Unknown("not finite at this precision")
        mags = [mpmath.mag(end) if end != 0 else None for end in (a, b)]
        if all(m is not None and m > _MAX_MAG_BITS for m in mags) and a * b > 0:
            raise Huge(positive=a > 0)
        if all(m is not None and m < -_MAX_MAG_BITS for m in mags) and a * b > 0:
            raise Huge(tiny=True)
        if any(m is not None and abs(m) > _MAX_MAG_BITS for m in mags):
            raise Hopeless("too large")
        return x

    def elementwise(self, x: Any, f: Callable[[Any], Any]) -> Any:
        if isinstance(x, _Eye):
            raise Unknown("a function of I")
        if self.is_mat(x):
            out = self.iv.matrix(x.rows, x.cols)
            for i in range(x.rows):
                for j in range(x.cols):
                    out[i, j] = f(x[i, j])
            return out
        return f(x)

    def pairwise(self, x: Any, y: Any, f: Callable[[Any, Any], Any]) -> Any:
        out = self.iv.matrix(x.rows, x.cols)
        for i in range(x.rows):
            for j in range(x.cols):
                out[i, j] = f(x[i, j], y[i, j])
        return out

    def from_value(self, v: object) -> Any:
        iv = self.iv
        shape = getattr(v, "shape", None)
        if shape is not None:
            import numpy as np

            arr = np.asarray(v, dtype=float)
            if arr.ndim == 0:
                return iv.mpf(float(arr))
            if arr.ndim == 1:
                arr = arr.reshape(-1, 1)
            m = iv.matrix(arr.shape[0], arr.shape[1])
            for i in range(arr.shape[0]):
                for j in range(arr.shape[1]):
                    m[i, j] = iv.mpf(float(arr[i, j]))
            return m
        if isinstance(v, Fraction):
            return iv.mpf(v.numerator) / v.denominator
        if isinstance(v, (int, float)):
            return iv.mpf(v)
        raise Unknown(f"a value of type {type(v).__name__}")

    # ...................................................... arithmetic

    def add(self, x: Any, y: Any, sub: bool) -> Any:
        iv = self.iv
        if isinstance(x, _Eye) or isinstance(y, _Eye):
            if isinstance(x, _Eye) and isinstance(y, _Eye):
                return _Eye(x.scale - y.scale if sub else x.scale + y.scale)
            other = y if isinstance(x, _Eye) else x
            if not self.is_mat(other) or other.rows != other.cols:
                raise Unknown("I added to a non-square value")
            eye = iv.eye(other.rows)
            if isinstance(x, _Eye):
                return eye * x.scale - y if sub else eye * x.scale + y
            return x - eye * y.scale if sub else x + eye * y.scale
        mx, my = self.is_mat(x), self.is_mat(y)
        if mx and my:
            if (x.rows, x.cols) != (y.rows, y.cols):
                raise Unknown("shapes differ")
            return x - y if sub else x + y
        if mx or my:  # a scalar and a matrix: elementwise
            mat, s = (x, y) if mx else (y, x)
            out = self.elementwise(mat, lambda t: t)
            for i in range(out.rows):
                for j in range(out.cols):
                    if mx:
                        out[i, j] = out[i, j] - s if sub else out[i, j] + s
                    else:
                        out[i, j] = s - out[i, j] if sub else s + out[i, j]
            return out
        return x - y if sub else x + y

    def mul(self, x: Any, y: Any) -> Any:
        if isinstance(x, _Eye) or isinstance(y, _Eye):
            if isinstance(x, _Eye) and isinstance(y, _Eye):
                return _Eye(x.scale * y.scale)
            eye, other = (x, y) if isinstance(x, _Eye) else (y, x)
            if self.is_mat(other):
                return other * eye.scale
            return _Eye(eye.scale * other)
        mx, my = self.is_mat(x), self.is_mat(y)
        if mx and my:
            if x.cols == y.rows:
                r = x * y
                return r[0, 0] if (r.rows, r.cols) == (1, 1) else r
            raise Unknown("shapes do not fit")
        if mx:
            return x * y
        if my:
            return y * x
        return x * y

    def div(self, x: Any, y: Any) -> Any:
        if self.is_mat(y) and 1 in (y.rows, y.cols) and not isinstance(x, _Eye):
            if not self.is_mat(x):
                return self.elementwise(y, lambda t: self.div(x, t))  # 1/(1 + exp(−Xw))
            if (x.rows, x.cols) == (y.rows, y.cols):  # exp(Xw)/(1 + exp(Xw))
                return self.pairwise(x, y, self.div)
        if isinstance(y, _Eye) or self.is_mat(y):
            raise Hopeless("division by a matrix")
        if self.exact_zero(y):
            raise Undefined("division by zero")
        if self.contains_zero(y):
            raise Unknown("a divisor near zero")
        if isinstance(x, _Eye):
            return _Eye(x.scale / y)
        if self.is_mat(x):
            return self.elementwise(x, lambda t: t / y)
        return x / y

    def integer_of(self, y: Any) -> int | None:
        import mpmath

        a, b = lo(y), hi(y)
        if a == b and mpmath.mag(a) <= _MAX_INT_BITS and a == int(a):
            return int(a)
        return None

    def power(self, x: Any, y: Any) -> Any:
        iv = self.iv
        if self.is_mat(y) and 1 in (y.rows, y.cols) and not self.is_mat(x) \
                and not isinstance(x, _Eye):
            return self.elementwise(y, lambda t: self.power(x, t))  # e^(−Xw)
        if isinstance(y, _Eye) or self.is_mat(y):
            raise Unknown("a matrix exponent")
        if lo(y) == hi(y) and abs(lo(y)) > 2 ** _MAX_INT_BITS and signed_parts(lo(y))[1] >= 0:
            return self.far_power(x, y)  # x^(2^(2^40)): no int of it is made
        k = self.integer_of(y)
        if isinstance(x, _Eye):
            return _Eye(self.power(x.scale, y))
        if self.is_mat(x):
            if k is None or x.rows != x.cols or abs(k) > 64:
                raise Unknown("matrix power")
            base = self.inverse(x) if k < 0 else x
            out = iv.eye(x.rows)
            for _ in range(abs(k)):
                out = out * base
            return out
        if k is not None:
            if self.exact_zero(x) and k < 0:
                raise Undefined("division by zero")
            if k < 0 and self.contains_zero(x):
                raise Unknown("a divisor near zero")
            import mpmath

            top = max(abs(lo(x)), abs(hi(x)))
            least = min(abs(lo(x)), abs(hi(x))) if not self.contains_zero(x) else 0
            # the bits of |x|^k: k·log₂|x| (1 + 10⁻²⁰ to the 10²⁰ is e, not beyond range)
            with mpmath.workprec(64):
                bits = abs(k) * abs(float(mpmath.log(top, 2))) if top else 0.0
                if bits > _MAX_MAG_BITS:
                    if least > 1 and abs(k) * float(mpmath.log(least, 2)) > _MAX_MAG_BITS:
                        raise Huge(tiny=k < 0)  # |x|^k certainly leaves the range
                    if 0 < top < 1 and abs(k) * -float(mpmath.log(top, 2)) > _MAX_MAG_BITS:
                        raise Huge(tiny=k > 0)
                    raise Hopeless("too large")
            return x ** k
        # a non-integer exponent needs a positive base
        if hi(x) < 0:
            if _holds_integer(lo(y), hi(y)):
                # 10^300 at 128 bits: an interval that holds an integer, which more precision
                # may show the exponent to be ((−0.17)^(10^300) is defined)
                raise Unknown("a power of a negative number with an exponent near an integer")
            raise Undefined("a power of a negative number")
        if self.exact_zero(x):
            if lo(y) > 0:
                return iv.mpf(0)
            if hi(y) < 0:
                raise Undefined("division by zero")
            raise Unknown("0 to a power near 0")
        if lo(x) <= 0:
            raise Unknown("a base near zero")
        return self.exp(y * iv.log(x))

    def far_power(self, x: Any, y: Any) -> Any:
        """x to an exact integer power ``y`` beyond 2^256 (no int of it is made): through
        exp(y·log|x|), its sign from the parity of y (an mpf this large with a non-negative
        binary exponent is an integer, even unless that exponent is 0)."""
        if isinstance(x, _Eye) or self.is_mat(x):
            raise Hopeless("a matrix to a huge power")
        if self.exact_zero(x):
            if lo(y) > 0:
                return self.iv.mpf(0)
            raise Undefined("division by zero")
        if self.contains_zero(x):
            raise Unknown("a base near zero")
        import mpmath

        least, top = sorted((abs(lo(x)), abs(hi(x))))
        with mpmath.workprec(64):  # |x|^y certainly beyond the range: nonzero, and said so
            k = abs(lo(y))
            if least > 1 and k * mpmath.log(least, 2) > _MAX_MAG_BITS:
                raise Huge(tiny=lo(y) < 0)
            if top < 1 and k * -mpmath.log(top, 2) > _MAX_MAG_BITS:
                raise Huge(tiny=lo(y) > 0)
        if lo(x) > 0:
            return self.exp(y * self.iv.log(x))
        man, exp = signed_parts(lo(y))
        size = self.exp(y * self.iv.log(-x))
        return -size if exp == 0 and man % 2 else size

    def exp(self, x: Any) -> Any:
        if lo(x) > _MAX_EXP_ARG:
            raise Huge(positive=True)
        if hi(x) < -_MAX_EXP_ARG:
            # in (0, e^hi] ⊂ [0, 2^-(2^995)]: an enclosure, not a refusal, so that
            # 1 + exp(−2·10³⁰⁰) is 1 to any precision
            import mpmath

            return self.iv.mpf([0, mpmath.ldexp(1, -(1 << 995))])
        if max(abs(lo(x)), abs(hi(x))) > _MAX_EXP_ARG:
            # an argument this wide at this precision ((1 + 10⁻⁵⁹⁹)^(10⁵⁹⁹) at 128 bits): more
            # precision may narrow it
            raise Unknown("an exponent too wide at this precision")
        return self.iv.exp(x)

    def log(self, x: Any) -> Any:
        if hi(x) <= 0:
            raise Undefined("log of a number that is not positive")
        if lo(x) <= 0:
            raise Unknown("log near zero")
        return self.iv.log(x)

    def sqrt(self, x: Any) -> Any:
        if hi(x) < 0:
            raise Undefined("square root of a negative number")
        if lo(x) < 0:
            raise Unknown("square root near zero")
        return self.iv.sqrt(x)

    def inverse(self, x: Any) -> Any:
        if isinstance(x, _Eye):
            return _Eye(self.div(self.iv.mpf(1), x.scale))
        if not self.is_mat(x):
            return self.div(self.iv.mpf(1), x)
        if x.rows != x.cols:
            raise Unknown("inverse of a non-square matrix")
        if self.reference:
            self.conditioning(x)
        try:
            return self.iv.inverse(x)
        except ZeroDivisionError:
            raise Unknown("a singular matrix at this precision") from None

    def conditioning(self, x: Any) -> None:
        """A reference that inverts an ill-conditioned matrix is skipped at this point."""
        import numpy as np

        mid = np.array([[float(x[i, j].mid) for j in range(x.cols)] for i in range(x.rows)])
        with np.errstate(all="ignore"):
            cond = float(np.linalg.cond(mid))
        if not math.isfinite(cond) or cond > _REF_MAX_COND:
            raise Hopeless("an ill-conditioned matrix")

    # ........................................................ functions

    def sigmoid(self, x: Any) -> Any:
        if lo(x) >= 0:
            return 1 / (1 + self.exp(-x))
        z = self.exp(x)
        return z / (1 + z)

    def call(self, func: str, args: list[Any]) -> Any:
        iv = self.iv
        one = len(args) == 1
        if func in ("log", "ln") and one:
            return self.elementwise(args[0], self.log)
        if func == "log" and len(args) == 2:
            return self.div(self.elementwise(args[0], self.log), self.log(args[1]))
        if func in ("log2", "lg", "log10") and one:
            base = iv.mpf(10 if func == "log10" else 2)
            return self.elementwise(args[0], lambda t: self.log(t) / iv.log(base))
        if func == "exp" and one:
            return self.elementwise(args[0], self.exp)
        if func == "sqrt" and one:
            return self.elementwise(args[0], self.sqrt)
        if func == "abs" and one:
            x = args[0]
            if self.is_mat(x) and min(x.rows, x.cols) == 1 and max(x.rows, x.cols) > 1:
                return self.call("norm", [x])  # |v| of a vector is its length
            return self.elementwise(x, self.abs)
        if func == "sigmoid" and one:
            return self.elementwise(args[0], self.sigmoid)
        if func == "inv" and one:
            return self.inverse(args[0])
        if func == "norm" and len(args) == 2:
            x, p = args
            if self.is_mat(p) or lo(p) != 2 or hi(p) != 2:
                raise Hopeless("only the Euclidean norm")
            if self.is_mat(x) and min(x.rows, x.cols) != 1:
                raise Hopeless("the spectral norm of a matrix")
            return self.call("norm", [x])
        if func == "norm" and one:
            x = args[0]
            if not self.is_mat(x):
                return self.abs(x)
            acc = iv.mpf(0)
            for i in range(x.rows):
                for j in range(x.cols):
                    acc = acc + x[i, j] ** 2
            return self.sqrt(acc)
        if any(self.is_mat(a) or isinstance(a, _Eye) for a in args):
            raise Unknown(f"{func} of a matrix")
        if func in ("max", "min") and args:
            pick = max if func == "max" else min
            return iv.mpf([pick(lo(a) for a in args), pick(hi(a) for a in args)])
        if func in ("factorial", "fact") and one:
            return self.gamma(args[0] + 1)
        if func in ("gamma", "Gamma") and one:
            return self.gamma(args[0])
        if func in ("lgamma", "loggamma", "lngamma") and one:
            x = args[0]
            if lo(x) <= 0:
                raise Unknown("log-gamma at a non-positive number")
            return iv.loggamma(x)
        if func in ("binom", "binomial", "C", "choose", "comb") and len(args) == 2:
            n, k = args
            return self.div(self.gamma(n + 1), self.mul(self.gamma(k + 1),
                                                        self.gamma(n - k + 1)))
        if func in ("digamma", "psi") and one:
            return self.digamma(args[0])
        raise Hopeless(f"no precise evaluation for '{func}'")

    def gamma(self, x: Any) -> Any:
        k = self.integer_of(x)
        if k is not None and k <= 0:
            raise Undefined("the gamma function has a pole here")
        if lo(x) <= 0 and k is None:
            # reflection: Γ(x) = π / (sin(πx)·Γ(1 − x)), 1 − x positive; an interval that
            # holds a pole leaves sin(πx) holding 0 (a divisor near zero: unknown)
            import mpmath

            if mpmath.floor(lo(x)) != mpmath.floor(hi(x)) or lo(x) == mpmath.floor(lo(x)):
                raise Unknown("gamma near a pole")
            iv = self.iv
            return self.div(iv.pi, self.mul(iv.sin(iv.pi * x), self.gamma(1 - x)))
        if hi(x) > 1e7:
            raise Hopeless("too large")
        return self.iv.gamma(x)

    def digamma(self, x: Any) -> Any:
        """ψ has no interval version in mpmath: evaluate at both ends of a positive
        interval (ψ increases there) with a margin for the rounding of each end."""
        import mpmath

        k = self.integer_of(x)
        if k is not None and k <= 0:
            raise Undefined("the digamma function has a pole here")
        if lo(x) <= 0:
            # reflection: ψ(x) = ψ(1 − x) − π·cos(πx)/sin(πx), 1 − x positive
            if mpmath.floor(lo(x)) != mpmath.floor(hi(x)) or lo(x) == mpmath.floor(lo(x)):
                raise Unknown("digamma near a pole")
            iv = self.iv
            return self.digamma(1 - x) - self.div(iv.pi * iv.cos(iv.pi * x),
                                                  iv.sin(iv.pi * x))
        with mpmath.workprec(self.iv.prec + 20):
            a, b = mpmath.digamma(lo(x)), mpmath.digamma(hi(x))
            eps = mpmath.ldexp(1, -self.iv.prec + 10)
            return self.iv.mpf([a - abs(a) * eps - eps, b + abs(b) * eps + eps])

    def abs(self, t: Any) -> Any:
        a, b = lo(t), hi(t)
        if a >= 0:
            return t
        if b <= 0:
            return -t
        return self.iv.mpf([0, max(-a, b)])

    # ............................................................. walk

    def ev(self, n: nodes.Node) -> Any:
        try:
            return self.ev_node(n)
        except Huge as huge:
            if n is self.root:
                raise
            if huge.tiny:
                # 2^(−2^1200)·x: a value below 2^-MAX_MAG_BITS is held by a bound around 0
                import mpmath

                t = mpmath.ldexp(1, -_MAX_MAG_BITS)
                return self.iv.mpf([0, t] if huge.positive else [-t, t])
            # log(exp(2·10⁹)) is an ordinary number: only the final value may be huge
            raise Hopeless("an intermediate value is too large") from None

    def ev_node(self, n: nodes.Node) -> Any:
        self.steps += 1
        if self.steps & 63 == 0 and time.monotonic() > self.deadline:
            raise TimeoutError
        match n:
            case nodes.Num(value=v):
                return self.from_value(v)
            case nodes.Name(name=name):
                cached = self.cache.get(name)
                if cached is None:
                    try:
                        raw = self.env[name]
                    except KeyError:
                        raise Unknown(f"no value for {name}") from None
                    cached = self.cache[name] = self.from_value(raw)
                return cached
            case nodes.Const(name=name):
                return self.iv.pi if name == "pi" else self.iv.e
            case nodes.Identity():
                return _Eye(self.iv.mpf(1))
            case nodes.Neg(arg=a):
                v = self.ev(a)
                return _Eye(-v.scale) if isinstance(v, _Eye) else -v
            case nodes.Add(terms=terms):
                acc = None
                for op, t in terms:
                    v = self.ev(t)
                    acc = v if acc is None else self.add(acc, v, op == "-")
                return self.check(acc)
            case nodes.Mul(factors=factors):
                acc = None
                for op, f in factors:
                    v = self.ev(f)
                    if acc is None:
                        acc = v
                    elif op == "/":
                        acc = self.div(acc, v)
                    else:
                        acc = self.mul(acc, v)
                return self.check(acc)
            case nodes.Pow(base=b, exp=e):
                return self.check(self.power(self.ev(b), self.ev(e)))
            case nodes.Call(func="exp", args=(arg,)):
                try:
                    v = self.ev_node(arg)
                except Huge as huge:
                    if huge.positive and not huge.tiny:  # exp(exp(exp(x))) stays huge
                        raise Huge(positive=True) from None
                    raise Hopeless("an intermediate value is too large") from None
                return self.check(self.call("exp", [v]))
            case nodes.Call(func=func, args=args):
                return self.check(self.call(func, [self.ev(a) for a in args]))
            case nodes.Transpose(arg=a):
                v = self.ev(a)
                return v.T if self.is_mat(v) else v
        raise Hopeless(f"no precise evaluation for {type(n).__name__}")


def evaluate(node: nodes.Node, env: Mapping[str, object], prec: int, *, deadline: float = math.inf,
             reference: bool = False) -> Any:
    """An interval (or interval matrix) holding the exact value of ``node`` at ``env``.

    Raises Undefined, Unknown, or TimeoutError once ``deadline`` (monotonic) passes.
    """
    ev = _Eval(_ctx(prec), env, deadline, reference)
    ev.root = node
    try:
        v = ev.ev(node)
    except (Undefined, Unknown, TimeoutError, RecursionError):
        raise
    except ZeroDivisionError:
        raise Unknown("division near zero") from None
    except (ValueError, ArithmeticError, TypeError, OverflowError) as exc:
        # mpmath's own refusals (a complex result, no convergence): not decided here
        raise Unknown(f"{type(exc).__name__}") from None
    if isinstance(v, _Eye):
        raise Unknown("the size of I is not known")
    return v
