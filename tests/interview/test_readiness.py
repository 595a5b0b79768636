"""The readiness forecast against a hand computation on cards of known stability."""

from __future__ import annotations

import pytest

from trainer.decks.model import Card
from trainer.interview.readiness import forecast
from trainer.scheduling import Scheduler
from trainer.store import CardState

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
