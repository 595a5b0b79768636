"""Anki's review log as journal events, with ids derived from the package so importing again adds nothing.

An event's id is a ULID whose time is the revlog entry's (Anki names a review by its time in
ms) and whose other 80 bits hash the note's GUID, the card's template and that time: the same
package read on any device, any number of times, gives the same events.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from trainer.store.journal import Event
from trainer.sync.anki_export import anki_day_start
from trainer.sync.anki_package import AnkiCard, Note, Package, Review

DAY = 86_400
DEVICE = "anki"  # the device of every imported event: two devices importing agree on them
TIME_SLACK_MS = 3  # an exported review's revlog id may have been bumped a few ms to be unique

# Anki's revlog kinds
LEARN, REVIEW, RELEARN, FILTERED, MANUAL, RESCHEDULED = range(6)


def event_id(guid: str, ord_: int, revlog_id: int, what: str = "review") -> str:
    """A ULID for one imported happening: its time part is the review's, the rest a hash."""
    from ulid import ULID

    digest = hashlib.sha256(f"anki:{guid}:{ord_}:{revlog_id}:{what}".encode()).digest()
    return str(ULID.from_bytes(max(0, revlog_id).to_bytes(6, "big") + digest[:10]))


def card_suffix(note: Note, ord_: int) -> str | None:
    """The suffix `trainer import` gives this card of the note in its id (None: not imported)."""
    if note.notetype.cloze:
        return f"-c{ord_ + 1}"
    return {0: "", 1: "-r"}.get(ord_)


def anki_due(card: AnkiCard, crt: int) -> float | None:
    """When Anki will show the card next, in UTC seconds (None: new, or not known).

    Review and day-learning cards are due on a day counted from the calendar date of the
    collection's creation, a day that starts at Anki's rollover hour (as `day_number` counts
    them for an export): the card is due when that day starts. Learning cards are due at a
    time in epoch seconds.
    """
    if card.type == 0:
        return None
    if card.type in (1, 3) and card.due > 1_000_000_000:
        return float(card.due)
    return anki_day_start(card.due, crt)


def _interval_seconds(ivl: int) -> float | None:
    if ivl > 0:
        return ivl * DAY
    if ivl < 0:
        return float(-ivl)
    return None


@dataclass(slots=True)
class History:
    """The events read from a package, and what had to be passed over."""

    events: list[Event] = field(default_factory=list)
    cards: set[str] = field(default_factory=set)  # the card keys that have events
    unknown_notes: set[str] = field(default_factory=set)  # GUIDs with reviews but no card here
    unknown_reviews: int = 0
    already: int = 0  # reviews the store had before Anki did (exported by the trainer)


def read_history(pkg: Package, key_for: Callable[[Note, int], str | None], *,
                 keep_due: bool, seen: Callable[[str, int], bool] = lambda key, ms: False
                 ) -> History:
    """The package's reviews as events on the cards `key_for(note, ord)` names.

    `keep_due`: each review keeps the due Anki gave it (the card came from Anki, whose
    schedule it follows), and a card Anki moved since its last review gets a reschedule;
    otherwise FSRS schedules the reviews as it does another device's. `seen(key, ms)` says
    the store already has that review (one the trainer exported to Anki itself): passed over.
    """
    notes = {n.id: n for n in pkg.notes}
    cards = {c.id: c for c in pkg.cards}
    by_card: dict[int, list[Review]] = {}
    for review in pkg.reviews:
        by_card.setdefault(review.card_id, []).append(review)
    out = History()
    for card_id, reviews in by_card.items():
        card = cards.get(card_id)
        note = notes.get(card.note_id) if card is not None else None
        if card is None or note is None:
            continue  # a review of a card deleted in Anki: nothing to attach it to
        key = key_for(note, card.ord)
        if key is None:
            out.unknown_notes.add(note.guid)
            out.unknown_reviews += len(reviews)
            continue
        made, already = _card_events(key, note, card, reviews, crt=pkg.collection_created,
                                     keep_due=keep_due, seen=seen)
        if made or already:
            out.cards.add(key)
            out.events.extend(made)
            out.already += already
    return out


def _card_events(key: str, note: Note, card: AnkiCard, reviews: Iterable[Review], *, crt: int,
                 keep_due: bool, seen: Callable[[str, int], bool]) -> tuple[list[Event], int]:
    events: list[Event] = []
    already = 0
    last_due: float | None = None
    last_ms = 0
    number = 0
    for r in sorted(reviews, key=lambda r: r.id):
        at = r.id / 1000
        if r.ease == 0:  # a manual change: Forget logs no interval, set-due-date one
            if r.type in (MANUAL, RESCHEDULED) and r.interval == 0:
                events.append(Event(event_id(note.guid, card.ord, r.id, "forget"), DEVICE, key,
                                    at, "forget", {"source": "anki"}))
                last_due = None
            continue
        if r.ease not in (1, 2, 3, 4):
            continue
        number += 1
        last_ms = r.id
        if seen(key, r.id):
            already += 1  # the trainer's own review, carried to Anki by an export
            continue
        payload: dict[str, object] = {"rating": r.ease, "review_number": number - 1,
                                      "duration_ms": max(0, r.time_ms), "source": "anki"}
        step = _interval_seconds(r.interval)
        if keep_due and step is not None:
            payload["due"] = last_due = at + step
        events.append(Event(event_id(note.guid, card.ord, r.id), DEVICE, key, at, "review",
                            payload))
    if not keep_due or not events:
        return events, already
    due = anki_due(card, crt)
    if due is not None and last_due is not None and abs(due - last_due) >= DAY:
        # moved in Anki after its last review (set due date, a reschedule): Anki's day wins
        events.append(Event(event_id(note.guid, card.ord, last_ms + 1, f"due:{due:.0f}"),
                            DEVICE, key, (last_ms + 1) / 1000, "reschedule", {"due": due}))
    if card.queue == -1:
        events.append(Event(event_id(note.guid, card.ord, last_ms + 2, "suspend"), DEVICE, key,
                            (last_ms + 2) / 1000, "suspend", {}))
    return events, already


def reviewed_times(store: object, keys: Iterable[str]) -> dict[str, list[int]]:
    """The times (ms) of the reviews the store holds for these cards."""
    from trainer.store import Store

    assert isinstance(store, Store)
    keys = sorted(set(keys))
    out: dict[str, list[int]] = {}
    # the times alone, read in one query per 500 cards: Store.reviews would also decode
    # every review's two states, for 10k cards most of an import's time
    for start in range(0, len(keys), 500):
        part = keys[start:start + 500]
        rows = store.conn.execute("SELECT card_key, reviewed_at FROM reviews WHERE card_key IN "
                                  f"({','.join('?' * len(part))})", part)
        for key, at in rows:
            out.setdefault(key, []).append(round(at * 1000))
    return out


def seen_in(times: dict[str, list[int]], slack_ms: int = 0) -> Callable[[str, int], bool]:
    """`seen(key, ms)` for read_history: the store has a review of the card at that time
    (within `slack_ms`: an export may have moved a review's id a few ms to keep it unique)."""

    def seen(key: str, ms: int) -> bool:
        return any(abs(ms - t) <= slack_ms for t in times.get(key, ()))

    return seen


def record_events(store: object, events: list[Event]) -> int:
    """Merge the imported events into the store's journal by id (a union: importing again adds
    nothing) and replay the cards they touch with each deck's retention and fitted FSRS
    parameters, as study would; returns how many events were new."""
    from trainer.config import load_settings
    from trainer.scheduling.fsrs_scheduler import Scheduler
    from trainer.store import Store

    assert isinstance(store, Store)
    store.replay_with(Scheduler.for_store(load_settings(), store).replayer)
    return store.merge_events(events).added
