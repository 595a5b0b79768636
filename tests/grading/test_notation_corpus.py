"""Notation corpus: what learners type, the value it must mean (checked with mpmath), and what is refused."""

from __future__ import annotations

import re

import mpmath as mp
import pytest

from trainer.grading.expr import ParseError, evaluate, parse

# two points per case, so that a coincidence at one of them can not pass a wrong reading
POINTS = [
    {"k": 3, "n": 7, "p": 0.3, "x": 0.7, "y": 1.3, "a": 2.5, "b": 0.4, "lambda": 1.7,
     "sigma": 0.8, "sigma2": 1.9, "mu1": 0.2, "mu2": -0.6, "alpha": 2.2, "beta": 3.1,
     "theta": 0.35, "mu": 1.1, "s_1": 0.9, "var1": 1.4, "var2": 0.6, "z": -0.45},
    {"k": 5, "n": 12, "p": 0.65, "x": 2.2, "y": 0.45, "a": 0.3, "b": 1.9, "lambda": 0.6,
     "sigma": 1.7, "sigma2": 0.35, "mu1": -1.2, "mu2": 0.9, "alpha": 0.7, "beta": 1.4,
     "theta": 0.8, "mu": -0.3, "s_1": 2.1, "var1": 0.5, "var2": 2.3, "z": 1.15},
]

L, E, S = mp.log, mp.exp, mp.sqrt

# (typed answer, declared names, the value it must have, by mpmath)
ACCEPTED: list[tuple[str, str, object]] = [
    # LaTeX
    (r"\frac{k}{n}", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    (r"\dfrac{k+1}{n+2}", "k n", lambda v: mp.mpf(v["k"] + 1) / (v["n"] + 2)),
    (r"\frac12 x", "x", lambda v: v["x"] / mp.mpf(2)),
    (r"\sqrt{n}", "n", lambda v: S(v["n"])),
    (r"\sqrt{\frac{p(1-p)}{n}}", "p n", lambda v: S(v["p"] * (1 - v["p"]) / v["n"])),
    (r"\sqrt[3]{x}", "x", lambda v: mp.cbrt(v["x"])),
    (r"e^{-\lambda}", "lambda", lambda v: E(-v["lambda"])),
    (r"e^{-λ}", "lambda", lambda v: E(-v["lambda"])),
    (r"(1+x)^{-1}", "x", lambda v: 1 / (1 + mp.mpf(v["x"]))),
    (r"a \cdot b", "a b", lambda v: v["a"] * v["b"]),
    (r"a \times b", "a b", lambda v: v["a"] * v["b"]),
    (r"\left( a+b \right)^2", "a b", lambda v: (v["a"] + v["b"]) ** 2),
    (r"\ln\left(\frac{x}{y}\right)", "x y", lambda v: L(mp.mpf(v["x"]) / v["y"])),
    (r"\log{x}", "x", lambda v: L(v["x"])),
    (r"\exp(-x^2/2)", "x", lambda v: E(-mp.mpf(v["x"]) ** 2 / 2)),
    (r"\frac{\alpha}{\alpha+\beta}", "alpha beta",
     lambda v: mp.mpf(v["alpha"]) / (v["alpha"] + v["beta"])),
    (r"\sigma^2/n", "sigma n", lambda v: mp.mpf(v["sigma"]) ** 2 / v["n"]),
    (r"\mu_1 - \mu_2", "mu1 mu2", lambda v: mp.mpf(v["mu1"]) - v["mu2"]),
    (r"\sigma_{2}", "sigma2", lambda v: mp.mpf(v["sigma2"])),
    (r"\binom{n}{k}", "n k", lambda v: mp.binomial(v["n"], v["k"])),
    (r"\frac{\lambda^k e^{-\lambda}}{k!}", "lambda k",
     lambda v: mp.mpf(v["lambda"]) ** v["k"] * E(-v["lambda"]) / mp.factorial(v["k"])),
    (r"\Gamma(\alpha)", "alpha", lambda v: mp.gamma(v["alpha"])),
    (r"\psi(\alpha)", "alpha", lambda v: mp.digamma(v["alpha"])),
    (r"\max(x, y)", "x y", lambda v: max(v["x"], v["y"])),
    (r"\lvert z \rvert", "z", lambda v: abs(v["z"])),
    (r"a\,b", "a b", lambda v: v["a"] * v["b"]),
    (r"\theta(1-\theta)", "theta", lambda v: v["theta"] * (1 - v["theta"])),
    (r"\mathrm{e}^{x}", "x", lambda v: E(v["x"])),
    (r"\frac{1}{\sigma\sqrt{2\pi}}", "sigma", lambda v: 1 / (v["sigma"] * S(2 * mp.pi))),
    (r"\log_2(x)", "x", lambda v: mp.log(v["x"], 2)),
    # bars
    ("|x|", "x", lambda v: abs(v["x"])),
    ("|z|", "z", lambda v: abs(v["z"])),
    ("|x - y|", "x y", lambda v: abs(mp.mpf(v["x"]) - v["y"])),
    ("2|z|", "z", lambda v: 2 * abs(v["z"])),
    ("|z|^2", "z", lambda v: mp.mpf(v["z"]) ** 2),
    ("|x| |z|", "x z", lambda v: abs(v["x"]) * abs(v["z"])),
    ("||z||", "z", lambda v: abs(v["z"])),
    ("‖z‖²", "z", lambda v: mp.mpf(v["z"]) ** 2),
    # logarithms
    ("log_2(x)", "x", lambda v: mp.log(v["x"], 2)),
    ("log₂(x)", "x", lambda v: mp.log(v["x"], 2)),
    ("log_2 x", "x", lambda v: mp.log(v["x"], 2)),
    ("log_10(x)", "x", lambda v: mp.log10(v["x"])),
    ("log_e(x)", "x", lambda v: L(v["x"])),
    ("log10(x)", "x", lambda v: mp.log10(v["x"])),
    ("log2(x)", "x", lambda v: mp.log(v["x"], 2)),
    ("Log(x)", "x", lambda v: L(v["x"])),
    ("ln2", "", lambda v: L(2)),
    ("ln 2", "", lambda v: L(2)),
    ("log²(x)", "x", lambda v: L(v["x"]) ** 2),
    ("ln²(x)", "x", lambda v: L(v["x"]) ** 2),
    ("(log(x))^2", "x", lambda v: L(v["x"]) ** 2),
    ("log p^k", "p k", lambda v: L(mp.mpf(v["p"]) ** v["k"])),
    ("log(p^k) + log((1-p)^(n-k))", "p k n",
     lambda v: L(mp.mpf(v["p"]) ** v["k"]) + L((1 - mp.mpf(v["p"])) ** (v["n"] - v["k"]))),
    ("k log p + (n-k) log(1-p)", "p k n",
     lambda v: v["k"] * L(v["p"]) + (v["n"] - v["k"]) * L(1 - mp.mpf(v["p"]))),
    ("log(x, 2)", "x", lambda v: mp.log(v["x"], 2)),
    # combinatorics and special functions
    ("n!", "n", lambda v: mp.factorial(v["n"])),
    ("(n-k)!", "n k", lambda v: mp.factorial(v["n"] - v["k"])),
    ("n!/(k!(n-k)!)", "n k",
     lambda v: mp.factorial(v["n"]) / (mp.factorial(v["k"]) * mp.factorial(v["n"] - v["k"]))),
    ("binom(n, 2)", "n", lambda v: mp.binomial(v["n"], 2)),
    ("C(n,2)", "n", lambda v: mp.binomial(v["n"], 2)),
    ("C(n, k) p^k (1-p)^(n-k)", "n k p",
     lambda v: mp.binomial(v["n"], v["k"]) * mp.mpf(v["p"]) ** v["k"]
     * (1 - mp.mpf(v["p"])) ** (v["n"] - v["k"])),
    ("Γ(α)", "alpha", lambda v: mp.gamma(v["alpha"])),
    ("Gamma(alpha)", "alpha", lambda v: mp.gamma(v["alpha"])),
    ("gamma(a)", "a", lambda v: mp.gamma(v["a"])),
    ("Γ(α+β)/(Γ(α)Γ(β))", "alpha beta",
     lambda v: mp.gamma(v["alpha"] + v["beta"]) / (mp.gamma(v["alpha"]) * mp.gamma(v["beta"]))),
    ("ψ(α)", "alpha", lambda v: mp.digamma(v["alpha"])),
    ("ψ(α) - ψ(α+β)", "alpha beta",
     lambda v: mp.digamma(v["alpha"]) - mp.digamma(v["alpha"] + v["beta"])),
    ("digamma(z)", "z", lambda v: mp.digamma(v["z"])),
    ("max(x, -x)", "x", lambda v: abs(v["x"])),
    ("max(z, -z)", "z", lambda v: abs(v["z"])),
    ("min(x, y)", "x y", lambda v: min(v["x"], v["y"])),
    ("max(0, z)", "z", lambda v: max(0, v["z"])),
    ("3!", "", lambda v: mp.mpf(6)),
    # subscripts map to the declared names
    ("σ₂", "sigma2", lambda v: mp.mpf(v["sigma2"])),
    ("σ_2", "sigma2", lambda v: mp.mpf(v["sigma2"])),
    ("sigma_2", "sigma2", lambda v: mp.mpf(v["sigma2"])),
    ("mu_1", "mu1", lambda v: mp.mpf(v["mu1"])),
    ("μ₁ − μ₂", "mu1 mu2", lambda v: mp.mpf(v["mu1"]) - v["mu2"]),
    ("s1", "s_1", lambda v: mp.mpf(v["s_1"])),
    ("s₁", "s_1", lambda v: mp.mpf(v["s_1"])),
    ("(μ₁ − μ₂)²/σ₂", "mu1 mu2 sigma2",
     lambda v: (mp.mpf(v["mu1"]) - v["mu2"]) ** 2 / v["sigma2"]),
    # superscript letters
    ("λᵏe⁻λ", "lambda k", lambda v: mp.mpf(v["lambda"]) ** v["k"] * E(-v["lambda"])),
    ("λᵏe⁻λ/k!", "lambda k",
     lambda v: mp.mpf(v["lambda"]) ** v["k"] * E(-v["lambda"]) / mp.factorial(v["k"])),
    ("pᵏ(1−p)ⁿ⁻ᵏ", "p n k",
     lambda v: mp.mpf(v["p"]) ** v["k"] * (1 - mp.mpf(v["p"])) ** (v["n"] - v["k"])),
    ("xⁿ", "x n", lambda v: mp.mpf(v["x"]) ** v["n"]),
    ("x⁻¹", "x", lambda v: 1 / mp.mpf(v["x"])),
    ("e^-x y", "x y", lambda v: E(-v["x"]) * v["y"]),
    ("p^k (1-p)^(n-k)", "p k n",
     lambda v: mp.mpf(v["p"]) ** v["k"] * (1 - mp.mpf(v["p"])) ** (v["n"] - v["k"])),
    # surrounding text
    ("p̂ = k/n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("θ̂ = k/n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("MLE = k/n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("L(θ) = θ(1-θ)", "theta", lambda v: v["theta"] * (1 - v["theta"])),
    ("σ̂² = x/n", "x n", lambda v: mp.mpf(v["x"]) / v["n"]),
    ("k/n.", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("0.5.", "", lambda v: mp.mpf("0.5")),
    ("≈ 0.6931", "", lambda v: mp.mpf("0.6931")),
    ("0.6931 nats", "", lambda v: mp.mpf("0.6931")),
    ("1 bit", "", lambda v: mp.mpf(1)),
    ("  k/n  ", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    # characters
    ("ｋ／ｎ", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("𝑘/𝑛", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("𝜎²/𝑛", "sigma n", lambda v: mp.mpf(v["sigma"]) ** 2 / v["n"]),
    ("k\u200b/n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("\ufeffk/n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("\u200fk/n\u200e", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    ("k\u2009/\u00a0n", "k n", lambda v: mp.mpf(v["k"]) / v["n"]),
    # σ: a symbol unless it is called
    ("sigma^2/n", "sigma n", lambda v: mp.mpf(v["sigma"]) ** 2 / v["n"]),
    ("σ(z)", "z", lambda v: 1 / (1 + E(-v["z"]))),
    ("σ(z)(1 − σ(z))", "z", lambda v: (1 / (1 + E(-v["z"]))) * (1 - 1 / (1 + E(-v["z"])))),
    ("sigma(x)", "x", lambda v: 1 / (1 + E(-v["x"]))),
    # a space after a divisor ends the fraction (a warning says so)
    ("1/2 (a + b)", "a b", lambda v: (mp.mpf(v["a"]) + v["b"]) / 2),
    ("1/2 log(var2/var1)", "var1 var2", lambda v: L(mp.mpf(v["var2"]) / v["var1"]) / 2),
    ("k/n * p", "k n p", lambda v: mp.mpf(v["k"]) / v["n"] * v["p"]),
    # explicit forms of the refused ones below
    ("1/(2n)", "n", lambda v: 1 / mp.mpf(2 * v["n"])),
    ("(1/2)n", "n", lambda v: mp.mpf(v["n"]) / 2),
    ("1/(2σ²)", "sigma", lambda v: 1 / (2 * mp.mpf(v["sigma"]) ** 2)),
    ("√(2π)", "", lambda v: S(2 * mp.pi)),
    ("√2·π", "", lambda v: S(2) * mp.pi),
    ("e^(2x)", "x", lambda v: E(2 * mp.mpf(v["x"]))),
    ("log(n·p)", "n p", lambda v: L(mp.mpf(v["n"]) * v["p"])),
    ("log(n)·p", "n p", lambda v: L(v["n"]) * v["p"]),
]

# (typed answer, declared names, one reading, the other reading)
AMBIGUOUS: list[tuple[str, str, str, str]] = [
    ("1/2n", "n", "(1/2)·n", "1/(2n)"),
    ("1/2σ²", "sigma", "(1/2)·σ²", "1/(2σ²)"),
    ("n/2σ⁴", "n sigma", "(n/2)·σ⁴", "n/(2σ⁴)"),
    ("√2π", "", "√2·π", "√(2π)"),
    ("e^2x", "x", "e²·x", "e^(2x)"),
    ("log np", "n p", "log(n)·p", "log(n·p)"),
    ("log (1-p)^(n-k)", "p n k", "(log(1 − p))^(n − k)", "log((1 − p)^(n − k))"),
    ("log(1-p)^(n-k)", "p n k", "(log(1 − p))^(n − k)", "log((1 − p)^(n − k))"),
    ("log(x)^2", "x", "(log(x))^2", "log(x²)"),
    ("ln(x)²", "x", "(ln(x))^2", "ln(x²)"),
    ("1/p(1-p)", "p", "(1/p)·(1 − p)", "1/(p·(1 − p))"),
    ("k/np", "k n p", "(k/n)·p", "k/(n·p)"),
    ("1/2π", "", "(1/2)·π", "1/(2π)"),
    ("log 2n", "n", "log(2)·n", "log(2n)"),
    ("ln x y", "x y", "ln(x)·y", "ln(x·y)"),
    ("√n p", "n p", "√n·p", "√(n·p)"),
    ("e^-λx", "lambda x", "e^(−λ)·x", "e^(−λ·x)"),
    ("x^2y", "x y", "x²·y", "x^(2y)"),
    ("2^n(n+1)", "n", "2^n·(n + 1)", "2^(n·(n + 1))"),
    ("log a log n", "a n", "log(a)·log(n)", "log(a·log(n))"),
]

# (typed answer, declared names, a fragment of the message)
REFUSED: list[tuple[str, str, str]] = [
    ("1,500", "", "1500"),
    ("1,500", "", "1.500"),
    ("5,48", "", "5.48"),
    ("Σ x_i", "n", "sums over an index"),
    ("sum(x_i)", "n s", "sums over an index"),
    ("x_i", "n", "sums over an index"),
    ("lg(x)", "x", "log10(x) or log2(x)"),
    ("log2 x", "x", "log2(x)"),
    ("sigma^2/n", "n", "not a declared symbol"),
    ("k/n = 0.5", "k n", "not an equation"),
    ("ln 2 ≈ 0.69", "", "not an equation"),
    (r"\foo{x}", "x", "\\foo"),
    ("x̄", "x", "accent"),
    ("|x", "x", "missing closing"),
    ("x!!", "x", "double factorial"),
]


def _value(text: str, names: str, v: dict) -> object:
    return evaluate(parse(text, names=names.split()), {k: v[k] for k in names.split()})


@pytest.mark.parametrize("text, names, expected", ACCEPTED, ids=[a for a, _, _ in ACCEPTED])
def test_accepted_notation_means_the_expected_value(text: str, names: str, expected) -> None:
    for point in POINTS:
        got = _value(text, names, point)
        want = expected(point)
        assert mp.almosteq(mp.mpf(float(got)), mp.mpf(want), rel_eps=1e-12, abs_eps=1e-300), (
            text, point, got, want)


@pytest.mark.parametrize("text, names, one, other", AMBIGUOUS, ids=[a for a, *_ in AMBIGUOUS])
def test_ambiguous_notation_is_refused_with_both_readings(text: str, names: str, one: str,
                                                          other: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, names=names.split())
    message = info.value.message
    assert f"{one} or {other}" in message
    # the two readings are each typeable as written, and they differ
    values = [[float(_value(r, names, point)) for point in POINTS] for r in (one, other)]
    assert values[0] != values[1]


@pytest.mark.parametrize("text, names, fragment", REFUSED, ids=[f"{a}:{c}" for a, _, c in REFUSED])
def test_refused_notation_says_what_to_type(text: str, names: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, names=names.split())
    assert fragment in info.value.message


def test_the_corpus_is_large_enough() -> None:
    assert len(ACCEPTED) + len(AMBIGUOUS) + len(REFUSED) >= 120


def test_an_error_points_at_what_was_typed_not_the_rewritten_text() -> None:
    # after LaTeX and invisible characters are rewritten, the offset still counts the
    # learner's characters
    with pytest.raises(ParseError) as info:
        parse("\u200b\\frac{k}{n} + foo", names=["k", "n"])
    assert info.value.position == "\u200b\\frac{k}{n} + foo".index("foo")
    with pytest.raises(ParseError) as info:
        parse("1/2σ²", names=["sigma"])
    assert info.value.message.startswith("'1/2σ²'")


def test_sigma_reads_by_usage() -> None:
    # σ before a bracket is the sigmoid unless σ is declared; elsewhere it is a symbol
    assert re.search(r"σ\(", str(parse("σ(z)", names=["z"]))) is None  # a Call, not text
    node = parse("sigma(1-p)", names=["sigma", "p"])
    assert _value("sigma(1-p)", "sigma p", POINTS[0]) == pytest.approx(0.8 * 0.7)
    assert node is not None


@pytest.mark.parametrize("text, symbols", [
    ("1/2σ²", "sigma: positive"),
    ("log np", "n: positive integer; p: (0,1)"),
    ("1,500", None),
])
def test_the_live_preview_shows_the_message_the_verdict_gives(text: str, symbols) -> None:
    from trainer.grading import grade, preview

    ok, shown = preview(text, symbols=symbols)
    result = grade("1", text, symbols=symbols)
    assert not ok and result.verdict.value == "invalid" and shown == result.message


@pytest.mark.parametrize("expected, answer, symbols, verdict", [
    # with no symbols declared, σ is read by its use: σ²/n is a variance over n
    ("sigma^2/n", "σ²/n", None, "correct"),
    ("sigma^2/n", "σ/n", None, "incorrect"),
    ("1/(1+exp(-x))", "σ(x)", None, "correct"),
    # a product of two column vectors is refused (x*y is entry by entry in code): xᵀy is
    # their dot product; a number and a vector combine entry by entry
    # (invalid: the learner writes the product meant; nothing is recorded)
    ("x^T y", "x·y", "x: vector(n); y: vector(n)", "invalid"),
    ("x^T y", "x y", "x: vector(n); y: vector(n)", "invalid"),
    ("x^T x", "x*y", "x: vector(n); y: vector(n)", "invalid"),
    ("x^T y", "xᵀy", "x: vector(n); y: vector(n)", "correct"),
    ("X^T (sigma(X w) - y)", "X^T (1/(1+exp(-X w)) - y)",
     "X: matrix(n,d); w: matrix(d,1); y: matrix(n,1)", "correct"),
    ("X^T (sigma(X w) - y)", "X^T (1/(1+exp(X w)) - y)",
     "X: matrix(n,d); w: matrix(d,1); y: matrix(n,1)", "incorrect"),
    ("(X^T X)^(-1) X^T y", r"\left(X^{T} X\right)^{-1} X^\top y", "X: matrix(n,d); y: matrix(n,1)",
     "correct"),
    ("sqrt((y - X b)^T (y - X b))", "||y − Xb||", "y: matrix(n,1); X: matrix(n,d); b: matrix(d,1)",
     "correct"),
])
def test_notation_through_the_grader(expected: str, answer: str, symbols, verdict: str) -> None:
    from trainer.grading import grade

    assert grade(expected, answer, symbols=symbols).verdict.value == verdict
