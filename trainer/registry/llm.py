"""Registry functions: language-model losses, perplexity, preference models (Bradley-Terry, DPO, RLHF) and log-sum-exp."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.registry.core import _f, _index, _register, _vec, _whole

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array


@_register("exp(total_nll / n_tokens): perplexity from a summed NLL in nats", example=(23.0, 10))
def perplexity(total_nll: float, n_tokens: float) -> float:
    from solvers import nn

    return nn.perplexity(_f(total_nll) / _whole(n_tokens, "n_tokens", 1))


@_register("-log softmax(logits)[target]: cross-entropy of the target class (from 1)",
           example=([2.0, 1.0, 0.1], 1))
def softmax_cross_entropy(logits: ArrayLike, target: float) -> float | Array:
    from solvers import nn

    z = _vec(logits)
    return nn.softmax_cross_entropy(z, _index(target, len(z)))


@_register("softmax(logits)[j] - [j = target]: d(cross-entropy)/d(logit j), indices from 1",
           example=([2.0, 1.0, 0.1], 1, 1))
def softmax_ce_grad(logits: ArrayLike, target: float, j: float) -> float:
    from solvers import nn

    z = _vec(logits)
    g = nn.softmax_cross_entropy_grad(z, _index(target, len(z)))
    return float(g[_index(j, len(z))])


@_register("sigmoid(r_w - r_l): Bradley-Terry probability that w is preferred to l",
           example=(1.0, 0.0))
def bradley_terry(r_w: float, r_l: float) -> float:
    from solvers import preference

    return preference.bradley_terry(r_w, r_l)


@_register("beta log(pi/pi_ref): the DPO implicit reward from the two probabilities",
           example=(0.4, 0.2, 0.1))
def dpo_implicit_reward(pi: float, pi_ref: float, beta: float) -> float:
    import math

    from solvers import preference

    return preference.dpo_implicit_reward(math.log(_f(pi)),
                                          math.log(_f(pi_ref)), beta)


@_register("-log sigmoid(beta[(logp_w - ref_w) - (logp_l - ref_l)]): the DPO loss of one "
           "pair, from log-probabilities", example=(-1.0, -2.0, -1.5, -1.5, 0.1))
def dpo_loss(logp_w: float, logp_l: float, ref_w: float, ref_l: float, beta: float) -> float:
    from solvers import preference

    return preference.dpo_loss(logp_w, logp_l, ref_w, ref_l, beta)


@_register("pi*(j) ∝ pi_ref(j) exp(r_j / beta): the KL-regularised RLHF optimum, token j "
           "(from 1)", example=([0.5, 0.3, 0.2], [1.0, 0.0, -1.0], 0.1, 1),
           params={'pi_ref': 'reference probabilities of the tokens (a list summing to 1)'})
def rlhf_optimal_policy(pi_ref: ArrayLike, rewards: ArrayLike, beta: float, j: float) -> float:
    from solvers import preference

    p = _vec(pi_ref)
    policy = preference.kl_regularized_policy(p, _vec(rewards), beta)
    return float(policy[_index(j, len(p))])


@_register("log(sum(exp(z))), computed stably (z_1 - log softmax(z)_1)", example=([1.0, 2.0, 3.0],))
def log_sum_exp(z: ArrayLike) -> float:
    from solvers import nn

    zs = _vec(z)
    return zs[0] - float(nn.log_softmax(zs)[0])


@_register("a MISTAKE: log(sum(exp(z))) without the max-shift (overflows for large z)",
           example=([1.0, 2.0, 3.0],))
def log_sum_exp_naive(z: ArrayLike) -> float:
    import numpy as np

    with np.errstate(all="ignore"):
        return float(np.log(np.sum(np.exp(np.asarray(_vec(z))))))


@_register("a MISTAKE: -log(1/(1 + exp(-margin))) for the DPO loss (overflows)",
           example=(-1.0, -2.0, -1.5, -1.5, 0.1))
def dpo_loss_naive(logp_w: float, logp_l: float, ref_w: float, ref_l: float, beta: float) -> float:
    import numpy as np

    margin = _f(beta) * ((_f(logp_w) - _f(ref_w)) - (_f(logp_l) - _f(ref_l)))
    with np.errstate(all="ignore"):
        return float(-np.log(1.0 / (1.0 + np.exp(np.float64(-margin)))))


@_register("a MISTAKE: log(sum(exp(z))) shifted by min(z), not max(z) (overflows once the "
           "entries spread by more than ~709)", example=([1.0, 2.0, 3.0],))
def log_sum_exp_min_shift(z: ArrayLike) -> float:
    import numpy as np

    zs = np.asarray(_vec(z), dtype=float)
    m = float(np.min(zs))
    with np.errstate(all="ignore"):
        return float(m + np.log(np.sum(np.exp(zs - m))))


@_register("a MISTAKE: -log of the max-shifted softmax's target entry (the entry underflows "
           "to 0 when its logit is ~745 below the max), target from 1",
           example=([2.0, 1.0, 0.1], 1))
def softmax_cross_entropy_from_probs(logits: ArrayLike, target: float) -> float:
    import numpy as np

    z = np.asarray(_vec(logits), dtype=float)
    with np.errstate(all="ignore"):
        p = np.exp(z - np.max(z))
        p = p / np.sum(p)
        return float(-np.log(p[_index(target, len(z))]))


@_register("a MISTAKE: -m + log(1 + exp(m)) for the DPO loss, m the margin (overflows for a "
           "large positive margin)", example=(-1.0, -2.0, -1.5, -1.5, 0.1))
def dpo_loss_positive_overflow(logp_w: float, logp_l: float, ref_w: float, ref_l: float,
                               beta: float) -> float:
    import numpy as np

    margin = _f(beta) * ((_f(logp_w) - _f(ref_w)) - (_f(logp_l) - _f(ref_l)))
    with np.errstate(all="ignore"):
        return float(-margin + np.log1p(np.exp(np.float64(margin))))
