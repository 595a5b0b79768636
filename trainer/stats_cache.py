"""The statistics kept between looks and between sessions, brought up to date from the store's log of changed cards."""

from __future__ import annotations

import hashlib
import heapq
import marshal
import threading
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby
from operator import attrgetter

from trainer.decks.model import Card
from trainer.review import LEECH_LAPSES
from trainer.store import Store

_KEPT = 2  # card sets kept per store (all cards, and one other such as a filter)
# A card set this large keeps its figures in the store between sessions, so a session's
# first look reads only the cards changed since (a small one is read whole in a few ms)
KEEP_FROM = 5_000
# changes read since the figures were last kept before they are kept again (each keeping
# writes them whole: a few MB for 100k cards)
KEEP_AFTER = 2_000
# weak cards kept in rank order: when the learner has mended all but a few of them, every
# studied card is ranked again
CANDIDATES = 256
# the kept figures' layout (and the leech rule their ranks use): part of their fingerprint
_LAYOUT = f"figures 1, leech {LEECH_LAPSES}"

Record = tuple[int, int, int, int]  # lapses, reps, reviews in the review state, recalled
# a weak card's rank (not a leech, retention, fewest lapses, key), then its record: ranks
# are unique by key, so the record never takes part in the order
Rank = tuple[bool, float, int, str, int, int, int, int]

_DECK, _ID, _TAGS = attrgetter("deck"), attrgetter("id"), attrgetter("tags")


def weakness(retention: float | None, lapses: int, name: str) -> tuple[float, int, str]:
    # lowest retention first, then most lapses; no review-state review yet ranks as 100 %
    return (1.0 if retention is None else retention, -lapses, name)


def card_rank(key: str, reviewed: int, recalled: int,
              lapses: int) -> tuple[bool, float, int, str]:
    """Leeches first, then the lowest retention, then the most lapses."""
    return (lapses < LEECH_LAPSES,
            *weakness(recalled / reviewed if reviewed else None, lapses, key))


def _weak_rank(key: str, record: Record) -> Rank | None:
    """A card's rank among the weak cards, or None when it was never forgotten."""
    lapses, reps, reviewed, recalled = record
    if lapses or recalled < reviewed:
        return (*card_rank(key, reviewed, recalled, lapses), *record)
    return None


class Loaded:
    """The loaded cards by deck: their ids and tags, indexed only as far as a look needs.

    The lists are taken with C-level maps (no Python call per card); the sets and
    dictionaries of a deck are made when first asked for.
    """

    def __init__(self, cards: Sequence[Card]) -> None:
        self.cards = cards if isinstance(cards, list) else list(cards)
        ids: dict[str, list[str]] = {}
        tags: dict[str, list[tuple[str, ...]]] = {}
        for deck, run in groupby(self.cards, _DECK):
            part = list(run)
            if deck in ids:  # the deck's cards come in more than one run
                ids[deck] += map(_ID, part)
                tags[deck] += map(_TAGS, part)
            else:
                ids[deck] = list(map(_ID, part))
                tags[deck] = list(map(_TAGS, part))
        self.decks = list(ids)  # in order of first appearance
        self._ids, self._tags = ids, tags
        self._members: dict[str, set[str]] = {}
        self._tags_by_id: dict[str, dict[str, tuple[str, ...]]] = {}
        self._count: dict[str, int] | None = None
        self._fingerprint: str | None = None

    def same(self, cards: Sequence[Card]) -> bool:
        """The same cards (equal lists of the same objects compare by identity, without
        looking into a card)."""
        return (cards if isinstance(cards, list) else list(cards)) == self.cards

    def members(self, deck: str) -> set[str]:
        """The ids of a deck's loaded cards."""
        found = self._members.get(deck)
        if found is None:
            found = self._members[deck] = set(self._ids.get(deck, ()))
        return found

    @property
    def count(self) -> dict[str, int]:
        """Cards per deck; a card listed twice counts once."""
        if self._count is None:
            self._count = {deck: len(self.members(deck)) for deck in self.decks}
        return self._count

    def has(self, key: str) -> bool:
        deck, _, card = key.partition("/")
        return deck in self._ids and card in self.members(deck)

    def tags_by_id(self, deck: str) -> dict[str, tuple[str, ...]]:
        found = self._tags_by_id.get(deck)
        if found is None:  # of a card listed twice, the first listing's tags
            found = self._tags_by_id[deck] = dict(zip(reversed(self._ids.get(deck, [])),
                                                      reversed(self._tags.get(deck, [])),
                                                      strict=True))
        return found

    def tags_of(self, key: str) -> tuple[str, ...]:
        deck, _, card = key.partition("/")
        return self.tags_by_id(deck)[card]

    def keys_of(self, deck: str) -> Iterable[str]:
        return map((deck + "/").__add__, self.members(deck))

    @property
    def fingerprint(self) -> str:
        """What the figures kept in the store must have been made of: every deck, card id
        and tag, in order."""
        if self._fingerprint is None:
            digest = hashlib.sha1(_LAYOUT.encode())
            for deck in self.decks:
                digest.update(f"\0\0{deck}\0\0".encode("utf-8", "surrogatepass"))
                digest.update("\0".join(self._ids[deck]).encode("utf-8", "surrogatepass"))
                digest.update(b"\0\0")
                digest.update("\0".join(map("\1".join, self._tags[deck])).encode(
                    "utf-8", "surrogatepass"))
            self._fingerprint = digest.hexdigest()
        return self._fingerprint


class _Keys:
    """A set of keys held as one sorted list (the form the store keeps it in, split only
    when first asked), with the changes since on top."""

    def __init__(self, *, joined: bytes = b"", keys: list[str] | None = None) -> None:
        self._joined = joined
        self._sorted = keys
        self._changed: dict[str, bool] = {}

    def _base(self) -> list[str]:
        if self._sorted is None:
            self._sorted = self._joined.decode("utf-8", "surrogatepass").split("\n") \
                if self._joined else []
            self._joined = b""
        return self._sorted

    def __contains__(self, key: str) -> bool:
        changed = self._changed.get(key)
        if changed is not None:
            return changed
        base = self._base()
        i = bisect_left(base, key)
        return i < len(base) and base[i] == key

    def add(self, key: str) -> None:
        self._changed[key] = True

    def discard(self, key: str) -> None:
        self._changed[key] = False

    def dump(self) -> bytes:
        """All the keys, sorted, one a line."""
        if self._sorted is None and not self._changed:
            return self._joined
        keys = set(self._base())
        keys.difference_update(k for k, there in self._changed.items() if not there)
        keys.update(k for k, there in self._changed.items() if there)
        return "\n".join(sorted(keys)).encode("utf-8", "surrogatepass")


class _Records:
    """Each loaded, studied, unsuspended card's record: sorted keys and an array of four
    numbers each (the form the store keeps them in), with the changes since on top."""

    def __init__(self, keys: _Keys, values: array[int]) -> None:
        self._keys = keys
        self._values = values
        self._changed: dict[str, Record | None] = {}

    @classmethod
    def loads(cls, joined: bytes, values: bytes) -> _Records:
        found = array("q")
        found.frombytes(values)
        return cls(_Keys(joined=joined), found)

    def get(self, key: str) -> Record | None:
        if key in self._changed:
            return self._changed[key]
        base = self._keys._base()
        i = bisect_left(base, key)
        if i < len(base) and base[i] == key:
            v = self._values
            return (v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3])
        return None

    def put(self, key: str, record: Record | None) -> None:
        self._changed[key] = record

    def items(self) -> Iterator[tuple[str, Record]]:
        v = self._values
        for i, key in enumerate(self._keys._base()):
            if key not in self._changed:
                yield key, (v[4 * i], v[4 * i + 1], v[4 * i + 2], v[4 * i + 3])
        for key, record in self._changed.items():
            if record is not None:
                yield key, record

    def dump(self) -> tuple[bytes, bytes]:
        if not self._changed:
            return self._keys.dump(), self._values.tobytes()
        merged = sorted(self.items())
        values = array("q")
        for _key, record in merged:
            values.extend(record)
        return "\n".join(k for k, _ in merged).encode("utf-8", "surrogatepass"), \
            values.tobytes()


class FigureCache:
    """One card set's figures that change only when cards are studied, kept up to date.

    `stored` holds the keys of the store's cards of the loaded decks, and `orphans` those of
    them no loaded deck lists (a card removed from its deck keeps its state). With
    `records`, it also holds each loaded, studied, unsuspended card's record, the sums per
    tag and the weakest cards in rank order. Each look reads only the cards changed since
    the last one (the store's change log); everything again when the log no longer
    reaches back that far. A large card set's figures are kept in the store too, so the
    next session starts from them.
    """

    def __init__(self, loaded: Loaded) -> None:
        self.loaded = loaded
        self.lock = threading.Lock()
        self.mark = -1  # nothing read yet
        self.kept_mark = -1  # the change the figures kept in the store are as of (-1: none)
        self.kept_records = False
        self.stored = _Keys()
        self.stored_count: dict[str, int] = {}
        self.orphans: set[str] = set()
        self.records: _Records | None = None
        self.tag_sums: dict[str, list[int]] = {}
        # every studied card ranking below `bound` (all weak cards while it is None)
        self.weak: dict[str, Rank] = {}
        self.bound: Rank | None = None
        # the change the kept keys and records not read yet are as of (-1: none waiting)
        self._pending = -1
        self._pending_records = False

    def orphans_of(self, deck: str) -> list[str]:
        prefix = deck + "/"
        return [k for k in self.orphans if k.startswith(prefix)]

    # --- reading the store ------------------------------------------------------------

    def refresh(self, store: Store, *, records: bool, weakest: int = 0) -> None:
        """Bring the figures up to date with the store (inside the caller's snapshot), with
        at least the `weakest` weak cards in rank order."""
        keep = len(self.loaded.cards) >= KEEP_FROM and store.keeps_figures
        if self.mark < 0 and keep:
            self._restore(store)
        changed: set[str] | None = None
        if self.mark >= 0 and (self.with_records or not records):
            mark, changed = store.changed_since(self.mark)
            if changed and self._pending >= 0 and not self._load_parts(store):
                changed = None
        else:
            mark = store.change_mark()
        if changed is None:
            self._read_all(store, with_records=records)
        elif changed:
            self._apply(store, changed)
        if records and self.bound is not None and len(self.weak) < max(weakest, 1):
            self._rank_again(store, max(CANDIDATES, weakest))
        self.mark = mark
        if keep and (self.kept_mark < 0 or mark - self.kept_mark >= KEEP_AFTER
                     or (self.with_records and not self.kept_records)):
            self._keep(store)

    @property
    def with_records(self) -> bool:
        return self.records is not None or self._pending_records

    def _restore(self, store: Store) -> None:
        """Start from the figures the store keeps of these very cards, if it does: the
        counts and sums now, each card's key and record only once a change needs them."""
        kept = store.kept_figures(self.loaded.fingerprint)
        if kept is None:
            return
        mark, data = kept
        try:
            count, stored_count, orphans, sums = marshal.loads(data)
            if sums is not None:
                tag_sums, weak, bound = sums
        except (EOFError, ValueError, TypeError):  # not as this code writes them
            return
        if sums is not None:
            self.tag_sums, self.bound = tag_sums, bound
            self.weak = {rank[3]: rank for rank in weak}
        self.loaded._count = count
        self.stored_count, self.orphans = stored_count, set(orphans)
        self.mark = self.kept_mark = self._pending = mark
        self.kept_records = self._pending_records = sums is not None

    def _load_parts(self, store: Store) -> bool:
        """Read the kept keys and records (False: the store keeps others by now)."""
        parts = store.kept_parts(self.loaded.fingerprint, self._pending)
        with_records, self._pending, self._pending_records = self._pending_records, -1, False
        try:
            stored, records = marshal.loads(parts) if parts is not None else (b"", None)
            if parts is None or with_records != (records is not None):
                return False
            self.stored = _Keys(joined=stored)
            self.records = None if records is None else _Records.loads(*records)
        except (EOFError, ValueError, TypeError):  # not as this code writes them
            return False
        return True

    def _keep(self, store: Store) -> None:
        if self._pending >= 0 and not self._load_parts(store):
            return
        sums = None if self.records is None else (
            self.tag_sums, list(self.weak.values()), self.bound)
        data = marshal.dumps((self.loaded.count, self.stored_count, sorted(self.orphans),
                              sums))
        parts = marshal.dumps((self.stored.dump(),
                               None if self.records is None else self.records.dump()))
        # kept or not (another writer may hold the store): tried again after more changes
        store.keep_figures(self.loaded.fingerprint, self.mark, data, parts)
        self.kept_mark, self.kept_records = self.mark, self.records is not None

    def _read_all(self, store: Store, *, with_records: bool) -> None:
        loaded = self.loaded
        decks = loaded.decks
        keys: list[str] = []
        self.stored_count, self.orphans = {}, set()
        for deck in decks:
            found = store.stored_keys([deck])
            keys += found
            self.stored_count[deck] = len(found)
            self.orphans |= set(found).difference(loaded.keys_of(deck))
        keys.sort()
        self.stored = _Keys(keys=keys)
        if not with_records:
            self.records = None
            return
        # one pass with plain tuples (100k cards): sums per set of tags, spread over the
        # tags at the end (cards share a few sets of tags)
        record_keys: list[str] = []
        values: list[int] = []
        by_tags: dict[tuple[str, ...], list[int]] = {}
        ranks: list[Rank] = []
        shown: str | None = None
        by_id: dict[str, tuple[str, ...]] = {}
        rows = store.card_records(decks) if decks else []
        rows.sort()
        for key, lapses, reps, reviewed, recalled in rows:
            deck, _, card = key.partition("/")
            if deck != shown:
                shown, by_id = deck, loaded.tags_by_id(deck)
            tags = by_id.get(card)
            if tags is None:  # no loaded deck lists it
                continue
            record_keys.append(key)
            values += (lapses, reps, reviewed, recalled)
            sums = by_tags.get(tags)
            if sums is None:
                sums = by_tags[tags] = [0, 0, 0, 0, 0]
            sums[0] += 1
            sums[1] += reviewed
            sums[2] += recalled
            sums[3] += lapses
            if lapses:
                sums[4] += lapses >= LEECH_LAPSES
                ranks.append((lapses < LEECH_LAPSES, recalled / reviewed if reviewed else 1.0,
                              -lapses, key, lapses, reps, reviewed, recalled))
            elif recalled < reviewed:
                ranks.append((True, recalled / reviewed, 0, key, lapses, reps, reviewed,
                              recalled))
        self.records = _Records(_Keys(keys=record_keys), array("q", values))
        self._candidates(ranks, CANDIDATES)
        self.tag_sums = {}
        for tags, sums in by_tags.items():
            for tag in tags:
                total = self.tag_sums.setdefault(tag, [0, 0, 0, 0, 0])
                for i, n in enumerate(sums):
                    total[i] += n

    def _candidates(self, ranks: Iterable[Rank], count: int) -> None:
        """Keep the `count` weakest cards of these ranks, and the rank below which all are
        kept."""
        first = heapq.nsmallest(count + 1, ranks)
        self.bound = first.pop() if len(first) > count else None
        self.weak = {rank[3]: rank for rank in first}

    def _apply(self, store: Store, changed: set[str]) -> None:
        decks = set(self.loaded.decks)
        keys = sorted(k for k in changed if k.split("/", 1)[0] in decks)
        rows = store.card_rows(keys)
        loaded = self.loaded
        for key in keys:
            deck = key.split("/", 1)[0]
            if key in rows and key not in self.stored:
                self.stored.add(key)
                self.stored_count[deck] = self.stored_count.get(deck, 0) + 1
                if not loaded.has(key):
                    self.orphans.add(key)
            elif key not in rows and key in self.stored:
                self.stored.discard(key)
                self.stored_count[deck] -= 1
                self.orphans.discard(key)
            if self.records is not None and loaded.has(key):
                self._remove(key)
                record = rows.get(key)
                if record is not None:
                    self._add(key, record)

    # --- the records ----------------------------------------------------------------

    def _add(self, key: str, record: Record) -> None:
        assert self.records is not None
        self.records.put(key, record)
        lapses, _reps, reviewed, recalled = record
        leech = lapses >= LEECH_LAPSES
        for tag in self.loaded.tags_of(key):
            sums = self.tag_sums.get(tag)
            if sums is None:
                sums = self.tag_sums[tag] = [0, 0, 0, 0, 0]
            sums[0] += 1
            sums[1] += reviewed
            sums[2] += recalled
            sums[3] += lapses
            sums[4] += leech
        rank = _weak_rank(key, record)
        if rank is not None and (self.bound is None or rank < self.bound):
            self.weak[key] = rank

    def _remove(self, key: str) -> None:
        assert self.records is not None
        record = self.records.get(key)
        if record is None:
            return
        self.records.put(key, None)
        lapses, _reps, reviewed, recalled = record
        for tag in self.loaded.tags_of(key):
            sums = self.tag_sums[tag]
            sums[0] -= 1
            sums[1] -= reviewed
            sums[2] -= recalled
            sums[3] -= lapses
            sums[4] -= lapses >= LEECH_LAPSES
            if not sums[0]:
                del self.tag_sums[tag]
        self.weak.pop(key, None)

    def _rank_again(self, store: Store, count: int) -> None:
        """Most of the weak cards kept in order were mended: rank every studied card."""
        if self._pending >= 0 and not self._load_parts(store):
            self._read_all(store, with_records=True)
            return
        assert self.records is not None
        ranks = (_weak_rank(key, record) for key, record in self.records.items())
        self._candidates((rank for rank in ranks if rank is not None), count)

    def weakest(self, limit: int) -> list[Rank]:
        """The ranks (with the records) of the `limit` weakest cards, weakest first (as
        many as the last refresh asked for)."""
        return heapq.nsmallest(limit, self.weak.values())


def _caches(store: Store) -> list[FigureCache]:
    return store.shared.setdefault("figures", [])  # type: ignore[no-any-return]


@contextmanager
def figures_of(store: Store, cards: Sequence[Card], *, records: bool = False,
               weakest: int = 0) -> Iterator[FigureCache]:
    """The cache of these cards' figures, up to date, while the store reads in one snapshot
    (queries made meanwhile agree with it), with `records` the `weakest` weak cards
    ranked. One look at a time per card set."""
    caches = _caches(store)
    with store.shared_lock:
        cache = next((c for c in caches if c.loaded.same(cards)), None)
        if cache is None:
            cache = FigureCache(Loaded(cards))
            caches.insert(0, cache)
            del caches[_KEPT:]
    with cache.lock, store.snapshot():
        cache.refresh(store, records=records, weakest=weakest)
        yield cache
