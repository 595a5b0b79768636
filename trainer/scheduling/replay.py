"""Replay: a card's state from its journal events, in event-time order, through FSRS."""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from trainer.review import State
from trainer.store.db import CardState
from trainer.store.journal import Event

if TYPE_CHECKING:
    import fsrs


_STATES = {int(s): s for s in State}


def _dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def deck_of(key: str) -> str:
    """A card key is `deck/name`: the deck is what comes before the first slash."""
    return key.split("/", 1)[0]


@lru_cache(maxsize=65536)
def card_number(key: str) -> int:
    from trainer.scheduling.fsrs_scheduler import card_number as number

    return number(key)


def new_state(key: str, at: float, *, deck: str | None = None, **flags: Any) -> CardState:
    """A stored card that has never been reviewed (or was forgotten) at `at`."""
    return CardState(key=key, deck=deck or deck_of(key), state=State.NEW, step=None,
                     stability=None, difficulty=None, due=at, last_review=None, **flags)


def _draw(seed: str) -> float:
    """A number in [0, 1) fixed by `seed`, the same on every platform and Python."""
    digest = hashlib.blake2b(seed.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


@lru_cache(maxsize=1)
def _enums() -> tuple[dict[int, Any], dict[int, Any]]:
    """fsrs's State and Rating members by number (an Enum call per review adds up)."""
    import fsrs

    return {int(s): s for s in fsrs.State}, {int(r): r for r in fsrs.Rating}


@lru_cache(maxsize=1)
def _seeded_scheduler_class() -> type:
    import fsrs
    from fsrs.scheduler import FUZZ_RANGES

    ranges = [(float(r["start"]), float(r["end"]), float(r["factor"])) for r in FUZZ_RANGES]

    class SeededScheduler(fsrs.Scheduler):  # type: ignore[misc]
        """fsrs.Scheduler whose fuzz is drawn from the reviewing event's id, not from the
        global random generator: every device replaying that event draws the same day."""

        _seed = threading.local()

        def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
            days = interval.days
            if days < 2.5:  # as fsrs: no fuzz below 2.5 days
                return interval
            delta = 1.0
            for start, end, factor in ranges:
                if days > start:
                    delta += factor * (min(float(days), end) - start)
            high = min(round(days + delta), self.maximum_interval)
            low = min(max(2, round(days - delta)), high)
            seed = getattr(self._seed, "value", None)
            draw = _draw(seed) if seed is not None else random.random()
            return timedelta(days=min(round(draw * (high - low + 1) + low),
                                      self.maximum_interval))

    return SeededScheduler


class Replayer:
    """FSRS with given parameters, applied event by event. Deterministic: the fuzz of a
    review is seeded by its event id, so equal events give equal states everywhere.

    `keep_due`: a review whose due was set outside FSRS (an interview cap, a migrated or
    imported review) keeps that due; False draws every due afresh (after a refit).
    """

    def __init__(self, *, parameters: Sequence[float] | None = None,
                 desired_retention: float = 0.9, fuzz: bool = True,
                 keep_due: bool = True) -> None:
        self.parameters = tuple(parameters) if parameters is not None else None
        self.desired_retention = desired_retention
        self.fuzz = fuzz
        self.keep_due = keep_due

    @cached_property
    def _fsrs(self) -> fsrs.Scheduler:
        extra = {} if self.parameters is None else {"parameters": self.parameters}
        scheduler: fsrs.Scheduler = _seeded_scheduler_class()(
            desired_retention=self.desired_retention, enable_fuzzing=self.fuzz, **extra)
        return scheduler

    def review(self, state: CardState | None, *, key: str, rating: int, at: float,
               seed: str | None, deck: str | None = None, content_hash: str = "") -> CardState:
        """The state after rating the card at `at`; `seed` (the event id) draws the fuzz."""
        import fsrs

        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        if state is None or state.state == State.NEW:
            card = fsrs.Card(card_id=card_number(key), due=_dt(at))
        else:
            card = fsrs.Card(
                card_id=card_number(key), state=_enums()[0][state.state], step=state.step,
                stability=state.stability, difficulty=state.difficulty, due=_dt(state.due),
                last_review=None if state.last_review is None else _dt(state.last_review))
        was_review = card.state == fsrs.State.Review
        scheduler = self._fsrs
        scheduler._seed.value = seed
        try:
            new, _ = scheduler.review_card(card, _enums()[1][rating], review_datetime=_dt(at))
        finally:
            scheduler._seed.value = None
        base = state or new_state(key, at, deck=deck)
        return CardState(  # every field, as `replace` would, without its cost in a replay
            key=base.key,
            deck=deck or base.deck,
            state=_STATES[int(new.state)],
            step=new.step,
            stability=new.stability,
            difficulty=new.difficulty,
            due=new.due.timestamp(),
            last_review=new.last_review.timestamp() if new.last_review else at,
            reps=base.reps + 1,
            lapses=base.lapses + (1 if was_review and rating == 1 else 0),
            content_hash=content_hash or base.content_hash,
            suspended=base.suspended,
            buried_until=None,
        )

    def apply(self, state: CardState | None, event: Event) -> CardState | None:
        """The state after one event (an undo is not applied: `replay` drops what it cancels)."""
        p, key, at = event.payload, event.card_key, event.at
        kind = event.kind
        if kind == "review":
            after = self.review(state, key=key, rating=int(p["rating"]), at=at, seed=event.id,
                                content_hash=p.get("content_hash") or "")
            if self.keep_due and p.get("due") is not None:
                after = replace(after, due=float(p["due"]))
            return after
        flags = {"content_hash": p.get("content_hash") or ""}
        if kind == "suspend":
            return replace(state or new_state(key, at, **flags), suspended=True)
        if kind == "unsuspend":
            return None if state is None else replace(state, suspended=False)
        if kind == "bury":
            return replace(state or new_state(key, at, **flags), buried_until=float(p["until"]))
        if kind == "unbury":
            return None if state is None else replace(state, buried_until=None)
        if kind == "forget":  # new again; the journal keeps its history; suspension stays
            if state is None or state.state == State.NEW:
                return state
            return new_state(key, at, suspended=state.suspended, content_hash=state.content_hash)
        if kind == "reschedule":  # only a card with a schedule can move
            if state is None or state.state == State.NEW:
                return state
            return replace(state, due=float(p["due"]))
        if kind == "set":
            return None if p.get("state") is None else CardState.from_dict(p["state"])
        if kind == "undo":
            return state
        raise ValueError(f"unknown event kind {kind!r}")

    def replay(self, events: Iterable[Event], state: CardState | None = None) -> CardState | None:
        """The state after these events of one card: undone events (and their undos) are
        dropped, the rest applied in event-time order, starting from `state` (None: new)."""
        events = list(events)
        cancelled = {e.cancels for e in events if e.kind == "undo"}
        for event in sorted(events, key=lambda e: e.order):
            if event.kind != "undo" and event.id not in cancelled:
                state = self.apply(state, event)
        return state


@lru_cache(maxsize=8)
def _replayer(parameters: tuple[float, ...] | None, desired_retention: float, fuzz: bool,
              keep_due: bool) -> Replayer:
    return Replayer(parameters=parameters, desired_retention=desired_retention, fuzz=fuzz,
                    keep_due=keep_due)


def replay(events: Iterable[Event], *, parameters: Sequence[float] | None = None,
           desired_retention: float = 0.9, fuzz: bool = True,
           keep_due: bool = True) -> CardState | None:
    """One card's state from its events (None: never stored, a new card).

    Pure and deterministic: the same events and parameters give the same state on any
    device, in any order they arrived. `parameters` are FSRS weights (fsrs's defaults when
    None); `keep_due=False` redraws the dues that were set outside FSRS.
    """
    params = tuple(parameters) if parameters is not None else None
    return _replayer(params, desired_retention, fuzz, keep_due).replay(events)
