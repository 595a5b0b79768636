"""A table that draws only the rows on screen, formatting each from its index: as quick with 100k rows as with 10."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.dom import NoScreen
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its key, its heading, its width in cells (0: what the others leave),
    whether its values line up on the right (numbers), and when a narrow table leaves it
    out (`drop`: the highest first; 0 never)."""

    key: str
    label: str
    width: int = 0
    right: bool = False
    drop: int = 0


MIN_FLEXIBLE = 20  # cells a flexible column (the id) keeps before columns are left out


def _no_cells(index: int) -> Sequence[str]:
    return ()


def _not_marked(index: int) -> bool:
    return False


def _call_each(callbacks: list[Callable[[], object]]) -> None:
    for callback in callbacks:
        callback()


class RowTable(ScrollView, can_focus=True):
    """Rows given by a count and a function from a row's index to its cells (strings).

    Only the lines on screen are formatted, when they are drawn, so showing a search
    that matched 10k rows costs what showing 40 does. One row has the cursor; `marked`
    rows are drawn in the accent colour. The header stays on the first line.
    """

    DEFAULT_CSS = """
    RowTable { background: $surface; color: $foreground; height: 1fr; overflow-x: hidden; }
    RowTable > .row-table--header { text-style: bold; background: $panel; }
    RowTable > .row-table--cursor {
        background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
    }
    RowTable:focus > .row-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RowTable > .row-table--marked { color: $text-accent; text-style: bold; }
    RowTable > .row-table--empty { color: $text-muted; text-style: italic; }
    """
    COMPONENT_CLASSES = {"row-table--header", "row-table--cursor", "row-table--marked",
                         "row-table--empty"}
    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("pageup,left_square_bracket", "page(-1)", "Page up", show=False),
        Binding("pagedown,right_square_bracket", "page(1)", "Page down", show=False),
        Binding("home,g", "move_to(0)", "First", show=False),
        Binding("end,G", "move_to(-1)", "Last", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    class _Event(Message):
        """Something that happened on the table (its ``control``)."""

        def __init__(self, table: RowTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> RowTable:
            return self.table

    class RowSelected(_Event):
        """Enter (or a click on the cursor's row) on a row."""

        def __init__(self, table: RowTable, index: int) -> None:
            super().__init__(table)
            self.index = index

    class HeaderSelected(_Event):
        """A click on a column's heading."""

        def __init__(self, table: RowTable, column: str) -> None:
            super().__init__(table)
            self.column = column

    class CursorMoved(_Event):
        """The cursor is on another row."""

        def __init__(self, table: RowTable, index: int) -> None:
            super().__init__(table)
            self.index = index

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.columns = tuple(columns)
        self.row_count = 0
        self.cursor_row = 0
        self.empty_text = ""  # drawn on the first row when there is none
        self.sort_key: str | None = None  # the column with an arrow in its heading
        self.sort_reverse = False
        self._cells: Callable[[int], Sequence[str]] = _no_cells
        self._marked: Callable[[int], bool] = _not_marked
        self._styles: dict[str, Style] = {}  # by component class ('' the table's own)
        self._layouts: dict[int, list[tuple[int, Column, int]]] = {}  # by width
        self._after_drawn: list[Callable[[], object]] = []

    def notify_style_update(self) -> None:
        self._styles.clear()  # focus, theme or CSS changed: the styles are worked out again
        super().notify_style_update()

    def _style(self, *names: str) -> Style:
        """The table's style with these components' over it (a row's draw asks for its
        styles every time: Textual works each out through the ancestors)."""
        key = " ".join(names)
        style = self._styles.get(key)
        if style is None:
            style = self.rich_style
            for name in names:
                style += self.get_component_rich_style(name)
            self._styles[key] = style
        return style

    # --- what is shown ----------------------------------------------------------------------

    def show(self, count: int, cells: Callable[[int], Sequence[str]],
             marked: Callable[[int], bool] = _not_marked, *, cursor: int = 0,
             empty: str = "") -> None:
        """Show `count` rows, row i's cells being `cells(i)`; the cursor on row `cursor`
        (kept in range). Nothing is formatted until it is drawn."""
        self.row_count = count
        self._cells, self._marked = cells, marked
        self.empty_text = empty
        self.virtual_size = Size(0, count + 1)  # as wide as the widget: no sideways scroll
        self._move(cursor, notify=True)
        self.refresh()

    def call_after_drawn(self, callback: Callable[[], object]) -> None:
        """Call `callback` once the table has next been drawn (the frame showing the rows
        given to `show`), after that frame is out: work the rows need not wait for. When no
        frame will draw it (off screen: a terminal too short), after the handlers queued."""
        self._after_drawn.append(callback)
        if not self._on_screen():
            self._call_after_drawn_now()

    def _call_after_drawn_now(self) -> None:
        callbacks, self._after_drawn = self._after_drawn, []
        if callbacks:
            self.call_later(_call_each, callbacks)

    def on_resize(self) -> None:
        """Laid out off screen before the frame that was to draw it (the terminal made too
        short meanwhile): no frame will, so what waits for one runs now."""
        if not self._on_screen():
            self._call_after_drawn_now()

    def _on_screen(self) -> bool:
        try:
            return bool(self.region.intersection(self.screen.region))
        except NoScreen:
            return False

    def redraw(self) -> None:
        """Draw the rows on screen again (their cells or marks changed)."""
        self.refresh()

    @property
    def page_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)  # less the header

    # --- the cursor -------------------------------------------------------------------------

    def _move(self, index: int, *, notify: bool = True) -> None:
        index = max(0, min(index, self.row_count - 1))
        moved = index != self.cursor_row
        self.cursor_row = index
        top = round(self.scroll_offset.y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + self.page_height:
            self.scroll_to(y=index - self.page_height + 1, animate=False, immediate=True)
        self.refresh()
        if notify and (moved or not self.row_count):
            self.post_message(self.CursorMoved(self, index))

    def action_move(self, step: int) -> None:
        self._move(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self._move(self.cursor_row + step * self.page_height)

    def action_move_to(self, index: int) -> None:
        self._move(index if index >= 0 else self.row_count - 1)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.RowSelected(self, self.cursor_row))

    # --- drawing ----------------------------------------------------------------------------

    def column_layout(self, width: int | None = None) -> list[tuple[int, Column, int]]:
        """(index, column, width) of the columns shown, left to right, at this width (the
        table's own): a narrow table leaves out the columns that say so, so that every
        line fits without being cut at the right."""
        width = self.scrollable_content_region.width if width is None else width
        shown = self._layouts.get(width)
        if shown is not None:
            return shown
        columns = self.columns
        kept = list(range(len(columns)))

        def needed(kept: list[int]) -> int:  # a space before each column
            return sum((columns[i].width or MIN_FLEXIBLE) + 1 for i in kept)

        droppable = sorted((i for i in kept if columns[i].drop), key=lambda i: -columns[i].drop)
        while needed(kept) > width and droppable:
            kept.remove(droppable.pop(0))
        fixed = sum(columns[i].width + 1 for i in kept if columns[i].width)
        flexible = sum(1 for i in kept if not columns[i].width)
        share = max(MIN_FLEXIBLE, (width - fixed - flexible) // max(1, flexible))
        shown = [(i, columns[i], columns[i].width or share) for i in kept]
        self._layouts[width] = shown
        return shown

    def _line(self, cells: Sequence[str], layout: list[tuple[int, Column, int]]) -> str:
        parts = []
        for i, column, width in layout:
            cell = cells[i]
            if len(cell) > width:
                cell = cell[:width - 1] + "…"
            parts.append(set_cell_size(cell.rjust(width) if column.right else cell, width))
        return " " + " ".join(parts)

    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        self._call_after_drawn_now()  # queued: they run once this frame is made and sent
        return lines

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        layout = self.column_layout(width)
        if y == 0:
            labels = [c.label + (("↓" if self.sort_reverse else "↑") if c.key == self.sort_key
                                 else "") for c in self.columns]
            return self._strip(self._line(labels, layout), self._style("row-table--header"),
                               width)
        index = round(self.scroll_offset.y) + y - 1
        if not self.row_count:
            if y == 1 and self.empty_text:
                return self._strip(" " + self.empty_text, self._style("row-table--empty"), width)
            return Strip.blank(width, self._style())
        if index >= self.row_count:
            return Strip.blank(width, self._style())
        names = ["row-table--marked"] if self._marked(index) else []
        if index == self.cursor_row:
            names.append("row-table--cursor")
        return self._strip(self._line(self._cells(index), layout), self._style(*names), width)

    @staticmethod
    def _strip(text: str, style: Style, width: int) -> Strip:
        return Strip([Segment(set_cell_size(text, width), style)], width)

    # --- the mouse --------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            x = 1
            for _, column, width in self.column_layout():
                if x <= offset.x < x + width + 1:
                    self.post_message(self.HeaderSelected(self, column.key))
                    return
                x += width + 1
            return
        index = round(self.scroll_offset.y) + offset.y - 1
        if 0 <= index < self.row_count:
            if index == self.cursor_row:
                self.post_message(self.RowSelected(self, index))
            else:
                self._move(index)
