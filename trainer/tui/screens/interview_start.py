"""The form before a mock interview in the app: its length and, if wanted, a deck or a tag."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from trainer.decks.model import Card
from trainer.interview.mock import InterviewError, askable
from trainer.interview.start import Length, LengthError, interview_scope, parse_length
from trainer.tui.answer_box import AnswerInput


@dataclass(frozen=True, slots=True)
class InterviewRequest:
    """What the learner asked for: the length and the cards to draw from."""

    length: Length
    cards: list[Card]


class InterviewStart(ModalScreen[InterviewRequest | None]):
    """Length (questions or minutes), deck and tag, with defaults from the settings and the
    study filter; the domain checks them and the reason for a refusal is shown here."""

    DEFAULT_CSS = """
    InterviewStart { align: center middle; }
    InterviewStart > Vertical {
        width: 72; height: auto; border: round $accent; padding: 0 1; background: $panel;
    }
    InterviewStart Horizontal { height: auto; }
    InterviewStart Label { width: 9; padding: 1 0 0 0; }
    InterviewStart Input, InterviewStart Select { width: 1fr; }
    InterviewStart #iv-start-error { color: $error; height: auto; }
    InterviewStart #iv-start { margin-top: 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, cards: Sequence[Card], scope: str, length: str,
                 deck: str | None = None, tag: str | None = None) -> None:
        super().__init__()
        self.cards = list(cards)
        self.scope = scope
        self.length = length
        self.deck = deck
        self.tag = tag

    def compose(self) -> ComposeResult:
        # only what can be asked: the code deck has nothing for an interviewer
        in_scope = [c for c in interview_scope(self.cards, self.scope, None, None)
                    if askable(c)]
        decks = sorted({c.deck for c in in_scope})
        tags = Counter(t for c in in_scope for t in c.tags)
        with Vertical():
            yield Static(Text.from_markup(
                "[b]Mock interview[/b]\n[dim]enter starts · escape cancels · "
                "the length is questions (6) or minutes (30 min)[/dim]"))
            with Horizontal():
                yield Label("Length")
                # the answer box's Input: a burst of keys (ctrl+u, then a length) in order
                yield AnswerInput(self.length, placeholder="6 questions or 30 min",
                                  id="iv-length")
            with Horizontal():
                yield Label("Deck")
                yield Select([(d, d) for d in decks], prompt="every deck in scope",
                             value=self.deck if self.deck in decks else Select.NULL,
                             id="iv-deck")
            with Horizontal():
                yield Label("Tag")
                yield AnswerInput(self.tag or "", placeholder="any tag (→ completes)",
                                  id="iv-tag", suggester=SuggestFromList(
                                      [t for t, _ in tags.most_common()], case_sensitive=False))
            yield Static("", id="iv-start-error")
            yield Button("Start", variant="primary", id="iv-start")

    def on_mount(self) -> None:
        self.query_one("#iv-length", Input).focus()

    @on(Select.Changed, "#iv-deck")
    def _deck_chosen(self) -> None:
        """On to the tag once a deck is picked: enter there starts (on the deck it would
        open the list again)."""
        if self.query_one("#iv-deck", Select).has_focus_within:
            self.query_one("#iv-tag", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#iv-start")
    def start(self) -> None:
        error = self.query_one("#iv-start-error", Static)
        try:
            length = parse_length(self.query_one("#iv-length", Input).value)
        except LengthError as exc:
            error.update(str(exc))
            self.query_one("#iv-length", Input).focus()
            return
        deck = self.query_one("#iv-deck", Select).value
        tag = self.query_one("#iv-tag", Input).value.strip() or None
        try:
            cards = interview_scope(self.cards, self.scope,
                                    [deck] if isinstance(deck, str) else None, tag)
        except InterviewError as exc:
            error.update(str(exc))
            return
        if not any(askable(c) for c in cards):
            error.update("No card there can be asked (recall cards with key points or "
                         "graded exercises): choose another deck or tag.")
            return
        self.dismiss(InterviewRequest(length, cards))

    def action_cancel(self) -> None:
        self.dismiss(None)
