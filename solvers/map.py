"""MAP estimates and conjugate posteriors (parameters, means, modes) and penalised regressions.

Conventions: Gamma(shape, rate) has density rate^shape x^(shape-1) exp(-rate x) / Gamma(shape)
and mean shape/rate. Inverse-Gamma(shape, scale) has density
scale^shape x^(-shape-1) exp(-scale/x) / Gamma(shape) and mean scale/(shape-1).
A mode is returned where the posterior density attains its maximum, including on the
boundary (e.g. Beta(1, b) with b > 1 has its mode at 0); where there is no maximum (a density
that is unbounded at the boundary because a parameter is < 1, or a flat density) a
ValueError says so.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers._validate import Array
from solvers.mle import _logistic_data, _newton_logistic

# ----------------------------------------------------------------- Beta - Bernoulli / Binomial


def _beta_bernoulli_checked(k: float, n: float, a: float, b: float) -> tuple[float, float]:
    n = v.integer(n, "n")
    k = v.integer(k, "k")
    if k > n:
        raise ValueError(f"k = {k} successes exceeds n = {n} trials")
    a = v.positive(a, "a")
    b = v.positive(b, "b")
    return a + k, b + n - k


def beta_bernoulli_posterior(k: float, n: float, a: float, b: float) -> tuple[float, float]:
    """Posterior Beta(a + k, b + n - k) after k successes in n Bernoulli trials
    (equally, one Binomial(n, p) observation k), prior Beta(a, b)."""
    return _beta_bernoulli_checked(k, n, a, b)


def beta_bernoulli_mean(k: float, n: float, a: float, b: float) -> float:
    """Posterior mean (a + k) / (a + b + n) of p under a Beta(a, b) prior."""
    a1, b1 = _beta_bernoulli_checked(k, n, a, b)
    return a1 / (a1 + b1)


def beta_log_density(p: float, a: float, b: float) -> float:
    """log of the Beta(a, b) density at p in (0, 1):
    (a - 1) log p + (b - 1) log(1 - p) - log B(a, b), with log B(a, b) = lgamma(a) + lgamma(b)
    - lgamma(a + b)."""
    p = v.probability(p, "p", open_interval=True)
    a = v.positive(a, "a")
    b = v.positive(b, "b")
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    return (a - 1.0) * math.log(p) + (b - 1.0) * math.log1p(-p) - log_beta


def _beta_mode(a1: float, b1: float) -> float:
    if a1 < 1 or b1 < 1:
        raise ValueError(
            f"the posterior Beta({a1:g}, {b1:g}) has a parameter < 1: its density is unbounded "
            "at the boundary, so the MAP estimate does not exist"
        )
    if a1 == 1 and b1 == 1:
        raise ValueError(
            "the posterior Beta(1, 1) is flat: every p is a mode, the MAP is not unique"
        )
    return (a1 - 1) / (a1 + b1 - 2)


def beta_bernoulli(k: float, n: float, a: float, b: float) -> float:
    """MAP (posterior mode) of p: (a + k - 1) / (a + b + n - 2), prior Beta(a, b).

    Valid when a + k >= 1 and b + n - k >= 1, not both equal to 1 (the mode may then be 0 or 1).
    """
    return _beta_mode(*_beta_bernoulli_checked(k, n, a, b))


# -------------------------------------------------------------------------- Gamma - Poisson


def _gamma_checked(shape: float, rate: float) -> tuple[float, float]:
    return v.positive(shape, "shape"), v.positive(rate, "rate")


def gamma_poisson_posterior(x: ArrayLike, shape: float, rate: float) -> tuple[float, float]:
    """Posterior Gamma(shape + sum(x), rate + n) of a Poisson rate; Gamma prior in shape-rate form."""
    shape, rate = _gamma_checked(shape, rate)
    arr = v.counts(x, "x")
    return shape + float(arr.sum()), rate + arr.size


def gamma_poisson_mean(x: ArrayLike, shape: float, rate: float) -> float:
    """Posterior mean (shape + sum(x)) / (rate + n) of a Poisson rate."""
    a1, b1 = gamma_poisson_posterior(x, shape, rate)
    return a1 / b1


def _gamma_mode(a1: float, b1: float) -> float:
    if a1 < 1:
        raise ValueError(
            f"the posterior Gamma(shape={a1:g}) has shape < 1: its density is unbounded at 0, "
            "so the MAP estimate does not exist"
        )
    return (a1 - 1) / b1


def gamma_poisson(x: ArrayLike, shape: float, rate: float) -> float:
    """MAP of a Poisson rate: (shape + sum(x) - 1) / (rate + n). Needs shape + sum(x) >= 1."""
    return _gamma_mode(*gamma_poisson_posterior(x, shape, rate))


# ---------------------------------------------------------------------- Gamma - Exponential


def gamma_exponential_posterior(x: ArrayLike, shape: float, rate: float) -> tuple[float, float]:
    """Posterior Gamma(shape + n, rate + sum(x)) of an exponential rate (density lam*exp(-lam x))."""
    shape, rate = _gamma_checked(shape, rate)
    arr = v.array(x, "x")
    if np.any(arr < 0):
        raise ValueError(f"x must be >= 0 for exponential data, got {arr[arr < 0][0]:g}")
    return shape + arr.size, rate + float(arr.sum())


def gamma_exponential_mean(x: ArrayLike, shape: float, rate: float) -> float:
    """Posterior mean (shape + n) / (rate + sum(x)) of an exponential rate."""
    a1, b1 = gamma_exponential_posterior(x, shape, rate)
    return a1 / b1


def gamma_exponential(x: ArrayLike, shape: float, rate: float) -> float:
    """MAP of an exponential rate: (shape + n - 1) / (rate + sum(x))."""
    return _gamma_mode(*gamma_exponential_posterior(x, shape, rate))


# ---------------------------------------------------------------- Dirichlet - Categorical


def dirichlet_categorical_posterior(counts: ArrayLike, alpha: ArrayLike) -> Array:
    """Posterior Dirichlet(alpha + counts) after category counts (categorical or multinomial)."""
    c = v.counts(counts, "counts")
    alpha = v.positive_array(alpha, "alpha")
    if alpha.shape != c.shape:
        raise ValueError(f"counts and alpha have mismatched shapes {c.shape} and {alpha.shape}")
    return alpha + c


def dirichlet_categorical_mean(counts: ArrayLike, alpha: ArrayLike) -> Array:
    """Posterior mean (alpha_j + n_j) / sum(alpha + n)."""
    post = dirichlet_categorical_posterior(counts, alpha)
    return post / float(post.sum())


def dirichlet_categorical(counts: ArrayLike, alpha: ArrayLike) -> Array:
    """MAP of the category probabilities: (alpha_j + n_j - 1) / (sum(alpha + n) - K).

    Needs every alpha_j + n_j >= 1, not all equal to 1; categories with alpha_j + n_j = 1
    get probability 0.
    """
    post = dirichlet_categorical_posterior(counts, alpha)
    if np.any(post < 1):
        raise ValueError(
            f"a posterior Dirichlet parameter is < 1 ({post[post < 1][0]:g}): the density is "
            "unbounded at the boundary, so the MAP estimate does not exist"
        )
    if np.all(post == 1):
        raise ValueError("the posterior Dirichlet(1, ..., 1) is flat: the MAP is not unique")
    return (post - 1) / (float(post.sum()) - post.size)


# ------------------------------------------------------------ Normal - Normal (known variance)


def gaussian_mean_posterior(x: ArrayLike, noise_var: float, prior_mean: float, prior_var: float) -> tuple[float, float]:
    """Posterior N(mean, var) of a Gaussian mean with known noise variance, prior N(m0, v0).

    var = 1 / (1/v0 + n/noise_var); mean = var * (m0/v0 + sum(x)/noise_var). Variances, not sds.
    """
    arr = v.array(x, "x")
    noise_var = v.positive(noise_var, "noise_var")
    prior_mean = v.scalar(prior_mean, "prior_mean")
    prior_var = v.positive(prior_var, "prior_var")
    precision = 1.0 / prior_var + arr.size / noise_var
    var = 1.0 / precision
    return var * (prior_mean / prior_var + float(arr.sum()) / noise_var), var


def gaussian_mean(x: ArrayLike, noise_var: float, prior_mean: float, prior_var: float) -> float:
    """MAP = posterior mean of a Gaussian mean (known noise variance, prior N(m0, v0))."""
    return gaussian_mean_posterior(x, noise_var, prior_mean, prior_var)[0]


# -------------------------------------------------------------- Normal - Inverse-Gamma


def normal_inverse_gamma_posterior(
    x: ArrayLike, mu0: float, kappa0: float, shape: float, scale: float
) -> tuple[float, float, float, float]:
    """Posterior NIG(mu_n, kappa_n, shape_n, scale_n) for Gaussian data with unknown mean and variance.

    Prior: var ~ Inverse-Gamma(shape, scale), mean | var ~ N(mu0, var / kappa0).
    kappa_n = kappa0 + n, mu_n = (kappa0 mu0 + n xbar) / kappa_n, shape_n = shape + n/2,
    scale_n = scale + S/2 + kappa0 n (xbar - mu0)^2 / (2 kappa_n), S = sum (x - xbar)^2.
    """
    arr = v.array(x, "x")
    mu0 = v.scalar(mu0, "mu0")
    kappa0 = v.positive(kappa0, "kappa0")
    shape = v.positive(shape, "shape")
    scale = v.positive(scale, "scale")
    n = arr.size
    xbar = float(arr.mean())
    ss = float(np.sum((arr - xbar) ** 2))
    kappa_n = kappa0 + n
    mu_n = (kappa0 * mu0 + n * xbar) / kappa_n
    scale_n = scale + 0.5 * ss + kappa0 * n * (xbar - mu0) ** 2 / (2.0 * kappa_n)
    return mu_n, kappa_n, shape + n / 2.0, scale_n


def normal_inverse_gamma_mean(x: ArrayLike, mu0: float, kappa0: float, shape: float, scale: float) -> tuple[float, float]:
    """Posterior means (E[mean], E[var]) = (mu_n, scale_n / (shape_n - 1)); needs shape_n > 1."""
    mu_n, _, a_n, b_n = normal_inverse_gamma_posterior(x, mu0, kappa0, shape, scale)
    if a_n <= 1:
        raise ValueError(
            f"posterior shape {a_n:g} <= 1: the posterior mean of the variance is infinite"
        )
    return mu_n, b_n / (a_n - 1)


def normal_inverse_gamma(x: ArrayLike, mu0: float, kappa0: float, shape: float, scale: float) -> tuple[float, float]:
    """Joint MAP (mean, var) of the NIG posterior: (mu_n, scale_n / (shape_n + 3/2)).

    This is the mode of the joint density of (mean, var); the mode of the marginal of var
    alone is scale_n / (shape_n + 1).
    """
    mu_n, _, a_n, b_n = normal_inverse_gamma_posterior(x, mu0, kappa0, shape, scale)
    return mu_n, b_n / (a_n + 1.5)


# --------------------------------------------------------------------- penalised regressions


def ridge(X: ArrayLike, y: ArrayLike, lam: float) -> Array:
    """Ridge w = argmin ||y - X w||^2 + lam ||w||^2 = (X^T X + lam I)^-1 X^T y. No intercept.

    This is the MAP under a N(0, (sigma^2/lam) I) prior with N(0, sigma^2) noise.
    """
    X, y = v.design(X, y)
    lam = v.nonnegative(lam, "lam")
    if lam == 0:
        v.full_rank(X, "Use lam > 0.")
    d = X.shape[1]
    return np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y)


def ridge_neg_log_posterior(X: ArrayLike, y: ArrayLike, w: ArrayLike, noise_var: float,
                            prior_var: float) -> float:
    """Minus the log posterior of w for y = X w + N(0, noise_var I) noise and a N(0, prior_var I)
    prior, without its terms free of w: ||y - X w||^2 / (2 noise_var) + ||w||^2 / (2 prior_var).

    Both are variances (not standard deviations); 2 noise_var times it is the ridge objective
    with lam = noise_var / prior_var.
    """
    X, y = v.design(X, y)
    w = v.array(w, "w")
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have one entry per column of X ({X.shape[1]}), got {w.shape}")
    noise_var = v.positive(noise_var, "noise_var")
    prior_var = v.positive(prior_var, "prior_var")
    residual = y - X @ w
    return float(residual @ residual) / (2.0 * noise_var) + float(w @ w) / (2.0 * prior_var)


def ridge_1d(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    """One-feature ridge through the origin: sum(x*y) / (sum(x^2) + lam), objective as in ridge."""
    x = v.array(x, "x")
    y = v.array(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y have mismatched shapes {x.shape} and {y.shape}")
    lam = v.nonnegative(lam, "lam")
    denom = float(x @ x) + lam
    if denom == 0:
        raise ValueError("sum(x^2) + lam = 0: the slope is not determined; use lam > 0")
    return float(x @ y) / denom


def soft_threshold(z: float, t: float) -> float:
    """Soft-thresholding sign(z) * max(|z| - t, 0): argmin_w (1/2)(w - z)^2 + t|w|, t >= 0."""
    return _soft(v.scalar(z, "z"), v.nonnegative(t, "t"))


def _soft(z: float, t: float) -> float:
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


def _lasso_polish(X: Array, y: Array, lam: float, w: Array) -> Array | None:
    """Exact solution on the current support and signs, if it satisfies the KKT conditions.

    Coordinates whose sign flips in the exact solve (ones still shrinking towards 0 in the
    coordinate descent) are dropped from the support and the solve is repeated.
    """
    support = np.flatnonzero(w)
    signs = np.sign(w[support])
    while True:
        out = np.zeros_like(w)
        if support.size:
            Xs = X[:, support]
            gram = Xs.T @ Xs
            if np.linalg.matrix_rank(gram) < support.size:
                return None
            ws = np.linalg.solve(gram, Xs.T @ y - lam * signs)
            keep = np.sign(ws) == signs
            if not keep.all():
                support, signs = support[keep], signs[keep]
                continue
            out[support] = ws
        break
    corr = X.T @ (y - X @ out)
    inactive = np.ones(w.size, dtype=bool)
    inactive[support] = False
    scale = lam * (1 + 1e-9) + 1e-12 * np.abs(X.T @ y).max(initial=0.0)
    if np.any(np.abs(corr[inactive]) > scale):
        return None
    return out


def lasso(X: ArrayLike, y: ArrayLike, lam: float) -> Array:
    """Lasso w = argmin (1/2)||y - X w||^2 + lam ||w||_1 (note the 1/2). No intercept.

    Cyclic coordinate descent, then an exact solve on the converged support and signs,
    accepted when it satisfies the optimality (KKT) conditions. The minimiser is unique when
    X has full column rank (or its columns are in general position); lam = 0 requires full rank.
    """
    X, y = v.design(X, y)
    lam = v.nonnegative(lam, "lam")
    if lam == 0:
        v.full_rank(X, "Use lam > 0.")
    n, d = X.shape
    col_sq = np.sum(X * X, axis=0)
    w = np.zeros(d)
    r = y.copy()
    ymax = max(float(np.abs(y).max()), 1.0)
    for sweep in range(100_000):
        max_change = 0.0
        for j in range(d):
            if col_sq[j] == 0:
                continue
            old = w[j]
            rho = X[:, j] @ r + col_sq[j] * old
            new = _soft(float(rho), lam) / col_sq[j]
            if new != old:
                r -= X[:, j] * (new - old)
                w[j] = new
                max_change = max(max_change, abs(new - old) * np.sqrt(col_sq[j]))
        if max_change < 1e-9 * ymax or sweep % 20 == 19:
            polished = _lasso_polish(X, y, lam, w)
            if polished is not None:
                return polished
            if max_change < 1e-14 * ymax:
                return w
    raise ValueError("lasso coordinate descent did not converge")


def logistic_l2(X: ArrayLike, y: ArrayLike, lam: float) -> Array:
    """L2-regularised logistic regression: argmin NLL(w) + (lam/2)||w||^2, labels 0/1.

    NLL(w) = sum_i [log(1 + exp(x_i.w)) - y_i x_i.w] (a sum, not a mean); no intercept added.
    MAP under a N(0, I/lam) prior. lam = 0 is plain logistic regression (see solvers.mle).
    """
    X, y = _logistic_data(X, y)
    lam = v.nonnegative(lam, "lam")
    if lam == 0:
        from solvers.mle import logistic_regression

        return logistic_regression(X, y)
    return _newton_logistic(X, y, lam, detect_separation=False)


def beta_bernoulli_logit_mode(k: float, n: float, a: float, b: float) -> float:
    """The posterior mode of the log-odds eta = log(p/(1-p)) under a Beta(a, b) prior on p
    after k successes in n trials, reported as the probability sigmoid(eta_mode).

    The posterior density of eta is the Beta(k+a, n-k+b) density of p times the Jacobian
    dp/deta = p(1-p), i.e. proportional to p^(k+a) (1-p)^(n-k+b): its mode is at
    p = (k+a)/(n+a+b), unlike the mode in p, (k+a-1)/(n+a+b-2). Defined for all a, b > 0.
    """
    a1, b1 = _beta_bernoulli_checked(k, n, a, b)
    return a1 / (a1 + b1)
