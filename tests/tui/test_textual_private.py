"""Canaries for the two private Textual details the project reads (each in one place):
they fail here, by name, if a Textual release changes them (textual is pinned ~=8.2)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.widgets import DataTable

from tests.waiting import measuring
from trainer.tui.answer_area import AnswerArea
from trainer.tui.answer_box import AnswerInput, own_bindings
from trainer.tui.code_answer import CodeEditor


def declared(cls: type) -> dict[str, list[Binding]]:
    """A widget class's bindings from its classes' public BINDINGS, a later class's key
    replacing an earlier one's (as Textual's documentation says they combine)."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if issubclass(base, DOMNode):
            keys.update(BindingsMap(base.__dict__.get("BINDINGS", [])).key_to_bindings)
    return keys


@pytest.mark.parametrize("cls", [AnswerInput, AnswerArea, CodeEditor])
def test_own_bindings_are_the_answer_boxes_declared_bindings(cls):
    """KeysInOrder runs a box's own bindings itself, read by `own_bindings`."""
    widget = cls()
    expected = declared(cls)
    assert expected  # the boxes do bind keys: the comparison below is not empty
    for key, bindings in expected.items():
        assert [b.action for b in own_bindings(widget, key)] == [b.action for b in bindings], key
    assert own_bindings(widget, "no-such-key") == ()


def test_the_keys_the_burst_fix_relies_on_are_the_boxes_own():
    assert [b.action for b in own_bindings(AnswerInput(), "ctrl+u")] == ["delete_left_all"]
    assert [b.action for b in own_bindings(AnswerInput(), "backspace")] == ["delete_left"]
    assert [b.action for b in own_bindings(CodeEditor(), "ctrl+z")] == ["undo"]


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable()


async def test_a_table_is_measuring_from_adding_rows_until_it_has_measured_them():
    """tests/waiting.tables_measured waits on `measuring`: it must hold right after rows
    are added (else the wait would end at once and snapshots could show the old column
    widths) and stop once the table has measured them (else the wait would never end)."""
    app = OneTable()
    async with app.run_test(size=(80, 10)) as pilot:
        table = app.query_one(DataTable)
        (column,) = table.add_columns("deck")
        await pilot.pause()
        assert not measuring(table)
        table.add_row("a much longer deck name")
        assert measuring(table)
        await pilot.pause()
        assert not measuring(table)
        assert table.columns[column].content_width == len("a much longer deck name")
