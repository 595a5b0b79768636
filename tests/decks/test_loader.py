"""The deck loader: what an author sees for every kind of mistake, with its position."""

from __future__ import annotations

from pathlib import Path

from trainer.decks import load_decks, load_text

GOOD = """\
deck: d
title: D
cards:
  - id: a
    kind: recall
    prompt: Q?
    answer: A.
"""


def problems(text: str) -> list[str]:
    deck, found = load_text(text, "d.yaml")
    return [str(p) for p in found]


def test_a_valid_deck_loads_with_positions_and_keys():
    deck, found = load_text(GOOD, "d.yaml")
    assert found == []
    assert deck is not None and deck.id == "d" and deck.title == "D"
    (card,) = deck.cards
    assert (card.key, card.kind, card.line, card.path) == ("d/a", "recall", 4, "d.yaml")


def test_unknown_field_names_the_closest_known_one():
    text = GOOD.replace("    answer: A.", "    answer: A.\n    key_pionts: [x]")
    assert problems(text) == [
        "d.yaml:8:5: a: unknown field 'key_pionts' (did you mean 'key_points'?)"
    ]


def test_missing_required_field_is_named():
    assert problems(GOOD.replace("    prompt: Q?\n", "")) == [
        "d.yaml:4:5: a: missing required field 'prompt'"
    ]


def test_duplicate_id_names_both_places(tmp_path: Path):
    text = GOOD + "  - id: a\n    kind: recall\n    prompt: Other?\n    answer: B.\n"
    assert problems(text) == ["d.yaml:8:5: a: duplicate id 'a': also at d.yaml:4"]


def test_duplicate_id_across_decks_names_both_files(write_deck):
    first = write_deck(GOOD, "one.yaml")
    second = write_deck(GOOD.replace("deck: d", "deck: e"), "two.yaml")
    result = load_decks([first, second])
    assert [str(p) for p in result.problems] == [
        f"{second}:4:5: a: duplicate id 'a': also at {first}:4"
    ]
    assert len(result.cards) == 1


def test_yaml_syntax_error_points_at_its_line():
    (line,) = problems(GOOD.replace("prompt: Q?", "prompt: [Q?"))
    assert line.startswith("d.yaml:7:") and "YAML syntax error" in line


def test_python_tags_are_refused_without_running_anything(tmp_path: Path):
    marker = tmp_path / "ran"
    text = GOOD + f"  - !!python/object/apply:os.system ['touch {marker}']\n"
    (line,) = problems(text)
    assert "d.yaml:8:5" in line and "not allowed" in line
    assert not marker.exists()


def test_alias_bomb_is_refused_without_expanding():
    bomb = "deck: d\ntitle: D\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for i in range(1, 12):
        bomb += f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n"
    bomb += "cards: []\n"
    (line,) = problems(bomb)
    assert "anchors and aliases" in line


def test_unknown_kind_and_bad_difficulty():
    text = GOOD.replace("kind: recall", "kind: recal")
    assert problems(text) == [
        "d.yaml:5:11: a: unknown kind 'recal' (did you mean 'recall'?); one of recall, "
        "numeric, symbolic, derivation, code"
    ]
    text = GOOD + "    difficulty: 5\n"
    assert problems(text) == ["d.yaml:8:17: a: difficulty must be 1, 2 or 3"]


def test_graded_cards_have_their_shape_checked():
    text = """\
deck: g
title: G
cards:
  - id: n1
    kind: numeric
    prompt: p
  - id: s1
    kind: symbolic
    prompt: p
    answer: k/n
  - id: d1
    kind: derivation
    prompt: p
    steps:
      - prompt: only one
        kind: numeric
        solve: bernoulli_mle(3, 10)
"""
    assert problems(text) == [
        "d.yaml:4:5: n1: a numeric card needs 'solve': the solver that computes its answer",
        "d.yaml:7:5: s1: a symbolic card needs 'symbols' with their domains",
        "d.yaml:15:7: d1: a derivation has 2 to 4 steps, not 1",
    ]


def test_a_field_of_another_kind_is_reported():
    assert problems(GOOD + "    steps: []\n") == [
        "d.yaml:8:5: a: field 'steps' does not belong on a recall card"
    ]


def test_a_broken_deck_does_not_stop_the_others(write_deck):
    good = write_deck(GOOD, "good.yaml")
    bad = write_deck("deck: [oops\n", "bad.yaml")
    result = load_decks([good, bad])
    assert [d.id for d in result.decks] == ["d"]
    assert len(result.problems) == 1 and str(result.problems[0]).startswith(f"{bad}:")


def test_editing_text_changes_the_content_hash_but_not_the_key():
    before, _ = load_text(GOOD, "d.yaml")
    after, _ = load_text(GOOD.replace("A.", "A, better."), "d.yaml")
    assert before.cards[0].key == after.cards[0].key
    assert before.cards[0].content_hash != after.cards[0].content_hash


def test_symbols_accept_a_string_spec_or_a_mapping():
    text = """\
deck: g
title: G
cards:
  - id: s1
    kind: symbolic
    prompt: p
    answer: k/n
    symbols: "k: nonnegative integer; n: positive integer"
  - id: s2
    kind: symbolic
    prompt: p
    answer: k/n
    symbols: {k: nonnegative integer, n: positive integer}
"""
    deck, found = load_text(text, "d.yaml")
    assert found == []
    assert deck.cards[0].symbols == deck.cards[1].symbols == {
        "k": "nonnegative integer", "n": "positive integer"}


def test_non_utf8_and_missing_files_are_problems(write_deck, tmp_path: Path):
    path = write_deck("", "latin.yaml")
    path.write_bytes(b"deck: caf\xe9\n")
    result = load_decks([path, tmp_path / "nope.yaml"])
    messages = [p.message for p in result.problems]
    assert any("not UTF-8" in m for m in messages)
    assert "no such file or folder" in messages


def test_the_fast_and_the_exact_parser_build_the_same_cards():
    from trainer.decks import loader

    text = GOOD + """\
  - id: b
    kind: numeric
    prompt: "k = {{k}}"
    params:
      k: randint(1, 5)
    solve: bernoulli_mle(k, 10)
    tolerance:
      rtol: 1e-3
    tags: [yes, 'no']
    mistakes:
      - answer: (k+1)/12
        feedback: |
          That is the posterior mean.
"""
    fast_root = loader._fast_root(text)
    assert fast_root is not None  # this deck takes the fast path
    fast, problems = loader._read_deck(fast_root, "d.yaml")
    assert problems == []
    from trainer.decks.exact import compose

    exact, problems = loader._read_deck(compose(text, "d.yaml"), "d.yaml")
    assert problems == []
    assert fast == exact
    assert fast.cards[1].tolerance == {"rtol": 1e-3} and fast.cards[1].tags == ("yes", "no")


def test_repeated_keys_are_reported_even_though_the_fast_parser_keeps_the_last():
    text = GOOD + "    answer: B.\n"
    assert problems(text) == ["d.yaml:8:5: a: duplicate key 'answer' (first at line 7)"]


def test_an_expression_problem_points_at_the_field_not_the_card(write_deck):
    from trainer.catalog import load_catalog

    path = write_deck("deck: m\ntitle: M\ncards:\n  - id: a\n    kind: numeric\n"
                      "    prompt: What is {{q}}?\n    params:\n      n: randint(2)\n"
                      "    solve: bernoulli_mle(n, n)\n    mistakes:\n      - answer: nope(n)\n"
                      "        feedback: x\n", "m.yaml")
    where = {(p.line, p.col): p.message for p in load_catalog([path]).problems}
    assert "randint() takes 2 arguments" in where[(8, 10)]
    assert "placeholder 'q'" in where[(6, 13)]
    assert "'nope'" in where[(11, 17)]


def test_a_misspelt_kind_is_one_problem_not_a_cascade(write_deck):
    path = write_deck("deck: m\ntitle: M\ncards:\n  - id: a\n    kind: numerc\n    prompt: P\n"
                      "    params:\n      n: randint(2, 9)\n    solve: n\n", "m.yaml")
    (problem,) = load_decks([path]).problems
    assert "did you mean 'numeric'" in problem.message


FOLLOW_UPS = GOOD + """\
    follow_ups:
      - question: And with a prior?
        key_points: [the MAP adds the log-prior, it is a penalty]
        answer: |
          Add $\\log p(\\theta)$.
      - question: Why the log?
        key_points:
          - sums are stabler than products
"""


def test_follow_ups_load_on_a_recall_card_by_either_parser():
    from trainer.decks import FollowUp, loader
    from trainer.decks.exact import compose

    fast_root = loader._fast_root(FOLLOW_UPS)
    assert fast_root is not None
    fast, found = loader._read_deck(fast_root, "d.yaml")
    exact, again = loader._read_deck(compose(FOLLOW_UPS, "d.yaml"), "d.yaml")
    assert found == again == [] and fast == exact
    assert fast.cards[0].follow_ups == (
        FollowUp("And with a prior?", ("the MAP adds the log-prior", "it is a penalty"),
                 "Add $\\log p(\\theta)$.\n"),
        FollowUp("Why the log?", ("sums are stabler than products",)),
    )
    assert exact.cards[0].follow_ups[1].line == 13


def test_a_broken_follow_up_is_located_at_its_field():
    text = FOLLOW_UPS.replace("      - question: Why the log?\n", "      - question:\n")
    text = text.replace("        answer: |", "        answr: |")
    assert problems(text) == [
        "d.yaml:11:9: a: unknown field 'answr' (did you mean 'answer'?)",
        "d.yaml:13:9: a: missing required field 'question'",
    ]
    assert problems(GOOD + "    follow_ups: [{question: Q}]\n") == [
        "d.yaml:8:18: a: missing required field 'key_points'"
    ]
    assert problems(GOOD + "    follow_ups: [{question: Q, key_points: []}]\n") == [
        "d.yaml:8:44: a: 'key_points' is empty"
    ]
    assert problems(GOOD + "    follow_ups: Why?\n") == [
        "d.yaml:8:17: a: 'follow_ups' must be a list of {question, key_points, answer}"
    ]
    assert problems(GOOD + "    follow_ups: [Why?]\n") == [
        "d.yaml:8:18: a: a follow-up must be a mapping with 'question' and 'key_points'"
    ]


def test_follow_ups_belong_on_recall_cards_only():
    text = """\
deck: g
title: G
cards:
  - id: n1
    kind: numeric
    prompt: p
    solve: bernoulli_mle(3, 10)
    follow_ups: [{question: Q, key_points: [k]}]
"""
    assert problems(text) == ["d.yaml:8:5: n1: field 'follow_ups' does not belong on a numeric card"]


def test_each_kind_is_graded_against_one_required_field_in_cards_and_steps_alike():
    text = """\
deck: g
title: G
cards:
  - id: n1
    kind: numeric
    prompt: p
    answer: 3/10
  - id: s1
    kind: symbolic
    prompt: p
    symbols: {k: positive integer}
    solve: bernoulli_mle(k, 10)
  - id: d1
    kind: derivation
    prompt: p
    symbols: {k: positive integer}
    steps:
      - prompt: numeric with only an answer
        kind: numeric
        answer: 3/10
      - prompt: symbolic with only a solve
        kind: symbolic
        solve: bernoulli_mle(k, 10)
      - prompt: of no known kind
        kind: graphical
"""
    assert problems(text) == [
        "d.yaml:4:5: n1: a numeric card needs 'solve': the solver that computes its answer",
        "d.yaml:8:5: s1: a symbolic card needs 'answer': the formula it is graded against",
        "d.yaml:18:9: d1: step 1: a numeric step needs 'solve': the solver that computes its "
        "answer",
        "d.yaml:21:9: d1: step 2: a symbolic step needs 'answer': the formula it is graded "
        "against",
        "d.yaml:25:15: d1: step kind must be one of numeric, symbolic",
    ]


def test_the_kind_tables_name_every_field_the_card_model_has():
    from trainer.decks import Card, FollowUp, Mistake, Step
    from trainer.decks.spec import CARD_KINDS, FOLLOW_UP, MISTAKE, STEP_KINDS
    from trainer.record import field_names

    def names(record) -> set[str]:
        return set(field_names(record)) - {"deck", "path", "line", "col", "content_hash"}

    assert names(Card) == {n for spec in CARD_KINDS.values() for n in spec.names}
    assert names(Step) == {n for spec in STEP_KINDS.values() for n in spec.names}
    assert names(Mistake) == set(MISTAKE.names) and names(FollowUp) == set(FOLLOW_UP.names)
