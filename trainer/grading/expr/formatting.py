"""The one number formatter (params, references, grader messages) and the figures rule."""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = ["figures_for", "format_number"]


def _trim_exponent(s: str) -> str:
    # 1e-05 -> 1e-5, 1.2e+20 -> 1.2e20: shorter, and still read back as the same number
    if "e" in s:
        mant, _, exp = s.partition("e")
        s = f"{mant}e{int(exp)}"
    return s


def _huge_int(x: int, digits: int) -> str:
    """An integer of thousands of digits in e-notation, its leading digits exact."""
    sign = "-" if x < 0 else ""
    x = abs(x)
    exp = int(math.log10(x))  # may be one off; corrected below
    while 10 ** exp > x:
        exp -= 1
    while 10 ** (exp + 1) <= x:
        exp += 1
    lead = x // 10 ** max(0, exp - digits + 1)  # digits significant figures, truncated
    s = str(lead)
    mant = s[0] + ("." + s[1:].rstrip("0") if s[1:].rstrip("0") else "")
    return f"{sign}{mant}e{exp}"


def _huge_fraction(x: Fraction, digits: int) -> str:
    """A fraction with thousands of digits: via its leading digits, no str() of the parts."""
    if x == 0:
        return "0"
    num, den = abs(x.numerator), x.denominator
    shift = num.bit_length() - den.bit_length()
    q = (num << max(0, 64 - shift)) // (den << max(0, shift - 64))  # ~2^64
    exp2 = shift - 64
    lg = math.log10(q) + exp2 * math.log10(2)  # q has ~64 bits: ample for 6 figures
    exp = math.floor(lg)
    m = 10 ** (lg - exp)
    s = f"{m:.{max(0, digits - 1)}f}".rstrip("0").rstrip(".")
    return f"{'-' if x < 0 else ''}{s}e{exp}"


def format_number(x: object, *, digits: int | None = None, fraction: bool = False) -> str:
    """A number as shown to the learner.

    Integers (and integral floats below 10¹⁵) are written in full.  With
    ``digits=None`` other values are written so that they read back as the
    same float (params printed in a prompt); with ``digits`` they are rounded
    to that many significant figures, and integers longer than 15 digits too.
    ``fraction`` adds a small exact fraction when the rounded decimal is not
    exact (``4/7 ≈ 0.571429``).
    """
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        if x.bit_length() > 3000:  # str() refuses beyond 4300 digits; e-notation is exact enough
            return _huge_int(x, 6 if digits is None else digits)
        s = str(x)
        if digits is None or len(s) <= 15:
            return s
    if isinstance(x, Fraction) and max(x.numerator.bit_length(),
                                       x.denominator.bit_length()) > 3000:
        return _huge_fraction(x, 6 if digits is None else digits)
    try:
        f = float(x)  # type: ignore[arg-type]
    except OverflowError:
        if isinstance(x, Fraction):  # beyond the doubles' range, e.g. e^800
            return _huge_fraction(x, 6 if digits is None else digits)
        f = math.inf if x > 0 else -math.inf  # type: ignore[operator]
    except (TypeError, ValueError):
        return str(x)
    if f == 0 and isinstance(x, Fraction) and x != 0:  # below it: e^-800
        return _huge_fraction(x, 6 if digits is None else digits)
    if f.is_integer() and abs(f) < 1e15:
        return str(int(f))
    if digits is None:
        return _trim_exponent(repr(f))
    s = _trim_exponent(f"{f:.{digits}g}")
    if not fraction or not math.isfinite(f) or float(s) == f:
        return s
    frac = Fraction(f).limit_denominator(200)
    if frac.denominator > 1 and abs(float(frac) - f) <= 1e-12 * abs(f):
        return f"{frac.numerator}/{frac.denominator} ≈ {s}"
    return s


def figures_for(rtol: float) -> int:
    """Significant figures that always land within ``rtol``: rounding to k figures errs
    by at most 5·10⁻ᵏ of the value (at a leading digit of 1), so k = ⌈1 − log₁₀(2·rtol)⌉."""
    return max(1, math.ceil(1 - math.log10(2 * rtol) - 1e-9)) if rtol > 0 else 17
