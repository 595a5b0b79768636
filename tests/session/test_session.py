"""A study session without a terminal: order, relearning, undo, suspend, bury."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from trainer.config import Settings
from trainer.decks import load_decks
from trainer.scheduling import AGAIN, EASY, GOOD, HARD, Scheduler
from trainer.scheduling.days import next_day_start
from trainer.session import StudySession
from trainer.store import Store


class Clock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def make(recall_deck: Path, tmp_path: Path, **kw) -> StudySession:
    cards = load_decks([recall_deck]).cards
    return StudySession(store=Store.open(tmp_path / "s.db"), cards=cards,
                        settings=Settings(**kw), scheduler=Scheduler(fuzz=False), clock=Clock())


def test_cards_come_in_deck_order_and_each_rating_is_stored(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    assert session.current.id == "likelihood"
    assert session.remaining == 3
    session.rate(GOOD, duration_ms=1200)
    assert session.current.id == "log-likelihood"
    (review,) = session.store.reviews()
    assert review.card_key == "basics/likelihood" and review.duration_ms == 1200


def test_again_brings_the_card_back_in_the_same_session(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.rate(AGAIN)
    session.rate(GOOD)
    session.rate(GOOD)
    # the queue is empty; the failed card is due within the learn-ahead window
    assert session.current is not None and session.current.id == "likelihood"


def test_undo_restores_the_card_and_the_store(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.rate(GOOD)
    assert session.undo().id == "likelihood"
    assert session.current.id == "likelihood"
    assert session.store.reviews() == []
    assert session.store.card_state("basics/likelihood") is None
    assert session.done == 0
    session.rate(GOOD)
    assert session.current.id == "log-likelihood"


def test_undo_of_again_removes_the_relearning_copy(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.rate(AGAIN)
    session.undo()
    assert session.learning == []


def test_suspend_and_bury_take_cards_out_and_undo_brings_them_back(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.suspend()
    assert session.current.id == "log-likelihood"
    assert session.store.card_state("basics/likelihood").suspended
    session.bury()
    assert session.current.id == "map"
    session.undo()
    assert session.current.id == "log-likelihood"
    assert session.store.card_state("basics/log-likelihood") is None
    # a fresh session the same day does not offer the suspended card
    again = StudySession(store=session.store, cards=session.cards, settings=session.settings,
                         scheduler=session.scheduler, clock=session.clock)
    assert again.current.id == "log-likelihood"
    assert again.remaining == 2


def test_the_summary_counts_what_was_done(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.rate(GOOD, verdict=None)
    session.rate(AGAIN)
    summary = session.summary()
    assert (summary.studied, summary.again) == (2, 1)
    assert summary.accuracy == 0.5
    # both are in learning steps, due in minutes: later today, not tomorrow
    assert (summary.due_later_today, summary.due_tomorrow) == (2, 0)


def test_the_summary_counts_what_falls_due_during_the_next_study_day(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path)
    session.rate(GOOD)
    state = session.store.card_state("basics/likelihood")
    today_end = next_day_start(session.clock(), 4)
    session.store.put_state(replace(state, due=today_end + 3600))
    later = session.store.card_state("basics/log-likelihood")
    assert later is None  # not studied: new cards are not counted
    summary = session.summary()
    assert (summary.due_later_today, summary.due_tomorrow) == (0, 1)
    session.store.put_state(replace(state, due=next_day_start(today_end, 4) + 60))
    assert session.summary().due_tomorrow == 0


def test_a_learning_card_comes_back_when_it_falls_due(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path, learn_ahead_minutes=0)
    session.rate(AGAIN)  # likelihood: the first learning step, due in a minute
    assert session.current.id == "log-likelihood"
    session.clock.t += 120
    session.rate(GOOD)
    # due now: it comes before the card still queued
    assert session.current.id == "likelihood"


def test_with_only_learning_cards_later_the_session_counts_down_to_the_next(recall_deck,
                                                                           tmp_path):
    session = make(recall_deck, tmp_path, learn_ahead_minutes=0)
    session.rate(AGAIN)  # likelihood: due in 1 min
    session.rate(HARD)  # log-likelihood: a Hard learning step, still today
    session.rate(GOOD)  # map: due in 10 min
    assert session.current is None
    assert session.next_card_in() == 60
    # a Hard step is not lost because it falls after the learn-ahead window
    assert [c.id for _, _, c in session.learning] == ["likelihood", "log-likelihood", "map"]
    session.clock.t += 59
    assert session.bring_back() is None and session.next_card_in() == 1
    session.clock.t += 1
    assert session.bring_back().id == "likelihood"
    assert session.next_card_in() is None  # a card is on screen
    session.rate(EASY)
    assert session.current is None and session.next_card_in() > 0
    assert session.learn_ahead().id == "log-likelihood"  # `a`: now, before it is due


def test_the_learn_ahead_window_counts_before_the_countdown(recall_deck, tmp_path):
    session = make(recall_deck, tmp_path, learn_ahead_minutes=20)
    session.rate(EASY)
    session.rate(EASY)
    session.rate(AGAIN)  # due in a minute: inside the window, shown at once
    assert session.current.id == "map" and session.next_card_in() is None


def test_at_the_default_window_as_in_anki_no_learning_step_makes_the_learner_wait(
        recall_deck, tmp_path):
    """Anki's learn-ahead limit (20 min) with fsrs's steps (1 and 10 min, relearning 10):
    every step, even Hard's longest (15 min, relearning), is inside the window, so the
    last new card leads straight into the learning cards, never to a countdown."""
    session = make(recall_deck, tmp_path)
    assert session.settings.learn_ahead_minutes == 20
    session.rate(AGAIN)  # likelihood: 1 min
    session.rate(GOOD)  # log-likelihood: 10 min
    session.rate(HARD)  # map: a Hard first step
    seen = []
    while session.learning or session.current is not None:
        assert session.current is not None  # a step waits in the session: shown at once
        seen.append(session.current.id)
        session.rate(GOOD if len(seen) < 3 else EASY)
    assert seen[:3] == ["likelihood", "map", "log-likelihood"]  # by due: 1, 5.5, 10 min
    assert session.next_card_in() is None  # over: every card graduated


def test_a_window_shorter_than_the_step_counts_down_to_the_window_not_the_due_time(
        recall_deck, tmp_path):
    """With learn_ahead_minutes below the 10-min step the countdown appears, and it ends
    when the card enters the window (as `advance` shows it), 5 min before it is due."""
    session = make(recall_deck, tmp_path, learn_ahead_minutes=5)
    session.rate(EASY)
    session.rate(EASY)
    session.rate(AGAIN)  # map: due in 1 min, inside the 5-min window: shown at once
    assert session.current.id == "map" and session.next_card_in() is None
    session.rate(GOOD)  # the 10-min step: 5 min of it outside the window
    assert session.current is None and session.next_card_in() == 300
    session.clock.t += 299
    assert session.bring_back() is None and session.next_card_in() == 1
    session.clock.t += 1
    assert session.bring_back().id == "map"


def test_a_countdown_reads_like_a_clock():
    from trainer.session import describe_wait

    assert [describe_wait(s) for s in (0, 0.2, 42, 60, 239.5, 3600 + 5 * 60)] == [
        "0 s", "1 s", "42 s", "1 min", "4 min", "1 h 05 min"]
    assert describe_wait(179) == "2 min 59 s"


def test_a_session_started_again_picks_up_the_learning_steps_of_the_one_before(recall_deck,
                                                                               tmp_path):
    first = make(recall_deck, tmp_path, learn_ahead_minutes=0)
    first.rate(AGAIN)  # likelihood: due in a minute
    first.rate(GOOD)  # log-likelihood: due in 10 min
    first.rate(EASY)  # map: a review days away, not today
    first.store.close()
    # quit and come back at once: both learning cards wait in the new session
    again = make(recall_deck, tmp_path, learn_ahead_minutes=0)
    again.clock.t = first.clock.t
    again.reload()
    assert again.current is None
    assert again.counts() == (0, 2, 0)
    assert [c.id for _, _, c in again.learning] == ["likelihood", "log-likelihood"]
    assert again.next_card_in() == 60
    again.clock.t += 60
    assert again.bring_back().id == "likelihood"
    # a card suspended in the meantime does not come back
    again.suspend()
    again.store.close()
    third = make(recall_deck, tmp_path, learn_ahead_minutes=20)
    third.clock.t = again.clock.t
    third.reload()
    # inside the learn-ahead window: shown at once
    assert third.current.id == "log-likelihood" and third.learning == []


def test_chosen_cards_are_all_studied_due_or_not_new_or_not(recall_deck, tmp_path):
    """The browser's "study these": every card picked, beyond the 50 of studying ahead and
    today's new-card limit (as an Anki filtered deck takes them); suspended ones left out."""
    cards = load_decks([recall_deck]).cards
    store = Store.open(tmp_path / "s.db")
    session = StudySession(store=store, cards=cards, settings=Settings(new_per_day=1),
                           scheduler=Scheduler(fuzz=False), clock=Clock(), chosen=True)
    assert session.remaining == len(cards) == 3
    session.rate(EASY)  # a review days away: not brought back in this session
    session.suspend()
    chosen_again = StudySession(store=store, cards=cards, settings=Settings(new_per_day=1),
                                scheduler=Scheduler(fuzz=False), clock=Clock(), chosen=True)
    assert chosen_again.remaining == 2  # the suspended card is left out


def test_cards_another_device_settled_leave_the_session_after_a_sync(recall_deck, tmp_path):
    """A sync brings another device's events in while a session runs: a queued card
    reviewed there and no longer due, or suspended there, is not shown again here; one it
    learnt comes back at its step's due time; the card on screen stays."""
    from trainer.store.journal import Event

    session = make(recall_deck, tmp_path, learn_ahead_minutes=0)
    session.rate(AGAIN)  # likelihood: learning, back in a minute
    assert session.current.id == "log-likelihood"
    assert [c.id for c in session.queue] == ["map"]
    now = session.clock.t
    session.store.merge_events([  # the phone, a moment ago
        Event("01PHONE000000000000000001", "phone", "basics/map", now - 30, "review",
              {"rating": 3}),
        Event("01PHONE000000000000000002", "phone", "basics/likelihood", now - 20, "suspend",
              {}),
    ])
    session.merged()
    assert session.current.id == "log-likelihood"  # on screen: it stays
    assert session.queue == []
    assert session.learning[0][2].id == "map"  # learnt on the phone: back at its step
    assert [c.id for _, _, c in session.learning] == ["map"]  # likelihood is suspended
    assert session.counts() == (1, 1, 0)
    assert session.remaining == session.total - session.done
    session.rate(GOOD)
    assert session.current is None and 0 < session.next_card_in() <= 600


def test_a_deck_sessions_summary_counts_that_decks_cards_only(recall_deck, graded_deck,
                                                                 tmp_path):
    cards = load_decks([recall_deck, graded_deck]).cards
    store = Store.open(tmp_path / "s.db")
    everything = StudySession(store=store, cards=cards, settings=Settings(),
                              scheduler=Scheduler(fuzz=False), clock=Clock())
    assert everything.current.deck == "basics"
    everything.rate(GOOD)  # a basics card: learning, back later today
    graded = StudySession(store=store, cards=cards, settings=Settings(),
                          scheduler=Scheduler(fuzz=False), clock=Clock(), decks=["graded"])
    assert graded.summary().due_later_today == 0  # "later today" speaks of this deck
    assert everything.summary().due_later_today == 1
