"""The store: round-trips, migrations, undo, refusing bad files, surviving kill -9."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from trainer.store import SCHEMA_VERSION, CardState, Store, StoreError


def state(key: str = "d/a", **kw) -> CardState:
    base = dict(key=key, deck="d", state=2, step=None, stability=3.5, difficulty=5.0,
                due=1000.0, last_review=500.0, reps=3, lapses=1, content_hash="h")
    base.update(kw)
    return CardState(**base)


def test_review_round_trip_keeps_everything(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    after = state()
    store.record_review(before=None, after=after, rating=3, reviewed_at=500.0,
                        answer="k/n", verdict="correct", duration_ms=4200)
    store.close()
    store = Store.open(tmp_path / "t.db")
    assert store.card_state("d/a") == after
    (review,) = store.reviews("d/a")
    assert (review.rating, review.answer, review.verdict, review.duration_ms) == (
        3, "k/n", "correct", 4200)
    assert review.before is None and review.after == after


def test_undo_restores_the_state_before_and_removes_the_review(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    first = state(reps=1)
    second = state(reps=2, due=5000.0)
    one = store.record_review(before=None, after=first, rating=3, reviewed_at=1.0)
    two = store.record_review(before=first, after=second, rating=3, reviewed_at=2.0)
    undone = store.undo_review(two)
    assert undone is not None and undone.after == second
    assert store.card_state("d/a") == first
    assert len(store.reviews()) == 1
    store.undo_review(one)
    assert store.card_state("d/a") is None  # new again
    assert store.undo_review(one) is None


def test_review_ids_are_never_reused_after_an_undo(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    first = store.record_review(before=None, after=state(), rating=3, reviewed_at=1.0)
    store.undo_review(first)
    again = store.record_review(before=None, after=state(), rating=3, reviewed_at=2.0)
    assert again > first


def test_undo_refuses_when_the_card_was_reviewed_again_since(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    mine = store.record_review(before=None, after=state(reps=1), rating=3, reviewed_at=1.0)
    store.record_review(before=state(reps=1), after=state(reps=2), rating=3, reviewed_at=2.0)
    with pytest.raises(StoreError, match="reviewed again since") as caught:
        store.undo_review(mine)
    assert caught.value.kind == "conflict"
    assert len(store.reviews()) == 2 and store.card_state("d/a") == state(reps=2)


def test_due_states_orders_by_lowest_retrievability(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    # same elapsed time, the less stable card is the more likely forgotten
    store.put_state(state("d/stable", stability=50.0, last_review=0.0, due=10.0))
    store.put_state(state("d/shaky", stability=2.0, last_review=0.0, due=10.0))
    store.put_state(state("d/later", stability=2.0, last_review=0.0, due=10_000.0))
    store.put_state(state("d/suspended", stability=1.0, last_review=0.0, due=1.0,
                          suspended=True))
    store.put_state(state("d/buried", stability=1.0, last_review=0.0, due=1.0,
                          buried_until=5000.0))
    assert [s.key for s in store.due_states(["d"], now=100.0, limit=10)] == [
        "d/shaky", "d/stable"]


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"my precious notes\n" * 10)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store.open(path)
    assert path.read_bytes() == b"my precious notes\n" * 10


def test_a_damaged_database_is_refused(tmp_path: Path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    data = bytearray(path.read_bytes())
    data[16:100] = b"\xff" * 84  # wreck the header after the magic string
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="the database is damaged"):
        Store.open(path)


def test_a_database_from_a_newer_schema_is_refused(tmp_path: Path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer trainer"):
        Store.open(path)


def test_someone_elses_sqlite_database_is_refused(tmp_path: Path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    with pytest.raises(StoreError, match="not trainer's"):
        Store.open(path)


def test_a_version_1_database_migrates_forward_keeping_its_reviews(tmp_path: Path):
    from trainer.store.schema import MIGRATIONS as _MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(_MIGRATIONS[1] + "PRAGMA user_version=1;")
    conn.execute("INSERT INTO cards (key, deck, state, due) VALUES ('d/a', 'd', 2, 10.0)")
    conn.commit()
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    migrated = store.card_state("d/a")
    assert migrated is not None and migrated.buried_until is None and migrated.due == 10.0


def test_the_cli_reports_a_corrupt_database_with_exit_2(tmp_path: Path):
    path = tmp_path / "bad.db"
    path.write_text("not a database")
    proc = subprocess.run([sys.executable, "-m", "trainer", "--db", str(path), "stats"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert str(path) in proc.stderr and "Traceback" not in proc.stderr
    assert path.read_text() == "not a database"


def test_kill_9_mid_session_loses_no_answered_review(tmp_path: Path):
    """A real process records reviews as fast as it can and is killed with SIGKILL."""
    path = tmp_path / "t.db"
    script = textwrap.dedent(f"""
        import sys
        from trainer.store import Store, CardState
        store = Store.open({str(path)!r})
        i = 0
        while True:
            s = CardState(key=f"d/{{i % 50}}", deck="d", state=2, step=None, stability=1.0,
                          difficulty=5.0, due=float(i), last_review=float(i), reps=i)
            store.record_review(before=None, after=s, rating=3, reviewed_at=float(i))
            print(i, flush=True)
            i += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    acknowledged = -1
    deadline = time.monotonic() + 30
    while acknowledged < 300 and time.monotonic() < deadline:
        acknowledged = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert count >= acknowledged + 1
    conn.close()
    store = Store.open(path)  # and it opens again normally
    assert len(store.reviews()) == count


def test_a_schema_3_log_moves_to_never_reused_ids_keeping_ids_indexes_and_tallies(
        tmp_path: Path):
    from trainer.store.schema import MIGRATIONS as _MIGRATIONS

    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path)
    conn.executescript(_MIGRATIONS[1] + _MIGRATIONS[2])
    for statement in _MIGRATIONS[3]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version=3")
    for i in (1, 2, 5):
        conn.execute("INSERT INTO reviews (id, card_key, reviewed_at, rating, state_after) "
                     "VALUES (?, 'd/a', 10.0, 3, '{}')", (i,))
    conn.commit()
    attached = sorted(r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name='reviews' AND type IN ('index','trigger')"))
    conn.close()
    store = Store.open(path)
    assert [r[0] for r in store.conn.execute("SELECT id FROM reviews ORDER BY id")] == [1, 2, 5]
    assert sorted(r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name='reviews' AND type IN ('index','trigger')"
    )) == sorted([*attached, "reviews_event"])
    tallied = store.conn.execute("SELECT SUM(reviews) FROM review_tally").fetchone()[0]
    newest = store.record_review(before=None, after=state("d/b"), rating=3, reviewed_at=20.0)
    assert store.conn.execute("SELECT SUM(reviews) FROM review_tally").fetchone()[0] == tallied + 1
    store.undo_review(newest)
    assert store.record_review(before=None, after=state("d/b"), rating=3,
                               reviewed_at=21.0) > newest  # never reused
