"""What a learner sees after grading agrees with the solvers: plots and worked numbers.

`trainer check` proves each graded card's reference and mistakes, and draws its plot, but the
plot's curves and markers and the numbers a worked solution fills in are written by hand in
the deck. Here, on many draws of every shipped card, each plot marker is tied to a solver
value (the reference, a listed mistake, or a named quantity), each curve is recomputed
independently (scipy or solvers; up to the additive constant its title admits), and every
worked solution ends at the reference value.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DECKS = [ROOT / "content" / name for name in ("mle_map_exercises.yaml", "mle_map_deep_dive.yaml")]
DRAWS = 12  # plots are drawn at 200 points a curve; the solutions use 30 draws


@pytest.fixture(scope="module")
def graded() -> dict[str, object]:
    from trainer.decks.loader import load_decks

    result = load_decks([str(p) for p in DECKS])
    assert not result.problems
    return {c.key.split("/", 1)[1]: c for c in result.cards if c.graded and c.kind != "code"}


def _draws(card, draws: int = DRAWS):
    from trainer.exercises.exercise import instantiate

    for review in range(draws):
        ex = instantiate(card, review)
        refs = [ex.reference(i) for i in range(len(ex.steps))]
        yield ex, refs


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


# ------------------------------------------------------------- plot markers

# Markers that mark an estimator, by card and label (a prefix: labels may fill in numbers):
# "reference" is the card's (first step's) reference; anything else is a registry call, so the
# marker is compared with the solvers' value of the estimator its label names.
ESTIMATORS: dict[str, dict[str, str]] = {
    "bernoulli-mle-from-counts": {"MLE": "reference"},
    "poisson-mle-sample": {"MLE": "reference"},
    "exponential-mle-sample": {"MLE": "reference"},
    "beta-bernoulli-map-value": {"MLE": "bernoulli_mle(k, n)", "MAP": "reference",
                                 "posterior mean": "beta_bernoulli_mean(k, n, a, b)"},
    "beta-bernoulli-posterior-mean-value": {"MLE": "bernoulli_mle(k, n)",
                                            "posterior mean": "reference"},
    "gamma-poisson-map-value": {"MLE": "poisson_mle(x)", "MAP": "reference"},
    "ridge-one-feature": {"least squares": "ols_origin(x, y)", "ridge": "reference"},
    "lasso-soft-threshold": {"least squares": "ols_origin(x, y)", "lasso": "reference"},
}


def _named_marker(card_id: str, label: str, p: dict, ref: float) -> float | None:
    """The value a marker that marks a named quantity (not an estimator) must have."""
    from solvers import fisher, kl

    if card_id == "fisher-information-bernoulli-value" and label == "p":
        return p["p"] if _close(fisher.information("bernoulli", p=p["p"]), ref) else math.nan
    if card_id == "crlb-bernoulli-value":
        sd = math.sqrt(fisher.crlb("bernoulli", p["n"], p=p["p"]))
        assert _close(sd**2, ref)
        return {"p": p["p"], "p − 2·sd": max(0.005, p["p"] - 2 * sd),
                "p + 2·sd": min(0.995, p["p"] + 2 * sd)}.get(label)
    if card_id == "kl-bernoulli-value":
        assert _close(kl.bernoulli(p["p"], p["q"]), ref)
        return {"this q": p["q"], "q = p (KL = 0)": p["p"]}.get(label)
    if card_id == "forward-kl-gaussian-fit-variance" and label == "fitted mean":
        mean, var = kl.forward_gaussian_fit([p["w"], 1 - p["w"]], [p["m1"], p["m2"]], [1, 1])
        return mean if _close(var, ref) else math.nan
    if card_id == "dpo-loss-value" and label == "this pair's margin":
        margin = (p["lw"] - p["rw"]) - (p["ll"] - p["rl"])
        return margin if _close(_dpo_loss_at(margin, p["beta"]), ref) else math.nan
    return None


def test_plot_markers_sit_on_solver_values(graded):
    from trainer.exercises.exercise import evaluate_numeric
    from trainer.plots import plot_data

    seen = 0
    for card_id, card in graded.items():
        if card.plot is None:
            continue
        for ex, refs in _draws(card):
            data = plot_data(card.plot, ex.params, answer=0.5)
            for m in data.markers:
                if m.learner:
                    continue
                seen += 1
                named = [e for label, e in ESTIMATORS.get(card_id, {}).items()
                         if m.label.startswith(label)]
                if named:
                    want = (refs[0].value if named[0] == "reference"
                            else evaluate_numeric(named[0], ex.params))
                else:
                    want = _named_marker(card_id, m.label, ex.params, refs[0].value)
                assert want is not None, f"{card_id}: marker {m.label!r} is not known to this test"
                assert _close(m.x, want), (f"{card_id}: marker {m.label!r} at {m.x}, want {want} "
                                           f"(params {ex.params})")
    assert seen > 150


# ------------------------------------------------------------- plot curves


def _curve_checks() -> dict[str, list[tuple[Callable[[dict, float], float], bool]]]:
    """Per card, per curve: an independent computation, and whether the curve is exact (True)
    or stated up to an additive constant (False)."""
    import numpy as np
    from scipy import stats

    from solvers import fisher, kl

    def bernoulli_loglik(p, t):
        return float(stats.binom.logpmf(p["k"], p["n"], t) - math.log(math.comb(p["n"], p["k"])))

    def poisson_loglik(p, t):
        return float(np.sum(stats.poisson.logpmf(np.asarray(p["x"], dtype=int), t)))

    def prior(p, t):
        return float(stats.beta.logpdf(t, p["a"], p["b"]))

    def posterior(p, t):
        return float(stats.beta.logpdf(t, p["k"] + p["a"], p["n"] - p["k"] + p["b"]))

    def gamma_log(p, t, shape, rate):
        return float(stats.gamma.logpdf(t, shape, scale=1 / rate))

    def minus_n_kl(n):
        return lambda p, t: -(p["n"] if n is None else n) * kl.bernoulli(p["p"], t)

    def quadratic(n):
        def q(p, t):
            size = p["n"] if n is None else n
            return -size * fisher.information("bernoulli", p=p["p"]) * (t - p["p"]) ** 2 / 2
        return q

    return {
        "bernoulli-mle-from-counts": [(bernoulli_loglik, True)],
        "poisson-mle-sample": [(poisson_loglik, False)],
        "exponential-mle-sample": [
            (lambda p, t: float(np.sum(stats.expon.logpdf(p["x"], scale=1 / t))), True)],
        "beta-bernoulli-map-value": [(prior, False), (bernoulli_loglik, True), (posterior, False)],
        "beta-bernoulli-posterior-mean-value": [(posterior, False), (prior, False)],
        "gamma-poisson-map-value": [
            (lambda p, t: gamma_log(p, t, p["a"], p["b"]), False),
            (poisson_loglik, False),
            (lambda p, t: gamma_log(p, t, p["a"] + sum(p["x"]), p["b"] + len(p["x"])), False)],
        "fisher-information-bernoulli-value": [
            (minus_n_kl(10), True), (minus_n_kl(100), True), (quadratic(100), True)],
        "crlb-bernoulli-value": [(minus_n_kl(None), True), (quadratic(None), True)],
        "kl-bernoulli-value": [
            (lambda p, t: kl.bernoulli(p["p"], t), True), (lambda p, t: kl.bernoulli(t, p["p"]), True)],
        "kl-two-gaussians-value": [
            (lambda p, t: float(stats.norm.pdf(t, p["m1"], math.sqrt(p["v1"]))), True),
            (lambda p, t: float(stats.norm.pdf(t, p["m2"], math.sqrt(p["v2"]))), True)],
        "forward-kl-gaussian-fit-variance": [
            (lambda p, t: float(p["w"] * stats.norm.pdf(t, p["m1"]) + (1 - p["w"]) * stats.norm.pdf(t, p["m2"])), True),
            (lambda p, t: float(stats.norm.pdf(t, *_forward_fit(p))), True),
            (lambda p, t: float(stats.norm.pdf(t, p["m2"], 1.0)), True)],
        "dpo-loss-value": [(lambda p, t: _dpo_loss_at(t, p["beta"]), True)],
    }


def _dpo_loss_at(margin: float, beta: float) -> float:
    """The solver's DPO loss of a pair whose log-ratio margin is `margin` (log-probabilities <= 0)."""
    from solvers import preference

    return preference.dpo_loss(min(margin, 0.0), -max(margin, 0.0), 0.0, 0.0, beta)


def _forward_fit(p: dict) -> tuple[float, float]:
    from solvers import kl

    mean, var = kl.forward_gaussian_fit([p["w"], 1 - p["w"]], [p["m1"], p["m2"]], [1, 1])
    return mean, math.sqrt(var)


def _argmin(xs, ys) -> tuple[float, float]:
    i = min(range(len(ys)), key=lambda j: ys[j])
    return xs[i], xs[1] - xs[0]


def test_plot_curves_match_an_independent_computation(graded):
    import numpy as np

    from trainer.plots import plot_data

    checks = _curve_checks()
    plotted = {cid for cid, c in graded.items() if c.plot is not None}
    penalised = {"ridge-one-feature", "lasso-soft-threshold"}  # checked by their minimisers below
    assert plotted - penalised == set(checks), "a plotted card is missing from the curve checks"
    for card_id, per_curve in checks.items():
        for ex, _ in _draws(graded[card_id]):
            data = plot_data(graded[card_id].plot, ex.params)
            assert len(data.series) == len(per_curve)
            for s, (f, exact) in zip(data.series, per_curve, strict=True):
                # every 7th plotted point: enough to pin a curve, cheap with scipy per point
                pairs = [(x, y, f(ex.params, x)) for x, y in list(zip(s.xs, s.ys, strict=True))[::7]
                         if math.isfinite(y)]
                got = np.array([y for _, y, _ in pairs])
                want = np.array([w for _, _, w in pairs])
                offset = 0.0 if exact else float(np.mean(got - want))
                assert np.allclose(got, want + offset, rtol=1e-9, atol=1e-9), (
                    f"{card_id}: curve {s.label!r} disagrees (params {ex.params})")


def test_penalised_losses_are_minimised_where_the_solvers_say(graded):
    """The plotted objective is the one the solver minimises: its minimum on the plotted grid
    is within one grid step of least squares, ridge, or lasso (and exactly 0 for the large
    lasso penalty, as its label says)."""
    from solvers import map as smap
    from solvers import mle
    from trainer.plots import plot_data

    for card_id, solvers_for in (
        ("ridge-one-feature", lambda p: [None, None, smap.ridge_1d(p["x"], p["y"], p["lam"])]),
        ("lasso-soft-threshold", lambda p: [mle.linear_regression_1d(p["x"], p["y"]),
                                            float(smap.lasso([[v] for v in p["x"]], p["y"],
                                                             p["lam1"])[0]),
                                            0.0]),
    ):
        for ex, _ in _draws(graded[card_id]):
            data = plot_data(graded[card_id].plot, ex.params)
            for s, want in zip(data.series, solvers_for(ex.params), strict=True):
                if want is None:
                    continue
                at, step = _argmin(s.xs, s.ys)
                assert abs(at - want) <= step, f"{card_id}: {s.label!r} is lowest at {at}, not {want}"


# ------------------------------------------------------------- worked solutions

# Every graded card's worked solution fills in the drawn numbers and ends at the result (as a
# number or a fraction of numbers), so a learner who missed can find the slip; the numbers are
# written by hand in the deck, so each is compared here with the solvers' reference.


_NUM = r"-?\d+(?:\.\d+)?"


def _shown_numbers(text: str) -> list[float]:
    """Every decimal in the text, and every fraction of two numbers (a/b or \\frac{a}{b})."""
    flat = text.replace(" ", "")
    out = [float(v) for v in re.findall(_NUM, flat)]
    for a, b in re.findall(r"\\frac\{(" + _NUM + r")\}\{(" + _NUM + r")\}", flat):
        if float(b):
            out.append(float(a) / float(b))
    for a, b in re.findall(r"(?<![\d.])(" + _NUM + r")/(" + _NUM + r")(?![\d.])", flat):
        if float(b):
            out.append(float(a) / float(b))
    return out


def test_every_worked_solution_shows_the_reference_value(graded):
    checked = 0
    for card_id, card in graded.items():
        for ex, refs in _draws(card, 30):
            shown = _shown_numbers(ex.solution or "")
            for r in refs:
                if r.kind != "numeric":
                    continue
                checked += 1
                # the solution rounds to 4 or 6 places at most
                assert any(abs(v - r.value) <= 5e-5 * max(1.0, abs(r.value)) for v in shown), (
                    f"{card_id}: the worked solution does not show the reference {r.value} "
                    f"(params {ex.params}):\n{ex.solution}")
    assert checked > 1000


# ------------------------------------------------------------- steps whose solve is built by hand

# Three derivation steps ask for a formula that a learner may write in many forms (a score in the
# variance, a log posterior, a negative log posterior). `trainer check` compares each answer with
# its registry `solve` (gaussian_score_var, beta_logpdf, ridge_neg_log_posterior); here each
# answer is also compared with scipy directly, at random points of its symbols' domains.


def _answer(card, step: int, env: dict) -> float:
    import numpy as np

    from trainer.exercises.params import parse_cached
    from trainer.grading.expr import DEFAULT_FUNCTIONS, evaluate

    spec = card.steps[step]
    names = tuple(sorted(env))
    matrices = tuple(sorted(n for n, v in env.items() if isinstance(v, np.ndarray)))
    node, _ = parse_cached(spec.answer, names, DEFAULT_FUNCTIONS, matrices)
    return float(np.asarray(evaluate(node, env), dtype=float).reshape(-1)[0])


def test_hand_built_step_answers_match_scipy(graded):
    import numpy as np
    from scipy import stats

    rng = np.random.default_rng(12)

    # the score in v = sigma^2 at mu = xbar, by a central difference of scipy's log-likelihood
    card = graded["gaussian-mle-derivation"]
    for _ in range(20):
        x = rng.normal(rng.uniform(-3, 3), rng.uniform(0.5, 3), size=int(rng.integers(2, 12)))
        v, h = rng.uniform(0.3, 5), 1e-6
        q = float(np.sum((x - x.mean()) ** 2))

        def loglik(var, x=x):
            return float(np.sum(stats.norm.logpdf(x, x.mean(), math.sqrt(var))))

        score = (loglik(v + h) - loglik(v - h)) / (2 * h)
        assert _answer(card, 1, {"n": len(x), "v": v, "Q": q}) == pytest.approx(score, rel=1e-6)

    # the log posterior in p, up to a term free of p: scipy's Beta(k + alpha, n - k + beta)
    card = graded["beta-bernoulli-map-derivation"]
    for _ in range(20):
        n = int(rng.integers(1, 40))
        k, a, b = int(rng.integers(0, n + 1)), rng.uniform(1, 20), rng.uniform(1, 20)
        ps = rng.uniform(0.01, 0.99, size=4)
        diffs = [_answer(card, 0, {"p": p, "k": k, "n": n, "alpha": a, "beta": b})
                 - stats.beta.logpdf(p, k + a, n - k + b) for p in ps]
        assert max(diffs) - min(diffs) == pytest.approx(0, abs=1e-8)

    # minus the log posterior in w, up to a term free of w: scipy's Gaussian likelihood and prior
    card = graded["ridge-from-gaussian-prior-derivation"]
    for _ in range(20):
        X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
        sigma, tau = rng.uniform(0.3, 3), rng.uniform(0.3, 3)
        diffs = []
        for _ in range(4):
            w = rng.normal(size=(3, 1))
            neg_log_post = -(stats.multivariate_normal.logpdf(y.ravel(), (X @ w).ravel(), sigma**2)
                             + stats.multivariate_normal.logpdf(w.ravel(), np.zeros(3), tau**2))
            env = {"X": X, "y": y, "w": w, "sigma": sigma, "tau": tau}
            diffs.append(_answer(card, 0, env) - neg_log_post)
        assert max(diffs) - min(diffs) == pytest.approx(0, abs=1e-8)
