"""Generic reasons a formula is wrong: a factor, a sign, an additive constant, n versus n−1,
a reciprocal, swapped arguments — and the card's own listed mistakes.

Deck-specific advice belongs in the deck's ``mistakes``, never here.  These
comparisons are advisory (they choose the feedback, never the verdict), so
they use double precision with a loose tolerance.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from trainer.grading.domains import Domain
from trainer.grading.expr import EvalError, Node, evaluate_float, pretty_name
from trainer.grading.expr.numeric import Value
from trainer.grading.numbers import factor_text, fmt_num

__all__ = ["Point", "diagnose", "match_mistakes"]

_CLOSE_REL = 1e-8


@dataclass
class Point:
    env: dict[str, Value]
    e: Value
    a: Value | None  # None: the answer is undefined here
    special: bool = False  # an edge or extreme point of a domain


def shape_of(v: object) -> tuple[int, int] | None:
    shape = getattr(v, "shape", None)
    if shape is None or len(shape) == 0:
        return None
    return (shape[0], shape[1] if len(shape) > 1 else 1)


def close(a: Value, e: Value) -> bool:
    """Equal to about 8 digits (advisory only)."""
    if getattr(a, "shape", None) is not None or getattr(e, "shape", None) is not None:
        import numpy as np

        if shape_of(a) != shape_of(e):
            return False
        with np.errstate(all="ignore"):
            diff = float(np.max(np.abs(np.asarray(a, float) - np.asarray(e, float))))
            mag = max(float(np.max(np.abs(np.asarray(a)))), float(np.max(np.abs(np.asarray(e)))))
    else:
        try:
            af, ef = float(a), float(e)
        except (TypeError, ValueError, OverflowError):
            return False
        diff = abs(af - ef)
        mag = max(abs(af), abs(ef))
    return math.isfinite(diff) and diff <= _CLOSE_REL * mag


def value_at(node: Node, env: Mapping[str, object]) -> Value | None:
    try:
        v, _ = evaluate_float(node, env)
    except (EvalError, ArithmeticError, ValueError, TypeError):
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _finite(v: Value) -> bool:
    if getattr(v, "shape", None) is not None:
        import numpy as np

        return bool(np.all(np.isfinite(np.asarray(v, float))))
    try:
        return math.isfinite(float(v))
    except (TypeError, ValueError, OverflowError):
        return False


def all_close(values: Sequence[object | None], targets: Sequence[object]) -> bool:
    for v, t in zip(values, targets, strict=True):
        if v is None or not close(v, t):
            return False
    return True


def _values(node: Node, envs: Sequence[Mapping[str, object]]) -> list[object | None]:
    return [value_at(node, env) for env in envs]


def match_mistakes(pts: list[Point], mistakes: Sequence[tuple[Node, str]]) -> str:
    """The feedback of the first listed mistake that the answer equals at every point."""
    if not pts:
        return ""
    envs = [p.env for p in pts]
    answers = [p.a for p in pts]
    for m_node, m_feedback in mistakes:
        vals = _values(m_node, envs)
        if any(v is not None and shape_of(v) != shape_of(a) for v, a in zip(vals, answers,
                                                                            strict=True)):
            continue
        if all_close(vals, answers):
            return m_feedback
    return ""


def _const_ratio(pts: list[Point]) -> float | None:
    ratios = []
    for p in pts:
        e, a = float(p.e), float(p.a)  # type: ignore[arg-type]
        if e == 0:
            if abs(a) > 1e-12:
                return None
            continue
        ratios.append(a / e)
    if not ratios:
        return None
    r0 = ratios[0]
    if all(abs(r - r0) <= 1e-7 * max(abs(r0), 1e-300) for r in ratios):
        return r0
    return None


def _ratio_phrase(r: float) -> str:
    if abs(r + 1) <= 1e-7:
        return "wrong sign"
    sign = ""
    if r < 0:
        sign, r = "wrong sign and ", -r
    fr = Fraction(r).limit_denominator(12)
    if fr != 0 and abs(float(fr) - r) <= 1e-7 * r and fr != 1:
        return sign + factor_text(fr)
    return sign + f"off by a constant factor of about {r:.6g}"


def _swaps(domains: Mapping[str, Domain]) -> list[tuple[str, dict[str, str]]]:
    """Symbol swaps to try: every x1<->x2 at once, then single same-domain pairs."""
    scalars = [n for n, d in domains.items() if not d.is_matrix]
    out: list[tuple[str, dict[str, str]]] = []
    by_stem: dict[str, dict[str, str]] = {}
    for n in scalars:
        m = re.fullmatch(r"(.*?)_?([12])", n)
        if m:
            by_stem.setdefault(m.group(1), {})[m.group(2)] = n
    multi: dict[str, str] = {}
    for pair in by_stem.values():
        if "1" in pair and "2" in pair and domains[pair["1"]] == domains[pair["2"]]:
            multi[pair["1"]], multi[pair["2"]] = pair["2"], pair["1"]
    if len(multi) > 2:
        label = ", ".join(f"{pretty_name(a)} ↔ {pretty_name(b)}" for a, b in multi.items()
                          if a < b)
        out.append((f"arguments swapped ({label})", multi))
    for i, a in enumerate(scalars):
        for b in scalars[i + 1:]:
            if domains[a] == domains[b] and len(out) < 16:
                out.append((f"{pretty_name(a)} and {pretty_name(b)} are swapped",
                            {a: b, b: a}))
    return out


def diagnose(exp_node: Node, pts: list[Point], domains: Mapping[str, Domain]) -> str:
    """A generic explanation of a wrong answer (from points where both sides are
    defined), or ""."""
    pts = [p for p in pts if p.a is not None and _finite(p.a) and _finite(p.e)]
    ordinary = [p for p in pts if not p.special]
    if len(ordinary) >= 3:  # extreme points lose digits in doubles: judge without them
        pts = ordinary
    if not pts:
        return ""
    answers = [p.a for p in pts]
    expected = [p.e for p in pts]

    def matches(vals: list[object | None]) -> bool:
        # the candidate must give the answer, and must not be the reference itself
        return all_close(answers, vals) and not all_close(vals, expected)

    envs = [p.env for p in pts]
    if any(shape_of(p.e) is not None for p in pts):
        return _diagnose_matrix(pts)
    r = _const_ratio(pts)
    if r is not None and r != 0 and abs(r - 1) > 1e-7:
        return _ratio_phrase(r)
    scalars = [n for n, d in domains.items() if not d.is_matrix]
    for s in scalars:
        vals = [float(p.e) * float(p.env[s]) for p in pts]
        name = pretty_name(s)
        if all_close(answers, vals):
            return f"off by a factor {name}: your answer is {name} times too large"
        try:
            vals = [float(p.e) / float(p.env[s]) for p in pts]
        except ZeroDivisionError:
            continue
        if all_close(answers, vals):
            return f"off by a factor {name}: your answer is {name} times too small"
    for s in scalars:
        d = domains[s]
        if d.is_integer:
            for delta, text in ((-1, "{n}−1 is used where {n} belongs"),
                                (1, "{n} is used where {n}−1 belongs")):
                shifted = [{**env, s: float(env[s]) + delta} for env in envs]
                if matches(_values(exp_node, shifted)):
                    return text.format(n=pretty_name(s))
    for text, mapping in _swaps(domains):
        swapped = [{**env, **{a: env[b] for a, b in mapping.items()}} for env in envs]
        if matches(_values(exp_node, swapped)):
            return text
    for s in scalars:
        d = domains[s]
        if d.lo == 0 and d.hi == 1 and not d.is_integer:
            flipped = [{**env, s: 1 - float(env[s])} for env in envs]
            if matches(_values(exp_node, flipped)):
                n = pretty_name(s)
                return f"{n} and 1 − {n} are swapped"
    try:
        recips = [1 / float(p.e) for p in pts]
    except ZeroDivisionError:
        recips = []
    if recips and all_close(answers, recips):
        return "this is the reciprocal of the correct answer"
    diffs = [float(p.a) - float(p.e) for p in pts]  # type: ignore[arg-type]
    d0 = diffs[0]
    if all(abs(d - d0) <= 1e-8 * max(abs(d0), 1.0) for d in diffs) and abs(d0) > 1e-9:
        return f"off by an additive constant ({fmt_num(d0)}): a dropped or extra term?"
    return ""


def _diagnose_matrix(pts: list[Point]) -> str:
    import numpy as np

    try:
        if all(shape_of(p.a) == shape_of(np.transpose(np.asarray(p.e))) and
               close(p.a, np.transpose(np.asarray(p.e))) for p in pts):
            return "your answer is the transpose of the correct one"
        ratios = []
        for p in pts:
            e = np.asarray(p.e, float)
            a = np.asarray(p.a, float)
            den = float(np.sum(e * e))
            if den == 0:
                return ""
            c = float(np.sum(a * e)) / den
            if not close(a, c * e):
                return ""
            ratios.append(c)
        r0 = ratios[0]
        if all(abs(r - r0) <= 1e-7 * abs(r0) for r in ratios) and abs(r0 - 1) > 1e-7:
            return _ratio_phrase(r0)
    except (ValueError, TypeError, FloatingPointError):
        return ""
    return ""
