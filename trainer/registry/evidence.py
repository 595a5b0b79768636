"""Registry functions: the log evidence of Bernoulli data (exact, Laplace, BIC) and Cox-Snell biases."""

from __future__ import annotations

from trainer.registry.core import _f, _register, _whole
from trainer.registry.mle import bernoulli_loglik


@_register("log B(k+1, n-k+1): the exact log evidence of a sequence with k successes in n "
           "trials under a uniform prior", example=(3, 10))
def bernoulli_log_evidence(k: float, n: float) -> float:
    from solvers import evidence

    return evidence.bernoulli_log_evidence(k, n)


@_register("the Laplace approximation (in p) to the log evidence of a sequence with k "
           "successes in n trials under a uniform prior", example=(3, 10))
def bernoulli_laplace_log_evidence(k: float, n: float) -> float:
    from solvers import evidence

    return evidence.bernoulli_laplace_log_evidence(k, n)


@_register("log L(k/n) - (1/2) log n: the BIC approximation to the log evidence of k "
           "successes in n trials (one parameter)", example=(3, 10))
def bernoulli_bic_log_evidence(k: float, n: float) -> float:
    from solvers import evidence

    size = _whole(n, "n", 1)
    return evidence.bic_log_evidence(bernoulli_loglik(_f(k) / size, k, n),
                                     1, size)


@_register("the Cox-Snell O(1/n) bias of the MLE of the log-odds from n Bernoulli(p) trials",
           example=(0.3, 10))
def cox_snell_bias_log_odds(p: float, n: float) -> float:
    from solvers import bias

    return bias.cox_snell_bias("bernoulli-logit", p, n)


@_register("the Cox-Snell O(1/n) bias of the MLE of an exponential rate from n observations",
           example=(0.5, 10))
def cox_snell_bias_exponential(lam: float, n: float) -> float:
    from solvers import bias

    return bias.cox_snell_bias("exponential-rate", lam, n)
