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


# ------------------------------------------- Γ, ψ and ! at negative non-integers (A2)

SCORE = "k/p - (n - k)/(1 - p)"
SCORE_SYMBOLS = "p: (0,1); k: nonnegative integer; n: positive integer"


@pytest.mark.parametrize("extra", ["max(0, 9/10-p)*gamma(p-9/10)",
                                   "max(0, 9/10-p)*digamma(p-9/10)",
                                   "max(0, 9/10-p)*(p-19/10)!",
                                   "max(0, 9/10-p)*psi(p-29/10)"])
def test_a_term_nonzero_only_where_gamma_has_a_negative_argument_is_caught(extra: str) -> None:
    r = grade(SCORE, f"k/p - (n-k)/(1-p) + {extra}", symbols=SCORE_SYMBOLS)
    assert r.verdict is Verdict.INCORRECT, r.message


def test_the_same_term_times_zero_is_still_accepted() -> None:
    assert grade(SCORE, "k/p - (n-k)/(1-p) + 0*gamma(p-9/10)", symbols=SCORE_SYMBOLS).correct


@pytest.mark.parametrize("reference, answer", [
    ("gamma(x - 3)", "gamma(x + 1)/((x-3)*(x-2)*(x-1)*x)"),
    ("digamma(x - 2)", "digamma(x + 1) - 1/x - 1/(x-1) - 1/(x-2)"),
    ("gamma(-x)", "gamma(2 - x)/((-x)*(1-x))"),
])
def test_identities_at_negative_arguments_are_accepted(reference: str, answer: str) -> None:
    # x in (0, 1): every gamma/digamma argument on the left is negative and not an integer
    r = grade(reference, answer, symbols="x: (0, 1)")
    assert r.correct, r.message


def test_digamma_at_a_pole_everywhere_is_undefined_not_undecided() -> None:
    r = grade("k/p", "k/p + digamma(-k)", symbols="p: (0,1); k: nonnegative integer")
    assert r.verdict is Verdict.INCORRECT
    assert "undefined" in r.message and "ill-conditioned" not in r.message


def test_a_point_that_precision_cannot_settle_is_never_dropped(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """If exact arithmetic gives up on the answer where the reference has a value, plainly
    different doubles make the answer wrong, and otherwise the verdict is not correct."""
    from trainer.grading import precise

    def give_up(self: object, x: object) -> object:
        raise precise.Unknown("no precise gamma")

    monkeypatch.setattr(precise._Eval, "gamma", give_up)  # type: ignore[attr-defined]
    r = grade(SCORE, "k/p - (n-k)/(1-p) + max(0, 9/10-p)*gamma(p+1)", symbols=SCORE_SYMBOLS)
    assert r.verdict is Verdict.INCORRECT, r.message
    r = grade(SCORE, "k/p - (n-k)/(1-p) + 10^-12*max(0, 9/10-p)*gamma(p+1)*(k/p)",
              symbols=SCORE_SYMBOLS)
    assert r.verdict is not Verdict.CORRECT, r.message


# ------------------------------------------------ transpose on a scalar card (A3)

@pytest.mark.parametrize("answer", ["(k log p + (n-k) log(1-p))'", "(k log p + (n-k) log(1-p))ᵀ",
                                    "k log p' + (n-k) log(1-p)"])
def test_a_prime_on_a_scalar_card_is_refused_not_read_as_a_no_op(answer: str) -> None:
    r = grade("k log(p) + (n-k) log(1-p)", answer,
              symbols="p: (0,1); k: nonnegative integer; n: positive integer")
    assert r.verdict is Verdict.INVALID
    assert "transpose" in r.message and "no matrices" in r.message
    assert r.fix is not None and answer[r.fix[0]] in "'ᵀ"


def test_a_prime_still_transposes_a_matrix_and_names_a_function_before_an_equals() -> None:
    assert grade("X", "X''", symbols="X: matrix(2,2)").correct
    assert grade("k/p", "l'(p) = k/p", symbols="p: (0,1); k: positive integer").correct


# ------------------------------------------------------------ units and % (A1)

KL = 0.237261  # KL(Bern(0.83) ‖ Bern(0.5)) in nats


@pytest.mark.parametrize("answer", ["0.2373 bits", "0.2373 hartleys", "0.2373 dB",
                                    "0.2373 shannons", "0.3423 bits"])
def test_another_unit_than_the_cards_is_refused(answer: str) -> None:
    r = grade(KL, answer, units={"nats"})
    assert r.verdict is Verdict.INVALID
    assert "asks for nats" in r.message and "another unit" in r.message
    assert r.fix is not None and answer[r.fix[0]:r.fix[1]] == answer.split()[1]


@pytest.mark.parametrize("answer", ["0.2373 nats", "0.2373 nat", "0.2373"])
def test_the_cards_own_unit_or_none_is_accepted(answer: str) -> None:
    assert grade(KL, answer, units={"nats"}).correct


def test_a_unit_on_a_card_that_asks_for_none_is_refused() -> None:
    r = grade(KL, "0.2373 nats")
    assert r.verdict is Verdict.INVALID and "drop the unit 'nats'" in r.message


def test_units_is_not_a_unit() -> None:
    assert grade(KL, "0.2373 units", units={"nats"}).verdict is Verdict.INVALID


def test_a_percentage_is_refused_where_the_card_says_so() -> None:
    r = grade(KL, "23.73%", units={"nats"}, percent=False)
    assert r.verdict is Verdict.INVALID and "not a percentage" in r.message
    assert grade(0.2373, "23.73%").correct  # a probability may be a percentage


def _card(deck: str, card_id: str) -> object:
    from pathlib import Path

    from trainer.catalog import load_catalog

    content = Path(__file__).resolve().parents[2] / "content"
    for d in load_catalog([content]).decks:
        for c in d.cards:
            if d.id == deck and c.id == card_id:
                return c
    raise LookupError(card_id)


def test_a_kl_card_in_nats_takes_nats_and_refuses_bits_and_percentages() -> None:
    from trainer.exercises.exercise import instantiate

    ex = instantiate(_card("mle-map-exercises", "kl-bernoulli-value"), 0)  # type: ignore
    value = ex.reference(0).value
    assert value is not None
    typed = f"{value:.4g}"
    assert ex.grade(0, f"{typed} nats").correct
    assert ex.grade(0, typed).correct
    for bad in (f"{typed} bits", f"{typed} hartleys", f"{typed} dB", f"{typed} units",
                f"{float(typed) * 100:.2f}%"):
        assert ex.grade(0, bad).verdict is Verdict.INVALID, bad
        assert not ex.preview(0, bad)[0], bad


def test_a_probability_card_takes_a_percentage_and_no_unit() -> None:
    from trainer.exercises.exercise import instantiate

    ex = instantiate(_card("mle-map-exercises", "bernoulli-mle-from-counts"), 0)  # type: ignore
    value = ex.reference(0).value
    assert value is not None
    assert ex.grade(0, f"{value * 100:.6g}%").correct
    assert ex.grade(0, f"{value:.6g} bits").verdict is Verdict.INVALID


# ------------------------------------------------- a symmetric matrix symbol (R1)

def test_a_symmetric_matrix_symbol_accepts_its_transpose() -> None:
    symbols = "F: symmetric(2); J: matrix(2,2)"
    assert parse_symbols(symbols)["F"].symmetric
    assert grade("J^T F J", "J^T F^T J", symbols=symbols).correct
    assert not grade("J^T F J", "J F J^T", symbols=symbols).correct
    # without the declaration F is any matrix, and Fᵀ is not F
    assert not grade("J^T F J", "J^T F^T J", symbols="F: matrix(2,2); J: matrix(2,2)").correct


@pytest.mark.parametrize("spec", ["symmetric(2,3)", "symmetric matrix(2, 3)"])
def test_a_symmetric_matrix_must_be_square(spec: str) -> None:
    with pytest.raises(ValueError, match="square"):
        parse_symbols(f"F: {spec}")


def test_the_reparametrised_fisher_card_accepts_the_transposed_f() -> None:
    from trainer.exercises.exercise import instantiate

    ex = instantiate(_card("mle-map-deep-dive", "fisher-matrix-reparametrised"), 0)  # type: ignore
    assert ex.grade(0, "J^T F^T J").correct
    assert ex.grade(0, "J^T F J").correct
    assert not ex.grade(0, "J F J^T").correct


# ------------------------------------------ |v|² and ‖v‖₂² of a vector (R2, R3)

@pytest.mark.parametrize("answer", ["|v|^2", "|v|²", "‖v‖₂²", "||v||_2^2", "\\|v\\|_2^2",
                                    "|v|_2^2", "norm(v, 2)^2"])
def test_the_squared_length_of_a_vector_in_any_notation(answer: str) -> None:
    r = grade("v^T v", answer, symbols="v: matrix(3,1)")
    assert r.correct, r.message


def test_bars_around_a_vector_are_its_length_not_elementwise() -> None:
    assert not grade("v^T v", "|v|", symbols="v: matrix(3,1)").correct
    assert grade("sqrt(v^T v)", "|v|", symbols="v: matrix(3,1)").correct
    # a square matrix in bars stays what it was (elementwise), never a determinant
    assert grade("abs(A)", "|A|", symbols="A: matrix(2,2)").correct


def test_only_the_euclidean_norm_of_a_vector_is_read() -> None:
    r = grade("norm(v)", "‖v‖₁", symbols="v: matrix(3,1)")
    assert r.verdict is Verdict.INVALID and "Euclidean" in r.message
    r = grade("norm(A)", "‖A‖₂", symbols="A: matrix(3,3)")
    assert not r.correct and "spectral" in r.message


@pytest.mark.parametrize("card, step, answer", [
    ("mle-map-deep-dive/mvn-kl-equal-covariance-matrix", 0, "½|A⁻¹(m1−m2)|²"),
    ("mle-map-exercises/ridge-from-gaussian-prior-derivation", 0,
     "|y - Xw|^2/(2σ^2) + |w|^2/(2τ^2)"),
    ("mle-map-exercises/ridge-from-gaussian-prior-derivation", 0,
     "\\|y-Xw\\|_2^2/(2\\sigma^2) + \\|w\\|_2^2/(2\\tau^2)"),
])
def test_norm_notation_on_the_cards(card: str, step: int, answer: str) -> None:
    from trainer.exercises.exercise import instantiate

    deck, card_id = card.split("/")
    ex = instantiate(_card(deck, card_id), 0)  # type: ignore[arg-type]
    g = ex.grade(step, answer)
    assert g.correct, g.message


# --------------------------------------- subscripted names side by side (R4)

KL_POISSON = "lambda1*log(lambda1/lambda2) + lambda2 - lambda1"
LAMBDAS = "lambda1: positive; lambda2: positive"


@pytest.mark.parametrize("answer", [
    "λ₁ln(λ₁/λ₂) + λ₂ − λ₁",
    "\\lambda_1\\log\\frac{\\lambda_1}{\\lambda_2} + \\lambda_2 - \\lambda_1",
    "λ_1ln(λ_1/λ_2) + λ_2 - λ_1",
])
def test_a_subscripted_name_next_to_a_function(answer: str) -> None:
    r = grade(KL_POISSON, answer, symbols=LAMBDAS)
    assert r.correct, r.message


def test_two_subscripted_names_side_by_side_are_a_product() -> None:
    r = grade("sigma1*sigma2", "σ₁σ₂", symbols="sigma1: positive; sigma2: positive")
    assert r.correct and any("split" in w for w in r.warnings)


@pytest.mark.parametrize("answer", ["x2", "x_2", "x_2x"])
def test_a_number_or_subscript_never_splits_off_a_name(answer: str) -> None:
    assert grade("x", answer, symbols="x: positive").verdict is Verdict.INVALID


# ---------------------------------------------- LaTeX ^k takes one letter (R5)

@pytest.mark.parametrize("answer", ["\\log\\left(p^k(1-p)^{n-k}\\right)",
                                    "\\log(p^k) + (n-k)\\log(1-p)"])
def test_a_latex_exponent_without_braces_is_one_letter(answer: str) -> None:
    r = grade("k*log(p) + (n-k)*log(1-p)", answer, symbols=SCORE_SYMBOLS)
    assert r.correct, r.message


def test_plain_text_p_k_bracket_is_still_ambiguous_and_latex_transpose_still_works() -> None:
    r = grade("k*log(p) + (n-k)*log(1-p)", "log(p^k(1-p)^(n-k))", symbols=SCORE_SYMBOLS)
    assert r.verdict is Verdict.INVALID and "two ways" in r.message
    assert grade("X", "\\left(X^T\\right)^T", symbols="X: matrix(2,2)").correct
    # ^kq in LaTeX is not rewritten (a run of letters stays as it was typed)
    assert grade("x^(k)", "\\left(x^k\\right)", symbols="x: positive; k: positive").correct


# ------------------------------------------------------------ minor notation (R6)

@pytest.mark.parametrize("answer", [
    "ℓ′(p) = k/p - (n-k)/(1-p)", "dl/dp = k/p - (n-k)/(1-p)", "∂ℓ/∂p = k/p - (n-k)/(1-p)",
    "d/dp ℓ(p) = k/p - (n-k)/(1-p)", "k/p ∗ 1 - (n-k)⁄(1-p)", "k/p — (n-k)/(1-p)",
])
def test_primes_derivative_names_and_typographic_operators(answer: str) -> None:
    r = grade(SCORE, answer, symbols=SCORE_SYMBOLS)
    assert r.correct, r.message


def test_log_with_a_subscript_base_before_its_argument() -> None:
    assert grade("log(p)/log(2)", "log₂p", symbols="p: (0,1)").correct
    r = grade("log(n*p)/log(2)", "log₂np", symbols="p: (0,1); n: positive")
    assert r.verdict is Verdict.INVALID and "two ways" in r.message


@pytest.mark.parametrize("answer", ["~0.2373", "0.2373 (nats)", "≈ 0.2373 nats"])
def test_about_and_a_unit_in_brackets(answer: str) -> None:
    assert grade(KL, answer, units={"nats"}).correct


def test_a_wrong_unit_in_brackets_is_named_without_its_bracket() -> None:
    r = grade(KL, "0.2373 (bits)", units={"nats"})
    assert r.verdict is Verdict.INVALID and "'bits' is another unit" in r.message


# ------------------------------------------- special values under relations (second probe)

SCORE = "k/p - (n-k)/(1-p)"
SCORE_SYMBOLS = "p: (0,1); k: nonnegative integer; n: positive integer"


@pytest.mark.parametrize("answer", [f"({SCORE})*(n-1)/(n-1)", f"{SCORE} + max(0, 1-|n-1|)"])
def test_an_answer_wrong_only_at_n_1_is_caught_under_k_le_n(answer: str) -> None:
    """n = 1 is a special value; it was tried with whatever k the point held (k = 13),
    failed k <= n and was dropped, so an answer wrong only at n = 1 passed."""
    r = grade(SCORE, answer, symbols=SCORE_SYMBOLS, where=["k <= n"])
    assert r.verdict is Verdict.INCORRECT, r.message
    assert "n = 1" in r.message
    assert grade(SCORE, SCORE, symbols=SCORE_SYMBOLS, where=["k <= n"]).verdict \
        is Verdict.CORRECT


@pytest.mark.parametrize(("answer", "cubed"), [("‖v‖²₂", "‖v‖³₂"),
                                               ("\\|v\\|^2_2", "\\|v\\|^3_2"),
                                               ("||v||^2_2", "||v||^3_2"), ("|v|^2_2", "|v|^3_2")])
def test_a_norm_squared_before_its_subscript_is_read_as_the_squared_norm(answer: str,
                                                                         cubed: str) -> None:
    """LaTeX's \\|v\\|^2_2 puts the square first; it was refused over its '_2'."""
    r = grade("v^T v", answer, symbols="v: matrix(3, 1)")
    assert r.verdict is Verdict.CORRECT, r.message
    assert grade("v^T v", cubed, symbols="v: matrix(3, 1)").verdict is Verdict.INCORRECT


@pytest.mark.parametrize(("expected", "answer", "symbols"), [
    ("sigma^2 * tau^2", "\\sigma^2\\tau^2", "sigma: positive; tau: positive"),
    ("1/(p^2 (1-p))", "\\frac{1}{p^2(1-p)}", "p: (0,1)"),
    ("p^2 exp(-p)", "p^2e^{-p}", "p: (0,1)"),
    ("p^2 k", "\\left(p^2k\\right)", "p: (0,1); k: positive"),
])
def test_a_latex_digit_exponent_takes_the_one_digit(expected: str, answer: str,
                                                    symbols: str) -> None:
    """LaTeX typesets ^2 before a letter or a bracket as the one digit; these were refused as
    readable two ways (second probe). Plain text p^2(1-p) stays ambiguous."""
    assert grade(expected, answer, symbols=symbols).verdict is Verdict.CORRECT
    assert grade("p^2 (1-p)", "p^2(1-p)", symbols="p: (0,1)").verdict is Verdict.INVALID


# ------------------------------------------------- leftovers of the second probe

@pytest.mark.parametrize("answer", ["λ₁log₂(λ₁/λ₂) + (λ₂ − λ₁)/ln2", "λ₁log_2(λ₁/λ₂) + (λ₂ − λ₁)/ln2",
                                    "λ₁log2(λ₁/λ₂) + (λ₂ − λ₁)/ln2",
                                    "λ₁log₂λ₁ − λ₁log₂λ₂ + (λ₂ − λ₁)/ln2"])
def test_a_subscripted_name_before_a_logarithm_with_its_base(answer: str) -> None:
    r = grade("(lambda1*log(lambda1/lambda2) + lambda2 - lambda1)/log(2)", answer,
              symbols=LAMBDAS)
    assert r.correct, r.message


def test_a_name_before_a_base_2_log_is_still_a_product_not_a_new_name() -> None:
    r = grade("lambda1*log2(lambda1)", "λ₁log₂(λ₁) + 1", symbols="lambda1: positive")
    assert r.verdict is Verdict.INCORRECT


@pytest.mark.parametrize("answer", ["A⁻ᵀ", "A^-T", "A^{-T}", "A^(-T)", "A^{-1}'", "A^(-1)'",
                                    "A^{-1}^T", "(A')^{-1}"])
def test_the_inverse_transpose_in_any_notation(answer: str) -> None:
    r = grade("inv(A)'", answer, symbols="A: matrix(n,n)")
    assert r.correct, r.message


@pytest.mark.parametrize("answer", ["A^{-1}'", "A^-1'", "A^{-1}^T", "A⁻ᵀ"])
def test_a_prime_after_an_exponent_transposes_the_power_not_the_exponent(answer: str) -> None:
    # it was put on the exponent -1 (a number, where it does nothing): A^{-1}' passed for A⁻¹
    assert grade("inv(A)", answer, symbols="A: matrix(n,n)").verdict is Verdict.INCORRECT
    assert grade("A*A", "A^2'", symbols="A: matrix(n,n)").verdict is Verdict.INCORRECT


@pytest.mark.parametrize("answer", ["~= 0.2373", "KL ~= 0.2373", "0.2373 Nats", "0.2373 NATS",
                                    "~= 0.2373 Nats"])
def test_about_equal_in_ascii_and_a_unit_in_any_case(answer: str) -> None:
    assert grade(KL, answer, units={"nats"}).correct


def test_another_unit_in_capitals_is_still_another_unit() -> None:
    r = grade(KL, "0.2373 Bits", units={"nats"})
    assert r.verdict is Verdict.INVALID and "another unit" in r.message


@pytest.mark.parametrize("answer, expected", [("1e−3", 0.001), ("1E−3", 0.001),
                                              ("5.714e−1", 0.5714), ("2.5e–2", 0.025)])
def test_scientific_notation_with_a_typographic_minus(answer: str, expected: float) -> None:
    # adversary3 F4: 1e−3 (U+2212, as the feedback prints it) was read as 1·e − 3
    r = grade(expected, answer)
    assert r.correct, r.message


# ----------------------------------------------------------------- adversary3 F10

@pytest.mark.parametrize("reference, answer, symbols", [
    ("log(p/(1-p))", "log p/(1-p)", "p: (0,1)"),
    ("log(p)/(1-p)", "ln p/(1-p)", "p: (0,1)"),  # the other reading is not taken silently
    ("beta*log(a/b)", "β log a/b", "beta: positive; a: positive; b: positive"),
    ("sqrt(x/2)", "sqrt x/2", "x: positive"),
])
def test_a_function_without_brackets_before_a_division_is_ambiguous(reference: str, answer: str,
                                                                     symbols: str) -> None:
    r = grade(reference, answer, symbols=symbols)
    assert r.verdict is Verdict.INVALID and "two ways" in r.message, r.message


@pytest.mark.parametrize("reference, answer, symbols", [
    ("log(2)/2", "ln2/2", None), ("log(2)/2", "ln 2/2", None),
    ("log(p)/2", "(log p)/2", "p: (0,1)"), ("log(p/(1-p))", "log(p/(1-p))", "p: (0,1)"),
])
def test_a_number_argument_or_brackets_read_one_way(reference: str, answer: str,
                                                    symbols: str | None) -> None:
    assert grade(reference, answer, symbols=symbols).correct
