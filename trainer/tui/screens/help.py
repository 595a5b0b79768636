"""Every key of the study app, in one modal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """\
[b]Studying[/b]
  space / enter   reveal the answer (recall cards)
  enter           submit a typed answer; empty twice = show me the answer
  enter           accept the suggested rating
  1 2 3 4         rate Again / Hard / Good / Easy (overrides the suggestion)
  space           tick a key point you covered (recall cards)
  h               show the hint
  escape          leave the answer box, so that the keys below work

[b]The card[/b]
  u               undo the last review, suspension or burial
                  (ctrl+z does it while typing in the answer box too)
  s               suspend the card
  b               bury the card until tomorrow
  e               show the deck file and line the card comes from

[b]Elsewhere[/b]
  a               study ahead when nothing is due
  d               decks: due and new counts, forecast; enter studies one,
                  c crams it, t studies one tag
  S               statistics: retention, heatmap, forecast, weakest tags, leeches
  ?               this help
  q               quit (everything is already saved)
  ctrl+p          command palette
"""


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; height: auto; max-height: 90%;
        border: round $accent; padding: 0 2; background: $panel;
    }
    """
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(KEYS, id="help-keys")
