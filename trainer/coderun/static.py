"""What can be said about a solution without running it: its signature and its loops.

Everything here reads Python source with :mod:`ast` and never executes it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

__all__ = ["Finding", "find_function", "inverse_calls", "python_loops", "signature_of"]

# Builtins that walk their argument element by element in Python.
_LOOPING_CALLS = frozenset({"map", "filter", "sum", "min", "max", "sorted", "any", "all", "list",
                            "tuple", "zip", "enumerate", "reversed", "iter"})
# numpy helpers that call a Python function once per element or row.
_LOOPING_NUMPY = frozenset({"vectorize", "apply_along_axis", "apply_over_axes", "frompyfunc",
                            "fromiter"})


@dataclass(frozen=True, slots=True)
class Finding:
    line: int
    message: str


def signature_of(text: str) -> tuple[str, tuple[str, ...]]:
    """(function name, parameter names) of a card's ``signature`` (a ``def`` and docstring).

    Raises ValueError with a message for the deck author.
    """
    source = text.rstrip()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        try:  # a bare `def f(x):` line, without a docstring
            tree = ast.parse(source + "\n    ...\n")
        except SyntaxError as exc:
            raise ValueError(f"the signature is not a Python def: {exc.msg} "
                             f"(line {exc.lineno})") from None
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    if len(defs) != 1 or len(tree.body) != 1:
        raise ValueError("the signature must be exactly one `def` with its docstring")
    fn = defs[0]
    if fn.args.vararg or fn.args.kwarg or fn.args.kwonlyargs or fn.args.posonlyargs:
        raise ValueError("the signature takes plain positional parameters only")
    body = [n for n in fn.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    if body:
        raise ValueError("the signature holds the def and its docstring only, never code")
    return fn.name, tuple(a.arg for a in fn.args.args)


def find_function(source: str, name: str) -> ast.FunctionDef | None:
    """The top-level ``def name`` of ``source`` (None if absent or unparsable)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            found = node  # the last definition wins, as when the module runs
    return found


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _targets(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _call_name(call: ast.Call) -> str:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return ""


def python_loops(fn: ast.FunctionDef, sample_args: set[int]) -> list[Finding]:
    """Python-level loops over the samples in ``fn``.

    The samples are the parameters at positions ``sample_args`` and every name
    assigned from an expression that mentions one (``n = len(x)`` included). A
    ``for`` or comprehension whose iterable mentions them, a ``while`` whose
    condition does, and a looping builtin or numpy helper (``sum``, ``map``,
    ``np.vectorize``) applied to them are loops over the samples. A loop over a
    fixed count (``for _ in range(steps)``) is not. Helpers defined outside
    ``fn`` are not followed.
    """
    params = [a.arg for a in fn.args.args]
    tainted = {params[i] for i in sample_args if i < len(params)}
    assigns = [n for n in ast.walk(fn) if isinstance(n, (ast.Assign, ast.AugAssign,
                                                          ast.AnnAssign, ast.NamedExpr))]
    changed = True
    while changed:  # names derived from the samples, to a fixed point
        changed = False
        for node in assigns:
            value = node.value
            if value is None or not (_names(value) & tainted):
                continue
            targets = (_targets(node.target) if isinstance(node, (ast.AugAssign, ast.AnnAssign,
                                                                  ast.NamedExpr))
                       else set().union(*(_targets(t) for t in node.targets)))
            if targets - tainted:
                tainted |= targets
                changed = True
    out: list[Finding] = []
    for found in ast.walk(fn):
        if isinstance(found, (ast.For, ast.AsyncFor)) and _names(found.iter) & tainted:
            out.append(Finding(found.lineno, "a `for` loop over the samples"))
        elif isinstance(found, ast.While) and _names(found.test) & tainted:
            out.append(Finding(found.lineno, "a `while` loop over the samples"))
        elif isinstance(found, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            if any(_names(g.iter) & tainted for g in found.generators):
                out.append(Finding(found.lineno, "a comprehension over the samples"))
        elif isinstance(found, ast.Call):
            name = _call_name(found)
            args = [*found.args, *(k.value for k in found.keywords)]
            over = any(_names(a) & tainted for a in args)
            if over and isinstance(found.func, ast.Name) and name in _LOOPING_CALLS:
                out.append(Finding(found.lineno, f"`{name}(…)` walks the samples in Python "
                                                f"(use the numpy version)"))
            elif name in _LOOPING_NUMPY and (over or name in ("vectorize", "frompyfunc")):
                out.append(Finding(found.lineno, f"`{name}` calls Python once per element"))
    return sorted(out, key=lambda f: f.line)


def inverse_calls(fn: ast.FunctionDef) -> list[Finding]:
    """Calls that invert a matrix (``np.linalg.inv``, ``pinv``) in ``fn``."""
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and _call_name(node) in ("inv", "pinv"):
            out.append(Finding(node.lineno, f"`{_call_name(node)}` inverts the matrix"))
    return out
