"""`trainer check` for code cards: the reference passes every draw and check; mistakes fail.

For review numbers 0..N-1 the card is drawn as the learner meets it; the
expected values come from the registry. The card's reference solution runs in
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

__all__ = ["check_code_card"]


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
            ex = CodeExercise(card, review)
            ex.cases()
        except ExerciseError as exc:
            fail(f"could not be drawn: {exc}", review)
            continue
        exercises.append(ex)
        stats.draws += 1
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
            fail("the reference solution does not pass: " + "; ".join(bad[:3]), ex.review_number,
                 ex.seed)
        for k, mistake in enumerate(card.mistakes):
            stats.mistakes += 1
            graded = ex.grade(source, ex.mistake_run(k))
            expected_feedback = ex.card.mistakes[k].feedback
            from trainer.exercises.params import fill

            expected_feedback = fill(expected_feedback, ex.params) or ""
            if graded.correct or all(c.passed for c in graded.cases):
                fail(f"the mistake {mistake.answer!r} passes every case: it is not a mistake "
                     "these draws can tell apart", ex.review_number, ex.seed)
            elif graded.feedback != expected_feedback:
                fail(f"the mistake {mistake.answer!r} fails without its feedback; got "
                     f"{graded.feedback!r}", ex.review_number, ex.seed)
    return failures
