"""Findings of an adversarial review of the grader: answers once accepted though wrong,
or refused though right, graded as the cards that ship ask for them."""

from __future__ import annotations

import pytest

from trainer.grading import Verdict, grade
from trainer.grading.expr import parse, pretty

E = 2.718281828459045

# ------------------------------------ F14: a number whose doubles lost its digits


@pytest.mark.parametrize("answer", ["(1 + 10^-20)^(10^20)", "(1+1/10^20)^(10^20)",
                                    "exp(1000)/exp(999)"])
def test_a_number_is_judged_by_its_exact_value_not_its_doubles(answer: str) -> None:
    assert grade(E, answer).correct
    r = grade(1.0, answer)  # the doubles say 1.0
    assert r.verdict is Verdict.INCORRECT and "2.71828" in r.message, r.message
    r = grade(1, answer, rtol=0)
    assert r.verdict is Verdict.INCORRECT, r.message


def test_an_answer_beyond_the_doubles_is_shown_with_its_digits() -> None:
    r = grade(1.0, "(1 + 10^-20)^(10^25)")  # e^100000, 1.0 in doubles
    assert r.verdict is Verdict.INCORRECT and "2.80666e43429" in r.message, r.message
    r = grade(0.5, "1/exp(-800)")  # exp(-800) is 0.0 in doubles
    assert r.verdict is Verdict.INCORRECT and "2.72637e347" in r.message, r.message


def test_a_right_number_too_large_for_doubles_on_the_way_is_accepted() -> None:
    assert grade(2, "2^1000000 / 2^999999").correct
    assert grade(0.5, "exp(1000)/exp(999)/e/2").correct


@pytest.mark.parametrize("expected, answer, kwargs", [
    (0, "log(2) - ln(2)", {}),  # an enclosure of 0 that never shrinks to a point
    (0, "exp(-10^10)", {}),
    (0.3679, "exp(-1)", {}),
    (0.1, "0.1*exp(0)", {"rtol": 0}),
    ("exp(-1)", "1/e", {"rtol": 0}),
])
def test_ordinary_function_answers_are_still_decided(expected: object, answer: str,
                                                     kwargs: dict[str, float]) -> None:
    r = grade(expected, answer, **kwargs)  # type: ignore[arg-type]
    assert r.correct, r.message


@pytest.mark.parametrize("answer", ["0.50005 + exp(-10^4)", "0.50005 - exp(-10^4)"])
def test_a_value_no_precision_settles_is_undecided_not_accepted(answer: str) -> None:
    # within 10^-4343 of the edge of 4 figures around 0.5: no verdict either way
    assert grade(0.5, answer).verdict is Verdict.UNDECIDED


def test_an_exact_match_is_refuted_beyond_the_doubles() -> None:
    r = grade(0.5, "0.5 + exp(-100)", rtol=0)
    assert r.verdict is Verdict.INCORRECT, r.message


def test_undefined_and_huge_answers_stay_invalid() -> None:
    assert grade(0.5, "log(-1)").verdict is Verdict.INVALID
    assert grade(0.5, "exp(10^10)").verdict is Verdict.INVALID
    assert grade(2, "9^9^9^9").verdict is Verdict.INVALID


@pytest.mark.parametrize("text", ["sqrt(k)/n", "-sqrt(k)/n", "2*sqrt(k)/n",
                                  "sqrt(k)*sqrt(n)/2"])
def test_a_square_root_before_a_division_is_shown_so_that_it_reads_back(text: str) -> None:
    names = frozenset({"k", "n"})
    shown = pretty(parse(text, names=names))
    assert pretty(parse(shown, names=names)) == shown
