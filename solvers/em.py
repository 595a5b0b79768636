"""EM quantities for a two-component one-dimensional Gaussian mixture."""

from __future__ import annotations

import math

import numpy as np

from solvers import _validate as v


def responsibility(x, pi1, mu1, var1, mu2, var2):
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
