"""Replay: a card's state from its journal events, in event-time order, through FSRS."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import cached_property, lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from trainer.review import State
from trainer.scheduling.fsrs_step import (
    US,
    Stepper,
    fuzz_ranges,
    fuzzed_days,
    micros,
    stepper,
)
from trainer.store.db import CardState
from trainer.store.journal import Event
from trainer.store.logstate import Logged, pack_values

if TYPE_CHECKING:
    import fsrs


_STATES = {int(s): s for s in State}
# times (in microseconds) whose seconds as a float, now / US, convert back to them exactly
# (the float's error stays under half a microsecond until about the year 2096)
EXACT_US = 4_000_000_000 * US
# a state as a replay carries it: CardState's fields in their order
Values = tuple[Any, ...]
_FIELDS: tuple[str, ...] = CardState.__slots__  # type: ignore[attr-defined]
state_values = cast("Callable[[CardState], Values]", attrgetter(*_FIELDS))
_order = attrgetter("at", "id")
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


@lru_cache(maxsize=1)
def _enums() -> tuple[dict[int, Any], dict[int, Any]]:
    """fsrs's State and Rating members by number (an Enum call per review adds up)."""
    import fsrs

    return {int(s): s for s in fsrs.State}, {int(r): r for r in fsrs.Rating}


@lru_cache(maxsize=1)
def _seeded_scheduler_class() -> type:
    import fsrs

    ranges = fuzz_ranges()

    class SeededScheduler(fsrs.Scheduler):  # type: ignore[misc]
        """fsrs.Scheduler whose fuzz is drawn from the reviewing event's id, not from the
        global random generator: every device replaying that event draws the same day."""

        _seed = threading.local()

        def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
            days = fuzzed_days(interval.days, getattr(self._seed, "value", None),
                               self.maximum_interval, ranges)
            return interval if days == interval.days else timedelta(days=days)

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
        # the last review's time as made (seconds, microseconds): a replay's next review
        # reads that very float as its last review, and takes its microseconds from here
        # (by identity: another float, or another thread's review, is converted again)
        self._made: tuple[float | None, int] = (None, 0)

    @cached_property
    def _fsrs(self) -> fsrs.Scheduler:
        extra = {} if self.parameters is None else {"parameters": self.parameters}
        scheduler: fsrs.Scheduler = _seeded_scheduler_class()(
            desired_retention=self.desired_retention, enable_fuzzing=self.fuzz, **extra)
        return scheduler

    @cached_property
    def _step(self) -> Stepper:
        return stepper(self._fsrs)

    def review(self, state: CardState | None, *, key: str, rating: int, at: float,
               seed: str | None, deck: str | None = None, content_hash: str = "") -> CardState:
        """The state after rating the card at `at`; `seed` (the event id) draws the fuzz."""
        return CardState(*self._reviewed(None if state is None else state_values(state), key,
                                         rating, at, seed, content_hash, deck))

    def _reviewed(self, v: Values | None, key: str, rating: int, at: float, seed: str | None,
                  content_hash: str, deck: str | None = None) -> Values:
        """`review` on a state's field values (CardState's order), as a replay carries them."""
        if rating not in (1, 2, 3, 4):
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        step: int | None
        if v is None or v[2] == State.NEW:
            code, step, stability, difficulty, last = 1, 0, None, None, None
            if v is None:
                v = (key, deck or deck_of(key), State.NEW, None, None, None, at, None, 0, 0, "",
                     False, None)
        else:
            code, step, stability, difficulty = int(v[2]), v[3], v[4], v[5]
            if code == 1 and step is None:
                step = 0  # as fsrs.Card makes it
            if (code not in (1, 2, 3) or (code != 2 and step is None)
                    or (code != 1 and (stability is None or difficulty is None))):
                # a state fsrs itself refuses (a `set` event can write anything): its error
                return state_values(self.review_with_fsrs(
                    CardState(*v), key=key, rating=rating, at=at, seed=seed, deck=deck,
                    content_hash=content_hash))
            last = v[7]
            if last is not None:  # the time of the review just made here: its microseconds
                made = self._made
                last = made[1] if last is made[0] else micros(last)
        now = micros(at)
        code, step, stability, difficulty, interval = self._step(
            code, step, stability, difficulty, last, now, rating, seed)
        seconds = now / US  # what datetime.timestamp() gives
        if 0 <= now < EXACT_US:
            self._made = (seconds, now)
        return (v[0], deck or v[1], _STATES[code], step, stability, difficulty,
                (now + interval) / US, seconds, v[8] + 1,
                v[9] + (1 if v[2] == State.REVIEW and rating == 1 else 0),
                content_hash or v[10], v[11], None)

    def review_with_fsrs(self, state: CardState | None, *, key: str, rating: int, at: float,
                         seed: str | None, deck: str | None = None,
                         content_hash: str = "") -> CardState:
        """`review` through fsrs.Scheduler.review_card itself, an fsrs.Card and datetimes:
        the oracle the fast step is tested against, and the path for states fsrs refuses."""
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
        return CardState(
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
            v = self._reviewed(None if state is None else state_values(state), key,
                               int(p["rating"]), at, event.id, p.get("content_hash") or "")
            if self.keep_due and p.get("due") is not None:
                v = (*v[:6], float(p["due"]), *v[7:])
            return CardState(*v)
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
        v = self.run(applied(events), None if state is None else state_values(state))
        return None if v is None else CardState(*v)

    def run(self, events: Iterable[Event], v: Values | None,
            log: list[Logged] | None = None, packed: bytes | str | None = None) -> Values | None:
        """The field values of the state after `events`, applied in the order given (see
        `applied`) from the state with values `v` (None: new). With `log`, each review adds
        (event, the state it was made in, state before, state after) there, the states as
        the review log stores them (packed: trainer.store.logstate; `packed` is v's, when
        known).

        A replay's inner loop: the state travels as a tuple, a CardState is made only
        around an event other than a review (rare), and a review's state before is the
        packed state after the review before it."""
        keep_due = self.keep_due
        reviewed = self._reviewed
        for e in events:
            if e.kind == "review":
                p = e.payload
                after = reviewed(v, e.card_key, int(p["rating"]), e.at, e.id,
                                 p.get("content_hash") or "")
                if keep_due and p.get("due") is not None:
                    after = (*after[:6], float(p["due"]), *after[7:])
                if log is not None:
                    if v is None:
                        before, was = None, 0
                    else:
                        before = packed if packed is not None else pack_values(v)
                        was = int(v[2])
                    packed = pack_values(after)
                    log.append((e, was, before, packed))
                else:
                    packed = None
                v = after
            else:
                state = self.apply(None if v is None else CardState(*v), e)
                v = None if state is None else state_values(state)
                packed = None
        return v


def applied(events: Iterable[Event]) -> list[Event]:
    """The events a replay applies, in event-time order: undone events and undos dropped."""
    events = list(events)
    cancelled = {e.cancels for e in events if e.kind == "undo"}
    return sorted((e for e in events if e.kind != "undo" and e.id not in cancelled), key=_order)


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
