"""Search the loaded cards and their stored states: the rows the browser and `trainer cards` show."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from trainer.browse.query import Query, TextIndex, parse, retrievability
from trainer.decks.model import Card
from trainer.review import State
from trainer.store import CardState, Store
from trainer.store.db import row_to_state

COLUMNS = ("id", "deck", "kind", "state", "due", "stability", "difficulty", "retrievability",
           "reviews", "lapses")


class Match:
    """One card the query matched, with its stored state (None: never stored, new).

    A search may match tens of thousands of cards of which one page is shown: the stored
    row is turned into a CardState, and the retrievability computed, only when asked for.
    """

    __slots__ = ("card", "_row", "_state", "_now", "_r")

    def __init__(self, card: Card, state: CardState | None = None, now: float = 0.0, *,
                 row: tuple[Any, ...] | None = None) -> None:
        self.card = card
        self._state = state
        self._row = row
        self._now = now
        self._r: tuple[float | None] | None = None

    @property
    def state(self) -> CardState | None:
        if self._state is None and self._row is not None:
            self._state = row_to_state(self._row)
        return self._state

    @property
    def retrievability(self) -> float | None:
        if self._r is None:
            self._r = (retrievability(self.state, self._now),)
        return self._r[0]

    @property
    def key(self) -> str:
        return self.card.key

    @property
    def state_label(self) -> str:
        if self.state is None:
            return "new"
        if self.state.suspended:
            return "suspended"
        return self.state.state.label

    def sort_value(self, column: str) -> tuple[int, object]:
        """The value a column sorts by; missing values sort last."""
        value = _SORT_VALUES[column](self)
        return (value is None, value if value is not None else 0)

    def to_dict(self) -> dict[str, object]:
        s = self.state
        return {
            "key": self.key, "id": self.card.id, "deck": self.card.deck, "kind": self.card.kind,
            "state": self.state_label,
            "due": None if s is None or s.state == State.NEW else s.due,
            "stability": None if s is None else s.stability,
            "difficulty": None if s is None else s.difficulty,
            "retrievability": self.retrievability,
            "reviews": 0 if s is None else s.reps, "lapses": 0 if s is None else s.lapses,
            "buried_until": None if s is None else s.buried_until,
        }


def _due(m: Match) -> float | None:
    row = m._row
    if row is not None and m._state is None:  # without building the state
        return None if row[2] == State.NEW else float(row[6])
    s = m.state
    return None if s is None or s.state == State.NEW else s.due


_SORT_VALUES: dict[str, Callable[[Match], Any]] = {
    "id": lambda m: m.card.id,
    "deck": lambda m: m.card.deck,
    "kind": lambda m: m.card.kind,
    "state": lambda m: m.state_label,
    "due": _due,
    "stability": lambda m: None if m.state is None else m.state.stability,
    "difficulty": lambda m: None if m.state is None else m.state.difficulty,
    "retrievability": lambda m: m.retrievability,
    "reviews": lambda m: 0 if m.state is None else m.state.reps,
    "lapses": lambda m: 0 if m.state is None else m.state.lapses,
}


def search(index: TextIndex | Sequence[Card], store: Store, query: Query | str,
           now: float) -> list[Match]:
    """The cards matching the query, in deck-file order. Raises QueryError on a bad query.

    The store reads only the rows the query's state terms allow (SQL), the deck terms pick
    the cards to look at, and Python tests only what SQL did not settle.
    """
    if not isinstance(index, TextIndex):
        index = TextIndex(index)
    if isinstance(query, str):
        query = parse(query)
    decks = query.decks(list(index.by_deck))
    where, args = query.where()
    rows = store.state_rows_where(decks, where, args)
    needs_row = query.needs_row()
    left = query.left_to_test()
    out: list[Match] = []
    text = index.text
    for deck in decks:
        for card in index.by_deck[deck]:
            row = rows.get(card.key)
            if row is None:
                if needs_row or not all(t.matches(card, None, text[card.key], now)
                                        for t in query.terms):
                    continue
            elif left:
                state = row_to_state(row)
                if not all(t.matches(card, state, text[card.key], now) for t in left):
                    continue
            out.append(Match(card, None, now, row=row))
    return out


def sort_matches(matches: list[Match], column: str, *, reverse: bool = False) -> list[Match]:
    """Sorted by a column of COLUMNS; cards without a value stay last either way."""
    get = _SORT_VALUES[column]
    keyed = [(get(m), m) for m in matches]
    present = [item for item in keyed if item[0] is not None]
    present.sort(key=itemgetter(0), reverse=reverse)
    return [m for _, m in present] + [m for value, m in keyed if value is None]
