"""The learn-ahead limit across the day's rollover: a learning step due a few minutes after
04:00 is today's, in the session, its summary, and the home and statistics figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.config import Settings, SettingsError, load_settings, save_setting
from trainer.decks import load_decks
from trainer.scheduling import EASY, GOOD, Scheduler, learning_horizon
from trainer.scheduling.days import next_day_start
from trainer.session import StudySession
from trainer.stats import overview, progress
from trainer.store import Store

# study days start at 04:00 local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")

DAY_END = next_day_start(1_800_000_000.0, 4)  # 04:00 of the next study day


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def session_at(recall_deck: Path, db: Path, t: float, **settings: int) -> StudySession:
    return StudySession(store=Store.open(db), cards=load_decks([recall_deck]).cards,
                        settings=Settings(**settings), scheduler=Scheduler(fuzz=False),
                        clock=Clock(t))


def studied_before_the_rollover(recall_deck: Path, db: Path) -> None:
    """At 03:52: likelihood rated Good (its 10-minute step falls due at 04:02), the other
    two Easy (reviews days away); then the learner quits."""
    first = session_at(recall_deck, db, DAY_END - 8 * 60)
    first.rate(GOOD)
    first.rate(EASY)
    first.rate(EASY)
    assert first.store.card_state("basics/likelihood").due == DAY_END + 2 * 60
    first.store.close()


def test_the_horizon_is_the_day_end_unless_the_learn_ahead_limit_reaches_past_it():
    assert learning_horizon(DAY_END - 3 * 3600, Settings()) == DAY_END
    assert learning_horizon(DAY_END - 5 * 60, Settings()) == DAY_END + 15 * 60
    assert learning_horizon(DAY_END - 5 * 60, Settings(learn_ahead_minutes=0)) == DAY_END


def test_a_session_started_before_the_rollover_shows_a_step_due_just_after_it(
        recall_deck, tmp_path):
    db = tmp_path / "s.db"
    studied_before_the_rollover(recall_deck, db)
    again = session_at(recall_deck, db, DAY_END - 5 * 60)  # 03:55: due in 7 min
    assert again.current is not None and again.current.id == "likelihood"
    assert again.counts() == (0, 1, 0)
    again.rate(GOOD)
    assert again.current is None and again.next_card_in() is None  # now it is over
    again.store.close()

    # without the learn-ahead limit the step is tomorrow's, as the clock says
    strict = session_at(recall_deck, db, DAY_END - 5 * 60, learn_ahead_minutes=0)
    strict.store.undo_review(strict.store.reviews()[-1].id)
    strict.reload()
    assert strict.current is None and strict.next_card_in() is None
    assert (strict.summary().due_later_today, strict.summary().due_tomorrow) == (0, 1)


def test_a_shorter_limit_reaches_the_step_later(recall_deck, tmp_path):
    db = tmp_path / "s.db"
    studied_before_the_rollover(recall_deck, db)
    # with a 5-minute limit, at 03:55 the step is 7 minutes away: tomorrow's for now
    session = session_at(recall_deck, db, DAY_END - 5 * 60, learn_ahead_minutes=5)
    assert session.current is None and session.next_card_in() is None
    assert (session.summary().due_later_today, session.summary().due_tomorrow) == (0, 1)
    session.clock.t = DAY_END - 3 * 60  # 03:57, 5 min before the step: inside the limit
    session.reload()
    assert session.current is not None and session.current.id == "likelihood"


def test_the_summary_counts_the_step_as_later_today_and_a_review_as_tomorrow(recall_deck,
                                                                            tmp_path):
    db = tmp_path / "s.db"
    studied_before_the_rollover(recall_deck, db)
    session = session_at(recall_deck, db, DAY_END - 5 * 60)
    store = session.store
    # log-likelihood, a review card, falls due at 04:02 too: the limit is for steps only
    from dataclasses import replace

    review = store.card_state("basics/log-likelihood")
    store.put_state(replace(review, due=DAY_END + 2 * 60))
    summary = session.summary()
    assert (summary.due_later_today, summary.due_tomorrow) == (1, 1)


def test_home_and_statistics_count_the_step_as_today_as_the_session_does(recall_deck,
                                                                        tmp_path):
    db = tmp_path / "s.db"
    studied_before_the_rollover(recall_deck, db)
    now = DAY_END - 5 * 60
    session = session_at(recall_deck, db, now)
    cards, store = session.cards, session.store
    view = overview(cards, store, now, day_hour=4, days=3, learn_ahead_minutes=20)
    assert view.due_now == 0
    assert view.due_later_today == session.summary().due_later_today == 1
    assert view.forecast[:2] == [1, 0]
    assert progress(cards, store, now, days=3, learn_ahead_minutes=20).overview == view
    # by the clock alone (no limit): tomorrow's
    by_clock = overview(cards, store, now, day_hour=4, days=3)
    assert (by_clock.due_later_today, by_clock.forecast[:2]) == (0, [0, 1])
    # earlier in the day the limit does not reach the step: tomorrow's too
    early = overview(cards, store, DAY_END - 30 * 60, day_hour=4, days=3,
                     learn_ahead_minutes=20)
    assert (early.due_later_today, early.forecast[:2]) == (0, [0, 1])


@pytest.mark.parametrize("minutes", [-1, 1441])
def test_a_learn_ahead_limit_outside_a_day_is_refused(minutes, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f"learn_ahead_minutes = {minutes}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="learn_ahead_minutes must be from 0 to 1440"):
        load_settings(config)
    other = tmp_path / "other.toml"
    with pytest.raises(SettingsError, match="learn_ahead_minutes"):
        save_setting("learn_ahead_minutes", str(minutes), other)
    assert not other.exists()  # nothing written
    assert save_setting("learn_ahead_minutes", "0", other).learn_ahead_minutes == 0
