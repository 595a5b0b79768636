"""The study screen: one card at a time, answered, graded, rated and stored."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.widgets.input import Selection as InputSelection

from trainer.attempt import Attempt, CardResult, StepResult
from trainer.decks.model import Card
from trainer.review import Verdict
from trainer.scheduling import AGAIN, EASY, GOOD, HARD, RATING_NAMES, format_interval
from trainer.session import StudySession
from trainer.store import StoreError
from trainer.tui.answer_box import AnswerInput
from trainer.tui.first_key import FirstKey
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.study_text import (
    answer_placeholder,
    card_header,
    card_verdict,
    code_solution,
    code_verdict,
    md,
    nothing_due,
    session_complete,
    solution_text,
    step_prompt,
    steps_done,
)
from trainer.tui.widgets.countdown import Countdown
from trainer.tui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from trainer.tui.code_answer import CodeAnswer

TYPING_KEYS = ("[b]enter[/b] grades (empty: show the answer) · [b]ctrl+z[/b] undo · "
               "[b]esc[/b] keys")



# question: answering (or, on a recall card, thinking); grading: a worker decides;
# answered: rate it; waiting: learning cards come back later (a countdown); empty: the end
StudyPhase = Literal["question", "grading", "answered", "waiting", "empty"]


class KeyPoints(TickList):
    """Key points to tick, wrapped at words; Enter is left to the screen (accept the rating)."""

    # the status line says what space does: the footer keeps room for the screen's keys
    BINDINGS = [Binding("enter", "screen.accept", "Accept", show=False),
                Binding("space", "toggle", "Tick / untick", show=False)]


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
        self.code_answer: CodeAnswer | None = None  # a code card's editor, while it is shown
        self.give_up_armed = False
        self.undo_armed = False
        self.first_key = FirstKey(self)

    # --- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static(id="card-info")
            yield Static(id="progress-label")
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
        with VerticalScroll(id="card"):
            yield Countdown(self.show_current, id="countdown")
            yield Static(id="prompt")
            yield Static(id="steps-done")
            with Vertical(id="answer-box"):
                yield Static(id="step-prompt")
                yield AnswerInput(id="answer", placeholder="type your answer; enter grades it",
                                  select_on_focus=False)
                yield Static(id="preview")
            yield Static(id="verdict")
            yield KeyPoints(id="key-points")
            yield Static(id="model-answer")
            yield Static(id="hint")
        yield Static(id="status")

    def on_mount(self) -> None:
        # the key hints a frame after the card: styling a footer key is work the first
        # card's frame need not wait for
        self.call_after_refresh(self._mount_footer)
        self.show_current()

    async def _mount_footer(self) -> None:
        await self.mount(Footer())
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
        untouched = (self.phase == "question" and not self.query_one("#answer", Input).value
                     and self.code_answer is None
                     and not (self.attempt is not None and self.attempt.results))
        if self.phase in ("empty", "waiting") and current is not None:
            self.show_current()
        elif (current is not None and before is not None and untouched
              and current.content_hash != before.content_hash):
            self.show_current()
        else:
            self._update_progress()

    # --- showing a card -----------------------------------------------------------------

    def _set(self, widget_id: str, content: Any, *, visible: bool | None = None) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        widget.display = bool(content) if visible is None else visible

    def show_current(self) -> None:
        card = self.session.current
        self.attempt = None
        self.give_up_armed = False
        self.first_key.waiting = False
        for widget_id in ("verdict", "model-answer", "hint", "steps-done", "preview"):
            self._set(widget_id, "")
        for plot in self.query(".card-plot"):
            plot.remove()
        self.query_one("#key-points", KeyPoints).display = False
        if self.code_answer is not None:  # a code card's editor goes with its card
            self.code_answer.remove()
            self.code_answer = None
        self._update_progress()
        countdown = self.query_one(Countdown)
        countdown.stop()
        if card is None:
            wait = self.session.next_card_in()
            if wait is not None:
                self._show_waiting(countdown, wait)
                return
            self._show_empty()
            return
        self.phase = "question"
        self.attempt = attempt = self.session.attempt()
        assert attempt is not None
        self._set("card-info", card_header(self.session, card), visible=True)
        if attempt.is_code:
            self._start_code(attempt)
        elif card.graded:
            self._start_exercise(attempt)
        else:
            self._set("prompt", md(card.prompt), visible=True)
            self.query_one("#answer-box").display = False
            self._status("Think of your answer, then [b]space[/b] to reveal.")
        self.refresh_bindings()

    def _start_exercise(self, attempt: Attempt) -> None:
        card = attempt.card
        if attempt.error is not None:  # the card could not be drawn
            self._set("prompt", md(card.prompt), visible=True)
            self.query_one("#answer-box").display = False
            self._set("verdict", Text(f"This card can not be shown: {attempt.error}. "
                                      f"Run `trainer check {card.path}`.", style="red"))
            self.phase = "answered"
            self._status("Press [b]s[/b] to suspend it or [b]b[/b] to bury it.")
            return
        self._set("prompt", md(attempt.prompt), visible=True)
        self._show_step(attempt)

    # --- a code card (the editor and its results: trainer/tui/code_answer.py) ----------------

    def _start_code(self, attempt: Attempt) -> None:
        from rich.syntax import Syntax

        from trainer.tui.code_answer import CodeAnswer

        self.query_one("#answer-box").display = False
        if attempt.error is not None or attempt.code is None:
            self._start_exercise(attempt)  # says why the card can not be shown
            return
        code = attempt.code
        from trainer.coderun import default_sandbox

        default_sandbox().prepare()  # a child starts now, so that the first run is warm too
        prompt = md(attempt.prompt)
        prompt.append("\nYour function must pass: ", style="bold")
        prompt.append(", ".join(["every draw", *code.describe_checks()]))
        self._set("prompt", prompt, visible=True)
        self._set("steps-done", Syntax(code.card.signature or "", "python",
                                       background_color="default"), visible=True)
        widget = self.code_answer = CodeAnswer(attempt, classes="code-answer")
        self.query_one("#card", VerticalScroll).mount(widget, after="#steps-done")
        self._status(self.first_key.wait(code=True))

    def on_code_answer_run_requested(self, event: CodeAnswer.RunRequested) -> None:
        attempt, widget = self.attempt, self.code_answer
        if attempt is None or self.phase != "question" or not attempt.is_code or widget is None:
            return
        if event.submit:
            self.phase = "grading"
        widget.run(event.source, event.submit)

    def on_code_answer_submitted(self, event: CodeAnswer.Submitted) -> None:
        """The verdict, the feedback and the solution of a submitted function."""
        attempt, widget, result = self.attempt, self.code_answer, event.result
        if attempt is None or widget is None or widget.attempt is not attempt:
            return  # the learner moved on meanwhile
        self._set("verdict", code_verdict(result), visible=True)
        reference = attempt.code.reference if attempt.code else ""
        self._set("model-answer", code_solution(attempt.solution, reference), visible=True)
        self._answered()
        # the code is frozen now: bring the verdict, the feedback and the solution into view
        # (on a small terminal they are below the editor and the cases)
        self.call_after_refresh(self.query_one("#card", VerticalScroll).scroll_to_widget,
                                self.query_one("#verdict"), animate=False, top=True)

    def _show_step(self, attempt: Attempt) -> None:
        step = attempt.current_step
        assert step is not None
        self.query_one("#answer-box").display = True
        self._set("step-prompt", step_prompt(attempt))
        field = self.query_one("#answer", Input)
        field.disabled = False
        field.value = ""
        field.placeholder = answer_placeholder(step)
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

    def _show_waiting(self, countdown: Countdown, wait: float) -> None:
        """Only learning cards due later are left: count down to the next one."""
        self.phase = "waiting"
        for widget_id in ("card-info", "prompt"):
            self._set(widget_id, "")
        self.query_one("#answer-box").display = False
        countdown.start(self.session, wait)
        self._status("[b]a[/b] shows the next card now · [b]u[/b] undoes the last review · "
                     "[b]d[/b] decks · [b]q[/b] quits (every review is saved)")
        self.refresh_bindings()

    def _show_empty(self) -> None:
        self.phase = "empty"
        self._set("card-info", "")
        self.query_one("#answer-box").display = False
        if self.session.outcomes:
            self._set("prompt", session_complete(self.session), visible=True)
            self._status("[b]u[/b] undoes the last review, [b]a[/b] studies ahead, [b]d[/b] decks, "
                         "[b]q[/b] quits.")
            return
        self._set("prompt", nothing_due(self.session), visible=True)
        self._status("Press [b]a[/b] to study ahead, [b]d[/b] for decks, [b]q[/b] to quit.")

    def _status(self, markup: str) -> None:
        self.query_one("#status", Static).update(Text.from_markup(markup))

    def _update_progress(self) -> None:
        done = self.session.done
        total = done + self.session.remaining
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=max(total, 1), progress=done)
        # new · learning · review left, as in Anki: a new card rated Again moves to learning
        new, learning, review = self.session.counts()
        label = Text(f"{done} done  ")
        label.append(str(new), style="bold blue")
        label.append(" · ")
        label.append(str(learning), style="bold red")
        label.append(" · ")
        label.append(str(review), style="bold green")
        label.append(" ")
        self.query_one("#progress-label", Static).update(label)

    # --- answering ----------------------------------------------------------------------

    @on(Input.Changed, "#answer")
    def _preview(self, event: Input.Changed) -> None:
        self.give_up_armed = False
        self.undo_armed = False
        if self.attempt is None or not self.attempt.graded or not event.value.strip():
            self._set("preview", "")
            return
        ok, shown = self.attempt.preview(event.value)
        style = "cyan" if ok else "yellow"
        self._set("preview", Text(("= " if ok else "? ") + shown, style=style))

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
            self._set("verdict", Text(f"Could not show the verdict: {exc}", style="red"))
            attempt.fail(str(exc))
            self._answered()

    def _show_graded(self, attempt: Attempt, outcome: StepResult | CardResult) -> None:
        result = outcome.last if isinstance(outcome, CardResult) else outcome
        assert result is not None
        field = self.query_one("#answer", Input)
        if result.verdict is Verdict.INVALID:
            graded = result.graded
            self.phase = "question"
            field.disabled = False
            field.focus()
            self._set("preview", Text("? " + (graded.message if graded else ""), style="yellow"))
            if graded is not None and graded.fix is not None:
                # select what was not understood (or put the cursor where a ')' is missing),
                # so that typing mends it; positions count from the stripped answer
                lead = len(field.value) - len(field.value.lstrip())
                field.selection = InputSelection(lead + graded.fix[0], lead + graded.fix[1])
            else:
                field.cursor_position = len(field.value)
            self._status("Not graded yet: change the answer and press [b]enter[/b].")
            return
        if not isinstance(outcome, CardResult):
            self._set("steps-done", steps_done(attempt), visible=True)
            self.phase = "question"
            self._show_step(attempt)
            return
        self._set("steps-done", "")
        self._set("verdict", card_verdict(attempt), visible=True)
        self.query_one("#answer-box").display = False
        if attempt.solution:
            self._set("model-answer", solution_text(attempt.solution), visible=True)
        self._show_plot(attempt)
        self._answered()

    def _show_plot(self, attempt: Attempt) -> None:
        """The card's plot under the solution, for this review's numbers (none: no plot)."""
        for shown in self.query(".card-plot"):
            shown.remove()
        data = attempt.plot()
        if data is not None:
            from trainer.tui.widgets import LikelihoodPlot

            self.query_one("#card", VerticalScroll).mount(
                LikelihoodPlot(data, classes="card-plot"), after="#model-answer")

    def _answered(self) -> None:
        self.phase = "answered"
        self.focus_next_rating_target()
        ticking = self.query_one("#key-points", KeyPoints).display
        suggested = self.suggested
        if suggested is None and ticking:
            self._status("[b]space[/b] ticks each key point you said ([b]↑↓[/b] move), "
                         f"or rate:\n{self._rating_keys()}")
        elif suggested is None:
            self._status(f"Rate it: {self._rating_keys()}")
        else:
            name = RATING_NAMES[suggested]
            tick = "[b]space[/b] ticks what you said · " if ticking else ""
            self._status(f"{tick}Suggested: [b]{name}[/b] — [b]enter[/b] accepts, "
                         f"[b]1-4[/b] overrides.\n{self._rating_keys()}")
        self.refresh_bindings()

    def _rating_keys(self) -> str:
        """`1 Again 10m · 2 Hard 2d · 3 Good 5d · 4 Easy 12d`: each key's interval, from the scheduler."""
        intervals = self.session.rating_intervals()
        return " · ".join(f"[b]{int(r)}[/b] {r.label} {format_interval(seconds)}"
                          for r, seconds in intervals.items())

    @property
    def suggested(self) -> int | None:
        """The rating Enter accepts, as the attempt suggests it."""
        return self.attempt.suggested if self.attempt is not None else None

    def focus_next_rating_target(self) -> None:
        points = self.query_one("#key-points", KeyPoints)
        if points.display:
            points.focus()
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
        answer = md((card.answer or "").strip())
        if card.notes:
            answer.append("\n\n").append(md(card.notes.strip(), "dim"))
        self._set("model-answer", answer, visible=True)
        if card.key_points:
            points = self.query_one("#key-points", KeyPoints)
            points.set_points((md(p), False) for p in card.key_points)
            points.border_title = "Key points you covered (space ticks)"
            points.display = True
        self._answered()

    @on(TickList.Changed, "#key-points")
    def _ticked(self) -> None:
        if self.attempt is None or self.phase != "answered":
            return
        self.attempt.tick(self.query_one("#key-points", KeyPoints).selected)
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
        field = self.query_one("#answer", Input)
        # steps of a derivation done
        midway = self.phase == "question" and self.attempt is not None and self.attempt.step > 0
        if (field.has_focus and field.value.strip() or midway) and not self.undo_armed:
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
            self.notify("Nothing to undo.", timeout=2)
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
            self._set("hint", Text("Hint: ", style="italic") + md(hint, "italic"))
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
        if self.phase == "question" and (self.query_one("#answer", Input).has_focus or waited):
            self._status("Keys are live: [b]h[/b] hint · [b]s[/b] suspend · [b]b[/b] bury · "
                         "[b]u[/b] undo · [b]i[/b] back to the answer box")
        self.set_focus(None)
        self.refresh_bindings()

    def action_scroll_card(self, direction: int) -> None:
        card = self.query_one("#card", VerticalScroll)
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
        field = self.query_one("#answer", Input)
        if self.phase == "question" and self.query_one("#answer-box").display \
                and not field.disabled:
            self.set_focus(field)
            field.cursor_position = len(field.value)
            self._status(TYPING_KEYS)
