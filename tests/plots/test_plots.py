"""Plots on graded cards: read from the deck, validated, drawn for a review's numbers."""

from __future__ import annotations

import math

import pytest

from tests.plots.decks import coin_deck
from trainer.check import check_card
from trainer.decks import load_decks
from trainer.exercises import instantiate
from trainer.plots import PlotError, plot_data, to_svg

DECK = coin_deck()


def load(text: str):
    return load_decks([text_path(text)])


def text_path(text: str):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "plots.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plot_is_drawn_for_this_reviews_numbers_with_the_answer_marked():
    (card,) = load(DECK).decks[0].cards
    ex = instantiate(card, 3)
    k, n = ex.params["k"], ex.params["n"]
    data = plot_data(card.plot, ex.params, answer=0.42)
    assert data.title == f"Bernoulli log-likelihood, {k} of {n}"
    (curve,) = data.series
    # log 0 at the ends is a gap, not a failure; the peak of the curve is at the MLE
    assert math.isnan(curve.ys[0]) and math.isnan(curve.ys[-1])
    peak = max((y, x) for x, y in zip(curve.xs, curve.ys, strict=True) if math.isfinite(y))[1]
    assert abs(peak - k / n) <= 1 / (len(curve.xs) - 1)
    assert [(m.label, m.x, m.learner) for m in data.markers] == [
        ("MLE", pytest.approx(k / n), False), ("your answer", 0.42, True)]
    svg = to_svg(data)
    assert svg.startswith("<svg") and "polyline" in svg and "your answer 0.42" in svg


def test_without_an_answer_the_learners_marker_is_left_out():
    (card,) = load(DECK).decks[0].cards
    data = plot_data(card.plot, instantiate(card, 0).params)
    assert [m.label for m in data.markers] == ["MLE"]


def test_trainer_check_draws_every_plot_and_names_what_fails():
    (card,) = load(DECK).decks[0].cards
    assert check_card(card, seeds=5) == []
    broken = DECK.replace("to: 1", "to: -1")
    (bad,) = load(broken).decks[0].cards
    failures = check_card(bad, seeds=2)
    assert failures and "from (0) must be less than to (-1)" in failures[0].message
    with pytest.raises(PlotError):
        plot_data(bad.plot, instantiate(bad, 0).params)


def test_validate_names_an_unknown_name_in_a_plot_at_its_line():
    from trainer.catalog import load_catalog

    result = load_catalog([text_path(DECK.replace("k*log(p)", "kk*log(p)"))])
    (problem,) = result.problems
    assert problem.line == 18  # the curve's own line
    assert "plot curve 1" in problem.message and "kk" in problem.message


def test_a_plot_without_curves_is_a_deck_problem():
    bad = DECK.split("      curves:")[0] + "\n"
    result = load(bad)
    assert any("needs 'curves'" in p.message for p in result.problems)


def test_the_anki_export_carries_the_plot_as_an_svg_picture(tmp_path):
    import json
    import zipfile

    from trainer.cli import main

    path = text_path(DECK)
    out = tmp_path / "p.apkg"
    assert main(["export", str(path), "-o", str(out)]) == 0
    with zipfile.ZipFile(out) as zf:
        media = json.loads(zf.read("media"))
        (name,) = media.values()
        svg = zf.read(next(k for k, v in media.items() if v == name)).decode()
    assert name.endswith(".svg") and svg.startswith("<svg") and "MLE" in svg


def test_the_shipped_decks_plot_at_least_twelve_cards_and_every_plot_draws():
    from trainer.config import shipped_deck_dir

    result = load_decks([shipped_deck_dir()])
    plotted = [c for d in result.decks for c in d.cards if c.plot is not None]
    assert len(plotted) >= 12
    for card in plotted:
        for review in range(3):
            data = plot_data(card.plot, instantiate(card, review).params, answer=0.5)
            assert all(any(math.isfinite(y) for y in s.ys) for s in data.series), card.key
