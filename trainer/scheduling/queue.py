"""Queue policy: what to study now, in which order, within the daily limits."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import zip_longest

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.record import Fielded
from trainer.scheduling.allowance import daily_allowance, pick_reviews
from trainer.scheduling.days import day_start, next_day_start
from trainer.scheduling.fsrs_scheduler import NEW
from trainer.store import CardState, Store


def is_new(state: CardState | None) -> bool:
    return state is None or state.state == NEW


def _available(state: CardState | None, now: float) -> bool:
    if state is None:
        return True
    if state.suspended:
        return False
    return not state.buried(now)


class Queue(Fielded):
    """The cards of a session in order, with the counts behind it."""

    __slots__ = ("cards", "due", "new", "new_left_today", "reviews_left_today")
    cards: list[Card]
    due: int
    new: int
    new_left_today: int
    reviews_left_today: int

    def __init__(self, cards: list[Card] | None = None, due: int = 0, new: int = 0,
                 new_left_today: int = 0, reviews_left_today: int = 0) -> None:
        self.cards = [] if cards is None else cards
        self.due = due
        self.new = new
        self.new_left_today = new_left_today
        self.reviews_left_today = reviews_left_today


def in_scope(cards: Sequence[Card], decks: Sequence[str] | None = None,
             tag: str | None = None) -> list[Card]:
    """The cards of these decks (all when None) that carry this tag (any when None)."""
    return [c for c in cards if (decks is None or c.deck in decks)
            and (tag is None or tag in c.tags)]


def build_queue(
    cards: Sequence[Card],
    store: Store,
    settings: Settings,
    now: float,
    *,
    decks: Sequence[str] | None = None,
    tag: str | None = None,
) -> Queue:
    """Due reviews first (lowest retrievability first), then new cards.

    New cards come from each deck in turn, and in file order within a deck, so that a
    day's new cards mix the decks instead of exhausting the first one.

    New cards are capped by `new_per_day` less those introduced today, reviews by
    `reviews_per_day` less those done today; a deck with its own limits (config.toml's
    `[decks.ID]`) also stays within them. A card removed from its deck is skipped.
    """
    wanted = in_scope(cards, decks, tag)
    by_key = {c.key: c for c in wanted}
    deck_ids = list(dict.fromkeys(c.deck for c in wanted))
    allowance = daily_allowance(store, settings, now, deck_ids)
    queue = Queue(new_left_today=allowance.new_left, reviews_left_today=allowance.reviews_left)
    if not wanted:
        return queue
    for state in pick_reviews(store, deck_ids, allowance, now,
                              keep=lambda s: s.key in by_key and s.state != NEW):
        queue.cards.append(by_key[state.key])
        queue.due += 1
    states = store.states(deck_ids)
    fresh = [c for c in wanted if is_new(states.get(c.key)) and _available(states.get(c.key), now)]
    taken: dict[str, int] = {}
    # one new card of each deck in turn, each deck up to its own limit, all up to the global
    for card in interleave_decks(fresh):
        if queue.new >= allowance.new_left:
            break
        if taken.get(card.deck, 0) >= allowance.new_for(card.deck):
            continue
        taken[card.deck] = taken.get(card.deck, 0) + 1
        queue.cards.append(card)
        queue.new += 1
    return queue


def learning_horizon(now: float, settings: Settings) -> float:
    """Until when a (re)learning card not yet due belongs to today's study: the end of the
    study day, or the learn-ahead limit where that reaches past the day's rollover.

    As with Anki's learn-ahead limit, a step due a few minutes after `day_starts_at` is
    shown now, when nothing else is due, and counted as later today rather than tomorrow;
    a review card due after the rollover stays tomorrow's.
    """
    return max(next_day_start(now, settings.day_starts_at),
               now + settings.learn_ahead_minutes * 60)


def interleave_decks(cards: Sequence[Card]) -> list[Card]:
    """One card of each deck in turn (decks in order of first appearance), keeping each
    deck's own order."""
    per_deck: dict[str, list[Card]] = {}
    for card in cards:
        per_deck.setdefault(card.deck, []).append(card)
    rounds = zip_longest(*per_deck.values())
    return [card for group in rounds for card in group if card is not None]


def new_left_today(store: Store, settings: Settings, now: float,
                   done: int | None = None) -> int:
    """How many new cards may still be introduced today."""
    if done is None:
        done = store.first_reviews_since(day_start(now, settings.day_starts_at))
    return max(0, settings.new_per_day - done)


def study_ahead(
    cards: Sequence[Card], store: Store, now: float, *, limit: int = 50,
    decks: Sequence[str] | None = None, tag: str | None = None, new_limit: int | None = None,
) -> list[Card]:
    """For when nothing is due: the cards due soonest, then new ones.

    No limit on reviews; new cards only up to `new_limit` (today's allowance left), so
    that cramming does not introduce more new cards than a day should.
    """
    wanted = in_scope(cards, decks, tag)
    states = store.states(sorted({c.deck for c in wanted}))
    seen = [c for c in wanted if not is_new(states.get(c.key))
            and _available(states.get(c.key), now)]
    seen.sort(key=lambda c: states[c.key].due)
    fresh = [c for c in interleave_decks(wanted)
             if is_new(states.get(c.key)) and _available(states.get(c.key), now)]
    if new_limit is not None:
        fresh = fresh[:new_limit]
    return (seen + fresh)[:limit]


def next_due(cards: Sequence[Card], store: Store) -> float | None:
    """When the next stored card of these decks falls due (ignoring suspended ones)."""
    decks = sorted({c.deck for c in cards})
    keys = {c.key for c in cards}
    due = [s.due for s in store.states(decks).values()
           if s.key in keys and not s.suspended and s.state != NEW]
    return min(due) if due else None
