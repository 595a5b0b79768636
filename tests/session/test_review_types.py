"""A review keeps its types from the grader to the log: Verdict, Rating and State."""

from __future__ import annotations

from trainer.config import Settings
from trainer.decks import load_decks
from trainer.review import Rating, State, Verdict
from trainer.scheduling import Scheduler
from trainer.session import StudySession
from trainer.store import Store


def test_the_log_gives_back_the_verdict_rating_and_state_it_was_given(graded_deck, tmp_path):
    cards = load_decks([graded_deck]).cards
    session = StudySession(store=Store.open(tmp_path / "s.db"), cards=cards,
                           settings=Settings(), scheduler=Scheduler(fuzz=False),
                           clock=lambda: 1_800_000_000.0)
    attempt = session.attempt()
    outcome = attempt.submit("")  # given up: incorrect
    assert outcome.verdict is Verdict.INCORRECT
    after = session.finish(attempt, 1)
    assert after.state is State.LEARNING
    (review,) = Store.open(tmp_path / "s.db").reviews()
    assert review.rating is Rating.AGAIN and review.verdict is Verdict.INCORRECT
    assert review.after.state is State.LEARNING and review.before is None
    assert Store.open(tmp_path / "s.db").card_state(review.card_key).state is State.LEARNING
    assert session.outcomes[0].rating is Rating.AGAIN


def test_the_grader_and_the_log_share_one_verdict_type():
    from trainer.grading import Verdict as GraderVerdict

    assert GraderVerdict is Verdict
    assert Verdict.of("correct") is Verdict.CORRECT and Verdict.of("???") is Verdict.UNDECIDED
