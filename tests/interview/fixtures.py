"""Cards and a fake clock shared by the mock-interview tests."""

from __future__ import annotations

import threading

from trainer.decks.model import Card, FollowUp


class FakeClock:
    """Seconds that move only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def hold_the_grader(monkeypatch) -> threading.Event:
    """Make every grading wait until the test sets the returned event (a slow grader)."""
    from trainer.attempt import Attempt

    release = threading.Event()
    grade = Attempt.grade

    def held(self, text):
        assert release.wait(30)
        return grade(self, text)

    monkeypatch.setattr(Attempt, "grade", held)
    return release


WALL = 1_796_000_000.0  # 2026-11-29 UTC: dates the report


def recall(cid: str, tag: str, points: tuple[str, ...], prompt: str = "?", answer: str = "!",
           follow_ups: tuple[FollowUp, ...] = ()) -> Card:
    return Card(deck="grill", id=cid, kind="recall", prompt=prompt, answer=answer,
                key_points=points, tags=(tag,), follow_ups=follow_ups)


BIAS = recall(
    "mle-variance-bias", "mle",
    ("the MLE of the variance divides by n", "it is biased low by a factor (n-1)/n",
     "Bessel's correction divides by n-1"),
    prompt="Is the MLE of a Gaussian's variance unbiased?",
    answer="No: it divides by n, so E[σ̂²] = (n-1)/n σ²; dividing by n-1 removes the bias.",
    follow_ups=(
        FollowUp("Is the Bessel-corrected estimator's square root unbiased for σ?",
                 ("no, the square root is concave", "Jensen's inequality")),
        FollowUp("Which has lower mean squared error, dividing by n or by n-1?",
                 ("dividing by n has lower MSE", "bias-variance trade-off")),
    ),
)
KL = recall(
    "kl-direction", "kl",
    ("forward KL is mass-covering", "reverse KL is mode-seeking"),
    prompt="Forward or reverse KL: which one covers the modes?",
    answer="Forward KL(p||q) is mass-covering; reverse KL(q||p) is mode-seeking.",
)
MAP = recall(
    "map-ridge", "map",
    ("a Gaussian prior gives ridge", "a Laplace prior gives lasso"),
    prompt="Which priors give ridge and lasso?",
    answer="Gaussian prior: ridge (L2); Laplace prior: lasso (L1).",
)
MLE2 = recall("mle-invariance", "mle", ("the MLE is invariant under reparametrisation",),
              prompt="Is the MLE invariant?", answer="Yes.")


# A deck file of two recall cards (one with a follow-up) for the command line and the app
DECK = """\
deck: iv
title: Interview
cards:
  - id: kl
    kind: recall
    prompt: Which KL covers the modes?
    answer: Forward KL is mass-covering; reverse KL is mode-seeking.
    key_points: [forward KL is mass-covering, reverse KL is mode-seeking]
    tags: [kl]
    follow_ups:
      - question: Which one does variational inference minimise?
        key_points: [reverse KL]
  - id: ridge
    kind: recall
    prompt: Which prior gives ridge?
    answer: A Gaussian prior.
    key_points: [Gaussian prior]
    tags: [map]
"""
# ... and a third question, for a three-question interview in the app
DECK_OF_THREE = DECK + """\
  - id: bias
    kind: recall
    prompt: Is the MLE of the variance unbiased?
    answer: No, it divides by n.
    key_points: [divides by n, biased low]
    tags: [mle]
"""
