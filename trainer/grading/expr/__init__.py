"""Safe expression parser, evaluator and pretty printer (a package; this file re-exports it).

Text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A
hand-written tokenizer and recursive-descent parser build a small tree of
frozen dataclasses from a whitelist of numbers, declared names, known
functions and operators; everything else is a :class:`ParseError` that says
what was not understood and where (a 0-based character offset).

Reading rules (where conventions differ, this is what the parser does):

* ``^`` and ``**`` are powers, right-associative: ``2^3^2 = 2^(3^2)``;
  unary minus binds looser than a power: ``-x^2 = -(x^2)``, and
  ``x^-1`` is allowed.
* Juxtaposition is multiplication with the same precedence as ``*`` and
  ``/``, read left to right: ``1/2n`` is ``(1/2)·n`` (with a warning),
  ``n p (1-p)`` is ``n·p·(1−p)``.  A number can not follow another factor
  implicitly (``2 3``, ``x 2`` are errors).
* ``theta(1-theta)`` is a product when ``theta`` is a declared symbol;
  ``log(x)`` is a call when ``log`` is a function.  A declared name always
  wins over a function or a constant of the same spelling.
* A function may take a single factor without parentheses: ``log p``,
  ``ln θ``, ``√n``, ``log p^2 = log(p^2)``.  ``log 2n`` reads as
  ``log(2)·n`` (with a warning).
* A run of letters is split into names: the whole run if it is a declared
  name (or function/constant), otherwise the split into the fewest known
  names, preferring declared names over constants (``np`` is ``n·p`` unless
  ``np`` is declared; a warning says so).  Names containing digits or
  underscores (``mu0``, ``s_1``) must be declared as such.
* ``pi``/``π`` and ``e`` are constants unless declared as symbols.  When
  matrices are declared, ``I`` is an identity of whatever size is needed
  (unless ``I`` is declared), ``X^T``, ``Xᵀ`` and ``X'`` are transposes
  (``^T`` only when ``T`` is not a declared name), ``A^(-1)``, ``A⁻¹``
  and ``inv(A)`` are inverses, and ``*``/juxtaposition of two matrices is the
  matrix product.
* ``σ(…)``/``sigma(…)`` is the logistic sigmoid when ``sigma`` is not a
  declared symbol (and ``sigmoid`` is an allowed function).
* Unicode: Greek letters (``α`` is ``alpha``), superscript integers
  (``σ²``, ``x⁻¹``), ``ᵀ``, ``√``, ``−``, ``×``, ``·``, ``÷``, ``½``.
* ``80%`` is ``4/5``.  Decimals and scientific notation are exact
  fractions (``0.571`` is ``571/1000``); exponents beyond ±1000 are refused.
* Limits: ``max_length`` characters (2000 by default) and nesting depth
  :data:`MAX_DEPTH`; both give a ParseError, never a RecursionError.

Modules: :mod:`.unicode` (tables), :mod:`.functions` (names and the arity
table), :mod:`.nodes` (the tree and the one walk over it), :mod:`.lexer`
and :mod:`.parser`, :mod:`.printer`, :mod:`.numeric` (evaluation),
:mod:`.sympy_bridge` and :mod:`.formatting` (the one number formatter).
"""

from __future__ import annotations

from trainer.grading.expr.formatting import figures_for, format_number
from trainer.grading.expr.functions import (
    ARITY,
    CONSTANTS,
    DEFAULT_FUNCTIONS,
    MATRIX_FUNCTIONS,
)
from trainer.grading.expr.nodes import (
    Add,
    Call,
    Const,
    EvalError,
    Fold,
    Identity,
    Mul,
    Name,
    Neg,
    Node,
    Num,
    ParseError,
    Pow,
    ShapeError,
    Transpose,
    children,
    contains,
    fold,
    free_names,
    walk,
)
from trainer.grading.expr.numeric import BUILTIN_FUNCTIONS, evaluate, evaluate_float, fmt_shape
from trainer.grading.expr.parser import (
    COMPARE_OPS,
    COMPARISON,
    MAX_DEPTH,
    MAX_LENGTH,
    chain_holds,
    parse,
    split_comparison,
)
from trainer.grading.expr.printer import pretty, pretty_name
from trainer.grading.expr.sympy_bridge import to_sympy
from trainer.grading.expr.unicode import GREEK, GREEK_TO_UNICODE

__all__ = [
    "ARITY",
    "BUILTIN_FUNCTIONS",
    "COMPARE_OPS",
    "COMPARISON",
    "CONSTANTS",
    "DEFAULT_FUNCTIONS",
    "GREEK",
    "GREEK_TO_UNICODE",
    "MATRIX_FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Add",
    "Call",
    "Const",
    "EvalError",
    "Fold",
    "Identity",
    "Mul",
    "Name",
    "Neg",
    "Node",
    "Num",
    "ParseError",
    "Pow",
    "ShapeError",
    "Transpose",
    "chain_holds",
    "children",
    "contains",
    "evaluate",
    "evaluate_float",
    "figures_for",
    "fmt_shape",
    "fold",
    "format_number",
    "free_names",
    "parse",
    "pretty",
    "pretty_name",
    "split_comparison",
    "to_sympy",
    "walk",
]
