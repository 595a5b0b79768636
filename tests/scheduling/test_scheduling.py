"""FSRS integration and the queue policy, at fixed UTC times."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from trainer.config import Settings
from trainer.decks import load_decks
from trainer.scheduling import AGAIN, GOOD, Scheduler, build_queue, day_start
from trainer.store import Store

T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC).timestamp()


def test_good_moves_a_learning_card_on():
    sched = Scheduler(fuzz=False)
    first = sched.review(key="d/a", deck="d", state=None, rating=GOOD, now=T0)
    assert first.state == 1 and first.step == 1  # learning, second step
    assert first.due == T0 + 600  # the 10-minute learning step
    second = sched.review(key="d/a", deck="d", state=first, rating=GOOD, now=first.due)
    assert second.state == 2  # graduated to review
    assert second.due - first.due >= 86400
    assert second.reps == 2 and second.lapses == 0


def test_again_sends_a_review_card_to_relearning_and_counts_a_lapse():
    sched = Scheduler(fuzz=False)
    s = sched.review(key="d/a", deck="d", state=None, rating=GOOD, now=T0)
    s = sched.review(key="d/a", deck="d", state=s, rating=GOOD, now=s.due)
    assert s.state == 2
    lapsed = sched.review(key="d/a", deck="d", state=s, rating=AGAIN, now=s.due)
    assert lapsed.state == 3 and lapsed.lapses == 1
    assert lapsed.stability < s.stability
    assert lapsed.due == s.due + 600  # the relearning step


def test_a_day_starts_at_the_configured_hour(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        at_3am = datetime(2026, 11, 20, 3, 0, tzinfo=UTC).timestamp()
        at_5am = datetime(2026, 11, 20, 5, 0, tzinfo=UTC).timestamp()
        assert day_start(at_3am, 4) == datetime(2026, 11, 19, 4, 0, tzinfo=UTC).timestamp()
        assert day_start(at_5am, 4) == datetime(2026, 11, 20, 4, 0, tzinfo=UTC).timestamp()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def _cards(write_deck, n: int):
    body = "deck: q\ntitle: Q\ncards:\n" + "".join(
        f"  - id: c{i}\n    kind: recall\n    prompt: P{i}\n    answer: A{i}\n" for i in range(n))
    return load_decks([write_deck(body, "q.yaml")]).cards


def test_due_reviews_come_before_new_cards_and_new_cards_are_capped(tmp_path: Path, write_deck):
    cards = _cards(write_deck, 30)
    store = Store.open(tmp_path / "t.db")
    sched = Scheduler(fuzz=False)
    earlier = T0 - 10 * 86400
    for card in cards[25:]:
        s = sched.review(key=card.key, deck="q", state=None, rating=GOOD, now=earlier)
        store.record_review(before=None, after=replace(s, due=T0 - 60), rating=GOOD,
                            reviewed_at=earlier)
    queue = build_queue(cards, store, Settings(new_per_day=4), T0)
    keys = [c.key for c in queue.cards]
    assert set(keys[:5]) == {c.key for c in cards[25:]}
    assert keys[5:] == [c.key for c in cards[:4]]
    assert (queue.due, queue.new) == (5, 4)


def test_new_cards_introduced_today_count_against_the_limit(tmp_path: Path, write_deck):
    cards = _cards(write_deck, 10)
    store = Store.open(tmp_path / "t.db")
    sched = Scheduler(fuzz=False)
    for card in cards[:3]:
        s = sched.review(key=card.key, deck="q", state=None, rating=GOOD, now=T0 - 60)
        store.record_review(before=None, after=s, rating=GOOD, reviewed_at=T0 - 60)
    queue = build_queue(cards, store, Settings(new_per_day=5, day_starts_at=0), T0)
    assert queue.new == 2


def test_study_days_follow_the_wall_clock_across_a_dst_change(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        from trainer.scheduling import next_day_start

        # 2026-03-29 02:00 local: clocks jump to 03:00 (UTC+1 -> UTC+2)
        saturday_noon = datetime(2026, 3, 28, 11, 0, tzinfo=UTC).timestamp()
        assert next_day_start(saturday_noon, 4) == datetime(
            2026, 3, 29, 2, 0, tzinfo=UTC).timestamp()  # 04:00 CEST
        assert day_start(saturday_noon, 4) == datetime(
            2026, 3, 28, 3, 0, tzinfo=UTC).timestamp()  # 04:00 CET
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_new_cards_take_turns_between_decks(tmp_path: Path, write_deck):
    def deck(name: str, n: int) -> str:
        return f"deck: {name}\ntitle: {name}\ncards:\n" + "".join(
            f"  - id: {name}{i}\n    kind: recall\n    prompt: P\n    answer: A\n"
            for i in range(n))

    cards = load_decks([write_deck(deck("a", 5), "a.yaml"),
                        write_deck(deck("b", 2), "b.yaml")]).cards
    store = Store.open(tmp_path / "t.db")
    queue = build_queue(cards, store, Settings(new_per_day=6), T0)
    assert [c.id for c in queue.cards] == ["a0", "b0", "a1", "b1", "a2", "a3"]
    only_a = build_queue(cards, store, Settings(new_per_day=6), T0, decks=["a"])
    assert [c.id for c in only_a.cards] == ["a0", "a1", "a2", "a3", "a4"]


def test_studying_ahead_introduces_no_more_new_cards_than_today_allows(tmp_path: Path,
                                                                      write_deck):
    from trainer.scheduling import new_left_today, study_ahead

    cards = _cards(write_deck, 10)
    store = Store.open(tmp_path / "t.db")
    sched = Scheduler(fuzz=False)
    for card in cards[:2]:  # two new cards introduced today
        s = sched.review(key=card.key, deck="q", state=None, rating=GOOD, now=T0)
        store.record_review(before=None, after=s, rating=GOOD, reviewed_at=T0)
    settings = Settings(new_per_day=5)
    left = new_left_today(store, settings, T0 + 60)
    assert left == 3
    ahead = study_ahead(cards, store, T0 + 60, new_limit=left)
    assert [c.id for c in ahead] == ["c0", "c1", "c2", "c3", "c4"]  # seen first, then 3 new


def test_decks_take_turns_in_position_order_then_file_name_order(tmp_path: Path, write_deck):
    def deck(name: str, position: int | None) -> str:
        head = f"deck: {name}\ntitle: {name}\n" + (f"position: {position}\n" if position else "")
        return head + "cards:\n" + "".join(
            f"  - id: {name}{i}\n    kind: recall\n    prompt: P\n    answer: A\n"
            for i in range(2))

    paths = [write_deck(deck("a", None), "a.yaml"), write_deck(deck("b", 2), "b.yaml"),
             write_deck(deck("c", None), "c.yaml"), write_deck(deck("d", 1), "d.yaml")]
    result = load_decks(paths)
    assert [d.id for d in result.decks] == ["d", "b", "a", "c"]
    store = Store.open(tmp_path / "t.db")
    queue = build_queue(result.cards, store, Settings(new_per_day=5), T0)
    assert [c.id for c in queue.cards] == ["d0", "b0", "a0", "c0", "d1"]


def test_a_newcomer_on_the_shipped_decks_starts_with_the_interview_grill(tmp_path: Path):
    from trainer.catalog import load_catalog
    from trainer.config import shipped_deck_dir

    cards = load_catalog([shipped_deck_dir()]).cards
    store = Store.open(tmp_path / "fresh.db")
    queue = build_queue(cards, store, Settings(), T0)
    assert queue.cards[0].deck == "mle-map-grill" and queue.cards[0].kind == "recall"
    # then a derivation exercise, a deep-dive card and a code card, in that turn
    assert [c.deck for c in queue.cards[:4]] == [
        "mle-map-grill", "mle-map-exercises", "mle-map-deep-dive", "mle-map-code"]
