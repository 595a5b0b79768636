"""Deciding whether an answer is right, and why not.

``grade(expected, answer, ...)`` parses both sides with the safe parser, then:

* numbers (no symbols on either side): the answer must agree with the
  reference to the significant figures the answer box states (``rtol`` gives
  them, see :mod:`trainer.grading.numbers`), or be within ±``atol``;
* formulas: exact (near machine precision) at every sample point unless the
  card gives ``rtol``/``atol``; doubles first, mpmath intervals to decide
  (:mod:`trainer.grading.formulas`).  A reference undefined almost
  everywhere goes to sympy in a warm worker process killed at the deadline.

Every call returns a :class:`Result` within ``timeout`` seconds, parsing
included: correct, incorrect, invalid (the text is not understood) or
undecided (only when time ran out or nothing could decide).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Collection, Mapping, Sequence
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
    Node,
    Num,
    ParseError,
    evaluate,
    free_names,
    parse,
    pretty,
    pretty_name,
    split_comparison,
)
from trainer.grading.numbers import (
    coarse_rounding,
    diagnose_number,
    exact_value,
    missed_precision,
    to_float,
    within,
)
from trainer.review import Verdict  # one type from the grader to the review log

__all__ = ["Result", "Verdict", "grade", "preview", "warm_up"]

DEFAULT_RTOL = 1e-3  # numbers: 4 significant figures (see numbers.py)


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


def grade(expected: str | float | int | Fraction, answer: str, *,
          symbols: str | Mapping[str, str] | None = None, rtol: float | None = None,
          atol: float | None = None, mistakes: Sequence[tuple[str, str]] = (),
          timeout: float | None = None, where: Sequence[str] = (),
          units: Collection[str] = (), percent: bool = True,
          up_to_constant: Collection[str] = ()) -> Result:
    """Grade ``answer`` against ``expected``; never raises, never hangs.

    Numbers must agree to the significant figures ``rtol`` stands for
    (``figures_for``; 4 when ``rtol`` is None) or within ±``atol``.  Formulas are
    exact unless ``rtol`` or ``atol`` is given; then |answer − reference| ≤
    atol + rtol·|reference| at every point.

    ``where`` holds relations among the symbols (``k <= n``) that sample points must
    meet, so that a formula is compared, and a counterexample shown, only where the
    card's question makes sense. One that names anything else is ignored.

    ``units`` are the units the answer may name after a number (the card's own, e.g.
    ``{"nats"}``: ``0.2373 nats``); any other unit word makes it invalid.  ``percent``
    False refuses a percentage (the card's answer is not a probability).

    ``up_to_constant`` names symbols a formula may differ from the reference by a term free
    of (``{"w"}``: a negative log posterior with or without its terms that do not depend on
    w); see :mod:`trainer.grading.constant`.
    """
    start = time.monotonic()
    if timeout is None:
        timeout = DEADLINE_SECONDS
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if tol is not None and (isinstance(tol, bool) or not isinstance(tol, (int, float))
                                or not math.isfinite(tol) or tol < 0):
            # nan was taken as an exact match, inf failed inside, -1 printed "within ±-1"
            return Result(Verdict.UNDECIDED, message=f"the card's tolerance is invalid: "
                                                     f"{name} must be a number ≥ 0, not {tol!r}")
    try:
        return _grade(expected, answer, symbols, rtol, atol, mistakes, start + timeout,
                      where, frozenset(units), percent, tuple(up_to_constant))
    except Exception as exc:  # noqa: BLE001 - the contract is: a verdict, never a crash
        return Result(Verdict.UNDECIDED, message=f"internal error while grading: "
                                                 f"{type(exc).__name__}: {exc}")


def preview(answer: str, *, symbols: str | Mapping[str, str] | None = None,
            units: Collection[str] = (), percent: bool = True) -> tuple[bool, str]:
    """(True, pretty) or (False, what is wrong) — for live display; no sympy."""
    if not isinstance(answer, str) or not answer.strip():
        return (False, "")
    try:
        domains = parse_symbols(symbols)
    except ValueError as exc:
        return (False, str(exc))
    names, matrices = _names(domains)
    try:
        return (True, pretty(parse(answer, names=names, matrices=matrices,
                                   units=frozenset(units), percent=percent)))
    except ParseError as exc:
        return (False, str(exc))


def warm_up(timeout: float = 30.0) -> bool:
    """Load numpy and mpmath here and start the sympy worker; True once it is ready."""
    import numpy  # noqa: F401

    from trainer.grading import precise
    from trainer.grading._sympy_worker import get_worker

    precise.warm_up()

    return get_worker().warm_up(timeout)


# -------------------------------------------------------------------- helpers


def _names(domains: Mapping[str, Domain]) -> tuple[frozenset[str], frozenset[str]]:
    names = frozenset(n for n, d in domains.items() if not d.is_matrix)
    matrices = frozenset(n for n, d in domains.items() if d.is_matrix)
    return names, matrices


# a name, not the exponent of 6.02e23
_IDENT_RE = re.compile("(?<![0-9.])(?:[A-Za-z_][A-Za-z0-9_]*|[" + "".join(GREEK) + "]+)")


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


# --------------------------------------------------------------------- grading


def _grade(expected: object, answer: object, symbols: object, rtol: float | None,
           atol: float | None, mistakes: Sequence[tuple[str, str]],
           deadline: float, where: Sequence[str] = (), units: frozenset[str] = frozenset(),
           percent: bool = True, up_to_constant: Sequence[str] = ()) -> Result:
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
        # a float stands for its shortest decimal: 0.0020425 is a tie at 4 figures
        exp_node = Num(Fraction(repr(expected)) if isinstance(expected, float) else expected,
                       repr(expected) if isinstance(expected, float) else str(expected))

    if not isinstance(answer, str):
        return Result(Verdict.INVALID, message="the answer must be text")
    if not answer.strip():
        return Result(Verdict.INVALID, message="empty answer")
    warnings: list[str] = []
    try:
        ans_node = parse(answer, names=names, matrices=matrices, warnings=warnings,
                         units=units, percent=percent)
    except ParseError as exc:
        return Result(Verdict.INVALID, message=str(exc), fix=exc.fix)
    parsed = pretty(ans_node)
    mistake_nodes = []
    for m_text, m_feedback in mistakes:
        try:
            mistake_nodes.append((_parse_cached(m_text, names, matrices), m_feedback))
        except ParseError:
            continue

    if not domains and not free_names(exp_node) and not free_names(ans_node):
        # a number card; with symbols declared even a constant is an exact formula
        return _grade_number(exp_node, ans_node, parsed, tuple(warnings),
                             DEFAULT_RTOL if rtol is None else rtol, atol, mistake_nodes,
                             deadline)
    from trainer.grading.formulas import compare_formulas

    free_of = [n for n in up_to_constant if n in domains]
    if free_of:
        from trainer.grading.constant import up_to_constant as differences

        exp_node, ans_node, mistake_nodes, domains = differences(
            free_of, exp_node, ans_node, mistake_nodes, domains)
    c = compare_formulas(exp_node, ans_node, domains, rtol=rtol, atol=atol,
                         mistakes=mistake_nodes, relations=_relations(where, names, matrices),
                         deadline=deadline)
    message = c.message
    if free_of and c.verdict == "incorrect":
        message += (" (compared up to a term free of "
                    + ", ".join(pretty_name(n) for n in free_of) + ")")
    return Result(Verdict(c.verdict), parsed, message, c.feedback, tuple(warnings))


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


# ............................................................... numbers


def _grade_number(exp_node: Node, ans_node: Node, parsed: str, warnings: tuple[str, ...],
                  rtol: float, atol: float | None, mistakes: Sequence[tuple[Node, str]],
                  deadline: float) -> Result:
    from trainer.grading.settle import Settled, settle

    exact_match = atol is None and rtol <= 0
    try:
        e = evaluate(exp_node, {}, exact=True)
        failed_ref = ""
    except EvalError as exc:  # 1/exp(-800): its double fails, its intervals do not
        e, failed_ref = math.nan, f"the reference answer could not be evaluated: {exc}"
    # a rational reference is exact; any other (exp(-1), or exp(-2000), 0.0 in doubles) is
    # enclosed in intervals like the answer, so its double decides nothing
    reference: Node | Fraction
    if isinstance(e, (int, Fraction)):
        reference = Fraction(e)
    elif exact_match:  # an exact match of an irrational is judged in doubles
        if failed_ref or not math.isfinite(to_float(e)):
            return Result(Verdict.UNDECIDED, parsed, failed_ref or "the reference answer "
                          "is not finite", warnings=warnings)
        reference = exact_value(e)  # type: ignore[assignment]
    else:
        reference = exp_node
    used = free_names(ans_node)
    if used:
        return Result(Verdict.INCORRECT, parsed,
                      "a number is expected, but your answer depends on "
                      + ", ".join(pretty_name(n) for n in sorted(used)), warnings=warnings)
    try:
        a = evaluate(ans_node, {}, exact=True)
        failed = ""
    except EvalError as exc:  # 1/exp(-800) is a number, though exp(-800) is 0.0 in doubles
        a, failed = math.nan, f"your answer could not be evaluated: {exc}"
    shown = None
    if isinstance(a, float) or isinstance(reference, Node):
        exact_a = a if isinstance(a, (int, Fraction)) else None
        settled = settle(ans_node if exact_a is None else Fraction(exact_a), to_float(a),
                         reference, rtol, atol, deadline,
                         reference_double=exact_match and not isinstance(e, (int, Fraction)))
        if settled == "reference":
            return Result(Verdict.UNDECIDED, parsed, failed_ref or "could not decide: the "
                          "reference answer could not be evaluated precisely enough",
                          warnings=warnings)
        if settled == "imprecise":
            return Result(Verdict.UNDECIDED, parsed, "could not decide: your answer could not "
                          "be evaluated precisely enough", warnings=warnings)
        if settled in ("undefined", "huge") or settled is None and failed:
            return Result(Verdict.INVALID, parsed, failed or "your answer could not be "
                          "evaluated: " + ("it is undefined" if settled == "undefined" else
                                           "number too large"), warnings=warnings)
        if settled is None and math.isfinite(to_float(a)):
            return Result(Verdict.UNDECIDED, parsed, "could not decide: your answer could "
                          "not be evaluated precisely enough", warnings=warnings)
        if isinstance(settled, Settled):
            a, e, shown = settled.answer, settled.reference, settled.shown
    af, ef = to_float(a), to_float(e)
    if not math.isfinite(af) and not isinstance(a, (int, Fraction)):
        return Result(Verdict.INVALID, parsed, "your answer is not a finite number",
                      warnings=warnings)
    if not math.isfinite(ef) and not isinstance(e, (int, Fraction)):
        return Result(Verdict.UNDECIDED, parsed, "the reference answer is not finite",
                      warnings=warnings)
    if within(a, e, rtol, atol):
        return Result(Verdict.CORRECT, parsed, "correct", warnings=warnings)
    feedback = ""
    for m_node, m_feedback in mistakes:
        try:
            mv = evaluate(m_node, {}, exact=True)
        except EvalError:
            continue
        if within(a, mv, rtol, atol) and not within(mv, e, rtol, atol):
            feedback = m_feedback
            break
    if not feedback:
        coarse = coarse_rounding(ans_node, e, rtol, atol)
        if coarse:
            # the right value, rounded: ask for more digits rather than fail the card
            return Result(Verdict.INVALID, parsed, coarse, warnings=warnings)
        feedback = diagnose_number(af, ef)
    return Result(Verdict.INCORRECT, parsed, missed_precision(a, e, rtol, atol, shown=shown),
                  feedback, warnings)
