"""The interview-grill deck: structure, coverage of its 60 topic lines, and hygiene.

The deck is content, so these tests check what a reviewer would otherwise check
by hand: it loads without problems, every topic line 1-60 has a card, each
card has the shape a grill card needs, no prompt is a copy of another, and the
LaTeX math is delimited in pairs.
"""

from __future__ import annotations

import difflib
import math
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "content" / "mle_map_grill.yaml"

SECTIONS = ("mle-foundations", "asymptotics", "map-bayes", "kl-info", "llm")

# The topics the grill covers, tagged syl-N: line number -> (section tag, short title).
SYLLABUS_A: dict[int, tuple[str, str]] = {
    1: ("mle-foundations", "likelihood vs probability"),
    2: ("mle-foundations", "why maximise the log-likelihood"),
    3: ("mle-foundations", "Bernoulli MLE derived"),
    4: ("mle-foundations", "Gaussian MLE, bias of sigma^2, Bessel"),
    5: ("mle-foundations", "Poisson MLE; exponential MLE and the bias of 1/xbar"),
    6: ("mle-foundations", "categorical/multinomial MLE with a Lagrange multiplier"),
    7: ("mle-foundations", "MSE as Gaussian NLL; heteroscedastic NLL"),
    8: ("mle-foundations", "cross-entropy as categorical/Bernoulli NLL"),
    9: ("mle-foundations", "L1 loss as Laplace NLL; median; robustness"),
    10: ("mle-foundations", "linear regression: MLE = OLS, singular X^T X"),
    11: ("mle-foundations", "logistic regression: gradient, concavity, IRLS, separability"),
    12: ("mle-foundations", "invariance of the MLE"),
    13: ("mle-foundations", "Uniform(0, theta): max x_i, non-regular"),
    14: ("mle-foundations", "method of moments vs MLE"),
    15: ("mle-foundations", "EM and the ELBO view"),
    16: ("asymptotics", "consistency of the MLE"),
    17: ("asymptotics", "asymptotic normality"),
    18: ("asymptotics", "score mean zero; Fisher information two ways"),
    19: ("asymptotics", "Fisher information of standard models"),
    20: ("asymptotics", "Cramer-Rao bound"),
    21: ("asymptotics", "observed vs expected information; Wald intervals"),
    22: ("asymptotics", "biased estimators beating the CRLB in MSE"),
    23: ("asymptotics", "Fisher information as KL curvature; natural gradient"),
    24: ("asymptotics", "misspecification: KL projection, sandwich"),
    25: ("asymptotics", "likelihood-ratio test and Wilks"),
    26: ("asymptotics", "identifiability and non-unique MLE"),
    27: ("asymptotics", "small-sample failure of the MLE"),
    28: ("map-bayes", "MAP = log-likelihood + log-prior"),
    29: ("map-bayes", "Beta-Bernoulli MAP, pseudo-counts"),
    30: ("map-bayes", "posterior mean vs mode vs MLE; Laplace smoothing"),
    31: ("map-bayes", "ridge = Gaussian-prior MAP"),
    32: ("map-bayes", "lasso = Laplace-prior MAP; exact zeros"),
    33: ("map-bayes", "MAP is not reparametrisation-invariant"),
    34: ("map-bayes", "prior washes out; MAP -> MLE"),
    35: ("map-bayes", "conjugate priors"),
    36: ("map-bayes", "Normal-Normal precision-weighted mean"),
    37: ("map-bayes", "MAP vs full Bayes; posterior predictive"),
    38: ("map-bayes", "weight decay vs L2 under Adam (AdamW)"),
    39: ("map-bayes", "choosing lambda: CV vs marginal likelihood"),
    40: ("map-bayes", "label smoothing and hidden priors"),
    41: ("map-bayes", "frequentist vs Bayesian readings"),
    42: ("map-bayes", "overfitting with small data; how a prior helps"),
    43: ("kl-info", "MLE minimises forward KL; CE = H + KL"),
    44: ("kl-info", "forward vs reverse KL; VI and RLHF"),
    45: ("kl-info", "KL between univariate Gaussians"),
    46: ("kl-info", "KL asymmetric, not a metric; Gibbs"),
    47: ("kl-info", "KL between multivariate Gaussians"),
    48: ("kl-info", "support mismatch: infinite KL"),
    49: ("kl-info", "the ELBO decomposition"),
    50: ("kl-info", "distillation and temperature"),
    51: ("kl-info", "perplexity"),
    52: ("llm", "next-token pretraining is MLE; exposure bias"),
    53: ("llm", "softmax cross-entropy gradient p - y"),
    54: ("llm", "Bradley-Terry reward model"),
    55: ("llm", "RLHF objective and its KL term"),
    56: ("llm", "RLHF optimal policy"),
    57: ("llm", "DPO implicit reward and loss"),
    58: ("llm", "RLHF KL direction"),
    59: ("llm", "reward hacking and Goodhart"),
    60: ("llm", "calibration and temperature scaling"),
}

SYL_TAG = re.compile(r"^syl-(\d+)$")


@pytest.fixture(scope="module")
def raw() -> dict:
    with DECK.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def cards(raw: dict) -> list[dict]:
    return raw["cards"]


# ------------------------------------------------------------- loading


def test_the_loader_accepts_the_deck_without_problems():
    from trainer.decks import load_decks

    result = load_decks([DECK])
    assert [str(p) for p in result.problems] == []
    assert result.problems == []
    [deck] = [d for d in result.decks if d.id == "mle-map-grill"]
    assert deck.title == "MLE & MAP: the interview grill"
    assert len(deck.cards) >= 60
    for card in deck.cards:
        assert card.kind == "recall"
        assert card.answer and card.prompt
        assert isinstance(card.key_points, tuple) and 2 <= len(card.key_points) <= 5
        assert card.difficulty in (1, 2, 3)


def test_the_fast_and_the_exact_yaml_parsers_read_the_same_deck():
    """YAML 1.1 (PyYAML) and 1.2 (the fast parser) must agree on every card."""
    from trainer.decks import loader
    from trainer.decks.node_props import node_props

    text = DECK.read_text(encoding="utf-8")
    exact, exact_problems = loader._read_deck(loader.compose(text, str(DECK)), str(DECK))
    assert exact_problems == []
    if loader._yaml12 is None:
        pytest.skip("the fast YAML 1.2 parser is not installed")
    fast_root = loader._fast_root(text)
    # The fast path is refused when a line inside a text block looks like a `key: `
    # line (e.g. "Follow-up: ..." at the start of an answer line) or when `*`, `&`
    # or `!` could start an alias, anchor or tag. Keep the shipped deck on it.
    offending = [ln.strip() for ln in text.splitlines()
                 if loader._KEY_LINES.match(ln)
                 and not re.match(r"^ *(- +)?[a-z_]+:( |$)", ln)]
    offending += [text[at - 20:at + 20] for at in node_props(text)]
    assert fast_root is not None, f"the deck falls back to the slow parser: {offending[:5]}"
    fast, fast_problems = loader._read_deck(fast_root, str(DECK))
    assert fast_problems == []
    assert fast == exact


def test_deck_header(raw: dict):
    assert raw["deck"] == "mle-map-grill"
    assert raw["title"] == "MLE & MAP: the interview grill"
    header = DECK.read_text(encoding="utf-8").split("\ndeck:", 1)[0]
    assert "# Checked:" in header, "the header comment must say how the deck was checked"


# ------------------------------------------------------------- card shape


def test_at_least_sixty_recall_cards(cards: list[dict]):
    assert len(cards) >= 60
    assert all(c["kind"] == "recall" for c in cards)


def test_ids_are_unique_and_kebab_case(cards: list[dict]):
    ids = [c["id"] for c in cards]
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
    for card_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", card_id), card_id


def test_ids_do_not_collide_with_other_shipped_decks(cards: list[dict]):
    ours = {c["id"] for c in cards}
    for other in sorted(DECK.parent.glob("*.yaml")):
        if other == DECK:
            continue
        data = yaml.safe_load(other.read_text(encoding="utf-8")) or {}
        theirs = {c.get("id") for c in data.get("cards") or [] if isinstance(c, dict)}
        assert not ours & theirs, f"{other.name} also uses {sorted(ours & theirs)}"


def test_answers_have_three_to_twelve_lines(cards: list[dict]):
    for card in cards:
        lines = [ln for ln in card["answer"].splitlines() if ln.strip()]
        assert 3 <= len(lines) <= 12, f"{card['id']}: {len(lines)} answer lines"


def test_key_points_difficulty_and_fields(cards: list[dict]):
    for card in cards:
        kp = card["key_points"]
        assert isinstance(kp, list) and 2 <= len(kp) <= 5, card["id"]
        assert all(isinstance(k, str) and k.strip() for k in kp), card["id"]
        assert card["difficulty"] in (1, 2, 3), card["id"]
        assert isinstance(card["prompt"], str) and card["prompt"].strip(), card["id"]


def test_difficulties_are_a_mix(cards: list[dict]):
    levels = {c["difficulty"] for c in cards}
    assert levels == {1, 2, 3}


def test_every_card_has_a_section_tag_and_a_syllabus_line_tag(cards: list[dict]):
    for card in cards:
        tags = card["tags"]
        assert all(isinstance(t, str) for t in tags), card["id"]
        lines = [int(m.group(1)) for t in tags if (m := SYL_TAG.match(t))]
        assert lines, f"{card['id']}: no syl-N tag"
        sections = {t for t in tags if t in SECTIONS}
        assert sections, f"{card['id']}: no section tag"
        for n in lines:
            assert n in SYLLABUS_A, f"{card['id']}: syl-{n} is not a line of part A"
            assert SYLLABUS_A[n][0] in sections, (
                f"{card['id']}: syl-{n} belongs to section {SYLLABUS_A[n][0]!r}"
            )
        assert len(tags) > len(lines) + len(sections), f"{card['id']}: add a topic tag"


def test_every_syllabus_line_is_covered(cards: list[dict]):
    covered = {int(m.group(1)) for c in cards for t in c["tags"] if (m := SYL_TAG.match(t))}
    missing = [f"{n}. {title}" for n, (_, title) in SYLLABUS_A.items() if n not in covered]
    assert not missing, "syllabus lines without a card: " + "; ".join(missing)


# ------------------------------------------------------------- near-duplicate prompts


def _normalise(text: str) -> str:
    """Lowercase words and numbers only: punctuation, `$` and hyphens do not count."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def near_duplicate(a: str, b: str) -> bool:
    """Two prompts are near-duplicates when their normalised text is 80% the same
    (difflib) or they share 60% of their words (Jaccard)."""
    na, nb = _normalise(a), _normalise(b)
    if difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio() >= 0.8:
        return True
    wa, wb = set(na.split()), set(nb.split())
    return bool(wa | wb) and len(wa & wb) / len(wa | wb) >= 0.6


def test_the_detector_flags_a_copy_pasted_prompt():
    a = "Derive the maximum-likelihood estimate of $p$ for $n$ Bernoulli trials with $k$ successes."
    b = "Derive the maximum likelihood estimate of $p$ for n Bernoulli trials with $k$ heads."
    c = "For $n$ Bernoulli trials with $k$ successes, derive the maximum-likelihood estimate of $p$."
    assert near_duplicate(a, b)
    assert near_duplicate(a, c)  # same words, shuffled: caught by Jaccard
    assert near_duplicate(a, a.upper())
    unrelated = "What is the KL divergence between two univariate Gaussians?"
    assert not near_duplicate(a, unrelated)


def test_no_two_prompts_are_near_duplicates(cards: list[dict]):
    pairs = []
    for i, x in enumerate(cards):
        for y in cards[i + 1:]:
            if near_duplicate(x["prompt"], y["prompt"]):
                pairs.append((x["id"], y["id"]))
    assert not pairs, f"near-duplicate prompts: {pairs}"


# ------------------------------------------------------------- math delimiters


def _unescaped_dollars(text: str) -> int:
    return len(re.findall(r"(?<!\\)\$", text))


def test_dollar_signs_are_balanced(cards: list[dict]):
    for card in cards:
        for field in ("prompt", "answer"):
            assert _unescaped_dollars(card[field]) % 2 == 0, f"{card['id']}: odd $ in {field}"
        for kp in card["key_points"]:
            assert _unescaped_dollars(kp) % 2 == 0, f"{card['id']}: odd $ in key point {kp!r}"


def test_math_uses_inline_single_dollars_on_one_line(cards: list[dict]):
    for card in cards:
        for field in ("prompt", "answer"):
            text = card[field]
            assert "$$" not in text, f"{card['id']}: display math in {field}"
            for line in text.splitlines():
                assert _unescaped_dollars(line) % 2 == 0, (
                    f"{card['id']}: a $…$ span crosses a line break in {field}: {line!r}"
                )


def test_math_renders_without_leftover_latex(cards: list[dict]):
    """The terminal shows Unicode: no backslash command may survive rendering."""
    from trainer.render import render_math

    for card in cards:
        for field in ("prompt", "answer"):
            shown = render_math(card[field])
            assert not re.search(r"\\[A-Za-z]", shown), f"{card['id']}: {field}: {shown!r}"


def test_rendered_fractions_have_unambiguous_denominators(cards: list[dict]):
    """`\\frac{1}{2\\sigma^2}` renders as `1/2σ²`, which reads as σ²/2: write `2\\,\\sigma^2`
    so the terminal shows `1/(2 σ²)`."""
    from trainer.render import render_math

    for card in cards:
        for field in ("prompt", "answer"):
            shown = render_math(card[field])
            bad = re.findall(r"\S*/\d+[^\W\d_]\S*", shown)
            assert not bad, f"{card['id']}: ambiguous fraction in {field}: {bad}"


# ------------------------------------------------------------- formulas and numbers in the answers
#
# Every closed form or worked number a model answer states, and that `solvers` can compute,
# is recomputed here. Each check first asserts the card still says what is being checked,
# so editing the card text without updating the check fails loudly.


def _card(cards: list[dict], card_id: str) -> dict:
    [card] = [c for c in cards if c["id"] == card_id]
    return card


def _says(cards: list[dict], card_id: str, *fragments: str) -> None:
    """The card's model answer or one of its follow-ups' answers states each fragment."""
    card = _card(cards, card_id)
    text = "\n".join([card["answer"], *(f.get("answer") or "" for f in card.get("follow_ups") or [])])
    for fragment in fragments:
        assert fragment in text, f"{card_id} no longer says {fragment!r}"


def test_fisher_information_values_match_solvers(cards: list[dict]):
    from solvers import fisher

    _says(cards, "fisher-information-standard-models",
          r"\frac{1}{p(1-p)}", "expectation $1/\\lambda$", r"I(\mu) = 1/\sigma^2",
          r"expectation $\frac{1}{2\,\sigma^4}$", r"\frac{2}{\sigma^2}")
    for p in (0.1, 0.37, 0.5):
        assert fisher.information("bernoulli", p=p) == pytest.approx(1 / (p * (1 - p)))
    assert fisher.information("poisson", lam=3.5) == pytest.approx(1 / 3.5)
    assert fisher.information("gaussian_mean", mu=0.3, var=2.0) == pytest.approx(1 / 2.0)
    assert fisher.information("gaussian_var", mu=0.3, var=2.0) == pytest.approx(1 / (2 * 2.0**2))
    # information about sigma = information about v times (dv/dsigma)^2 = 2 / sigma^2
    sigma = 1.7
    i_v = fisher.information("gaussian_var", mu=0.0, var=sigma**2)
    assert i_v * (2 * sigma) ** 2 == pytest.approx(2 / sigma**2)
    # the Bernoulli MLE attains the bound: Var(k/n) = p(1-p)/n
    assert fisher.crlb("bernoulli", 40, p=0.3) == pytest.approx(0.3 * 0.7 / 40)


def test_gaussian_kl_formulas_match_solvers(cards: list[dict]):
    import numpy as np

    from solvers import kl

    _says(cards, "kl-univariate-gaussians",
          r"\log\frac{\sigma_2}{\sigma_1} + \frac{\sigma_1^2 + (\mu_1 - \mu_2)^2}{2\,\sigma_2^2} - \frac{1}{2}",
          "0.318", "0.807")

    def card_formula(m1, s1, m2, s2):
        return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5

    rng = np.random.default_rng(0)
    for _ in range(50):
        m1, m2 = rng.normal(size=2)
        s1, s2 = rng.uniform(0.2, 3.0, size=2)
        assert card_formula(m1, s1, m2, s2) == pytest.approx(kl.gaussian(m1, s1**2, m2, s2**2))
    assert round(kl.gaussian(0, 1, 0, 4), 3) == 0.318
    assert round(kl.gaussian(0, 4, 0, 1), 3) == 0.807
    # the VAE special case
    mu, s = 0.7, 0.4
    assert 0.5 * (mu**2 + s**2 - 1 - math.log(s**2)) == pytest.approx(kl.gaussian(mu, s**2, 0, 1))

    _says(cards, "kl-multivariate-gaussians",
          r"\mathrm{tr}(\Sigma_2^{-1}\Sigma_1) + (\mu_2 - \mu_1)^\top\Sigma_2^{-1}(\mu_2 - \mu_1) - d")
    d = 3
    a, b = rng.normal(size=(d, d)), rng.normal(size=(d, d))
    c1, c2 = a @ a.T + 0.5 * np.eye(d), b @ b.T + 0.5 * np.eye(d)
    m1, m2 = rng.normal(size=d), rng.normal(size=d)
    diff = m2 - m1
    formula = 0.5 * (np.trace(np.linalg.solve(c2, c1)) + diff @ np.linalg.solve(c2, diff) - d
                     + math.log(np.linalg.det(c2) / np.linalg.det(c1)))
    assert formula == pytest.approx(kl.mvn(m1, c1, m2, c2))


def test_kl_examples_match_solvers(cards: list[dict]):
    from solvers import kl

    _says(cards, "kl-nonnegative-not-a-metric", "0.511", "0.368")
    assert round(kl.bernoulli(0.5, 0.9), 3) == 0.511
    assert round(kl.bernoulli(0.9, 0.5), 3) == 0.368
    # unit-variance Gaussians at means 0, 1, 2 break the triangle inequality
    assert kl.gaussian(0, 1, 1, 1) + kl.gaussian(1, 1, 2, 1) < kl.gaussian(0, 1, 2, 1)
    # KL(Unif(-1, 1) || N(0, 1)) = -log 2 + log(2 pi)/2 + E[x^2]/2 with E[x^2] = 1/3
    _says(cards, "kl-infinite-support-mismatch", "about 0.39 nats")
    assert round(-math.log(2) + 0.5 * math.log(2 * math.pi) + 1 / 6, 2) == 0.39


def test_beta_bernoulli_numbers_match_solvers(cards: list[dict]):
    from solvers import map as smap

    _says(cards, "beta-bernoulli-map-pseudocounts", r"\frac{k+\alpha-1}{n+\alpha+\beta-2}",
          "MAP $= 1/5$")
    assert smap.beta_bernoulli(0, 3, 2, 2) == pytest.approx(1 / 5)
    assert smap.beta_bernoulli(7, 20, 1, 1) == pytest.approx(7 / 20)  # uniform prior = MLE
    _says(cards, "beta-prior-worked-example", r"\frac{4}{12} \approx 0.333", r"\frac{5}{14} \approx 0.357",
          r"301/1002 \approx 0.3004", r"302/1004 \approx 0.3008")
    assert smap.beta_bernoulli(3, 10, 2, 2) == pytest.approx(1 / 3)
    assert smap.beta_bernoulli_mean(3, 10, 2, 2) == pytest.approx(5 / 14)
    assert round(smap.beta_bernoulli(300, 1000, 2, 2), 4) == 0.3004
    assert round(smap.beta_bernoulli_mean(300, 1000, 2, 2), 4) == 0.3008
    _says(cards, "posterior-mean-mode-laplace-smoothing", r"\frac{k+1}{n+2}", "mean $1/5$")
    assert smap.beta_bernoulli_mean(0, 3, 1, 1) == pytest.approx(1 / 5)
    assert smap.beta_bernoulli(4, 9, 2, 2) == pytest.approx((4 + 1) / (9 + 2))  # add-one = Beta(2,2) mode


def test_conjugate_updates_match_solvers(cards: list[dict]):
    import numpy as np

    from solvers import map as smap

    _says(cards, "conjugate-prior-table", r"\frac{a + \sum_i x_i - 1}{b + n}",
          r"$\mu_n = \frac{\kappa_0\mu_0 + n\bar x}{\kappa_0 + n}$")
    x = np.array([3, 0, 2, 5, 1])
    assert smap.gamma_poisson(x, 2.0, 1.5) == pytest.approx((2.0 + x.sum() - 1) / (1.5 + len(x)))
    xs = np.array([0.3, -1.2, 2.2, 0.9])
    mean, var = smap.gaussian_mean_posterior(xs, 2.0, 1.0, 0.5)
    _says(cards, "normal-normal-precision-weighting", r"\frac{1}{\tau_n^2} = \frac{1}{\tau_0^2} + \frac{n}{\sigma^2}")
    prec = 1 / 0.5 + len(xs) / 2.0
    assert var == pytest.approx(1 / prec)
    assert mean == pytest.approx((1.0 / 0.5 + xs.sum() / 2.0) / prec)
    w = len(xs) * 0.5 / (len(xs) * 0.5 + 2.0)
    assert mean == pytest.approx(w * xs.mean() + (1 - w) * 1.0)


def test_ridge_and_lasso_closed_forms_match_solvers(cards: list[dict]):
    import numpy as np

    from solvers import map as smap

    _says(cards, "ridge-as-gaussian-prior-map", r"\lambda = \sigma^2/\tau^2",
          r"(X^\top X + \lambda I)^{-1}X^\top y")
    rng = np.random.default_rng(1)
    X, y, lam = rng.normal(size=(30, 4)), rng.normal(size=30), 2.5
    assert np.allclose(np.linalg.solve(X.T @ X + lam * np.eye(4), X.T @ y), smap.ridge(X, y, lam))
    # MAP with sigma^2 = 2, tau^2 = 0.8 minimises the negative log-posterior; lambda = sigma^2/tau^2
    sigma2, tau2 = 2.0, 0.8
    w_map = smap.ridge(X, y, sigma2 / tau2)
    grad = -(X.T @ (y - X @ w_map)) / sigma2 + w_map / tau2
    assert np.allclose(grad, 0, atol=1e-9)

    _says(cards, "lasso-laplace-prior-sparsity", r"\max(|z_j| - \lambda/2, 0)", r"z_j/(1+\lambda)")
    Q, _ = np.linalg.qr(rng.normal(size=(30, 4)))  # orthonormal columns
    y = rng.normal(size=30) * 2
    z, lam = Q.T @ y, 1.3
    # the card's objective ||y - Xw||^2 + lam ||w||_1 is twice the solver's with lam/2
    expected = np.sign(z) * np.maximum(np.abs(z) - lam / 2, 0)
    assert np.allclose(smap.lasso(Q, y, lam / 2), expected, atol=1e-8)
    assert np.allclose(smap.ridge(Q, y, lam), z / (1 + lam))


def test_llm_formulas_match_solvers(cards: list[dict]):
    import numpy as np

    from solvers import nn, preference

    _says(cards, "softmax-cross-entropy-gradient", r"$\nabla_z L = p - y$")
    z = np.array([1.5, -0.3, 0.2, 2.0])
    y = np.array([0.1, 0.0, 0.7, 0.2])  # a soft target summing to 1
    p = np.exp(z) / np.exp(z).sum()
    assert np.allclose(nn.softmax_cross_entropy_grad(z, y), p - y)
    eps = 1e-6
    numeric = [(nn.softmax_cross_entropy(z + eps * np.eye(4)[j], y)
                - nn.softmax_cross_entropy(z - eps * np.eye(4)[j], y)) / (2 * eps) for j in range(4)]
    assert np.allclose(numeric, p - y, atol=1e-6)

    _says(cards, "bradley-terry-reward-model", r"\sigma(1) \approx 0.73")
    assert round(preference.bradley_terry(1.0, 0.0), 2) == 0.73

    _says(cards, "rlhf-optimal-policy-derivation",
          r"\pi^*(y \mid x) = \frac{1}{Z(x)}\pi_{\mathrm{ref}}(y \mid x)\exp(r(x, y)/\beta)")
    ref, r, beta = np.array([0.5, 0.3, 0.2]), np.array([1.0, -0.5, 2.0]), 0.7
    star = ref * np.exp(r / beta) / np.sum(ref * np.exp(r / beta))
    assert np.allclose(preference.kl_regularized_policy(ref, r, beta), star)

    def objective(pi):
        return pi @ r - beta * np.sum(pi * np.log(pi / ref))

    # the optimum value is beta log Z, and random policies do no better
    assert objective(star) == pytest.approx(beta * math.log(np.sum(ref * np.exp(r / beta))))
    for pi in np.random.default_rng(2).dirichlet(np.ones(3), size=200):
        assert objective(pi) <= objective(star) + 1e-12

    _says(cards, "dpo-derivation", r"\beta\log\frac{\pi_\theta(y_w \mid x)}{\pi_{\mathrm{ref}}(y_w \mid x)} - \beta\log\frac{\pi_\theta(y_l \mid x)}{\pi_{\mathrm{ref}}(y_l \mid x)}")
    lw, ll, rw, rl, b = -12.0, -15.5, -13.0, -14.0, 0.1
    margin = b * (lw - rw) - b * (ll - rl)
    assert -math.log(1 / (1 + math.exp(-margin))) == pytest.approx(preference.dpo_loss(lw, ll, rw, rl, b))

    _says(cards, "perplexity-definition", r"e^2 \approx 7.39")
    assert round(nn.perplexity(2.0), 2) == 7.39
    _says(cards, "initial-loss-log-vocab-sanity-check", r"\log 50000 \approx 10.82", "15.6 bits")
    assert round(nn.softmax_cross_entropy(np.zeros(50000), 123), 2) == 10.82
    assert round(math.log2(50000), 1) == 15.6


def test_delta_method_numbers(cards: list[dict]):
    from solvers import stats

    _says(cards, "delta-method-log-odds-interval", r"SE $\approx 0.319$", r"\approx -3.89$",
          "[0.011, 0.037]", r"0.02 \pm 0.012")
    p, n = 0.02, 500
    se = 1 / math.sqrt(n * p * (1 - p))
    eta = math.log(p / (1 - p))
    half = stats.wald_halfwidth(se)
    lo, hi = (1 / (1 + math.exp(-(eta + s * half))) for s in (-1, 1))
    assert (round(se, 3), round(eta, 2)) == (0.319, -3.89)
    assert (round(lo, 3), round(hi, 3)) == (0.011, 0.037)
    assert round(stats.wald_halfwidth(math.sqrt(p * (1 - p) / n)), 3) == 0.012


def test_sampling_claims_by_simulation(cards: list[dict]):
    """Bias statements checked by seeded Monte Carlo: exponential 1/xbar, Gaussian sigma^2 MLE,
    the Uniform(0, theta) maximum."""
    import numpy as np

    rng = np.random.default_rng(3)
    reps, n = 200_000, 5
    _says(cards, "poisson-and-exponential-mle", r"\mathbb{E}[\hat\lambda] = \frac{n}{n-1}\lambda")
    lam = 2.0
    x = rng.exponential(1 / lam, size=(reps, n))
    assert np.mean(1 / x.mean(axis=1)) == pytest.approx(n / (n - 1) * lam, rel=0.02)
    _says(cards, "gaussian-mle-and-bessel", r"\mathbb{E}[\hat\sigma^2] = \frac{n-1}{n}\sigma^2")
    g = rng.normal(1.0, 1.5, size=(reps, n))
    assert np.mean(g.var(axis=1)) == pytest.approx((n - 1) / n * 1.5**2, rel=0.02)
    _says(cards, "uniform-mle-nonregular", r"\mathbb{E}[x_{(n)}] = \frac{n}{n+1}\theta",
          r"\frac{\theta^2}{n(n+2)}")
    theta = 3.0
    m = rng.uniform(0, theta, size=(reps, n)).max(axis=1)
    assert np.mean(m) == pytest.approx(n / (n + 1) * theta, rel=0.01)
    assert np.var((n + 1) / n * m) == pytest.approx(theta**2 / (n * (n + 2)), rel=0.03)


def test_logistic_gradient_and_map_jacobian_example(cards: list[dict]):
    import numpy as np

    from solvers import mle

    _says(cards, "logistic-regression-mle", r"$\nabla_w \mathrm{NLL} = X^\top(\sigma(Xw) - y)$")
    rng = np.random.default_rng(4)
    X, y, w = rng.normal(size=(25, 3)), rng.integers(0, 2, size=25).astype(float), rng.normal(size=3)
    s = 1 / (1 + np.exp(-X @ w))
    assert np.allclose(mle.logistic_gradient(X, y, w), X.T @ (s - y))
    hessian = X.T @ np.diag(s * (1 - s)) @ X
    assert np.all(np.linalg.eigvalsh(hessian) > 0)

    # uniform prior on p, mode in log-odds: maximise p^(k+1) (1-p)^(n-k+1) -> (k+1)/(n+2)
    _says(cards, "map-not-reparametrisation-invariant", r"p = \frac{k+1}{n+2}")
    k, n = 3, 11
    eta = np.linspace(-6, 6, 200_001)
    p = 1 / (1 + np.exp(-eta))
    density_in_eta = p**k * (1 - p) ** (n - k) * p * (1 - p)  # posterior in p times dp/deta
    assert p[np.argmax(density_in_eta)] == pytest.approx((k + 1) / (n + 2), abs=1e-4)


# ------------------------------------------------------------- the issue-18 content review


def test_deck_header_dates_the_last_review():
    header = DECK.read_text(encoding="utf-8").split("\ndeck:", 1)[0]
    assert re.search(r"# Reviewed 20\d\d-\d\d-\d\d", header), "the header must date the last review"


# (card id, a key point it must keep): what a strict reviewer marked missing or imprecise.
REQUIRED_KEY_POINTS = [
    ("prior-washes-out", "BvM (regular, well-specified)"),
    ("prior-washes-out", "non-identified directions keep the prior"),
    ("cross-entropy-as-categorical-nll", "E[-log p_w(y|x)] = H + KL(p ‖ p_w), minimised only at p_w = p (strictly proper)"),
    ("cross-entropy-as-categorical-nll", "logit gradient softmax − onehot"),
    ("dpo-derivation", "gradient weight σ(r̂_l − r̂_w) on each pair"),
]


@pytest.mark.parametrize(("card_id", "point"), REQUIRED_KEY_POINTS)
def test_reviewed_cards_keep_their_key_points(cards: list[dict], card_id: str, point: str):
    assert point in _card(cards, card_id)["key_points"]


def test_reviewed_answers_state_the_corrected_results(cards: list[dict]):
    """The corrections of the 2026-11-30 review, each pinned to the card that states it."""
    _says(cards, "prior-washes-out", "Panov and Spokoiny", "null space of $X$", "sandwich")
    _says(cards, "kl-infinite-support-mismatch", "JS and TV are no fix", "Wasserstein-1, MMD",
          "instance noise")
    _says(cards, "dpo-derivation", "Thm 1", "a policy class that contains $\\pi^*$",
          "Azar et al., 2023")
    _says(cards, "mle-consistency-conditions", "Thm 2.1", "Thm 2.7", "pointwise convergence suffices")
    _says(cards, "biased-estimators-beat-crlb", r"\frac{(1 + b'(\theta))^2}{nI(\theta)}", "Hodges",
          "Lebesgue-null")
    _says(cards, "label-smoothing-hidden-priors", r"\mathrm{KL}(p \,\|\, u) - \log K")
    _says(cards, "mle-asymptotic-normality", "integrable $M(x)$")
    _says(cards, "fisher-as-kl-curvature-natural-gradient", "AdaGrad")
    _says(cards, "misspecified-mle-kl-projection-sandwich", "HC0 sandwich")
    text = _card(cards, "kl-infinite-support-mismatch")["answer"]
    assert "bounded divergence such as JS or TV" not in text


# ------------------------------------------------------------- follow-ups (issue 15)


def test_at_least_thirty_cards_carry_follow_ups(cards: list[dict]):
    with_follow_ups = [c["id"] for c in cards if c.get("follow_ups")]
    assert len(with_follow_ups) >= 30, len(with_follow_ups)


def test_follow_ups_are_questions_with_key_points_and_answers(cards: list[dict]):
    from trainer.render import render_math

    prompts = {_normalise(c["prompt"]) for c in cards}
    for card in cards:
        for f in card.get("follow_ups") or []:
            q, kp, a = f["question"], f["key_points"], f.get("answer") or ""
            assert q.rstrip().endswith("?"), f"{card['id']}: {q!r}"
            assert 1 <= len(kp) <= 5 and all(isinstance(k, str) and k.strip() for k in kp)
            assert a.strip(), f"{card['id']}: a follow-up without a model answer"
            assert _normalise(q) not in prompts, f"{card['id']}: a follow-up repeats a prompt"
            for text in (q, a, *kp):
                assert _unescaped_dollars(text) % 2 == 0, f"{card['id']}: odd $ in {text!r}"
                assert "\n" not in text.strip(), f"{card['id']}: keep follow-ups on one line"
                assert not re.search(r"\\[A-Za-z]", render_math(text)), f"{card['id']}: {text!r}"


def test_follow_ups_moved_out_of_the_answers(cards: list[dict]):
    """The "→ Follow-up" lines became `follow_ups`, so the interview can ask them before
    the model answer is shown."""
    for card in cards:
        assert "→ Follow-up" not in card["answer"], card["id"]
