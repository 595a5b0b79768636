"""solvers.mle against numerical maximisation of the log-likelihood (scipy.optimize)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special, stats

from solvers import mle

SEEDS = range(6)


def _argmax_1d(loglik, lo, hi):
    res = optimize.minimize_scalar(
        lambda t: -loglik(t), bounds=(lo, hi), method="bounded", options={"xatol": 1e-10}
    )
    return res.x


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=1, max_size=50))
def test_bernoulli_maximises_likelihood(xs):
    k, n = sum(xs), len(xs)
    got = mle.bernoulli(xs)
    assert isinstance(got, float)
    if 0 < k < n:
        best = _argmax_1d(lambda p: stats.bernoulli.logpmf(xs, p).sum(), 1e-9, 1 - 1e-9)
        assert got == pytest.approx(best, abs=1e-6)
    else:  # boundary: the likelihood is maximised at 0 or 1
        assert got == k / n


@pytest.mark.parametrize("seed", SEEDS)
def test_categorical_maximises_likelihood_on_simplex(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(1, 30, size=rng.integers(2, 6))

    def nll(theta):  # softmax parametrisation: unconstrained
        logp = theta - special.logsumexp(theta)
        return -np.sum(counts * logp)

    res = optimize.minimize(nll, np.zeros(counts.size), method="BFGS", options={"gtol": 1e-10})
    expected = special.softmax(res.x)
    got = mle.categorical(counts)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert mle.category_probability(counts, 1) == pytest.approx(got[1])


@pytest.mark.parametrize("seed", SEEDS)
def test_poisson_exponential_uniform_against_optimiser(seed):
    rng = np.random.default_rng(seed)
    x = rng.poisson(rng.uniform(0.5, 8), size=rng.integers(3, 40))
    if x.sum() > 0:
        best = _argmax_1d(lambda lam: stats.poisson.logpmf(x, lam).sum(), 1e-6, 50)
        assert mle.poisson(x) == pytest.approx(best, rel=1e-6)
    e = rng.exponential(1 / rng.uniform(0.2, 5), size=rng.integers(1, 40))
    best = np.exp(_argmax_1d(lambda lr: stats.expon.logpdf(e, scale=np.exp(-lr)).sum(), -8, 8))
    assert mle.exponential(e) == pytest.approx(best, rel=1e-6)
    u = rng.uniform(0, rng.uniform(1, 10), size=rng.integers(1, 30))

    def uniform_loglik(theta):
        return -u.size * np.log(theta) if theta >= u.max() else -1e300

    grid = np.linspace(0.5 * u.max(), 2 * u.max(), 20001)
    best = grid[np.argmax([uniform_loglik(t) for t in grid])]
    assert mle.uniform(u) == pytest.approx(best, rel=1e-4)
    assert mle.uniform(u) == u.max()


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_against_optimiser(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-5, 5), rng.uniform(0.1, 3), size=rng.integers(2, 50))

    def nll(theta):
        return -stats.norm.logpdf(x, theta[0], np.exp(theta[1] / 2)).sum()

    res = optimize.minimize(
        nll,
        [0.0, 0.0],
        method="Nelder-Mead",
        options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000},
    )
    mean, var = mle.gaussian(x)
    assert mean == pytest.approx(res.x[0], abs=1e-5)
    assert var == pytest.approx(np.exp(res.x[1]), rel=1e-5)
    assert var == pytest.approx(np.var(x, ddof=0))  # biased: divides by n


@pytest.mark.parametrize("seed", SEEDS)
def test_linear_regression_minimises_squared_error(seed):
    rng = np.random.default_rng(seed)
    n, d = rng.integers(5, 40), rng.integers(1, 5)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + rng.normal(size=n)

    def sse(w):
        r = y - X @ w
        return r @ r, -2 * X.T @ r

    res = optimize.minimize(sse, np.zeros(d), jac=True, method="BFGS", options={"gtol": 1e-10})
    np.testing.assert_allclose(mle.linear_regression(X, y), res.x, atol=1e-6)
    x1 = X[:, 0]
    assert mle.linear_regression_1d(x1, y) == pytest.approx(
        mle.linear_regression(x1[:, None], y)[0]
    )
    assert mle.linear_regression_1d(x1, y) == pytest.approx(np.sum(x1 * y) / np.sum(x1 * x1))


def _logistic_data(rng, n=150, d=3):
    X = np.column_stack([np.ones(n), rng.normal(size=(n, d - 1))])
    w = rng.normal(size=d)
    y = (rng.random(n) < special.expit(X @ w)).astype(float)
    return X, y


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_regression_against_bfgs(seed):
    rng = np.random.default_rng(seed)
    X, y = _logistic_data(rng)

    def nll(w):
        z = X @ w
        return np.sum(np.logaddexp(0, z) - y * z), X.T @ (special.expit(z) - y)

    res = optimize.minimize(
        nll, np.zeros(X.shape[1]), jac=True, method="BFGS", options={"gtol": 1e-9}
    )
    w = mle.logistic_regression(X, y)
    np.testing.assert_allclose(w, res.x, atol=1e-5)
    assert np.linalg.norm(mle.logistic_gradient(X, y, w)) < 1e-8
    assert mle.logistic_nll(X, y, w) == pytest.approx(res.fun, rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_gradient_and_nll_against_finite_differences(seed):
    rng = np.random.default_rng(seed)
    X, y = _logistic_data(rng, n=20)
    w = rng.normal(size=X.shape[1])
    direct = -np.sum(y * np.log(special.expit(X @ w)) + (1 - y) * np.log(special.expit(-X @ w)))
    assert mle.logistic_nll(X, y, w) == pytest.approx(direct, rel=1e-12)
    fd = optimize.approx_fprime(w, lambda u: mle.logistic_nll(X, y, u), 1e-7)
    np.testing.assert_allclose(mle.logistic_gradient(X, y, w), fd, rtol=1e-5, atol=1e-5)


def test_logistic_regression_separable_raises():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(40), rng.normal(size=(40, 2))])
    y = (X @ np.array([0.3, 1.0, -2.0]) > 0).astype(float)
    with pytest.raises(ValueError, match="separable.*MLE does not exist"):
        mle.logistic_regression(X, y)


def test_logistic_regression_quasi_separable_raises():
    X = np.column_stack([np.ones(6), [0, 0, 1, 1, 2, 2]])
    y = np.array([0, 0, 0, 1, 1, 1.0])
    with pytest.raises(ValueError, match="separable"):
        mle.logistic_regression(X, y)


def test_logistic_regression_all_one_label_raises():
    X = np.column_stack([np.ones(5), np.arange(5.0)])
    with pytest.raises(ValueError, match="separable"):
        mle.logistic_regression(X, np.ones(5))


def test_boundary_estimates():
    assert mle.bernoulli([0, 0, 0]) == 0.0
    assert mle.bernoulli([True, True]) == 1.0
    assert mle.poisson([0, 0]) == 0.0
    np.testing.assert_array_equal(mle.categorical([0, 3, 1]), [0, 0.75, 0.25])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mle.bernoulli([]), "empty"),
        (lambda: mle.bernoulli([0, 2]), "only 0 and 1"),
        (lambda: mle.bernoulli([[0, 1]]), "1-D"),
        (lambda: mle.bernoulli([0, float("nan")]), "nan"),
        (lambda: mle.bernoulli(["a"]), "numbers"),
        (lambda: mle.categorical([1, -1]), "non-negative"),
        (lambda: mle.categorical([0, 0]), "all zero"),
        (lambda: mle.categorical([1.5, 2]), "whole-number"),
        (lambda: mle.category_probability([1, 2], 2), "out of range"),
        (lambda: mle.poisson([1, -1]), "non-negative"),
        (lambda: mle.poisson([0.5]), "whole-number"),
        (lambda: mle.exponential([1, -1]), ">= 0"),
        (lambda: mle.exponential([0, 0]), "does not exist"),
        (lambda: mle.gaussian([3.0]), "all observations are equal"),
        (lambda: mle.gaussian([2, 2, 2]), "unbounded"),
        (lambda: mle.uniform([-1, 2]), ">= 0"),
        (lambda: mle.uniform([0, 0]), "unbounded"),
        (lambda: mle.linear_regression(np.ones((3, 2)), [1, 2, 3]), "singular.*ridge"),
        (lambda: mle.linear_regression(np.ones((2, 3)), [1, 2]), "n = 2 < d = 3"),
        (lambda: mle.linear_regression(np.eye(3), [1, 2]), "mismatched"),
        (lambda: mle.linear_regression([1, 2, 3], [1, 2, 3]), "2-D"),
        (lambda: mle.linear_regression_1d([0, 0], [1, 2]), "all zeros"),
        (lambda: mle.linear_regression_1d([1, 2], [1, 2, 3]), "mismatched"),
        (lambda: mle.logistic_regression(np.eye(3), [0, 1, 2]), "0 or 1"),
        (lambda: mle.logistic_regression(np.ones((4, 2)), [0, 1, 0, 1]), "singular"),
        (lambda: mle.logistic_gradient(np.eye(2), [0, 1], [1, 2, 3]), "shape"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_logistic_separation_detection_agrees_with_linear_programming():
    """Separation exists iff some w != 0 has every margin (2y-1) x_i.w >= 0 (an LP)."""
    rng = np.random.default_rng(11)
    seen = {True: 0, False: 0}
    for _ in range(150):
        n, d = int(rng.integers(3, 25)), int(rng.integers(1, 4))
        X = np.column_stack([np.ones(n), rng.normal(size=(n, d - 1))])
        if rng.random() < 0.4:
            X = np.round(X)  # ties make quasi-separation likely
        y = (rng.random(n) < special.expit(X @ rng.normal(size=d) * 3)).astype(float)
        if np.linalg.matrix_rank(X) < d:
            continue
        A = (2 * y - 1)[:, None] * X
        lp = optimize.linprog(
            -A.sum(0), A_ub=-A, b_ub=np.zeros(n), bounds=[(-1, 1)] * d, method="highs"
        )
        separable = lp.status == 0 and -lp.fun > 1e-9
        seen[separable] += 1
        if separable:
            with pytest.raises(ValueError, match="separable"):
                mle.logistic_regression(X, y)
        else:
            w = mle.logistic_regression(X, y)
            assert np.linalg.norm(mle.logistic_gradient(X, y, w)) < 1e-8 * (1 + np.abs(X).sum())
    assert seen[True] > 20 and seen[False] > 20


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_score_in_the_variance_is_the_derivative_of_scipys_log_likelihood(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=int(rng.integers(1, 15)))
    mu, var, h = rng.uniform(-3, 3), rng.uniform(0.2, 6), 1e-5
    ss = float(np.sum((x - mu) ** 2))

    def loglik(v):
        return float(np.sum(stats.norm.logpdf(x, mu, np.sqrt(v))))

    numeric = (loglik(var + h) - loglik(var - h)) / (2 * h)
    assert mle.gaussian_score_var(var, ss, len(x)) == pytest.approx(numeric, rel=1e-6, abs=1e-8)
    # zero at the variance MLE when mu is the sample mean: the likelihood's maximum
    q = float(np.sum((x - x.mean()) ** 2))
    if q > 0:
        best = _argmax_1d(lambda v: np.sum(stats.norm.logpdf(x, x.mean(), np.sqrt(v))), 1e-3, 50)
        assert best == pytest.approx(q / len(x), rel=1e-5)
        assert mle.gaussian_score_var(q / len(x), q, len(x)) == pytest.approx(0, abs=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: mle.gaussian_score_var(0, 1, 3), "var must be > 0"),
        (lambda: mle.gaussian_score_var(1, -1, 3), "ss must be >= 0"),
        (lambda: mle.gaussian_score_var(1, 1, 0), "n must be >= 1"),
        (lambda: mle.gaussian_score_var(1, 1, 2.5), "n must be an integer"),
    ],
)
def test_gaussian_score_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
