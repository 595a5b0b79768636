"""The plot beside the solution: drawn after grading, with the learner's answer marked."""

from __future__ import annotations

from tests.plots.decks import coin_deck
from trainer.tui.widgets import LikelihoodPlot

# the plot over the open interval, beside a solution
DECK = coin_deck(x="t", start="0.005", end="0.995", solution=r"$\\hat p = k/n$.")


async def test_after_grading_the_plot_shows_the_peak_and_the_learners_answer(
        make_app, write_deck, tmp_path):
    app = make_app(write_deck(DECK, "plots.yaml"), tmp_path / "t.db")
    async with app.run_test(size=(80, 40)) as pilot:
        assert not app.screen.query(LikelihoodPlot)  # nothing before the answer
        await pilot.press(*"0.42", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (plot,) = app.screen.query(LikelihoodPlot)
        markers = {m.label: m.x for m in plot.data.markers}
        assert markers["your answer"] == 0.42
        k, n = app.screen.attempt.exercise.params["k"], app.screen.attempt.exercise.params["n"]
        assert abs(markers["MLE"] - k / n) < 1e-12
        await pilot.press("3")  # rate: the next card has no plot
        await pilot.pause()
        assert not app.screen.query(LikelihoodPlot)


def test_snapshot_of_a_plot_beside_the_solution(snap_compare, make_app, write_deck, tmp_path):
    async def answer(pilot):
        await pilot.press(*"0.42", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(write_deck(DECK, "plots.yaml"), tmp_path / "t.db"),
                        terminal_size=(80, 40), run_before=answer)


async def test_a_marker_label_near_either_edge_is_drawn_whole(make_app, write_deck, tmp_path):
    """plotext centres text on its x: a label whose line is near an edge lost its start."""
    from rich.text import Text

    for typed in ("0.02", "0.98"):
        app = make_app(write_deck(DECK, f"plots{typed}.yaml"), tmp_path / f"{typed}.db")
        async with app.run_test(size=(80, 40)) as pilot:
            await pilot.press(*typed, "enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            (plot,) = app.screen.query(LikelihoodPlot)
            drawn = Text.from_ansi(plot.plt.build()).plain
            assert f"your answer {typed}" in drawn
