"""Small statistics helpers: unbiased sample variance, normal quantiles, Wald interval half-widths."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from solvers import _validate as v


def unbiased_variance(x) -> float:
    """Unbiased sample variance sum (x - xbar)^2 / (n - 1) (divides by n - 1, unlike the MLE)."""
    arr = v.array(x, "x")
    if arr.size < 2:
        raise ValueError(
            "the unbiased variance needs at least two observations (it divides by n - 1)"
        )
    return float(np.sum((arr - arr.mean()) ** 2) / (arr.size - 1))


def normal_quantile(prob) -> float:
    """The standard normal quantile Phi^-1(prob), 0 < prob < 1."""
    prob = v.probability(prob, "prob", open_interval=True)
    return NormalDist().inv_cdf(prob)


def z_value(level=0.95) -> float:
    """Two-sided critical value Phi^-1((1 + level) / 2), e.g. 1.959964 for level 0.95."""
    level = v.probability(level, "level", open_interval=True)
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def wald_halfwidth(se, level=0.95) -> float:
    """Half-width z * se of the two-sided Wald interval estimate +- z * se at the given level."""
    se = v.positive(se, "se")
    return z_value(level) * se
