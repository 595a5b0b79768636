"""The shipped code deck: its cards, and the classic slips its checks and mistakes catch.

`trainer check` (run by CI on every shipped deck) proves each reference passes every draw and
each listed mistake fails with its feedback; these tests add slips written as a learner would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.coderun.card import CodeExercise
from trainer.decks import load_file

DECK = Path(__file__).resolve().parents[2] / "content" / "mle_map_code.yaml"


@pytest.fixture(scope="module")
def cards():
    deck, problems = load_file(DECK)
    assert problems == [] and deck is not None
    return {c.id: c for c in deck.cards}


def test_the_deck_has_a_code_card_for_each_topic(cards):
    assert len(cards) >= 12 and all(c.kind == "code" for c in cards.values())
    for topic in ("bernoulli-mle", "gaussian-mle", "poisson-mle", "beta-bernoulli-map", "ridge",
                  "logistic-gradient", "logsumexp", "softmax-cross-entropy", "em-step",
                  "gaussian-nll-gd", "kl-diag-gaussian", "dpo-loss"):
        assert f"{topic}-code" in cards, topic


def test_every_card_has_a_reference_checks_and_a_mistake(cards):
    for card in cards.values():
        assert card.reference and card.solution and card.checks and card.mistakes, card.id


@pytest.mark.parametrize("card_id, source, failing, feedback", [
    ("gaussian-mle-code",
     "import numpy as np\ndef gaussian_mle(x):\n    return float(x.mean()), float(x.var(ddof=1))\n",
     "draw 1", "n − 1"),
    ("logsumexp-code",
     "import numpy as np\ndef logsumexp(z):\n    return float(np.log(np.sum(np.exp(z))))\n",
     "z + 1000", "Subtract m = max(z)"),
    ("ridge-code",
     "import numpy as np\ndef ridge(X, y, lam):\n"
     "    return np.linalg.inv(X.T @ X + lam * np.eye(X.shape[1])) @ X.T @ y\n",
     "check no_inverse", ""),
    ("bernoulli-mle-code",
     "def bernoulli_mle(x):\n    total = 0\n    for v in x:\n        total += v\n"
     "    return total / len(x)\n",
     "check vectorised", ""),
    ("kl-diag-gaussian-code",
     "import numpy as np\ndef kl_diag_gaussians(mu1, var1, mu2, var2):\n"
     "    return float(0.5 * np.sum(var2 / var1 + (mu1 - mu2) ** 2 / var1 - 1 + "
     "np.log(var1 / var2)))\n",
     "draw 1", "arguments are swapped"),
])
def test_a_classic_slip_fails_where_it_should(cards, card_id, source, failing, feedback):
    result = CodeExercise(cards[card_id], 0).run(source)
    assert not result.correct
    if failing.startswith("check "):
        check = next(c for c in result.checks if c.name == failing.split()[1])
        assert not check.passed
    else:
        case = next(c for c in result.cases if c.label == failing)
        assert not case.passed
    assert feedback in result.feedback


def test_no_listed_slip_comes_within_1_percent_of_the_reference_or_another(cards):
    # the constraints keep every diagnosis unambiguous: on 100 reviews (300 draws a run shows,
    # 300 a submission is graded on, and their length-1 cases) of each card, no slip is
    # within 1% of the reference or another slip
    from trainer.coderun.check import slip_collisions

    for card in cards.values():
        for review in range(100):
            shown = CodeExercise(card, review)
            assert slip_collisions(shown) == [], (card.id, review)
            assert slip_collisions(shown.graded()) == [], (card.id, review, "graded")


def test_the_draws_of_a_review_differ_in_every_array_size(cards):
    # a function written for one size (x.sum() / 12, np.eye(3)) fails: in each set of draws
    # no length or width is the same on every draw, and on nearly every set none repeats
    from trainer.coderun.card import _same_size

    for card in cards.values():
        if card.id == "dpo-loss-code":  # numbers only
            continue
        repeats = 0
        for review in range(50):
            for ex in (CodeExercise(card, review), CodeExercise(card, review).graded()):
                sizes = [ex._sizes(d) for d in ex.draws]
                for column in zip(*sizes, strict=True):
                    assert max(column) < 0 or len(set(column)) > 1, (card.id, review, sizes)
                repeats += any(_same_size(sizes[i], sizes[:i]) for i in range(1, len(sizes)))
        assert repeats <= 2, card.id


@pytest.mark.parametrize("card_id, source", [
    ("bernoulli-mle-code",
     "import numpy as np\ndef bernoulli_mle(x):\n"
     "    return float(np.sum(x) / 12) if x.size > 1 else float(x[0])\n"),
    ("ridge-code",
     "import numpy as np\ndef ridge(X, y, lam):\n"
     "    return np.linalg.solve(X.T @ X + lam * np.eye(3), X.T @ y)\n"),
    ("softmax-cross-entropy-code",
     "import numpy as np\ndef softmax_cross_entropy(z, target):\n"
     "    m = np.max(z)\n"
     "    return float(m + np.log(np.exp(z - m) @ np.ones(5)) - z[target])\n"),
    ("kl-diag-gaussian-code",
     "import numpy as np\ndef kl_diag_gaussians(mu1, var1, mu2, var2):\n"
     "    t = var1 / var2 + (mu1 - mu2) ** 2 / var2 - 1.0 + np.log(var2 / var1)\n"
     "    return float(0.5 * t @ np.ones(4))\n"),
])
def test_a_function_written_for_one_size_fails_every_submission(cards, card_id, source):
    for review in range(6):
        assert not CodeExercise(cards[card_id], review).graded().run(source).correct, review


SWAPPED = ("import numpy as np\ndef beta_bernoulli_map(x, a, b):\n"
           "    return float((np.sum(x) + b - 1) / (x.size + a + b - 2))\n")


def test_swapping_a_and_b_fails_every_draw_with_its_feedback(cards):
    # a = b is never drawn: there the swap would be right
    for review in range(10):
        ex = CodeExercise(cards["beta-bernoulli-map-code"], review)
        assert all(d["a"] != d["b"] for d in ex.draws + ex.graded().draws)
        result = ex.graded().run(SWAPPED)
        assert not any(c.passed for c in result.cases), review
        assert "a and b are swapped" in result.feedback


@pytest.mark.parametrize("card_id, source, feedback", [
    # shifted by the minimum: every exponent is >= 0 and overflows once the logits spread
    ("logsumexp-code",
     "import numpy as np\ndef logsumexp(z):\n    m = np.min(z)\n"
     "    return float(m + np.log(np.sum(np.exp(z - m))))\n",
     "You shifted by the minimum"),
    ("softmax-cross-entropy-code",
     "import numpy as np\ndef softmax_cross_entropy(z, target):\n    m = np.min(z)\n"
     "    return float(m + np.log(np.sum(np.exp(z - m))) - z[target])\n",
     "You shifted by the minimum"),
    # the log of the softmax: the target's probability underflows to 0
    ("softmax-cross-entropy-code",
     "import numpy as np\ndef softmax_cross_entropy(z, target):\n"
     "    p = np.exp(z - np.max(z))\n    return float(-np.log(p[target] / p.sum()))\n",
     "You took the log of the softmax"),
    # -m + log(1 + e^m): stable for a negative margin, inf for a large positive one
    ("dpo-loss-code",
     "import numpy as np\ndef dpo_loss(logp_w, logp_l, ref_w, ref_l, beta):\n"
     "    m = beta * ((logp_w - ref_w) - (logp_l - ref_l))\n"
     "    return float(-m + np.log1p(np.exp(m)))\n",
     "overflows for a large positive margin"),
])
def test_a_slip_that_only_large_inputs_reveal_fails_on_every_review(cards, card_id, source,
                                                                    feedback):
    for review in range(3):
        result = CodeExercise(cards[card_id], review).run(source)
        assert not result.correct, (card_id, review)
        assert all(c.passed for c in result.cases if c.label.startswith("draw"))
        assert feedback in result.feedback


def test_a_function_right_on_the_length_1_case_only_is_wrong_not_hard(cards):
    # it reads x[0] alone: the length-1 case and both checks pass, 3 of 6 counted like a
    # derivation's steps, which suggested Hard; a wrong value is Again, however counted
    from trainer.scheduling import AGAIN

    source = "def bernoulli_mle(x):\n    return float(x[0])\n"
    for review in range(3):
        result = CodeExercise(cards["bernoulli-mle-code"], review).graded().run(source)
        assert [c.label for c in result.cases if c.passed] == ["length 1"]
        assert all(c.passed for c in result.checks)
        assert result.suggested_rating() == AGAIN
