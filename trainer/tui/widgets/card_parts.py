"""Parts of the study screen's card that a recall card's first frame does without: the
answer box of a graded card and the key points to tick. `CardView` imports this module
when it first mounts one of them, so that their widget classes are not made before the
first card is drawn."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from trainer.tui.answer_box import AnswerInput
from trainer.tui.widgets.tick_list import TickList


class KeyPoints(TickList):
    """Key points to tick, wrapped at words; Enter is left to the screen (accept the rating)."""

    # the status line says what space does: the footer keeps room for the screen's keys
    BINDINGS = [Binding("enter", "screen.accept", "Accept", show=False),
                Binding("space", "toggle", "Tick / untick", show=False)]


class AnswerBox(Vertical):
    """A graded card's step: what it asks for, the box to type in, how the answer reads."""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        # kept, not queried: a box mounted for the card being shown is filled at once,
        # before its children are mounted
        self.step_prompt = Static(id="step-prompt")
        self.field = AnswerInput(id="answer", placeholder="type your answer; enter grades it",
                                 select_on_focus=False)
        self.preview = Static(id="preview")

    def compose(self) -> ComposeResult:
        yield self.step_prompt
        yield self.field
        yield self.preview
