"""Closed forms and worked numbers in the recall cards that `trainer check` can not prove.

`trainer check` proves graded cards only. The grill's and the deep dive's model answers and
follow-ups also state formulas that `solvers` (or a brute-force computation) can check; the
ones not already recomputed in test_grill.py and test_deep_dive.py are recomputed here. Each
check first asserts that the card still states what is checked, so an edit of the card text
fails here until the check is updated with it.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GRILL = ROOT / "content" / "mle_map_grill.yaml"
DEEP_DIVE = ROOT / "content" / "mle_map_deep_dive.yaml"


@pytest.fixture(scope="module")
def cards() -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path in (GRILL, DEEP_DIVE):
        for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]:
            out[card["id"]] = card
    return out


def _says(cards: dict[str, dict], card_id: str, *fragments: str) -> None:
    """The card's answer, or one of its follow-ups' answers, states each fragment."""
    card = cards[card_id]
    text = "\n".join([card["answer"], *(f.get("answer") or "" for f in card.get("follow_ups") or [])])
    for fragment in fragments:
        assert fragment in text, f"{card_id} no longer says {fragment!r}"


def _spread(values) -> float:
    """How far a log-density ratio is from a constant (0 when two densities are proportional)."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return float(v.max() - v.min())


# ------------------------------------------------------------- conjugate updates, brute force


def test_conjugate_table_updates_match_a_brute_force_posterior(cards):
    """Each update of the table against prior x likelihood on a grid, and against solvers."""
    import numpy as np
    from scipy import stats

    from solvers import map as smap

    _says(cards, "conjugate-prior-table",
          r"gives Beta($\alpha + k$, $\beta + n - k$)",
          r"gives Dirichlet($\alpha_k + n_k$)",
          r"gives Gamma($a + \sum_i x_i$, $b + n$)",
          r"gives Gamma($a + n$, $b + \sum_i x_i$)",
          r"$\kappa_n = \kappa_0 + n$, $\mu_n = \frac{\kappa_0\mu_0 + n\bar x}{\kappa_0 + n}$, "
          r"$a_n = a_0 + \frac{n}{2}$, $b_n = b_0 + \frac{1}{2}\sum_i (x_i - \bar x)^2 + "
          r"\frac{\kappa_0 n(\bar x - \mu_0)^2}{2(\kappa_0 + n)}$")
    rng = np.random.default_rng(5)
    p = np.linspace(0.001, 0.999, 999)

    # Beta-Bernoulli: k = 7 of n = 19, Beta(2.5, 1.5)
    k, n, a, b = 7, 19, 2.5, 1.5
    log_post = stats.beta.logpdf(p, a, b) + stats.binom.logpmf(k, n, p)
    assert _spread(log_post - stats.beta.logpdf(p, a + k, b + n - k)) < 1e-9
    assert smap.beta_bernoulli_posterior(k, n, a, b) == (a + k, b + n - k)

    # Dirichlet-multinomial: the posterior's marginals are Betas; the joint on a 2-D grid
    counts, alpha = np.array([4, 0, 9]), np.array([1.5, 2.0, 0.7])
    p1, p2 = np.meshgrid(np.linspace(0.01, 0.98, 120), np.linspace(0.01, 0.98, 120))
    inside = p1 + p2 < 0.99
    pts = np.stack([p1[inside], p2[inside], 1 - p1[inside] - p2[inside]])
    log_post = (stats.dirichlet.logpdf(pts, alpha)
                + stats.multinomial.logpmf(counts[:, None].T, counts.sum(), pts.T))
    post = alpha + counts
    assert _spread(log_post - stats.dirichlet.logpdf(pts, post)) < 1e-8
    assert np.array_equal(smap.dirichlet_categorical_posterior(counts, alpha), post)

    # Gamma-Poisson and Gamma-exponential, shape-rate: the table's b is a rate
    lam = np.linspace(0.01, 12, 1200)
    x = rng.poisson(3.0, size=6)
    a, b = 2.0, 0.7
    log_post = stats.gamma.logpdf(lam, a, scale=1 / b) + sum(stats.poisson.logpmf(v, lam) for v in x)
    shape, rate = a + x.sum(), b + len(x)
    assert _spread(log_post - stats.gamma.logpdf(lam, shape, scale=1 / rate)) < 1e-8
    assert smap.gamma_poisson_posterior(x, a, b) == pytest.approx((shape, rate))
    t = rng.exponential(1 / 1.7, size=5)
    log_post = stats.gamma.logpdf(lam, a, scale=1 / b) + sum(stats.expon.logpdf(v, scale=1 / lam)
                                                             for v in t)
    shape, rate = a + len(t), b + t.sum()
    assert _spread(log_post - stats.gamma.logpdf(lam, shape, scale=1 / rate)) < 1e-8
    assert smap.gamma_exponential_posterior(t, a, b) == pytest.approx((shape, rate))

    # Normal-Inverse-Gamma: sigma^2 ~ IG(a0, b0), mu | sigma^2 ~ N(mu0, sigma^2/kappa0)
    x = rng.normal(1.2, 1.5, size=7)
    mu0, kappa0, a0, b0 = -0.5, 2.0, 3.0, 1.5
    n, xbar = len(x), float(np.mean(x))
    kappa_n = kappa0 + n
    mu_n = (kappa0 * mu0 + n * xbar) / kappa_n
    a_n = a0 + n / 2
    b_n = b0 + 0.5 * np.sum((x - xbar) ** 2) + kappa0 * n * (xbar - mu0) ** 2 / (2 * kappa_n)
    mu, var = np.meshgrid(np.linspace(-3, 5, 300), np.linspace(0.05, 9, 300))
    log_post = (stats.invgamma.logpdf(var, a0, scale=b0)
                + stats.norm.logpdf(mu, mu0, np.sqrt(var / kappa0))
                + sum(stats.norm.logpdf(v, mu, np.sqrt(var)) for v in x))
    log_nig = stats.invgamma.logpdf(var, a_n, scale=b_n) + stats.norm.logpdf(mu, mu_n,
                                                                             np.sqrt(var / kappa_n))
    assert _spread(log_post - log_nig) < 1e-8
    assert smap.normal_inverse_gamma_posterior(x, mu0, kappa0, a0, b0) == pytest.approx(
        (mu_n, kappa_n, a_n, b_n))


def test_normal_normal_predictive_and_ridge_posterior_covariance(cards):
    import numpy as np

    from solvers import map as smap

    _says(cards, "normal-normal-precision-weighting", r"$\mathcal{N}(\mu_n, \sigma^2 + \tau_n^2)$")
    rng = np.random.default_rng(6)
    x, var, mu0, tau0 = rng.normal(2.0, 1.0, size=5), 1.3, 0.4, 0.9
    mu_n, tau_n2 = smap.gaussian_mean_posterior(x, var, mu0, tau0**2)
    # a new point is mu + noise with mu from the posterior: simulate the two stages
    mu = rng.normal(mu_n, math.sqrt(tau_n2), size=400_000)
    new = mu + rng.normal(0.0, math.sqrt(var), size=mu.size)
    assert np.mean(new) == pytest.approx(mu_n, abs=0.01)
    assert np.var(new) == pytest.approx(var + tau_n2, rel=0.01)

    _says(cards, "ridge-as-gaussian-prior-map", r"the posterior covariance is $\sigma^2(X^\top X + \lambda I)^{-1}$")
    X, sigma2, tau2 = rng.normal(size=(12, 3)), 0.8, 2.5
    # posterior precision of w: X^T X / sigma^2 + I / tau^2
    cov = np.linalg.inv(X.T @ X / sigma2 + np.eye(3) / tau2)
    assert np.allclose(cov, sigma2 * np.linalg.inv(X.T @ X + sigma2 / tau2 * np.eye(3)))


def test_lasso_lambda_from_the_laplace_prior(cards):
    """MAP under iid Laplace(0, b) priors and Gaussian noise = lasso with lambda = 2 sigma^2/b."""
    import numpy as np
    from scipy import optimize

    from solvers import map as smap

    _says(cards, "lasso-laplace-prior-sparsity", r"with $\lambda = 2\sigma^2/b$")
    rng = np.random.default_rng(7)
    X = rng.normal(size=(20, 4))
    y = X @ np.array([1.5, 0.0, -0.8, 0.05]) + rng.normal(0, 0.5, size=20)
    sigma2, b = 0.6, 0.4
    lam = 2 * sigma2 / b

    def neg_log_post(w):
        return np.sum((y - X @ w) ** 2) / (2 * sigma2) + np.sum(np.abs(w)) / b

    # the card's objective ||y - Xw||^2 + lam ||w||_1 is the solver's (1/2)||.||^2 + (lam/2)||.||_1
    w_lasso = smap.lasso(X, y, lam / 2)
    best = optimize.minimize(neg_log_post, w_lasso + 0.3, method="Powell",
                             options={"xtol": 1e-10, "ftol": 1e-14, "maxiter": 200_000})
    assert neg_log_post(w_lasso) <= best.fun + 1e-9
    assert np.allclose(best.x, w_lasso, atol=1e-4)
    assert np.any(w_lasso == 0)  # the example is sparse: an exact zero, as the card says


# ------------------------------------------------------------- Fisher information and bounds


def test_fisher_information_in_the_logit_and_the_jeffreys_priors(cards):
    import numpy as np

    from solvers import fisher
    from solvers import map as smap

    _says(cards, "exponential-family-mle-fisher", r"so $I(\eta) = p(1-p)$")
    for p in (0.1, 0.5, 0.83):
        i_eta = fisher.reparametrise(fisher.information("bernoulli", p=p), p * (1 - p))
        assert i_eta == pytest.approx(p * (1 - p))
        # A''(eta) for A = log(1 + e^eta), by finite differences
        eta, h = math.log(p / (1 - p)), 1e-4
        second = (math.log1p(math.exp(eta + h)) - 2 * math.log1p(math.exp(eta))
                  + math.log1p(math.exp(eta - h))) / h**2
        assert second == pytest.approx(p * (1 - p), rel=1e-6)

    _says(cards, "jeffreys-prior-invariance", r"$p_J \propto p^{-1/2}(1-p)^{-1/2}$",
          r"mean $\frac{k + 1/2}{n + 1}$", r"the joint Jeffreys prior is $\propto 1/\sigma^2$")
    p = np.linspace(0.01, 0.99, 99)
    root_info = np.sqrt([fisher.information("bernoulli", p=q) for q in p])
    assert np.allclose(root_info, 1 / np.sqrt(p * (1 - p)))
    for k, n in ((0, 5), (3, 10), (12, 12)):
        assert smap.beta_bernoulli_mean(k, n, 0.5, 0.5) == pytest.approx((k + 0.5) / (n + 1))
    # (mu, sigma): the (mu, var) information reparametrised by var = sigma^2, J = diag(1, 2 sigma)
    for sigma in (0.5, 1.0, 3.0):
        info = fisher.reparametrise(fisher.information("gaussian", mu=0.0, var=sigma**2),
                                    np.diag([1.0, 2 * sigma]))
        assert math.sqrt(np.linalg.det(info)) == pytest.approx(math.sqrt(2) / sigma**2)
    _says(cards, "zero-counts-boundary-mle", r"the posterior mean is $\frac{1/2}{n+1}$",
          r"$(n_k+\tfrac12)/(n+K/2)$")
    assert smap.beta_bernoulli_mean(0, 30, 0.5, 0.5) == pytest.approx(0.5 / 31)
    counts = np.array([0, 3, 8, 1])
    assert np.allclose(smap.dirichlet_categorical_mean(counts, np.full(4, 0.5)),
                       (counts + 0.5) / (counts.sum() + 4 / 2))


def test_variances_and_mses_stated_for_the_gaussian_and_uniform_estimators(cards):
    """Var(s^2) = 2 sigma^4/(n-1) above the CRLB 2 sigma^4/n; the sigma^2 MLE's MSE below that of
    s^2; Var(2 xbar) = theta^2/(3n) for Uniform(0, theta): seeded Monte Carlo."""
    import numpy as np

    from solvers import fisher

    rng = np.random.default_rng(8)
    reps, n, sigma = 400_000, 6, 1.4
    g = rng.normal(0.7, sigma, size=(reps, n))
    s2, mle = g.var(axis=1, ddof=1), g.var(axis=1)

    _says(cards, "cramer-rao-bound", r"$\mathrm{Var}(s^2) = \frac{2\sigma^4}{n-1} > \frac{2\sigma^4}{n}$")
    assert np.var(s2) == pytest.approx(2 * sigma**4 / (n - 1), rel=0.02)
    bound = fisher.crlb("gaussian", n, mu=0.7, var=sigma**2)[1, 1]
    assert bound == pytest.approx(2 * sigma**4 / n) and np.var(s2) > bound

    _says(cards, "gaussian-mle-and-bessel", "for Gaussian data, has lower MSE than $s^2$")
    mse_mle, mse_s2 = np.mean((mle - sigma**2) ** 2), np.mean((s2 - sigma**2) ** 2)
    assert mse_mle == pytest.approx((2 * n - 1) * sigma**4 / n**2, rel=0.02)
    assert mse_mle < 0.9 * mse_s2

    _says(cards, "method-of-moments-vs-mle", r"moments give $2\bar x$ with variance $\theta^2/(3n)$")
    _says(cards, "uniform-mle-nonregular", r"variance $\theta^2/(3n)$")
    theta = 2.5
    u = rng.uniform(0, theta, size=(reps, n))
    assert np.var(2 * u.mean(axis=1)) == pytest.approx(theta**2 / (3 * n), rel=0.02)
    assert np.mean(2 * u.mean(axis=1)) == pytest.approx(theta, rel=0.005)


def test_shrinkage_and_james_stein_risks(cards):
    import numpy as np
    from scipy import optimize

    _says(cards, "biased-estimators-beat-crlb",
          r"minimised at $c = \frac{\mu^2}{\mu^2 + \sigma^2/n} < 1$ with MSE "
          r"$\frac{\mu^2\sigma^2/n}{\mu^2 + \sigma^2/n} < \sigma^2/n$",
          r"Its risk is $p - (p-2)^2\,\mathbb{E}[1/\lVert X \rVert^2]$")
    mu, sigma2, n = 0.8, 2.0, 10
    a = sigma2 / n

    def mse(c):
        return c**2 * a + (1 - c) ** 2 * mu**2

    best = optimize.minimize_scalar(mse)
    assert best.x == pytest.approx(mu**2 / (mu**2 + a), abs=1e-6)
    assert best.fun == pytest.approx(mu**2 * a / (mu**2 + a)) and best.fun < a

    rng = np.random.default_rng(9)
    p, theta = 5, np.array([0.5, -1.0, 0.2, 0.0, 1.5])
    x = theta + rng.normal(size=(400_000, p))
    norm2 = np.sum(x**2, axis=1)
    js = (1 - (p - 2) / norm2)[:, None] * x
    risk_js = np.mean(np.sum((js - theta) ** 2, axis=1))
    assert risk_js == pytest.approx(p - (p - 2) ** 2 * np.mean(1 / norm2), rel=0.01)
    assert risk_js < p - 0.5  # the MLE x has risk p


# ------------------------------------------------------------- KL, cross-entropy and LLM claims


def test_label_smoothing_optimum_and_its_kl_penalty(cards):
    import numpy as np
    from scipy import optimize

    from solvers import kl, nn

    _says(cards, "label-smoothing-hidden-priors", r"$\mathrm{CE}(u, p) = \mathrm{KL}(u \,\|\, p) + \log K$",
          r"$-H(p) = \mathrm{KL}(p \,\|\, u) - \log K$", r"The optimum puts $1 - \epsilon + \epsilon/K$")
    K, eps = 5, 0.1
    u = np.full(K, 1 / K)
    p = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
    assert kl.cross_entropy(u, p) == pytest.approx(kl.categorical(u, p) + math.log(K))
    assert float(np.sum(p * np.log(p))) == pytest.approx(kl.categorical(p, u) - math.log(K))
    target = (1 - eps) * np.eye(K)[0] + eps * u
    best = optimize.minimize(lambda z: nn.softmax_cross_entropy(z, target), np.zeros(K),
                             method="BFGS", options={"gtol": 1e-10})
    assert nn.softmax(best.x)[0] == pytest.approx(1 - eps + eps / K, abs=1e-6)
    assert np.all(np.isfinite(best.x))  # finite logits


def test_distillation_gradient_scales_as_one_over_t(cards):
    import numpy as np

    from solvers import nn

    _says(cards, "distillation-soft-targets-temperature",
          r"$\frac{1}{T}(p^s_{T,k} - p^t_{T,k})$")
    rng = np.random.default_rng(10)
    z_s, z_t = rng.normal(size=6), rng.normal(size=6)
    for T in (1.0, 2.0, 8.0):
        target = nn.softmax(z_t / T)

        def loss(z, T=T, target=target):
            return nn.softmax_cross_entropy(z / T, target)

        h = 1e-6
        numeric = np.array([(loss(z_s + h * e) - loss(z_s - h * e)) / (2 * h) for e in np.eye(6)])
        assert np.allclose(numeric, (nn.softmax(z_s / T) - target) / T, atol=1e-7)


def test_reverse_kl_claims_of_the_rlhf_penalty(cards):
    import numpy as np

    from solvers import kl

    _says(cards, "rlhf-kl-direction-effects", r"restricting $\pi_{\mathrm{ref}}$ to a set of mass $m$ costs $-\log m$",
          r"$\rho - 1 - \log\rho$ with $\rho = \pi_{\mathrm{ref}}/\pi_\theta$ is non-negative and unbiased")
    ref = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
    keep = np.array([True, False, True, False, False])
    m = ref[keep].sum()
    restricted = np.where(keep, ref / m, 0.0)
    assert kl.categorical(restricted, ref) == pytest.approx(-math.log(m))
    pi = np.array([0.3, 0.3, 0.1, 0.2, 0.1])
    rho = ref / pi
    k3 = rho - 1 - np.log(rho)
    assert np.all(k3 >= 0)
    assert float(np.sum(pi * k3)) == pytest.approx(kl.categorical(pi, ref))


# ------------------------------------------------------------- the deep dive's worked numbers


def test_hodges_scaled_risk_and_the_median_efficiency(cards):
    import numpy as np
    from scipy import stats

    _says(cards, "hodges-superefficient-estimator", r"$n\,\mathbb{E}(T_n - \theta_n)^2 \approx n\theta_n^2 = \sqrt{n}/4 \to \infty$")
    for n in (10_000, 1_000_000):
        c, theta = n ** -0.25, 0.5 * n ** -0.25
        sd = 1 / math.sqrt(n)
        # E (T - theta)^2 exactly: T = xbar outside (-c, c), 0 inside; xbar ~ N(theta, 1/n)
        hi, lo = (c - theta) / sd, (-c - theta) / sd  # the interval (-c, c) in z-units
        inside = stats.norm.cdf(hi) - stats.norm.cdf(lo)
        # E[z^2; z > hi] + E[z^2; z < lo] for a standard normal z = (xbar - theta)/sd
        tails = (stats.norm.sf(hi) + hi * stats.norm.pdf(hi)
                 + stats.norm.cdf(lo) - lo * stats.norm.pdf(lo))
        risk = theta**2 * inside + sd**2 * tails
        assert n * risk == pytest.approx(math.sqrt(n) / 4, rel=1e-3)

    _says(cards, "hajek-convolution-local-minimax", r"\mathcal{N}(0, \pi\sigma^2/2)",
          r"$2/\pi \approx 0.64$")
    rng = np.random.default_rng(11)
    n = 201
    med = np.median(rng.normal(size=(40_000, n)), axis=1)
    assert n * np.var(med) == pytest.approx(math.pi / 2, rel=0.04)
    assert round(2 / math.pi, 2) == 0.64


def test_jackknife_of_the_uniform_maximum(cards):
    from fractions import Fraction

    _says(cards, "jackknife-bias-correction",
          r"$\mathbb{E}\hat\theta_J = \theta(1 - \frac{1}{n(n+1)})$")
    # E max of n Uniform(0, 1) draws is n/(n+1); each leave-one-out maximum has n - 1 draws
    for n in range(2, 30):
        e_full, e_loo = Fraction(n, n + 1), Fraction(n - 1, n)
        assert n * e_full - (n - 1) * e_loo == 1 - Fraction(1, n * (n + 1))


def test_cox_snell_term_vanishes_for_the_exponential_mean(cards):
    """kappa_12 + kappa_3/2 in the mean theta = 1/lambda, by numerical expectation over x."""
    from scipy import integrate, stats

    _says(cards, "cox-snell-mle-bias", r"$\kappa_{1,2} + \kappa_3/2 = -2/\theta^3 + 2/\theta^3 = 0$")
    theta = 1.8
    d1 = lambda x: -1 / theta + x / theta**2  # noqa: E731 - derivatives of -log theta - x/theta
    d2 = lambda x: 1 / theta**2 - 2 * x / theta**3  # noqa: E731
    d3 = lambda x: -2 / theta**3 + 6 * x / theta**4  # noqa: E731
    density = stats.expon(scale=theta).pdf
    k12 = integrate.quad(lambda x: d1(x) * d2(x) * density(x), 0, math.inf)[0]
    k3 = integrate.quad(lambda x: d3(x) * density(x), 0, math.inf)[0]
    assert k12 == pytest.approx(-2 / theta**3) and k3 == pytest.approx(4 / theta**3)
    assert k12 + k3 / 2 == pytest.approx(0, abs=1e-9)


def test_infonce_cap_at_log_k(cards):
    _says(cards, "infonce-bound-capped-at-log-k", r"$\log 256 \approx 5.5$ nats")
    assert round(math.log(256), 1) == 5.5


def test_quantiles_and_the_log_odds_interval_endpoints(cards):
    from scipy import stats as sstats

    from solvers import stats

    _says(cards, "likelihood-ratio-test-wilks", "e.g. 3.84 for one degree of freedom at 5%",
          r"2[\ell(\hat\theta) - \ell(\theta)] \le 3.84")
    assert round(float(sstats.chi2.ppf(0.95, 1)), 2) == 3.84
    _says(cards, "observed-vs-expected-information-wald", r"\hat p \pm 1.96\sqrt{\hat p(1-\hat p)/n}")
    assert round(stats.z_value(0.95), 2) == 1.96

    _says(cards, "delta-method-log-odds-interval", r"$n\hat p(1 - \hat p) = 9.8$",
          r"$-3.89 \pm 0.63$, about $[-4.52, -3.27]$")
    p, n = 0.02, 500
    assert n * p * (1 - p) == pytest.approx(9.8)
    eta = math.log(p / (1 - p))
    half = stats.wald_halfwidth(1 / math.sqrt(n * p * (1 - p)))
    assert (round(half, 2), round(eta - half, 2), round(eta + half, 2)) == (0.63, -4.52, -3.27)
