"""Replaying a card's journal: deterministic, order-free, undo-aware, and equal to live study."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from trainer.review import State
from trainer.scheduling import AGAIN, GOOD, HARD, Scheduler
from trainer.scheduling.replay import Replayer, replay
from trainer.store.journal import Event, new_event_id

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()
DAY = 86400.0


def review(at: float, rating: int, *, key: str = "d/a", device: str = "A", **payload) -> Event:
    return Event(new_event_id(at), device, key, at, "review", {"rating": rating, **payload})


def event(kind: str, at: float, *, key: str = "d/a", **payload) -> Event:
    return Event(new_event_id(at), "A", key, at, kind, payload)


def history(n: int = 8) -> list[Event]:
    """A card reviewed every few days, one lapse among them."""
    ratings = [GOOD, GOOD, GOOD, AGAIN, GOOD, HARD, GOOD, GOOD][:n]
    return [review(T0 + k * 5 * DAY, r) for k, r in enumerate(ratings)]


def test_replay_gives_the_state_live_study_gave_fuzz_included():
    sched = Scheduler()  # fuzz on, as for a learner
    events = history()
    state = None
    for e in events:
        state = sched.review(key="d/a", deck="d", state=state, rating=e.payload["rating"],
                             now=e.at, seed=e.id)
    assert state is not None and state.reps == 8 and state.lapses == 1
    assert replay(events) == state


def test_the_order_events_arrive_in_does_not_matter():
    events = history()
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    assert replay(shuffled) == replay(events)


def test_the_fuzz_is_drawn_from_the_event_id():
    # the same review on two devices draws the same day; other ids spread over the range
    base = history(3)
    last = base[-1]
    dues = set()
    for k in range(12):  # fixed ids: the draw of each is fixed
        dues.add(replay([*base[:-1], replace(last, id=f"{last.id[:10]}{k:016d}")]).due)
    assert replay(base).due == replay(list(base)).due
    assert len(dues) > 1
    interval = replay(base, fuzz=False).due - last.at  # 37 days: fsrs's range is 33..41,
    # drawn as round(33 + u * 9), so 42 at the very top
    assert all(-4 * DAY <= d - last.at - interval <= 5 * DAY for d in dues)


def test_an_undone_review_is_as_if_it_never_happened():
    events = history(4)
    undo = event("undo", events[-1].at + 5, event=events[-1].id)
    assert replay([*events, undo]) == replay(events[:-1])
    assert replay([review(T0, GOOD)][:0]) is None  # no events: a new card, never stored


def test_suspend_bury_forget_and_reschedule():
    events = history(3)
    t = events[-1].at + 60
    suspended = replay([*events, event("suspend", t)])
    assert suspended.suspended and suspended.reps == 3
    assert not replay([*events, event("suspend", t), event("unsuspend", t + 1)]).suspended
    buried = replay([*events, event("bury", t, until=t + DAY)])
    assert buried.buried_until == t + DAY
    assert replay([*events, event("bury", t, until=t + DAY), review(t + 2, GOOD)]).buried_until \
        is None
    forgotten = replay([*events, event("suspend", t), event("forget", t + 1)])
    assert forgotten.state == State.NEW and forgotten.reps == 0 and forgotten.suspended
    assert forgotten.due == t + 1
    moved = replay([*events, event("reschedule", t, due=t + 30 * DAY)])
    assert moved.due == t + 30 * DAY and moved.stability == replay(events).stability
    # a new card can not be rescheduled; suspending a card never seen stores it as new
    assert replay([event("reschedule", T0, due=T0 + DAY)]) is None
    fresh = replay([event("suspend", T0, key="d/b")])
    assert fresh.state == State.NEW and fresh.deck == "d" and fresh.suspended


def test_a_due_set_outside_fsrs_is_kept_unless_redrawn():
    events = history(3)
    capped = [*events[:-1], replace(events[-1], payload={**events[-1].payload,
                                                         "due": events[-1].at + DAY})]
    assert replay(capped).due == events[-1].at + DAY
    assert replay(capped, keep_due=False) == replay(events)


def test_parameters_change_the_memory_state():
    import fsrs

    events = history()
    weights = list(fsrs.Scheduler().parameters)
    weights[2] *= 2  # initial stability after Good
    default, refit = replay(events), replay(events, parameters=weights)
    assert refit.stability != default.stability
    assert replay(events, desired_retention=0.8).due > replay(events, desired_retention=0.95).due


def test_an_unknown_rating_is_refused():
    with pytest.raises(ValueError, match="rating must be 1-4"):
        Replayer().replay([review(T0, 7)])
