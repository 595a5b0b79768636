"""Registry functions: maximum-likelihood estimates, the Bernoulli log-likelihood and score, least squares and the logistic gradient."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _index, _register, _vec, _whole

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array


def _bernoulli_sample(k: float, n: float) -> list[float]:
    size = _whole(n, "n", 1)
    heads = _whole(k, "k", 0)
    if heads > size:
        raise ValueError(f"k = {heads} exceeds n = {size}")
    return [1.0] * heads + [0.0] * (size - heads)


@_register("k/n: the MLE of a Bernoulli p from k successes in n trials", example=(3, 10))
def bernoulli_mle(k: float, n: float) -> float:
    from solvers import mle

    return mle.bernoulli(_bernoulli_sample(k, n))


@_register("k log p + (n-k) log(1-p): the Bernoulli log-likelihood of k successes in n",
           example=(0.3, 3, 10))
def bernoulli_loglik(p: float, k: float, n: float) -> float:
    # n times minus the cross-entropy from the empirical (k/n, 1-k/n) to the model (p, 1-p)
    from solvers import kl

    size = _whole(n, "n", 1)
    f = _f(k) / size
    return -size * kl.cross_entropy([f, 1 - f], [_f(p), 1 - _f(p)])


@_register("k/p - (n-k)/(1-p): the Bernoulli score (d/dp of the log-likelihood)",
           example=(0.3, 3, 10))
def bernoulli_score(p: float, k: float, n: float) -> float | Array:
    # Chain rule through the logit theta = log(p/(1-p)): the logistic NLL gradient of an
    # intercept-only model is n p - k, and d(theta)/dp = 1/(p(1-p)), the Fisher information.
    import math

    from solvers import fisher, mle

    q = _f(p)
    x = [[1.0]] * _whole(n, "n", 1)
    grad = mle.logistic_gradient(x, _bernoulli_sample(k, n),
                                 [math.log(q / (1 - q))])
    return -float(grad[0]) * fisher.information("bernoulli", p=q)


@_register("the sample mean: the MLE of a Gaussian mean", example=([1.0, 2.0, 4.0],))
def gaussian_mle_mean(x: ArrayLike) -> float:
    from solvers import mle

    return mle.gaussian(_vec(x))[0]


@_register("(1/n) sum (x - xbar)^2: the (biased) MLE of a Gaussian variance",
           example=([1.0, 2.0, 4.0],))
def gaussian_mle_var(x: ArrayLike) -> float:
    from solvers import mle

    return mle.gaussian(_vec(x))[1]


@_register("-n/(2 var) + ss/(2 var^2): the Gaussian score in the variance (d/d var of the "
           "log-likelihood), n observations whose squared deviations from the mean sum to ss",
           example=(2.0, 12.0, 5),
           params={'ss': 'sum of the squared deviations (x_i - mu)^2, >= 0'})
def gaussian_score_var(var: float, ss: float, n: float) -> float:
    from solvers import mle

    return mle.gaussian_score_var(var, ss, n)


@_register("(1/(n-1)) sum (x - xbar)^2: the unbiased sample variance (Bessel)",
           example=([1.0, 2.0, 4.0],))
def unbiased_var(x: ArrayLike) -> float:
    from solvers import stats

    return stats.unbiased_variance(_vec(x))


@_register("the Gaussian variance MLE of a sample of size n with sum s1 and sum of squares s2",
           example=(12.0, 40.0, 10),
           params={'n': 'number of observations, a whole number >= 2'})
def gaussian_mle_var_from_sums(s1: float, s2: float, n: float) -> float:
    # A sample with exactly these sums is built and handed to the solver, so the
    # closed form S2/n - (S1/n)^2 on a card is checked against the solver itself.
    import math

    from solvers import mle

    size = _whole(n, "n", 2)
    m = _f(s1) / size
    var = _f(s2) / size - m * m
    if var <= 0:
        raise ValueError("no sample of distinct values has these sums")
    if size % 2 == 0:
        d = math.sqrt(var)
        x = [m + d] * (size // 2) + [m - d] * (size // 2)
    else:
        d = math.sqrt(var * size / (size - 1))
        x = [m + d] * (size // 2) + [m - d] * (size // 2) + [m]
    return mle.gaussian(x)[1]


@_register("the sample mean: the MLE of a Poisson rate", example=([2, 4, 3],))
def poisson_mle(x: ArrayLike) -> float:
    from solvers import mle

    return mle.poisson(_vec(x))


@_register("S/n: the Poisson-rate MLE of n whole-number counts with total S", example=(12, 10),
           params={'s': 'the total of the counts, a whole number >= 0'})
def poisson_mle_from_sum(s: float, n: float) -> float:
    # A sample of n counts with total s is built and handed to the solver.
    from solvers import mle

    total, size = _whole(s, "the total", 0), _whole(n, "n", 1)
    q, r = divmod(total, size)
    return mle.poisson([float(q + 1)] * r + [float(q)] * (size - r))


@_register("n/S: the exponential-rate MLE of n positive observations with total S",
           example=(12, 10),
           params={'s': 'the total of the observations, > 0'})
def exponential_mle_from_sum(s: float, n: float) -> float:
    from solvers import mle

    size = _whole(n, "n", 1)
    if _f(s) <= 0:
        raise ValueError("the total of exponential observations must be positive")
    return mle.exponential([_f(s) / size] * size)


@_register("1/xbar: the MLE of an exponential rate", example=([1.0, 2.0, 4.0],))
def exponential_mle(x: ArrayLike) -> float:
    from solvers import mle

    return mle.exponential(_vec(x))


@_register("max x: the MLE of theta for Uniform(0, theta)", example=([1.0, 2.0, 4.0],))
def uniform_mle(x: ArrayLike) -> float:
    from solvers import mle

    return mle.uniform(_vec(x))


@_register("counts[j]/n: the MLE of category j's probability (j from 1)", example=([3, 5, 2], 1))
def multinomial_mle(counts: ArrayLike, j: float) -> float:
    from solvers import mle

    c = _vec(counts)
    return mle.category_probability(c, _index(j, len(c)))


@_register("sum xy / sum x^2: least squares through the origin (the Gaussian-noise MLE)",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))
def ols_origin(x: ArrayLike, y: ArrayLike) -> float:
    from solvers import mle

    return mle.linear_regression_1d(_vec(x), _vec(y))


@_register("sum (sigmoid(w x_i) - y_i) x_i: d/dw of the logistic NLL, one feature, no bias",
           example=([1.0, 2.0, 4.0], [1, 0, 1], 0.5),
           params={'y': 'labels (0 or 1), one per x', 'w': 'the single weight'})
def logistic_grad_1d(x: ArrayLike, y: ArrayLike, w: float) -> float:
    from solvers import mle

    g = mle.logistic_gradient([[v] for v in _vec(x)], _vec(y), [_f(w)])
    return float(g[0])


@_register("X^T (sigmoid(X w) - y): the gradient of the logistic NLL (matrices)",
           example=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1, 0, 1], [0.5, -0.5]),
           params={'y': 'labels (0 or 1), one per row of X',
                   'w': 'weight vector, one per column of X'})
def logistic_grad(X: ArrayLike, y: ArrayLike, w: ArrayLike) -> Array:
    import numpy as np

    from solvers import mle

    grad = mle.logistic_gradient
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.asarray(w, dtype=float).reshape(-1)
    if np.all((y == 0) | (y == 1)):
        return np.asarray(grad(X, y, w), dtype=float)
    # Random real "labels" (as `trainer check` draws them): the gradient is affine in y, so
    # it is extended from the solver's values at 0/1 labels, g(y) = g(0) + sum_i y_i (g(e_i) - g(0)).
    zero = np.asarray(grad(X, np.zeros_like(y), w), dtype=float)
    out = zero.copy()
    for i, yi in enumerate(y):
        e = np.zeros_like(y)
        e[i] = 1.0
        out += yi * (np.asarray(grad(X, e, w), dtype=float) - zero)
    return out


@_register("entry (i, j) (from 1) of the 2x2 covariance MLE (divides by n) of the points "
           "(x_t, y_t)", example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 1, 2))
def mvn_cov_mle(x: ArrayLike, y: ArrayLike, i: float, j: float) -> float:
    import numpy as np

    from solvers import mle

    xs, ys = _vec(x), _vec(y)
    if len(xs) != len(ys):
        raise ValueError("x and y must have the same length")
    _, cov = mle.mvn(np.column_stack([xs, ys]))
    return float(cov[_index(i, 2), _index(j, 2)])
