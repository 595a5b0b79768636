"""FSRS through the `fsrs` package: turn a rating into the card's next state."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from trainer.review import Rating, State
from trainer.store import CardState

if TYPE_CHECKING:
    import fsrs

    from trainer.config import Settings
    from trainer.scheduling.replay import Replayer
    from trainer.store import Store

NEW = State.NEW  # a stored card that has never been reviewed (e.g. suspended while new)
AGAIN, HARD, GOOD, EASY = Rating.AGAIN, Rating.HARD, Rating.GOOD, Rating.EASY
RATING_NAMES: dict[int, str] = {r: r.label for r in Rating}
STATE_NAMES: dict[int, str] = {s: s.label for s in State}
DEFAULT_DECAY = 0.1542  # fsrs 6's default w20, the forgetting curve's decay


def decay_of(parameters: Sequence[float] | None) -> float:
    """The forgetting curve's decay (FSRS-6's w20) of these parameters; fsrs's default for
    None, and for FSRS-5's 19 parameters (whose curve has the default decay)."""
    return float(parameters[20]) if parameters is not None and len(parameters) > 20 \
        else DEFAULT_DECAY


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
    """Wraps fsrs.Scheduler; fuzzing is on for learners and off in tests.

    Each deck may aim at its own desired retention (`deck_retention`) and use its own
    fitted FSRS parameters (`deck_parameters`, else `parameters`, else fsrs's defaults).
    """

    def __init__(self, *, desired_retention: float = 0.9, fuzz: bool = True,
                 deck_retention: Mapping[str, float] | None = None,
                 parameters: Sequence[float] | None = None,
                 deck_parameters: Mapping[str, Sequence[float]] | None = None) -> None:
        self.desired_retention = desired_retention
        self.fuzz = fuzz
        self.deck_retention = dict(deck_retention or {})
        self.parameters = tuple(parameters) if parameters else None
        self.deck_parameters = {d: tuple(p) for d, p in (deck_parameters or {}).items()}
        self._engines: dict[tuple[float, tuple[float, ...] | None, bool], fsrs.Scheduler] = {}
        self._replayers: dict[tuple[tuple[float, ...] | None, float], Replayer] = {}

    @classmethod
    def from_settings(cls, settings: Settings, *, fuzz: bool = True,
                      fitted: Mapping[str | None, Sequence[float]] | None = None) -> Scheduler:
        """The scheduler for these settings: each deck's retention, and the fitted parameters
        (`fitted[None]` for all decks, `fitted[deck]` for one)."""
        return cls.with_fitted(fitted, desired_retention=settings.desired_retention, fuzz=fuzz,
                               deck_retention={d: settings.retention_for(d)
                                               for d in settings.decks})

    @classmethod
    def with_fitted(cls, fitted: Mapping[str | None, Sequence[float]] | None, *,
                    desired_retention: float = 0.9, fuzz: bool = True,
                    deck_retention: Mapping[str, float] | None = None) -> Scheduler:
        """A scheduler using the stored fits (`fitted[None]` for all decks, `fitted[deck]`
        for one, as `Store.fitted_parameters` gives them)."""
        fitted = fitted or {}
        return cls(desired_retention=desired_retention, fuzz=fuzz, deck_retention=deck_retention,
                   parameters=fitted.get(None),
                   deck_parameters={d: p for d, p in fitted.items() if d is not None})

    @classmethod
    def for_store(cls, settings: Settings, store: Store, *, fuzz: bool = True) -> Scheduler:
        """The scheduler for these settings with the parameters fitted to this learner
        (`trainer optimize --apply`), if any."""
        return cls.from_settings(settings, fuzz=fuzz, fitted=store.fitted_parameters())

    def use_fitted(self, fitted: Mapping[str | None, Sequence[float]]) -> None:
        """Schedule with these fits from now on (a sync brought another device's): in place,
        so the session, its undo and its merges, which share this scheduler, all follow."""
        self.parameters = tuple(fitted[None]) if fitted.get(None) else None
        self.deck_parameters = {d: tuple(p) for d, p in fitted.items() if d is not None}

    def retention_for(self, deck: str) -> float:
        return self.deck_retention.get(deck, self.desired_retention)

    def parameters_for(self, deck: str) -> tuple[float, ...] | None:
        """The deck's fitted parameters, or the collection's; None: fsrs's defaults."""
        return self.deck_parameters.get(deck, self.parameters)

    def decay_for(self, deck: str) -> float:
        """The decay of the forgetting curve the deck's cards follow (its parameters')."""
        return decay_of(self.parameters_for(deck))

    def _engine(self, deck: str, *, fuzz: bool | None = None) -> fsrs.Scheduler:
        import fsrs  # kept off the start-up path: the first card needs no scheduler

        fuzz = self.fuzz if fuzz is None else fuzz
        key = (self.retention_for(deck), self.parameters_for(deck), fuzz)
        engine = self._engines.get(key)
        if engine is None:
            if key[1] is None:
                engine = fsrs.Scheduler(desired_retention=key[0], enable_fuzzing=fuzz)
            else:
                engine = fsrs.Scheduler(parameters=key[1], desired_retention=key[0],
                                        enable_fuzzing=fuzz)
            self._engines[key] = engine
        return engine

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

    def replayer(self, deck: str) -> Replayer:
        """The replay of this deck's journal events: live reviews go through it, so replaying
        them gives the same states."""
        from trainer.scheduling.replay import Replayer

        key = (self.parameters_for(deck), self.retention_for(deck))
        replayer = self._replayers.get(key)
        if replayer is None:
            replayer = Replayer(parameters=key[0], desired_retention=key[1], fuzz=self.fuzz)
            self._replayers[key] = replayer
        return replayer

    def review(
        self, *, key: str, deck: str, state: CardState | None, rating: int, now: float,
        content_hash: str = "", seed: str | None = None,
    ) -> CardState:
        """The state after rating the card at `now` (UTC seconds).

        `seed` is the id of the review's journal event: it draws the fuzz, so replaying
        that event gives this very state (without one the fuzz is random).
        """
        return self.replayer(deck).review(state, key=key, deck=deck, rating=rating, at=now,
                                     seed=seed, content_hash=content_hash)

    def intervals(self, *, key: str, state: CardState | None, now: float) -> dict[Rating, float]:
        """Seconds until the card is due again after each rating at `now`, unfuzzed.

        What the rating keys show; with fuzz off it is exactly what `review` gives.
        """
        import fsrs

        card = self._to_fsrs(key, state, now)
        exact = self._engine(key.split("/", 1)[0], fuzz=False)  # before the random spread
        out: dict[Rating, float] = {}
        for rating in Rating:
            new, _ = exact.review_card(card, fsrs.Rating(int(rating)), review_datetime=_dt(now))
            out[rating] = max(0.0, new.due.timestamp() - now)
        return out

    def retrievability(self, state: CardState, now: float) -> float:
        if state.state == NEW or state.stability is None:
            return 0.0
        engine = self._engine(state.deck)
        return float(engine.get_card_retrievability(self._to_fsrs(state.key, state, now),
                                                    _dt(now)))
