"""Small statistics helpers: unbiased sample variance, normal quantiles, Wald interval half-widths."""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v


def unbiased_variance(x: ArrayLike) -> float:
    """Unbiased sample variance sum (x - xbar)^2 / (n - 1) (divides by n - 1, unlike the MLE)."""
    arr = v.array(x, "x")
    if arr.size < 2:
        raise ValueError(
            "the unbiased variance needs at least two observations (it divides by n - 1)"
        )
    return float(np.sum((arr - arr.mean()) ** 2) / (arr.size - 1))


def normal_quantile(prob: float) -> float:
    """The standard normal quantile Phi^-1(prob), 0 < prob < 1."""
    prob = v.probability(prob, "prob", open_interval=True)
    return NormalDist().inv_cdf(prob)


def z_value(level: float = 0.95) -> float:
    """Two-sided critical value Phi^-1((1 + level) / 2), e.g. 1.959964 for level 0.95."""
    level = v.probability(level, "level", open_interval=True)
    return NormalDist().inv_cdf(0.5 + level / 2.0)


def wald_halfwidth(se: float, level: float = 0.95) -> float:
    """Half-width z * se of the two-sided Wald interval estimate +- z * se at the given level."""
    se = v.positive(se, "se")
    return z_value(level) * se


def delta_method_se(derivative: float, variance: float) -> float:
    """Standard error (not variance) of g(T) by the delta method: |g'(theta)| sqrt(Var T),
    or sqrt(grad^T Cov grad) when a gradient vector and covariance matrix are given."""
    g = np.atleast_1d(np.asarray(derivative, dtype=float))
    cov = np.atleast_2d(np.asarray(variance, dtype=float))
    if cov.shape != (g.size, g.size):
        raise ValueError(f"the covariance must be {g.size}x{g.size}, got {cov.shape}")
    if not np.all(np.isfinite(g)) or not np.all(np.isfinite(cov)):
        raise ValueError("the derivative and the variance must be finite")
    var = float(g @ cov @ g)
    if var < 0:
        raise ValueError("the variance must be non-negative")
    return float(np.sqrt(var))


def se_log_odds(k: float, n: float) -> float:
    """Delta-method standard error of the estimated log-odds log(p/(1-p)) at p = k/n from k
    successes in n Bernoulli trials: (1/(p(1-p))) sqrt(p(1-p)/n) = 1/sqrt(n p (1-p))."""
    n = v.integer(n, "n", minimum=1)
    k = v.integer(k, "k")
    if not 0 < k < n:
        raise ValueError("need 0 < k < n: at k = 0 or n the log-odds estimate is infinite")
    p = k / n
    return delta_method_se(1.0 / (p * (1.0 - p)), p * (1.0 - p) / n)


def se_log_rate(total: float, exposure: float = 1) -> float:
    """Delta-method standard error of log(rate) for a Poisson rate estimated as
    total / exposure (exposure: number of units or time observed): the rate's variance
    is rate/exposure and d log(rate)/d rate = 1/rate, so SE = 1/sqrt(total)."""
    total = v.integer(total, "total", minimum=1)
    exposure = v.positive(exposure, "exposure")
    rate = total / exposure
    return delta_method_se(1.0 / rate, rate / exposure)
