"""`trainer check` for code cards: the reference passes every draw and check; mistakes fail.

For review numbers 0..N-1 the card is drawn as the learner meets it (the draws a
run shows and the fresh ones a submission is graded on); the expected values come
from the registry. The card's reference solution runs in
the sandbox (once for all draws, like any learner's code) and must pass every
case and check. Each listed mistake's values must fail at every review and be
recognised with its own feedback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.coderun.sandbox import Run
from trainer.decks.model import Card
from trainer.exercises.params import ExerciseError

if TYPE_CHECKING:
    from trainer.check import Failure, Stats
    from trainer.coderun.card import CodeExercise

__all__ = ["check_code_card", "slip_collisions"]


def slip_collisions(ex: CodeExercise) -> list[str]:
    """Where a listed mistake comes within 1% of the reference or of another mistake on one
    of this review's cases (empty: every diagnosis is unambiguous).

    A mistake that differs from the reference only on the shifted cases of `stable` is an
    overflow slip (no max-shift): equal elsewhere by design, it is proven to fail there. The
    others are held apart on the draws and the length-1 cases; the shifted cases are left
    out, as there the shift of 1000 or more dominates every value and only overflow is tested.
    """
    from trainer.coderun.values import SEPARATION, agree, apart, show

    cases = ex.cases()
    rtol, atol = ex.tolerance
    mistakes = ex.card.mistakes
    slips = [k for k in range(len(mistakes))
             if not all(c.mistakes[k] is not None
                        and agree(c.mistakes[k], c.expected, rtol, atol)[0]
                        for c in cases if c.check != "stable")]
    percent = f"{SEPARATION:.0%}"
    out: list[str] = []
    for k in slips:
        for c in cases:
            mv = c.mistakes[k]
            if c.check != "stable" and mv is not None and not apart(mv, c.expected, atol=atol):
                out.append(f"the mistake {mistakes[k].answer!r} is within {percent} of the "
                           f"reference on {c.label} ({show(mv)} against {show(c.expected)}; "
                           f"{c.inputs}): constrain the params to keep them apart")
                break
        for j in slips:
            if j <= k:
                continue
            for c in cases:
                a, b = c.mistakes[k], c.mistakes[j]
                if c.check != "stable" and a is not None and b is not None \
                        and not apart(a, b, atol=atol):
                    out.append(f"the mistakes {mistakes[k].answer!r} and "
                               f"{mistakes[j].answer!r} are within {percent} of each other "
                               f"on {c.label} ({show(a)} against {show(b)}; {c.inputs}): "
                               "their feedback could not tell which slip it was")
                    break
    return out


def _which(ex: CodeExercise) -> str:
    """Where a failure is, when it is on the draws that grade a submission."""
    return " (on the fresh draws a submission is graded on)" if ex.is_graded else ""


def check_code_card(card: Card, seeds: int, stats: Stats) -> list[Failure]:
    from trainer.check import Failure
    from trainer.coderun.card import CodeExercise
    from trainer.coderun.sandbox import default_sandbox
    from trainer.coderun.validate import code_problems

    def fail(message: str, review: int | None = None, seed: int | None = None) -> None:
        failures.append(Failure(card.path, card.line, card.key, message, seed, review))

    failures: list[Failure] = []
    stats.cards += 1
    problems = code_problems(card)
    for _, message in problems:
        fail(message)
    if problems:
        return failures
    exercises: list[CodeExercise] = []
    for review in range(seeds):
        try:
            shown = CodeExercise(card, review)
            pair = [shown, shown.graded()]  # the draws a run shows and those a submission meets
            for ex in pair:
                ex.cases()
        except ExerciseError as exc:
            fail(f"could not be drawn: {exc}", review)
            continue
        exercises += pair
        stats.draws += 1
        for ex in pair:
            for message in slip_collisions(ex):
                fail(message + _which(ex), review, ex.seed)
    if not exercises:
        return failures
    # the reference runs once, on every case of every review, like a learner's code
    source = card.reference or ""
    calls = [list(c.args) for ex in exercises for c in ex.cases()]
    run = default_sandbox().run(source, exercises[0].function, calls)
    at = 0
    for ex in exercises:
        n = len(ex.cases())
        part = Run(cases=run.cases[at:at + n], fatal=run.fatal, printed=run.printed)
        at += n
        stats.steps += n
        result = ex.grade(source, part)
        if not result.correct:
            bad = [f"{c.label} ({c.inputs}): expected {c.expected}, got {c.got}"
                   + (f": {c.message}" if c.message else "")
                   for c in result.cases if not c.passed]
            bad += [f"check {c.name}: {c.message}" for c in result.checks if not c.passed]
            if result.fatal:
                bad.insert(0, result.fatal)
            fail("the reference solution does not pass" + _which(ex) + ": " + "; ".join(bad[:3]),
                 ex.review_number, ex.seed)
        for k, mistake in enumerate(card.mistakes):
            stats.mistakes += 1
            graded = ex.grade(source, ex.mistake_run(k))
            expected_feedback = ex.card.mistakes[k].feedback
            from trainer.exercises.params import fill

            expected_feedback = fill(expected_feedback, ex.params) or ""
            if graded.correct or all(c.passed for c in graded.cases):
                fail(f"the mistake {mistake.answer!r} passes every case{_which(ex)}: it is not "
                     "a mistake these draws can tell apart", ex.review_number, ex.seed)
            elif graded.feedback != expected_feedback:
                fail(f"the mistake {mistake.answer!r} fails without its feedback{_which(ex)}; got "
                     f"{graded.feedback!r}", ex.review_number, ex.seed)
    return failures
