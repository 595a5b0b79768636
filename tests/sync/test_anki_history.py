"""`trainer import --with-history` and `--reviews-only`: reviews done in Anki (the real `anki`
library answers the cards) come into the store as events, once, with Anki's due dates."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from trainer.cli import main
from trainer.review import State
from trainer.store import Store
from trainer.sync.anki_history import event_id

DAY = 86_400


def answer(col, card_id: int, *eases: int) -> None:
    """Answer a card in Anki with its own scheduler, as a learner would."""
    for ease in eases:
        card = col.get_card(card_id)
        card.start_timer()
        col.sched.answerCard(card, ease)


def make_due(col, card_id: int) -> None:
    """Anki's 'set due date' to today: the review card can be answered again now."""
    col.sched.set_due_date([card_id], "0")


@pytest.fixture
def reviewed(anki_collection):
    """The Basic, Cloze and reversed notes of `anki_collection`, studied in Anki: a review
    card, a relearning card, a learning card, an easy graduate, a suspended card, a new one."""
    col = anki_collection
    cards = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        note = card.note()
        name = {"Basic": "basic", "Cloze": f"cloze{card.ord + 1}",
                "Basic (and reversed card)": ("forward", "backward")[card.ord]}[
            note.note_type()["name"]]
        cards[name] = cid
    answer(col, cards["basic"], 3, 3)  # learning, then graduated
    make_due(col, cards["basic"])
    answer(col, cards["basic"], 3)  # a review: due in days
    answer(col, cards["cloze1"], 3, 3)
    make_due(col, cards["cloze1"])
    answer(col, cards["cloze1"], 1)  # lapsed: relearning, due in minutes
    answer(col, cards["cloze2"], 4)  # easy: straight to review
    answer(col, cards["forward"], 1)  # learning
    answer(col, cards["backward"], 3, 3)
    col.sched.suspend_cards([cards["backward"]])
    return col, cards


def trainer_key(col, card_id: int, deck_file: Path) -> str:
    """The key `trainer import` gives the card: its deck and the id derived from the GUID."""
    from trainer.sync.anki_history import card_suffix
    from trainer.sync.anki_import import card_id_for
    from trainer.sync.anki_package import Note, NoteType

    card = col.get_card(card_id)
    note = card.note()
    kind = Note(0, note.guid, NoteType(0, "", (), note.note_type()["type"] == 1, 2), (), ())
    return f"{deck_file.stem}/{card_id_for(note.guid, card_suffix(kind, card.ord))}"


@pytest.mark.parametrize("name,legacy", [("new.apkg", False), ("old.apkg", True),
                                         ("all.colpkg", False)])
def test_imported_cards_keep_ankis_schedule_and_reimport_adds_nothing(
        reviewed, export_package, tmp_path, name, legacy, capsys):
    col, cards = reviewed
    today = col.sched.today
    anki_cards = {n: col.get_card(cid) for n, cid in cards.items()}
    revlog = {n: col.db.scalar("SELECT count() FROM revlog WHERE cid = ? AND ease > 0", cid)
              for n, cid in cards.items()}
    out = tmp_path / "decks" / "anki.yaml"
    keys = {n: trainer_key(col, cid, out) for n, cid in cards.items()}
    package = export_package(col, name, legacy=legacy)
    db = tmp_path / "t.db"
    now = time.time()
    assert main(["import", str(package), "-o", str(out), "--with-history", "--db", str(db)]) == 0
    assert "imported 10 reviews of 5 cards" in capsys.readouterr().out
    store = Store.open(db)
    try:
        for n, card in anki_cards.items():
            state = store.card_state(keys[n])
            assert len(store.reviews(keys[n])) == revlog[n], n
            if card.type == 0:
                assert state is None, n
                continue
            assert state.reps == revlog[n]
            assert int(state.state) == {1: State.LEARNING, 2: State.REVIEW,
                                        3: State.RELEARNING}[card.type], n
            if card.type == 2:
                assert abs((card.due - today) - (state.due - now) / DAY) <= 1, n
            else:  # due at a time: within Anki's few minutes of learning fuzz
                assert abs(card.due - state.due) < 600, n
            assert state.stability and state.difficulty, n
        assert store.card_state(keys["backward"]).suspended
        assert store.card_state(keys["basic"]).due - now > DAY  # a review, days away
        before = {n: store.card_state(k) for n, k in keys.items()}
        total = len(store.reviews())
    finally:
        store.close()
    assert main(["import", str(package), "-o", str(out), "--with-history", "--db", str(db)]) == 0
    assert "nothing new" in capsys.readouterr().out
    store = Store.open(db)
    try:
        assert len(store.reviews()) == total
        assert {n: store.card_state(k) for n, k in keys.items()} == before
    finally:
        store.close()


def test_event_ids_are_ulids_derived_from_the_review():
    from ulid import ULID

    first = event_id("guid-a", 0, 1_700_000_000_123)
    assert first == event_id("guid-a", 0, 1_700_000_000_123)
    assert ULID.from_str(first).milliseconds == 1_700_000_000_123
    assert len({first, event_id("guid-b", 0, 1_700_000_000_123),
                event_id("guid-a", 1, 1_700_000_000_123),
                event_id("guid-a", 0, 1_700_000_000_124)}) == 4


def test_history_needs_an_anki_package(tmp_path, capsys):
    src = tmp_path / "cards.csv"
    src.write_text("prompt,answer\nQ?,A.\n", encoding="utf-8")
    assert main(["import", str(src), "--with-history"]) == 2
    assert "from an Anki package" in capsys.readouterr().err


def test_reviews_done_in_anki_come_back_once(studied, tmp_path, anki_import, monkeypatch,
                                              capsys):
    """Export with scheduling, review some cards in Anki, bring its collection back."""
    deck, db, _ = studied
    monkeypatch.setenv("TRAINER_DECKS", str(deck.parent))
    package = tmp_path / "out.apkg"
    assert main(["export", str(deck), "-o", str(package), "--with-scheduling", "--db",
                 str(db)]) == 0
    store = Store.open(db)
    before = {k: store.card_state(k) for k in ("sched/new", "sched/learning", "sched/review")}
    ours = len(store.reviews())
    store.close()
    col = anki_import(tmp_path, package)
    by_key = {col.get_card(cid).note()["Key"]: cid for cid in col.find_cards("")}
    answer(col, by_key["sched/new"], 4)
    answer(col, by_key["sched/learning"], 3)
    make_due(col, by_key["sched/review"])
    answer(col, by_key["sched/review"], 3)
    other = col.new_note(col.models.by_name("Basic"))  # a note of Anki's own
    other["Front"], other["Back"] = "Not from the trainer", "-"
    col.add_note(other, col.decks.id("Default"))
    answer(col, other.cards()[0].id, 3)
    colpkg = tmp_path / "phone.colpkg"
    col.export_collection_package(str(colpkg), include_media=False, legacy=False)
    col.close()

    assert main(["import", str(colpkg), "--reviews-only", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert "imported 3 new events from 21 reviews of 6 cards" in out
    assert f"skipped 1 review of 1 note whose GUID matches no card in your decks: {other.guid}" \
        in err
    store = Store.open(db)
    after = {k: store.card_state(k) for k in before}
    assert len(store.reviews()) == ours + 3  # the reviews Anki had from us are not doubled
    assert after["sched/new"].state == State.REVIEW  # Easy on a new card
    assert after["sched/learning"].state == State.REVIEW  # Good on its last step
    for key in before:
        assert after[key].reps == (before[key].reps if before[key] else 0) + 1
        assert after[key].last_review > before[key].last_review if before[key] else True
    assert after["sched/review"].due > before["sched/review"].due
    first = {k: store.card_state(k) for k in before}
    store.close()

    assert main(["import", str(colpkg), "--reviews-only", "--db", str(db)]) == 0
    assert "21 reviews of 6 cards read, all here already: nothing new" in capsys.readouterr().out
    store = Store.open(db)
    assert len(store.reviews()) == ours + 3
    assert {k: store.card_state(k) for k in before} == first
    store.close()

    # imported as a deck, the trainer's own notes are not made into cards a second time:
    # only Anki's note is, and the reviews of the others stay where they are
    deck_out = tmp_path / "phone.yaml"
    assert main(["import", str(colpkg), "-o", str(deck_out), "--with-history", "--db",
                 str(db)]) == 0
    err = capsys.readouterr().err
    assert "skipped 6 notes that `trainer export` wrote" in err and "--reviews-only" in err
    assert deck_out.read_text().count("- id: ") == 1
    store = Store.open(db)
    assert len(store.reviews()) == ours + 3 + 1  # Anki's note's one review, nothing doubled
    store.close()
    assert main(["import", str(package), "-o", str(tmp_path / "again.yaml")]) == 2
    assert "--reviews-only" in capsys.readouterr().err
    assert not (tmp_path / "again.yaml").exists()


def test_reviews_only_from_a_damaged_package_is_a_message(tmp_path, capsys):
    bad = tmp_path / "phone.colpkg"
    bad.write_bytes(b"not a zip at all")
    assert main(["import", str(bad), "--reviews-only", "--db", str(tmp_path / "t.db")]) == 2
    assert "not an Anki package" in capsys.readouterr().err
    assert not (tmp_path / "t.db").exists()


def test_a_card_moved_or_forgotten_in_anki_is_so_here(anki_collection, export_package,
                                                        tmp_path, capsys):
    """'Set due date' after the last review moves the card here too; 'Forget' makes it new."""
    col = anki_collection
    cids = sorted(col.find_cards(""))
    moved, forgotten = cids[0], cids[1]
    for cid in (moved, forgotten):
        answer(col, cid, 3, 3)
    col.sched.set_due_date([moved], "30")
    col.sched.schedule_cards_as_new([forgotten])
    out = tmp_path / "decks" / "anki.yaml"
    keys = {cid: trainer_key(col, cid, out) for cid in (moved, forgotten)}
    due_in = col.get_card(moved).due - col.sched.today
    package = export_package(col, "moved.colpkg")  # Anki closes the collection
    now = time.time()
    assert main(["import", str(package), "-o", str(out), "--with-history", "--db",
                 str(tmp_path / "t.db")]) == 0
    store = Store.open(tmp_path / "t.db")
    try:
        assert due_in == 30
        assert abs((store.card_state(keys[moved]).due - now) / DAY - due_in) <= 1
        state = store.card_state(keys[forgotten])
        assert state is None or state.state == State.NEW
        assert len(store.reviews(keys[forgotten])) == 2  # its history is kept
    finally:
        store.close()
