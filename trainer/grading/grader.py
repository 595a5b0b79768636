"""Deciding whether an answer is right, and why not.

``grade(expected, answer, ...)`` parses both sides with the safe parser,
then:

* numbers (no free symbols): exact rational arithmetic where the text is
  exact, compared with a relative tolerance (an absolute one only when the
  reference is zero or the card asks for it);
* formulas: evaluated at random points inside the declared domains (and on
  random matrices of the declared shapes, with dimension sizes drawn afresh
  and distinct at every point), resampling where the reference is
  undefined.  Values that agree only roughly (ill-conditioned) or a
  reference that is undefined almost everywhere go to sympy in a warm worker
  process that is killed at the deadline.

Every call returns a :class:`Result` within ``timeout`` seconds: correct,
incorrect, invalid (the text is not understood) or undecided.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from trainer.grading.domains import Domain, parse_symbols
from trainer.grading.expr import (
    CONSTANTS,
    DEFAULT_FUNCTIONS,
    GREEK,
    MATRIX_FUNCTIONS,
    EvalError,
    Neg,
    Node,
    Num,
    ParseError,
    ShapeError,
    chain_holds,
    evaluate,
    evaluate_float,
    figures_for,
    fmt_shape,
    format_number,
    free_names,
    parse,
    pretty,
    pretty_name,
    split_comparison,
)
from trainer.review import Verdict  # one type from the grader to the review log

__all__ = ["Result", "Verdict", "grade", "preview", "warm_up"]

# sampling: values agreeing to CLOSE are equal, beyond GRAY they differ
_CLOSE_REL, _CLOSE_SCALE = 1e-8, 1e-10
_GRAY_REL, _GRAY_SCALE = 1e-4, 1e-6
_TARGET_SCALAR, _TARGET_MATRIX = 12, 6
_MIN_POINTS = 3
_MAX_ATTEMPTS = 240
_SEED = 0x5EED


@dataclass(frozen=True)
class Result:
    verdict: Verdict
    parsed: str = ""
    message: str = ""
    feedback: str = ""
    warnings: tuple[str, ...] = ()
    fix: tuple[int, int] | None = None  # invalid input: the span of the answer to change

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT

    def to_dict(self) -> dict[str, object]:
        d: dict[str, object] = {"verdict": self.verdict.value, "parsed": self.parsed,
                                "message": self.message}
        if self.feedback:
            d["feedback"] = self.feedback
        if self.warnings:
            d["warnings"] = list(self.warnings)
        return d


# ------------------------------------------------------------------ public API

# How long one answer may take, parsing included, before it is undecided. The test suite
# raises it: a busy 2-core machine can pause a process for longer, and tests assert verdicts
# (bench/run.py measures the time).
DEADLINE_SECONDS = 2.0


def grade(expected: str | float | int, answer: str, *,
          symbols: str | Mapping[str, str] | None = None, rtol: float = 1e-3,
          atol: float | None = None, mistakes: Sequence[tuple[str, str]] = (),
          timeout: float | None = None, where: Sequence[str] = ()) -> Result:
    """Grade ``answer`` against ``expected``; never raises, never hangs.

    ``where`` holds relations among the symbols (``k <= n``) that sample points must
    meet, so that a formula is compared, and a counterexample shown, only where the
    card's question makes sense. One that names anything else is ignored.
    """
    start = time.monotonic()
    if timeout is None:
        timeout = DEADLINE_SECONDS
    try:
        return _grade(expected, answer, symbols, rtol, atol, mistakes, start + timeout,
                      where)
    except Exception as exc:  # noqa: BLE001 - the contract is: a verdict, never a crash
        return Result(Verdict.UNDECIDED, message=f"internal error while grading: "
                                                 f"{type(exc).__name__}: {exc}")


def preview(answer: str, *, symbols: str | Mapping[str, str] | None = None
            ) -> tuple[bool, str]:
    """(True, pretty) or (False, what is wrong) — for live display; no sympy."""
    if not isinstance(answer, str) or not answer.strip():
        return (False, "")
    try:
        domains = parse_symbols(symbols)
    except ValueError as exc:
        return (False, str(exc))
    names, matrices = _names(domains)
    try:
        return (True, pretty(parse(answer, names=names, matrices=matrices)))
    except ParseError as exc:
        return (False, str(exc))


def warm_up(timeout: float = 30.0) -> bool:
    """Load numpy here and start the sympy worker; True once it is ready."""
    import numpy  # noqa: F401

    from trainer.grading._sympy_worker import get_worker

    return get_worker().warm_up(timeout)


# -------------------------------------------------------------------- helpers


def _names(domains: Mapping[str, Domain]) -> tuple[frozenset[str], frozenset[str]]:
    names = frozenset(n for n, d in domains.items() if not d.is_matrix)
    matrices = frozenset(n for n, d in domains.items() if d.is_matrix)
    return names, matrices


_IDENT_RE = re.compile("[A-Za-z_][A-Za-z0-9_]*|[" + "".join(GREEK) + "]+")


def _infer_symbols(text: str) -> dict[str, Domain]:
    """Undeclared names in a reference become real symbols (CLI convenience)."""
    out: dict[str, Domain] = {}
    skip = DEFAULT_FUNCTIONS | CONSTANTS | MATRIX_FUNCTIONS
    for m in _IDENT_RE.finditer(text):
        name = "".join(GREEK.get(ch, ch) for ch in m.group(0))
        if name == "sigma" and text[m.end():].lstrip().startswith("("):
            continue  # σ(…) is the sigmoid; σ anywhere else (σ²/n) is a symbol
        if name not in skip and not name.startswith("_"):
            out[name] = Domain("real")
    return out


@lru_cache(maxsize=1024)
def _parse_cached(text: str, names: frozenset[str], matrices: frozenset[str]) -> Node:
    return parse(text, names=names, matrices=matrices, max_length=20000)


def _to_float(x: object) -> float:
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:
        return math.inf if x > 0 else -math.inf  # type: ignore[operator]


def _fmt_num(x: object) -> str:
    return format_number(x, digits=6)


def _point_text(env: Mapping[str, object], domains: Mapping[str, Domain]) -> str:
    parts = []
    for name, dom in domains.items():
        if dom.is_matrix or name not in env:
            continue
        v = env[name]
        parts.append(f"{pretty_name(name)} = {_fmt_num(v) if dom.is_integer else f'{v:.4g}'}")
    return ", ".join(parts)


# --------------------------------------------------------------------- grading


def _grade(expected: object, answer: object, symbols: object, rtol: float,
           atol: float | None, mistakes: Sequence[tuple[str, str]],
           deadline: float, where: Sequence[str] = ()) -> Result:
    # the card's side first: problems there are not the learner's fault
    try:
        domains = parse_symbols(symbols)  # type: ignore[arg-type]
    except ValueError as exc:
        return Result(Verdict.UNDECIDED, message=f"the card's symbols are invalid: {exc}")
    if isinstance(expected, bool) or not isinstance(expected, (str, int, float, Fraction)):
        return Result(Verdict.UNDECIDED, message="the reference answer is not an expression")
    if symbols is None and isinstance(expected, str):
        domains = _infer_symbols(expected)
    names, matrices = _names(domains)
    if isinstance(expected, str):
        try:
            exp_node = _parse_cached(expected, names, matrices)
        except ParseError as exc:
            return Result(Verdict.UNDECIDED,
                          message=f"the reference answer could not be read: {exc}")
    else:
        if isinstance(expected, float) and not math.isfinite(expected):
            return Result(Verdict.UNDECIDED, message="the reference answer is not finite")
        exp_node = Num(Fraction(expected) if isinstance(expected, float) else expected,
                       repr(expected))

    if not isinstance(answer, str):
        return Result(Verdict.INVALID, message="the answer must be text")
    if not answer.strip():
        return Result(Verdict.INVALID, message="empty answer")
    warnings: list[str] = []
    try:
        ans_node = parse(answer, names=names, matrices=matrices, warnings=warnings)
    except ParseError as exc:
        return Result(Verdict.INVALID, message=str(exc), fix=exc.fix)
    parsed = pretty(ans_node)

    if not free_names(exp_node) and not matrices:
        return _grade_number(exp_node, ans_node, parsed, tuple(warnings), rtol, atol,
                             mistakes, names, matrices)
    relations = _relations(where, names, matrices)
    return _grade_formula(exp_node, ans_node, parsed, warnings, domains, mistakes,
                          names, matrices, deadline, relations)


_Relation = tuple[tuple[Node, ...], tuple[str, ...]]


def _relations(where: Sequence[str], names: frozenset[str],
               matrices: frozenset[str]) -> list[_Relation]:
    """``0 < k <= n`` → ((0, k, n), ("<", "<=")); texts that do not parse over the
    declared symbols (they name params, or nothing) are left out."""
    out = []
    for text in where:
        sides, ops = split_comparison(text)
        if not ops:
            continue
        try:
            nodes = tuple(_parse_cached(side, names, matrices) for side in sides)
        except ParseError:
            continue
        if not any(free_names(n) for n in nodes):
            continue
        out.append((nodes, tuple(ops)))
    return out


def _holds(relation: _Relation, env: Mapping[str, object]) -> bool:
    nodes, ops = relation
    try:
        values = [float(evaluate_float(n, env)[0]) for n in nodes]  # type: ignore[arg-type]
    except (EvalError, TypeError, ValueError, ArithmeticError):
        return False
    return chain_holds(values, ops)


# ............................................................... numbers


def _num_close(a: object, e: object, rtol: float, atol: float | None) -> bool:
    if isinstance(a, (int, Fraction)) and isinstance(e, (int, Fraction)):
        diff: object = abs(Fraction(a) - Fraction(e))
        mag: object = abs(Fraction(e))
        r = Fraction(rtol)
    else:
        af, ef = _to_float(a), _to_float(e)
        if not (math.isfinite(af) and math.isfinite(ef)):
            return False
        diff, mag, r = abs(af - ef), abs(ef), rtol  # type: ignore[assignment]
    if atol is not None:
        return diff <= atol + r * mag  # type: ignore[operator]
    if mag == 0:
        return diff <= 1e-12  # type: ignore[operator]
    return diff <= r * mag  # type: ignore[operator]


def _grade_number(exp_node: Node, ans_node: Node, parsed: str, warnings: tuple[str, ...],
                  rtol: float, atol: float | None, mistakes: Sequence[tuple[str, str]],
                  names: frozenset[str], matrices: frozenset[str]) -> Result:
    try:
        e = evaluate(exp_node, {}, exact=True)
    except EvalError as exc:
        return Result(Verdict.UNDECIDED, parsed,
                      f"the reference answer could not be evaluated: {exc}", warnings=warnings)
    ef = _to_float(e)
    if not math.isfinite(ef):
        return Result(Verdict.UNDECIDED, parsed, "the reference answer is not finite",
                      warnings=warnings)
    used = free_names(ans_node)
    if used:
        return Result(Verdict.INCORRECT, parsed,
                      "a number is expected, but your answer depends on "
                      + ", ".join(pretty_name(n) for n in sorted(used)), warnings=warnings)
    try:
        a = evaluate(ans_node, {}, exact=True)
    except EvalError as exc:
        return Result(Verdict.INVALID, parsed, f"your answer could not be evaluated: {exc}",
                      warnings=warnings)
    af = _to_float(a)
    if not math.isfinite(af) and not isinstance(a, (int, Fraction)):
        return Result(Verdict.INVALID, parsed, "your answer is not a finite number",
                      warnings=warnings)
    if _num_close(a, e, rtol, atol):
        return Result(Verdict.CORRECT, parsed, "correct", warnings=warnings)
    feedback = ""
    for m_text, m_feedback in mistakes:
        try:
            mv = evaluate(_parse_cached(m_text, names, matrices), {}, exact=True)
        except (ParseError, EvalError):
            continue
        if _num_close(a, mv, rtol, atol) and not _num_close(mv, e, rtol, atol):
            feedback = m_feedback
            break
    if not feedback:
        coarse = _coarse_rounding(ans_node, ef, rtol, atol)
        if coarse:
            # the right value, rounded: ask for more digits rather than fail the card
            return Result(Verdict.INVALID, parsed, coarse, warnings=warnings)
        feedback = _diagnose_number(af, ef, rtol)
    rel = abs(af - ef) / abs(ef) if ef else math.inf
    msg = f"incorrect: your answer is {_fmt_num(a)}, the reference is {_fmt_num(e)}"
    if ef and rel < 1:
        msg += f" (relative error {rel:.1e}; tolerance {rtol:g})"
    return Result(Verdict.INCORRECT, parsed, msg, feedback, warnings)


_DECIMAL = re.compile(r"^(\d*)\.?(\d*)(?:[eE]([-+]?\d+))?$")


def _coarse_rounding(node: Node, expected: float, rtol: float, atol: float | None) -> str:
    """A message when ``node`` is a bare decimal that is ``expected`` correctly rounded
    (within half a unit of its last digit) but to too few figures for the tolerance."""
    negative = isinstance(node, Neg)
    num = node.arg if negative else node
    if not isinstance(num, Num) or not num.text or atol is not None:
        return ""
    m = _DECIMAL.match(num.text.strip())
    if m is None or "." not in num.text and "e" not in num.text.lower():
        return ""
    whole, frac, exp = m.group(1), m.group(2), int(m.group(3) or 0)
    digits = (whole + frac).lstrip("0")
    if not digits:
        return ""
    unit = 10.0 ** (exp - len(frac))
    value = float(num.value) * (-1 if negative else 1)
    need = figures_for(rtol)
    if len(digits) >= need or abs(value - expected) > unit / 2 * (1 + 1e-9):
        return ""
    return (f"{'-' if negative else ''}{num.text} is the right value rounded to {len(digits)} significant "
            f"figure{'s' if len(digits) > 1 else ''}; give at least {need}")


_FACTORS = (2, 3, 4, 10, 100, 1000, Fraction(3, 2))


def _factor_text(k: Fraction) -> str:
    if k > 1:
        return f"off by a factor of {k}: your answer is {k} times too large"
    inv = 1 / k
    return f"off by a factor of {inv}: your answer is {inv} times too small"


def _diagnose_number(a: float, e: float, rtol: float) -> str:
    if e == 0 or a == 0 or not math.isfinite(a):
        return ""
    r = a / e
    tol = 2 * rtol
    if abs(r + 1) <= tol:
        return "wrong sign"
    for k in _FACTORS:
        for kk in (Fraction(k), 1 / Fraction(k)):
            if abs(r - float(kk)) <= tol * float(kk):
                extra = " (a percentage instead of a fraction?)" if kk == 100 else ""
                return _factor_text(kk) + extra
    if abs(a * e - 1) <= tol:
        return "this is the reciprocal of the correct value"
    if 0 < e < 1 and abs(a - (1 - e)) <= tol * abs(1 - e):
        return "this is 1 − (the correct value): p and 1 − p swapped?"
    if abs(r - 1) <= 20 * rtol:
        return "close to the reference, but not equal to it"
    return ""


# .............................................................. formulas


class _Sampler:
    def __init__(self, domains: Mapping[str, Domain]):
        self.domains = domains
        self.rng = random.Random(_SEED)
        self.has_matrix = any(d.is_matrix for d in domains.values())
        self.np_rng = None
        if self.has_matrix:
            import numpy as np

            self.np_rng = np.random.default_rng(_SEED)
        dims_sym: list[str] = []
        literal: set[int] = set()
        for d in domains.values():
            if d.is_matrix:
                for k in (d.rows, d.cols):
                    if isinstance(k, str):
                        if k not in dims_sym:
                            dims_sym.append(k)
                    elif k is not None:
                        literal.add(k)
        self.dim_names = dims_sym
        self.pool = [k for k in range(2, 10) if k not in literal]
        self.last_dims: dict[str, int] = {}

    def sample(self) -> dict[str, object]:
        env: dict[str, object] = {}
        dims: dict[str, int] = {}
        if self.dim_names:
            sizes = self.rng.sample(self.pool, len(self.dim_names))
            dims = dict(zip(self.dim_names, sizes, strict=True))
        self.last_dims = dims
        for name, d in self.domains.items():
            if d.is_matrix:
                shape = tuple(dims[k] if isinstance(k, str) else k for k in (d.rows, d.cols))
                env[name] = self.np_rng.standard_normal(shape)  # type: ignore[union-attr]
            elif name in dims:
                env[name] = float(dims[name])
            else:
                env[name] = d.sample(self.rng)
        return env

    def name_shapes(self, text: str) -> str:
        """Replace sizes in '5×3' by dimension names where they are symbolic."""
        rev = {str(v): pretty_name(k) for k, v in self.last_dims.items()}
        if not rev:
            return text
        return re.sub(r"(\d+)×(\d+)",
                      lambda m: f"{rev.get(m.group(1), m.group(1))}×{rev.get(m.group(2), m.group(2))}",
                      text)


def _finite(v: object) -> bool:
    if isinstance(v, float):
        return math.isfinite(v)
    if isinstance(v, (int, Fraction)):
        return math.isfinite(_to_float(v))
    shape = getattr(v, "shape", None)
    if shape is not None:
        import numpy as np

        return bool(np.all(np.isfinite(v)))  # type: ignore[arg-type]
    return False


def _shape_of(v: object) -> tuple[int, int] | None:
    shape = getattr(v, "shape", None)
    if shape is None or len(shape) == 0:
        return None
    return (shape[0], shape[1] if len(shape) > 1 else 1)


def _compare(a: object, e: object, scale: float) -> int:
    """0: equal, 1: roughly equal (ill-conditioned?), 2: different."""
    if getattr(a, "shape", None) is not None or getattr(e, "shape", None) is not None:
        import numpy as np

        with np.errstate(all="ignore"):
            diff = float(np.max(np.abs(np.asarray(a, float) - np.asarray(e, float))))
            mag = max(float(np.max(np.abs(a))), float(np.max(np.abs(e))))  # type: ignore
    else:
        af, ef = float(a), float(e)  # type: ignore[arg-type]
        diff = abs(af - ef)
        mag = max(abs(af), abs(ef))
    if diff <= _CLOSE_REL * mag + _CLOSE_SCALE * scale or diff == 0:
        return 0
    if diff <= _GRAY_REL * mag + _GRAY_SCALE * scale:
        return 1
    return 2


def _eval_point(node: Node, env: Mapping[str, object]) -> tuple[object, float] | None:
    try:
        v, scale = evaluate_float(node, env)
    except ShapeError:
        raise
    except (EvalError, ArithmeticError, ValueError, TypeError):
        return None
    if not _finite(v):
        return None
    return v, scale


@dataclass
class _Point:
    env: dict[str, object]
    e: object
    a: object | None  # None: the answer is undefined here
    cls: int


def _grade_formula(exp_node: Node, ans_node: Node, parsed: str, warnings: list[str],
                   domains: Mapping[str, Domain], mistakes: Sequence[tuple[str, str]],
                   names: frozenset[str], matrices: frozenset[str],
                   deadline: float, relations: Sequence[_Relation] = ()) -> Result:
    def result(verdict: Verdict, message: str, feedback: str = "") -> Result:
        return Result(verdict, parsed, message, feedback, tuple(warnings))

    sampler = _Sampler(domains)
    target = _TARGET_MATRIX if sampler.has_matrix else _TARGET_SCALAR
    points: list[_Point] = []
    attempts = 0
    np_ctx = None
    if sampler.has_matrix:
        import numpy as np

        np_ctx = np.errstate(all="ignore")
        np_ctx.__enter__()
    try:
        while len(points) < target and attempts < _MAX_ATTEMPTS:
            if time.monotonic() > deadline:
                return result(Verdict.UNDECIDED, "ran out of time while comparing")
            attempts += 1
            env = sampler.sample()
            if relations and not all(_holds(r, env) for r in relations):
                continue
            try:
                ev = _eval_point(exp_node, env)
            except ShapeError as exc:
                return result(Verdict.UNDECIDED, "the reference answer's shapes do not fit: "
                              + sampler.name_shapes(str(exc)))
            if ev is None:
                continue
            e, se = ev
            try:
                av = _eval_point(ans_node, env)
            except ShapeError as exc:
                return result(Verdict.INCORRECT,
                              "the shapes do not fit: " + sampler.name_shapes(str(exc)))
            if av is None:
                points.append(_Point(env, e, None, 2))
                continue
            a, sa = av
            s_e, s_a = _shape_of(e), _shape_of(a)
            if s_e != s_a:
                return result(Verdict.INCORRECT, sampler.name_shapes(
                    f"your answer is {_shape_word(s_a)} but the answer is {_shape_word(s_e)}"))
            points.append(_Point(env, e, a, _compare(a, e, max(se, sa))))
    finally:
        if np_ctx is not None:
            np_ctx.__exit__(None, None, None)

    defined = [p for p in points if p.a is not None]
    undefined = [p for p in points if p.a is None]
    far = [p for p in defined if p.cls == 2]
    gray = [p for p in defined if p.cls == 1]

    if far or undefined:
        return _incorrect(exp_node, ans_node, points, far, undefined, domains, mistakes,
                          names, matrices, sampler, result)
    if len(defined) >= _MIN_POINTS and not gray:
        return result(Verdict.CORRECT, "correct")
    # sampling can not decide: ask sympy
    reason = ("the values agree only approximately" if gray
              else "the reference is undefined at most sample points")
    if sampler.has_matrix:
        return result(Verdict.UNDECIDED, f"could not decide: {reason}")
    from trainer.grading._sympy_worker import get_worker

    remaining = deadline - time.monotonic() - 0.05
    if remaining <= 0:
        return result(Verdict.UNDECIDED, f"could not decide in time: {reason}")
    status, why = get_worker().call((exp_node, ans_node, dict(domains)), remaining)
    if status == "equal":
        return result(Verdict.CORRECT, "correct (checked symbolically)")
    if status == "different" and not gray:
        return result(Verdict.INCORRECT, "incorrect (checked symbolically)")
    return result(Verdict.UNDECIDED, f"could not decide: {reason}; {why}")


def _shape_word(s: tuple[int, int] | None) -> str:
    return "a scalar" if s is None else f"a {fmt_shape(s)} matrix"


def _incorrect(exp_node: Node, ans_node: Node, points: list[_Point], far: list[_Point],
               undefined: list[_Point], domains: Mapping[str, Domain],
               mistakes: Sequence[tuple[str, str]], names: frozenset[str],
               matrices: frozenset[str], sampler: _Sampler, result) -> Result:  # type: ignore
    defined = [p for p in points if p.a is not None]
    if far:
        p = far[0]
        where = _point_text(p.env, domains)
        if _shape_of(p.e) is None:
            msg = (f"not equivalent: at {where} your answer is {_fmt_num(p.a)} but the "
                   f"correct value is {_fmt_num(p.e)}") if where else (
                f"not equivalent: your answer is {_fmt_num(p.a)} but the correct value is "
                f"{_fmt_num(p.e)}")
        else:
            msg = "not equivalent: the matrices differ" + (f" (at {where})" if where else "")
    else:
        msg = ("not equivalent: your answer is undefined at "
               + (_point_text(undefined[0].env, domains) or "the sample points")
               + " where the correct answer is defined")
    feedback = _match_mistakes(exp_node, defined, mistakes, names, matrices)
    if not feedback and defined and not undefined:
        feedback = _diagnose(exp_node, defined, domains)
    return result(Verdict.INCORRECT, msg, feedback)


def _all_close(values: Sequence[object | None], targets: Sequence[object]) -> bool:
    for v, t in zip(values, targets, strict=True):
        if v is None or _compare(v, t, 0.0) == 2:
            return False
    return True


def _values(node: Node, envs: Sequence[Mapping[str, object]]) -> list[object | None]:
    out: list[object | None] = []
    for env in envs:
        try:
            r = _eval_point(node, env)
        except ShapeError:
            r = None
        out.append(None if r is None else r[0])
    return out


def _match_mistakes(exp_node: Node, pts: list[_Point], mistakes: Sequence[tuple[str, str]],
                    names: frozenset[str], matrices: frozenset[str]) -> str:
    if not pts:
        return ""
    envs = [p.env for p in pts]
    answers = [p.a for p in pts]
    for m_text, m_feedback in mistakes:
        try:
            m_node = _parse_cached(m_text, names, matrices)
        except ParseError:
            continue
        vals = _values(m_node, envs)
        if any(v is not None and _shape_of(v) != _shape_of(a) for v, a in zip(vals, answers,
                                                                            strict=True)):
            continue
        if _all_close(vals, answers):  # type: ignore[arg-type]
            return m_feedback
    return ""


def _const_ratio(pts: list[_Point]) -> float | None:
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
        return sign + _factor_text(fr)
    return sign + f"off by a constant factor of about {r:.4g}"


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
        out.append((f"arguments swapped ({label}): the two distributions are the wrong way "
                    "round (KL is not symmetric)", multi))
    for i, a in enumerate(scalars):
        for b in scalars[i + 1:]:
            if domains[a] == domains[b] and len(out) < 16:
                out.append((f"{pretty_name(a)} and {pretty_name(b)} are swapped",
                            {a: b, b: a}))
    return out


def _diagnose(exp_node: Node, pts: list[_Point], domains: Mapping[str, Domain]) -> str:
    """A generic explanation of a wrong answer, or ""."""
    text = _diagnose_raw(exp_node, pts, domains)
    return text


def _diagnose_raw(exp_node: Node, pts: list[_Point], domains: Mapping[str, Domain]) -> str:
    answers = [p.a for p in pts]
    expected = [p.e for p in pts]

    def matches(vals: list[object | None]) -> bool:
        # the candidate must give the answer, and must not be the reference itself
        return _all_close(answers, vals) and not _all_close(vals, expected)

    envs = [p.env for p in pts]
    if any(_shape_of(p.e) is not None for p in pts):
        return _diagnose_matrix(pts)
    r = _const_ratio(pts)
    if r is not None and abs(r - 1) > 1e-7:
        return _ratio_phrase(r)
    scalars = [n for n, d in domains.items() if not d.is_matrix]
    for s in scalars:
        vals = [float(p.e) * float(p.env[s]) for p in pts]  # type: ignore[arg-type]
        hint = " (one observation versus the whole sample?)" if domains[s].is_integer else ""
        name = pretty_name(s)
        if _all_close(answers, vals):
            return f"off by a factor {name}: your answer is {name} times too large{hint}"
        try:
            vals = [float(p.e) / float(p.env[s]) for p in pts]  # type: ignore[arg-type]
        except ZeroDivisionError:
            continue
        if _all_close(answers, vals):
            return f"off by a factor {name}: your answer is {name} times too small{hint}"
    for s in scalars:
        d = domains[s]
        if d.is_integer:
            for delta, text in ((-1, "{n}−1 is used where {n} belongs"),
                                (1, "{n} is used where {n}−1 belongs")):
                shifted = [{**env, s: float(env[s]) + delta} for env in envs]  # type: ignore
                if matches(_values(exp_node, shifted)):
                    return text.format(n=pretty_name(s))
    for text, mapping in _swaps(domains):
        swapped = [{**env, **{a: env[b] for a, b in mapping.items()}} for env in envs]
        if matches(_values(exp_node, swapped)):
            return text
    for s in scalars:
        d = domains[s]
        if d.lo == 0 and d.hi == 1 and not d.is_integer:
            flipped = [{**env, s: 1 - float(env[s])} for env in envs]  # type: ignore
            if matches(_values(exp_node, flipped)):
                n = pretty_name(s)
                return f"{n} and 1 − {n} are swapped"
    try:
        recips = [1 / float(p.e) for p in pts]  # type: ignore[arg-type]
    except ZeroDivisionError:
        recips = []
    if recips and _all_close(answers, recips):
        return ("this is the reciprocal of the correct answer (information versus the "
                "variance bound?)")
    diffs = [float(p.a) - float(p.e) for p in pts]  # type: ignore[arg-type]
    d0 = diffs[0]
    if all(abs(d - d0) <= 1e-8 * max(abs(d0), 1.0) for d in diffs) and abs(d0) > 1e-9:
        return f"off by an additive constant ({_fmt_num(d0)}): a dropped or extra term?"
    return ""


def _diagnose_matrix(pts: list[_Point]) -> str:
    import numpy as np

    try:
        if all(_shape_of(p.a) == _shape_of(np.transpose(p.e)) and
               _compare(p.a, np.transpose(p.e), 0.0) == 0 for p in pts):
            return "your answer is the transpose of the correct one"
        ratios = []
        for p in pts:
            e = np.asarray(p.e, float)
            a = np.asarray(p.a, float)
            den = float(np.sum(e * e))
            if den == 0:
                return ""
            c = float(np.sum(a * e)) / den
            if _compare(a, c * e, 0.0) != 0:
                return ""
            ratios.append(c)
        r0 = ratios[0]
        if all(abs(r - r0) <= 1e-7 * abs(r0) for r in ratios) and abs(r0 - 1) > 1e-7:
            return _ratio_phrase(r0)
    except (ValueError, TypeError, FloatingPointError):
        return ""
    return ""
