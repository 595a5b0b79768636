"""Scheduling for an Anki export: each card's state, due day, FSRS memory and review log.

genanki writes notes and new cards only; `apply_scheduling` then fills in the cards and the
revlog of the collection it wrote (the legacy layout, which every Anki and AnkiDroid imports)
so that Anki carries on where the trainer left off.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from trainer.review import State
from trainer.store.db import CardState, Review

DAY = 86_400
# Anki's default learning steps are 1m and 10m, as fsrs's: a card on step i has 2 - i left
LEARNING_STEPS = 2
MAX_ANSWER_MS = 60_000  # Anki's default cap on the time a review took
ANKI_ROLLOVER_HOUR = 4  # Anki's default: its next day starts at 04:00 local time

# Anki's card types and queues
NEW, LEARN, REVIEW, RELEARN = 0, 1, 2, 3
Q_SUSPENDED, Q_BURIED = -1, -3


@dataclass(slots=True)
class CardSchedule:
    """What one trainer card carries into Anki: its state (None: new) and its reviews."""

    state: CardState | None
    reviews: list[Review] = field(default_factory=list)
    retention: float = 0.9  # the desired retention its deck aims at


@dataclass(frozen=True, slots=True)
class AnkiFields:
    """The scheduling columns of one row of Anki's `cards` table."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str


def ease_factor(difficulty: float | None) -> int:
    """Anki's SM-2 ease (permille) for an FSRS difficulty (1 easy .. 10 hard).

    Used only if the learner runs Anki without FSRS: difficulty 5 (fsrs's middle) maps to
    Anki's starting ease 250%, each point of difficulty to 20 points of ease.
    """
    if difficulty is None:
        return 2500
    return int(min(3500, max(1300, round(2500 - 200 * (difficulty - 5)))))


def _days(seconds: float) -> int:
    return max(1, round(seconds / DAY))


def interval_days(state: CardState) -> int:
    """The interval Anki shows for a card: from its last review to its due day."""
    if state.last_review is None:
        return 1
    return _days(state.due - state.last_review)


def day_number(at: float, crt: int, *, zone: tzinfo | None = None) -> int:
    """Anki's day count (from the collection's creation `crt`) of the day that holds `at`.

    Anki counts days as the local calendar date of its collection's creation to the study
    date of the moment (its day starting at the rollover hour, 04:00 by default), not in
    whole 24-hour spans from `crt`: genanki's `crt` is 11:00 UTC, so spans from it put a
    card due at 09:00 UTC on the day before the one Anki shows.
    """
    from trainer.scheduling.days import local_zone, study_date

    zone = zone or local_zone()
    created = datetime.fromtimestamp(crt, zone).date()
    return (study_date(at, day_hour=ANKI_ROLLOVER_HOUR, zone=zone) - created).days


def anki_day_start(day: int, crt: int, *, zone: tzinfo | None = None) -> float:
    """When Anki's day `day` of a collection created at `crt` starts (UTC seconds)."""
    from trainer.scheduling.days import local_zone, study_day_start

    zone = zone or local_zone()
    created = datetime.fromtimestamp(crt, zone).date()
    return study_day_start(created + timedelta(days=day), day_hour=ANKI_ROLLOVER_HOUR, zone=zone)


def anki_fields(state: CardState | None, *, crt: int, position: int,
                desired_retention: float, now: float) -> AnkiFields:
    """A trainer card state as Anki's card columns, counted from a collection made at `crt`.

    Learning and relearning cards are due at a time (queue 1, epoch seconds); review cards
    on a day; the FSRS stability and difficulty go into `data`, where Anki 23.10+ keeps its
    memory state, so Anki with FSRS on continues from them exactly.
    """
    if state is None or state.state == State.NEW:
        queue = Q_SUSPENDED if state is not None and state.suspended else NEW
        return AnkiFields(NEW, queue, position, 0, 0, 0, 0, 0, "")
    factor = ease_factor(state.difficulty)
    if state.state == State.REVIEW:
        kind, queue, due = REVIEW, REVIEW, day_number(state.due, crt)
        ivl, left = interval_days(state), 0
    else:
        kind = LEARN if state.state == State.LEARNING else RELEARN
        queue, due = LEARN, int(state.due)
        ivl = interval_days(state) if kind == RELEARN else 0
        left = max(1, LEARNING_STEPS - (state.step or 0)) if kind == LEARN else 1
    if state.suspended:
        queue = Q_SUSPENDED
    elif state.buried(now):
        queue = Q_BURIED  # Anki unburies it at its next day, as the trainer would
    data = ""
    if state.stability is not None and state.difficulty is not None:
        memory: dict[str, float | int] = {"s": round(state.stability, 4),
                                          "d": round(state.difficulty, 4),
                                          "dr": desired_retention}
        if state.last_review is not None:
            memory["lrt"] = int(state.last_review)
        data = json.dumps(memory, separators=(",", ":"))
    return AnkiFields(kind, queue, due, ivl, factor, state.reps, state.lapses, left, data)


def _revlog_interval(state: CardState | None, at: float) -> int:
    """A revlog interval: days when the card is in review, minus seconds while learning."""
    if state is None or state.state == State.NEW:
        return 0
    if state.state == State.REVIEW:
        return _days(state.due - at)
    return -max(1, round(state.due - at))


def _revlog_type(before: CardState | None) -> int:
    if before is None or before.state in (State.NEW, State.LEARNING):
        return 0  # learn
    return 1 if before.state == State.REVIEW else 2  # review, relearn


def revlog_rows(card_id: int, reviews: Iterable[Review],
                taken: set[int]) -> list[tuple[int, ...]]:
    """Anki revlog rows for a card's reviews. A row's id is the review's time in ms (bumped
    past ids already `taken`), so exporting again gives the same ids and Anki's importer,
    which skips ids it has, adds each review once."""
    rows: list[tuple[int, ...]] = []
    for r in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        rid = int(r.reviewed_at * 1000)
        while rid in taken:
            rid += 1
        taken.add(rid)
        last = r.before
        rows.append((rid, card_id, -1, int(r.rating), _revlog_interval(r.after, r.reviewed_at),
                     _revlog_interval(last, last.last_review or r.reviewed_at)
                     if last is not None else 0,
                     ease_factor(r.after.difficulty),
                     min(MAX_ANSWER_MS, max(0, r.duration_ms or 0)), _revlog_type(r.before)))
    return rows


def stable_card_id(guid: str, ord_: int, taken: set[int]) -> int:
    """The same Anki card id at every export of a note's card: Anki's importer adds later
    reviews to a card it already has only when the revlog names that card by its id."""
    import hashlib

    digest = hashlib.sha256(f"{guid}/{ord_}".encode()).digest()
    # in the past (2001..2017 in ms), as Anki gives any id from the future a new one
    card_id = 10**12 + int.from_bytes(digest[:6], "big") % (5 * 10**11)
    while card_id in taken:
        card_id += 1
    taken.add(card_id)
    return card_id


def apply_scheduling(cursor: sqlite3.Cursor, schedules: Mapping[str, CardSchedule], *,
                     now: float | None = None) -> int:
    """Write the schedules (by note GUID) into a collection genanki has just filled.

    Returns how many cards got a schedule. Cards whose GUID has none stay new.
    """
    import time

    now = time.time() if now is None else now
    (crt,) = cursor.execute("SELECT crt FROM col").fetchone()
    rows = cursor.execute("SELECT c.id, n.guid, c.ord, c.due FROM cards AS c JOIN notes AS n "
                          "ON n.id = c.nid ORDER BY n.guid, c.ord").fetchall()
    taken: set[int] = set()
    ids: set[int] = set()
    updates, revlog = [], []
    for old_id, guid, ord_, position in rows:
        card_id = stable_card_id(guid, ord_, ids)
        cursor.execute("UPDATE cards SET id=? WHERE id=?", (-card_id, old_id))
        schedule = schedules.get(guid)
        if schedule is None:
            continue
        f = anki_fields(schedule.state, crt=crt, position=position,
                        desired_retention=schedule.retention, now=now)
        updates.append((f.type, f.queue, f.due, f.ivl, f.factor, f.reps, f.lapses, f.left,
                        f.data, card_id))
        revlog.extend(revlog_rows(card_id, schedule.reviews, taken))
    cursor.execute("UPDATE cards SET id = -id WHERE id < 0")
    cursor.executemany("UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, "
                       "lapses=?, left=?, data=? WHERE id=?", updates)
    cursor.executemany("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, "
                       "type) VALUES (?,?,?,?,?,?,?,?,?)", revlog)
    return len(updates)


def schedules_from_store(store: object, keys: Iterable[str],
                         retention_for: Callable[[str], float] = lambda deck: 0.9
                         ) -> dict[str, CardSchedule]:
    """Each card's state and review log from the store, by card key."""
    from trainer.store import Store

    assert isinstance(store, Store)
    wanted = set(keys)
    out = {key: CardSchedule(state, retention=retention_for(state.deck))
           for key, state in store.states({key.split("/", 1)[0] for key in wanted}).items()
           if key in wanted}
    for review in store.reviews():
        if review.card_key in wanted:
            deck = review.card_key.split("/", 1)[0]
            out.setdefault(review.card_key, CardSchedule(None, retention=retention_for(deck))
                           ).reviews.append(review)
    return out


def scheduled_package(decks: list[object], media_files: list[str],
                      schedules: Mapping[str, CardSchedule]) -> object:
    """A genanki.Package whose collection also carries these schedules (by note GUID)."""
    import genanki

    class ScheduledPackage(genanki.Package):  # type: ignore[misc]
        def write_to_db(self, cursor: sqlite3.Cursor, timestamp: float, id_gen: object) -> None:
            super().write_to_db(cursor, timestamp, id_gen)
            apply_scheduling(cursor, schedules)

    return ScheduledPackage(decks, media_files=media_files)
