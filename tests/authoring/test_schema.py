"""`trainer schema`: every shipped deck passes it, and it refuses the broken decks the loader refuses."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from trainer.cli import main
from trainer.config import shipped_deck_dir
from trainer.decks import load_text


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    from trainer.decks.spec import json_schema

    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_trainer_schema_prints_the_schema_as_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["deck", "title", "cards"]


def test_trainer_schema_writes_a_file(tmp_path, capsys):
    out = tmp_path / "deck.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "trainer deck"


@pytest.mark.parametrize("path", sorted(shipped_deck_dir().glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_deck_is_valid_against_the_schema(validator, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]
    assert errors == []


GOOD = """\
deck: broken
title: Broken
cards:
  - id: c1
    kind: recall
    prompt: What is the MLE?
    answer: The maximiser of the likelihood.
  - id: c2
    kind: numeric
    prompt: "{{k}} of {{n}}"
    params:
      n: randint(10, 20)
      k: randint(1, n - 1)
    solve: bernoulli_mle(k, n)
    mistakes:
      - answer: (n - k)/n
        feedback: That is the fraction of tails.
"""

BROKEN = {
    "no deck id": GOOD.replace("deck: broken\n", ""),
    "no title": GOOD.replace("title: Broken\n", ""),
    "cards not a list": "deck: broken\ntitle: B\ncards: 3\n",
    "unknown deck field": GOOD.replace("title: Broken\n", "title: Broken\nauthor: me\n"),
    "unknown card field": GOOD.replace("    answer: The max", "    anwser: x\n    answer: The max"),
    "unknown kind": GOOD.replace("kind: recall", "kind: essay"),
    "recall without answer": GOOD.replace("    answer: The maximiser of the likelihood.\n", ""),
    "numeric without solve": GOOD.replace("    solve: bernoulli_mle(k, n)\n", ""),
    "field of another kind": GOOD.replace("    answer: The max",
                                          "    solve: bernoulli_mle(3, 10)\n    answer: The max"),
    "difficulty out of range": GOOD.replace("kind: recall", "kind: recall\n    difficulty: 7"),
    "mistake without answer": GOOD.replace("      - answer: (n - k)/n\n", "      - note: x\n"),
    "card id with a space": GOOD.replace("id: c1", "id: my card"),
    "deck id in capitals": GOOD.replace("deck: broken", "deck: Broken Deck"),
    "tags not a list": GOOD.replace("kind: recall", "kind: recall\n    tags: {a: 1}"),
    "requires not a list": GOOD.replace("title: Broken\n", "title: Broken\nrequires: my-solvers\n"),
    "requires not a package name": GOOD.replace("title: Broken\n",
                                                "title: Broken\nrequires: [my solvers]\n"),
    "position not a whole number": GOOD.replace("title: Broken\n",
                                                "title: Broken\nposition: first\n"),
    "position a fraction": GOOD.replace("title: Broken\n", "title: Broken\nposition: 1.5\n"),
}


def test_a_deck_may_declare_the_solver_plugins_it_requires(validator):
    text = GOOD.replace("title: Broken\n", "title: Broken\nrequires: [my-solvers, other.pkg]\n")
    deck, problems = load_text(text, "good.yaml")
    assert problems == [] and deck is not None
    assert deck.requires == ("my-solvers", "other.pkg")
    assert validator.is_valid(yaml.safe_load(text))


def test_a_deck_may_say_its_position_among_the_decks(validator):
    text = GOOD.replace("title: Broken\n", "title: Broken\nposition: 2\n")
    deck, problems = load_text(text, "good.yaml")
    assert problems == [] and deck is not None and deck.position == 2
    assert validator.is_valid(yaml.safe_load(text))
    deck, problems = load_text(GOOD.replace("title: Broken\n", "title: Broken\nposition: true\n"),
                               "bad.yaml")
    assert [p.message for p in problems] == [
        "'position' must be a whole number, like 1 (got True)"]
    assert (problems[0].line, problems[0].col) == (3, 11)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_the_schema_and_the_loader_both_refuse_each_broken_deck(validator, name):
    assert load_text(GOOD, "good.yaml")[1] == []
    assert validator.is_valid(yaml.safe_load(GOOD))
    text = BROKEN[name]
    deck, problems = load_text(text, "broken.yaml")
    assert problems, f"the loader accepts the deck with {name}"
    assert not validator.is_valid(yaml.safe_load(text)), f"the schema accepts {name}"
