"""Solver plugins: the example package's functions are listed and callable; a broken one is reported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "trainer-solvers-example"


def _environment(tmp_path: Path, entry_points: str) -> dict[str, str]:
    """A site folder with an installed-looking distribution (a dist-info with entry points),
    so importlib.metadata finds the plugin without a pip install."""
    site = tmp_path / "site"
    info = site / "trainer_solvers_example-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: trainer-solvers-example\n"
                                   "Version: 0.1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    path = os.pathsep.join([str(site), str(EXAMPLE), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path}


def _trainer(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_a_plugin_function_is_listed_with_its_origin_and_a_deck_may_call_it(tmp_path):
    env = _environment(tmp_path, "[trainer.solvers]\nexample = trainer_solvers_example\n")
    proc = _trainer(env, "solvers", "geometric", "--json")
    assert proc.returncode == 0, proc.stderr
    (row,) = json.loads(proc.stdout)
    assert row["name"] == "geometric_mle" and row["origin"] == "trainer-solvers-example"
    assert row["example"]["value"] == 4 / 12  # 4 runs, 12 trials
    assert row["params"] == {"total": "trials over all runs, a whole number >= n",
                             "n": "number of runs, a whole number >= 1"}
    assert "[from trainer-solvers-example]" in _trainer(env, "solvers", "geometric").stdout

    deck = tmp_path / "geo.yaml"
    deck.write_text("deck: geo\ntitle: G\ncards:\n  - id: geo-mle\n    kind: numeric\n"
                    "    prompt: '{{n}} runs took {{t}} trials. The MLE of p?'\n"
                    "    params:\n      n: randint(3, 8)\n      t: randint(n + 1, 4*n)\n"
                    "    solve: geometric_mle(t, n)\n", encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = _trainer(env, "check", str(deck), "--seeds", "3")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_plugin_that_fails_to_import_is_reported_and_the_rest_works(tmp_path):
    env = _environment(tmp_path, "[trainer.solvers]\nbroken = no_such_module_anywhere\n")
    proc = _trainer(env, "solvers", "bernoulli_mle")
    assert proc.returncode == 0
    assert "bernoulli_mle(k, n)" in proc.stdout
    assert ("solver plugin 'broken' (package trainer-solvers-example) failed to load: "
            "ModuleNotFoundError") in proc.stderr

    deck = tmp_path / "needs.yaml"
    deck.write_text("deck: needs\ntitle: N\ncards:\n  - id: needs-plugin\n    kind: numeric\n"
                    "    prompt: p?\n    solve: geometric_mle(12, 4)\n",
                    encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 1
    assert "needs-plugin: solve 'geometric_mle(12, 4)'" in proc.stdout
    assert "solver plugin 'broken' (package trainer-solvers-example) failed to load" in (
        proc.stdout)


GEO_DECK = """\
deck: geo
title: G
requires: [trainer-solvers-example]
cards:
  - id: geo-mle
    kind: numeric
    prompt: '{{n}} runs took {{t}} trials. The MLE of p?'
    params:
      n: randint(3, 8)
      t: randint(n + 1, 4*n)
    solve: geometric_mle(t, n)
  - id: geo-fixed
    kind: numeric
    prompt: 4 runs took 12 trials. The MLE of p?
    solve: geometric_mle(12, 4)
    mistakes:
      - answer: geometric_mle(12, 3)
        feedback: There were 4 runs.
  - id: plain
    kind: numeric
    prompt: 3 heads in 10 flips. The MLE of p?
    solve: bernoulli_mle(3, 10)
"""


def test_validate_names_a_missing_required_plugin_once_for_all_its_cards(tmp_path):
    deck = tmp_path / "geo.yaml"
    deck.write_text(GEO_DECK, encoding="utf-8")
    proc = _trainer({**os.environ}, "validate", str(deck))
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        f"{deck}:3:12: requires the solver plugin 'trainer-solvers-example', which is not "
        "installed (pip install trainer-solvers-example); 2 cards calling geometric_mle are "
        "left out until it loads (geo-fixed, geo-mle)"]


def test_validate_says_a_required_plugin_failed_to_load(tmp_path):
    env = _environment(tmp_path, "[trainer.solvers]\nexample = no_such_module_anywhere\n")
    deck = tmp_path / "geo.yaml"
    deck.write_text(GEO_DECK.replace("solve: bernoulli_mle(3, 10)", "solve: bernouli_mle(3, 10)"),
                    encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(
        f"{deck}:3:12: requires the solver plugin 'trainer-solvers-example', which failed to "
        "load: ModuleNotFoundError: No module named 'no_such_module_anywhere'; 3 cards calling "
        "bernouli_mle, geometric_mle are left out until it loads")
    assert len(lines) == 1  # the misspelt built-in is named there too, not once per card


def test_a_deck_whose_required_plugin_is_installed_validates_and_a_typo_is_its_cards(tmp_path):
    env = _environment(tmp_path, "[trainer.solvers]\nexample = trainer_solvers_example\n")
    deck = tmp_path / "geo.yaml"
    deck.write_text(GEO_DECK, encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the deck is cached as clean; without the plugin it is not taken from the cache
    proc = _trainer({**os.environ}, "validate", str(deck))
    assert proc.returncode == 1 and "which is not installed" in proc.stdout
    deck.write_text(GEO_DECK.replace("geometric_mle(12, 4)", "geometric_ml(12, 4)"),
                    encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 1
    (line,) = proc.stdout.splitlines()
    assert line.startswith(f"{deck}:15:12: geo-fixed: solve 'geometric_ml(12, 4)'")
    assert "did you mean 'geometric_mle'" in line


def test_a_deck_calling_a_plugin_without_requires_is_checked_again_once_the_plugin_is_gone(
        tmp_path):
    env = _environment(tmp_path, "[trainer.solvers]\nexample = trainer_solvers_example\n")
    deck = tmp_path / "geo.yaml"
    deck.write_text(GEO_DECK.replace("requires: [trainer-solvers-example]\n", ""),
                    encoding="utf-8")
    proc = _trainer(env, "validate", str(deck))
    assert proc.returncode == 0, proc.stdout + proc.stderr  # checked clean, and cached
    # the plugin removed: the cached deck is not trusted, its calls are unknown again
    proc = _trainer({**os.environ}, "validate", str(deck))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "geo-mle: solve 'geometric_mle(t, n)'" in proc.stdout
    assert "`trainer solvers` lists the solver functions" in proc.stdout
