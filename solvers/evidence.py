"""Marginal likelihoods (evidence): exact Beta-Bernoulli, the Laplace approximation, BIC."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v


def laplace_log_evidence(log_joint_at_mode: float, hessian: ArrayLike) -> float:
    """Laplace approximation to log p(D) = log integral p(D|theta) p(theta) dtheta from the
    log joint log p(D|theta~) + log p(theta~) at the posterior mode theta~ and the Hessian of
    the NEGATIVE log joint there (positive definite, d x d or a scalar for d = 1):
    log_joint + (d/2) log(2 pi) - (1/2) log det H. Natural logarithms."""
    lj = v.scalar(log_joint_at_mode, "log_joint_at_mode")
    h = np.atleast_2d(np.asarray(hessian, dtype=float))
    d = h.shape[0]
    h = v.spd(h, "hessian", d)
    sign, logdet = np.linalg.slogdet(h)
    return float(lj + 0.5 * d * math.log(2 * math.pi) - 0.5 * logdet)


def _counts(k: float, n: float) -> tuple[int, int]:
    n = v.integer(n, "n", minimum=1)
    k = v.integer(k, "k")
    if k > n:
        raise ValueError(f"k = {k} exceeds n = {n}")
    return k, n


def bernoulli_log_evidence(k: float, n: float, a: float = 1.0, b: float = 1.0) -> float:
    """Exact log evidence of one particular sequence of n Bernoulli trials with k successes
    (no binomial coefficient) under a Beta(a, b) prior: log B(k+a, n-k+b) - log B(a, b)."""
    k, n = _counts(k, n)
    a = v.positive(a, "a")
    b = v.positive(b, "b")

    def log_beta(x: float, y: float) -> float:
        return math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)

    return log_beta(k + a, n - k + b) - log_beta(a, b)


def bernoulli_laplace_log_evidence(k: float, n: float, a: float = 1.0, b: float = 1.0) -> float:
    """Laplace approximation, in the parameter p, to bernoulli_log_evidence(k, n, a, b):
    expand log p^k (1-p)^(n-k) + log Beta(p; a, b) at its mode (k+a-1)/(n+a+b-2), which must
    be interior (k+a > 1 and n-k+b > 1). The uniform prior a = b = 1 gives
    k log p^ + (n-k) log(1-p^) + (1/2) log(2 pi) - (1/2) log(n / (p^(1-p^))) with p^ = k/n."""
    k, n = _counts(k, n)
    a = v.positive(a, "a")
    b = v.positive(b, "b")
    s, f = k + a - 1.0, n - k + b - 1.0  # exponents of p and 1-p in the joint
    if s <= 0 or f <= 0:
        raise ValueError("the posterior mode is on the boundary: the Laplace approximation "
                         "needs an interior mode (k + a > 1 and n - k + b > 1)")
    p = s / (s + f)
    log_prior_norm = -(math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    log_joint = s * math.log(p) + f * math.log(1 - p) + log_prior_norm
    hessian = s / p**2 + f / (1 - p) ** 2
    return laplace_log_evidence(log_joint, hessian)


def bic_log_evidence(log_lik_at_mle: float, d: float, n: float) -> float:
    """The BIC approximation to the log evidence, log p(D|theta^) - (d/2) log n
    (the log-evidence scale; -2 times it is the usual BIC)."""
    ll = v.scalar(log_lik_at_mle, "log_lik_at_mle")
    d = v.integer(d, "d")
    n = v.integer(n, "n", minimum=1)
    return ll - 0.5 * d * math.log(n)
