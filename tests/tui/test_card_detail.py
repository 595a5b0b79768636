"""Pilot tests of the browser's card detail: a graded card as the learner meets it, the whole
review history newest first, and the states the table shows."""

from __future__ import annotations

import re

from tests.tui.test_browser_screen import NOW, cell, open_browser, settle
from tests.waiting import until
from trainer.review import Rating
from trainer.tui.screens.browser import CardDetailScreen


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def open_detail(pilot, app, query: str) -> CardDetailScreen:
    app.action_browse()  # as `B` does (on a graded card's screen the letter may be an answer)
    await settle(app, pilot)
    await pilot.press("slash", *query, "enter")
    await settle(app, pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CardDetailScreen), "the card detail")
    return app.screen


async def test_a_graded_card_shows_its_next_reviews_numbers_and_its_answer_as_a_value(
        make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        detail = await open_detail(pilot, app, "coin")
        prompt = shown(detail, "#detail-prompt").strip()
        assert "{{" not in prompt
        k, n = map(int, re.search(r"shows (\d+) heads in (\d+) tosses", prompt).groups())
        await until(pilot, lambda: "reference" in shown(detail, "#detail-answer"),
                    "the reference answer")
        answer = shown(detail, "#detail-answer")
        assert "k/n" not in answer and f"{k / n:.4f}"[:5] in answer  # a value, not the formula
        assert "drawn afresh at each review" in shown(detail, "#detail-drawn")
        assert f"{k}/{n}" in shown(detail, "#detail-solution")  # the solution filled in too

        # the study screen shows the same numbers for this card's next review
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CardDetailScreen), "the browser")
        await pilot.press("t")
        await until(pilot, lambda: bool(app.screen.query("#prompt")), "the study screen")
        assert str(app.screen.query_one("#prompt").render()).strip() == prompt


async def test_a_derivation_shows_each_steps_reference(make_app, graded_deck, tmp_path):
    app = make_app(graded_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        detail = await open_detail(pilot, app, "two-steps")
        await until(pilot, lambda: "reference" in shown(detail, "#detail-answer"),
                    "the reference answers")
        answer = shown(detail, "#detail-answer")
        assert "Step 1: The log-likelihood" in answer and "Step 2: The score" in answer
        assert answer.count("reference") == 2


async def test_the_history_shows_the_newest_review_first_and_every_row(make_app, recall_deck,
                                                                      tmp_path):
    from trainer.scheduling import Scheduler

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    sched, state = Scheduler(fuzz=False), None
    days = range(30, 0, -1)  # 30 reviews, one a day, the last a day before now
    for i, ago in enumerate(days):
        t = NOW - ago * 86400.0
        rating = Rating.AGAIN if i == len(days) - 1 else Rating.GOOD  # the newest: Again
        after = sched.review(key="basics/map", deck="basics", state=state, rating=rating, now=t)
        app.store.record_review(before=state, after=after, rating=rating, reviewed_at=t)
        state = after
    async with app.run_test(size=(120, 40)) as pilot:
        detail = await open_detail(pilot, app, "map")
        history = detail.query_one("#history")
        assert history.row_count == 30
        newest = [str(c) for c in history.get_row_at(0)]
        assert newest[1] == "Again"
        assert newest[0] > [str(c) for c in history.get_row_at(29)][0]  # dates, newest first
        # every row is laid out in the detail, which scrolls, not cut off in a small box
        await until(pilot, lambda: history.size.height >= 31, "the whole history laid out")
        scroll = detail.query_one("VerticalScroll")
        scroll.scroll_end(animate=False)
        await pilot.pause()
        assert scroll.is_vertical_scroll_end


async def test_a_buried_card_shows_buried_in_the_table(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("b")  # bury the first row's card
        await settle(app, pilot)
        assert cell(screen, 0, "state") == "buried"
        assert cell(screen, 1, "state") == "new"
