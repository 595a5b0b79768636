"""FSRS's review step on plain numbers: the fsrs package's formulas without a Card or datetime per review."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import fsrs

# Times inside a step are whole microseconds, as fsrs's datetimes hold them: a time in
# seconds is rounded the way datetime.fromtimestamp rounds it, and a time given back is
# microseconds / 10**6, which is what datetime.timestamp() returns. So every day count,
# interval and due equals fsrs's to the bit.
US = 1_000_000
DAY_US = 86_400 * US
_ONE_US = timedelta(microseconds=1)

# (state, step, stability, difficulty, interval in microseconds) after a review
Step = tuple[int, "int | None", float, float, int]
Stepper = Callable[[int, "int | None", "float | None", "float | None", "int | None", int, int,
                    "str | None"], Step]


def micros(seconds: float) -> int:
    """`seconds` in whole microseconds, rounded as datetime.fromtimestamp rounds (the
    fraction half to even, the way CPython's _PyTime_DoubleToDenominator does it)."""
    fraction, whole = math.modf(seconds)
    us = round(fraction * 1e6)
    if us >= US:
        return (int(whole) + 1) * US + us - US
    if us < 0:
        return (int(whole) - 1) * US + us + US
    return int(whole) * US + us


def draw(seed: str) -> float:
    """A number in [0, 1) fixed by `seed`, the same on every platform and Python."""
    digest = hashlib.blake2b(seed.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def fuzz_ranges() -> tuple[tuple[float, float, float], ...]:
    from fsrs.scheduler import FUZZ_RANGES

    return tuple((float(r["start"]), float(r["end"]), float(r["factor"])) for r in FUZZ_RANGES)


def fuzz_range(days: int, maximum: int,
               ranges: tuple[tuple[float, float, float], ...]) -> tuple[int, int]:
    """The lowest and highest day fsrs's fuzz may move an interval of `days` (>= 2.5) to."""
    delta = 1.0
    for start, end, factor in ranges:
        if days > start:
            delta += factor * (min(float(days), end) - start)
    high = min(round(days + delta), maximum)
    return min(max(2, round(days - delta)), high), high


def fuzzed_days(days: int, seed: str | None, maximum: int,
                ranges: tuple[tuple[float, float, float], ...]) -> int:
    """fsrs's fuzz of a review interval of `days`, drawn from `seed` (the reviewing event's
    id: every device replaying it draws the same day; None: the global generator)."""
    if days < 2.5:  # as fsrs: no fuzz below 2.5 days
        return days
    low, high = fuzz_range(days, maximum, ranges)
    u = draw(seed) if seed is not None else random.random()
    return min(round(u * (high - low + 1) + low), maximum)


def stepper(scheduler: fsrs.Scheduler) -> Stepper:
    """fsrs.Scheduler.review_card on numbers: step(state, step, stability, difficulty,
    last review (µs or None), review time (µs), rating, fuzz seed) for a card in state 1-3
    whose fsrs.Card would be valid (a learning card's step set; stability and difficulty
    set unless learning). Every formula is fsrs's, in its order of operations, with the
    constants it recomputes per review computed once (the same doubles); tests replay
    random histories through both and compare the states bit for bit."""
    import fsrs as f

    p = scheduler.parameters
    e = math.e
    decay: float = scheduler._DECAY
    factor: float = scheduler._FACTOR
    interval_factor: float = (scheduler.desired_retention ** (1 / decay)) - 1
    maximum: int = scheduler.maximum_interval
    fuzz = scheduler.enable_fuzzing
    ranges = fuzz_ranges()
    stability_min: float = f.scheduler.STABILITY_MIN
    low_d: float = f.scheduler.MIN_DIFFICULTY
    high_d: float = f.scheduler.MAX_DIFFICULTY
    ratings = {int(r): r for r in f.Rating}
    first_s = {r: scheduler._initial_stability(rating=x) for r, x in ratings.items()}
    first_d = {r: scheduler._initial_difficulty(rating=x, clamp=True) for r, x in ratings.items()}
    easy_d = scheduler._initial_difficulty(rating=f.Rating.Easy, clamp=False)
    d_delta = {r: -(p[6] * (r - 3)) for r in ratings}
    d_mean, d_keep = p[7] * easy_d, (1 - p[7])
    short_gain = {r: (e ** (p[17] * (r - 3 + p[18]))) for r in ratings}
    neg19, neg12, neg9 = -p[19], -p[12], -p[9]
    p8_exp, p10, p11, p13, p14 = e ** (p[8]), p[10], p[11], p[13], p[14]
    forget_short = (e ** (p[17] * p[18]))
    hard_penalty = {r: (p[15] if r == 2 else 1) for r in ratings}
    easy_bonus = {r: (p[16] if r == 4 else 1) for r in ratings}

    def steps_us(steps: tuple[timedelta, ...]) -> tuple[list[int], int | None]:
        # fsrs's intervals for each step and for Hard on the first one, as it computes them
        hard: timedelta | None = None
        if len(steps) == 1:
            hard = steps[0] * 1.5
        elif len(steps) >= 2:
            hard = (steps[0] + steps[1]) / 2.0
        return [s // _ONE_US for s in steps], None if hard is None else hard // _ONE_US

    learning, learning_hard = steps_us(scheduler.learning_steps)
    relearning, relearning_hard = steps_us(scheduler.relearning_steps)

    def next_difficulty(d: float, rating: int) -> float:
        arg_2 = d + (10.0 - d) * d_delta[rating] / 9.0
        return min(max(d_mean + d_keep * arg_2, low_d), high_d)

    def short_term(s: float, rating: int) -> float:
        gain: float = short_gain[rating] * (s ** neg19)
        if rating != 1:
            gain = max(gain, 1.0)
        return max(s * gain, stability_min)

    def long_term(d: float, s: float, days: int | None, rating: int) -> float:
        # retrievability as fsrs.Scheduler.get_card_retrievability (0 never reviewed)
        new: float
        r = 0 if days is None else (1 + factor * max(0, days) / s) ** decay
        if rating == 1:
            long = p11 * (d ** neg12) * (((s + 1) ** p13) - 1) * (e ** ((1 - r) * p14))
            new = min(long, s / forget_short)
        else:
            new = s * (1 + p8_exp * (11 - d) * (s ** neg9) * ((e ** ((1 - r) * p10)) - 1)
                       * hard_penalty[rating] * easy_bonus[rating])
        return max(new, stability_min)

    spans: dict[int, tuple[int, int]] = {}  # fuzz_range by interval, worked out once each

    def review_days(s: float, seed: str | None) -> int:
        days = min(max(round((s / factor) * interval_factor), 1), maximum)
        if fuzz and days >= 2.5:  # fuzzed_days, with its range looked up
            span = spans.get(days)
            if span is None:
                span = spans[days] = fuzz_range(days, maximum, ranges)
            low, high = span
            u = draw(seed) if seed is not None else random.random()
            days = min(round(u * (high - low + 1) + low), maximum)
        return days * DAY_US

    def step(state: int, at_step: int | None, s: float | None, d: float | None,
             last: int | None, now: int, rating: int, seed: str | None) -> Step:
        days = None if last is None else (now - last) // DAY_US
        if state == 2:  # review
            assert s is not None and d is not None
            if days is not None and days < 1:
                s = short_term(s, rating)
            else:
                s = long_term(d, s, days, rating)
            d = next_difficulty(d, rating)
            if rating == 1 and relearning:
                return 3, 0, s, d, relearning[0]
            return 2, None, s, d, review_days(s, seed)
        # learning (1) or relearning (3): the same walk through their own steps
        assert at_step is not None
        if state == 1:
            steps, hard = learning, learning_hard
        else:
            steps, hard = relearning, relearning_hard
        if state == 1 and (s is None or d is None):
            s, d = first_s[rating], first_d[rating]
        else:
            assert s is not None and d is not None
            if days is not None and days < 1:
                s = short_term(s, rating)
            else:
                s = long_term(d, s, days, rating)
            d = next_difficulty(d, rating)
        if not steps or (at_step >= len(steps) and rating != 1):
            return 2, None, s, d, review_days(s, seed)
        if rating == 1:
            return state, 0, s, d, steps[0]
        if rating == 2:
            if at_step == 0 and hard is not None:
                return state, at_step, s, d, hard
            return state, at_step, s, d, steps[at_step]
        if rating == 3 and at_step + 1 != len(steps):
            return state, at_step + 1, s, d, steps[at_step + 1]
        return 2, None, s, d, review_days(s, seed)

    return step
