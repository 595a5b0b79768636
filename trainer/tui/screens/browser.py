"""The card browser (`B`): search, a sortable paged table, card detail and actions with undo."""

from __future__ import annotations

import time

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Static
from textual_plotext import PlotextPlot

from trainer.browse import actions
from trainer.browse.editor import parse_day
from trainer.browse.history import card_history, retrievability_curve
from trainer.browse.query import QueryError, TextIndex
from trainer.browse.search import COLUMNS, Match, search, sort_matches
from trainer.decks.model import Card
from trainer.scheduling import format_interval
from trainer.scheduling.days import study_date
from trainer.stats import describe_time
from trainer.store import StoreError
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.study_text import md

PAGE = 100  # rows drawn at once: a page is quick to draw whatever the number of matches
SEARCHING = "searching"  # the placeholder row's key while a search runs


def _cells(m: Match, now: float, marked: bool) -> list[str]:
    d = m.to_dict()
    return [
        ("● " if marked else "  ") + m.card.id, m.card.deck, m.card.kind, m.state_label,
        "-" if d["due"] is None else describe_time(float(d["due"]), now),  # type: ignore[arg-type]
        "-" if d["stability"] is None else f"{d['stability']:.1f}d",
        "-" if d["difficulty"] is None else f"{d['difficulty']:.1f}",
        "-" if m.retrievability is None else f"{m.retrievability:.0%}",
        str(d["reviews"]), str(d["lapses"]),
    ]


class BrowserScreen(TrainerScreen):
    """Search the cards; `enter` shows one, space marks; actions apply to the marked or the row."""

    DEFAULT_CSS = """
    BrowserScreen #query { dock: top; }
    BrowserScreen #browse-status { dock: bottom; height: 1; padding: 0 1; background: $boost; }
    BrowserScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "focus_query", "Search", key_display="/"),
        Binding("enter", "detail", "Card", show=False),
        Binding("space", "mark", "Mark"),
        Binding("o", "sort", "Sort"),
        Binding("O", "reverse", "Reverse", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]"),
        Binding("left_square_bracket", "page(-1)", "Prev page", key_display="[", show=False),
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

    def __init__(self, cards: list[Card], query: str = "", clock=time.time) -> None:  # noqa: ANN001
        super().__init__()
        self.index = TextIndex(cards)
        self.query_text = query
        self.clock = clock
        self.matches: list[Match] = []
        self.sort_column = "due"
        self.sort_reverse = False
        self.page = 0
        self.marked: set[str] = set()
        self.undo_stack: list[actions.Change] = []
        self.searches = 0  # queries started: a worker's result counts only if it is the last

    def compose(self) -> ComposeResult:
        yield Input(self.query_text, id="query",
                    placeholder='search: deck:ID tag:T kind:K is:review due:<7 prop:r<0.8 "words"')
        yield DataTable(id="table", cursor_type="row", zebra_stripes=True)
        yield Static(id="browse-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for column in COLUMNS:
            table.add_column(column, key=column)
        self.run_search()
        table.focus()

    # --- searching and drawing ----------------------------------------------------------

    def run_search(self) -> None:
        """Search in a worker thread; the table says so meanwhile, and only the latest
        query's results are drawn (an earlier one finishing late is dropped)."""
        self.searches += 1
        self.matches = []
        self.page = 0
        table = self.query_one(DataTable)
        table.clear()
        table.add_row("searching…", *[""] * (len(COLUMNS) - 1), key=SEARCHING)
        self._say(f"searching {self.query_text or 'all cards'}…")
        self._search(self.query_text, self.sort_column, self.sort_reverse, self.searches)

    @work(thread=True, exit_on_error=False, group="search")
    def _search(self, text: str, column: str, reverse: bool, number: int,
                refresh: bool = False) -> None:
        try:
            with self.app.store.reading() as store:  # its own connection: another thread
                found = search(self.index, store, text, self.clock())
            result: list[Match] | str = found if refresh else \
                sort_matches(found, column, reverse=reverse)
        except QueryError as exc:
            result = str(exc)
        except StoreError as exc:
            result = f"Could not read the cards: {exc}"
        self.app.call_from_thread(self._found, number, result, refresh)

    def _found(self, number: int, result: list[Match] | str, refresh: bool = False) -> None:
        if number != self.searches:
            return  # a later query was typed meanwhile: its results are the ones to show
        table = self.query_one(DataTable)
        if isinstance(result, str):  # why the query gave nothing
            table.clear()
            self._say(f"[red]{escape(result)}[/red]")
            return
        if refresh:  # the states after an action, in the order, page and row on screen
            found = {m.key: m for m in result}
            row = table.cursor_row
            self.matches = [found.get(m.key, m) for m in self.matches]
            self.draw()
            table.move_cursor(row=row)
            return
        self.matches = result
        self.marked &= {m.key for m in self.matches}
        self.page = 0
        self.draw()

    def _refresh_states(self) -> None:
        """After an action: the same query read again in the worker; the rows keep their
        order, page and cursor (a query typed meanwhile wins)."""
        self.searches += 1
        self._search(self.query_text, self.sort_column, self.sort_reverse, self.searches,
                     refresh=True)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.matches) // PAGE))

    def draw(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        now = self.clock()
        for m in self.matches[self.page * PAGE:(self.page + 1) * PAGE]:
            table.add_row(*_cells(m, now, m.key in self.marked), key=m.key)
        arrow = "↓" if self.sort_reverse else "↑"
        self._say(f"{len(self.matches)} cards · page {self.page + 1}/{self.pages} · "
                  f"sorted by {self.sort_column} {arrow}"
                  + (f" · {len(self.marked)} marked" if self.marked else ""))

    def _say(self, markup: str) -> None:
        self.query_one("#browse-status", Static).update(Text.from_markup(markup))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.query_text = event.value
        self.run_search()
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_detail()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self._resort()

    def _resort(self) -> None:
        self.matches = sort_matches(self.matches, self.sort_column, reverse=self.sort_reverse)
        self.page = 0
        self.draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        if focused is not None and focused.id == "query" and action not in ("close",):
            return False  # letters typed into the search box are text, not commands
        return True

    # --- keys -----------------------------------------------------------------------------

    def action_focus_query(self) -> None:
        self.query_one("#query", Input).focus()

    def action_close(self) -> None:
        if self.focused is not None and self.focused.id == "query":
            self.query_one(DataTable).focus()
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

    def action_page(self, step: int) -> None:
        page = min(max(self.page + step, 0), self.pages - 1)
        if page != self.page:
            self.page = page
            self.draw()

    def current(self) -> Match | None:
        table = self.query_one(DataTable)
        index = self.page * PAGE + table.cursor_row
        if not table.row_count or not 0 <= index < len(self.matches):
            return None
        return self.matches[index]

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
        row = self.query_one(DataTable).cursor_row
        self.draw()
        self.query_one(DataTable).move_cursor(row=row + 1)

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
        if change.count:
            self.undo_stack.append(change)
        self.notify(f"{action}: {change.count} of {len(chosen)} changed. [b]u[/b] undoes.",
                    timeout=3)
        self._refresh_states()

    def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo.", timeout=2)
            return
        change = self.undo_stack.pop()
        actions.undo(self.app.store, change)
        self.notify(f"Undone: {change.action} of {change.count}.", timeout=2)
        self._refresh_states()

    def action_reschedule(self) -> None:
        if not self.chosen():
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

        self.app.push_screen(AskScreen("Reschedule to (YYYY-MM-DD or +days):"), chosen_day)

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
        if chosen:
            self.app.study_cards([m.card for m in chosen])


class AskScreen(ModalScreen[str | None]):
    """One line of input; enter answers, escape cancels."""

    DEFAULT_CSS = """
    AskScreen { align: center middle; }
    AskScreen > VerticalScroll { width: 60; height: auto; border: round $accent;
                                 background: $panel; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(self.question)
            yield Input(id="ask")

    @on(Input.Submitted, "#ask")
    def _answer(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CardDetailScreen(ModalScreen[None]):
    """One card: its prompt and answer, every review, and retrievability over time."""

    DEFAULT_CSS = """
    CardDetailScreen { align: center middle; }
    CardDetailScreen > VerticalScroll { width: 95%; height: 90%; border: round $accent;
                                        background: $panel; padding: 0 1; }
    CardDetailScreen #history { height: auto; max-height: 14; }
    CardDetailScreen PlotextPlot { height: 12; }
    CardDetailScreen Horizontal { height: auto; }
    """
    BINDINGS = [Binding("escape,q,enter", "dismiss", "Close")]

    def __init__(self, match: Match, now: float) -> None:
        super().__init__()
        self.match = match
        self.now = now

    def compose(self) -> ComposeResult:
        card = self.match.card
        with VerticalScroll() as scroll:
            scroll.border_title = f"{card.key} · {card.kind} · {self.match.state_label}"
            yield Static(md(card.prompt), id="detail-prompt")
            answer = card.answer or card.solve or ""
            if answer:
                yield Static(Text("Answer: ", style="bold") + md(answer), id="detail-answer")
            if card.key_points:
                yield Static("Key points: " + "; ".join(card.key_points), id="detail-points")
            yield DataTable(id="history", cursor_type="row")
            yield PlotextPlot(id="curve")

    def on_mount(self) -> None:
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
