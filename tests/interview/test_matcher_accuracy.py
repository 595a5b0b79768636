"""The matcher's accuracy on hand-labelled interview answers to the shipped grill.

The figures are printed (run with -s) and reported in the README; the floors below catch a
change that makes the matcher tick points an answer does not cover, or miss plain ones.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from trainer.config import shipped_deck_dir
from trainer.decks import load_decks
from trainer.interview.matcher import covered_points

LABELLED = Path(__file__).with_name("labelled_answers.yaml")


def confusion() -> tuple[int, int, int, int, int]:
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    tp = fp = fn = tn = answers = 0
    for item in items:
        for answer in item["answers"]:
            answers += 1
            got = set(covered_points(answer["text"], item["points"]))
            want = set(answer["covers"])
            for i in range(len(item["points"])):
                tp += i in got and i in want
                fp += i in got and i not in want
                fn += i not in got and i in want
                tn += i not in got and i not in want
    return tp, fp, fn, tn, answers


def test_the_labelled_answers_are_about_shipped_grill_cards():
    items = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    grill = load_decks([shipped_deck_dir() / "mle_map_grill.yaml"]).decks[0]
    ids = {c.id for c in grill.cards}
    assert {item["card"] for item in items} <= ids
    assert sum(len(item["answers"]) for item in items) >= 60
    for item in items:
        for answer in item["answers"]:
            assert set(answer["covers"]) <= set(range(len(item["points"])))


def test_pre_ticks_are_mostly_right_and_find_most_covered_points():
    tp, fp, fn, tn, answers = confusion()
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    accuracy = (tp + tn) / (tp + fp + fn + tn)
    print(f"\nmatcher on {answers} answers, {tp + fp + fn + tn} key-point decisions: "
          f"precision {precision:.2f}, recall {recall:.2f}, accuracy {accuracy:.2f}")
    assert precision >= 0.9
    assert recall >= 0.85
