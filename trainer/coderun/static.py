"""What can be said about a solution without running it: its signature and its loops.

Everything here reads Python source with :mod:`ast` and never executes it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

__all__ = ["MAX_SOURCE", "Finding", "find_function", "parse_source", "inverse_calls", "python_loops", "signature_of"]

# Builtins (and functools.reduce) that walk their argument element by element in Python.
_LOOPING_CALLS = frozenset({"map", "filter", "sum", "min", "max", "sorted", "any", "all", "list",
                            "tuple", "zip", "enumerate", "reversed", "iter", "reduce"})
# modules whose attribute of a looping name is the same builtin (builtins.sum, functools.reduce)
_LOOPING_MODULES = frozenset({"builtins", "functools", "itertools", "operator"})
# modules every function of which walks its argument in Python (statistics.mean,
# itertools.accumulate), and the looping functions of math
_LOOPING_WHOLE = frozenset({"statistics", "itertools"})
_LOOPING_MATH = frozenset({"fsum", "prod"})
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


MAX_SOURCE = 100_000  # characters of a solution: far more than any card needs


def parse_source(source: str) -> ast.Module | str:
    """The parsed module, or why it could not be parsed, in the learner's words.

    Parsing runs in the trainer's own process: a hostile nesting (100,000 unary minuses, a
    30,000-term sum) makes CPython's parser raise MemoryError or RecursionError, which are
    answers here, never tracebacks.
    """
    if len(source) > MAX_SOURCE:
        return f"your code is longer than {MAX_SOURCE // 1000} KB"
    try:
        return ast.parse(source)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (RecursionError, MemoryError):
        return "your code is nested too deeply to be read"
    except ValueError as exc:  # a null byte in the source
        return f"your code can not be read: {exc}"


def find_function(source: str, name: str) -> ast.FunctionDef | None:
    """The top-level ``def name`` of ``source`` (None if absent or unparsable)."""
    tree = parse_source(source)
    if isinstance(tree, str):
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


def _aliases(tree: ast.AST | None) -> dict[str, str]:
    """Names bound to a module or a function, to its dotted name: ``import builtins as b``
    (b: builtins), ``from statistics import mean as m`` (m: statistics.mean),
    ``s = np.linalg.solve`` (s: np.linalg.solve), ``g, h = sum, 0`` (g: sum)."""
    out: dict[str, str] = {}
    if tree is None:
        return out
    pairs: list[tuple[ast.AST, ast.AST]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr)) and node.value:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, (ast.Tuple, ast.List)) and isinstance(node.value,
                                                                       (ast.Tuple, ast.List)):
                    pairs += zip(t.elts, node.value.elts, strict=False)
                else:
                    pairs.append((t, node.value))
    for _ in range(3):  # chains of aliases (a = np.linalg; b = a.inv)
        for target, value in pairs:
            if isinstance(target, ast.Name):
                q = _qualname(value, out)
                if q and q != target.id:
                    out[target.id] = q
    return out


def _qualname(expr: ast.AST, aliases: dict[str, str]) -> str:
    """The dotted name an expression stands for, its first name resolved through
    ``aliases``: ``b.sum`` -> builtins.sum; ``vars(np.linalg)['inv']``,
    ``np.linalg.__dict__['inv']`` and ``getattr(np.linalg, 'inv')`` -> np.linalg.inv;
    "" for anything else."""
    parts: list[str] = []
    while True:
        if isinstance(expr, ast.Attribute):
            if expr.attr != "__dict__":
                parts.append(expr.attr)
            expr = expr.value
        elif (isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant)
              and isinstance(expr.slice.value, str)):
            parts.append(expr.slice.value)
            expr = expr.value
        elif (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name)
              and expr.func.id in ("vars", "getattr") and expr.args):
            if expr.func.id == "getattr":
                if len(expr.args) < 2 or not (isinstance(expr.args[1], ast.Constant)
                                              and isinstance(expr.args[1].value, str)):
                    return ""
                parts.append(expr.args[1].value)
            expr = expr.args[0]
        elif isinstance(expr, ast.Name):
            parts.append(aliases.get(expr.id, expr.id))
            return ".".join(reversed(parts))
        else:
            return ""


def _helpers(module: ast.AST | None) -> dict[str, ast.FunctionDef]:
    """The module's top-level functions, by name (the last definition wins)."""
    out: dict[str, ast.FunctionDef] = {}
    for node in getattr(module, "body", ()):
        if isinstance(node, ast.FunctionDef):
            out[node.name] = node
    return out


def _looping_call(call: ast.Call, aliases: dict[str, str] | None = None) -> str:
    """The looping builtin a call names (``sum``, ``builtins.sum``, ``functools.reduce``,
    ``statistics.mean``, ``math.fsum``), under any name it was bound to (``g = sum``)."""
    q = _qualname(call.func, aliases or {})
    if not q:
        return ""
    module, _, name = q.rpartition(".")
    if not module and name in _LOOPING_CALLS:
        return name
    if (module in _LOOPING_MODULES and name in _LOOPING_CALLS) or module in _LOOPING_WHOLE \
            or (module == "math" and name in _LOOPING_MATH):
        return q
    return ""


def _fixed(expr: ast.AST, fixed_names: set[str]) -> bool:
    """Whether iterating ``expr`` takes a number of steps written in the source: a
    tuple/list/set display (``(mu, var)``), a name bound to one, or a comprehension over
    such (``[w * pdf(x) for w, m, v in comps]``); not the samples, however they are named."""
    if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
        return not any(isinstance(e, ast.Starred) for e in expr.elts)
    if isinstance(expr, ast.Name):
        return expr.id in fixed_names
    if isinstance(expr, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
        return all(_fixed(g.iter, fixed_names) for g in expr.generators)
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.args:
        # map(float, (mu, var)), zip((a, b), (c, d)), reversed((a, b))
        if expr.func.id in ("map", "filter"):
            return len(expr.args) >= 2 and all(_fixed(a, fixed_names) for a in expr.args[1:])
        if expr.func.id in ("zip", "enumerate", "reversed", "sorted", "list", "tuple"):
            return all(_fixed(a, fixed_names) for a in expr.args[:1 if expr.func.id in (
                "enumerate", "reversed", "sorted", "list", "tuple") else None])
    return False


def _fixed_names(fn: ast.FunctionDef) -> set[str]:
    """Names assigned only fixed-length iterables (see :func:`_fixed`) in ``fn``."""
    out: set[str] = set()
    for _ in range(3):  # names bound to comprehensions over other such names
        good: set[str] = set()
        bad: set[str] = set()
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        (good if _fixed(node.value, out) else bad).add(t.id)
                    else:
                        bad |= _targets(t)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr)) and \
                    isinstance(node.target, ast.Name):
                bad.add(node.target.id)
            elif isinstance(node, (ast.For, ast.comprehension)):
                bad |= _targets(node.target)
        out = good - bad
    return out


def python_loops(fn: ast.FunctionDef, sample_args: set[int], module: ast.AST | None = None,
                 _seen: frozenset[str] = frozenset()) -> list[Finding]:
    """Python-level loops over the samples in ``fn``.

    The samples are the parameters at positions ``sample_args`` and every name
    assigned from an expression that mentions one (``n = len(x)`` included). A
    ``for`` or comprehension whose iterable mentions them, a ``while`` whose
    condition does, and a looping builtin or numpy helper (``sum``, ``map``,
    ``np.vectorize``, ``builtins.sum``, ``functools.reduce``, ``statistics.mean``, under
    any name they are bound to) applied to them are loops over the samples, and so are a
    ``while`` that takes them one by one (``next(it)``, ``x[i]`` with ``i += 1``,
    ``i = i + 1`` or ``i := i + 1``), a call of the function itself on them, and a function
    that calls itself with an index into them (``x[i] + go(i + 1)``). A loop over a fixed
    count (``for _ in range(steps)``) is not. A top-level helper of ``module``, or a
    function defined inside this one, called with the samples is read the same way.
    Not followed: helpers reached through a name other than their own (an alias, a
    lambda, a class), and loops hidden in ``exec``/``eval`` strings.
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
    # the module's helpers, and functions defined inside this one (read the same way when
    # called with the samples)
    helpers = {**_helpers(module), **{n.name: n for n in ast.walk(fn)
                                      if isinstance(n, ast.FunctionDef) and n is not fn}}
    aliases = _aliases(module if module is not None else fn)
    fixed = _fixed_names(fn)

    def walks(expr: ast.AST) -> bool:
        """Iterating ``expr`` goes over the samples (not over a few values written out)."""
        return bool(_names(expr) & tainted) and not _fixed(expr, fixed)

    for found in ast.walk(fn):
        if isinstance(found, ast.FunctionDef) and _indexes_by_recursion(found, tainted):
            out.append(Finding(found.lineno, f"`{found.name}(…)` calls itself to step through "
                                             f"the samples (a loop by recursion)"))
        if isinstance(found, (ast.For, ast.AsyncFor)) and walks(found.iter):
            out.append(Finding(found.lineno, "a `for` loop over the samples"))
        elif isinstance(found, ast.While) and (_names(found.test) & tainted
                                               or _steps_through(found, tainted)):
            out.append(Finding(found.lineno, "a `while` loop over the samples"))
        elif isinstance(found, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            if any(walks(g.iter) for g in found.generators):
                out.append(Finding(found.lineno, "a comprehension over the samples"))
        elif isinstance(found, ast.Call):
            name = _call_name(found)
            args = [*found.args, *(k.value for k in found.keywords)]
            over = any(_names(a) & tainted for a in args)
            looping = _looping_call(found, aliases)
            if looping in ("max", "min", "builtins.max", "builtins.min") and \
                    len(found.args) >= 2 and not any(isinstance(a, ast.Starred)
                                                     for a in found.args):
                looping = ""  # max(s, 1.0) compares its arguments, it walks nothing
            if looping and over and not any(walks(a) for a in args):
                looping = ""  # tuple(map(float, (mu, var))): a few values written out
            if over and looping:
                out.append(Finding(found.lineno, f"`{looping}(…)` walks the samples in "
                                                f"Python (use the numpy version)"))
            elif name in _LOOPING_NUMPY and (over or name in ("vectorize", "frompyfunc")):
                out.append(Finding(found.lineno, f"`{name}` calls Python once per element"))
            elif over and isinstance(found.func, ast.Name) and (found.func.id == fn.name
                                                                or found.func.id in _seen):
                # f(x[1:]): one Python call per sample
                out.append(Finding(found.lineno, f"`{found.func.id}(…)` calls itself on the "
                                                f"samples (a loop by recursion)"))
            elif (over and isinstance(found.func, ast.Name) and found.func.id not in _seen
                    and found.func.id in helpers):
                helper = helpers[found.func.id]
                passed = {i for i, a in enumerate(found.args) if _names(a) & tainted}
                hp = [a.arg for a in helper.args.args]
                passed |= {hp.index(k.arg) for k in found.keywords
                           if k.arg in hp and _names(k.value) & tainted}
                if passed and python_loops(helper, passed, module, _seen | {fn.name}):
                    out.append(Finding(found.lineno, f"`{found.func.id}(…)` loops over the "
                                                    f"samples in Python (line {helper.lineno})"))
    return sorted(out, key=lambda f: f.line)


def _counters(node: ast.AST) -> set[str]:
    """Names that ``node`` moves on from their own value: ``i += 1``, ``i = i + 1``,
    ``(i := i + 1)``."""
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.AugAssign) and isinstance(n.target, ast.Name):
            out.add(n.target.id)
        elif isinstance(n, ast.Assign):
            out |= {t.id for t in n.targets if isinstance(t, ast.Name) and t.id in _names(n.value)}
        elif isinstance(n, ast.NamedExpr) and n.target.id in _names(n.value):
            out.add(n.target.id)
    return out


def _indexes_by_recursion(fn: ast.FunctionDef, tainted: set[str]) -> bool:
    """A function that calls itself and reads the samples at an index it is passed (``go(i)``
    returning ``x[i] + go(i + 1)``): one Python call per sample."""
    calls_itself = any(isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                       and n.func.id == fn.name for n in ast.walk(fn))
    if not calls_itself:
        return False
    params = {a.arg for a in fn.args.args}
    return any(isinstance(n, ast.Subscript) and _names(n.value) & tainted
               and _names(n.slice) & params for n in ast.walk(fn))


def _steps_through(loop: ast.While, tainted: set[str]) -> bool:
    """A ``while`` whose body takes the samples one at a time: ``next(it)`` of an iterator
    over them, or ``x[i]`` with ``i`` a counter the body moves on."""
    counters = _counters(loop)
    for node in ast.walk(loop):
        if (isinstance(node, ast.Call) and _call_name(node) == "next"
                and any(_names(a) & tainted for a in node.args)):
            return True
        if (isinstance(node, ast.Subscript) and _names(node.value) & tainted
                and _names(node.slice) & counters):
            return True
    return False


_INVERTING = ("inv", "pinv", "tensorinv")
_IDENTITY = ("eye", "identity")


def _inverse_aliases(tree: ast.AST) -> set[str]:
    """Names bound to an inverting function: ``from numpy.linalg import inv as invert``,
    ``invert = np.linalg.inv``."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            out |= {a.asname or a.name for a in node.names if a.name in _INVERTING}
        elif isinstance(node, ast.Assign):
            v = node.value
            if ((isinstance(v, ast.Attribute) and v.attr in _INVERTING)
                    or (isinstance(v, ast.Name) and v.id in out | set(_INVERTING))):
                out |= set().union(*(_targets(t) for t in node.targets))
    return out


def _negative(node: ast.AST, names: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """Whether an exponent is written as a negative number (``-1``, ``-k``), or is a name
    assigned one (``k = -1``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return True
    if isinstance(node, ast.Name) and node.id in names:
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
        and node.value < 0


def _negative_names(tree: ast.AST) -> set[str]:
    """Names assigned a negative number anywhere in ``tree`` (``k = -1``, ``g, k = inv, -1``)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for t in node.targets:
            if isinstance(t, ast.Name) and _negative(node.value, out):
                out.add(t.id)
            elif isinstance(t, (ast.Tuple, ast.List)) and isinstance(node.value,
                                                                     (ast.Tuple, ast.List)):
                out |= {a.id for a, v in zip(t.elts, node.value.elts, strict=False)
                        if isinstance(a, ast.Name) and _negative(v, out)}
    return out


def _const_arg(call: ast.Call) -> str:
    return next((a.value for a in call.args if isinstance(a, ast.Constant)
                 and a.value in _INVERTING), "")


def _has_identity(expr: ast.AST, identities: set[str]) -> bool:
    """True when ``expr`` is an identity matrix up to a scalar factor: a call to eye or
    identity, a name bound to one (``I = np.eye(d)``), ``1.0 * np.eye(d)``, ``I / c``.
    An identity that is one block of something else (``np.vstack([X, c * np.eye(d)])``)
    is not: data augmented that way is solved for a vector."""
    if isinstance(expr, ast.Call):
        return _call_name(expr) in _IDENTITY
    if isinstance(expr, ast.Name):
        return expr.id in identities
    if isinstance(expr, ast.UnaryOp):
        return _has_identity(expr.operand, identities)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mult):
        return _has_identity(expr.left, identities) or _has_identity(expr.right, identities)
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
        return _has_identity(expr.left, identities)
    return False


def _identity_names(tree: ast.AST) -> set[str]:
    """Names assigned an identity matrix (or an expression holding one) in ``tree``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _has_identity(node.value, names):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _identity_rhs(call: ast.Call, identities: set[str]) -> bool:
    """A solve whose right-hand side (second argument, or b=) is an identity matrix."""
    rhs = call.args[1] if len(call.args) >= 2 else next(
        (k.value for k in call.keywords if k.arg == "b"), None)
    return rhs is not None and _has_identity(rhs, identities)


def inverse_calls(fn: ast.FunctionDef, module: ast.AST | None = None) -> list[Finding]:
    """Calls that invert a matrix in ``fn``: ``np.linalg.inv``, ``pinv`` (under any name
    ``module`` or ``fn`` binds them to), ``matrix_power`` with a negative exponent,
    ``solve`` against an identity (or a name bound to one), ``.I``, and the inverse looked up
    by its name (``getattr(…, "inv")``, ``vars(np.linalg)["inv"]``); a function under another
    name (``s = np.linalg.solve``) is read as itself. Not caught: an inverse built by hand
    (Gauss–Jordan, the adjugate) or reached through ``exec``."""
    tree = module if module is not None else fn
    aliases = _inverse_aliases(tree) | _inverse_aliases(fn)
    bound = _aliases(tree)
    identities = _identity_names(tree) | _identity_names(fn)
    negatives = _negative_names(tree)
    out = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Attribute) and node.attr == "I":  # np.matrix(A).I
            out.append(Finding(node.lineno, "`.I` of a matrix is its inverse"))
        if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and node.slice.value in _INVERTING):
            # vars(np.linalg)['inv'], np.linalg.__dict__['inv']
            out.append(Finding(node.lineno, f"`[{node.slice.value!r}]` looks up the inverse"))
            continue
        if not isinstance(node, ast.Call):
            continue
        # s = np.linalg.solve; s(A, I): the function the name was bound to
        name = _qualname(node.func, bound).rpartition(".")[2] or _call_name(node)
        if name in _INVERTING or (isinstance(node.func, ast.Name) and node.func.id in aliases):
            out.append(Finding(node.lineno, f"`{name}` inverts the matrix"))
        elif name == "matrix_power" and len(node.args) >= 2 and _negative(node.args[1],
                                                                          negatives):
            out.append(Finding(node.lineno, "`matrix_power` with a negative exponent inverts "
                                            "the matrix"))
        elif name in ("solve", "lstsq", "tensorsolve") and _identity_rhs(node, identities):
            out.append(Finding(node.lineno, f"`{name}` against an identity builds the inverse"))
        elif any(isinstance(a, ast.Constant) and a.value in _INVERTING for a in node.args):
            # getattr(np.linalg, 'inv'), operator.attrgetter('inv')
            out.append(Finding(node.lineno, f"`{name}` with {_const_arg(node)!r} looks up the "
                                            "inverse"))
    return out
