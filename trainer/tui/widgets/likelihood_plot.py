"""A card's plot in the terminal: its curves and markers, the learner's answer among them."""

from __future__ import annotations

import math

from textual_plotext import PlotextPlot

from trainer.plots import PlotData


class LikelihoodPlot(PlotextPlot):
    """Draws a PlotData; vertical lines for the markers, the learner's own dashed and orange."""

    DEFAULT_CSS = """
    LikelihoodPlot { height: 16; width: 1fr; margin: 1 0 0 0; }
    """

    def __init__(self, data: PlotData, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.data = data

    def on_mount(self) -> None:
        super().on_mount()
        self.draw()

    def draw(self) -> None:
        plt, data = self.plt, self.data
        plt.clear_figure()
        plt.title(data.title)
        plt.xlabel(data.x_label)
        if data.y_label:
            plt.ylabel(data.y_label)
        lo, hi = data.y_range
        for series in data.series:
            xs = [x for x, y in zip(series.xs, series.ys, strict=True) if math.isfinite(y)]
            ys = [y for y in series.ys if math.isfinite(y)]
            plt.plot(xs, ys, label=series.label, marker="braille")
        step = (hi - lo) / 10
        shown = [m for m in data.markers if data.start <= m.x <= data.end]
        for i, marker in enumerate(shown):
            colour = "orange" if marker.learner else "gray"
            plt.vline(marker.x, colour)
            # labels stepped down below the legend, so that neighbours do not overwrite;
            # each reads away from the nearer edge (plotext centres text, cutting a label
            # whose line is near an edge)
            label = f"{marker.label} {marker.x:.3g}"
            left = marker.x <= (data.start + data.end) / 2
            plt.text(f" {label}" if left else f"{label} ", marker.x,
                     hi - (i + len(data.series)) * step, color=colour,
                     alignment="left" if left else "right")
        plt.xlim(data.start, data.end)
        plt.ylim(lo, hi)
        self.refresh()
