"""Key points to tick: an option list whose long points wrap at word boundaries
(a SelectionList draws one line per option and cuts the rest)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList


class TickList(OptionList):
    """Points with a tick box each; space or enter (or a click) ticks and unticks the
    highlighted one. `selected` and `select` read like a SelectionList's."""

    BINDINGS = [Binding("space", "toggle", "Tick / untick")]

    class Changed(Message):
        """A point was ticked or unticked."""

        def __init__(self, tick_list: TickList) -> None:
            super().__init__()
            self.tick_list = tick_list

        @property
        def control(self) -> TickList:
            return self.tick_list

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._labels: list[Text] = []
        self._ticked: set[int] = set()

    def set_points(self, points: Iterable[tuple[str | Text, bool]]) -> None:
        """Show these (label, ticked) points, the first one highlighted; a label is plain
        text or styled Text."""
        pairs = list(points)
        self._labels = [Text(label) if isinstance(label, str) else label for label, _ in pairs]
        self._ticked = {i for i, (_, ticked) in enumerate(pairs) if ticked}
        self.clear_options()
        self.add_options([self._prompt(i) for i in range(len(pairs))])
        self.highlighted = 0 if pairs else None

    def _prompt(self, index: int) -> Table:
        ticked = index in self._ticked
        box = Text("[x] ", style="bold green") if ticked else Text("[ ] ", style="dim")
        # two columns, so that a long point's wrapped lines start under its first word
        row = Table.grid()
        row.add_column(width=4, no_wrap=True)
        row.add_column(ratio=1)
        row.add_row(box, self._labels[index])
        return row

    @property
    def selected(self) -> list[int]:
        return sorted(self._ticked)

    def select(self, index: int) -> None:
        self._set(index, True)

    def deselect(self, index: int) -> None:
        self._set(index, False)

    def toggle(self, index: int) -> None:
        self._set(index, index not in self._ticked)

    def _set(self, index: int, ticked: bool) -> None:
        if not 0 <= index < len(self._labels) or (index in self._ticked) == ticked:
            return
        (self._ticked.add if ticked else self._ticked.discard)(index)
        self.replace_option_prompt_at_index(index, self._prompt(index))
        self.post_message(self.Changed(self))

    # this widget's own toggle (of the highlighted point), not DOMNode's toggle(attribute)
    def action_toggle(self) -> None:  # type: ignore[override]
        if self.highlighted is not None:
            self.toggle(self.highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.toggle(event.option_index)
