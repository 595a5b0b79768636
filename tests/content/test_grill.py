"""The interview-grill deck (syllabus part A): structure, coverage and hygiene.

The deck is content, so these tests check what a reviewer would otherwise check
by hand: it loads without problems, every syllabus line 1-60 has a card, each
card has the shape part A asks for, no prompt is a copy of another, and the
LaTeX math is delimited in pairs.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "content" / "mle_map_grill.yaml"

SECTIONS = ("mle-foundations", "asymptotics", "map-bayes", "kl-info", "llm")

# Syllabus part A (/work/shared/SYLLABUS.md): line number -> (section tag, short title).
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
    offending += [text[m.start() - 20:m.start() + 20] for m in loader._INDICATORS.finditer(text)
                  if loader._may_hold_anchor_alias_or_tag(text[m.start() - 1:m.start() + 2])]
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
