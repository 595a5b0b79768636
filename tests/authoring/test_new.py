"""`trainer new`: a starter deck that validates, passes check and its schema, never overwriting."""

from __future__ import annotations

import json

import jsonschema
import yaml

from trainer.check import Stats, check_decks
from trainer.cli import main
from trainer.config import user_deck_dir
from trainer.decks import load_file
from trainer.decks.spec import CARD_KINDS, json_schema


def test_new_writes_a_starter_deck_with_one_card_of_each_kind(capsys):
    assert main(["new", "my-deck", "--title", "Bayes: first steps"]) == 0
    path = user_deck_dir() / "my-deck.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=deck.schema.json\n")
    deck, problems = load_file(path)
    assert problems == []
    assert deck.id == "my-deck" and deck.title == "Bayes: first steps"
    assert sorted(c.kind for c in deck.cards) == sorted(CARD_KINDS)
    # every card is explained by a comment above it
    assert all(f"# {kind}:" in text for kind in CARD_KINDS)
    # the schema line points at a schema beside the deck, and the deck passes it
    schema = json.loads((path.parent / "deck.schema.json").read_text(encoding="utf-8"))
    assert schema == json_schema()
    jsonschema.validate(yaml.safe_load(text), schema)


def test_the_starter_decks_graded_cards_pass_check():
    assert main(["new", "starter"]) == 0
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
    capsys.readouterr()
    assert main(["validate", str(user_deck_dir())]) == 0
