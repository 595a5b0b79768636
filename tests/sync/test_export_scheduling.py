"""`trainer export --with-scheduling`: the real `anki` library imports our package and Anki
continues each card where the trainer left off (state, due day, memory, review log)."""

from __future__ import annotations

import pytest

from trainer.cli import main
from trainer.review import Rating, State
from trainer.scheduling.days import study_date
from trainer.store import Store
from trainer.sync.anki_export import DAY, anki_day_start, anki_fields, day_number, ease_factor


def anki_cards(col) -> dict[str, object]:
    """Anki's cards by the trainer card key kept in each note's Key field."""
    return {col.get_card(cid).note()["Key"]: col.get_card(cid) for cid in col.find_cards("")}


def test_anki_continues_each_card_where_the_trainer_left_off(studied, tmp_path, anki_import,
                                                             isolated_user_dirs):
    deck, db, now = studied
    config = isolated_user_dirs / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[decks.sched]\ndesired_retention = 0.85\n")  # the deck's own
    out = tmp_path / "out.apkg"
    assert main(["export", str(deck), "-o", str(out), "--with-scheduling", "--db", str(db)]) == 0
    store = Store.open(db, read_only=True)
    col = anki_import(tmp_path, out)
    try:
        cards = anki_cards(col)
        assert set(cards) == {f"sched/{n}" for n in ("new", "learning", "review", "relearning",
                                                     "suspended", "buried")}
        today = col.sched.today
        for key, card in cards.items():
            state = store.card_state(key)
            reviews = col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", card.id)
            assert reviews == len(store.reviews(key)), key
            assert card.reps == (state.reps if state else 0), key
            if state is None:
                assert (card.type, card.queue, card.ivl) == (0, 0, 0)
                continue
            if state.state == State.REVIEW:
                assert card.type == 2
                # the same day Anki would give it, at whatever hour the export runs
                days_left = (study_date(state.due, day_hour=4) - study_date(now, day_hour=4)).days
                assert card.due - today == days_left, key
                assert card.ivl == round((state.due - state.last_review) / DAY)
            else:  # learning and relearning: due at a time, within the day
                assert card.type == (1 if state.state == State.LEARNING else 3)
                assert abs(card.due - state.due) < 2, key
            assert card.lapses == state.lapses
            assert card.memory_state is not None
            assert card.memory_state.stability == pytest.approx(state.stability, rel=1e-3)
            assert card.memory_state.difficulty == pytest.approx(state.difficulty, rel=1e-3)
            assert card.desired_retention == pytest.approx(0.85)
        queues = {key: card.queue for key, card in cards.items()}
        assert queues == {"sched/new": 0, "sched/learning": 1, "sched/review": 2,
                          "sched/relearning": 1, "sched/suspended": -1, "sched/buried": -3}
        assert cards["sched/relearning"].lapses == 1
        # Anki's own scheduler agrees on what is due: the new card, and the two learning
        # cards due within its 20 minutes of learn-ahead; no review is due yet
        col.decks.select(col.decks.id_for_name("trainer::Scheduling"))
        assert tuple(col.sched.counts()) == (1, 2, 0)
    finally:
        col.close()
        store.close()


def test_exporting_again_updates_anki_without_duplicating(studied, tmp_path, anki_import,
                                                         study_cards):
    deck, db, now = studied
    first, second = tmp_path / "1.apkg", tmp_path / "2.apkg"
    assert main(["export", str(deck), "-o", str(first), "--with-scheduling", "--db", str(db)]) == 0
    exported = len(Store.open(db, read_only=True).reviews())
    store = Store.open(db)
    study_cards(store, "sched/new", [(now - 10, Rating.EASY)])
    store.close()
    deck.write_text(deck.read_text().replace("Answer review.", "A better answer."))
    assert main(["export", str(deck), "-o", str(second), "--with-scheduling", "--db",
                 str(db)]) == 0
    col = anki_import(tmp_path, first)
    try:
        # Anki updates a note whose package copy is newer: the first import was a while ago
        col.db.execute("UPDATE notes SET mod = mod - 60")
        anki_import(tmp_path, second, col)
        assert col.note_count() == 6 and col.card_count() == 6  # matched by GUID
        cards = anki_cards(col)
        assert "A better answer." in cards["sched/review"].note()["Back"]
        # Anki's importer keeps the schedule of a card it already has, and its reviews:
        # nothing is counted twice
        assert col.db.scalar("SELECT count() FROM revlog") == exported
        assert cards["sched/new"].type == 0
    finally:
        col.close()


def test_a_plain_export_carries_no_schedule(studied, tmp_path, anki_import):
    deck, db, _ = studied
    out = tmp_path / "plain.apkg"
    assert main(["export", str(deck), "-o", str(out), "--db", str(db)]) == 0
    col = anki_import(tmp_path, out)
    try:
        assert {c.type for c in anki_cards(col).values()} == {0}
        assert col.db.scalar("SELECT count() FROM revlog") == 0
    finally:
        col.close()


def test_fsrs_difficulty_maps_to_an_ease_anki_accepts():
    assert ease_factor(5.0) == 2500
    assert ease_factor(1.0) > ease_factor(5.0) > ease_factor(10.0) >= 1300
    assert ease_factor(None) == 2500
    new = anki_fields(None, crt=0, position=7, desired_retention=0.9, now=0)
    assert (new.type, new.queue, new.due) == (0, 0, 7)


def test_a_card_buried_until_a_time_past_is_not_buried_in_anki():
    from trainer.store import CardState

    state = CardState(key="d/c", deck="d", state=State.REVIEW, step=None, stability=10.0,
                      difficulty=5.0, due=30 * DAY, last_review=20 * DAY, buried_until=21 * DAY)
    assert anki_fields(state, crt=0, position=0, desired_retention=0.9, now=20 * DAY).queue == -3
    assert anki_fields(state, crt=0, position=0, desired_retention=0.9, now=22 * DAY).queue == 2


def test_anki_due_days_count_from_the_creation_date_to_the_study_date_at_4am():
    """Anki's day n of a collection made at 11:00 UTC (genanki's) starts at 04:00, n days on."""
    from datetime import datetime, timezone

    utc = timezone.utc
    crt = int(datetime(2014, 9, 19, 11, tzinfo=utc).timestamp())

    def at(day: int, hour: int) -> float:
        return datetime(2014, 9, day, hour, tzinfo=utc).timestamp()

    assert day_number(at(19, 12), crt, zone=utc) == 0
    assert day_number(at(29, 3), crt, zone=utc) == 9  # before the rollover: still the 28th
    assert day_number(at(29, 4), crt, zone=utc) == 10
    assert day_number(at(29, 9), crt, zone=utc) == 10  # 24-hour spans from crt said 9
    assert day_number(at(29, 23), crt, zone=utc) == 10
    # an imported card due on day n is due when that day starts, whatever hour crt holds
    for created in (crt, int(at(19, 2)), int(at(19, 23))):
        for t in (at(29, 3), at(29, 4), at(29, 9), at(29, 23)):
            n = day_number(t, created, zone=utc)
            assert anki_day_start(n, created, zone=utc) <= t < anki_day_start(n + 1, created,
                                                                              zone=utc)
