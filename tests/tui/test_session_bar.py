"""The study screen's top line draws its progress bar as Textual's ProgressBar did."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.renderables.bar import Bar

from trainer.tui.widgets.session_bar import BAR_WIDTH, SessionBar, bar_glyphs


@pytest.mark.parametrize("done", [0.0, 0.01, 0.025, 0.3, 1 / 3, 0.5, 0.51, 0.975, 0.99, 1.0])
def test_the_bar_has_the_glyphs_and_colours_of_textuals_progress_bar(done):
    # ProgressBar's Bar rounds its part down to half cells, then draws that range
    end = int(done * BAR_WIDTH * 2) / 2
    bar = Bar(highlight_range=(0, end), highlight_style="red", background_style="blue",
              width=BAR_WIDTH)
    console = Console(width=BAR_WIDTH)
    segments = list(console.render(bar))
    drawn = {colour: "".join(s.text for s in segments
                             if s.style is not None and s.style.color is not None
                             and s.style.color.name == colour)
             for colour in ("red", "blue")}
    assert bar_glyphs(done) == (drawn["red"], drawn["blue"])


async def test_a_long_card_line_is_cut_and_the_counts_and_bar_stay():
    from rich.text import Text
    from textual.app import App

    class Bare(App[None]):
        def compose(self):
            yield SessionBar()

    class Half:  # the session figures the bar reads
        done, remaining = 3, 3

        def counts(self):
            return 1, 0, 2

    app = Bare()
    async with app.run_test(size=(60, 5)):
        bar = app.query_one(SessionBar)
        bar.show_card(Text("deck · recall · " + "very long warning " * 10))
        bar.count(Half())  # type: ignore[arg-type]
        line = bar.render().plain
        assert len(line) == 60
        assert line.startswith(" deck · recall · ")
        assert line.endswith("… 3 done  1 · 0 · 2 " + "".join(bar_glyphs(0.5)) + "  ")
        bar.show_card(None)  # no card: the counts start the line
        assert bar.render().plain.startswith("3 done  1 · 0 · 2 ━")
