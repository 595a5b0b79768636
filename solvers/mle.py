"""Maximum-likelihood estimates for the common families and for linear and logistic regression."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers._validate import Array

__all__ = [
    "bernoulli",
    "categorical",
    "category_probability",
    "exponential",
    "gaussian",
    "linear_regression",
    "linear_regression_1d",
    "logistic_gradient",
    "logistic_nll",
    "logistic_regression",
    "poisson",
    "uniform",
]


def bernoulli(x: ArrayLike) -> float:
    """MLE of p for i.i.d. Bernoulli(p) data x in {0, 1}: the sample mean k/n.

    All zeros (or all ones) give p = 0 (or 1), the maximiser on the closed interval [0, 1].
    """
    return float(v.binary(x, "x").mean())


def categorical(counts: ArrayLike) -> Array:
    """MLE of the category probabilities from counts n_j: n_j / sum(n)."""
    c = v.counts(counts, "counts")
    total = float(c.sum())
    if total == 0:
        raise ValueError("counts are all zero: at least one observation is needed")
    return c / total


def category_probability(counts: ArrayLike, index: int) -> float:
    """Multinomial MLE of one category: counts[index] / sum(counts)."""
    c = v.counts(counts, "counts")
    index = v.integer(index, "index")
    if index >= c.size:
        raise ValueError(f"index {index} is out of range for {c.size} categories")
    return float(categorical(c)[index])


def poisson(x: ArrayLike) -> float:
    """MLE of the Poisson rate lambda from counts x: the sample mean.

    All-zero data give 0, the maximiser on the closed half-line (the likelihood is 1 there).
    """
    return float(v.counts(x, "x").mean())


def exponential(x: ArrayLike) -> float:
    """MLE of the rate lambda (density lambda*exp(-lambda*x), mean 1/lambda): n / sum(x).

    Rate parametrisation. Raises if every x is 0: the likelihood then grows without bound.
    """
    arr = v.array(x, "x")
    if np.any(arr < 0):
        raise ValueError(f"x must be >= 0 for exponential data, got {arr[arr < 0][0]:g}")
    total = arr.sum()
    if total == 0:
        raise ValueError(
            "all observations are 0: the exponential rate MLE does not exist (infinite)"
        )
    return float(arr.size / total)


def gaussian(x: ArrayLike) -> tuple[float, float]:
    """MLE (mean, variance) of a Gaussian: the variance divides by n (biased, not n-1).

    Raises if all observations are equal: the variance MLE would be 0, at the boundary
    where the likelihood is unbounded.
    """
    arr = v.array(x, "x")
    mean = arr.mean()
    var = float(np.mean((arr - mean) ** 2))
    if var == 0:
        raise ValueError(
            "all observations are equal: the variance MLE would be 0 and the likelihood is "
            "unbounded (need at least two distinct values)"
        )
    return float(mean), var


def gaussian_score_var(var: float, ss: float, n: float) -> float:
    """The score in the variance: d/d var of sum_i log N(x_i; mu, var) for n observations whose
    squared deviations from mu sum to ss, -n/(2 var) + ss/(2 var^2).

    var is a variance (not a standard deviation); the score is zero at var = ss/n, the variance
    MLE when mu is the sample mean.
    """
    var = v.positive(var, "var")
    ss = v.nonnegative(ss, "ss")
    size = v.integer(n, "n", minimum=1)
    return (ss / var - size) / (2.0 * var)


def uniform(x: ArrayLike) -> float:
    """MLE of theta for Uniform(0, theta): max(x). Raises for negative data or max(x) = 0."""
    arr = v.array(x, "x")
    if np.any(arr < 0):
        raise ValueError(f"x must be >= 0 for Uniform(0, theta) data, got {arr[arr < 0][0]:g}")
    top = float(arr.max())
    if top == 0:
        raise ValueError("all observations are 0: theta would be 0 and the likelihood is unbounded")
    return top


def linear_regression(X: ArrayLike, y: ArrayLike) -> Array:
    """Least squares w = argmin ||y - X w||^2 (Gaussian-noise MLE). No intercept is added.

    Raises if X^T X is singular (suggesting ridge).
    """
    X, y = v.design(X, y)
    v.full_rank(X, "Use ridge regression (solvers.map.ridge) with lam > 0.")
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    return w


def linear_regression_1d(x: ArrayLike, y: ArrayLike) -> float:
    """One-feature least squares through the origin: sum(x*y) / sum(x^2)."""
    x = v.array(x, "x")
    y = v.array(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y have mismatched shapes {x.shape} and {y.shape}")
    sxx = float(x @ x)
    if sxx == 0:
        raise ValueError("x is all zeros: sum(x^2) = 0, the slope is not determined; use ridge_1d")
    return float(x @ y) / sxx


def _log1pexp(z: Array) -> Array:
    """log(1 + exp(z)) without overflow."""
    return np.logaddexp(0.0, z)


def _sigmoid(z: Array) -> Array:
    out = np.empty_like(z, dtype=float)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def _logistic_data(X: ArrayLike, y: ArrayLike) -> tuple[Array, Array]:
    X, y = v.design(X, y)
    bad = (y != 0) & (y != 1)
    if np.any(bad):
        raise ValueError(f"labels y must be 0 or 1, got {y[bad][0]:g}")
    return X, y


def _logistic_inputs(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> tuple[Array, Array, Array]:
    X, y = _logistic_data(X, y)
    w = v.array(w, "w")
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    return X, y, w


def logistic_nll(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> float:
    """Negative log-likelihood sum_i [log(1 + exp(x_i.w)) - y_i x_i.w], labels 0/1 (a sum, not a mean)."""
    X, y, w = _logistic_inputs(X, y, w)
    z = X @ w
    return float(np.sum(_log1pexp(z) - y * z))


def logistic_gradient(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> Array:
    """Gradient of the logistic NLL (a sum over rows): X^T (sigmoid(X w) - y)."""
    X, y, w = _logistic_inputs(X, y, w)
    return X.T @ (_sigmoid(X @ w) - y)


def _newton_logistic(X: Array, y: Array, lam: float, *, detect_separation: bool) -> Array:
    """Damped Newton (IRLS) for NLL(w) + (lam/2)||w||^2. Returns w or raises ValueError."""
    d = X.shape[1]
    w = np.zeros(d)
    converged = False

    def objective(w: Array) -> float:
        z = X @ w
        return float(np.sum(_log1pexp(z) - y * z) + 0.5 * lam * (w @ w))

    f = objective(w)
    for _ in range(200):
        p = _sigmoid(X @ w)
        grad = X.T @ (p - y) + lam * w
        weights = p * (1.0 - p)
        hess = (X * weights[:, None]).T @ X + lam * np.eye(d)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        decrement = float(grad @ step)
        if decrement < 1e-24 * max(1.0, f):
            converged = True
            break
        t = 1.0
        while True:
            w_new = w - t * step
            f_new = objective(w_new)
            if f_new <= f - 1e-4 * t * decrement or t < 1e-12:
                break
            t *= 0.5
        if f_new >= f or np.max(np.abs(t * step)) <= 1e-13 * (1.0 + np.max(np.abs(w))):
            # No further decrease in floating point: converged if the Newton decrement is tiny.
            if f_new <= f:
                w = w_new
            converged = decrement < 1e-12 * max(1.0, f)
            break
        w, f = w_new, f_new
        if detect_separation and _separating(X, y, w):
            raise ValueError(_SEPARATED)
    if detect_separation:
        # Newton stops also when the likelihood saturates along a direction of
        # quasi-separation; look for that direction among the saturated rows.
        margins = (2.0 * y - 1.0) * (X @ w)
        for threshold in (10.0, 15.0, 20.0, 30.0):
            fitted = margins < threshold  # rows whose fitted probability is not saturated
            if fitted.all():
                continue
            rest = X[fitted]
            if rest.shape[0]:
                # component of w in the null space of the unsaturated rows
                coef, *_ = np.linalg.lstsq(rest, rest @ w, rcond=None)
                candidate = w - coef
            else:
                candidate = w
            if _separating(X, y, candidate):
                raise ValueError(_SEPARATED)
        if not converged:
            raise ValueError(
                "Newton's method did not converge: the data are (nearly) separable and the "
                "MLE may not exist. Use logistic_l2 with lam > 0."
            )
        return w
    if not converged:
        raise ValueError("Newton's method failed to converge for regularised logistic regression")
    return w


def _separating(X: Array, y: Array, direction: Array) -> bool:
    """True if direction != 0 has every margin (2y-1) x_i.direction >= 0 (up to rounding).

    Such a direction certifies (quasi-)separation: along it the likelihood never decreases,
    so no finite maximiser exists (X having full column rank).
    """
    size = np.linalg.norm(direction)
    if size == 0 or not np.isfinite(size):
        return False
    margins = (2.0 * y - 1.0) * (X @ direction)
    row_norms = np.linalg.norm(X, axis=1)
    return bool(np.all(margins >= -1e-9 * row_norms * size)) and bool(
        np.any(margins > 1e-9 * row_norms * size)
    )


_SEPARATED = (
    "the data are (quasi-)linearly separable: the logistic likelihood keeps increasing as "
    "||w|| grows, so the MLE does not exist (is infinite). Use logistic_l2 with lam > 0."
)


def logistic_regression(X: ArrayLike, y: ArrayLike) -> Array:
    """Logistic-regression MLE: argmin of sum_i [log(1+exp(x_i.w)) - y_i x_i.w], labels 0/1.

    No intercept is added (include a column of ones in X for one). Solved by Newton / IRLS
    with a backtracking line search. Raises ValueError if the data are linearly separable or
    quasi-separable (the MLE does not exist), or if X^T X is singular.
    """
    X, y = _logistic_data(X, y)
    v.full_rank(X, "Use solvers.map.logistic_l2 with lam > 0.")
    return _newton_logistic(X, y, 0.0, detect_separation=True)


def mvn(X: ArrayLike) -> tuple[Array, Array]:
    """MLE (mean vector, covariance matrix) of a multivariate Gaussian from the rows of X
    (n observations x d dimensions). The covariance divides by n (biased, not n-1):
    (1/n) sum_i (x_i - xbar)(x_i - xbar)^T. Raises when it would be singular (fewer than d+1
    points in general position), where the likelihood is unbounded."""
    arr = v.array(X, "X", ndim=2)
    n, d = arr.shape
    mean = arr.mean(axis=0)
    centred = arr - mean
    cov = centred.T @ centred / n
    if n <= d or np.linalg.matrix_rank(cov) < d:
        raise ValueError(
            "the covariance MLE is singular (need more than d points not on a hyperplane): "
            "the likelihood is unbounded"
        )
    return mean, cov
