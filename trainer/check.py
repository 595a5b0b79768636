"""`trainer check`: prove every graded card on many parameter draws.

For each graded card and review numbers 0..N-1 (the same draws the learner
meets), :func:`check_decks` asserts that:

* the card's expressions validate (:func:`trainer.exercises.validate_card`);
* the params are drawn, meet their constraints, and every ``{{…}}`` in the
  prompt, hint, solution and step prompts is filled;
* each step's reference (computed by the solvers through the registry) is
  accepted by the grader, as the full number and as the rounded number shown
  to the learner;
* each listed mistake evaluates, differs from the reference, and is rejected
  by the grader *with its own feedback*;
* a numeric card's optional ``answer`` expression agrees with its ``solve``;
* a symbolic ``answer`` agrees with its ``solve`` (a registry call on the
  symbols): both are evaluated at random points of the symbols' domains
  (random matrices of the declared shapes), honouring the card's constraints
  that name symbols, and must agree to 1e-6 relative at every point where both
  are defined (at least 5 points).

Everything runs in-process; the grader's sympy worker is started once.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, cast

from trainer.decks.model import Card
from trainer.exercises.exercise import (
    Exercise,
    Reference,
    _Spec,
    evaluate_numeric,
    instantiate,
    shown_decimal,
    solve_function_names,
)
from trainer.exercises.params import (
    DETERMINISTIC_ARITY,
    ExerciseError,
    constraint_holds,
    parse_cached,
    parse_constraint,
)
from trainer.exercises.validate import validate_card
from trainer.grading.expr import DEFAULT_FUNCTIONS, EvalError, ParseError, evaluate, figures_for
from trainer.grading.numbers import precision_words, round_figures, within

if TYPE_CHECKING:
    from trainer.grading.grader import Result

__all__ = ["Failure", "check_card", "check_decks", "run"]

_UNFILLED = re.compile(r"\{\{\s*[A-Za-z0-9_(]")
_MIN_POINTS = 5
_MAX_POINT_ATTEMPTS = 60


@dataclass(frozen=True, slots=True)
class Failure:
    """One thing `trainer check` found wrong, located at a card and a draw."""

    path: str
    line: int
    card: str  # deck/id ("" for a deck-level problem)
    message: str
    seed: int | None = None
    review: int | None = None
    step: int | None = None  # 1-based

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " + (f"{self.card}: " if self.card else "")
        if self.review is not None:
            where += f"review {self.review} (seed {self.seed}): "
        if self.step is not None:
            where += f"step {self.step}: "
        return where + self.message

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_DRAWN = re.compile(r"\(params \{.*?\}\)|\{[^{}]*\}|\[[^\[\]]*\]|"
                    r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def failure_kind(f: Failure) -> tuple[str, str, int | None, str]:
    """What a failure is, apart from the draw: its card, step, and message with the drawn
    numbers taken out (quoted expressions are kept: each mistake is its own kind)."""
    parts, last = [], 0
    for m in _QUOTED.finditer(f.message):
        parts += [_DRAWN.sub("#", f.message[last:m.start()]), m.group()]
        last = m.end()
    parts.append(_DRAWN.sub("#", f.message[last:]))
    return (f.path, f.card, f.step, "".join(parts))


def grouped(failures: list[Failure]) -> list[tuple[Failure, int]]:
    """(the first failure of each kind, how many draws failed that way), in order."""
    groups: dict[tuple[str, str, int | None, str], list[Failure]] = {}
    for f in failures:
        groups.setdefault(failure_kind(f), []).append(f)
    return [(fs[0], len({x.review for x in fs})) for fs in groups.values()]


def _group_line(first: Failure, count: int, seeds: int) -> str:
    if first.review is None:
        return str(first)
    where = f"{first.path}:{first.line}: " + (f"{first.card}: " if first.card else "")
    if first.step is not None:
        where += f"step {first.step}: "
    return (f"{where}{count} of {seeds} draws fail (first: seed {first.seed}): "
            f"{first.message}")


@dataclass(slots=True)
class Stats:
    cards: int = 0
    draws: int = 0
    steps: int = 0
    mistakes: int = 0


def _grade(expected: str | float | Fraction, answer: str, *, symbols: Mapping[str, str] | None,
           rtol: float | None, atol: float | None,
           mistakes: tuple[tuple[str, str], ...] = (),
           up_to_constant: tuple[str, ...] = ()) -> Result:
    from trainer.grading import grader

    return grader.grade(expected, answer, symbols=symbols or None, rtol=rtol, atol=atol,
                        mistakes=mistakes, timeout=max(5.0, grader.DEADLINE_SECONDS),
                        up_to_constant=up_to_constant)


def _close(a: float, b: float, rtol: float, atol: float | None) -> bool:
    return abs(a - b) <= (atol or 0.0) + rtol * abs(b) or (atol is None and a == b)


class _CardCheck:
    def __init__(self, card: Card, stats: Stats):
        self.card = card
        self.stats = stats
        self.failures: list[Failure] = []
        self.review: int | None = None
        self.seed: int | None = None
        self.step: int | None = None

    def fail(self, message: str) -> None:
        self.failures.append(Failure(self.card.path, self.card.line, self.card.key, message,
                                     self.seed, self.review, self.step))

    # ................................................................ draws

    def draw(self, review: int) -> None:
        card = self.card
        self.review, self.step = review, None
        try:
            ex = instantiate(card, review)
        except ExerciseError as exc:
            from trainer.exercises import review_seed

            self.seed = review_seed(card.key, review)
            self.fail(f"could not instantiate: {exc}")
            return
        self.seed = ex.seed
        self.stats.draws += 1
        self.texts(ex)
        self.constraints(ex)
        if card.plot is not None:
            self.plot(ex)
        for i in range(len(ex.steps)):
            self.step = i + 1 if card.kind == "derivation" else None
            self.stats.steps += 1
            try:
                self.one_step(ex, i)
            except Exception as exc:  # noqa: BLE001 - report, keep checking the rest
                self.fail(f"internal error: {type(exc).__name__}: {exc}")
        self.step = None

    def plot(self, ex: Exercise) -> None:
        """The plot draws for this review's numbers, with a learner's number marked."""
        from trainer.plots import PlotError, plot_data, to_svg

        assert self.card.plot is not None
        try:
            to_svg(plot_data(self.card.plot, ex.params, answer=0.5))
        except PlotError as exc:
            self.fail(str(exc))

    def texts(self, ex: Exercise) -> None:
        shown = {"prompt": ex.prompt, "solution": ex.solution, "hint": ex.hint}
        for i, s in enumerate(ex.steps, 1):
            if self.card.kind == "derivation":
                shown[f"step {i} prompt"] = s.prompt
                shown[f"step {i} hint"] = s.hint
        for what, text in shown.items():
            if text and _UNFILLED.search(text):
                at = _UNFILLED.search(text)
                assert at is not None
                snippet = text[max(0, at.start() - 20): at.end() + 20].replace("\n", " ")
                self.fail(f"the {what} has an unfilled placeholder: …{snippet}…")

    def constraints(self, ex: Exercise) -> None:
        names = tuple(ex.params)
        for c in self.card.constraints:
            try:
                nodes, ops = parse_constraint(c, names, frozenset(DETERMINISTIC_ARITY))
            except ParseError:
                continue  # names symbols: checked at the random points
            try:
                ok = constraint_holds(nodes, ops, ex.params)
            except (EvalError, TypeError, ValueError, ArithmeticError) as exc:
                self.fail(f"constraint {c!r} could not be evaluated: {exc}")
                continue
            if not ok:
                self.fail(f"constraint {c!r} does not hold for the params {ex.params}")

    # ................................................................ steps

    def one_step(self, ex: Exercise, i: int) -> None:
        spec = ex.spec(i)
        try:
            ref = ex.reference(i)
        except ExerciseError as exc:
            self.fail(f"the reference could not be computed: {exc} (params {ex.params})")
            return
        for err in ref.mistake_errors:
            self.fail(f"{err} (params {ex.params})")
        if ref.kind == "numeric":
            self.numeric(ex, spec, ref)
        else:
            self.symbolic(ex, spec, ref)

    def numeric(self, ex: Exercise, spec: _Spec, ref: Reference) -> None:
        value, rtol = ref.value, ref.rtol
        assert value is not None and rtol is not None  # a numeric reference has both
        for text in (repr(value), shown_decimal(ref.shown)):
            g = _grade(ref.expected, text, symbols=None, rtol=rtol, atol=ref.atol)
            if g.verdict != "correct":
                self.fail(f"the reference {text} is not accepted: {g.verdict}: {g.message} "
                          f"(params {ex.params})")
        if spec.answer is not None and spec.solve is not None:
            try:
                a = evaluate_numeric(spec.answer, ex.params)
            except ExerciseError as exc:
                self.fail(f"answer: {exc}")
            else:
                if not _close(a, value, 1e-9, 1e-12):
                    self.fail(f"the card's answer {spec.answer!r} = {a!r} disagrees with "
                              f"solve {spec.solve!r} = {value!r} (params {ex.params})")
        k = 0
        for m, mv in zip(spec.mistakes, ref.mistake_values, strict=True):
            if mv is None:
                continue
            feedback = ref.mistakes[k][1]
            k += 1
            self.stats.mistakes += 1
            if within(mv, value, rtol, ref.atol):
                self.fail(f"the mistake {m.answer!r} = {mv!r} equals the reference {value!r} "
                          f"within tolerance (params {ex.params})")
                continue
            g = _grade(ref.expected, repr(mv), symbols=None, rtol=rtol, atol=ref.atol,
                       mistakes=ref.mistakes)
            self.mistake_verdict(m.answer, g, feedback, ex)
        self.precision_enough(ex, ref)

    def precision_enough(self, ex: Exercise, ref: Reference) -> None:
        """The box's stated precision (so many significant figures, or ±atol) is enough:
        the reference typed to exactly that precision passes, and no listed mistake
        typed to it passes."""
        value, rtol, atol = ref.value, ref.rtol, ref.atol
        assert value is not None and rtol is not None  # a numeric reference has both
        words = precision_words(rtol, atol)
        if atol is None and rtol <= 0:
            return
        if atol is not None:
            places = max(0, math.ceil(-math.log10(atol))) if atol > 0 else 15

            def typed(v: float) -> str:
                return f"{v:.{places}f}"
        else:
            figures = figures_for(rtol)

            def typed(v: float) -> str:
                return round_figures(v, figures)
        g = _grade(ref.expected, typed(value), symbols=None, rtol=rtol, atol=atol)
        if g.verdict != "correct":
            self.fail(f"the reference typed to {words}, {typed(value)}, is not accepted: "
                      f"{g.verdict}: {g.message} (params {ex.params})")
        for (m_text, _), mv in zip(ref.mistakes, [v for v in ref.mistake_values
                                                  if v is not None], strict=False):
            if within(mv, value, rtol, atol):
                continue  # reported already: the mistake equals the reference
            g = _grade(ref.expected, typed(mv), symbols=None, rtol=rtol, atol=atol)
            if g.verdict == "correct":
                self.fail(f"{words} can not tell the mistake {m_text} ({typed(mv)}) from the "
                          f"reference {value!r}: state more (params {ex.params})")

    def mistake_verdict(self, answer: str, g: Result, feedback: str, ex: Exercise) -> None:
        if g.verdict != "incorrect":
            self.fail(f"the mistake {answer!r} is not rejected: {g.verdict}: {g.message} "
                      f"(params {ex.params})")
        elif g.feedback != feedback:
            self.fail(f"the mistake {answer!r} is rejected without its feedback; got "
                      f"{g.feedback!r} (params {ex.params})")

    def symbolic(self, ex: Exercise, spec: _Spec, ref: Reference) -> None:
        expected = ref.expected
        assert isinstance(expected, str)  # a symbolic reference is formula text
        g = _grade(expected, expected, symbols=ref.symbols, rtol=ref.rtol, atol=ref.atol)
        if g.verdict != "correct":
            self.fail(f"the answer {spec.answer!r} is not accepted against itself: {g.verdict}: "
                      f"{g.message}")
        for m, (m_text, feedback) in zip(spec.mistakes, ref.mistakes, strict=False):
            self.stats.mistakes += 1
            g = _grade(expected, m_text, symbols=ref.symbols, rtol=ref.rtol, atol=ref.atol,
                       mistakes=ref.mistakes, up_to_constant=ref.up_to_constant)
            if g.verdict == "correct":
                self.fail(f"the mistake {m.answer!r} is equivalent to the answer "
                          f"{spec.answer!r}")
            else:
                self.mistake_verdict(m.answer, g, feedback, ex)
        if spec.solve is not None:
            self.agree(ex, spec)

    def agree(self, ex: Exercise, spec: _Spec) -> None:
        """The written answer against the registry call, at random points."""
        import numpy as np

        from trainer.grading.domains import parse_symbols

        assert spec.answer is not None and spec.solve is not None
        domains = parse_symbols(dict(spec.symbols))
        names = tuple(sorted(set(domains) | set(ex.params)))
        matrices = tuple(sorted(n for n, d in domains.items() if d.is_matrix))
        ans_node, _ = parse_cached(spec.answer, names, DEFAULT_FUNCTIONS, matrices)
        solve_node, _ = parse_cached(spec.solve, names, solve_function_names(), matrices)
        from trainer.exercises.exercise import _solve_functions

        table = _solve_functions()
        point_checks = []
        for c in self.card.constraints:
            try:
                parse_constraint(c, tuple(ex.params), frozenset(DETERMINISTIC_ARITY))
                continue  # a params-only constraint
            except ParseError:
                pass
            point_checks.append((c, *parse_constraint(c, names, frozenset(DETERMINISTIC_ARITY))))
        rng = random.Random(ex.seed)
        nrng = np.random.default_rng(ex.seed % 2**32)
        good = 0
        for _ in range(_MAX_POINT_ATTEMPTS):
            env: dict[str, object] = dict(ex.params)
            for name, d in sorted(domains.items()):
                if not d.is_matrix:
                    v = d.sample(rng)
                    env[name] = int(v) if d.is_integer else v
            dims: dict[str, int] = {}
            for name, d in sorted(domains.items()):
                if d.is_matrix:
                    shape = []
                    for dim in (d.rows, d.cols):
                        if isinstance(dim, int):
                            shape.append(dim)
                        else:
                            assert dim is not None  # a matrix domain gives both sizes
                            if dim not in dims:
                                # a size named by a param is the whole number it drew
                                dims[dim] = (int(cast(float, env[dim])) if dim in env
                                             else rng.randint(2, 5))
                            shape.append(dims[dim])
                    m = nrng.standard_normal(tuple(shape))
                    env[name] = (m + m.T) / 2 if d.symmetric else m
            try:
                if not all(constraint_holds(nodes, ops, env) for _, nodes, ops in point_checks):
                    continue
            except (EvalError, TypeError, ValueError, ArithmeticError):
                continue
            try:
                a = np.asarray(evaluate(ans_node, env), dtype=float)
                s = np.asarray(evaluate(solve_node, env, table), dtype=float)
            except (EvalError, ArithmeticError, TypeError, ValueError):
                continue
            if a.size != s.size:
                self.fail(f"the answer {spec.answer!r} has {a.size} entries but solve "
                          f"{spec.solve!r} gives {s.size}")
                return
            a, s = a.reshape(-1), s.reshape(-1)
            if not (np.all(np.isfinite(a)) and np.all(np.isfinite(s))):
                continue
            scale = max(1.0, float(np.max(np.abs(s))))
            if not np.allclose(a, s, rtol=1e-6, atol=1e-9 * scale):
                shown = {k: (v if not hasattr(v, "shape") else f"<{v.shape} matrix>")
                         for k, v in env.items() if k in domains}
                self.fail(f"the answer {spec.answer!r} disagrees with solve {spec.solve!r} at "
                          f"{shown}: {a.tolist()} vs {s.tolist()}")
                return
            good += 1
            if good >= 2 * _MIN_POINTS:
                break
        if good < _MIN_POINTS:
            self.fail(f"the answer {spec.answer!r} and solve {spec.solve!r} could be compared "
                      f"at only {good} random points (need {_MIN_POINTS}); check the symbols' "
                      "domains and constraints")


def check_card(card: Card, seeds: int = 20, stats: Stats | None = None) -> list[Failure]:
    """Failures of one card over review numbers 0..seeds-1 (empty: it is proven)."""
    stats = stats if stats is not None else Stats()
    if not card.graded:
        return []
    chk = _CardCheck(card, stats)
    stats.cards += 1
    problems = validate_card(card)
    for p in problems:
        chk.fail(p)
    if problems:
        return chk.failures
    for review in range(seeds):
        chk.draw(review)
    return chk.failures


def check_decks(paths: Iterable[Path | str], seeds: int = 20,
                stats: Stats | None = None) -> list[Failure]:
    """Load the decks under ``paths`` and check every graded card on ``seeds`` draws."""
    from trainer.decks.loader import load_decks

    stats = stats if stats is not None else Stats()
    result = load_decks(list(paths))
    failures = [Failure(p.path, p.line, p.card_id, p.message) for p in result.problems]
    for card in result.cards:
        if card.kind == "code":
            from trainer.coderun.check import check_code_card

            failures.extend(check_code_card(card, seeds, stats))
        else:
            failures.extend(check_card(card, seeds, stats))
    return failures


def run(args: argparse.Namespace) -> int:
    """The `trainer check` command: exit 0 when every card is proven, else 1."""
    paths = list(getattr(args, "paths", None) or [])
    if not paths:
        from trainer.config import default_deck_paths

        paths = default_deck_paths()
    seeds = int(getattr(args, "seeds", 20) or 0)
    if seeds < 1:
        print("trainer: --seeds must be at least 1", file=sys.stderr)
        return 2
    stats = Stats()
    failures = check_decks(paths, seeds, stats)
    if getattr(args, "json", False):
        print(json.dumps([f.to_dict() for f in failures], ensure_ascii=False))
        return 1 if failures else 0
    if getattr(args, "verbose", False):
        for f in failures:
            print(f)
    else:
        for first, count in grouped(failures):
            print(_group_line(first, count, seeds))
    summary = (f"{stats.cards} graded cards × {seeds} draws: {stats.steps} answers and "
               f"{stats.mistakes} mistakes checked")
    if failures:
        cards = len({(f.path, f.card) for f in failures})
        sys.stdout.flush()  # the summary (on stderr) follows the failures, not amid them
        print(f"{len(failures)} failures in {cards} card{'s' if cards != 1 else ''}; {summary}",
              file=sys.stderr)
        drawn = next((f for f in failures if f.seed is not None and f.card), None)
        if drawn is not None:
            path_id = f"{drawn.path}:{drawn.card.rpartition('/')[2]}"
            print(f"see a failing draw: trainer preview {path_id} --seed {drawn.seed}"
                  + ("" if getattr(args, "verbose", False) else "; every draw: --verbose"),
                  file=sys.stderr)
        return 1
    print(f"ok: {summary}, no failures")
    return 0
