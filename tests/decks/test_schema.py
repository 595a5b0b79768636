"""The JSON Schema of a deck comes from the same kind tables as the loader, and agrees with it."""

from __future__ import annotations

import json

import yaml

from trainer.config import shipped_deck_dir
from trainer.decks.spec import CARD_KINDS, json_schema


def _kind_schemas() -> dict[str, dict]:
    cards = json_schema()["properties"]["cards"]["items"]["oneOf"]
    return {s["properties"]["kind"]["const"]: s for s in cards}


def test_the_schema_is_json_with_one_card_shape_per_kind():
    schema = json.loads(json.dumps(json_schema()))
    assert schema["required"] == ["deck", "title", "cards"]
    assert set(_kind_schemas()) == set(CARD_KINDS)
    numeric = _kind_schemas()["numeric"]
    assert {"id", "kind", "prompt", "solve"} <= set(numeric["required"])
    assert "answer" not in numeric["required"] and "answer" in _kind_schemas()["symbolic"][
        "required"]


def test_every_shipped_card_has_only_fields_its_kind_allows_and_all_it_requires():
    kinds = _kind_schemas()
    checked = 0
    for path in sorted(shipped_deck_dir().glob("*.yaml")):
        for card in yaml.safe_load(path.read_text(encoding="utf-8"))["cards"]:
            shape = kinds[card["kind"]]
            assert set(card) <= set(shape["properties"]), (path.name, card["id"])
            assert set(shape["required"]) <= set(card), (path.name, card["id"])
            for step in card.get("steps", []):
                step_shapes = shape["properties"]["steps"]["items"]["oneOf"]
                (step_shape,) = [s for s in step_shapes
                                 if s["properties"]["kind"]["const"] == step["kind"]]
                assert set(step) <= set(step_shape["properties"])
                assert set(step_shape["required"]) <= set(step)
            checked += 1
    assert checked > 100
