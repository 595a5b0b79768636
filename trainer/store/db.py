"""SQLite store: each card's scheduling state and the append-only review log."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from trainer.review import RATINGS, STATES, VERDICTS, Rating, State, Verdict
from trainer.store import (
    figures,  # the statistics queries and their schema
    interviews,  # the record of mock interviews
)

SCHEMA_VERSION = 4
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The database can not be used; the message names the file and what is wrong."""


@dataclass(frozen=True, slots=True)
class CardState:
    """Where a card stands in the schedule. Times are UTC seconds since the epoch.

    `state` follows fsrs.State (1 learning, 2 review, 3 relearning); NEW (0) is a
    card stored but never reviewed. A card with no row in the store is new.
    """

    key: str
    deck: str
    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float
    last_review: float | None
    reps: int = 0
    lapses: int = 0
    content_hash: str = ""
    suspended: bool = False
    buried_until: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        return cls(**{**data, "state": STATES[data["state"]]})


@dataclass(frozen=True, slots=True)
class Review:
    """One line of the review log: enough to rebuild the card's state from the log alone."""

    id: int
    card_key: str
    reviewed_at: float
    rating: Rating
    answer: str | None
    verdict: Verdict | None
    duration_ms: int | None
    before: CardState | None
    after: CardState


_COLUMNS = (
    "key, deck, state, step, stability, difficulty, due, last_review, reps, lapses, "
    "content_hash, suspended, buried_until"
)

_MIGRATIONS: dict[int, str | tuple[str, ...]] = {
    # version 1: card state and the review log
    1: """
        CREATE TABLE cards (
            key TEXT PRIMARY KEY,
            deck TEXT NOT NULL,
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due REAL NOT NULL,
            last_review REAL,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            content_hash TEXT NOT NULL DEFAULT '',
            suspended INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX cards_deck_due ON cards(deck, due);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card_key TEXT NOT NULL,
            reviewed_at REAL NOT NULL,
            rating INTEGER NOT NULL,
            answer TEXT,
            verdict TEXT,
            duration_ms INTEGER,
            state_before TEXT,
            state_after TEXT NOT NULL
        );
        CREATE INDEX reviews_card ON reviews(card_key, id);
        CREATE INDEX reviews_time ON reviews(reviewed_at);
    """,
    # version 2: burying a card until the next study day
    2: """
        ALTER TABLE cards ADD COLUMN buried_until REAL;
    """,
    # version 3: review tallies and an index for the statistics
    3: figures.MIGRATION,
    # version 4: mock interviews, each kept whole
    4: interviews.MIGRATION,
}


def _row_to_state(row: Sequence[Any]) -> CardState:
    return CardState(
        key=row[0], deck=row[1], state=STATES[row[2]], step=row[3], stability=row[4],
        difficulty=row[5], due=row[6], last_review=row[7], reps=row[8], lapses=row[9],
        content_hash=row[10], suspended=bool(row[11]), buried_until=row[12],
    )


def _state_values(s: CardState) -> tuple[Any, ...]:
    return (
        s.key, s.deck, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review,
        s.reps, s.lapses, s.content_hash, int(s.suspended), s.buried_until,
    )


def _dump(state: CardState | None) -> str | None:
    return None if state is None else json.dumps(state.to_dict(), separators=(",", ":"))


def _load(text: str | None) -> CardState | None:
    return None if text is None else CardState.from_dict(json.loads(text))


class Store(figures.FigureQueries, interviews.InterviewQueries):
    """The learner's database. Open it with `Store.open(path)`."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open or create the database; refuses a file that is not ours, untouched."""
        path = Path(path)
        if path.exists():
            if path.is_dir():
                raise StoreError(f"{path}: is a folder, not a database file")
            try:
                with path.open("rb") as fh:
                    head = fh.read(16)
            except OSError as exc:
                raise StoreError(f"{path}: cannot read: {exc.strerror or exc}") from None
            if head and head != SQLITE_MAGIC:
                raise StoreError(f"{path}: not a SQLite database; left untouched. "
                                 "Move it away or pass another --db.")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create its folder: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: the database is damaged or not a database ({exc}); "
                             "left untouched.") from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(f"{path}: written by a newer trainer (schema {version}, this one "
                             f"knows {SCHEMA_VERSION}); upgrade trainer to open it.")
        if version == 0 and tables:
            conn.close()
            raise StoreError(f"{path}: a SQLite database, but not trainer's; left untouched.")
        store = cls(conn, path)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=2000")
            store._migrate(version)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"{path}: cannot use the database: {exc}") from None
        return store

    def _migrate(self, version: int) -> None:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                steps = _MIGRATIONS[target]
                for statement in steps.split(";") if isinstance(steps, str) else steps:
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version={target}")

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The same database on a connection of its own, for reading in a worker thread.

        WAL lets it read while the app's connection writes; it is closed on leaving.
        """
        if str(self.path) == ":memory:":  # a second connection would see another database
            yield self
            return
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=2000")
            conn.execute("PRAGMA query_only=1")
            yield type(self)(conn, self.path)
        finally:
            conn.close()

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    # --- card state -------------------------------------------------------------------

    def card_state(self, key: str) -> CardState | None:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM cards WHERE key=?", (key,)).fetchone()
        return None if row is None else _row_to_state(row)

    def states(self, decks: Iterable[str]) -> dict[str, CardState]:
        """Every stored card state of the given decks, by key."""
        decks = list(decks)
        marks = ",".join("?" * len(decks))
        rows = self.conn.execute(f"SELECT {_COLUMNS} FROM cards WHERE deck IN ({marks})", decks)
        return {row[0]: _row_to_state(row) for row in rows}

    def known_keys(self, decks: Iterable[str]) -> set[str]:
        decks = list(decks)
        marks = ",".join("?" * len(decks))
        rows = self.conn.execute(f"SELECT key FROM cards WHERE deck IN ({marks})", decks)
        return {row[0] for row in rows}

    def due_states(self, decks: Iterable[str], now: float, limit: int) -> list[CardState]:
        """Cards due by `now`, lowest retrievability first (most overdue for their stability).

        FSRS retrievability falls monotonically with elapsed/stability, so ordering
        by that ratio orders by retrievability without computing the power curve.
        """
        decks = list(decks)
        marks = ",".join("?" * len(decks))
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM cards WHERE deck IN ({marks}) AND due <= ? "
            f"AND state > {State.NEW:d} AND suspended = 0 "
            "AND (buried_until IS NULL OR buried_until <= ?) "
            "ORDER BY (? - COALESCE(last_review, 0)) / MAX(COALESCE(stability, 0), 1e-6) DESC "
            "LIMIT ?",
            (*decks, now, now, now, limit),
        )
        return [_row_to_state(row) for row in rows]

    def put_state(self, state: CardState) -> None:
        with self.transaction():
            self._write_state(state)

    def _write_state(self, state: CardState) -> None:
        self.conn.execute(
            f"INSERT OR REPLACE INTO cards ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _state_values(state),
        )

    def delete_state(self, key: str) -> None:
        """Forget a card's state: it is new again (its review log stays)."""
        with self.transaction():
            self.conn.execute("DELETE FROM cards WHERE key=?", (key,))

    def set_suspended(self, state: CardState, suspended: bool) -> CardState:
        new = replace(state, suspended=suspended)
        self.put_state(new)
        return new

    # --- the review log ---------------------------------------------------------------

    def record_review(
        self,
        *,
        before: CardState | None,
        after: CardState,
        rating: Rating | int,
        reviewed_at: float,
        answer: str | None = None,
        verdict: Verdict | None = None,
        duration_ms: int | None = None,
    ) -> int:
        """Append a review and write the card's new state, in one transaction."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO reviews (card_key, reviewed_at, rating, answer, verdict, duration_ms,"
                " state_before, state_after) VALUES (?,?,?,?,?,?,?,?)",
                (after.key, reviewed_at, int(rating), answer,
                 None if verdict is None else str(verdict), duration_ms, _dump(before),
                 _dump(after)),
            )
            self._write_state(after)
        return int(cur.lastrowid or 0)

    def undo_last_review(self) -> Review | None:
        """Remove the newest review and restore the card's state from before it."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT id, card_key, reviewed_at, rating, answer, verdict, duration_ms, "
                "state_before, state_after FROM reviews ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            review = _review(row)
            self.conn.execute("DELETE FROM reviews WHERE id=?", (review.id,))
            if review.before is None:
                self.conn.execute("DELETE FROM cards WHERE key=?", (review.card_key,))
            else:
                # keep flags set since the review (suspension) as they are now
                current = self.card_state(review.card_key)
                restored = review.before
                if current is not None:
                    restored = replace(restored, suspended=current.suspended,
                                       content_hash=current.content_hash)
                self._write_state(restored)
        return review

    def reviews(self, card_key: str | None = None, since: float | None = None) -> list[Review]:
        sql = ("SELECT id, card_key, reviewed_at, rating, answer, verdict, duration_ms, "
               "state_before, state_after FROM reviews")
        where, args = [], []
        if card_key is not None:
            where.append("card_key=?")
            args.append(card_key)
        if since is not None:
            where.append("reviewed_at>=?")
            args.append(since)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [_review(r) for r in self.conn.execute(sql + " ORDER BY id", args)]

    def review_count(self, card_key: str) -> int:
        return self.conn.execute(
            "SELECT COUNT(*) FROM reviews WHERE card_key=?", (card_key,)
        ).fetchone()[0]


def _review(row: Sequence[Any]) -> Review:
    after = _load(row[8])
    assert after is not None
    return Review(
        id=row[0], card_key=row[1], reviewed_at=row[2], rating=RATINGS[row[3]], answer=row[4],
        verdict=None if row[5] is None else VERDICTS.get(row[5], Verdict.UNDECIDED),
        duration_ms=row[6], before=_load(row[7]), after=after,
    )


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


def now_s() -> float:
    return time.time()
