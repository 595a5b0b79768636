"""The multi-line answer box (code editor, interview answer): TextArea loads when first needed."""

from __future__ import annotations

from textual.widgets import TextArea

from trainer.tui.answer_box import _OwnKeysFirst


class AnswerArea(_OwnKeysFirst, TextArea):
    """A multi-line answer box or code editor."""
