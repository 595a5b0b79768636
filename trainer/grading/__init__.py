"""trainer.grading: safe parsing of answers, equivalence, feedback.

Importing this package is cheap: it loads neither sympy nor numpy.  The
parser lives in :mod:`trainer.grading.expr`; the grader in
:mod:`trainer.grading.grader` (loaded on first use).
"""

from __future__ import annotations

from typing import Any

from trainer.grading.expr import (
    DEFAULT_FUNCTIONS,
    EvalError,
    Node,
    ParseError,
    ShapeError,
    evaluate,
    parse,
    pretty,
    to_sympy,
)

__all__ = [
    "DEFAULT_FUNCTIONS",
    "Domain",
    "EvalError",
    "Node",
    "ParseError",
    "Result",
    "ShapeError",
    "Verdict",
    "evaluate",
    "grade",
    "parse",
    "parse_symbols",
    "preview",
    "pretty",
    "to_sympy",
    "warm_up",
]

_LAZY = {
    "Domain": "trainer.grading.domains",
    "parse_symbols": "trainer.grading.domains",
    "Result": "trainer.grading.grader",
    "Verdict": "trainer.grading.grader",
    "grade": "trainer.grading.grader",
    "preview": "trainer.grading.grader",
    "warm_up": "trainer.grading.grader",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trainer.grading' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
