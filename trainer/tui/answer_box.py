"""Answer boxes that apply a burst of keys in the order it was typed."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widget import Widget
from textual.widgets import Input


def own_bindings(widget: Widget, key: str) -> tuple[Binding, ...]:
    """The widget's own bindings of `key`: its classes' BINDINGS, merged as Textual does.

    Textual (8.2) offers no public way to read them (the screen's `active_bindings` merges
    in the ancestors' and drops disabled ones), so its private map is read here and nowhere
    else; tests/tui/test_textual_private.py fails if Textual changes it."""
    return tuple(widget._bindings.key_to_bindings.get(key, ()))


class KeysInOrder:
    """Runs the box's own key bindings (backspace, arrows, ctrl+u…) as the key arrives.

    Textual inserts a printable key in the box at once but sends a bound key up to the app
    before its action runs, so in a burst (a fast typist, a paste of keys, tmux send-keys)
    the characters typed after ctrl+u landed before it and were wiped. Running the box's
    own bindings where the key arrives keeps the order; other keys go on as before.
    """

    typed_keys: frozenset[str] = frozenset()  # keys typed as text besides the characters

    def takes(self, event: events.Key) -> bool:
        """True when the box itself acts on this key (it types it, or one of its own
        bindings runs): such a key does not go on to the screen from the box."""
        widget = self
        assert isinstance(widget, Widget)
        if getattr(widget, "read_only", False):
            return False
        if (event.is_printable and event.character) or event.key in self.typed_keys:
            return True
        return any(not b.priority for b in own_bindings(widget, event.key))

    async def _on_key(self, event: events.Key) -> None:
        widget = self
        assert isinstance(widget, Widget)
        if not event.is_printable:
            for binding in own_bindings(widget, event.key):
                if not binding.priority and await widget.app.run_action(binding.action, widget):
                    event.stop()
                    event.prevent_default()
                    return
        await super()._on_key(event)  # type: ignore[misc]


class AnswerInput(KeysInOrder, Input):
    """A one-line answer box."""
