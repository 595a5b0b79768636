"""A new card's answer box takes the first key typed, not the focus at once: the keys the
footer shows (u undo, q quit) keep working right after a rating, s or b."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

# the study screen's answer boxes: the one-line answer and a code card's editor
ANSWER_BOXES = frozenset({"answer", "code-editor"})


def type_into(box: Widget | None, character: str) -> bool:
    """Type `character` into an answer box as if it had been pressed there."""
    if box is None or box.id not in ANSWER_BOXES:
        return False
    if isinstance(box, Input):
        box.insert_text_at_cursor(character)
        return True
    from textual.widgets import TextArea  # with the code editor, never on the first card's path

    if isinstance(box, TextArea):
        box.insert(character)
        return True
    return False


class FirstKey:
    """Routes the keys a screen receives while no widget has the focus: the footer's keys
    keep their meaning, any other key focuses the answer box and is typed into it."""

    def __init__(self, screen: Screen[Any]) -> None:
        self.screen = screen
        self.waiting = False  # the answer box waits for the first key

    def wait(self, *, code: bool) -> str:
        """Take the focus away until the first key; the status line that says so."""
        self.screen.set_focus(None)
        self.waiting = True
        keys = " ".join(self.key_label(k) for k in self.footer_keys())
        what = "your function: the first key goes into the editor" if code \
            else "your answer (enter grades)"
        return (f"Type {what}. [b]{keys}[/b] do what the footer says; to begin with one, "
                "press [b]tab[/b] first · [b]esc[/b] keys")

    def footer_keys(self) -> list[str]:
        """The keys the footer shows now and that are enabled: they keep their meaning."""
        return [key for key, active in self.screen.active_bindings.items()
                if active.binding.show and active.enabled and len(self.key_label(key)) == 1]

    def key_label(self, key: str) -> str:
        return self.screen.app.get_key_display(Binding(key, ""))

    def on_key(self, event: events.Key, *, answering: bool,
               focus_box: Callable[[], None]) -> None:
        """A key the screen received while a card is answered (`answering`); `focus_box`
        gives the answer box the focus at once, if there is one to type into."""
        if not answering:
            return
        if self._type_late_key(event):
            return
        if not self.waiting or self.screen.focused is not None \
                or event.key == "escape" or event.key in self.footer_keys():
            return  # escape: the keys are live, the box stays unfocused
        focus_box()
        if self.screen.focused is None:  # no box to type into (a frozen editor)
            return
        if event.is_printable and event.character:
            # typed into the box as if it had the focus already
            type_into(self.screen.focused, event.character)
            event.stop()
            event.prevent_default()
        # any other key (enter grades, ctrl+r runs, arrows move) goes on to the box's keys

    def _type_late_key(self, event: events.Key) -> bool:
        """Type a printable key that reached the screen while the answer box has the focus.

        Keys typed fast (or pasted) after the first one are sent on to the screen before that
        first key gives the box the focus; the box would never see them. A key typed into a
        focused box never gets here: the box takes it."""
        if not (event.is_printable and event.character):
            return False
        if not type_into(self.screen.focused, event.character):
            return False
        event.stop()
        event.prevent_default()
        return True
