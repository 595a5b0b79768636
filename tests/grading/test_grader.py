"""grade(), preview(), symbols, mistakes, the sympy worker and deadlines."""

from __future__ import annotations

import pytest

from trainer.grading import Result, Verdict, grade, parse_symbols, preview
from trainer.grading.domains import Domain


def test_result_shape_and_to_dict() -> None:
    r = grade("0.5", "1/2")
    assert isinstance(r, Result) and r.verdict is Verdict.CORRECT and r.correct
    assert r.verdict == "correct"
    assert r.to_dict() == {"verdict": "correct", "parsed": "1/2", "message": "correct"}
    r = grade("n/2", "1/2 n", symbols="n: positive integer")
    assert r.warnings and r.to_dict()["warnings"] == list(r.warnings)
    with pytest.raises(AttributeError):
        r.verdict = Verdict.INCORRECT  # type: ignore[misc]


def test_expected_as_number_or_float_repr() -> None:
    assert grade(4 / 7, "4/7").correct
    assert grade(repr(4 / 7), "0.5714").correct
    assert grade(3, "3").correct
    assert grade(float("nan"), "1").verdict is Verdict.UNDECIDED


def test_tolerances() -> None:
    assert grade("100", "100.5", rtol=1e-2).correct
    assert not grade("100", "100.5", rtol=1e-3).correct
    assert grade("0", "0.004", atol=0.01).correct
    assert not grade("0", "0.004").correct
    assert grade("1e-8", "0", atol=1e-6).correct
    assert not grade("1e-8", "0").correct


def test_card_mistakes_are_matched_by_equivalence() -> None:
    mistakes = [("(k+alpha)/(n+alpha+beta)", "That is the posterior mean, not the mode."),
                ("k/n", "That is the MLE: the prior is missing.")]
    sym = "k: nonnegative integer; n: positive integer; alpha: positive; beta: positive"
    ref = "(k+alpha-1)/(n+alpha+beta-2)"
    r = grade(ref, "(α+k)/(β+n+α)", symbols=sym, mistakes=mistakes)
    assert r.verdict is Verdict.INCORRECT and r.feedback == mistakes[0][1]
    r = grade(ref, "k n⁻¹", symbols=sym, mistakes=mistakes)
    assert r.feedback == mistakes[1][1]
    r = grade(ref, "(k+α-1)/(n+α+β-2)", symbols=sym, mistakes=mistakes)
    assert r.correct and not r.feedback
    # numeric cards too
    r = grade("0.6", "0.75", mistakes=[("3/4", "You used the mean.")])
    assert r.feedback == "You used the mean."


def test_generic_diagnoses() -> None:
    s = "mu1: real; mu2: real; var1: positive; var2: positive"
    kl = "log(sqrt(var2/var1)) + (var1 + (mu1-mu2)^2)/(2*var2) - 1/2"
    r = grade(kl, "log(sqrt(var1/var2)) + (var2 + (mu1-mu2)^2)/(2*var1) - 1/2", symbols=s)
    assert "μ₁ ↔ μ₂" in r.feedback and "var₁ ↔ var₂" in r.feedback
    r = grade("p*(1-p)", "(1-p)", symbols="p: (0,1)")
    assert r.verdict is Verdict.INCORRECT
    r = grade("log(p)", "log(1-p)", symbols="p: (0,1)")
    assert "1 − p" in r.feedback
    r = grade("x/2", "x", symbols="x: positive")
    assert "factor of 2" in r.feedback


def test_a_correctly_rounded_but_too_coarse_decimal_asks_for_more_digits() -> None:
    r = grade("11/36", "0.31")  # 0.30556 rounded to 2 figures: not wrong, not enough
    assert r.verdict is Verdict.INVALID and "give at least 4" in r.message
    r = grade("-11/36", "-0.306")
    assert r.verdict is Verdict.INVALID and "-0.306 is the right value" in r.message
    assert grade("11/36", "0.3056").verdict is Verdict.CORRECT
    r = grade("11/36", "0.32")  # wrongly rounded: a real mistake
    assert r.verdict is Verdict.INCORRECT
    assert grade("11/36", "0.31", atol=0.01).verdict is Verdict.CORRECT
    r = grade("2/60", "2/61")  # an exact fraction is never "rounded"
    assert r.verdict is Verdict.INCORRECT and "not equal" in r.feedback


def test_matrix_shape_messages_name_dimensions() -> None:
    s = "X: matrix(n,p); y: matrix(n,1); lambda: positive"
    r = grade("(X^T X + lambda I)^(-1) X^T y", "(X Xᵀ + λI)⁻¹Xᵀy", symbols=s)
    assert r.verdict is Verdict.INCORRECT and "n×n" in r.message and "p×n" in r.message
    r = grade("X^T y", "yᵀX", symbols=s)
    assert r.verdict is Verdict.INCORRECT and "1×p" in r.message and "p×1" in r.message


def test_symbols_spec_parsing() -> None:
    d = parse_symbols("n: positive integer; p: (0,1); X: matrix(n,3); α, β: positive; "
                      "q: [0, 1]; t: (-inf, 0]; m: integer [1, 6]; v: vector(n)")
    assert d["n"] == Domain("integer", 1.0, float("inf"), False, True,
                            text="positive integer")
    assert d["p"].lo == 0 and d["p"].hi == 1 and d["p"].lo_open and d["p"].hi_open
    assert not d["q"].lo_open and not d["q"].hi_open
    assert d["X"].rows == "n" and d["X"].cols == 3
    assert d["v"].cols == 1
    assert "alpha" in d and "beta" in d and d["m"].is_integer
    assert parse_symbols({"sigma": "positive"})["sigma"].is_positive
    assert parse_symbols(None) == {}
    for bad, fragment in [("x", "name: domain"), ("x: complex", "unknown domain"),
                          ("x: (1, 0)", "empty interval"), ("x: [a, 1]", "not a number"),
                          ("1x: real", "not a valid symbol"), ("x: real; x: real", "twice"),
                          ("pi: real", "reserved"), ("X: matrix(0, 2)", "between")]:
        with pytest.raises(ValueError, match=fragment):
            parse_symbols(bad)


def test_card_errors_are_undecided_not_crashes() -> None:
    assert grade("x", "x", symbols="x: banana").verdict is Verdict.UNDECIDED
    assert grade("x +", "x", symbols="x: real").verdict is Verdict.UNDECIDED
    assert grade("y", "x", symbols="x: real").verdict is Verdict.UNDECIDED
    assert grade(None, "x").verdict is Verdict.UNDECIDED  # type: ignore[arg-type]
    assert grade("1", None).verdict is Verdict.INVALID  # type: ignore[arg-type]


def test_symbols_inferred_from_reference_when_not_given() -> None:
    assert grade("n*p", "p n").correct
    assert not grade("sqrt(s^2)", "s").correct  # inferred symbols are real


def test_preview() -> None:
    ok, text = preview("(k+α-1)/(n+α+β-2)", symbols="k: integer; n: integer; "
                                                    "alpha: positive; beta: positive")
    assert ok and text == "(k + α − 1)/(n + α + β − 2)"
    ok, text = preview("x +", symbols="x: real")
    assert not ok and "ends too early" in text
    assert preview("") == (False, "")
    ok, text = preview("q", symbols="x: real")
    assert not ok and "'q'" in text


def test_sympy_second_opinion_where_sampling_can_not_decide() -> None:
    from trainer.grading._sympy_worker import get_worker

    # what is tested is the second opinion, not its speed: a warm worker and a deadline no
    # busy machine reaches (the 2 s figure is measured by bench/run.py)
    assert get_worker().warm_up(120)
    # the reference is undefined at every sample point (log of a negative number)
    r = grade("log(-x)", "log(-2x) - log(2)", symbols="x: positive", timeout=120)
    assert r.verdict is Verdict.CORRECT and "symbolic" in r.message
    r = grade("log(-x)", "log(-3x)", symbols="x: positive", timeout=120)
    assert r.verdict in (Verdict.INCORRECT, Verdict.UNDECIDED)


def test_hostile_answers_get_a_verdict() -> None:
    # how long they take is measured in bench/ (grading_worst_case_ms)
    hostile = ["9^9^9^9", "x^(9^9^9)", "exp(exp(exp(x)))", "(" * 3000, "x" * 200_000,
               "\x00", "nan", "oo", "1e999999", "factorial(10^9)"]
    for text in hostile:
        r = grade("x", text, symbols="x: positive")
        assert r.verdict in (Verdict.INVALID, Verdict.INCORRECT, Verdict.UNDECIDED)


def test_worker_is_killed_at_the_deadline_and_restarted() -> None:
    from trainer.grading._sympy_worker import get_worker
    from trainer.grading.domains import parse_symbols as ps
    from trainer.grading.expr import parse

    w = get_worker()
    assert w.warm_up(30)
    heavy = parse("(x+1)^40*(x-1)^40", names=["x"])
    other = parse("(x^2-1)^40", names=["x"])
    kills = w.kills
    status, _ = w.call((heavy, other, ps("x: real")), 0.02)
    assert status == "unknown" and w.kills == kills + 1
    assert w.warm_up(30)
    x = parse("x", names=["x"])
    assert w.call((x, x, ps("x: real")), 5)[0] == "equal"


def test_timeout_gives_undecided() -> None:
    r = grade("x", "x", symbols="x: real", timeout=0.0)
    assert r.verdict is Verdict.UNDECIDED and "time" in r.message


def test_relations_among_symbols_keep_sample_points_meaningful() -> None:
    s = "p: (0,1); n: positive integer; k: nonnegative integer"
    wrong = "k/p + (n-k)/(1-p)"
    unconstrained = grade("k/p - (n-k)/(1-p)", wrong, symbols=s)
    assert unconstrained.verdict is Verdict.INCORRECT
    r = grade("k/p - (n-k)/(1-p)", wrong, symbols=s, where=["k <= n", "N > 2", "junk"])
    assert r.verdict is Verdict.INCORRECT
    at = dict(pair.split(" = ") for pair in r.message.split("at ")[1].split(" your")[0]
              .split(", "))
    assert int(at["k"]) <= int(at["n"])  # the counterexample is a possible sample
    assert grade("k/p - (n-k)/(1-p)", "(k - n p)/(p(1-p))", symbols=s,
                 where=["k <= n"]).verdict is Verdict.CORRECT
