"""Soundness corpus: answers a candidate might type, each with the verdict it must get.

Every expected verdict is checked independently of the grader: formulas are
evaluated with mpmath at 1300 digits (through sympy's lambdify) over points of
each domain, and numbers against the significant-figures rule computed with
exact fractions.  A corpus entry whose label is wrong fails its oracle test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from fractions import Fraction

import pytest

from trainer.grading import grade
from trainer.grading.domains import parse_symbols
from trainer.grading.expr import figures_for, parse, to_sympy

C, X, V, U = "correct", "incorrect", "invalid", "undecided"


@dataclass(frozen=True)
class Case:
    expected: str | float
    answer: str
    symbols: str | None
    verdict: str
    feedback: str = ""  # a fragment the feedback or message must contain
    rtol: float | None = None
    atol: float | None = None


def F(expected, answer, symbols, verdict, feedback="", rtol=None, atol=None) -> Case:
    return Case(expected, answer, symbols, verdict, feedback, rtol, atol)


def N(expected, answer, verdict, feedback="", rtol=None, atol=None) -> Case:
    return Case(expected, answer, None, verdict, feedback, rtol, atol)


BIN100 = "p: (0,1); k: integer [40, 60]; n: integer [100, 120]"
KN = "k: integer; n: positive integer"
BETA = "k: nonnegative integer; n: positive integer; alpha: positive; beta: positive"
KLN = "mu1: real; mu2: real; var1: positive; var2: positive"
KLB = "p: (0,1); q: (0,1)"
POIS = "lambda: positive; k: nonnegative integer"
NORM = "sigma: positive; n: positive integer"

# ------------------------------------------------------------ the issue's cases
ISSUE: list[Case] = [
    # the tolerance grew with intermediate terms the answer wrote
    F("k/n", "10^20 - 10^20", KN, X),
    F("k/n", "(k+1)/n + 10^12 - 10^12", KN, X),
    F("k/n", "k/n + 10^12 - 10^12", KN, C),  # exact cancellation is fine
    F("k/n", "k/n + 10^20 - 10^20", KN, C),
    F("k/n", "(10^30 + k/n) - 10^30", KN, C),
    F("k/n", "(10^30 + k/n) - 10^30 + 10^-9", KN, X),
    # tiny values judged against 1 - p or n - 1
    F("p^k*(1-p)^(n-k)", "0", BIN100, X),
    F("p^k*(1-p)^(n-k)", "p^k (1-p)^(n-k+1)", BIN100, X),
    F("p^k*(1-p)^(n-k)", "p^(k+1) (1-p)^(n-k)", BIN100, X),
    F("p^k*(1-p)^(n-k)", "(1-p)^(n-k) p^k", BIN100, C),
    F("p^k*(1-p)^(n-k)", "exp(k log p + (n-k) log(1-p))", BIN100, C),
    F("p^k*(1-p)^(n-k)", "10^-300", BIN100, X),
    F("exp(-n)", "exp(-(n+1))", "n: integer [20, 40]", X),
    F("exp(-n)", "1/exp(n)", "n: integer [20, 40]", C),
    F("exp(-n)", "e^(-n)", "n: integer [20, 40]", C),
    F("exp(-n)", "0", "n: integer [20, 40]", X),
    # differences below 1e-8 relative
    F("S/(n-1)", "S/n", "S: positive; n: integer [1000000, 100000000]", X, "n−1"),
    F("S/(n-1)", "S/(n-1)", "S: positive; n: integer [1000000, 100000000]", C),
    F("S/(n-1)", "S*n/(n*(n-1))", "S: positive; n: integer [1000000, 100000000]", C),
    F("n/(p*(1-p))", "n/p", "n: positive integer; p: (0, 0.000000001)", X),
    F("n/(p*(1-p))", "n/p + n/(1-p)", "n: positive integer; p: (0, 0.000000001)", C),
    F("k/n", "k/n + 10^-9", KN, X),
    F("k/n", "k/n + 10^-15", KN, X),
    F("exp(-lambda)", "exp(-lambda) + 10^-12", "lambda: positive", X),
    F("exp(-lambda)", "exp(-lambda) + 10^-20", "lambda: positive", X),
    F("exp(-lambda)", "exp(-lambda)*(1 + 10^-11)", "lambda: positive", X),
    # edges of a domain
    F("abs(k)/n", "k/n", KN, X),
    F("sqrt(k^2)", "k", "k: integer [-3, 30]", X),
    F("sqrt(k^2)", "abs(k)", "k: integer [-3, 30]", C),
    F("abs(x)", "x", "x: [-0.05, inf)", X),
    F("abs(x)", "sqrt(x^2)", "x: [-0.05, inf)", C),
    F("x^2", "x^(2.000001)", "x: real", X),
    F("x^2", "x^(2.000001)", "x: positive", X),
    # right answers that were rejected
    F("(X^T X)^(-1) (X^T y)", "(X^T X)^(-1) X^T y", "X: matrix(n,d); y: matrix(n,1)", C),
    F("(X^T X)^(-1) X^T y", "(X^T X)^(-1) (X^T y)", "X: matrix(n,d); y: matrix(n,1)", C),
    F("(X^T X)^(-1) X^T y", "(X^T X)^(-1) X^T y * 2", "X: matrix(n,d); y: matrix(n,1)", X),
    F("1/2", "n/(2n)", "n: positive integer", C),
    F("1/2", "n/(2n+1)", "n: positive integer", X),
    F("0", "n - n", "n: positive integer", C),
    F("1", "x/x", "x: positive", C),
    F("2", "log(exp(2 x))/x", "x: positive", C),
    F("1.96*sigma/sqrt(n)", "1.959964σ/√n", NORM, C, rtol=1e-3),
    F("1.96*sigma/sqrt(n)", "1.959964σ/√n", NORM, X),
    F("1.96*sigma/sqrt(n)", "1.9σ/√n", NORM, X, rtol=1e-3),
]

# ------------------------------------------ tiny, huge and cancelling values
PRECISION: list[Case] = [
    F("log(1+x)", "x", "x: positive", X),
    F("log(1+x)", "log(x+1)", "x: positive", C),
    F("(x+1)^2 - x^2", "2x+1", "x: real", C),
    F("(x+1)^2 - x^2", "2x", "x: real", X),
    F("(x+1)^2 - x^2", "2x + 1 + 10^-10", "x: real", X),
    F("exp(x) - 1", "exp(x) - 1", "x: real", C),
    F("exp(x) - 1", "x", "x: (-0.001, 0.001)", X),
    F("p^100", "exp(100 log p)", "p: (0, 0.01)", C),
    F("p^100", "p^99", "p: (0, 0.01)", X),
    F("p^100", "0", "p: (0, 0.01)", X),
    F("lambda^k exp(-lambda)", "exp(k log(lambda) - lambda)", POIS, C),
    F("lambda^k exp(-lambda)", "lambda^k exp(-lambda) + 10^-300", POIS, X),
    F("lambda^k exp(-lambda)", "lambda^(k+1) exp(-lambda)", POIS, X),
    F("1/(n*(n+1))", "1/n - 1/(n+1)", "n: positive integer", C),
    F("1/(n*(n+1))", "1/n^2", "n: positive integer", X),
    F("1/(n*(n+1))", "1/(n^2 + n + 10^-30)", "n: positive integer", C),  # below 1e-13
    F("sqrt(x+1) - sqrt(x)", "1/(sqrt(x+1) + sqrt(x))", "x: positive", C),
    F("sqrt(x+1) - sqrt(x)", "1/(2 sqrt(x))", "x: positive", X),
    F("exp(-x^2)", "exp(-x^2)*(1 + exp(-1000))", "x: real", C),  # 1e-434 relative
    F("exp(-x^2)", "exp(-x^2)*(1 + 10^-12)", "x: real", X),
    F("exp(-x^2)", "exp(-(x^2))", "x: real", C),
]

# ------------------------------------------------------ constants and rtol
CONSTANT: list[Case] = [
    F("1/2", "(n+1)/(2n+2)", "n: positive integer", C),
    F("1", "sigmoid(x) + sigmoid(-x)", "x: real", C),
    F("1", "sigmoid(x) + sigmoid(x)", "x: real", X),
    F("log(2)", "log(2n) - log(n)", "n: positive integer", C),
    F("pi", "3.14159", "x: real", X),
    F("pi", "3.14159", "x: real", C, rtol=1e-5),
    F("x", "1.0001 x", "x: positive", C, rtol=1e-3),
    F("x", "1.01 x", "x: positive", X, rtol=1e-3),
    F("x", "x + 0.001", "x: positive", C, atol=0.01),
    F("x", "x + 0.1", "x: positive", X, atol=0.01),
]

# ------------------------------------------------- removable singularities
SINGULAR: list[Case] = [
    F("x", "x^2/x", "x: real", X),  # undefined at 0, where x is 0 (README)
    F("x^2/x", "x", "x: real", C),  # the reference is undefined there: skipped
    F("x", "x^2/x", "x: positive", C),
    F("1", "n/n", "n: nonnegative integer", X),
    F("1", "n/n", "n: positive integer", C),
    F("log(x)", "log(x)", "x: positive", C),
    F("x", "exp(log(x))", "x: real", X),
    F("x", "exp(log(x))", "x: positive", C),
    F("1/(1-p)", "1/(1-p)", "p: [0, 1)", C),
    F("p/(1-p)", "1/(1/p - 1)", "p: [0, 1)", X),  # undefined at p = 0
]

# -------------------------------------------------------------- matrices
RIDGE = "X: matrix(n,p); y: matrix(n,1); lambda: positive"
MATRIX: list[Case] = [
    F("(X^T X + lambda I)^(-1) X^T y", "(XᵀX + λI)⁻¹Xᵀy", RIDGE, C),
    F("(X^T X + lambda I)^(-1) X^T y", "inv(X^T X + lambda I) (X^T y)", RIDGE, C),
    F("(X^T X + lambda I)^(-1) X^T y", "(XᵀX)⁻¹Xᵀy", RIDGE, X),
    F("(X^T X + lambda I)^(-1) X^T y", "(XᵀX + 2λI)⁻¹Xᵀy", RIDGE, X),
    F("(X^T X + lambda I)^(-1) X^T y", "(XᵀX + λI)⁻¹Xᵀy (1 + 10^-9)", RIDGE, X),
    F("X^T y", "(y^T X)^T", "X: matrix(n,p); y: matrix(n,1)", C),
    F("X^T y", "2 X^T y - X^T y", "X: matrix(n,p); y: matrix(n,1)", C),
    F("X^T y", "X^T y + 10^-9 X^T y", "X: matrix(n,p); y: matrix(n,1)", X),
    F("A B", "B A", "A: matrix(3,3); B: matrix(3,3)", X),
    F("(A B)^T", "B^T A^T", "A: matrix(3,3); B: matrix(3,3)", C),
    F("(A B)^(-1)", "B^(-1) A^(-1)", "A: matrix(3,3); B: matrix(3,3)", C),
    F("(A B)^(-1)", "A^(-1) B^(-1)", "A: matrix(3,3); B: matrix(3,3)", X),
]

# ------------------------------------------------------- numbers: one rule
NUMBERS: list[Case] = [
    N("0.567232", "0.5672", C),
    N("0.567232", "0.56723", C),
    N("0.567232", "0.5677", X),  # 4 figures: 0.5672, not 0.5677
    N("0.567232", "0.5668", X),
    N("0.567232", "0.5673", X),
    N("0.567232", "0.567", V),  # right to 3 figures: asks for 4
    N("0.567232", "0.57", V),
    N("0.567232", "0.58", X),
    N("0.567232", "56.72%", C),
    N("0.567232", "56.7%", V),
    N("0.567232", "57%", V),
    N("0.0323383", "3.23%", V, "give at least 4"),
    N("0.0323383", "0.0323", V, "give at least 4"),
    N("0.0323383", "3.234%", C),
    N("0.0323383", "0.03234", C),
    N("0.0323383", "3.24%", X),
    N("2.923", "2.92", V),
    N("2.923", "2.923", C),
    N("2.923", "2.924", X),
    N("2.923", "2.9", V),
    N("0.98765", "0.9877", C),
    N("0.98765", "0.9876", C),  # 0.98765 is a tie at 4 figures: both roundings pass
    N("0.98766", "0.9876", X),
    N("0.98766", "0.9877", C),
    N("11/36", "0.3056", C),
    N("11/36", "0.31", V),
    N("11/36", "0.32", X),
    N("11/36", "11/36", C),
    N("11/36", "0.30556", C),
    N("4/7", "0.5714", C),
    N("4/7", "0.5715", X),
    N("4/7", "0.57143", C),
    N("3.141592653589793", "22/7", X),
    N("3.141592653589793", "355/113", C),
    N("3.141592653589793", "pi", C),
    N("3.141592653589793", "3.142", C),
    N("3.141592653589793", "3.141", X),
    N("1000", "1000.4", C),
    N("1000", "1000.6", X),
    N("1000", "1e3", C),
    N("0.36787944117144233", "exp(-1)", C),
    N("0.36787944117144233", "0.3679", C),
    N("0.36787944117144233", "0.3678", X),
    N("0.36787944117144233", "0.368", V),
    N("-0.25", "-0.25", C),
    N("-0.25", "0.25", X, "sign"),
    N("0.5", "0.5", C),
    N("0.5", "0.4999", X),
    N("0.5", "0.50001", C),
    N("0", "0", C),
    N("0", "1e-15", C),
    N("0", "0.001", X),
    N("0", "0.004", C, atol=0.01),
    N("1e-8", "0", C, atol=1e-6),
    N("1e-8", "0", X),
    N("0.567232", "0.57", C, rtol=0.05),  # 2 figures
    N("0.567232", "0.6", V, rtol=0.05),
    N("0.567232", "0.5", X, rtol=0.05),
    N("0.567232", "0.567", C, rtol=0.01),  # 3 figures
    N("123456", "123500", C),
    N("123456", "123400", X),
    N("6.02214076e23", "6.022e23", C),
    N("6.02214076e23", "6.021e23", X),
    N("1.6e-19", "1.600e-19", C),
]

# ------------------------------- generated: equivalents and perturbations
BASES: list[tuple[str, str, str]] = [
    ("k/n", KN, "n"),
    ("p^k*(1-p)^(n-k)", BIN100, "n"),
    ("exp(-n)", "n: integer [20, 40]", "n"),
    ("S/(n-1)", "S: positive; n: integer [1000000, 100000000]", "n"),
    ("n/(p*(1-p))", "n: positive integer; p: (0, 0.000000001)", "n"),
    ("lambda^k*exp(-lambda)", POIS, "lambda"),
    ("(k+alpha-1)/(n+alpha+beta-2)", BETA, "alpha"),
    ("log(sqrt(var2/var1)) + (var1 + (mu1-mu2)^2)/(2*var2) - 1/2", KLN, "var1"),
    ("sigma^2/n", NORM, "sigma"),
    ("p*log(p/q) + (1-p)*log((1-p)/(1-q))", KLB, "p"),
    ("x^2", "x: real", "x"),
    ("abs(x)", "x: [-0.05, inf)", "x"),
    ("1/(1+exp(-x))", "x: real", "x"),
    ("(x+1)^2 - x^2", "x: real", "x"),
    ("sqrt(k^2)", "k: integer [-3, 30]", "k"),
    ("n*p*(1-p)", "n: positive integer; p: (0,1)", "p"),
]


def _equivalents(ref: str, s: str) -> list[str]:
    return [f"({ref}) + 10^20 - 10^20", f"({ref})*({s}^2+1)/({s}^2+1)", f"(({ref}))*3/3",
            f"0*{s} + ({ref})"]


def _perturbations(ref: str, s: str) -> list[str]:
    return [f"({ref})*(1 + 10^-9)", f"({ref})*(1 - 10^-11)", f"2*({ref})", f"-({ref})",
            f"({ref})*({s}^2+2)/({s}^2+1)", f"({ref})^3", f"({ref}) + 1"]


GENERATED: list[Case] = []
for _ref, _sym, _s in BASES:
    GENERATED += [F(_ref, a, _sym, C) for a in _equivalents(_ref, _s)]
    GENERATED += [F(_ref, a, _sym, X) for a in _perturbations(_ref, _s)]

# diagnoses stay generic (deck advice lives in the decks' mistakes)
DIAGNOSES: list[Case] = [
    F("sigma^2/n", "σ²/(n-1)", NORM, X, "n−1"),
    F("sigma^2/n", "σ²", NORM, X, "n times too large"),
    F("sigma^2/n", "2σ²/n", NORM, X, "factor of 2"),
    F("sigma^2/n", "-σ²/n", NORM, X, "sign"),
    F("sigma^2/n", "n/σ²", NORM, X, "reciprocal"),
    F("sigma^2/n", "σ²/n + 1", NORM, X, "additive constant"),
    F("log(p)", "log(1-p)", "p: (0,1)", X, "1 − p"),
    F("log(sqrt(var2/var1)) + (var1 + (mu1-mu2)^2)/(2*var2) - 1/2",
      "log(sqrt(var1/var2)) + (var2 + (mu1-mu2)^2)/(2*var1) - 1/2", KLN, X, "swapped"),
]

FORMULAS = ISSUE + PRECISION + CONSTANT + SINGULAR + MATRIX + GENERATED + DIAGNOSES
CASES = FORMULAS + NUMBERS

HOSTILE = ["__import__('os').system('echo pwned')", "exec('1')", "lambda: 1", "x.__class__",
           "9^9^9^9", "x^(9^9^9)", "exp(exp(exp(x)))", "(" * 3000, "x" * 12_000, "\x00",
           "nan", "inf", "1e999999", "10^10^10", "x; import os", "{x}", "x if x else 0",
           "[x]", "x @ x", "sqrt(-1)", "0/0", "log(0)", "x/0", "-" * 5000 + "x",
           "1" * 10_000, "exp(10^6)", "x^-9^9", "((((((((((x))))))))))^99999",
           "σ" * 2000, "e^e^e^e^e"]


def test_corpus_size_and_coverage() -> None:
    assert len(CASES) >= 200
    assert {c.verdict for c in CASES} == {C, X, V}


@pytest.mark.parametrize("case", CASES, ids=[f"{i}:{c.answer[:30]}" for i, c in
                                              enumerate(CASES)])
def test_verdict(case: Case) -> None:
    r = grade(case.expected, case.answer, symbols=case.symbols, rtol=case.rtol,
              atol=case.atol, timeout=60.0)  # generous: bench/ measures the time
    assert r.verdict.value == case.verdict, (case, r)
    if case.feedback:
        assert case.feedback in r.feedback + r.message, (case, r)


# ---------------------------------------------------------------- the oracle


DPS = 1300  # enough for 10^20 - 10^20 around values as small as 10^-1200


def _mp():
    import mpmath

    mpmath.mp.dps = DPS
    return mpmath


def _candidates(d, rng: random.Random) -> list[float]:
    """Values of one domain to try: fixed interesting ones and random ones."""
    fixed = [-1e6, -30.0, -2.5, -1.0, -0.05, -0.01, 0.0, 1e-12, 1e-9, 1e-3, 0.3, 0.5, 1.0,
             2.0, 3.0, 7.0, 24.0, 100.0, 1e6, 5e7]
    if d.lo > -1e300:
        fixed += [d.lo, d.lo + 1e-12 * max(1, abs(d.lo)), d.lo + 1]
    if d.hi < 1e300:
        fixed += [d.hi, d.hi - 1e-12 * max(1, abs(d.hi)), d.hi - 1]
    if d.lo > -1e300 and d.hi < 1e300:
        fixed += [d.lo + (d.hi - d.lo) * t for t in (0.1, 0.37, 0.5, 0.9)]
    for _ in range(8):
        lo = d.lo if d.lo > -1e300 else -20.0
        hi = d.hi if d.hi < 1e300 else lo + 40.0
        fixed.append(rng.uniform(lo, hi))
    out = []
    for v in fixed:
        if d.is_integer:
            v = float(round(v))
        if d.contains(v) and v not in out:
            out.append(v)
    return out


def _points(domains, rng: random.Random) -> list[dict[str, float]]:
    cands = {n: _candidates(d, rng) for n, d in domains.items()}
    pts = []
    for _ in range(20):
        pts.append({n: rng.choice(c) for n, c in cands.items()})
    for n, c in cands.items():  # every value of each symbol at least once
        for v in c:
            p = {m: rng.choice(cm) for m, cm in cands.items()}
            p[n] = v
            pts.append(p)
    return pts


def _value(fn, args):
    """The mpmath value, or None where it is undefined (division by 0, complex)."""
    mpmath = _mp()
    try:
        v = fn(*[mpmath.mpf(a) for a in args])
    except (ZeroDivisionError, ValueError, OverflowError):
        return None
    if isinstance(v, mpmath.mpc):
        if v.imag != 0:
            return None
        v = v.real
    if not mpmath.isfinite(v):
        return None
    return v


def _lambdified(text: str, domains):
    import sympy

    names = sorted(domains)
    syms = {n: sympy.Symbol(n) for n in names}
    with sympy.evaluate(False):  # keep x^2/x as written: its value at 0 matters
        expr = to_sympy(parse(text, names=names), syms)
    return sympy.lambdify([syms[n] for n in names], expr, modules="mpmath"), names


def _oracle_formula(case: Case) -> str:
    """C when the two agree (60 digits, or within the given tolerance) wherever the
    reference is defined; X when some point of the domain tells them apart."""
    mpmath = _mp()
    domains = parse_symbols(case.symbols)
    ref, names = _lambdified(str(case.expected), domains)
    ans, _ = _lambdified(case.answer, domains)
    # the rule: within 1e-13 of the reference's value (near machine precision) unless
    # the case gives a tolerance; the floor only absorbs this evaluation's rounding
    rel = case.rtol if case.rtol is not None else (0.0 if case.atol is not None else 1e-13)
    atol = case.atol or 0.0
    floor = mpmath.mpf(10) ** (30 - DPS)
    agreeing = 0
    for p in _points(domains, random.Random(7)):
        args = [p[n] for n in names]
        e = _value(ref, args)
        if e is None:
            continue
        a = _value(ans, args)
        if a is None:
            return X
        if abs(a - e) > atol + rel * abs(e) + floor:
            return X
        agreeing += 1
    return C if agreeing >= 3 else U


def _exact_number(text: str) -> Fraction | float:
    import sympy

    node = parse(text)
    if getattr(node, "value", None) is not None and type(node).__name__ == "Num":
        return Fraction(node.value)
    return float(sympy.N(to_sympy(node), 50))


def _oracle_number(case: Case) -> str:
    """The significant-figures rule, from the text of the answer."""
    e = Fraction(case.expected) if isinstance(case.expected, float) else \
        Fraction(_exact_number(case.expected))
    a = Fraction(_exact_number(case.answer))
    if case.atol is not None:
        return C if abs(a - e) <= Fraction(case.atol) else X
    k = figures_for(case.rtol if case.rtol is not None else 1e-3)
    if e == 0:
        return C if abs(a) <= Fraction(1, 10**12) else X
    lead = 0
    while Fraction(10) ** (lead + 1) <= abs(e):
        lead += 1
    while Fraction(10) ** lead > abs(e):
        lead -= 1
    if abs(a - e) <= Fraction(10) ** (lead - k + 1) / 2:
        return C
    # a decimal rounded correctly to fewer figures asks for more
    text = case.answer.strip().lstrip("-")
    pct = text.endswith("%")
    body = text.rstrip("%")
    if all(ch.isdigit() or ch == "." for ch in body) and ("." in body or pct):
        digits = body.replace(".", "").lstrip("0")
        decimals = len(body.split(".")[1]) if "." in body else 0
        unit = Fraction(1, 10**decimals) / (100 if pct else 1)
        if len(digits) < k and abs(a - e) <= unit / 2:
            return V
    return X


@pytest.mark.parametrize("case", FORMULAS, ids=[f"{i}:{c.answer[:30]}" for i, c in
                                                 enumerate(FORMULAS)])
def test_formula_labels_hold_in_high_precision(case: Case) -> None:
    domains = parse_symbols(case.symbols)
    if any(d.is_matrix for d in domains.values()):
        pytest.skip("matrix labels: checked in test_matrix_labels_hold_exactly")
    assert _oracle_formula(case) == case.verdict, case


@pytest.mark.parametrize("case", NUMBERS, ids=[f"{i}:{c.answer}" for i, c in
                                                enumerate(NUMBERS)])
def test_number_labels_follow_the_stated_rule(case: Case) -> None:
    assert _oracle_number(case) == case.verdict, case


def test_matrix_labels_hold_exactly() -> None:
    """Matrix cases: both sides in exact rational arithmetic (sympy) on random
    rational matrices of two shapes."""
    import sympy

    rng = random.Random(3)
    for case in MATRIX:
        domains = parse_symbols(case.symbols)
        verdicts = set()
        for sizes in ({"n": 5, "p": 3, "d": 2}, {"n": 4, "p": 2, "d": 3}):
            env: dict[str, object] = {}
            for name, d in domains.items():
                if d.is_matrix:
                    r = sizes.get(d.rows, d.rows) if isinstance(d.rows, str) else d.rows
                    c = sizes.get(d.cols, d.cols) if isinstance(d.cols, str) else d.cols
                    env[name] = sympy.Matrix(r, c, lambda i, j: sympy.Rational(
                        rng.randint(-9, 9), rng.randint(1, 5)))
                else:
                    env[name] = sympy.Rational(rng.randint(1, 9), rng.randint(1, 4))
            side = sizes.get(domains["X"].cols, 3) if "X" in domains else 3
            env["I"] = sympy.eye(side)
            matrices = [n for n, d in domains.items() if d.is_matrix]
            scalars = [n for n, d in domains.items() if not d.is_matrix]
            try:
                e = to_sympy(parse(str(case.expected), names=scalars, matrices=matrices), env)
                a = to_sympy(parse(case.answer, names=scalars, matrices=matrices), env)
            except (ValueError, ZeroDivisionError):
                continue  # singular here (e.g. d > n): that draw says nothing
            e, a = sympy.Matrix(e), sympy.Matrix(a)
            verdicts.add(C if e.shape == a.shape and sympy.simplify(e - a) == sympy.zeros(
                *e.shape) else X)
        assert verdicts and (X if X in verdicts else C) == case.verdict, case


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_a_verdict_and_runs_nothing(text: str, capfd) -> None:
    for symbols in ("x: positive", None):
        r = grade("x" if symbols else "0.5", text, symbols=symbols)
        assert r.verdict.value in (C, V, X, U)  # {x} is x: any verdict, but one
        assert "internal error" not in r.message
    assert "pwned" not in capfd.readouterr().out
