"""The card browser (`B`): search, a sortable table drawn a screenful at a time, card detail and actions with undo."""

from __future__ import annotations

import gc
import time

from rich.markup import escape
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Static
from textual_plotext import PlotextPlot

from trainer.attempt import Attempt, next_review_number
from trainer.browse import actions
from trainer.browse.editor import parse_day
from trainer.browse.history import card_history, retrievability_curve
from trainer.browse.query import LazyIndex, QueryError, TextIndex, parse
from trainer.browse.search import COLUMNS, Match, first_page, search, sort_matches
from trainer.decks.model import Card
from trainer.render import plural
from trainer.scheduling import format_interval
from trainer.scheduling.days import study_date
from trainer.store import Store, StoreError
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.study_text import md, reference_answers, solution_text
from trainer.tui.widgets.row_table import Column, RowTable
from trainer.tui.widgets.steady_footer import SteadyFooter

SEARCHING = "searching…"
# what each column shows and how wide (the id takes the rest); below 111 cells the
# columns with a `drop` are left out, difficulty first, so that 80 still fit
TABLE_COLUMNS = (
    Column("id", "id"), Column("deck", "deck", 17), Column("kind", "kind", 10, drop=1),
    Column("state", "state", 10), Column("due", "due", 9),
    Column("stability", "stab.", 7, right=True, drop=2),
    Column("difficulty", "diff.", 6, right=True, drop=4),
    Column("retrievability", "recall", 7, right=True), Column("reviews", "reviews", 8, right=True),
    Column("lapses", "lapses", 7, right=True, drop=3),
)
# every heading has room for the sort arrow beside it
assert all(not c.width or len(c.label) < c.width for c in TABLE_COLUMNS)
assert tuple(c.key for c in TABLE_COLUMNS) == COLUMNS


def _let_go(*kept: object) -> None:
    """Nothing: what it is called with is freed when the call is done."""


def _when(seconds: float) -> str:
    """A due date relative to now, in the rating keys' units: in 12d, 3h ago, now."""
    if abs(seconds) < 60:
        return "now"
    return f"in {format_interval(seconds)}" if seconds > 0 else f"{format_interval(-seconds)} ago"


def _cells(m: Match, marked: bool) -> list[str]:
    d = m.to_dict()
    due, stability, difficulty, r = m.due, d["stability"], d["difficulty"], m.retrievability
    return [
        ("● " if marked else "  ") + m.card.id, m.card.deck, m.card.kind, m.state_label,
        "-" if due is None else _when(due - m.now),
        "-" if stability is None else f"{stability:.1f}d",
        "-" if difficulty is None else f"{difficulty:.1f}",
        "-" if r is None else f"{r:.0%}", str(d["reviews"]), str(d["lapses"]),
    ]


class BrowserScreen(TrainerScreen):
    """Search the cards; `enter` shows one, space marks; actions apply to the marked or the row."""

    DEFAULT_CSS = """
    BrowserScreen #query { dock: top; }
    BrowserScreen #browse-status { height: 1; padding: 0 1; background: $boost; }
    BrowserScreen RowTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "focus_query", "Search", key_display="/"),
        Binding("space", "mark", "Mark"),
        Binding("o", "sort", "Sort"),
        Binding("O", "reverse", "Reverse", show=False),
        Binding("s", "act('suspend')", "Suspend"),
        Binding("S", "act('unsuspend')", "Unsuspend", show=False),
        Binding("b", "act('bury')", "Bury", show=False),
        Binding("B", "act('unbury')", "Unbury", show=False),
        Binding("f", "act('forget')", "Forget", show=False),
        Binding("r", "reschedule", "Reschedule", show=False),
        Binding("e", "edit", "Edit", show=False),
        Binding("t", "study", "Study these"),
        Binding("u", "undo", "Undo"),
        Binding("escape,q", "close", "Back"),
    ]

    # a search over at most this many cards runs at once on the UI thread (about 40 ms
    # for 10k): a worker's hand-off, and the frames drawn while it ran, cost more than that
    # and the rows came a frame later; a bigger one runs in a worker, the screen live
    INLINE_CARDS = 20_000
    # such a search over more cards than this, sorted by due, draws its first page first
    # (read from the store's due index in under a millisecond, where 10k matches take some
    # 30 ms to read and sort) and the whole rows in the frame after
    FIRST_PAGE_CARDS = 2_000

    class FirstRows(Message):
        """A search worker's first page, drawn while it reads the rest."""

        def __init__(self, number: int, rows: list[Match]) -> None:
            super().__init__()
            self.number = number
            self.rows = rows

    def __init__(self, cards: list[Card], query: str = "", clock=time.time,  # noqa: ANN001
                 index: LazyIndex | None = None) -> None:
        super().__init__()
        self.cards = cards
        # the cards' index: the app's, made in the background after the first card; else
        # made by the first search, in its worker
        self.lazy_index = index if index is not None else LazyIndex(lambda: cards)
        self.query_text = query
        self.clock = clock
        self.matches: list[Match] = []
        self.sort_column = "due"
        self.sort_reverse = False
        self.marked: set[str] = set()
        self.searches = 0  # searches and sorts started: a worker's result counts only if last
        self.error = ""  # why the last query gave nothing
        self.searching = False  # a search's rows are still to come
        self.partial = False  # the rows shown are a search's first page only
        self._collector_paused = False  # by this screen, until the next frame

    def compose(self) -> ComposeResult:
        yield Input(self.query_text, id="query",
                    placeholder='search: deck:ID tag:T kind:K is:review due:<7 prop:r<0.8 "words"')
        yield RowTable(TABLE_COLUMNS, id="table")
        yield Static(id="browse-status")
        yield SteadyFooter()

    @property
    def index(self) -> TextIndex:
        """The cards' index (waits for it to be made: in a worker only)."""
        return self.lazy_index.get()

    @property
    def table(self) -> RowTable:
        return self.query_one(RowTable)

    def on_mount(self) -> None:
        self.run_search()
        self.table.focus()

    # --- searching and drawing ----------------------------------------------------------

    def run_search(self) -> None:
        """Search: on the UI thread when the query reads few cards (`INLINE_CARDS`; over
        more than `FIRST_PAGE_CARDS`, the first page by due drawn first), else in a worker
        thread; the status line says so meanwhile (the rows of the last search stay until
        the new ones come: no blank frame drawn in between), and only the latest query's
        results are drawn (an earlier one finishing late is dropped)."""
        self.searches += 1
        self.error = ""
        cards = self._inline_cards(self.query_text)
        if cards is not None:
            self.searching = False
            if cards <= self.FIRST_PAGE_CARDS or not self._first_page_first(self.searches):
                self._search_inline(self.searches)
            return
        self.searching = True
        if not self.matches:
            self.table.show(0, self._row_cells, empty=SEARCHING)
        self._say(f"searching {escape(self.query_text) or 'all cards'}…")
        self._search(self.query_text, self.sort_column, self.sort_reverse, self.searches)

    def _pause_collector(self) -> None:
        """The garbage collector off from a search on the UI thread until its rows are
        drawn: it ran some 40 times while one made its 10k matches, now and then a full
        pass over everything alive (35-50 ms), and nothing is garbage meanwhile (the
        rows replaced are freed after the frame). Not under another screen: the rows may
        not be drawn until it is gone."""
        if gc.isenabled() and self.app.screen is self:
            gc.disable()
            self._collector_paused = True
            self.table.call_after_drawn(self._resume_collector)

    def _resume_collector(self) -> None:
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    def on_unmount(self) -> None:
        self._resume_collector()  # closed before the frame was drawn

    def on_screen_suspend(self) -> None:
        self._resume_collector()  # another screen over it before the frame was drawn

    def _inline_cards(self, text: str) -> int | None:
        """How many cards the query reads when it is searched on the UI thread: at most
        INLINE_CARDS, and the index made (its text too, for a text term); None otherwise."""
        index = self.lazy_index.ready()
        if index is None:
            return None
        try:
            query = parse(text)
        except QueryError:
            return 0  # its message at once
        if not index.text_ready and any(t.field == "text" for t in query.terms):
            return None
        decks = query.decks(list(index.keyed))
        cards = sum(len(index.keyed[deck]) for deck in decks)
        return cards if cards <= self.INLINE_CARDS else None

    def _first_page_first(self, number: int) -> bool:
        """Draw the search's first page by due now and search the whole once it is on
        screen; False when there is no such page (another column, no row with a due date
        matches, or a term SQL does not settle: a tag or text term, retrievability, whose
        first page may take as long to find as the whole): then the whole search is the
        one to run."""
        try:
            query = parse(self.query_text)
            if query.left_to_test():
                return False
            first = first_page(self.index, self.app.store, query, self.clock(),
                               self.sort_column, reverse=self.sort_reverse)
        except (QueryError, StoreError):
            return False  # the whole search says why
        if not first:
            return False
        self.searching = True
        self._show_first(number, first)
        self.table.call_after_drawn(lambda: self._search_inline(number))
        return True

    def _search_inline(self, number: int) -> None:
        """The whole search, on the UI thread, unless another search or sort started
        since it was asked for."""
        if number != self.searches or not self.is_attached:
            return
        self._pause_collector()
        self._found(number, self._search_in(self.app.store, self.index, self.query_text,
                                            self.sort_column, self.sort_reverse))

    def _search_in(self, store: Store, index: TextIndex, text: str, column: str,
                   reverse: bool) -> list[Match] | str:
        """The sorted matches, or why there are none."""
        try:
            found = search(index, store, text, self.clock())
            return sort_matches(found, column, reverse=reverse)
        except QueryError as exc:
            return str(exc)
        except StoreError as exc:
            return f"Could not read the cards: {exc}"

    @work(thread=True, exit_on_error=False, group="search")
    def _search(self, text: str, column: str, reverse: bool, number: int) -> None:
        try:
            with self.app.store.reading() as store:  # its own connection: another thread
                index = self.index
                try:  # the first page, by due date, read in a few milliseconds
                    first = first_page(index, store, text, self.clock(), column,
                                       reverse=reverse)
                except QueryError:
                    first = None  # the whole search says why
                if first:  # drawn while the rest is read (not waited for)
                    self.post_message(self.FirstRows(number, first))
                result = self._search_in(store, index, text, column, reverse)
        except StoreError as exc:
            result = f"Could not read the cards: {exc}"
        self.app.call_from_thread(self._found, number, result)

    @work(thread=True, exit_on_error=False, group="search")
    def _reread(self, matches: list[Match], keys: frozenset[str], number: int) -> None:
        """The rows of the cards an action changed, read again; every row keeps its place
        (a card the query would no longer match stays until the next search, as in Anki)."""
        try:
            with self.app.store.reading() as store:
                rows = store.state_rows(keys)
        except StoreError as exc:
            self.app.call_from_thread(self._found, number, f"Could not read the cards: {exc}")
            return
        now = self.clock()
        result = [Match(m.card, now, rows.get(m.key), m.decay, m.key) if m.key in keys else m
                  for m in matches]
        self.app.call_from_thread(self._found, number, result, True)

    @work(thread=True, exit_on_error=False, group="search")
    def _sort(self, matches: list[Match], column: str, reverse: bool, number: int) -> None:
        """Sort in a worker too: 100k matches take a moment to sort."""
        result = sort_matches(matches, column, reverse=reverse)
        self.app.call_from_thread(self._found, number, result)

    @on(FirstRows)
    def _first_rows(self, message: FirstRows) -> None:
        self._show_first(message.number, message.rows)

    def _show_first(self, number: int, rows: list[Match]) -> None:
        """A search's first page, shown while the rest is read."""
        if number != self.searches or not self.searching:
            return  # another search's, or this one's whole rows came first
        self.partial = True
        self._replace_rows(rows)  # the marks stay: the whole rows may have them
        self.table.sort_key, self.table.sort_reverse = self.sort_column, self.sort_reverse
        self.table.show(len(rows), self._row_cells, self._row_marked)
        self._status()

    def _found(self, number: int, result: list[Match] | str, refresh: bool = False) -> None:
        if number != self.searches:
            return  # a later query was typed meanwhile: its results are the ones to show
        self.searching = False
        partial, self.partial = self.partial, False
        if isinstance(result, str):  # why the query gave nothing
            self.error = result
            self.matches = []
            self.table.show(0, self._row_cells, empty="no cards: the query can not be read")
            self._status()
            return
        # after an action, or after the first page: the same row
        row = self.table.cursor_row if refresh or partial else 0
        self._replace_rows(result)
        if self.marked:  # those no longer shown are no longer marked
            self.marked &= {m.key for m in self.matches}
        self.table.sort_key, self.table.sort_reverse = self.sort_column, self.sort_reverse
        self.table.show(len(result), self._row_cells, self._row_marked, cursor=row,
                        empty="no cards match")
        self._status()

    def _replace_rows(self, rows: list[Match]) -> None:
        """The rows shown from now; those they replace are freed after the frame that
        shows the new ones (100k matches take 50 ms to free: the first search after
        opening the browser on every card)."""
        replaced = self.matches
        self.table.call_after_drawn(lambda: _let_go(replaced))
        self.matches = rows

    def _row_cells(self, index: int) -> list[str]:
        m = self.matches[index]
        return _cells(m, m.key in self.marked)

    def _row_marked(self, index: int) -> bool:
        return self.matches[index].key in self.marked

    def _refresh_states(self, keys: frozenset[str]) -> None:
        """After an action or its undo: the changed cards' rows read again in the worker;
        the rows keep their order and the cursor its row (a query typed meanwhile wins)."""
        if self.searching:
            self.run_search()  # the rows on screen are not the query's yet: read them all
            return
        self.searches += 1
        self.searching = True
        self._reread(self.matches, keys, self.searches)

    def _status(self) -> None:
        if self.error:
            self._say(f"[red]{escape(self.error)}[/red]")
            return
        arrow = "↓" if self.sort_reverse else "↑"
        n = len(self.matches)
        if self.partial:
            self._say(f"the first {n} by due {arrow} · row {self.table.cursor_row + 1} · "
                      f"searching {escape(self.query_text) or 'all cards'}…")
            return
        at = f"row {self.table.cursor_row + 1}/{n}" if n else "none match"
        self._say(f"{n} cards · {at} · sorted by {self.sort_column} {arrow}"
                  + (f" · {len(self.marked)} marked" if self.marked else ""))

    def _say(self, markup: str) -> None:
        # one line docked at the bottom: its size never changes, no layout needed
        self.query_one("#browse-status", Static).update(Text.from_markup(markup), layout=False)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.run_search()
        self.table.focus()

    @on(RowTable.RowSelected, "#table")
    def _row_selected(self, event: RowTable.RowSelected) -> None:
        self.action_detail()

    @on(RowTable.CursorMoved, "#table")
    def _cursor_moved(self, event: RowTable.CursorMoved) -> None:
        if self.matches:
            self._status()

    @on(RowTable.HeaderSelected, "#table")
    def _header(self, event: RowTable.HeaderSelected) -> None:
        if event.column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = event.column, False
        self._resort()

    def _resort(self) -> None:
        if self.searching:  # the search under way sorts by the old column: search again
            self.run_search()
            return
        self.searches += 1
        if len(self.matches) <= self.INLINE_CARDS:  # at once, as a search of as many
            self._pause_collector()
            self._found(self.searches, sort_matches(self.matches, self.sort_column,
                                                    reverse=self.sort_reverse))
            return
        self.searching = True  # an action meanwhile reads the rows again, sorted
        self._say(f"sorting by {self.sort_column}…")
        self._sort(self.matches, self.sort_column, self.sort_reverse, self.searches)

    # --- keys -----------------------------------------------------------------------------

    def action_focus_query(self) -> None:
        # at once (focus() waits its turn behind the keys already queued): the keys
        # typed after / are the query's
        self.set_focus(self.query_one("#query", Input))

    def on_key(self, event: events.Key) -> None:
        """`/` and the keys typed after it in one burst (a paste, a fast typist, tmux)
        reach the table before the box has the focus: `/` focuses the box at once, and a
        letter that still came through the table is typed into the box, never taken as a
        command (`s`, `f`, `b` must not act on cards while a search is being typed)."""
        box = self.query_one("#query", Input)
        if event.key == "slash" and self.focused is not box:
            self.action_focus_query()
        elif self.focused is box and event.is_printable and event.character:
            box.insert_text_at_cursor(event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def action_close(self) -> None:
        if self.focused is not None and self.focused.id == "query":
            self.table.focus()
            return
        self.dismiss()

    def action_sort(self) -> None:
        """Sort by the next column."""
        self.sort_column = COLUMNS[(COLUMNS.index(self.sort_column) + 1) % len(COLUMNS)]
        self.sort_reverse = False
        self._resort()

    def action_reverse(self) -> None:
        self.sort_reverse = not self.sort_reverse
        self._resort()

    def current(self) -> Match | None:
        index = self.table.cursor_row
        return self.matches[index] if 0 <= index < len(self.matches) else None

    def chosen(self) -> list[Match]:
        """The marked cards, or the one under the cursor when none is marked."""
        if self.marked:
            return [m for m in self.matches if m.key in self.marked]
        m = self.current()
        return [] if m is None else [m]

    def action_mark(self) -> None:
        m = self.current()
        if m is None:
            return
        self.marked ^= {m.key}
        self.table.redraw()
        self.table.action_move(1)
        self._status()

    def action_act(self, action: str, due_day: object = None) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        try:
            change = actions.apply(self.app.store, chosen, action, self.clock(),
                                   day_hour=self.app.settings.day_starts_at, due_day=due_day)
        except StoreError as exc:
            if not exc.lost_nothing:
                raise  # a damaged database: the app stops and says what to do
            self.notify(f"Could not save: {exc} Nothing changed; try again.", severity="error")
            return
        self.notify(f"{actions.report(change, chosen)} [b]u[/b] undoes.", timeout=3)
        self._refresh_states(frozenset(change.after))

    def action_undo(self) -> None:
        """The browser's last action, here or with `trainer cards`, as the store keeps it."""
        try:
            done = actions.undo_last(self.app.store, self.clock())
        except actions.UndoRefused as exc:
            why = str(exc)
            self.notify(f"{why[:1].upper()}{why[1:]}.", severity="warning", timeout=6)
            return
        except StoreError as exc:
            if not exc.lost_nothing:
                raise
            self.notify(f"Could not undo: {exc} Nothing changed; try again.", severity="error")
            return
        if done is None:
            self.notify("Nothing to undo.", timeout=2)
            return
        self.notify(f"Undone: {done.describe()}.", timeout=2)
        self._refresh_states(frozenset(done.keys))

    def action_reschedule(self) -> None:
        chosen = self.chosen()
        if not chosen:
            return
        today = study_date(self.clock(), day_hour=self.app.settings.day_starts_at)

        def chosen_day(text: str | None) -> None:
            if not text:
                return
            try:
                day = parse_day(text, today)
            except ValueError as exc:
                self.notify(str(exc), severity="warning")
                return
            self.action_act("reschedule", day)

        what = "the marked" if self.marked else "this"
        self.app.push_screen(AskScreen(f"Reschedule {what} {plural(len(chosen), 'card')} to "
                                       "(YYYY-MM-DD or +days):"), chosen_day)

    def action_detail(self) -> None:
        m = self.current()
        if m is not None:
            self.app.push_screen(CardDetailScreen(m, self.clock()))

    def action_edit(self) -> None:
        m = self.current()
        if m is not None:
            self.app.open_in_editor(m.card)

    def action_study(self) -> None:
        chosen = self.chosen() if self.marked else self.matches
        if not chosen:
            return
        app = self.app
        app.study_cards([m.card for m in chosen])
        session = getattr(app.screen, "session", None)
        taken = getattr(session, "total", len(chosen))
        if taken < len(chosen):  # the session said how many it takes, not the browser
            app.notify(f"Studying {taken} of the {len(chosen)} cards: suspended and buried "
                       "cards are left out.", timeout=6)


class AskScreen(ModalScreen[str | None]):
    """One line of input; enter answers, escape cancels."""

    DEFAULT_CSS = """
    AskScreen { align: center middle; }
    AskScreen > Vertical { width: 60; height: auto; border: round $accent;
                           background: $panel; padding: 0 1; }
    """
    AUTO_FOCUS = "#ask"  # what is typed is the answer
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            yield Input(id="ask")

    @on(Input.Submitted, "#ask")
    def _answer(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CardDetailScreen(ModalScreen[None]):
    """One card: its prompt and answer (a graded card's as its next review draws them), every
    review newest first, and retrievability over time."""

    DEFAULT_CSS = """
    CardDetailScreen { align: center middle; }
    CardDetailScreen > VerticalScroll { width: 95%; height: 90%; border: round $accent;
                                        background: $panel; padding: 0 1; }
    CardDetailScreen #history { height: auto; }
    CardDetailScreen PlotextPlot { height: 12; }
    CardDetailScreen Horizontal { height: auto; }
    """
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]

    def __init__(self, match: Match, now: float) -> None:
        super().__init__()
        self.match = match
        self.now = now
        card = match.card
        # a graded card as the learner meets it next: its next review's numbers drawn
        self.attempt = Attempt(card, next_review_number(match.state)) if card.graded else None

    def compose(self) -> ComposeResult:
        card, attempt = self.match.card, self.attempt
        with VerticalScroll() as scroll:
            scroll.border_title = f"{card.key} · {card.kind} · {self.match.state_label}"
            yield Static(md(attempt.prompt if attempt else card.prompt), id="detail-prompt")
            if attempt is not None and attempt.error is not None:
                yield Static(Text(f"This card can not be drawn: {attempt.error}",
                                  style="red"), id="detail-answer")
            elif attempt is not None:
                yield Static(Text("Answer: working it out…", style="dim"), id="detail-answer")
                yield Static(Text("The numbers are drawn afresh at each review: these are "
                                  "the next review's.", style="italic dim"), id="detail-drawn")
                if attempt.solution:
                    yield Static(solution_text(attempt.solution), id="detail-solution")
            elif card.answer or card.solve:
                yield Static(Text("Answer: ", style="bold") + md(card.answer or card.solve or ""),
                             id="detail-answer")
            if card.key_points:
                yield Static("Key points: " + "; ".join(card.key_points), id="detail-points")
            yield DataTable(id="history", cursor_type="row")
            yield PlotextPlot(id="curve")

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def _work_out(self, attempt: Attempt) -> None:
        """The reference answers (the solvers may take a while to import)."""
        try:
            shown = reference_answers(attempt, attempt.references())
        except Exception as exc:  # noqa: BLE001 - a broken card is shown as such, not a crash
            shown = Text(f"The reference could not be worked out: {exc}", style="red")
        self.app.call_from_thread(self._worked_out, shown)

    def _worked_out(self, shown: Text) -> None:
        if self.is_mounted:
            self.query_one("#detail-answer", Static).update(Text("Answer\n", style="bold") + shown)

    def on_mount(self) -> None:
        if self.attempt is not None and self.attempt.error is None:
            self._work_out(self.attempt)
        store = self.app.store  # type: ignore[attr-defined]
        table = self.query_one("#history", DataTable)
        for column in ("date", "rating", "answer", "verdict", "time", "interval"):
            table.add_column(column, key=column)
        rows = card_history(store, self.match.key)
        for row in rows:
            table.add_row(
                time.strftime("%Y-%m-%d %H:%M", time.localtime(row.reviewed_at)),
                row.rating.label, (row.answer or "-")[:40],
                "-" if row.verdict is None else str(row.verdict),
                "-" if row.duration_ms is None else f"{row.duration_ms / 1000:.0f}s",
                format_interval(row.interval_s))
        if not rows:
            table.add_row("never reviewed", "", "", "", "", "")
        # every review laid out, newest first, in the detail (which scrolls down to the
        # oldest), not in a box of its own that hid all but its first few
        table.styles.max_height = table.row_count + 2  # the header, a scroll bar if narrow
        curve = retrievability_curve(store.reviews(self.match.key), self.now,
                                     decay=self.match.decay)
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.title("retrievability")
        if curve:
            plt.plot([x for x, _ in curve], [y for _, y in curve])
            plt.ylim(0, 1)
            plt.xlabel("days since the first review")
        else:
            plot.display = False
