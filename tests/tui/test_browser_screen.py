"""Pilot tests of the card browser: search, sort, page, detail, actions and undo."""

from __future__ import annotations

from trainer.review import Rating, State
from trainer.tui.screens.browser import PAGE, BrowserScreen, CardDetailScreen

NOW = 1_800_000_000.0


def rows(screen: BrowserScreen) -> list[str]:
    table = screen.query_one("DataTable")
    return [str(table.get_row_at(i)[0]).strip("● ").strip() for i in range(table.row_count)]


def status(screen: BrowserScreen) -> str:
    return str(screen.query_one("#browse-status").render())


async def settle(app, pilot) -> None:
    """Wait for the search worker to hand its rows to the table."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_browser(pilot, app) -> BrowserScreen:
    await pilot.press("B")
    await settle(app, pilot)
    assert isinstance(app.screen, BrowserScreen)
    return app.screen


async def test_search_sort_and_act_with_undo(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("space", "1")  # likelihood: learning now
        await pilot.pause()
        screen = await open_browser(pilot, app)
        assert sorted(rows(screen)) == ["likelihood", "log-likelihood", "map"]
        assert status(screen).startswith("3 cards · page 1/1 · sorted by due")
        assert rows(screen)[0] == "likelihood"  # the only card with a due date sorts first

        await pilot.press("slash", *"tag:mle", "enter")
        await settle(app, pilot)
        assert rows(screen) == ["likelihood", "log-likelihood"]
        await pilot.press("o", "o", "o", "o")  # due → stability → … → reviews
        assert "sorted by reviews ↑" in status(screen)
        assert rows(screen) == ["log-likelihood", "likelihood"]
        await pilot.press("O")
        assert rows(screen) == ["likelihood", "log-likelihood"]

        await pilot.press("space", "space")  # mark both
        assert "2 marked" in status(screen)
        await pilot.press("s")
        await pilot.pause()
        assert {k for k, s in app.store.states(["basics"]).items() if s.suspended} == {
            "basics/likelihood", "basics/log-likelihood"}
        assert app.store.card_state("basics/likelihood").state != 0  # schedule kept
        await pilot.press("u")
        await pilot.pause()
        assert not any(s.suspended for s in app.store.states(["basics"]).values())
        assert app.store.card_state("basics/log-likelihood") is None

        await pilot.press("slash", "ctrl+a", "backspace", *"is:suspend", "enter")
        await settle(app, pilot)
        assert "is: takes one of" in status(screen)  # a bad query says why, no crash


async def test_forget_keeps_history_and_detail_shows_it(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space", "3")
        await pilot.pause()
        screen = await open_browser(pilot, app)
        await pilot.press("slash", *"likelihood -log", "enter")
        await settle(app, pilot)
        assert rows(screen) == ["likelihood"]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        history = app.screen.query_one("#history")
        assert history.row_count == 1
        assert [str(c) for c in history.get_row_at(0)][1] == "Good"
        assert "as a function of θ" in str(app.screen.query_one("#detail-answer").render())
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        forgot = app.store.card_state("basics/likelihood")
        assert forgot.state == State.NEW and forgot.reps == 0 and forgot.stability is None
        assert len(app.store.reviews("basics/likelihood")) == 1  # its history kept
        await pilot.press("u")
        await pilot.pause()
        assert app.store.card_state("basics/likelihood").reps == 1


async def test_many_cards_are_paged(make_app, write_deck, tmp_path):
    cards = "".join(f"  - id: c{i:04d}\n    kind: recall\n    prompt: P{i}\n    answer: A\n"
                    for i in range(PAGE * 2 + 5))
    deck = write_deck(f"deck: big\ntitle: Big\ncards:\n{cards}", "big.yaml")
    app = make_app(deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("o")  # by id
        assert len(rows(screen)) == PAGE and rows(screen)[0] == "c0000"
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert rows(screen) == ["c0200", "c0201", "c0202", "c0203", "c0204"]
        assert "page 3/3" in status(screen)
        await pilot.press("t")  # study these: all 205, due or not
        await pilot.pause()
        assert app.screen.session.remaining == min(205, app.settings.new_per_day)
        await pilot.press("space", "3")
        await pilot.pause()
    assert [r.rating for r in app.store.reviews()] == [Rating.GOOD]


async def test_the_search_runs_in_a_worker_and_a_stale_querys_rows_are_dropped(
        make_app, recall_deck, tmp_path, monkeypatch):
    import threading

    from trainer.tui.screens import browser

    gate = threading.Event()  # holds the first query's search until the second has drawn
    real_search = browser.search

    def held_search(index, store, query, now):
        if query == "tag:mle":
            assert gate.wait(30), "the test never released the first search"
        return real_search(index, store, query, now)

    monkeypatch.setattr(browser, "search", held_search)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("slash", *"tag:mle", "enter")
        await pilot.pause()
        # the UI goes on while the search runs: the table holds a placeholder meanwhile
        assert rows(screen) == ["searching…"] and status(screen) == "searching tag:mle…"
        held = [w for w in app.workers if w.group == "search" and not w.is_finished]
        await pilot.press("slash", "end", "ctrl+u", *"tag:map", "enter")
        # a finished worker has left the list; one still running is waited for
        second = [w for w in app.workers if w.group == "search" and w not in held]
        if second:
            await app.workers.wait_for_complete(second)
        await pilot.pause()
        assert rows(screen) == ["map"]
        gate.set()  # the first query's rows arrive last, and are dropped
        await settle(app, pilot)
        assert rows(screen) == ["map"] and status(screen).startswith("1 cards")


async def test_after_an_action_the_rows_show_the_new_state_in_place(make_app, recall_deck,
                                                                    tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        table = screen.query_one("DataTable")
        before = rows(screen)
        await pilot.press("down", "s")  # suspend the second row's card
        await settle(app, pilot)  # the states are read again in the worker
        assert rows(screen) == before and table.cursor_row == 1  # same order, same row
        assert str(table.get_row_at(1)[3]) == "suspended"
        assert str(table.get_row_at(0)[3]) == "new"
