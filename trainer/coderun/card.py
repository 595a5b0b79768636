"""A code card answered once: its draws, the expected values from solvers, and the verdict.

:class:`CodeExercise` is the domain object a front end drives (the study
screen, `trainer try`, `trainer check`): it draws the card's params for one
review, computes what the function must return through the registry, runs a
solution in the sandbox and compares. Nothing of the deck is executed as
Python; only the solution handed to :meth:`CodeExercise.run` is, and only in
the sandbox.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from trainer.coderun.sandbox import CaseRun, Run, Sandbox
from trainer.coderun.static import (
    MAX_SOURCE,
    find_function,
    inverse_calls,
    parse_source,
    python_loops,
    signature_of,
)
from trainer.coderun.values import (
    SEPARATION,
    _finite_value,
    _kind,
    _to_array,
    agree,
    apart,
    finite,
    normalise,
    show,
)
from trainer.decks.model import Card
from trainer.exercises.params import (
    DETERMINISTIC_ARITY,
    ExerciseError,
    Sample,
    draw_params,
    fill,
    format_value,
    parse_cached,
)

__all__ = [
    "CHECKS",
    "SEPARATION",
    "CaseResult",
    "CheckResult",
    "CodeExercise",
    "CodeResult",
    "apart",
    "parse_check",
    "show",
]

# The fixed vocabulary of `checks`, and what each one promises the learner.
CHECKS: dict[str, str] = {
    "returns_pair": "returns a tuple of two floats",
    "no_mutation": "does not modify its input",
    "length_one": "works on 1-D arrays of length 1",
    "stable": "numerically stable for inputs of magnitude 1000, also spread ±1000",
    "vectorised": "vectorised: no Python loop over the samples",
    "no_inverse": "solves the linear system instead of inverting a matrix",
}
CASE_CHECKS = ("length_one", "stable")  # checked by extra cases; the others by inspection
DEFAULT_DRAWS = 3
# Redraws (per set of draws) spent on giving each draw a size no earlier draw of the set has;
# a card whose sizes are fixed spends them once and keeps its draws.
SIZE_REDRAWS = 10
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9
STABLE_SHIFT = 1000.0
TUPLE = "tuple"  # `solve: tuple(a, b)` makes the expected value a tuple

_CHECK = re.compile(r"^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$")


def parse_check(text: str) -> tuple[str, tuple[str, ...]]:
    """``"stable(z, -2000)"`` -> ``("stable", ("z", "-2000"))``; ValueError if malformed."""
    m = _CHECK.match(text)
    if not m:
        raise ValueError(f"check {text!r} is not `name` or `name(arg, …)`")
    args = tuple(a.strip() for a in m.group(2).split(",")) if m.group(2) else ()
    return m.group(1), args


def solve_names() -> frozenset[str]:
    from trainer.exercises.exercise import solve_function_names

    return solve_function_names() | {TUPLE}


def _solve_table() -> dict[str, Callable[..., object]]:
    from trainer.exercises.exercise import _solve_functions

    table = dict(_solve_functions())
    table[TUPLE] = lambda *items: tuple(items)
    return table


# ------------------------------------------------------------------ results


@dataclass(frozen=True, slots=True)
class Case:
    """One call of the function: its inputs and what it must return."""

    label: str
    params: dict[str, object]
    args: tuple[object, ...]
    inputs: str
    expected: object
    mistakes: tuple[object | None, ...]  # each mistake's value here (None: undefined here)
    check: str = ""  # the check this case belongs to ("length_one", "stable"); "" for a draw


@dataclass(frozen=True, slots=True)
class CaseResult:
    label: str
    inputs: str
    expected: str
    got: str
    passed: bool
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "inputs": self.inputs, "expected": self.expected,
                "got": self.got, "passed": self.passed, "message": self.message}


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    description: str
    passed: bool
    message: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"check": self.name, "description": self.description, "passed": self.passed,
                "message": self.message}


@dataclass(slots=True)
class CodeResult:
    """The verdict on one solution: each case, each check, and what to tell the learner."""

    cases: list[CaseResult] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    fatal: str | None = None
    feedback: str = ""
    graded: bool = False  # on the fresh draws of a submission, not the ones a run shows

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.cases) + sum(c.passed for c in self.checks)

    @property
    def total(self) -> int:
        return len(self.cases) + len(self.checks)

    @property
    def correct(self) -> bool:
        return self.fatal is None and self.total > 0 and self.passed == self.total

    @property
    def verdict(self) -> str:
        return "correct" if self.correct else "incorrect"

    def suggested_rating(self) -> int:
        """The rating to offer: the study flow's policy (trainer.attempt.suggest_from_code)."""
        from trainer.attempt import suggest_from_code

        return suggest_from_code(self)

    def summary(self) -> str:
        cases = sum(c.passed for c in self.cases)
        text = f"{cases} of {len(self.cases)} cases passed"
        if self.checks:
            text += f", {sum(c.passed for c in self.checks)} of {len(self.checks)} checks"
        if self.fatal:
            text += f"; {self.fatal}"
        return text

    def first_failure(self) -> str | None:
        """Why the run failed, in one line (None: it passed): what stopped it, else the
        first case that went wrong, else the first check."""
        if self.fatal:
            return self.fatal
        for c in self.cases:
            if not c.passed and c.got == "error":  # the message says what was raised
                return f"{c.label}: {c.message}"
            if not c.passed:
                why = f"{c.label}: got {c.got}, expected {c.expected}"
                return f"{why} ({c.message})" if c.message else why
        for check in self.checks:
            if not check.passed:
                why = f"check {check.description}"
                return f"{why}: {check.message}" if check.message else f"{why} failed"
        if not self.total:
            return "nothing was run"
        return None

    def to_dict(self) -> dict[str, object]:
        return {"verdict": self.verdict, "passed": self.passed, "total": self.total,
                "fatal": self.fatal, "feedback": self.feedback, "graded": self.graded,
                "cases": [c.to_dict() for c in self.cases],
                "checks": [c.to_dict() for c in self.checks]}


# ---------------------------------------------------------------- exercise


def _evaluate(text: str, env: Mapping[str, object]) -> object:
    """A `solve` or mistake expression over the params (numpy warnings silenced: an
    overflowing naive formula is what a mistake is for)."""
    import numpy as np

    from trainer.exercises.exercise import card_expression
    from trainer.grading.expr import evaluate

    with card_expression(text):
        node, _ = parse_cached(text, tuple(env), solve_names())
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return normalise(evaluate(node, env, _solve_table()))


def _same_size(sizes: tuple[int, ...], earlier: list[tuple[int, ...]]) -> bool:
    """Whether an array of this draw has a length or width some earlier draw's has."""
    return any(a == b >= 0 for other in earlier for a, b in zip(sizes, other, strict=False))


def _columns(card: Card, name: str, params: Mapping[str, object]) -> int | None:
    for key, text in card.reshape:
        if key == name:
            from trainer.grading.expr import evaluate

            node, _ = parse_cached(text, tuple(params), frozenset(DETERMINISTIC_ARITY))
            from trainer.exercises.params import DETERMINISTIC

            cols = evaluate(node, params, DETERMINISTIC)
            if isinstance(cols, bool) or not isinstance(cols, (int, float)) or cols < 1 \
                    or cols != int(cols):
                raise ExerciseError(f"reshape {name}: {text!r} is not a positive whole number")
            return int(cols)
    return None


class CodeExercise:
    """A code card drawn for one review: the prompt, the starter code and the cases.

    Two sets of draws belong to a review: the ones a run shows (this object, the default)
    and the fresh ones a submission is graded on (:meth:`graded`), seeded apart so that a
    table of the outputs a run showed does not pass; both are reproducible from the card
    and the review number.
    """

    def __init__(self, card: Card, review_number: int, draws: int = DEFAULT_DRAWS,
                 graded: bool = False) -> None:
        from trainer.exercises.exercise import review_seed

        if card.kind != "code" or not card.signature:
            raise ExerciseError(f"{card.key} is not a code card")
        self.card = card
        self.review_number = review_number
        self.is_graded = graded
        self._draw_count = draws
        self._graded: CodeExercise | None = None
        try:
            self.function, self.parameters = signature_of(card.signature)
        except ValueError as exc:
            raise ExerciseError(f"{card.key}: {exc}") from None
        where = f"{card.key}: "
        self.seed = review_seed(card.key, review_number)
        self.draws: list[dict[str, object]] = []
        salt = "graded/" if graded else ""
        sizes: list[tuple[int, ...]] = []
        spare = SIZE_REDRAWS
        for i in range(max(1, draws)):
            seed = self.seed if i == 0 and not graded else review_seed(
                f"{card.key}/{salt}draw{i}", review_number)
            params = draw_params(card.params, card.constraints, seed, where) \
                if card.params else {}
            # the draws of one set differ in every length and width where the card's params
            # allow it, so that a function written for one size (x.sum() / 12, np.eye(3))
            # fails
            while spare and _same_size(self._sizes(params), sizes):
                spare -= 1
                params = draw_params(card.params, card.constraints, review_seed(
                    f"{card.key}/{salt}draw{i}/size{spare}", review_number), where)
            sizes.append(self._sizes(params))
            self.draws.append(params)
        self.params = self.draws[0]
        self.prompt: str = fill(card.prompt, self.params) or ""
        self.solution: str | None = fill(card.solution, self.params)
        self.hint: str | None = fill(card.hint, self.params)
        self.checks = [parse_check(c) for c in card.checks]
        self.tolerance = (card.tolerance.get("rtol", DEFAULT_RTOL),
                          card.tolerance.get("atol", DEFAULT_ATOL))
        self._cases: list[Case] | None = None

    def _sizes(self, params: Mapping[str, object]) -> tuple[int, ...]:
        """The sizes of the arrays the function receives: a length, or rows and columns
        (-1 for a number)."""
        out: list[int] = []
        for name in self.parameters:
            value = params.get(name)
            if not isinstance(value, tuple):
                out.append(-1)
                continue
            try:
                cols = _columns(self.card, name, params)
            except ExerciseError:
                cols = None
            out += [len(value)] if cols is None else [len(value) // cols, cols]
        return tuple(out)

    def graded(self) -> CodeExercise:
        """This review's draws for grading a submission: fresh, never shown by a run."""
        if self.is_graded:
            return self
        if self._graded is None:
            self._graded = CodeExercise(self.card, self.review_number, self._draw_count,
                                        graded=True)
        return self._graded

    @property
    def starter(self) -> str:
        """What the editor starts with: the imports, the signature and its docstring."""
        return f"import numpy as np\n\n\n{(self.card.signature or '').rstrip()}\n    ...\n"

    @property
    def reference(self) -> str:
        return self.card.reference or ""

    def describe_checks(self) -> list[str]:
        """What the checks promise, once each (two `stable` checks shift two params)."""
        return list(dict.fromkeys(CHECKS.get(name, name) for name, _ in self.checks))

    # .............................................................. cases

    def _args(self, params: Mapping[str, object]) -> tuple[object, ...]:
        out: list[object] = []
        for name in self.parameters:
            value = params[name]
            if isinstance(value, tuple):
                arr = _to_array(value)
                cols = _columns(self.card, name, params)
                if cols is not None:
                    if arr.size % cols:
                        raise ExerciseError(f"{name} has {arr.size} numbers: not rows of {cols}")
                    arr = arr.reshape(-1, cols)
                out.append(arr)
            else:
                out.append(value)
        return tuple(out)

    def _solve_env(self, params: Mapping[str, object]) -> dict[str, object]:
        env = dict(params)
        for name, value in params.items():
            cols = _columns(self.card, name, params) if isinstance(value, tuple) else None
            if cols and isinstance(value, tuple):
                env[name] = tuple(Sample(value[i:i + cols]) for i in range(0, len(value), cols))
        return env

    def _case(self, label: str, params: dict[str, object], check: str = "") -> Case:
        env = self._solve_env(params)
        expected = _evaluate(self.card.solve or "", env)
        if not finite(expected):
            raise ExerciseError(f"{label}: solve {self.card.solve!r} is not finite "
                                f"(params {params})")
        mistakes: list[object | None] = []
        for m in self.card.mistakes:
            try:
                mistakes.append(_evaluate(m.answer, env))
            except ExerciseError:
                mistakes.append(None)
        args = self._args(params)
        inputs = ", ".join(
            f"{n} ({'×'.join(map(str, getattr(a, 'shape', ())))}) = {format_value(params[n])}"
            if getattr(a, "ndim", 0) > 1 else f"{n} = {format_value(params[n])}"
            for n, a in zip(self.parameters, args, strict=True))
        return Case(label, params, args, inputs, expected, tuple(mistakes), check)

    def _derived(self) -> list[tuple[str, dict[str, object], str]]:
        base = self.params
        samples = [n for n in self.parameters if isinstance(base.get(n), tuple)]
        out = []
        for name, args in self.checks:
            if name == "length_one":
                params = dict(base)
                for n in args or samples:
                    cols = _columns(self.card, n, base) or 1
                    params[n] = Sample(base[n][:cols])  # type: ignore[index]
                out.append(("length 1", params, name))
            elif name == "stable":
                target = args[0]
                shifts = [float(a) for a in args[1:]] or [STABLE_SHIFT, -STABLE_SHIFT]
                for s in shifts:
                    params = dict(base)
                    params[target] = base[target] + s  # type: ignore[operator]
                    sign = "+" if s > 0 else "−"
                    out.append((f"{target} {sign} {abs(s):g}", params, name))
                value = base[target]
                if len(args) == 1 and isinstance(value, tuple) and len(value) > 1:
                    # A wide spread: one shift of the whole sample is passed by any shift
                    # (min, first entry, mean), and only the max keeps every exponent <= 0
                    # when entries lie 2000 apart. Both alternations, so that whichever entry
                    # a card singles out (a target class) meets -1000 in one of them.
                    for first in (-STABLE_SHIFT, STABLE_SHIFT):
                        params = dict(base)
                        params[target] = Sample(
                            v + (first if i % 2 == 0 else -first) for i, v in enumerate(value))
                        signs = "−, +" if first < 0 else "+, −"
                        out.append((f"{target} ± {STABLE_SHIFT:g} ({signs}, …)", params, name))
        return out

    def cases(self) -> list[Case]:
        """Every call the solution must get right: each draw, then the checks' own cases.

        Computes the expected values through the registry (loads numpy and the solvers).
        Raises :class:`ExerciseError` when the card's own expressions fail.
        """
        if self._cases is None:
            cases = [self._case(f"draw {i + 1}", p) for i, p in enumerate(self.draws)]
            cases += [self._case(label, p, check) for label, p, check in self._derived()]
            self._cases = cases
        return self._cases

    # ............................................................ grading

    def run(self, source: str, sandbox: Sandbox | None = None) -> CodeResult:
        """Run ``source`` in the sandbox on every case and grade it."""
        from trainer.coderun.sandbox import default_sandbox

        try:
            cases = self.cases()
        except ExerciseError as exc:
            return CodeResult(fatal=f"this card's expected values could not be computed: {exc}",
                              graded=self.is_graded)
        if len(source) > MAX_SOURCE:  # not sent to the sandbox, nor parsed here
            return self.grade(source, Run(fatal=f"your code is longer than "
                                                f"{MAX_SOURCE // 1000} KB"))
        box = sandbox or default_sandbox()
        result = box.run(source, self.function, [list(c.args) for c in cases])
        return self.grade(source, result)

    def grade(self, source: str, run: Run) -> CodeResult:
        """Compare what the solution returned (``run``) with the expected values."""
        cases = self.cases()
        rtol, atol = self.tolerance
        out = CodeResult(fatal=run.fatal, graded=self.is_graded)
        for i, case in enumerate(cases):
            expected = show(case.expected)
            if i >= len(run.cases):
                out.cases.append(CaseResult(case.label, case.inputs, expected, "—", False,
                                            "not run" if run.fatal else "no result"))
                continue
            got = run.cases[i]
            if not got.ok:
                out.cases.append(CaseResult(case.label, case.inputs, expected, "error", False,
                                            got.describe_error()))
                continue
            ok, why = agree(got.value, case.expected, rtol, atol)
            out.cases.append(CaseResult(case.label, case.inputs, expected, show(got.value), ok,
                                        why if not ok else ""))
        try:
            out.checks = self._static_checks(source, run)
        except RecursionError:  # a tree the parser took but too deep for the checks' walk
            out.checks = [CheckResult(name, CHECKS[name], False,
                                      "your code is nested too deeply to be inspected")
                          for name, _ in self.checks if name not in CASE_CHECKS]
        if not out.correct:
            out.feedback = self._diagnose(run)
        return out

    def _static_checks(self, source: str, run: Run) -> list[CheckResult]:
        import numpy as np

        fn = find_function(source, self.function)
        out = []
        for name, _ in self.checks:
            if name in CASE_CHECKS:
                continue
            description = CHECKS[name]
            if name == "returns_pair":
                bad = ""
                for c in run.cases:
                    if not c.ok:
                        continue
                    v = c.value
                    if not isinstance(v, tuple) or len(v) != 2:
                        bad = f"it returned {_kind(v)}"
                    elif not all(isinstance(x, (float, np.floating)) for x in v):
                        bad = "it returned (" + ", ".join(_kind(x) for x in v) + ")"
                    if bad:
                        break
                if not any(c.ok for c in run.cases):
                    bad = "no case returned a value"
                out.append(CheckResult(name, description, not bad, bad))
            elif name == "no_mutation":
                changed = sorted({self.parameters[k] for c in run.cases for k in c.mutated
                                  if k < len(self.parameters)})
                returned = any(c.ok for c in run.cases)
                out.append(CheckResult(
                    name, description, returned and not changed,
                    f"it changed {', '.join(changed)} in place" if changed
                    else "" if returned else "no case returned a value"))
            elif name == "vectorised":
                if fn is None:
                    out.append(CheckResult(name, description, False,
                                           f"no `def {self.function}` to inspect"))
                    continue
                samples = {i for i, a in enumerate(self.cases()[0].args)
                           if isinstance(a, np.ndarray)}
                loops = python_loops(fn, samples, _module(source))
                out.append(CheckResult(name, description, not loops,
                                       "; ".join(f"line {f.line}: {f.message}" for f in loops)))
            elif name == "no_inverse":
                calls = inverse_calls(fn, _module(source)) if fn is not None else []
                out.append(CheckResult(name, description, fn is not None and not calls,
                                       "; ".join(f"line {f.line}: {f.message}"
                                                 + ("" if "solve" in f.message
                                                    else "; use np.linalg.solve")
                                                 for f in calls)))
        return out

    def _diagnose(self, run: Run) -> str:
        """The feedback of the listed mistake the solution's values match, if any."""
        rtol, atol = self.tolerance
        cases = self.cases()
        for k, mistake in enumerate(self.card.mistakes):
            compared = differs = 0
            matches = True
            for i, case in enumerate(cases):
                mv = case.mistakes[k]
                if mv is None or i >= len(run.cases):
                    continue
                got = run.cases[i]
                if not agree(mv, case.expected, rtol, atol)[0]:
                    differs += 1
                if not got.ok:
                    continue
                compared += 1
                if not (agree(got.value, mv, rtol, atol, nan_equal=True)[0]
                        or (not _finite_value(got.value) and not finite(mv))):
                    matches = False
                    break
            if matches and compared and differs:
                return fill(mistake.feedback, self.params) or ""
        return ""

    def mistake_run(self, k: int) -> Run:
        """What a solution making mistake ``k`` would return (for `trainer check`)."""
        cases = []
        for case in self.cases():
            mv = case.mistakes[k]
            cases.append(CaseRun(error="ValueError", message="undefined here") if mv is None
                         else CaseRun(value=mv))
        return Run(cases=cases)


def exercise_for(card: Card, review_number: int) -> CodeExercise:
    return CodeExercise(card, review_number)


def source_problems(source: str, function: str) -> str:
    """Why ``source`` cannot be a solution at all ("" when it parses and defines it)."""
    tree = parse_source(source)
    if isinstance(tree, str):
        return tree
    if find_function(source, function) is None:
        return f"no `def {function}(…)` at the top level"
    return ""


def _module(source: str) -> Any:
    """The parsed module (its imports and helpers matter to the static checks), or None."""
    tree = parse_source(source)
    return None if isinstance(tree, str) else tree


def format_args(values: Sequence[Any]) -> str:
    return ", ".join(show(v) for v in values)
