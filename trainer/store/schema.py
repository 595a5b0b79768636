"""The store's schema history: the migration to each version, and the tables and columns a
file claiming a version must have (checked before anything writes)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from trainer.store import figures, fits, interviews, logstate, migrate_journal

SCHEMA_VERSION = 10

# the review log's columns after its id, as version 1 made them and version 5 rebuilt them
_REVIEW_COLUMNS = """\
            card_key TEXT NOT NULL,
            reviewed_at REAL NOT NULL,
            rating INTEGER NOT NULL,
            answer TEXT,
            verdict TEXT,
            duration_ms INTEGER,
            state_before TEXT,
            state_after TEXT NOT NULL"""

MIGRATIONS: dict[int, str | tuple[str, ...] | Callable[[sqlite3.Connection], None]] = {
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
""" + _REVIEW_COLUMNS + """
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
    # version 5: review ids are never reused (AUTOINCREMENT), so an undo names its review
    5: lambda conn: rebuild_reviews(conn),
    # version 6: FSRS parameters fitted to the learner (trainer optimize)
    6: fits.MIGRATION,
    # version 7: the journal of events, each card's state replayed from it
    7: lambda conn: migrate_journal.migrate_to_journal(conn),
    # version 8: a log of the cards whose state changed, and indexes, for the statistics
    8: figures.CHANGES,
    # version 9: the statistics' figures kept between sessions
    9: figures.KEPT,
    # version 10: the review log's states packed, and the state each review was made in
    10: logstate.migrate,
}

# the tables and columns each schema version must have: a file claiming a version but
# missing them is refused, untouched, rather than "repaired"
REQUIRED = {
    "cards": ("key", "deck", "state", "step", "stability", "difficulty", "due", "last_review",
              "reps", "lapses", "content_hash", "suspended"),
    "reviews": ("id", "card_key", "reviewed_at", "rating", "answer", "verdict", "duration_ms",
                "state_before", "state_after"),
}
ADDED = {2: ("cards", "buried_until"), 7: ("reviews", "event_id"), 10: ("reviews", "state_was")}
ADDED_TABLES = {3: ("review_tally", "card_tally"), 4: ("interviews",), 6: ("fsrs_fits",),
                 7: ("events", "meta", "synced_segments"), 8: ("card_changes",),
                 9: ("figures_kept",)}


def rebuild_reviews(conn: sqlite3.Connection, values: dict[str, str] | None = None) -> None:
    """Copy the review log into a new table of its columns, its rows in a dense table (an
    update in place leaves the pages of rows it shrank half empty), `values` giving some
    columns' new values as SQL over the old row; its ids are kept and never reused
    (AUTOINCREMENT, its sequence carried over), and its indexes and triggers made again."""
    attached = [row[0] for row in conn.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name='reviews' AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL ORDER BY type, name")]
    base = REQUIRED["reviews"]
    # columns a later schema added (or a file rolled back by hand has) are carried over too
    extra = [(r[1], r[2], r[3], r[4]) for r in conn.execute("PRAGMA table_info(reviews)")
             if r[1] not in base]
    declared = "".join(f", {name} {kind}{' NOT NULL' if not_null else ''}"
                       f"{'' if default is None else f' DEFAULT {default}'}"
                       for name, kind, not_null, default in extra)
    conn.execute(f"""CREATE TABLE reviews_rebuilt (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
{_REVIEW_COLUMNS}{declared}
        )""")
    names = [*base, *(name for name, *_ in extra)]
    chosen = values or {}
    # (the table just made with AUTOINCREMENT made sqlite_sequence, if the file had none)
    sequence = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'reviews'").fetchone()
    conn.execute(f"INSERT INTO reviews_rebuilt ({', '.join(names)}) "
                 f"SELECT {', '.join(chosen.get(n, n) for n in names)} FROM reviews ORDER BY id")
    conn.execute("DROP TABLE reviews")  # drops its indexes and triggers, made again below
    conn.execute("ALTER TABLE reviews_rebuilt RENAME TO reviews")
    if sequence is not None:  # (ids of rows deleted at the end are not given again)
        conn.execute("UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'reviews'",
                     sequence)
    for sql in attached:
        conn.execute(sql)


def problem(conn: sqlite3.Connection, version: int) -> tuple[str, str] | None:
    """What keeps a file of this schema version from being opened: (message, kind), or None.
    A file that is not trainer's, is newer, or lacks what its version needs is left untouched."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if version > SCHEMA_VERSION:
        return (f"written by a newer trainer (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade trainer to open it.", "newer")
    if version == 0:
        return ("a SQLite database, but not trainer's; left untouched.", "foreign") \
            if tables else None
    needed = {t: set(cols) for t, cols in REQUIRED.items()}
    for since, (table, column) in ADDED.items():
        if version >= since:
            needed[table].add(column)
    for since, names in ADDED_TABLES.items():
        if version >= since:
            needed.update({name: set() for name in names})
    for table, columns in needed.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        missing = sorted(columns - have) if table in tables else [f"the table {table}"]
        if missing:
            return (f"says schema {version} but lacks {', '.join(missing)}; left untouched. "
                    "Restore a backup (`trainer backup` lists them) or move it away.", "schema")
    return None


def migrate_to(conn: sqlite3.Connection, target: int) -> None:
    """Run the migration that brings a file of version target - 1 to target (the caller's
    transaction; it also sets user_version)."""
    steps = MIGRATIONS[target]
    if callable(steps):
        steps(conn)
        return
    for statement in steps.split(";") if isinstance(steps, str) else steps:
        if statement.strip():
            conn.execute(statement)
