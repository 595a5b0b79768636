"""A numeric card's reference is taken exactly where the card's arithmetic is exact, not as
the double its evaluation happened to round to: answers are judged exactly, so a reference
a rounding away from a tie misjudged the answers at that tie."""

from __future__ import annotations

from fractions import Fraction

from trainer.decks import load_text
from trainer.exercises import instantiate

DECK = r"""
deck: t
title: T
cards:
  - id: tenths
    kind: numeric
    prompt: What is three tenths, exactly?
    solve: 0.1*3
    tolerance: {rtol: 0}
  - id: mean-at-a-tie
    kind: numeric
    prompt: The sample mean of {{x}}?
    params:
      x: vec(1.32, 1.15, 1.63, 1.97)
    solve: gaussian_mle_mean(x)
  - id: above-a-tie
    kind: numeric
    prompt: What is 1.2345 plus 10^-20?
    solve: 1.2345 + 10^-20
  - id: decimal-param
    kind: numeric
    prompt: What is {{p}} times 3, exactly?
    params:
      p: choice(0.1)
    solve: 3*p
    tolerance: {rtol: 0}
"""


def _grade(card_id: str, text: str) -> str:
    deck, problems = load_text(DECK, "t.yaml")
    assert deck is not None and problems == []
    card = next(c for c in deck.cards if c.id == card_id)
    return instantiate(card, 0).grade(0, text).verdict.value


def test_an_exact_reference_written_with_decimals_is_matched_by_the_exact_answer() -> None:
    # it was 0.30000000000000004: 3/10 was refused and 0.30000000000000004 accepted
    assert _grade("tenths", "3/10") == "correct"
    assert _grade("tenths", "0.3") == "correct"
    assert _grade("tenths", "0.30000000000000004") == "incorrect"
    assert _grade("decimal-param", "3/10") == "correct"  # p is the 0.1 the prompt shows


def test_a_reference_just_above_a_tie_accepts_only_the_rounding_up() -> None:
    # 1.2345 + 10^-20 is 1.2345 in doubles, a tie at 4 figures that accepted 1.234 too
    assert _grade("above-a-tie", "1.235") == "correct"
    assert _grade("above-a-tie", "1.234") == "incorrect"


def test_a_solvers_double_a_rounding_away_from_a_tie_is_the_tie() -> None:
    # the mean of 1.32, 1.15, 1.63, 1.97 is 1.5175; the solver's double is
    # 1.5174999999999998, which refused 1.518 (half up, what most people write)
    assert _grade("mean-at-a-tie", "1.518") == "correct"
    assert _grade("mean-at-a-tie", "1.517") == "correct"  # a tie: both roundings pass
    assert _grade("mean-at-a-tie", "1.519") == "incorrect"


def test_what_the_grader_is_handed() -> None:
    from trainer.exercises.exercise import exact_reference

    assert exact_reference("0.1*3", {}) == (Fraction(3, 10), 0.3)
    assert exact_reference("k/n", {"k": 3, "n": 7})[0] == Fraction(3, 7)
    # not rational, no solver: the formula with the params written in, for intervals
    expected, value = exact_reference("exp(-p)", {"p": 0.37})
    assert isinstance(expected, str) and "0.37" in expected and abs(value - 0.6907) < 1e-4
    # a solver's double: its shortest decimal within its rounding, or itself (exact match)
    assert exact_reference("gaussian_mle_mean(x)", {"x": (1.32, 1.15, 1.63, 1.97)}) \
        == (Fraction("1.5175"), 1.5174999999999998)
    for tolerance in ({"rtol": 0}, {"rtol": 1e-12}, {"atol": 1e-13}):
        # a precision near the solver's rounding: the double, not a decimal near it
        assert exact_reference("gaussian_mle_mean(x)", {"x": (1.32, 1.15, 1.63, 1.97)},
                               **tolerance)[0] == 1.5174999999999998
    assert exact_reference("gaussian_mle_mean(x)", {"x": (1.32, 1.15, 1.63, 1.97)},
                           atol=1e-6)[0] == Fraction("1.5175")
