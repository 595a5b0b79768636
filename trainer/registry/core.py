"""The registry's core: the Entry record, the shared argument helpers, _register and plugins."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

    from solvers._validate import Array

_F = TypeVar("_F", bound=Callable[..., object])


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    func: Callable[..., object]
    description: str
    arity: tuple[int, int | None]
    # a worked example call (`trainer solvers` shows it with its value)
    example: tuple[object, ...] = ()
    # what a parameter means where PARAM_DOCS's common meaning does not hold
    params: Mapping[str, str] = field(default_factory=dict)
    # "trainer", or the distribution of the plugin that registered it
    origin: str = "trainer"

    def signature(self) -> str:
        return f"{self.name}{_shown_signature(self.func)}"

    def param_docs(self) -> dict[str, str]:
        """Each parameter's meaning, domain and units ("" when nobody wrote one)."""
        import inspect

        return {p: self.params.get(p, PARAM_DOCS.get(p, ""))
                for p in inspect.signature(self.func).parameters}

    def example_call(self) -> str:
        return f"{self.name}({', '.join(_show(a) for a in self.example)})"


def _shown_signature(func: Callable[..., object]) -> str:
    """The parameters as a deck author writes them: names and defaults, no type hints."""
    import inspect

    sig = inspect.signature(func)
    plain = [p.replace(annotation=inspect.Parameter.empty) for p in sig.parameters.values()]
    return str(sig.replace(parameters=plain, return_annotation=inspect.Signature.empty))


def _show(value: object) -> str:
    """An example argument as a deck writes it: a sample of numbers is `vec(2, 4, 3)`
    (the deck language has no `[…]`); a matrix, which only a symbol of a symbolic card
    can stand for, is shown as nested brackets."""
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (list, tuple)) for v in value):
            return repr([list(v) if isinstance(v, tuple) else v for v in value])
        return f"vec({', '.join(repr(v) for v in value)})"
    return repr(value)


# The common meaning of a parameter name across the registry; an entry that uses a
# name otherwise says so in its own `params`.
PARAM_DOCS: dict[str, str] = {
    "k": "number of successes, a whole number 0..n",
    "n": "number of trials or observations, a whole number",
    "p": "a probability in (0, 1)",
    "q": "a probability in (0, 1)",
    "a": "prior shape a > 0 (Beta(a, b), or Gamma(a, rate b))",
    "b": "prior b > 0: Beta's second shape, or a Gamma's RATE (not its scale)",
    "x": "a sample: a list of numbers",
    "y": "targets: a list of numbers, one per x",
    "counts": "category counts: a list of whole numbers",
    "i": "an index, counting from 1",
    "j": "an index, counting from 1",
    "alpha": "symmetric Dirichlet concentration > 0",
    "var": "a VARIANCE sigma^2 > 0 (not a standard deviation)",
    "mu0": "prior mean",
    "tau2": "prior VARIANCE > 0 (not a standard deviation)",
    "lam": "a rate > 0 (a Poisson mean, or an exponential rate = 1/mean)",
    "w": "a weight",
    "pi1": "mixing weight of component 1, in (0, 1)",
    "mu1": "mean of the first distribution",
    "mu2": "mean of the second distribution",
    "var1": "VARIANCE of the first distribution (not a standard deviation)",
    "var2": "VARIANCE of the second distribution (not a standard deviation)",
    "noise_var": "noise VARIANCE sigma^2 > 0",
    "prior_var": "prior VARIANCE tau^2 > 0",
    "level": "confidence level in (0, 1), e.g. 0.95",
    "total_nll": "summed negative log-likelihood, in nats",
    "n_tokens": "number of tokens, a whole number >= 1",
    "logits": "a list of logits (unnormalised log-probabilities)",
    "target": "the target class, counting from 1",
    "r_w": "reward of the preferred answer",
    "r_l": "reward of the dispreferred answer",
    "pi": "probability under the policy, in (0, 1)",
    "pi_ref": "probability under the reference policy, in (0, 1)",
    "beta": "KL strength beta > 0",
    "logp_w": "log-probability (nats) of the preferred answer under the policy",
    "logp_l": "log-probability (nats) of the dispreferred answer under the policy",
    "ref_w": "log-probability (nats) of the preferred answer under the reference",
    "ref_l": "log-probability (nats) of the dispreferred answer under the reference",
    "rewards": "a list of rewards, one per token",
    "z": "a list of numbers (logits)",
    "lr": "learning rate > 0",
    "steps": "number of steps, a whole number >= 0",
    "lam1": "mean (rate) of the first Poisson",
    "lam2": "mean (rate) of the second Poisson",
    "rate1": "RATE of the first exponential (mean 1/rate)",
    "rate2": "RATE of the second exponential (mean 1/rate)",
    "cov1": "covariance of the first Gaussian: k*k numbers row by row, or a matrix",
    "cov2": "covariance of the second Gaussian: k*k numbers row by row, or a matrix",
    "sigma": "a STANDARD DEVIATION > 0 (not a variance)",
    "F": "Fisher information matrix about theta",
    "J": "Jacobian d theta / d eta (a matrix)",
    "total": "a total count, a whole number >= 1",
    "r": "responsibilities of component 1: a list in [0, 1], one per x",
    "s": "the total of the observations",
    "s1": "the sum of the observations",
    "s2": "the sum of the squared observations",
    "X": "design matrix, one row per observation",
}


def _vec(x: ArrayLike) -> list[float]:
    tolist = getattr(x, "tolist", None)  # a numpy array or number, drawn by a param
    if tolist is not None:
        x = tolist()
    if not isinstance(x, (list, tuple)):
        raise TypeError("a list of numbers is needed here")
    return [float(v) for v in x]


def _index(j: object, size: int) -> int:
    if isinstance(j, bool) or not isinstance(j, (int, float)) or float(j) != int(j):
        raise ValueError("an index must be a whole number")
    k = int(j)
    if not 1 <= k <= size:
        raise ValueError(f"index {k} is outside 1..{size}")
    return k - 1


def _whole(x: float, what: str, lo: int) -> int:
    if isinstance(x, bool) or float(x) != int(x) or int(x) < lo:
        raise ValueError(f"{what} must be a whole number >= {lo}")
    return int(x)


def _f(x: float) -> float:
    return float(x)


REGISTRY: dict[str, Entry] = {}
_origin = "trainer"  # who is registering: a plugin's distribution while it loads
_PLUGIN_PROBLEMS: list[str] = []
# each plugin by its entry point name and by its distribution's normalised name: None when
# it loaded, else why not
_PLUGINS: dict[str, str | None] = {}


def _register(description: str, arity: tuple[int, int | None] | None = None, *,
              example: tuple[object, ...] = (), params: Mapping[str, str] | None = None
              ) -> Callable[[_F], _F]:
    """Register a solver function: a one-line description, a worked example call (its
    arguments), and the meaning of any parameter that PARAM_DOCS does not cover."""
    def deco(func: _F) -> _F:
        import inspect

        if arity is None:
            sig = inspect.signature(func).parameters.values()
            lo = sum(1 for p in sig if p.default is inspect.Parameter.empty)
            ar: tuple[int, int | None] = (lo, len(inspect.signature(func).parameters))
        else:
            ar = arity
        if _origin != "trainer" and func.__name__ in REGISTRY:
            raise ValueError(f"{func.__name__!r} is already a solver function "
                             f"(from {REGISTRY[func.__name__].origin})")
        REGISTRY[func.__name__] = Entry(func.__name__, func, description, ar,
                                        tuple(example), dict(params or {}), _origin)
        return func
    return deco


def _matrix(x: ArrayLike, rows: int, name: str) -> Array:
    """A k x k matrix from a flat list of k*k numbers (row by row) or a nested array."""
    import numpy as np

    arr = np.asarray(x, dtype=float)
    if arr.ndim == 1 and arr.size == rows * rows:
        arr = arr.reshape(rows, rows)
    if arr.shape != (rows, rows):
        raise ValueError(f"{name} must be a {rows}x{rows} matrix (or {rows * rows} numbers)")
    return arr


def _mean_vec(x: ArrayLike) -> list[float]:
    import numpy as np

    return [float(v) for v in np.asarray(x, dtype=float).reshape(-1)]


def describe() -> list[tuple[str, str]]:
    """(signature, description) of every registry function, for docs and `--help`."""
    return [(f"{name}{_shown_signature(e.func)}", e.description)
            for name, e in sorted(REGISTRY.items())]


def solver(description: str, *, example: tuple[object, ...] = (),
           params: Mapping[str, str] | None = None,
           arity: tuple[int, int | None] | None = None) -> Callable[[_F], _F]:
    """Register a deck author's own solver function, from a package that names its module
    in the entry point group ``trainer.solvers``::

        @solver("n/S: ...", example=(3, 10), params={"s": "the total, > 0"})
        def my_rate(s, n): ...
    """
    return _register(description, arity, example=example, params=params)


def _load_plugins() -> None:
    """Import every ``trainer.solvers`` entry point; one that fails is reported, not fatal."""
    global _origin
    from importlib.metadata import entry_points

    for ep in entry_points(group="trainer.solvers"):
        dist = ep.dist.name if ep.dist is not None else ep.value
        _origin = dist
        failure = None
        try:
            ep.load()
        except Exception as exc:  # noqa: BLE001 - a plugin's import may raise anything
            failure = f"{type(exc).__name__}: {exc}"
            _PLUGIN_PROBLEMS.append(f"solver plugin {ep.name!r} (package {dist}) failed to "
                                    f"load: {failure}")
        finally:
            _origin = "trainer"
        for name in (ep.name, _normalised(dist)):  # of two entry points, a failure counts
            _PLUGINS[name] = _PLUGINS.get(name) or failure


def _normalised(name: str) -> str:
    """A distribution name as pip compares them: `My_Solvers` is `my-solvers`."""
    return re.sub(r"[-_.]+", "-", name).lower()


def plugin_missing(name: str) -> str | None:
    """Why a deck's required plugin (a package or entry point name) can not be used: not
    installed, or failed to load; None when its solver functions are registered."""
    if name in _PLUGINS or _normalised(name) in _PLUGINS:
        failure = _PLUGINS.get(name, _PLUGINS.get(_normalised(name)))
        return None if failure is None else f"which failed to load: {failure}"
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        distribution(name)
    except (PackageNotFoundError, ValueError):
        return f"which is not installed (pip install {name})"
    return "which is installed but registers no solver functions (no `trainer.solvers` entry point)"


def load_problems() -> list[str]:
    """The solver plugins that failed to load, one message each."""
    return list(_PLUGIN_PROBLEMS)
