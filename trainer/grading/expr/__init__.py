r"""Safe expression parser, evaluator and pretty printer (a package; this file re-exports it).

Text never reaches ``eval``, ``exec``, ``sympify`` or ``parse_expr``.  A
hand-written tokenizer and recursive-descent parser build a small tree of
frozen dataclasses from a whitelist of numbers, declared names, known
functions and operators; everything else is a :class:`ParseError` that says
what was not understood and where (a 0-based character offset).

Reading rules (where conventions differ, this is what the parser does; where
two readings are both common, the text is refused and the message shows both,
each typed so that it reads one way only):

* Before tokens (:mod:`.normalize`): NFKC folds fullwidth and math-italic
  letters; invisible characters (ZWSP, BOM, direction marks) are dropped; a
  leading ``name =`` (``p̂ =``, ``L(θ) =``) or ``≈``, a trailing full stop and a
  trailing unit word (``nats``, ``bits``) are dropped; any other ``=``/``≈``
  is refused ("write one answer").  LaTeX is rewritten: ``\frac``, ``\sqrt``
  (and ``\sqrt[n]``), ``\binom``, ``\left``/``\right``, ``\cdot``,
  ``\times``, Greek commands, ``^{…}``, ``_{…}``, ``X^{T}``/``X^\top``.
  Superscripts are exponents (``λᵏ`` is ``λ^(k)``, ``e⁻λ`` is ``e^-λ``);
  subscripts name symbols (``σ₂``, ``σ_2``, ``mu_1`` are the declared
  ``sigma2``, ``mu1``).
* ``^`` and ``**`` are powers, right-associative: ``2^3^2 = 2^(3^2)``;
  unary minus binds looser than a power: ``-x^2 = -(x^2)``, and
  ``x^-1`` is allowed.  An exponent without brackets is one factor; a
  factor glued to it is refused (``e^2x``: ``e²·x`` or ``e^(2x)``), one after a
  space is a new factor (``p^k (1-p)^(n-k)``).
* Juxtaposition is multiplication with the same precedence as ``*`` and
  ``/``, read left to right (``n p (1-p)`` is ``n·p·(1−p)``).  After a
  ``/``, a factor glued to the divisor is refused (``1/2n``, ``1/2σ²``,
  ``1/p(1-p)``); after a space it is a new factor, with a warning
  (``1/2 (a + b)`` is ``(1/2)·(a + b)``).  A number can not follow another
  factor implicitly (``2 3``, ``x 2`` are errors).  ``1,500`` and ``5,48`` are
  refused with a hint about the decimal point.
* ``theta(1-theta)`` is a product when ``theta`` is a declared symbol;
  ``log(x)`` is a call when ``log`` is a function.  A declared name always
  wins over a function or a constant of the same spelling.
* A function may take a single factor without parentheses: ``log p``,
  ``ln θ``, ``√n``, ``log p^2 = log(p^2)``.  Any factor after such an
  argument is refused (``log np``, ``√2π``, ``log 2n``).  A power of a
  bracketed logarithm is refused too (``log(1-p)^(n-k)``: the power could
  be inside, as in ``log p^k``); ``log²(x)`` is ``(log x)²``.
* Logarithms: ``log``/``ln``/``Log`` are natural; ``log_2(x)``, ``log₂ x``,
  ``log2(x)``, ``log10(x)`` have a base, ``log_e`` is ``ln``; ``ln2`` is
  ``ln 2``; ``lg`` (base 10 or 2 depending on the book) and ``log2 x`` are
  refused.  ``n!``, ``binom(n, k)``/``C(n, k)``, ``Γ(α)``, ``ψ(α)``
  (digamma), ``max``/``min``, ``|x|`` and ``‖v‖``/``||v||`` (a norm).
* A run of letters is split into names: the whole run if it is a declared
  name (or function/constant), otherwise the split into the fewest known
  names, preferring declared names over constants (``np`` is ``n·p`` unless
  ``np`` is declared; a warning says so).  The split is linear in the run.
  Names containing digits or underscores must be declared (in any of their
  spellings); an undeclared indexed name (``x_i``) or ``Σ`` gets a message
  that sums over an index are not supported.
* ``pi``/``π`` and ``e`` are constants unless declared as symbols.  When
  matrices are declared, ``I`` is an identity of whatever size is needed
  (unless ``I`` is declared), ``X^T``, ``Xᵀ`` and ``X'`` are transposes
  (``^T`` only when ``T`` is not a declared name), ``A^(-1)``, ``A⁻¹``
  and ``inv(A)`` are inverses, and ``*``/juxtaposition of two matrices is the
  matrix product; of two vectors of one size (``x·y``) it is their dot
  product; a number and a vector combine entry by entry.
* ``σ``, ``γ``/``Γ``, ``ψ`` and ``C`` are functions (sigmoid, gamma,
  digamma, binomial) only right before a bracket and only when not declared;
  anywhere else they are symbols (``sigma^2/n`` is σ²/n, which needs ``sigma``).
* ``80%`` is ``4/5``.  Decimals and scientific notation are exact
  fractions (``0.571`` is ``571/1000``); exponents beyond ±1000 are refused.
* Each warning ends with "… is read as <reading>", and the reading parses
  back to the tree that is graded.
* Limits: ``max_length`` characters (2000 by default) and nesting depth
  :data:`MAX_DEPTH`; both give a ParseError, never a RecursionError.

Modules: :mod:`.unicode` (tables), :mod:`.functions` (names and the arity
table), :mod:`.nodes` (the tree and the one walk over it), :mod:`.lexer`
and :mod:`.parser`, :mod:`.printer`, :mod:`.numeric` (evaluation),
:mod:`.sympy_bridge`, :mod:`.formatting` (the one number formatter) and
:mod:`.normalize` (text before tokens).
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
    VectorProduct,
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
from trainer.grading.expr.printer import bracketed, pretty, pretty_name
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
    "VectorProduct",
    "Transpose",
    "bracketed",
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
