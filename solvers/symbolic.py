"""Symbolic (sympy) reference results, derived rather than typed in: MLE, Fisher information, CRLB, KL, MAP.

Every function returns a sympy expression (or Matrix) in documented symbols. Each symbol can
be replaced by passing a sympy Symbol under its keyword, e.g.
``fisher_information_expr("bernoulli", p=sympy.Symbol("theta"))``. The default symbols carry
assumptions (positive, integer, ...) that let sympy solve and integrate; a caller comparing
with its own symbols should substitute by name. Results are cached (functools.lru_cache).

Default symbols (name -> meaning):
  p, q        Bernoulli probabilities (positive)
  k, n        number of successes, number of observations (n also the sample size in the CRLB)
  m           number of trials of one binomial observation
  s, s2       sum of x_i and sum of x_i^2 over the sample
  lambda      a Poisson or exponential rate (lambda1, lambda2 for KL)
  mu, sigma2  a Gaussian mean and variance (mu1, sigma2_1, mu2, sigma2_2 for KL)
  a, b        Beta prior parameters
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

_x = sp.Symbol("x", real=True)
_xi = sp.Symbol("x", integer=True, nonnegative=True)
_z = sp.Symbol("z", real=True)
_t = sp.Symbol("t", real=True)

_DEFAULTS = {
    "p": sp.Symbol("p", positive=True),
    "q": sp.Symbol("q", positive=True),
    "k": sp.Symbol("k", nonnegative=True, integer=True),
    "n": sp.Symbol("n", positive=True, integer=True),
    "m": sp.Symbol("m", positive=True, integer=True),
    "s": sp.Symbol("s", positive=True),
    "s2": sp.Symbol("s2", positive=True),
    "lam": sp.Symbol("lambda", positive=True),
    "lam1": sp.Symbol("lambda1", positive=True),
    "lam2": sp.Symbol("lambda2", positive=True),
    "mu": sp.Symbol("mu", real=True),
    "var": sp.Symbol("sigma2", positive=True),
    "mu1": sp.Symbol("mu1", real=True),
    "var1": sp.Symbol("sigma2_1", positive=True),
    "mu2": sp.Symbol("mu2", real=True),
    "var2": sp.Symbol("sigma2_2", positive=True),
    "a": sp.Symbol("a", positive=True),
    "b": sp.Symbol("b", positive=True),
}

# (name, Symbol) pairs, sorted: a hashable key for the cached derivations
_Symbols = tuple[tuple[str, sp.Symbol], ...]


def default_symbol(name: str) -> sp.Symbol:
    """The default Symbol for a keyword name (see the module docstring)."""
    return _DEFAULTS[name]


def _symbols(kind: str, family: str, table: dict[str, tuple[str, ...]],
             given: dict[str, object]) -> dict[str, sp.Symbol]:
    if family not in table:
        raise ValueError(f"unknown family {family!r} for {kind}; known: {', '.join(table)}")
    names = table[family]
    extra = set(given) - set(names)
    if extra:
        raise ValueError(
            f"{kind} of {family!r} takes symbols {', '.join(names)}; unexpected: {', '.join(sorted(extra))}"
        )
    out = {}
    for name in names:
        sym = given.get(name, _DEFAULTS[name])
        if not isinstance(sym, sp.Symbol):
            raise ValueError(f"symbol {name!r} must be a sympy Symbol, got {sym!r}")
        out[name] = sym
    return out


def _solve_one(equation: sp.Expr, unknown: sp.Symbol) -> sp.Expr:
    roots = sp.solve(sp.Eq(equation, 0), unknown, dict=False)
    if len(roots) != 1:
        raise ValueError(f"expected one stationary point in {unknown}, found {roots}")
    return sp.simplify(roots[0])


# ------------------------------------------------------------------------------------------ MLE

_MLE = {
    "bernoulli": ("k", "n", "p"),
    "poisson": ("s", "n", "lam"),
    "exponential": ("s", "n", "lam"),
    "gaussian_mean": ("s", "n", "mu", "var"),
    "gaussian_var": ("s", "s2", "n", "mu", "var"),
}


@lru_cache(maxsize=None)
def _mle(family: str, syms: _Symbols) -> sp.Expr:
    S = dict(syms)
    if family == "bernoulli":
        p, k, n = S["p"], S["k"], S["n"]
        loglik = k * sp.log(p) + (n - k) * sp.log(1 - p)
        return _solve_one(sp.diff(loglik, p), p)
    if family == "poisson":
        lam, s, n = S["lam"], S["s"], S["n"]
        loglik = s * sp.log(lam) - n * lam  # minus sum log x_i!, constant in lambda
        return _solve_one(sp.diff(loglik, lam), lam)
    if family == "exponential":
        lam, s, n = S["lam"], S["s"], S["n"]
        loglik = n * sp.log(lam) - lam * s
        return _solve_one(sp.diff(loglik, lam), lam)
    mu, var, n, s = S["mu"], S["var"], S["n"], S["s"]
    s2 = S.get("s2", sp.Symbol("s2"))
    # sum (x_i - mu)^2 = s2 - 2 mu s + n mu^2
    loglik = -n / 2 * sp.log(2 * sp.pi * var) - (s2 - 2 * mu * s + n * mu**2) / (2 * var)
    if family == "gaussian_mean":
        return _solve_one(sp.diff(loglik, mu), mu)
    sols = sp.solve([sp.diff(loglik, mu), sp.diff(loglik, var)], [mu, var], dict=True)
    if len(sols) != 1:
        raise ValueError(f"expected one stationary point, found {sols}")
    return sp.simplify(sols[0][var])


def mle_expr(family: str, **symbols: sp.Symbol) -> sp.Expr:
    """MLE as a sympy expression, found by solving the score equation d/dtheta log L = 0.

    "bernoulli": p-hat in k, n (k successes of n)       -> k/n
    "poisson": lambda-hat in s = sum x, n               -> s/n
    "exponential": rate lambda-hat in s = sum x, n      -> n/s
    "gaussian_mean": mu-hat in s, n                     -> s/n
    "gaussian_var": joint MLE of the variance in s, s2 = sum x^2, n -> s2/n - s^2/n^2 (divides by n)
    """
    S = _symbols("the MLE", family, _MLE, symbols)
    return _mle(family, tuple(sorted(S.items())))


# --------------------------------------------------------------------------- Fisher information

_FISHER = {
    "bernoulli": ("p",),
    "binomial": ("m", "p"),
    "poisson": ("lam",),
    "exponential": ("lam",),
    "gaussian_mean": ("mu", "var"),
    "gaussian_var": ("mu", "var"),
    "gaussian": ("mu", "var"),
}


def _log_density(family: str, S: dict[str, sp.Symbol]) -> tuple[sp.Expr, sp.Symbol]:
    """log p(x | theta) and the variable x."""
    if family == "bernoulli":
        p = S["p"]
        return _xi * sp.log(p) + (1 - _xi) * sp.log(1 - p), _xi
    if family == "binomial":
        p, m = S["p"], S["m"]
        return sp.log(sp.binomial(m, _xi)) + _xi * sp.log(p) + (m - _xi) * sp.log(1 - p), _xi
    if family == "poisson":
        lam = S["lam"]
        return _xi * sp.log(lam) - lam - sp.log(sp.factorial(_xi)), _xi
    if family == "exponential":
        lam = S["lam"]
        return sp.log(lam) - lam * _x, _x
    mu, var = S["mu"], S["var"]
    return -sp.log(2 * sp.pi * var) / 2 - (_x - mu) ** 2 / (2 * var), _x


def _expectation(family: str, S: dict[str, sp.Symbol], expr: sp.Expr,
                 var: sp.Symbol) -> sp.Expr:
    """E[expr(x)] under the family's distribution, by summation or integration over the support.

    expr must be a polynomial in x once terms free of parameters are dropped (true of every
    score derivative and log-ratio used here); each moment E[x^j] is computed separately.
    """
    expr = sp.expand(sp.expand_log(expr, force=True))
    if family == "bernoulli":
        p = S["p"]
        return sp.simplify(expr.subs(var, 1) * p + expr.subs(var, 0) * (1 - p))
    if family.startswith("gaussian"):
        mu, v = S["mu"], S["var"]
        shifted = sp.expand(expr.subs(var, mu + sp.sqrt(v) * _z))
        poly = sp.Poly(shifted, _z)
        total = sp.Integer(0)
        for (j,), coeff in poly.terms():
            moment = sp.integrate(_z**j * sp.exp(-(_z**2) / 2), (_z, -sp.oo, sp.oo)) / sp.sqrt(
                2 * sp.pi
            )
            total += coeff * moment
        return sp.simplify(total)
    poly = sp.Poly(expr, var)
    total = sp.Integer(0)
    for (j,), coeff in poly.terms():
        total += coeff * _moment(family, tuple(sorted(S.items())), j)
    return sp.simplify(total)


@lru_cache(maxsize=None)
def _moment(family: str, syms: _Symbols, j: int) -> sp.Expr:
    S = dict(syms)
    if j == 0:
        return sp.Integer(1)
    if family == "poisson":
        lam = S["lam"]
        pmf = lam**_xi * sp.exp(-lam) / sp.factorial(_xi)
        return sp.simplify(sp.summation(_xi**j * pmf, (_xi, 0, sp.oo)))
    if family == "exponential":
        lam = S["lam"]
        return sp.simplify(sp.integrate(_x**j * lam * sp.exp(-lam * _x), (_x, 0, sp.oo)))
    if family == "binomial":
        # sum_x C(m, x) (p e^t)^x (1-p)^(m-x) = (1 - p + p e^t)^m by the binomial theorem;
        # E[x^j] is its j-th derivative at t = 0.
        p, m = S["p"], S["m"]
        mgf = (1 - p + p * sp.exp(_t)) ** m
        return sp.simplify(sp.diff(mgf, _t, j).subs(_t, 0))
    raise AssertionError(family)


@lru_cache(maxsize=None)
def _fisher(family: str, syms: _Symbols) -> sp.Expr | sp.Matrix:
    S = dict(syms)
    logp, x = _log_density(family, S)
    if family == "gaussian":
        params = [S["mu"], S["var"]]
        return sp.Matrix(
            2, 2, lambda i, j: -_expectation(family, S, sp.diff(logp, params[i], params[j]), x)
        )
    theta = {
        "bernoulli": "p",
        "binomial": "p",
        "poisson": "lam",
        "exponential": "lam",
        "gaussian_mean": "mu",
        "gaussian_var": "var",
    }[family]
    # terms of log p free of theta (log C(m, x), log x!) vanish on differentiation
    return sp.simplify(-_expectation(family, S, sp.diff(logp, S[theta], 2), x))


def fisher_information_expr(family: str, **symbols: sp.Symbol) -> sp.Expr | sp.Matrix:
    """Fisher information of one observation, -E[d^2/dtheta^2 log p(x | theta)], derived by
    summing or integrating over the support.

    "bernoulli" (p) -> 1/(p(1-p)); "binomial" (m trials, p) -> m/(p(1-p)); "poisson" (lambda)
    -> 1/lambda; "exponential" (rate lambda) -> 1/lambda^2; "gaussian_mean" (mu, sigma2)
    -> 1/sigma2; "gaussian_var" -> 1/(2 sigma2^2) (information about the variance);
    "gaussian" -> the 2x2 sympy Matrix over (mu, sigma2).
    """
    S = _symbols("the Fisher information", family, _FISHER, symbols)
    return _fisher(family, tuple(sorted(S.items())))


def crlb_expr(family: str, **symbols: sp.Symbol) -> sp.Expr | sp.Matrix:
    """Cramér–Rao lower bound 1 / (n I(theta)) for n i.i.d. observations (n: keyword ``n``).

    For "gaussian" the inverse Matrix (n I)^-1.
    """
    n = symbols.pop("n", _DEFAULTS["n"])
    info = fisher_information_expr(family, **symbols)
    if isinstance(info, sp.MatrixBase):
        return sp.simplify((n * info).inv())
    return sp.simplify(1 / (n * info))


# ------------------------------------------------------------------------------------------ KL

_KL = {
    "gaussian": ("mu1", "var1", "mu2", "var2"),
    "bernoulli": ("p", "q"),
    "exponential": ("lam1", "lam2"),
    "poisson": ("lam1", "lam2"),
}


@lru_cache(maxsize=None)
def _kl(family: str, syms: _Symbols) -> sp.Expr:
    S = dict(syms)
    if family == "gaussian":
        P = {"mu": S["mu1"], "var": S["var1"]}
        Q = {"mu": S["mu2"], "var": S["var2"]}
        fam = "gaussian"
    elif family == "bernoulli":
        P, Q, fam = {"p": S["p"]}, {"p": S["q"]}, "bernoulli"
    else:
        P, Q, fam = {"lam": S["lam1"]}, {"lam": S["lam2"]}, family
    logp, x = _log_density(fam, P)
    logq, _ = _log_density(fam, Q)
    return sp.expand_log(sp.simplify(_expectation(fam, P, logp - logq, x)), force=True)


def kl_expr(family: str, **symbols: sp.Symbol) -> sp.Expr:
    """KL(P || Q) = E_P[log p(x) - log q(x)] (P first, nats) between two members of a family,
    derived by summation or integration under P.

    "gaussian": mu1, sigma2_1 (P) and mu2, sigma2_2 (Q), variances; "bernoulli": p (P), q (Q);
    "exponential": rates lambda1 (P), lambda2 (Q); "poisson": lambda1 (P), lambda2 (Q).
    """
    S = _symbols("KL", family, _KL, symbols)
    return _kl(family, tuple(sorted(S.items())))


# ------------------------------------------------------------------------------------------ MAP


@lru_cache(maxsize=None)
def _beta_bernoulli_map(k: sp.Symbol, n: sp.Symbol, a: sp.Symbol, b: sp.Symbol,
                        p: sp.Symbol) -> sp.Expr:
    log_post = (a + k - 1) * sp.log(p) + (b + n - k - 1) * sp.log(1 - p)
    return _solve_one(sp.diff(log_post, p), p)


def beta_bernoulli_map_expr(
    k: sp.Symbol | None = None,
    n: sp.Symbol | None = None,
    a: sp.Symbol | None = None,
    b: sp.Symbol | None = None,
    p: sp.Symbol | None = None,
) -> sp.Expr:
    """MAP of p, k successes of n, prior Beta(a, b): the root of d/dp log posterior,
    (a + k - 1)/(a + b + n - 2) (valid when a + k > 1 and b + n - k > 1)."""
    return _beta_bernoulli_map(
        k or _DEFAULTS["k"],
        n or _DEFAULTS["n"],
        a or _DEFAULTS["a"],
        b or _DEFAULTS["b"],
        p or _DEFAULTS["p"],
    )
