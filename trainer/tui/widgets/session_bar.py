"""The study screen's top line: the card's deck, kind and warnings, then what is left today
(new · learning · review, as in Anki) and the session's progress bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

if TYPE_CHECKING:
    from trainer.session import StudySession

BAR_WIDTH = 20  # cells of the progress bar; two blank cells follow it


class SessionBar(Widget):
    """One widget drawing the whole line (it was a row of three, the bar itself two more:
    five widgets and their CSS the first card waited for). The bar is drawn as Textual's
    ProgressBar draws it, in half cells."""

    COMPONENT_CLASSES = {"session-bar--label", "session-bar--bar", "session-bar--complete"}
    DEFAULT_CSS = """
    SessionBar {
        height: 1;
        & > .session-bar--label { color: $text-muted; }
        & > .session-bar--bar { color: $primary; background: $surface; }
        & > .session-bar--complete { color: $success; background: $surface; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.info: Text | None = None  # the card's line; None: no card
        self.label = Text()  # done, then new · learning · review left
        self.done = 0.0  # the session's part done, 0 to 1

    def show_card(self, info: Text | None) -> None:
        """The card's line (None: no card, and the counts take the whole line)."""
        self.info = info
        self.refresh()

    def count(self, session: StudySession) -> None:
        done = session.done
        total = done + session.remaining
        self.done = min(max(done / max(total, 1), 0.0), 1.0)
        # new · learning · review left, as in Anki: a new card rated Again moves to learning
        new, learning, review = session.counts()
        label = Text(f"{done} done  ")
        label.append(str(new), style="bold blue")
        label.append(" · ")
        label.append(str(learning), style="bold red")
        label.append(" · ")
        label.append(str(review), style="bold green")
        label.append(" ")
        self.label = label
        self.refresh()

    def render(self) -> Text:
        width = self.size.width
        label = self.label.copy()
        label.stylize_before(Style(color=self.get_component_rich_style(
            "session-bar--label").color))
        right = Text.assemble(label, self._bar(), " " * 2)
        line = Text(no_wrap=True, overflow="crop", end="")
        if self.info is not None:
            room = max(width - right.cell_len - 2, 0)
            info = self.info.copy()
            info.truncate(room, overflow="ellipsis", pad=True)
            line.append(" ").append_text(info).append(" ")
        line.append_text(right)
        line.truncate(width, pad=True)
        return line

    def _bar(self) -> Text:
        part = "session-bar--bar" if self.done < 1 else "session-bar--complete"
        style = self.get_component_rich_style(part)
        done, left = bar_glyphs(self.done)
        return Text.assemble((done, Style(color=style.color)), (left, Style(color=style.bgcolor)),
                             end="")


def bar_glyphs(done: float, width: int = BAR_WIDTH) -> tuple[str, str]:
    """The bar's cells done and left, as Textual's ProgressBar draws them: the part done to
    the half cell below, the rest in the background's colour."""
    end = int(done * width * 2) / 2
    full = int(end)
    if end > full:  # a half cell done
        return "━" * full + "╸", "━" * (width - full - 1)
    if 0 < end < width:
        return "━" * full, "╺" + "━" * (width - full - 1)
    return "━" * full, "━" * (width - full)
