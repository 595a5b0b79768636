"""The guess of where a deck's YAML has an anchor, alias or tag: never misses one, and
leaves Markdown emphasis in text on the fast parser's path."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trainer.decks import loader
from trainer.decks.node_props import may_hold_anchor_alias_or_tag, node_props


def marks(text: str, *, parsed: bool = True) -> list[int] | None:
    """Where PyYAML finds anchors, aliases and tags (None: the text is not YAML, or with
    `parsed=False` not even tokens)."""
    try:
        if parsed:
            yaml.compose(text, Loader=yaml.SafeLoader)
        return [t.start_mark.index for t in yaml.scan(text, Loader=yaml.SafeLoader)
                if isinstance(t, yaml.AnchorToken | yaml.AliasToken | yaml.TagToken)]
    except yaml.YAMLError:
        return None


TEXT_ONLY = {
    "a plain value": "prompt: What is *the* MLE of **p**?\n",
    "a plain value with a comment": "prompt: a *b* # c *d* &e !f\n",
    "a text block": "answer: |\n  *Bold* first.\n  - *x* a bullet\n  ! bang &amp\nnext: 1\n",
    "a folded block in a card": "cards:\n  - id: a\n    answer: >-\n      * one\n      * two\n",
    "quoted values": "a: \"x *y* \\\" *z\"\nb: 'it''s *x* &y !z'\n",
    "a quoted value over lines": "a: \"x\n  *y* z\"\nb: 1\n",
    "a flow list": "tags: [a, b-c]\nprompt: a *b*\n",
    "a flow list over lines": "tags: [a,\n  b]\nprompt: a *b*\n",
}

REAL = {
    "an alias value": ("a: &x 1\nb: *x\n", [3, 11]),
    "an alias in a list": ("a:\n  - *x\n", [7]),
    "an alias after a text block": ("cards:\n  - answer: |\n      *t*\n    prompt: *x\n", [43]),
    "an alias after a quoted value over lines": ("a: \"x\n  *y* z\"\nb: *q\n", [18]),
    "an alias after a flow list": ("tags: [a, b]\nprompt: *x\n", [21]),
    "an alias in a flow list": ("tags: [a, *b]\n", [10]),
    "a tag": ("a: !!str 1\n", [3]),
    "an alias as a key": ("*a : 1\n", [0]),
    "an alias alone on its line": ("a:\n  *x\n", [5]),
}


@pytest.mark.parametrize("text", TEXT_ONLY.values(), ids=TEXT_ONLY.keys())
def test_emphasis_and_marks_inside_text_are_not_taken_for_aliases(text):
    assert marks(text) == []
    assert not may_hold_anchor_alias_or_tag(text)


@pytest.mark.parametrize(("text", "where"), REAL.values(), ids=REAL.keys())
def test_real_anchors_aliases_and_tags_are_found_where_they_are(text, where):
    assert marks(text, parsed=False) == where
    assert list(node_props(text)) == where


# pieces of deck-like YAML: structure, text with marks in it, and real marks
PIECES = ["key: ", "- ", "- key: ", "  ", "    ", "\n", "\n", "\n  ", "\n    ", "\n- ",
          "word ", "*emph* ", "**strong** ", "a *b* c ", "*x", "&a ", "!t ", "!!str ",
          "|", ">-", "|2", "'q *a* ''b' ", '"q \\" *a*" ', '"open *x ', "close\" ", "[a, *b]",
          "{k: *v}", "[a,", " *b]", "# c *x", ": ", "? ", ",", "x: *y", "---", " #"]


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=24))
def test_no_anchor_alias_or_tag_is_missed(pieces):
    """Against PyYAML: on every line where it finds a mark, the guess finds one (it may
    find more)."""
    text = "".join(pieces)
    found = marks(text)
    if found is None:
        return  # not YAML: both parsers refuse it, the exact one with its position
    def lines(offsets) -> set[int]:
        return {text.count("\n", 0, at) for at in offsets}

    # each line with a mark has one found (the first mark of a line is enough to know)
    assert lines(found) <= lines(node_props(text)), text


def test_a_deck_with_emphasis_everywhere_takes_the_fast_path():
    text = """\
deck: d
title: D *emphasis* in the title
cards:
  - id: a
    kind: recall
    tags: [kl, mle]
    prompt: Why is the *MLE* of **p** the share of heads?
    answer: |
      *Because* the log-likelihood is
      * concave, and
      * its derivative vanishes at k/n.
    notes: "*quoted* emphasis"
"""
    if loader._yaml12 is None:
        pytest.skip("the fast YAML 1.2 parser is not installed")
    assert loader._fast_root(text) is not None
    deck, problems = loader.load_text(text, "d.yaml")
    assert problems == [] and deck is not None
    assert deck.cards[0].answer.startswith("*Because*")


def test_an_alias_among_emphasis_is_still_refused_with_its_position():
    text = """\
deck: d
title: D
cards:
  - id: a
    kind: recall
    tags: &t [kl, mle]
    prompt: Why is the *MLE* the share of heads?
    answer: |
      *Because* it is.
  - id: b
    kind: recall
    tags: *t
    prompt: Why *this*?
    answer: It *is*.
"""
    deck, problems = loader.load_text(text, "d.yaml")
    assert deck is None
    assert [(p.path, p.line, p.col) for p in problems] == [("d.yaml", 6, 11)]  # the anchored list
    assert "anchors and aliases" in problems[0].message


def test_text_the_fast_parser_would_read_as_a_number_is_read_as_written():
    """py-yaml12 reads `+-1` as -1, `++1` as 1 and `0x+1` as 1, which YAML 1.2 reads as
    text: such a deck goes the exact way, so an answer "+-1" is not shown as -1."""
    text = """\
deck: d
title: D
cards:
  - id: a
    kind: recall
    prompt: What values does a Rademacher variable take?
    answer: +-1
    key_points: [++1, 0x+1]
"""
    deck, problems = loader.load_text(text, "d.yaml")
    assert problems == [] and deck is not None
    assert deck.cards[0].answer == "+-1"
    assert deck.cards[0].key_points == ("++1", "0x+1")
