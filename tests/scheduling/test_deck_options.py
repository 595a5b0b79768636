"""Per-deck options: limits and retention per deck, within the global allowance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.config import (
    DeckOptions,
    Settings,
    SettingsError,
    config_path,
    load_settings,
    save_deck_setting,
)
from trainer.decks.model import Card
from trainer.scheduling import GOOD, Scheduler, build_queue
from trainer.session import StudySession
from trainer.stats import deck_table
from trainer.store import CardState, Store

NOW = 1_800_000_000.0


def cards(deck: str, n: int) -> list[Card]:
    return [Card(deck=deck, id=f"c{i}", kind="recall", prompt=f"{deck} {i}?") for i in range(n)]


def due_review(card: Card, *, stability: float) -> CardState:
    return CardState(key=card.key, deck=card.deck, state=2, step=None, stability=stability,
                     difficulty=5.0, due=NOW - 3600, last_review=NOW - 10 * 86400, reps=3)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "t.db")


def three_decks(a: int, b: int, c: int, *, new: int = 10) -> Settings:
    return Settings(new_per_day=new, decks={"a": DeckOptions(new_per_day=a),
                                            "b": DeckOptions(new_per_day=b),
                                            "c": DeckOptions(new_per_day=c)})


def test_per_deck_new_limits_summing_past_the_global_one_share_it(store: Store):
    deck_cards = cards("a", 20) + cards("b", 20) + cards("c", 20)
    settings = three_decks(8, 8, 2, new=10)  # 18 asked for by the decks, 10 allowed in all
    table = deck_table(deck_cards, store, settings, NOW)
    today = {r.deck: r.new_today for r in table.decks}
    assert sum(today.values()) == table.total.new_today == 10
    assert today["c"] == 2 and all(n <= 8 for n in today.values())
    queue = build_queue(deck_cards, store, settings, NOW)
    taken = {d: sum(1 for c in queue.cards if c.deck == d) for d in "abc"}
    assert taken == today  # the table shows what the session will study


def test_a_deck_never_shows_more_than_the_global_allowance(store: Store):
    deck_cards = cards("a", 50) + cards("b", 5)
    settings = Settings(new_per_day=6, decks={"a": DeckOptions(new_per_day=40)})
    table = deck_table(deck_cards, store, settings, NOW, count_unseen=True)
    today = {r.deck: r.new_today for r in table.decks}
    assert today == {"a": 3, "b": 3} and table.total.new_today == 6
    only_a = deck_table(cards("a", 50), store, settings, NOW)
    assert only_a.decks[0].new_today == 6


def test_a_deck_limit_counts_the_new_cards_it_introduced_today(store: Store):
    deck_cards = cards("a", 10) + cards("b", 10)
    settings = Settings(new_per_day=20, decks={"a": DeckOptions(new_per_day=3)})
    session = StudySession(store=store, cards=deck_cards, settings=settings,
                           scheduler=Scheduler(fuzz=False), clock=lambda: NOW)
    studied_a = 0
    while session.current is not None and session.current.deck != "b":
        session.rate(GOOD)
        studied_a += 1
    assert studied_a == 1  # decks alternate
    queue = build_queue(deck_cards, store, settings, NOW + 60)
    assert sum(1 for c in queue.cards if c.deck == "a" and c.key != "a/c0") == 2
    table = deck_table(deck_cards, store, settings, NOW + 60)
    assert {r.deck: r.new_today for r in table.decks}["a"] == 2


def test_review_caps_per_deck_and_overall(store: Store):
    deck_a, deck_b = cards("a", 30), cards("b", 30)
    for i, card in enumerate(deck_a + deck_b):
        store.put_state(due_review(card, stability=1.0 + i))
    settings = Settings(reviews_per_day=25, new_per_day=0,
                        decks={"a": DeckOptions(reviews_per_day=5)})
    queue = build_queue(deck_a + deck_b, store, settings, NOW)
    assert sum(1 for c in queue.cards if c.deck == "a") == 5
    assert len(queue.cards) == 25
    table = deck_table(deck_a + deck_b, store, settings, NOW)
    assert {r.deck: r.due_today for r in table.decks} == {"a": 5, "b": 20}
    assert table.total.due_today == 25


def test_oversubscribed_reviews_take_the_least_retrievable_across_decks(store: Store):
    deck_a, deck_b = cards("a", 10), cards("b", 10)
    for card in deck_a:
        store.put_state(due_review(card, stability=1.0))  # nearly forgotten
    for card in deck_b:
        store.put_state(due_review(card, stability=100.0))
    settings = Settings(reviews_per_day=12, decks={"a": DeckOptions(reviews_per_day=8),
                                                   "b": DeckOptions(reviews_per_day=8)})
    table = deck_table(deck_a + deck_b, store, settings, NOW)
    assert {r.deck: r.due_today for r in table.decks} == {"a": 8, "b": 4}
    queue = build_queue(deck_a + deck_b, store, settings, NOW)
    assert [c.deck for c in queue.cards] == ["a"] * 8 + ["b"] * 4


def test_a_deck_retention_drives_its_intervals():
    settings = Settings(desired_retention=0.9, decks={"easy": DeckOptions(desired_retention=0.8)})
    sched = Scheduler.from_settings(settings, fuzz=False)
    card_state = CardState(key="x", deck="x", state=2, step=None, stability=10.0, difficulty=5.0,
                           due=NOW, last_review=NOW - 10 * 86400, reps=3)
    easy = sched.review(key="easy/1", deck="easy", state=card_state, rating=GOOD, now=NOW)
    hard = sched.review(key="hard/1", deck="hard", state=card_state, rating=GOOD, now=NOW)
    assert easy.stability == pytest.approx(hard.stability)  # the memory is the same
    assert easy.due - NOW > 1.5 * (hard.due - NOW)  # aiming at 80 % waits longer
    keys = sched.intervals(key="easy/1", state=card_state, now=NOW)
    assert keys[GOOD] == pytest.approx(easy.due - NOW)


def test_deck_options_round_trip_through_config_toml(tmp_path: Path):
    path = tmp_path / "config.toml"
    save_deck_setting("a", "new_per_day", "5", ["a", "b"], path)
    save_deck_setting("a", "desired_retention", "0.85", ["a", "b"], path)
    settings = save_deck_setting("b", "reviews_per_day", "50", ["a", "b"], path)
    assert "[decks.a]" in path.read_text()
    again = load_settings(path)
    assert again.decks == settings.decks
    assert again.new_per_day_for("a") == 5 and again.new_per_day_for("b") == 20
    assert again.retention_for("a") == 0.85 and again.retention_for("b") == 0.9
    cleared = save_deck_setting("b", "reviews_per_day", "default", ["a", "b"], path)
    assert "b" not in cleared.decks and "decks.b" not in path.read_text()


@pytest.mark.parametrize(("deck", "key", "value", "message"), [
    ("nope", "new_per_day", "5", "no deck 'nope'; the decks are: a, b"),
    ("a", "theme", "x", "a deck can not set 'theme'"),
    ("a", "new_per_day", "five", "new_per_day must be a whole number, not 'five'"),
    ("a", "new_per_day", "-1", "deck a: new_per_day must not be negative"),
    ("a", "desired_retention", "1.5", "deck a: desired_retention must be between 0.7 and 0.99"),
])
def test_bad_deck_settings_are_refused_clearly(tmp_path: Path, deck, key, value, message):
    path = tmp_path / "config.toml"
    with pytest.raises(SettingsError, match=message):
        save_deck_setting(deck, key, value, ["a", "b"], path)
    assert not path.exists()


def test_a_bad_deck_table_in_config_toml_is_named(tmp_path: Path):
    path = tmp_path / "config.toml"
    path.write_text("[decks.a]\nnew_per_dya = 3\n")
    with pytest.raises(SettingsError, match="decks.a: unknown option 'new_per_dya'"):
        load_settings(path)


def test_trainer_config_deck_sets_and_decks_shows_it(capsys, tmp_path: Path):
    assert main(["config", "--deck", "mle-map-grill", "new_per_day", "3"]) == 0
    assert "deck mle-map-grill" in capsys.readouterr().out
    assert load_settings(config_path()).new_per_day_for("mle-map-grill") == 3
    assert main(["decks", "--json", "--db", str(tmp_path / "d.db")]) == 0
    rows = json.loads(capsys.readouterr().out)
    grill = next(r for r in rows if r["deck"] == "mle-map-grill")
    assert grill["options"] == {"new_per_day": 3} and grill["today"] == 3
    assert sum(r["today"] for r in rows) <= 20
    assert main(["config", "--deck", "no-such-deck", "new_per_day", "3"]) == 2
    assert "no deck 'no-such-deck'" in capsys.readouterr().err
    assert main(["config", "--deck", "mle-map-grill", "colour", "3"]) == 2
    assert "a deck can not set 'colour'" in capsys.readouterr().err
