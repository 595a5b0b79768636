"""solvers.symbolic: each derived expression evaluated at random points equals the numeric solver."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from solvers import fisher, kl, mle
from solvers import map as mp
from solvers import symbolic as sym

SEEDS = range(5)


def _num(expr, values: dict) -> float:
    by_name = {s: values[s.name] for s in expr.free_symbols}
    out = complex(expr.subs(by_name).evalf())
    assert abs(out.imag) < 1e-12
    return out.real


@pytest.mark.parametrize("seed", SEEDS)
def test_mle_expressions(seed):
    rng = np.random.default_rng(seed)
    b = rng.integers(0, 2, size=rng.integers(2, 30))
    b[0], b[1] = 0, 1
    assert _num(sym.mle_expr("bernoulli"), {"k": b.sum(), "n": b.size}) == pytest.approx(
        mle.bernoulli(b)
    )
    c = rng.poisson(3, size=rng.integers(1, 30)) + 1
    assert _num(sym.mle_expr("poisson"), {"s": c.sum(), "n": c.size}) == pytest.approx(
        mle.poisson(c)
    )
    e = rng.exponential(2, size=rng.integers(1, 30))
    assert _num(sym.mle_expr("exponential"), {"s": e.sum(), "n": e.size}) == pytest.approx(
        mle.exponential(e)
    )
    g = rng.normal(1, 2, size=rng.integers(2, 30))
    vals = {"s": g.sum(), "s2": np.sum(g * g), "n": g.size}
    mean, var = mle.gaussian(g)
    assert _num(sym.mle_expr("gaussian_mean"), vals) == pytest.approx(mean)
    assert _num(sym.mle_expr("gaussian_var"), vals) == pytest.approx(var, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_fisher_and_crlb_expressions(seed):
    rng = np.random.default_rng(seed)
    p, lam, mu, var = (
        rng.uniform(0.05, 0.95),
        rng.uniform(0.1, 10),
        rng.normal(),
        rng.uniform(0.1, 5),
    )
    trials, n = int(rng.integers(1, 20)), int(rng.integers(1, 50))
    cases = [
        ("bernoulli", {"p": p}, {"p": p}),
        ("binomial", {"m": trials, "p": p}, {"trials": trials, "p": p}),
        ("poisson", {"lambda": lam}, {"lam": lam}),
        ("exponential", {"lambda": lam}, {"rate": lam}),
        ("gaussian_mean", {"mu": mu, "sigma2": var}, {"mu": mu, "var": var}),
        ("gaussian_var", {"mu": mu, "sigma2": var}, {"mu": mu, "var": var}),
    ]
    for family, symbolic_values, numeric_params in cases:
        expr = sym.fisher_information_expr(family)
        assert _num(expr, symbolic_values) == pytest.approx(
            fisher.information(family, **numeric_params), rel=1e-10
        ), family
        bound = sym.crlb_expr(family)
        assert _num(bound, {**symbolic_values, "n": n}) == pytest.approx(
            fisher.crlb(family, n, **numeric_params), rel=1e-10
        ), family
    matrix = sym.fisher_information_expr("gaussian")
    values = {sym.default_symbol("mu"): mu, sym.default_symbol("var"): var}
    np.testing.assert_allclose(
        np.array(matrix.subs(values), dtype=float), fisher.information("gaussian", mu=mu, var=var)
    )
    inverse = sym.crlb_expr("gaussian").subs({**values, sym.default_symbol("n"): n})
    np.testing.assert_allclose(
        np.array(inverse, dtype=float), fisher.crlb("gaussian", n, mu=mu, var=var)
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_kl_expressions(seed):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.normal(size=2)
    v1, v2 = rng.uniform(0.1, 5, size=2)
    p, q = rng.uniform(0.01, 0.99, size=2)
    l1, l2 = rng.uniform(0.1, 10, size=2)
    got = _num(sym.kl_expr("gaussian"), {"mu1": mu1, "mu2": mu2, "sigma2_1": v1, "sigma2_2": v2})
    assert got == pytest.approx(kl.gaussian(mu1, v1, mu2, v2), rel=1e-10, abs=1e-14)
    assert _num(sym.kl_expr("bernoulli"), {"p": p, "q": q}) == pytest.approx(
        kl.bernoulli(p, q), rel=1e-10, abs=1e-14
    )
    lams = {"lambda1": l1, "lambda2": l2}
    assert _num(sym.kl_expr("exponential"), lams) == pytest.approx(
        kl.exponential(l1, l2), rel=1e-10, abs=1e-14
    )
    assert _num(sym.kl_expr("poisson"), lams) == pytest.approx(
        kl.poisson(l1, l2), rel=1e-10, abs=1e-14
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_beta_bernoulli_map_expression(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    k = int(rng.integers(0, n + 1))
    a, b = rng.uniform(1.1, 5, size=2)
    got = _num(sym.beta_bernoulli_map_expr(), {"k": k, "n": n, "a": a, "b": b})
    assert got == pytest.approx(mp.beta_bernoulli(k, n, a, b), rel=1e-12)


def test_symbols_can_be_replaced():
    theta = sp.Symbol("theta", positive=True)
    expr = sym.fisher_information_expr("bernoulli", p=theta)
    assert expr.free_symbols == {theta}
    assert sp.simplify(expr - 1 / (theta * (1 - theta))) == 0
    assert sym.fisher_information_expr("bernoulli").free_symbols == {sym.default_symbol("p")}
    nn = sp.Symbol("N", positive=True)
    assert sym.crlb_expr("poisson", n=nn).free_symbols == {nn, sym.default_symbol("lam")}
    t = sp.Symbol("t", positive=True)
    assert sym.beta_bernoulli_map_expr(p=t) == sym.beta_bernoulli_map_expr()


def test_exact_forms():
    p, n, k = (sym.default_symbol(s) for s in ("p", "n", "k"))
    assert sym.mle_expr("bernoulli") == k / n
    assert sp.simplify(sym.crlb_expr("bernoulli") - p * (1 - p) / n) == 0


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: sym.mle_expr("gamma"), "unknown family 'gamma'"),
        (lambda: sym.fisher_information_expr("bernoulli", q=sp.Symbol("q")), "unexpected: q"),
        (lambda: sym.kl_expr("bernoulli", p="p"), "must be a sympy Symbol"),
        (lambda: sym.kl_expr("cauchy"), "unknown family"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
