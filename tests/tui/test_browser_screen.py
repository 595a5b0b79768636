"""Pilot tests of the card browser: search, sort, page, detail, actions and undo."""

from __future__ import annotations

import pytest

from tests.waiting import until
from trainer.review import Rating, State
from trainer.tui.screens.browser import BrowserScreen, CardDetailScreen

NOW = 1_800_000_000.0


def lines(screen: BrowserScreen) -> list[str]:
    """The table's rows as drawn on screen (below its header), blank ones left out."""
    table = screen.table
    drawn = [table.render_line(y).text for y in range(1, table.size.height)]
    return [line for line in drawn if line.strip()]


def rows(screen: BrowserScreen) -> list[str]:
    """The first cell (the card's id) of each row drawn."""
    return [line.replace("●", "").split()[0] for line in lines(screen)]


def cell(screen: BrowserScreen, row: int, column: str) -> str:
    """One cell of a row drawn, read from the line at its column's place."""
    table = screen.table
    x = 1
    for _, c, width in table.column_layout():
        if c.key == column:
            return lines(screen)[row][x:x + width].strip()
        x += width + 1
    raise KeyError(column)


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


def before_each_search(monkeypatch, before) -> None:
    """The browser's whole searches call `before(query)` first."""
    from trainer.tui.screens import browser

    real_search = browser.search

    def search(index, store, query, now):
        before(query)
        return real_search(index, store, query, now)

    monkeypatch.setattr(browser, "search", search)


async def open_with_two_due(pilot, app) -> BrowserScreen:
    """The browser opened after two of the three cards were reviewed (they have a due)."""
    await pilot.press("space", "1", "space", "1")
    await pilot.pause()
    return await open_browser(pilot, app)


async def test_search_sort_and_act_with_undo(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("space", "1")  # likelihood: learning now
        await pilot.pause()
        screen = await open_browser(pilot, app)
        assert sorted(rows(screen)) == ["likelihood", "log-likelihood", "map"]
        assert status(screen).startswith("3 cards · row 1/3 · sorted by due ↑")
        assert rows(screen)[0] == "likelihood"  # the only card with a due date sorts first

        await pilot.press("slash", *"tag:mle", "enter")
        await settle(app, pilot)
        assert rows(screen) == ["likelihood", "log-likelihood"]
        await pilot.press("o", "o", "o", "o")  # due → stability → … → reviews
        await settle(app, pilot)
        assert "sorted by reviews ↑" in status(screen)
        assert rows(screen) == ["log-likelihood", "likelihood"]
        await pilot.press("O")
        await settle(app, pilot)
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


async def test_many_cards_only_the_rows_on_screen_are_drawn(make_app, write_deck, tmp_path,
                                                             monkeypatch, notifications):
    from trainer.tui.screens import browser

    n = 1205
    cards = "".join(f"  - id: c{i:04d}\n    kind: recall\n    prompt: P{i}\n    answer: A\n"
                    for i in range(n))
    deck = write_deck(f"deck: big\ntitle: Big\ncards:\n{cards}", "big.yaml")
    formatted: list[str] = []  # the rows whose cells were made, to draw them
    real_cells = browser._cells
    monkeypatch.setattr(browser, "_cells",
                        lambda m, marked: formatted.append(m.card.id) or real_cells(m, marked))
    app = make_app(deck, tmp_path / "t.db", clock=lambda: NOW)
    seen = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        height = screen.table.page_height  # rows on screen below the header
        await pilot.press(*"o" * 6)  # due → stability → … → lapses → id
        await settle(app, pilot)
        assert rows(screen)[:2] == ["c0000", "c0001"] and len(rows(screen)) == height
        assert set(formatted) <= {f"c{i:04d}" for i in range(height)} | set(rows(screen))
        assert status(screen).startswith(f"{n} cards · row 1/{n} · sorted by id ↑")

        await pilot.press("right_square_bracket", "right_square_bracket")  # two pages down
        assert screen.table.cursor_row == 2 * height
        assert f"c{2 * height:04d}" in rows(screen)  # the cursor's row is on screen
        assert f"row {2 * height + 1}/{n}" in status(screen)
        await pilot.press("end")
        assert rows(screen)[-1] == f"c{n - 1:04d}" and f"row {n}/{n}" in status(screen)
        await pilot.press("pageup")
        assert screen.table.cursor_row == n - 1 - height
        await pilot.press("G", "space")  # mark the last card (G: vi's end)
        await pilot.press("g", "j", "j", "k", "space")  # and the second
        assert rows(screen)[0] == "c0000" and "2 marked" in status(screen)
        assert lines(screen)[1].lstrip().startswith("● c0001")
        assert len(set(formatted)) < 5 * height  # never every row
        await pilot.press("s")
        await settle(app, pilot)
        suspended = {k for k, s in app.store.states(["big"]).items() if s.suspended}
        assert suspended == {"big/c0001", f"big/c{n - 1:04d}"}
        assert cell(screen, 1, "state") == "suspended"

        await pilot.press("u")  # undo, unmark, and study all the matches
        await settle(app, pilot)
        assert screen.table.cursor_row == 2  # kept through the action and its undo
        await pilot.press("up", "space", "end", "space")
        assert "marked" not in status(screen)
        await pilot.press("t")  # study these: all of them, due or not, new beyond today's limit
        await pilot.pause()
        assert n > app.settings.new_per_day
        assert app.screen.session.remaining == n
        assert not any(m.message.startswith("Studying") for m in seen)  # none left out
        await pilot.press("space", "3")
        await pilot.pause()
    assert [r.rating for r in app.store.reviews()] == [Rating.GOOD]


async def test_clicking_a_heading_sorts_by_it_and_again_reverses(make_app, recall_deck,
                                                                   tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        table = screen.table
        x = 1 + 2  # inside the id column's heading
        await pilot.click(table, offset=(x, 0))
        await settle(app, pilot)
        assert rows(screen) == ["likelihood", "log-likelihood", "map"]
        assert "sorted by id ↑" in status(screen)
        assert "id↑" in table.render_line(0).text
        await pilot.click(table, offset=(x, 0))
        await settle(app, pilot)
        assert rows(screen) == ["map", "log-likelihood", "likelihood"]
        await pilot.click(table, offset=(x, 2))  # a row: the cursor goes there
        assert table.cursor_row == 1
        await pilot.click(table, offset=(x, 2))  # again: the card opens
        await pilot.pause()
        assert isinstance(app.screen, CardDetailScreen)
        assert app.screen.match.card.id == "log-likelihood"


async def test_a_search_over_few_cards_is_drawn_with_the_key_that_asked_for_it(
        make_app, recall_deck, tmp_path, monkeypatch):
    import threading

    threads = []  # where each search ran
    before_each_search(monkeypatch, lambda query: threads.append(threading.current_thread()))
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("slash", *"tag:map", "enter")
        # no worker's hand-off: the rows came with the key, in the same frame
        assert threads[-1] is threading.main_thread()
        assert rows(screen) == ["map"] and status(screen).startswith("1 cards · row 1/1")
        await pilot.press("o")  # sorting them is at once too
        assert status(screen).startswith("1 cards · row 1/1 · sorted by stability")
        await pilot.press("slash", "end", "ctrl+u", *"prop:x<1", "enter")
        assert "prop: takes one of" in status(screen)  # a bad query says why at once


async def test_a_search_sorted_by_due_draws_its_first_page_then_every_row(
        make_app, recall_deck, tmp_path, monkeypatch):
    """A search on the UI thread over many cards, sorted by due: its first page, read from
    the store's due index, is drawn first, and the whole search runs once that frame is
    out (no worker), the cursor kept; one started before that frame drops it. A query with
    a term SQL does not settle (a tag) is searched whole at once."""
    import threading

    from trainer.tui.screens import browser

    monkeypatch.setattr(browser.BrowserScreen, "FIRST_PAGE_CARDS", 0)  # 3 cards count as many
    searched = []  # the queries searched whole, and where
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_with_two_due(pilot, app)
        before_each_search(
            monkeypatch, lambda query: searched.append((query, threading.current_thread())))
        drawn = []  # what each frame showed: its search, the first page only, how many rows
        real_render = screen.table.render_lines

        def noted_render(crop):
            drawn.append((screen.searches, screen.partial, len(screen.matches)))
            return real_render(crop)

        monkeypatch.setattr(screen.table, "render_lines", noted_render)

        async def settle_inline() -> None:
            # a frame, then the whole search it lets run, then a frame with all its rows
            await until(pilot, lambda: not screen.searching and bool(drawn) and drawn[-1] == (
                screen.searches, False, len(screen.matches)), "the whole search drawn")

        await pilot.press("slash", "end", "ctrl+u", "enter")
        await settle_inline()
        this = [(partial, n) for number, partial, n in drawn if number == screen.searches]
        assert this[0] == (True, 2)  # the two cards with a due date, by due
        assert this[-1] == (False, 3) and searched == [("", threading.main_thread())]
        assert len(rows(screen)) == 3 and status(screen).startswith("3 cards · row 1/3")

        screen.query_text = "is:learning"  # two searches before a frame: the first's
        screen.run_search()  # rest is not searched
        assert screen.partial
        screen.query_text = "is:new"  # (no due date: no first page, the whole at once)
        screen.run_search()
        await settle_inline()
        assert [query for query, _ in searched[1:]] == ["is:new"]
        assert len(rows(screen)) == 1 and status(screen).startswith("1 cards · row 1/1")
        await pilot.press("slash", "end", "ctrl+u", *"tag:mle", "enter")
        await settle_inline()  # a term SQL does not settle: no first page
        assert {(partial, n) for number, partial, n in drawn
                if number == screen.searches} == {(False, 2)}


async def test_the_garbage_collector_paused_for_a_search_is_on_again_after_it(
        make_app, recall_deck, tmp_path):
    """A search on the UI thread pauses the collector until its rows are drawn: it is on
    again after the frame and when the browser is closed before the frame, and it is not
    paused for a search under another screen (rows not drawn until that one is gone)."""
    import gc

    from textual.screen import Screen

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("slash", *"tag:map", "enter")
        await pilot.pause()
        assert rows(screen) == ["map"] and gc.isenabled()
        screen.query_text = "tag:mle"
        screen.run_search()  # and the browser closed before a frame is drawn
        assert not gc.isenabled()
        app.pop_screen()
        await pilot.pause()
        assert not isinstance(app.screen, BrowserScreen) and gc.isenabled()

        screen = await open_browser(pilot, app)
        await app.push_screen(Screen())  # over the browser
        screen.query_text = "tag:mle"
        screen.run_search()  # under another screen (a first page's whole search can be)
        assert len(screen.matches) == 2 and gc.isenabled()  # its rows are not drawn now
    assert gc.isenabled()


@pytest.mark.parametrize("made_short", ["before the search", "before its first frame"])
async def test_in_a_terminal_too_short_for_the_table_a_search_still_ends(
        make_app, recall_deck, tmp_path, monkeypatch, made_short):
    """No frame draws a table that is off screen: the rest of a search shown first page
    first, and the collector paused until the rows are drawn, do not wait for one; nor when
    the terminal is made too short after the search started and before its frame (the
    search waited for that frame for good)."""
    import gc

    from trainer.tui.screens import browser

    monkeypatch.setattr(browser.BrowserScreen, "FIRST_PAGE_CARDS", 0)  # 3 cards count as many
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_with_two_due(pilot, app)
        if made_short == "before the search":
            await pilot.resize_terminal(120, 3)  # the search box and the status line
            await until(pilot, lambda: screen.table.region.y >= app.size.height,
                        "the table laid out below the screen")
        screen.run_search()
        assert screen.partial  # the first page, with the whole search to come
        if made_short == "before its first frame":
            await pilot.resize_terminal(120, 3)
        # it ends (before the fix it stayed "searching…" with the collector off for good)
        await until(pilot, lambda: not screen.searching and gc.isenabled(),
                    "the search to end and the collector to run again")
        assert len(screen.matches) == 3
        assert status(screen).startswith("3 cards")


async def test_a_search_over_many_cards_runs_in_a_worker_and_a_stale_querys_rows_are_dropped(
        make_app, recall_deck, tmp_path, monkeypatch):
    import threading

    from trainer.tui.screens import browser

    monkeypatch.setattr(browser.BrowserScreen, "INLINE_CARDS", 0)  # 3 cards count as many
    gate = threading.Event()  # holds the first query's search until the second has drawn

    def hold(query: str) -> None:
        if query == "tag:mle":
            assert gate.wait(30), "the test never released the first search"

    before_each_search(monkeypatch, hold)
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("slash", *"tag:mle", "enter")
        await pilot.pause()
        # the UI goes on while the search runs: the last rows stay meanwhile
        assert rows(screen) == ["likelihood", "log-likelihood", "map"]
        assert status(screen) == "searching tag:mle…"
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


async def test_a_big_search_draws_its_first_rows_by_due_while_it_reads_the_rest(
        make_app, recall_deck, tmp_path, monkeypatch):
    """100k cards take half a second to search and sort: the first rows by due date are
    read from the store's index first and drawn, then all of them, the cursor kept."""
    import asyncio
    import threading

    from trainer.tui.screens import browser

    monkeypatch.setattr(browser.BrowserScreen, "INLINE_CARDS", 0)  # 3 cards count as many
    gate = threading.Event()  # holds the whole search until the first rows are checked
    held = threading.Event()  # the worker has sent its first rows and waits at the gate

    def hold(query: str) -> None:
        held.set()
        assert gate.wait(30), "the test never released the search"

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_with_two_due(pilot, app)
        assert len(rows(screen)) == 3
        before_each_search(monkeypatch, hold)
        await pilot.press("slash", "end", "ctrl+u", "enter")
        assert await asyncio.to_thread(held.wait, 30)
        await pilot.pause()
        assert len(rows(screen)) == 2  # the two with a due date, in due order
        assert status(screen).startswith("the first 2 by due ↑ · row 1 · searching all cards")
        await pilot.press("down")
        gate.set()
        await settle(app, pilot)
        assert len(rows(screen)) == 3 and screen.table.cursor_row == 1
        assert status(screen).startswith("3 cards · row 2/3 · sorted by due ↑")


async def test_after_an_action_the_rows_show_the_new_state_in_place(make_app, recall_deck,
                                                                    tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        before = rows(screen)
        await pilot.press("down", "s")  # suspend the second row's card
        await settle(app, pilot)  # the states are read again in the worker
        assert rows(screen) == before and screen.table.cursor_row == 1  # same order, same row
        assert cell(screen, 1, "state") == "suspended"
        assert cell(screen, 0, "state") == "new"


async def test_letters_typed_in_the_search_box_are_text_and_the_footer_says_so(
        make_app, recall_deck, tmp_path):
    from trainer.tui.widgets.steady_footer import SteadyFooter

    def footer(screen: BrowserScreen) -> str:
        """The footer's line as drawn."""
        return screen.query_one(SteadyFooter).render_line(0).text

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.pause()
        drawn = footer(screen)
        assert all(f" {key} {what} " in drawn for key, what in (
            ("/", "Search"), ("space", "Mark"), ("s", "Suspend"), ("u", "Undo"),
            ("esc", "Back"))), drawn
        assert "^p palette" in drawn
        widgets = len(list(screen.query("*")))
        await pilot.press("slash", *"sub", "space", *"tou")
        await pilot.pause()
        assert screen.query_one("#query").value == "sub tou"  # no key acted on a card
        assert not any(s.suspended for s in app.store.states(["basics"]).values())
        assert isinstance(app.screen, BrowserScreen)
        assert "Suspend" not in footer(screen) and " esc Back " in footer(screen)
        await pilot.press("escape")  # back to the table: its keys again
        await pilot.pause()
        assert footer(screen) == drawn
        assert len(list(screen.query("*"))) == widgets  # drawn again, nothing mounted


async def test_a_click_on_a_footer_key_presses_it(make_app, recall_deck, tmp_path):
    from trainer.tui.widgets.steady_footer import SteadyFooter

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.pause()
        bar = screen.query_one(SteadyFooter)
        [suspend] = [e for e in bar.entries if e.description == "Suspend"]
        await pilot.click(bar, offset=(suspend.start + 2, 0))
        await settle(app, pilot)
        assert cell(screen, 0, "state") == "suspended"  # the card under the cursor


async def test_a_query_typed_in_a_burst_after_slash_acts_on_no_card(make_app, recall_deck,
                                                                    tmp_path):
    """/ then a query sent at once (a paste, tmux): the letters after / reached the table
    before the box had the focus, and `e`, `s`, `f` acted on the card under the cursor."""
    from textual import events

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        typed = "deck:basics is:new fsb"
        for ch in "/" + typed:
            app.post_message(events.Key("slash" if ch == "/" else
                                        "space" if ch == " " else ch, ch))
        await pilot.pause()
        box = screen.query_one("#query")
        assert box.has_focus and box.value == typed  # every letter typed, in order
        assert app.store.states(["basics"]) == {}  # nothing suspended, forgotten or buried
        assert isinstance(app.screen, BrowserScreen)


async def test_reschedule_asks_the_day_and_moves_the_marked_cards(make_app, recall_deck,
                                                                    tmp_path, utc):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("space", "3")  # likelihood: learning, so it has a schedule
        await pilot.pause()
        screen = await open_browser(pilot, app)
        assert rows(screen)[0] == "likelihood"
        await pilot.press("space", "r")
        await pilot.pause()
        assert "Reschedule the marked 1 card to" in str(app.screen.query_one("Static").render())
        await pilot.press("plus", "3", "enter")  # typed into the box: it has the focus
        await settle(app, pilot)
        assert isinstance(app.screen, BrowserScreen)
        due = app.store.card_state("basics/likelihood").due
        # NOW is 08:00 UTC; a study day starts at 04:00: the third day on starts in 68 h
        assert due - NOW == 3 * 86400 - 4 * 3600
        assert cell(screen, 0, "due") == "in 3d"  # the row shows its new due date
        await pilot.press("r", "escape")  # escape asks nothing and changes nothing
        await pilot.pause()
        assert app.store.card_state("basics/likelihood").due == due


async def test_a_row_the_query_no_longer_matches_shows_its_new_state_until_the_next_search(
        make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(120, 30)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press("space", "space", "s")  # suspend two cards
        await settle(app, pilot)
        await pilot.press("slash", *"is:suspended", "enter")
        await settle(app, pilot)
        assert rows(screen) == ["likelihood", "log-likelihood"]
        await pilot.press("down", "S")  # unsuspend the second: is:suspended no longer holds
        await settle(app, pilot)
        assert rows(screen) == ["likelihood", "log-likelihood"]  # it stays where it was
        assert cell(screen, 1, "state") == "new"  # showing what it is now, not was
        await pilot.press("u")
        await settle(app, pilot)
        assert cell(screen, 1, "state") == "suspended"
        await pilot.press("S", "up", "S")
        await settle(app, pilot)
        await pilot.press("slash", "enter")  # the same query again: no card matches now
        await settle(app, pilot)
        assert [line.strip() for line in lines(screen)] == ["no cards match"]
        assert status(screen).startswith("0 cards")


async def test_in_80_columns_the_table_leaves_columns_out_instead_of_cutting_them(
        make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_browser(pilot, app)
        await pilot.press(*"o" * 4)  # sorted by reviews: the heading has its arrow
        await settle(app, pilot)
        table = screen.table
        header = table.render_line(0).text
        assert header.split() == ["id", "deck", "state", "due", "recall", "reviews↑"]
        assert len(header.rstrip()) <= table.scrollable_content_region.width
        assert rows(screen) == ["likelihood", "log-likelihood", "map"]
        assert cell(screen, 0, "reviews") == "0" and cell(screen, 0, "state") == "new"
    wide = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    async with wide.run_test(size=(120, 24)) as pilot:  # wide enough: every column
        screen = await open_browser(pilot, wide)
        assert len(screen.table.render_line(0).text.split()) == 10


async def test_u_undoes_the_last_action_the_store_keeps_even_one_from_the_command_line(
        make_app, recall_deck, tmp_path, notifications):
    """`u` in a browser opened afresh undoes `trainer cards tag:map --suspend` (the same
    list as `trainer cards --undo`), then says there is nothing left."""
    from trainer.browse import actions
    from trainer.browse.search import search

    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: NOW)
    seen = notifications(app)
    async with app.run_test(size=(120, 30)) as pilot:
        store = app.store
        # as the command line does it, outside this browser
        actions.apply(store, search(app.load_result.cards, store, "tag:map", NOW), "suspend",
                      NOW)
        screen = await open_browser(pilot, app)
        assert store.card_state("basics/map").suspended
        await pilot.press("u")
        await settle(app, pilot)
        assert store.card_state("basics/map") is None  # as it was: new, never stored
        assert seen[-1].message.startswith("Undone: suspend of 1 card (")
        await until(pilot, lambda: "suspended" not in " ".join(lines(screen)),
                    "the row drawn again")
        await pilot.press("u")
        assert seen[-1].message == "Nothing to undo."
