"""Today's limits, global and per deck: how many new cards and reviews each deck may still get."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trainer.config import Settings
from trainer.record import Fielded
from trainer.scheduling.days import day_start
from trainer.store import CardState, Store


class Allowance(Fielded):
    """What is left of today's limits.

    A deck's own limit (its override in config.toml) is counted against that deck's cards
    studied today; the global limit against all of them. A deck never gets more than either,
    and all decks together never more than the global one.
    """

    __slots__ = ("new_left", "reviews_left", "deck_new_left", "deck_reviews_left")
    new_left: int
    reviews_left: int
    deck_new_left: dict[str, int]  # decks with their own limit
    deck_reviews_left: dict[str, int]

    def __init__(self, new_left: int, reviews_left: int,
                 deck_new_left: dict[str, int] | None = None,
                 deck_reviews_left: dict[str, int] | None = None) -> None:
        self.new_left = new_left
        self.reviews_left = reviews_left
        self.deck_new_left = {} if deck_new_left is None else deck_new_left
        self.deck_reviews_left = {} if deck_reviews_left is None else deck_reviews_left

    def new_for(self, deck: str) -> int:
        return min(self.new_left, self.deck_new_left.get(deck, self.new_left))

    def reviews_for(self, deck: str) -> int:
        return min(self.reviews_left, self.deck_reviews_left.get(deck, self.reviews_left))


def daily_allowance(store: Store, settings: Settings, now: float,
                    decks: Sequence[str] = ()) -> Allowance:
    """Today's allowance for these decks (their own limits; the global ones for all)."""
    start = day_start(now, settings.day_starts_at)
    new_done = store.first_reviews_since(start)
    reviews_done = store.reviews_since(start) - new_done
    allowance = Allowance(new_left=max(0, settings.new_per_day - new_done),
                          reviews_left=max(0, settings.reviews_per_day - reviews_done))
    own = [d for d in decks if settings.deck(d).new_per_day is not None
           or settings.deck(d).reviews_per_day is not None]
    if own:
        done = store.done_by_deck_since(start)
        for deck in own:
            reviews, introduced = done.get(deck, (0, 0))
            options = settings.deck(deck)
            if options.new_per_day is not None:
                allowance.deck_new_left[deck] = max(0, options.new_per_day - introduced)
            if options.reviews_per_day is not None:
                allowance.deck_reviews_left[deck] = max(
                    0, options.reviews_per_day - (reviews - introduced))
    return allowance


def share_new(available: dict[str, int], allowance: Allowance) -> dict[str, int]:
    """New cards each deck gets today when the queue takes one from each deck in turn.

    `available` holds the deck's new cards free to study, decks in the queue's order.
    Each deck stops at its own limit; all stop at the global one.
    """
    wants = {d: min(n, allowance.new_for(d)) for d, n in available.items()}
    got = dict.fromkeys(available, 0)
    left = allowance.new_left
    active = [d for d, n in wants.items() if n > 0]
    while left > 0 and active:
        still = []
        for deck in active:
            if left == 0:
                break
            got[deck] += 1
            left -= 1
            if got[deck] < wants[deck]:
                still.append(deck)
        active = still
    return got


def _priority(state: CardState, now: float) -> float:
    # the store's order for due reviews: most overdue for its stability first
    return (now - (state.last_review or 0)) / max(state.stability or 0, 1e-6)


def pick_reviews(store: Store, decks: Sequence[str], allowance: Allowance, now: float,
                 keep: Callable[[CardState], bool] = lambda s: True) -> list[CardState]:
    """The reviews a session shows today, lowest retrievability first, within the limits.

    `keep` drops states of cards no longer in their deck. Decks with their own review
    limit are read each on its own, so a full deck does not crowd the others out.
    """
    if allowance.reviews_left == 0 or not decks:
        return []
    capped = [d for d in decks if d in allowance.deck_reviews_left]
    free = [d for d in decks if d not in allowance.deck_reviews_left]
    # a little more than the cap: some keys may belong to cards since removed
    groups = [(free, allowance.reviews_left)] if free else []
    groups += [([d], allowance.reviews_for(d)) for d in capped]
    picked: list[CardState] = []
    for group, cap in groups:
        if cap <= 0:
            continue
        kept = [s for s in store.due_states(group, now, cap + 50) if keep(s)]
        picked += kept[:cap]
    if capped:
        picked.sort(key=lambda s: _priority(s, now), reverse=True)
    return picked[:allowance.reviews_left]
