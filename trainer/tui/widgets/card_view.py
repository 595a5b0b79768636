"""The study screen's card: the question, a graded card's answer box, the verdict, the key
points, the model answer, the hint and plot, or the countdown between cards. It draws what
the screen asks for; the screen decides when (its phases and keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static
from textual.widgets.input import Selection as InputSelection

from trainer.tui.answer_box import AnswerInput
from trainer.tui.study_text import (
    answer_placeholder,
    card_verdict,
    code_solution,
    code_verdict,
    md,
    solution_text,
    step_prompt,
    steps_done,
)
from trainer.tui.widgets.countdown import Countdown
from trainer.tui.widgets.tick_list import TickList

if TYPE_CHECKING:
    from trainer.attempt import Attempt
    from trainer.coderun.card import CodeResult
    from trainer.decks.model import Card
    from trainer.exercises.exercise import Graded
    from trainer.session import StudySession
    from trainer.tui.code_answer import CodeAnswer


class KeyPoints(TickList):
    """Key points to tick, wrapped at words; Enter is left to the screen (accept the rating)."""

    # the status line says what space does: the footer keeps room for the screen's keys
    BINDINGS = [Binding("enter", "screen.accept", "Accept", show=False),
                Binding("space", "toggle", "Tick / untick", show=False)]


class CardView(VerticalScroll):
    """The card on screen, part by part; `on_due` is called when a counted-down card is back."""

    def __init__(self, on_due: Callable[[], None], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.on_due = on_due
        self.code_answer: CodeAnswer | None = None  # a code card's editor, while it is shown

    def compose(self) -> ComposeResult:
        yield Countdown(self.on_due, id="countdown")
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

    @property
    def answer(self) -> Input:
        return self.query_one("#answer", Input)

    @property
    def answer_box(self) -> Vertical:
        return self.query_one("#answer-box", Vertical)

    @property
    def key_points(self) -> KeyPoints:
        return self.query_one("#key-points", KeyPoints)

    def set(self, widget_id: str, content: Any, *, visible: bool | None = None) -> None:
        widget = self.query_one(f"#{widget_id}", Static)
        widget.update(content)
        widget.display = bool(content) if visible is None else visible

    def clear(self) -> None:
        """Nothing of the card before stays: its verdict, answer, hint, steps, plot, key
        points and editor go, and a countdown stops."""
        for widget_id in ("verdict", "model-answer", "hint", "steps-done", "preview"):
            self.set(widget_id, "")
        for plot in self.query(".card-plot"):
            plot.remove()
        self.key_points.display = False
        if self.code_answer is not None:  # a code card's editor goes with its card
            self.code_answer.remove()
            self.code_answer = None
        self.query_one(Countdown).stop()

    # --- no card ----------------------------------------------------------------------------

    def show_text(self, text: Text) -> None:
        """This text alone: a recall card's question, or why there is no card."""
        self.set("prompt", text, visible=True)
        self.answer_box.display = False

    def show_countdown(self, session: StudySession, wait: float) -> None:
        """Only learning cards due later are left: count down to the next one."""
        self.set("prompt", "")
        self.answer_box.display = False
        self.query_one(Countdown).start(session, wait)

    # --- a recall card ------------------------------------------------------------------------

    def show_answer(self, card: Card) -> None:
        """The model answer and notes, and the key points to tick if the card has them."""
        answer = md((card.answer or "").strip())
        if card.notes:
            answer.append("\n\n").append(md(card.notes.strip(), "dim"))
        self.set("model-answer", answer, visible=True)
        if card.key_points:
            points = self.key_points
            points.set_points((md(p), False) for p in card.key_points)
            points.border_title = "Key points you covered (space ticks)"
            points.display = True

    def show_hint(self, hint: str) -> None:
        self.set("hint", Text("Hint: ", style="italic") + md(hint, "italic"))

    # --- a graded card ------------------------------------------------------------------------

    def show_unshowable(self, attempt: Attempt) -> None:
        """The question of a card that could not be drawn, and what to run to see why."""
        card = attempt.card
        self.show_text(md(card.prompt))
        self.set("verdict", Text(f"This card can not be shown: {attempt.error}. "
                                 f"Run `trainer check {card.path}`.", style="red"))

    def show_step(self, attempt: Attempt) -> Input:
        """The question, the steps done (one line each) and the current step's box: empty, or
        holding the learner's answer of the review just undone."""
        step = attempt.current_step
        assert step is not None
        self.set("prompt", md(attempt.prompt), visible=True)
        if attempt.results:
            self.set("steps-done", steps_done(attempt), visible=True)
        self.answer_box.display = True
        self.set("step-prompt", step_prompt(attempt))
        field = self.answer
        field.disabled = False
        field.value = attempt.restored_step  # '' unless the learner undid this answer
        field.placeholder = answer_placeholder(step)
        return field

    def show_preview(self, attempt: Attempt | None, typed: str) -> None:
        """How the answer typed so far reads (a graded card's box)."""
        if attempt is None or not attempt.graded or not typed.strip():
            self.set("preview", "")
            return
        ok, shown = attempt.preview(typed)
        self.set("preview", Text(("= " if ok else "? ") + shown, style="cyan" if ok else "yellow"))

    def show_not_understood(self, graded: Graded | None) -> None:
        """The answer could not be read: say why, and select what to mend."""
        field = self.answer
        field.disabled = False
        field.focus()
        self.set("preview", Text("? " + (graded.message if graded else ""), style="yellow"))
        if graded is not None and graded.fix is not None:
            # select what was not understood (or put the cursor where a ')' is missing),
            # so that typing mends it; positions count from the stripped answer
            lead = len(field.value) - len(field.value.lstrip())
            field.selection = InputSelection(lead + graded.fix[0], lead + graded.fix[1])
        else:
            field.cursor_position = len(field.value)

    def show_card_verdict(self, attempt: Attempt) -> None:
        """Every step in full, the solution, and the card's plot for this review's numbers."""
        self.set("steps-done", "")
        self.set("verdict", card_verdict(attempt), visible=True)
        self.answer_box.display = False
        if attempt.solution:
            self.set("model-answer", solution_text(attempt.solution), visible=True)
        for shown in self.query(".card-plot"):
            shown.remove()
        data = attempt.plot()
        if data is not None:
            from trainer.tui.widgets import LikelihoodPlot

            self.mount(LikelihoodPlot(data, classes="card-plot"), after="#model-answer")

    # --- a code card (the editor and its runs: trainer/tui/code_answer.py) -------------------

    def show_code(self, attempt: Attempt) -> CodeAnswer:
        """The question, the checks to pass, and the editor below (it starts with the
        signature: shown above it too, it pushed the question off a small terminal)."""
        from trainer.tui.code_answer import CodeAnswer

        code = attempt.code
        assert code is not None
        self.answer_box.display = False
        prompt = md(attempt.prompt)
        prompt.append("\nYour function must pass: ", style="bold")
        prompt.append(", ".join(["every draw", *code.describe_checks()]))
        self.set("prompt", prompt, visible=True)
        widget = self.code_answer = CodeAnswer(attempt, classes="code-answer")
        self.mount(widget, after="#steps-done")
        return widget

    def show_code_verdict(self, attempt: Attempt, result: CodeResult) -> None:
        """The verdict, the feedback and the solution of a submitted function, in view."""
        self.set("verdict", code_verdict(result), visible=True)
        reference = attempt.code.reference if attempt.code else ""
        self.set("model-answer", code_solution(attempt.solution, reference), visible=True)
        # the code is frozen now: bring the verdict, the feedback and the solution into view
        # (on a small terminal they are below the editor and the cases)
        self.call_after_refresh(self.scroll_to_widget, self.query_one("#verdict"),
                                animate=False, top=True)
