"""FSRS fitted to the learner's own review log with fsrs-rs-python (the Rust optimizer Anki embeds)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import fsrs_rs_python as rs

# Below this many reviews a fit follows the noise, not the learner (Anki asks for a few
# hundred too): the defaults are kept.
MIN_REVIEWS = 400

# a fit must lower the log loss by more than rounding to count as better (a refit on the
# same reviews finds the same parameters and must not be applied again)
BETTER_BY = 1e-6

# One review-log row: card key, UTC seconds, rating 1-4, and whether it was the card's first
# review (or its first since it was forgotten): a history starts there.
ReviewRow = tuple[str, float, int, bool]


@dataclass(frozen=True, slots=True)
class Evaluation:
    """How well parameters predict recall on a set of reviews (lower is better)."""

    log_loss: float
    rmse_bins: float

    def to_dict(self) -> dict[str, float]:
        return {"log_loss": self.log_loss, "rmse_bins": self.rmse_bins}


@dataclass(slots=True)
class FitReport:
    """What `trainer optimize` found: the fit, and both parameter sets judged on the same reviews."""

    deck: str | None  # None: all decks
    reviews: int  # reviews of the scope in the log
    predictions: int  # reviews predicted from a history before them (what is scored)
    default: Evaluation | None = None
    fitted: Evaluation | None = None
    current: Evaluation | None = None  # the parameters in use, when a fit is already applied
    parameters: list[float] | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.reviews >= MIN_REVIEWS

    @property
    def better(self) -> bool:
        """True when the fit predicts these reviews better (log loss) than the defaults and
        than the parameters in use."""
        if self.fitted is None or self.default is None:
            return False
        rivals = [self.default] + ([self.current] if self.current is not None else [])
        return all(self.fitted.log_loss < r.log_loss - BETTER_BY for r in rivals)

    def to_dict(self) -> dict[str, Any]:
        return {
            "deck": self.deck, "reviews": self.reviews, "predictions": self.predictions,
            "enough": self.enough, "min_reviews": MIN_REVIEWS, "better": self.better,
            "default": self.default and self.default.to_dict(),
            "fitted": self.fitted and self.fitted.to_dict(),
            "current": self.current and self.current.to_dict(),
            "parameters": self.parameters, "seconds": round(self.seconds, 3),
        }


def default_parameters() -> list[float]:
    import fsrs_rs_python as rs

    return list(rs.DEFAULT_PARAMETERS)


def study_day_number(t: float, day_hour: int) -> int:
    """The local study day a time falls in, as a whole number (day_hour starts a day)."""
    offset = time.localtime(t).tm_gmtoff
    return int((t + offset - day_hour * 3600) // 86400)


def histories(rows: Iterable[ReviewRow], *, day_hour: int = 4) -> list[list[tuple[int, int]]]:
    """Each card's reviews as (study day, rating), one history per life of the card: a
    history starts at a first review (a forgotten card starts another); reviews before any
    first review (a log that begins mid-life) are left out."""
    by_card: dict[str, list[tuple[float, int, bool]]] = {}
    for key, at, rating, first in rows:
        by_card.setdefault(key, []).append((at, rating, first))
    out: list[list[tuple[int, int]]] = []
    for reviews in by_card.values():
        reviews.sort(key=lambda r: r[0])
        current: list[tuple[int, int]] | None = None
        for at, rating, first in reviews:
            if first:
                current = []
                out.append(current)
            if current is not None:
                current.append((study_day_number(at, day_hour), rating))
    return out


def fsrs_items(cards: Sequence[Sequence[tuple[int, int]]]) -> list[rs.FSRSItem]:
    """The optimizer's training items: for every review after a card's first, the history
    up to and including it (the last review is the one predicted). Only a review a day or
    more after the one before is predicted, as in Anki: a learning or relearning step the
    same day is history, not an item (fsrs-rs refuses to score one)."""
    import fsrs_rs_python as rs

    items = []
    for history in cards:
        reviews = []
        prev: int | None = None
        for day, rating in history:
            elapsed = 0 if prev is None else day - prev
            reviews.append(rs.FSRSReview(rating, elapsed))
            prev = day
            if len(reviews) > 1 and elapsed > 0:
                items.append(rs.FSRSItem(list(reviews)))
    return items


def evaluate(parameters: Sequence[float], items: Sequence[rs.FSRSItem]) -> Evaluation:
    import fsrs_rs_python as rs

    result = rs.FSRS(list(parameters)).evaluate(list(items))
    return Evaluation(log_loss=float(result.log_loss), rmse_bins=float(result.rmse_bins))


def fit_parameters(items: Sequence[rs.FSRSItem]) -> list[float]:
    """FSRS parameters fitted to these items by fsrs-rs's optimizer (short-term reviews
    included, as Anki does)."""
    import fsrs_rs_python as rs

    return [float(w) for w in rs.FSRS(list(rs.DEFAULT_PARAMETERS)).compute_parameters(
        list(items), enable_short_term=True)]


def fit(rows: Iterable[ReviewRow], *, deck: str | None = None, day_hour: int = 4,
        current: Sequence[float] | None = None) -> FitReport:
    """Fit FSRS to these review-log rows and score the defaults, the parameters in use
    (`current`, if fitted before) and the fit on the same reviews. Below MIN_REVIEWS
    nothing is fitted."""
    started = time.perf_counter()
    rows = list(rows)
    report = FitReport(deck=deck, reviews=len(rows), predictions=0)
    if not report.enough:
        return report
    items = fsrs_items(histories(rows, day_hour=day_hour))
    report.predictions = len(items)
    if not items:
        report.notes.append("no review came a day or more after the one before it")
        return report
    report.default = evaluate(default_parameters(), items)
    if current is not None:
        report.current = evaluate(current, items)
    report.parameters = fit_parameters(items)
    report.fitted = evaluate(report.parameters, items)
    report.seconds = time.perf_counter() - started
    return report
