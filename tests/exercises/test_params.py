"""The params language: seeded draws, rounding before solving, constraints, placeholders."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from trainer.decks import load_text
from trainer.exercises import ExerciseError, Sample, format_value, instantiate, review_seed
from trainer.exercises.params import draw_params, fill

DECK = r"""
deck: p
title: P
cards:
  - id: coin
    kind: numeric
    prompt: "{{k}} heads in {{n}} flips; x = {{x}}; p = {{p}}; tails {{n - k}}."
    params:
      n: randint(20, 60)
      k: randint(1, n - 1)
      p: uniform(0.1, 0.9, 2)
      x: normal(2, 1.5, 8, 2)
      c: poisson(3, 10)
      b: bernoulli(0.5, 6)
      a: choice(1, 2, 5)
    constraints: ["k < n"]
    solve: bernoulli_mle(k, n)
    solution: "$\\hat p = {{k}}/{{n}}$"
"""


def card():
    deck, problems = load_text(DECK, "p.yaml")
    assert problems == [] and deck is not None
    return deck.cards[0]


def test_same_card_and_review_give_the_same_exercise():
    a, b = instantiate(card(), 7), instantiate(card(), 7)
    assert a.seed == b.seed == review_seed("p/coin", 7)
    assert a.params == b.params and a.prompt == b.prompt


def test_different_reviews_give_different_params():
    drawn = {tuple(sorted((k, str(v)) for k, v in instantiate(card(), r).params.items()))
             for r in range(10)}
    assert len(drawn) == 10


def test_the_seed_is_stable_across_processes():
    code = ("from trainer.exercises import review_seed; print(review_seed('p/coin', 3))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123"})
    assert int(out.stdout) == review_seed("p/coin", 3)


def test_draws_have_the_declared_shapes_and_ranges():
    for r in range(30):
        p = instantiate(card(), r).params
        assert 20 <= p["n"] <= 60 and 1 <= p["k"] < p["n"]
        assert 0.1 <= p["p"] <= 0.9 and round(p["p"], 2) == p["p"]
        assert isinstance(p["x"], Sample) and len(p["x"]) == 8
        assert all(round(v, 2) == v for v in p["x"])
        assert len(p["c"]) == 10 and all(isinstance(v, int) and v >= 0 for v in p["c"])
        assert set(p["b"]) <= {0, 1} and p["a"] in (1, 2, 5)


def test_prompt_and_solution_are_filled_and_lists_are_comma_separated():
    ex = instantiate(card(), 0)
    p = ex.params
    assert ex.prompt.startswith(f"{p['k']} heads in {p['n']} flips")
    assert f"x = {format_value(p['x'])};" in ex.prompt
    assert ", " in format_value(p["x"]) and "{{" not in ex.prompt
    assert f"tails {p['n'] - p['k']}." in ex.prompt
    assert ex.solution == f"$\\hat p = {p['k']}/{p['n']}$"


def test_printed_numbers_read_back_as_the_numbers_the_solver_gets():
    # derived params are rounded to 12 significant digits when drawn, and printed exactly
    env = draw_params((("a", "uniform(0, 1)"), ("b", "a/3"), ("x", "normal(0, 1, 5)")), (), 1)
    for v in (env["a"], env["b"], *env["x"]):
        assert float(format_value(v)) == v
    assert format_value(0.1 + 0.2) == "0.30000000000000004"  # not a param: printed as is
    assert format_value(3.0) == "3" and format_value(1e-05) == "1e-5"


def test_rounding_happens_before_solving():
    ex = instantiate(card(), 4)
    shown = ex.prompt.split("p = ")[1].split(";")[0]
    assert float(shown) == ex.params["p"]
    env = draw_params((("p", "uniform(0.1, 0.9, 2)"), ("q", "p*100")), (), 5)
    assert env["q"] == round(env["p"] * 100, 9)


def test_constraints_are_met_by_redrawing():
    for seed in range(50):
        env = draw_params((("a", "randint(1, 6)"), ("b", "randint(1, 6)")), ("a < b", "a + b != 7"),
                          seed)
        assert env["a"] < env["b"] and env["a"] + env["b"] != 7


def test_chained_comparisons():
    env = draw_params((("a", "randint(0, 10)"),), ("2 <= a <= 4",), 3)
    assert 2 <= env["a"] <= 4


def test_unsatisfiable_constraints_give_a_clear_error():
    with pytest.raises(ExerciseError, match="still failed after .* draws"):
        draw_params((("a", "randint(1, 3)"),), ("a > 5",), 1)


def test_samples_support_elementwise_arithmetic_and_helpers():
    env = draw_params((("x", "uniform_sample(1, 2, 4, 1)"), ("y", "round(2*x + 1, 1)"),
                       ("s", "sum(x)"), ("m", "mean(y)"), ("d", "dot(x, y)"), ("i", "item(x, 2)"),
                       ("q", "simplex(3, 2)"), ("c", "multinomial(50, q)"),
                       ("p", "prod(x)"), ("pc", "prod(vec(2, 3, 4))")), (), 9)
    assert env["y"] == tuple(round(2 * v + 1, 1) for v in env["x"])
    assert env["p"] == pytest.approx(math.prod(env["x"])) and env["pc"] == 24
    assert env["i"] == env["x"][1]
    assert abs(sum(env["q"]) - 1) < 1e-12 and min(env["q"]) > 0
    assert sum(env["c"]) == 50


@pytest.mark.parametrize("expr, message", [
    ("randint(5, 1)", "empty"),
    ("normal(0, 1, 0)", "between 1"),
    ("x + 1", "not a declared symbol"),
    ("log(0 - 1)", "can not be evaluated|math domain"),
])
def test_bad_params_are_exercise_errors_not_tracebacks(expr, message):
    with pytest.raises(ExerciseError, match=message):
        draw_params((("a", expr),), (), 1)


def test_arithmetic_on_a_sample_of_another_length_is_an_error():
    with pytest.raises(ExerciseError, match="different lengths"):
        draw_params((("x", "normal(0, 1, 3)"), ("y", "normal(0, 1, 4)"), ("z", "x + y")), (), 1)


def test_placeholders_may_be_expressions_and_bad_ones_are_errors():
    assert fill("{{n - k}} of {{ n }}", {"n": 10, "k": 3}) == "7 of 10"
    assert fill(r"$\frac{{{k}}}{{{n}}}$", {"n": 10, "k": 3}) == r"$\frac{3}{10}$"
    with pytest.raises(ExerciseError, match="placeholder"):
        fill("{{m}}", {"n": 1})


def test_instantiating_loads_neither_numpy_nor_sympy():
    code = (
        "import sys\n"
        "from trainer.decks import load_text\n"
        "from trainer.exercises import instantiate\n"
        f"deck, _ = load_text({DECK!r}, 'p.yaml')\n"
        "ex = instantiate(deck.cards[0], 0)\n"
        "ex.preview(0, '3/4')\n"
        "print('numpy' in sys.modules, 'sympy' in sys.modules, 'textual' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False"]


def test_a_constraint_may_call_a_solver_function_on_any_card():
    """Drawing skipped a constraint that called a solver as if it named a symbol, so the
    draws it excluded still came (numeric cards as well as code cards)."""
    params = (("k", "randint(0, 20)"), ("n", "randint(20, 30)"))
    draws = [draw_params(params, ("bernoulli_mle(k, n) > 0.5",), seed) for seed in range(60)]
    assert all(d["k"] / d["n"] > 0.5 for d in draws)
    # a constraint naming something else (a symbolic card's symbol) is still left to check
    assert draw_params(params, ("p < 1",), 1)
