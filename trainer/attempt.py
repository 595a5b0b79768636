"""One attempt at one card: answer it step by step, get a verdict and a suggested rating.

The rules of answering a card live here, not in a front end: the study screen,
the command line and a mock interview each build an `Attempt` and forward what
the learner types. Grading may be slow (sympy), so `grade` is separate from
`record`: a front end may grade in a worker thread and record on its own
thread; `submit` does both for a front end that can wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Literal

from trainer.decks.model import Card
from trainer.record import Record
from trainer.review import Rating, Verdict

if TYPE_CHECKING:
    from trainer.coderun.card import CodeExercise, CodeResult
    from trainer.exercises import Exercise, ExerciseStep, Graded
    from trainer.plots import PlotData
    from trainer.store import CardState

# question: waiting for an answer (or, on a recall card, for the reveal);
# answered: the card is done and waits for a rating
Phase = Literal["question", "answered"]

STEP_SEPARATOR = " ⏎ "  # between the answers of a derivation's steps in the review log


def suggest_from_coverage(ticked: int, total: int) -> Rating:
    """Rating suggested by the share of key points covered: all Good, half Hard, less Again."""
    if total == 0:
        return Rating.GOOD
    share = ticked / total
    if share >= 1:
        return Rating.GOOD
    if share >= 0.5:
        return Rating.HARD
    return Rating.AGAIN


def suggest_from_steps(correct: int, total: int) -> Rating:
    """Rating suggested by graded steps: all right Good, at least half Hard, else Again."""
    if total and correct == total:
        return Rating.GOOD
    if total and correct * 2 >= total:
        return Rating.HARD
    return Rating.AGAIN


def suggest_from_verdict(verdict: Verdict) -> Rating | None:
    """Rating suggested by a one-answer card's verdict; none when the grader could not tell."""
    return {Verdict.CORRECT: Rating.GOOD, Verdict.INCORRECT: Rating.AGAIN}.get(verdict)


def suggest_from_code(result: CodeResult) -> Rating:
    """Rating suggested by a code card's cases and checks: Good when all pass; Hard when
    every value is right and only a check of how the code is written fails (a Python loop,
    an input changed in place, an inverse, numpy scalars for floats); Again when any value
    is wrong. A function right on some cases only is a wrong function, not a hard recall:
    one that reads x[0] alone passes the length-1 case and the checks, and nothing more."""
    if result.correct:
        return Rating.GOOD
    if result.fatal is None and result.cases and all(c.passed for c in result.cases):
        return Rating.HARD
    return Rating.AGAIN


def combine(verdicts: Iterable[Verdict]) -> Verdict:
    """A card's verdict from its steps': correct only if every step is, undecided only if
    no step could be decided, otherwise incorrect."""
    verdicts = list(verdicts)
    if verdicts and all(v is Verdict.CORRECT for v in verdicts):
        return Verdict.CORRECT
    if verdicts and all(v is Verdict.UNDECIDED for v in verdicts):
        return Verdict.UNDECIDED
    return Verdict.INCORRECT


def next_review_number(state: CardState | None) -> int:
    """The number of the card's next review (how many reviews since it was new or last
    forgotten): it seeds the numbers that review draws."""
    return state.reps if state is not None else 0


def instantiate(card: Card, review_number: int) -> Exercise:
    """The exercise of one review of a graded card: params drawn, text filled.

    Deterministic in (card key, review number). Raises `ExerciseError` for a
    broken card.
    """
    from trainer.exercises import instantiate as draw

    return draw(card, review_number)


_set = object.__setattr__  # a Record's fields are set once, in __init__


class StepResult(Record):
    """The verdict on one step's answer. An invalid one is not recorded: the learner
    changes the answer and submits again."""

    __slots__ = ("index", "text", "verdict", "graded", "error")
    index: int  # which step, from 0
    text: str  # what the learner typed, stripped; empty: gave up
    verdict: Verdict
    graded: Graded | None  # the grader's details (reference, feedback, fix); None on failure
    error: str | None  # the grader failed with this message

    def __init__(self, index: int, text: str, verdict: Verdict, graded: Graded | None,
                 error: str | None = None) -> None:
        _set(self, "index", index)
        _set(self, "text", text)
        _set(self, "verdict", verdict)
        _set(self, "graded", graded)
        _set(self, "error", error)

    @property
    def given_up(self) -> bool:
        return not self.text


class CardResult(Record):
    """The card is answered: every step's result, the verdict and the suggested rating."""

    __slots__ = ("steps", "verdict", "suggested")
    steps: tuple[StepResult, ...]
    verdict: Verdict | None  # None for a recall card (the learner judges it)
    suggested: Rating | None

    def __init__(self, steps: tuple[StepResult, ...], verdict: Verdict | None,
                 suggested: Rating | None) -> None:
        _set(self, "steps", steps)
        _set(self, "verdict", verdict)
        _set(self, "suggested", suggested)

    @property
    def last(self) -> StepResult | None:
        return self.steps[-1] if self.steps else None


class Attempt:
    """One card answered once, for one review number.

    Graded cards: `submit(text)` for each step (or `grade` then `record`); the
    last step gives a `CardResult`. Recall cards: `reveal()` (or `submit`)
    shows the answer; `tick` marks the key points the learner covered. Then
    `suggested` is the rating to offer, and `logged_answer` and `verdict` are
    what the review log keeps.
    """

    def __init__(self, card: Card, review_number: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.card = card
        self.review_number = review_number
        self.clock = clock
        self.started_at = clock()
        self.phase: Phase = "question"
        self.exercise: Exercise | None = None
        self.error: str | None = None  # why the card can not be answered
        self.results: list[StepResult] = []
        self.typed: str = ""  # recall: what the learner wrote before revealing, if anything
        self.ticked: frozenset[int] = frozenset()
        self._suggested: Rating | None = None
        # code cards: the learner's function, run in the sandbox against the card's draws
        self.code: CodeExercise | None = None
        self.code_source: str | None = None
        self.code_result: CodeResult | None = None
        # the answer of this card's review that the learner just undid: shown again to mend
        self.restored: str | None = None
        if card.graded:
            try:
                self.exercise = instantiate(card, review_number)
            except Exception as exc:  # noqa: BLE001 - a broken card must not end a session
                self.fail(str(exc))
        elif card.kind == "code":
            from trainer.coderun.card import CodeExercise

            try:
                self.code = CodeExercise(card, review_number)
            except Exception as exc:  # noqa: BLE001 - a broken card must not end a session
                self.fail(str(exc))

    # --- what is shown ------------------------------------------------------------------

    @property
    def graded(self) -> bool:
        return self.card.graded

    @property
    def prompt(self) -> str:
        return self.exercise.prompt if self.exercise is not None else self.card.prompt

    @property
    def solution(self) -> str | None:
        return self.exercise.solution if self.exercise is not None else self.card.solution

    def references(self) -> list[str]:
        """Each step's reference answer for this review's numbers, as a verdict shows it
        (none for a card that is not graded). May import the solvers, so slow the first
        time; raises `ExerciseError` when the card's own expressions fail."""
        exercise = self.exercise
        if exercise is None:
            return []
        return [exercise.reference(i).shown for i in range(len(exercise.steps))]

    @property
    def step(self) -> int:
        """The step being answered, from 0 (the number of steps recorded so far)."""
        return len(self.results)

    @property
    def step_count(self) -> int:
        return len(self.exercise.steps) if self.exercise is not None else 0

    @property
    def current_step(self) -> ExerciseStep | None:
        if self.exercise is None or self.step >= self.step_count:
            return None
        return self.exercise.steps[self.step]

    @property
    def restored_step(self) -> str:
        """What the learner had answered at the current step in the review just undone
        ('' if nothing): the step's box starts with it."""
        if self.restored is None or not self.graded:
            return ""
        parts = self.restored.split(STEP_SEPARATOR)
        return parts[self.step] if self.step < len(parts) else ""

    @property
    def code_start(self) -> str:
        """The code a code card's editor starts with: the function submitted in the review
        just undone, else the starter."""
        assert self.code is not None
        return self.restored if self.restored is not None else self.code.starter

    @property
    def hint(self) -> str | None:
        """The hint for where the learner is: the step's own, else the card's."""
        step = self.current_step
        if step is not None and step.hint:
            return step.hint
        if self.exercise is not None and self.exercise.hint:
            return self.exercise.hint
        return self.card.hint

    def plot(self) -> PlotData | None:
        """The card's plot for this review's numbers, the learner's last number marked;
        None when the card has none or it can not be drawn (`trainer check` reports that)."""
        if self.card.plot is None or self.exercise is None:
            return None
        from trainer.exercises import ExerciseError
        from trainer.exercises.exercise import evaluate_numeric
        from trainer.plots import PlotError, plot_data

        answer = None
        last = self.results[-1] if self.results else None
        if last is not None and last.text and self.exercise.steps[last.index].kind == "numeric":
            try:
                answer = evaluate_numeric(last.text, {})
            except ExerciseError:
                answer = None  # not a plain number (a percentage, a formula): no marker
        try:
            return plot_data(self.card.plot, self.exercise.params, answer)
        except PlotError:
            return None

    def preview(self, text: str) -> tuple[bool, str]:
        """(ok, the answer as understood or what is wrong), cheap enough for every key."""
        if self.exercise is None or self.current_step is None:
            return (False, "")
        return self.exercise.preview(self.step, text)

    # --- answering a graded card --------------------------------------------------------

    def grade(self, text: str) -> StepResult:
        """Grade `text` as the answer to the current step without recording it.

        Safe to call from a worker thread. An empty answer gives up the step: it
        counts as incorrect and shows the reference. Never raises for bad text.
        """
        text = text.strip()
        index = self.step
        if self.exercise is None or self.current_step is None:
            raise RuntimeError(f"{self.card.key}: no step to answer")
        try:
            graded = self.exercise.grade(index, text or "0")  # "0": to get the reference
        except Exception as exc:  # noqa: BLE001 - a verdict, never a crash
            return StepResult(index, text, Verdict.UNDECIDED, None, str(exc))
        verdict = Verdict.INCORRECT if not text else Verdict.of(graded.verdict)
        return StepResult(index, text, verdict, graded)

    def record(self, result: StepResult) -> StepResult | CardResult | None:
        """Take a graded step into the attempt; None if it is stale (the attempt moved on).

        An invalid answer is returned as it is and not recorded. The last step
        gives the card's result.
        """
        if self.phase != "question" or result.index != self.step:
            return None
        if result.verdict is Verdict.INVALID:
            return result
        self.results.append(result)
        if self.step < self.step_count:
            return result
        self.phase = "answered"
        verdict = combine(r.verdict for r in self.results)
        if len(self.results) > 1:
            right = sum(1 for r in self.results if r.verdict is Verdict.CORRECT)
            self._suggested = suggest_from_steps(right, len(self.results))
        else:
            self._suggested = suggest_from_verdict(verdict)
        return CardResult(tuple(self.results), verdict, self._suggested)

    def submit(self, text: str) -> StepResult | CardResult:
        """Answer the current step (graded), submit a function (code) or reveal (recall)."""
        if self.is_code:
            return self.submit_code(text)
        if not self.graded:
            return self.reveal(text)
        outcome = self.record(self.grade(text))
        assert outcome is not None  # graded and recorded on this thread: never stale
        return outcome

    # --- answering a code card ----------------------------------------------------------

    @property
    def is_code(self) -> bool:
        return self.card.kind == "code"

    def run_code(self, source: str, submit: bool = False) -> CodeResult:
        """Run the learner's function in the sandbox, without recording anything (the
        learner may run as often as they like): on the draws a run shows, or with
        ``submit`` on the review's fresh draws that grade a submission, so that what a run
        showed can not simply be played back. Slow: call it from a worker thread. Never
        raises for bad code."""
        if self.code is None:
            raise RuntimeError(f"{self.card.key} is not a code card that can be run")
        return (self.code.graded() if submit else self.code).run(source)

    def record_code(self, source: str, result: CodeResult) -> CardResult | None:
        """Take a submitted function and its result (``run_code(source, submit=True)``)
        into the attempt (None if already answered): the verdict, the suggested rating,
        and the code for the review log."""
        if self.phase != "question" or self.code is None:
            return None
        if not result.graded:
            raise ValueError("a submission is graded on its fresh draws: "
                             "run_code(source, submit=True)")
        self.code_source, self.code_result = source, result
        self.phase = "answered"
        self._suggested = suggest_from_code(result)
        return CardResult((), self.verdict, self._suggested)

    def submit_code(self, source: str) -> CardResult:
        outcome = self.record_code(source, self.run_code(source, submit=True))
        if outcome is None:
            raise RuntimeError(f"{self.card.key} is already answered")
        return outcome

    # --- answering a recall card --------------------------------------------------------

    def reveal(self, typed: str = "") -> CardResult:
        """Show the model answer of a recall card; the learner then ticks and rates."""
        if self.graded:
            raise RuntimeError(f"{self.card.key} is graded: submit an answer instead")
        if self.phase == "question":
            self.typed = typed.strip()
            self.phase = "answered"
            self._suggested = None  # until a key point is ticked: accepting must not mean Again
        return CardResult((), None, self._suggested)

    def tick(self, indices: Iterable[int]) -> Rating | None:
        """Mark which key points the learner covered; returns the suggested rating."""
        total = len(self.card.key_points)
        self.ticked = frozenset(i for i in indices if 0 <= i < total)
        self._suggested = suggest_from_coverage(len(self.ticked), total) if self.ticked \
            else None
        return self._suggested

    # --- the end ------------------------------------------------------------------------

    def fail(self, message: str) -> None:
        """The card can not be answered (or shown): it waits for a rating, with no
        suggestion, so that the learner can rate, suspend or bury it."""
        self.error = message
        self.phase = "answered"
        self._suggested = None

    @property
    def answered(self) -> bool:
        return self.phase == "answered"

    @property
    def suggested(self) -> Rating | None:
        """The rating to offer (Enter accepts it), or None when the learner must choose."""
        return self._suggested if self.answered else None

    @property
    def verdict(self) -> Verdict | None:
        """The card's verdict for the review log; None for recall and unanswered cards."""
        if self.code_result is not None:
            return Verdict.CORRECT if self.code_result.correct else Verdict.INCORRECT
        if not self.graded or not self.answered or not self.results:
            return None
        return combine(r.verdict for r in self.results)

    @property
    def logged_answer(self) -> str | None:
        """What the review log keeps as the learner's answer."""
        if self.code_source is not None:
            return self.code_source
        if self.graded:
            return STEP_SEPARATOR.join(r.text for r in self.results) if self.results else None
        parts = [self.typed] if self.typed else []
        covered = [self.card.key_points[i] for i in sorted(self.ticked)]
        if covered:
            parts.append("key points: " + "; ".join(covered))
        return STEP_SEPARATOR.join(parts) or None

    def duration_ms(self) -> int:
        """Time since the card was shown, by the attempt's clock."""
        return int((self.clock() - self.started_at) * 1000)
