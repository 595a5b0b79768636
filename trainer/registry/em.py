"""Registry functions: the EM algorithm for a two-Gaussian mixture (E-step, M-step, a whole step and its stale-means slip)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _register, _vec

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array


@_register("the E-step responsibility of component 1 for x in the mixture "
           "pi1 N(mu1, var1) + (1 - pi1) N(mu2, var2)", example=(1.0, 0.5, 0.0, 1.0, 2.0, 1.0),
           params={'x': 'one observation (a number)'})
def em_responsibility(x: float, pi1: float, mu1: float, var1: float, mu2: float, var2: float) -> float | Array:
    from solvers import em

    return em.responsibility(_f(x), pi1, mu1, var1, mu2, var2)


@_register("one EM step for pi1 N(mu1, var1) + (1 - pi1) N(mu2, var2): the new "
           "(pi1, mu1, var1, mu2, var2)", arity=(6, 6),
           example=([-1.0, 0.0, 2.0, 3.0], 0.5, 0.0, 1.0, 2.0, 1.0))
def em_step(x: ArrayLike, pi1: float, mu1: float, var1: float, mu2: float, var2: float) -> tuple[float, float, float, float, float]:
    from solvers import fitting

    return fitting.em_step(_vec(x), pi1, mu1, var1, mu2, var2)


@_register("a MISTAKE: an EM step whose variances are taken around the old means",
           arity=(6, 6), example=([-1.0, 0.0, 2.0, 3.0], 0.5, 0.0, 1.0, 2.0, 1.0))
def em_step_stale_means(x: ArrayLike, pi1: float, mu1: float, var1: float, mu2: float, var2: float) -> tuple[float, float, float, float, float]:
    import numpy as np

    from solvers import em, fitting

    xs = np.asarray(_vec(x))
    new = fitting.em_step(xs, pi1, mu1, var1, mu2, var2)
    r = np.atleast_1d(em.responsibility(xs, pi1, mu1, var1, mu2, var2))
    v1 = float(np.dot(r, (xs - _f(mu1)) ** 2) / r.sum())
    v2 = float(np.dot(1 - r, (xs - _f(mu2)) ** 2) / (1 - r).sum())
    return new[0], new[1], v1, new[3], v2


def _m_step(x: ArrayLike, r: ArrayLike) -> tuple[Array, Array, Array]:
    from solvers import em

    xs, rs = _vec(x), _vec(r)
    return em.m_step(xs, rs)


@_register("sum r / n: the M-step mixing weight of component 1 from its responsibilities r",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_weight(x: ArrayLike, r: ArrayLike) -> float:
    return float(_m_step(x, r)[0][0])


@_register("sum r x / sum r: the M-step mean of component 1 from its responsibilities r",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_mean(x: ArrayLike, r: ArrayLike) -> float:
    return float(_m_step(x, r)[1][0])


@_register("sum r (x - new mean)^2 / sum r: the M-step variance of component 1",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_var(x: ArrayLike, r: ArrayLike) -> float:
    return float(_m_step(x, r)[2][0])
