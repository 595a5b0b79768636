"""The trainer's screens know their app's type: `self.app` is a `TrainerApp`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen
from textual.visual import VisualType
from textual.widgets import Static

if TYPE_CHECKING:
    from trainer.tui.app import TrainerApp


class TrainerScreen(Screen[None]):
    """A full screen of the trainer."""

    @property
    def app(self) -> TrainerApp:  # type: ignore[override]  # Textual types it as App[Any]
        # every screen runs inside TrainerApp; the cast only tells the type checker
        return cast("TrainerApp", super().app)


def put(static: Static, content: VisualType) -> None:
    """Show `content` in `static` unless it already does: an update costs a layout of the
    screen and a paint, even with the same text."""
    if static.content != content:
        static.update(content)
