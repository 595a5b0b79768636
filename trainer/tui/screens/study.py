"""The study screen: one card at a time, answered, graded, rated and stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from trainer.attempt import Attempt, CardResult, StepResult
from trainer.decks.model import Card
from trainer.review import Rating, Verdict
from trainer.scheduling import AGAIN, EASY, GOOD, HARD, RATING_NAMES
from trainer.session import StudySession
from trainer.store import StoreError
from trainer.tui.first_key import ANSWER_BOXES, FirstKey
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.study_text import card_header, md, nothing_due, rating_prompt, session_complete
from trainer.tui.widgets.card_view import CardView
from trainer.tui.widgets.session_bar import SessionBar

if TYPE_CHECKING:
    from trainer.tui.code_answer import CodeAnswer
    from trainer.tui.widgets.tick_list import TickList

TYPING_KEYS = ("[b]enter[/b] grades (empty: show the answer) · [b]ctrl+z[/b] undo · "
               "[b]esc[/b] keys")

# question: answering (or, on a recall card, thinking); grading: a worker decides;
# answered: rate it; waiting: learning cards come back later (a countdown); empty: the end
StudyPhase = Literal["question", "grading", "answered", "waiting", "empty"]


class StudyScreen(TrainerScreen):
    """Shows the session's current card; what keys do depends on the phase.

    Phases: `question` (recall: think, then reveal; graded: type an answer),
    `grading` (a worker is deciding), `answered` (rate it), `waiting` (only learning
    cards due later are left: a countdown), `empty` (nothing to do).
    """

    AUTO_FOCUS = ""  # the answer box waits for the first key; nothing takes the focus by itself
    BINDINGS = [
        Binding("space", "reveal", "Reveal", show=True),
        Binding("enter", "accept", "Accept", show=False),
        Binding("1", "rate(1)", "Again"),
        Binding("2", "rate(2)", "Hard"),
        Binding("3", "rate(3)", "Good"),
        Binding("4", "rate(4)", "Easy"),
        Binding("u", "undo", "Undo"),
        Binding("ctrl+z", "undo", "Undo", show=False, priority=True),
        Binding("s", "suspend", "Suspend", show=False),
        Binding("b", "bury", "Bury", show=False),
        Binding("e", "edit", "Edit", show=False),
        Binding("E", "source", "Source", show=False),
        Binding("h", "hint", "Hint", show=False),
        Binding("a", "ahead", "Study ahead"),
        Binding("d", "app.home", "Decks"),
        Binding("S", "app.stats", "Stats", show=False),
        Binding("B", "app.browse", "Browse", show=False),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("escape", "leave_input", "Keys", show=False),
        Binding("i,tab", "focus_answer", "Answer box", show=False),
        # a long answer or solution scrolls from the keyboard, even while typing
        Binding("pagedown,ctrl+down", "scroll_card(1)", "Scroll down", show=False,
                priority=True),
        Binding("pageup,ctrl+up", "scroll_card(-1)", "Scroll up", show=False, priority=True),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, session: StudySession) -> None:
        super().__init__()
        self.session = session
        self.phase: StudyPhase = "empty"
        self.attempt: Attempt | None = None  # the rules of answering the card on screen
        self.give_up_armed = False
        self.undo_armed = False
        self.first_key = FirstKey(self)

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SessionBar(id="topbar")
        yield CardView(self.show_current, id="card")
        yield Static(id="status")

    def on_mount(self) -> None:
        # the key hints a frame after the card: styling a footer key is work the first
        # card's frame need not wait for
        self.call_after_refresh(self._mount_footer)
        self.show_current()

    async def _mount_footer(self) -> None:
        from trainer.tui.widgets.steady_footer import SteadyFooter

        await self.mount(SteadyFooter())
        self.refresh_bindings()  # a footer mounted late has missed the bindings' signal

    def use_session(self, session: StudySession) -> None:
        """Study another selection (a deck, a tag, ahead) from now on."""
        self.session = session
        self.show_current()

    def cards_replaced(self, cards: Sequence[Card]) -> None:
        """The decks were reloaded: the card on screen is redrawn at once if it changed and
        nothing has been typed yet; otherwise its new text shows when it next comes up."""
        before = self.session.current
        self.session.replace_cards(cards)
        current = self.session.current
        untouched = (self.phase == "question" and not self.view.typed
                     and self.view.code_answer is None
                     and not (self.attempt is not None and self.attempt.results))
        if self.phase in ("empty", "waiting") and current is not None:
            self.show_current()
        elif (current is not None and before is not None and untouched
              and current.content_hash != before.content_hash):
            self.show_current()
        else:
            self._update_progress()

    def journal_merged(self) -> None:
        """Another device's events came in (a sync): the rest of the session follows the
        cards' new states; a countdown or an empty screen looks again for a card due now."""
        self.session.merged()
        if self.phase in ("empty", "waiting"):
            if self.session.current is None:
                self.session.advance()
            self.show_current()
        else:
            self._update_progress()

    # --- showing a card -----------------------------------------------------------------

    @property
    def view(self) -> CardView:
        return self.query_one(CardView)

    @property
    def code_answer(self) -> CodeAnswer | None:
        """A code card's editor, while it is shown."""
        return self.view.code_answer

    def show_current(self) -> None:
        card = self.session.current
        self.attempt = None
        self.give_up_armed = False
        self.first_key.waiting = False
        view = self.view
        view.clear()
        self._update_progress()
        if card is None:
            self.query_one(SessionBar).show_card(None)
            wait = self.session.next_card_in()
            if wait is not None:
                self._show_waiting(wait)
            else:
                self._show_empty()
            return
        self.phase = "question"
        self.attempt = attempt = self.session.attempt()
        assert attempt is not None
        self.query_one(SessionBar).show_card(card_header(self.session, card))
        if attempt.error is not None:  # the card could not be drawn
            view.show_unshowable(attempt)
            self.phase = "answered"
            self._status("Press [b]s[/b] to suspend it or [b]b[/b] to bury it.")
        elif attempt.is_code:
            from trainer.coderun import default_sandbox

            default_sandbox().prepare()  # a child starts now, so that the first run is warm too
            view.show_code(attempt)
            self._status(self.first_key.wait(code=True))
        elif card.graded:
            self._show_step(attempt)
        else:
            view.show_text(md(card.prompt))
            self._status("Think of your answer, then [b]space[/b] to reveal.")
        self.refresh_bindings()

    # --- a code card (the editor and its runs: trainer/tui/code_answer.py) --------------------

    def on_code_answer_run_requested(self, event: CodeAnswer.RunRequested) -> None:
        attempt, widget = self.attempt, self.code_answer
        if attempt is None or self.phase != "question" or not attempt.is_code or widget is None:
            return
        if event.submit:
            self.phase = "grading"
        widget.run(event.source, event.submit)

    def on_code_answer_run_failed(self, event: CodeAnswer.RunFailed) -> None:
        if self.phase == "grading":  # a submission that was not taken: answer again
            self.phase = "question"
            self.refresh_bindings()

    def on_code_answer_submitted(self, event: CodeAnswer.Submitted) -> None:
        """The verdict, the feedback and the solution of a submitted function."""
        attempt, widget, result = self.attempt, self.code_answer, event.result
        if attempt is None or widget is None or widget.attempt is not attempt:
            return  # the learner moved on meanwhile
        self.view.show_code_verdict(attempt, result)
        self._answered()

    def _show_step(self, attempt: Attempt) -> None:
        field = self.view.show_step(attempt)
        if attempt.step == 0:
            self._status(self.first_key.wait(code=False))
        else:  # the learner is typing this card's answers: the next step's box at once
            field.focus()
            self._status(TYPING_KEYS)

    def on_key(self, event: events.Key) -> None:
        # no widget has the focus before a new card's first key: the screen gets the keys
        self.first_key.on_key(event, answering=self.phase == "question",
                              focus_box=self.action_focus_answer)

    # --- no card on screen ------------------------------------------------------------------

    def _show_waiting(self, wait: float) -> None:
        """Only learning cards due later are left: count down to the next one."""
        self.phase = "waiting"
        self.view.show_countdown(self.session, wait)
        self._status("[b]a[/b] shows the next card now · [b]u[/b] undoes the last review · "
                     "[b]d[/b] decks · [b]q[/b] quits (every review is saved)")
        self.refresh_bindings()

    def _show_empty(self) -> None:
        self.phase = "empty"
        if self.session.outcomes:
            self.view.show_text(session_complete(self.session))
            self._status("[b]u[/b] undoes the last review, [b]a[/b] studies ahead, [b]d[/b] decks, "
                         "[b]q[/b] quits.")
            return
        self.view.show_text(nothing_due(self.session))
        self._status("Press [b]a[/b] to study ahead, [b]d[/b] for decks, [b]q[/b] to quit.")

    def _status(self, markup: str) -> None:
        # no :emoji: codes in the status line: their table (rich._emoji_codes) stays unloaded
        self.query_one("#status", Static).update(Text.from_markup(markup, emoji=False))

    def _update_progress(self) -> None:
        self.query_one(SessionBar).count(self.session)

    # --- answering ----------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _preview(self, event: Input.Changed) -> None:
        self.give_up_armed = False
        self.undo_armed = False
        self.view.show_preview(self.attempt, event.value)

    @on(Input.Submitted, "#answer")
    def _submit(self, event: Input.Submitted) -> None:
        attempt = self.attempt
        if self.phase != "question" or attempt is None or attempt.current_step is None:
            return
        text = event.value.strip()
        if not text and not self.give_up_armed:
            # a stray second enter after rating must not throw the next card away
            self.give_up_armed = True
            self._status("Empty answer: press [b]enter[/b] again to see the answer "
                         "(counts as not known).")
            return
        self.give_up_armed = False
        self.phase = "grading"
        event.input.disabled = True
        if not text:
            self._status("Showing the answer…")
        else:
            self._status("Grading…")
        self.grade_answer(attempt, text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="grade")
    def grade_answer(self, attempt: Attempt, text: str) -> None:
        result = attempt.grade(text)
        self.app.call_from_thread(self._graded, attempt, result)

    def _graded(self, attempt: Attempt, result: StepResult) -> None:
        if attempt is not self.attempt or self.phase != "grading":
            return  # the learner moved on (undo) while the worker ran
        try:
            outcome = attempt.record(result)
            if outcome is not None:
                self._show_graded(attempt, outcome)
        except Exception as exc:  # noqa: BLE001 - the session must go on; say what happened
            self.view.set("verdict", Text(f"Could not show the verdict: {exc}", style="red"))
            attempt.fail(str(exc))
            self._answered()

    def _show_graded(self, attempt: Attempt, outcome: StepResult | CardResult) -> None:
        result = outcome.last if isinstance(outcome, CardResult) else outcome
        assert result is not None
        if result.verdict is Verdict.INVALID:
            self.phase = "question"
            self.view.show_not_understood(result.graded)
            self._status("Not graded yet: change the answer and press [b]enter[/b].")
            return
        if not isinstance(outcome, CardResult):
            self.phase = "question"
            self._show_step(attempt)
            return
        self.view.show_card_verdict(attempt)
        self._answered()

    def _answered(self) -> None:
        self.phase = "answered"
        self.focus_next_rating_target()
        self._status(rating_prompt(self.suggested, self.view.points_shown,
                                   self.session.rating_intervals()))
        self.refresh_bindings()

    @property
    def suggested(self) -> Rating | None:
        """The rating Enter accepts, as the attempt suggests it."""
        return self.attempt.suggested if self.attempt is not None else None

    def focus_next_rating_target(self) -> None:
        if self.view.points_shown:
            self.view.key_points.focus()
        else:
            self.set_focus(None)

    # --- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reveal":
            card = self.session.current
            return self.phase == "question" and card is not None and not card.graded \
                and card.kind != "code"
        if action == "undo" and self.focused is not None and self.focused.id == "code-editor":
            return False  # ctrl+z undoes typing in the code editor; u or esc then ctrl+z

        if action == "rate":
            return self.phase == "answered"
        if action == "accept":
            return True
        if action == "ahead":
            return self.phase in ("empty", "waiting")
        if action in ("suspend", "bury", "source", "hint", "edit"):
            return self.session.current is not None or None
        return True

    def action_reveal(self) -> None:
        card = self.session.current
        attempt = self.attempt
        if card is None or attempt is None or self.phase != "question" or card.graded \
                or attempt.is_code:
            return
        attempt.reveal()
        self.view.show_answer(card)
        self._answered()

    def on_tick_list_changed(self, event: TickList.Changed) -> None:
        # the key points' list (its class is imported when a card first shows them)
        if event.control.id != "key-points" or self.attempt is None or self.phase != "answered":
            return
        self.attempt.tick(self.view.key_points.selected)
        self._answered()

    def action_accept(self) -> None:
        if self.phase == "question":
            card = self.session.current
            if card is not None and not card.graded:
                self.action_reveal()
            return
        if self.phase == "answered" and self.suggested is not None:
            self.action_rate(self.suggested)

    def action_rate(self, rating: int) -> None:
        attempt = self.attempt
        if self.phase != "answered" or self.session.current is None or attempt is None:
            return
        if rating not in (AGAIN, HARD, GOOD, EASY):
            return
        if not self._saved(lambda: self.session.finish(attempt, rating)):
            return
        self.notify(f"{RATING_NAMES[rating]}", timeout=1.5)
        self.show_current()

    def _saved(self, write: Callable[[], object]) -> bool:
        """Run a write to the store; on failure say so and stay on the card (nothing is
        half-written: each review is one transaction, and the session moves on only after)."""
        try:
            write()
        except StoreError as exc:
            if not exc.lost_nothing:
                raise  # a damaged database: the app stops and says what to do
            self.notify(f"Could not save: {exc} Nothing is lost; try the key again.",
                        severity="error", timeout=8)
            return False
        except OSError as exc:
            self.notify(f"Could not save to {self.session.store.path}: "
                        f"{exc.strerror or exc}. Nothing is lost; try the key again.",
                        severity="error", timeout=8)
            return False
        return True

    def action_undo(self) -> None:
        box = self.focused
        typing = box is not None and box.id == "answer" and bool(self.view.typed.strip())
        # steps of a derivation done
        midway = self.phase == "question" and self.attempt is not None and self.attempt.step > 0
        if (typing or midway) and not self.undo_armed:
            # an editor user may expect ctrl+z to undo typing: do not drop the text unasked
            self.undo_armed = True
            self._status("[b]ctrl+z[/b] (or [b]u[/b]) again undoes the last review; this card's "
                         "answers so far are dropped")
            return
        self.undo_armed = False
        undone: list[Card | None] = []
        if not self._saved(lambda: undone.append(self.session.undo())):
            return
        card = undone[0]
        if card is None:
            # undo goes back through this session's own actions, as in Anki
            self.notify("Nothing to undo in this session.", timeout=3)
            return
        self.notify(f"Undone: {card.id}", timeout=2)
        self.show_current()

    def action_suspend(self) -> None:
        card = self.session.current
        if card is None:
            return
        if not self._saved(self.session.suspend):
            return
        self.notify(f"Suspended {card.id}. [b]ctrl+z[/b] undoes.", timeout=3)
        self.show_current()

    def action_bury(self) -> None:
        card = self.session.current
        if card is None:
            return
        if not self._saved(self.session.bury):
            return
        self.notify(f"Buried {card.id} until tomorrow. [b]ctrl+z[/b] undoes.", timeout=3)
        self.show_current()

    def action_source(self) -> None:
        card = self.session.current
        if card is not None and self.phase in ("question", "grading"):
            self.notify("The source shows the answer: answer or reveal the card first.",
                        timeout=3)
            return
        if card is not None:
            from trainer.tui.screens.source import SourceScreen

            self.app.push_screen(SourceScreen(card))

    def action_edit(self) -> None:
        """The card's deck file in $EDITOR at its line; a saved edit shows when it returns."""
        card = self.session.current
        if card is not None:
            self.app.open_in_editor(card)

    def action_hint(self) -> None:
        card = self.session.current
        if card is None:
            return
        hint = self.attempt.hint if self.attempt is not None else card.hint
        if hint:
            self.view.show_hint(hint)
        else:
            self.notify("This card has no hint.", timeout=2)

    def action_ahead(self) -> None:
        if self.phase == "waiting":  # the next learning card now, before it is due
            self.session.learn_ahead()
            self.show_current()
            return
        if self.phase != "empty":
            return
        self.session = self.app.new_session(
            ahead=True, decks=self.session.decks, tag=self.session.tag)
        if self.session.current is None:
            self.notify("Nothing to study ahead.", timeout=3)
        self.show_current()

    def action_leave_input(self) -> None:
        waited, self.first_key.waiting = self.first_key.waiting, False
        box = self.focused
        if self.phase == "question" and (box is not None and box.id in ANSWER_BOXES or waited):
            self._status("Keys are live: [b]h[/b] hint · [b]s[/b] suspend · [b]b[/b] bury · "
                         "[b]u[/b] undo · [b]i[/b] back to the answer box")
        self.set_focus(None)
        self.refresh_bindings()

    def action_scroll_card(self, direction: int) -> None:
        card = self.view
        if direction > 0:
            card.scroll_page_down()
        else:
            card.scroll_page_up()

    def action_focus_answer(self) -> None:
        # set_focus, not focus(): at once, so that the key being handled goes to the box
        self.first_key.waiting = False
        if self.phase == "question" and self.code_answer is not None:
            from trainer.tui.code_answer import KEYS

            if not self.code_answer.editor.read_only:
                self.set_focus(self.code_answer.editor)
                self._status(KEYS)
            return
        if self.phase != "question" or not self.view.answering:
            return
        field = self.view.answer
        if not field.disabled:
            self.set_focus(field)
            field.cursor_position = len(field.value)
            self._status(TYPING_KEYS)
