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


# ------------------------------------------------ answers against the shipped cards

@pytest.fixture(scope="module")
def cards() -> dict[str, object]:
    from pathlib import Path

    from trainer.decks import load_decks

    root = Path(__file__).resolve().parents[2] / "content"
    result = load_decks([root / "mle_map_exercises.yaml"])
    return {card.key: card for deck in result.decks for card in deck.cards}


def _exercise(cards: dict[str, object], key: str, review: int = 0) -> object:
    from trainer.exercises import instantiate

    return instantiate(cards[f"mle-map-exercises/{key}"], review)  # type: ignore[arg-type]


def _typed(value: float) -> str:
    return f"{value:.4g}"


# ----------------------------------------- F4: a typographic minus in an exponent

@pytest.mark.parametrize("minus", ["−", "–", "‐", "‑", "‒", "-"])
def test_scientific_notation_with_any_minus_is_a_number(minus: str) -> None:
    r = grade(0.0025, f"2.5e{minus}3")
    assert r.correct, r.message
    assert grade(0.0025, f"25E{minus}4").correct


@pytest.mark.parametrize("answer", ["2.5 e−3", "2.5e −3", "2.5 e -3", "2.5e- 3"])
def test_a_space_inside_scientific_notation_is_refused_with_both_readings(answer: str) -> None:
    r = grade(0.0025, answer)  # not silently 2.5·e − 3 = 3.7957
    assert r.verdict is Verdict.INVALID
    assert "2.5·e - 3" in r.message and "2.5e-3" in r.message, r.message


def test_e_with_spaced_operators_stays_a_formula_in_e() -> None:
    assert grade(2 * E - 3, "2e − 3").correct
    assert grade(2 * E - 3, "2 e − 3").correct


def test_a_number_glued_to_e_to_a_power_is_read_with_a_warning() -> None:
    r = grade(0.0025, "2.5e⁻³")  # 2.5·e⁻³ = 0.1245, not 2.5×10⁻³
    assert r.verdict is Verdict.INCORRECT
    assert any("not a power of 10" in w for w in r.warnings), r.warnings


# ----------------------------------------------- F12: a unit glued to the number

@pytest.mark.parametrize("unit", ["nats", "nat", "Nats", " nats", " (nats)"])
def test_the_cards_own_unit_is_accepted_glued_or_spaced(cards: dict[str, object],
                                                         unit: str) -> None:
    ex = _exercise(cards, "kl-bernoulli-value")
    value = _typed(ex.reference(0).value)  # type: ignore[attr-defined]
    got = ex.grade(0, value + unit)  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message
    got = ex.grade(0, f"{float(value) * 10:.4g}e-1{unit}")  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message


@pytest.mark.parametrize("unit", ["bits", " bits", "bit", "dB"])
def test_another_unit_is_refused_by_name(cards: dict[str, object], unit: str) -> None:
    import math

    ex = _exercise(cards, "kl-bernoulli-value")
    in_bits = _typed(ex.reference(0).value / math.log(2))  # type: ignore[attr-defined]
    got = ex.grade(0, in_bits + unit)  # type: ignore[attr-defined]
    assert got.verdict == "invalid"
    assert "asks for nats" in got.message and unit.strip() in got.message, got.message


def test_a_glued_word_that_reads_as_declared_names_is_not_a_unit() -> None:
    r = grade("2*n*a*t*s", "2nats", symbols="n: real; a: real; t: real; s: real",
              units={"nats"})
    assert r.correct, r.message


def test_a_unit_on_a_plain_number_card_is_refused() -> None:
    r = grade(0.5, "0.5nats")
    assert r.verdict is Verdict.INVALID and "drop the unit" in r.message


# ------------------------------- F8: the ridge derivation's first step, as written out

RIDGE_STEP_1 = [
    "(yᵀy − 2wᵀXᵀy + wᵀXᵀXw)/(2σ²) + wᵀw/(2τ²)",
    "yᵀy/(2σ²) − wᵀXᵀy/σ² + wᵀXᵀXw/(2σ²) + wᵀw/(2τ²)",
    "1/(2σ²) (yᵀy − 2wᵀXᵀy + wᵀXᵀXw) + 1/(2τ²) wᵀw",
    "1/(2σ²) (y − Xw)ᵀ(y − Xw) + 1/(2τ²) wᵀw",
    "(yᵀy − 2wᵀXᵀy + wᵀXᵀXw + σ²/τ² wᵀw)/(2σ²)",
    "‖y − Xw‖²/(2σ²) + ‖w‖²/(2τ²)",
]


@pytest.mark.parametrize("answer", RIDGE_STEP_1)
def test_the_negative_log_posterior_expanded_is_accepted(cards: dict[str, object],
                                                         answer: str) -> None:
    ex = _exercise(cards, "ridge-from-gaussian-prior-derivation")
    got = ex.grade(0, answer)  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message


def test_a_space_ends_a_fraction_before_a_product_of_glued_factors() -> None:
    r = grade("a*b/2", "1/2 ab", symbols="a: real; b: real")
    assert r.correct and any("(1/2)·a" in w for w in r.warnings), r.warnings
    r = grade("a/(2*b)", "a/2b c", symbols="a: real; b: real; c: real")
    assert r.verdict is Verdict.INVALID  # 1/2n stays refused: glued to the divisor


@pytest.mark.parametrize("answer", ["2e·3", "2e·3.0", "0.5e·12"])
def test_only_a_sign_may_stand_between_e_and_an_exponent(answer: str) -> None:
    # a number's exponent is a sign and digits, not any character between + and − (·)
    r = grade(6 * E, answer)
    assert r.correct, r.message


@pytest.mark.parametrize("answer", ["10^(-10^9)", "2^(-10^9)", "10^(10^8)/10^(10^8 - 1)"])
def test_a_number_of_a_billion_digits_is_graded_through_a_bound(answer: str) -> None:
    # its exact value as a fraction would take gigabytes: a bound decides at once
    r = grade(0.5, answer)
    assert r.verdict is Verdict.INCORRECT, r.message
    assert grade(0.5, "0.5 + 10^(-10^9)").correct


# ------------------------------- F10: a function without brackets before a division

@pytest.mark.parametrize("answer, readings", [
    ("β log a/b", ("β·log(a)/b", "β·log(a/b)")),
    ("2√a/b", ("2√(a)/b", "2√(a/b)")),
    ("√a/b", ("√(a)/b", "√(a/b)")),
])
def test_a_bare_function_before_a_division_is_refused_with_readings_that_read_back(
        answer: str, readings: tuple[str, str]) -> None:
    symbols = "a: positive; b: positive; beta: positive"
    r = grade("beta*log(a/b)", answer, symbols=symbols)
    assert r.verdict is Verdict.INVALID and "two ways" in r.message
    for reading in readings:
        assert reading in r.message
        assert grade(reading, reading, symbols=symbols).correct  # typed, it reads one way


# ------------------------------------- F21: large counts on the shipped MAP card

@pytest.mark.parametrize("answer", [
    "(min(k, 26) + alpha - 1)/(n + alpha + beta - 2)",
    "(k + alpha - 1)/(n + alpha + beta - 2) + max(0, min(k - 26, 31 - k))",
    "(k + alpha - 1)/(n + alpha + beta - 2)*(1 + max(0, min(k - 26, n - k - 26)))",
])
def test_an_answer_wrong_only_for_k_of_27_or_more_is_refused(cards: dict[str, object],
                                                             answer: str) -> None:
    ex = _exercise(cards, "beta-bernoulli-map-formula")
    assert ex.grade(0, answer).verdict == "incorrect"  # type: ignore[attr-defined]


# --------------------- F24: the logistic gradient with its division written entry-wise

@pytest.mark.parametrize("answer", [
    "X^T (exp(X w)/(1 + exp(X w)) - y)",
    "X^T (1/(1 + e^(-X w)) - y)",
    "X^T (e^(X w)/(1 + e^(X w)) - y)",
])
def test_the_logistic_gradient_with_an_entrywise_division_is_accepted(
        cards: dict[str, object], answer: str) -> None:
    ex = _exercise(cards, "logistic-gradient-matrix")
    got = ex.grade(0, answer)  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message


@pytest.mark.parametrize("answer", [
    "X^T (exp(X w)/(2 + exp(X w)) - y)",
    "X^T (2^(X w)/(1 + 2^(X w)) - y)",
    "X^T (y/(1 + exp(X w)) - y)",
])
def test_a_wrong_entrywise_division_is_still_refused(cards: dict[str, object],
                                                     answer: str) -> None:
    ex = _exercise(cards, "logistic-gradient-matrix")
    assert ex.grade(0, answer).verdict == "incorrect"  # type: ignore[attr-defined]


def test_a_vector_over_a_vector_of_another_shape_is_refused() -> None:
    r = grade("x", "x/(x^T)", symbols="x: matrix(3,1)")
    assert r.verdict is not Verdict.CORRECT and "shape" in r.message, r.message


# -------------------------------- F25: softmax forms at logits of ±10⁹

SOFTMAX_FORMS = [
    "exp(z1)/(exp(z1) + exp(z2) + exp(z3)) - 1",  # naive
    "1/(1 + exp(z2 - z1) + exp(z3 - z1)) - 1",  # shifted by z1
    "-(exp(z2 - z1) + exp(z3 - z1))/(1 + exp(z2 - z1) + exp(z3 - z1))",
    "exp(z1 - max(z1, z2, z3))/(exp(z1 - max(z1, z2, z3)) + exp(z2 - max(z1, z2, z3))"
    " + exp(z3 - max(z1, z2, z3))) - 1",  # the stable form
    "sigmoid(z1 - log(exp(z2) + exp(z3))) - 1",
]


@pytest.mark.parametrize("answer", SOFTMAX_FORMS)
def test_every_softmax_form_is_decided_on_the_shipped_card(cards: dict[str, object],
                                                          answer: str) -> None:
    for review in range(3):
        ex = _exercise(cards, "softmax-ce-gradient-formula", review)
        got = ex.grade(0, answer)  # type: ignore[attr-defined]
        assert got.verdict == "correct", got.message


@pytest.mark.parametrize("z", ["1e9", "-1e9", "2e9"])
def test_softmax_forms_agree_at_extreme_logits(z: str) -> None:
    # the extreme logit pinned: each form against the naive one there
    naive = SOFTMAX_FORMS[0].replace("z3", f"({z})")
    for answer in SOFTMAX_FORMS[1:]:
        r = grade(naive, answer.replace("z3", f"({z})"), symbols="z1: real; z2: real")
        assert r.correct, (answer, r.message)
    wrong = SOFTMAX_FORMS[1].replace("z3", f"({z})").replace("- 1", "- 0.999")
    assert grade(naive, wrong, symbols="z1: real; z2: real").verdict is Verdict.INCORRECT


# ------------------- F20: a product of two vectors is not silently their dot product

VECTORS = "x: matrix(3,1); y: matrix(3,1); X: matrix(5,3); w: matrix(3,1)"


@pytest.mark.parametrize("expected, answer", [
    ("x^T y", "x*y"),  # entry by entry in code: a vector where a scalar is asked
    ("x^T y", "x y"),
    ("x^T y", "x·y"),
    ("w^T w", "w w"),
    ("w^T X^T X w", "(X w)(X w)"),
])
def test_a_product_of_two_column_vectors_is_refused_with_the_dot_product_named(
        expected: str, answer: str) -> None:
    # sent back to be written as meant (nothing recorded), not counted as a wrong answer:
    # `x·y` is the dot product on paper and entry by entry in code
    r = grade(expected, answer, symbols=VECTORS)
    assert r.verdict is Verdict.INVALID
    assert "two 3×1 vectors" in r.message or "two 5×1 vectors" in r.message, r.message
    assert "aᵀb" in r.message


@pytest.mark.parametrize("expected, answer, shape", [
    ("x^T x", "x x^T", "3×3 matrix"),  # a matrix where a scalar is asked
    ("x^T y", "x", "3×1 matrix"),
    ("X^T X + w^T w*X^T X", "X^T X + w^T w", "the shapes do not fit"),  # no broadcasting
])
def test_a_value_of_another_type_is_refused_by_its_shape(expected: str, answer: str,
                                                         shape: str) -> None:
    r = grade(expected, answer, symbols=VECTORS)
    assert r.verdict is Verdict.INCORRECT and shape in r.message, r.message


@pytest.mark.parametrize("expected, answer", [
    ("x^T y", "xᵀy"), ("x^T y", "y^T x"), ("x^T x", "|x|^2"), ("w^T X^T X w", "‖X w‖²"),
    ("(x^T y) x", "x^T y x"),
])
def test_the_dot_product_written_properly_is_accepted(expected: str, answer: str) -> None:
    assert grade(expected, answer, symbols=VECTORS).correct


# ------------- F8: "dropping every term that does not depend on w" (the grader's part)

RIDGE_NLP = "(y - X w)^T (y - X w)/(2*sigma^2) + w^T w/(2*tau^2)"
RIDGE_SYMBOLS = {"X": "matrix(5,3)", "y": "matrix(5,1)", "w": "matrix(3,1)",
                 "sigma": "positive", "tau": "positive"}


@pytest.mark.parametrize("answer", [
    "(− 2wᵀXᵀy + wᵀXᵀXw)/(2σ²) + wᵀw/(2τ²)",  # yᵀy/(2σ²) dropped, as the step asks
    RIDGE_NLP,
    RIDGE_NLP + " + log(2*pi*sigma^2)",  # a normalising constant kept
])
def test_an_answer_up_to_a_term_free_of_w_is_accepted_when_asked(answer: str) -> None:
    r = grade(RIDGE_NLP, answer, symbols=RIDGE_SYMBOLS, up_to_constant=["w"])
    assert r.correct, r.message


@pytest.mark.parametrize("answer, feedback", [
    ("(y - X w)^T (y - X w)/(2*sigma^2)", "alone"),  # the prior term depends on w
    ("(y - X w)^T (y - X w)/sigma^2 + w^T w/tau^2", "twice"),
    ("(−wᵀXᵀy + wᵀXᵀXw)/(2σ²) + wᵀw/(2τ²)", ""),
])
def test_a_difference_that_depends_on_w_is_still_wrong(answer: str, feedback: str) -> None:
    mistakes = [("(y - X w)^T (y - X w)/(2*sigma^2)", "the likelihood alone"),
                ("(y - X w)^T (y - X w)/sigma^2 + w^T w/tau^2", "twice the answer")]
    r = grade(RIDGE_NLP, answer, symbols=RIDGE_SYMBOLS, up_to_constant=["w"],
              mistakes=mistakes)
    assert r.verdict is Verdict.INCORRECT and "up to a term free of w" in r.message
    assert feedback in r.feedback


def test_up_to_a_constant_only_when_asked_and_over_scalars_too() -> None:
    dropped = "(− 2wᵀXᵀy + wᵀXᵀXw)/(2σ²) + wᵀw/(2τ²)"
    assert grade(RIDGE_NLP, dropped, symbols=RIDGE_SYMBOLS).verdict is Verdict.INCORRECT
    loglik = "log(binom(n, k)) + k*log(p) + (n - k)*log(1 - p)"
    symbols = "p: (0,1); k: nonnegative integer; n: positive integer"
    assert grade(loglik, "k log p + (n-k) log(1-p)", symbols=symbols,
                 up_to_constant=["p"], where=["k <= n"]).correct
    r = grade(loglik, "k log p + n log(1-p)", symbols=symbols, up_to_constant=["p"],
              where=["k <= n"])
    assert r.verdict is Verdict.INCORRECT


def test_the_command_line_grades_up_to_a_constant() -> None:
    import io
    import json

    from trainer.grading.cli import _run_batch

    lines = [{"expected": "log(binom(n, k)) + k*log(p)", "answer": "k log p",
              "symbols": "p: (0,1); k: nonnegative integer; n: positive integer",
              "up_to_constant": ["p"]},
             {"expected": "log(binom(n, k)) + k*log(p)", "answer": "k log p",
              "symbols": "p: (0,1); k: nonnegative integer; n: positive integer"},
             {"expected": "k", "answer": "k", "up_to_constant": "p"}]
    out = io.StringIO()
    _run_batch(io.StringIO("".join(json.dumps(x) + "\n" for x in lines)), out)
    verdicts = [json.loads(line)["verdict"] for line in out.getvalue().splitlines()]
    assert verdicts == ["correct", "incorrect", "invalid"]


def test_the_ridge_derivation_accepts_its_first_step_without_the_terms_free_of_w(
        cards: dict[str, object]) -> None:
    ex = _exercise(cards, "ridge-from-gaussian-prior-derivation")
    got = ex.grade(0, "(− 2wᵀXᵀy + wᵀXᵀXw)/(2σ²) + wᵀw/(2τ²)")  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message
    got = ex.grade(0, "(y - X w)^T (y - X w)/(2*sigma^2)")  # type: ignore[attr-defined]
    assert got.verdict == "incorrect" and "negative log-likelihood alone" in got.feedback


DECK_UP_TO = """
deck: d
title: D
cards:
  - id: loglik
    kind: symbolic
    prompt: The Bernoulli log-likelihood, up to a constant.
    symbols: {p: "(0,1)", k: nonnegative integer, n: positive integer}
    answer: log(binom(n, k)) + k*log(p) + (n - k)*log(1 - p)
    up_to_constant: [NAME]
"""


def test_a_deck_names_the_symbols_a_card_is_graded_up_to_a_constant_in() -> None:
    from trainer.decks import load_text
    from trainer.exercises import instantiate
    from trainer.exercises.validate import validate_card

    deck, problems = load_text(DECK_UP_TO.replace("NAME", "p"), "d.yaml")
    assert deck is not None and not problems
    (card,) = deck.cards
    assert card.up_to_constant == ("p",) and validate_card(card) == []
    got = instantiate(card, 0).grade(0, "k log p + (n-k) log(1-p)")
    assert got.verdict == "correct", got.message
    deck, problems = load_text(DECK_UP_TO.replace("NAME", "q"), "d.yaml")
    assert deck is not None
    assert any("'q' is not a symbol" in p for p in validate_card(deck.cards[0]))


@pytest.mark.parametrize("answer", [
    "(k + alpha - 1)*log(p) + (n - k + beta - 1)*log(1 - p)",
    "log(binomial(n, k)) + k log p + (n - k) log(1 - p) + (alpha - 1) log p + (beta - 1) log(1 - p)",
    "(k + alpha - 1) log p + (n - k + beta - 1) log(1 - p)"
    " - log(gamma(alpha) gamma(beta)/gamma(alpha + beta))",
])
def test_the_log_posterior_may_keep_the_terms_free_of_p(cards: dict[str, object],
                                                        answer: str) -> None:
    ex = _exercise(cards, "beta-bernoulli-map-derivation")
    got = ex.grade(0, answer)  # type: ignore[attr-defined]
    assert got.verdict == "correct", got.message
    wrong = ex.grade(0, "(k + alpha) log p + (n - k + beta) log(1 - p)")  # type: ignore[attr-defined]
    assert wrong.verdict == "incorrect"
