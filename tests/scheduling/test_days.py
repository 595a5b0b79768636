"""Study days hold in every time zone: a day contains its instants and day starts only move forward."""

from __future__ import annotations

import time
import zoneinfo
from datetime import UTC, datetime, tzinfo
from functools import cache

import pytest

from trainer.scheduling import days
from trainer.scheduling.days import day_start, next_day_start, study_date, study_day_start

YEARS = (2025, 2028)  # three years of the current rules
SPAN = (datetime(YEARS[0], 1, 1, tzinfo=UTC).timestamp(),
        datetime(YEARS[1], 1, 1, tzinfo=UTC).timestamp())


def _offset(zone: tzinfo, t: float) -> float:
    return datetime.fromtimestamp(t, zone).utcoffset().total_seconds()  # type: ignore[union-attr]


@cache
def _transitions(name: str) -> tuple[tuple[int, float, float], ...]:
    """(instant, offset before, offset after) of each change of UTC offset in SPAN."""
    zone = zoneinfo.ZoneInfo(name)
    found = []
    t, step = int(SPAN[0]), 5 * 86400  # no zone changes its offset and back within five days
    before = _offset(zone, t)
    while t < SPAN[1]:
        after = _offset(zone, t + step)
        if after != before:
            lo, hi = t, t + step
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset(zone, mid) == before else (lo, mid)
            found.append((hi, before, after))
        t, before = t + step, after
    return tuple(found)


def _distinct_zones() -> list[str]:
    """One zone for each distinct set of rules over SPAN (zones that agree give equal answers)."""
    seen: dict[tuple, str] = {}
    for name in sorted(zoneinfo.available_timezones()):
        key = (_offset(zoneinfo.ZoneInfo(name), SPAN[0]), _transitions(name))
        seen.setdefault(key, name)
    return sorted(seen.values())


def _check(t: float, hour: int, zone: tzinfo | None) -> None:
    start, end = day_start(t, hour, zone=zone), next_day_start(t, hour, zone=zone)
    assert start <= t < end, (t, hour)
    assert day_start(end, hour, zone=zone) == end, (t, hour)
    assert day_start(end - 1, hour, zone=zone) == start, (t, hour)  # a day has no holes
    assert 0 < end - start <= 26 * 3600, (t, hour)  # a day lasts about a day
    day = study_date(t, day_hour=hour, zone=zone)
    assert study_day_start(day, day_hour=hour, zone=zone) == start, (t, hour)


def _sweep_transitions(name: str, zone: tzinfo | None, hours, step: int) -> None:
    for at, _before, _after in _transitions(name):
        for hour in hours:
            for t in range(at - 26 * 3600, at + 26 * 3600, step):
                _check(t, hour, zone)


def test_study_days_hold_in_every_zone_around_every_offset_change():
    checks = 0
    for name in _distinct_zones():
        zone = zoneinfo.ZoneInfo(name)
        for at, before, after in _transitions(name):
            # the day hours that meet the change: its local hour on either side, and the default
            near = {int((at + before) // 3600 % 24), int((at + after) // 3600 % 24)}
            hours = sorted({4} | {(h + d) % 24 for h in near for d in (-1, 0, 1)})
            for hour in hours:
                for t in range(at - 14 * 3600, at + 14 * 3600, 2700):
                    _check(t, hour, zone)
                    checks += 1
        # and a strided sweep of ordinary days, every day hour in turn
        for i, t in enumerate(range(int(SPAN[0]), int(SPAN[1]), 127 * 3600 + 13 * 60)):
            _check(t, i % 24, zone)
            checks += 1
    assert checks > 10_000


@pytest.mark.parametrize("name", ["Pacific/Chatham", "Australia/Lord_Howe", "America/New_York"])
def test_study_days_hold_at_every_day_hour_in_odd_zones(name: str):
    assert _transitions(name), "the zone changes its clocks in the years swept"
    _sweep_transitions(name, zoneinfo.ZoneInfo(name), range(24), 1800)


@pytest.mark.parametrize("name", ["Pacific/Chatham", "Australia/Lord_Howe", "America/New_York"])
def test_study_days_hold_with_the_c_library_local_time(name: str, monkeypatch: pytest.MonkeyPatch):
    # where the zone cannot be named (a POSIX TZ rule), local time comes from the C library
    monkeypatch.setenv("TZ", name)
    monkeypatch.setattr(days, "local_zone", lambda: None)
    time.tzset()
    try:
        _sweep_transitions(name, None, (0, 1, 2, 3, 4), 900)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_a_card_buried_in_the_repeated_hour_is_buried_until_a_later_time():
    # New York, 2026-11-01: 01:00-02:00 happens twice; day_starts_at = 1
    zone = zoneinfo.ZoneInfo("America/New_York")
    repeated = datetime(2026, 11, 1, 1, 50, fold=1, tzinfo=zone).timestamp()
    until = next_day_start(repeated, 1, zone=zone)
    assert until > repeated
    assert datetime.fromtimestamp(until, zone).replace(tzinfo=None) == datetime(2026, 11, 2, 1)
    # the day began at the first 01:00, not the second
    first_one = datetime(2026, 11, 1, 1, 0, fold=0, tzinfo=zone).timestamp()
    assert day_start(repeated, 1, zone=zone) == first_one


def test_an_hour_skipped_by_the_clocks_starts_the_day_at_the_jump():
    # New York, 2026-03-08: clocks jump from 02:00 to 03:00; day_starts_at = 2
    zone = zoneinfo.ZoneInfo("America/New_York")
    jump = datetime(2026, 3, 8, 7, 0, tzinfo=UTC).timestamp()  # 02:00 EST = 03:00 EDT
    assert study_day_start(datetime(2026, 3, 8).date(), day_hour=2, zone=zone) == jump
    assert day_start(jump - 1, 2, zone=zone) == datetime(2026, 3, 7, 7, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("rule", ["XYZ+03:33", "NST+3:30NDT"])
def test_a_posix_tz_rule_is_read_by_the_c_library_not_refused(rule: str,
                                                               monkeypatch: pytest.MonkeyPatch):
    """TZ set to a rule that names no zone in the database: study days follow it (the app
    and every command used to stop with ZoneInfoNotFoundError)."""
    monkeypatch.setenv("TZ", rule)
    time.tzset()
    days._zone_named.cache_clear()
    try:
        assert days.local_zone() is None
        t = datetime(2026, 12, 1, 7, 23, tzinfo=UTC).timestamp()  # 03:50 or 03:53 there
        start = day_start(t, 4)
        assert time.localtime(start)[3:6] == (4, 0, 0)
        assert start <= t < next_day_start(t, 4) == start + 86400
    finally:
        monkeypatch.undo()
        time.tzset()
        days._zone_named.cache_clear()
