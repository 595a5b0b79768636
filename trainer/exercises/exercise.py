"""One review of a graded card: its drawn params, filled text, steps and grading.

:func:`instantiate` is cheap (stdlib only): it draws the params and fills the
text.  The reference answers are computed on first use by
:meth:`Exercise.grade` (which may load numpy, the solvers and the grader), in
the app's worker thread.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction

from trainer.decks.model import Card, Mistake
from trainer.decks.spec import STEP_KINDS
from trainer.exercises.params import (
    DETERMINISTIC,
    DETERMINISTIC_ARITY,
    ExerciseError,
    draw_params,
    fill,
    format_value,
    parse_cached,
)
from trainer.grading.expr import (
    DEFAULT_FUNCTIONS,
    Call,
    EvalError,
    Node,
    ParseError,
    bracketed,
    evaluate,
    pretty,
    walk,
)
from trainer.grading.expr import format_number as _format_number
from trainer.review import Verdict

__all__ = ["Exercise", "ExerciseStep", "Graded", "Reference", "instantiate", "review_seed"]

DEFAULT_RTOL = 1e-3


def review_seed(card_key: str, review_number: int) -> int:
    """The seed of one review: stable across runs and machines (not ``hash()``)."""
    digest = hashlib.blake2b(f"{card_key}#{review_number}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(frozen=True, slots=True)
class ExerciseStep:
    """One answer to type.  A numeric or symbolic card has exactly one step whose
    prompt is the card's (filled) prompt; a derivation has one per deck step."""

    prompt: str
    kind: str  # "numeric" | "symbolic"
    symbols: dict[str, str] = field(default_factory=dict)
    hint: str | None = None
    precision: str = ""  # numeric: how close an answer must be, e.g. "4 significant figures"


def describe_tolerance(rtol: float, atol: float | None) -> str:
    """What a learner must type to be within the tolerance, in words: the answer box's,
    which the grader's messages use too (one rule, trainer.grading.numbers)."""
    from trainer.grading.numbers import precision_words

    return precision_words(rtol, atol)


@dataclass(frozen=True, slots=True)
class Graded:
    verdict: Verdict
    parsed: str
    message: str
    feedback: str
    reference: str  # the reference answer, pretty-printed
    fix: tuple[int, int] | None = None  # invalid: the span of the answer to change

    @property
    def correct(self) -> bool:
        return self.verdict is Verdict.CORRECT


@dataclass(frozen=True, slots=True)
class Reference:
    """The reference of one step as handed to the grader.

    ``expected`` is the number (numeric: exact where the card's arithmetic is, see
    :func:`exact_reference`; formula text where it is not rational) or formula text with
    the params written in (symbolic); ``value`` its float; ``mistakes`` are (expression, feedback) pairs in the same
    form; ``mistake_errors`` lists mistakes that could not be evaluated for
    these params (reported by ``trainer check``).
    """

    kind: str
    expected: int | Fraction | float | str
    shown: str
    mistakes: tuple[tuple[str, str], ...]
    symbols: dict[str, str]
    rtol: float | None  # symbolic: None unless the card gives one (formulas are exact)
    atol: float | None
    value: float | None = None
    mistake_values: tuple[float | None, ...] = ()
    mistake_errors: tuple[str, ...] = ()
    up_to_constant: tuple[str, ...] = ()  # symbols it may differ by a term free of


@dataclass(frozen=True, slots=True)
class _Spec:
    """What a step is made of, from the card (unfilled)."""

    kind: str
    answer: str | None
    solve: str | None
    symbols: dict[str, str]
    tolerance: dict[str, float]
    mistakes: tuple[Mistake, ...]
    up_to_constant: tuple[str, ...] = ()


def _specs(card: Card) -> list[tuple[_Spec, str, str | None]]:
    if not card.graded:
        return []
    if card.kind == "derivation":
        out = []
        for s in card.steps:
            symbols = {**card.symbols, **s.symbols}
            out.append((_Spec(s.kind, s.answer, s.solve, symbols, s.tolerance, s.mistakes,
                              s.up_to_constant), s.prompt, s.hint))
        return out
    return [(_Spec(card.kind, card.answer, card.solve, dict(card.symbols), card.tolerance,
                   card.mistakes, card.up_to_constant), card.prompt, None)]


class Exercise:
    """A card with its params drawn for one review."""

    def __init__(self, card: Card, seed: int, params: dict[str, object]):
        self.card = card
        self.seed = seed
        self.params = params
        self._specs = _specs(card)
        self.prompt: str = fill(card.prompt, params) or ""
        self.solution: str | None = fill(card.solution, params)
        self.hint: str | None = fill(card.hint, params)
        steps = []
        for spec, prompt, hint in self._specs:
            precision = describe_tolerance(spec.tolerance.get("rtol", DEFAULT_RTOL),
                                           spec.tolerance.get("atol")) \
                if spec.kind == "numeric" else ""
            steps.append(ExerciseStep(prompt=fill(prompt, params) or "", kind=spec.kind,
                                      symbols=dict(spec.symbols), hint=fill(hint, params),
                                      precision=precision))
        self.steps: list[ExerciseStep] = steps
        self._refs: dict[int, Reference] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Exercise({self.card.key!r}, seed={self.seed}, params={self.params!r})"

    # ------------------------------------------------------------ reference

    def spec(self, step: int) -> _Spec:
        """What the deck says about ``step`` (answer, solve, mistakes, unfilled)."""
        return self._specs[step][0]

    def reference(self, step: int) -> Reference:
        """The step's reference (computed once; may import the solvers).

        Raises :class:`ExerciseError` when the card's own expressions fail.
        """
        ref = self._refs.get(step)
        if ref is None:
            spec = self._specs[step][0]
            ref = _reference(spec, self.params, self.card)
            with self._lock:
                self._refs[step] = ref
        return ref

    # -------------------------------------------------------------- grading

    def grade(self, step: int, text: str) -> Graded:
        """Grade the learner's ``text`` for ``step``; never raises for bad text."""
        if not 0 <= step < len(self.steps):
            raise IndexError(f"{self.card.key} has {len(self.steps)} steps, not {step + 1}")
        try:
            ref = self.reference(step)
        except ExerciseError as exc:
            return Graded(Verdict.UNDECIDED, "",
                          f"this card's reference could not be computed: {exc}", "", "")
        try:
            from trainer.grading import grade

            units, percent = self.answer_form(step)
            result = grade(ref.expected, text, symbols=ref.symbols or None, rtol=ref.rtol,
                           atol=ref.atol, mistakes=ref.mistakes,
                           where=self.card.constraints, units=units, percent=percent,
                           up_to_constant=ref.up_to_constant)
        except Exception as exc:  # noqa: BLE001 - a verdict, never a crash
            return Graded(Verdict.UNDECIDED, "", f"grading failed: {type(exc).__name__}: {exc}",
                          "", ref.shown)
        return Graded(Verdict.of(result.verdict), result.parsed or "", result.message or "",
                      result.feedback or "", ref.shown, result.fix)

    def answer_form(self, step: int) -> tuple[frozenset[str], bool]:
        """(the units the step's answer may name, whether it may be a percentage), from
        the step's prompt: a unit only when it asks "in nats", a percentage only for a
        probability."""
        from trainer.grading.expr.normalize import percent_allowed, units_asked

        s = self.steps[step]
        return (units_asked(s.prompt),
                percent_allowed(s.prompt) if s.kind == "numeric" else True)

    def preview(self, step: int, text: str) -> tuple[bool, str]:
        """(ok, pretty text or what is wrong), cheap enough for every keystroke."""
        if not 0 <= step < len(self.steps):
            return (False, "")
        s = self.steps[step]
        try:
            from trainer.grading.grader import preview

            units, percent = self.answer_form(step)
            return preview(text, symbols=(s.symbols or None) if s.kind == "symbolic" else None,
                           units=units, percent=percent)
        except Exception as exc:  # noqa: BLE001 - preview is advisory
            return (False, str(exc))


def instantiate(card: Card, review_number: int) -> Exercise:
    """Draw ``card``'s params for review ``review_number`` and fill its text.

    Deterministic: the same card key and review number give the same
    exercise.  Raises :class:`ExerciseError` for a broken card (bad params,
    unsatisfiable constraints, a placeholder that does not evaluate).
    """
    seed = review_seed(card.key, review_number)
    where = f"{card.key}: "
    params = draw_params(card.params, card.constraints, seed, where) if card.params else {}
    try:
        return Exercise(card, seed, params)
    except ExerciseError as exc:
        raise ExerciseError(f"{where}{exc}") from None


# ------------------------------------------------------------- references


def _solve_functions() -> dict[str, Callable[..., object]]:
    from trainer.registry import REGISTRY

    table = dict(DETERMINISTIC)
    table.update({name: entry.func for name, entry in REGISTRY.items()})
    return table


def solve_function_names() -> frozenset[str]:
    from trainer.registry import REGISTRY

    return frozenset(REGISTRY) | frozenset(DETERMINISTIC_ARITY) | DEFAULT_FUNCTIONS


def to_float(v: object) -> float:
    """A solver's result as a float; raises ExerciseError if it is not one finite number."""
    if hasattr(v, "shape") and getattr(v, "size", 2) == 1:
        v = v.reshape(-1)[0].item()  # type: ignore[attr-defined]
    if isinstance(v, bool) or not isinstance(v, (int, float, Fraction)) and not hasattr(
            v, "__float__"):
        raise ExerciseError(f"the result is not a number: {v!r}")
    try:
        f = float(v)
    except (TypeError, ValueError) as exc:
        raise ExerciseError(f"the result is not a number: {exc}") from None
    if not math.isfinite(f):
        raise ExerciseError("the result is not a finite number")
    return f


@contextmanager
def card_expression(text: str) -> Iterator[None]:
    """Whatever goes wrong while parsing or evaluating one of the card's own expressions
    (``text``) is the card's problem: an ExerciseError that names the expression."""
    try:
        yield
    except ParseError as exc:
        raise ExerciseError(f"{text!r} does not parse: {exc}") from None
    except ExerciseError:
        raise
    except (EvalError, ArithmeticError, TypeError, ValueError) as exc:
        raise ExerciseError(f"{text!r} could not be evaluated: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a solver's failure is the card's problem
        raise ExerciseError(f"{text!r} failed in the solver: {type(exc).__name__}: {exc}"
                            ) from None


def evaluate_numeric(text: str, params: Mapping[str, object]) -> float:
    """A numeric expression over params that may call registry functions."""
    with card_expression(text):
        node, _ = parse_cached(text, tuple(params), solve_function_names())
        return to_float(evaluate(node, params, _solve_functions()))


# a solver's double is within this of its exact result (a few roundings: 16.304999999999993
# for 16.305); the reference is then the shortest decimal that close (see exact_reference)
SOLVER_ROUNDING = 2.0 ** -44


def _float_args(f: Callable[..., object]) -> Callable[..., object]:
    """A solver called with floats, as it was written for, whatever the exact params."""
    def call(*args: object) -> object:
        return f(*(float(a) if isinstance(a, Fraction) else a for a in args))
    return call


def exact_reference(text: str, params: Mapping[str, object], *, rtol: float = DEFAULT_RTOL,
                    atol: float | None = None) -> tuple[int | Fraction | float | str, float]:
    """A numeric expression's value as the grader should take it, and its float: exact
    where the card's arithmetic is (a param is the decimal the prompt prints, 0.1*3 is
    3/10); the expression with the params written in where it is not rational but calls
    no solver (the grader encloses exp(-1) in intervals); otherwise the solver's double,
    as the shortest decimal within its rounding, or the double itself where the card's
    precision (``rtol``, ``atol``) comes near that rounding (an exact match, 12 figures)."""
    with card_expression(text):
        node, _ = parse_cached(text, tuple(params), solve_function_names())
        env = {k: Fraction(repr(v)) if isinstance(v, float) else v for k, v in params.items()}
        functions = {name: _float_args(f) for name, f in _solve_functions().items()}
        value = evaluate(node, env, functions, exact=True)
        f = to_float(value)  # one finite number, or the card's error
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return (value.numerator if isinstance(value, Fraction) and value.denominator == 1
                else value), f
    calls = {c.func for c in walk(node) if isinstance(c, Call)}
    if not calls - DEFAULT_FUNCTIONS:
        try:
            return to_text(node, params), f
        except ExerciseError:
            pass  # a sample written into the formula: the double, as below
    # a snap moves the reference by up to SOLVER_ROUNDING: a millionth of the precision
    margin = 1e6 * SOLVER_ROUNDING
    if (rtol < margin) if atol is None else (atol < margin * abs(f)):
        return f, f
    from trainer.grading.numbers import shortest_decimal

    return shortest_decimal(f, SOLVER_ROUNDING), f


def format_number(x: float) -> str:
    """A reference number as shown: 6 significant digits, and a small fraction if exact."""
    return _format_number(x, digits=6, fraction=True)


def shown_decimal(shown: str) -> str:
    """The decimal part of a shown reference (``4/7 ≈ 0.571429`` -> ``0.571429``)."""
    return shown.rsplit("≈", 1)[-1].strip()


def symbol_names(symbols: Mapping[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(names, matrix names) of a symbols mapping, without importing the grader."""
    from trainer.grading.domains import parse_symbols

    domains = parse_symbols(dict(symbols))
    names = tuple(sorted(domains))
    matrices = tuple(sorted(n for n, d in domains.items() if d.is_matrix))
    return names, matrices


def substitute(text: str, symbols: Mapping[str, str], params: Mapping[str, object]) -> str:
    """``text`` (a formula over symbols and params) with the params' values written in."""
    names, matrices = symbol_names(symbols)
    used = tuple(n for n in params if n not in names)
    try:
        node, _ = parse_cached(text, tuple(sorted(set(names) | set(used))), DEFAULT_FUNCTIONS,
                               matrices)
    except ParseError as exc:
        raise ExerciseError(f"{text!r} does not parse: {exc}") from None
    if not params:
        return text
    return to_text(node, {k: v for k, v in params.items() if k not in names})


def to_text(node: Node, subs: Mapping[str, object]) -> str:
    """ASCII text that the parser reads back as ``node``, with ``subs`` written in."""
    def name(n: str) -> str:
        if n not in subs:
            return n
        v = subs[n]
        if isinstance(v, (tuple, list)):
            raise ExerciseError(f"the sample {n!r} can not appear in a formula")
        return f"({format_value(v)})"

    return bracketed(node, name)


def _fill_feedback(text: str, params: Mapping[str, object]) -> str:
    return fill(text, params) or ""


def _reference(spec: _Spec, params: Mapping[str, object], card: Card) -> Reference:
    rtol = spec.tolerance.get("rtol", DEFAULT_RTOL)
    atol = spec.tolerance.get("atol")
    kind = STEP_KINDS[spec.kind]
    graded_against: str | None = getattr(spec, kind.reference_field.name)
    if graded_against is None:  # the loader refuses such a card; one built in code may lack it
        raise ExerciseError(kind.missing_message(kind.reference_field))
    if spec.kind == "numeric":
        exact, value = exact_reference(graded_against, params, rtol=rtol, atol=atol)
        mistakes: list[tuple[str, str]] = []
        values: list[float | None] = []
        errors: list[str] = []
        for m in spec.mistakes:
            try:
                mv = evaluate_numeric(m.answer, params)
            except ExerciseError as exc:
                errors.append(f"mistake {m.answer!r}: {exc}")
                values.append(None)
                continue
            values.append(mv)
            mistakes.append((repr(mv), _fill_feedback(m.feedback, params)))
        return Reference("numeric", exact, format_number(value), tuple(mistakes), {}, rtol, atol,
                         value, tuple(values), tuple(errors))
    # symbolic
    try:
        expected = substitute(graded_against, spec.symbols, params)
        names, matrices = symbol_names(spec.symbols)
        node, _ = parse_cached(expected, names, DEFAULT_FUNCTIONS, matrices)
    except (ValueError, ParseError) as exc:
        if isinstance(exc, ExerciseError):
            raise
        raise ExerciseError(f"the answer {graded_against!r}: {exc}") from None
    mistakes, errors = [], []
    for m in spec.mistakes:
        try:
            mistakes.append((substitute(m.answer, spec.symbols, params),
                             _fill_feedback(m.feedback, params)))
        except ExerciseError as exc:
            errors.append(f"mistake {m.answer!r}: {exc}")
    return Reference("symbolic", expected, pretty(node), tuple(mistakes), dict(spec.symbols),
                     spec.tolerance.get("rtol"), atol, None, (), tuple(errors),
                     spec.up_to_constant)
