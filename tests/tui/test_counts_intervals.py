"""The study header's new · learning · review counts and the intervals on the rating keys."""

from __future__ import annotations

from trainer.review import Rating
from trainer.scheduling import Scheduler, format_interval
from trainer.tui.widgets.session_bar import SessionBar


def screen_text(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def counts(app) -> list[str]:
    return app.screen.query_one(SessionBar).label.plain.split()


def test_format_interval_reads_like_anki():
    assert [format_interval(s) for s in (60, 600, 5400, 86400 * 2, 86400 * 45, 86400 * 500)] == [
        "1m", "10m", "2h", "2d", "1.5mo", "1.4y"]


async def test_header_counts_move_as_new_cards_are_learnt(make_app, recall_deck, tmp_path):
    now = [1_800_000_000.0]
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        assert counts(app) == ["0", "done", "3", "·", "0", "·", "0"]
        await pilot.press("space", "1")  # Again: the new card is now learning
        await pilot.pause()
        assert counts(app) == ["1", "done", "2", "·", "1", "·", "0"]
        await pilot.press("space", "4")  # Easy: straight to review, gone for today
        await pilot.pause()
        assert counts(app) == ["2", "done", "1", "·", "1", "·", "0"]


async def test_each_rating_key_shows_the_interval_the_scheduler_gives(make_app, recall_deck,
                                                                      tmp_path):
    now = [1_800_000_000.0]
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: now[0])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        status = screen_text(app, "status")
        expected = Scheduler(fuzz=False).intervals(key="basics/likelihood", state=None, now=now[0])
        shown = " · ".join(f"{int(r)} {r.label} {format_interval(s)}" for r, s in expected.items())
        assert shown in status
        assert status.count("·") >= 3 and "1 Again 1m" in status  # FSRS's first learning step
        await pilot.press("3")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.rating == Rating.GOOD
    # what the key showed is what rating it did
    assert format_interval(review.after.due - now[0]) == format_interval(expected[Rating.GOOD])
