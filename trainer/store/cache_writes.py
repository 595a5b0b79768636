"""A merge's or replay's writes to the store's caches (the review log and the card states),
kept while the cards are replayed and written at the end in one statement each."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from trainer.store.logstate import Logged

# the trigger that logs each written card for the statistics (figures.CHANGES); a big
# merge's writes of states pause it and log the cards in one statement
CARD_TRIGGERS = ("cards_changed_insert",)


class CacheWrites:
    """A merge's writes to the caches, made at its end in one statement each."""

    def __init__(self) -> None:
        self.dropped: list[tuple[int]] = []  # review log rows, by id
        self.dropped_cards: list[tuple[str]] = []  # every review log row of these cards
        self.rows: list[tuple[Any, ...]] = []  # (id: None for a new row, the columns ...)
        self.same: set[int] = set()  # rows rewritten whose columns but the states are as they were
        self.states: list[tuple[Any, ...]] = []
        self.gone: list[tuple[str]] = []

    def reviews(self, log: Sequence[Logged], ids: dict[str, int],
                old: dict[int, tuple[Any, ...]] | None = None) -> None:
        """Review log rows for a replay's logged reviews; `ids`: rows to rewrite in place,
        by event id, and `old` their (reviewed_at, rating, answer, verdict, duration_ms)."""
        old = old or {}
        for e, was, before, after in log:
            p = e.payload
            row = (ids.get(e.id), e.card_key, e.at, int(p["rating"]), p.get("answer"),
                   p.get("verdict"), p.get("duration_ms"), was, before, after, e.id)
            if row[0] is not None and old.get(row[0]) == row[2:7]:
                self.same.add(row[0])
            self.rows.append(row)

    def card(self, key: str, values: Sequence[Any] | None) -> None:
        """The card's cached state (field values in CardState's order; None: no row)."""
        if values is None:
            self.gone.append((key,))
        else:  # the `cards` columns are CardState's fields in its order
            self.states.append((*values[:11], int(values[11]), values[12]))

    def flush(self, conn: sqlite3.Connection, bulk_rows: int) -> None:
        """Write everything kept, in one statement per kind; from `bulk_rows` rows on, with
        the triggers paused and their work done in a few set statements."""
        from trainer.store.db import _COLUMNS

        insert = ("INSERT INTO reviews (id, card_key, reviewed_at, rating, answer, verdict, "
                  "duration_ms, state_was, state_before, state_after, event_id) "
                  "VALUES (?,?,?,?,?,?,?,?,?,?,?)")
        if len(self.rows) + len(self.dropped) < bulk_rows:
            conn.executemany("DELETE FROM reviews WHERE id=?", self.dropped)
            conn.executemany("DELETE FROM reviews WHERE card_key=?", self.dropped_cards)
            conn.executemany(insert, self.rows)
        else:
            self._bulk_reviews(conn, insert)
        conn.executemany("DELETE FROM cards WHERE key=?", self.gone)
        write = (f"INSERT OR REPLACE INTO cards ({_COLUMNS}) VALUES "
                 "(?,?,?,?,?,?,?,?,?,?,?,?,?)")
        if len(self.states) < bulk_rows:
            conn.executemany(write, self.states)
        else:
            self._bulk_states(conn, write)
        self.__init__()  # type: ignore[misc]

    def _bulk_states(self, conn: sqlite3.Connection, write: str) -> None:
        """The cards' states written with the changes log's insert trigger paused, and the
        log's rows (one per card written, as the trigger adds) added by one plain insert:
        the trigger's program per row cost more than writing the row."""
        from trainer.store.tally import triggers_paused

        with triggers_paused(conn, CARD_TRIGGERS) as paused:
            conn.executemany(write, self.states)
            if paused:
                conn.executemany("INSERT INTO card_changes (key) VALUES (?)",
                                 [row[:1] for row in self.states])

    def _bulk_reviews(self, conn: sqlite3.Connection, insert: str) -> None:
        """The review log written with the tally triggers paused, and tallied in a few
        statements (a trigger per row was most of a big merge's time). A row rewritten in
        place is updated, not deleted and inserted again (the same row, the same id, less
        index work); when only its states changed, only they are written."""
        from trainer.store.tally import tally, triggers_paused

        # the rows in three kinds, in one pass: states rewritten, whole rows rewritten, new
        kept, states, whole, new = [], [], [], []
        same = self.same
        for r in self.rows:
            if r[0] is None:
                new.append(r)
            else:
                kept.append((r[0],))
                if r[0] in same:
                    states.append((r[7], r[8], r[9], r[0]))
                else:
                    whole.append((*r[1:], r[0]))
        with triggers_paused(conn) as paused:
            for table, column in (("merge_rows", "id INTEGER"), ("merge_cards", "key TEXT"),
                                  ("merge_kept", "id INTEGER")):
                conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({column} PRIMARY KEY)")
                conn.execute(f"DELETE FROM temp.{table}")
            conn.executemany("INSERT OR IGNORE INTO temp.merge_rows VALUES (?)", self.dropped)
            conn.executemany("INSERT OR IGNORE INTO temp.merge_cards VALUES (?)",
                             self.dropped_cards)
            conn.executemany("INSERT OR IGNORE INTO temp.merge_kept VALUES (?)", kept)
            gone = ("(id IN (SELECT id FROM temp.merge_rows) "
                    "OR card_key IN (SELECT key FROM temp.merge_cards))")
            if paused:  # every row deleted or rewritten is among these
                tally(conn, gone, (), -1)
            conn.execute(f"DELETE FROM reviews WHERE {gone} "
                         "AND id NOT IN (SELECT id FROM temp.merge_kept)")
            # rows written now: those rewritten in place (their ids) and the new ones, whose
            # ids (AUTOINCREMENT) are past every id the log has ever had
            (top,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM reviews").fetchone()
            conn.executemany("UPDATE reviews SET state_was=?, state_before=?, state_after=? "
                             "WHERE id=?", states)
            conn.executemany(
                "UPDATE reviews SET card_key=?, reviewed_at=?, rating=?, answer=?, verdict=?, "
                "duration_ms=?, state_was=?, state_before=?, state_after=?, event_id=? WHERE id=?",
                whole)
            conn.executemany(insert, new)
            if paused:
                tally(conn, "id > ? OR id IN (SELECT id FROM temp.merge_kept)", (top,), 1)
            for table in ("merge_rows", "merge_cards", "merge_kept"):
                conn.execute(f"DELETE FROM temp.{table}")
