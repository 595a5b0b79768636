"""The review log keeps each review's states packed (schema 10): read back as written, and a
schema 9 file's JSON states brought over without losing one."""

from __future__ import annotations

import json
import math
import random
import sqlite3
from dataclasses import replace
from pathlib import Path

from trainer.review import State
from trainer.scheduling import Scheduler
from trainer.store import CardState, Store
from trainer.store.logstate import pack, unpack
from trainer.store.schema import SCHEMA_VERSION, migrate_to

T0 = 1_780_000_000.0
DAY = 86_400.0


def _same(a: CardState | None, b: CardState | None) -> bool:
    """Equal field by field, a NaN equal to a NaN."""
    if a is None or b is None:
        return a is b
    return all(x == y or (isinstance(x, float) and isinstance(y, float) and math.isnan(x)
                          and math.isnan(y))
               for x, y in zip(a.to_dict().values(), b.to_dict().values(), strict=True))


def _random_state(rng: random.Random) -> CardState:
    key = rng.choice(("d/a", "δ/σ²", 'd/"q"\\', "deck/sub/x"))
    code = rng.choice((0, 1, 2, 3))
    state = CardState(
        key=key, deck=rng.choice((key.split("/")[0], key.split("/")[0], "other", "")),
        state=State(code), step=rng.choice((None, 0, 1, 5, 2**31 - 1)),
        stability=rng.choice((None, rng.uniform(0.01, 300), 4.0)),
        difficulty=rng.choice((None, rng.uniform(1, 10))),
        due=T0 + rng.uniform(-40, 40) * DAY, last_review=rng.choice((None, T0 - DAY)),
        reps=rng.randrange(100), lapses=rng.randrange(9),
        content_hash=rng.choice(("", "h1", "ünï\n", "\x00\u2028", "\ud800")),
        suspended=rng.choice((False, True)),
        buried_until=rng.choice((None, None, T0, float("inf"))))
    if rng.random() < 0.3:  # what a `set` event could hold
        name = rng.choice(("stability", "difficulty", "due", "last_review", "reps", "step"))
        state = replace(state, **{name: rng.choice(
            (float("nan"), float("-inf"), 7, 2.5, None, -0.0, 2**40, -1)) if name != "due"
            else rng.choice((float("nan"), -0.0, 7))})
    return state


def test_every_state_reads_back_as_it_was_written():
    rng = random.Random(10)
    for _ in range(5000):
        state = _random_state(rng)
        back = unpack(pack(state), state.key)
        assert _same(back, state), (state, back)
    assert unpack(pack(None), "d/a") is None


def test_two_states_pack_alike_only_when_they_are_equal():
    # the merge trusts the review log where a replay packs to the same bytes
    rng = random.Random(11)
    base = CardState(key="d/a", deck="d", state=State.REVIEW, step=None, stability=12.5,
                     difficulty=4.25, due=T0 + 9 * DAY, last_review=T0, reps=7, lapses=1,
                     content_hash="h1")
    changes = {"state": State.RELEARNING, "step": 0, "stability": 12.500000000000002,
               "difficulty": None, "due": T0 + 9 * DAY + 1e-6, "last_review": None,
               "reps": 8, "lapses": 0, "content_hash": "h2", "suspended": True,
               "buried_until": T0 + DAY, "deck": "e"}
    for name, value in changes.items():
        assert pack(replace(base, **{name: value})) != pack(base), name
    assert pack(replace(base)) == pack(base)
    for _ in range(500):
        s = _random_state(rng)
        assert pack(s) == pack(replace(s))


def test_a_review_logs_states_take_a_few_dozen_bytes():
    state = Scheduler().review(key="ml-grill/q17", deck="ml-grill", state=None, rating=3,
                               now=T0, content_hash="3f9a1c0d2b7e4f61")
    packed = pack(state)
    assert isinstance(packed, bytes) and len(packed) <= 80
    assert len(json.dumps(state.to_dict())) > 3 * len(packed)


def _v9_file(path: Path) -> dict[str, list[tuple[CardState | None, CardState]]]:
    """A schema 9 file whose review log holds JSON states (as it did before schema 10),
    one of them not a state. Returns each card's (before, after) in order."""
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 10):
        migrate_to(conn, version)
    conn.execute("PRAGMA user_version=9")
    sched = Scheduler()
    logged: dict[str, list[tuple[CardState | None, CardState]]] = {}
    for c, key in enumerate(("d/a", "d/b", "e/c")):
        state = None
        for k, rating in enumerate((4, 3, 1, 3, 3)[: 3 + c]):
            after = sched.review(key=key, deck=key[0], state=state, rating=rating,
                                 now=T0 + k * 2 * DAY + c, content_hash="h")
            conn.execute(
                "INSERT INTO reviews (card_key, reviewed_at, rating, duration_ms, state_before, "
                "state_after) VALUES (?,?,?,?,?,?)",
                (key, T0 + k * 2 * DAY + c, rating, 900,
                 None if state is None else json.dumps(state.to_dict()),
                 json.dumps(after.to_dict())))
            logged.setdefault(key, []).append((state, after))
            state = after
    conn.execute("INSERT INTO reviews (card_key, reviewed_at, rating, state_before, "
                 "state_after) VALUES ('d/z', ?, 3, '{\"state\": 2}', '{broken')", (T0,))
    conn.close()
    return logged


def _tallies(conn: sqlite3.Connection) -> tuple[list[tuple], list[tuple]]:
    """The tallies' rows that count anything (a row taken back to 0 stays)."""
    return (sorted(conn.execute("SELECT * FROM review_tally WHERE reviews != 0")),
            sorted(conn.execute("SELECT * FROM card_tally WHERE mature + recalled != 0")))


def test_a_schema_9_review_log_is_packed_losing_nothing(tmp_path: Path):
    path = tmp_path / "v9.db"
    logged = _v9_file(path)
    with sqlite3.connect(path) as conn:
        tallies = _tallies(conn)
        size = sum(len(r[0]) for r in conn.execute("SELECT state_after FROM reviews"))
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        for key, states in logged.items():
            reviews = store.reviews(key)
            assert [(r.before, r.after) for r in reviews] == states
        # the tallies the JSON states made are the ones the new column makes
        assert _tallies(store.conn) == tallies
        for key, states in logged.items():  # the state each review was made in (0: new)
            was = [r[0] for r in store.conn.execute(
                "SELECT state_was FROM reviews WHERE card_key = ? ORDER BY id", (key,))]
            assert was == [0 if b is None else int(b.state) for b, _ in states]
            assert was[:3] == [0, 2, 2]  # new, then in review (Easy at first sight)
        assert any(m for _, m, _ in tallies[1])
        # the unreadable row is kept as it was
        assert store.conn.execute("SELECT state_before, state_after FROM reviews WHERE "
                                  "card_key = 'd/z'").fetchone() == ('{"state": 2}', "{broken")
        packed = sum(len(r[0]) for r in store.conn.execute(
            "SELECT state_after FROM reviews WHERE card_key != 'd/z'"))
        assert packed * 3 < size
    finally:
        store.close()


def test_after_the_migration_reviews_and_undos_keep_the_tallies(tmp_path: Path):
    path = tmp_path / "v9.db"
    _v9_file(path)
    store = Store.open(path)
    try:
        state = store.reviews("d/a")[-1].after
        after = Scheduler().review(key="d/a", deck="d", state=state, rating=3,
                                   now=T0 + 30 * DAY)
        tallies = _tallies(store.conn)
        review = store.record_review(before=state, after=after, rating=3,
                                     reviewed_at=T0 + 30 * DAY)
        cards = {k: (m, r) for k, m, r in _tallies(store.conn)[1]}
        was = {k: (m, r) for k, m, r in tallies[1]}["d/a"]
        mature = int(state.state == State.REVIEW)
        assert cards["d/a"] == (was[0] + mature, was[1] + mature)
        assert store.conn.execute("SELECT state_was FROM reviews WHERE id = ?",
                                  (review,)).fetchone() == (int(state.state),)
        assert store.undo_review(review) is not None
        assert _tallies(store.conn) == tallies
        assert store.card_state("d/a") == state
    finally:
        store.close()


def test_bringing_a_long_log_up_to_date_is_said_before_it_starts(tmp_path: Path, monkeypatch,
                                                                  capsys):
    from trainer.cli import main
    from trainer.store import db

    path = tmp_path / "v9.db"
    _v9_file(path)
    monkeypatch.setattr(db, "LONG_UPDATE_REVIEWS", 13)  # the file's 13 reviews
    monkeypatch.setenv("TRAINER_DECKS", str(tmp_path / "no-decks"))
    assert main(["--db", str(path), "stats"]) == 0
    err = capsys.readouterr().err
    assert f"{path}: bringing its 13 reviews up to this trainer's format (schema 9 to " \
           f"{SCHEMA_VERSION}); once only" in err
    said: list[str] = []
    Store.open(path, notice=said.append).close()
    assert said == []  # up to date now: nothing to say
    shorter = tmp_path / "short.db"
    _v9_file(shorter)
    monkeypatch.setattr(db, "LONG_UPDATE_REVIEWS", 14)
    Store.open(shorter, notice=said.append).close()
    assert said == []  # a short log is brought up to date without a word


def test_the_packed_log_keeps_its_ids_and_never_gives_one_again(tmp_path: Path):
    path = tmp_path / "v9.db"
    _v9_file(path)
    with sqlite3.connect(path) as conn:
        ids = [r[0] for r in conn.execute("SELECT id FROM reviews ORDER BY id")]
        conn.execute("DELETE FROM reviews WHERE id = ?", (ids[-1],))  # undone, in schema 9
    store = Store.open(path)
    try:
        assert [r[0] for r in store.conn.execute("SELECT id FROM reviews ORDER BY id")] \
            == ids[:-1]
        state = store.reviews("d/a")[-1].after
        after = Scheduler().review(key="d/a", deck="d", state=state, rating=3, now=T0 + 40 * DAY)
        new = store.record_review(before=state, after=after, rating=3, reviewed_at=T0 + 40 * DAY)
        assert new > ids[-1]
        indexes = {r[0] for r in store.conn.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'reviews' AND type = 'index'")}
        assert {"reviews_card", "reviews_time", "reviews_event"} <= indexes
    finally:
        store.close()
