"""Neural-network output layers: softmax, softmax cross-entropy and its gradient, perplexity.

Logits are a 1-D vector (one example) or a 2-D array (one example per row; results per row,
no averaging). Natural logarithms: losses are in nats.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from solvers import _validate as v
from solvers._validate import Array


def _logits(z: ArrayLike) -> Array:
    arr = v.array(z, "logits", ndim=None)
    if arr.ndim not in (1, 2) or arr.shape[-1] == 0:
        raise ValueError(
            f"logits must be a 1-D vector or a 2-D array of rows, got shape {arr.shape}"
        )
    return arr


def log_softmax(z: ArrayLike) -> Array:
    """log softmax(z) = z - logsumexp(z), along the last axis."""
    z = _logits(z)
    shifted = z - z.max(axis=-1, keepdims=True)
    out: Array = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    return out


def softmax(z: ArrayLike) -> Array:
    """softmax(z)_j = exp(z_j) / sum_k exp(z_k), along the last axis (shift-invariant, stable)."""
    return np.exp(log_softmax(z))


def _targets(z: Array, y: ArrayLike) -> tuple[Array | None, NDArray[np.intp] | None]:
    """(target vectors, None) for probability / one-hot targets, or (None, class indices).

    Class indices stay indices: a one-hot matrix over a 50,000-word vocabulary would
    take gigabytes to say which column to pick.
    """
    k = z.shape[-1]
    arr = np.asarray(y)
    if arr.shape == z.shape:
        target = v.array(y, "y", ndim=z.ndim)
        if np.any(target < 0):
            raise ValueError("target probabilities y must be >= 0")
        sums = target.sum(axis=-1)
        if np.any(np.abs(sums - 1.0) > v.SUM_TOL):
            raise ValueError(
                "target probabilities y must sum to 1 (a one-hot or probability vector)"
            )
        return target, None
    if arr.shape == z.shape[:-1]:
        idx = v.array(y, "y", ndim=None, nonempty=False)
        if np.any(idx != np.round(idx)) or np.any(idx < 0) or np.any(idx >= k):
            raise ValueError(f"class index y must be an integer in 0..{k - 1}, got {y!r}")
        return None, idx.astype(np.intp)[..., np.newaxis]
    raise ValueError(
        f"y must be a class index per example (shape {z.shape[:-1]}) or a target vector of the "
        f"logits' shape {z.shape}, got shape {arr.shape}"
    )


def softmax_cross_entropy(logits: ArrayLike, y: ArrayLike) -> float | Array:
    """Cross-entropy -sum_j y_j log softmax(logits)_j (nats), y a class index or a target vector.

    For a class index c this is -log softmax(logits)_c. A float for one example, an array
    of per-row losses for 2-D logits.
    """
    z = _logits(logits)
    target, idx = _targets(z, y)
    log_p = log_softmax(z)
    if target is not None:
        loss = -np.sum(target * log_p, axis=-1)
    else:
        assert idx is not None  # _targets gives one of the two
        loss = -np.take_along_axis(log_p, idx, axis=-1)[..., 0]
    return float(loss) if z.ndim == 1 else loss


def softmax_cross_entropy_grad(logits: ArrayLike, y: ArrayLike) -> Array:
    """Gradient of softmax_cross_entropy with respect to the logits: softmax(logits) - y (per row)."""
    z = _logits(logits)
    target, idx = _targets(z, y)
    p = softmax(z)
    if target is not None:
        return p - target
    assert idx is not None  # _targets gives one of the two
    # y is one-hot at the class: subtract 1 there only
    np.put_along_axis(p, idx, np.take_along_axis(p, idx, axis=-1) - 1.0, axis=-1)
    return p


def perplexity(mean_nll: float) -> float:
    """Perplexity exp(mean NLL per token), the mean NLL in nats (natural log)."""
    mean_nll = v.nonnegative(mean_nll, "mean_nll")
    if mean_nll > 700:
        raise ValueError(f"mean_nll = {mean_nll:g} is too large: the perplexity overflows a float")
    return math.exp(mean_nll)
