"""The readiness forecast: predicted recall on the interview morning, from FSRS retrievability."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from trainer.decks.model import Card
from trainer.store import CardState


@dataclass(frozen=True, slots=True)
class Group:
    """Predicted recall of a deck, a tag or the whole scope: the mean over its cards."""

    name: str
    recall: float
    cards: int
    unseen: int


@dataclass(frozen=True, slots=True)
class Readiness:
    """Predicted recall at `at`, overall and per deck and tag; new cards count as 0."""

    at: float
    overall: Group
    decks: list[Group] = field(default_factory=list)
    tags: list[Group] = field(default_factory=list)

    def weakest(self, n: int = 2) -> list[Group]:
        """The tags with the lowest predicted recall (only tags with two cards or more)."""
        return sorted((g for g in self.tags if g.cards >= 2), key=lambda g: (g.recall, g.name))[:n]

    def to_dict(self) -> dict[str, object]:
        def group(g: Group) -> dict[str, object]:
            return {"name": g.name, "recall": round(g.recall, 4), "cards": g.cards,
                    "unseen": g.unseen}

        return {"at": self.at, "overall": group(self.overall),
                "decks": [group(g) for g in self.decks], "tags": [group(g) for g in self.tags]}


def _summarise(name: str, values: list[float], unseen: int) -> Group:
    return Group(name, sum(values) / len(values) if values else 0.0, len(values), unseen)


def forecast(
    cards: Iterable[Card],
    states: Mapping[str, CardState | None],
    retrievability: Callable[[CardState, float], float],
    at: float,
) -> Readiness:
    """Predicted recall of each card at time `at`, averaged per deck, per tag and overall.

    A card never reviewed counts as 0: nothing predicts that it will be recalled. A
    suspended card is left out: the learner took it out of the scope.
    """
    overall: list[float] = []
    unseen_total = 0
    by_deck: dict[str, list[float]] = defaultdict(list)
    by_tag: dict[str, list[float]] = defaultdict(list)
    unseen_deck: dict[str, int] = defaultdict(int)
    unseen_tag: dict[str, int] = defaultdict(int)
    for card in cards:
        state = states.get(card.key)
        if state is not None and state.suspended:
            continue
        seen = state is not None and state.last_review is not None and state.stability
        recall = retrievability(state, at) if seen and state is not None else 0.0
        overall.append(recall)
        by_deck[card.deck].append(recall)
        for tag in card.tags:
            by_tag[tag].append(recall)
        if not seen:
            unseen_total += 1
            unseen_deck[card.deck] += 1
            for tag in card.tags:
                unseen_tag[tag] += 1
    return Readiness(
        at=at,
        overall=_summarise("all", overall, unseen_total),
        decks=[_summarise(d, v, unseen_deck[d]) for d, v in sorted(by_deck.items())],
        tags=[_summarise(t, v, unseen_tag[t]) for t, v in sorted(by_tag.items())],
    )
