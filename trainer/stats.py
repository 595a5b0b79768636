"""Progress figures from the store: due counts, forecast, retention, streak, leeches."""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from trainer.decks.model import Card
from trainer.scheduling import AGAIN, NEW
from trainer.scheduling.days import (
    day_start,
    next_day_start,
    study_date,
    study_day_start,
    study_days,
)
from trainer.scheduling.days import (
    month_starts as _month_starts,
)
from trainer.store import Store

REVIEW_STATE = 2
LEECH_LAPSES = 8


@dataclass(slots=True)
class Stats:
    reviews_today: int
    due_now: int
    due_later_today: int  # not due yet, but due before the study day ends
    new_available: int
    forecast: list[int]  # cards falling due on each of the next days (index 0 = tomorrow)
    retention_30d: float | None  # share of review-state cards not forgotten, last 30 days
    reviews_30d: int
    reviews_per_day: list[int]  # last 30 days, oldest first
    streak_days: int
    leeches: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


def compute(cards: Sequence[Card], store: Store, now: float, *, day_hour: int = 4,
            days: int = 7) -> Stats:
    """Figures for the given cards (the loaded decks) as of `now`."""
    keys = {c.key for c in cards}
    decks = sorted({c.deck for c in cards})
    states = {k: s for k, s in store.states(decks).items() if k in keys}
    today = day_start(now, day_hour)
    boundaries = [today]
    for _ in range(days + 1):
        boundaries.append(next_day_start(boundaries[-1] + 3600, day_hour))
    due_now = later_today = 0
    forecast = [0] * days
    leeches = []
    for s in states.values():
        if s.suspended or s.state == NEW:
            continue
        if s.lapses >= LEECH_LAPSES:
            leeches.append(s.key)
        if s.due <= now:
            due_now += 1
            continue
        if s.due < boundaries[1]:
            later_today += 1
            continue
        for i in range(days):
            if boundaries[i + 1] <= s.due < boundaries[i + 2]:
                forecast[i] += 1
                break
    new_available = sum(1 for c in cards if c.key not in states or states[c.key].state == NEW
                        and not states[c.key].suspended)
    # starts[i] is the start of the study day i days ago (DST-safe: computed, not 86400*i)
    starts = [today]
    for _ in range(29):
        starts.append(day_start(starts[-1] - 1, day_hour))
    since = starts[-1]
    ascending = starts[::-1]
    rows = [r for r in store.review_rows(since) if r[0] in keys]
    per_day: Counter[int] = Counter()
    for _key, t, _rating, _before in rows:
        per_day[29 - (bisect.bisect_right(ascending, t) - 1)] += 1
    reviews_per_day = [per_day.get(i, 0) for i in range(29, -1, -1)]
    recalled = [r[2] != AGAIN for r in rows if r[3] == REVIEW_STATE and r[1] >= since]
    streak = 0
    while per_day.get(streak, 0) > 0:
        streak += 1
    if streak == 0 and per_day.get(1, 0):  # today not studied yet: the streak still stands
        streak = 1
        while per_day.get(streak + 1, 0) > 0:
            streak += 1
    return Stats(
        reviews_today=per_day.get(0, 0),
        due_now=due_now,
        due_later_today=later_today,
        new_available=new_available,
        forecast=forecast,
        retention_30d=(sum(recalled) / len(recalled)) if recalled else None,
        reviews_30d=sum(reviews_per_day),
        reviews_per_day=reviews_per_day,
        streak_days=streak,
        leeches=sorted(leeches),
    )


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


# --- the statistics screen ------------------------------------------------------------
#
# The review log can hold a million rows, so everything below asks SQLite for aggregates
# over a bounded time window and never loads the log itself. Reviews are counted per
# quarter hour in SQL and the quarter hours are put into study days here: every UTC
# offset in use is a multiple of 15 minutes, so a study day (local hour `day_hour` to the
# next one, DST included) is always a whole number of quarter hours.

QUARTER_HOUR = 900
# the unary + keeps SQLite off the card_key index: walking every review of every loaded
# card is far slower than the time window on reviews_time
_KEYS = "+card_key IN (SELECT value FROM json_each(?))"


@dataclass(slots=True)
class DayCount:
    """Reviews made on one study day, named by the local date it starts on."""

    day: date
    reviews: int


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
    """One card's record: review-state reviews in the window, and lapses over its life."""

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

    today: date
    reviews_today: int
    streak_days: int
    due_now: int
    reviews_per_day: list[int]  # last 30 study days, oldest first (the last is today)
    reviewed_30d: int  # reviews of cards in the review state, last 30 days
    recalled_30d: int  # ... not rated Again
    retention_by_month: list[MonthRetention]  # oldest first, the current month last
    heatmap: list[DayCount]  # whole weeks from a Monday up to today, oldest first
    forecast: list[int]  # due on each of the next days; index 0 = today, overdue included
    weakest_tags: list[TagFigures]
    weakest_cards: list[CardFigures]
    leeches: list[str]

    @property
    def retention_30d(self) -> float | None:
        return self.recalled_30d / self.reviewed_30d if self.reviewed_30d else None


def quarter_hour_counts(store: Store, keys: Sequence[str], since: float,
                        until: float) -> list[tuple[float, int, int, int]]:
    """(start of quarter hour, reviews, review-state reviews, review-state recalls).

    Only reviews of the given card keys in [since, until); one row per quarter hour
    with any review, oldest first.
    """
    rows = store.conn.execute(
        "SELECT q, COUNT(*), COALESCE(SUM(s = 2), 0), COALESCE(SUM(s = 2 AND rating != ?), 0) "
        f"FROM (SELECT CAST(reviewed_at / {QUARTER_HOUR} AS INTEGER) AS q, rating, "
        "json_extract(state_before, '$.state') AS s FROM reviews "
        f"WHERE reviewed_at >= ? AND reviewed_at < ? AND {_KEYS}) GROUP BY q ORDER BY q",
        (AGAIN, since, until, json.dumps(list(keys))),
    )
    return [(q * QUARTER_HOUR, n, rev, ok) for q, n, rev, ok in rows]


def _bucket(rows: Sequence[tuple[float, int, int, int]],
            starts: Sequence[float]) -> list[tuple[int, int, int]]:
    """Sum the quarter-hour rows into the intervals that begin at `starts` (ascending)."""
    sums = [[0, 0, 0] for _ in starts]
    for t, n, rev, ok in rows:
        i = bisect.bisect_right(starts, t) - 1
        if i >= 0:
            sums[i][0] += n
            sums[i][1] += rev
            sums[i][2] += ok
    return [(a, b, c) for a, b, c in sums]


def card_figures(cards: Sequence[Card], store: Store, since: float) -> dict[str, CardFigures]:
    """Each studied card's review-state reviews since a time and its lapses, by key.

    Cards never reviewed and suspended cards are left out.
    """
    keys = {c.key for c in cards}
    decks = sorted({c.deck for c in cards})
    out: dict[str, CardFigures] = {}
    for s in store.states(decks).values():
        if s.key in keys and not s.suspended and s.state != NEW:
            out[s.key] = CardFigures(key=s.key, reviewed=0, recalled=0, lapses=s.lapses,
                                     reps=s.reps)
    # left to itself SQLite walks the whole card_key index to save a sort for GROUP BY
    rows = store.conn.execute(
        "SELECT card_key, COUNT(*), COALESCE(SUM(rating != ?), 0) "
        "FROM reviews INDEXED BY reviews_time WHERE reviewed_at >= ? "
        f"AND json_extract(state_before, '$.state') = 2 AND {_KEYS} GROUP BY card_key",
        (AGAIN, since, json.dumps(sorted(keys))),
    )
    for key, reviewed, recalled in rows:
        if key in out:
            out[key].reviewed = reviewed
            out[key].recalled = recalled
    return out


def _weakness(retention: float | None, lapses: int, name: str) -> tuple[float, int, str]:
    # lowest retention first, then most lapses; no review-state review yet ranks as 100 %
    return (1.0 if retention is None else retention, -lapses, name)


def weakest_cards(figures: dict[str, CardFigures], *, limit: int = 10) -> list[CardFigures]:
    """Cards with lapses or a forgotten review, leeches first, then by retention and lapses."""
    weak = [f for f in figures.values() if f.lapses or f.recalled < f.reviewed]
    weak.sort(key=lambda f: (not f.leech, *_weakness(f.retention, f.lapses, f.key)))
    return weak[:limit]


def tag_figures(cards: Sequence[Card], figures: dict[str, CardFigures]) -> list[TagFigures]:
    """Per tag: how many of its cards were studied, their reviews, recalls and lapses."""
    tags: dict[str, TagFigures] = {}
    for card in cards:
        f = figures.get(card.key)
        if f is None:
            continue
        for tag in card.tags:
            t = tags.setdefault(tag, TagFigures(tag, 0, 0, 0, 0, 0))
            t.cards += 1
            t.reviewed += f.reviewed
            t.recalled += f.recalled
            t.lapses += f.lapses
            t.leeches += f.leech
    return sorted(tags.values(), key=lambda t: t.tag)


def weakest_tags(tags: Sequence[TagFigures], *, limit: int = 8) -> list[TagFigures]:
    """Tags with any forgotten review or lapse: lowest retention first, then most lapses."""
    weak = [t for t in tags if t.lapses or t.recalled < t.reviewed]
    weak.sort(key=lambda t: _weakness(t.retention, t.lapses, t.tag))
    return weak[:limit]


def forecast_days(cards: Sequence[Card], store: Store, now: float, *, day_hour: int,
                  days: int = 14) -> tuple[int, list[int]]:
    """(due now, cards due on each of the next `days` study days; index 0 = today).

    Today's count includes the overdue cards. Suspended and new cards are left out.
    """
    keys = {c.key for c in cards}
    today = study_date(now, day_hour=day_hour)
    bounds = [study_day_start(today + timedelta(days=k), day_hour=day_hour)
              for k in range(1, days + 1)]
    due_now = 0
    counts = [0] * days
    for s in store.states(sorted({c.deck for c in cards})).values():
        if s.key not in keys or s.suspended or s.state == NEW:
            continue
        due_now += s.due <= now
        i = bisect.bisect_right(bounds, s.due)
        if i < days:
            counts[i] += 1
    return due_now, counts


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
             weeks: int = 20, months: int = 4, forecast: int = 14, weak_window: int = 90,
             limit: int = 8) -> Progress:
    """The statistics screen's figures for the given cards as of `now`.

    Retention is "true retention": the share of reviews of cards in the review state
    (before the review) not rated Again. The heatmap covers `weeks` whole weeks ending
    with the current one; weak cards and tags are judged on the last `weak_window` days.
    """
    keys = sorted({c.key for c in cards})
    today = study_date(now, day_hour=day_hour)
    heat_count = (weeks - 1) * 7 + today.weekday() + 1
    days = study_days(now, day_hour=day_hour, count=max(heat_count, 30))
    month_starts = _month_starts(today, day_hour=day_hour, months=months)
    until = study_day_start(today + timedelta(days=1), day_hour=day_hour)
    rows = quarter_hour_counts(store, keys, min(days[0], month_starts[0]), until)
    per_day = _bucket(rows, days)
    last30 = per_day[-30:]
    reviews = [n for n, _, _ in per_day]
    streak = 0
    # today not studied yet: the streak up to yesterday still stands
    for n in reversed(reviews if reviews[-1] else reviews[:-1]):
        if not n:
            break
        streak += 1
    by_month = [
        MonthRetention(month=study_date(t, day_hour=day_hour).strftime("%Y-%m"), reviewed=rev,
                       recalled=ok)
        for t, (_, rev, ok) in zip(month_starts, _bucket(rows, month_starts), strict=True)
    ]
    figures = card_figures(cards, store, study_days(now, day_hour=day_hour,
                                                    count=weak_window)[0])
    due_now, due = forecast_days(cards, store, now, day_hour=day_hour, days=forecast)
    return Progress(
        today=today,
        reviews_today=reviews[-1],
        streak_days=streak,
        due_now=due_now,
        reviews_per_day=[n for n, _, _ in last30],
        reviewed_30d=sum(rev for _, rev, _ in last30),
        recalled_30d=sum(ok for _, _, ok in last30),
        retention_by_month=by_month,
        heatmap=[DayCount(study_date(t, day_hour=day_hour), n) for t, n in
                 zip(days[-heat_count:], reviews[-heat_count:], strict=True)],
        forecast=due,
        weakest_tags=weakest_tags(tag_figures(cards, figures), limit=limit),
        weakest_cards=weakest_cards(figures, limit=limit),
        leeches=sorted(f.key for f in figures.values() if f.leech),
    )
