"""The derivation-exercises deck (syllabus part B): counts, the mistakes a reviewer asked for,
prompts that do not give the answer away, the notation learners type, and the Anki export.

`trainer check` proves every reference and that each listed mistake is rejected with its
feedback on every draw; these tests pin what the syllabus and the content review require of
the deck, so that a later edit cannot quietly drop it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DECK = ROOT / "content" / "mle_map_exercises.yaml"
GRILL = ROOT / "content" / "mle_map_grill.yaml"


@pytest.fixture(scope="module")
def raw() -> dict:
    with DECK.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def cards(raw: dict) -> dict[str, dict]:
    return {c["id"]: c for c in raw["cards"]}


@pytest.fixture(scope="module")
def loaded():
    from trainer.decks import load_decks

    result = load_decks([DECK, GRILL])
    assert [str(p) for p in result.problems] == []
    return {card.key: card for deck in result.decks for card in deck.cards}


def _mistakes(card: dict) -> list[str]:
    """Every mistake answer of a card, its own and its steps'."""
    found = [m["answer"] for m in card.get("mistakes") or []]
    for step in card.get("steps") or []:
        found += [m["answer"] for m in step.get("mistakes") or []]
    return found


# ------------------------------------------------------------- syllabus part B counts


def test_counts_required_by_the_syllabus(cards: dict[str, dict]):
    kinds = [c["kind"] for c in cards.values()]
    assert len(kinds) >= 40
    assert kinds.count("numeric") >= 20
    assert kinds.count("symbolic") >= 12
    assert kinds.count("derivation") >= 6


def test_every_card_has_a_worked_solution_and_derivations_have_two_to_four_steps(cards):
    for card in cards.values():
        assert (card.get("solution") or "").strip(), f"{card['id']}: no worked solution"
        if card["kind"] == "derivation":
            assert 2 <= len(card["steps"]) <= 4, f"{card['id']}: {len(card['steps'])} steps"


def test_deck_header_records_the_last_review():
    header = DECK.read_text(encoding="utf-8").split("\ndeck:", 1)[0]
    assert re.search(r"# Reviewed 20\d\d-\d\d-\d\d", header), "the header must date the last review"


# ------------------------------------------------------------- mistakes the review asked for

# (card id, the mistake's answer expression): each classic slip has an entry with feedback.
REQUIRED_MISTAKES = [
    ("lasso-soft-threshold", "(dot(x, y) - lam2)/sumsq(x)"),  # unthresholded
    ("lasso-soft-threshold", "lasso_1d(x, y, lam1/2)"),  # factor 1/2 slips
    ("lasso-soft-threshold", "lasso_1d(x, y, 2*lam1)"),
    ("lasso-soft-threshold", "lasso_1d(x, y, lam2/2)"),
    ("em-responsibility-value",
     "w1*exp(-(x - m1)^2/(2*v1))/(w1*exp(-(x - m1)^2/(2*v1)) + (1 - w1)*exp(-(x - m2)^2/(2*v2)))"),
    ("uniform-mle-max", "(n + 1)/n*max(x)"),
    ("gamma-poisson-map-value", "(a + sum(x) - 1)/(1/b + n)"),
    ("normal-normal-posterior-mean-value", "(mu0/t2 + mean(x)/v)/(1/t2 + 1/v)"),
    ("kl-two-gaussians-value", "log(v2/v1) + (v1 + (m1 - m2)^2)/(2*v2) - 1/2"),
    ("kl-gaussians-formula",
     "log(sigma2^2/sigma1^2) + (sigma1^2 + (mu1 - mu2)^2)/(2*sigma2^2) - 1/2"),
    ("crlb-poisson-value", "lam^2/n"),
    ("fisher-information-bernoulli-value", "1/p^2 + 1/(1 - p)^2"),
    ("fisher-bernoulli-formula", "1/p^2 + 1/(1 - p)^2"),
    ("beta-bernoulli-posterior-mean-value", "k/n"),
    ("dpo-loss-value", "dpo_loss(lw, ll, 0, 0, beta)"),
    ("rlhf-optimal-policy-token",
     "item(pref, j)*exp(beta*item(r, j))/(item(pref, 1)*exp(beta*item(r, 1)) "
     "+ item(pref, 2)*exp(beta*item(r, 2)) + item(pref, 3)*exp(beta*item(r, 3)))"),
    ("dirichlet-map-category", "(item(c, j) + a - 1)/(N + 3*a - 2)"),
]


@pytest.mark.parametrize(("card_id", "answer"), REQUIRED_MISTAKES)
def test_the_classic_mistakes_are_listed_with_feedback(cards, card_id, answer):
    card = cards[card_id]
    entries = [m for m in (card.get("mistakes") or [])
               + [m for s in card.get("steps") or [] for m in s.get("mistakes") or []]
               if m["answer"] == answer]
    assert entries, f"{card_id} lost the mistake {answer}"
    assert len(entries[0]["feedback"].split()) >= 8, f"{card_id}: say why {answer} is wrong"


def test_a_mistake_draws_its_feedback_when_a_learner_types_it(loaded):
    """End to end on one drawn review: the learner types the marginal Beta mode of the
    Dirichlet card and is told it is the marginal mode, not the joint one."""
    from trainer.exercises import instantiate

    card = loaded["mle-map-exercises/dirichlet-map-category"]
    ex = instantiate(card, 3)
    c, a, j, n = ex.params["c"], ex.params["a"], ex.params["j"], ex.params["N"]
    marginal = (c[j - 1] + a - 1) / (n + 3 * a - 2)
    got = ex.grade(0, repr(marginal))
    assert got.verdict == "incorrect"
    assert "marginal" in got.feedback and "joint" in got.feedback
    joint = (c[j - 1] + a - 1) / (n + 3 * a - 3)
    assert ex.grade(0, repr(joint)).verdict == "correct"


def test_the_dirichlet_card_asks_for_the_joint_mode(cards):
    assert "joint posterior" in cards["dirichlet-map-category"]["prompt"]


def test_the_lasso_card_reaches_both_regimes(loaded):
    """One step shrinks, the other is exactly zero, on every draw."""
    from trainer.exercises import instantiate

    card = loaded["mle-map-exercises/lasso-soft-threshold"]
    for review in range(20):
        ex = instantiate(card, review)
        assert ex.reference(0).value > 0
        assert ex.reference(1).value == 0


# ------------------------------------------------------------- derivations do not give the answer away


def _all_prompts(card: dict) -> str:
    return card["prompt"] + "\n".join(s["prompt"] for s in card.get("steps") or [])


def test_the_beta_bernoulli_derivation_makes_the_learner_derive_the_posterior(cards):
    card = cards["beta-bernoulli-map-derivation"]
    assert r"\mathrm{Beta}(k+\alpha" not in _all_prompts(card)
    first = card["steps"][0]
    assert first["kind"] == "symbolic"
    assert first["answer"] == "(k + alpha - 1)*log(p) + (n - k + beta - 1)*log(1 - p)"


def test_the_ridge_derivation_makes_the_learner_write_the_negative_log_posterior(cards):
    card = cards["ridge-from-gaussian-prior-derivation"]
    assert r"\frac{1}{2\tau^2}" not in _all_prompts(card)
    first = card["steps"][0]
    assert first["answer"] == "(y - X w)^T (y - X w)/(2*sigma^2) + w^T w/(2*tau^2)"


def test_the_gaussian_derivation_asks_for_the_variance_score(cards):
    steps = cards["gaussian-mle-derivation"]["steps"]
    assert any(s["kind"] == "symbolic" and s["answer"] == "-n/(2*v) + Q/(2*v^2)" for s in steps)


# ------------------------------------------------------------- notation the learner types

GREEK = {"alpha", "beta", "gamma", "lambda", "mu", "sigma", "tau", "theta", "pi", "eta"}


def _outside_math(text: str) -> str:
    return re.sub(r"(?<!\\)\$[^$]*(?<!\\)\$", " ", text)


def test_typed_symbol_names_are_spelled_out_in_the_prompt(cards):
    """A symbol such as S1 renders as S₁ in math, but the grader wants `S1`: every
    symbol whose typed name is not a single letter or a Greek letter is written, as
    typed, outside the math of the card's or the step's prompt."""
    for card in cards.values():
        specs = [card] if card["kind"] == "symbolic" else [
            s for s in card.get("steps") or [] if s["kind"] == "symbolic"]
        for spec in specs:
            symbols = spec.get("symbols") or card.get("symbols") or {}
            plain = _outside_math(card["prompt"] + "\n" + (spec["prompt"] if spec is not card else ""))
            for name in symbols:
                if len(name) == 1 or name in GREEK or name == "X":
                    continue
                assert re.search(rf"(?<![\w$]){re.escape(name)}(?!\w)", plain), (
                    f"{card['id']}: the prompt never spells out {name!r} as the learner types it")


def test_the_logistic_gradient_card_accepts_the_sigma_form(loaded):
    from trainer.exercises import instantiate

    ex = instantiate(loaded["mle-map-exercises/logistic-gradient-matrix"], 0)
    assert ex.grade(0, "X^T (sigma(X w) - y)").verdict == "correct"
    assert ex.grade(0, "X^T (y - sigma(X w))").verdict == "incorrect"


def test_a_sigmoid_written_out_is_graded_like_sigma(loaded):
    """logistic-gradient-matrix: X^T (1/(1+exp(-X w)) - y) is the same gradient as
    X^T (sigma(X w) - y), with the sigmoid written out: the grader adds the scalar 1 to
    the vector exp(-X w) entry by entry."""
    from trainer.exercises import instantiate

    ex = instantiate(loaded["mle-map-exercises/logistic-gradient-matrix"], 0)
    got = ex.grade(0, "X^T (1/(1+exp(-X w)) - y)")
    assert got.verdict == "correct", got.message


# ------------------------------------------------------------- the Anki export


def test_hand_wrapped_prompt_lines_do_not_become_line_breaks_in_anki(loaded):
    """The terminal reflows a prompt wrapped by hand in the deck file; the export must too,
    or Anki shows a <br> in the middle of a sentence."""
    from trainer.export import note_for

    mid_sentence = re.compile(r"[a-z,]<br>[a-z]")
    for key, card in loaded.items():
        front = note_for(card).front
        assert not mid_sentence.search(front), f"{key}: {front[:200]}"
    wrapped = loaded["mle-map-exercises/bernoulli-mle-from-counts"]
    assert "\n" in wrapped.prompt.strip()
    assert "What is the\nmaximum-likelihood" in wrapped.prompt
    assert "What is the maximum-likelihood" in note_for(wrapped).front
