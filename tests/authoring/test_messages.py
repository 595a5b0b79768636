"""Structure problems said in the deck's terms, at the card that holds them."""

from __future__ import annotations

import json

from trainer.cli import main
from trainer.config import shipped_deck_dir
from trainer.decks import load_text
from trainer.decks.structure import swallowed_fields

DECK = """\
deck: d
title: D
cards:
  - id: first
    kind: recall
    prompt: What is an MLE?
    answer: The maximiser of the likelihood.
  - id: second
    kind: recall
    prompt: What is a MAP estimate?
    answer: The posterior mode.
"""


def _problems(text: str) -> list[str]:
    return [str(p) for p in load_text(text, "d.yaml")[1]]


def test_a_field_indented_less_than_its_card_is_explained_at_that_card():
    text = DECK.replace("    answer: The posterior mode.", "   answer: The posterior mode.")
    assert _problems(text) == [
        "d.yaml:11:4: second: line 11: this line is indented less than the card it belongs "
        "to; fields of a card line up under `id` (column 5)"]


def test_a_field_indented_more_than_the_one_above_is_explained():
    text = DECK.replace("    answer: The posterior mode.", "      answer: The posterior mode.")
    (problem,) = _problems(text)
    assert problem.startswith("d.yaml:11:")
    assert ": second: line 11: this line is indented more than the field above it" in problem


def test_a_tab_in_the_indentation_is_named():
    text = DECK.replace("    answer: The posterior mode.", "\tanswer: The posterior mode.")
    (problem,) = _problems(text)
    assert "second: line 11: a tab in the indentation; indent deck files with spaces" in problem


def test_a_repeated_field_names_the_card_it_is_in():
    text = DECK + "    answer: Again.\n"
    assert _problems(text) == ["d.yaml:12:5: second: duplicate key 'answer' (first at line 11)"]


SWALLOWED = """\
deck: s
title: S
cards:
  - id: sym
    kind: symbolic
    prompt: |
      Write the MLE of p (type k and n).
      symbols: {k: nonnegative integer, n: positive integer}
    answer: k/n
  - id: fine
    kind: recall
    prompt: |
      Which field holds the model answer?
      answer: is the field, and it is set below as well.
    answer: The answer field.
"""


def test_a_field_swallowed_by_a_block_scalar_is_a_warning_with_its_line(write_deck, capsys):
    (warning,) = swallowed_fields(SWALLOWED, "s.yaml")
    assert str(warning) == (
        "s.yaml:8:7: sym: warning: `symbols:` at line 8 is inside the text of `prompt: |` "
        "because it is indented deeper; move it left to line up with `prompt`")
    path = write_deck(SWALLOWED, "s.yaml")
    assert main(["validate", str(path)]) == 1  # the symbolic card lacks its symbols
    out = capsys.readouterr().out
    assert f"{path}:8:7: sym: warning: `symbols:` at line 8" in out
    assert main(["validate", "--json", str(path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [w["line"] for w in data["warnings"]] == [8]


def test_no_shipped_deck_has_a_swallowed_field():
    for path in shipped_deck_dir().glob("*.yaml"):
        assert swallowed_fields(path.read_text(encoding="utf-8"), str(path)) == []
