"""The functions and constants an expression may name, and the one table of their arities."""

from __future__ import annotations

__all__ = ["ALIASES", "ARITY", "CONSTANTS", "DEFAULT_FUNCTIONS", "MATRIX_FUNCTIONS", "check_arity_of"]

DEFAULT_FUNCTIONS: frozenset[str] = frozenset(
    {"log", "ln", "exp", "sqrt", "abs", "sigmoid", "norm", "factorial", "binom", "gamma",
     "digamma", "max", "min"}
)
# other spellings of the same functions, used only when the name is not a declared symbol
ALIASES: dict[str, str] = {
    "Log": "log", "Ln": "ln", "Exp": "exp", "Gamma": "gamma", "psi": "digamma",
    "C": "binom", "choose": "binom", "binomial": "binom", "Abs": "abs", "Max": "max", "Min": "min",
    "logistic": "sigmoid", "expit": "sigmoid",
}
MATRIX_FUNCTIONS: frozenset[str] = frozenset({"inv"})
CONSTANTS: frozenset[str] = frozenset({"pi", "e"})

# (fewest, most) arguments of every built-in function; None = any number.
# Params (exercises/params.py) extend this table with their own functions.
ARITY: dict[str, tuple[int, int | None]] = {
    "log": (1, 2), "ln": (1, 1), "exp": (1, 1), "sqrt": (1, 1), "abs": (1, 1),
    "sigmoid": (1, 1), "inv": (1, 1), "norm": (1, 2), "factorial": (1, 1),
    "binom": (2, 2), "gamma": (1, 1), "digamma": (1, 1), "max": (1, None), "min": (1, None),
}


def check_arity_of(func: str, n: int, shown: str | None = None,
                   table: dict[str, tuple[int, int | None]] | None = None) -> str | None:
    """Why ``n`` arguments do not fit ``func`` (None when they do, or it is not in the table)."""
    lo_hi = (ARITY if table is None else table).get(func)
    if lo_hi is None:
        return None
    lo, hi = lo_hi
    if lo <= n and (hi is None or n <= hi):
        return None
    want = str(lo) if lo == hi else (f"at least {lo}" if hi is None else f"{lo} or {hi}")
    plural = "s" if hi is None or hi > 1 else ""
    return f"{shown or func} takes {want} argument{plural}, not {n}"
