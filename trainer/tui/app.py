"""The Textual application: owns the store, the loaded decks and the study session."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from trainer.config import Settings
from trainer.decks.model import Card, LoadResult
from trainer.render import plural
from trainer.scheduling import Scheduler
from trainer.session import StudySession

if TYPE_CHECKING:
    from trainer.browse.query import LazyIndex
    from trainer.decks.watch import DeckWatch
from trainer.store import Store, StoreError
from trainer.tui.screens.study import StudyScreen


def _warm_up() -> None:
    """Load the home and statistics screens' code in the background once the first card
    is on screen (a first d or S of the session found about 55 ms of imports to do), and
    the card's parts a recall card does without, then the grading stack (it waits for the
    sympy worker to be ready)."""
    try:
        import trainer.tui.screens.home
        import trainer.tui.screens.stats
        import trainer.tui.widgets.card_parts
        import trainer.tui.widgets.countdown  # noqa: F401
        from trainer.grading import warm_up

        warm_up()
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass


def _trainer_commands() -> type:
    """The command-palette provider, imported only when the palette opens."""
    from trainer.tui.commands import TrainerCommands

    return TrainerCommands


class TrainerApp(App[None]):
    """Study due cards of the loaded decks; every review is stored as it is made."""

    CSS_PATH = "app.tcss"
    TITLE = "trainer"
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding("I", "interview", "Interview", show=False),
    ]
    COMMANDS = App.COMMANDS | {_trainer_commands}

    def __init__(
        self,
        *,
        store: Store,
        load_result: LoadResult,
        settings: Settings | None = None,
        scheduler: Scheduler | None = None,
        decks: Sequence[str] | None = None,
        tag: str | None = None,
        ahead: bool = False,
        clock=None,  # noqa: ANN001 - a zero-argument callable returning UTC seconds
        warm_up: bool = True,
        save_theme: bool = True,
        deck_paths: Sequence[Path | str] | None = None,
        watch_seconds: float | None = 2.0,
        backup_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.load_result = load_result
        self.settings = settings or Settings()
        self.scheduler = scheduler or Scheduler.for_store(self.settings, store)
        self.deck_filter = list(decks) if decks else None
        self.tag = tag
        self.ahead = ahead
        self.clock = clock
        self.warm_up = warm_up
        self.save_theme = save_theme
        # live reload: the deck files to watch (None: the decks given are all there is)
        self.deck_paths = list(deck_paths) if deck_paths is not None else None
        self._deck_watch: DeckWatch | None = None
        self.watch_seconds = watch_seconds  # None: reloads only when asked (tests)
        self.backup_dir = backup_dir  # None: no automatic backups (tests, benches)
        self._backing_up = threading.Lock()
        self.backup_thread: threading.Thread | None = None  # the latest; tests join it
        self._reviews_since_backup = 0
        self._reviews_since_sync = 0
        self._syncing = threading.Lock()
        self.interview_clock = time.monotonic  # its question clocks (a fake one in tests)
        self.search_index: LazyIndex | None = None  # the browser's, made after the first card
        self.index_thread: threading.Thread | None = None  # making it; tests join it

    def now(self) -> float:
        """UTC seconds by the app's clock (a fixed one in tests)."""
        return self.clock() if self.clock is not None else time.time()

    def new_session(self, *, ahead: bool | None = None, decks: Sequence[str] | None = None,
                    tag: str | None = None) -> StudySession:
        extra = {"clock": self.clock} if self.clock is not None else {}
        return StudySession(
            store=self.store,
            cards=self.load_result.cards,
            settings=self.settings,
            scheduler=self.scheduler,
            decks=decks if decks is not None else self.deck_filter,
            tag=tag if tag is not None else self.tag,
            ahead=self.ahead if ahead is None else ahead,
            **extra,
        )

    def get_default_screen(self) -> StudyScreen:
        # the study screen is the app's own first screen, composed and painted as the app
        # starts; pushed from on_mount over a blank default screen, its first frame was
        # drawn inside the app's start-up batch, dropped, and drawn again a frame later
        return StudyScreen(self.new_session())

    def on_mount(self) -> None:
        # the loaded decks (100k cards in the benchmarks) live as long as the app: out of
        # the garbage collector's full passes, which walked them all (~300 ms each)
        gc.freeze()
        # the browser's index of the cards, made in the background after the first card
        self.call_after_refresh(self._index_cards)
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(f"There is no theme {self.settings.theme!r}; pick one with ctrl+p › "
                        "theme (it is remembered).", severity="warning", timeout=8)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        problems = self.load_result.problems
        if problems:
            # one toast, not a wall of them over the first card
            more = (f"\n…and {len(problems) - 1} more: run `trainer validate`"
                    if len(problems) > 1 else "")
            self.notify(f"{problems[0]}{more}", severity="warning", timeout=12,
                        title=f"{plural(len(problems), 'deck problem')}; the other cards load")
        # solver plugins load with the registry: off the first card's path, in a worker
        self.call_after_refresh(lambda: self.run_worker(
            self._plugin_notices, thread=True, group="plugins", exit_on_error=False))
        if self.deck_paths is not None:
            from trainer.decks.watch import DeckWatch

            self._deck_watch = DeckWatch(self.deck_paths)
            if self.watch_seconds is not None:
                self.set_interval(self.watch_seconds, self.check_deck_files)
        if self.backup_dir is not None:
            # after the first card, on a thread with its own connection: never in the way
            self.call_after_refresh(self._start_backup)
            self.store.on_review = self._review_recorded
        if self.settings.sync_dir:
            # like the backup: after the first card is on screen, in a worker
            self.call_after_refresh(self.start_sync)
            self.store.on_review = self._review_recorded
        if self.warm_up:
            # after the first card is drawn: the import must not delay it
            # queued behind the first frame, so the
            # order is fixed by the event loop rather than by a timer racing a busy machine
            self.call_after_refresh(lambda: threading.Thread(
                target=_warm_up, daemon=True, name="warm-up").start())

    def on_unmount(self) -> None:
        gc.unfreeze()  # what the app kept is the collector's again (tests run many apps)

    def _index_cards(self) -> None:
        """The browser's index of the cards loaded now, made on a thread of its own (100k
        cards take a quarter of a second), and kept out of the full collections too."""
        from trainer.browse.query import LazyIndex

        loaded = self.load_result
        self.search_index = index = LazyIndex(lambda: loaded.cards)

        def build() -> None:
            index.build()
            if self.is_running:
                gc.freeze()

        self.index_thread = threading.Thread(target=build, daemon=True, name="search-index")
        self.index_thread.start()

    def _plugin_notices(self) -> None:
        """A solver plugin that failed to import is a notice, never a traceback; the cards
        that call its functions are among the deck problems."""
        from trainer.registry import load_problems

        for problem in load_problems():
            try:
                self.call_from_thread(self.notify, f"{problem}\nRun `trainer validate` for "
                                      "the cards that need it.", severity="warning",
                                      timeout=12, title="A solver plugin did not load")
            except RuntimeError:  # the app has already closed
                return

    def check_deck_files(self) -> None:
        """Poll the deck files; reload when one was added, changed or removed."""
        if self._deck_watch is not None and self._deck_watch.poll():
            self.deck_files_changed()

    def deck_files_changed(self) -> None:
        """Reload the decks: edits take effect, new cards join, a broken edit is a notice."""
        from trainer.decks.watch import reload_decks

        if self.deck_paths is None:
            return
        reload = reload_decks(self.load_result, self.deck_paths)
        self.load_result = reload.result
        gc.freeze()
        self._index_cards()
        if reload.new_problems:
            first = reload.new_problems[0]
            more = (f"\n…and {len(reload.new_problems) - 1} more: run `trainer validate`"
                    if len(reload.new_problems) > 1 else "")
            kept = (f"; kept the last good version of {', '.join(reload.kept)}"
                    if reload.kept else "")
            self.notify(f"{first}{more}", severity="warning", timeout=12,
                        title=f"deck edit not loaded{kept}")
        for screen in self.screen_stack:
            if isinstance(screen, StudyScreen):
                screen.cards_replaced(reload.result.cards)

    def _review_recorded(self) -> None:
        from trainer.store.backup import REVIEWS_BETWEEN_BACKUPS
        from trainer.sync.auto import REVIEWS_BETWEEN_SYNCS

        self._reviews_since_backup += 1
        if self.backup_dir is not None and self._reviews_since_backup >= REVIEWS_BETWEEN_BACKUPS:
            self._start_backup()
        self._reviews_since_sync += 1
        if self.settings.sync_dir and self._reviews_since_sync >= REVIEWS_BETWEEN_SYNCS:
            self.start_sync()

    def start_sync(self) -> None:
        """Sync the journal with the sync_dir folder in a worker (one at a time)."""
        self._reviews_since_sync = 0
        self.run_worker(self._sync, thread=True, group="sync", exit_on_error=False)

    def _sync(self) -> None:
        from trainer.sync.auto import notice, sync_quietly

        if not self._syncing.acquire(blocking=False):
            return  # one is running: it takes these reviews too
        try:
            report, failure = sync_quietly(self.store, self.settings.sync_dir, self.scheduler)
        finally:
            self._syncing.release()
        if report is not None and (report.received or report.fits):
            try:  # the session on screen follows the cards' new states
                self.call_from_thread(self._journal_merged)
            except RuntimeError:  # the app has already closed
                pass
        message = failure if report is None else notice(report)
        if message:
            try:
                self.call_from_thread(self.notify, message, timeout=8,
                                      severity="warning" if report is None or report.problems
                                      else "information")
            except RuntimeError:  # the app has already closed
                pass

    def _journal_merged(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, StudyScreen):
                screen.journal_merged()

    def _start_backup(self) -> None:
        if self._backing_up.acquire(blocking=False):  # one backup at a time
            self.backup_thread = threading.Thread(target=self._backup, daemon=True,
                                                  name="backup")
            self.backup_thread.start()

    def _backup(self) -> None:
        """Back the database up if due (first start of the day, every 500 reviews), and prune."""
        from trainer.store.backup import backup_needed, make_backup, newest_backup, review_id_of

        try:
            assert self.backup_dir is not None
            now = (self.clock or time.time)()
            if backup_needed(self.store, self.backup_dir, now,
                             day_hour=self.settings.day_starts_at):
                make_backup(self.store, self.backup_dir, now)
            newest = newest_backup(self.backup_dir)
            base = review_id_of(newest) if newest else 0
            self._reviews_since_backup = self.store.last_review_id() - base
        except StoreError as exc:
            self._reviews_since_backup = 0  # try again after the next 500 reviews
            try:
                self.call_from_thread(self.notify, f"No backup was made: {exc}",
                                      severity="warning", timeout=10)
            except RuntimeError:  # the app has already closed
                pass
        finally:
            self._backing_up.release()

    def _remember_theme(self, theme: object) -> None:
        name = getattr(theme, "name", None)
        if not self.save_theme or not name or name == self.settings.theme:
            return
        from trainer.config import SettingsError, save_setting

        try:
            self.settings = save_setting("theme", name)
        except (SettingsError, OSError) as exc:
            self.notify(f"Could not save the theme: {exc}", severity="warning")

    def start_session(self, *, decks: Sequence[str] | None, tag: str | None,
                      ahead: bool) -> None:
        """Leave any screen above the study screen and study this selection."""
        while not isinstance(self.screen, StudyScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen, StudyScreen):
            return
        self.deck_filter = list(decks) if decks else None
        self.tag = tag
        session = self.new_session(ahead=ahead, decks=decks, tag=tag)
        if session.current is None and not ahead:
            self.notify("Nothing due there now; press a to study ahead.", timeout=4)
        self.screen.use_session(session)

    def action_home(self) -> None:
        from trainer.tui.screens.home import HomeScreen

        if not isinstance(self.screen, HomeScreen):
            self.push_screen(HomeScreen.kept(self))

    def action_stats(self) -> None:
        from trainer.tui.screens.stats import StatsScreen

        if not isinstance(self.screen, StatsScreen):
            self.push_screen(StatsScreen.kept(self))

    def action_interview(self) -> None:
        """A mock interview: a small form asks its length and scope (defaults: the
        interview_length setting, the study filter), then the interview screen holds it;
        answers are recorded as reviews and the interview kept in the store."""
        from trainer.tui.screens.interview import InterviewScreen
        from trainer.tui.screens.interview_start import InterviewStart

        if isinstance(self.screen, (InterviewScreen, InterviewStart)):
            return
        deck = self.deck_filter[0] if self.deck_filter and len(self.deck_filter) == 1 else None
        self.push_screen(InterviewStart(self.load_result.cards, self.settings.interview_scope,
                                        self.settings.interview_length, deck, self.tag),
                         self._start_interview)

    def _start_interview(self, request: object) -> None:
        from trainer.interview.cli import make_interview, record_review, save_interview
        from trainer.interview.mock import InterviewError
        from trainer.tui.screens.interview import InterviewScreen
        from trainer.tui.screens.interview_start import InterviewRequest

        if not isinstance(request, InterviewRequest):
            return  # cancelled
        try:
            mock = make_interview(request.cards, self.store, self.settings, self.scheduler,
                                  questions=request.length.questions,
                                  minutes=request.length.minutes,
                                  clock=self.interview_clock, wall=self.now)
        except InterviewError as exc:
            self.notify(str(exc), severity="warning")
            return
        self.push_screen(InterviewScreen(
            mock,
            on_question=lambda q: record_review(self.store, self.scheduler, self.settings, q,
                                                self.now()),
            on_finish=lambda m: save_interview(self.store, m, reviewed=True)))

    def action_browse(self) -> None:
        from trainer.tui.screens.browser import BrowserScreen

        if not isinstance(self.screen, BrowserScreen):
            extra = {"clock": self.clock} if self.clock is not None else {}
            self.push_screen(BrowserScreen(list(self.load_result.cards),
                                           index=self.search_index, **extra))

    def study_cards(self, cards: Sequence[Card]) -> None:
        """Study exactly these cards now, due or not (the browser's "study these")."""
        while not isinstance(self.screen, StudyScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        if not isinstance(self.screen, StudyScreen):
            return
        extra = {"clock": self.clock} if self.clock is not None else {}
        session = StudySession(store=self.store, cards=list(cards), settings=self.settings,
                               scheduler=self.scheduler, chosen=True, **extra)
        self.screen.use_session(session)

    def open_in_editor(self, card: Card) -> None:
        """The card's deck file in $EDITOR at its line; the app steps aside meanwhile."""
        import subprocess

        from trainer.browse.editor import editor_command

        command = editor_command(card)
        try:
            with self.suspend():
                subprocess.run(command, check=False)
        except Exception as exc:  # noqa: BLE001 - no terminal to hand over (web), no editor
            self.notify(f"Could not open the editor ({' '.join(command)}): {exc}",
                        severity="warning")
            return
        if self.deck_paths is None:
            self.notify("Edits take effect the next time the decks are loaded.", timeout=3)
            return
        # reload now rather than at the next poll: the edited card shows as the editor closes
        if self._deck_watch is not None:
            self._deck_watch.poll()  # what it would find is what this reload reads
        self.deck_files_changed()

    def action_help(self) -> None:
        from trainer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_undo(self) -> None:
        if isinstance(self.screen, StudyScreen):
            self.screen.action_undo()
