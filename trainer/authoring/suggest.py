"""Closest-name suggestions for misspelt solver functions, param functions and domains."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

SOLVERS_HINT = "`trainer solvers` lists the solver functions"


def closest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    return difflib.get_close_matches(name, sorted(set(known)), n=n, cutoff=0.6)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """' (did you mean 'a' or 'b'?)', or '' when nothing is close."""
    names = closest(name, known)
    if not names:
        return ""
    return " (did you mean " + " or ".join(repr(m) for m in names) + "?)"
