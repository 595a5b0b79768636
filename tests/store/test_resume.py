"""A merge that changes a card's history replays it from its last review before the change
(the review log's states there) and must give what a replay from the first event gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from trainer.scheduling.replay import Replayer, replay
from trainer.store import Store
from trainer.store import events as journal
from trainer.store.journal import Event

DAY = 86400.0
T0 = 1_790_000_000.0


def _device_history(rng: random.Random, keys: list[str], device: str, n: int,
                    mine: list[Event]) -> None:
    """`n` events of one device on these cards: reviews at gaps of minutes to weeks, now and
    then a suspension, a burial or an undo of one of its own earlier events."""
    at = T0 + rng.uniform(0, DAY)
    for k in range(n):
        at += rng.choice((rng.uniform(60, 3600), rng.uniform(0.5, 15) * DAY))
        key = rng.choice(keys)
        roll = rng.random()
        ident = f"01{device}{k:023d}"
        undoable = [e for e in mine if e.kind != "undo"]
        if roll < 0.8 or not undoable:
            e = Event(ident, device, key, at, "review", {"rating": rng.choice((1, 2, 3, 3, 4)),
                                                         "duration_ms": k})
        elif roll < 0.88:
            e = Event(ident, device, key, at, rng.choice(("suspend", "unsuspend", "forget")),
                      {})
        elif roll < 0.92:
            e = Event(ident, device, key, at, "bury", {"until": at + DAY})
        else:
            target = rng.choice(undoable)
            e = Event(ident, device, target.card_key, max(at, target.at), "undo",
                      {"event": target.id})
        mine.append(e)


def _everything(store: Store) -> tuple[list[tuple], ...]:
    return tuple(sorted(store.conn.execute(f"SELECT * FROM {table}"))
                 for table in ("reviews", "review_tally", "card_tally", "cards", "events"))


def _slices(rng: random.Random, events: list[Event]) -> list[list[Event]]:
    slices, start = [], 0
    while start < len(events):
        size = rng.randint(1, 40)
        slices.append(events[start:start + size])
        start += size
    return slices


@pytest.mark.parametrize("seed", range(6))
def test_a_merge_resumed_from_the_review_log_equals_a_replay_from_the_start(
        tmp_path: Path, monkeypatch, seed: int):
    # Two devices study the same few cards; each syncs now and then, so the other's events
    # fall inside histories this store has (sometimes undoing what is here, sometimes
    # undone by what is here). One store resumes replays from the review log, the other
    # replays from the first event: rows (and their ids), tallies, states and events must
    # be the same after every merge, and the states what replaying everything gives.
    rng = random.Random(seed)
    keys = [f"d{k % 2}/c{k}" for k in range(8)]
    a: list[Event] = []
    b: list[Event] = []
    _device_history(rng, keys, "AA", 160, a)
    _device_history(rng, keys, "BB", 160, b)
    arrivals = []  # each device's events in slices, the slices of the two interleaved
    queues = [_slices(rng, a), _slices(rng, b)]
    while any(queues):
        queue = rng.choice([q for q in queues if q])
        arrivals.append(queue.pop(0))
    if seed % 2:  # with the bulk writes (tally statements) as well as row by row
        monkeypatch.setattr(journal, "BULK_ROWS", 0)
    resumed, full = Store.open(tmp_path / "resumed.db"), Store.open(tmp_path / "full.db")
    count = 0
    for batch in arrivals:
        monkeypatch.setattr(journal, "RESUME", True)
        count += resumed.merge_events(batch).resumed
        monkeypatch.setattr(journal, "RESUME", False)
        assert full.merge_events(batch).resumed == 0
        assert _everything(resumed) == _everything(full)
    assert count >= 10  # the path was taken, many times
    everything = [*a, *b]
    for key in keys:
        assert resumed.card_state(key) == replay([e for e in everything if e.card_key == key])


def test_a_review_log_from_other_parameters_is_not_resumed_from(tmp_path: Path, monkeypatch):
    # The review log keeps the states each review was made with; after new FSRS parameters
    # or retention they are not the replay's, so a merge then replays from the first event.
    keys = ["d/a", "d/b"]
    mine = [Event(f"01AA{k:022d}", "AA", keys[k % 2], T0 + k * 2 * DAY, "review",
                  {"rating": 3}) for k in range(12)]
    theirs = [Event(f"01BB{k:022d}", "BB", keys[k % 2], T0 + (9 + k * 2) * DAY, "review",
                    {"rating": 1 + k % 4}) for k in range(6)]
    stores = [Store.open(tmp_path / f"{name}.db") for name in ("resumed", "full")]
    for store in stores:
        store.merge_events(mine)
        store.replay_with(lambda deck: Replayer(desired_retention=0.8))  # noqa: ARG005
    monkeypatch.setattr(journal, "RESUME", True)
    merged = stores[0].merge_events(theirs)
    assert merged.replayed_whole == 2 and merged.resumed == 0
    monkeypatch.setattr(journal, "RESUME", False)
    stores[1].merge_events(theirs)
    assert _everything(stores[0]) == _everything(stores[1])
    # the log rows written since are the new replay's: the next merge resumes from them
    later = [Event(f"01CC{k:022d}", "CC", keys[k % 2], T0 + 15.5 * DAY + k * 3600, "review",
                   {"rating": 3}) for k in range(2)]
    monkeypatch.setattr(journal, "RESUME", True)
    assert stores[0].merge_events(later).resumed == 2
    monkeypatch.setattr(journal, "RESUME", False)
    stores[1].merge_events(later)
    assert _everything(stores[0]) == _everything(stores[1])
    for key in keys:
        assert stores[0].card_state(key) == Replayer(desired_retention=0.8).replay(
            [e for e in [*mine, *theirs, *later] if e.card_key == key])


@pytest.mark.parametrize("logged", ['{"key": "d/a"', '{"state": 9}', '[]', '"text"',
                                    '{"key":"d/a","deck":"d","state":2,"step":null,'
                                    '"stability":-1.0,"difficulty":"x","due":0,'
                                    '"last_review":null,"reps":0,"lapses":0,'
                                    '"content_hash":"","suspended":false,"buried_until":null}'])
def test_a_logged_state_that_can_not_be_read_is_replayed_from_the_start(
        tmp_path: Path, monkeypatch, logged: str):
    # The log's states were never read by a merge before; one damaged by hand or written
    # by something else must not stop a merge: that card is replayed from its first event.
    mine = [Event(f"01AA{k:022d}", "AA", "d/a", T0 + k * 3 * DAY, "review", {"rating": 3})
            for k in range(6)]
    theirs = [Event("01BB" + "0" * 22, "BB", "d/a", T0 + 10 * DAY, "review", {"rating": 1})]
    stores = [Store.open(tmp_path / f"{name}.db") for name in ("resumed", "full")]
    for store in stores:
        store.merge_events(mine)
        store.conn.execute("UPDATE reviews SET state_before = ? WHERE event_id = ?",
                           (logged, mine[3].id))
    monkeypatch.setattr(journal, "RESUME", True)
    assert stores[0].merge_events(theirs).resumed == 0
    monkeypatch.setattr(journal, "RESUME", False)
    stores[1].merge_events(theirs)
    assert _everything(stores[0]) == _everything(stores[1])
    assert stores[0].card_state("d/a") == replay([*mine, *theirs])


def test_the_review_log_a_study_session_writes_is_resumed_from(tmp_path: Path, monkeypatch):
    # What a study session writes (the scheduler's states, the fuzz drawn from the event id)
    # is what the replay gives, so a merge resumes each card from that log.
    from trainer.scheduling import Scheduler
    from trainer.store.journal import new_event_id

    scheduler = Scheduler()
    keys = ["d/a", "d/b", "e/c"]
    stores = [Store.open(tmp_path / f"{name}.db") for name in ("resumed", "full")]
    for store in stores:
        store.replay_with(scheduler.replayer)
    for k in range(15):
        key, at = keys[k % 3], T0 + k * 2 * DAY
        event_id = new_event_id(at)
        for store in stores:
            before = store.card_state(key)
            after = scheduler.review(key=key, deck=key.split("/")[0], state=before,
                                     rating=(3, 3, 1, 4, 2)[k % 5], now=at, seed=event_id)
            store.record_review(before=before, after=after, rating=(3, 3, 1, 4, 2)[k % 5],
                                reviewed_at=at, event_id=event_id)
    theirs = [Event(f"01BB{k:022d}", "BB", keys[k % 3], T0 + (16 + k * 3) * DAY, "review",
                    {"rating": 3}) for k in range(3)]
    monkeypatch.setattr(journal, "RESUME", True)
    assert stores[0].merge_events(theirs).resumed == 3
    monkeypatch.setattr(journal, "RESUME", False)
    stores[1].merge_events(theirs)
    assert _everything(stores[0])[:4] == _everything(stores[1])[:4]  # (two device ids)


def test_a_big_merge_pauses_the_cycle_collector_and_always_turns_it_back_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import gc

    monkeypatch.setattr(journal, "BIG_CACHE_EVENTS", 2)  # these few count as a big merge
    collecting: list[bool] = []
    run = Replayer.run

    def watched(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        collecting.append(gc.isenabled())
        return run(self, *args, **kwargs)

    monkeypatch.setattr(Replayer, "run", watched)
    store = Store.open(tmp_path / "t.db")
    try:
        assert gc.isenabled()
        store.merge_events([Event(f"01A{k:023d}", "B", "d/x", T0 + k * DAY, "review",
                                  {"rating": 3}) for k in range(3)])
        assert collecting and not any(collecting)  # off while the cards were replayed
        assert gc.isenabled()  # and on again after
        with pytest.raises(ValueError):  # a merge that fails (a rating that is no number)
            store.merge_events([Event(f"01B{k:023d}", "B", "d/y", T0 + k * DAY, "review",
                                      {"rating": "x"}) for k in range(3)])
        assert gc.isenabled()
        gc.disable()  # paused by someone else (the browser): left to them
        store.merge_events([Event(f"01C{k:023d}", "B", "d/z", T0 + k * DAY, "review",
                                  {"rating": 3}) for k in range(3)])
        assert not gc.isenabled()
    finally:
        gc.enable()
        store.close()
