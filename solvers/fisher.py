"""Fisher information of one observation, the Cramér–Rao lower bound, and Wald half-widths.

Families and parameters (keyword names are fixed):
- "bernoulli": p                      I = 1 / (p (1 - p))
- "binomial": trials, p               I = trials / (p (1 - p))   (one Binomial(trials, p) draw)
- "poisson": lam                      I = 1 / lam
- "exponential": rate                 I = 1 / rate^2             (rate parametrisation)
- "gaussian": mu, var                 I = diag(1/var, 1/(2 var^2)) over (mu, var), a 2x2 matrix
- "gaussian_mean": mu, var            I = 1 / var                (var known)
- "gaussian_var": mu, var             I = 1 / (2 var^2)          (mu known; per unit of var, not sd)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers import stats
from solvers._validate import Array

_PARAMS = {
    "bernoulli": ("p",),
    "binomial": ("trials", "p"),
    "poisson": ("lam",),
    "exponential": ("rate",),
    "gaussian": ("mu", "var"),
    "gaussian_mean": ("mu", "var"),
    "gaussian_var": ("mu", "var"),
}

FAMILIES = tuple(_PARAMS)


def _check(family: str, params: dict[str, float]) -> dict[str, float]:
    if family not in _PARAMS:
        raise ValueError(f"unknown family {family!r}; known: {', '.join(FAMILIES)}")
    want = set(_PARAMS[family])
    got = set(params)
    if got != want:
        missing = ", ".join(sorted(want - got)) or "none"
        extra = ", ".join(sorted(got - want)) or "none"
        raise ValueError(
            f"family {family!r} takes parameters {', '.join(_PARAMS[family])} "
            f"(missing: {missing}; unexpected: {extra})"
        )
    out = {}
    for name, value in params.items():
        if name == "p":
            out[name] = v.probability(value, "p", open_interval=True)
        elif name == "trials":
            out[name] = v.integer(value, "trials", minimum=1)
        elif name == "mu":
            out[name] = v.scalar(value, "mu")
        else:
            out[name] = v.positive(value, name)
    return out


def information(family: str, **params: float) -> float | Array:
    """Fisher information I(theta) = -E[d^2/dtheta^2 log p(x | theta)] of ONE observation.

    A float for one-parameter families, a 2x2 numpy array for "gaussian" (order mu, var).
    See the module docstring for the families and parameter names.
    """
    pr = _check(family, params)
    if family == "bernoulli":
        return 1.0 / (pr["p"] * (1.0 - pr["p"]))
    if family == "binomial":
        return pr["trials"] / (pr["p"] * (1.0 - pr["p"]))
    if family == "poisson":
        return 1.0 / pr["lam"]
    if family == "exponential":
        return 1.0 / pr["rate"] ** 2
    if family == "gaussian_mean":
        return 1.0 / pr["var"]
    if family == "gaussian_var":
        return 1.0 / (2.0 * pr["var"] ** 2)
    return np.diag([1.0 / pr["var"], 1.0 / (2.0 * pr["var"] ** 2)])


def crlb(family: str, n: float, **params: float) -> float | Array:
    """Cramér–Rao lower bound (n I(theta))^-1 for unbiased estimators from n i.i.d. observations.

    A float, or the inverse matrix for "gaussian" (diag(var/n, 2 var^2/n)).
    """
    n = v.integer(n, "n", minimum=1)
    info = information(family, **params)
    if isinstance(info, np.ndarray):
        return np.linalg.inv(n * info)
    return 1.0 / (n * info)


def wald_halfwidth(se: float, level: float = 0.95) -> float:
    """Half-width z * se of the Wald interval, z = Phi^-1((1 + level)/2). Same as solvers.stats."""
    return stats.wald_halfwidth(se, level)


def wald_halfwidth_at(family: str, n: float, level: float = 0.95, **params: float) -> float:
    """Wald half-width z * sqrt(CRLB) with the standard error from the Fisher information,
    for a one-parameter family evaluated at the given (estimated) parameters."""
    bound = crlb(family, n, **params)
    if isinstance(bound, np.ndarray):
        raise ValueError(
            f"family {family!r} has several parameters; use 'gaussian_mean' or 'gaussian_var'"
        )
    return stats.wald_halfwidth(float(np.sqrt(bound)), level)


def reparametrise(info: ArrayLike, jacobian: ArrayLike) -> float | Array:
    """Fisher information in a new parametrisation eta, from I(theta) and the Jacobian
    J = d theta / d eta (entry [i, j] = d theta_i / d eta_j): I(eta) = J^T I(theta) J;
    for one parameter, I(theta) (d theta/d eta)^2. Information is per observation as given."""
    info_arr = np.asarray(info, dtype=float)
    jac = np.asarray(jacobian, dtype=float)
    if info_arr.ndim == 0 and jac.ndim == 0:
        return float(info_arr * jac * jac)
    info_arr, jac = np.atleast_2d(info_arr), np.atleast_2d(jac)
    if info_arr.shape[0] != info_arr.shape[1] or jac.shape[0] != info_arr.shape[0]:
        raise ValueError(f"information {info_arr.shape} and Jacobian {jac.shape} do not conform")
    out: Array = jac.T @ info_arr @ jac
    return out
