"""solvers.kl against numerical integration, summation and Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special, stats

from solvers import kl

SEEDS = range(6)


@settings(max_examples=30, deadline=None)
@given(mu1=st.floats(-5, 5), mu2=st.floats(-5, 5), v1=st.floats(0.1, 5), v2=st.floats(0.1, 5))
def test_gaussian_against_quadrature(mu1, mu2, v1, v2):
    def logpdf(x, mu, var):
        return -0.5 * math.log(2 * math.pi * var) - (x - mu) ** 2 / (2 * var)

    assert logpdf(0.1, mu1, v1) == pytest.approx(stats.norm.logpdf(0.1, mu1, math.sqrt(v1)))
    lo, hi = mu1 - 12 * math.sqrt(v1), mu1 + 12 * math.sqrt(v1)
    expected = integrate.quad(
        lambda x: math.exp(logpdf(x, mu1, v1)) * (logpdf(x, mu1, v1) - logpdf(x, mu2, v2)),
        lo,
        hi,
        epsabs=1e-12,
        epsrel=1e-10,
    )[0]
    assert kl.gaussian(mu1, v1, mu2, v2) == pytest.approx(expected, rel=1e-7, abs=1e-9)


def test_gaussian_takes_variances_and_p_first():
    assert kl.gaussian(0, 4, 0, 4) == 0.0
    assert kl.gaussian(0, 1, 0, 4) == pytest.approx(0.5 * (math.log(4) + 1 / 4 - 1))
    assert kl.gaussian(0, 1, 0, 4) != pytest.approx(kl.gaussian(0, 4, 0, 1))


@pytest.mark.parametrize("seed", SEEDS)
def test_mvn_against_monte_carlo_and_diagonal_case(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, 4))
    a, b = rng.normal(size=(k, k)), rng.normal(size=(k, k))
    cov1, cov2 = a @ a.T + 0.5 * np.eye(k), b @ b.T + 0.5 * np.eye(k)
    mu1, mu2 = rng.normal(size=k), rng.normal(size=k)
    p, q = stats.multivariate_normal(mu1, cov1), stats.multivariate_normal(mu2, cov2)
    xs = p.rvs(size=200_000, random_state=rng).reshape(-1, k)
    samples = p.logpdf(xs) - q.logpdf(xs)
    se = samples.std() / math.sqrt(samples.size)
    assert kl.mvn(mu1, cov1, mu2, cov2) == pytest.approx(samples.mean(), abs=5 * se + 1e-9)
    d1, d2 = np.diag(cov1), np.diag(cov2)
    expected = sum(kl.gaussian(mu1[i], d1[i], mu2[i], d2[i]) for i in range(k))
    assert kl.mvn(mu1, np.diag(d1), mu2, np.diag(d2)) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(p=st.floats(0, 1), q=st.floats(1e-6, 1 - 1e-6))
def test_bernoulli_against_sum(p, q):
    expected = special.rel_entr(p, q) + special.rel_entr(1 - p, 1 - q)
    assert kl.bernoulli(p, q) == pytest.approx(expected, rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_entropy_cross_entropy(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 8))
    p, q = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    p[0] = 0.0
    p /= p.sum()
    assert kl.categorical(p, q) == pytest.approx(stats.entropy(p, q), rel=1e-10)
    assert kl.entropy(p) == pytest.approx(stats.entropy(p), rel=1e-10)
    assert kl.cross_entropy(p, q) == pytest.approx(kl.entropy(p) + kl.categorical(p, q))
    assert kl.cross_entropy(p, q) == pytest.approx(-np.sum(special.xlogy(p, q)))


@settings(max_examples=30, deadline=None)
@given(l1=st.floats(0.05, 30), l2=st.floats(0.05, 30))
def test_poisson_against_sum(l1, l2):
    xs = np.arange(0, int(l1 + 40 * math.sqrt(l1) + 60))
    pmf = stats.poisson.pmf(xs, l1)
    expected = np.sum(pmf * (stats.poisson.logpmf(xs, l1) - stats.poisson.logpmf(xs, l2)))
    assert kl.poisson(l1, l2) == pytest.approx(expected, rel=1e-8, abs=1e-10)


@settings(max_examples=30, deadline=None)
@given(r1=st.floats(0.1, 10), r2=st.floats(0.1, 10))
def test_exponential_against_quadrature(r1, r2):
    def logpdf(x, r):
        return math.log(r) - r * x

    assert logpdf(0.4, r1) == pytest.approx(stats.expon.logpdf(0.4, scale=1 / r1))
    expected = integrate.quad(
        lambda x: math.exp(logpdf(x, r1)) * (logpdf(x, r1) - logpdf(x, r2)),
        0,
        60 / r1,
        epsabs=1e-12,
        epsrel=1e-10,
    )[0]
    assert kl.exponential(r1, r2) == pytest.approx(expected, rel=1e-7, abs=1e-9)


def test_support_mismatch_is_a_deliberate_inf():
    assert kl.bernoulli(0.5, 0.0) == math.inf
    assert kl.bernoulli(0.0, 0.0) == 0.0
    assert kl.bernoulli(1.0, 1.0) == 0.0
    assert kl.categorical([0.5, 0.5, 0], [1, 0, 0]) == math.inf
    assert kl.categorical([1, 0], [0.5, 0.5]) == pytest.approx(math.log(2))
    assert kl.cross_entropy([0.5, 0.5], [1, 0]) == math.inf


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: kl.gaussian(0, 0, 0, 1), "var1 must be > 0"),
        (lambda: kl.gaussian(0, 1, 0, -1), "var2 must be > 0"),
        (lambda: kl.gaussian(float("nan"), 1, 0, 1), "finite"),
        (lambda: kl.mvn([0, 0], np.eye(2), [0], np.eye(1)), "mismatched"),
        (lambda: kl.mvn([0, 0], np.eye(3), [0, 0], np.eye(2)), "shape"),
        (lambda: kl.mvn([0, 0], [[1, 2], [2, 1]], [0, 0], np.eye(2)), "positive definite"),
        (lambda: kl.mvn([0, 0], [[1, 0.5], [0, 1]], [0, 0], np.eye(2)), "symmetric"),
        (lambda: kl.bernoulli(1.5, 0.5), r"\[0, 1\]"),
        (lambda: kl.categorical([0.5, 0.6], [0.5, 0.5]), "sum to 1"),
        (lambda: kl.categorical([0.5, 0.5], [1.0]), "mismatched"),
        (lambda: kl.categorical([1.5, -0.5], [0.5, 0.5]), "negative"),
        (lambda: kl.poisson(0, 1), "lam1 must be > 0"),
        (lambda: kl.exponential(1, 0), "rate2 must be > 0"),
        (lambda: kl.entropy([]), "empty"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sum_tolerance_is_relative_1e_9():
    kl.categorical([0.5, 0.5 + 5e-10], [0.5, 0.5])
    with pytest.raises(ValueError, match="sum to 1"):
        kl.categorical([0.5, 0.5 + 5e-9], [0.5, 0.5])


def test_forward_gaussian_fit_minimises_the_forward_kl_numerically():
    # KL(P || N(m, s2)) = -H(P) - E_P[log N(x; m, s2)]: minimise the cross-entropy term by
    # quadrature and a generic optimiser, and compare with the moment-matched closed form.
    # Simpson's rule on a fixed grid (error far below the tolerances: the integrands are
    # smooth and negligible beyond +-20): adaptive quad per evaluation took 3 s of CPU
    import numpy as np
    from scipy import integrate, optimize, stats

    from solvers.kl import forward_gaussian_fit

    w, mu, var = [0.3, 0.7], [-3.0, 2.0], [0.5, 1.5]
    x = np.linspace(-20, 20, 40_001)
    p = sum(wi * stats.norm.pdf(x, mi, np.sqrt(vi)) for wi, mi, vi in zip(w, mu, var, strict=True))

    def cross_entropy(theta):
        m, log_s2 = theta
        return -integrate.simpson(p * stats.norm.logpdf(x, m, np.exp(log_s2 / 2)), x=x)

    best = optimize.minimize(cross_entropy, x0=[0.0, 0.0], method="Nelder-Mead",
                             options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 2000})
    m, s2 = forward_gaussian_fit(w, mu, var)
    assert m == pytest.approx(best.x[0], abs=1e-4)
    assert s2 == pytest.approx(np.exp(best.x[1]), rel=1e-4)


def test_forward_gaussian_fit_refuses_weights_that_do_not_sum_to_one():
    from solvers.kl import forward_gaussian_fit

    with pytest.raises(ValueError, match="sum to 1"):
        forward_gaussian_fit([0.5, 0.6], [0, 1], [1, 1])
