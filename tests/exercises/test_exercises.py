"""Exercises: steps, grading against solver references, mistakes, previews."""

from __future__ import annotations

from fractions import Fraction

import pytest

from trainer.decks import load_text
from trainer.exercises import Graded, instantiate
from trainer.exercises.exercise import format_number, substitute

DECK = r"""
deck: e
title: E
cards:
  - id: map
    kind: numeric
    prompt: Beta({{a}}, {{b}}) prior, {{k}} of {{n}}. MAP? Decimal or fraction.
    params:
      n: randint(10, 40)
      k: randint(0, n)
      a: randint(2, 5)
      b: randint(2, 5)
    constraints: ["abs(2*k + a - n - b) >= 4"]
    solve: beta_bernoulli_map(k, n, a, b)
    mistakes:
      - answer: beta_bernoulli_mean(k, n, a, b)
        feedback: That is the posterior mean ({{k + a}}/{{n + a + b}}).
  - id: fisher
    kind: symbolic
    prompt: Fisher information of Bernoulli(p) for n flips.
    params:
      n: randint(5, 9)
    symbols: {p: "(0,1)"}
    answer: n/(p*(1 - p))
    solve: n*fisher_bernoulli(p)
    mistakes:
      - answer: p*(1 - p)/n
        feedback: That is the bound, not the information.
  - id: deriv
    kind: derivation
    prompt: Bernoulli with {{N}} flips.
    params:
      N: randint(10, 20)
      q: uniform(0.1, 0.9, 1)
    symbols: {p: "(0,1)", n: positive integer}
    steps:
      - prompt: CRLB formula?
        kind: symbolic
        answer: p*(1 - p)/n
        solve: crlb_bernoulli(p, n)
      - prompt: Its value at p = {{q}} and n = {{N}}?
        kind: numeric
        solve: crlb_bernoulli(q, N)
        hint: Use {{N}}.
    solution: $p(1-p)/n$ = {{q*(1 - q)/N}}.
"""


def cards():
    deck, problems = load_text(DECK, "e.yaml")
    assert problems == [] and deck is not None
    return {c.id: c for c in deck.cards}


def test_a_numeric_card_has_one_step_with_the_card_prompt():
    ex = instantiate(cards()["map"], 0)
    (step,) = ex.steps
    assert step.kind == "numeric" and step.prompt == ex.prompt and step.symbols == {}


def test_the_reference_is_accepted_and_shown():
    ex = instantiate(cards()["map"], 3)
    p = ex.params
    exact = Fraction(p["k"] + p["a"] - 1, p["n"] + p["a"] + p["b"] - 2)
    g = ex.grade(0, f"{exact.numerator}/{exact.denominator}")
    assert isinstance(g, Graded) and g.verdict == "correct"
    assert g.reference.split("≈")[-1].strip() == f"{float(exact):.6g}"


def test_a_known_mistake_is_rejected_with_its_filled_feedback():
    ex = instantiate(cards()["map"], 3)
    p = ex.params
    g = ex.grade(0, f"({p['k']} + {p['a']})/({p['n']} + {p['a']} + {p['b']})")
    assert g.verdict == "incorrect"
    assert g.feedback == f"That is the posterior mean ({p['k'] + p['a']}/{p['n'] + p['a'] + p['b']})."


@pytest.mark.parametrize("text", ["", "3/", "__import__('os')", "lambda: 1", "x" * 5000])
def test_bad_text_is_invalid_never_an_exception(text):
    g = instantiate(cards()["map"], 0).grade(0, text)
    assert g.verdict == "invalid" and g.message


def test_a_symbolic_card_substitutes_its_params():
    ex = instantiate(cards()["fisher"], 2)
    n = ex.params["n"]
    assert ex.steps[0].kind == "symbolic" and ex.steps[0].symbols == {"p": "(0,1)"}
    assert ex.grade(0, f"{n}/(p - p^2)").verdict == "correct"
    assert ex.grade(0, f"{n + 1}/(p*(1-p))").verdict == "incorrect"
    g = ex.grade(0, f"p(1-p)/{n}")
    assert g.verdict == "incorrect" and g.feedback == "That is the bound, not the information."
    assert g.reference == f"{n}/(p·(1 − p))"


def test_derivation_steps_are_graded_one_by_one():
    ex = instantiate(cards()["deriv"], 1)
    p = ex.params
    assert [s.kind for s in ex.steps] == ["symbolic", "numeric"]
    assert ex.steps[1].prompt == f"Its value at p = {p['q']} and n = {p['N']}?"
    assert ex.steps[1].hint == f"Use {p['N']}."
    assert ex.steps[0].symbols == {"p": "(0,1)", "n": "positive integer"}
    assert ex.grade(0, "p(1-p)/n").verdict == "correct"
    assert ex.grade(0, "n/(p(1-p))").verdict == "incorrect"
    assert ex.grade(1, f"{p['q']}*(1-{p['q']})/{p['N']}").verdict == "correct"
    assert "{{" not in (ex.solution or "")


def test_preview_is_cheap_and_reports_errors():
    ex = instantiate(cards()["deriv"], 0)
    assert ex.preview(0, "p(1-p)/n") == (True, "p·(1 − p)/n")
    ok, message = ex.preview(0, "p(1-p)/m")
    assert not ok and "'m'" in message
    assert ex.preview(1, "1/4")[0]
    assert ex.preview(1, "p")[0] is False  # a numeric step declares no symbols


def test_a_broken_reference_is_undecided_not_a_crash():
    deck, problems = load_text(DECK.replace("solve: beta_bernoulli_map(k, n, a, b)",
                                            "solve: beta_bernoulli_map(k, n, a, b)/0"), "e.yaml")
    ex = instantiate(deck.cards[0], 0)
    g = ex.grade(0, "1/2")
    assert g.verdict == "undecided" and "reference" in g.message


def test_format_number():
    assert format_number(0.25) == "0.25"
    assert format_number(4 / 7) == "4/7 ≈ 0.571429"
    assert format_number(3.0) == "3"
    assert format_number(0.1234567891) == "0.123457"


def test_substitute_writes_params_into_a_formula():
    text = substitute("n/(p*(1 - p)) + a^2", {"p": "(0,1)"}, {"n": 7, "a": -0.5})
    assert text == "(((7)/(p*(1 - p))) + ((-0.5))^(2))"


def test_a_recall_card_instantiates_with_no_steps():
    deck, _ = load_text("deck: r\ntitle: R\ncards:\n  - id: q\n    kind: recall\n"
                        "    prompt: Why?\n    answer: Because.\n", "r.yaml")
    ex = instantiate(deck.cards[0], 0)
    assert ex.steps == [] and ex.prompt == "Why?" and ex.params == {}
