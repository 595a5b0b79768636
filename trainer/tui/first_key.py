"""A new card's answer box takes the first key typed, not the focus at once: the keys the
footer shows (u undo, q quit) keep working right after a rating, s or b."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

# the study screen's answer boxes: the one-line answer and a code card's editor
ANSWER_BOXES = frozenset({"answer", "code-editor"})


def takes_key(widget: Widget | None, event: events.Key) -> bool:
    """True when the widget is one of the study screen's answer boxes and acts on the key."""
    if widget is None or widget.id not in ANSWER_BOXES:
        return False
    # imported with the first answer box: not before the first card, which may have none
    from trainer.tui.answer_box import KeysInOrder

    return isinstance(widget, KeysInOrder) and widget.takes(event)


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
        if event.key == "tab":  # the key that enters the box (the status says so), not text
            event.stop()
            event.prevent_default()
            return
        # the box acts on the key as if it had had the focus already; a key it does not
        # take (ctrl+r runs, ctrl+s submits) goes on to the screen's bindings
        self._type_late_key(event)

    def _type_late_key(self, event: events.Key) -> bool:
        """Hand the answer box a key that reached the screen while the box has the focus.

        Keys typed fast (or sent at once, as tmux does) after the first one are sent on to
        the screen before that first key gives the box the focus; the box would never see
        them. Each goes to the box's own queue, in the order typed: characters, backspace and
        arrows alike (the cursor must move before the text after it is typed). A key the box
        takes itself never comes up to the screen from it, so none is handed over twice."""
        box = self.screen.focused
        if box is None or not takes_key(box, event):
            return False
        if getattr(event, "handed_over", False):
            return False  # came back up from the box: it did not act on it after all
        late = events.Key(event.key, event.character)
        late.handed_over = True  # type: ignore[attr-defined]
        box.post_message(late)
        event.stop()
        event.prevent_default()
        return True
