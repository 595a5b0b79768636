"""The solver functions a deck may call by name in `solve` and in mistakes.

A deck never imports anything: ``solve: beta_bernoulli_map(k, n, a, b)`` looks
the name up in :data:`REGISTRY`.  Each entry is a thin wrapper around a
function of the :mod:`solvers` package, imported on first call so that
importing this module (``trainer validate``) stays cheap.

Conventions (the deck author's contract):

* a *sample* argument (``x``, ``y``, ``counts``, ``logits``) is a list of
  numbers, e.g. a param drawn with ``normal(0, 1, 8, 2)``;
* a category or token index ``j`` counts from 1, as in the prompts;
* variances, never standard deviations, are passed to Gaussian functions;
* Gamma priors are (shape ``a``, *rate* ``b``); KL is ``KL(first ‖ second)``;
* logarithms are natural (nats).
"""

from __future__ import annotations

# Each topic module registers its functions as it is imported; the built-ins come first,
# so a plugin that reuses one of their names is refused.
from trainer.registry import em, evidence, fisher, fitting, kl, llm, mle, posterior  # noqa: F401
from trainer.registry.core import (
    PARAM_DOCS,
    REGISTRY,
    Entry,
    _load_plugins,
    describe,
    load_problems,
    plugin_missing,
    solver,
)

__all__ = ["PARAM_DOCS", "REGISTRY", "Entry", "describe", "load_problems", "plugin_missing",
           "solver"]

_load_plugins()
