"""A key footer that hides and shows its keys as focus moves instead of building them again."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # not exported; pinned by textual~=8.2


class SteadyFooter(Footer):
    """Textual's Footer mounts all its keys again whenever the screen's bindings are
    refreshed, which every change of focus does: about 50 ms of a busy machine after each
    search typed into the browser (the box takes the letter keys while it has the focus,
    so the footer shows fewer). This one builds its keys when a key appears that it has
    not built, and otherwise only hides the ones not active now."""

    def __init__(self) -> None:
        super().__init__()
        self._built: set[tuple[str, str, bool]] = set()

    def _active(self, screen: Screen) -> set[tuple[str, str, bool]]:
        return {(binding.action, binding.description, enabled)
                for _, binding, enabled, _ in screen.active_bindings.values()
                if binding.show or binding.key == self.app.COMMAND_PALETTE_BINDING}

    def bindings_changed(self, screen: Screen) -> None:
        if not (self.is_attached and screen is self.screen and self._bindings_ready):
            super().bindings_changed(screen)
            return
        active = self._active(screen)
        if not active <= self._built:
            self._built = active
            super().bindings_changed(screen)
            return
        for key in self.query(FooterKey):
            key.display = (key.action, key.description, not key._disabled) in active

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._built = self._active(self.screen)
        return super().compose()
