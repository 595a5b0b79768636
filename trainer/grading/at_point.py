"""Two formulas compared exactly at one point, and an exact value put in words, on the
intervals `trainer.grading.precise` evaluates."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from trainer.grading.expr import nodes
from trainer.grading.precise import (
    PRECISIONS,
    Hopeless,
    Huge,
    Undefined,
    Unknown,
    evaluate,
    hi,
    lo,
)

__all__ = ["Outcome", "bound_words", "compare_point", "value_words"]


def _entries(v: Any) -> list[Any]:
    if hasattr(v, "rows") and hasattr(v, "cols"):
        return [v[i, j] for i in range(v.rows) for j in range(v.cols)]
    return [v]


def _shape(v: Any) -> tuple[int, int] | None:
    if hasattr(v, "rows") and hasattr(v, "cols"):
        return (v.rows, v.cols)
    return None


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    answer: str = ""  # the exact values, 6 figures (scalars only)
    reference: str = ""
    ref_known: bool = False  # "unknown": the reference had a value, the answer did not


def compare_point(exp_node: nodes.Node, ans_node: nodes.Node, env: Mapping[str, object], *,
                  rel: float, atol: float = 0.0, deadline: float = math.inf) -> Outcome:
    """Compare the two formulas exactly at one point.

    "equal": |answer − reference| ≤ atol + rel·|reference| holds for the exact values
    (|…| of a matrix: its largest entry); "different": it certainly does not;
    "ref-undefined"/"ans-undefined": that side has no value here; "unknown": no
    precision up to the last settles it, or the reference is ill-conditioned here.
    TimeoutError when the deadline passes.
    """
    ref_known = False
    for prec in PRECISIONS:
        try:
            e = evaluate(exp_node, env, prec, deadline=deadline, reference=True)
        except Undefined:
            return Outcome("ref-undefined")
        except Hopeless:
            return Outcome("unknown")
        except Unknown:
            continue
        try:
            a = evaluate(ans_node, env, prec, deadline=deadline)
        except Undefined:
            return Outcome("ans-undefined", "", _show(e))
        except Huge as huge:
            # an astronomically large (or small, non-zero) answer against an ordinary
            # reference: different, if the reference is not zero (tiny) or all within atol
            if _shape(e) is None and not (huge.tiny and (lo(e) <= 0 <= hi(e) or atol > 0)):
                return Outcome("different", "beyond 10^(10^300)" if not huge.tiny
                               else "below 10^(-10^300)", _show(e))
            return Outcome("unknown", ref_known=True)
        except Hopeless:
            return Outcome("unknown", ref_known=True)
        except Unknown:
            ref_known = True
            continue
        if _shape(a) != _shape(e):
            return Outcome("different")
        verdict = _decide(_entries(a), _entries(e), rel, atol)
        if verdict:
            return Outcome(verdict, *_show_pair(a, e))
    return Outcome("unknown", ref_known=ref_known)


def bound_words(a: Any, b: Any) -> str:
    """A value known only to lie between ``a`` and ``b`` (mpf: tiny, or one of them 0),
    in words that are true of it."""
    import mpmath

    bound = max(abs(a), abs(b))
    exp10 = int(mpmath.floor(mpmath.log10(bound))) + 1 if bound else 0
    shown = f"1e{exp10}"
    if exp10 < -10 ** 12:  # 10^(−1.2e299): the exponent's figures rounded towards 0
        digits = len(str(-exp10)) - 3
        shown = f"10^(-{-exp10 // 10 ** digits / 100:.2f}e{digits + 2})"
    if a > 0:
        return f"a positive number smaller than {shown}"
    if b < 0:
        return f"a negative number smaller than {shown} in size"
    return f"a number smaller than {shown} in size"


def value_words(a: Any, b: Any, digits: int = 6) -> str:
    """The value an interval [a, b] (mpf ends) holds: to ``digits`` figures where it is
    pinned down, else the bound it is known to keep (never a midpoint passed off as it)."""
    import mpmath

    mid = (a + b) / 2
    pinned = a == b or ((a > 0 or b < 0) and mpmath.mag(b - a) < mpmath.mag(mid) - 20)
    if not pinned and (a >= 1 or b <= -1):  # far out and not pinned down: its least size
        return f"a {'positive' if a > 0 else 'negative'} number larger than " \
               f"{value_words(min(abs(a), abs(b)), min(abs(a), abs(b)))} in size"
    if not pinned:
        return bound_words(a, b)
    if mid != 0 and abs(mpmath.mag(mid)) > 10 ** 12:  # 3.6e-1007988223047501816797…
        with mpmath.workprec(64 + mpmath.mag(abs(mpmath.mag(mid)))):
            log10 = mpmath.log10(abs(mid))
        return f"{'-' if mid < 0 else ''}10^({mpmath.nstr(log10, 6)})"
    return str(mpmath.nstr(mid, digits))


def _show(v: Any, digits: int = 6) -> str:
    if _shape(v) is not None:
        return ""
    return value_words(lo(v), hi(v), digits)


def _show_pair(a: Any, e: Any) -> tuple[str, str]:
    """Both values with as many digits as it takes to tell them apart (6 to 30)."""
    for digits in (6, 10, 15, 20, 30):
        sa, se = _show(a, digits), _show(e, digits)
        if sa != se:
            break
    return sa, se


def _decide(a: list[Any], e: list[Any], rel: float, atol: float) -> str:
    """Decide with the intervals' ends: equal when every value they allow is within
    the tolerance, different when none is."""
    import mpmath

    with mpmath.workprec(64):
        mag_hi = max(max(abs(lo(x)), abs(hi(x))) for x in e)
        mag_lo = max(_least_abs(lo(x), hi(x)) for x in e)
        diffs = [x - y for x, y in zip(a, e, strict=True)]
        diff_hi = max(max(abs(lo(d)), abs(hi(d))) for d in diffs)
        diff_lo = max(_least_abs(lo(d), hi(d)) for d in diffs)
        if diff_hi <= atol + rel * mag_lo:
            return "equal"
        if diff_lo > atol + rel * mag_hi:
            return "different"
    return ""


def _least_abs(a: Any, b: Any) -> Any:
    if a <= 0 <= b:
        return 0
    return min(abs(a), abs(b))
