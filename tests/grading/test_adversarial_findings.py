"""Findings of an adversarial pass over shipped cards: each answer here was graded wrongly
(a right one refused, a wrong one accepted) or left undecided before its fix."""

from __future__ import annotations

import re

import pytest

from trainer.grading import Verdict, grade, preview

# -------------------------------- a fractional exponent typed without brackets (A1)


@pytest.mark.parametrize(("reference", "answer", "symbols"), [
    ("1/sqrt(n)", "n^-1/2", "n: positive integer"),
    ("1/sqrt(n*p*(1-p))", "(n p (1-p))^-1/2", "n: positive integer; p: (0,1)"),
    ("sqrt(x)", "x^1/2", "x: positive"),
    ("x^(3/2)", "x^3/2", "x: positive"),
    ("x^(-3/2)", "x^-3/2", "x: positive"),
])
def test_a_fractional_exponent_without_brackets_is_refused_with_both_readings(
        reference: str, answer: str, symbols: str) -> None:
    # n^-1/2 was read (n⁻¹)/2 and marked incorrect, though written for n^(−1/2)
    r = grade(reference, answer, symbols=symbols)
    assert r.verdict is Verdict.INVALID
    readings = re.search(r"can be read two ways: (.*) or (.*); type the one you mean",
                         r.message)
    assert readings is not None, r.message
    divided, powered = readings.groups()
    # each reading, typed back as shown, is read that way: the power one is the reference
    assert grade(reference, powered, symbols=symbols).verdict is Verdict.CORRECT
    assert grade(reference, divided, symbols=symbols).verdict is Verdict.INCORRECT
    assert preview(answer, symbols=symbols)[0] is False


@pytest.mark.parametrize(("reference", "answer"), [
    ("x^2/2", "x^2/2"),  # a square over 2 is how x²/2 is written
    ("-x^2/2", "-x^2/2"),
    ("(x^3)/2", "x^3 / 2"),  # a space ends the exponent
    ("x^(1/2)", "x^(1/2)"),
    ("x^(-1)/2", "x⁻¹/2"),
])
def test_powers_that_read_one_way_are_graded(reference: str, answer: str) -> None:
    assert grade(reference, answer, symbols="x: positive").verdict is Verdict.CORRECT
