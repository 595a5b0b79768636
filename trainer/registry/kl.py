"""Registry functions: KL divergences between distributions, in nats."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _matrix, _mean_vec, _register, _vec

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


@_register("KL(N(mu1, var1) || N(mu2, var2)) in nats", example=(0.0, 1.0, 2.0, 1.0))
def kl_gaussian(mu1: float, var1: float, mu2: float, var2: float) -> float:
    from solvers import kl

    return kl.gaussian(mu1, var1, mu2, var2)


@_register("Var of the forward-KL Gaussian fit to w N(m1, v1) + (1-w) N(m2, v2): the "
           "mixture's variance (moment matching)", example=(0.5, -2.0, 1.0, 2.0, 1.0),
           params={"w": "weight of the first component, in [0, 1]",
                   "m1": "mean of the first component", "v1": "VARIANCE of the first component",
                   "m2": "mean of the second component",
                   "v2": "VARIANCE of the second component"})
def forward_kl_fit_var(w: float, m1: float, v1: float, m2: float, v2: float) -> float:
    from solvers import kl

    return kl.forward_gaussian_fit([_f(w), 1 - _f(w)], [_f(m1), _f(m2)],
                                   [_f(v1), _f(v2)])[1]


@_register("KL(Bernoulli(p) || Bernoulli(q)) in nats", example=(0.3, 0.5))
def kl_bernoulli(p: float, q: float) -> float:
    from solvers import kl

    return kl.bernoulli(p, q)


@_register("KL(p || q) between two categorical distributions, in nats",
           example=([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]),
           params={'p': 'the first probability vector (a list summing to 1)',
                   'q': 'the second probability vector (a list summing to 1)'})
def kl_categorical(p: float, q: float) -> float:
    from solvers import kl

    return kl.categorical(_vec(p), _vec(q))


@_register("sum_j KL(N(mu1_j, var1_j) || N(mu2_j, var2_j)): KL between diagonal Gaussians",
           example=([0.0, 1.0], [1.0, 2.0], [1.0, 1.0], [1.0, 1.0]),
           params={'mu1': 'means of the first Gaussian (a list)',
                   'var1': 'VARIANCES of the first Gaussian (a list)',
                   'mu2': 'means of the second Gaussian (a list)',
                   'var2': 'VARIANCES of the second Gaussian (a list)'})
def kl_diag_gaussian(mu1: ArrayLike, var1: ArrayLike, mu2: ArrayLike, var2: ArrayLike) -> float:
    from solvers import kl

    return sum(kl.gaussian(a, b, c, d) for a, b, c, d in zip(_vec(mu1), _vec(var1), _vec(mu2),
                                                   _vec(var2), strict=True))


@_register("KL(Poisson(lam1) || Poisson(lam2)) in nats", example=(2.0, 3.0))
def kl_poisson(lam1: float, lam2: float) -> float:
    from solvers import kl

    return kl.poisson(lam1, lam2)


@_register("KL(Exp(rate1) || Exp(rate2)) in nats, rates (mean 1/rate)", example=(1.0, 2.0))
def kl_exponential(rate1: float, rate2: float) -> float:
    from solvers import kl

    return kl.exponential(rate1, rate2)


@_register("KL(N(mu1, cov1) || N(mu2, cov2)) in nats: means as lists (or column matrices), "
           "covariances as k*k numbers row by row (or matrices)",
           example=([0.0, 0.0], [2.0, 0.5, 0.5, 1.0], [1.0, 0.0], [1.0, 0.0, 0.0, 1.0]),
           params={'mu1': 'mean vector of the first Gaussian (a list)',
                   'mu2': 'mean vector of the second Gaussian (a list)'})
def kl_mvn(mu1: ArrayLike, cov1: ArrayLike, mu2: ArrayLike, cov2: ArrayLike) -> float:
    from solvers import kl

    m1, m2 = _mean_vec(mu1), _mean_vec(mu2)
    k = len(m1)
    return kl.mvn(m1, _matrix(cov1, k, "cov1"), m2, _matrix(cov2, k, "cov2"))


@_register("tr(cov2^-1 cov1): the trace term of KL(N(., cov1) || N(., cov2)), covariances as "
           "k*k numbers row by row", example=([2.0, 0.5, 0.5, 1.0], [1.0, 0.0, 0.0, 1.0]))
def kl_mvn_trace(cov1: ArrayLike, cov2: ArrayLike) -> float:
    # from the solver's KL at equal means: 2 KL = trace - k + logdet
    import math

    k = int(round(math.sqrt(len(_vec(cov1)))))
    zero = [0.0] * k
    return 2 * kl_mvn(zero, cov1, zero, cov2) - kl_mvn_logdet(cov1, cov2) + k


@_register("log(det cov2 / det cov1): the log-det term of KL(N(., cov1) || N(., cov2))",
           example=([2.0, 0.5, 0.5, 1.0], [1.0, 0.0, 0.0, 1.0]))
def kl_mvn_logdet(cov1: ArrayLike, cov2: ArrayLike) -> float:
    import math

    import numpy as np

    k = int(round(math.sqrt(len(_vec(cov1)))))
    c1, c2 = _matrix(cov1, k, "cov1"), _matrix(cov2, k, "cov2")
    return float(np.linalg.slogdet(c2)[1] - np.linalg.slogdet(c1)[1])
