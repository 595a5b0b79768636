"""`trainer cards --undo`: the browser's last action (in the app or on the command line),
as the store keeps it, undone; then the one before."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from trainer.browse import actions
from trainer.browse.search import search
from trainer.cli import main
from trainer.config import Settings
from trainer.decks import load_decks
from trainer.review import State
from trainer.scheduling import EASY, GOOD, Scheduler
from trainer.session import StudySession
from trainer.store import Store

# in the past: the command line acts at the real time, after everything studied here
NOW = 1_700_000_000.0
DAY = 86400.0


class Clock:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def study(recall_deck: Path, db: Path, t: float, ratings, settings: Settings | None = None,
          **kw):
    """Rate the session's cards in turn at `t` (likelihood, log-likelihood, map when new)."""
    settings = settings or Settings()
    session = StudySession(store=Store.open(db), cards=load_decks([recall_deck]).cards,
                           settings=settings, scheduler=Scheduler.from_settings(settings),
                           clock=Clock(t), **kw)
    for rating in ratings:
        session.rate(rating)
    return session


@pytest.fixture
def world(recall_deck, tmp_path):
    """The three cards studied two days ago (reviews now), in a store of their own."""
    session = study(recall_deck, tmp_path / "t.db", NOW - 2 * DAY, [EASY, EASY, EASY])
    return session.cards, session.store


def states(store: Store) -> dict:
    return {k: (s.suspended, s.buried(NOW), s.state, s.due)
            for k, s in store.states(["basics"]).items()}


def test_the_newest_action_is_undone_then_the_one_before_then_nothing(world):
    cards, store = world
    start = states(store)
    suspend = actions.apply(store, search(cards, store, "tag:mle", NOW), "suspend", NOW)
    suspended = states(store)
    actions.apply(store, search(cards, store, "tag:map", NOW), "bury", NOW + 1)
    assert store.card_state("basics/map").buried(NOW + 2)

    done = actions.undo_last(store, NOW + 2)
    assert (done.action, done.keys) == ("bury", ["basics/map"])
    assert states(store) == suspended  # the burial alone is undone
    done = actions.undo_last(store, NOW + 3)
    assert (done.action, done.keys) == ("suspend", sorted(suspend.after))
    assert states(store) == start
    assert actions.undo_last(store, NOW + 4) is None  # nothing left
    assert states(store) == start


def test_an_action_undone_otherwise_is_passed_over(world):
    cards, store = world
    actions.apply(store, search(cards, store, "tag:mle", NOW), "suspend", NOW)
    bury = actions.apply(store, search(cards, store, "tag:map", NOW), "bury", NOW + 1)
    store.undo_events(bury.events)  # its undo made on another device, and synced
    assert actions.undo_last(store, NOW + 2).action == "suspend"
    assert not any(s.suspended or s.buried(NOW) for s in store.states(["basics"]).values())


def test_an_action_that_changed_nothing_is_not_kept(world):
    cards, store = world
    actions.apply(store, search(cards, store, "tag:mle", NOW), "unsuspend", NOW)
    assert actions.undo_last(store, NOW + 1) is None


def test_only_the_last_actions_are_kept(world):
    cards, store = world
    for i in range(actions.KEPT_ACTIONS + 2):
        kind = "suspend" if i % 2 == 0 else "unsuspend"
        actions.apply(store, search(cards, store, "tag:map", NOW), kind, NOW + i)
    undone = [actions.undo_last(store, NOW + 100 + i) for i in range(actions.KEPT_ACTIONS)]
    assert all(d is not None for d in undone)
    assert actions.undo_last(store, NOW + 200) is None
    # ten undone of twelve: as it was after the second (an unsuspend)
    assert not store.card_state("basics/map").suspended


def test_undoing_a_forget_is_refused_once_the_card_was_reviewed_since(recall_deck, tmp_path,
                                                                      world):
    cards, store = world
    actions.apply(store, search(cards, store, "tag:map", NOW), "forget", NOW)
    store.close()
    # the forgotten card studied again, as new
    session = study(recall_deck, tmp_path / "t.db", NOW + 60, [GOOD])
    store = session.store
    assert store.reviews("basics/map")[-1].reviewed_at == NOW + 60
    kept = store.card_state("basics/map")
    with pytest.raises(actions.UndoRefused, match="basics/map was reviewed since"):
        actions.undo_last(store, NOW + 120)
    assert store.card_state("basics/map") == kept  # nothing changed


def test_a_review_of_another_card_does_not_stop_the_undo(recall_deck, tmp_path, world):
    cards, store = world
    before = store.card_state("basics/map")
    actions.apply(store, search(cards, store, "tag:map", NOW), "forget", NOW)
    store.close()
    # an mle card, studied ahead
    store = study(recall_deck, tmp_path / "t.db", NOW + 60, [GOOD], tag="mle", ahead=True).store
    (review,) = store.reviews(since=NOW)
    assert review.card_key != "basics/map"
    assert actions.undo_last(store, NOW + 120).action == "forget"
    assert store.card_state("basics/map") == before


# --- the command line ------------------------------------------------------------------

def cards_cli(recall_deck: Path, db: Path, *words: str) -> int:
    return main(["cards", "--db", str(db), "--decks", str(recall_deck), *words])


def test_cli_undoes_the_last_action_then_says_nothing_is_left(recall_deck, tmp_path, world,
                                                              capsys):
    cards, store = world
    db = tmp_path / "t.db"
    start = states(store)
    assert cards_cli(recall_deck, db, "tag:mle", "--suspend") == 0
    assert cards_cli(recall_deck, db, "tag:map", "--bury") == 0
    capsys.readouterr()

    assert cards_cli(recall_deck, db, "--undo", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["action"] == "undo" and out["undid"] == "bury"
    assert (out["changed"], out["keys"]) == (1, ["basics/map"])
    assert cards_cli(recall_deck, db, "--undo") == 0
    assert capsys.readouterr().out.startswith("undid suspend of 2 cards (")
    assert states(store) == start

    assert cards_cli(recall_deck, db, "--undo") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("trainer: nothing to undo: no action of the card browser")
    assert cards_cli(recall_deck, db, "--undo", "--json") == 1
    assert json.loads(capsys.readouterr().out) == {"action": "undo", "undid": None,
                                                   "changed": 0, "keys": []}


def test_cli_undoes_an_action_done_in_the_apps_browser(recall_deck, tmp_path, world, capsys):
    cards, store = world
    actions.apply(store, search(cards, store, "tag:map", NOW), "suspend", NOW)  # as `s` does
    assert cards_cli(recall_deck, tmp_path / "t.db", "--undo") == 0
    assert capsys.readouterr().out.startswith("undid suspend of 1 card (")
    assert not store.card_state("basics/map").suspended


def test_cli_undo_with_a_query_or_refused_says_why_and_changes_nothing(recall_deck, tmp_path,
                                                                       world, capsys):
    cards, store = world
    db = tmp_path / "t.db"
    assert cards_cli(recall_deck, db, "tag:map", "--forget") == 0
    assert cards_cli(recall_deck, db, "tag:map", "--undo") == 2
    err = capsys.readouterr().err
    assert err.startswith("trainer: --undo takes no query") and "Traceback" not in err
    assert store.card_state("basics/map").state == State.NEW  # still forgotten
    store.close()
    study(recall_deck, db, time.time() + 60, [GOOD], tag="map").store.close()  # as new
    assert cards_cli(recall_deck, db, "--undo") == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: the last action, forget of 1 card (")
    assert "basics/map was reviewed since" in err and "Traceback" not in err


def test_cli_undo_replays_with_the_decks_retention(recall_deck, tmp_path, capsys,
                                                   isolated_user_dirs):
    """The undone card's history is replayed as study made it (the deck's desired
    retention from config.toml), not with the defaults."""
    config = isolated_user_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("desired_retention = 0.8\n", encoding="utf-8")
    db = tmp_path / "t.db"
    settings = Settings(desired_retention=0.8)
    session = study(recall_deck, db, NOW - 9 * DAY, [GOOD, GOOD, GOOD], settings)
    session.clock.t = NOW - 8 * DAY
    session.reload()
    for _ in range(3):
        session.rate(GOOD)  # each a review card now, its interval set by retention 0.8
    before = session.store.card_state("basics/map")
    session.store.close()
    assert cards_cli(recall_deck, db, "tag:map", "--forget") == 0
    assert cards_cli(recall_deck, db, "--undo") == 0
    assert Store.open(db).card_state("basics/map") == before


def test_an_action_with_an_unreadable_config_says_so_and_changes_nothing(
        recall_deck, tmp_path, world, capsys, isolated_user_dirs):
    """Acting replays cards with the settings' retention: a config.toml that can not be
    read is named, not replaced by the defaults."""
    cards, store = world
    start = states(store)
    config = isolated_user_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("desired_retention = 2\n", encoding="utf-8")
    for words in (("tag:map", "--suspend"), ("--undo",)):
        assert cards_cli(recall_deck, tmp_path / "t.db", *words) == 2
        err = capsys.readouterr().err
        assert "config.toml: desired_retention must be between" in err
        assert err.rstrip().endswith("nothing was changed") and "Traceback" not in err
    assert states(store) == start
