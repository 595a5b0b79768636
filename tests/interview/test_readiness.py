"""The readiness forecast against a hand computation on cards of known stability."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trainer.decks.model import Card
from trainer.interview.readiness import forecast, history
from trainer.review import Rating
from trainer.scheduling import Scheduler
from trainer.store import CardState, Review

DAY = 86400.0
T0 = 1_800_000_000.0  # reviews happen here; the interview is 10 days later
AT = T0 + 10 * DAY


def card(key: str, tags: tuple[str, ...]) -> Card:
    deck, cid = key.split("/")
    return Card(deck=deck, id=cid, kind="recall", prompt="?", answer="!", tags=tags)


def state(key: str, stability: float, *, suspended: bool = False) -> CardState:
    return CardState(key=key, deck=key.split("/")[0], state=2, step=None, stability=stability,
                     difficulty=5.0, due=T0 + stability * DAY, last_review=T0, reps=3,
                     suspended=suspended)


def test_three_cards_of_known_stability():
    # FSRS defines stability as the interval at which recall falls to 90%: a card with
    # S = 10 days, reviewed 10 days before the interview, is recalled with p = 0.9. A card
    # reviewed the same instant is recalled with p = 1 (S a million days), and a new card counts as 0.
    cards = [card("a/x", ("kl",)), card("a/y", ("kl", "fisher")), card("b/z", ("fisher",))]
    states = {"a/x": state("a/x", 10.0), "a/y": state("a/y", 1e6), "b/z": None}
    r = forecast(cards, states, Scheduler(fuzz=False).retrievability, AT)
    assert r.overall.recall == pytest.approx((0.9 + 1.0 + 0.0) / 3, abs=1e-6)
    assert r.overall.unseen == 1
    decks = {g.name: g.recall for g in r.decks}
    assert decks == {"a": pytest.approx(0.95, abs=1e-6), "b": 0.0}
    tags = {g.name: g.recall for g in r.tags}
    assert tags == {"fisher": pytest.approx(0.5, abs=1e-6), "kl": pytest.approx(0.95, abs=1e-6)}
    assert [g.name for g in r.weakest(1)] == ["fisher"]


def test_recall_falls_the_later_the_interview_and_suspended_cards_are_left_out():
    cards = [card("a/x", ()), card("a/y", ())]
    states = {"a/x": state("a/x", 10.0), "a/y": state("a/y", 10.0, suspended=True)}
    retr = Scheduler(fuzz=False).retrievability
    soon = forecast(cards, states, retr, T0 + 5 * DAY)
    late = forecast(cards, states, retr, T0 + 30 * DAY)
    assert soon.overall.cards == 1
    assert 0.9 < soon.overall.recall < 1.0
    assert late.overall.recall < 0.9


def review(rid: int, key: str, at: float, stability: float) -> Review:
    after = replace(state(key, stability), last_review=at, due=at + stability * DAY)
    return Review(id=rid, card_key=key, reviewed_at=at, rating=Rating.GOOD, answer=None,
                  verdict=None, duration_ms=None, before=None, after=after)


def test_the_history_is_the_forecast_after_each_study_day_by_hand():
    # the interview is 10 days after T0. Each point uses each card's state after its last
    # review by the end of that day; S equal to the time left until the interview gives 0.9
    cards = [card("a/x", ()), card("a/y", ()), card("a/z", ())]
    log = [
        review(1, "a/x", T0, 10.0),  # day 0: x 0.9, y and z new -> 0.3
        review(2, "a/y", T0 + DAY, 1.0),  # day 1: y first with S = 1 day...
        review(3, "a/y", T0 + DAY, 9.0),  # ...then (same second, later id) S = 9 days: 0.9 -> (0.9+0.9)/3
        review(4, "b/w", T0 + 2 * DAY, 9.0),  # day 2: a card out of scope; nothing moves
        review(5, "a/x", T0 + 4 * DAY, 1e6),  # day 4: x about 1 -> (1+0.9)/3
        review(6, "a/z", AT + 60, 10.0),  # after the interview morning: not counted
    ]
    points = history(cards, reversed(log), Scheduler(fuzz=False).retrievability, AT,
                     lambda t: (datetime.fromtimestamp(T0, UTC) + timedelta(
                         days=(t - T0) // DAY)).date(), suspended=["a/z"])
    day0 = datetime.fromtimestamp(T0, UTC).date()
    assert [(p.day - day0).days for p in points] == [0, 1, 2, 4]
    assert [p.reviews for p in points] == [1, 2, 1, 1]
    # z is suspended today, so it is left out of every point: the means are over x and y
    assert [p.recall for p in points] == [pytest.approx(v, abs=1e-6)
                                          for v in (0.45, 0.9, 0.9, 0.95)]


def test_no_reviews_no_history():
    assert history([card("a/x", ())], [], Scheduler().retrievability, AT,
                   lambda t: datetime.fromtimestamp(t, UTC).date()) == []


def test_the_weakest_are_subjects_not_labels():
    from trainer.interview.outlook import readiness_line
    from trainer.interview.topics import Topics

    cards = [card("g/a", ("syl-1", "kl")), card("g/b", ("kl",)),
             card("g/c", ("syl-1", "fisher")), card("g/d", ("syl-2", "syl-3", "fisher"))]
    states = {"g/a": state("g/a", 10.0), "g/b": state("g/b", 10.0)}
    r = forecast(cards, states, Scheduler(fuzz=False).retrievability, AT)
    # by recall: fisher 0, syl-1 0.45, kl 0.9; syl-1 is a syllabus label, not a weak spot
    assert [g.name for g in r.weakest(3)] == ["fisher", "syl-1", "kl"]
    assert [g.name for g in r.weakest(3, Topics(cards).is_subject)] == ["fisher", "kl"]
    line = readiness_line(r, datetime.fromtimestamp(AT, UTC).date(), cards)
    assert line.endswith("weakest: fisher 0%, kl 90%")
