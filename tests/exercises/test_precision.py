"""The precision the study screen asks for is always enough to be marked correct."""

from __future__ import annotations

import math
import random

import pytest

from trainer.config import shipped_deck_dir
from trainer.decks import load_decks
from trainer.exercises import instantiate
from trainer.exercises.exercise import describe_tolerance


@pytest.mark.parametrize("rtol", [1e-4, 1e-3, 2e-3, 5e-3, 1e-2, 0.05])
def test_rounding_to_the_stated_figures_is_within_the_tolerance(rtol):
    figures = int(describe_tolerance(rtol, None).split()[0])
    rng = random.Random(rtol)
    for _ in range(5000):
        value = rng.choice([-1, 1]) * 10 ** rng.uniform(-5, 5)
        assert abs(float(f"{value:.{figures}g}") - value) <= rtol * abs(value)
    # and one figure fewer is not always enough
    assert any(abs(float(f"{v:.{figures - 1}g}") - v) > rtol * abs(v)
               for v in (1.0 + k / 997 for k in range(997))) or figures == 1


def test_describe_tolerance_words():
    assert describe_tolerance(1e-3, None) == "4 significant figures"
    assert describe_tolerance(0.5, None) == "1 significant figure"
    assert describe_tolerance(1e-3, 0.01) == "within ±0.01"


def test_every_shipped_numeric_answer_rounded_as_asked_is_correct():
    cards = [c for c in load_decks([shipped_deck_dir()]).cards if c.graded]
    checked = 0
    for card in cards:
        for seed in range(5):
            exercise = instantiate(card, seed)
            for i, step in enumerate(exercise.steps):
                if step.kind != "numeric" or not step.precision.endswith(("figure", "figures")):
                    continue
                ref = exercise.reference(i)
                figures = int(step.precision.split()[0])
                typed = f"{float(ref.value):.{figures}g}"
                result = exercise.grade(i, typed)
                assert result.verdict == "correct", (card.id, seed, typed, result)
                assert math.isfinite(float(typed))
                checked += 1
    assert checked >= 5 * 30


def test_a_wrong_number_is_told_in_the_boxs_words_and_the_value_shown_would_pass():
    from fractions import Fraction

    from trainer.grading import grade
    from trainer.grading.numbers import missed_precision, within

    message = grade("25/37", "5/37").message  # a number: 4 significant figures by default
    assert message == ("incorrect: your answer is 0.135135; "
                       "the reference to 4 significant figures is 0.6757")
    assert describe_tolerance(1e-3, None) in message  # the answer box's words
    assert "tolerance" not in message
    assert missed_precision(0.5, Fraction(25, 37), 1e-3, 0.01).endswith(
        "the reference is 0.675676, and it must be within ±0.01")
    assert missed_precision(0.5, Fraction(25, 37), 0, None).endswith(
        "the reference is 25/37, and it must be matched exactly")
    # what the message shows, typed as it is, passes the one rule (tiny, huge, negative)
    rng = random.Random(7)
    references = [Fraction(25, 37), 1.23e-9, -Fraction(1, 3), 123456789.0, 10**40 + 7,
                  *(rng.choice([-1, 1]) * 10 ** rng.uniform(-8, 8) for _ in range(300))]
    for rtol in (1e-3, 1e-2, 5e-4):
        for reference in references:
            shown = missed_precision(0, reference, rtol, None).rsplit(" is ", 1)[1]
            assert within(Fraction(shown), reference, rtol, None), (reference, rtol, shown)
