"""Schema 7: the review log (schema 5) becomes the journal, every card's state explained by its events."""

from __future__ import annotations

import sqlite3
import struct
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from trainer.store.events import SCHEMA
from trainer.store.journal import Event, dump_payload, new_event_id

if TYPE_CHECKING:
    from trainer.store.db import CardState

# what a review's scheduling is, flags aside
_SCHEDULE = ("state", "step", "stability", "difficulty", "due", "last_review", "reps", "lapses")
_MIGRATION_CHUNK = 20_000  # events the migration to the journal writes at a time


def _schedule(s: CardState | None) -> tuple[Any, ...] | None:
    return None if s is None else tuple(getattr(s, f) for f in _SCHEDULE)


def _snapshot(cell: str | bytes | None, key: str) -> CardState | None:
    """A state kept in the old review log (JSON text, as schemas up to 9 kept it; packed in
    a file whose schema was set back by hand), or None where it can not be read."""
    from trainer.store.logstate import unpack

    try:
        return unpack(cell, key)
    except (ValueError, struct.error):
        return None


def migrate_to_journal(conn: sqlite3.Connection) -> None:
    """Schema 6: every review in the log becomes a review event, and each card's flags and
    the changes made outside the log (forget, reschedule) become events, so that replaying
    the journal gives every card exactly the state it had. Nothing is lost: a state the
    events can not explain is kept by a `set` event."""
    from trainer.scheduling.replay import Replayer, state_values
    from trainer.store.db import _COLUMNS, _row_to_state

    for statement in SCHEMA:
        conn.execute(statement)
    if "event_id" not in {r[1] for r in conn.execute("PRAGMA table_info(reviews)")}:
        conn.execute("ALTER TABLE reviews ADD COLUMN event_id TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS reviews_event ON reviews(event_id)")
    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('device', ?)",
                 (new_event_id(time.time()),))
    device = conn.execute("SELECT value FROM meta WHERE key='device'").fetchone()[0]
    # a file rolled back by hand may hold events already: its cards are left as they are
    journaled = {r[0] for r in conn.execute("SELECT DISTINCT card_key FROM events")}
    replayer = Replayer()
    # One card at a time, its review log rows and cached state read in key order, and the
    # events written in chunks: the whole log held at once (its JSON states above all) took
    # about 1.65 GB for a million reviews. The links from the log's rows to their events
    # wait in a temporary table, so that no row of the log read is written meanwhile.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS journal_links "
                 "(review INTEGER PRIMARY KEY, event TEXT NOT NULL)")
    events: list[Event] = []
    links: list[tuple[int, str]] = []
    tick = 1e-3  # spacing of the events a migration adds between two real ones

    def add(kind: str, key: str, at: float, **payload: Any) -> Event:
        e = Event(new_event_id(at), device, key, at, kind, payload)
        events.append(e)
        return e

    def flush() -> None:
        conn.executemany(
            "INSERT INTO events (id, device, card_key, at, kind, payload, cancels, origin) "
            "VALUES (?,?,?,?,?,?,NULL,NULL)",
            [(e.id, e.device, e.card_key, e.at, e.kind, dump_payload(e.payload))
             for e in events])
        conn.executemany("INSERT INTO temp.journal_links (review, event) VALUES (?,?)", links)
        events.clear()
        links.clear()

    for key, history, want in _cards_in_key_order(conn, _row_to_state, _COLUMNS):
        if key in journaled:
            continue
        if len(events) >= _MIGRATION_CHUNK:
            flush()
        state: CardState | None = None
        last = 0.0
        seen: tuple[str | None, CardState | None] = (None, None)  # the last state read
        for row in history:
            # a review's state before is most often the text of the one after the last
            before = seen[1] if row[7] is not None and row[7] == seen[0] else _snapshot(row[7], key)
            at, after = row[2], _snapshot(row[8], key)
            seen = (row[8], after)
            at = max(at, last + tick)  # keep the log's order even where two times tie
            if _schedule(before) != _schedule(state):  # changed outside the log
                gap = at - tick / 2
                if (before is None or before.state == 0) and state is not None:
                    # a forgotten card's new row is dated by the forget
                    when = before.due if before is not None and last < before.due < at else gap
                    state = replayer.apply(state, add("forget", key, when))
                if _schedule(before) != _schedule(state):
                    state = replayer.apply(state, add("set", key, gap, state=(
                        None if before is None else before.to_dict())))
            payload: dict[str, Any] = {"rating": row[3], "review_number": state.reps if state
                                       else 0}
            for name, value in (("answer", row[4]), ("verdict", row[5]),
                                ("duration_ms", row[6])):
                if value is not None:
                    payload[name] = value
            if after is not None:
                payload["due"] = after.due  # drawn by the old trainer's own fuzz
                if after.content_hash:
                    payload["content_hash"] = after.content_hash
            review = add("review", key, at, **payload)
            links.append((row[0], review.id))
            state = replayer.apply(state, review)
            # (the states compared but for a burial, which the log does not explain)
            if after is not None and (state is None
                                      or state_values(state)[:12] != state_values(after)[:12]):
                state = replayer.apply(state, add("set", key, at + tick / 2,
                                                  state=after.to_dict()))
            last = at
        end = last + tick
        if want is not None and want.state == 0:
            end = max(end, want.due)  # a new row is stored at the time it was made
        elif want is not None and state is None:
            end = want.last_review or want.due
        if want is not None:
            if want.state == 0 and state is not None and state.state != 0:
                state = replayer.apply(state, add("forget", key, end))
            if want.suspended:
                state = replayer.apply(state, add("suspend", key, end,
                                                  content_hash=want.content_hash))
            if want.buried_until is not None:
                state = replayer.apply(state, add("bury", key, end, until=want.buried_until,
                                                  content_hash=want.content_hash))
            if (state is not None and state.state != 0 and want.state != 0
                    and _schedule(replace(state, due=want.due)) == _schedule(want)
                    and state.due != want.due):
                state = replayer.apply(state, add("reschedule", key, end + tick, due=want.due))
        if state != want:
            add("set", key, end + 2 * tick, state=None if want is None else want.to_dict())
    flush()
    conn.execute("UPDATE reviews SET event_id = (SELECT event FROM temp.journal_links "
                 "WHERE review = reviews.id) WHERE id IN (SELECT review FROM temp.journal_links)")
    conn.execute("DROP TABLE temp.journal_links")


def _cards_in_key_order(
        conn: sqlite3.Connection, to_state: Callable[[Sequence[Any]], CardState], columns: str,
) -> Iterator[tuple[str, list[tuple[Any, ...]], CardState | None]]:
    """Each card of the cards table or the review log, in key order: its key, its review
    log rows in the order written, and its cached state (None: it has no row)."""
    cards = conn.execute(f"SELECT {columns} FROM cards ORDER BY key")
    reviews = conn.execute("SELECT id, card_key, reviewed_at, rating, answer, verdict, "
                           "duration_ms, state_before, state_after FROM reviews "
                           "ORDER BY card_key, id")  # the (card_key, id) index's order
    card, review = next(cards, None), next(reviews, None)
    while card is not None or review is not None:
        key = min(k for k in (card and card[0], review and review[1]) if k is not None)
        want = None
        if card is not None and card[0] == key:
            want, card = to_state(card), next(cards, None)
        history = []
        while review is not None and review[1] == key:
            history.append(review)
            review = next(reviews, None)
        yield key, history, want
