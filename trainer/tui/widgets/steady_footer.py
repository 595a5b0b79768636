"""A key footer drawn as one line of text: it follows the focus without mounting a widget per key."""

from __future__ import annotations

from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class FooterEntry(NamedTuple):
    """One key shown: what it says, the key pressed, whether it acts now, and its cells."""

    key_display: str
    description: str
    key: str
    enabled: bool
    start: int
    end: int


class SteadyFooter(Widget):
    """The screen's keys, as Textual's Footer shows them, from its public API only.

    Textual's Footer mounts a widget for each key again whenever the screen's bindings
    are refreshed, which every change of focus does: about 50 ms of a busy machine after
    each search typed into the browser (the box takes the letter keys while it has the
    focus, so the footer shows fewer). This one works out the keys and draws them as one
    line of text, again only when they changed; a click on a key presses it.
    """

    DEFAULT_CSS = """
    SteadyFooter {
        dock: bottom; height: 1;
        color: $footer-foreground; background: $footer-background;
    }
    SteadyFooter > .steady-footer--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    SteadyFooter > .steady-footer--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    SteadyFooter > .steady-footer--disabled { text-style: dim; }
    SteadyFooter > .steady-footer--separator { color: $foreground 20%; }
    """
    COMPONENT_CLASSES = {"steady-footer--key", "steady-footer--description",
                         "steady-footer--disabled", "steady-footer--separator"}

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[tuple[str, str, str, bool]] = []  # what they are, before placing
        self._palette = False  # the last key is the command palette's, kept at the right end

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.call_after_refresh(self.bindings_changed, self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def bindings_changed(self, screen: Screen) -> None:
        """The keys active now, one per action (its first key), as Footer picks them; the
        command palette's key last."""
        if not self.is_attached or screen is not self.screen:
            return
        seen: set[str] = set()
        keys: list[tuple[str, str, str, bool]] = []
        palette: tuple[str, str, str, bool] | None = None
        for _, binding, enabled, _ in screen.active_bindings.values():
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = (self.app.get_key_display(binding), binding.description, binding.key,
                           enabled)
            elif binding.show and binding.action not in seen:
                seen.add(binding.action)
                keys.append((self.app.get_key_display(binding), binding.description,
                             binding.key, enabled))
        if palette is not None:
            keys.append(palette)
        if keys != self._keys:
            self._keys, self._palette = keys, palette is not None
            self.refresh()

    @property
    def entries(self) -> list[FooterEntry]:
        """The keys shown and where, left to right, as Footer lays them out: " key
        description " one after the other from the left, the command palette's key last, at
        the right end after a thin bar."""
        entries, x = [], 0
        keys = self._keys[:-1] if self._palette else self._keys
        for display, description, key, enabled in keys:
            size = len(display) + 2 + (len(description) + 1 if description else 0)
            entries.append(FooterEntry(display, description, key, enabled, x, x + size))
            x += size
        if self._palette:
            display, description, key, enabled = self._keys[-1]
            size = 1 + len(display) + (len(description) + 1 if description else 0) + 1
            start = max(self.size.width - size, 0)
            entries.append(FooterEntry(display, description, key, enabled, start, start + size))
        return entries

    def render(self) -> Text:
        key_style = self.get_component_rich_style("steady-footer--key", partial=True)
        text_style = self.get_component_rich_style("steady-footer--description", partial=True)
        dim = self.get_component_rich_style("steady-footer--disabled", partial=True)
        _, background = self.background_colors  # the bar's colour is see-through, as Footer's
        bar = Style(color=(background + self.get_component_styles(
            "steady-footer--separator").color).rich_color)
        line = Text(no_wrap=True, overflow="crop", end="")
        entries = self.entries
        for entry in entries[:-1] if self._palette else entries:
            start = len(line)
            line.append(f" {entry.key_display} ", key_style)
            if entry.description:
                line.append(f"{entry.description} ", text_style)
            if not entry.enabled:
                line.stylize(dim, start, len(line))
        if self._palette:
            palette = entries[-1]
            line.truncate(palette.start, pad=True)  # keys beyond it are under it, as in Footer
            line.append("▏", bar)
            line.append(palette.key_display, key_style)
            if palette.description:
                line.append(f" {palette.description}", text_style)
            line.append(" ")
            if not palette.enabled:
                line.stylize(dim, palette.start + 1, len(line))
        return line

    def on_click(self, event: events.Click) -> None:
        for entry in reversed(self.entries):  # the palette's key is drawn over the others
            if entry.start <= event.x < entry.end:
                if entry.enabled:
                    self.app.simulate_key(entry.key)
                else:
                    self.app.bell()
                return
