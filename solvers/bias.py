"""The O(1/n) bias of a one-parameter MLE by the Cox-Snell formula, from the log-density's
derivatives and their expectations.

bias(theta) = (kappa_{1,2} + kappa_3 / 2) / (n i^2), with per-observation
i = -E[l''], kappa_3 = E[l'''] and kappa_{1,2} = E[l' l''], derivatives in the model's
parameter (Cox & Snell 1968). Models (parameter, as named):
- "exponential-rate":  density rate e^(-rate x), parameter the rate (not the scale)
- "bernoulli-logit":   P(x=1) = sigmoid(eta), parameter the log-odds eta (given as p)
- "bernoulli-p":       parameter p itself
- "poisson-rate":      parameter the rate
"""

from __future__ import annotations

import math
from collections.abc import Callable

from solvers import _validate as v

# a function of the observation x
_OfX = Callable[[float], float]


def _derivatives(model: str, value: float) -> tuple[_OfX, _OfX, _OfX]:
    """(support with probabilities or moments, l', l'', l''') as functions of x."""
    if model == "exponential-rate":
        lam = value
        return (lambda x: 1 / lam - x, lambda x: -1 / lam**2, lambda x: 2 / lam**3)
    if model == "bernoulli-logit":
        p = value
        return (lambda x: x - p, lambda x: -p * (1 - p), lambda x: -p * (1 - p) * (1 - 2 * p))
    if model == "bernoulli-p":
        p = value
        return (lambda x: x / p - (1 - x) / (1 - p),
                lambda x: -x / p**2 - (1 - x) / (1 - p) ** 2,
                lambda x: 2 * x / p**3 - 2 * (1 - x) / (1 - p) ** 3)
    if model == "poisson-rate":
        lam = value
        return (lambda x: x / lam - 1, lambda x: -x / lam**2, lambda x: 2 * x / lam**3)
    raise ValueError(f"unknown model {model!r}; known: exponential-rate, bernoulli-logit, "
                     "bernoulli-p, poisson-rate")


def _expect(model: str, value: float, f: _OfX) -> float:
    """E[f(X)] for f a polynomial of degree <= 2 in x (all the derivatives above are)."""
    if model.startswith("bernoulli"):
        return value * f(1.0) + (1 - value) * f(0.0)
    # f(x) = c0 + c1 x + c2 x^2, recovered from three values, then the moments
    f0, f1, f2 = f(0.0), f(1.0), f(2.0)
    c2 = (f2 - 2 * f1 + f0) / 2
    c1 = f1 - f0 - c2
    if model == "exponential-rate":
        m1, m2 = 1 / value, 2 / value**2
    else:  # poisson
        m1, m2 = value, value + value**2
    return f0 + c1 * m1 + c2 * m2


def cox_snell_bias(model: str, value: float, n: float) -> float:
    """Leading O(1/n) bias E[theta^] - theta of the MLE from n i.i.d. observations, in the
    model's own parameter (see the module docstring); for "bernoulli-logit" pass p, the bias
    is of the MLE of the log-odds."""
    n = v.integer(n, "n", minimum=1)
    if model.startswith("bernoulli"):
        value = v.probability(value, "p", open_interval=True)
    else:
        value = v.positive(value, "value")
    d1, d2, d3 = _derivatives(model, value)
    info = -_expect(model, value, d2)
    k3 = _expect(model, value, d3)
    k12 = _expect(model, value, lambda x: d1(x) * d2(x))
    return (k12 + 0.5 * k3) / (n * info * info) if math.isfinite(info) else math.nan
