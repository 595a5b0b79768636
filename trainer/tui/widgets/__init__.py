"""Reusable widgets of the app."""

from trainer.tui.widgets.likelihood_plot import LikelihoodPlot

__all__ = ["LikelihoodPlot"]
