"""Study days: a day starts at a configurable local hour (04:00 by default, as in Anki)."""

from __future__ import annotations

from datetime import datetime, timedelta


def day_start(now: float, hour: int) -> float:
    """UTC seconds of the start of the study day containing `now` (local time).

    Works on naive local datetimes, whose `timestamp()` asks the C library for
    the offset in force at that moment, so a day that crosses a DST change is
    23 or 25 hours long, as on the wall clock.
    """
    local = datetime.fromtimestamp(now)
    start = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if start > local:
        start -= timedelta(days=1)
    return start.timestamp()


def next_day_start(now: float, hour: int) -> float:
    start = datetime.fromtimestamp(day_start(now, hour))
    return (start + timedelta(days=1)).replace(hour=hour).timestamp()
