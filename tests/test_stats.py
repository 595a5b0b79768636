"""Statistics for the progress screen: exact figures on a small store with fixed times."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.stats import (
    DayCount,
    deck_table,
    forecast,
    heat_grid,
    heat_level,
    overview,
    progress,
    study_days,
)
from trainer.store import CardState, Store


def at(month: int, day: int, hour: int, minute: int = 0) -> float:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC).timestamp()


NOW = at(3, 18, 12)  # a Wednesday; study days start at 04:00 (UTC in these tests)


# study days are computed in local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")


def card(card_id: str, *tags: str) -> Card:
    return Card(deck="d", id=card_id, kind="recall", prompt=f"{card_id}?", tags=tags)


CARDS = [card("a", "mle", "prob"), card("b", "mle"), card("c", "map"), card("d", "map"),
         card("e", "map"), card("f", "prob")]


def state(key: str, *, state: int = 2, lapses: int = 0, due: float = NOW,
          suspended: bool = False) -> CardState:
    return CardState(key=key, deck=key.split("/")[0], state=state, step=None, stability=5.0,
                     difficulty=5.0, due=due, last_review=NOW - 86400, reps=lapses + 2,
                     lapses=lapses, suspended=suspended)


def review(store: Store, key: str, when: float, rating: int, before: int | None) -> None:
    store.record_review(before=None if before is None else state(key, state=before),
                        after=state(key), rating=rating, reviewed_at=when)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """a: recalled today, forgotten yesterday; b: seen new and recalled (the study day of
    16 March: 03:00 on the 17th is before the day starts); c: a learning step this month and
    a review forgotten in February; gone/z: a card no loaded deck has any more."""
    store = Store.open(tmp_path / "t.db")
    review(store, "d/c", at(2, 10, 8), 1, before=2)
    review(store, "d/c", at(3, 10, 8), 1, before=1)
    review(store, "d/b", at(3, 16, 20), 3, before=None)
    review(store, "d/b", at(3, 17, 3), 2, before=2)
    review(store, "d/a", at(3, 17, 9), 1, before=2)
    review(store, "gone/z", at(3, 18, 9), 1, before=2)
    review(store, "d/a", at(3, 18, 10), 3, before=2)
    store.put_state(state("d/a", lapses=8, due=at(3, 18, 11)))  # overdue
    store.put_state(state("d/b", lapses=7, due=at(3, 18, 20)))  # later today
    store.put_state(state("d/c", state=3, lapses=1, due=at(3, 19, 10)))  # tomorrow
    store.put_state(state("d/e", lapses=9, due=at(3, 20, 10), suspended=True))
    store.put_state(state("d/f", due=at(4, 30, 10)))  # beyond the forecast
    return store


def test_reviews_per_day_streak_and_today(store: Store):
    p = progress(CARDS, store, NOW).overview
    assert p.today == date(2026, 3, 18)
    assert len(p.reviews_per_day) == 30
    assert p.reviews_per_day[-9:] == [0, 1, 0, 0, 0, 0, 0, 2, 1, 1][-9:]
    assert sum(p.reviews_per_day) == 5  # gone/z is not counted: no loaded deck has it
    assert p.reviews_today == 1
    assert p.streak_days == 3


def test_true_retention_counts_only_review_state_reviews_of_the_last_30_days(store: Store):
    p = progress(CARDS, store, NOW).overview
    # a Good, a Again, b Hard; not b's first sight, c's learning step nor c in February
    assert (p.reviewed_30d, p.recalled_30d) == (3, 2)
    assert p.retention_30d == pytest.approx(2 / 3)


def test_the_command_line_and_the_screens_share_one_overview(store: Store):
    view = overview(CARDS, store, NOW, days=14)
    assert progress(CARDS, store, NOW).overview == view
    assert view.retention_30d == pytest.approx(2 / 3) and view.streak_days == 3


def test_retention_per_month(store: Store):
    p = progress(CARDS, store, NOW, months=3)
    assert [(m.month, m.reviewed, m.recalled) for m in p.retention_by_month] == [
        ("2026-01", 0, 0), ("2026-02", 1, 0), ("2026-03", 3, 2)]
    assert [m.retention for m in p.retention_by_month] == [None, 0.0, pytest.approx(2 / 3)]


def test_no_reviews_means_no_retention(tmp_path: Path):
    p = progress(CARDS, Store.open(tmp_path / "t.db"), NOW)
    assert p.overview.retention_30d is None
    assert p.overview.reviews_per_day == [0] * 30 and p.overview.streak_days == 0
    assert p.weakest_cards == [] and p.weakest_tags == [] and p.overview.leeches == []


def test_a_card_is_a_leech_at_exactly_8_lapses(store: Store):
    p = progress(CARDS, store, NOW)
    assert p.overview.leeches == ["d/a"]  # b has 7; e has 9 but is suspended
    flags = {c.key: c.leech for c in p.weakest_cards}
    assert flags == {"d/a": True, "d/b": False, "d/c": False}


def test_weakest_cards_leeches_first_then_lowest_retention(store: Store):
    p = progress(CARDS, store, NOW)
    assert [(c.key, c.reviewed, c.recalled, c.lapses) for c in p.weakest_cards] == [
        ("d/a", 2, 1, 8), ("d/c", 1, 0, 1), ("d/b", 1, 1, 7)]


def test_weakest_cards_break_ties_on_lapses(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    for card_id, lapses, ratings in [("x", 1, (3, 1)), ("y", 3, (1, 3)), ("z", 0, (3, 1)),
                                     ("ok", 0, (3, 3, 3, 3))]:
        for i, rating in enumerate(ratings):
            review(store, f"d/{card_id}", NOW - 3600 * (i + 1), rating, before=2)
        store.put_state(state(f"d/{card_id}", lapses=lapses))
    cards = [card(c) for c in ("x", "y", "z", "ok")]
    assert [c.key for c in progress(cards, store, NOW).weakest_cards] == ["d/y", "d/x", "d/z"]
    assert [c.key for c in progress(cards, store, NOW, limit=1).weakest_cards] == ["d/y"]


def test_weakest_tags_by_retention(store: Store):
    p = progress(CARDS, store, NOW)
    assert [(t.tag, t.cards, t.reviewed, t.recalled, t.lapses, t.leeches)
            for t in p.weakest_tags] == [
        ("map", 1, 1, 0, 1, 0),  # c only: d is new, e suspended
        ("prob", 2, 2, 1, 8, 1),  # a and f
        ("mle", 2, 3, 2, 15, 1),  # a and b
    ]


def test_forecast_counts_overdue_cards_today(store: Store):
    due_now, due = forecast(store, ["d"], NOW, day_hour=4, days=14)
    assert due_now == 1
    assert due == [2, 1] + [0] * 12  # a overdue and b this evening today; c tomorrow
    view = overview(CARDS, store, NOW, days=14)
    assert view.forecast == due
    assert (view.due_now, view.due_later_today) == (1, 1)


def test_the_forecast_follows_the_study_day_not_the_calendar_day(store: Store):
    # at 02:00 on the 19th the study day of the 18th is still going on (it ends at 04:00)
    view = overview(CARDS, store, at(3, 19, 2), days=3)
    assert view.today == date(2026, 3, 18)
    assert view.forecast == [2, 1, 0]
    assert overview(CARDS, store, at(3, 19, 5), days=3).forecast == [3, 0, 0]


def test_undoing_a_review_takes_it_out_of_the_figures(store: Store):
    before, weak = overview(CARDS, store, NOW), progress(CARDS, store, NOW).weakest_cards
    review_id = store.record_review(before=store.card_state("d/f"),
                                    after=state("d/f", lapses=1), rating=1, reviewed_at=NOW - 60)
    after = overview(CARDS, store, NOW)
    assert after.reviews_today == before.reviews_today + 1
    assert (after.reviewed_30d, after.recalled_30d) == (4, 2)
    assert "d/f" in [c.key for c in progress(CARDS, store, NOW).weakest_cards]
    assert store.undo_review(review_id) is not None
    assert overview(CARDS, store, NOW) == before
    assert progress(CARDS, store, NOW).weakest_cards == weak


def test_a_store_from_before_the_tallies_counts_its_old_reviews(tmp_path: Path):
    import sqlite3

    path = tmp_path / "old.db"
    old = Store.open(path)
    review(old, "d/a", at(3, 17, 9), 1, before=2)
    review(old, "d/b", at(3, 16, 20), 3, before=None)
    old.close()
    conn = sqlite3.connect(path)  # back to the schema without tallies
    conn.executescript("DROP TRIGGER reviews_tally_insert; DROP TRIGGER reviews_tally_delete;"
                       "DROP TABLE review_tally; DROP TABLE card_tally;"
                       "DROP INDEX cards_active_due; PRAGMA user_version=2;")
    conn.close()
    view = overview(CARDS, Store.open(path), NOW)
    assert view.reviews_per_day[-3:] == [1, 1, 0]
    assert (view.reviewed_30d, view.recalled_30d) == (1, 0)


def test_deck_counts_are_what_a_session_would_study(store: Store):
    from trainer.scheduling import build_queue

    settings = Settings(new_per_day=1, reviews_per_day=200)
    table = deck_table(CARDS, store, settings, NOW, count_unseen=True)
    queue = build_queue(CARDS, store, settings, NOW)
    (deck,) = table.decks
    assert (deck.due_today, deck.new_today) == (queue.due, queue.new) == (1, 1)
    assert deck.unseen == 1  # d only: e is suspended
    assert deck.due == 1 and deck.cards == 6
    # 6 cards and 5 stored states: at least one is new, all that one new card a day needs
    quick = deck_table(CARDS, store, settings, NOW)
    assert quick.decks[0].unseen is None and quick.decks[0].new_today == 1
    roomy = Settings(new_per_day=20)
    assert deck_table(CARDS, store, roomy, NOW).total.new_today == build_queue(
        CARDS, store, roomy, NOW).new == 1


def test_a_card_removed_from_its_deck_is_not_counted_due(store: Store):
    table = deck_table(CARDS[1:], store, Settings(), NOW)  # a, overdue, no longer loaded
    assert table.total.due == 0


def test_heatmap_covers_whole_weeks_up_to_today(store: Store):
    p = progress(CARDS, store, NOW, weeks=2)
    assert p.heatmap[0] == DayCount(date(2026, 3, 9), 0)  # the Monday a week before
    assert [d.reviews for d in p.heatmap] == [0, 1, 0, 0, 0, 0, 0, 2, 1, 1]
    grid = heat_grid(p.heatmap)
    assert len(grid) == 2
    assert [d.day.day for d in grid[0] if d] == list(range(9, 16))
    assert [d.day.day if d else None for d in grid[1]] == [16, 17, 18, None, None, None, None]


def test_heat_grid_pads_the_first_week():
    days = [DayCount(date(2026, 3, 18), 1), DayCount(date(2026, 3, 19), 0)]
    assert heat_grid(days) == [[None, None, *days, None, None, None]]
    assert heat_grid([]) == []


@pytest.mark.parametrize(("count", "peak", "level"), [
    (0, 5, 0), (1, 5, 1), (2, 5, 2), (3, 5, 3), (4, 5, 4), (5, 5, 4), (1, 0, 0)])
def test_heat_level_quarters_of_the_busiest_day(count: int, peak: int, level: int):
    assert heat_level(count, peak) == level


def test_study_days_follow_daylight_saving_time(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    starts = study_days(at(3, 30, 12), day_hour=4, count=3)
    # 04:00 local: CET (UTC+1) on the 28th, CEST (UTC+2) from the 29th
    assert starts == [at(3, 28, 3), at(3, 29, 2), at(3, 30, 2)]


def test_todays_counts_hold_from_any_moment_not_only_a_quarter_hour(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    base = at(3, 18, 10)  # 10:00, the start of a quarter hour
    review(store, "d/a", base + 100, 3, before=None)  # a new card introduced
    review(store, "d/b", base + 400, 3, before=2)
    review(store, "d/c", base + 1000, 1, before=2)  # in the next quarter hour
    assert store.reviews_since(base) == 3 and store.first_reviews_since(base) == 1
    assert store.reviews_since(base + 300) == 2 and store.reviews_since(base + 401) == 1
    assert store.first_reviews_since(base + 50) == 1
    assert store.first_reviews_since(base + 150) == 0
    assert store.reviews_since(base + 1001) == 0
