"""Registry functions: Fisher information, Cramér-Rao bounds, Wald and delta-method standard errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _index, _register

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array


def _information(family: str, **params: float) -> float | Array:
    from solvers import fisher

    return fisher.information(family, **params)


def _crlb(family: str, n: float, **params: float) -> float | Array:
    from solvers import fisher

    return fisher.crlb(family, n, **params)


@_register("1/(p(1-p)): Fisher information of one Bernoulli(p) observation", example=(0.3,))
def fisher_bernoulli(p: float) -> float | Array:
    return _information("bernoulli", p=p)


@_register("1/lam: Fisher information of one Poisson(lam) observation", example=(0.5,))
def fisher_poisson(lam: float) -> float | Array:
    return _information("poisson", lam=lam)


@_register("1/var: Fisher information about a Gaussian mean, one observation", example=(2.0,))
def fisher_gaussian_mean(var: float) -> float | Array:
    return _information("gaussian_mean", mu=0.0, var=var)


@_register("1/(2 var^2): Fisher information about a Gaussian variance, one observation",
           example=(2.0,))
def fisher_gaussian_var(var: float) -> float | Array:
    return _information("gaussian_var", mu=0.0, var=var)


@_register("1/lam^2: Fisher information about an exponential rate, one observation", example=(0.5,))
def fisher_exponential(lam: float) -> float | Array:
    return _information("exponential", rate=lam)


@_register("p(1-p)/n: the Cramér-Rao bound for unbiased estimators of a Bernoulli p",
           example=(0.3, 10))
def crlb_bernoulli(p: float, n: float) -> float | Array:
    return _crlb("bernoulli", n, p=p)


@_register("lam/n: the Cramér-Rao bound for unbiased estimators of a Poisson rate",
           example=(0.5, 10))
def crlb_poisson(lam: float, n: float) -> float | Array:
    return _crlb("poisson", n, lam=lam)


@_register("var/n: the Cramér-Rao bound for unbiased estimators of a Gaussian mean",
           example=(2.0, 10))
def crlb_gaussian_mean(var: float, n: float) -> float | Array:
    return _crlb("gaussian_mean", n, mu=0.0, var=var)


@_register("lam^2/n: the Cramér-Rao bound for unbiased estimators of an exponential rate",
           example=(0.5, 10))
def crlb_exponential(lam: float, n: float) -> float | Array:
    return _crlb("exponential", n, rate=lam)


@_register("z sqrt(phat(1-phat)/n): the Wald half-width for a Bernoulli p from k of n "
           "(level 0.95 unless given; z = 1.95996...)", example=(3, 10))
def wald_half_width_bernoulli(k: float, n: float, level: float = 0.95) -> float:
    from solvers import fisher

    return fisher.wald_halfwidth_at("bernoulli", n, level, p=_f(k) / _f(n))


@_register("entry (i, j) (from 1) of the 2x2 Fisher information of one N(mu, var) observation "
           "about (mu, var)", example=(2.0, 2, 2))
def fisher_gaussian_entry(var: float, i: float, j: float) -> float:
    info = _information("gaussian", mu=0.0, var=var)
    assert not isinstance(info, float)  # "gaussian" is the 2x2 matrix over (mu, var)
    return float(info[_index(i, 2), _index(j, 2)])


@_register("2 var^2/n: the Cramér-Rao bound for unbiased estimators of a Gaussian variance, "
           "mean unknown (the (var, var) entry of the inverse 2x2 information)", example=(2.0, 10))
def crlb_gaussian_var(var: float, n: float) -> float:
    bound = _crlb("gaussian", n, mu=0.0, var=var)
    assert not isinstance(bound, float)  # "gaussian" is the 2x2 matrix over (mu, var)
    return float(bound[1, 1])


@_register("2/sigma^2: Fisher information about a Gaussian standard deviation sigma (mean "
           "known), by reparametrising the information about the variance", example=(2.0,))
def fisher_gaussian_sd(sigma: float) -> float | Array:
    from solvers import fisher

    s = _f(sigma)
    return fisher.reparametrise(fisher_gaussian_var(s * s), 2 * s)


@_register("p(1-p): Fisher information about the log-odds eta of one Bernoulli(p) "
           "observation, by reparametrising (dp/deta = p(1-p))", example=(0.3,))
def fisher_bernoulli_logit(p: float) -> float | Array:
    from solvers import fisher

    q = _f(p)
    return fisher.reparametrise(fisher_bernoulli(q), q * (1 - q))


@_register("J^T F J: the Fisher information matrix in a new parametrisation eta, from F = "
           "I(theta) and J = d theta/d eta (matrices)",
           example=([[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]),
           params={'F': 'Fisher information matrix about theta'})
def fisher_reparam(F: ArrayLike, J: ArrayLike) -> Array:
    import numpy as np

    from solvers import fisher

    return np.asarray(fisher.reparametrise(F, J), dtype=float)


@_register("1/sqrt(n p(1-p)) at p = k/n: delta-method standard error of the estimated log-odds",
           example=(3, 10))
def se_log_odds(k: float, n: float) -> float:
    from solvers import stats

    return stats.se_log_odds(k, n)


@_register("|g'(p)| sqrt(p(1-p)/n) with g = log-odds: the delta-method standard error of the "
           "log-odds at a probability p (not necessarily k/n for a whole k)", example=(0.3, 10))
def se_log_odds_p(p: float, n: float) -> float:
    from solvers import stats

    q = _f(p)
    return stats.delta_method_se(1 / (q * (1 - q)), q * (1 - q) / _f(n))


@_register("1/sqrt(total): delta-method standard error of the log of a Poisson rate "
           "estimated from a total count", example=(25,))
def se_log_rate(total: float) -> float:
    from solvers import stats

    return stats.se_log_rate(total)
