"""Pilot tests of the statistics screen: what the learner sees, and leaving it."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from tests.waiting import stats_counted, until
from trainer.config import Settings
from trainer.store import CardState, Store
from trainer.tui.app import TrainerApp
from trainer.tui.screens.stats import StatsScreen

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC).timestamp()
DAY = 86400


# study days are computed in local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")


def state(key: str, *, lapses: int = 0, due: float = NOW + DAY) -> CardState:
    return CardState(key=key, deck="basics", state=2, step=None, stability=5.0, difficulty=5.0,
                     due=due, last_review=NOW - DAY, reps=lapses + 3, lapses=lapses)


def fill(store: Store) -> None:
    """likelihood: 3 of 4 reviews recalled and 8 lapses (a leech); map: 1 of 2, 2 lapses."""
    for days_ago, key, rating in [(4, "likelihood", 3), (3, "likelihood", 1), (2, "map", 1),
                                  (2, "likelihood", 4), (1, "map", 3), (0, "likelihood", 3)]:
        store.record_review(before=state(f"basics/{key}"), after=state(f"basics/{key}"),
                            rating=rating, reviewed_at=NOW - days_ago * DAY - 3600)
    store.put_state(state("basics/likelihood", lapses=8, due=NOW - 60))
    store.put_state(state("basics/map", lapses=2, due=NOW + DAY))


def text_of(app: TrainerApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


async def open_stats(app: TrainerApp, pilot, *, failing: bool = False) -> StatsScreen:
    screen = StatsScreen(cards=app.load_result.cards, store=app.store, settings=app.settings,
                         clock=lambda: NOW)
    await app.push_screen(screen)
    if failing:  # the worker's failure reaches the test
        await app.workers.wait_for_complete()
        await pilot.pause()
    else:
        await stats_counted(pilot)
    return screen


async def test_the_learner_sees_retention_and_the_leech_and_escape_closes(
        make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    fill(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        underneath = app.screen
        screen = await open_stats(app, pilot)
        assert app.screen is screen
        assert "6 in 30 days" in text_of(app, "stats-summary")
        assert "5-day streak" in text_of(app, "stats-summary")
        assert "1 due now" in text_of(app, "stats-summary")
        assert "True retention (30 days): 67% (4 of 6 reviews" in text_of(app, "retention-figure")
        assert "2026-03 67% (6)" in text_of(app, "retention-months")
        cards = text_of(app, "weak-cards")
        leech_line = next(line for line in cards.splitlines() if "basics/likelihood" in line)
        assert "⚠ leech" in leech_line and "75%" in leech_line
        map_line = next(line for line in cards.splitlines() if "basics/map" in line)
        assert "leech" not in map_line and "50%" in map_line
        tags = text_of(app, "weak-tags").splitlines()
        assert [line.split()[0] for line in tags[1:]] == ["map", "mle"]
        heatmap = text_of(app, "heatmap")
        assert heatmap.count("■") == 5 + 4  # five study days, and the legend
        assert "busiest day: 2 reviews" in heatmap
        await pilot.press("escape")
        assert app.screen is underneath


async def test_q_closes_and_an_empty_log_says_there_is_no_retention_yet(
        make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        underneath = app.screen
        await open_stats(app, pilot)
        assert "no reviews of mature cards yet" in text_of(app, "retention-figure")
        assert "No card has lapsed yet" in text_of(app, "weak-cards")
        await pilot.press("q")
        assert app.screen is underneath


async def test_the_plots_draw_in_light_and_dark_themes_and_the_page_scrolls(
        make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    fill(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(app, pilot)
        for theme in ("textual-light", "textual-dark"):
            app.theme = theme
            await pilot.pause()
            for plot_id in ("reviews-plot", "forecast-plot"):
                plot = screen.query_one(f"#{plot_id}")
                assert plot.size.width > 0
                assert str(plot.render()).strip()
        scroll = screen.query_one("VerticalScroll")
        assert scroll.max_scroll_y > 0  # more than one 80x24 page: it scrolls
        await pilot.press("end")
        # the scroll is animated, from the frame after the key: wait for it to land, not for a
        # frame or for the animations running when asked (a loaded CI machine caught it half way)
        await until(pilot, lambda: scroll.scroll_y == scroll.max_scroll_y, "the scroll's end")


def test_the_app_starts_without_plotext():
    code = ("import sys, trainer.tui.app\n"
            "print('textual_plotext' in sys.modules or 'plotext' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_the_screen_takes_what_the_app_hands_it(recall_deck, tmp_path: Path):
    from trainer.decks import load_decks

    result = load_decks([recall_deck])
    screen = StatsScreen(cards=result.cards, store=Store.open(tmp_path / "t.db"),
                         settings=Settings())
    assert screen.clock is time.time and len(screen.cards) == 3


async def test_a_store_that_fails_is_reported_not_hidden(make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        app.store.conn.execute("DROP TABLE review_tally")
        with pytest.raises(WorkerFailed):
            await open_stats(app, pilot, failing=True)
        await pilot.pause()
        said = text_of(app, "stats-summary")  # the store's error names the file and the fault
        assert "could not be counted: " in said and "t.db: no such table: review_tally" in said
        await pilot.press("escape")


def test_snapshot_stats(snap_compare, make_app, recall_deck, tmp_path: Path):
    """The statistics screen at 80x24, on a fixed day with a known review log."""
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    fill(app.store)

    async def open_it(pilot):
        await pilot.press("escape", "S")
        await stats_counted(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_it)


async def test_the_readiness_chart_follows_the_study_days(make_app, recall_deck, tmp_path: Path):
    from trainer.interview.outlook import readiness_history

    settings = Settings(interview_date="2026-03-25")
    app = make_app(recall_deck, tmp_path / "t.db", settings=settings)
    fill(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = StatsScreen(cards=app.load_result.cards, store=app.store, settings=settings,
                             clock=lambda: NOW)
        await app.push_screen(screen)
        await stats_counted(pilot)
        assert screen.readiness is not None
        points = screen.readiness.points
        # computed in the worker from the same log: five study days, the last one today
        assert points == readiness_history(app.load_result.cards, app.store, settings,
                                           screen.readiness.day)
        assert len(points) == 5 and points[-1].day == datetime.fromtimestamp(NOW, UTC).date()
        assert all(0 < p.recall < 1 for p in points)
        note = text_of(app, "readiness-note")
        assert note.startswith("Interview on Mar 25: after 5 study days you would recall "
                               f"{points[-1].recall:.0%}")
        plot = screen.query_one("#readiness-plot")
        # the plot is drawn once laid out at its size, a frame or more after its data came
        await until(pilot, lambda: plot.display and "study days" in str(plot.render()),
                    "the readiness plot drawn")


async def test_without_a_date_the_chart_says_how_to_set_one(make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    fill(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(app, pilot)
        assert screen.readiness is None
        assert "No interview date" in text_of(app, "readiness-note")
        assert not screen.query_one("#readiness-plot").display
        assert text_of(app, "interview-trend") == "No mock interview yet: I holds one."


async def test_the_trend_of_mock_interview_scores_is_shown(make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    for day, score in ((3, 0.5), (2, 0.6), (1, 0.75)):
        app.store.record_interview(started_at=NOW - day * DAY, seconds=600, score=score,
                                   reviewed=True, data={"questions": [{}, {}, {}]})
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stats(app, pilot)
        lines = text_of(app, "interview-trend").splitlines()
        assert len(lines) == 4 and all("3 questions" in line for line in lines[:3])
        assert lines[-1].startswith("trend") and "+25 points since the first" in lines[-1]


async def test_the_statistics_screen_is_kept_until_the_cards_change(
        make_app, recall_deck, tmp_path: Path):
    """Shown again, the kept screen counts again; after the decks are loaded again it is
    made anew with the new cards."""
    from trainer.decks import load_decks

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_stats()
        await pilot.pause()
        await stats_counted(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert "0 in 30 days" in text_of(app, "stats-summary")
        await pilot.press("escape")
        fill(app.store)
        app.action_stats()
        await pilot.pause()
        assert app.screen is screen
        await stats_counted(pilot)
        assert "6 in 30 days" in text_of(app, "stats-summary")
        await pilot.press("escape")
        app.load_result = load_decks([recall_deck])  # as a reload does
        app.action_stats()
        await pilot.pause()
        await stats_counted(pilot)
        assert app.screen is not screen and isinstance(app.screen, StatsScreen)
        assert app.screen.cards == app.load_result.cards
        assert "6 in 30 days" in text_of(app, "stats-summary")


async def test_the_statistics_shown_again_make_only_the_changed_plots_again(
        make_app, recall_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The kept screen shows its last figures until the new ones arrive; equal figures
    make no plot again, and a review makes the reviews plot again (its bar of today)."""
    from trainer.tui.screens.stats import Chart

    made: list[str | None] = []
    drawn = Chart.drawn

    def counted_drawn(self: Chart) -> None:
        made.append(self.id)
        drawn(self)

    monkeypatch.setattr(Chart, "drawn", counted_drawn)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    fill(app.store)
    async with app.run_test(size=(80, 24)) as pilot:
        app.action_stats()
        await pilot.pause()
        await stats_counted(pilot)
        assert sorted(made) == ["forecast-plot", "reviews-plot"]
        screen = app.screen
        await pilot.press("escape")
        made.clear()
        app.action_stats()
        await pilot.pause()
        assert app.screen is screen and "6 in 30 days" in text_of(app, "stats-summary")
        await stats_counted(pilot)
        assert made == []
        await pilot.press("escape")
        app.store.record_review(before=state("basics/map"), after=state("basics/map"),
                                rating=3, reviewed_at=NOW - 60)
        app.action_stats()
        await pilot.pause()
        await stats_counted(pilot)
        assert "7 in 30 days" in text_of(app, "stats-summary")
        assert made == ["reviews-plot"]
