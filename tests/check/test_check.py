"""`trainer check`: the shipped content is proven, and broken cards are caught."""

from __future__ import annotations

import json
from argparse import Namespace
from collections import Counter
from pathlib import Path

import pytest

from trainer.check import check_decks, run
from trainer.decks import load_decks

CONTENT = Path(__file__).parents[2] / "content"


@pytest.fixture(scope="module")
def shipped():
    result = load_decks([CONTENT])
    assert result.problems == []
    return result


def test_the_shipped_exercises_validate_and_pass_check():
    failures = check_decks([CONTENT], seeds=3)
    assert failures == [], "\n".join(map(str, failures))


def test_the_shipped_exercise_deck_covers_the_syllabus_counts(shipped):
    (deck,) = [d for d in shipped.decks if d.id == "mle-map-exercises"]
    assert deck.title == "MLE & MAP: derivation exercises"
    kinds = Counter(c.kind for c in deck.cards)
    assert kinds["numeric"] >= 20 and kinds["symbolic"] >= 12 and kinds["derivation"] >= 6
    assert sum(kinds.values()) >= 40
    for card in deck.cards:
        assert card.solution, card.id
        assert card.tags and "B" in card.tags, card.id
        if card.kind == "derivation":
            assert 2 <= len(card.steps) <= 4
        if card.kind == "numeric":
            assert "decimal" in card.prompt, card.id
        if card.kind in ("symbolic", "derivation"):
            steps = card.steps or (card,)
            for s in steps:
                if s.kind == "symbolic":
                    assert s.solve, f"{card.id}: a symbolic answer must be checked by a solver"


def test_every_reference_comes_from_the_registry(shipped):
    from trainer.registry import REGISTRY

    for card in shipped.cards:
        for s in (card.steps or (card,)) if card.graded else ():
            assert s.solve and any(name + "(" in s.solve for name in REGISTRY), card.id


BROKEN = r"""
deck: broken
title: Broken
cards:
  - id: wrong-formula
    kind: symbolic
    prompt: Fisher information of a Bernoulli.
    symbols: {p: "(0,1)"}
    answer: 1/p
    solve: fisher_bernoulli(p)
  - id: mistake-equals-reference
    kind: numeric
    prompt: "{{k}} of {{n}}. Decimal or fraction."
    params:
      n: randint(10, 20)
      k: randint(1, n - 1)
    solve: bernoulli_mle(k, n)
    mistakes:
      - answer: k/n
        feedback: This is actually the right answer.
  - id: symbolic-mistake-is-right
    kind: symbolic
    prompt: Score.
    symbols: {p: "(0,1)", k: nonnegative integer, n: positive integer}
    answer: k/p - (n - k)/(1 - p)
    solve: bernoulli_score(p, k, n)
    mistakes:
      - answer: (k - n*p)/(p*(1 - p))
        feedback: Also right, so not a mistake.
  - id: precision-too-coarse
    kind: numeric
    prompt: "{{k}} of {{n}}. Decimal or fraction."
    params:
      n: 6
      k: 1
    solve: bernoulli_mle(k, n)
    tolerance: {rtol: 0.05}
    mistakes:
      - answer: k/n + 0.006
        feedback: 0.17267 is not 1/6 to 2 figures, but typed to 2 figures it is 0.17.
  - id: unfilled
    kind: numeric
    prompt: "{{k}} heads"
    params:
      k: randint(1, 5)
      n: 10
    solve: bernoulli_mle(k, n)
    solution: "Use {{m}} here."
  - id: good
    kind: numeric
    prompt: "{{k}} of {{n}}. Decimal or fraction."
    params:
      n: randint(10, 20)
      k: randint(1, n - 1)
    solve: bernoulli_mle(k, n)
"""


@pytest.fixture
def broken(write_deck) -> Path:
    return write_deck(BROKEN, "broken.yaml")


def by_card(failures):
    out: dict[str, list] = {}
    for f in failures:
        out.setdefault(f.card, []).append(f)
    return out


def test_a_symbolic_answer_that_disagrees_with_its_solver_is_caught(broken):
    found = by_card(check_decks([broken], seeds=2))["broken/wrong-formula"]
    assert any("disagrees with solve" in f.message for f in found)
    assert all(f.seed is not None and f.review is not None for f in found)
    assert "broken/wrong-formula" in str(found[0]) and f"seed {found[0].seed}" in str(found[0])


def test_a_mistake_equal_to_the_reference_is_caught_with_card_and_seed(broken):
    found = by_card(check_decks([broken], seeds=2))["broken/mistake-equals-reference"]
    assert len(found) == 2 and {f.review for f in found} == {0, 1}
    for f in found:
        assert "equals the reference" in f.message and f.seed is not None
        assert str(f).startswith(f"{broken}:")
        assert f"review {f.review} (seed {f.seed})" in str(f)


def test_a_stated_precision_too_coarse_to_tell_a_mistake_apart_is_caught(broken):
    found = by_card(check_decks([broken], seeds=1))["broken/precision-too-coarse"]
    assert any("2 significant figures can not tell the mistake" in f.message for f in found)


def test_a_symbolic_mistake_that_is_right_is_caught(broken):
    found = by_card(check_decks([broken], seeds=1))["broken/symbolic-mistake-is-right"]
    assert any("is equivalent to the answer" in f.message for f in found)


def test_a_placeholder_that_can_not_be_filled_is_caught(broken):
    found = by_card(check_decks([broken], seeds=1))["broken/unfilled"]
    assert found and all("placeholder" in f.message for f in found)


def test_a_good_card_next_to_broken_ones_passes(broken):
    assert "broken/good" not in by_card(check_decks([broken], seeds=3))


def test_run_exit_codes_and_json(broken, write_deck, capsys):
    assert run(Namespace(paths=[broken], seeds=1, json=False)) == 1
    out = capsys.readouterr()
    assert "broken/wrong-formula" in out.out and "failures" in out.err
    assert run(Namespace(paths=[broken], seeds=1, json=True)) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"path", "line", "card", "message", "seed", "review", "step"} <= set(data[0])
    good = write_deck(BROKEN.split("  - id: wrong-formula")[0]
                      + "  - id: good" + BROKEN.split("  - id: good")[1], "good.yaml")
    assert run(Namespace(paths=[good], seeds=2, json=False)) == 0
    assert capsys.readouterr().out.startswith("ok: 1 graded cards")
    assert run(Namespace(paths=[good], seeds=2, json=True)) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_run_on_the_default_decks_uses_the_shipped_content(capsys, monkeypatch):
    # which decks it checks (checking the shipped ones is the test above's, and CI's)
    import trainer.check

    asked = []

    def check(paths, seeds, stats):
        asked.append([Path(p).resolve() for p in paths])
        return []

    monkeypatch.setattr(trainer.check, "check_decks", check)
    assert run(Namespace(paths=[], seeds=1, json=False)) == 0
    assert asked == [[CONTENT.resolve()]]  # the user's deck folder is not there yet
    assert "ok:" in capsys.readouterr().out


def test_references_are_computed_from_the_printed_numbers(shipped):
    card = next(c for c in shipped.cards if c.id == "fisher-information-bernoulli-value")
    from trainer.exercises import instantiate

    for review in range(10):
        ex = instantiate(card, review)
        printed = float(ex.prompt.split("$p = ")[1].split("$")[0])
        assert ex.reference(0).value == 1 / (printed * (1 - printed))


REPEATED = """\
deck: grouped
title: G
cards:
  - id: same-as-mle
    kind: numeric
    prompt: "{{k}} of {{n}}"
    params:
      n: randint(10, 14)
      k: randint(1, n - 1)
    solve: bernoulli_mle(k, n)
    mistakes:
      - answer: k/n
        feedback: Identical to the reference on every draw.
      - answer: k/(n + abs(n - 12))
        feedback: Equal to the reference only when n = 12.
"""


def test_failures_are_grouped_by_card_and_kind_and_verbose_shows_every_draw(write_deck, capsys):
    path = write_deck(REPEATED, "grouped.yaml")
    failures = check_decks([path], seeds=12)
    always = [f for f in failures if "'k/n'" in f.message]
    halves = [f for f in failures if "'k/(n + abs(n - 12))'" in f.message]
    assert len(always) == 12 and 0 < len(halves) < 12  # several draws of two kinds

    assert run(Namespace(paths=[path], seeds=12, json=False)) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert len(lines) == 2  # one line per kind, not one per draw
    assert lines[0].startswith(f"{path}:4: grouped/same-as-mle: 12 of 12 draws fail "
                               f"(first: seed {always[0].seed}): the mistake 'k/n'")
    assert f"{len(halves)} of 12 draws fail (first: seed {halves[0].seed})" in lines[1]
    assert f"trainer preview {path}:same-as-mle --seed {always[0].seed}" in out.err

    assert run(Namespace(paths=[path], seeds=12, json=False, verbose=True)) == 1
    assert len(capsys.readouterr().out.splitlines()) == len(failures)
