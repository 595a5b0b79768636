"""Numeric answers: the one precision rule, too-coarse roundings, and what a wrong number suggests.

The rule, in the words the answer box uses: with ``k`` significant figures
(``k = figures_for(rtol)``) an answer passes when it lies within half a unit of
the k-th significant figure of the reference, which is exactly when it is the
reference correctly rounded to k figures or something closer.  With ``atol`` it
passes when it is within ±atol.  With ``rtol`` 0 it must be exact.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, localcontext
from fractions import Fraction

from trainer.grading.expr import Neg, Node, Num, figures_for, format_number

__all__ = ["ZERO_ATOL", "coarse_rounding", "diagnose_number", "exact_value", "fmt_num", "missed_precision",
           "precision_words", "round_figures", "shortest_decimal", "to_float", "within"]

DEFAULT_RTOL = 1e-3
ZERO_ATOL = 1e-12  # a reference of exactly 0 has no significant figures


def to_float(x: object) -> float:
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if x > 0 else -math.inf  # type: ignore[operator]


def fmt_num(x: object) -> str:
    return format_number(x, digits=6)


def exact_value(x: object) -> Fraction | None:
    """The value as a fraction; a float stands for its shortest decimal (0.0020425, not
    the binary number a hair above it), so a tie at the last figure rounds either way."""
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    f = to_float(x)
    return Fraction(repr(f)) if math.isfinite(f) else None


def shortest_decimal(x: float, rel: float) -> Fraction:
    """The decimal of fewest significant figures within ``rel``·|x| of ``x``: what a
    double computed from decimals by a few roundings stands for (a solver's
    16.304999999999993 is 16.305, a tie at 4 figures); ``x`` itself at worst."""
    exact = Fraction(x)
    if x == 0 or not math.isfinite(x):
        return exact
    margin = abs(exact) * Fraction(rel)
    d = Decimal(x)  # exact
    for figures in range(1, 18):
        q = d.quantize(Decimal(1).scaleb(d.adjusted() - figures + 1))
        if abs(Fraction(q) - exact) <= margin:
            return Fraction(q)
    return Fraction(repr(x))


def _leading_exponent(x: Fraction) -> int:
    """⌊log₁₀|x|⌋, exactly."""
    e = len(str(abs(x.numerator))) - len(str(x.denominator))
    # 10^e <= |x| < 10^(e+1) after at most one correction either way
    while Fraction(10) ** e > abs(x):
        e -= 1
    while Fraction(10) ** (e + 1) <= abs(x):
        e += 1
    return e


def half_unit(reference: object, figures: int) -> Fraction:
    """Half a unit in the ``figures``-th significant figure of ``reference`` (≠ 0)."""
    e = exact_value(reference)
    assert e is not None and e != 0
    return Fraction(10) ** (_leading_exponent(e) - figures + 1) / 2


def within(answer: object, reference: object, rtol: float, atol: float | None) -> bool:
    """Whether ``answer`` meets the stated precision for ``reference`` (module docstring)."""
    a, e = exact_value(answer), exact_value(reference)
    if a is None or e is None:
        return False
    if atol is not None:
        return abs(a - e) <= Fraction(atol)
    if rtol <= 0:
        return a == e
    if e == 0:
        return abs(a) <= Fraction(ZERO_ATOL)
    return abs(a - e) <= half_unit(e, figures_for(rtol))


def precision_words(rtol: float, atol: float | None) -> str:
    """The rule in the answer box's words."""
    if atol is not None:
        return f"within ±{atol:g}"
    if rtol <= 0:
        return "exactly"
    k = figures_for(rtol)
    return f"{k} significant figure{'s' if k > 1 else ''}"


def missed_precision(answer: object, reference: object, rtol: float,
                     atol: float | None, *, shown: str | None = None) -> str:
    """Why a number is wrong, in the answer box's words: with significant figures, the
    reference to that many figures (what would have passed), else the reference and the
    margin the box states.  ``shown``: the answer in words, when ``answer`` only stands
    for a value too small to write (exp(-10¹¹))."""
    words = precision_words(rtol, atol)
    given = f"incorrect: your answer is {shown or fmt_num(answer)}"
    a, e = exact_value(answer), exact_value(reference)
    if shown is None and a is not None and e is not None and a != e \
            and fmt_num(answer) == fmt_num(reference):
        # 2 + 10^-500 is shown as 2, like the reference 2: say how far apart they are
        given += f" (it differs from the reference by {fmt_num(abs(a - e))})"
    if atol is None and rtol > 0:
        if isinstance(reference, int):
            d = Decimal(reference)
        elif isinstance(reference, Fraction):  # 28 digits: ample for any stated precision
            d = Decimal(reference.numerator) / Decimal(reference.denominator)
        else:
            d = Decimal(repr(to_float(reference)))
        if d == 0 or not d.is_finite():
            shown = fmt_num(reference)
        else:  # rounded as round_figures does; tiny and huge values in e-notation
            with localcontext() as ctx:  # room for every figure asked (rtol 1e-30: 31)
                ctx.prec = max(ctx.prec, figures_for(rtol) + 2)
                q = d.quantize(Decimal(1).scaleb(d.adjusted() - figures_for(rtol) + 1))
            shown = format(q, "f") if -5 <= q.adjusted() < 7 else format(q, "e")
        return f"{given}; the reference to {words} is {shown}"
    if atol is None:
        exact = reference if isinstance(reference, Fraction) and reference.denominator != 1 \
            else None
        shown = f"{exact.numerator}/{exact.denominator}" if exact else fmt_num(reference)
        return f"{given}; the reference is {shown}, and it must be matched exactly"
    return f"{given}; the reference is {fmt_num(reference)}, and it must be {words}"


def round_figures(x: float, figures: int) -> str:
    """``x`` correctly rounded to ``figures`` significant figures, as a decimal."""
    if x == 0:
        return "0"
    d = Decimal(repr(float(x)))
    exp = d.adjusted() - figures + 1
    q = d.quantize(Decimal(1).scaleb(exp))
    return format(q, "f") if -30 < exp < 30 else format(q, "E")


_DECIMAL = re.compile(r"^(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?(%?)$")


def _figures_of(text: str) -> tuple[int, Fraction] | None:
    """(significant figures, unit of the last digit) of a decimal as typed; None when
    the text is not a decimal (an integer without a point is taken as exact)."""
    m = _DECIMAL.match(text.strip())
    if m is None:
        return None
    whole, frac, exp, pct = m.group(1), m.group(2), int(m.group(3) or 0), m.group(4)
    if "." not in text and "e" not in text.lower() and not pct:
        return None
    digits = (whole + frac).lstrip("0")
    if not digits:
        return None
    unit = Fraction(10) ** (exp - len(frac))
    if pct:
        unit /= 100
    return len(digits), unit


def coarse_rounding(node: Node, expected: object, rtol: float, atol: float | None) -> str:
    """A message when ``node`` is a bare decimal or percentage that is ``expected``
    correctly rounded (within half a unit of its last digit) but to fewer figures than
    the box states."""
    negative = isinstance(node, Neg)
    num = node.arg if isinstance(node, Neg) else node
    if not isinstance(num, Num) or not num.text or atol is not None or rtol <= 0:
        return ""
    got = _figures_of(num.text)
    e = exact_value(expected)
    if got is None or e is None:
        return ""
    figures, unit = got
    need = figures_for(rtol)
    value = -Fraction(num.value) if negative else Fraction(num.value)
    if figures >= need or abs(value - e) > unit / 2:
        return ""
    shown = f"{'-' if negative else ''}{num.text}"
    return (f"{shown} is the right value rounded to {figures} significant "
            f"figure{'s' if figures > 1 else ''}; give at least {need}")


_FACTORS = (2, 3, 4, 10, 100, 1000, Fraction(3, 2))


def factor_text(k: Fraction) -> str:
    if k > 1:
        return f"off by a factor of {k}: your answer is {k} times too large"
    inv = 1 / k
    return f"off by a factor of {inv}: your answer is {inv} times too small"


def diagnose_number(a: float, e: float) -> str:
    """A generic reason a number is wrong (a factor, a sign, a reciprocal, 1 − x), or ""."""
    if e == 0 or a == 0 or not math.isfinite(a):
        return ""
    r = a / e
    tol = 2e-3
    if abs(r + 1) <= tol:
        return "wrong sign"
    for k in _FACTORS:
        for kk in (Fraction(k), 1 / Fraction(k)):
            if abs(r - float(kk)) <= tol * float(kk):
                extra = " (a percentage instead of a fraction?)" if kk == 100 else ""
                return factor_text(kk) + extra
    # an explanation only where the answer is plainly nearer it than the reference: for a
    # reference of 0.5, 1 − e is e, and 0.501 is not "p and 1 − p swapped"
    if abs(a * e - 1) <= tol and abs(a - 1 / e) < abs(a - e) / 2:
        return "this is the reciprocal of the correct value"
    if 0 < e < 1 and abs(a - (1 - e)) <= tol * abs(1 - e) \
            and abs(a - (1 - e)) < abs(a - e) / 2:
        return "this is 1 − (the correct value): p and 1 − p swapped?"
    if abs(r - 1) <= 0.02:
        return "close to the reference, but not equal to it"
    return ""
