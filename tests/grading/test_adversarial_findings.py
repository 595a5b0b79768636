"""Findings of an adversarial pass over shipped cards: each answer here was graded wrongly
(a right one refused, a wrong one accepted) or left undecided before its fix."""

from __future__ import annotations

import math
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


# ------------- a Gaussian written with e^ at the sampler's extremes (A2): undecided


@pytest.mark.parametrize(("reference", "answer", "symbols"), [
    ("exp(-x^2)", "e^(-x^2)", "x: real"),
    ("exp(-x^2/2)/sqrt(2*pi)", "1/sqrt(2π) e^(-x²/2)", "x: real"),
    ("exp(-(x-mu)^2/(2*sigma^2))/sqrt(2*pi*sigma^2)", "1/(σ√(2π)) e^(−(x−μ)²/(2σ²))",
     "x: real; mu: real; sigma: positive"),
])
def test_a_gaussian_written_with_e_to_a_power_is_accepted(reference: str, answer: str,
                                                          symbols: str) -> None:
    # at x = 10⁹ both sides are below 10^(−10⁹): they were only bounded there, not pinned
    # down, and the point stayed in doubt
    assert grade(reference, answer, symbols=symbols).verdict is Verdict.CORRECT


# ---------------- a wrong term that shows only far out, beyond a crossing (A3): accepted


@pytest.mark.parametrize(("reference", "answer", "symbols"), [
    # wrong only where the reference is below 10^(−4·10⁹): it was only bounded there
    ("exp(-x^2)", "exp(-x^2)*(1 + max(0, abs(x) - 10^5))", "x: real"),
    ("exp(-x^2)", "e^(-x^2) + max(0, abs(x) - 10^8)*exp(-x^2)", "x: real"),
    ("exp(-x^2)", "exp(-x^2)*(1 + max(0, abs(x) - 10^25))", "x: real"),
    # a crossing far from the sampled values was lost in rounding, or not looked beyond
    ("exp(-x)", "exp(-x)*(1 + max(0, x - 10^11))", "x: real"),
    ("x", "x + max(0, x - 10^14)", "x: real"),
    ("x", "x + max(0, x - 10^20)", "x: positive"),
    ("x", "x + min(0, x + 10^20)", "x: real"),
    ("x", "x + max(0, x/10^12 - 1)", "x: real"),
    ("n", "n + max(0, n - 10^14)", "n: positive integer"),
])
def test_an_answer_wrong_only_far_out_is_refused(reference: str, answer: str,
                                                 symbols: str) -> None:
    assert grade(reference, answer, symbols=symbols).verdict is Verdict.INCORRECT


def test_huge_powers_are_still_told_apart_quickly() -> None:
    # an exact exponent beyond 2^256 is never made an integer (2^(2^40) has 10^11 digits)
    assert grade("x", "x^(2^(2^40))", symbols="x: real").verdict is Verdict.INCORRECT
    assert grade("x", "(-2)^(2^300)", symbols="x: real").verdict is Verdict.INCORRECT
    assert grade("x", "1^(2^(2^40)) x", symbols="x: real").verdict is Verdict.CORRECT
    assert grade("2", "2^2^2^40").verdict is Verdict.INVALID


# ------------------------------------------------ log 1-p (A4): read as log(1) − p


@pytest.mark.parametrize(("answer", "meant"), [
    ("log 1-p", "log(1 − p)"),
    ("ln 1 - p", "ln(1 − p)"),
    ("k log p + (n-k) log 1-p", "(n − k)·log(1 − p)"),
])
def test_log_of_one_then_a_term_is_refused_with_both_readings(answer: str, meant: str) -> None:
    symbols = "p: (0,1); k: nonnegative integer; n: positive integer"
    r = grade("k*log(p) + (n-k)*log(1-p)", answer, symbols=symbols)
    assert r.verdict is Verdict.INVALID and "can be read two ways" in r.message
    assert f" or {meant}; type the one you mean" in r.message


def test_a_log_of_a_number_then_a_term_reads_one_way() -> None:
    assert grade("log(2) - p", "log 2 - p", symbols="p: (0,1)").verdict is Verdict.CORRECT
    assert grade("log(1) - p", "log(1) - p", symbols="p: (0,1)").verdict is Verdict.CORRECT


# ---------------------- maths marked as LaTeX or Markdown (A5): '$' is not understood


@pytest.mark.parametrize("answer", [
    r"$1/\lambda$", r"$$\frac{1}{\lambda}$$", r"\(\frac1\lambda\)", r"\[ \frac{1}{\lambda} \]",
    "`1/λ`", r"$1/\lambda$.", r"\frac1\lambda",
])
def test_maths_delimiters_around_an_answer_are_dropped(answer: str) -> None:
    assert grade("1/lambda", answer, symbols="lambda: positive").verdict is Verdict.CORRECT


@pytest.mark.parametrize("answer", [r"\hat{p} = k/n", r"$\hat{p} = \frac{k}{n}$",
                                    r"\hat p_{MLE} = k/n", "p̂ = k/n"])
def test_an_estimates_name_before_the_answer_is_dropped_in_latex_too(answer: str) -> None:
    # p̂ = k/n was accepted, \hat{p} = k/n refused ("a hat names an estimate")
    symbols = "k: nonnegative integer; n: positive integer"
    assert grade("k/n", answer, symbols=symbols).verdict is Verdict.CORRECT


@pytest.mark.parametrize("answer", ["$1/λ", "$", "``", r"\hat{p}"])
def test_unpaired_delimiters_and_a_bare_estimate_are_still_refused(answer: str) -> None:
    symbols = "k: nonnegative integer; n: positive integer; lambda: positive"
    assert grade("k/n", answer, symbols=symbols).verdict is Verdict.INVALID


# ------------------------------------- a tolerance that is not a number ≥ 0 (A6)


@pytest.mark.parametrize(("rtol", "atol"), [(math.nan, None), (math.inf, None), (-1.0, None),
                                            (None, math.nan), (None, math.inf), (None, -1.0)])
def test_an_invalid_tolerance_is_named_not_used(rtol: float | None, atol: float | None) -> None:
    # rtol nan was an exact match; inf and nan atol were internal errors; atol -1 printed
    # "within ±-1"
    for reference, answer, symbols in (("0.5", "0.9", None), ("x", "x + 1", "x: real")):
        r = grade(reference, answer, symbols=symbols, rtol=rtol, atol=atol)
        assert r.verdict is Verdict.UNDECIDED
        assert r.message.startswith("the card's tolerance is invalid: ")


def test_many_significant_figures_are_told_without_an_internal_error() -> None:
    r = grade("0.5", "0.5000000000000000000000000000001", rtol=1e-30)
    assert r.verdict is Verdict.INCORRECT, r.message
    assert "the reference to 31 significant figures is 0.5000000000000000000000000000000" \
        in r.message


# ------------------------- a diagnosis that the reference itself fits (A7): misleading


def test_near_a_half_an_answer_is_not_told_it_swapped_p_and_1_minus_p() -> None:
    r = grade("0.5", "0.501")
    assert r.verdict is Verdict.INCORRECT and "swapped" not in r.feedback
    assert "reciprocal" not in grade("1", "1.001").feedback
    assert "swapped" in grade("0.3", "0.7").feedback  # where it is the explanation
    assert "reciprocal" in grade("4", "0.25").feedback


# ------------------- a gradient written as code or named first (A8): refused though right

GRADIENT = "X^T (sigma(X w) - y)"
GRADIENT_SYMBOLS = "X: matrix(6,3); y: matrix(6,1); w: matrix(3,1)"


@pytest.mark.parametrize("answer", [
    "X^T @ (sigmoid(X @ w) - y)", "∇ = X^T (σ(Xw) − y)", "∇_w L = X^T (σ(Xw) − y)",
    "∇L(w) = Xᵀ(σ(Xw) − y)", "X^T (logistic(X w) - y)", "X^T (expit(X w) - y)",
])
def test_gradient_notations_are_understood(answer: str) -> None:
    assert grade(GRADIENT, answer, symbols=GRADIENT_SYMBOLS).verdict is Verdict.CORRECT


def test_code_notation_that_is_not_taken_says_how_to_write_it() -> None:
    r = grade(GRADIENT, "X.T @ (sigmoid(X @ w) - y)", symbols=GRADIENT_SYMBOLS)
    assert r.verdict is Verdict.INVALID and "a transpose is written Xᵀ, X^T or X'" in r.message
    assert grade("6", "2 @ 3").verdict is Verdict.INVALID  # no matrices: '@' means nothing


# --------------- a formula's astronomically small value at a point (A9): shown untruly


@pytest.mark.parametrize(("answer", "shown"), [
    # a bound's midpoint was shown as the value: 3.62076e-1007988223047501816797…
    ("exp(-10^400*(1 + x^2))", "your answer is a number smaller than 10^(-1.00e299) in size"),
    ("exp(-10^20*(1 + x^2))", "your answer is 10^(-4.51318e+19)"),
    ("x*exp(-2*10^5)", "your answer is 2.51334e-86860"),
])
def test_a_tiny_value_of_a_formula_is_shown_as_what_it_is(answer: str, shown: str) -> None:
    r = grade("x", answer, symbols="x: positive")
    assert r.verdict is Verdict.INCORRECT and shown in r.message, r.message


def test_a_tiny_factor_inside_a_formula_decides_the_point() -> None:
    # 2^(−2^1200)·x is not x²: it was undecided (the tiny factor was given up on)
    r = grade("x^2", "2^(-2^1200)*x", symbols="x: positive")
    assert r.verdict is Verdict.INCORRECT
    assert "a number smaller than 10^(-3.22e300) in size" in r.message


# --------------------- the sign of a number computed with a function (A10): dropped


@pytest.mark.parametrize(("reference", "right", "wrong"), [
    ("-0.3679", "-exp(-1)", "exp(-1)"),
    ("0.3679", "exp(-1)", "-exp(-1)"),  # -exp(-1) was accepted for 0.3679
    ("-0.6931", "log(1/2)", "log(2)"),
    ("0.6931", "log(2)", "log(1/2)"),   # log(1/2) was accepted for 0.6931
    ("-1", "(-1)^(10^300 + 1)", "(-1)^(10^300)"),
    ("-2.0794", "3 log(1/2)", "-3 log(1/2)"),
])
def test_a_negative_value_computed_with_functions_keeps_its_sign(reference: str, right: str,
                                                                 wrong: str) -> None:
    assert grade(reference, right).verdict is Verdict.CORRECT
    r = grade(reference, wrong)
    assert r.verdict is Verdict.INCORRECT and r.feedback == "wrong sign"


def test_a_shipped_negative_reference_typed_as_an_expression_keeps_its_sign() -> None:
    from trainer.config import shipped_deck_dir
    from trainer.decks import load_decks
    from trainer.exercises import instantiate

    checked = 0
    for card in load_decks([shipped_deck_dir()]).cards:
        if not card.graded:
            continue
        exercise = instantiate(card, 0)
        for i, step in enumerate(exercise.steps):
            if step.kind != "numeric" or exercise.reference(i).value >= 0:
                continue
            size = repr(-exercise.reference(i).value)
            assert exercise.grade(i, f"-exp(log({size}))").verdict == "correct", card.id
            assert exercise.grade(i, f"exp(log({size}))").verdict == "incorrect", card.id
            checked += 1
    assert checked >= 3


# -------- a value that only more precision pins down (A11): given up on, or misread


def test_a_value_pinned_down_only_at_high_precision_is_graded() -> None:
    # (1 + 10^-299)^(10^299) is e: at 128 bits it is [1, 2^(8·10^260)], which was taken as
    # final ('number too large' or undecided) instead of trying more precision
    assert grade("2.718281828", "(1 + 1/10^299)^(10^299)").verdict is Verdict.CORRECT
    assert grade("2.7", "(1 + 1/10^299)^(10^299)").verdict is Verdict.INCORRECT
    r = grade("2.718281828", "(1 + 1/10^599)^(10^599)")  # beyond 2000 bits: said so
    assert r.verdict is Verdict.UNDECIDED and "precisely enough" in r.message


def test_a_negative_base_to_an_integer_exponent_beyond_the_precision_is_defined() -> None:
    # 10^300 is not exact at 128 bits, and (−1)^(10^300) was 'undefined'
    assert grade("1", "(-1)^(10^300)").verdict is Verdict.CORRECT
    r = grade("x", "x^(10^300)", symbols="x: real")
    assert r.verdict is Verdict.INCORRECT and "undefined" not in r.message
    huge = grade("x", "(-2)^(2^300)", symbols="x: real")
    assert "a positive number larger than 10^(6.13209e+89) in size" in huge.message


# ------------------------------ σ2 on a card with σ (A12): "not a declared symbol"


def test_a_digit_glued_to_a_declared_name_says_how_to_write_what_was_meant() -> None:
    r = grade("sigma^2/n", "σ2/n", symbols="sigma: positive; n: positive integer")
    assert r.verdict is Verdict.INVALID
    assert "(for σ to the power 2 type σ^2; for σ times 2, σ*2)" in r.message
    assert grade("sigma2", "σ2", symbols="sigma2: positive").verdict is Verdict.CORRECT
