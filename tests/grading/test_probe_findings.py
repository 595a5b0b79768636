"""Findings of an adversarial probe of the grader: each answer here was once accepted
though wrong, crashed the grader, or was refused though right."""

from __future__ import annotations

import pytest

from trainer.grading import Verdict, grade, parse_symbols

# ------------------------------------------------------------------ crashes (C1)

@pytest.mark.parametrize("answer", ["2000!", "10^4500", "-10^4500", "1/10^4500",
                                    "-2000!/3", "10^4500/3"])
def test_huge_number_is_incorrect_with_a_normal_message(answer: str) -> None:
    r = grade(0.237261, answer)
    assert r.verdict is Verdict.INCORRECT, r.message
    assert "internal error" not in r.message and "e" in r.message.split("your answer is ")[1]


def test_huge_factorial_is_shown_with_its_leading_digits() -> None:
    # 2000! = 3.3162750924506...e5735
    assert "3.31627e5735" in grade(0.5, "2000!").message


def test_interval_bound_beyond_floats_is_a_clear_symbols_error() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_symbols("x: (1e400, 2)")
    r = grade("x", "x", symbols="x: (1e400, 2)")
    assert r.verdict is Verdict.UNDECIDED and "too large" in r.message
    assert "internal" not in r.message
