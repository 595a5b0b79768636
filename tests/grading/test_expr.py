"""The safe parser: reading rules, errors with positions, limits, fuzzing."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.grading.expr import (
    MAX_LENGTH,
    Call,
    EvalError,
    Name,
    Num,
    ParseError,
    ShapeError,
    Transpose,
    evaluate,
    parse,
    pretty,
    to_sympy,
)


def p(text: str, **kw) -> str:
    return pretty(parse(text, **kw))


@pytest.mark.parametrize("text, names, out", [
    ("(k+α-1)/(n+α+β-2)", "k n alpha beta", "(k + α − 1)/(n + α + β − 2)"),
    ("(k+alpha-1)/(n+alpha+beta-2)", "k n alpha beta", "(k + α − 1)/(n + α + β − 2)"),
    ("σ²", "sigma", "σ²"),
    ("sigma^2", "sigma", "σ²"),
    ("sigma**2", "sigma", "σ²"),
    ("sqrt n", "n", "√n"),
    ("√(n+1)", "n", "√(n + 1)"),
    ("2n", "n", "2n"),
    ("n p (1-p)", "n p", "n·p·(1 − p)"),
    ("np(1-p)", "n p", "n·p·(1 − p)"),
    ("theta(1-theta)", "theta", "θ·(1 − θ)"),
    ("log p", "p", "log(p)"),
    ("ln θ", "theta", "ln(θ)"),
    ("mu0 + s_1", "mu0 s_1", "μ₀ + s₁"),
    ("-x^2", "x", "−x²"),
    ("x^-1", "x", "x⁻¹"),
    ("a - -b", "a b", "a − (−b)"),
    ("-(a+b)", "a b", "−(a + b)"),
    ("e^x", "x", "e^x"),
    ("pi r^2", "r", "π·r²"),
    ("abs(x)", "x", "|x|"),
    ("80%", "", "80%"),
    ("1.2e-3", "", "1.2e-3"),
    ("2·3×4÷5 − 1", "", "2·3·4/5 − 1"),
    ("λ e^(−λx)", "lambda x", "λ·e^(−λ·x)"),
])
def test_reading_and_pretty(text: str, names: str, out: str) -> None:
    assert p(text, names=names.split()) == out


def test_matrix_reading() -> None:
    m = dict(names=["lambda"], matrices=["X", "y", "w", "A"])
    assert p("(X^TX + λI)^(-1) X^T y", **m) == "(Xᵀ·X + λ·I)⁻¹·Xᵀ·y"
    assert p("Xᵀ(σ(Xw)−y)", **m) == "Xᵀ·(σ(X·w) − y)"
    assert p("inv(A)", **m) == "A⁻¹"
    assert p("X'X", **m) == "Xᵀ·X"
    assert isinstance(parse("X^T", **m), Transpose)
    # a declared T is a power, not a transpose
    assert p("x^T", names=["x", "T"]) == "x^T"


def test_longest_declared_name_wins() -> None:
    assert parse("np", names=["n", "p", "np"]) == Name("np")
    w: list[str] = []
    parse("np", names=["n", "p"], warnings=w)
    assert w and "n · p" in w[0]


def test_declared_symbol_shadows_function_and_constant() -> None:
    # sigma declared: σ(1-σ) is a product, not the sigmoid
    assert not isinstance(parse("σ(1-σ)", names=["sigma"]), Call)
    assert isinstance(parse("σ(x)", names=["x"]), Call)
    assert parse("e", names=["e"]) == Name("e")


def test_ambiguity_is_refused_and_a_space_is_a_warning() -> None:
    with pytest.raises(ParseError, match=r"\(1/2\)·n or 1/\(2n\)"):
        parse("1/2n", names=["n"])
    with pytest.raises(ParseError, match=r"log\(2\)·n or log\(2n\)"):
        parse("log 2n", names=["n"])
    w: list[str] = []
    parse("1/2 n", names=["n"], warnings=w)
    assert w == ["'1/2 n' is read as (1/2)·n"]
    w = []
    parse("1/(2n)", names=["n"], warnings=w)
    assert w == []


def test_exact_numbers() -> None:
    assert parse("0.571") == Num(Fraction(571, 1000))
    assert parse("7") == Num(7)
    assert evaluate(parse("7/10"), {}, exact=True) == Fraction(7, 10)
    assert evaluate(parse("80%"), {}, exact=True) == Fraction(4, 5)
    assert evaluate(parse("7/10"), {}) == 0.7
    assert evaluate(parse("2^10"), {}) == 1024


@pytest.mark.parametrize("text, pos, fragment", [
    ("lambda x: x", 0, "not allowed"),
    ("x // 2", 2, "'//'"),
    ("__import__('os')", 0, "not allowed"),
    ("x.y", 1, "attribute"),
    ("fact(10)", 0, "fact"),
    ("x + foo", 4, "foo"),
    ("x\x00", 1, "NUL"),
    ("nan", 0, "nan"),
    ("1e999999", 0, "out of range"),
    ("(((x", 2, "missing ')'"),
    ("x)", 1, "unmatched"),
    ("2 3", 2, "number"),
    ("log", 0, "needs an argument"),
    ("exp -x", 0, "needs an argument"),
    ("x^", 1, "exponent"),
    ("", 0, "empty"),
    ("!x", 0, "factorial"),
    ("x/2 = 1", 4, "equation"),
    ("\\foo{x}", 0, "\\foo"),
    ("log(x, 2, 3)", 0, "argument"),
])
def test_errors_say_what_and_where(text: str, pos: int, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(text, names=["x"])
    assert info.value.position == pos
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_limits_without_recursion_errors() -> None:
    with pytest.raises(ParseError, match="too long"):
        parse("x" * (MAX_LENGTH + 1), names=["x"])
    for text in ("(" * 900 + "x" + ")" * 900, "-" * 1500 + "x", "x^" * 600 + "x",
                 "log(" * 300 + "x" + ")" * 300, "√" * 1000 + "x"):
        with pytest.raises(ParseError, match="nested"):
            parse(text, names=["x"])
    # long flat sums and products are fine
    node = parse("+".join(["x"] * 600), names=["x"])
    assert evaluate(node, {"x": 1}) == 600


def test_hostile_evaluation_is_bounded() -> None:
    with pytest.raises(EvalError):
        evaluate(parse("9^9^9^9"), {})
    with pytest.raises(EvalError):
        evaluate(parse("exp(exp(exp(10)))"), {})
    with pytest.raises(EvalError):
        evaluate(parse("1/0"), {}, exact=True)
    with pytest.raises(EvalError):
        evaluate(parse("log(-1)"), {})


def test_external_functions_and_several_arguments() -> None:
    node = parse("randint(1, n-1) + uniform(0, 1)", names=["n"],
                 functions={"randint", "uniform"})
    calls = []

    def randint(a, b):
        calls.append((a, b))
        return a

    assert evaluate(node, {"n": 5}, {"randint": randint, "uniform": lambda a, b: b}) == 2
    assert calls == [(1, 4)]
    with pytest.raises(ParseError):
        parse("randint(1, 2)")  # not allowed by default
    node = parse("bernoulli_mle(k, n)", names=["k", "n"], functions={"bernoulli_mle"})
    assert evaluate(node, {"k": 3, "n": 4}, {"bernoulli_mle": lambda k, n: k / n}) == 0.75


def test_matrix_evaluation_and_shapes() -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((6, 3)), rng.standard_normal((6, 1))
    m = dict(names=["lambda"], matrices=["X", "y"])
    got = evaluate(parse("(XᵀX + λI)⁻¹Xᵀy", **m), {"X": X, "y": y, "lambda": 0.5})
    want = np.linalg.solve(X.T @ X + 0.5 * np.eye(3), X.T @ y)
    assert np.allclose(got, want)
    with pytest.raises(ShapeError, match="6×6 by 3×6"):
        evaluate(parse("(X Xᵀ + λI)⁻¹Xᵀy", **m), {"X": X, "y": y, "lambda": 0.5})
    with pytest.raises(ShapeError, match="add"):
        evaluate(parse("X + y", **m), {"X": X, "y": y, "lambda": 0.5})


def test_to_sympy_builds_from_the_tree() -> None:
    import sympy

    a, b = sympy.symbols("alpha beta", positive=True)
    expr = to_sympy(parse("log(alpha*beta) + gamma + I0", names=["alpha", "beta", "gamma",
                                                                  "I0"]),
                    {"alpha": a, "beta": b})
    # beta and gamma are plain symbols, never sympy's functions
    assert sympy.expand_log(expr - sympy.log(a) - sympy.log(b)) == \
        sympy.Symbol("gamma") + sympy.Symbol("I0")
    n = sympy.Symbol("n")
    X = sympy.MatrixSymbol("X", n, n)
    m = to_sympy(parse("inv(X)^T", matrices=["X"]), {"X": X})
    assert m == X.I.T


def test_import_is_light() -> None:
    code = ("import sys, trainer.grading, trainer.grading.expr, trainer.grading.cli;"
            "import trainer.grading.domains;"
            "print(any(m in sys.modules for m in ('sympy', 'numpy', 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


class _Boom:
    """Evaluating anything on this raises; used to prove nothing is executed."""


def test_code_never_runs(tmp_path) -> None:
    marker = tmp_path / "pwned"
    attacks = [
        f"__import__('os').system('touch {marker}')",
        f"open('{marker}', 'w')",
        "exec('1')", "eval('1')", "lambda: 1", "(lambda: 1)()",
        "().__class__.__bases__[0].__subclasses__()",
        "x.__class__", "getattr(x, 'y')", "globals()", "import os",
        "Symbol('x')", "sympify('x')", "os.system('ls')", "`ls`", "$(ls)", "x; y",
    ]
    from trainer.grading import grade

    for text in attacks:
        with pytest.raises(ParseError):
            parse(text, names=["x"])
        assert grade("x", text, symbols="x: real").verdict.value == "invalid"
    assert not marker.exists()


ALPHABET = "xyn0123456789.+-*/^() ,%eπσ²ᵀ√αλ_lgoqrstIT'\x00!|"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fuzz_parser_only_raises_parse_error(text: str) -> None:
    try:
        node = parse(text, names=["x", "y", "n", "alpha", "lambda"])
    except ParseError as exc:
        assert 0 <= exc.position <= len(text)
        return
    s = pretty(node)
    assert isinstance(s, str) and s
    try:
        evaluate(node, {"x": 1.5, "y": -0.5, "n": 3, "alpha": 2.0, "lambda": 0.1})
    except EvalError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_fuzz_parser_arbitrary_unicode(text: str) -> None:
    try:
        pretty(parse(text, names=["x"], matrices=["A"]))
    except ParseError:
        pass


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="x12+-*/^()", min_size=1, max_size=25))
def test_fuzz_pretty_round_trips(text: str) -> None:
    """The pretty form reads back to the same value."""
    try:
        node = parse(text, names=["x"])
    except ParseError:
        return
    try:
        v = evaluate(node, {"x": Fraction(3, 7)}, exact=True)
    except EvalError:
        return
    back = parse(pretty(node), names=["x"])
    assert evaluate(back, {"x": Fraction(3, 7)}, exact=True) == v
