"""`trainer new`: a starter deck that validates, passes check and its schema, never overwriting."""

from __future__ import annotations

import json
import re

import jsonschema
import yaml

from trainer.check import Stats, check_decks
from trainer.cli import main
from trainer.config import user_deck_dir
from trainer.decks import load_file
from trainer.decks.spec import CARD_KINDS, json_schema


def uncomment(path):
    """What an author does in an editor: toggle the comment of every example card."""
    text = re.sub(r"(?m)^  # ", "  ", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return text


def test_the_starter_deck_has_no_cards_until_an_example_is_uncommented(capsys):
    """Like a new Anki deck it is empty: no example enters study or the readiness forecast
    (both take the catalog's cards) until the author uncomments it."""
    from trainer.catalog import load_catalog

    assert main(["new", "my-deck"]) == 0
    assert "commented out" in capsys.readouterr().out
    path = user_deck_dir() / "my-deck.yaml"
    result = load_catalog([path])
    assert result.problems == [] and [d.id for d in result.decks] == ["my-deck"]
    assert result.cards == []
    assert main(["validate", str(path)]) == 0
    assert "1 deck, 0 cards" in capsys.readouterr().out
    uncomment(path)
    assert len(load_catalog([path]).cards) == len(CARD_KINDS)


def test_new_writes_a_starter_deck_with_one_card_of_each_kind(capsys):
    assert main(["new", "my-deck", "--title", "Bayes: first steps"]) == 0
    path = user_deck_dir() / "my-deck.yaml"
    schema = json.loads((path.parent / "deck.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
    text = uncomment(path)
    assert text.startswith("# yaml-language-server: $schema=deck.schema.json\n")
    deck, problems = load_file(path)
    assert problems == []
    assert deck.id == "my-deck" and deck.title == "Bayes: first steps"
    assert sorted(c.kind for c in deck.cards) == sorted(CARD_KINDS)
    # every card is explained by a comment above it, still a comment once uncommented
    assert all(f"# {kind}:" in text for kind in CARD_KINDS)
    # the schema line points at a schema beside the deck, and the deck passes it
    assert schema == json_schema()
    jsonschema.validate(yaml.safe_load(text), schema)


def test_the_starter_decks_graded_cards_pass_check():
    assert main(["new", "starter"]) == 0
    uncomment(user_deck_dir() / "starter.yaml")
    stats = Stats()
    failures = check_decks([user_deck_dir() / "starter.yaml"], 5, stats)
    assert failures == []
    assert stats.cards == len(CARD_KINDS) - 1  # every kind but recall is graded


def test_new_refuses_to_overwrite_and_to_take_a_bad_id(capsys):
    path = user_deck_dir() / "mine.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("my own text\n", encoding="utf-8")
    assert main(["new", "mine"]) == 1
    assert "already exists" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == "my own text\n"
    assert main(["new", "My Deck"]) == 2
    assert "is not a deck id" in capsys.readouterr().err
    assert not (user_deck_dir() / "My Deck.yaml").exists()


def test_two_starter_decks_do_not_clash(capsys):
    assert main(["new", "one"]) == 0 and main(["new", "two"]) == 0
    uncomment(user_deck_dir() / "one.yaml")
    uncomment(user_deck_dir() / "two.yaml")
    capsys.readouterr()
    assert main(["validate", str(user_deck_dir())]) == 0
