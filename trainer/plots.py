"""Plots of a graded card for one review's numbers: curves, markers, and an SVG for Anki.

A plot is data in the deck (expressions in the deck's own language), never code: each curve
is evaluated at evenly spaced points of its x range with this review's params, and each
marker at its expression, `answer` being the learner's own number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from trainer.decks.model import Plot

POINTS = 161
ANSWER = "answer"


class PlotError(Exception):
    """A plot can not be drawn for these numbers; the message says which part failed."""


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]  # NaN where the curve is undefined


@dataclass(frozen=True, slots=True)
class VLine:
    label: str
    x: float
    learner: bool = False  # the learner's own answer


@dataclass(frozen=True, slots=True)
class PlotData:
    title: str
    x_label: str
    y_label: str
    start: float
    end: float
    series: tuple[Series, ...]
    markers: tuple[VLine, ...]

    @property
    def y_range(self) -> tuple[float, float]:
        ys = [y for s in self.series for y in s.ys if math.isfinite(y)]
        lo, hi = min(ys), max(ys)
        if hi - lo < 1e-12:
            lo, hi = lo - 1, hi + 1
        return lo, hi


def _value(text: str, names: Mapping[str, object], what: str) -> float:
    from trainer.exercises.exercise import evaluate_numeric
    from trainer.exercises.params import ExerciseError

    try:
        return evaluate_numeric(text, names)
    except ExerciseError as exc:
        raise PlotError(f"plot {what}: {exc}") from None


def plot_data(plot: Plot, params: Mapping[str, object], answer: float | None = None,
              *, points: int = POINTS) -> PlotData:
    """The plot's curves and markers for these params; `answer` marks the learner's number."""
    from trainer.exercises.params import fill

    start, end = _value(plot.start, params, "from"), _value(plot.end, params, "to")
    if not start < end:
        raise PlotError(f"plot: from ({start:g}) must be less than to ({end:g})")
    xs = tuple(start + (end - start) * i / (points - 1) for i in range(points))
    series = []
    for n, curve in enumerate(plot.curves, 1):
        ys = []
        for x in xs:
            try:
                ys.append(_value(curve.y, {**params, plot.x: x}, f"curve {n}"))
            except PlotError:
                ys.append(math.nan)  # undefined here (log 0 at an end): a gap, not a failure
        if not any(math.isfinite(y) for y in ys):
            raise PlotError(f"plot curve {n} ({curve.y!r}) is undefined over the whole range")
        series.append(Series(fill(curve.label, params) or curve.y, xs, tuple(ys)))
    markers = []
    for marker in plot.markers:
        if marker.at.strip() == ANSWER:
            if answer is not None and math.isfinite(answer):
                markers.append(VLine(marker.label, answer, learner=True))
            continue
        markers.append(VLine(fill(marker.label, params) or marker.label,
                             _value(marker.at, params, f"marker {marker.label!r}")))
    return PlotData(title=fill(plot.title, params) or "", x_label=plot.x_label or plot.x,
                    y_label=plot.y_label or "", start=start, end=end, series=tuple(series),
                    markers=tuple(markers))


_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd")


def to_svg(data: PlotData, *, width: int = 480, height: int = 300) -> str:
    """The plot as a small standalone SVG image (for the Anki export)."""
    left, right, top, bottom = 56, 16, 28 if data.title else 12, 40
    w, h = width - left - right, height - top - bottom
    lo, hi = data.y_range

    def sx(x: float) -> float:
        return left + (x - data.start) / (data.end - data.start) * w

    def sy(y: float) -> float:
        return top + (hi - min(max(y, lo), hi)) / (hi - lo) * h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
           f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#888"/>']
    if data.title:
        out.append(f'<text x="{width / 2:.1f}" y="16" text-anchor="middle" font-size="13">'
                   f'{escape(data.title)}</text>')
    for value, anchor in ((data.start, "start"), (data.end, "end")):
        out.append(f'<text x="{sx(value):.1f}" y="{top + h + 14}" text-anchor="{anchor}">'
                   f'{value:.4g}</text>')
    for value, y in ((hi, top + 10), (lo, top + h)):
        out.append(f'<text x="{left - 4}" y="{y:.1f}" text-anchor="end">{value:.4g}</text>')
    out.append(f'<text x="{left + w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
               f'{escape(data.x_label)}</text>')
    if data.y_label:
        out.append(f'<text x="12" y="{top + h / 2:.1f}" text-anchor="middle" '
                   f'transform="rotate(-90 12 {top + h / 2:.1f})">{escape(data.y_label)}</text>')
    legend_y = top + 14
    for i, s in enumerate(data.series):
        colour = _COLOURS[i % len(_COLOURS)]
        runs: list[list[str]] = [[]]
        for px, py in zip(s.xs, s.ys, strict=True):
            if math.isfinite(py):
                runs[-1].append(f"{sx(px):.1f},{sy(py):.1f}")
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if len(run) > 1:
                out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.6" '
                           f'points="{" ".join(run)}"/>')
        out.append(f'<text x="{left + w - 4}" y="{legend_y}" text-anchor="end" '
                   f'fill="{colour}">{escape(s.label)}</text>')
        legend_y += 13
    for m in data.markers:
        if not data.start <= m.x <= data.end:
            continue
        colour = "#ff7f0e" if m.learner else "#444"
        dash = ' stroke-dasharray="4 3"' if m.learner else ""
        out.append(f'<line x1="{sx(m.x):.1f}" x2="{sx(m.x):.1f}" y1="{top}" y2="{top + h}" '
                   f'stroke="{colour}"{dash}/>')
        out.append(f'<text x="{sx(m.x) + 3:.1f}" y="{legend_y}" fill="{colour}">'
                   f'{escape(m.label)} {m.x:.4g}</text>')
        legend_y += 13
    out.append("</svg>")
    return "\n".join(out)
