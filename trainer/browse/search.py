"""Search the loaded cards and their stored states: the rows the browser and `trainer cards` show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trainer.browse.query import Query, TextIndex, parse, recall
from trainer.decks.model import Card
from trainer.review import STATES, State
from trainer.scheduling.fsrs_scheduler import DEFAULT_DECAY, Scheduler
from trainer.store import CardState, Store
from trainer.store.db import buried_at, row_to_state

COLUMNS = ("id", "deck", "kind", "state", "due", "stability", "difficulty", "retrievability",
           "reviews", "lapses")

# a stored row's columns (the store's column list): read directly, a search matching
# 10k cards builds no CardState to sort or filter them
_STATE, _STABILITY, _DIFFICULTY, _DUE, _LAST, _REPS, _LAPSES, _SUSPENDED = 2, 4, 5, 6, 7, 8, 9, 11
_BURIED_UNTIL = 12
_NEW = int(State.NEW)
_LABELS = tuple(s.label for s in STATES)


class Match:
    """One card the query matched, with its stored row (None: never stored, new).

    A search may match tens of thousands of cards of which one screenful is shown: the
    stored row is turned into a CardState only when asked for; sorting and the table's
    cells read the row. `decay` is the forgetting curve of the card's deck.
    """

    __slots__ = ("card", "key", "row", "now", "decay", "_state")

    def __init__(self, card: Card, now: float, row: tuple[Any, ...] | None = None,
                 decay: float = DEFAULT_DECAY, key: str | None = None) -> None:
        self.card = card
        self.key = card.key if key is None else key
        self.row = row
        self.now = now
        self.decay = decay
        self._state: CardState | None = None

    @property
    def state(self) -> CardState | None:
        if self._state is None and self.row is not None:
            self._state = row_to_state(self.row)
        return self._state

    @property
    def retrievability(self) -> float | None:
        row = self.row
        if row is None or row[_STATE] == _NEW or not row[_STABILITY] or row[_LAST] is None:
            return None
        return recall(row[_STABILITY], row[_LAST], self.now, self.decay)

    @property
    def state_label(self) -> str:
        row = self.row
        if row is None:
            return "new"
        if row[_SUSPENDED]:
            return "suspended"
        if buried_at(row[_BURIED_UNTIL], self.now):  # as `is:buried` has it
            return "buried"
        label: str = _LABELS[row[_STATE]]
        return label

    @property
    def due(self) -> float | None:
        row = self.row
        return None if row is None or row[_STATE] == _NEW else float(row[_DUE])

    def sort_value(self, column: str) -> tuple[int, object]:
        """The value a column sorts by; missing values sort last."""
        value = _SORT_VALUES[column](self)
        return (value is None, value if value is not None else 0)

    def to_dict(self) -> dict[str, object]:
        row = self.row
        return {
            "key": self.key, "id": self.card.id, "deck": self.card.deck, "kind": self.card.kind,
            "state": self.state_label, "due": self.due,
            "stability": None if row is None else row[_STABILITY],
            "difficulty": None if row is None else row[_DIFFICULTY],
            "retrievability": self.retrievability,
            "reviews": 0 if row is None else row[_REPS],
            "lapses": 0 if row is None else row[_LAPSES],
            "buried_until": None if row is None else row[_BURIED_UNTIL],
        }


def _column(index: int, missing: object) -> Callable[[Match], Any]:
    return lambda m: missing if m.row is None else m.row[index]


_SORT_VALUES: dict[str, Callable[[Match], Any]] = {
    "id": lambda m: m.card.id,
    "deck": lambda m: m.card.deck,
    "kind": lambda m: m.card.kind,
    "state": lambda m: m.state_label,
    "due": lambda m: None if (r := m.row) is None or r[_STATE] == _NEW else r[_DUE],
    "stability": _column(_STABILITY, None),
    "difficulty": _column(_DIFFICULTY, None),
    "retrievability": lambda m: m.retrievability,
    "reviews": _column(_REPS, 0),
    "lapses": _column(_LAPSES, 0),
}


def search(index: TextIndex | Sequence[Card], store: Store, query: Query | str,
           now: float) -> list[Match]:
    """The cards matching the query, in deck-file order. Raises QueryError on a bad query.

    The store reads only the rows the query's state terms allow (SQL), the deck terms pick
    the cards to look at, and Python tests only what SQL did not settle. Retrievability
    follows each deck's fitted FSRS parameters, as the scheduler's do.
    """
    if not isinstance(index, TextIndex):
        index = TextIndex(index)
    if isinstance(query, str):
        query = parse(query)
    decks = query.decks(list(index.keyed))
    where, args = query.where()
    rows = store.state_rows_where(decks, where, args)
    scheduler = Scheduler.with_fitted(store.fitted_parameters())
    needs_row = query.needs_row()
    left = query.left_to_test()
    # the terms on the card alone first: a state is made only for the cards they let by
    on_card = [t for t in left if t.reads_card_only]
    on_state = [t for t in left if not t.reads_card_only]
    out: list[Match] = []
    append = out.append
    text = index.text
    for deck in decks:
        decay = scheduler.decay_for(deck)
        cards = index.keyed[deck]
        if not left:  # SQL settled every term: each card with a row matches
            get = rows.get
            if needs_row:
                out += [Match(c, now, row, decay, key) for key, c in cards
                        if (row := get(key)) is not None]
            else:
                out += [Match(c, now, get(key), decay, key) for key, c in cards]
            continue
        for key, card in cards:
            row = rows.get(key)
            if row is None and needs_row:
                continue
            if on_card and not all(t.matches(card, None, text[key], now) for t in on_card):
                continue
            if on_state:
                state = None if row is None else row_to_state(row)
                if not all(t.matches(card, state, text[key], now, decay) for t in on_state):
                    continue
            append(Match(card, now, row, decay, key))
    return out


def first_page(index: TextIndex, store: Store, query: Query | str, now: float, column: str,
               *, reverse: bool = False, size: int = 200) -> list[Match] | None:
    """The first rows (at most `size`) of `sort_matches(search(...), column)`, read from
    the store in due order: a few milliseconds where the whole search of 100k cards takes
    half a second, so the browser draws them first. None when they can not be read so:
    another column than due, or a query no row with a due date matches (the cards without
    one come last, and only the whole search knows them). Rows with the same due date may
    come in another order than the whole search's. Raises QueryError on a bad query."""
    if column != "due":
        return None
    if isinstance(query, str):
        query = parse(query)
    decks = query.decks(list(index.keyed))
    where, args = query.where()
    left = query.left_to_test()
    scheduler = Scheduler.with_fitted(store.fitted_parameters())
    card_of = index.card_of
    text = index.text if any(t.field == "text" for t in left) else {}
    limit = max(size, 100)
    while True:
        rows = store.state_rows_by_due(decks, where, args, reverse=reverse, limit=limit)
        out: list[Match] = []
        for row in rows:
            key = row[0]
            card = card_of.get(key)
            if card is None:  # a stored card no longer in the decks
                continue
            decay = scheduler.decay_for(card.deck)
            if left:
                state = row_to_state(row)
                if not all(t.matches(card, state, text.get(key, ""), now, decay)
                           for t in left):
                    continue
            out.append(Match(card, now, row, decay, key))
            if len(out) == size:
                return out
        if len(rows) < limit:  # every row with a due date read: these come first
            return out or None
        if limit >= max(16 * size, 3200):  # the terms SQL leaves match few: search all
            return None
        limit *= 4


def sort_matches(matches: list[Match], column: str, *, reverse: bool = False) -> list[Match]:
    """Sorted by a column of COLUMNS; cards without a value stay last either way."""
    values = list(map(_SORT_VALUES[column], matches))  # each key computed once
    present = [i for i, v in enumerate(values) if v is not None]
    present.sort(key=values.__getitem__, reverse=reverse)  # stable: ties keep their order
    return [matches[i] for i in present] + [m for m, v in zip(matches, values, strict=True)
                                            if v is None]
