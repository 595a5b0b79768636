"""Reusable widgets of the app (each imported from its own module when first needed: the
plot's plotting library must stay off the first card's path)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trainer.tui.widgets.likelihood_plot import LikelihoodPlot

__all__ = ["LikelihoodPlot"]


def __getattr__(name: str) -> Any:
    if name == "LikelihoodPlot":
        from trainer.tui.widgets.likelihood_plot import LikelihoodPlot

        return LikelihoodPlot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
