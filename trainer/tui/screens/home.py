"""Home: decks with due and new counts, the forecast and the streak; start, filter, cram."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.coordinate import Coordinate
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Sparkline, Static
from textual.worker import Worker, WorkerState

from trainer.interview.outlook import home_lines
from trainer.interview.plan import DateError, parse_interview_date
from trainer.render import plural
from trainer.scheduling.days import study_date
from trainer.scheduling.refit import refit_suggestion
from trainer.stats import DeckTable, Overview, deck_table, overview
from trainer.tui.screens.base import TrainerScreen, put
from trainer.tui.widgets.steady_footer import SteadyFooter

ALL = "*"
KEPT = "home"  # the name the kept home screen is installed under
COUNTING = Text.from_markup("[b]Decks[/b]   counting…")


class TagPrompt(ModalScreen[str | None]):
    """Ask for a tag to filter by, listing the most common tags."""

    DEFAULT_CSS = """
    TagPrompt { align: center middle; }
    TagPrompt > Vertical {
        width: 70; height: auto; border: round $accent; padding: 0 1; background: $panel;
    }
    """
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel")]

    def __init__(self, tags: Counter[str]) -> None:
        super().__init__()
        self.tags = tags

    def compose(self) -> ComposeResult:
        common = ", ".join(f"{t} ({n})" for t, n in self.tags.most_common(12))
        with Vertical():
            yield Static(Text.from_markup(f"[b]Study one tag[/b]\n[dim]{common}[/dim]"))
            # completes as you type (→ accepts), most used tags first
            tags = [t for t, _ in self.tags.most_common()]
            yield Input(placeholder="tag, then enter (→ completes)", id="tag",
                        suggester=SuggestFromList(tags, case_sensitive=False))

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        tag = event.value.strip()
        if tag and tag not in self.tags:
            self.notify(f"No card has the tag {tag!r}.", severity="warning")
            return
        self.dismiss(tag or None)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class DatePrompt(ModalScreen[date | None]):
    """Ask for the interview date; the domain says what is wrong with a bad one.

    Dismissed with the new date, None to clear it, or not at all (escape): the app
    tells these apart by the dismiss value and `cleared`.
    """

    DEFAULT_CSS = """
    DatePrompt { align: center middle; }
    DatePrompt > Vertical {
        width: 70; height: auto; border: round $accent; padding: 0 1; background: $panel;
    }
    DatePrompt #date-error { color: $error; height: auto; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: str, today: date) -> None:
        super().__init__()
        self.current = current
        self.today = today
        self.cleared = False

    def compose(self) -> ComposeResult:
        now = f"now {self.current}; empty clears it" if self.current else "none set yet"
        with Vertical():
            yield Static(Text.from_markup(
                f"[b]Interview date[/b] [dim]({now})[/dim]\n"
                "[dim]Reviews are planned to fall before it; the home screen forecasts "
                "your recall on the day.[/dim]"))
            yield Input(value=self.current, placeholder="YYYY-MM-DD, then enter", id="date")
            yield Static("", id="date-error")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        try:
            day = parse_interview_date(event.value, self.today)
        except DateError as exc:
            self.query_one("#date-error", Static).update(str(exc))
            return
        self.cleared = day is None
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(slots=True)
class HomeFigures:
    table: DeckTable
    view: Overview
    interview: list[str]  # readiness and pace toward the interview date, if one is set
    refit: str | None = None  # a suggestion to fit FSRS again


class HomeScreen(TrainerScreen):
    """The deck list. Enter studies the highlighted deck; the first row is all decks.

    The counts are made in a thread on a connection of their own; the screen shows a
    placeholder until they arrive.
    """

    BINDINGS = [
        Binding("enter", "study", "Study"),
        Binding("c", "cram", "Cram"),
        Binding("t", "tag", "Tag"),
        Binding("S", "app.stats", "Stats"),
        Binding("B", "app.browse", "Browse", show=False),  # as on the study screen
        Binding("i", "interview_date", "Date"),
        Binding("escape", "app.pop_screen", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]
    _options = False  # some deck has options of its own: the table shows them
    counting = True  # the counts are being made (a screen shown again shows its last ones)
    DEFAULT_CSS = """
    HomeScreen { padding: 1 2; }
    #home-title { margin-bottom: 1; }
    #decks { height: auto; max-height: 60%; margin-bottom: 1; }
    #forecast-label { color: $text-muted; }
    #forecast { height: 3; margin-bottom: 1; }
    #interview { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(COUNTING, id="home-title")
        yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
        yield Static(id="forecast-label")
        yield Sparkline([0], id="forecast")
        yield Static(id="interview")
        yield Static(id="problems")
        yield SteadyFooter()

    @classmethod
    def kept(cls, app: App[Any]) -> HomeScreen:
        """The app's home screen, kept installed between visits: composed and styled once
        (that took about half of the time from the key press to the counts drawn). A new
        one while the kept one is on the stack under others."""
        if app.is_screen_installed(KEPT):
            screen = app.get_screen(KEPT)
            if isinstance(screen, cls) and screen not in app.screen_stack:
                return screen
            return cls()
        screen = cls()
        app.install_screen(screen, KEPT)
        return screen

    def on_mount(self) -> None:
        self.query_one("#decks", DataTable).focus()

    def on_screen_resume(self) -> None:
        """Shown (again): the placeholder or the last counts, then the counts as of now
        (what changed is drawn again, nothing else)."""
        table = self.query_one("#decks", DataTable)
        # a deck's own limits and retention (config.toml), shown only when some deck has them
        options = any(o.overrides() for o in self.app.settings.decks.values())
        if not table.columns or options != self._options:
            self._options = options
            table.clear(columns=True)
            table.add_columns("deck", "title", "due", "new", "cards")
            if options:
                table.add_column("options")
        problems = len(self.app.load_result.problems)
        put(self.query_one("#problems", Static),
            Text(f"{problems} deck problems: run `trainer validate`", style="yellow")
            if problems else "")
        self.refresh_counts()

    def refresh_counts(self) -> None:
        self.counting = True
        self._count()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def _count(self) -> HomeFigures:
        app = self.app
        cards = app.load_result.cards
        settings = app.settings
        now = app.now()
        with app.store.reading() as store:
            return HomeFigures(
                table=deck_table(cards, store, settings, now),
                view=overview(cards, store, now, day_hour=settings.day_starts_at, days=14,
                              learn_ahead_minutes=settings.learn_ahead_minutes),
                interview=home_lines(cards, store, settings, now, app.scheduler),
                refit=refit_suggestion(store, now))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "home":
            return
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, HomeFigures):
            self._show(event.worker.result)
            self.counting = False
        elif event.state == WorkerState.ERROR:
            self.query_one("#home-title", Static).update(
                Text(f"Decks could not be counted: {event.worker.error}", style="bold"))
            self.counting = False

    def _show(self, figures: HomeFigures) -> None:
        """The counts on screen; only what changed since the last ones is drawn again."""
        # the counts a session would study now: the same daily limits as the queue
        total = figures.table.total
        extra: tuple[str, ...] = ("",) if self._options else ()
        rows: list[tuple[str, tuple[str | Text, ...]]] = [
            (ALL, (Text("All decks", style="bold"), "", str(total.due_today),
                   str(total.new_today), str(total.cards), *extra))]
        counts = {c.deck: c for c in figures.table.decks}
        settings = self.app.settings
        for deck in self.app.load_result.decks:
            c = counts.get(deck.id)
            options = (settings.deck(deck.id).describe(),) if self._options else ()
            rows.append((deck.id, (deck.id, deck.title, str(c.due_today if c else 0),
                                   str(c.new_today if c else 0), str(len(deck.cards)),
                                   *options)))
        self._fill(rows)
        view = figures.view
        streak = f"{view.streak_days}-day streak" if view.streak_days else "no streak yet"
        retention = "" if view.retention_30d is None else \
            f" · retention {view.retention_30d:.0%} (30 d)"
        put(self.query_one("#home-title", Static), Text.from_markup(
            f"[b]Decks[/b]   {plural(view.reviews_today, 'review')} today · {streak}{retention}"))
        today = view.forecast[0] if view.forecast else 0
        put(self.query_one("#forecast-label", Static),
            f"Due today: {today} ({view.due_now} now) · the next days: "
            f"{' '.join(str(n) for n in view.forecast[1:])}")
        self.query_one("#forecast", Sparkline).data = view.forecast or [0]  # drawn if changed
        text = Text("\n".join(figures.interview) if figures.interview else
                    "No interview date: i sets one, and reviews are planned toward it.",
                    style="" if figures.interview else "dim")
        if figures.refit:
            text.append("\n" + figures.refit)
        put(self.query_one("#interview", Static), text)

    def _fill(self, rows: list[tuple[str, tuple[str | Text, ...]]]) -> None:
        """The table's rows: the cells that changed when the rows are the same decks (the
        table keeps its rows, their widths and the cursor), else the rows anew."""
        table = self.query_one("#decks", DataTable)
        if [key.value for key in table.rows] == [key for key, _ in rows]:
            for y, (key, cells) in enumerate(rows):
                for x, (old, new) in enumerate(zip(table.get_row(key), cells, strict=True)):
                    if old != new:
                        table.update_cell_at(Coordinate(y, x), new,
                                             update_width=cell_len(str(new)) > cell_len(str(old)))
            return
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        table.move_cursor(row=min(cursor, table.row_count - 1))

    def _selected(self) -> list[str] | None:
        table = self.query_one("#decks", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key == ALL else [str(key)]

    @on(DataTable.RowSelected)
    def _row_selected(self) -> None:
        self.action_study()

    def action_study(self) -> None:
        self.app.start_session(decks=self._selected(), tag=None, ahead=False)

    def action_cram(self) -> None:
        self.app.start_session(decks=self._selected(), tag=None, ahead=True)

    def action_interview_date(self) -> None:
        settings = self.app.settings
        today = study_date(self.app.now(), day_hour=settings.day_starts_at)
        current = settings.interview_date
        if current and date.fromisoformat(current) <= today:
            current = ""  # a passed date is no starting point for the next one
        prompt = DatePrompt(current, today)

        def chosen(day: date | None) -> None:
            if day is None and not prompt.cleared:
                return  # escape: nothing changes
            self._save_date(day)

        self.app.push_screen(prompt, chosen)

    def _save_date(self, day: date | None) -> None:
        """Write the date to config.toml and use it now: the app's settings are shared
        with the study session, so the next review is already capped toward it."""
        from trainer.config import SettingsError, save_setting

        text = day.isoformat() if day is not None else ""
        try:
            save_setting("interview_date", text)
        except (SettingsError, OSError) as exc:
            self.notify(f"Could not save the interview date: {exc}", severity="error")
            return
        self.app.settings.interview_date = text
        self.notify(f"Interview date set to {day:%b} {day.day}, {day.year}." if day else
                    "Interview date cleared: ordinary scheduling.", timeout=4)
        self.refresh_counts()

    def action_tag(self) -> None:
        tags: Counter[str] = Counter()
        decks = self._selected()
        for card in self.app.load_result.cards:
            if decks is None or card.deck in decks:
                tags.update(card.tags)

        def chosen(tag: str | None) -> None:
            if tag:
                self.app.start_session(decks=decks, tag=tag, ahead=False)

        self.app.push_screen(TagPrompt(tags), chosen)
