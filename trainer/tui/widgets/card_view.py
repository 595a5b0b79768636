"""The study screen's card: the question, a graded card's answer box, the verdict, the key
points, the model answer, the hint and plot, or the countdown between cards. It draws what
the screen asks for; the screen decides when (its phases and keys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets.input import Selection as InputSelection

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

if TYPE_CHECKING:
    from trainer.attempt import Attempt
    from trainer.coderun.card import CodeResult
    from trainer.decks.model import Card
    from trainer.exercises.exercise import Graded
    from trainer.session import StudySession
    from trainer.tui.code_answer import CodeAnswer
    from trainer.tui.widgets.card_parts import AnswerBox, KeyPoints
    from trainer.tui.widgets.countdown import Countdown


# the card's parts top to bottom ("code" and "plot": a code card's editor, a card's plot).
# A part is mounted when first shown: a recall card's first frame needs its question alone,
# and each widget more (with its CSS: the answer box, the key points' option list) is work
# the first card would wait for
PARTS = ("countdown", "prompt", "steps-done", "code", "answer-box", "verdict", "key-points",
         "model-answer", "plot", "hint")


class CardView(VerticalScroll):
    """The card on screen, part by part; `on_due` is called when a counted-down card is back."""

    def __init__(self, on_due: Callable[[], None], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.on_due = on_due
        self.code_answer: CodeAnswer | None = None  # a code card's editor, while it is shown

    def compose(self) -> ComposeResult:
        yield Static(id="prompt")

    def _part(self, part: str) -> Widget:
        """The part's widget, mounted (hidden, but for the question) the first time it is asked for."""
        widget = self._mounted(part)
        if widget is not None:
            return widget
        # the parts a recall card's question does without are imported when first mounted
        if part == "countdown":
            from trainer.tui.widgets.countdown import Countdown

            widget = Countdown(self.on_due, id=part)
        elif part == "answer-box":
            from trainer.tui.widgets.card_parts import AnswerBox

            widget = AnswerBox(id=part)
            widget.display = False
        elif part == "key-points":
            from trainer.tui.widgets.card_parts import KeyPoints

            widget = KeyPoints(id=part)
            widget.display = False
        else:
            widget = Static(id=part)
            widget.display = part == "prompt"
        self._mount_in_place(widget, part)
        return widget

    def _mount_in_place(self, widget: Widget, part: str) -> None:
        """Mount the widget at its part's place, among the parts mounted so far."""
        rank = PARTS.index(part)
        for child in self.children:
            if self._rank(child) > rank:
                self.mount(widget, before=child)
                return
        self.mount(widget)

    @staticmethod
    def _rank(child: Widget) -> int:
        if child.id in PARTS:
            return PARTS.index(child.id)
        return PARTS.index("code" if child.has_class("code-answer") else "plot")

    def _mounted(self, part: str) -> Widget | None:
        for child in self.children:
            if child.id == part:
                return child
        return None

    def _shown(self, part: str) -> Widget | None:
        """The part's widget if it is mounted and shown."""
        widget = self._mounted(part)
        return widget if widget is not None and widget.display else None

    def _hide(self, part: str) -> None:
        widget = self._mounted(part)
        if widget is not None:
            widget.display = False

    @property
    def answer(self) -> Input:
        """A graded card's answer box (mounted, hidden, if no graded card was shown yet)."""
        return cast("AnswerBox", self._part("answer-box")).field

    @property
    def typed(self) -> str:
        """The text in the answer box while it is shown."""
        box = self._shown("answer-box")
        return cast("AnswerBox", box).field.value if box is not None else ""

    @property
    def answering(self) -> bool:
        """A graded card's answer box is shown."""
        return self._shown("answer-box") is not None

    @property
    def key_points(self) -> KeyPoints:
        return cast("KeyPoints", self._part("key-points"))

    @property
    def points_shown(self) -> bool:
        """The key points to tick are on screen."""
        return self._shown("key-points") is not None

    def set(self, widget_id: str, content: Any, *, visible: bool | None = None) -> None:
        shown = bool(content) if visible is None else visible
        widget = self._static(widget_id, mount=shown or bool(content))
        if widget is not None:  # None: never shown, nothing to clear
            widget.update(content)
            widget.display = shown

    def _static(self, widget_id: str, *, mount: bool) -> Static | None:
        """A part, or a line of the answer box; None if it is not mounted and need not be."""
        if widget_id in PARTS:
            part = self._part(widget_id) if mount else self._mounted(widget_id)
            return cast(Static, part)
        box = self._part("answer-box") if mount else self._mounted("answer-box")
        if box is None:
            return None
        answer_box = cast("AnswerBox", box)
        return answer_box.step_prompt if widget_id == "step-prompt" else answer_box.preview

    def clear(self) -> None:
        """Nothing of the card before stays: its verdict, answer, hint, steps, plot, key
        points and editor go, and a countdown stops."""
        for widget_id in ("verdict", "model-answer", "hint", "steps-done", "preview"):
            self.set(widget_id, "")
        for plot in self.query(".card-plot"):
            plot.remove()
        if self._shown("key-points") is not None:
            self.key_points.display = False
        if self.code_answer is not None:  # a code card's editor goes with its card
            self.code_answer.remove()
            self.code_answer = None
        countdown = self._mounted("countdown")
        if countdown is not None:
            cast("Countdown", countdown).stop()

    # --- no card ----------------------------------------------------------------------------

    def show_text(self, text: Text) -> None:
        """This text alone: a recall card's question, or why there is no card."""
        self.set("prompt", text, visible=True)
        self._hide("answer-box")

    def show_countdown(self, session: StudySession, wait: float) -> None:
        """Only learning cards due later are left: count down to the next one."""
        self.set("prompt", "")
        self._hide("answer-box")
        cast("Countdown", self._part("countdown")).start(session, wait)

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
        self._part("answer-box").display = True
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
        self._hide("answer-box")
        if attempt.solution:
            self.set("model-answer", solution_text(attempt.solution), visible=True)
        for shown in self.query(".card-plot"):
            shown.remove()
        data = attempt.plot()
        if data is not None:
            from trainer.tui.widgets import LikelihoodPlot

            plot = LikelihoodPlot(data, classes="card-plot")
            self._mount_in_place(plot, "plot")

    # --- a code card (the editor and its runs: trainer/tui/code_answer.py) -------------------

    def show_code(self, attempt: Attempt) -> CodeAnswer:
        """The question, the checks to pass, and the editor below (it starts with the
        signature: shown above it too, it pushed the question off a small terminal)."""
        from trainer.tui.code_answer import CodeAnswer

        code = attempt.code
        assert code is not None
        self._hide("answer-box")
        prompt = md(attempt.prompt)
        prompt.append("\nYour function must pass: ", style="bold")
        prompt.append(", ".join(["every draw", *code.describe_checks()]))
        self.set("prompt", prompt, visible=True)
        widget = self.code_answer = CodeAnswer(attempt, classes="code-answer")
        self._mount_in_place(widget, "code")
        return widget

    def show_code_verdict(self, attempt: Attempt, result: CodeResult) -> None:
        """The verdict, the feedback and the solution of a submitted function, in view."""
        self.set("verdict", code_verdict(result), visible=True)
        reference = attempt.code.reference if attempt.code else ""
        self.set("model-answer", code_solution(attempt.solution, reference), visible=True)
        # the code is frozen now: bring the verdict, the feedback and the solution into view
        # (on a small terminal they are below the editor and the cases)
        self.call_after_refresh(self.scroll_to_widget, self._part("verdict"),
                                animate=False, top=True)
