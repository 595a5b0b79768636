"""Input checks shared by the solvers: each raises ValueError saying what is wrong."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

SUM_TOL = 1e-9  # relative tolerance for "sums to 1"

# What the solvers return for a vector or a matrix: an array of floats.
Array = NDArray[np.floating[Any]]


def scalar(value: object, name: str) -> float:
    """A finite real number as a python float."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got a boolean {value!r}")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if not isinstance(value, (Real, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    return out


def positive(value: object, name: str) -> float:
    out = scalar(value, name)
    if out <= 0:
        raise ValueError(f"{name} must be > 0, got {out}")
    return out


def nonnegative(value: object, name: str) -> float:
    out = scalar(value, name)
    if out < 0:
        raise ValueError(f"{name} must be >= 0, got {out}")
    return out


def probability(value: object, name: str, *, open_interval: bool = False) -> float:
    out = scalar(value, name)
    if open_interval and not 0 < out < 1:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {out}")
    if not 0 <= out <= 1:
        raise ValueError(f"{name} must lie in [0, 1], got {out}")
    return out


def integer(value: object, name: str, *, minimum: int = 0) -> int:
    out = scalar(value, name)
    if out != int(out):
        raise ValueError(f"{name} must be an integer, got {out}")
    if out < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {int(out)}")
    return int(out)


def array(values: ArrayLike, name: str, *, ndim: int | None = 1, nonempty: bool = True) -> Array:
    """A finite float array of the given number of dimensions."""
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be an array of numbers: {exc}") from None
    if ndim is not None and arr.ndim != ndim:
        shape = "a 1-D sequence" if ndim == 1 else f"a {ndim}-D array"
        raise ValueError(f"{name} must be {shape}, got shape {arr.shape}")
    if nonempty and arr.size == 0:
        raise ValueError(f"{name} is empty: at least one observation is needed")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains nan or inf")
    return arr


def counts(values: ArrayLike, name: str, *, ndim: int | None = 1) -> Array:
    """Non-negative integer-valued array (as floats)."""
    arr = array(values, name, ndim=ndim)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be non-negative counts, got {arr[arr < 0][0]:g}")
    if np.any(arr != np.round(arr)):
        raise ValueError(
            f"{name} must be whole-number counts, got {arr[arr != np.round(arr)][0]:g}"
        )
    return arr


def binary(values: ArrayLike, name: str) -> Array:
    arr = array(values, name)
    bad = (arr != 0) & (arr != 1)
    if np.any(bad):
        raise ValueError(f"{name} must contain only 0 and 1, got {arr[bad][0]:g}")
    return arr


def prob_vector(values: ArrayLike, name: str) -> Array:
    """A 1-D probability vector: non-negative, summing to 1 within SUM_TOL (relative)."""
    arr = array(values, name)
    if np.any(arr < 0):
        raise ValueError(f"{name} has a negative probability {arr[arr < 0][0]:g}")
    total = float(arr.sum())
    if abs(total - 1.0) > SUM_TOL:
        raise ValueError(f"{name} must sum to 1 (within {SUM_TOL:g}), sums to {total!r}")
    return arr


def positive_array(values: ArrayLike, name: str, *, ndim: int | None = 1) -> Array:
    arr = array(values, name, ndim=ndim)
    if np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0 everywhere, got {arr[arr <= 0][0]:g}")
    return arr


def design(X: ArrayLike, y: ArrayLike, *, y_name: str = "y") -> tuple[Array, Array]:
    """A design matrix (n, d) and a response (n,) of matching length."""
    X = array(X, "X", ndim=None)
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D array of shape (n, d), got shape {X.shape}")
    if X.shape[1] == 0:
        raise ValueError("X has no columns")
    y = array(y, y_name)
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and {y_name} have mismatched shapes: X has {X.shape[0]} rows, "
            f"{y_name} has {y.shape[0]} entries"
        )
    return X, y


def full_rank(X: Array, suggestion: str) -> None:
    """Raise unless X has full column rank (X^T X invertible)."""
    n, d = X.shape
    rank = np.linalg.matrix_rank(X)
    if rank < d:
        why = f"n = {n} < d = {d}" if n < d else "the columns of X are linearly dependent"
        raise ValueError(
            f"X^T X is singular (rank {rank} < {d}: {why}); the solution is not unique. "
            f"{suggestion}"
        )


def spd(matrix: ArrayLike, name: str, dim: int) -> Array:
    """A symmetric positive-definite (dim, dim) matrix."""
    arr = array(matrix, name, ndim=2)
    if arr.shape != (dim, dim):
        raise ValueError(f"{name} must have shape ({dim}, {dim}), got {arr.shape}")
    if not np.allclose(arr, arr.T, rtol=1e-10, atol=1e-12):
        raise ValueError(f"{name} must be symmetric")
    try:
        np.linalg.cholesky(arr)
    except np.linalg.LinAlgError:
        raise ValueError(f"{name} must be positive definite") from None
    return arr
