"""The journal: every change is an event, undo cancels by id, states replay, old logs migrate."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from trainer.review import Rating, State
from trainer.scheduling import Scheduler
from trainer.scheduling.replay import replay
from trainer.store import CardState, Store
from trainer.store.journal import Event

DAY = 86400.0
T0 = 1_790_000_000.0


def test_each_review_is_an_event_with_device_card_time_and_payload(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    sched = Scheduler()
    from trainer.store.journal import new_event_id

    eid = new_event_id(T0)
    after = sched.review(key="d/a", deck="d", state=None, rating=3, now=T0, seed=eid,
                         content_hash="h1")
    store.record_review(before=None, after=after, rating=Rating.GOOD, reviewed_at=T0,
                        answer="1/n", verdict="correct", duration_ms=1200, event_id=eid)
    (event,) = store.events()
    assert (event.id, event.device, event.card_key, event.at, event.kind) == (
        eid, store.device_id, "d/a", T0, "review")
    assert event.payload == {"rating": 3, "answer": "1/n", "verdict": "correct",
                             "duration_ms": 1200, "review_number": 0, "content_hash": "h1"}
    store.close()
    again = Store.open(tmp_path / "t.db")
    assert again.device_id == event.device  # made once per database
    assert Store.open(tmp_path / "other.db").device_id != event.device


def test_undo_is_an_event_and_nothing_is_deleted(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    store.replay_with(Scheduler(fuzz=False).replayer)
    sched = Scheduler(fuzz=False)
    first = sched.review(key="d/a", deck="d", state=None, rating=3, now=T0)
    one = store.record_review(before=None, after=first, rating=3, reviewed_at=T0)
    second = sched.review(key="d/a", deck="d", state=first, rating=1, now=T0 + 600)
    store.record_review(before=first, after=second, rating=1, reviewed_at=T0 + 600)
    (_, two_event) = [e.id for e in store.events("d/a")]
    undone = store.undo_review(two_event)
    assert undone is not None and undone.after == second
    assert store.card_state("d/a") == first
    kinds = [(e.kind, e.payload.get("event")) for e in store.events("d/a")]
    assert kinds == [("review", None), ("review", None), ("undo", two_event)]
    assert [r.id for r in store.reviews()] == [one]  # the log cache drops it
    assert store.undo_review(two_event) is None  # already undone
    assert replay(store.events("d/a"), fuzz=False) == store.card_state("d/a")


def test_suspend_bury_and_their_undo_in_a_session_are_events(tmp_path: Path, recall_deck):
    from trainer.config import Settings
    from trainer.decks import load_decks
    from trainer.session import StudySession

    cards = load_decks([recall_deck]).cards
    store = Store.open(tmp_path / "t.db")
    clock = iter(T0 + k for k in range(100))
    session = StudySession(store, cards, Settings(), Scheduler(fuzz=False),
                           clock=lambda: next(clock))
    key = session.current.key
    session.suspend()
    assert store.card_state(key).suspended
    assert [e.kind for e in store.events(key)] == ["suspend"]
    session.undo()
    assert store.card_state(key) is None or not store.card_state(key).suspended
    assert [e.kind for e in store.events(key)] == ["suspend", "undo"]
    session.bury()
    assert store.card_state(key).buried_until is not None
    assert store.events(key)[-1].payload["until"] == store.card_state(key).buried_until


def test_merging_foreign_events_is_idempotent_and_replays_the_card(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    events = [Event(f"01ANKI{k:020d}", "anki", "d/a", T0 + k * 3 * DAY, "review",
                    {"rating": 3}) for k in range(4)]
    merged = store.merge_events(events)
    assert (merged.added, merged.per_device, merged.cards) == (4, {"anki": 4}, 1)
    state = store.card_state("d/a")
    assert state == replay(events) and state.reps == 4
    assert len(store.reviews("d/a")) == 4
    again = store.merge_events(events)
    assert again.added == 0 and store.card_state("d/a") == state
    assert len(store.events()) == 4 and len(store.reviews("d/a")) == 4
    # an older event merged later goes into its place in the history
    early = Event("01ANKI" + "9" * 20, "phone", "d/a", T0 - DAY, "review", {"rating": 1})
    merged = store.merge_events([early])
    assert merged.replayed_whole == 1
    assert store.card_state("d/a") == replay([*events, early])
    assert [r.reviewed_at for r in store.reviews("d/a")][0] == T0 - DAY


def test_payloads_of_a_big_merge_read_back_as_they_were(tmp_path: Path, monkeypatch):
    # a big merge writes its payloads by orjson where it can, by json what orjson can not
    # write as json does (NaN, a number past 64 bits); reading them back (by orjson, or by
    # json where orjson refuses or is not imported yet) gives what json read before
    import math

    from trainer.store import journal
    from trainer.store.events import BULK_ROWS

    odd = [{"rating": 3, "answer": None, "verdict": "√2/π ✓"},
           {"rating": 3, "duration_ms": math.nan, "answer": "null"},
           {"rating": 3, "note": 10**30},
           {"rating": 3, "due": 1e-05, "note": {"1": [1.5, True, None, -0.0, {"x": -math.inf}]}}]
    events = [Event(f"01ID{k:022d}", "x", f"d/{k % 50}", T0 + k * 60, "review",
                    dict(odd[k % len(odd)])) for k in range(BULK_ROWS)]
    store = Store.open(tmp_path / "t.db")
    store.merge_events(events)

    def canonical(payloads: list[dict]) -> list[str]:
        return [json.dumps(p, sort_keys=True) for p in payloads]

    want = canonical([e.payload for e in sorted(events, key=lambda e: e.id)])
    assert journal._fast is not None  # the merge read and wrote by orjson
    assert canonical([e.payload for e in sorted(store.events(), key=lambda e: e.id)]) == want
    monkeypatch.setattr(journal, "_fast", None)  # as a store that has not imported it
    assert canonical([e.payload for e in sorted(store.events(), key=lambda e: e.id)]) == want


def test_replay_all_rebuilds_the_cache(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    events = [Event(f"01ID{k:022d}", "x", f"d/{k % 3}", T0 + k * DAY, "review",
                    {"rating": 1 + k % 4}) for k in range(12)]
    store.merge_events(events)
    want = {k: store.card_state(k) for k in ("d/0", "d/1", "d/2")}
    store.conn.execute("UPDATE cards SET stability = 99")  # a damaged cache
    assert store.replay_all() == 3
    assert {k: store.card_state(k) for k in want} == want


# --- the migration from schema 5 ------------------------------------------------------------


def v5_database(path: Path) -> dict[str, CardState]:
    """A database as schema 5 wrote it (fuzz drawn at random): reviews, an undone review,
    a suspended card, a forgotten one, a buried and a rescheduled one. Returns its states."""
    from trainer.store.schema import migrate_to

    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 6):
        migrate_to(conn, version)
    conn.execute("PRAGMA user_version=5")
    sched = Scheduler()  # fuzz on, unseeded: replay can not redraw these dues
    states: dict[str, CardState | None] = {}

    def review(key: str, rating: int, at: float, *, answer: str | None = None) -> int:
        before = states.get(key)
        after = sched.review(key=key, deck="d", state=before, rating=rating, now=at,
                             content_hash="h-" + key)
        cur = conn.execute(
            "INSERT INTO reviews (card_key, reviewed_at, rating, answer, verdict, duration_ms, "
            "state_before, state_after) VALUES (?,?,?,?,?,?,?,?)",
            (key, at, rating, answer, "correct" if answer else None, 900,
             None if before is None else json.dumps(before.to_dict()),
             json.dumps(after.to_dict())))
        states[key] = after
        return cur.lastrowid

    for k, rating in enumerate([3, 3, 3, 1, 3, 4, 3]):
        review("d/long", rating, T0 + k * 6 * DAY, answer=f"x{k}")
    review("d/undone", 3, T0)
    review("d/undone", 3, T0 + 5 * DAY)
    last = review("d/undone", 1, T0 + 20 * DAY)  # undone in schema 5: its row deleted
    conn.execute("DELETE FROM reviews WHERE id=?", (last,))
    states["d/undone"] = json_state(conn, "d/undone")
    review("d/suspended", 3, T0)
    review("d/suspended", 3, T0 + 3 * DAY)
    states["d/suspended"] = replace(states["d/suspended"], suspended=True)
    review("d/forgotten", 3, T0)
    review("d/forgotten", 4, T0 + 4 * DAY)
    states["d/forgotten"] = CardState(key="d/forgotten", deck="d", state=State.NEW, step=None,
                                      stability=None, difficulty=None, due=T0 + 9 * DAY,
                                      last_review=None, content_hash="h-d/forgotten")
    review("d/forgotten", 3, T0 + 10 * DAY)  # studied again after the forget
    review("d/moved", 3, T0)
    review("d/moved", 3, T0 + 2 * DAY)
    states["d/moved"] = replace(states["d/moved"], due=T0 + 40 * DAY)
    review("d/buried", 2, T0)
    states["d/buried"] = replace(states["d/buried"], buried_until=T0 + DAY)
    states["d/new-suspended"] = CardState(key="d/new-suspended", deck="d", state=State.NEW,
                                          step=None, stability=None, difficulty=None,
                                          due=T0 + 7, last_review=None, suspended=True)
    for state in states.values():
        conn.execute("INSERT OR REPLACE INTO cards (key, deck, state, step, stability, "
                     "difficulty, due, last_review, reps, lapses, content_hash, suspended, "
                     "buried_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                     (state.key, state.deck, state.state, state.step, state.stability,
                      state.difficulty, state.due, state.last_review, state.reps, state.lapses,
                      state.content_hash, int(state.suspended), state.buried_until))
    conn.close()
    return states


def json_state(conn: sqlite3.Connection, key: str) -> CardState:
    (text,) = conn.execute("SELECT state_after FROM reviews WHERE card_key=? ORDER BY id DESC "
                           "LIMIT 1", (key,)).fetchone()
    return CardState.from_dict(json.loads(text))


def test_a_schema_5_database_migrates_to_events_with_identical_states(tmp_path: Path):
    path = tmp_path / "v5.db"
    states = v5_database(path)
    conn = sqlite3.connect(path)
    log = conn.execute("SELECT id, card_key, reviewed_at, rating, answer FROM reviews "
                       "ORDER BY id").fetchall()
    conn.close()
    store = Store.open(path)
    for key, state in states.items():
        assert store.card_state(key) == state, key
    # the log is kept, each review tied to its event
    assert [(r.id, r.card_key, r.reviewed_at, r.rating, r.answer) for r in store.reviews()] \
        == sorted(log, key=lambda r: (r[2], r[0]))
    reviews = {e.id: e for e in store.events() if e.kind == "review"}
    assert len(reviews) == len(log) and all(r.event_id in reviews for r in store.reviews())
    # the journal alone gives every state back
    store.conn.execute("DELETE FROM cards")
    assert store.replay_all() == len(states)
    for key, state in states.items():
        assert store.card_state(key) == state, key
    kinds = {e.card_key: [x.kind for x in store.events(e.card_key)] for e in store.events()}
    assert kinds["d/suspended"][-1] == "suspend"
    assert "forget" in kinds["d/forgotten"] and kinds["d/moved"][-1] == "reschedule"
    assert kinds["d/buried"][-1] == "bury" and kinds["d/new-suspended"] == ["suspend"]
    assert "set" not in {k for ks in kinds.values() for k in ks}  # every state explained


def big_v6_database(path: Path, cards: int, per_card: int) -> None:
    """A schema 6 database with `cards` cards of `per_card` reviews each, every review
    keeping its states as JSON (as the review log did before the journal)."""
    from trainer.store.schema import migrate_to

    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 7):
        migrate_to(conn, version)
    conn.execute("PRAGMA user_version=6")
    sched = Scheduler()
    conn.execute("BEGIN")
    for c in range(cards):
        key, state = f"d/c{c:05d}", None
        for k in range(per_card):
            after = sched.review(key=key, deck="d", state=state, rating=1 + (c + k) % 4,
                                 now=T0 + k * 3 * DAY + c, content_hash="h")
            conn.execute(
                "INSERT INTO reviews (card_key, reviewed_at, rating, answer, verdict, "
                "duration_ms, state_before, state_after) VALUES (?,?,?,?,?,?,?,?)",
                (key, T0 + k * 3 * DAY + c, 1 + (c + k) % 4, f"answer {k}", None, 900,
                 None if state is None else json.dumps(state.to_dict()),
                 json.dumps(after.to_dict())))
            state = after
        assert state is not None
        conn.execute("INSERT INTO cards (key, deck, state, step, stability, difficulty, due, "
                     "last_review, reps, lapses, content_hash, suspended) "
                     "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                     (key, "d", state.state, state.step, state.stability, state.difficulty,
                      state.due, state.last_review, state.reps, state.lapses, "h",
                      int(c % 7 == 0)))
    conn.execute("COMMIT")
    conn.close()


def _journal(path: Path) -> list[tuple]:
    """The journal a migration wrote, without its random ids, and each log row's event."""
    conn = sqlite3.connect(path)
    try:
        return [*conn.execute("SELECT card_key, at, kind, payload FROM events ORDER BY seq"),
                *conn.execute("SELECT r.id, e.seq FROM reviews AS r "
                              "LEFT JOIN events AS e ON e.id = r.event_id ORDER BY r.id")]
    finally:
        conn.close()


def test_the_journal_migration_streams_the_log_in_chunks(tmp_path: Path, monkeypatch):
    """The migration holds a chunk of the review log at a time, not all of it (a million
    reviews took 1.65 GB), and writes the same journal in chunks as in one go."""
    import shutil
    import tracemalloc

    from trainer.store import migrate_journal as events_module

    big_v6_database(tmp_path / "v6.db", cards=300, per_card=30)
    shutil.copy(tmp_path / "v6.db", tmp_path / "whole.db")
    big_v6_database(tmp_path / "warm.db", cards=2, per_card=2)
    Store.open(tmp_path / "warm.db").close()  # imports and caches made before measuring
    monkeypatch.setattr(events_module, "_MIGRATION_CHUNK", 10**9)
    Store.open(tmp_path / "whole.db").close()
    monkeypatch.setattr(events_module, "_MIGRATION_CHUNK", 200)
    tracemalloc.start()
    try:
        Store.open(tmp_path / "v6.db").close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the log's 9,000 rows hold about 6 MB of JSON states alone
    assert peak < 3_000_000, f"{peak / 1e6:.1f} MB"
    assert _journal(tmp_path / "v6.db") == _journal(tmp_path / "whole.db")
    store = Store.open(tmp_path / "v6.db")
    assert len(store.reviews()) == 9000 and all(r.event_id for r in store.reviews())


# --- merging: the fast paths equal a full replay ------------------------------------------------


def _history(rng, key: str, n: int) -> list[Event]:
    """A card's reviews at random gaps (minutes to weeks), a suspension and an undo or two."""
    at, events = T0 + rng.uniform(0, DAY), []
    for k in range(n):
        at += rng.choice((rng.uniform(60, 3600), rng.uniform(0.5, 20) * DAY))
        roll = rng.random()
        if roll < 0.85 or not events:
            e = Event(f"01R{key[-2:]}{k:021d}", rng.choice("AB"), key, at, "review",
                      {"rating": rng.choice((1, 2, 3, 3, 4)), "duration_ms": k})
        elif roll < 0.93:
            e = Event(f"01S{key[-2:]}{k:021d}", "A", key, at, rng.choice(("suspend",
                                                                          "unsuspend")), {})
        else:
            e = Event(f"01U{key[-2:]}{k:021d}", "B", key, at, "undo",
                      {"event": rng.choice([x for x in events if x.kind != "undo"]).id})
        events.append(e)
    return events


def _log(store: Store) -> list[tuple]:
    return sorted(store.conn.execute(
        "SELECT card_key, reviewed_at, rating, duration_ms, state_before, state_after, event_id "
        "FROM reviews"))


def _tallies(store: Store) -> tuple[list[tuple], list[tuple]]:
    return (sorted(store.conn.execute("SELECT * FROM review_tally WHERE reviews != 0")),
            sorted(store.conn.execute("SELECT * FROM card_tally WHERE mature + recalled != 0")))


def _merge_in_slices(store: Store, events: list[Event], size: int) -> tuple[int, int]:
    """Merge the events `size` at a time; returns how many cards continued from their
    cached state and how many were replayed whole."""
    continued = replayed = 0
    for start in range(0, len(events), size):
        merged = store.merge_events(events[start:start + size])
        continued += merged.cards - merged.replayed_whole
        replayed += merged.replayed_whole
    return continued, replayed


def _everything(store: Store) -> tuple[list[tuple], ...]:
    return tuple(sorted(store.conn.execute(f"SELECT * FROM {table}"))
                 for table in ("reviews", "review_tally", "card_tally", "cards"))


def test_merges_in_any_slices_give_what_one_full_replay_gives(tmp_path: Path, monkeypatch):
    # A learner's events arrive in slices: mostly after what the store has (each card then
    # continues from its cached state), sometimes inside its history or undoing something
    # (the card is replayed whole). The states, the review log rows and the statistics'
    # tallies must be what merging everything at once gives, and what a full replay gives.
    import random

    from trainer.store import events as journal

    rng = random.Random(16)
    keys = [f"d/c{k:02d}" for k in range(10)]
    events = sorted((e for key in keys for e in _history(rng, key, 25)), key=lambda e: e.order)
    late = events[:-40] + rng.sample(events[-40:], 40)  # the last ones out of order
    # the log written row by row (the tally triggers) and in bulk (tallied by statements)
    monkeypatch.setattr(journal, "BULK_ROWS", 10**9)
    sliced, whole = Store.open(tmp_path / "sliced.db"), Store.open(tmp_path / "whole.db")
    continued, replayed = _merge_in_slices(sliced, late, 17)
    assert continued > 50 and replayed > 5  # both paths were taken, many times
    monkeypatch.setattr(journal, "BULK_ROWS", 0)
    bulk = Store.open(tmp_path / "bulk.db")
    _merge_in_slices(bulk, late, 17)
    assert _everything(bulk) == _everything(sliced)  # the same rows, ids and tallies
    # the statistics' log of changed cards: the same cards logged, in the same order
    assert _changes(bulk) == _changes(sliced) and len(_changes(bulk)) > 50
    assert {r[0] for r in bulk.conn.execute("SELECT name FROM sqlite_master WHERE "
                                            "type = 'trigger'")} >= set(journal_triggers())
    whole.merge_events(events)
    for key in keys:
        assert sliced.card_state(key) == whole.card_state(key) == replay(whole.events(key))
    assert _log(sliced) == _log(whole)
    assert _tallies(sliced) == _tallies(whole)
    # a full replay of every card (the undo path) rewrites nothing
    before = _everything(sliced)
    sliced.replay_cards(keys)
    assert _everything(sliced) == before
    assert sliced.replay_all() == len(keys)
    assert _everything(sliced) == before
    # rows that differ from their events in more than the states (a migrated row's time
    # was moved off a tie; an older trainer wrote the answer otherwise) are rewritten whole
    early = [Event(f"01X{k:023d}", "C", key, T0 - DAY + k, "review", {"rating": 3})
             for k, key in enumerate(keys)]
    for store, bulk_rows in ((sliced, 10**9), (bulk, 0)):
        store.conn.execute("UPDATE reviews SET reviewed_at = reviewed_at - 5e-4, "
                           "answer = 'old' WHERE id % 3 = 0")
        monkeypatch.setattr(journal, "BULK_ROWS", bulk_rows)
        assert store.merge_events(early).replayed_whole == len(keys)
    assert _everything(bulk) == _everything(sliced)
    assert sliced.conn.execute("SELECT COUNT(*) FROM reviews WHERE answer = 'old'").fetchone() \
        == (0,)


def journal_triggers() -> tuple[str, ...]:
    from trainer.store.cache_writes import CARD_TRIGGERS
    from trainer.store.tally import TRIGGERS

    return (*TRIGGERS, *CARD_TRIGGERS)


def _changes(store: Store) -> list[tuple]:
    return store.conn.execute("SELECT seq, key FROM card_changes ORDER BY seq").fetchall()


def test_payloads_are_stored_as_json_dumps_writes_them():
    import random

    from trainer.store.journal import dump_payload

    rng = random.Random(2)
    values = [None, True, 0, -3, 2**70, 0.1, 1e300, float("inf"), "", "σ²/n", 'a"\\\n', [1, "x"]]
    for _ in range(2000):
        payload = {rng.choice(("rating", "due", "answer", "é", "z", "state")):
                   rng.choice([*values, {"b": rng.choice(values), "a": 1}])
                   for _ in range(rng.randrange(6))}
        assert dump_payload(payload) == json.dumps(payload, separators=(",", ":"),
                                                   sort_keys=True)


@pytest.mark.parametrize("by_orjson", [False, True])
def test_payloads_are_read_as_json_loads_reads_them(monkeypatch, by_orjson):
    # (orjson reads them once a merge or replay has imported it)
    from trainer.store import journal
    from trainer.store.events import _payload

    monkeypatch.setattr(journal, "_fast", journal.fast_json() if by_orjson else None)
    for text in ('{"rating":3}', ' {"a": 1} ', '{"a":1} x', '{"a":1}{"b":2}', "", "\ufeff{}",
                 b'{"a":1}', "[1]", "NaN", '{"a":1', "3", '"x"', '{"é":"σ"}', "1e999",
                 '{"n":123456789012345678901234567890}', '{"n":-9223372036854775809}',
                 '"\\ud800"', '{"a":[1.5,-0.0,true,null]}'):
        try:
            want: object = json.loads(text)
        except ValueError as exc:
            want = type(exc)
        try:
            got: object = _payload(text)
        except ValueError as exc:
            got = type(exc)
        assert repr(got) == repr(want), text  # (repr: NaN is not equal to itself)


def test_events_read_from_sync_are_what_the_event_constructor_makes():
    # Event.from_dict takes sync's own form without conversions and anything else through
    # str()/float(): the events (and the refusals) are the same either way
    import dataclasses
    import random

    from trainer.store.journal import KINDS, make_event

    rng = random.Random(5)
    values = ["01ID", "", "é", 3, 2.5, 1700000000.25, True, None, [1], {"a": 1}, "review"]
    for _ in range(3000):
        data = {"id": "01ABC", "device": "D1", "card": "d/c", "at": 1.7e9 + rng.random(),
                "kind": rng.choice(KINDS), "payload": {"rating": 3}}
        for name in rng.sample(sorted(data), rng.randrange(3)):
            if rng.random() < 0.2:
                del data[name]
            else:
                data[name] = rng.choice(values)
        try:
            got: object = Event.from_dict(data)
        except ValueError as exc:
            got = ("refused", str(exc))
        try:
            want: object = Event(id=str(data["id"]), device=str(data["device"]),
                                 card_key=str(data["card"]), at=float(data["at"]),
                                 kind=str(data["kind"]), payload=dict(data.get("payload") or {}))
            if str(data["kind"]) not in KINDS:
                want = ("refused", f"unknown event kind {str(data['kind'])!r}")
        except (KeyError, TypeError, ValueError) as exc:
            want = ("refused", f"not an event ({exc!s})")
        assert repr(got) == repr(want), data
        if isinstance(got, Event):
            assert got == want and type(got.at) is float and got.payload is not data.get("payload")
    made = make_event("01A", "D", "d/c", 1.5, "review", {"rating": 3})
    assert made == Event("01A", "D", "d/c", 1.5, "review", {"rating": 3})
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.at = 2.0  # type: ignore[misc]


def test_a_merge_adds_each_event_id_once(tmp_path: Path):
    # all new (the fast path: every row went in), some already here, one id twice in a batch
    store = Store.open(tmp_path / "t.db")
    first = [Event(f"01M{k:023d}", "B", "d/a", T0 + k, "review", {"rating": 3}) for k in range(3)]
    merged = store.merge_events(first)
    assert (merged.added, merged.per_device) == (3, {"B": 3})
    twin = Event(f"01M{9:023d}", "B", "d/a", T0 + 9, "review", {"rating": 1})
    other = Event(twin.id, "B", "d/a", T0 + 10, "review", {"rating": 4})
    merged = store.merge_events([*first, twin, other])
    assert (merged.added, merged.per_device) == (1, {"B": 1})
    assert [e.id for e in store.events("d/a")] == [e.id for e in [*first, twin]]
    assert store.events("d/a")[-1].payload == {"rating": 1}  # the first of the two
    assert store.merge_events([*first, twin]).added == 0
