"""The home screen's interview lines: readiness on the day, the new-card pace, a passed date."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.waiting import home_counted
from trainer.config import Settings
from trainer.interview.outlook import home_lines
from trainer.scheduling import Scheduler
from trainer.store import CardState, Store
from trainer.tui.screens.home import HomeScreen

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC).timestamp()
DAY = 86400.0


# study days are computed in local time: these tests fix it to UTC
pytestmark = pytest.mark.usefixtures("utc")


def reviewed(key: str, stability: float, last: float) -> CardState:
    return CardState(key=key, deck="basics", state=2, step=None, stability=stability,
                     difficulty=5.0, due=last + stability * DAY, last_review=last, reps=3)


def test_the_lines_are_the_hand_computed_readiness_and_pace(recall_deck, tmp_path: Path):
    from trainer.decks import load_decks

    cards = load_decks([recall_deck]).cards
    store = Store.open(tmp_path / "t.db")
    # the interview morning is Dec 15, 04:00 UTC; reviewed 10 days before with S = 10 days
    # the card is recalled with p = 0.9 (FSRS's definition of stability)
    morning = datetime(2026, 12, 15, 4, tzinfo=UTC).timestamp()
    store.put_state(reviewed("basics/likelihood", 10.0, morning - 10 * DAY))
    settings = Settings(interview_date="2026-12-15", interview_scope="tag:mle", new_per_day=1)
    lines = home_lines(cards, store, settings, NOW, Scheduler(fuzz=False))
    # in scope (tag mle): likelihood (0.9) and log-likelihood (new: 0) -> 45%
    assert lines[0] == "On Dec 15 you would recall 45% · weakest: mle 45%"
    # one new card in scope, from Dec 5 to Dec 12: 1 a day fits new_per_day = 1
    assert lines[1] == "1 new card left, 1 a day until Dec 12"
    assert home_lines(cards, store, Settings(), NOW) == []
    after = home_lines(cards, store, settings, morning + DAY)
    assert after[0].startswith("Your interview on Dec 15 has passed")


async def test_the_home_screen_shows_them(make_app, recall_deck, tmp_path: Path):
    settings = Settings(interview_date="2026-12-15", new_per_day=1)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "d")
        assert isinstance(app.screen, HomeScreen)
        await home_counted(pilot)
        text = str(app.screen.query_one("#interview").render())
        assert "On Dec 15 you would recall 0%" in text
        assert "3 new cards left, 1 a day until Dec 12" in text


async def test_the_date_is_set_from_the_home_screen_and_a_bad_one_is_explained(
        make_app, recall_deck, tmp_path: Path):
    from trainer.config import config_path, load_settings
    from trainer.tui.screens.home import DatePrompt

    settings = Settings(new_per_day=1)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        # no date: a hint at the key
        assert "No interview date: i sets one" in str(app.screen.query_one("#interview").render())
        await pilot.press("i")
        prompt = app.screen
        assert isinstance(prompt, DatePrompt)
        for typed, said in (("15/12/2026", "is not a date: type it as YYYY-MM-DD"),
                            ("2026-12-01", "Dec 1, 2026 has passed")):
            prompt.query_one("#date").value = typed
            await pilot.press("enter")
            assert app.screen is prompt  # still asking
            assert said in str(prompt.query_one("#date-error").render())
        prompt.query_one("#date").value = "2026-12-15"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.settings.interview_date == "2026-12-15"  # the session's settings too
        assert load_settings(config_path()).interview_date == "2026-12-15"
        assert "On Dec 15 you would recall 0%" in str(app.screen.query_one("#interview").render())
        # escape leaves the date alone; an empty date clears it
        await pilot.press("i", "escape")
        assert app.settings.interview_date == "2026-12-15"
        await pilot.press("i")
        app.screen.query_one("#date").value = ""
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.settings.interview_date == ""
        assert load_settings(config_path()).interview_date == ""
        assert "No interview date" in str(app.screen.query_one("#interview").render())


async def test_after_the_date_the_home_screen_asks_for_a_new_one(make_app, recall_deck,
                                                                  tmp_path: Path):
    settings = Settings(interview_date="2026-12-01")
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW, settings=settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("escape", "d")
        await home_counted(pilot)
        line = str(app.screen.query_one("#interview").render())
        assert "Your interview on Dec 1 has passed; scheduling is back to normal" in line
        assert "Press i to set a new date" in line
        await pilot.press("i")
        assert app.screen.query_one("#date").value == ""  # not the passed date
        app.screen.query_one("#date").value = "2027-01-10"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "On Jan 10 you would recall" in str(app.screen.query_one("#interview").render())
