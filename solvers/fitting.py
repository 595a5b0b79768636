"""Iterative fitting: one EM step for a two-component 1-D Gaussian mixture, and gradient
descent on the Gaussian negative log-likelihood with sigma = exp(s)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers.em import responsibility


def em_step(x: ArrayLike, pi1: float, mu1: float, var1: float, mu2: float, var2: float) -> tuple[float, float, float, float, float]:
    """One EM iteration for pi1 N(mu1, var1) + (1 - pi1) N(mu2, var2) on the sample x.

    E-step: each point's responsibility r_i of component 1 (Bayes' rule). M-step: the
    weighted MLEs, pi1 = mean(r), mu_k = weighted mean, var_k = weighted mean squared
    deviation from the *new* mu_k (divide by the weights' sum, not minus one).
    Returns (pi1, mu1, var1, mu2, var2) with variances, not standard deviations.
    """
    x = v.array(x, "x")
    r = np.atleast_1d(responsibility(x, pi1, mu1, var1, mu2, var2))
    w1, w2 = float(r.sum()), float((1 - r).sum())
    if w1 <= 0 or w2 <= 0:
        raise ValueError("a component has no responsibility left: EM would divide by zero")
    m1 = float(np.dot(r, x)) / w1
    m2 = float(np.dot(1 - r, x)) / w2
    v1 = float(np.dot(r, (x - m1) ** 2)) / w1
    v2 = float(np.dot(1 - r, (x - m2) ** 2)) / w2
    return w1 / x.size, m1, v1, m2, v2


def gaussian_nll_gd(x: ArrayLike, lr: float, steps: float, mu0: float = 0.0, s0: float = 0.0) -> tuple[float, float]:
    """Gradient descent on the mean Gaussian NLL over (mu, s), sigma = exp(s):

    NLL(mu, s) = s + mean((x - mu)^2) / (2 exp(2 s)) + log(2 pi)/2, so
    d/dmu = -(mean(x) - mu) / exp(2 s) and d/ds = 1 - mean((x - mu)^2) / exp(2 s).
    Both parameters are updated together from the same point, `steps` times, from
    (mu0, s0). Returns (mu, s).
    """
    x = v.array(x, "x")
    lr = v.positive(lr, "lr")
    n = v.integer(steps, "steps")
    mu, s = v.scalar(mu0, "mu0"), v.scalar(s0, "s0")
    for _ in range(n):
        inv_var = math.exp(-2 * s)
        d_mu = -(float(np.mean(x)) - mu) * inv_var
        d_s = 1 - float(np.mean((x - mu) ** 2)) * inv_var
        mu, s = mu - lr * d_mu, s - lr * d_s
    return mu, s
