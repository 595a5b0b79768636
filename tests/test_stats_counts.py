"""Counts where the decks and the store disagree, and figures kept between looks that stay
exactly those of a first look."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from trainer import stats_cache
from trainer.config import Settings
from trainer.decks.model import Card
from trainer.stats import deck_table, overview, progress
from trainer.store import SCHEMA_VERSION, CardState, Store

pytestmark = pytest.mark.usefixtures("utc")

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC).timestamp()  # study days start at 04:00
HOUR = 3600.0
SETTINGS = Settings(new_per_day=20, reviews_per_day=200)


def card(key: str, *tags: str) -> Card:
    deck, card_id = key.split("/")
    return Card(deck=deck, id=card_id, kind="recall", prompt=f"{card_id}?", tags=tags)


# deck d lists a..i (no d), deck k lists m; the store also holds d/x and d/y, which d no
# longer lists, and other/z of a deck not loaded
CARDS = [card("d/a", "t1"), card("d/b", "t1"), card("d/c", "t2"), card("d/e"), card("d/f"),
         card("d/g", "t1"), card("d/h"), card("d/i", "t2"), card("k/m", "t2")]


def state(key: str, *, state: int = 2, due: float = NOW, lapses: int = 0,
          suspended: bool = False, buried_until: float | None = None) -> CardState:
    return CardState(key=key, deck=key.split("/")[0], state=state, step=None, stability=5.0,
                     difficulty=5.0, due=due, last_review=NOW - 86400, reps=lapses + 1,
                     lapses=lapses, suspended=suspended, buried_until=buried_until)


def reviewed(store: Store, after: CardState, rating: int, *, before: int | None = 2) -> int:
    return store.record_review(
        before=None if before is None else state(after.key, state=before), after=after,
        rating=rating, reviewed_at=NOW - 2 * HOUR)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    store = Store.open(path)
    reviewed(store, state("d/a", due=NOW - HOUR), 3)  # due now, recalled
    store.put_state(state("d/b", due=NOW - 60, suspended=True))  # due but suspended
    reviewed(store, state("d/c", due=NOW + 2 * HOUR, lapses=8), 1)  # later today; a leech
    store.put_state(state("d/e", state=0, buried_until=NOW + HOUR))  # new but buried
    store.put_state(state("d/f", state=0))  # new, stored (unsuspended since): free
    store.put_state(state("d/h", state=0, suspended=True))  # new but suspended
    store.put_state(state("d/i", due=NOW - 10, buried_until=NOW + HOUR))  # due but buried
    # removed from deck d: never due, a leech, weak nor new
    reviewed(store, state("d/x", due=NOW - 100, lapses=9), 1)
    store.put_state(state("d/y", state=0))
    store.put_state(state("other/z", due=NOW - 100))  # a deck not loaded
    store.close()
    return path


def test_counts_follow_the_decks_not_the_store(path: Path):
    from trainer.scheduling import build_queue

    store = Store.open(path)
    table = deck_table(CARDS, store, SETTINGS, NOW, count_unseen=True)
    rows = {r.deck: (r.cards, r.due, r.unseen, r.due_today, r.new_today) for r in table.decks}
    # d: a due (b suspended, i buried, x gone); f and g new (e buried, h suspended, y gone)
    assert rows == {"d": (8, 1, 2, 1, 2), "k": (1, 0, 1, 0, 1)}
    assert (table.total.cards, table.total.due, table.total.unseen) == (9, 1, 3)
    queue = build_queue(CARDS, store, SETTINGS, NOW)
    assert (table.total.due_today, table.total.new_today) == (queue.due, queue.new)
    # without count_unseen: d holds more stored states than it lists cards, so it is counted
    assert deck_table(CARDS, store, SETTINGS, NOW).decks[0].unseen == 2


def test_overview_and_progress_leave_out_cards_no_deck_lists(path: Path):
    store = Store.open(path)
    view = overview(CARDS, store, NOW, days=3)
    assert view.leeches == ["d/c"]  # x has 9 lapses but d no longer lists it
    # today: a and i overdue (the forecast does not look at burying), c this afternoon
    assert (view.due_now, view.forecast) == (2, [3, 0, 0])
    p = progress(CARDS, store, NOW)
    assert [(c.key, c.reviewed, c.recalled, c.lapses) for c in p.weakest_cards] == [
        ("d/c", 1, 0, 8)]
    assert [(t.tag, t.cards, t.reviewed, t.recalled, t.lapses, t.leeches)
            for t in p.weakest_tags] == [("t2", 2, 1, 0, 8, 1)]  # c and i (k/m is new)


def _figures(store: Store, cards: list[Card]) -> tuple[object, ...]:
    return (deck_table(cards, store, SETTINGS, NOW, count_unseen=True),
            overview(cards, store, NOW, days=3), progress(cards, store, NOW))


def _first_look(path: Path, cards: list[Card]) -> tuple[object, ...]:
    # a store of its own holds no figures from before, and none kept in the file are used
    fresh, keep_from = Store.open(path), stats_cache.KEEP_FROM
    stats_cache.KEEP_FROM = 10**9
    try:
        return _figures(fresh, cards)
    finally:
        stats_cache.KEEP_FROM = keep_from
        fresh.close()


def test_figures_kept_between_looks_are_those_of_a_first_look(path: Path):
    store = Store.open(path)
    assert _figures(store, CARDS) == _first_look(path, CARDS)
    steps = [
        lambda: reviewed(store, state("d/g", due=NOW + HOUR), 3, before=None),  # g studied
        lambda: store.put_state(state("d/a", due=NOW - HOUR, suspended=True)),
        lambda: store.delete_state("d/c"),  # c new again
        lambda: store.put_state(state("d/w", due=NOW - 5, lapses=8)),  # a card d dropped
        lambda: store.write_states({"d/x": None, "d/f": state("d/f", lapses=2),
                                    "k/m": state("k/m", state=0)}),
        lambda: store.conn.execute("UPDATE cards SET lapses = 9 WHERE key = 'd/i'"),
        lambda: store.conn.execute("UPDATE cards SET key = 'd/v' WHERE key = 'd/w'"),
    ]
    for step in steps:
        step()
        assert _figures(store, CARDS) == _first_look(path, CARDS)
    undo = reviewed(store, state("d/h", due=NOW - 1, lapses=1), 1)
    assert _figures(store, CARDS) == _first_look(path, CARDS)
    store.undo_review(undo)
    assert _figures(store, CARDS) == _first_look(path, CARDS)
    # another set of cards (deck k alone) is kept apart, and the first set still holds
    assert _figures(store, CARDS[-1:]) == _first_look(path, CARDS[-1:])
    assert _figures(store, CARDS) == _first_look(path, CARDS)


def test_figures_are_read_again_when_the_change_log_no_longer_reaches_back(path: Path):
    store = Store.open(path)
    _figures(store, CARDS)
    store.conn.execute("DELETE FROM card_changes")  # as its trimming would
    store.put_state(state("d/g", due=NOW - 5))  # g due now: logged, but the rest is gone
    store.conn.execute("DELETE FROM cards WHERE key = 'd/a'")
    store.conn.execute("DELETE FROM card_changes")
    store.put_state(state("d/e", state=0))
    assert _figures(store, CARDS) == _first_look(path, CARDS)
    assert deck_table(CARDS, store, SETTINGS, NOW).total.due == 1  # g; a is new again


def test_the_change_log_keeps_its_newest_entries(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    with store.transaction() as conn:  # 110,000 changes, as if by as many writes
        conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                     "WHERE i < 110000) INSERT INTO card_changes (key) SELECT 'd/' || i FROM n")
    store.put_state(state("d/a"))
    kept, oldest = store.conn.execute(
        "SELECT COUNT(*), MIN(seq) FROM card_changes").fetchone()
    assert store.change_mark() == 110_001
    assert (kept, oldest) == (100_001, 10_001)  # the first changes are trimmed away
    assert store.changed_since(0)[1] is None  # a reader from before reads everything
    assert store.changed_since(109_999)[1] == {"d/110000", "d/a"}


def test_a_schema_7_database_gains_the_change_log(tmp_path: Path):
    path = tmp_path / "v7.db"
    store = Store.open(path)
    store.put_state(state("d/a"))
    store.close()
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TRIGGER cards_changed_insert; DROP TRIGGER cards_changed_update;"
        "DROP TRIGGER cards_changed_delete; DROP TABLE card_changes;"
        "DROP INDEX cards_new; DROP INDEX cards_active_lapses; PRAGMA user_version=7;")
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.card_state("d/a") is not None
    mark = store.change_mark()
    store.put_state(state("d/b"))
    assert store.changed_since(mark) == (mark + 1, {"d/b"})
    assert deck_table([card("d/a"), card("d/b"), card("d/c")], store, SETTINGS,
                      NOW).decks[0].unseen == 1


def test_a_file_claiming_schema_8_without_the_change_log_is_refused(tmp_path: Path):
    from trainer.store import StoreError

    path = tmp_path / "t.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.executescript("DROP TABLE card_changes;")
    conn.close()
    with pytest.raises(StoreError, match="lacks the table card_changes"):
        Store.open(path)


# --- figures kept in the store between sessions ---------------------------------------

@pytest.fixture
def keeping(monkeypatch: pytest.MonkeyPatch) -> None:
    """These few cards count as a set large enough to keep its figures in the store."""
    monkeypatch.setattr(stats_cache, "KEEP_FROM", 1)


def _session(path: Path) -> Store:
    return Store.open(path)  # a new store object holds nothing in memory: a new session


def _reading_only_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading every stored card of the decks again fails the test."""
    def whole(*_args: object) -> None:
        raise AssertionError("read every card again")
    monkeypatch.setattr(Store, "stored_keys", whole)
    monkeypatch.setattr(Store, "card_records", whole)


def test_a_new_session_starts_from_the_figures_kept_in_the_store(
        path: Path, keeping: None, monkeypatch: pytest.MonkeyPatch):
    first = _session(path)
    _figures(first, CARDS)
    first.close()
    later = _session(path)
    reviewed(later, state("d/g", due=NOW + HOUR, lapses=8), 1, before=None)  # g a leech
    later.delete_state("d/c")  # c new again
    later.put_state(state("d/w", due=NOW - 5, lapses=8))  # a card d dropped
    later.conn.execute("UPDATE cards SET lapses = 9 WHERE key = 'd/i'")
    later.close()
    expected = _first_look(path, CARDS)
    with monkeypatch.context() as m:
        _reading_only_changes(m)
        session = _session(path)
        assert _figures(session, CARDS) == expected
    assert [c.key for c in expected[2].weakest_cards][:2] == ["d/i", "d/g"]  # type: ignore[attr-defined]


def test_figures_kept_of_other_cards_are_read_again(path: Path, keeping: None):
    first = _session(path)
    _figures(first, CARDS)
    first.close()
    # the decks changed on disk: a card more, and one tag moved to another card
    edited = [*CARDS[:2], card("d/c", "t1"), *CARDS[3:], card("d/n", "t2")]
    assert _figures(_session(path), edited) == _first_look(path, edited)
    assert _figures(_session(path), CARDS) == _first_look(path, CARDS)


def test_kept_figures_older_than_the_change_log_are_read_again(path: Path, keeping: None):
    first = _session(path)
    _figures(first, CARDS)
    first.put_state(state("d/g", due=NOW - 5))
    first.conn.execute("DELETE FROM card_changes")  # as its trimming would
    first.close()
    assert _figures(_session(path), CARDS) == _first_look(path, CARDS)


@pytest.mark.parametrize("column", ["data", "parts"])
def test_damaged_kept_figures_are_read_again(path: Path, keeping: None, column: str):
    first = _session(path)
    _figures(first, CARDS)
    first.conn.execute(f"UPDATE figures_kept SET {column} = x'00'")
    first.put_state(state("d/g", due=NOW - 5))  # a change: the parts are read too
    first.close()
    assert _figures(_session(path), CARDS) == _first_look(path, CARDS)


def test_weak_cards_beyond_those_kept_in_order_are_ranked_again(
        path: Path, keeping: None, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(stats_cache, "CANDIDATES", 1)  # only the weakest card kept in order
    store = _session(path)
    reviewed(store, state("d/g", due=NOW + HOUR, lapses=3), 1)
    reviewed(store, state("k/m", due=NOW + HOUR, lapses=2), 1)
    assert [c.key for c in progress(CARDS, store, NOW).weakest_cards] == ["d/c", "d/g", "k/m"]
    assert [c.key for c in progress(CARDS, store, NOW, limit=1).weakest_cards] == ["d/c"]
    store.put_state(state("d/c", due=NOW + HOUR))  # c no longer a leech (once forgotten)
    store.close()
    later = _session(path)
    assert [c.key for c in progress(CARDS, later, NOW, limit=1).weakest_cards] == ["d/g"]
    assert [c.key for c in progress(CARDS, later, NOW).weakest_cards] == ["d/g", "k/m", "d/c"]
    assert _figures(later, CARDS) == _first_look(path, CARDS)


def test_a_read_only_store_keeps_nothing(path: Path, keeping: None):
    store = Store.open(path, read_only=True)
    assert _figures(store, CARDS) == _first_look(path, CARDS)
    assert store.conn.execute("SELECT COUNT(*) FROM figures_kept").fetchone()[0] == 0
