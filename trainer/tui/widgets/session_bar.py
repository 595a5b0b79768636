"""The study screen's top line: the card's deck, kind and warnings, then what is left today
(new · learning · review, as in Anki) and the session's progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

if TYPE_CHECKING:
    from trainer.session import StudySession


class SessionBar(Horizontal):
    def compose(self) -> ComposeResult:
        yield Static(id="card-info")
        yield Static(id="progress-label")
        yield ProgressBar(id="progress", show_eta=False, show_percentage=False)

    def show_card(self, info: Text | None) -> None:
        """The card's line (None: no card, and the counts take the whole line)."""
        widget = self.query_one("#card-info", Static)
        widget.update(info or "")
        widget.display = info is not None

    def count(self, session: StudySession) -> None:
        done = session.done
        total = done + session.remaining
        self.query_one("#progress", ProgressBar).update(total=max(total, 1), progress=done)
        # new · learning · review left, as in Anki: a new card rated Again moves to learning
        new, learning, review = session.counts()
        label = Text(f"{done} done  ")
        label.append(str(new), style="bold blue")
        label.append(" · ")
        label.append(str(learning), style="bold red")
        label.append(" · ")
        label.append(str(review), style="bold green")
        label.append(" ")
        self.query_one("#progress-label", Static).update(label)
