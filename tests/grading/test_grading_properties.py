"""Property tests: rewriting a formula never changes its verdict; perturbing it always does."""

from __future__ import annotations

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.grading import grade

SYMBOLS = "x: positive; n: positive integer; t: real"
x, n, t = sympy.symbols("x n t")
coef = st.integers(-9, 9).filter(lambda c: c != 0)
power = st.integers(1, 3)

SETTINGS = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def formulas(draw) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr, sympy.Expr]:
    """(first factor, second factor, denominator, added term) of f₁·f₂/d + g."""
    a, b, c, d = draw(coef), draw(coef), draw(coef), draw(coef)
    first = (a * x + b) ** draw(power)
    second = c * t + n
    den = x + abs(d)
    extra = draw(st.sampled_from([sympy.log(x), sympy.exp(-x), sympy.Integer(0), t ** 2]))
    return first, second, den, extra


def text(e: sympy.Expr) -> str:
    return str(e)


def verdict(ref: sympy.Expr, answer: str) -> str:
    return grade(text(ref), answer, symbols=SYMBOLS).verdict.value


@SETTINGS
@given(formulas(), st.sampled_from(["expand", "factor", "together", "reorder", "k/k"]))
def test_equivalent_rewritings_are_accepted(parts, how: str) -> None:
    first, second, den, extra = parts
    ref = first * second / den + extra
    if how == "expand":
        answer = text(sympy.expand(ref))
    elif how == "factor":
        answer = text(sympy.factor(ref))
    elif how == "together":
        answer = text(sympy.together(ref))
    elif how == "reorder":  # the terms of the sum, last first
        answer = " + ".join(f"({text(term)})" for term in reversed(sympy.Add.make_args(ref)))
    else:  # multiplied by k/k with k never 0 on its domain
        answer = f"({text(ref)})*(n + x)/(x + n)"
    assert verdict(ref, answer) == "correct", (ref, answer)


@SETTINGS
@given(formulas(), st.sampled_from(["+1e-9", "-1e-9", "n-1", "drop", "exponent"]))
def test_perturbations_are_rejected(parts, how: str) -> None:
    first, second, den, extra = parts
    ref = first * second / den + extra
    if how == "+1e-9":
        answer = f"({text(ref)})*(1 + 10^-9)"
    elif how == "-1e-9":
        answer = f"({text(ref)})*(1 - 10^-9)"
    elif how == "n-1":
        answer = text(ref.subs(n, n - 1))
    elif how == "drop":  # a factor left out
        answer = text(first / den + extra)
    else:  # the first factor's exponent changed
        answer = text(first * (first.base if first.is_Pow else first) * second / den + extra)
    assert verdict(ref, answer) == "incorrect", (ref, answer)
