"""The store's journal: events appended with their cache update, undone by id, merged, replayed."""

from __future__ import annotations

import gc
import json
import sqlite3
import struct
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence, Set
from contextlib import contextmanager
from dataclasses import replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from trainer.record import Fielded
from trainer.store import journal
from trainer.store.cache_writes import CacheWrites
from trainer.store.journal import (
    Event,
    dump_payload,
    fast_json,
    long_number,
    make_event,
    new_event_id,
    payload_dumper,
)
from trainer.store.logstate import Logged

if TYPE_CHECKING:
    from trainer.scheduling.replay import Replayer
    from trainer.store.db import CardState, Review

# The journal is the truth; `cards` and `reviews` are caches of its replay. `seq` is the
# order events arrived here (what sync has written out); `origin` is the device folder an
# event was read from, NULL for one made (or imported) on this device, which sync writes out.
SCHEMA: tuple[str, ...] = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    """CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        device TEXT NOT NULL,
        card_key TEXT NOT NULL,
        at REAL NOT NULL,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        cancels TEXT,
        origin TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS events_card ON events(card_key, at, id)",
    "CREATE INDEX IF NOT EXISTS events_cancels ON events(cancels) WHERE cancels IS NOT NULL",
    # the sync segments (device folder/file) already merged: read once
    "CREATE TABLE IF NOT EXISTS synced_segments (name TEXT PRIMARY KEY) WITHOUT ROWID",
)

_EVENT = "id, device, card_key, at, kind, payload"
_EVENT_E = "e.id, e.device, e.card_key, e.at, e.kind, e.payload"  # (events AS e)
_FLAGS = ("suspended", "buried_until")
_LAST_SEQ = (1 << 63) - 1  # past every seq: all of a card's events
_CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on variables
# review log rows from which a merge writes them with the tally triggers paused
BULK_ROWS = 1000
# a merge or replay of this many events gets a page cache of this size (KiB; SQLite's unit
# for a negative cache_size) while it runs
BIG_CACHE_EVENTS = 10_000
BIG_CACHE_KIB = -131_072
BIG_MMAP = 1 << 31
# a merge replays a card whose history it changes from its last review before the change,
# when the review log's states there agree with the replay (False: from the first event)
RESUME = True


_order = attrgetter("at", "id")  # Event.order, without a property call per event
# a card's events in event-time order and its review log rows (event id, row id, ...)
_History = tuple[list[Event], list[tuple[Any, ...]]]


def _row_event(row: Sequence[Any]) -> Event:
    # (the columns are NOT NULL text and a real: no conversions needed)
    return make_event(row[0], row[1], row[2], row[3], row[4], _payload(row[5]))


_raw_decode = json.JSONDecoder().raw_decode


def _payload(text: str) -> Any:
    """json.loads(text): by orjson once a merge or replay has imported it (json reads what
    orjson refuses: NaN, an int past 64 bits), else without json.loads's wrapper's cost
    where the text is one JSON value and nothing else (as the journal writes every
    payload); json.loads itself otherwise. (orjson reads a long integer as a float.)"""
    fast = journal._fast
    if fast is not None:
        try:
            if not long_number(text):
                return fast.loads(text)
        except (ValueError, TypeError):  # (orjson.JSONDecodeError is a ValueError)
            pass
    try:
        value, end = _raw_decode(text)
        if end == len(text):
            return value
    except (ValueError, TypeError):
        pass
    return json.loads(text)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a merge or replay makes its hundreds of thousands
    of events, states and rows: none of them is garbage until the end, yet the collector
    ran some thousand times during a merge of 100k events, four of them full passes over
    everything alive (0.3 s of its 2.8 s). Reference counting still frees what is dropped.
    It is on again afterwards, however the work ends; a pause already made by someone else
    (the browser's) is left to them."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


class Merged(Fielded):
    """What a merge brought: the new events (per device) and the cards replayed."""

    __slots__ = ("added", "per_device", "cards", "replayed_whole", "resumed")
    added: int
    per_device: dict[str, int]
    cards: int
    replayed_whole: int  # cards whose history changed (not only grew at its end)
    resumed: int  # of those, the ones replayed from their last review before the change

    def __init__(self, added: int = 0, per_device: dict[str, int] | None = None, cards: int = 0,
                 replayed_whole: int = 0, resumed: int = 0) -> None:
        self.added = added
        self.per_device = {} if per_device is None else per_device
        self.cards = cards
        self.replayed_whole = replayed_whole
        self.resumed = resumed


class _Resumed:
    """Cards a merge replays from a review inside their history (_resume_points): the state
    after that review, the events after it (kept: not undone) and their review log rows."""

    def __init__(self) -> None:
        self.start: dict[str, Any] = {}  # the state's values after that review
        self.packed: dict[str, Any] = {}  # and as the review log holds it
        self.kept: dict[str, list[Event]] = {}
        self.rows: dict[str, int] = {}  # review log row by event id
        self.old: dict[int, tuple[Any, ...]] = {}  # (reviewed_at, ... duration_ms) by row
        self.dropped: dict[str, list[tuple[int]]] = defaultdict(list)

    def replay(self, key: str, replayer: Replayer, writes: CacheWrites) -> None:
        """The card replayed on from there; its rows since are rewritten (ids kept)."""
        log: list[Logged] = []
        values = replayer.run(sorted(self.kept[key], key=_order), self.start[key], log,
                              self.packed[key])
        writes.dropped.extend(self.dropped[key])
        writes.reviews(log, self.rows, self.old)
        writes.card(key, values)


class JournalQueries:
    """The journal half of the Store (mixed into it; uses its connection and cache writes)."""

    conn: sqlite3.Connection

    # --- identity and the replayer --------------------------------------------------------

    @property
    def device_id(self) -> str:
        """This database's device id, made once when the journal was created."""
        device = getattr(self, "_device_id", None)
        if device is None:
            row = self.conn.execute("SELECT value FROM meta WHERE key='device'").fetchone()
            device = self._device_id = str(row[0])
        return device

    def replayer_for(self, key: str) -> Replayer:
        """How this card's events become states: its deck's retention and FSRS parameters."""
        choose = getattr(self, "_choose_replayer", None)
        if choose is None:
            from trainer.scheduling.replay import Replayer

            default = getattr(self, "_default_replayer", None) or Replayer()
            self._default_replayer = default
            return default
        return choose(key.split("/", 1)[0])  # type: ignore[no-any-return]

    def replay_with(self, choose: Callable[[str], Replayer]) -> None:
        """Replay each deck's cards with `choose(deck)` (a Scheduler's `replayer`): the study
        session sets its scheduler's, so an undo or a merge gives what live study gives."""
        self._choose_replayer = choose

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.conn.execute("DELETE FROM meta WHERE key=?", (key,))
        else:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              (key, value))

    @contextmanager
    def _big_cache(self, events: int) -> Iterator[None]:
        """A page cache that holds what a big merge or replay touches (SQLite's default of
        2 MB makes each of its index lookups a read from the OS) while it runs, and
        Python's cycle collector paused meanwhile (collector_paused)."""
        if events < BIG_CACHE_EVENTS:
            yield
            return
        with collector_paused(), self._page_cache():
            yield

    @contextmanager
    def _page_cache(self) -> Iterator[None]:
        (size,) = self.conn.execute("PRAGMA cache_size").fetchone()
        (mapped,) = self.conn.execute("PRAGMA mmap_size").fetchone()
        (temp,) = self.conn.execute("PRAGMA temp_store").fetchone()
        self.conn.execute(f"PRAGMA cache_size={BIG_CACHE_KIB:d}")
        self.conn.execute(f"PRAGMA mmap_size={BIG_MMAP:d}")
        self.conn.execute("PRAGMA temp_store=MEMORY")  # its temporary tables: no file
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size={int(size):d}")
            self.conn.execute(f"PRAGMA mmap_size={int(mapped):d}")
            self.conn.execute(f"PRAGMA temp_store={int(temp):d}")

    # --- reading the journal --------------------------------------------------------------

    def new_event(self, kind: str, key: str, at: float, **payload: Any) -> Event:
        """An event of this device, not yet recorded (`append` records it)."""
        return Event(new_event_id(at), self.device_id, key, at, kind, payload)

    def events(self, card_key: str | None = None) -> list[Event]:
        """The journal (of one card), in event-time order, undone events and undos included."""
        if card_key is None:
            rows = self.conn.execute(f"SELECT {_EVENT} FROM events ORDER BY at, id")
        else:
            rows = self.conn.execute(f"SELECT {_EVENT} FROM events WHERE card_key=? "
                                     "ORDER BY at, id", (card_key,))
        return [_row_event(r) for r in rows]

    def events_to_send(self, after_seq: int) -> tuple[list[Event], int]:
        """Events made or imported here since `after_seq`, in arrival order, and the last seq."""
        rows = self.conn.execute(f"SELECT seq, {_EVENT} FROM events WHERE seq > ? AND origin "
                                 "IS NULL ORDER BY seq", (after_seq,)).fetchall()
        last = self.conn.execute("SELECT MAX(seq) FROM events").fetchone()[0] or 0
        return [_row_event(r[1:]) for r in rows], int(last)

    # --- writing ---------------------------------------------------------------------------

    def _insert_event(self, e: Event, origin: str | None = None) -> bool:
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO events (id, device, card_key, at, kind, payload, cancels, "
            "origin) VALUES (?,?,?,?,?,?,?,?)",
            (e.id, e.device, e.card_key, e.at, e.kind, dump_payload(e.payload), e.cancels,
             origin))
        return cur.rowcount == 1

    def append(self, events: Sequence[Event]) -> dict[str, CardState | None]:
        """Record this device's events (suspend, bury, forget, …) and update the cards they
        touch, in one transaction. Returns each touched card's new state."""
        with self.transaction():  # type: ignore[attr-defined]
            touched, _, _ = self._merge([self._after_history(e) for e in events], origin=None)
            return {key: self.card_state(key) for key in touched}  # type: ignore[attr-defined]

    def _after_history(self, e: Event) -> Event:
        """The event moved just after the card's newest one if its clock is behind it: an
        action here acts on the state the learner saw, whatever another clock said."""
        last = self.conn.execute("SELECT MAX(at) FROM events WHERE card_key=?",
                                 (e.card_key,)).fetchone()[0]
        return e if last is None or e.at > last else replace(e, at=last + 1e-3)

    def merge_events(self, events: Iterable[Event], *, origin: str | None = None,
                     segments: Sequence[str] = ()) -> Merged:
        """Add events made elsewhere, with their own ids: another device's (`origin` names its
        folder) or imported ones (origin None: sync sends them on). Events already here are
        skipped, so merging again changes nothing; the cards whose histories changed are
        replayed. One transaction, which also notes the sync `segments` they came from."""
        events = list(events)
        if len(events) >= BULK_ROWS:
            fast_json()  # the journal's payloads read by orjson from now on
        with self._big_cache(len(events)), self.transaction():  # type: ignore[attr-defined]
            touched, new, resumed = self._merge(events, origin=origin)
            self.conn.executemany("INSERT OR IGNORE INTO synced_segments (name) VALUES (?)",
                                  [(name,) for name in segments])
        report = Merged(added=len(new), cards=len(touched), replayed_whole=sum(touched.values()),
                        resumed=resumed)
        for e in new:
            report.per_device[e.device] = report.per_device.get(e.device, 0) + 1
        return report

    def _merge(self, events: Sequence[Event],
               origin: str | None) -> tuple[dict[str, bool], list[Event], int]:
        """Insert the events not yet here and bring their cards' caches up to date; returns
        the cards touched (True: their history changed), the events that were new and how
        many cards were replayed from a review inside their history."""
        conn = self.conn
        base = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
        new = self._insert_events(events, origin, base)
        touched: dict[str, bool] = {}
        by_card: dict[str, list[Event]] = defaultdict(list)
        for e in new:
            by_card[e.card_key].append(e)
        whole: set[str] = {key for key, evs in by_card.items()
                           if any(e.kind == "undo" for e in evs)}
        # an event already undone here (its undo arrived first) changes nothing but still
        # means the card's history must be read whole
        ids = [e.id for e in new]
        for part in _chunks(ids):
            marks = ",".join("?" * len(part))
            whole.update(r[0] for r in conn.execute(
                f"SELECT card_key FROM events WHERE cancels IN ({marks}) AND seq <= ?",
                (*part, base)))
        inside = []  # cards whose new events fall inside their history (and undo nothing)
        for key, last in self._newest_events([k for k in by_card if k not in whole], base):
            if min(map(_order, by_card[key])) < last:
                inside.append(key)
        whole.update(inside)
        new_ids = set(ids)
        writes = CacheWrites()
        # most of them carry on from their last review before the new events (its states
        # as the review log holds them); the others are replayed from the start
        resumed = self._resume_points(inside, by_card, base) if RESUME else _Resumed()
        known = self._histories([k for k in by_card if k in whole and k not in resumed.start],
                                base)
        for key, evs in by_card.items():
            if key in resumed.start:
                resumed.replay(key, self.replayer_for(key), writes)
            elif key in whole:
                self._replay_card(key, new_ids, writes, fresh=(evs, base), known=known[key])
            else:
                self._continue_card(key, sorted(evs, key=_order), writes)
            touched[key] = key in whole
        writes.flush(conn, BULK_ROWS)
        return touched, new, len(resumed.start)

    def _resume_points(self, keys: Sequence[str], by_card: dict[str, list[Event]],
                       base: int) -> _Resumed:
        """Where each card can be replayed from, rather than from its first event: its last
        review before its new events (`by_card`, none of them an undo or undone), whose
        logged state after it is where the card stood if the review log agrees with the
        replay. It does when replaying that one review from its logged state before gives
        its logged state after again (new FSRS parameters or retention since then give
        another: that card is left out, for a replay from the start). The cards' events
        from there on and their review log rows are read in one query, not every event of
        their histories."""
        from trainer.store.logstate import pack_values, unpack_values

        plan = _Resumed()
        if not keys:
            return plan
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_since (key TEXT PRIMARY KEY, "
                     "at REAL NOT NULL, id TEXT NOT NULL) WITHOUT ROWID")
        conn.execute("DELETE FROM temp.merge_since")
        conn.executemany("INSERT INTO temp.merge_since VALUES (?,?,?)",
                         [(key, *min(map(_order, by_card[key]))) for key in keys])
        # each card's last review before its new events that is not undone, with its row
        # (an undo counts only on its own card, as a replay reads it)
        marks: dict[str, tuple[Event, Any, Any]] = {}
        twice: set[str] = set()
        for row in conn.execute(
                f"SELECT {_EVENT_E}, r.state_before, r.state_after FROM temp.merge_since AS k "
                "CROSS JOIN events AS e ON e.seq = (SELECT c.seq FROM events AS c "
                "WHERE c.card_key = k.key AND (c.at, c.id) < (k.at, k.id) AND c.seq <= ?1 "
                "AND c.kind = 'review' AND NOT EXISTS (SELECT 1 FROM events AS u WHERE "
                "u.cancels = c.id AND u.card_key = c.card_key AND u.seq <= ?1) "
                "ORDER BY c.at DESC, c.id DESC LIMIT 1) "
                "CROSS JOIN reviews AS r ON r.event_id = e.id", (base,)):
            if row[2] in marks:
                twice.add(row[2])  # two log rows for one review: not a log to trust
            marks[row[2]] = (_row_event(row), row[6], row[7])
        for key, (review, before, after) in marks.items():
            if key in twice:
                continue
            try:
                values = self.replayer_for(key).run([review], unpack_values(before, key))
            except (ValueError, LookupError, TypeError, ArithmeticError, struct.error):
                continue  # a logged state that can not be read or stepped: from the start
            if values is not None and pack_values(values) == after:
                plan.start[key] = values
                plan.packed[key] = after
                plan.kept[key] = list(by_card[key])
        if not plan.start:
            return plan
        # their events after that review (those no undo here cancels), and the review log
        # rows of all of them
        conn.execute("DELETE FROM temp.merge_since")
        conn.executemany("INSERT INTO temp.merge_since VALUES (?,?,?)",
                         [(key, *_order(marks[key][0])) for key in plan.start])
        seen: set[str] = set()
        for row in conn.execute(
                f"SELECT {_EVENT_E}, EXISTS (SELECT 1 FROM events AS u WHERE u.cancels = e.id "
                "AND u.card_key = e.card_key AND u.seq <= ?1), r.id, r.reviewed_at, r.rating, "
                "r.answer, r.verdict, r.duration_ms FROM temp.merge_since AS k "
                "CROSS JOIN events AS e ON e.card_key = k.key AND (e.at, e.id) > (k.at, k.id) "
                "LEFT JOIN reviews AS r ON r.event_id = e.id WHERE e.seq <= ?1", (base,)):
            if row[0] in seen:
                continue  # (a second row for one event is left as it is, as a replay does)
            seen.add(row[0])
            if not row[6] and row[4] != "undo":
                plan.kept[row[2]].append(_row_event(row))
            if row[7] is not None:
                plan.rows[row[0]] = row[7]
                plan.old[row[7]] = row[8:]
                plan.dropped[row[2]].append((row[7],))
        return plan

    def _keyed(self, keys: Sequence[str]) -> str:
        """The cards `keys` put in a temporary table, for one query over all of them (not
        one per card: a statement's own cost was most of reading a small history)."""
        conn = self.conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS merge_keys (key TEXT PRIMARY KEY) "
                     "WITHOUT ROWID")
        conn.execute("DELETE FROM temp.merge_keys")
        conn.executemany("INSERT OR IGNORE INTO temp.merge_keys VALUES (?)",
                         [(key,) for key in keys])
        return "temp.merge_keys"

    def _newest_events(self, keys: Sequence[str],
                       base: int) -> Iterator[tuple[str, tuple[float, str]]]:
        """Each card's newest event (at, id) among those up to seq `base` (cards with none
        are left out)."""
        if not keys:
            return
        table = self._keyed(keys)
        yield from ((r[0], (r[1], r[2])) for r in self.conn.execute(
            f"SELECT k.key, e.at, e.id FROM {table} AS k CROSS JOIN events AS e ON e.seq = ("
            "SELECT seq FROM events WHERE card_key = k.key AND seq <= ? "
            "ORDER BY at DESC, id DESC LIMIT 1)", (base,)).fetchall())

    def _histories(self, keys: Sequence[str], base: int) -> dict[str, _History]:
        """Each card's events up to seq `base` in event-time order, and its review log rows
        (event id, row id, reviewed_at, rating, answer, verdict, duration_ms), read in two
        queries for all the cards."""
        known: dict[str, _History] = {key: ([], []) for key in keys}
        if not keys:
            return known
        table = self._keyed(keys)
        conn = self.conn
        for row in conn.execute(f"SELECT {_EVENT} FROM {table} AS k CROSS JOIN events AS e "
                                "ON e.card_key = k.key WHERE e.seq <= ? "
                                "ORDER BY k.key, e.at, e.id", (base,)):
            known[row[2]][0].append(_row_event(row))
        for row in conn.execute(f"SELECT r.card_key, r.event_id, r.id, r.reviewed_at, "
                                "r.rating, r.answer, r.verdict, r.duration_ms FROM "
                                f"{table} AS k CROSS JOIN reviews AS r ON r.card_key = k.key"):
            known[row[0]][1].append(row[1:])
        return known

    def _insert_events(self, events: Sequence[Event], origin: str | None,
                       base: int) -> list[Event]:
        """Insert the events whose ids are not here yet (of two with one id, the first), in
        one statement; returns those inserted, in their order. `base`: the last seq before."""
        conn = self.conn
        events = list(events)
        dump = payload_dumper() if len(events) >= BULK_ROWS else dump_payload
        inserted = conn.executemany(
            "INSERT OR IGNORE INTO events (id, device, card_key, at, kind, payload, cancels, "
            "origin) VALUES (?,?,?,?,?,?,?,?)",
            [(e.id, e.device, e.card_key, e.at, e.kind, dump(e.payload), e.cancels,
              origin) for e in events]).rowcount
        if inserted == len(events):  # every one went in (a sync of events new here)
            return events
        # what went in has a seq past `base` (AUTOINCREMENT never reuses one)
        added = {r[0] for r in conn.execute("SELECT id FROM events WHERE seq > ?", (base,))}
        new = []
        for e in events:
            if e.id in added:
                added.discard(e.id)  # a second event with that id was ignored
                new.append(e)
        return new

    def _continue_card(self, key: str, events: Sequence[Event], writes: CacheWrites) -> None:
        """Apply events that come after everything the card has, on its cached state."""
        from trainer.scheduling.replay import state_values

        state = self.card_state(key)  # type: ignore[attr-defined]
        log: list[Logged] = []
        values = self.replayer_for(key).run(
            events, None if state is None else state_values(state), log)
        writes.reviews(log, {})
        writes.card(key, values)

    def _replay_card(self, key: str, changed: set[str] | None = None,
                     writes: CacheWrites | None = None,
                     fresh: tuple[list[Event], int] | None = None,
                     known: _History | None = None) -> None:
        """Rebuild a card's state from all its events, and its review log rows from the
        first event that `changed` (new events' ids; None: all of them) moves or cancels.
        A rewritten row keeps its id, so nothing that names it goes stale. The writes go
        to `writes` (None: written now). `fresh`: the card's events a merge has just
        inserted, and the last seq before them (those are not read back); `known`: the
        card's events up to that seq and its review log rows, read already (_histories)."""
        conn = self.conn
        if known is None:
            known = self._histories([key], fresh[1] if fresh is not None else _LAST_SEQ)[key]
        events, reviews = known
        if fresh is not None:
            events = sorted([*events, *fresh[0]], key=_order)
        cancelled = {e.cancels for e in events if e.kind == "undo"}
        kept = [e for e in events if e.kind != "undo" and e.id not in cancelled]
        since: tuple[float, str] | None = None
        if changed is not None:  # (`changed` may hold a whole merge's ids: never copied)
            moved = fresh[0] if fresh is not None else [e for e in events if e.id in changed]
            undone = {e.cancels for e in moved if e.cancels}
            if undone:
                moved = [*moved, *(e for e in events if e.id in undone)]
            since = min(map(_order, moved), default=None)
        rows: dict[str, int] = {}
        old: dict[int, tuple[Any, ...]] = {}
        for row in reviews:
            rows[row[0]] = row[1]
            old[row[1]] = row[2:]
        pending = writes or CacheWrites()
        first = 0  # the first of `kept` whose review log row is written
        if since is None:
            pending.dropped_cards.append((key,))
        else:
            at = bisect_left(events, since, key=_order)
            pending.dropped.extend((rows[e.id],) for e in events[at:] if e.id in rows)
            if cancelled:
                pending.dropped.extend((rows[e.id],) for e in events[:at]
                                       if e.id in cancelled and e.id in rows)
            first = bisect_left(kept, since, key=_order)
        replayer = self.replayer_for(key)
        log: list[Logged] = []
        values = replayer.run(kept[first:], replayer.run(kept[:first], None), log)
        pending.reviews(log, rows, old)
        pending.card(key, values)
        if writes is None:
            pending.flush(conn, BULK_ROWS)

    def _put_cache(self, key: str, state: CardState | None) -> None:
        if state is None:
            self.conn.execute("DELETE FROM cards WHERE key=?", (key,))
        else:
            self._write_state(state)  # type: ignore[attr-defined]

    # --- undo ---------------------------------------------------------------------------

    def undo_events(self, ids: Sequence[str], *, at: float | None = None) -> int:
        """Cancel these events (by id) with undo events and replay their cards, in one
        transaction. Events unknown or already undone are passed over; returns how many
        were undone."""
        with self.transaction():  # type: ignore[attr-defined]
            return self._undo(ids, at)

    def _undo(self, ids: Sequence[str], at: float | None) -> int:
        conn = self.conn
        now = time.time() if at is None else at
        cards, undone = set(), 0
        for event_id in ids:
            row = conn.execute("SELECT card_key, at, kind FROM events WHERE id=?",
                               (event_id,)).fetchone()
            if row is None or row[2] == "undo" or conn.execute(
                    "SELECT 1 FROM events WHERE cancels=?", (event_id,)).fetchone():
                continue
            self._insert_event(self.new_event("undo", row[0], max(now, row[1]),
                                              event=event_id))
            cards.add(row[0])
            undone += 1
        for key in sorted(cards):
            self._replay_card(key)
        return undone

    def undo_review(self, review: int | str) -> Review | None:
        """Undo one review, named by its event id (or its review log id): an undo event
        cancels it and the card is as it was before. Undo names its review, so a second
        trainer's reviews are never touched.

        Returns None when that review is not in the log (or is undone already). Refused (a
        StoreError, kind "conflict") when the card was reviewed again since, by another
        trainer or device.
        """
        from trainer.store.db import StoreError, _review

        conn = self.conn
        with self.transaction():  # type: ignore[attr-defined]
            column = "id" if isinstance(review, int) else "event_id"
            row = conn.execute(
                "SELECT id, card_key, reviewed_at, rating, answer, verdict, duration_ms, "
                f"state_before, state_after, event_id FROM reviews WHERE {column}=?",
                (review,)).fetchone()
            if row is None or row[9] is None:
                return None
            found, event_id = _review(row), str(row[9])
            at = conn.execute("SELECT at FROM events WHERE id=?", (event_id,)).fetchone()[0]
            later = conn.execute(
                "SELECT kind FROM events AS e WHERE card_key=? AND (at > ? OR (at = ? AND id > ?))"
                " AND kind != 'undo' AND NOT EXISTS (SELECT 1 FROM events AS u "
                "WHERE u.cancels = e.id)", (found.card_key, at, at, event_id)).fetchall()
            if any(k == "review" for (k,) in later):
                raise StoreError(f"{self.path}: {found.card_key} was reviewed again since "  # type: ignore[attr-defined]
                                 "(by another trainer?); its review is kept.", kind="conflict")
            self._insert_event(self.new_event("undo", found.card_key,
                                              max(time.time(), at), event=event_id))
            if later:  # suspended, buried … since: the card's history is replayed whole
                self._replay_card(found.card_key)
            else:  # the newest event: the card is as the review found it
                conn.execute("DELETE FROM reviews WHERE id=?", (found.id,))
                self._put_cache(found.card_key, found.before)
        return found

    # --- replaying everything -------------------------------------------------------------

    def replay_cards(self, keys: Iterable[str]) -> None:
        """Rebuild these cards' states and their whole review log rows from their events, in
        one transaction (a repair; a replay from the first event, as an undo's)."""
        with self.transaction():  # type: ignore[attr-defined]
            writes = CacheWrites()
            for key in keys:
                self._replay_card(key, writes=writes)
            writes.flush(self.conn, BULK_ROWS)

    def replay_all(self, replayer: Replayer | None = None) -> int:
        """Rebuild every card's state from its events (after new FSRS parameters, or to
        repair the cache), in one transaction; returns how many cards were replayed. Each
        deck's replayer is `replay_with`'s unless one is given for all. The review log keeps
        the states each review was made from."""
        (events,) = self.conn.execute("SELECT COUNT(*) FROM events").fetchone()
        fast_json()  # the payloads read by orjson
        with self._big_cache(events), self.transaction():  # type: ignore[attr-defined]
            return self.replay_states(lambda deck: replayer or self.replayer_for(deck))

    def replay_states(self, choose: Callable[[str], Replayer], decks: Sequence[str] | None = None,
                      *, skip: Set[str] = frozenset()) -> int:
        """Replay each card of these decks (all: None; not those of `skip`) from its events
        with `choose(deck)`, and write their states (not the review log) at the end; the
        caller's transaction. Returns how many cards were replayed."""
        from trainer.scheduling.replay import applied

        writes = CacheWrites()
        count = 0
        with collector_paused():
            for key, events in self.events_by_card(decks):
                deck = key.split("/", 1)[0]
                if deck not in skip:
                    writes.card(key, choose(deck).run(applied(events), None))
                    count += 1
            writes.flush(self.conn, BULK_ROWS)
        return count

    def events_by_card(self, decks: Sequence[str] | None = None
                       ) -> Iterator[tuple[str, list[Event]]]:
        """Each card's journal events (of these decks; all: None), card by card, in
        event-time order: what a replay of many cards reads."""
        sql = f"SELECT {_EVENT} FROM events"
        ranges = [(None, None)] if decks is None else [(f"{d}/", f"{d}0") for d in decks]
        for low, high in ranges:
            where = "" if low is None else " WHERE card_key >= ? AND card_key < ?"
            args = () if low is None else (low, high)
            key: str | None = None
            batch: list[Event] = []
            for row in self.conn.execute(sql + where + " ORDER BY card_key, at, id", args):
                if row[2] != key:
                    if key is not None:
                        yield key, batch
                    key, batch = row[2], []
                batch.append(_row_event(row))
            if key is not None:
                yield key, batch
