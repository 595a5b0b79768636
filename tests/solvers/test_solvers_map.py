"""solvers.map against numerical maximisation of log prior + log likelihood, and numerical
integration: a posterior is checked by (log prior + log likelihood - log posterior) being
constant in the parameter, a mean by quadrature or Monte Carlo, a mode by an optimiser."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special, stats

from solvers import map as mp

SEEDS = range(6)


def _argmax_1d(f, lo, hi):
    res = optimize.minimize_scalar(
        lambda t: -f(t), bounds=(lo, hi), method="bounded", options={"xatol": 1e-11}
    )
    return res.x


def _posterior_mean(logpost, lo, hi):
    """E[theta] under exp(logpost) on [lo, hi] by adaptive quadrature, scaled at the peak."""
    grid = np.linspace(lo, hi, 201)[1:-1]
    logs = np.array([logpost(t) for t in grid])
    peak, top = grid[np.argmax(logs)], logs.max()

    def dens(t):
        return np.exp(logpost(t) - top)

    opts = {"epsabs": 0, "epsrel": 1e-12, "limit": 200, "points": [peak]}
    z = integrate.quad(dens, lo, hi, **opts)[0]
    return integrate.quad(lambda t: t * dens(t), lo, hi, **opts)[0] / z


def _assert_constant(values, rtol=1e-9):
    values = np.asarray(values)
    assert np.ptp(values) <= rtol * max(1.0, np.abs(values).max())


# ------------------------------------------------------------------------ Beta - Bernoulli


@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 40), frac=st.floats(0, 1), a=st.floats(0.2, 10), b=st.floats(0.2, 10))
def test_beta_bernoulli_posterior_is_prior_times_likelihood(n, frac, a, b):
    k = int(round(frac * n))
    a1, b1 = mp.beta_bernoulli_posterior(k, n, a, b)
    ps = np.linspace(0.05, 0.95, 7)
    diff = (
        stats.beta.logpdf(ps, a, b) + stats.binom.logpmf(k, n, ps) - stats.beta.logpdf(ps, a1, b1)
    )
    _assert_constant(diff, 1e-8)


@settings(max_examples=60, deadline=None)
@given(p=st.floats(1e-6, 1 - 1e-6), a=st.floats(0.1, 40), b=st.floats(0.1, 40))
def test_beta_log_density_is_scipys(p, a, b):
    assert mp.beta_log_density(p, a, b) == pytest.approx(stats.beta.logpdf(p, a, b), rel=1e-9,
                                                         abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_beta_bernoulli_mean_and_mode(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 30))
    k = int(rng.integers(0, n + 1))
    a, b = rng.uniform(1.1, 6, size=2)

    mean = _posterior_mean(
        lambda p: stats.beta.logpdf(p, a, b) + stats.binom.logpmf(k, n, p), 1e-12, 1 - 1e-12
    )
    assert mp.beta_bernoulli_mean(k, n, a, b) == pytest.approx(mean, rel=1e-7)
    mode = _argmax_1d(
        lambda p: stats.beta.logpdf(p, a, b) + stats.binom.logpmf(k, n, p), 1e-9, 1 - 1e-9
    )
    assert mp.beta_bernoulli(k, n, a, b) == pytest.approx(mode, abs=1e-6)


def test_beta_bernoulli_mode_edge_cases():
    assert mp.beta_bernoulli(0, 5, 1, 2) == 0.0  # Beta(1, 7): mode at the boundary 0
    assert mp.beta_bernoulli(5, 5, 1, 1) == 1.0  # uniform prior: MAP = MLE = 1
    with pytest.raises(ValueError, match="unbounded"):
        mp.beta_bernoulli(0, 3, 0.5, 2)  # Beta(0.5, 5)
    with pytest.raises(ValueError, match="flat"):
        mp.beta_bernoulli(0, 0, 1, 1)


# --------------------------------------------------------------------- Gamma - Poisson / Exp


@pytest.mark.parametrize("seed", SEEDS)
def test_gamma_poisson(seed):
    rng = np.random.default_rng(seed)
    x = rng.poisson(rng.uniform(0.5, 6), size=rng.integers(1, 20))
    shape, rate = rng.uniform(1.0, 5, size=2)
    a1, b1 = mp.gamma_poisson_posterior(x, shape, rate)
    lams = np.linspace(0.3, 8, 6)
    diff = [
        stats.gamma.logpdf(t, shape, scale=1 / rate)
        + stats.poisson.logpmf(x, t).sum()
        - stats.gamma.logpdf(t, a1, scale=1 / b1)
        for t in lams
    ]
    _assert_constant(diff)

    def logpost(t):
        return stats.gamma.logpdf(t, shape, scale=1 / rate) + stats.poisson.logpmf(x, t).sum()

    mean = _posterior_mean(logpost, 1e-12, 4 * x.max() + 20)
    assert mp.gamma_poisson_mean(x, shape, rate) == pytest.approx(mean, rel=1e-7)
    if a1 > 1:
        assert mp.gamma_poisson(x, shape, rate) == pytest.approx(
            _argmax_1d(logpost, 1e-9, 50), abs=1e-6
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_gamma_exponential(seed):
    rng = np.random.default_rng(seed)
    x = rng.exponential(rng.uniform(0.2, 3), size=rng.integers(1, 20))
    shape, rate = rng.uniform(0.5, 5, size=2)
    a1, b1 = mp.gamma_exponential_posterior(x, shape, rate)
    lams = np.linspace(0.2, 5, 6)

    def logpost(t):
        return (
            stats.gamma.logpdf(t, shape, scale=1 / rate) + stats.expon.logpdf(x, scale=1 / t).sum()
        )

    _assert_constant([logpost(t) - stats.gamma.logpdf(t, a1, scale=1 / b1) for t in lams])
    mean = _posterior_mean(logpost, 1e-12, 10 / x.mean() + 20)
    assert mp.gamma_exponential_mean(x, shape, rate) == pytest.approx(mean, rel=1e-7)
    assert mp.gamma_exponential(x, shape, rate) == pytest.approx(
        _argmax_1d(logpost, 1e-9, 100), abs=1e-6
    )


def test_gamma_mode_edge_cases():
    assert mp.gamma_poisson([0, 0], 1.0, 2.0) == 0.0
    with pytest.raises(ValueError, match="shape < 1"):
        mp.gamma_poisson([0, 0], 0.5, 2.0)


# -------------------------------------------------------------------- Dirichlet - Categorical


@pytest.mark.parametrize("seed", SEEDS)
def test_dirichlet_categorical(seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 5))
    counts = rng.integers(0, 15, size=k)
    alpha = rng.uniform(1.0, 4, size=k)
    post = mp.dirichlet_categorical_posterior(counts, alpha)
    points = rng.dirichlet(np.ones(k), size=5)
    diff = [
        stats.dirichlet.logpdf(p, alpha)
        + np.sum(counts * np.log(p))
        - stats.dirichlet.logpdf(p, post)
        for p in points
    ]
    _assert_constant(diff)
    samples = rng.dirichlet(post, size=200_000)  # Monte Carlo posterior mean
    np.testing.assert_allclose(
        mp.dirichlet_categorical_mean(counts, alpha), samples.mean(0), atol=5e-3
    )

    def neg_logpost(theta):
        logp = theta - special.logsumexp(theta)
        return -np.sum((alpha + counts - 1) * logp)

    res = optimize.minimize(neg_logpost, np.zeros(k), method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(
        mp.dirichlet_categorical(counts, alpha), special.softmax(res.x), atol=1e-5
    )


def test_dirichlet_mode_edge_cases():
    np.testing.assert_allclose(mp.dirichlet_categorical([0, 2, 1], [1, 1, 1]), [0, 2 / 3, 1 / 3])
    with pytest.raises(ValueError, match="unbounded"):
        mp.dirichlet_categorical([0, 2], [0.5, 1])
    with pytest.raises(ValueError, match="flat"):
        mp.dirichlet_categorical([0, 0], [1, 1])


# ------------------------------------------------------------------ Normal - Normal, NIG


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_mean_posterior(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(2, 1.5, size=rng.integers(1, 20))
    noise_var, prior_mean, prior_var = rng.uniform(0.3, 3), rng.normal(), rng.uniform(0.2, 5)
    m, var = mp.gaussian_mean_posterior(x, noise_var, prior_mean, prior_var)

    def logpost(mu):
        return (
            stats.norm.logpdf(mu, prior_mean, np.sqrt(prior_var))
            + stats.norm.logpdf(x, mu, np.sqrt(noise_var)).sum()
        )

    mus = np.linspace(-3, 3, 7)
    _assert_constant([logpost(t) - stats.norm.logpdf(t, m, np.sqrt(var)) for t in mus])
    assert mp.gaussian_mean(x, noise_var, prior_mean, prior_var) == pytest.approx(
        _argmax_1d(logpost, -20, 20), abs=1e-6
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_normal_inverse_gamma(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(1, 2, size=rng.integers(2, 15))
    mu0, kappa0, shape, scale = (
        rng.normal(),
        rng.uniform(0.5, 3),
        rng.uniform(1.5, 4),
        rng.uniform(0.5, 3),
    )

    def log_nig(mu, s2, m, kap, a, b):
        return stats.norm.logpdf(mu, m, np.sqrt(s2 / kap)) + stats.invgamma.logpdf(s2, a, scale=b)

    def logpost(mu, s2):
        return (
            log_nig(mu, s2, mu0, kappa0, shape, scale) + stats.norm.logpdf(x, mu, np.sqrt(s2)).sum()
        )

    post = mp.normal_inverse_gamma_posterior(x, mu0, kappa0, shape, scale)
    pts = [(rng.normal(), rng.uniform(0.5, 6)) for _ in range(6)]
    _assert_constant([logpost(mu, s2) - log_nig(mu, s2, *post) for mu, s2 in pts])

    def fast_logpost(mu, s2):  # the same density written out, for the optimiser's many calls
        return (
            -0.5 * np.log(s2 / kappa0)
            - kappa0 * (mu - mu0) ** 2 / (2 * s2)
            - (shape + 1) * np.log(s2)
            - scale / s2
            - 0.5 * x.size * np.log(s2)
            - np.sum((x - mu) ** 2) / (2 * s2)
        )

    assert fast_logpost(0.3, 1.7) - fast_logpost(-0.2, 2.5) == pytest.approx(
        logpost(0.3, 1.7) - logpost(-0.2, 2.5)
    )
    res = optimize.minimize(
        lambda t: -fast_logpost(t[0], np.exp(t[1])),
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000},
    )
    mode = mp.normal_inverse_gamma(x, mu0, kappa0, shape, scale)
    assert mode[0] == pytest.approx(res.x[0], abs=1e-5)
    assert mode[1] == pytest.approx(np.exp(res.x[1]), rel=1e-5)

    mu_n, kap_n, a_n, b_n = post
    s2 = stats.invgamma.rvs(a_n, scale=b_n, size=100_000, random_state=rng)
    mus = rng.normal(mu_n, np.sqrt(s2 / kap_n))
    mean = mp.normal_inverse_gamma_mean(x, mu0, kappa0, shape, scale)
    assert mean[0] == pytest.approx(mus.mean(), abs=0.02)
    assert mean[1] == pytest.approx(stats.invgamma.mean(a_n, scale=b_n), rel=1e-12)
    assert mean[1] == pytest.approx(s2.mean(), rel=0.05)


def test_nig_mean_needs_shape_above_one():
    with pytest.raises(ValueError, match="infinite"):
        mp.normal_inverse_gamma_mean([1.0], 0.0, 1.0, 0.2, 1.0)


# ---------------------------------------------------------------------- penalised regression


@pytest.mark.parametrize("seed", SEEDS)
def test_ridge_and_logistic_l2_against_bfgs(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(3, 30)), int(rng.integers(1, 6))
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + rng.normal(size=n)
    lam = rng.uniform(0.01, 10)

    def ridge_obj(w):
        r = y - X @ w
        return r @ r + lam * w @ w, -2 * X.T @ r + 2 * lam * w

    res = optimize.minimize(
        ridge_obj, np.zeros(d), jac=True, method="BFGS", options={"gtol": 1e-10}
    )
    np.testing.assert_allclose(mp.ridge(X, y, lam), res.x, atol=1e-6)
    assert mp.ridge_1d(X[:, 0], y, lam) == pytest.approx(mp.ridge(X[:, :1], y, lam)[0])

    labels = (rng.random(n) < 0.5).astype(float)

    def logit_obj(w):
        z = X @ w
        return (
            np.sum(np.logaddexp(0, z) - labels * z) + lam / 2 * w @ w,
            X.T @ (special.expit(z) - labels) + lam * w,
        )

    res = optimize.minimize(
        logit_obj, np.zeros(d), jac=True, method="BFGS", options={"gtol": 1e-10}
    )
    np.testing.assert_allclose(mp.logistic_l2(X, labels, lam), res.x, atol=1e-6)


@pytest.mark.parametrize("seed", SEEDS)
def test_ridge_neg_log_posterior_is_scipys_up_to_terms_free_of_w(seed):
    """Minus the log posterior by scipy (Gaussian likelihood plus Gaussian prior) differs from
    it by the same constant at every w, and its minimiser is ridge with lam = noise/prior."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(2, 8)), int(rng.integers(1, 4))
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    noise, prior = rng.uniform(0.2, 3), rng.uniform(0.2, 3)

    def scipy_neg_log_post(w):
        return -(stats.multivariate_normal.logpdf(y, X @ w, noise * np.eye(n))
                 + stats.multivariate_normal.logpdf(w, np.zeros(d), prior * np.eye(d)))

    ws = rng.normal(scale=2, size=(5, d))
    diffs = [mp.ridge_neg_log_posterior(X, y, w, noise, prior) - scipy_neg_log_post(w) for w in ws]
    assert max(diffs) - min(diffs) == pytest.approx(0, abs=1e-9)
    best = optimize.minimize(lambda w: mp.ridge_neg_log_posterior(X, y, w, noise, prior),
                             np.zeros(d), method="BFGS", options={"gtol": 1e-10}).x
    np.testing.assert_allclose(best, mp.ridge(X, y, noise / prior), atol=1e-6)


def test_logistic_l2_on_separable_data_is_finite():
    X = np.column_stack([np.ones(6), np.arange(6.0)])
    y = np.array([0, 0, 0, 1, 1, 1.0])
    w = mp.logistic_l2(X, y, 0.1)
    assert np.all(np.isfinite(w))
    with pytest.raises(ValueError, match="separable"):
        mp.logistic_l2(X, y, 0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_against_bound_constrained_split(seed):
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(8, 40)), int(rng.integers(1, 7))
    X = rng.normal(size=(n, d))
    w_true = rng.normal(size=d) * (rng.random(d) < 0.6)
    y = X @ w_true + 0.5 * rng.normal(size=n)
    lam = rng.uniform(0.1, 0.6) * np.abs(X.T @ y).max()

    def split(uv):  # w = u - v, u, v >= 0: a smooth problem with bounds
        u, vv = uv[:d], uv[d:]
        r = y - X @ (u - vv)
        g = -X.T @ r
        return 0.5 * r @ r + lam * uv.sum(), np.concatenate([g + lam, -g + lam])

    res = optimize.minimize(
        split,
        np.zeros(2 * d),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * (2 * d),
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10000},
    )
    w = mp.lasso(X, y, lam)
    np.testing.assert_allclose(w, res.x[:d] - res.x[d:], atol=1e-4)
    # tight optimality (KKT) conditions
    corr = X.T @ (y - X @ w)
    active = w != 0
    np.testing.assert_allclose(corr[active], lam * np.sign(w[active]), rtol=1e-9, atol=1e-9)
    assert np.all(np.abs(corr[~active]) <= lam * (1 + 1e-9))


def test_lasso_zero_penalty_is_least_squares_and_large_penalty_is_zero():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 3))
    y = rng.normal(size=20)
    np.testing.assert_allclose(
        mp.lasso(X, y, 0.0), np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10
    )
    np.testing.assert_array_equal(mp.lasso(X, y, np.abs(X.T @ y).max() * 1.01), np.zeros(3))


@settings(max_examples=50, deadline=None)
@given(z=st.floats(-10, 10), t=st.floats(0, 5))
def test_soft_threshold_minimises_prox_objective(z, t):
    res = optimize.minimize_scalar(
        lambda w: 0.5 * (w - z) ** 2 + t * abs(w),
        bounds=(-20, 20),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert mp.soft_threshold(z, t) == pytest.approx(res.x, abs=1e-6)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mp.beta_bernoulli(4, 3, 1, 1), "exceeds"),
        (lambda: mp.beta_bernoulli(-1, 3, 1, 1), ">= 0"),
        (lambda: mp.beta_bernoulli(1.5, 3, 1, 1), "integer"),
        (lambda: mp.beta_bernoulli_mean(1, 3, 0, 1), "a must be > 0"),
        (lambda: mp.gamma_poisson([1, -2], 1, 1), "non-negative"),
        (lambda: mp.gamma_poisson([], 1, 1), "empty"),
        (lambda: mp.gamma_poisson_mean([1], 1, -1), "rate must be > 0"),
        (lambda: mp.gamma_exponential([-1.0], 1, 1), ">= 0"),
        (lambda: mp.dirichlet_categorical([1, 2], [1, 1, 1]), "mismatched"),
        (lambda: mp.dirichlet_categorical_mean([1, 2], [1, 0]), "alpha must be > 0"),
        (lambda: mp.gaussian_mean([1.0], 0, 0, 1), "noise_var must be > 0"),
        (lambda: mp.gaussian_mean([1.0], 1, 0, -1), "prior_var must be > 0"),
        (lambda: mp.normal_inverse_gamma_posterior([1.0], 0, 0, 1, 1), "kappa0"),
        (lambda: mp.ridge(np.ones((3, 2)), [1, 2, 3], 0), "singular"),
        (lambda: mp.ridge(np.eye(2), [1, 2], -1), "lam must be >= 0"),
        (lambda: mp.ridge(np.eye(2), [1, 2, 3], 1), "mismatched"),
        (lambda: mp.ridge_1d([0, 0], [1, 2], 0), "not determined"),
        (lambda: mp.lasso(np.ones((3, 2)), [1, 2, 3], 0), "singular"),
        (lambda: mp.soft_threshold(1.0, -1), "t must be >= 0"),
        (lambda: mp.beta_log_density(0, 2, 2), "strictly between 0 and 1"),
        (lambda: mp.beta_log_density(0.5, 0, 2), "a must be > 0"),
        (lambda: mp.ridge_neg_log_posterior(np.eye(2), [1, 2], [1, 2, 3], 1, 1), "one entry per column"),
        (lambda: mp.ridge_neg_log_posterior(np.eye(2), [1, 2], [1, 2], 0, 1), "noise_var must be > 0"),
        (lambda: mp.logistic_l2(np.eye(2), [0, 3], 1), "0 or 1"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
