"""Where a card comes from: its deck file and line, with the YAML around it."""

from __future__ import annotations

from pathlib import Path

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from trainer.decks.model import Card

SHOWN_LINES = 30


def card_source(card: Card) -> str:
    """The card's lines of YAML (up to SHOWN_LINES), or why they can not be read."""
    try:
        lines = Path(card.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return f"# cannot read {card.path}: {exc}"
    start = max(card.line - 1, 0)
    shown = [lines[start]] if start < len(lines) else []
    indent = len(shown[0]) - len(shown[0].lstrip(" -")) if shown else 0
    for line in lines[start + 1:start + SHOWN_LINES]:
        stripped = line.lstrip(" ")
        if stripped.startswith("- ") and len(line) - len(stripped) < indent:
            break  # the next card
        shown.append(line)
    return "\n".join(shown)


class SourceScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SourceScreen { align: center middle; }
    SourceScreen > VerticalScroll {
        width: 90%; height: 80%; border: round $accent; background: $panel; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,e", "dismiss", "Close")]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"{self.card.path}:{self.card.line}  ({self.card.key})"
            yield Static(Syntax(card_source(self.card), "yaml", line_numbers=True,
                                start_line=max(self.card.line, 1), word_wrap=True,
                                theme="ansi_dark"))
