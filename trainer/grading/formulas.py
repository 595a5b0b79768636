"""Comparing a formula with the reference: exact, at sample points, doubles first, mpmath to decide.

At each sample point (special points of every domain, then random ones) both
sides are evaluated in double precision.  A point where they agree cleanly
(no underflow, no cancellation, within 1e-13 of the reference's value) counts
as equal; every other point, and a few clean ones as a rigorous check, is
decided with mpmath interval arithmetic (:mod:`trainer.grading.precise`).
The tolerance is relative to the reference's value at the point and nothing
the answer writes can widen it.  Formulas are exact unless the card gives
``rtol``/``atol``.

Where the reference is undefined (or ill-conditioned: a nearly singular
matrix) the point is skipped; where the reference is defined and the answer
is not, the answer is wrong (so ``x^2/x`` is not accepted for ``x`` when
x may be 0: see the README).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trainer.grading.diagnosis import Point, diagnose, match_mistakes, shape_of
from trainer.grading.domains import Domain
from trainer.grading.expr import (
    EvalError,
    Node,
    ShapeError,
    VectorProduct,
    chain_holds,
    evaluate_float,
    fmt_shape,
    pretty_name,
)
from trainer.grading.expr.numeric import Value
from trainer.grading.numbers import fmt_num
from trainer.grading.sampling import Sampler

__all__ = ["EXACT_REL", "Relation", "compare_formulas"]

EXACT_REL = 1e-13  # "equal" for exact formulas: near machine precision
_TARGET_SCALAR, _TARGET_MATRIX = 12, 6
_VERIFY_SCALAR, _VERIFY_MATRIX = 3, 1  # points checked rigorously even when doubles agree
_MIN_POINTS = 3
_MAX_RANDOM = 200
_DIAGNOSE_POINTS = 8
_CANCELLATION = 1e6  # a summed term this much larger than the result: doubles lost digits
_TINY = 1e-250

Relation = tuple[tuple[Node, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Comparison:
    verdict: str  # "correct" | "incorrect" | "invalid" | "undecided"
    message: str
    feedback: str = ""


def _holds(relation: Relation, env: Mapping[str, object]) -> bool:
    nodes, ops = relation
    try:
        values = [float(evaluate_float(n, env)[0]) for n in nodes]
    except (EvalError, TypeError, ValueError, ArithmeticError):
        return False
    return chain_holds(values, ops)


def _double(node: Node, env: Mapping[str, object]) -> tuple[Value, float] | None:
    """(value, largest summed term) in doubles; None where undefined or not finite.
    Raises ShapeError."""
    try:
        v, scale = evaluate_float(node, env)
    except ShapeError:
        raise
    except (EvalError, ArithmeticError, ValueError, TypeError):
        return None
    if getattr(v, "shape", None) is not None:
        import numpy as np

        with np.errstate(all="ignore"):
            if not np.all(np.isfinite(np.asarray(v, float))):
                return None
    else:
        try:
            if not math.isfinite(float(v)):
                return None
        except (TypeError, ValueError, OverflowError):
            return None
    return v, scale


def _clean(a: tuple[Value, float], e: tuple[Value, float], rel: float, atol: float,
           given: bool) -> bool:
    """Whether doubles alone show the two values equal (no digits were lost)."""
    av, sa = a
    ev, se = e
    if getattr(av, "shape", None) is not None or getattr(ev, "shape", None) is not None:
        import numpy as np

        with np.errstate(all="ignore"):
            diff = float(np.max(np.abs(np.asarray(av, float) - np.asarray(ev, float))))
            mag = float(np.max(np.abs(np.asarray(ev, float))))
        if not (mag > _TINY and math.isfinite(diff)):
            return False
        fast = 0.5 * (atol + rel * mag) if given else 1e-11 * mag
        return diff <= fast
    af, ef = float(av), float(ev)
    if abs(af) < _TINY or abs(ef) < _TINY:
        return False
    if sa > _CANCELLATION * abs(af) or se > _CANCELLATION * abs(ef):
        return False
    fast = 0.5 * (atol + rel * abs(ef)) if given else rel * abs(ef)
    return abs(af - ef) <= fast


def _plainly_apart(a: tuple[Value, float], e: tuple[Value, float]) -> bool:
    """Whether doubles alone show the two values different beyond any rounding doubt:
    apart by more than 1e-6 of the largest value or summed term on either side."""
    av, sa = a
    ev, se = e
    if getattr(av, "shape", None) is not None or getattr(ev, "shape", None) is not None:
        import numpy as np

        with np.errstate(all="ignore"):
            x, y = np.asarray(av, float), np.asarray(ev, float)
            if x.shape != y.shape:
                return False
            diff = float(np.max(np.abs(x - y)))
            mag = max(float(np.max(np.abs(x))), float(np.max(np.abs(y))), sa, se)
    else:
        af, ef = float(av), float(ev)
        diff, mag = abs(af - ef), max(abs(af), abs(ef), sa, se)
    return math.isfinite(diff) and math.isfinite(mag) and diff > 1e-6 * mag and diff > _TINY


def point_text(env: Mapping[str, object], domains: Mapping[str, Domain]) -> str:
    parts = []
    for name, dom in domains.items():
        if dom.is_matrix or name not in env:
            continue
        v = env[name]
        parts.append(f"{pretty_name(name)} = "
                     f"{fmt_num(v) if dom.is_integer else f'{float(v):.4g}'}")  # type: ignore
    return ", ".join(parts)


def _shape_word(s: tuple[int, int] | None) -> str:
    return "a scalar" if s is None else f"a {fmt_shape(s)} matrix"


def compare_formulas(exp_node: Node, ans_node: Node, domains: Mapping[str, Domain], *,
                     rtol: float | None, atol: float | None,
                     mistakes: Sequence[tuple[Node, str]] = (),
                     relations: Sequence[Relation] = (),
                     deadline: float = math.inf) -> Comparison:
    """The verdict on a formula (module docstring)."""
    from trainer.grading.at_point import compare_point

    given = rtol is not None or atol is not None
    rel = rtol if rtol is not None else (0.0 if atol is not None else EXACT_REL)
    atol_f = float(atol or 0.0)
    sampler = Sampler(domains)
    target = _TARGET_MATRIX if sampler.has_matrix else _TARGET_SCALAR
    verify = _VERIFY_MATRIX if sampler.has_matrix else _VERIFY_SCALAR
    decided = verified = 0
    far: list[tuple[Point, str, str, bool]] = []
    undefined: list[tuple[Point, str, bool]] = []
    points: list[Point] = []  # where both sides are defined (for diagnosis)
    timed_out = False
    doubt: Point | None = None  # the answer could not be evaluated precisely here
    np_ctx = None
    if sampler.has_matrix:
        import numpy as np

        np_ctx = np.errstate(all="ignore")
        np_ctx.__enter__()
    try:
        fits = (lambda env: all(_holds(r, env) for r in relations)) if relations else None
        for i, (env, special) in enumerate(sampler.points(_MAX_RANDOM, fits, ans_node,
                                                                 deadline)):
            wrong = bool(far or undefined)
            if wrong and len(points) >= _DIAGNOSE_POINTS:
                break
            if not wrong and i >= 2 and not special and decided >= target:
                break
            if time.monotonic() > deadline:
                timed_out = True
                break
            if relations and not all(_holds(r, env) for r in relations):
                continue
            try:
                e = _double(exp_node, env)
            except ShapeError as exc:
                return Comparison("undecided", "the reference answer's shapes do not fit: "
                                  + sampler.name_shapes(str(exc)))
            if e is None:
                continue
            try:
                a = _double(ans_node, env)
            except ShapeError as exc:
                # two vectors side by side mean one of two things: the learner says which
                return Comparison("invalid" if isinstance(exc, VectorProduct) else "incorrect",
                                  "the shapes do not fit: " + sampler.name_shapes(str(exc)))
            if a is not None and shape_of(a[0]) != shape_of(e[0]):
                return Comparison("incorrect", sampler.name_shapes(
                    f"your answer is {_shape_word(shape_of(a[0]))} but the answer is "
                    f"{_shape_word(shape_of(e[0]))}"))
            if wrong:  # the verdict is known: ordinary points help to say why
                if a is not None and not special:
                    points.append(Point(env, e[0], a[0], special))
                continue
            if a is not None and verified >= verify and _clean(a, e, rel, atol_f, given):
                decided += 1
                points.append(Point(env, e[0], a[0], special))
                continue
            try:
                out = compare_point(exp_node, ans_node, env, rel=rel, atol=atol_f,
                                    deadline=deadline)
            except TimeoutError:
                timed_out = True
                break
            if out.status == "equal":
                decided += 1
                verified += 1
                points.append(Point(env, e[0], None if a is None else a[0], special))
            elif out.status == "different":
                far.append((Point(env, e[0], None if a is None else a[0], special), out.answer,
                            out.reference, special))
                points.append(far[-1][0])
            elif out.status == "ans-undefined":
                undefined.append((Point(env, e[0], None), out.reference, special))
            elif out.ref_known and (a is not None or not special):
                # the reference has a value here and the answer's could not be pinned down:
                # not a point to drop (an answer could hide a wrong term behind it), except
                # at a domain's extremes where the answer overflows doubles too (exp(2x))
                if a is not None and _plainly_apart(a, e):
                    far.append((Point(env, e[0], a[0], special), "", "", special))
                    points.append(far[-1][0])
                elif doubt is None:
                    doubt = Point(env, e[0], None if a is None else a[0], special)
    finally:
        if np_ctx is not None:
            np_ctx.__exit__(None, None, None)

    if far or undefined:
        return _incorrect(exp_node, far, undefined, points, domains, mistakes)
    if timed_out:
        return Comparison("undecided", "ran out of time while comparing")
    if doubt is not None:
        where = point_text(doubt.env, domains)
        return Comparison("undecided", "could not decide: at " + (where or "a sample point")
                          + " your answer could not be evaluated precisely enough to compare "
                          "it with the correct value"
                          + (f" ({fmt_num(doubt.e)})" if shape_of(doubt.e) is None else ""))
    if decided >= _MIN_POINTS and verified >= 1:
        return Comparison("correct", "correct")
    return _ask_sympy(exp_node, ans_node, domains, sampler.has_matrix, deadline)


def _ask_sympy(exp_node: Node, ans_node: Node, domains: Mapping[str, Domain],
               has_matrix: bool, deadline: float) -> Comparison:
    reason = "the reference is undefined or ill-conditioned at most sample points"
    if has_matrix:
        return Comparison("undecided", f"could not decide: {reason}")
    from trainer.grading._sympy_worker import get_worker

    remaining = deadline - time.monotonic() - 0.2  # killing the worker takes a moment
    if remaining <= 0:
        return Comparison("undecided", f"could not decide in time: {reason}")
    status, why = get_worker().call((exp_node, ans_node, dict(domains)), remaining)
    if status == "equal":
        return Comparison("correct", "correct (checked symbolically)")
    if status == "different":
        return Comparison("incorrect", "incorrect (checked symbolically)")
    return Comparison("undecided", f"could not decide: {reason}; {why}")


def _incorrect(exp_node: Node, far: list[tuple[Point, str, str, bool]],
               undefined: list[tuple[Point, str, bool]], points: list[Point],
               domains: Mapping[str, Domain],
               mistakes: Sequence[tuple[Node, str]]) -> Comparison:
    if far:
        # show an ordinary point rather than an extreme one where there is a choice
        p, a_text, e_text, _ = min(far, key=lambda f: f[3])
        where = point_text(p.env, domains)
        if shape_of(p.e) is None:
            shown = f"your answer is {a_text or fmt_num(p.a)} but the correct value is " \
                    f"{e_text or fmt_num(p.e)}"
            msg = f"not equivalent: at {where} {shown}" if where else f"not equivalent: {shown}"
        else:
            msg = "not equivalent: the matrices differ" + (f" (at {where})" if where else "")
    else:
        p, e_text, _ = min(undefined, key=lambda u: u[2])
        msg = ("not equivalent: your answer is undefined at "
               + (point_text(p.env, domains) or "the sample points")
               + " where the correct answer is defined"
               + (f" (it is {e_text} there)" if e_text else ""))
    defined = [q for q in points if q.a is not None]
    feedback = match_mistakes(defined, mistakes) if defined else ""
    if not feedback and len(defined) >= _MIN_POINTS:
        feedback = diagnose(exp_node, defined, domains)
    return Comparison("incorrect", msg, feedback)
