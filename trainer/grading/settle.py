"""A number answer against a number reference, settled on exact values.

Doubles lose digits on both sides: (1 + 10⁻²⁰)^(10²⁰) is e, not 1.0, and a reference
written ``0.12345 + exp(-50)`` is a hair above the tie at 4 figures that its double
(0.12345) sits on.  Here each side that is not an exact rational is enclosed in mpmath
intervals at rising precision until the precision rule of
:mod:`trainer.grading.numbers` holds for every pair of values the two enclosures
allow, or for none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from trainer.grading.expr import Node, figures_for
from trainer.grading.numbers import ZERO_ATOL, exact_value, half_unit

__all__ = ["Settled", "settle"]

_FAR = 1 << 18  # bits: beyond 2^±262144 a value is compared through a bound, not exactly


@dataclass(frozen=True, slots=True)
class Settled:
    """Values of the answer and the reference that give the settled verdict
    (``within(answer, reference, …)``), and the answer in words when ``answer`` only
    stands for a value too small to write as a fraction."""

    answer: Fraction
    reference: Fraction
    shown: str | None = None


@dataclass(frozen=True, slots=True)
class _Enclosure:
    lo: Fraction
    hi: Fraction
    shown: str | None = None  # the value in words, when lo/hi are a bound around it
    nonzero: bool = False  # (with shown) the value is known not to be 0


def _as_fraction(x: object) -> Fraction:
    """An mpf (a finite binary number) exactly, its sign included."""
    from trainer.grading.precise import signed_parts

    man, exp = signed_parts(x)
    return Fraction(man) * Fraction(2) ** exp


def _ends(lo: Any, hi: Any) -> _Enclosure | str:
    """An interval as fractions; an end beyond 2^±262144 would make a fraction of millions
    of digits (10^(−10^9)), so such an interval is widened to ±2^-262144 (both ends tiny),
    "huge" (both beyond 2^262144, one sign), or "unknown": one end far out and the other
    not, which more precision may narrow ((1 + 10^-299)^(10^299) is [1, 2^(8·10²⁶⁰)] at 128
    bits and e at 2000)."""
    import mpmath

    from trainer.grading.at_point import value_words

    mags = [mpmath.mag(x) for x in (lo, hi)]
    if all(m <= _FAR for m in mags) and all(m >= -_FAR or x == 0
                                            for m, x in zip(mags, (lo, hi), strict=True)):
        return _Enclosure(_as_fraction(lo), _as_fraction(hi))
    if all(m < -_FAR for m in mags):
        tiny = Fraction(1, 2 ** _FAR)
        # the widened bound keeps the sign: a positive value stays positive
        return _Enclosure(Fraction(0) if lo >= 0 else -tiny,
                          Fraction(0) if hi <= 0 else tiny, value_words(lo, hi),
                          nonzero=lo > 0 or hi < 0)
    if all(m > _FAR for m in mags) and (lo > 0 or hi < 0):
        return "huge"
    return "unknown"


def _enclose(node: Node, prec: int, deadline: float) -> _Enclosure | str | None:
    """``node``'s value at ``prec`` bits: an enclosure; "undefined"; "huge" (beyond
    10^(10^300)); "unknown" (more precision may tell); None (no precision will)."""
    from trainer.grading import precise

    try:
        v = precise.evaluate(node, {}, prec, deadline=deadline)
    except precise.Undefined:
        return "undefined"
    except precise.Huge as huge:
        if not huge.tiny:
            return "huge"
        # a nonzero value below 2^-MAX_MAG_BITS, itself below 10^(−10^300): compared
        # through a bound inside ±2^-1000
        bound = Fraction(1, 2 ** 1000)
        return _Enclosure(-bound, bound, "a nonzero number smaller than 10^(-10^300) in size",
                          nonzero=True)
    except (precise.Hopeless, TimeoutError, RecursionError):
        return None
    except precise.Unknown:
        return "unknown"
    if hasattr(v, "rows"):
        return None
    return _ends(precise.lo(v), precise.hi(v))


def _decide(a: _Enclosure, r: _Enclosure, rtol: float, atol: float | None) -> bool | None:
    """True when every answer in ``a`` meets the precision for every reference in ``r``,
    False when none does, None when these enclosures can not tell."""
    if atol is not None:
        h_lo = h_hi = Fraction(atol)
    elif r.lo == r.hi == 0:
        h_lo = h_hi = Fraction(ZERO_ATOL)
    elif r.lo <= 0 <= r.hi:
        return None  # the reference's sign, and so its leading figure, is not known yet
    else:
        k = figures_for(rtol)
        ends = half_unit(r.lo, k), half_unit(r.hi, k)
        h_lo, h_hi = min(ends), max(ends)
    farthest = max(abs(a.lo - r.hi), abs(a.hi - r.lo))
    nearest = max(a.lo - r.hi, r.lo - a.hi, Fraction(0))
    if farthest <= h_lo:
        return True
    if nearest > h_hi:
        return False
    return None


def _double_if_kept(double: float, a: Fraction, b: Fraction) -> Fraction | None:
    """The answer's double when it holds the answer's digits: within 2⁻⁴⁰ of [a, b]."""
    d = exact_value(double)
    mid = (a + b) / 2
    return d if d is not None and abs(d - mid) <= (b - a) + abs(mid) / 2 ** 40 else None


def settle(answer: Node | Fraction, double: float, reference: Node | Fraction, rtol: float,
           atol: float | None, deadline: float, *,
           reference_double: bool = False) -> Settled | str | None:
    """The verdict's values, from intervals that hold the exact values of the sides given
    as nodes (a Fraction side is exact already): a :class:`Settled` whose values meet the
    precision exactly when the exact values do; "undefined" or "huge" (beyond 10^(10^300))
    for the answer, "reference" when no precision encloses the reference; "imprecise" when
    no precision up to the last settles it; None when the answer can not be enclosed.

    An exact match (rtol 0, no atol) is refuted by intervals but proved only for a binary
    number: when no precision refutes it, ``double`` (the answer in doubles) is graded if
    it holds the answer's digits.  ``reference_double``: the reference is the shortest
    decimal of a double (not a rational), so an exact match is judged in doubles."""
    from trainer.grading import precise

    exact = atol is None and rtol <= 0
    last: _Enclosure | None = None
    for prec in precise.PRECISIONS:
        if isinstance(reference, Node):
            r = _enclose(reference, prec, deadline)
            if r == "unknown":
                continue
            if not isinstance(r, _Enclosure):
                return "reference"  # undefined, or beyond what intervals carry
        else:
            r = _Enclosure(reference, reference)
        if isinstance(answer, Node):
            a = _enclose(answer, prec, deadline)
            if a == "unknown":
                continue
            if not isinstance(a, _Enclosure):
                return a  # "undefined", "huge" or None
        else:
            a = _Enclosure(answer, answer)
        # a value only bounded (a.shown) holds 0 in its enclosure: 0 stands for it
        mid_a = Fraction(0) if a.shown else (a.lo + a.hi) / 2
        mid_r = (r.lo + r.hi) / 2
        if exact and reference_double:
            kept = _double_if_kept(double, a.lo, a.hi) if not a.shown else None
            return Settled(kept, mid_r) if kept is not None else None
        if exact:
            if a.nonzero and mid_r == 0:  # 0 is asked for, and this is not 0
                return Settled(Fraction(1, 2 ** 1000), mid_r, a.shown)
            if a.lo == a.hi or not a.lo <= mid_r <= a.hi:
                return Settled(mid_a, mid_r, a.shown)
            last = a
            continue
        verdict = _decide(a, r, rtol, atol)
        if verdict is not None:
            return Settled(mid_a, mid_r, a.shown)
    if last is not None and not last.shown and not isinstance(reference, Node):
        # an exact match that no precision refutes: 0.1·exp(0) is 1/10 to 600 digits
        kept = _double_if_kept(double, last.lo, last.hi)
        return Settled(kept, reference) if kept is not None else None
    return "imprecise"  # every precision tried, none settles it
