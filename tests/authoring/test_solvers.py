"""`trainer solvers` and the did-you-mean hints of `trainer validate` for misspelt names."""

from __future__ import annotations

import inspect
import json
import math

import pytest

from trainer.cli import main
from trainer.registry import REGISTRY


def _finite(value: object) -> bool:
    if hasattr(value, "tolist"):
        value = value.tolist()  # type: ignore[union-attr]
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return isinstance(value, (int, float)) and math.isfinite(value)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_solver_function_has_a_working_example_and_documented_params(name):
    entry = REGISTRY[name]
    params = inspect.signature(entry.func).parameters
    required = [p for p in params.values() if p.default is inspect.Parameter.empty]
    assert len(entry.example) >= len(required), (
        f"{name}: give _register an example=(...) call with one value per parameter")
    assert _finite(entry.func(*entry.example)), f"{name}: the example call has no finite value"
    undocumented = [p for p, doc in entry.param_docs().items() if not doc]
    assert not undocumented, (f"{name}: say what {undocumented} mean (domain, units) in "
                              "PARAM_DOCS or in _register(params=...)")


def _matrix(value: object) -> bool:
    return isinstance(value, (list, tuple)) and any(isinstance(v, (list, tuple)) for v in value)


@pytest.mark.parametrize("name", sorted(n for n, e in REGISTRY.items()
                                        if not any(_matrix(a) for a in e.example)))
def test_every_example_call_reads_in_a_deck_and_gives_its_value(name):
    # `trainer solvers` showed `poisson_mle([2, 4, 3])`, which a deck's `solve` refuses
    from trainer.exercises.exercise import _solve_functions, solve_function_names
    from trainer.exercises.params import parse_cached
    from trainer.grading.expr import evaluate

    entry = REGISTRY[name]
    node, _ = parse_cached(entry.example_call(), (), solve_function_names())
    got, direct = evaluate(node, {}, _solve_functions()), entry.func(*entry.example)
    if hasattr(direct, "tolist"):
        direct = direct.tolist()  # type: ignore[union-attr]
    assert got == pytest.approx(direct, rel=1e-12)


def test_solvers_shows_signature_units_and_the_example_value(capsys):
    assert main(["solvers", "kl_gaussian"]) == 0
    out = capsys.readouterr().out
    assert "kl_gaussian(mu1, var1, mu2, var2)" in out
    assert "VARIANCE of the first distribution (not a standard deviation)" in out
    entry = REGISTRY["kl_gaussian"]
    mu1, var1, mu2, var2 = entry.example
    # KL(N(m1, v1) || N(m2, v2)) = (1/2)(log(v2/v1) + (v1 + (m1-m2)^2)/v2 - 1), written out here
    expected = 0.5 * (math.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1)
    (line,) = [ln for ln in out.splitlines() if ln.strip().startswith("e.g.")]
    assert line.strip().startswith(f"e.g. {entry.example_call()} = ")
    assert float(line.rsplit("= ", 1)[1]) == pytest.approx(expected, rel=1e-5)


def test_solvers_name_filters_and_json_lists_every_field(capsys):
    assert main(["solvers", "bernoulli", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    names = {r["name"] for r in rows}
    assert "bernoulli_mle" in names and "kl_gaussian" not in names
    assert all("bernoulli" in n for n in names)
    mle = next(r for r in rows if r["name"] == "bernoulli_mle")
    assert mle["signature"] == "bernoulli_mle(k, n)"
    assert set(mle["params"]) == {"k", "n"} and all(mle["params"].values())
    k, n = REGISTRY["bernoulli_mle"].example
    assert mle["example"]["value"] == pytest.approx(k / n)
    assert mle["origin"] == "trainer"


def test_solvers_with_an_unknown_name_suggests_the_closest(capsys):
    assert main(["solvers", "bernouli_mlee"]) == 1
    err = capsys.readouterr().err
    assert "no solver function matches 'bernouli_mlee'" in err
    assert "'bernoulli_mle'" in err


DECK = """\
deck: misspelt
title: Misspelt
cards:
  - id: rate
    kind: numeric
    prompt: "{{k}} of {{n}}?"
    params:
      n: randint(20, 60)
      k: randintt(2, n - 2)
    solve: bernouli_mle(k, n)
  - id: sym
    kind: symbolic
    prompt: What is p?
    symbols:
      p: positiv
    answer: p
"""


def test_validate_suggests_the_closest_solver_param_function_and_domain(write_deck, capsys):
    path = write_deck(DECK)
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    solve = next(ln for ln in lines if "solve" in ln)
    assert ":10:12: rate: " in solve
    assert "did you mean 'bernoulli_mle'" in solve and "`trainer solvers`" in solve
    param = next(ln for ln in lines if "param 'k'" in ln)
    assert "did you mean 'randint'?" in param
    domain = next(ln for ln in lines if "domain" in ln)
    assert ": sym: " in domain and "did you mean 'positive'" in domain


def test_a_problem_of_the_deck_itself_names_no_placeholder_card(write_deck, capsys):
    path = write_deck("title: x\ncards: []\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert out == f"{path}:1:1: missing required field 'deck'\n"
