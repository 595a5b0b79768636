"""validate_card: deck expressions are parsed, never executed, and problems are messages."""

from __future__ import annotations

import subprocess
import sys

import pytest

from trainer.decks import load_text
from trainer.exercises import validate_card

TEMPLATE = """
deck: v
title: V
cards:
  - id: c
    kind: numeric
    prompt: "{{k}} of {{n}}"
    params:
      n: randint(10, 20)
      k: PARAM
    constraints: ["k < n"]
    solve: SOLVE
    mistakes:
      - answer: MISTAKE
        feedback: no
"""


def messages(param="randint(1, n)", solve="bernoulli_mle(k, n)", mistake="k/(n+1)",
             prompt=None) -> list[str]:
    text = (TEMPLATE.replace("PARAM", param).replace("SOLVE", solve)
            .replace("MISTAKE", mistake))
    if prompt is not None:
        text = text.replace('"{{k}} of {{n}}"', prompt)
    deck, problems = load_text(text, "v.yaml")
    assert problems == [] and deck is not None, problems
    return validate_card(deck.cards[0])


def test_a_good_card_has_no_problems():
    assert messages() == []


@pytest.mark.parametrize("param", [
    "__import__('os').system('touch /tmp/pwned')",
    "lambda: 1",
    "().__class__",
    "open('/etc/passwd')",
    "eval('1')",
])
def test_hostile_params_are_problems_not_code(param, tmp_path):
    found = messages(param=f'"{param}"')
    assert found and any("param 'k'" in m for m in found)


def test_hostile_params_never_run_even_when_instantiated(tmp_path):
    marker = tmp_path / "pwned"
    text = TEMPLATE.replace("PARAM", f"\"__import__('os').system('touch {marker}')\"")
    text = text.replace("SOLVE", "k/n").replace("MISTAKE", "k")
    deck, _ = load_text(text, "v.yaml")
    from trainer.exercises import ExerciseError, instantiate

    with pytest.raises(ExerciseError):
        instantiate(deck.cards[0], 0)
    assert not marker.exists()


def test_unknown_solver_and_wrong_arity_are_reported():
    assert any("not a declared symbol or a known function" in m
               for m in messages(solve="bernouli_mle(k, n)"))
    assert any("takes 2 to 2 arguments, not 3" in m or "takes 2 arguments" in m
               for m in messages(solve="bernoulli_mle(k, n, n)"))


def test_random_functions_are_not_allowed_in_solve_and_registry_ones_not_in_params():
    assert messages(solve="randint(1, n)")
    assert messages(param="bernoulli_mle(1, n)")


def test_mistakes_and_placeholders_are_checked():
    assert any("mistake" in m for m in messages(mistake="k/m"))
    assert any("placeholder" in m for m in messages(prompt='"{{m}} of {{n}}"'))


def test_implicit_splits_in_deck_expressions_are_problems():
    assert any("write the operators explicitly" in m for m in messages(solve="kn"))


def test_symbolic_cards_need_an_answer_and_declared_symbols():
    text = """
deck: s
title: S
cards:
  - id: s
    kind: symbolic
    prompt: p
    symbols: {p: "(0,1)", q: "wibble"}
    solve: fisher_bernoulli(p)
"""
    deck, problems = load_text(text, "s.yaml")
    assert [p.message for p in problems] == [
        "a symbolic card needs 'answer': the formula it is graded against"
    ]
    deck, problems = load_text(text + "    answer: 1/(p*(1-p))\n", "s.yaml")
    assert problems == []
    assert any("unknown domain" in m for m in validate_card(deck.cards[0]))


def test_a_param_may_not_shadow_a_function():
    deck, _ = load_text(TEMPLATE.replace("k: PARAM", "k: randint(1, n)\n      sum: 1")
                        .replace("SOLVE", "k/n").replace("MISTAKE", "k"), "v.yaml")
    assert any("taken by a function" in m for m in validate_card(deck.cards[0]))


def test_validation_loads_neither_numpy_nor_sympy():
    code = (
        "import sys\n"
        "from trainer.decks import load_decks\n"
        "from trainer.exercises import validate_card\n"
        "cards = load_decks(['content']).cards\n"
        "assert cards and all(validate_card(c) == [] for c in cards)\n"
        "print('numpy' in sys.modules, 'sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=__import__("pathlib").Path(__file__).parents[2])
    assert out.stdout.split() == ["False", "False"]
