"""Shared fixtures: no test ever touches the learner's real data or config folders."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests assert behaviour, not speed: no per-example deadline (200 ms by default) and
# no complaint that drawing examples is slow, which a busy CI machine turns into failures
settings.register_profile("trainer", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("trainer")


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "user"
    monkeypatch.setenv("TRAINER_DB", str(home / "trainer.db"))
    monkeypatch.setenv("TRAINER_DECKS", str(home / "decks"))
    monkeypatch.setenv("TRAINER_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("TRAINER_CACHE", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    return home


@pytest.fixture(autouse=True)
def unhurried_grading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests assert verdicts, not speed: a busy CI machine may pause a process for seconds,
    which must not turn a verdict into 'undecided' (bench/run.py measures the deadline)."""
    from trainer.grading import grader

    monkeypatch.setattr(grader, "DEADLINE_SECONDS", 60.0)


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    """Local time is UTC for the test (study days start at a local hour)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def notifications():
    """Record what an app tells the learner, through its public notify(): call it on the app
    before running it, and read the list it returns."""
    from types import SimpleNamespace

    def record(app) -> list:
        seen: list = []
        shown = app.notify

        def notify(message, *, title="", severity="information", **kw):
            seen.append(SimpleNamespace(message=message, title=title, severity=severity))
            return shown(message, title=title, severity=severity, **kw)

        app.notify = notify
        return seen

    return record


@pytest.fixture
def write_deck(tmp_path: Path):
    """Write a deck file from YAML text and return its path."""

    def write(text: str, name: str = "deck.yaml") -> Path:
        path = tmp_path / "decks" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


RECALL_DECK = """\
deck: basics
title: Basics
cards:
  - id: likelihood
    kind: recall
    prompt: What is a likelihood?
    answer: $p(x \\mid \\theta)$ as a function of $\\theta$.
    key_points: [function of theta, data fixed]
    tags: [mle]
  - id: log-likelihood
    kind: recall
    prompt: Why the log?
    answer: Monotone, sums, no underflow.
    key_points: [monotone, underflow]
    tags: [mle]
  - id: map
    kind: recall
    prompt: What is MAP?
    answer: argmax of log-likelihood plus log-prior.
    key_points: [log prior]
    tags: [map]
"""


GRADED_DECK = r"""
deck: graded
title: Graded
cards:
  - id: coin
    kind: numeric
    prompt: A coin shows {{k}} heads in {{n}} tosses. Give the MLE of $p$.
    params:
      n: randint(10, 40)
      k: randint(1, n - 1)
    solve: k/n
    solution: $\hat p = k/n = {{k}}/{{n}}$.
    mistakes:
      - answer: (k + 1)/(n + 2)
        feedback: That is the posterior mean under a uniform prior, not the MLE.
  - id: map-formula
    kind: symbolic
    prompt: Give the posterior mode of $p$ under a Beta($\alpha$, $\beta$) prior after $k$ heads in $n$ tosses.
    symbols: "k: nonnegative integer; n: positive integer; alpha: positive; beta: positive"
    answer: (k + alpha - 1)/(n + alpha + beta - 2)
    mistakes:
      - answer: (k + alpha)/(n + alpha + beta)
        feedback: That is the posterior mean; the mode subtracts one pseudo-count from each side.
  - id: two-steps
    kind: derivation
    prompt: Bernoulli, $k$ heads in $n$ tosses.
    symbols: "k: nonnegative integer; n: positive integer; p: (0,1)"
    steps:
      - prompt: The log-likelihood $\ell(p)$.
        kind: symbolic
        answer: k*log(p) + (n - k)*log(1 - p)
      - prompt: The score $\ell'(p)$.
        kind: symbolic
        answer: k/p - (n - k)/(1 - p)
    solution: Set the score to zero to get $k/n$.
"""


@pytest.fixture
def graded_deck(write_deck) -> Path:
    return write_deck(GRADED_DECK, "graded.yaml")


@pytest.fixture
def recall_deck(write_deck) -> Path:
    return write_deck(RECALL_DECK, "basics.yaml")


@pytest.fixture
def make_app():
    """Build the study app on given decks and database, with fuzzing and warm-up off."""
    from trainer.config import Settings
    from trainer.decks import load_decks
    from trainer.scheduling import Scheduler
    from trainer.store import Store
    from trainer.tui.app import TrainerApp

    def make(deck: Path, db: Path, **kw):
        return TrainerApp(store=Store.open(db), load_result=load_decks([deck]),
                          settings=kw.pop("settings", Settings()),
                          scheduler=Scheduler(fuzz=False), warm_up=False, **kw)

    return make
