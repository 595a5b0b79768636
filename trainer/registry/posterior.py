"""Registry functions: posterior modes and means under conjugate priors, ridge and the lasso."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _index, _register, _vec

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array


@_register("(k+a-1)/(n+a+b-2): the posterior mode of p under a Beta(a, b) prior",
           example=(3, 10, 2, 2))
def beta_bernoulli_map(k: float, n: float, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.beta_bernoulli(k, n, a, b)


@_register("(a-1) log p + (b-1) log(1-p) - log B(a, b): the log of the Beta(a, b) density at p",
           example=(0.3, 2, 5))
def beta_logpdf(p: float, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.beta_log_density(p, a, b)


@_register("(k+a)/(n+a+b): the posterior mean of p under a Beta(a, b) prior", example=(3, 10, 2, 2))
def beta_bernoulli_mean(k: float, n: float, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.beta_bernoulli_mean(k, n, a, b)


@_register("(a + sum x - 1)/(b + n): the posterior mode of a Poisson rate, Gamma(a, rate b)",
           example=([2, 4, 3], 2, 2))
def gamma_poisson_map(x: ArrayLike, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.gamma_poisson(_vec(x), a, b)


@_register("(a + sum x)/(b + n): the posterior mean of a Poisson rate, Gamma(a, rate b)",
           example=([2, 4, 3], 2, 2))
def gamma_poisson_mean(x: ArrayLike, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.gamma_poisson_mean(_vec(x), a, b)


@_register("(c_j + alpha - 1)/(n + K alpha - K): the posterior mode of category j under a "
           "symmetric Dirichlet(alpha) prior", example=([3, 5, 2], 2, 1))
def dirichlet_map(counts: ArrayLike, alpha: float, j: float) -> float:
    from solvers import map as map_solvers

    c = _vec(counts)
    probs = map_solvers.dirichlet_categorical(c, [_f(alpha)] * len(c))
    return float(probs[_index(j, len(c))])


@_register("the posterior mean of a Gaussian mean: data x with noise variance var, "
           "prior N(mu0, tau2)", example=([1.0, 2.0, 4.0], 2.0, 0.0, 1.0))
def normal_normal_mean(x: ArrayLike, var: float, mu0: float, tau2: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.gaussian_mean(_vec(x), var, mu0, tau2)


@_register("sum xy / (sum x^2 + lam): ridge through the origin, one feature",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5),
           params={'lam': 'penalty weight lambda >= 0'})
def ridge_1d(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.ridge_1d(_vec(x), _vec(y), lam)


@_register("argmin_w (1/2) sum (y - w x)^2 + lam |w|: the lasso, one feature (soft-thresholding)",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5),
           params={'lam': 'penalty weight lambda >= 0 (on |w|, with (1/2) on the squares)'})
def lasso_1d(x: ArrayLike, y: ArrayLike, lam: float) -> float:
    from solvers import map as map_solvers

    return float(map_solvers.lasso([[v] for v in _vec(x)], _vec(y), lam)[0])


@_register("(X^T X + lam I)^(-1) X^T y: the ridge / Gaussian-prior MAP weights (matrices)",
           example=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 2.5], 0.5),
           params={'lam': 'penalty weight lambda >= 0', 'y': 'targets, one per row of X'})
def ridge(X: ArrayLike, y: ArrayLike, lam: float) -> Array:
    import numpy as np

    from solvers import map as map_solvers

    y = np.asarray(y, dtype=float).reshape(-1)
    return np.asarray(map_solvers.ridge(X, y, lam), dtype=float)


@_register("||y - X w||^2/(2 noise_var) + ||w||^2/(2 prior_var): minus the log posterior of "
           "w under Gaussian noise and a N(0, prior_var I) prior, without its terms free of w",
           example=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 2.5], [0.5, 1.0], 1.0, 2.0),
           params={'y': 'targets, one per row of X', 'w': 'weights, one per column of X'})
def ridge_neg_log_posterior(X: ArrayLike, y: ArrayLike, w: ArrayLike, noise_var: float,
                            prior_var: float) -> float:
    import numpy as np

    from solvers import map as map_solvers

    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.asarray(w, dtype=float).reshape(-1)
    return map_solvers.ridge_neg_log_posterior(X, y, w, noise_var, prior_var)


@_register("the ridge penalty equivalent to noise variance sigma2 and prior variance tau2",
           example=(1.0, 2.0))
def ridge_lambda(noise_var: float, prior_var: float) -> float:
    # One observation y = 1 at x = 1: the Bayesian posterior mean (= MAP) of w under the
    # prior N(0, tau2) is 1/(1 + lam) for the equivalent ridge penalty lam, so lam = 1/w - 1.
    from solvers import map as map_solvers

    w = map_solvers.gaussian_mean([1.0], noise_var, 0.0, prior_var)
    return 1.0 / w - 1.0


@_register("(k+a)/(n+a+b): the posterior mode of the log-odds under a Beta(a, b) prior on p, "
           "mapped back to p", example=(3, 10, 2, 2))
def beta_bernoulli_logit_mode(k: float, n: float, a: float, b: float) -> float:
    from solvers import map as map_solvers

    return map_solvers.beta_bernoulli_logit_mode(k, n, a, b)
