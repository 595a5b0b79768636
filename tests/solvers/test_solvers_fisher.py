"""solvers.fisher and solvers.stats against E[score^2] by summation / quadrature, Monte Carlo
variances of efficient estimators, and scipy's normal quantiles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from solvers import fisher, mle
from solvers import stats as sstats

H = 1e-5


def _score(logpdf, theta, x):
    """d/dtheta log p(x | theta) by central differences."""
    return (logpdf(x, theta + H) - logpdf(x, theta - H)) / (2 * H)


def _discrete_info(logpmf, theta, support):
    s = _score(logpmf, theta, support)
    return float(np.sum(np.exp(logpmf(support, theta)) * s * s))


def _continuous_info(logpdf, theta, lo, hi):
    def f(x):
        return math.exp(logpdf(x, theta)) * _score(logpdf, theta, x) ** 2

    return integrate.quad(f, lo, hi, epsabs=1e-12, epsrel=1e-10, limit=200)[0]


@settings(max_examples=20, deadline=None)
@given(p=st.floats(0.02, 0.98), trials=st.integers(1, 30))
def test_bernoulli_binomial(p, trials):
    info = _discrete_info(stats.bernoulli.logpmf, p, np.array([0, 1]))
    assert fisher.information("bernoulli", p=p) == pytest.approx(info, rel=1e-6)
    info = _discrete_info(lambda x, t: stats.binom.logpmf(x, trials, t), p, np.arange(trials + 1))
    assert fisher.information("binomial", trials=trials, p=p) == pytest.approx(info, rel=1e-6)


@settings(max_examples=20, deadline=None)
@given(lam=st.floats(0.1, 30))
def test_poisson_exponential(lam):
    info = _discrete_info(stats.poisson.logpmf, lam, np.arange(int(lam + 40 * lam**0.5 + 50)))
    assert fisher.information("poisson", lam=lam) == pytest.approx(info, rel=1e-6)
    assert stats.expon.logpdf(0.7, scale=1 / lam) == pytest.approx(math.log(lam) - lam * 0.7)
    info = _continuous_info(lambda x, r: math.log(r) - r * x, lam, 0, 60 / lam)
    assert fisher.information("exponential", rate=lam) == pytest.approx(info, rel=1e-6)


def _norm_logpdf(x, mu, var):
    return -0.5 * math.log(2 * math.pi * var) - (x - mu) ** 2 / (2 * var)


@settings(max_examples=10, deadline=None)
@given(mu=st.floats(-3, 3), var=st.floats(0.2, 5))
def test_gaussian_matrix(mu, var):
    sd = math.sqrt(var)
    lo, hi = mu - 14 * sd, mu + 14 * sd
    assert _norm_logpdf(0.3, mu, var) == pytest.approx(stats.norm.logpdf(0.3, mu, sd))

    def score(x):
        d_mu = (_norm_logpdf(x, mu + H, var) - _norm_logpdf(x, mu - H, var)) / (2 * H)
        d_var = (_norm_logpdf(x, mu, var + H) - _norm_logpdf(x, mu, var - H)) / (2 * H)
        return d_mu, d_var

    def integrand(x, i, j):
        sc = score(x)
        return math.exp(_norm_logpdf(x, mu, var)) * sc[i] * sc[j]

    expected = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            expected[i, j] = integrate.quad(
                integrand, lo, hi, args=(i, j), epsabs=1e-12, epsrel=1e-9
            )[0]
    got = fisher.information("gaussian", mu=mu, var=var)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-8)
    assert fisher.information("gaussian_mean", mu=mu, var=var) == pytest.approx(got[0, 0])
    assert fisher.information("gaussian_var", mu=mu, var=var) == pytest.approx(got[1, 1])
    np.testing.assert_allclose(fisher.crlb("gaussian", 7, mu=mu, var=var), np.linalg.inv(7 * got))


def test_crlb_matches_monte_carlo_variance_of_efficient_estimators():
    rng = np.random.default_rng(0)
    n, reps = 25, 4000
    lam = 3.0
    est = [mle.poisson(rng.poisson(lam, n)) for _ in range(reps)]
    assert np.var(est) == pytest.approx(fisher.crlb("poisson", n, lam=lam), rel=0.08)
    p = 0.3
    est = [mle.bernoulli(rng.binomial(1, p, n)) for _ in range(reps)]
    assert np.var(est) == pytest.approx(fisher.crlb("bernoulli", n, p=p), rel=0.08)
    est = [mle.gaussian(rng.normal(1.0, 2.0, n))[0] for _ in range(reps)]
    assert np.var(est) == pytest.approx(fisher.crlb("gaussian", n, mu=1.0, var=4.0)[0, 0], rel=0.08)


@settings(max_examples=30, deadline=None)
@given(level=st.floats(0.5, 0.999), se=st.floats(1e-3, 100))
def test_wald_halfwidth_and_quantiles(level, se):
    z = stats.norm.ppf((1 + level) / 2)
    assert sstats.z_value(level) == pytest.approx(z, rel=1e-9)
    assert fisher.wald_halfwidth(se, level) == pytest.approx(z * se, rel=1e-9)
    assert sstats.normal_quantile(level) == pytest.approx(stats.norm.ppf(level), rel=1e-9)


def test_wald_halfwidth_at_uses_the_crlb():
    assert fisher.wald_halfwidth_at("bernoulli", 100, p=0.5) == pytest.approx(
        1.959964 * 0.05, rel=1e-6
    )
    assert sstats.z_value(0.95) == pytest.approx(1.959963984540054)
    with pytest.raises(ValueError, match="several parameters"):
        fisher.wald_halfwidth_at("gaussian", 10, mu=0, var=1)


@pytest.mark.parametrize("seed", range(5))
def test_unbiased_variance(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rng.integers(2, 30))
    assert sstats.unbiased_variance(x) == pytest.approx(np.var(x, ddof=1))
    assert sstats.unbiased_variance(x) == pytest.approx(mle.gaussian(x)[1] * x.size / (x.size - 1))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fisher.information("gamma", shape=1), "unknown family 'gamma'"),
        (lambda: fisher.information("bernoulli"), "missing: p"),
        (lambda: fisher.information("bernoulli", p=0.5, q=1), "unexpected: q"),
        (lambda: fisher.information("bernoulli", p=1.0), "strictly between 0 and 1"),
        (lambda: fisher.information("binomial", trials=0, p=0.5), "trials must be >= 1"),
        (lambda: fisher.information("binomial", trials=2.5, p=0.5), "integer"),
        (lambda: fisher.information("poisson", lam=-1), "lam must be > 0"),
        (lambda: fisher.information("exponential", rate=0), "rate must be > 0"),
        (lambda: fisher.information("gaussian", mu=0, var=0), "var must be > 0"),
        (lambda: fisher.crlb("poisson", 0, lam=1), "n must be >= 1"),
        (lambda: fisher.wald_halfwidth(-1), "se must be > 0"),
        (lambda: fisher.wald_halfwidth(1, level=1.0), "strictly between"),
        (lambda: sstats.normal_quantile(0), "strictly between"),
        (lambda: sstats.unbiased_variance([1.0]), "at least two"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
