"""Preference learning: Bradley–Terry, the DPO loss and implicit reward, KL-regularised policy."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from solvers import _validate as v
from solvers._validate import Array


def _log_sigmoid(t: float) -> float:
    """log sigma(t) = -log(1 + exp(-t)), stable for large |t|."""
    return -math.log1p(math.exp(-t)) if t >= 0 else t - math.log1p(math.exp(t))


def sigmoid(t: float) -> float:
    """The logistic function 1 / (1 + exp(-t))."""
    return math.exp(_log_sigmoid(v.scalar(t, "t")))


def bradley_terry(r_w: float, r_l: float) -> float:
    """Bradley–Terry probability that the winner beats the loser: sigma(r_w - r_l)."""
    return sigmoid(v.scalar(r_w, "r_w") - v.scalar(r_l, "r_l"))


def dpo_implicit_reward(logp: float, ref_logp: float, beta: float) -> float:
    """DPO implicit reward beta * (log pi(y) - log pi_ref(y)); the arguments are log-probabilities."""
    beta = v.positive(beta, "beta")
    return beta * (v.scalar(logp, "logp") - v.scalar(ref_logp, "ref_logp"))


def dpo_loss(logp_w: float, logp_l: float, ref_logp_w: float, ref_logp_l: float, beta: float) -> float:
    """DPO loss of one preference pair (natural log):

    -log sigma(beta * [(log pi(y_w) - log pi_ref(y_w)) - (log pi(y_l) - log pi_ref(y_l))]).
    The arguments are log-probabilities (<= 0) of the chosen (w) and rejected (l) responses.
    """
    values = {
        "logp_w": logp_w,
        "logp_l": logp_l,
        "ref_logp_w": ref_logp_w,
        "ref_logp_l": ref_logp_l,
    }
    checked = {}
    for name, value in values.items():
        checked[name] = v.scalar(value, name)
        if checked[name] > 0:
            raise ValueError(f"{name} is a log-probability and must be <= 0, got {checked[name]}")
    margin = dpo_implicit_reward(
        checked["logp_w"], checked["ref_logp_w"], beta
    ) - dpo_implicit_reward(checked["logp_l"], checked["ref_logp_l"], beta)
    return -_log_sigmoid(margin)


def kl_regularized_policy(ref_probs: ArrayLike, rewards: ArrayLike, beta: float) -> Array:
    """The maximiser of E_pi[r] - beta KL(pi || pi_ref) on a finite vocabulary:

    pi*(y) = pi_ref(y) exp(r(y)/beta) / Z. ref_probs must sum to 1; returns the probability vector.
    """
    ref = v.prob_vector(ref_probs, "ref_probs")
    r = v.array(rewards, "rewards")
    if r.shape != ref.shape:
        raise ValueError(f"ref_probs and rewards have mismatched shapes {ref.shape} and {r.shape}")
    beta = v.positive(beta, "beta")
    logits = np.full(ref.shape, -np.inf)
    mask = ref > 0
    logits[mask] = np.log(ref[mask]) + r[mask] / beta
    logits -= logits[mask].max()
    weights = np.where(mask, np.exp(logits, where=mask, out=np.zeros_like(logits)), 0.0)
    return weights / float(weights.sum())
