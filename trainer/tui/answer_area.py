"""The multi-line answer box (code editor, interview answer): TextArea loads when first needed."""

from __future__ import annotations

from textual.widgets import TextArea

from trainer.tui.answer_box import KeysInOrder


class AnswerArea(KeysInOrder, TextArea):
    """A multi-line answer box or code editor."""

    typed_keys = frozenset({"enter", "tab"})
