"""The rules of answering a card, without Textual: rating policies, steps, verdicts, the log."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.attempt import (
    Attempt,
    CardResult,
    StepResult,
    combine,
    suggest_from_coverage,
    suggest_from_steps,
    suggest_from_verdict,
)
from trainer.config import Settings
from trainer.decks import load_decks, load_text
from trainer.review import Verdict
from trainer.scheduling import AGAIN, GOOD, HARD, Scheduler
from trainer.session import StudySession
from trainer.store import Store


class Clock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


# --- the policies ---------------------------------------------------------------------------


@pytest.mark.parametrize(("ticked", "total", "rating"), [
    (3, 3, GOOD), (2, 4, HARD), (3, 4, HARD), (1, 3, AGAIN), (0, 2, AGAIN), (0, 0, GOOD),
])
def test_key_points_covered_suggest_a_rating(ticked, total, rating):
    assert suggest_from_coverage(ticked, total) == rating


@pytest.mark.parametrize(("right", "total", "rating"), [
    (3, 3, GOOD), (2, 3, HARD), (1, 2, HARD), (1, 3, AGAIN), (0, 2, AGAIN), (0, 0, AGAIN),
])
def test_steps_right_suggest_a_rating(right, total, rating):
    assert suggest_from_steps(right, total) == rating


def test_a_one_answer_card_suggests_by_its_verdict_and_nothing_when_undecided():
    assert suggest_from_verdict(Verdict.CORRECT) == GOOD
    assert suggest_from_verdict(Verdict.INCORRECT) == AGAIN
    assert suggest_from_verdict(Verdict.UNDECIDED) is None


def test_step_verdicts_combine_strictly():
    c, i, u = Verdict.CORRECT, Verdict.INCORRECT, Verdict.UNDECIDED
    assert combine([c, c]) is c
    assert combine([c, i]) is i
    assert combine([c, u]) is i  # an undecided step is not a right one
    assert combine([u, u]) is u


# --- one attempt ----------------------------------------------------------------------------


def _card(graded_deck: Path, card_id: str):
    return next(c for c in load_decks([graded_deck]).cards if c.id == card_id)


def test_a_recall_attempt_reveals_then_suggests_from_the_ticked_points(recall_deck):
    card = load_decks([recall_deck]).cards[0]
    attempt = Attempt(card, 0)
    assert attempt.phase == "question" and attempt.suggested is None
    result = attempt.submit("")
    assert isinstance(result, CardResult) and result.verdict is None
    assert attempt.answered and attempt.suggested is None  # Enter must not mean Again
    assert attempt.logged_answer is None
    assert attempt.tick([1]) == HARD and attempt.suggested == HARD
    assert attempt.tick([0, 1]) == GOOD
    assert attempt.logged_answer == "key points: function of theta; data fixed"
    assert attempt.tick([]) is None
    assert attempt.verdict is None


def test_a_numeric_attempt_grades_gives_feedback_and_logs_the_answer(graded_deck):
    attempt = Attempt(_card(graded_deck, "coin"), 3)
    n, k = attempt.exercise.params["n"], attempt.exercise.params["k"]
    wrong = attempt.submit(f"{k + 1}/{n + 2}")
    assert isinstance(wrong, CardResult)
    assert wrong.verdict is Verdict.INCORRECT and wrong.suggested == AGAIN
    assert "posterior mean" in wrong.last.graded.feedback
    assert attempt.logged_answer == f"{k + 1}/{n + 2}" and attempt.verdict is Verdict.INCORRECT


def test_an_answer_not_understood_is_not_recorded(graded_deck):
    attempt = Attempt(_card(graded_deck, "coin"), 0)
    result = attempt.submit("3/(")
    assert isinstance(result, StepResult) and result.verdict is Verdict.INVALID
    assert attempt.phase == "question" and attempt.step == 0 and attempt.logged_answer is None


def test_an_empty_answer_gives_up_and_shows_the_reference(graded_deck):
    attempt = Attempt(_card(graded_deck, "coin"), 0)
    result = attempt.submit("  ")
    assert isinstance(result, CardResult) and result.verdict is Verdict.INCORRECT
    assert result.last.given_up and result.last.graded.reference
    assert attempt.suggested == AGAIN and attempt.logged_answer == ""


def test_a_stale_grading_is_ignored(graded_deck):
    attempt = Attempt(_card(graded_deck, "two-steps"), 0)
    first = attempt.grade("k*log(p) + (n - k)*log(1 - p)")
    assert attempt.record(first) == first and attempt.step == 1
    assert attempt.record(first) is None  # graded for step 0, which is done


def test_a_broken_card_waits_for_a_rating_without_a_suggestion():
    deck, problems = load_text("deck: b\ntitle: B\ncards:\n  - id: x\n    kind: numeric\n"
                               "    prompt: p\n    params:\n      n: randint(1, 3)\n"
                               "    constraints: ['n > 5']\n    solve: n\n", "b.yaml")
    assert problems == []
    attempt = Attempt(deck.cards[0], 0)
    assert attempt.answered and attempt.error and "constraint" in attempt.error.lower()
    assert attempt.suggested is None and attempt.verdict is None
    assert attempt.logged_answer is None


def test_the_duration_is_measured_by_the_attempts_clock(recall_deck):
    clock = Clock(100.0)
    attempt = Attempt(load_decks([recall_deck]).cards[0], 0, clock)
    clock.t = 104.25
    assert attempt.duration_ms() == 4250


# --- a front end without Textual ------------------------------------------------------------


def test_a_plain_python_front_end_studies_every_kind_of_card_to_the_end(
        recall_deck, graded_deck, tmp_path):
    """What the command line or a mock interview does: no Textual, only Attempt + session."""
    cards = load_decks([recall_deck, graded_deck]).cards
    session = StudySession(store=Store.open(tmp_path / "s.db"), cards=cards,
                           settings=Settings(), scheduler=Scheduler(fuzz=False), clock=Clock())
    seen = []
    while session.current is not None and len(seen) < len(cards):
        attempt = session.attempt(clock=Clock())
        card = attempt.card
        seen.append(card.id)
        if card.kind == "recall":
            attempt.submit("")
            attempt.tick(range(len(card.key_points)))
        else:
            outcome = None
            for i in range(attempt.step_count):
                ref = attempt.exercise.reference(i)
                # the numeric answer typed as the learner would; the formula as written
                typed = ref.shown.rsplit("≈", 1)[-1].strip() if ref.kind == "numeric" \
                    else str(ref.expected)
                if card.id == "two-steps" and i == 1:
                    typed = "k/p"  # a wrong second step
                outcome = attempt.submit(typed)
            assert isinstance(outcome, CardResult)
        assert attempt.answered
        rating = attempt.suggested
        assert rating is not None
        session.finish(attempt, rating)
    assert sorted(seen) == sorted(c.id for c in cards)  # each card once, to the end
    reviews = {r.card_key: r for r in session.store.reviews()}
    assert (reviews["basics/map"].rating, reviews["basics/map"].verdict) == (GOOD, None)
    assert reviews["basics/map"].answer == "key points: log prior"
    assert (reviews["graded/coin"].rating, reviews["graded/coin"].verdict) == (GOOD, "correct")
    assert reviews["graded/map-formula"].verdict == "correct"
    derivation = reviews["graded/two-steps"]
    assert (derivation.rating, derivation.verdict) == (HARD, "incorrect")
    assert derivation.answer.endswith(" ⏎ k/p")
    assert session.summary().graded == 3 and session.summary().correct == 2


def test_the_session_refuses_to_finish_an_attempt_at_another_card(recall_deck, tmp_path):
    cards = load_decks([recall_deck]).cards
    session = StudySession(store=Store.open(tmp_path / "s.db"), cards=cards,
                           settings=Settings(), scheduler=Scheduler(fuzz=False), clock=Clock())
    attempt = session.attempt()
    with pytest.raises(RuntimeError, match="not answered"):
        session.finish(attempt, GOOD)
    attempt.reveal()
    session.finish(attempt, GOOD)
    with pytest.raises(RuntimeError, match="not the current card"):
        session.finish(attempt, GOOD)
