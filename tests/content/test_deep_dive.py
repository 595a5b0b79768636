"""The deep-dive deck: shape, coverage of every topic line, hygiene, and the numbers.

Recall cards must look like the grill's (3-12 answer lines, 2-5 key points, a difficulty);
every topic and sub-topic on its list has a card carrying its tag; the math renders; and
the closed forms and worked numbers the model answers state are recomputed here
independently (numpy/scipy), each check first asserting that the card still says it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "content" / "mle_map_deep_dive.yaml"

# The deck's topic lines: topic tag -> the sub-topic tags that must each appear on some card.
TOPICS: dict[str, tuple[str, ...]] = {
    "dd-efficiency": ("efficiency", "hodges", "hajek", "local-asymptotic-minimax"),
    "dd-existence": ("barndorff-nielsen", "zero-counts", "separable-logistic",
                     "one-point-gaussian"),
    "dd-bias": ("cox-snell", "firth", "jeffreys", "jackknife"),
    "dd-em": ("missing-information", "louis-identity", "degenerate-mixture"),
    "dd-nuisance": ("profile-likelihood", "neyman-scott", "conditional-likelihood", "reml",
                    "score-test", "wald-test", "likelihood-ratio", "invariance"),
    "dd-policy-gradient": ("policy-gradient", "baselines", "grpo", "best-of-n",
                           "rejection-sampling"),
    "dd-dpo": ("deterministic-preferences", "ipo", "likelihood-displacement"),
    "dd-unnormalised": ("nce", "infonce", "sampled-softmax"),
    "dd-evidence": ("laplace", "bic", "singular-models", "rlct"),
    "dd-vae": ("posterior-collapse", "rate-distortion", "kl-annealing", "free-bits", "beta-vae"),
}

# Issue 18's graded list: tag -> at least this many graded cards carry it.
GRADED: dict[str, int] = {
    "fisher-information": 4, "crlb": 2, "reparametrisation": 5, "delta-method": 3,
    "mvn": 4, "em": 1, "map": 2, "poisson": 3, "exponential": 3, "laplace": 1, "cox-snell": 2,
}


@pytest.fixture(scope="module")
def raw() -> dict:
    with DECK.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def cards(raw: dict) -> list[dict]:
    return raw["cards"]


@pytest.fixture(scope="module")
def recall(cards: list[dict]) -> list[dict]:
    return [c for c in cards if c["kind"] == "recall"]


def _card(cards: list[dict], card_id: str) -> dict:
    [card] = [c for c in cards if c["id"] == card_id]
    return card


def _says(cards: list[dict], card_id: str, *fragments: str) -> None:
    text = _card(cards, card_id)["answer"]
    for fragment in fragments:
        assert fragment in text, f"{card_id} no longer says {fragment!r}"


# ------------------------------------------------------------- loading and shape


def test_the_loader_accepts_the_deck_without_problems():
    from trainer.decks import load_decks

    result = load_decks([DECK])
    assert [str(p) for p in result.problems] == []
    [deck] = [d for d in result.decks if d.id == "mle-map-deep-dive"]
    assert deck.title == "MLE & MAP: the deep dive"


def test_the_fast_yaml_parser_reads_the_deck():
    from trainer.decks import loader

    text = DECK.read_text(encoding="utf-8")
    exact, problems = loader._read_deck(loader.compose(text, str(DECK)), str(DECK))
    assert problems == []
    if loader._yaml12 is None:
        pytest.skip("the fast YAML 1.2 parser is not installed")
    fast_root = loader._fast_root(text)
    assert fast_root is not None, "the deck falls back to the slow parser"
    fast, fast_problems = loader._read_deck(fast_root, str(DECK))
    assert fast_problems == [] and fast == exact


def test_header_says_when_and_what_was_checked():
    header = DECK.read_text(encoding="utf-8").split("\ndeck:", 1)[0]
    assert "# Checked: on 2026-11-30" in header


def test_counts(cards: list[dict]):
    kinds = Counter(c["kind"] for c in cards)
    assert kinds["recall"] >= 25
    graded = [c for c in cards if c["kind"] != "recall"]
    assert len(graded) >= 15
    assert {"numeric", "symbolic", "derivation"} <= set(kinds)
    for card in graded:
        assert "dd-graded" in card["tags"] and card.get("solution"), card["id"]
    # matrix answers where natural
    assert any("matrix(" in str(c.get("symbols")) for c in graded)


def test_recall_cards_have_the_grill_shape(recall: list[dict]):
    for card in recall:
        lines = [ln for ln in card["answer"].splitlines() if ln.strip()]
        assert 3 <= len(lines) <= 12, f"{card['id']}: {len(lines)} answer lines"
        kp = card["key_points"]
        assert 2 <= len(kp) <= 5 and all(isinstance(k, str) and k.strip() for k in kp), card["id"]
        assert card["difficulty"] in (1, 2, 3), card["id"]
        assert card["tags"] and card["prompt"].strip(), card["id"]
        follow_ups = card.get("follow_ups") or []
        assert follow_ups, f"{card['id']}: no follow-up question"
        for fu in follow_ups:
            assert fu["question"].strip() and fu.get("answer", "").strip(), card["id"]
            assert 2 <= len(fu["key_points"]) <= 5, card["id"]


def test_ids_are_unique_kebab_case_and_not_used_by_other_decks(cards: list[dict]):
    ids = [c["id"] for c in cards]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)
    for other in sorted(DECK.parent.glob("*.yaml")):
        if other != DECK:
            data = yaml.safe_load(other.read_text(encoding="utf-8")) or {}
            theirs = {c.get("id") for c in data.get("cards") or []}
            assert not set(ids) & theirs, other.name


def test_every_topic_line_of_the_issue_has_cards(cards: list[dict]):
    tags = Counter(t for c in cards for t in c["tags"])
    for topic, subtopics in TOPICS.items():
        assert tags[topic] >= 2, f"{topic}: {tags[topic]} cards"
        for sub in subtopics:
            assert tags[sub] >= 1, f"{topic}: no card tagged {sub}"
    for card in cards:
        assert any(t in TOPICS or t == "dd-graded" for t in card["tags"]), card["id"]
    graded_tags = Counter(t for c in cards if c["kind"] != "recall" for t in c["tags"])
    for tag, least in GRADED.items():
        assert graded_tags[tag] >= least, f"graded cards tagged {tag}: {graded_tags[tag]}"


# ------------------------------------------------------------- math hygiene


def _dollars(text: str) -> int:
    return len(re.findall(r"(?<!\\)\$", text))


def test_math_is_inline_balanced_and_renders(cards: list[dict]):
    from trainer.render import render_math

    for card in cards:
        texts = {f: card.get(f) for f in ("prompt", "answer", "solution")}
        for i, fu in enumerate(card.get("follow_ups") or []):
            texts[f"follow-up {i} question"] = fu["question"]
            texts[f"follow-up {i} answer"] = fu.get("answer")
        for field, text in texts.items():
            if not isinstance(text, str) or (field == "answer" and card["kind"] != "recall"):
                continue
            assert "$$" not in text, card["id"]
            for line in text.splitlines():
                assert _dollars(line) % 2 == 0, f"{card['id']}: {field}: {line!r}"
            shown = render_math(text)
            assert not re.search(r"\\[A-Za-z]", shown), f"{card['id']}: {field}: {shown!r}"
            bad = re.findall(r"\S*/\d+[^\W\d_]\S*", shown)
            assert not bad, f"{card['id']}: ambiguous fraction in {field}: {bad}"


# ------------------------------------------------------------- the numbers the answers state


def test_cox_snell_biases_match_the_exact_and_simulated_bias(cards: list[dict]):
    import numpy as np
    from scipy import stats

    _says(cards, "cox-snell-mle-bias", r"so the bias is $\lambda/n$ (exact value $\lambda/(n-1)$)",
          r"-\frac{1-2p}{2\,n\,p(1-p)}")
    # exponential rate: E[1/xbar] = n lam/(n-1) exactly (Gamma), and n * bias -> lam
    lam = 1.7
    for n in (50, 200, 800):
        exact = n * lam / (n - 1) - lam
        assert n * exact == pytest.approx(lam, rel=2.0 / n)
    # log-odds: the exact bias of logit(k/n), over k = 1..n-1 (conditioned away from the
    # infinite ends, whose probability is negligible here), against the Cox-Snell term
    for p in (0.2, 0.35):
        n = 400
        k = np.arange(1, n)
        w = stats.binom.pmf(k, n, p)
        bias = np.sum(w * np.log(k / (n - k))) / np.sum(w) - math.log(p / (1 - p))
        assert bias == pytest.approx(-(1 - 2 * p) / (2 * n * p * (1 - p)), rel=0.05)


def test_firth_bernoulli_is_the_jeffreys_mode_in_the_logit(cards: list[dict]):
    import numpy as np

    _says(cards, "firth-penalty-jeffreys-map", r"\frac{k + 1/2}{n + 1}")
    eta = np.linspace(-12, 12, 400_001)
    p = 1 / (1 + np.exp(-eta))
    for k, n in ((0, 7), (3, 10), (9, 9)):
        # log-likelihood in eta plus half the log Fisher information p(1-p)
        log_post = k * np.log(p) + (n - k) * np.log1p(-p) + 0.5 * np.log(p * (1 - p))
        assert p[np.argmax(log_post)] == pytest.approx((k + 0.5) / (n + 1), abs=1e-4)


def test_jackknifed_plug_in_variance_is_s_squared(cards: list[dict]):
    import numpy as np

    _says(cards, "jackknife-bias-correction", r"n\hat\theta - (n-1)\bar\theta_{(\cdot)}",
          r"returns exactly $s^2")
    x = np.random.default_rng(0).normal(size=9)
    n = len(x)
    loo = np.array([np.var(np.delete(x, i)) for i in range(n)])
    assert n * np.var(x) - (n - 1) * loo.mean() == pytest.approx(np.var(x, ddof=1))


def test_em_rate_for_a_mean_with_missing_values(cards: list[dict]):
    _says(cards, "em-rate-fraction-missing-information", r"\mu^{(t+1)} = (S_{obs} + m\mu^{(t)})/n",
          "exactly $m/n$")
    obs = [0.3, 1.9, -0.4, 2.2, 0.8]
    m, n = 3, 8
    target = sum(obs) / len(obs)
    mu, errors = 10.0, []
    for _ in range(6):
        mu = (sum(obs) + m * mu) / n
        errors.append(mu - target)
    for a, b in zip(errors, errors[1:], strict=False):
        assert b / a == pytest.approx(m / n)


def test_mixture_singularity_grows_like_one_over_sigma(cards: list[dict]):
    from scipy import stats

    _says(cards, "degenerate-mixture-likelihood", r"\pi_1/(\sqrt{2\pi}\,\sigma_1) \to \infty")
    x = [0.0, 1.3, -0.7, 2.1]

    def loglik(s1):
        return sum(math.log(0.5 * stats.norm.pdf(v, 0.0, s1) + 0.5 * stats.norm.pdf(v, 0.7, 1.2))
                   for v in x)

    values = [loglik(s) for s in (1e-1, 1e-3, 1e-6, 1e-9)]
    assert values == sorted(values) and values[-1] - values[-2] == pytest.approx(math.log(1e3),
                                                                                  rel=1e-3)


def test_neyman_scott_mle_converges_to_half_the_variance(cards: list[dict]):
    import numpy as np

    _says(cards, "neyman-scott-conditional-likelihood", r"\frac{1}{4n}\sum_i d_i^2",
          r"$\mathbb{E}[\hat\sigma^2] = \sigma^2/2$", r"\tilde\sigma^2 = \frac{1}{2n}\sum_i d_i^2")
    rng = np.random.default_rng(1)
    n, sigma2 = 200_000, 2.5
    mu = rng.normal(0, 10, size=n)
    x = rng.normal(mu[:, None], math.sqrt(sigma2), size=(n, 2))
    mle = np.mean(np.var(x, axis=1))  # (1/2n) sum_i sum_j (x_ij - xbar_i)^2
    d = x[:, 0] - x[:, 1]
    assert mle == pytest.approx(np.sum(d**2) / (4 * n))
    assert mle == pytest.approx(sigma2 / 2, rel=0.01)
    assert np.sum(d**2) / (2 * n) == pytest.approx(sigma2, rel=0.01)


def test_ipo_population_optimum_and_dpo_margin(cards: list[dict]):
    from scipy import optimize

    _says(cards, "ipo-squared-loss", r"h^* = (p - \frac{1}{2})/\tau")
    tau = 0.4
    for p in (0.6, 0.9, 1.0):
        # the pair is labelled (w, l) with probability p and (l, w) otherwise, negating h
        def loss(h, p=p):
            return p * (h - 1 / (2 * tau)) ** 2 + (1 - p) * (-h - 1 / (2 * tau)) ** 2

        assert optimize.minimize_scalar(loss).x == pytest.approx((p - 0.5) / tau, abs=1e-6)


def test_rejection_sampling_and_best_of_n_claims(cards: list[dict]):
    import numpy as np

    _says(cards, "best-of-n-rejection-sampling-vs-optimal-policy", r"\exp((r(y) - M)/\beta)",
          r"Z\,e^{-M/\beta}", r"\le \log n - \frac{n-1}{n}")
    ref = np.array([0.4, 0.3, 0.2, 0.1])
    r = np.array([0.0, 1.0, -0.5, 2.0])
    beta = 0.8
    M = r.max()
    accept = np.exp((r - M) / beta)
    joint = ref * accept  # P(draw y and accept it)
    star = ref * np.exp(r / beta) / np.sum(ref * np.exp(r / beta))
    assert np.allclose(joint / joint.sum(), star)
    assert joint.sum() == pytest.approx(np.sum(ref * np.exp(r / beta)) * math.exp(-M / beta))
    # best-of-n on many distinct equally likely outputs with distinct rewards: KL close to the
    # bound; with ties (few outputs) strictly below it
    for size, n in ((100_000, 4), (50, 8), (3, 16)):
        cdf = np.arange(1, size + 1) / size  # outputs sorted by reward, uniform reference
        bon = cdf**n - (cdf - 1 / size) ** n
        kl = float(np.sum(bon * np.log(bon * size)))
        assert kl <= math.log(n) - (n - 1) / n + 1e-12
    assert kl < math.log(16) - 15 / 16 - 0.5


def test_group_mean_baseline_is_a_rescaled_leave_one_out_baseline(cards: list[dict]):
    import numpy as np

    _says(cards, "grpo-group-normalisation", "(G-1)/G")
    r = np.random.default_rng(2).normal(size=6)
    g = len(r)
    loo = np.array([r[i] - np.delete(r, i).mean() for i in range(g)])
    assert np.allclose(r - r.mean(), (g - 1) / g * loo)


def test_follow_up_numbers(cards: list[dict]):
    from scipy import optimize

    def follow_up(card_id: str) -> str:
        return _card(cards, card_id)["follow_ups"][0]["answer"]

    assert r"\beta h = \log\frac{1-\varepsilon}{\varepsilon}" in follow_up(
        "dpo-deterministic-preferences")
    eps = 0.1

    def smoothed(m):
        return -(1 - eps) * math.log(1 / (1 + math.exp(-m))) - eps * math.log(1 / (1 + math.exp(m)))

    assert optimize.minimize_scalar(smoothed).x == pytest.approx(math.log((1 - eps) / eps),
                                                                 abs=1e-5)
    assert r"p = 1 - 0.05^{1/n} \approx 3/n" in follow_up("zero-counts-boundary-mle")
    for n in (100, 1000):
        assert 1 - 0.05 ** (1 / n) == pytest.approx(3 / n, rel=0.02)
    assert r"\log 1000 \approx 6.91" in follow_up("laplace-and-bic-evidence")
    assert round(math.log(1000), 2) == 6.91


# ------------------------------------------------------------- one full EM iteration

EM_CARD = "mle-map-deep-dive/em-m-step-full-iteration"


def _em_draws(reviews: int):
    """Each draw of the full-EM card with the numbers its prompt shows, read from the text."""
    from trainer.decks import load_decks
    from trainer.exercises import instantiate

    [card] = [c for c in load_decks([DECK]).cards if c.key == EM_CARD]
    num = r"(-?\d+(?:\.\d+)?)"
    for review in range(reviews):
        ex = instantiate(card, review)
        prompt = ex.prompt
        shown = {name: float(re.search(pattern + num + r"\$", prompt).group(1))
                 for name, pattern in (("w", r"\\pi_1 = "), ("m1", r"\\mu_1 = "),
                                       ("v1", r"\\sigma_1\^2 = "), ("m2", r"\\mu_2 = "),
                                       ("v2", r"\\sigma_2\^2 = "))}
        shown["x"] = [float(v) for v in
                      re.search(r"\$x\$ = ([-\d., ]+) \(\$n = 4\$\)", prompt).group(1).split(",")]
        shown["r"] = {int(i): float(v) for i, v in re.findall(r"r_(\d) \\approx " + num, prompt)}
        yield ex, shown


def _bayes_responsibilities(w, m1, v1, m2, v2, x):
    import numpy as np
    from scipy import stats

    a = w * stats.norm.pdf(np.asarray(x), m1, math.sqrt(v1))
    b = (1 - w) * stats.norm.pdf(np.asarray(x), m2, math.sqrt(v2))
    return a / (a + b)


def _weighted_mles(r, x):
    import numpy as np

    r, x = np.asarray(r), np.asarray(x)
    mean = float(np.sum(r * x) / np.sum(r))
    return float(np.mean(r)), mean, float(np.sum(r * (x - mean) ** 2) / np.sum(r))


def test_the_full_em_card_does_the_e_step_from_the_parameters_it_shows():
    """The card is one whole EM iteration: its prompt draws the previous parameters, the
    responsibilities it shows for x_2..x_4 are Bayes' rule on them (scipy), step 1 asks for
    x_1's, and the M-step references are the weighted MLEs of all four; no draw is degenerate."""
    for ex, p in _em_draws(60):
        r = _bayes_responsibilities(p["w"], p["m1"], p["v1"], p["m2"], p["v2"], p["x"])
        assert sorted(p["r"]) == [2, 3, 4]
        for i, value in p["r"].items():
            assert abs(value - r[i - 1]) <= 5e-5 + 1e-12, (i, value, r[i - 1])
        assert ex.reference(0).value == pytest.approx(r[0], rel=1e-9)
        for step, want in zip((1, 2, 3), _weighted_mles(r, p["x"]), strict=True):
            assert ex.reference(step).value == pytest.approx(want, rel=1e-9, abs=1e-12)
        assert 0.1 <= r[0] <= 0.9 and 0.8 <= r.sum() <= 3.2
        assert p["m2"] - p["m1"] >= 1.5 and p["v1"] != p["v2"]


def test_a_learner_carrying_the_shown_responsibilities_passes_and_slips_get_feedback():
    """By hand: r_1 typed to 4 figures, the shown r_2..r_4 (4 decimals), results typed to 3
    decimals: every step is accepted. The classic slips, made with the same rounded numbers,
    are refused with their own feedback."""
    import numpy as np

    for ex, p in _em_draws(40):
        w, m1, v1, m2, v2, x = p["w"], p["m1"], p["v1"], p["m2"], p["v2"], np.asarray(p["x"])
        r1 = _bayes_responsibilities(w, m1, v1, m2, v2, x[:1])[0]
        typed_r1 = float(f"{r1:.4g}")
        assert ex.grade(0, f"{typed_r1}").verdict == "correct"
        slips = {
            "prior weights": _bayes_responsibilities(0.5, m1, v1, m2, v2, x[:1])[0],
            "variance as a standard deviation":
                _bayes_responsibilities(w, m1, v1**2, m2, v2**2, x[:1])[0],
            "normaliser": 1 / (1 + (1 - w) / w * math.exp(
                (x[0] - m1) ** 2 / (2 * v1) - (x[0] - m2) ** 2 / (2 * v2))),
        }
        for words, value in slips.items():
            got = ex.grade(0, f"{value:.4g}")
            assert got.verdict == "incorrect" and words in got.feedback, (words, got)

        r = np.array([typed_r1, p["r"][2], p["r"][3], p["r"][4]])
        weight, mean, var = _weighted_mles(r, x)
        for step, value in zip((1, 2, 3), (weight, mean, var), strict=True):
            got = ex.grade(step, f"{value:.3f}")
            assert got.verdict == "correct", (step, value, ex.reference(step).value, got)
        n1 = r.sum()
        slips_by_step = {
            1: {"divides it by": n1, "previous weight": w},
            2: {"Weight each point": x.mean(), "not by $n$": float(r @ x) / 4},
            3: {"new mean": float(r @ (x - m1) ** 2) / n1, "not by $n$": var * n1 / 4,
                "standard deviation": math.sqrt(var)},
        }
        for step, slips in slips_by_step.items():
            for words, value in slips.items():
                got = ex.grade(step, f"{value:.3f}")
                assert got.verdict == "incorrect" and words in got.feedback, (step, words, got)
