"""Number answers against number references, both sides exact: a reference that is not
rational is enclosed in intervals as the answer is (its double decided wrongly near the
edge of the precision), and a value too small for doubles is shown as what it is, not 0."""

from __future__ import annotations

import pytest

from trainer.grading import Verdict, grade


@pytest.mark.parametrize(("reference", "answer", "verdict"), [
    # exp(-2000) is 0.0 in doubles, and 0 was accepted for it
    ("exp(-2000)", "0", Verdict.INCORRECT),
    ("exp(-2000)", "2.577e-869", Verdict.CORRECT),
    ("exp(-2000)", "exp(-2000)", Verdict.CORRECT),
    # a hair above the tie at 4 figures that its double sits on: 0.1234 was accepted
    ("0.12345 + exp(-50)", "0.1234", Verdict.INCORRECT),
    ("0.12345 + exp(-50)", "0.1235", Verdict.CORRECT),
    ("0.12345 - exp(-50)", "0.1235", Verdict.INCORRECT),
    ("0.12345 - exp(-50)", "0.1234", Verdict.CORRECT),
    # 1/exp(-800) has no double; it was 'could not be evaluated'
    ("1/exp(-800)", "exp(800)", Verdict.CORRECT),
    ("1/exp(-800)", "exp(799)", Verdict.INCORRECT),
    ("exp(-1)", "0.3679", Verdict.CORRECT),
    ("exp(-1)", "0.3678", Verdict.INCORRECT),
])
def test_a_reference_that_is_not_rational_is_judged_exactly(reference: str, answer: str,
                                                            verdict: Verdict) -> None:
    r = grade(reference, answer)
    assert r.verdict is verdict, r.message


def test_within_atol_of_a_reference_that_is_not_rational() -> None:
    # exp(-1) = 0.36787944…: 0.3778794 is within 0.01, 0.3778795 is not
    assert grade("exp(-1)", "0.3778794", atol=0.01).verdict is Verdict.CORRECT
    assert grade("exp(-1)", "0.3778795", atol=0.01).verdict is Verdict.INCORRECT


def test_an_exact_match_of_a_reference_that_is_not_rational_is_still_graded() -> None:
    assert grade("exp(-1)", "exp(-1)", rtol=0).verdict is Verdict.CORRECT
    assert grade("exp(-1)", "0.3679", rtol=0).verdict is Verdict.INCORRECT


@pytest.mark.parametrize(("answer", "shown"), [
    ("exp(-2*10^5)", "your answer is 1.26946e-86859;"),
    ("10^(-10^10)", "your answer is 1.0e-10000000000;"),
    ("exp(-10^11)", "your answer is 4.72952e-43429448191;"),
    ("-exp(-2*10^5)", "your answer is -1.26946e-86859;"),
    # beyond what is carried, a bound: true, and not 0
    ("exp(-10^400)", "your answer is a number smaller than 10^(-1.00e299) in size;"),
    ("2^(-2^1200)", "your answer is a nonzero number smaller than 10^(-10^300) in size;"),
])
def test_an_astronomically_small_answer_is_not_reported_as_0(answer: str, shown: str) -> None:
    r = grade("1", answer)
    assert r.verdict is Verdict.INCORRECT
    assert shown in r.message and "your answer is 0" not in r.message


def test_a_tiny_answer_is_still_judged_exactly() -> None:
    # against 0 with 4 figures (within 1e-12): right; an exact 0 asked for: not shown to be 0
    assert grade("0", "exp(-2*10^5)").verdict is Verdict.CORRECT
    assert grade("0", "exp(-2*10^5)", rtol=0).verdict is Verdict.INCORRECT
    # a reference that small is not compared (undecided), and 0 is never accepted for it
    assert grade("exp(-2*10^5)", "0").verdict is Verdict.UNDECIDED


def test_an_answer_shown_as_the_reference_says_how_far_apart_they_are() -> None:
    r = grade("2", "2 + 10^-500", rtol=0)
    assert r.verdict is Verdict.INCORRECT
    assert "your answer is 2 (it differs from the reference by 1e-500)" in r.message
