"""Every key of the study app, in one modal."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = """\
[b]Recall cards[/b]
  space, enter  reveal the answer
  ↑ ↓, space    move between the key points, tick the ones
                you said
  enter         accept the rating suggested from your ticks (all
                ticked: Good; at least half: Hard; Easy is yours)
  1 2 3 4       rate Again / Hard / Good / Easy (overrides)

[b]Typed answers[/b]
  (just type)   the first key goes into the box; u d ? q keep
                their meaning (tab first to begin with one)
  enter         grade; on an empty box, twice = show the answer
  ctrl+z        undo the last review, even while typing
  esc           leave the box for the keys; i or tab goes back
  h             hint (after esc)

[b]The card[/b]
  pgup pgdn     scroll a long answer (also ctrl+↑ ctrl+↓)
  u             undo the last review, suspension or burial
  s             suspend the card
  b             bury it until tomorrow
  e             edit it: its deck file in $EDITOR at its line
  E             the deck file and line it comes from (once
                answered)

[b]Elsewhere[/b]
  a             study ahead when nothing is due; while learning
                cards wait (a countdown), the next one now
  d             decks: due, new, forecast; enter studies a deck,
                c crams it, t picks a tag
  S             statistics: retention, heatmap, forecast, leeches
  B             browse cards: / search, o sort, space mark,
                enter detail, s/S (un)suspend, b/B (un)bury,
                f forget, r reschedule, e edit, t study these,
                u undo
  ctrl+p        command palette · ? this help
  q             quit (every review is already saved)
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
