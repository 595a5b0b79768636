"""Answer boxes that apply a burst of keys in the order it was typed."""

from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input


class _OwnKeysFirst:
    """Runs the box's own key bindings (backspace, arrows, ctrl+u…) as the key arrives.

    Textual inserts a printable key in the box at once but sends a bound key up to the app
    before its action runs, so in a burst (a fast typist, a paste of keys, tmux send-keys)
    the characters typed after ctrl+u landed before it and were wiped. Running the box's
    own bindings where the key arrives keeps the order; other keys go on as before.
    """

    async def _on_key(self, event: events.Key) -> None:
        widget = self
        assert isinstance(widget, Widget)
        if not event.is_printable:
            for binding in widget._bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await widget.app.run_action(binding.action, widget):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


class AnswerInput(_OwnKeysFirst, Input):
    """A one-line answer box."""
