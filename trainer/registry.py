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

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

__all__ = ["PARAM_DOCS", "REGISTRY", "Entry", "describe", "load_problems", "solver"]


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
        import inspect

        return f"{self.name}{inspect.signature(self.func)}"

    def param_docs(self) -> dict[str, str]:
        """Each parameter's meaning, domain and units ("" when nobody wrote one)."""
        import inspect

        return {p: self.params.get(p, PARAM_DOCS.get(p, ""))
                for p in inspect.signature(self.func).parameters}

    def example_call(self) -> str:
        return f"{self.name}({', '.join(_show(a) for a in self.example)})"


def _show(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
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


def _solver(path: str) -> Callable[..., object]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _vec(x: object) -> list[float]:
    if hasattr(x, "tolist"):
        x = x.tolist()  # type: ignore[attr-defined]
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


def _whole(x: object, what: str, lo: int) -> int:
    if isinstance(x, bool) or float(x) != int(x) or int(x) < lo:  # type: ignore[arg-type]
        raise ValueError(f"{what} must be a whole number >= {lo}")
    return int(x)  # type: ignore[arg-type]


def _f(x: object) -> float:
    return float(x)  # type: ignore[arg-type]


REGISTRY: dict[str, Entry] = {}
_origin = "trainer"  # who is registering: a plugin's distribution while it loads
_PLUGIN_PROBLEMS: list[str] = []


def _register(description: str, arity: tuple[int, int | None] | None = None, *,
              example: tuple[object, ...] = (), params: Mapping[str, str] | None = None):
    """Register a solver function: a one-line description, a worked example call (its
    arguments), and the meaning of any parameter that PARAM_DOCS does not cover."""
    def deco(func: Callable[..., object]) -> Callable[..., object]:
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


# ------------------------------------------------------------------------ MLE


def _bernoulli_sample(k, n) -> list[float]:
    size = _whole(n, "n", 1)
    heads = _whole(k, "k", 0)
    if heads > size:
        raise ValueError(f"k = {heads} exceeds n = {size}")
    return [1.0] * heads + [0.0] * (size - heads)


@_register("k/n: the MLE of a Bernoulli p from k successes in n trials", example=(3, 10))
def bernoulli_mle(k, n):
    return _solver("solvers.mle.bernoulli")(_bernoulli_sample(k, n))


@_register("k log p + (n-k) log(1-p): the Bernoulli log-likelihood of k successes in n",
           example=(0.3, 3, 10))
def bernoulli_loglik(p, k, n):
    # n times minus the cross-entropy from the empirical (k/n, 1-k/n) to the model (p, 1-p)
    size = _whole(n, "n", 1)
    f = _f(k) / size
    return -size * _solver("solvers.kl.cross_entropy")([f, 1 - f], [_f(p), 1 - _f(p)])


@_register("k/p - (n-k)/(1-p): the Bernoulli score (d/dp of the log-likelihood)",
           example=(0.3, 3, 10))
def bernoulli_score(p, k, n):
    # Chain rule through the logit theta = log(p/(1-p)): the logistic NLL gradient of an
    # intercept-only model is n p - k, and d(theta)/dp = 1/(p(1-p)), the Fisher information.
    import math

    q = _f(p)
    x = [[1.0]] * _whole(n, "n", 1)
    grad = _solver("solvers.mle.logistic_gradient")(x, _bernoulli_sample(k, n),
                                                   [math.log(q / (1 - q))])
    return -float(grad[0]) * _solver("solvers.fisher.information")("bernoulli", p=q)


@_register("the sample mean: the MLE of a Gaussian mean", example=([1.0, 2.0, 4.0],))
def gaussian_mle_mean(x):
    return _solver("solvers.mle.gaussian")(_vec(x))[0]


@_register("(1/n) sum (x - xbar)^2: the (biased) MLE of a Gaussian variance",
           example=([1.0, 2.0, 4.0],))
def gaussian_mle_var(x):
    return _solver("solvers.mle.gaussian")(_vec(x))[1]


@_register("(1/(n-1)) sum (x - xbar)^2: the unbiased sample variance (Bessel)",
           example=([1.0, 2.0, 4.0],))
def unbiased_var(x):
    return _solver("solvers.stats.unbiased_variance")(_vec(x))


@_register("the Gaussian variance MLE of a sample of size n with sum s1 and sum of squares s2",
           example=(12.0, 40.0, 10),
           params={'n': 'number of observations, a whole number >= 2'})
def gaussian_mle_var_from_sums(s1, s2, n):
    # A sample with exactly these sums is built and handed to the solver, so the
    # closed form S2/n - (S1/n)^2 on a card is checked against the solver itself.
    import math

    size = _whole(n, "n", 2)
    m = _f(s1) / size
    var = _f(s2) / size - m * m
    if var <= 0:
        raise ValueError("no sample of distinct values has these sums")
    if size % 2 == 0:
        d = math.sqrt(var)
        x = [m + d] * (size // 2) + [m - d] * (size // 2)
    else:
        d = math.sqrt(var * size / (size - 1))
        x = [m + d] * (size // 2) + [m - d] * (size // 2) + [m]
    return _solver("solvers.mle.gaussian")(x)[1]


@_register("the sample mean: the MLE of a Poisson rate", example=([2, 4, 3],))
def poisson_mle(x):
    return _solver("solvers.mle.poisson")(_vec(x))


@_register("S/n: the Poisson-rate MLE of n whole-number counts with total S", example=(12, 10),
           params={'s': 'the total of the counts, a whole number >= 0'})
def poisson_mle_from_sum(s, n):
    # A sample of n counts with total s is built and handed to the solver.
    total, size = _whole(s, "the total", 0), _whole(n, "n", 1)
    q, r = divmod(total, size)
    return _solver("solvers.mle.poisson")([float(q + 1)] * r + [float(q)] * (size - r))


@_register("n/S: the exponential-rate MLE of n positive observations with total S",
           example=(12, 10),
           params={'s': 'the total of the observations, > 0'})
def exponential_mle_from_sum(s, n):
    size = _whole(n, "n", 1)
    if _f(s) <= 0:
        raise ValueError("the total of exponential observations must be positive")
    return _solver("solvers.mle.exponential")([_f(s) / size] * size)


@_register("1/xbar: the MLE of an exponential rate", example=([1.0, 2.0, 4.0],))
def exponential_mle(x):
    return _solver("solvers.mle.exponential")(_vec(x))


@_register("max x: the MLE of theta for Uniform(0, theta)", example=([1.0, 2.0, 4.0],))
def uniform_mle(x):
    return _solver("solvers.mle.uniform")(_vec(x))


@_register("counts[j]/n: the MLE of category j's probability (j from 1)", example=([3, 5, 2], 1))
def multinomial_mle(counts, j):
    c = _vec(counts)
    return _solver("solvers.mle.category_probability")(c, _index(j, len(c)))


@_register("sum xy / sum x^2: least squares through the origin (the Gaussian-noise MLE)",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0]))
def ols_origin(x, y):
    return _solver("solvers.mle.linear_regression_1d")(_vec(x), _vec(y))


@_register("sum (sigmoid(w x_i) - y_i) x_i: d/dw of the logistic NLL, one feature, no bias",
           example=([1.0, 2.0, 4.0], [1, 0, 1], 0.5),
           params={'y': 'labels (0 or 1), one per x', 'w': 'the single weight'})
def logistic_grad_1d(x, y, w):
    g = _solver("solvers.mle.logistic_gradient")([[v] for v in _vec(x)], _vec(y), [_f(w)])
    return float(g[0])


@_register("X^T (sigmoid(X w) - y): the gradient of the logistic NLL (matrices)",
           example=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1, 0, 1], [0.5, -0.5]),
           params={'y': 'labels (0 or 1), one per row of X',
                   'w': 'weight vector, one per column of X'})
def logistic_grad(X, y, w):
    import numpy as np

    grad = _solver("solvers.mle.logistic_gradient")
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    w = np.asarray(w, dtype=float).reshape(-1)
    if np.all((y == 0) | (y == 1)):
        return np.asarray(grad(X, y, w), dtype=float)
    # Random real "labels" (as `trainer check` draws them): the gradient is affine in y, so
    # it is extended from the solver's values at 0/1 labels, g(y) = g(0) + sum_i y_i (g(e_i) - g(0)).
    zero = np.asarray(grad(X, np.zeros_like(y), w), dtype=float)
    out = zero.copy()
    for i, yi in enumerate(y):
        e = np.zeros_like(y)
        e[i] = 1.0
        out += yi * (np.asarray(grad(X, e, w), dtype=float) - zero)
    return out


@_register("the E-step responsibility of component 1 for x in the mixture "
           "pi1 N(mu1, var1) + (1 - pi1) N(mu2, var2)", example=(1.0, 0.5, 0.0, 1.0, 2.0, 1.0),
           params={'x': 'one observation (a number)'})
def em_responsibility(x, pi1, mu1, var1, mu2, var2):
    return _solver("solvers.em.responsibility")(_f(x), pi1, mu1, var1, mu2, var2)


# ------------------------------------------------------------------------ MAP


@_register("(k+a-1)/(n+a+b-2): the posterior mode of p under a Beta(a, b) prior",
           example=(3, 10, 2, 2))
def beta_bernoulli_map(k, n, a, b):
    return _solver("solvers.map.beta_bernoulli")(k, n, a, b)


@_register("(k+a)/(n+a+b): the posterior mean of p under a Beta(a, b) prior", example=(3, 10, 2, 2))
def beta_bernoulli_mean(k, n, a, b):
    return _solver("solvers.map.beta_bernoulli_mean")(k, n, a, b)


@_register("(a + sum x - 1)/(b + n): the posterior mode of a Poisson rate, Gamma(a, rate b)",
           example=([2, 4, 3], 2, 2))
def gamma_poisson_map(x, a, b):
    return _solver("solvers.map.gamma_poisson")(_vec(x), a, b)


@_register("(a + sum x)/(b + n): the posterior mean of a Poisson rate, Gamma(a, rate b)",
           example=([2, 4, 3], 2, 2))
def gamma_poisson_mean(x, a, b):
    return _solver("solvers.map.gamma_poisson_mean")(_vec(x), a, b)


@_register("(c_j + alpha - 1)/(n + K alpha - K): the posterior mode of category j under a "
           "symmetric Dirichlet(alpha) prior", example=([3, 5, 2], 2, 1))
def dirichlet_map(counts, alpha, j):
    c = _vec(counts)
    probs = _solver("solvers.map.dirichlet_categorical")(c, [_f(alpha)] * len(c))
    return float(probs[_index(j, len(c))])


@_register("the posterior mean of a Gaussian mean: data x with noise variance var, "
           "prior N(mu0, tau2)", example=([1.0, 2.0, 4.0], 2.0, 0.0, 1.0))
def normal_normal_mean(x, var, mu0, tau2):
    return _solver("solvers.map.gaussian_mean")(_vec(x), var, mu0, tau2)


@_register("sum xy / (sum x^2 + lam): ridge through the origin, one feature",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5),
           params={'lam': 'penalty weight lambda >= 0'})
def ridge_1d(x, y, lam):
    return _solver("solvers.map.ridge_1d")(_vec(x), _vec(y), lam)


@_register("argmin_w (1/2) sum (y - w x)^2 + lam |w|: the lasso, one feature (soft-thresholding)",
           example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 0.5),
           params={'lam': 'penalty weight lambda >= 0 (on |w|, with (1/2) on the squares)'})
def lasso_1d(x, y, lam):
    return float(_solver("solvers.map.lasso")([[v] for v in _vec(x)], _vec(y), lam)[0])


@_register("(X^T X + lam I)^(-1) X^T y: the ridge / Gaussian-prior MAP weights (matrices)",
           example=([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 2.0, 2.5], 0.5),
           params={'lam': 'penalty weight lambda >= 0', 'y': 'targets, one per row of X'})
def ridge(X, y, lam):
    import numpy as np

    y = np.asarray(y, dtype=float).reshape(-1)
    return np.asarray(_solver("solvers.map.ridge")(X, y, lam), dtype=float)


@_register("the ridge penalty equivalent to noise variance sigma2 and prior variance tau2",
           example=(1.0, 2.0))
def ridge_lambda(noise_var, prior_var):
    # One observation y = 1 at x = 1: the Bayesian posterior mean (= MAP) of w under the
    # prior N(0, tau2) is 1/(1 + lam) for the equivalent ridge penalty lam, so lam = 1/w - 1.
    w = _solver("solvers.map.gaussian_mean")([1.0], noise_var, 0.0, prior_var)
    return 1.0 / w - 1.0


# ------------------------------------------------------------------------- KL


@_register("KL(N(mu1, var1) || N(mu2, var2)) in nats", example=(0.0, 1.0, 2.0, 1.0))
def kl_gaussian(mu1, var1, mu2, var2):
    return _solver("solvers.kl.gaussian")(mu1, var1, mu2, var2)


@_register("Var of the forward-KL Gaussian fit to w N(m1, v1) + (1-w) N(m2, v2): the "
           "mixture's variance (moment matching)", example=(0.5, -2.0, 1.0, 2.0, 1.0),
           params={"w": "weight of the first component, in [0, 1]",
                   "m1": "mean of the first component", "v1": "VARIANCE of the first component",
                   "m2": "mean of the second component",
                   "v2": "VARIANCE of the second component"})
def forward_kl_fit_var(w, m1, v1, m2, v2):
    return _solver("solvers.kl.forward_gaussian_fit")([_f(w), 1 - _f(w)], [_f(m1), _f(m2)],
                                                     [_f(v1), _f(v2)])[1]


@_register("KL(Bernoulli(p) || Bernoulli(q)) in nats", example=(0.3, 0.5))
def kl_bernoulli(p, q):
    return _solver("solvers.kl.bernoulli")(p, q)


@_register("KL(p || q) between two categorical distributions, in nats",
           example=([0.5, 0.3, 0.2], [0.2, 0.3, 0.5]),
           params={'p': 'the first probability vector (a list summing to 1)',
                   'q': 'the second probability vector (a list summing to 1)'})
def kl_categorical(p, q):
    return _solver("solvers.kl.categorical")(_vec(p), _vec(q))


# --------------------------------------------------------------------- Fisher


def _information(family: str, **params):
    return _solver("solvers.fisher.information")(family, **params)


def _crlb(family: str, n, **params):
    return _solver("solvers.fisher.crlb")(family, n, **params)


@_register("1/(p(1-p)): Fisher information of one Bernoulli(p) observation", example=(0.3,))
def fisher_bernoulli(p):
    return _information("bernoulli", p=p)


@_register("1/lam: Fisher information of one Poisson(lam) observation", example=(0.5,))
def fisher_poisson(lam):
    return _information("poisson", lam=lam)


@_register("1/var: Fisher information about a Gaussian mean, one observation", example=(2.0,))
def fisher_gaussian_mean(var):
    return _information("gaussian_mean", mu=0.0, var=var)


@_register("1/(2 var^2): Fisher information about a Gaussian variance, one observation",
           example=(2.0,))
def fisher_gaussian_var(var):
    return _information("gaussian_var", mu=0.0, var=var)


@_register("1/lam^2: Fisher information about an exponential rate, one observation", example=(0.5,))
def fisher_exponential(lam):
    return _information("exponential", rate=lam)


@_register("p(1-p)/n: the Cramér-Rao bound for unbiased estimators of a Bernoulli p",
           example=(0.3, 10))
def crlb_bernoulli(p, n):
    return _crlb("bernoulli", n, p=p)


@_register("lam/n: the Cramér-Rao bound for unbiased estimators of a Poisson rate",
           example=(0.5, 10))
def crlb_poisson(lam, n):
    return _crlb("poisson", n, lam=lam)


@_register("var/n: the Cramér-Rao bound for unbiased estimators of a Gaussian mean",
           example=(2.0, 10))
def crlb_gaussian_mean(var, n):
    return _crlb("gaussian_mean", n, mu=0.0, var=var)


@_register("lam^2/n: the Cramér-Rao bound for unbiased estimators of an exponential rate",
           example=(0.5, 10))
def crlb_exponential(lam, n):
    return _crlb("exponential", n, rate=lam)


@_register("z sqrt(phat(1-phat)/n): the Wald half-width for a Bernoulli p from k of n "
           "(level 0.95 unless given; z = 1.95996...)", example=(3, 10))
def wald_half_width_bernoulli(k, n, level=0.95):
    return _solver("solvers.fisher.wald_halfwidth_at")("bernoulli", n, level, p=_f(k) / _f(n))


# ------------------------------------------------------------------------ LLM


@_register("exp(total_nll / n_tokens): perplexity from a summed NLL in nats", example=(23.0, 10))
def perplexity(total_nll, n_tokens):
    return _solver("solvers.nn.perplexity")(_f(total_nll) / _whole(n_tokens, "n_tokens", 1))


@_register("-log softmax(logits)[target]: cross-entropy of the target class (from 1)",
           example=([2.0, 1.0, 0.1], 1))
def softmax_cross_entropy(logits, target):
    z = _vec(logits)
    return _solver("solvers.nn.softmax_cross_entropy")(z, _index(target, len(z)))


@_register("softmax(logits)[j] - [j = target]: d(cross-entropy)/d(logit j), indices from 1",
           example=([2.0, 1.0, 0.1], 1, 1))
def softmax_ce_grad(logits, target, j):
    z = _vec(logits)
    g = _solver("solvers.nn.softmax_cross_entropy_grad")(z, _index(target, len(z)))
    return float(g[_index(j, len(z))])


@_register("sigmoid(r_w - r_l): Bradley-Terry probability that w is preferred to l",
           example=(1.0, 0.0))
def bradley_terry(r_w, r_l):
    return _solver("solvers.preference.bradley_terry")(r_w, r_l)


@_register("beta log(pi/pi_ref): the DPO implicit reward from the two probabilities",
           example=(0.4, 0.2, 0.1))
def dpo_implicit_reward(pi, pi_ref, beta):
    import math

    return _solver("solvers.preference.dpo_implicit_reward")(math.log(_f(pi)),
                                                             math.log(_f(pi_ref)), beta)


@_register("-log sigmoid(beta[(logp_w - ref_w) - (logp_l - ref_l)]): the DPO loss of one "
           "pair, from log-probabilities", example=(-1.0, -2.0, -1.5, -1.5, 0.1))
def dpo_loss(logp_w, logp_l, ref_w, ref_l, beta):
    return _solver("solvers.preference.dpo_loss")(logp_w, logp_l, ref_w, ref_l, beta)


@_register("pi*(j) ∝ pi_ref(j) exp(r_j / beta): the KL-regularised RLHF optimum, token j "
           "(from 1)", example=([0.5, 0.3, 0.2], [1.0, 0.0, -1.0], 0.1, 1),
           params={'pi_ref': 'reference probabilities of the tokens (a list summing to 1)'})
def rlhf_optimal_policy(pi_ref, rewards, beta, j):
    p = _vec(pi_ref)
    policy = _solver("solvers.preference.kl_regularized_policy")(p, _vec(rewards), beta)
    return float(policy[_index(j, len(p))])


# --------------------------------------------------------------- code cards
# Functions whose results a code card's function must return, and the wrong ones
# whose results identify a classic slip (named as such).


@_register("log(sum(exp(z))), computed stably (z_1 - log softmax(z)_1)", example=([1.0, 2.0, 3.0],))
def log_sum_exp(z):
    zs = _vec(z)
    return zs[0] - float(_solver("solvers.nn.log_softmax")(zs)[0])


@_register("a MISTAKE: log(sum(exp(z))) without the max-shift (overflows for large z)",
           example=([1.0, 2.0, 3.0],))
def log_sum_exp_naive(z):
    import numpy as np

    with np.errstate(all="ignore"):
        return float(np.log(np.sum(np.exp(np.asarray(_vec(z))))))


@_register("a MISTAKE: -log(1/(1 + exp(-margin))) for the DPO loss (overflows)",
           example=(-1.0, -2.0, -1.5, -1.5, 0.1))
def dpo_loss_naive(logp_w, logp_l, ref_w, ref_l, beta):
    import numpy as np

    margin = _f(beta) * ((_f(logp_w) - _f(ref_w)) - (_f(logp_l) - _f(ref_l)))
    with np.errstate(all="ignore"):
        return float(-np.log(1.0 / (1.0 + np.exp(np.float64(-margin)))))


@_register("sum_j KL(N(mu1_j, var1_j) || N(mu2_j, var2_j)): KL between diagonal Gaussians",
           example=([0.0, 1.0], [1.0, 2.0], [1.0, 1.0], [1.0, 1.0]),
           params={'mu1': 'means of the first Gaussian (a list)',
                   'var1': 'VARIANCES of the first Gaussian (a list)',
                   'mu2': 'means of the second Gaussian (a list)',
                   'var2': 'VARIANCES of the second Gaussian (a list)'})
def kl_diag_gaussian(mu1, var1, mu2, var2):
    kl = _solver("solvers.kl.gaussian")
    return sum(kl(a, b, c, d) for a, b, c, d in zip(_vec(mu1), _vec(var1), _vec(mu2),
                                                   _vec(var2), strict=True))


@_register("one EM step for pi1 N(mu1, var1) + (1 - pi1) N(mu2, var2): the new "
           "(pi1, mu1, var1, mu2, var2)", arity=(6, 6),
           example=([-1.0, 0.0, 2.0, 3.0], 0.5, 0.0, 1.0, 2.0, 1.0))
def em_step(x, pi1, mu1, var1, mu2, var2):
    return _solver("solvers.fitting.em_step")(_vec(x), pi1, mu1, var1, mu2, var2)


@_register("a MISTAKE: an EM step whose variances are taken around the old means",
           arity=(6, 6), example=([-1.0, 0.0, 2.0, 3.0], 0.5, 0.0, 1.0, 2.0, 1.0))
def em_step_stale_means(x, pi1, mu1, var1, mu2, var2):
    import numpy as np

    xs = np.asarray(_vec(x))
    new = _solver("solvers.fitting.em_step")(xs, pi1, mu1, var1, mu2, var2)
    r = np.atleast_1d(_solver("solvers.em.responsibility")(xs, pi1, mu1, var1, mu2, var2))
    v1 = float(np.dot(r, (xs - _f(mu1)) ** 2) / r.sum())
    v2 = float(np.dot(1 - r, (xs - _f(mu2)) ** 2) / (1 - r).sum())
    return new[0], new[1], v1, new[3], v2


@_register("(mu, s) after gradient descent on the mean Gaussian NLL with sigma = exp(s), "
           "from (0, 0)", example=([1.0, 2.0, 4.0], 0.1, 3))
def gaussian_nll_gd(x, lr, steps):
    return _solver("solvers.fitting.gaussian_nll_gd")(_vec(x), lr, _whole(steps, "steps", 0))


@_register("a MISTAKE: gradient descent on the Gaussian NLL using d/dsigma as if it were "
           "d/ds (no chain rule through exp)", example=([1.0, 2.0, 4.0], 0.1, 3))
def gaussian_nll_gd_no_chain_rule(x, lr, steps):
    import math

    xs = _vec(x)
    mean = sum(xs) / len(xs)
    mu, s = 0.0, 0.0
    for _ in range(_whole(steps, "steps", 0)):
        sigma = math.exp(s)
        msq = sum((v - mu) ** 2 for v in xs) / len(xs)
        d_mu = -(mean - mu) / sigma ** 2
        d_sigma = 1 / sigma - msq / sigma ** 3
        mu, s = mu - _f(lr) * d_mu, s - _f(lr) * d_sigma
    return mu, s


# ----------------------------------------------------------- deep dive


def _matrix(x: object, rows: int, name: str):
    """A k x k matrix from a flat list of k*k numbers (row by row) or a nested array."""
    import numpy as np

    arr = np.asarray(x.tolist() if hasattr(x, "tolist") else x, dtype=float)  # type: ignore[union-attr]
    if arr.ndim == 1 and arr.size == rows * rows:
        arr = arr.reshape(rows, rows)
    if arr.shape != (rows, rows):
        raise ValueError(f"{name} must be a {rows}x{rows} matrix (or {rows * rows} numbers)")
    return arr


def _mean_vec(x: object) -> list[float]:
    import numpy as np

    return [float(v) for v in np.asarray(x.tolist() if hasattr(x, "tolist") else x,  # type: ignore[union-attr]
                                         dtype=float).reshape(-1)]


@_register("KL(Poisson(lam1) || Poisson(lam2)) in nats", example=(2.0, 3.0))
def kl_poisson(lam1, lam2):
    return _solver("solvers.kl.poisson")(lam1, lam2)


@_register("KL(Exp(rate1) || Exp(rate2)) in nats, rates (mean 1/rate)", example=(1.0, 2.0))
def kl_exponential(rate1, rate2):
    return _solver("solvers.kl.exponential")(rate1, rate2)


@_register("KL(N(mu1, cov1) || N(mu2, cov2)) in nats: means as lists (or column matrices), "
           "covariances as k*k numbers row by row (or matrices)",
           example=([0.0, 0.0], [2.0, 0.5, 0.5, 1.0], [1.0, 0.0], [1.0, 0.0, 0.0, 1.0]),
           params={'mu1': 'mean vector of the first Gaussian (a list)',
                   'mu2': 'mean vector of the second Gaussian (a list)'})
def kl_mvn(mu1, cov1, mu2, cov2):
    m1, m2 = _mean_vec(mu1), _mean_vec(mu2)
    k = len(m1)
    return _solver("solvers.kl.mvn")(m1, _matrix(cov1, k, "cov1"), m2, _matrix(cov2, k, "cov2"))


@_register("tr(cov2^-1 cov1): the trace term of KL(N(., cov1) || N(., cov2)), covariances as "
           "k*k numbers row by row", example=([2.0, 0.5, 0.5, 1.0], [1.0, 0.0, 0.0, 1.0]))
def kl_mvn_trace(cov1, cov2):
    # from the solver's KL at equal means: 2 KL = trace - k + logdet
    import math

    k = int(round(math.sqrt(len(_vec(cov1)))))
    zero = [0.0] * k
    return 2 * kl_mvn(zero, cov1, zero, cov2) - kl_mvn_logdet(cov1, cov2) + k


@_register("log(det cov2 / det cov1): the log-det term of KL(N(., cov1) || N(., cov2))",
           example=([2.0, 0.5, 0.5, 1.0], [1.0, 0.0, 0.0, 1.0]))
def kl_mvn_logdet(cov1, cov2):
    import math

    import numpy as np

    k = int(round(math.sqrt(len(_vec(cov1)))))
    c1, c2 = _matrix(cov1, k, "cov1"), _matrix(cov2, k, "cov2")
    return float(np.linalg.slogdet(c2)[1] - np.linalg.slogdet(c1)[1])


@_register("entry (i, j) (from 1) of the 2x2 Fisher information of one N(mu, var) observation "
           "about (mu, var)", example=(2.0, 2, 2))
def fisher_gaussian_entry(var, i, j):
    info = _information("gaussian", mu=0.0, var=var)
    return float(info[_index(i, 2), _index(j, 2)])


@_register("2 var^2/n: the Cramér-Rao bound for unbiased estimators of a Gaussian variance, "
           "mean unknown (the (var, var) entry of the inverse 2x2 information)", example=(2.0, 10))
def crlb_gaussian_var(var, n):
    return float(_crlb("gaussian", n, mu=0.0, var=var)[1, 1])


@_register("2/sigma^2: Fisher information about a Gaussian standard deviation sigma (mean "
           "known), by reparametrising the information about the variance", example=(2.0,))
def fisher_gaussian_sd(sigma):
    s = _f(sigma)
    return _solver("solvers.fisher.reparametrise")(fisher_gaussian_var(s * s), 2 * s)


@_register("p(1-p): Fisher information about the log-odds eta of one Bernoulli(p) "
           "observation, by reparametrising (dp/deta = p(1-p))", example=(0.3,))
def fisher_bernoulli_logit(p):
    q = _f(p)
    return _solver("solvers.fisher.reparametrise")(fisher_bernoulli(q), q * (1 - q))


@_register("J^T F J: the Fisher information matrix in a new parametrisation eta, from F = "
           "I(theta) and J = d theta/d eta (matrices)",
           example=([[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 2.0]]),
           params={'F': 'Fisher information matrix about theta'})
def fisher_reparam(F, J):
    import numpy as np

    return np.asarray(_solver("solvers.fisher.reparametrise")(F, J), dtype=float)


@_register("1/sqrt(n p(1-p)) at p = k/n: delta-method standard error of the estimated log-odds",
           example=(3, 10))
def se_log_odds(k, n):
    return _solver("solvers.stats.se_log_odds")(k, n)


@_register("|g'(p)| sqrt(p(1-p)/n) with g = log-odds: the delta-method standard error of the "
           "log-odds at a probability p (not necessarily k/n for a whole k)", example=(0.3, 10))
def se_log_odds_p(p, n):
    q = _f(p)
    return _solver("solvers.stats.delta_method_se")(1 / (q * (1 - q)), q * (1 - q) / _f(n))


@_register("1/sqrt(total): delta-method standard error of the log of a Poisson rate "
           "estimated from a total count", example=(25,))
def se_log_rate(total):
    return _solver("solvers.stats.se_log_rate")(total)


@_register("entry (i, j) (from 1) of the 2x2 covariance MLE (divides by n) of the points "
           "(x_t, y_t)", example=([1.0, 2.0, 4.0], [1.0, 3.0, 2.0], 1, 2))
def mvn_cov_mle(x, y, i, j):
    import numpy as np

    xs, ys = _vec(x), _vec(y)
    if len(xs) != len(ys):
        raise ValueError("x and y must have the same length")
    _, cov = _solver("solvers.mle.mvn")(np.column_stack([xs, ys]))
    return float(cov[_index(i, 2), _index(j, 2)])


def _m_step(x, r):
    xs, rs = _vec(x), _vec(r)
    return _solver("solvers.em.m_step")(xs, rs)


@_register("sum r / n: the M-step mixing weight of component 1 from its responsibilities r",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_weight(x, r):
    return float(_m_step(x, r)[0][0])


@_register("sum r x / sum r: the M-step mean of component 1 from its responsibilities r",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_mean(x, r):
    return float(_m_step(x, r)[1][0])


@_register("sum r (x - new mean)^2 / sum r: the M-step variance of component 1",
           example=([1.0, 2.0, 4.0], [0.9, 0.5, 0.1]))
def em_mstep_var(x, r):
    return float(_m_step(x, r)[2][0])


@_register("(k+a)/(n+a+b): the posterior mode of the log-odds under a Beta(a, b) prior on p, "
           "mapped back to p", example=(3, 10, 2, 2))
def beta_bernoulli_logit_mode(k, n, a, b):
    return _solver("solvers.map.beta_bernoulli_logit_mode")(k, n, a, b)


@_register("log B(k+1, n-k+1): the exact log evidence of a sequence with k successes in n "
           "trials under a uniform prior", example=(3, 10))
def bernoulli_log_evidence(k, n):
    return _solver("solvers.evidence.bernoulli_log_evidence")(k, n)


@_register("the Laplace approximation (in p) to the log evidence of a sequence with k "
           "successes in n trials under a uniform prior", example=(3, 10))
def bernoulli_laplace_log_evidence(k, n):
    return _solver("solvers.evidence.bernoulli_laplace_log_evidence")(k, n)


@_register("log L(k/n) - (1/2) log n: the BIC approximation to the log evidence of k "
           "successes in n trials (one parameter)", example=(3, 10))
def bernoulli_bic_log_evidence(k, n):
    size = _whole(n, "n", 1)
    return _solver("solvers.evidence.bic_log_evidence")(bernoulli_loglik(_f(k) / size, k, n),
                                                        1, size)


@_register("the Cox-Snell O(1/n) bias of the MLE of the log-odds from n Bernoulli(p) trials",
           example=(0.3, 10))
def cox_snell_bias_log_odds(p, n):
    return _solver("solvers.bias.cox_snell_bias")("bernoulli-logit", p, n)


@_register("the Cox-Snell O(1/n) bias of the MLE of an exponential rate from n observations",
           example=(0.5, 10))
def cox_snell_bias_exponential(lam, n):
    return _solver("solvers.bias.cox_snell_bias")("exponential-rate", lam, n)


def describe() -> list[tuple[str, str]]:
    """(signature, description) of every registry function, for docs and `--help`."""
    import inspect

    return [(f"{name}{inspect.signature(e.func)}", e.description)
            for name, e in sorted(REGISTRY.items())]


def solver(description: str, *, example: tuple[object, ...] = (),
           params: Mapping[str, str] | None = None,
           arity: tuple[int, int | None] | None = None):
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
        try:
            ep.load()
        except Exception as exc:  # noqa: BLE001 - a plugin's import may raise anything
            _PLUGIN_PROBLEMS.append(f"solver plugin {ep.name!r} (package {dist}) failed to "
                                    f"load: {type(exc).__name__}: {exc}")
        finally:
            _origin = "trainer"


def load_problems() -> list[str]:
    """The solver plugins that failed to load, one message each."""
    return list(_PLUGIN_PROBLEMS)


_load_plugins()
