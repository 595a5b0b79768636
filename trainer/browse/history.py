"""One card's review history as the browser shows it, and its retrievability over time."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.browse.query import DAY, retrievability
from trainer.review import Rating, Verdict
from trainer.scheduling.fsrs_scheduler import DEFAULT_DECAY
from trainer.store import Review, Store


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One review: when, the rating, the typed answer and verdict, time taken, the interval given."""

    reviewed_at: float
    rating: Rating
    answer: str | None
    verdict: Verdict | None
    duration_ms: int | None
    interval_s: float  # from this review until the card was due again

    @classmethod
    def of(cls, review: Review) -> HistoryRow:
        return cls(review.reviewed_at, review.rating, review.answer, review.verdict,
                   review.duration_ms, max(0.0, review.after.due - review.reviewed_at))


def card_history(store: Store, key: str) -> list[HistoryRow]:
    """Every review of the card, newest first (kept through forget and reschedule)."""
    return [HistoryRow.of(r) for r in reversed(store.reviews(key))]


def retrievability_curve(reviews: list[Review], now: float, *, points: int = 60,
                         decay: float = DEFAULT_DECAY) -> list[tuple[float, float]]:
    """(days since the first review, retrievability) from the first review until now, on
    the forgetting curve of the deck's parameters (`decay`, Scheduler.decay_for).

    Between reviews the curve follows the state the last review left; it jumps back
    up at each review. Learning steps shorter than a day count as a fresh start.
    """
    reviews = [r for r in reviews if r.after.stability]
    if not reviews:
        return []
    start = reviews[0].reviewed_at
    end = max(now, reviews[-1].reviewed_at + DAY)
    out: list[tuple[float, float]] = []
    i = 0
    for n in range(points + 1):
        t = start + (end - start) * n / points
        while i + 1 < len(reviews) and reviews[i + 1].reviewed_at <= t:
            i += 1
        r = retrievability(reviews[i].after, t, decay)
        if r is not None:
            out.append(((t - start) / DAY, r))
    return out
