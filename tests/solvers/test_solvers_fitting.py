"""solvers.fitting and the code cards' registry functions against scipy and optimisation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize, special, stats

from solvers import fitting, kl
from trainer.registry import REGISTRY

SEEDS = range(5)


def _mixture_ll(x, pi1, mu1, var1, mu2, var2) -> float:
    return float(np.sum(np.log(pi1 * stats.norm.pdf(x, mu1, math.sqrt(var1))
                               + (1 - pi1) * stats.norm.pdf(x, mu2, math.sqrt(var2)))))


@pytest.mark.parametrize("seed", SEEDS)
def test_em_step_maximises_the_expected_complete_log_likelihood(seed):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(-2, 1, 30), rng.normal(2, 0.7, 20)])
    old = (0.4, -1.0, 2.0, 1.0, 1.5)
    r = np.array([fitting.responsibility(xi, *old) for xi in x])
    new = fitting.em_step(x, *old)

    def neg_q(theta):
        pi1, mu1, lv1, mu2, lv2 = theta
        if not 0 < pi1 < 1:
            return 1e12
        a = np.log(pi1) + stats.norm.logpdf(x, mu1, math.exp(lv1 / 2))
        b = np.log(1 - pi1) + stats.norm.logpdf(x, mu2, math.exp(lv2 / 2))
        return -float(np.sum(r * a + (1 - r) * b))

    start = [0.5, 0.0, 0.0, 0.0, 0.0]
    best = optimize.minimize(neg_q, start, method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40000,
                                      "maxfev": 40000})
    pi1, mu1, lv1, mu2, lv2 = best.x
    assert new == pytest.approx((pi1, mu1, math.exp(lv1), mu2, math.exp(lv2)), rel=1e-4)
    assert _mixture_ll(x, *new) >= _mixture_ll(x, *old)  # EM never lowers the likelihood


def test_em_step_registry_and_its_stale_means_mistake_differ_only_in_the_variances():
    x = [-2.1, -1.4, -0.3, 0.8, 1.9, 2.4]
    args = (x, 0.5, -1.0, 1.0, 1.0, 1.0)
    right = REGISTRY["em_step"].func(*args)
    stale = REGISTRY["em_step_stale_means"].func(*args)
    assert right[0] == stale[0] and right[1] == stale[1] and right[3] == stale[3]
    assert stale[2] > right[2] and stale[4] > right[4]  # deviations from the wrong centre


@pytest.mark.parametrize("seed", SEEDS)
def test_one_gradient_step_follows_the_numerical_gradient(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(1.5, 2.0, 12)
    mu0, s0, lr = 0.3, -0.2, 0.05

    def nll(theta):
        mu, s = theta
        return float(-np.mean(stats.norm.logpdf(x, mu, math.exp(s))))

    grad = optimize.approx_fprime([mu0, s0], nll, 1e-7)
    mu1, s1 = fitting.gaussian_nll_gd(x, lr, 1, mu0, s0)
    assert (mu1, s1) == pytest.approx((mu0 - lr * grad[0], s0 - lr * grad[1]), rel=1e-5)


def test_gradient_descent_converges_to_the_gaussian_mle():
    x = np.array([0.4, 2.2, 1.7, 3.1, 0.9, 1.6, 2.8, 1.1])
    mu, s = fitting.gaussian_nll_gd(x, 0.2, 2000)
    assert mu == pytest.approx(x.mean(), rel=1e-9)
    assert math.exp(2 * s) == pytest.approx(x.var(), rel=1e-9)


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_log_sum_exp_matches_scipy_at_any_magnitude(shift):
    z = [0.3, -1.2, 2.5, 0.0, 1.1]
    got = REGISTRY["log_sum_exp"].func([v + shift for v in z])
    assert got == pytest.approx(special.logsumexp(np.array(z) + shift), rel=1e-12)
    naive = REGISTRY["log_sum_exp_naive"].func([v + shift for v in z])
    assert (naive == pytest.approx(got, rel=1e-12)) if shift == 0 else not math.isfinite(naive)


def test_kl_between_diagonal_gaussians_is_the_mvn_kl():
    mu1, var1 = [0.2, -1.0, 0.5], [1.5, 0.3, 2.0]
    mu2, var2 = [0.0, 0.4, 1.0], [1.0, 0.8, 0.5]
    got = REGISTRY["kl_diag_gaussian"].func(mu1, var1, mu2, var2)
    assert got == pytest.approx(kl.mvn(mu1, np.diag(var1), mu2, np.diag(var2)), rel=1e-12)


def test_the_naive_dpo_loss_agrees_until_it_overflows():
    from solvers.preference import dpo_loss

    args = (-12.0, -15.0, -13.0, -14.0, 0.1)
    assert REGISTRY["dpo_loss_naive"].func(*args) == pytest.approx(dpo_loss(*args), rel=1e-12)
    far = (-20012.0, -15.0, -13.0, -14.0, 0.1)
    assert dpo_loss(*far) == pytest.approx(1999.8, rel=1e-9)  # -log sigmoid(-1999.8)
    assert REGISTRY["dpo_loss_naive"].func(*far) == math.inf
