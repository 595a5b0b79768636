"""Learning cards come back by themselves; with only later ones left, a countdown and `a`."""

from __future__ import annotations

from trainer.config import Settings


def screen_text(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


async def test_the_countdown_runs_on_the_apps_clock_and_shows_the_card_at_zero(
        make_app, recall_deck, tmp_path):
    now = [1_800_000_000.0]
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: now[0],
                   settings=Settings(learn_ahead_minutes=0))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        await pilot.press("space", "1")  # likelihood: Again, back in 1 min
        await pilot.press("space", "4", "space", "4")  # the other two: Easy, gone for days
        countdown = screen.query_one("#countdown")
        prompt = screen_text(app, "countdown")
        assert prompt.startswith("Next card in 1 min.")
        assert "1 learning card left in this session" in prompt
        assert "cards studied   3" in prompt  # the figures so far
        assert "a shows the next card now" in screen_text(app, "status")

        now[0] += 35  # the fake clock moves; the timer's next tick reads it
        countdown.tick()
        assert screen_text(app, "countdown").startswith("Next card in 25 s.")
        assert screen.phase == "waiting"

        now[0] += 25
        countdown.tick()
        assert screen.phase == "question"
        assert "What is a likelihood?" in screen_text(app, "prompt")

        assert not countdown.display
        await pilot.press("space", "3")  # Good: the next learning step, in 10 min
        assert screen_text(app, "countdown").startswith("Next card in 10 min.")
        await pilot.press("a")  # study ahead: the card now
        assert "What is a likelihood?" in screen_text(app, "prompt")
        await pilot.press("space", "4")
        assert "Session complete" in screen_text(app, "prompt")  # nothing waits any more
        assert screen.phase == "empty"


async def test_a_learning_card_due_comes_before_the_next_queued_card(make_app, recall_deck,
                                                                    tmp_path):
    now = [1_800_000_000.0]
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: now[0],
                   settings=Settings(learn_ahead_minutes=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "1")  # likelihood: Again, back in 1 min
        assert "Why the log?" in screen_text(app, "prompt")
        now[0] += 90
        await pilot.press("space", "3")
        assert "What is a likelihood?" in screen_text(app, "prompt")  # before "What is MAP?"


async def test_u_while_waiting_undoes_the_last_rating(make_app, recall_deck, tmp_path):
    now = [1_800_000_000.0]
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: now[0],
                   settings=Settings(learn_ahead_minutes=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "4", "space", "4", "space", "1")  # map: Again, waits 1 min
        assert app.screen.phase == "waiting"
        await pilot.press("u")
        assert "What is MAP?" in screen_text(app, "prompt")
        assert app.screen.session.learning == []  # its return in a minute is undone too
        assert len(app.store.reviews()) == 2


async def test_a_step_due_just_after_the_rollover_is_shown_instead_of_ending(
        make_app, recall_deck, tmp_path, utc):
    """Started at 03:55, the session shows a 10-minute step taken at 03:52 (due at 04:02,
    in the new study day) within the learn-ahead limit, instead of saying it is done."""
    from trainer.scheduling.days import next_day_start

    rollover = next_day_start(1_800_000_000.0, 4)
    now = [rollover - 8 * 60]
    db = tmp_path / "t.db"
    first = make_app(recall_deck, db, clock=lambda: now[0])
    async with first.run_test(size=(100, 30)) as pilot:
        await pilot.press("space", "3")  # likelihood: Good, its next step at 04:02
        await pilot.press("space", "4", "space", "4")  # the other two: Easy, days away
        assert "What is a likelihood?" in screen_text(first, "prompt")  # learnt ahead
    first.store.close()

    now[0] = rollover - 5 * 60  # the learner quit and comes back at 03:55
    app = make_app(recall_deck, db, clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        screen = app.screen
        assert screen.phase == "question"
        assert "What is a likelihood?" in screen_text(app, "prompt")
        await pilot.press("space", "3")
        assert screen.phase == "empty"
        assert "Session complete" in screen_text(app, "prompt")
