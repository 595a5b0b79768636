"""The values a code card compares: expected values as numbers or arrays, how a value is
shown to the learner, and when two values agree or are told apart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trainer.exercises.params import ExerciseError, Sample

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["SEPARATION", "agree", "apart", "finite", "normalise", "show"]

# A listed mistake keeps this share of the two values' sum away from the reference and from
# the other mistakes, so that a wrong function is never shown "pass" on a case and its
# diagnosis names one slip (`trainer check` proves it on every draw).
SEPARATION = 0.01


def _to_array(value: object) -> NDArray[Any]:
    import numpy as np

    items = list(value)  # type: ignore[call-overload]
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in items)
    return np.asarray(items, dtype=np.int64 if ints else np.float64)


def normalise(value: object) -> object:
    """An expected value as compared: a float, a float array, or a tuple of those."""
    import numpy as np

    if isinstance(value, tuple) and not isinstance(value, Sample):
        return tuple(normalise(v) for v in value)
    if isinstance(value, (Sample, list, np.ndarray)):
        arr = np.asarray(value, dtype=float)
        return float(arr) if arr.ndim == 0 else arr
    if isinstance(value, bool):
        raise ExerciseError("a solver returned true/false, not a number")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ExerciseError(f"a solver returned {value!r}, not a number") from None


def finite(value: object) -> bool:
    import numpy as np

    if isinstance(value, tuple):
        return all(finite(v) for v in value)
    return bool(np.all(np.isfinite(np.asarray(value))))


def _finite_value(value: object) -> bool:
    """False when a returned value holds inf or nan (an overflow), True otherwise."""
    try:
        return finite(value)
    except TypeError:
        return True


def show(value: object) -> str:
    """A value as the learner reads it: 6 significant digits, arrays with their shape."""
    import numpy as np

    if isinstance(value, tuple):
        return "(" + ", ".join(show(v) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            return f"array of {value.dtype}"
        text = np.array2string(value, precision=6, threshold=12, separator=", ",
                               max_line_width=10**6)
        return f"{text} {value.dtype.name}" if value.dtype.kind in "iub" else text
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return f"a {type(value).__name__}"


def _kind(value: object) -> str:
    import numpy as np

    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    return "a number" if isinstance(value, (int, float, np.number)) else \
        f"a {type(value).__name__}"


def apart(a: object, b: object, share: float = SEPARATION, atol: float = 0.0) -> bool:
    """Whether two values are told apart: some entry differs by more than ``atol`` and by at
    least ``share`` of the two entries' magnitudes summed, or is finite in one and not the
    other (an overflow); a different shape or tuple length is apart too."""
    import numpy as np

    if isinstance(a, tuple) or isinstance(b, tuple):
        if not (isinstance(a, tuple) and isinstance(b, tuple)) or len(a) != len(b):
            return True
        return any(apart(x, y, share, atol) for x, y in zip(a, b, strict=True))
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape:
        return True
    fx, fy = np.isfinite(x), np.isfinite(y)
    if np.any(fx != fy):
        return True
    both = fx & fy
    if np.any(~both & (x != y) & ~np.isnan(x) & ~np.isnan(y)):
        return True  # +inf against -inf
    x, y = x[both], y[both]
    diff = np.abs(x - y)
    return bool(np.any((diff > atol) & (diff >= share * (np.abs(x) + np.abs(y)))))


def agree(got: object, expected: object, rtol: float, atol: float,
          nan_equal: bool = False) -> tuple[bool, str]:
    """Whether ``got`` matches ``expected`` within tolerance; if not, a short reason."""
    import numpy as np

    if isinstance(expected, tuple):
        if isinstance(got, np.ndarray) and got.ndim == 1:
            got = tuple(got)
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return False, f"expected a tuple of {len(expected)}, got {_kind(got)}"
        for i, (g, e) in enumerate(zip(got, expected, strict=True), 1):
            ok, why = agree(g, e, rtol, atol, nan_equal)
            if not ok:
                return False, f"item {i}: {why}" if why else f"item {i} differs"
        return True, ""
    if isinstance(expected, np.ndarray):
        try:
            arr = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            return False, f"expected an array of shape {expected.shape}, got {_kind(got)}"
        if arr.shape != expected.shape:
            return False, f"expected shape {expected.shape}, got shape {arr.shape}"
        ok = np.isclose(arr, expected, rtol=rtol, atol=atol, equal_nan=nan_equal)
        return bool(np.all(ok)), ""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.number,
                                                                  np.ndarray)):
        return False, f"expected a number, got {_kind(got)}"
    if isinstance(got, np.ndarray) and got.shape != ():
        return False, f"expected a number, got an array of shape {got.shape}"
    g, e = float(got), float(expected)  # type: ignore[arg-type]
    if math.isnan(g) or math.isnan(e):
        return (nan_equal and math.isnan(g) and math.isnan(e)), ""
    if math.isinf(g) or math.isinf(e):
        return g == e, ""
    return abs(g - e) <= atol + rtol * abs(e), ""
