"""The statistics engine: due counts, the forecast, reviews per day, retention, weak spots.

One engine for every front end (the command line, the home and statistics screens). It
asks the store for aggregates (running tallies of the review log and counts over
indexes), never for the log itself, and puts times into study days with one day helper,
trainer.scheduling.days. Every figure covers the given cards' decks; the forecast's index
0 is today, overdue cards included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.review import LEECH_LAPSES, State
from trainer.scheduling.allowance import daily_allowance, pick_reviews, share_new
from trainer.scheduling.days import (
    month_starts,
    study_date,
    study_day_start,
    study_days,
)
from trainer.stats_cache import FigureCache, figures_of, weakness
from trainer.store import Store


@dataclass(slots=True)
class DayCount:
    """Reviews made on one study day, named by the local date it starts on."""

    day: date
    reviews: int


@dataclass(slots=True)
class DeckCounts:
    """One deck's cards as a session would see them now."""

    deck: str
    cards: int  # loaded cards of the deck
    due: int  # reviews due now (not suspended or buried)
    unseen: int | None  # new cards free to study; None: not counted, at least `new_today`
    due_today: int  # what a session would show now, within today's allowances
    new_today: int

    @property
    def today(self) -> int:
        return self.due_today + self.new_today


@dataclass(slots=True)
class DeckTable:
    """Per-deck counts, the same for all decks together, and today's allowances left."""

    decks: list[DeckCounts]
    total: DeckCounts
    reviews_left: int
    new_left: int


@dataclass(slots=True)
class Overview:
    """The figures of `trainer stats` and of the home screen, as of one moment."""

    today: date
    reviews_today: int
    streak_days: int
    due_now: int
    # not due yet, but due before the study day ends (a learning step also when it is due
    # within the learn-ahead limit after the rollover: the session shows it today)
    due_later_today: int
    forecast: list[int]  # due on each study day from today on; index 0 = today, overdue included
    reviews_per_day: list[int]  # last 30 study days, oldest first (the last is today)
    reviewed_30d: int  # reviews of cards in the review state, last 30 days
    recalled_30d: int  # ... not rated Again
    leeches: list[str]

    @property
    def reviews_30d(self) -> int:
        return sum(self.reviews_per_day)

    @property
    def retention_30d(self) -> float | None:
        """True retention: the share of reviews of mature cards not rated Again."""
        return self.recalled_30d / self.reviewed_30d if self.reviewed_30d else None


@dataclass(slots=True)
class MonthRetention:
    month: str  # "2024-05"
    reviewed: int  # reviews of cards in the review state
    recalled: int  # ... not rated Again

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviewed if self.reviewed else None


@dataclass(slots=True)
class CardFigures:
    """One card's record over its life: reviews in the review state, recalls, lapses."""

    key: str
    reviewed: int
    recalled: int
    lapses: int
    reps: int

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviewed if self.reviewed else None

    @property
    def leech(self) -> bool:
        return self.lapses >= LEECH_LAPSES


@dataclass(slots=True)
class TagFigures:
    """The cards of one tag taken together."""

    tag: str
    cards: int
    reviewed: int
    recalled: int
    lapses: int
    leeches: int

    @property
    def retention(self) -> float | None:
        return self.recalled / self.reviewed if self.reviewed else None


@dataclass(slots=True)
class Progress:
    """Everything the statistics screen shows, as of one moment."""

    overview: Overview
    retention_by_month: list[MonthRetention]  # oldest first, the current month last
    heatmap: list[DayCount]  # whole weeks from a Monday up to today, oldest first
    weakest_tags: list[TagFigures] = field(default_factory=list)
    weakest_cards: list[CardFigures] = field(default_factory=list)


# --- study days ------------------------------------------------------------------------

def _streak(reviews: Sequence[int]) -> int:
    """Study days in a row with a review, up to today (or yesterday: today is not over)."""
    streak = 0
    for n in reversed(reviews if reviews[-1] else reviews[:-1]):
        if not n:
            break
        streak += 1
    return streak


# --- the figures -----------------------------------------------------------------------

def forecast(store: Store, decks: Sequence[str], now: float, *, day_hour: int,
             days: int) -> tuple[int, list[int]]:
    """(due now, cards due on each of the next `days` study days; index 0 = today).

    Today's count includes the overdue cards. New and suspended cards are left out.
    """
    today = study_date(now, day_hour=day_hour)
    bounds = [study_day_start(today + timedelta(days=k), day_hour=day_hour)
              for k in range(1, days + 1)]
    return store.due_counts(decks, now, bounds)


def _learning_past_rollover(figures: FigureCache, store: Store, now: float, today_end: float,
                            learn_ahead_minutes: int) -> int:
    """(Re)learning cards due after today's rollover but within the learn-ahead limit: the
    session shows them today (scheduling.learning_horizon), so they count as today's."""
    horizon = now + learn_ahead_minutes * 60
    if horizon < today_end or not figures.loaded.decks:
        return 0  # only in the last minutes of a study day
    rows = store.state_rows_where(
        figures.loaded.decks, f"state IN ({State.LEARNING:d}, {State.RELEARNING:d}) "
        "AND suspended = 0 AND due >= ? AND due <= ?", (today_end, horizon))
    return sum(1 for key in rows if figures.loaded.has(key))


def _overview(figures: FigureCache, store: Store, now: float, *, day_hour: int,
              days: int, history: int, learn_ahead_minutes: int = 0
              ) -> tuple[Overview, list[float], float, list[tuple[int, int, int]]]:
    decks = figures.loaded.decks
    starts = study_days(now, day_hour=day_hour, count=max(history, 30))
    today = study_date(now, day_hour=day_hour)
    until = study_day_start(today + timedelta(days=1), day_hour=day_hour)
    per_day = store.interval_tallies(decks, [*starts, until])
    last30 = per_day[-30:]
    reviews = [n for n, _, _ in per_day]
    due_now, due = forecast(store, decks, now, day_hour=day_hour, days=days) if decks \
        else (0, [0] * days)
    if figures.orphans and decks:  # a card removed from its deck is not due
        bounds = [study_day_start(today + timedelta(days=k), day_hour=day_hour)
                  for k in range(1, days + 1)]
        gone_now, gone = store.due_counts_among(sorted(figures.orphans), now, bounds)
        due_now -= gone_now
        due = [a - b for a, b in zip(due, gone, strict=True)]
    ahead = _learning_past_rollover(figures, store, now, until, learn_ahead_minutes)
    if ahead and due:  # tomorrow's by the clock, today's by the learn-ahead limit
        due[0] += ahead
        if len(due) > 1:
            due[1] -= ahead
    overview = Overview(
        today=today,
        reviews_today=reviews[-1],
        streak_days=_streak(reviews),
        due_now=due_now,
        due_later_today=(due[0] - due_now) if due else 0,
        forecast=due,
        reviews_per_day=[n for n, _, _ in last30],
        reviewed_30d=sum(m for _, m, _ in last30),
        recalled_30d=sum(r for _, _, r in last30),
        leeches=[k for k in (store.leech_keys(decks, LEECH_LAPSES) if decks else [])
                 if figures.loaded.has(k)],  # a card removed from its deck is not one
    )
    return overview, starts, until, per_day


def overview(cards: Sequence[Card], store: Store, now: float, *, day_hour: int = 4,
             days: int = 7, learn_ahead_minutes: int = 0) -> Overview:
    """Reviews today and over 30 days, retention, streak, due counts and a `days` forecast.

    Learning steps due within `learn_ahead_minutes` (the setting) count as today's even
    past the day's rollover, as the session shows them."""
    with figures_of(store, cards) as figures:
        return _overview(figures, store, now, day_hour=day_hour, days=days, history=30,
                         learn_ahead_minutes=learn_ahead_minutes)[0]


def deck_table(cards: Sequence[Card], store: Store, settings: Settings, now: float, *,
               count_unseen: bool = False) -> DeckTable:
    """Due and new counts per deck and for all decks, within today's allowances.

    The counts a session would study now: reviews due (lowest first in the queue) up to
    what is left of `reviews_per_day`, then new cards up to what is left of
    `new_per_day`, each deck also within its own limits. The decks' figures add up to the
    total, which never exceeds the global allowance. Unseen cards are counted exactly only
    where that changes the figures shown, or everywhere with `count_unseen`.
    """
    with figures_of(store, cards) as figures:
        return _deck_table(figures, store, settings, now, count_unseen=count_unseen)


def _deck_table(figures: FigureCache, store: Store, settings: Settings, now: float, *,
                count_unseen: bool) -> DeckTable:
    loaded = figures.loaded
    decks = loaded.decks
    allowance = daily_allowance(store, settings, now, decks)
    reviews_left, new_left = allowance.reviews_left, allowance.new_left
    due: dict[str, int] = dict.fromkeys(decks, 0)
    due.update(store.due_by_deck(decks, now) if decks else {})
    for key in store.due_among(sorted(figures.orphans), now):
        due[key.split("/", 1)[0]] -= 1  # a card since removed from its deck is not studied
    due_today = {d: min(n, allowance.reviews_for(d)) for d, n in due.items()}
    if sum(due_today.values()) > reviews_left:
        # more due than today's reviews: the queue takes the least retrievable of all
        # decks, so count what it would take
        due_today = dict.fromkeys(decks, 0)
        for state in pick_reviews(store, decks, allowance, now, keep=lambda s: loaded.has(s.key)):
            due_today[state.deck] += 1
    stored = figures.stored_count
    free: dict[str, int] = {}
    needed = [d for d in decks if count_unseen
              or loaded.count[d] - stored.get(d, 0) < allowance.new_for(d)]
    for key in store.free_new_keys(needed, now) if needed else []:
        if loaded.has(key):
            deck = key.split("/", 1)[0]
            free[deck] = free.get(deck, 0) + 1
    unseen: dict[str, int | None] = dict.fromkeys(decks)
    for deck in needed:
        # new: the loaded cards with no stored state, and those stored new and free
        with_state = stored.get(deck, 0) - len(figures.orphans_of(deck))
        unseen[deck] = loaded.count[deck] - with_state + free.get(deck, 0)
    # None: at least the deck's allowance is there
    new_today = share_new({d: allowance.new_for(d) if n is None else n
                           for d, n in unseen.items()}, allowance)
    rows = [DeckCounts(deck=deck, cards=loaded.count[deck], due=due[deck], unseen=unseen[deck],
                       due_today=due_today[deck], new_today=new_today[deck])
            for deck in decks]
    all_due = sum(r.due for r in rows)
    all_unseen = None if any(r.unseen is None for r in rows) else sum(
        r.unseen or 0 for r in rows)
    total = DeckCounts(
        deck="", cards=sum(loaded.count.values()), due=all_due, unseen=all_unseen,
        due_today=sum(due_today.values()), new_today=sum(new_today.values()))
    return DeckTable(decks=rows, total=total, reviews_left=reviews_left, new_left=new_left)


def stats_dict(view: Overview, table: DeckTable) -> dict[str, object]:
    """`trainer stats --json`."""
    return {
        "reviews_today": view.reviews_today,
        "due_now": view.due_now,
        "due_later_today": view.due_later_today,
        "new_available": table.total.unseen,
        "forecast": view.forecast,
        "retention_30d": view.retention_30d,
        "reviews_30d": view.reviews_30d,
        "reviews_per_day": view.reviews_per_day,
        "streak_days": view.streak_days,
        "leeches": view.leeches,
    }


def describe_time(t: float, now: float) -> str:
    """'in 3 h', 'in 2 days' or a date: when the next card is due."""
    delta = t - now
    if delta <= 60:
        return "now"
    if delta < 3600:
        return f"in {int(delta // 60)} min"
    if delta < 86400:
        return f"in {delta / 3600:.0f} h"
    if delta < 14 * 86400:
        days = round(delta / 86400)
        return "in 1 day" if days == 1 else f"in {days} days"
    return datetime.fromtimestamp(t).strftime("on %Y-%m-%d")


# --- the statistics screen ---------------------------------------------------------


def _weak_spots(figures: FigureCache, *,
                limit: int) -> tuple[list[TagFigures], list[CardFigures]]:
    """Per-tag figures of the studied cards, and the weakest cards (kept by the cache,
    which reads only the cards changed since the last look)."""
    weakest = []
    for *_rank, key, lapses, reps, reviewed, recalled in figures.weakest(limit):
        weakest.append(CardFigures(key=key, reviewed=reviewed, recalled=recalled,
                                   lapses=lapses, reps=reps))
    return ([TagFigures(tag, *sums) for tag, sums in sorted(figures.tag_sums.items())],
            weakest)


def weakest_tags(tags: Sequence[TagFigures], *, limit: int = 8) -> list[TagFigures]:
    """Tags with any forgotten review or lapse: lowest retention first, then most lapses."""
    weak = [t for t in tags if t.lapses or t.recalled < t.reviewed]
    weak.sort(key=lambda t: weakness(t.retention, t.lapses, t.tag))
    return weak[:limit]


def heat_level(count: int, peak: int) -> int:
    """Shade 0 (no review) to 4 (the busiest day): quarters of the busiest day's count."""
    if count <= 0 or peak <= 0:
        return 0
    return min(4, max(1, -(-4 * count // peak)))


def heat_grid(days: Sequence[DayCount]) -> list[list[DayCount | None]]:
    """Columns of weeks, each Monday to Sunday; days after the last one are None."""
    if not days:
        return []
    pad = days[0].day.weekday()
    cells: list[DayCount | None] = [None] * pad + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def progress(cards: Sequence[Card], store: Store, now: float, *, day_hour: int = 4,
             weeks: int = 20, months: int = 4, days: int = 14, limit: int = 8,
             learn_ahead_minutes: int = 0) -> Progress:
    """The statistics screen's figures for the given cards as of `now`.

    The heatmap covers `weeks` whole weeks ending with the current one; weak cards and
    tags are judged on every review of the card in the review state.
    """
    today = study_date(now, day_hour=day_hour)
    heat_count = (weeks - 1) * 7 + today.weekday() + 1
    months_from = month_starts(today, day_hour=day_hour, months=months)
    first_month = study_date(months_from[0], day_hour=day_hour)
    history = max(heat_count, (today - first_month).days + 1)
    with figures_of(store, cards, records=True, weakest=limit) as figures:
        view, starts, until, per_day = _overview(
            figures, store, now, day_hour=day_hour, days=days, history=history,
            learn_ahead_minutes=learn_ahead_minutes)
        by_month = [
            MonthRetention(month=study_date(t, day_hour=day_hour).strftime("%Y-%m"),
                           reviewed=rev, recalled=ok)
            for t, (_, rev, ok) in zip(months_from, store.interval_tallies(
                figures.loaded.decks, [*months_from, until]), strict=True)
        ]
        tags, weak_cards = _weak_spots(figures, limit=limit)
    return Progress(
        overview=view,
        retention_by_month=by_month,
        heatmap=[DayCount(study_date(t, day_hour=day_hour), n) for t, (n, _, _) in
                 zip(starts[-heat_count:], per_day[-heat_count:], strict=True)],
        weakest_tags=weakest_tags(tags, limit=limit),
        weakest_cards=weak_cards,
    )
