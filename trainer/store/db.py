"""SQLite store: each card's scheduling state and the append-only review log."""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from trainer.record import Record
from trainer.review import RATINGS, STATES, VERDICTS, Rating, State, Verdict
from trainer.store import (
    events,  # the journal: the truth, of which cards and reviews are caches
    figures,  # the statistics queries and their schema
    fits,  # fitted FSRS parameters
    interviews,  # the record of mock interviews
    logstate,  # the review log's states, packed
    schema,  # the schema's history: its migrations and what each version must have
)
from trainer.store.journal import dump_payload, new_event_id
from trainer.store.lock import SessionLock
from trainer.store.schema import SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 2.0  # how long a write waits for another writer before saying "locked"
LONG_UPDATE_REVIEWS = 20_000  # from this many reviews, bringing an old file up to date is said


class StoreError(Exception):
    """The database can not be used as asked; the message names the file and what to do.

    `kind` says what happened: damaged, locked, read-only, full, in-use, newer, foreign,
    schema, conflict or error. No sqlite3 exception ever leaves the store: they all
    become a StoreError.
    """

    def __init__(self, message: str, *, kind: str = "error", holder: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.holder = holder  # in-use: the trainer holding the database ("pid 12, started …")

    @property
    def lost_nothing(self) -> bool:
        """True when trying again later can work (the database itself is sound)."""
        return self.kind in ("locked", "full", "read-only", "conflict")

    def __rich__(self) -> str:
        # Textual shows an exception with __rich__ instead of a traceback (whose local
        # variables would spill card text); the message is all the learner needs
        from rich.markup import escape

        return f"trainer: {escape(str(self))}"


def damaged_message(path: Path, detail: str, newest_backup: Path | None) -> str:
    """What a learner should read when the database is damaged: the file, and what to do."""
    if newest_backup is not None:
        advice = (f"Restore the newest backup ({newest_backup}) with `trainer restore`; "
                  "the damaged file is kept aside.")
    else:
        advice = ("There is no backup yet; `sqlite3 FILE .recover` may save most of it. "
                  "Or move the file away to start afresh.")
    return f"{path}: the database is damaged ({detail}); it was left untouched. {advice}"


_ERROR_CODES = {  # primary SQLite result codes
    3: "read-only",  # SQLITE_PERM
    5: "locked",  # SQLITE_BUSY
    6: "locked",  # SQLITE_LOCKED
    8: "read-only",  # SQLITE_READONLY
    10: "io",  # SQLITE_IOERR
    11: "damaged",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cantopen",  # SQLITE_CANTOPEN
    26: "damaged",  # SQLITE_NOTADB
}


def as_store_error(exc: sqlite3.Error, path: Path, backup_dir: Path | None = None) -> StoreError:
    """The StoreError a learner should see for a sqlite3 exception."""
    code = getattr(exc, "sqlite_errorcode", None)
    kind = _ERROR_CODES.get(code & 0xFF, "error") if isinstance(code, int) else "error"
    if kind == "damaged":
        from trainer.store.backup import newest_backup

        return StoreError(damaged_message(path, str(exc), newest_backup(backup_dir)),
                          kind="damaged")
    if kind in _MESSAGES:
        template, shown_kind = _MESSAGES[kind]
        return StoreError(template.format(path=path, exc=exc), kind=shown_kind)
    return StoreError(f"{path}: {exc}")


# what the learner reads for each kind of failure, and the kind the StoreError carries
_MESSAGES = {
    "locked": ("{path}: locked by another program ({exc}); nothing was written. Close the "
               "other program, or wait, and try again.", "locked"),
    "read-only": ("{path}: read-only: reviews cannot be saved ({exc}). Make the file and its "
                  "folder writable.", "read-only"),
    "full": ("{path}: the disk is full; the last change was not saved. Free some space and "
             "try again.", "full"),
    "io": ("{path}: the disk could not be written or read ({exc}): is it full, or the file "
           "too large? The last change was not saved.", "full"),
    "cantopen": ("{path}: cannot open the database ({exc}); check that its folder exists and "
                 "may be written.", "read-only"),
}


def _open_connection(path: Path, *, read_only: bool, backup_dir: Path | None,
                     query_only: bool = False) -> sqlite3.Connection:
    """A new connection to the database, or the StoreError that says why there is none."""
    try:
        conn = _connect(path, read_only=read_only)
        if query_only:
            conn.execute("PRAGMA query_only=1")
        return conn
    except sqlite3.Error as exc:
        raise as_store_error(exc, path, backup_dir) from None


_F = TypeVar("_F", bound=Callable[..., Any])


def _guarded(method: _F) -> _F:
    """Turn any sqlite3 error raised by a Store method into a StoreError for the learner."""

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            error = as_store_error(exc, self.path, self.backup_dir)
            self.failure = error
            raise error from None

    return wrapper  # type: ignore[return-value]


def buried_at(buried_until: float | None, now: float) -> bool:
    """Buried at `now`: until a time still to come (a bury lifts when that time is reached)."""
    return buried_until is not None and buried_until > now


_set = object.__setattr__  # a record's fields are set once, in __init__


class CardState(Record):
    """Where a card stands in the schedule. Times are UTC seconds since the epoch.

    `state` follows fsrs.State (1 learning, 2 review, 3 relearning); NEW (0) is a
    card stored but never reviewed. A card with no row in the store is new.
    """

    # the order of the fields is the replay's (trainer.scheduling.replay reads it here)
    __slots__ = ("key", "deck", "state", "step", "stability", "difficulty", "due",
                 "last_review", "reps", "lapses", "content_hash", "suspended", "buried_until")
    key: str
    deck: str
    state: State
    step: int | None
    stability: float | None
    difficulty: float | None
    due: float
    last_review: float | None
    reps: int
    lapses: int
    content_hash: str
    suspended: bool
    buried_until: float | None

    def __init__(self, key: str, deck: str, state: State, step: int | None,
                 stability: float | None, difficulty: float | None, due: float,
                 last_review: float | None, reps: int = 0, lapses: int = 0,
                 content_hash: str = "", suspended: bool = False,
                 buried_until: float | None = None) -> None:
        _set(self, "key", key)
        _set(self, "deck", deck)
        _set(self, "state", state)
        _set(self, "step", step)
        _set(self, "stability", stability)
        _set(self, "difficulty", difficulty)
        _set(self, "due", due)
        _set(self, "last_review", last_review)
        _set(self, "reps", reps)
        _set(self, "lapses", lapses)
        _set(self, "content_hash", content_hash)
        _set(self, "suspended", suspended)
        _set(self, "buried_until", buried_until)

    def buried(self, now: float) -> bool:
        return buried_at(self.buried_until, now)

    def to_dict(self) -> dict[str, Any]:
        # every field by name: asdict's deep copy costs more than the review it records
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        return cls(**{**data, "state": STATES[data["state"]]})


class Review(Record):
    """One line of the review log: enough to rebuild the card's state from the log alone."""

    __slots__ = ("id", "card_key", "reviewed_at", "rating", "answer", "verdict", "duration_ms",
                 "before", "after", "event_id")
    id: int
    card_key: str
    reviewed_at: float
    rating: Rating
    answer: str | None
    verdict: Verdict | None
    duration_ms: int | None
    before: CardState | None
    after: CardState
    event_id: str | None  # its event in the journal

    def __init__(self, id: int, card_key: str, reviewed_at: float, rating: Rating,  # noqa: A002
                 answer: str | None, verdict: Verdict | None, duration_ms: int | None,
                 before: CardState | None, after: CardState,
                 event_id: str | None = None) -> None:
        _set(self, "id", id)
        _set(self, "card_key", card_key)
        _set(self, "reviewed_at", reviewed_at)
        _set(self, "rating", rating)
        _set(self, "answer", answer)
        _set(self, "verdict", verdict)
        _set(self, "duration_ms", duration_ms)
        _set(self, "before", before)
        _set(self, "after", after)
        _set(self, "event_id", event_id)


_COLUMNS = (
    "key, deck, state, step, stability, difficulty, due, last_review, reps, lapses, "
    "content_hash, suspended, buried_until"
)

def row_to_state(row: Sequence[Any]) -> CardState:
    """A state from a row of `cards` read with the store's column list."""
    return _row_to_state(row)


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


class Store(figures.FigureQueries, interviews.InterviewQueries, fits.FitQueries,
            events.JournalQueries):
    """The learner's database. Open it with `Store.open(path)`.

    Each thread gets its own connection (a worker loading statistics never shares one with
    the thread that records reviews); `conn` is the calling thread's.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False,
                 backup_dir: Path | None = None) -> None:
        self.path = path
        self.read_only = read_only
        self.backup_dir = backup_dir
        self._owner = threading.get_ident()
        self._main = conn
        self._local = threading.local()
        self._lock: SessionLock | None = None
        self.on_review: Callable[[], None] | None = None  # called after each review is saved
        self.failure: StoreError | None = None  # the last error that stopped a caller
        # what readers keep between looks (the statistics' caches), shared with the
        # connections `reading` opens for worker threads
        self.shared: dict[str, Any] = {}
        self.shared_lock = threading.Lock()

    @property
    def conn(self) -> sqlite3.Connection:
        if threading.get_ident() == self._owner:
            return self._main
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self.path, read_only=self.read_only)
            self._local.conn = conn
        return conn

    @classmethod
    def open(cls, path: Path | str, *, read_only: bool = False, exclusive: bool = False,
             backup_dir: Path | None = None,
             notice: Callable[[str], None] | None = None) -> Store:
        """Open or create the database; refuses a file that is not ours, untouched.

        `read_only` opens without ever writing (statistics of a read-only file);
        `exclusive` also takes the one-trainer-per-database lock that a study session
        holds (a second one is refused, naming the first). Nothing is written before the
        schema has been checked. `notice` is told, before it starts, of an update of an
        older file that may take a while (a long review log).
        """
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
                                 "Move it away or pass another --db.", kind="foreign")
            if not read_only and not (os.access(path, os.W_OK)
                                      and os.access(path.parent, os.W_OK)):
                raise StoreError(f"{path}: read-only: reviews cannot be saved, so studying would "
                                 "lose every rating. Make the file and its folder writable; "
                                 "`trainer stats` and `trainer decks` can still read it.",
                                 kind="read-only")
        elif read_only:
            raise StoreError(f"{path}: no such database yet", kind="cantopen")
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{path}: cannot create its folder: {exc.strerror or exc}",
                                 kind="read-only") from None
        lock = SessionLock.take(path) if exclusive else None
        try:
            conn = _open_connection(path, read_only=read_only, backup_dir=backup_dir)
        except StoreError:
            if lock:
                lock.release()
            raise
        store = cls(conn, path, read_only=read_only, backup_dir=backup_dir)
        store._lock = lock
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            store._check_schema(version)
            if not read_only:
                # only now that the file is known to be ours and sound may anything write
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                if notice is not None and 0 < version < SCHEMA_VERSION:
                    (reviews,) = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()
                    if reviews >= LONG_UPDATE_REVIEWS:
                        notice(f"{path}: bringing its {reviews:,} reviews up to this trainer's "
                               f"format (schema {version} to {SCHEMA_VERSION}); once only, "
                               "this may take a minute.")
                store._migrate(version)
            elif version < SCHEMA_VERSION:
                raise StoreError(f"{path}: written by an older trainer (schema {version}); "
                                 "open it once with `trainer` where it can be written to "
                                 "bring it up to date.", kind="schema")
        except sqlite3.Error as exc:
            store.close()
            raise as_store_error(exc, path, backup_dir) from None
        except StoreError:
            store.close()
            raise
        return store

    def _check_schema(self, version: int) -> None:
        problem = schema.problem(self._main, version)
        if problem is not None:
            message, kind = problem
            raise StoreError(f"{self.path}: {message}", kind=kind)

    def _migrate(self, version: int) -> None:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                schema.migrate_to(self.conn, target)
                self.conn.execute(f"PRAGMA user_version={target}")

    def close(self) -> None:
        self._main.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The same database on a connection of its own, for reading in a worker thread.

        WAL lets it read while the app's connection writes; it is closed on leaving.
        """
        if str(self.path) == ":memory:":  # a second connection would see another database
            yield self
            return
        conn = _open_connection(self.path, read_only=self.read_only, backup_dir=self.backup_dir,
                                query_only=True)
        try:
            reader = type(self)(conn, self.path, read_only=self.read_only,
                                backup_dir=self.backup_dir)
            reader.shared, reader.shared_lock = self.shared, self.shared_lock
            yield reader
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

    def state_rows_where(self, decks: Iterable[str], where: str = "1",
                         args: Sequence[Any] = ()) -> dict[str, tuple[Any, ...]]:
        """The stored rows of these decks that satisfy a WHERE clause over `cards`, as they
        are (`row_to_state` makes a state of one): a search matching many cards builds
        states only for the page it shows. The clause comes from the browser's query
        compiler (trainer.browse.query), never from the learner's text: values travel as
        arguments."""
        decks = list(decks)
        if not decks:
            return {}
        marks = ",".join("?" * len(decks))
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM cards WHERE deck IN ({marks}) AND ({where})",
            (*decks, *args))
        return {row[0]: row for row in rows}

    def state_rows_by_due(self, decks: Iterable[str], where: str = "1",
                          args: Sequence[Any] = (), *, reverse: bool = False,
                          limit: int = 200) -> list[tuple[Any, ...]]:
        """The first `limit` rows of `state_rows_where` that have a due date (not new), by
        due date: the (deck, due) index gives them in a few milliseconds where reading
        every row of 100k cards takes a quarter of a second (the browser's first page)."""
        decks = list(decks)
        if not decks:
            return []
        marks = ",".join("?" * len(decks))
        return self.conn.execute(
            f"SELECT {_COLUMNS} FROM cards WHERE deck IN ({marks}) AND state > {int(State.NEW)}"
            f" AND ({where}) ORDER BY due {'DESC' if reverse else 'ASC'} LIMIT ?",
            (*decks, *args, limit)).fetchall()

    def state_rows(self, keys: Iterable[str]) -> dict[str, tuple[Any, ...]]:
        """The stored rows of these cards, as they are (a card without one is new): the
        browser reads again the rows an action changed."""
        keys = list(keys)
        out: dict[str, tuple[Any, ...]] = {}
        for start in range(0, len(keys), 500):  # well under SQLite's limit of arguments
            chunk = keys[start:start + 500]
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM cards WHERE key IN ({','.join('?' * len(chunk))})",
                chunk)
            out.update((row[0], row) for row in rows)
        return out

    def write_states(self, changes: dict[str, CardState | None]) -> None:
        """Write (or, for None, delete: the card is new again) many states in one transaction.

        A write to the cache alone, which the journal does not know of (tests, benchmarks):
        study, the browser and sync record events instead.
        """
        with self.transaction():
            for key, state in changes.items():
                if state is None:
                    self.conn.execute("DELETE FROM cards WHERE key=?", (key,))
                else:
                    self._write_state(state)

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
        event_id: str | None = None,
        review_number: int | None = None,
        fixed_due: float | None = None,
    ) -> int:
        """Append a review to the journal and the log, and write the card's new state, in
        one transaction; returns its id in the review log.

        `event_id` is the id the review's fuzz was drawn from (Scheduler.review's seed), so
        replaying the event gives `after`; `fixed_due` a due set outside FSRS (the interview
        cap), which replay keeps; `review_number` drew the card's parameters (default: the
        reviews before this one).
        """
        payload: dict[str, Any] = {"rating": int(rating), "review_number": (
            review_number if review_number is not None else before.reps if before else 0)}
        if answer is not None:
            payload["answer"] = answer
        if verdict is not None:
            payload["verdict"] = str(verdict)
        if duration_ms is not None:
            payload["duration_ms"] = duration_ms
        if after.content_hash:
            payload["content_hash"] = after.content_hash
        if fixed_due is not None:
            payload["due"] = fixed_due
        event_id = event_id or new_event_id(reviewed_at)
        with self.transaction():
            self.conn.execute(
                "INSERT INTO events (id, device, card_key, at, kind, payload) "
                "VALUES (?,?,?,?,'review',?)",
                (event_id, self.device_id, after.key, reviewed_at, dump_payload(payload)))
            cur = self.conn.execute(
                "INSERT INTO reviews (card_key, reviewed_at, rating, answer, verdict, duration_ms,"
                " state_was, state_before, state_after, event_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (after.key, reviewed_at, int(rating), answer,
                 None if verdict is None else str(verdict), duration_ms,
                 0 if before is None else int(before.state), logstate.pack(before),
                 logstate.pack(after), event_id),
            )
            self._write_state(after)
        if self.on_review is not None:
            self.on_review()
        return int(cur.lastrowid or 0)

    def last_review_id(self) -> int:
        """The id of the newest review (0 for none): backups compare it to count reviews."""
        return int(self.conn.execute("SELECT MAX(id) FROM reviews").fetchone()[0] or 0)

    def backup_to(self, target: Path) -> None:
        """Copy the database to `target` with SQLite's online backup API.

        Runs on the calling thread's own connection, in one step: that is one read
        transaction, which in WAL mode never blocks the session's writes (a stepwise
        copy would start over after each review written meanwhile).
        """
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest, pages=-1)
        finally:
            dest.close()

    def reviews(self, card_key: str | None = None, since: float | None = None) -> list[Review]:
        sql = ("SELECT id, card_key, reviewed_at, rating, answer, verdict, duration_ms, "
               "state_before, state_after, event_id FROM reviews")
        where, args = [], []
        if card_key is not None:
            where.append("card_key=?")
            args.append(card_key)
        if since is not None:
            where.append("reviewed_at>=?")
            args.append(since)
        if where:
            sql += " WHERE " + " AND ".join(where)
        # in time order: a review merged from another device may be older than its id says
        return [_review(r) for r in self.conn.execute(sql + " ORDER BY reviewed_at, id", args)]


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    # the busy wait is set here, once: no hidden 5 s default before busy_timeout
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        except sqlite3.OperationalError:
            # a WAL database in a read-only folder cannot make its -shm file: read it as
            # it is on disk (nothing can write to it there either)
            conn.close()
            conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True,
                                   isolation_level=None, check_same_thread=False)
        return conn
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)


def _review(row: Sequence[Any]) -> Review:
    after = logstate.unpack(row[8], row[1])
    if after is None:
        raise ValueError(f"a review of {row[1]} has no state after it")
    return Review(
        id=row[0], card_key=row[1], reviewed_at=row[2], rating=RATINGS[row[3]], answer=row[4],
        verdict=None if row[5] is None else VERDICTS.get(row[5], Verdict.UNDECIDED),
        duration_ms=row[6], before=logstate.unpack(row[7], row[1]), after=after,
        event_id=row[9] if len(row) > 9 else None,
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
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        if self.conn.in_transaction:  # SQLite may already have rolled back (disk full)
            self.conn.execute("ROLLBACK")


def _guard_every_query() -> None:
    import inspect

    names = {name for klass in Store.__mro__[:-1] for name, member in vars(klass).items()
             if inspect.isfunction(member) and not name.startswith("__")}
    for name in names - {"transaction", "reading"}:
        setattr(Store, name, _guarded(getattr(Store, name)))


_guard_every_query()
