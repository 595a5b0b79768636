"""The readiness forecast: predicted recall on the interview morning, from FSRS retrievability."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from trainer.decks.model import Card
from trainer.store import CardState, Review


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

    def weakest(self, n: int = 2, subject: Callable[[str], bool] = lambda tag: True
                ) -> list[Group]:
        """The tags with the lowest predicted recall (only tags with two cards or more, and
        only those `subject` accepts: a label such as syl-19 is not a weak spot)."""
        return sorted((g for g in self.tags if g.cards >= 2 and subject(g.name)),
                      key=lambda g: (g.recall, g.name))[:n]

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


@dataclass(frozen=True, slots=True)
class DayReadiness:
    """The forecast as it stood at the end of one study day: what the log knew then."""

    day: date
    recall: float  # predicted overall recall on the interview morning
    reviews: int  # reviews made that day


def history(
    cards: Iterable[Card],
    reviews: Iterable[Review],
    retrievability: Callable[[CardState, float], float],
    at: float,
    study_day: Callable[[float], date],
    suspended: Iterable[str] = (),
) -> list[DayReadiness]:
    """For each past study day (a day with a review, before `at`), the overall readiness
    forecast for the interview morning `at` computed from the review log up to that day's
    end: each card's state after its last review by then (FSRS's memory state is what the
    log recorded; a capped due date does not change it).

    `study_day(t)` names the study day of a moment; `suspended` cards are left out, as in
    today's forecast, so the last point is today's line on the home screen.
    """
    scope = [c for c in cards if c.key not in set(suspended)]
    keys = {c.key for c in scope}
    states: dict[str, CardState | None] = {}
    counts: dict[date, int] = {}
    points: list[DayReadiness] = []
    current: date | None = None

    def close(day: date) -> None:
        points.append(DayReadiness(day, forecast(scope, states, retrievability, at).overall.recall,
                                   counts[day]))

    for review in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
        if review.reviewed_at >= at:
            break
        day = study_day(review.reviewed_at)
        if current is not None and day != current:
            close(current)
        current = day
        counts[day] = counts.get(day, 0) + 1
        if review.card_key in keys:
            # the log's state, not its flags: suspension is judged as it is today
            states[review.card_key] = replace(review.after, suspended=False)
    if current is not None:
        close(current)
    return points
