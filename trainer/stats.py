"""Progress figures from the store: due counts, forecast, retention, streak, leeches."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from trainer.decks.model import Card
from trainer.scheduling import AGAIN, NEW, day_start, next_day_start
from trainer.store import Store

REVIEW_STATE = 2
LEECH_LAPSES = 8


@dataclass(slots=True)
class Stats:
    reviews_today: int
    due_now: int
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
    due_now = 0
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
        return f"in {delta / 86400:.0f} days"
    return datetime.fromtimestamp(t).strftime("on %Y-%m-%d")
