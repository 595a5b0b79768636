"""Registry functions: gradient descent on the Gaussian NLL and its missing-chain-rule slip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _register, _vec, _whole

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


@_register("(mu, s) after gradient descent on the mean Gaussian NLL with sigma = exp(s), "
           "from (0, 0)", example=([1.0, 2.0, 4.0], 0.1, 3))
def gaussian_nll_gd(x: ArrayLike, lr: float, steps: float) -> tuple[float, float]:
    from solvers import fitting

    return fitting.gaussian_nll_gd(_vec(x), lr, _whole(steps, "steps", 0))


@_register("a MISTAKE: gradient descent on the Gaussian NLL using d/dsigma as if it were "
           "d/ds (no chain rule through exp)", example=([1.0, 2.0, 4.0], 0.1, 3))
def gaussian_nll_gd_no_chain_rule(x: ArrayLike, lr: float, steps: float) -> tuple[float, float]:
    import math

    xs = _vec(x)
    mean = sum(xs) / len(xs)
    mu, s = 0.0, 0.0
    for _ in range(_whole(steps, "steps", 0)):
        sigma = math.exp(s)
        msq = sum((v - mu) ** 2 for v in xs) / len(xs)
        d_mu = -(mean - mu) / sigma ** 2
        d_sigma = 1 / sigma - msq / sigma ** 3
        mu, s = mu - _f(lr) * d_mu, s - _f(lr) * d_sigma
    return mu, s
