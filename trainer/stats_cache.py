"""The statistics kept between looks, brought up to date from the store's log of changed cards."""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from trainer.decks.model import Card
from trainer.review import LEECH_LAPSES
from trainer.store import Store

_KEPT = 2  # card sets kept per store (all cards, and one other such as a filter)


def weakness(retention: float | None, lapses: int, name: str) -> tuple[float, int, str]:
    # lowest retention first, then most lapses; no review-state review yet ranks as 100 %
    return (1.0 if retention is None else retention, -lapses, name)


def card_rank(key: str, reviewed: int, recalled: int,
              lapses: int) -> tuple[bool, float, int, str]:
    """Leeches first, then the lowest retention, then the most lapses."""
    return (lapses < LEECH_LAPSES,
            *weakness(recalled / reviewed if reviewed else None, lapses, key))


class Loaded:
    """The loaded cards, indexed once: their decks, keys, tags and counts per deck."""

    def __init__(self, cards: Sequence[Card]) -> None:
        self.cards = list(cards)
        self.tags: dict[str, tuple[str, ...]] = {}
        self.count: dict[str, int] = {}
        tags, count = self.tags, self.count
        for card in self.cards:
            key = f"{card.deck}/{card.id}"  # Card.key, without a property call per card
            if key not in tags:  # a card listed twice counts once
                tags[key] = card.tags
                count[card.deck] = count.get(card.deck, 0) + 1
        self.decks = list(count)  # in order of first appearance

    def same(self, cards: Sequence[Card]) -> bool:
        """The same cards (a list of them is made again for each look: equal lists of the
        same objects compare by identity, without looking into a card)."""
        return (cards if isinstance(cards, list) else list(cards)) == self.cards


class FigureCache:
    """One card set's figures that change only when cards are studied, kept up to date.

    `stored` holds the keys of the store's cards of the loaded decks, and `orphans` those of
    them no loaded deck lists (a card removed from its deck keeps its state). With
    `records`, it also holds each loaded, studied, unsuspended card's record, the sums per
    tag and the weak cards in rank order. Each look reads only the cards changed since
    the last one (the store's change log); everything again when the log no longer
    reaches back that far.
    """

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.lock = threading.Lock()
        self.mark = -1  # nothing read yet
        self.stored: set[str] = set()
        self.stored_count: dict[str, int] = {}
        self.orphans: set[str] = set()
        self.records: dict[str, tuple[int, int, int, int]] | None = None
        self.tag_sums: dict[str, list[int]] = {}
        self.rank: dict[str, tuple[bool, float, int, str]] = {}  # of each weak card

    def orphans_of(self, deck: str) -> list[str]:
        prefix = deck + "/"
        return [k for k in self.orphans if k.startswith(prefix)]

    # --- reading the store ------------------------------------------------------------

    def refresh(self, store: Store, *, records: bool) -> None:
        """Bring the figures up to date with the store (inside the caller's snapshot)."""
        changed: set[str] | None = None
        if self.mark >= 0 and (self.records is not None or not records):
            mark, changed = store.changed_since(self.mark)
        else:
            mark = store.change_mark()
        if changed is None:
            self._read_all(store, with_records=records)
        elif changed:
            self._apply(store, changed)
        self.mark = mark

    def _read_all(self, store: Store, *, with_records: bool) -> None:
        decks, loaded = self.loaded.decks, self.loaded.tags
        self.stored, self.stored_count = set(), {}
        for deck in decks:
            keys = store.stored_keys([deck])
            self.stored.update(keys)
            self.stored_count[deck] = len(keys)
        self.orphans = self.stored - loaded.keys()
        if not with_records:
            self.records = None
            return
        # one pass with plain tuples (100k cards): sums per set of tags, spread over the
        # tags at the end (cards share a few sets of tags)
        records: dict[str, tuple[int, int, int, int]] = {}
        by_tags: dict[tuple[str, ...], list[int]] = {}
        rank: dict[str, tuple[bool, float, int, str]] = {}
        for key, lapses, reps, reviewed, recalled in store.card_records(decks) if decks else []:
            tags = loaded.get(key)
            if tags is None:  # no loaded deck lists it
                continue
            records[key] = (lapses, reps, reviewed, recalled)
            sums = by_tags.get(tags)
            if sums is None:
                sums = by_tags[tags] = [0, 0, 0, 0, 0]
            sums[0] += 1
            sums[1] += reviewed
            sums[2] += recalled
            sums[3] += lapses
            if lapses:
                sums[4] += lapses >= LEECH_LAPSES
                rank[key] = (lapses < LEECH_LAPSES, recalled / reviewed if reviewed else 1.0,
                             -lapses, key)
            elif recalled < reviewed:
                rank[key] = (True, recalled / reviewed, 0, key)
        self.records, self.rank, self.tag_sums = records, rank, {}
        for tags, sums in by_tags.items():
            for tag in tags:
                total = self.tag_sums.setdefault(tag, [0, 0, 0, 0, 0])
                for i, n in enumerate(sums):
                    total[i] += n

    def _apply(self, store: Store, changed: set[str]) -> None:
        decks = set(self.loaded.decks)
        keys = sorted(k for k in changed if k.split("/", 1)[0] in decks)
        rows = store.card_rows(keys)
        loaded = self.loaded.tags
        for key in keys:
            deck = key.split("/", 1)[0]
            if key in rows and key not in self.stored:
                self.stored.add(key)
                self.stored_count[deck] = self.stored_count.get(deck, 0) + 1
                if key not in loaded:
                    self.orphans.add(key)
            elif key not in rows and key in self.stored:
                self.stored.discard(key)
                self.stored_count[deck] -= 1
                self.orphans.discard(key)
            if self.records is not None and key in loaded:
                self._remove(key)
                record = rows.get(key)
                if record is not None:
                    self._add(key, record)

    # --- the records ----------------------------------------------------------------

    def _add(self, key: str, record: tuple[int, int, int, int]) -> None:
        assert self.records is not None
        self.records[key] = record
        lapses, _reps, reviewed, recalled = record
        leech = lapses >= LEECH_LAPSES
        for tag in self.loaded.tags[key]:
            sums = self.tag_sums.get(tag)
            if sums is None:
                sums = self.tag_sums[tag] = [0, 0, 0, 0, 0]
            sums[0] += 1
            sums[1] += reviewed
            sums[2] += recalled
            sums[3] += lapses
            sums[4] += leech
        if lapses or recalled < reviewed:  # weak: forgotten once or lapsed
            self.rank[key] = card_rank(key, reviewed, recalled, lapses)

    def _remove(self, key: str) -> None:
        assert self.records is not None
        record = self.records.pop(key, None)
        if record is None:
            return
        lapses, _reps, reviewed, recalled = record
        for tag in self.loaded.tags[key]:
            sums = self.tag_sums[tag]
            sums[0] -= 1
            sums[1] -= reviewed
            sums[2] -= recalled
            sums[3] -= lapses
            sums[4] -= lapses >= LEECH_LAPSES
            if not sums[0]:
                del self.tag_sums[tag]
        self.rank.pop(key, None)

    def weakest(self, limit: int) -> list[tuple[bool, float, int, str]]:
        """The ranks of the `limit` weakest cards, weakest first."""
        return heapq.nsmallest(limit, self.rank.values())


def _caches(store: Store) -> list[FigureCache]:
    return store.shared.setdefault("figures", [])  # type: ignore[no-any-return]


@contextmanager
def figures_of(store: Store, cards: Sequence[Card], *,
               records: bool = False) -> Iterator[FigureCache]:
    """The cache of these cards' figures, up to date, while the store reads in one snapshot
    (queries made meanwhile agree with it). One look at a time per card set."""
    caches = _caches(store)
    with store.shared_lock:
        cache = next((c for c in caches if c.loaded.same(cards)), None)
        if cache is None:
            cache = FigureCache(Loaded(cards))
            caches.insert(0, cache)
            del caches[_KEPT:]
    with cache.lock, store.snapshot():
        cache.refresh(store, records=records)
        yield cache
