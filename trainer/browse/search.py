"""Search the loaded cards and their stored states: the rows the browser and `trainer cards` show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trainer.browse.query import Query, TextIndex, parse, retrievability
from trainer.decks.model import Card
from trainer.review import State
from trainer.store import CardState, Store

COLUMNS = ("id", "deck", "kind", "state", "due", "stability", "difficulty", "retrievability",
           "reviews", "lapses")


@dataclass(frozen=True, slots=True)
class Match:
    """One card the query matched, with its stored state (None: never stored, new)."""

    card: Card
    state: CardState | None
    retrievability: float | None

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
        s = self.state
        value: object = {
            "id": self.card.id,
            "deck": self.card.deck,
            "kind": self.card.kind,
            "state": self.state_label,
            "due": None if s is None or s.state == State.NEW else s.due,
            "stability": None if s is None else s.stability,
            "difficulty": None if s is None else s.difficulty,
            "retrievability": self.retrievability,
            "reviews": 0 if s is None else s.reps,
            "lapses": 0 if s is None else s.lapses,
        }[column]
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


def search(index: TextIndex | Sequence[Card], store: Store, query: Query | str,
           now: float) -> list[Match]:
    """The cards matching the query, in deck-file order. Raises QueryError on a bad query."""
    if not isinstance(index, TextIndex):
        index = TextIndex(index)
    if isinstance(query, str):
        query = parse(query)
    decks = sorted({c.deck for c in index.cards})
    where, args = query.where()
    states = store.states_where(decks, where, args)
    needs_row = query.needs_row()
    out: list[Match] = []
    text = index.text
    for card in index.cards:
        state = states.get(card.key)
        if state is None and needs_row:
            continue
        if query.matches(card, state, text[card.key], now):
            out.append(Match(card, state, retrievability(state, now)))
    return out


def sort_matches(matches: list[Match], column: str, *, reverse: bool = False) -> list[Match]:
    """Sorted by a column of COLUMNS; cards without a value stay last either way."""
    present = [m for m in matches if m.sort_value(column)[0] is False]
    missing = [m for m in matches if m.sort_value(column)[0] is True]
    present.sort(key=lambda m: m.sort_value(column)[1], reverse=reverse)  # type: ignore[arg-type,return-value]
    return present + missing
