"""FSRS through the `fsrs` package: turn a rating into the card's next state."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from trainer.review import Rating, State
from trainer.store import CardState

if TYPE_CHECKING:
    import fsrs

    from trainer.scheduling.replay import Replayer

NEW = State.NEW  # a stored card that has never been reviewed (e.g. suspended while new)
AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY
RATING_NAMES: dict[int, str] = {r: r.label for r in Rating}
STATE_NAMES: dict[int, str] = {s: s.label for s in State}


def format_interval(seconds: float) -> str:
    """An interval as the rating keys show it: 10m, 5h, 12d, 3.2mo, 1.4y (as in Anki)."""
    minutes = round(seconds) / 60  # whole seconds: fsrs's microseconds must not tip 5.5m
    if minutes < 59.5:
        return f"{max(1, round(minutes))}m"
    hours = minutes / 60
    if hours < 23.5:
        return f"{round(hours)}h"
    days = hours / 24
    if days < 30.5:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30.4:.1f}mo"
    return f"{days / 365.25:.1f}y"


def card_number(key: str) -> int:
    """A stable integer id for fsrs (which otherwise sleeps 1 ms to make a unique one)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=7).digest(), "big")


def _dt(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


class Scheduler:
    """Wraps fsrs.Scheduler; fuzzing is on for learners and off in tests."""

    def __init__(self, *, desired_retention: float = 0.9, fuzz: bool = True) -> None:
        self.desired_retention = desired_retention
        self.fuzz = fuzz

    @cached_property
    def _fsrs(self) -> fsrs.Scheduler:
        import fsrs  # kept off the start-up path: the first card needs no scheduler

        return fsrs.Scheduler(desired_retention=self.desired_retention,
                              enable_fuzzing=self.fuzz)

    def _to_fsrs(self, key: str, state: CardState | None, now: float) -> fsrs.Card:
        import fsrs

        if state is None or state.state == NEW:
            return fsrs.Card(card_id=card_number(key), due=_dt(now))
        return fsrs.Card(
            card_id=card_number(key),
            state=fsrs.State(state.state),
            step=state.step,
            stability=state.stability,
            difficulty=state.difficulty,
            due=_dt(state.due),
            last_review=_dt(state.last_review),
        )

    @cached_property
    def _replayer(self) -> Replayer:
        from trainer.scheduling.replay import Replayer

        return Replayer(desired_retention=self.desired_retention, fuzz=self.fuzz)

    def review(
        self, *, key: str, deck: str, state: CardState | None, rating: int, now: float,
        content_hash: str = "", seed: str | None = None,
    ) -> CardState:
        """The state after rating the card at `now` (UTC seconds).

        `seed` is the id of the review's journal event: it draws the fuzz, so replaying
        that event gives this very state (without one the fuzz is random).
        """
        return self._replayer.review(state, key=key, deck=deck, rating=rating, at=now,
                                     seed=seed, content_hash=content_hash)

    @cached_property
    def _exact(self) -> fsrs.Scheduler:
        """The same scheduler without fuzz: what a rating gives before the random spread."""
        import fsrs

        return fsrs.Scheduler(desired_retention=self.desired_retention, enable_fuzzing=False)

    def intervals(self, *, key: str, state: CardState | None, now: float) -> dict[Rating, float]:
        """Seconds until the card is due again after each rating at `now`, unfuzzed.

        What the rating keys show; with fuzz off it is exactly what `review` gives.
        """
        import fsrs

        card = self._to_fsrs(key, state, now)
        out: dict[Rating, float] = {}
        for rating in Rating:
            new, _ = self._exact.review_card(card, fsrs.Rating(int(rating)),
                                              review_datetime=_dt(now))
            out[rating] = max(0.0, new.due.timestamp() - now)
        return out

    def retrievability(self, state: CardState, now: float) -> float:
        if state.state == NEW or state.stability is None:
            return 0.0
        return float(self._fsrs.get_card_retrievability(self._to_fsrs(state.key, state, now),
                                                         _dt(now)))
