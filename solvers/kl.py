"""KL divergence KL(P || Q) (P first, natural log, nats), entropy and cross-entropy.

KL(P || Q) = E_P[log p(x) - log q(x)]. Where Q gives probability 0 to an outcome that P
gives positive probability (support mismatch), the divergence is math.inf: a documented,
deliberate infinity. Every other result is finite.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers._validate import Array


def gaussian(mu1: float, var1: float, mu2: float, var2: float) -> float:
    """KL(N(mu1, var1) || N(mu2, var2)) with variances (not standard deviations):
    (1/2) [log(var2/var1) + (var1 + (mu1 - mu2)^2) / var2 - 1]."""
    mu1 = v.scalar(mu1, "mu1")
    mu2 = v.scalar(mu2, "mu2")
    var1 = v.positive(var1, "var1")
    var2 = v.positive(var2, "var2")
    return 0.5 * (math.log(var2 / var1) + (var1 + (mu1 - mu2) ** 2) / var2 - 1.0)


def mvn(mu1: ArrayLike, cov1: ArrayLike, mu2: ArrayLike, cov2: ArrayLike) -> float:
    """KL(N(mu1, cov1) || N(mu2, cov2)) for k-dimensional Gaussians with covariance matrices:
    (1/2) [tr(cov2^-1 cov1) + (mu2 - mu1)^T cov2^-1 (mu2 - mu1) - k + log det cov2 / det cov1]."""
    mu1 = v.array(mu1, "mu1")
    mu2 = v.array(mu2, "mu2")
    if mu1.shape != mu2.shape:
        raise ValueError(f"mu1 and mu2 have mismatched shapes {mu1.shape} and {mu2.shape}")
    k = mu1.size
    cov1 = v.spd(cov1, "cov1", k)
    cov2 = v.spd(cov2, "cov2", k)
    l2 = np.linalg.cholesky(cov2)
    l1 = np.linalg.cholesky(cov1)
    # tr(cov2^-1 cov1) = ||L2^-1 L1||_F^2 ; quadratic term = ||L2^-1 (mu2 - mu1)||^2
    a = np.linalg.solve(l2, l1)
    b = np.linalg.solve(l2, mu2 - mu1)
    logdet = 2.0 * (np.sum(np.log(np.diag(l2))) - np.sum(np.log(np.diag(l1))))
    return float(0.5 * (np.sum(a * a) + b @ b - k + logdet))


def _discrete(p: Array, q: Array) -> float:
    mask = p > 0
    if np.any(q[mask] == 0):
        return math.inf  # support mismatch: deliberate
    return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(q[mask]))))


def bernoulli(p: float, q: float) -> float:
    """KL(Bernoulli(p) || Bernoulli(q)) = p log(p/q) + (1-p) log((1-p)/(1-q)), with 0 log 0 = 0.
    math.inf if q is 0 or 1 where P puts mass on the other outcome."""
    p = v.probability(p, "p")
    q = v.probability(q, "q")
    return _discrete(np.array([p, 1 - p]), np.array([q, 1 - q]))


def categorical(p: ArrayLike, q: ArrayLike) -> float:
    """KL(P || Q) = sum_j p_j log(p_j / q_j) for probability vectors (each summing to 1).
    Terms with p_j = 0 are 0; math.inf if some q_j = 0 where p_j > 0."""
    p = v.prob_vector(p, "p")
    q = v.prob_vector(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q have mismatched shapes {p.shape} and {q.shape}")
    return _discrete(p, q)


def poisson(lam1: float, lam2: float) -> float:
    """KL(Poisson(lam1) || Poisson(lam2)) = lam1 log(lam1/lam2) + lam2 - lam1."""
    lam1 = v.positive(lam1, "lam1")
    lam2 = v.positive(lam2, "lam2")
    return lam1 * math.log(lam1 / lam2) + lam2 - lam1


def exponential(rate1: float, rate2: float) -> float:
    """KL(Exp(rate1) || Exp(rate2)), rate parametrisation (mean 1/rate):
    log(rate1/rate2) + rate2/rate1 - 1."""
    rate1 = v.positive(rate1, "rate1")
    rate2 = v.positive(rate2, "rate2")
    return math.log(rate1 / rate2) + rate2 / rate1 - 1.0


def entropy(p: ArrayLike) -> float:
    """Shannon entropy H(P) = -sum_j p_j log p_j in nats, 0 log 0 = 0."""
    p = v.prob_vector(p, "p")
    mask = p > 0
    return float(-np.sum(p[mask] * np.log(p[mask])))


def cross_entropy(p: ArrayLike, q: ArrayLike) -> float:
    """Cross-entropy H(P, Q) = -sum_j p_j log q_j = H(P) + KL(P || Q), nats.
    math.inf if some q_j = 0 where p_j > 0 (deliberate, as for KL)."""
    p = v.prob_vector(p, "p")
    q = v.prob_vector(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"p and q have mismatched shapes {p.shape} and {q.shape}")
    mask = p > 0
    if np.any(q[mask] == 0):
        return math.inf
    return float(-np.sum(p[mask] * np.log(q[mask])))


def forward_gaussian_fit(weights: ArrayLike, means: ArrayLike, variances: ArrayLike) -> tuple[float, float]:
    """The Gaussian N(m, s2) minimising the forward KL(P || N(m, s2)) for a Gaussian mixture
    P = sum_j w_j N(mu_j, var_j): moment matching, m = E_P[x] and s2 = Var_P[x] (variances,
    not standard deviations). By the law of total variance
    s2 = sum_j w_j var_j + sum_j w_j (mu_j - m)^2."""
    w = v.array(weights, "weights")
    mu = v.array(means, "means")
    var = v.array(variances, "variances")
    if not (w.shape == mu.shape == var.shape) or w.ndim != 1 or w.size == 0:
        raise ValueError("weights, means and variances must be lists of the same length")
    if np.any(w < 0) or not math.isclose(float(w.sum()), 1.0, rel_tol=0, abs_tol=1e-9):
        raise ValueError("the weights must be non-negative and sum to 1")
    if np.any(var <= 0):
        raise ValueError("the variances must be positive")
    m = float(w @ mu)
    return m, float(w @ var + w @ (mu - m) ** 2)
