"""The replay's FSRS step on plain numbers gives exactly what the fsrs package gives."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from trainer.review import State
from trainer.scheduling.fsrs_step import micros
from trainer.scheduling.replay import Replayer, Values, applied, state_values
from trainer.store import CardState
from trainer.store.journal import Event, new_event_id
from trainer.store.logstate import pack_values, unpack

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC).timestamp()
DAY = 86400.0
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Oracle(Replayer):
    """The replay with every review through fsrs.Scheduler.review_card, an fsrs.Card and
    datetimes: what the replay did before it stepped FSRS on numbers."""

    def _reviewed(self, v: Values | None, key: str, rating: int, at: float, seed: str | None,
                  content_hash: str, deck: str | None = None) -> Values:
        state = None if v is None else CardState(*v)
        return state_values(self.review_with_fsrs(state, key=key, rating=rating, at=at,
                                                  seed=seed, deck=deck,
                                                  content_hash=content_hash))


def gap(rng: random.Random) -> float:
    """Time to the next event: seconds, minutes (learning steps), just under or over a day
    (the short-term boundary), days, months; with odd microseconds."""
    kind = rng.randrange(7)
    if kind == 0:
        return rng.uniform(0, 90)
    if kind == 1:
        return rng.uniform(60, 3600)
    if kind == 2:
        return DAY + rng.choice((-1, 1)) * rng.uniform(0, 2e-6)  # the day boundary, to the µs
    if kind == 3:
        return rng.uniform(0.5, 3) * DAY
    if kind == 4:
        return rng.uniform(3, 60) * DAY
    if kind == 5:
        return round(rng.uniform(1, 400)) * DAY + rng.randrange(-3, 4) * 5e-7  # µs ties
    return rng.uniform(60, 2000) * DAY


def random_history(rng: random.Random, key: str = "d/a") -> list[Event]:
    """A card's journal: reviews with every rating, and now and then a suspension, burial,
    forget, reschedule, a state written whole, an undo; some events share a time."""
    at = T0 + rng.uniform(0, 1000) * DAY
    events: list[Event] = []
    for _ in range(rng.randint(1, 40)):
        if rng.random() > 0.1:
            at += gap(rng)
        roll = rng.random()
        payload: dict[str, object]
        if roll < 0.75:
            kind, payload = "review", {"rating": rng.choice((1, 2, 3, 3, 3, 4))}
            if rng.random() < 0.05:
                payload["due"] = at + rng.uniform(1, 30) * DAY  # set outside FSRS
            if rng.random() < 0.2:
                payload["content_hash"] = f"h{rng.randrange(3)}"
        elif roll < 0.8:
            kind, payload = rng.choice(("suspend", "unsuspend", "unbury")), {}
        elif roll < 0.83:
            kind, payload = "bury", {"until": at + DAY}
        elif roll < 0.87:
            kind, payload = "forget", {}
        elif roll < 0.91:
            kind, payload = "reschedule", {"due": at + rng.uniform(0, 90) * DAY}
        elif roll < 0.94:
            kind, payload = "set", {"state": random_state(rng, key, at)}
        else:
            done = [e for e in events if e.kind != "undo"]
            if not done:
                continue
            kind, payload = "undo", {"event": rng.choice(done).id}
        events.append(Event(new_event_id(at), "A", key, at, kind, payload))
    return events


def random_state(rng: random.Random, key: str, at: float) -> dict[str, object] | None:
    """A whole state as a `set` event writes it (a migrated or imported card): any step,
    learning steps past the scheduler's own, an integral stability."""
    if rng.random() < 0.1:
        return None
    state = rng.choice((1, 2, 3))
    return CardState(
        key=key, deck="d", state=State(state),
        step=None if state == 2 else rng.choice((None, 0, 1, 2, 5)) if state == 1 else
        rng.choice((0, 1, 3)),
        stability=rng.choice((None, 4, rng.uniform(0.01, 300))) if state == 1
        else rng.uniform(0.01, 300),
        difficulty=rng.uniform(1, 10), due=at + rng.uniform(0, 40) * DAY,
        last_review=rng.choice((None, at - rng.uniform(0, 40) * DAY)),
        reps=rng.randrange(30), lapses=rng.randrange(5)).to_dict()


def random_parameters(rng: random.Random) -> tuple[float, ...] | None:
    """fsrs's defaults, or a fit anywhere within fsrs's bounds."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    if rng.random() < 0.4:
        return None
    return tuple(rng.uniform(lo, hi) for lo, hi in zip(LOWER_BOUNDS_PARAMETERS,
                                                         UPPER_BOUNDS_PARAMETERS, strict=True))


def test_random_histories_replay_to_the_bit_as_through_fsrs():
    rng = random.Random(20261201)
    reviews = 0
    for trial in range(1500):
        settings = {"parameters": random_parameters(rng),
                    "desired_retention": rng.choice((0.9, 0.8, 0.97, rng.uniform(0.7, 0.99))),
                    "fuzz": rng.random() < 0.8, "keep_due": rng.random() < 0.8}
        events = applied(random_history(rng))
        fast_log: list = []
        slow_log: list = []
        fast = Replayer(**settings).run(events, None, fast_log)
        slow = Oracle(**settings).run(events, None, slow_log)
        assert fast == slow, (trial, settings)
        # the review log too: every state before and after of every review, to the bit
        assert [(e.id, w, b, a) for e, w, b, a in fast_log] == \
            [(e.id, w, b, a) for e, w, b, a in slow_log]
        if fast is not None:
            assert pack_values(fast) == pack_values(slow)
        reviews += len(fast_log)
    assert reviews > 20_000  # enough reviews to have met every branch many times


def test_learning_steps_and_same_day_reviews_take_every_branch():
    # a fixed walk: new -> learning steps -> review -> lapse -> relearning -> review, with
    # same-day reviews in review state and a Hard on the first step of each kind
    ratings = [2, 1, 3, 3, 3, 3, 1, 2, 3, 4, 1, 4, 2, 3]
    gaps = [0, 60, 300, 600, 600, 5 * DAY, 3600, 60, 600, 600, 9 * DAY, 120, 2 * DAY, 30 * DAY]
    at, events = T0, []
    for rating, dt in zip(ratings, gaps, strict=True):
        at += dt
        events.append(Event(new_event_id(at), "A", "d/a", at, "review", {"rating": rating}))
    for fuzz in (False, True):
        fast_log: list = []
        slow_log: list = []
        assert Replayer(fuzz=fuzz).run(events, None, fast_log) \
            == Oracle(fuzz=fuzz).run(events, None, slow_log)
        assert [x[1:] for x in fast_log] == [x[1:] for x in slow_log]
    seen = {unpack(a, 'd/a').state for _, _, _, a in fast_log}
    assert seen == {State.LEARNING, State.REVIEW, State.RELEARNING}


def test_live_review_equals_fsrs_from_any_stored_state():
    # Scheduler.review (live study) goes through the same step: from states a `set` wrote
    rng = random.Random(5)
    fast = Replayer()
    for _ in range(2000):
        at = T0 + rng.uniform(0, 400) * DAY
        raw = random_state(rng, "d/a", at)
        state = None if raw is None else CardState.from_dict(raw)
        rating, seed = rng.choice((1, 2, 3, 4)), rng.choice((None, new_event_id(at)))
        if seed is None:  # unseeded fuzz comes from the global generator: same draws
            kept = random.getstate()
            got = fast.review(state, key="d/a", rating=rating, at=at, seed=None)
            random.setstate(kept)
        else:
            got = fast.review(state, key="d/a", rating=rating, at=at, seed=seed)
        assert got == fast.review_with_fsrs(state, key="d/a", rating=rating, at=at, seed=seed)


def test_a_state_fsrs_refuses_is_refused_as_fsrs_refuses_it():
    broken = CardState(key="d/a", deck="d", state=State.REVIEW, step=None, stability=None,
                       difficulty=5.0, due=T0, last_review=T0 - DAY)
    with pytest.raises(AssertionError):
        Replayer().review_with_fsrs(broken, key="d/a", rating=3, at=T0, seed="x")
    with pytest.raises(AssertionError):
        Replayer().review(broken, key="d/a", rating=3, at=T0, seed="x")
    fine = replace(broken, stability=3.0)
    assert Replayer().review(fine, key="d/a", rating=3, at=T0, seed="x") \
        == Replayer().review_with_fsrs(fine, key="d/a", rating=3, at=T0, seed="x")


def test_times_round_to_the_microsecond_as_datetime_does():
    rng = random.Random(3)
    samples = [T0, 0.0, 1.5e-6, 2.5e-6, -1.5e-6, 1e9 + 0.9999995, 4_102_444_800.0000005]
    samples += [rng.uniform(-1e9, 4e9) for _ in range(20_000)]
    samples += [round(rng.uniform(0, 4e9)) + rng.randrange(0, 2_000_001) * 5e-7
                for _ in range(20_000)]  # on and near half microseconds
    for t in samples:
        want = (datetime.fromtimestamp(t, UTC) - EPOCH) // timedelta(microseconds=1)
        assert micros(t) == want, t


def test_a_review_time_made_here_reads_back_to_the_same_microsecond():
    # a replay hands a review's microseconds to the next review instead of converting the
    # float it stored back: the two must agree wherever it does so
    from trainer.scheduling.fsrs_step import US
    from trainer.scheduling.replay import EXACT_US

    rng = random.Random(12)
    samples = [0, 1, US - 1, EXACT_US - 1, EXACT_US - US // 2, int(T0 * US)]
    samples += [rng.randrange(EXACT_US) for _ in range(200_000)]
    samples += [EXACT_US - rng.randrange(10**9) for _ in range(50_000)]
    for now in samples:
        assert micros(now / US) == now, now
