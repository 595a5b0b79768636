"""Study days: the one helper that says when a study day starts (at a local hour, 04:00 as in Anki)."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache

# A study day D starts at the first instant whose local wall time reaches D at `day_hour`:00.
#  - an hour that happens twice (clocks go back) starts the day at its first occurrence;
#  - an hour that never happens (clocks jump forward over it) starts the day at the jump.
# Every rule below follows from that one definition, so day starts only ever move forward
# and day_start(t) <= t < next_day_start(t) holds in every zone, on every day.


@lru_cache(maxsize=8)
def _zone_named(key: str | None) -> tzinfo | None:
    from zoneinfo import ZoneInfo  # small; only needed once a day boundary is asked for

    try:
        if key:
            return ZoneInfo(key.removeprefix(":"))
        with open("/etc/localtime", "rb") as f:
            return ZoneInfo.from_file(f)
    except (OSError, ValueError, KeyError):  # a POSIX TZ rule string or no zone database
        return None  # (ZoneInfoNotFoundError is a KeyError)


def local_zone() -> tzinfo | None:
    """The system's time zone as a tzinfo, or None to use the C library's local time."""
    return _zone_named(os.environ.get("TZ"))


class _Clock:
    """Wall time <-> instants in one zone (or the C library's local time when zone is None).

    Wall times are datetimes carrying `zone` itself (naive for the C library), so that
    comparing two of them compares the wall clock readings, fold aside.
    """

    __slots__ = ("zone",)

    def __init__(self, zone: tzinfo | None) -> None:
        self.zone = zone

    def wall(self, t: float) -> datetime:
        return datetime.fromtimestamp(t, self.zone)

    def first_reaching(self, day: date, hour: int) -> float:
        """The first instant whose local wall time is `hour`:00 on `day` or later."""
        wall = datetime(day.year, day.month, day.day, hour, tzinfo=self.zone)
        t0 = wall.timestamp()  # fold=0: the first of a repeated hour, or past a skipped one
        if self.wall(t0) == wall:
            return t0
        # `wall` falls in a gap: the answer is the jump, between the readings with either offset
        t1 = wall.replace(fold=1).timestamp()
        lo, hi = int(min(t0, t1)), int(max(t0, t1)) + 1
        while self.wall(lo) >= wall:  # widen if a reading landed beyond the jump
            lo -= 3600
        while self.wall(hi) < wall:
            hi += 3600
        while hi - lo > 1:  # invariant: wall(lo) < wall <= wall(hi); transitions are whole seconds
            mid = (lo + hi) // 2
            if self.wall(mid) >= wall:
                hi = mid
            else:
                lo = mid
        return float(hi)


def _start(clock: _Clock, day: date, day_hour: int) -> float:
    return clock.first_reaching(day, day_hour)


def _day_of(clock: _Clock, t: float, day_hour: int) -> date:
    local = clock.wall(t)
    day = local.date() if local.hour >= day_hour else local.date() - timedelta(days=1)
    # the wall clock can be set back (by an hour, or by a day as Alaska did in 1867):
    # settle on the last day that has started by t
    while _start(clock, day, day_hour) > t:
        day -= timedelta(days=1)
    while _start(clock, day + timedelta(days=1), day_hour) <= t:
        day += timedelta(days=1)
    return day


def study_date(t: float, *, day_hour: int, zone: tzinfo | None = None) -> date:
    """The date of the study day that contains `t` (before `day_hour` it is the day before)."""
    return _day_of(_Clock(zone or local_zone()), t, day_hour)


def study_day_start(day: date, *, day_hour: int, zone: tzinfo | None = None) -> float:
    """UTC seconds at which the study day `day` begins: `day_hour` local time that day.

    A day with a DST change lasts 23 or 25 hours, as on the wall clock.
    """
    return _start(_Clock(zone or local_zone()), day, day_hour)


def day_start(now: float, day_hour: int, *, zone: tzinfo | None = None) -> float:
    """UTC seconds of the start of the study day containing `now`."""
    clock = _Clock(zone or local_zone())
    return _start(clock, _day_of(clock, now, day_hour), day_hour)


def next_day_start(now: float, day_hour: int, *, zone: tzinfo | None = None) -> float:
    """UTC seconds at which the study day after the one containing `now` begins."""
    clock = _Clock(zone or local_zone())
    return _start(clock, _day_of(clock, now, day_hour) + timedelta(days=1), day_hour)


def study_days(now: float, *, day_hour: int, count: int, zone: tzinfo | None = None) -> list[float]:
    """Starts (UTC seconds) of the last `count` study days, oldest first; the last is today."""
    clock = _Clock(zone or local_zone())
    today = _day_of(clock, now, day_hour)
    return [_start(clock, today - timedelta(days=k), day_hour) for k in range(count - 1, -1, -1)]


def month_starts(today: date, *, day_hour: int, months: int,
                 zone: tzinfo | None = None) -> list[float]:
    """Starts of the study days opening the last `months` calendar months, oldest first."""
    clock = _Clock(zone or local_zone())
    starts = []
    year, month = today.year, today.month
    for _ in range(months):
        starts.append(_start(clock, date(year, month, 1), day_hour))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]
