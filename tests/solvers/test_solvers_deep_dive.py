"""The deep-dive solvers (MVN MLE, EM M-step, delta method, Fisher reparametrisation, MAP in
the logit, evidence, Cox-Snell bias) against scipy: fits, quadrature, optimisation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, optimize, special, stats

from solvers import bias, em, evidence, fisher, mle
from solvers import map as smap
from solvers import stats as sstats


def test_mvn_mle_matches_scipy_fit_and_divides_by_n():
    X = np.random.default_rng(0).normal(size=(12, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.3],
                                                                   [0, 0, 2.0]])
    mean, cov = mle.mvn(X)
    ref_mean, ref_cov = stats.multivariate_normal.fit(X)
    assert np.allclose(mean, ref_mean) and np.allclose(cov, ref_cov)
    assert np.allclose(cov, np.cov(X.T, bias=True))
    with pytest.raises(ValueError, match="singular"):
        mle.mvn(X[:3])


def test_m_step_maximises_the_expected_complete_log_likelihood():
    rng = np.random.default_rng(1)
    x = rng.normal(size=9) * 2
    r = rng.uniform(0.05, 0.95, size=9)
    w, mu, var = em.m_step(x, r)
    resp = np.column_stack([r, 1 - r])

    def neg_q(theta):
        pi1, m1, m2, lv1, lv2 = theta
        if not 0 < pi1 < 1:
            return np.inf
        logs = np.column_stack([
            math.log(pi1) + stats.norm.logpdf(x, m1, math.exp(lv1 / 2)),
            math.log(1 - pi1) + stats.norm.logpdf(x, m2, math.exp(lv2 / 2))])
        return -np.sum(resp * logs)

    best = optimize.minimize(neg_q, [0.5, 0.0, 0.1, 0.0, 0.0], method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
    pi1, m1, m2, lv1, lv2 = best.x
    assert (w[0], mu[0], mu[1]) == pytest.approx((pi1, m1, m2), abs=1e-4)
    assert (var[0], var[1]) == pytest.approx((math.exp(lv1), math.exp(lv2)), rel=1e-3)
    assert neg_q([w[0], mu[0], mu[1], math.log(var[0]), math.log(var[1])]) <= best.fun + 1e-9
    with pytest.raises(ValueError, match="sum to 1"):
        em.m_step([1.0, 2.0], [[0.5, 0.2], [0.5, 0.5]])


def test_delta_method_standard_errors_against_simulation():
    rng = np.random.default_rng(2)
    n, p = 400, 0.3
    k = rng.binomial(n, p, size=200_000)
    k = k[(k > 0) & (k < n)]
    assert np.std(np.log(k / (n - k))) == pytest.approx(sstats.se_log_odds(round(n * p), n),
                                                        rel=0.02)
    assert sstats.se_log_odds(12, 40) == pytest.approx(math.sqrt(1 / 12 + 1 / 28))
    total = rng.poisson(50 * 3.0, size=200_000)  # 50 days at rate 3
    assert np.std(np.log(total / 50)) == pytest.approx(sstats.se_log_rate(150, 50), rel=0.02)
    assert sstats.se_log_rate(150, 50) == pytest.approx(1 / math.sqrt(150))
    g, cov = np.array([1.0, -2.0]), np.array([[2.0, 0.3], [0.3, 1.0]])
    assert sstats.delta_method_se(g, cov) == pytest.approx(math.sqrt(g @ cov @ g))


def _expected_squared_score(logpdf, eta, support=None, lo=None, hi=None, h=1e-5):
    def score(x):
        return (logpdf(x, eta + h) - logpdf(x, eta - h)) / (2 * h)

    if support is not None:
        return sum(math.exp(logpdf(x, eta)) * score(x) ** 2 for x in support)
    return integrate.quad(lambda x: math.exp(logpdf(x, eta)) * score(x) ** 2, lo, hi)[0]


def test_reparametrised_information_is_the_variance_of_the_new_score():
    # Bernoulli in the log-odds
    p = 0.23
    eta = math.log(p / (1 - p))
    direct = _expected_squared_score(lambda x, e: stats.bernoulli.logpmf(x, special.expit(e)),
                                     eta, support=(0, 1))
    assert fisher.reparametrise(fisher.information("bernoulli", p=p), p * (1 - p)) == \
        pytest.approx(direct, rel=1e-6)
    # Gaussian standard deviation, mean known
    s = 1.7
    direct = _expected_squared_score(lambda x, sd: stats.norm.logpdf(x, 0.0, sd), s,
                                     lo=-20 * s, hi=20 * s)
    assert fisher.reparametrise(fisher.information("gaussian_var", mu=0.0, var=s * s), 2 * s) == \
        pytest.approx(direct, rel=1e-6)
    assert direct == pytest.approx(2 / s**2, rel=1e-6)
    # matrix: (mu, var) -> (mu, log sd), Jacobian diag(1, 2 var)
    var = 2.0
    J = np.diag([1.0, 2 * var])
    got = fisher.reparametrise(fisher.information("gaussian", mu=0.0, var=var), J)
    assert np.allclose(got, np.diag([1 / var, 2.0]))


def test_logit_map_is_a_different_point_from_the_map_in_p():
    for k, n, a, b in ((3, 10, 2, 2), (0, 8, 1, 1), (7, 9, 0.5, 3)):
        def neg_log_post(e, k=k, n=n, a=a, b=b):
            p = special.expit(e)
            # posterior density of p times the Jacobian dp/deta
            return -(stats.beta.logpdf(p, k + a, n - k + b) + math.log(p * (1 - p)))

        e = optimize.minimize_scalar(neg_log_post, bounds=(-15, 15), method="bounded",
                                     options={"xatol": 1e-10}).x
        assert smap.beta_bernoulli_logit_mode(k, n, a, b) == pytest.approx(special.expit(e),
                                                                           abs=1e-6)
    assert smap.beta_bernoulli_logit_mode(3, 10, 2, 2) != pytest.approx(
        smap.beta_bernoulli(3, 10, 2, 2))


def test_evidence_exact_laplace_and_bic():
    for k, n in ((3, 10), (40, 100)):
        exact = integrate.quad(lambda p, k=k, n=n: p**k * (1 - p) ** (n - k), 0, 1, epsabs=0,
                               epsrel=1e-12)[0]
        assert evidence.bernoulli_log_evidence(k, n) == pytest.approx(math.log(exact), rel=1e-9)
        assert evidence.bernoulli_log_evidence(k, n) == pytest.approx(
            special.betaln(k + 1, n - k + 1))
    # Laplace: relative error of the evidence O(1/n), so n * log-error stays bounded
    errs = [abs(evidence.bernoulli_laplace_log_evidence(3 * m, 10 * m)
                - evidence.bernoulli_log_evidence(3 * m, 10 * m)) * 10 * m for m in (1, 10, 100)]
    assert errs[2] == pytest.approx(errs[1], rel=0.05) and errs[2] < 1
    # with a Beta prior the expansion is at the posterior mode
    a, b, k, n = 3.0, 2.0, 6, 15
    p = (k + a - 1) / (n + a + b - 2)
    log_joint = lambda q: k * math.log(q) + (n - k) * math.log(1 - q) + stats.beta.logpdf(q, a, b)  # noqa: E731
    h = 1e-4
    hess = -(log_joint(p + h) - 2 * log_joint(p) + log_joint(p - h)) / h**2
    expected = log_joint(p) + 0.5 * math.log(2 * math.pi) - 0.5 * math.log(hess)
    assert evidence.bernoulli_laplace_log_evidence(k, n, a, b) == pytest.approx(expected, rel=1e-6)
    # Laplace is exact for a Gaussian model: y ~ N(theta, 1), theta ~ N(0, 1), one y
    y = 1.3
    log_joint_mode = stats.norm.logpdf(y, y / 2, 1) + stats.norm.logpdf(y / 2, 0, 1)
    assert evidence.laplace_log_evidence(log_joint_mode, 2.0) == pytest.approx(
        stats.norm.logpdf(y, 0, math.sqrt(2)))
    assert evidence.bic_log_evidence(-10.0, 2, 100) == pytest.approx(-10 - math.log(100))


def test_cox_snell_bias_against_exact_biases():
    lam = 1.6
    for n in (20, 200):
        exact = lam * n / (n - 1) - lam  # E[1/xbar] = n lam / (n - 1)
        assert bias.cox_snell_bias("exponential-rate", lam, n) == pytest.approx(exact, rel=1.5 / n)
    assert bias.cox_snell_bias("poisson-rate", 2.5, 30) == pytest.approx(0.0, abs=1e-12)
    assert bias.cox_snell_bias("bernoulli-p", 0.3, 30) == pytest.approx(0.0, abs=1e-12)
    p, n = 0.25, 500
    k = np.arange(1, n)
    w = stats.binom.pmf(k, n, p)
    exact = np.sum(w * np.log(k / (n - k))) / np.sum(w) - math.log(p / (1 - p))
    assert bias.cox_snell_bias("bernoulli-logit", p, n) == pytest.approx(exact, rel=0.03)
    with pytest.raises(ValueError, match="unknown model"):
        bias.cox_snell_bias("gamma", 1.0, 10)
