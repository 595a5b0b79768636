"""EM quantities for a two-component one-dimensional Gaussian mixture."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers._validate import Array


def responsibility(
    x: ArrayLike, pi1: float, mu1: float, var1: float, mu2: float, var2: float
) -> float | Array:
    """Posterior probability that x came from component 1 (the E-step responsibility):

    pi1 N(x; mu1, var1) / (pi1 N(x; mu1, var1) + (1 - pi1) N(x; mu2, var2)),
    with variances (not standard deviations) and mixing weight pi1 in [0, 1].
    A float for scalar x, an array for an array x. Computed in log space (no underflow).
    """
    pi1 = v.probability(pi1, "pi1")
    mu1 = v.scalar(mu1, "mu1")
    mu2 = v.scalar(mu2, "mu2")
    var1 = v.positive(var1, "var1")
    var2 = v.positive(var2, "var2")
    scalar_input = np.ndim(x) == 0
    arr = np.atleast_1d(v.array(x, "x", ndim=None))
    if pi1 == 0.0 or pi1 == 1.0:
        out = np.full(arr.shape, pi1)
    else:
        log1 = math.log(pi1) - 0.5 * (math.log(2 * math.pi * var1) + (arr - mu1) ** 2 / var1)
        log2 = math.log1p(-pi1) - 0.5 * (math.log(2 * math.pi * var2) + (arr - mu2) ** 2 / var2)
        # r = 1 / (1 + exp(log2 - log1)), evaluated stably
        d = log2 - log1
        out = np.where(
            d > 0, np.exp(-np.abs(d)) / (1 + np.exp(-np.abs(d))), 1 / (1 + np.exp(-np.abs(d)))
        )
    return float(out[0]) if scalar_input else out


def m_step(x: ArrayLike, resp: ArrayLike) -> tuple[Array, Array, Array]:
    """The M-step of EM for a one-dimensional Gaussian mixture, from given responsibilities.

    x: n observations; resp: n x K responsibilities (rows sum to 1), or a length-n vector of
    component 1's responsibilities in a two-component mixture (component 2 gets 1 - r).
    Returns (weights, means, variances), each of length K, with N_k = sum_i r_ik:
    weight_k = N_k / n, mean_k = sum_i r_ik x_i / N_k, and the variance about the NEW mean,
    var_k = sum_i r_ik (x_i - mean_k)^2 / N_k (variances, not standard deviations; weighted
    MLE, no n-1 correction).
    """
    xs = v.array(x, "x")
    r = np.asarray(resp, dtype=float)
    if r.ndim == 1:
        r = np.column_stack([r, 1.0 - r])
    if r.ndim != 2 or r.shape[0] != xs.size:
        raise ValueError(f"resp must have one row per observation ({xs.size}), got {r.shape}")
    if not np.all(np.isfinite(r)) or np.any(r < 0) or np.any(r > 1):
        raise ValueError("responsibilities must lie in [0, 1]")
    if not np.allclose(r.sum(axis=1), 1.0, atol=1e-9):
        raise ValueError("each observation's responsibilities must sum to 1")
    nk = r.sum(axis=0)
    if np.any(nk <= 0):
        raise ValueError("a component has no responsibility at all; its parameters are undefined")
    weights = nk / xs.size
    means = (r * xs[:, None]).sum(axis=0) / nk
    variances = (r * (xs[:, None] - means) ** 2).sum(axis=0) / nk
    return weights, means, variances
