"""A seeded learner who recalls as FSRS predicts: review logs with known parameters, for tests and benchmarks."""

from __future__ import annotations

import random
from collections.abc import Sequence

DAY = 86400.0


def retrievability(elapsed_days: float, stability: float, parameters: Sequence[float]) -> float:
    """FSRS-6's forgetting curve: R = (1 + f·t/S)^-d with d = w20 and R(S) = 0.9."""
    decay = parameters[20]
    factor = 0.9 ** (-1 / decay) - 1
    return float((1 + factor * elapsed_days / stability) ** -decay)


def simulate_histories(parameters: Sequence[float], *, cards: int, days: int, seed: int,
                       desired_retention: float = 0.9) -> list[list[tuple[int, int]]]:
    """Each card's reviews as (day, rating): scheduled by FSRS with `parameters`, recalled
    with the probability FSRS gives under them (a miss is Again; a recall Hard, Good or
    Easy). Cards start on random days of the first half; intervals are spread ±25 % so the
    log holds a range of elapsed times, as a real one does."""
    import fsrs_rs_python as rs  # the Rust FSRS: its memory states are what the optimizer fits

    rng = random.Random(seed)
    model = rs.FSRS(list(parameters))
    out: list[list[tuple[int, int]]] = []
    for _ in range(cards):
        day = rng.randrange(max(1, days // 2))
        memory, last = None, day
        history: list[tuple[int, int]] = []
        while day < days:
            elapsed = day - last
            if memory is None:
                rating = rng.choices((1, 2, 3, 4), (0.25, 0.1, 0.55, 0.1))[0]
            elif rng.random() >= retrievability(elapsed, memory.stability, parameters):
                rating = 1
            else:
                rating = rng.choices((2, 3, 4), (0.15, 0.75, 0.1))[0]
            nxt = model.next_states(memory, desired_retention, elapsed)
            state = (nxt.again, nxt.hard, nxt.good, nxt.easy)[rating - 1]
            history.append((day, rating))
            memory, last = state.memory, day
            day += max(1, round(state.interval * rng.uniform(0.75, 1.25)))
        out.append(history)
    return out


def as_review_rows(histories: Sequence[Sequence[tuple[int, int]]], *, start: float,
                   deck: str = "sim") -> list[tuple[str, float, int, bool]]:
    """The histories as review-log rows (card key, UTC seconds, rating, first review),
    each review at noon UTC of its day after `start`."""
    rows = []
    for n, history in enumerate(histories):
        for i, (day, rating) in enumerate(history):
            rows.append((f"{deck}/c{n}", start + day * DAY + 12 * 3600, rating, i == 0))
    return rows
