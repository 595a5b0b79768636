"""Pilot tests of the home screen: counts made in a worker, by the app's clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.waiting import home_counted
from trainer.store import CardState
from trainer.tui.screens.home import HomeScreen

NOW = datetime(2026, 3, 18, 12, tzinfo=UTC).timestamp()
DAY = 86400


# study days are computed in local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")


def state(key: str, due: float) -> CardState:
    return CardState(key=key, deck="basics", state=2, step=None, stability=5.0, difficulty=5.0,
                     due=due, last_review=due - 5 * DAY, reps=3)


def text_of(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


async def test_the_counts_follow_the_apps_clock(make_app, recall_deck, tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    store = app.store
    store.record_review(before=None, after=state("basics/likelihood", NOW - 60), rating=3,
                        reviewed_at=NOW - 3600)
    store.put_state(state("basics/log-likelihood", NOW + 2 * DAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "d")
        assert isinstance(app.screen, HomeScreen)
        await home_counted(pilot)
        # by the app's clock (18 March) one card is overdue and one falls due in two days;
        # by the wall clock both would long be overdue
        assert text_of(app, "home-title").startswith("Decks   1 review today")
        assert text_of(app, "forecast-label").startswith(
            "Due today: 1 (1 now) · the next days: 0 1 0")
        table = app.screen.query_one("#decks")
        assert [str(c) for c in table.get_row("basics")] == ["basics", "Basics", "1", "1", "3"]


async def test_a_store_that_fails_is_reported_on_the_home_screen(make_app, recall_deck,
                                                                tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        app.store.conn.execute("DROP TABLE review_tally")
        await pilot.press("escape", "d")
        await home_counted(pilot)
        assert "could not be counted" in text_of(app, "home-title")
        await pilot.press("escape")
        assert not isinstance(app.screen, HomeScreen)


async def test_a_decks_own_options_show_on_the_home_screen(make_app, recall_deck, tmp_path: Path):
    from trainer.config import DeckOptions, Settings

    settings = Settings(new_per_day=20,
                        decks={"basics": DeckOptions(new_per_day=2, desired_retention=0.85)})
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW, settings=settings)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        table = app.screen.query_one("#decks")
        # three new cards in the deck, two allowed by its own limit
        assert [str(c) for c in table.get_row("basics")] == [
            "basics", "Basics", "0", "2", "3", "2 new/day · retention 85%"]


async def test_the_home_screen_suggests_refitting_fsrs(make_app, recall_deck, tmp_path: Path):
    from trainer.store.fits import StoredFit

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    with app.store.transaction():
        app.store.save_fit(StoredFit(None, (0.2,) * 21, NOW - 40 * DAY, 900, 0.3, 0.05, 0.35,
                                     0.07))
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        assert "FSRS was fitted 40 days ago: `trainer optimize --apply`" in text_of(app,
                                                                                "interview")


async def test_the_home_screen_shown_again_counts_again(make_app, recall_deck, tmp_path: Path):
    """The app keeps its home screen between visits (composed once); each visit counts as
    of then, and a visit while it is under another screen gets a home screen of its own."""
    from trainer.tui.screens.stats import StatsScreen

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        home = app.screen
        assert [str(c) for c in home.query_one("#decks").get_row("basics")][2:4] == ["0", "3"]
        await pilot.press("escape")
        app.store.record_review(before=None, after=state("basics/likelihood", NOW - 60),
                                rating=3, reviewed_at=NOW - 3600)
        app.action_home()
        await pilot.pause()
        assert app.screen is home
        await home_counted(pilot)
        assert text_of(app, "home-title").startswith("Decks   1 review today")
        # one due now, two new left
        assert [str(c) for c in home.query_one("#decks").get_row("basics")][2:4] == ["1", "2"]
        app.action_stats()
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        app.action_home()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.screen is not home
        await home_counted(pilot)
        app.pop_screen()
        app.pop_screen()
        await pilot.pause()
        assert app.screen is home


async def test_the_home_screen_shown_again_draws_only_what_changed(
        make_app, recall_deck, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A kept home screen shows its last counts until the new ones arrive; equal counts
    leave every line as it is, and a review changes the cells and lines it moves, the
    rows and the cursor staying where they were."""
    from textual.widgets import DataTable, Static

    updated: list[str | None] = []
    update = Static.update

    def counted_update(self: Static, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        updated.append(self.id)
        update(self, *args, **kwargs)

    monkeypatch.setattr(Static, "update", counted_update)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        home = app.screen
        table = home.query_one("#decks", DataTable)
        await pilot.press("down")  # the basics deck's row
        rows = list(table.rows)
        await pilot.press("escape")
        updated.clear()
        app.action_home()
        await pilot.pause()
        assert app.screen is home and text_of(app, "home-title").startswith("Decks   0 reviews")
        await home_counted(pilot)
        assert updated == []  # the same counts: nothing drawn again
        await pilot.press("escape")
        app.store.record_review(before=None, after=state("basics/likelihood", NOW - 60),
                                rating=3, reviewed_at=NOW - 3600)
        app.action_home()
        await pilot.pause()
        await home_counted(pilot)
        assert "home-title" in updated and "forecast-label" in updated
        assert text_of(app, "home-title").startswith("Decks   1 review today")
        assert list(table.rows) == rows and table.cursor_row == 1
        assert [str(c) for c in table.get_row("basics")][2:4] == ["1", "2"]


async def test_b_on_the_home_screen_opens_the_browser_and_escape_comes_back(
        make_app, recall_deck, tmp_path: Path):
    from trainer.tui.screens.browser import BrowserScreen

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        await pilot.press("B")
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
