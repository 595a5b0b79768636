"""The debrief of a mock interview on screen: its tables laid out for the terminal's width
(every column kept; the topic and the card wrap, the time, points and verdict never do),
then the cards to review and every answer, scrolled with the keys or the mouse."""

from __future__ import annotations

import re

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from trainer.interview.mock import Debrief
from trainer.interview.report import clock_text, heading, percent, review_and_answers
from trainer.render import render_math

_MARKDOWN_SYNTAX = re.compile(r"([\\`*_\[\]<>#|~!$])")


def as_markdown_text(text: str) -> str:
    """A card's or a learner's text for the debrief's Markdown: its math rendered as on the
    study screen, then every character Markdown would read as syntax escaped (π_ref, a*b),
    and its lines kept as lines (Markdown would join them into one paragraph)."""
    lines = _MARKDOWN_SYNTAX.sub(r"\\\1", render_math(text)).splitlines()
    if not lines:
        return ""  # nothing written (an answer said aloud)
    return "\n".join(line + "\\" if line.strip() and following.strip() else line
                     for line, following in zip(lines, [*lines[1:], ""], strict=True))


class Breaking:
    """A name like a card id that wraps after its hyphens ("delta-method-" / "log-odds"), and
    is folded only where one part is longer than the column."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parts = re.findall(r"[^-/]*[-/]|[^-/]+$", name) or [name]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(max(cell_len(p) for p in self.parts), cell_len(self.name))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        lines = [""]
        for part in self.parts:
            if lines[-1] and cell_len(lines[-1] + part) > options.max_width:
                lines.append("")
            lines[-1] += part
        yield Text("\n".join(lines), overflow="fold")


def _table(*columns: str) -> Table:
    return Table(*columns, box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=False,
                 header_style="bold", show_edge=False)


def questions_table(debrief: Debrief) -> Table:
    """Per question: number, topic, card, time, points and verdict. A card is named by its
    id (unique across the decks; the report keeps deck/id), wrapped after its hyphens."""
    table = _table()
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Topic", ratio=1, min_width=8, overflow="fold")
    table.add_column("Card", ratio=2, min_width=12, overflow="fold")
    table.add_column("Time", justify="right", no_wrap=True)
    table.add_column("Points", justify="right", no_wrap=True)
    table.add_column("Verdict", no_wrap=True)
    for q in debrief.done:
        got, total = q.points
        over = q.seconds > q.limit
        table.add_row(str(q.number), q.topic, Breaking(q.card.id),
                      Text(clock_text(q.seconds), style="red" if over else ""),
                      f"{got}/{total}", q.verdict)
    return table


def topics_table(debrief: Debrief) -> Table:
    table = _table()
    table.add_column("Topic", ratio=1, overflow="fold")
    table.add_column("Questions", justify="right", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    for t in debrief.topics:
        table.add_row(t.topic, str(t.questions), percent(t.score))
    return table


class DebriefView(VerticalScroll):
    """The whole debrief, focusable so that the arrows and page keys scroll it."""

    DEFAULT_CSS = """
    DebriefView > Static { margin: 0 2 1 2; }
    DebriefView > .section { margin: 0 2; text-style: bold; color: $primary; }
    DebriefView > Markdown { margin: 0; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="debrief-heading")
        yield Static("Questions", classes="section")
        yield Static(id="debrief-questions")
        yield Static("Topics", classes="section")
        yield Static(id="debrief-topics")
        yield Markdown(id="debrief-rest")

    def show(self, debrief: Debrief, hint: str) -> None:
        """Lay out this debrief; `hint` (Markdown) ends it, saying what the keys do."""
        self.query_one("#debrief-heading", Static).update(
            Text("Mock interview\n", style="bold") + Text(heading(debrief)))
        self.query_one("#debrief-questions", Static).update(questions_table(debrief))
        self.query_one("#debrief-topics", Static).update(topics_table(debrief))
        rest = "\n".join(review_and_answers(debrief, as_markdown_text)).rstrip()
        self.query_one("#debrief-rest", Markdown).update(f"{rest}\n\n{hint}")
        self.scroll_home(animate=False)
