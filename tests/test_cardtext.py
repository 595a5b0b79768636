"""Card text is Markdown with dollar math: what the terminal shows for each construct."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.cardtext import is_plain, lines, plain, spans


def test_lists_get_bullets_numbers_and_nesting():
    text = "Two estimates:\n- the *MLE* $k/n$\n- the MAP\n  - a mode\n\n1. first\n2. second"
    assert plain(text) == ("Two estimates:\n• the MLE k/n\n• the MAP\n  ◦ a mode\n\n"
                           "1. first\n2. second")
    assert ("MLE", "italic") in spans(text)


def test_ordered_list_numbers_line_up_and_keep_their_start():
    text = "\n".join(f"{i}. item" for i in range(9, 12))
    assert plain(text) == " 9. item\n10. item\n11. item"


def test_code_spans_and_blocks_are_verbatim():
    text = "Call `np.var(x, ddof=0)` on `$x_i$`:\n\n```python\nv = x.var()  # *not* emphasis\n```"
    assert spans(text) == [("Call ", ""), ("np.var(x, ddof=0)", "code"), (" on ", ""),
                           ("$x_i$", "code"), (":\n\n  ", ""),
                           ("v = x.var()  # *not* emphasis", "code")]
    assert plain(text) == "Call `np.var(x, ddof=0)` on `$x_i$`:\n\n  v = x.var()  # *not* emphasis"


def test_emphasis_nests_and_combines():
    assert spans("***both*** and **bold with *italic* inside**") == [
        ("both", "bold italic"), (" and ", ""), ("bold with ", "bold"),
        ("italic", "bold italic"), (" inside", "bold")]


def test_inline_and_display_math_become_unicode():
    assert plain(r"The MLE is $\hat p = \frac{k}{n}$.") == "The MLE is p̂ = k/n."
    assert plain("Hence\n\n$$\\sigma^2 = \\frac{1}{n}\\sum_i x_i^2$$\n\nas claimed.") == (
        "Hence\n\n  σ² = 1/n ∑ᵢ xᵢ²\n\nas claimed.")  # a display block is indented
    assert plain("Hence\n$$\\sigma^2$$\nas claimed.") == "Hence\nσ²\nas claimed."
    assert plain(r"inline display $$\sqrt{n}$$ too") == "inline display √n too"
    assert plain(r"an escaped \$ and $\$5$ in math") == "an escaped $ and $5 in math"


@pytest.mark.parametrize(("text", "shown"), [
    ("a*b*c and 2*3*4", "a*b*c and 2*3*4"),  # products, not emphasis
    ("costs $5 and $6", "costs $5 and $6"),  # currency, not math
    ("from $5 to $x$", "from $5 to x"),  # a price before real math
    ("log_prob_x and snake_case_name", "log_prob_x and snake_case_name"),
    ("p < 0.5 and <b>not html</b>", "p < 0.5 and <b>not html</b>"),
    ("1 * 2 * 3 = 6", "1 * 2 * 3 = 6"),
    (r"a \* literal star", "a * literal star"),
    ("[0, 1] is an interval", "[0, 1] is an interval"),
])
def test_text_that_merely_looks_like_markup_stays_as_written(text: str, shown: str):
    assert plain(text) == shown
    assert all(style == "" for _, style in spans(text))


def test_a_link_shows_its_address():
    assert plain("see [the paper](https://arxiv.org/abs/2305.18290)") == (
        "see the paper (https://arxiv.org/abs/2305.18290)")


def test_headings_quotes_and_rules_stay_readable():
    text = "# Setup\nData.\n\n> a quote\n\n---\nend"
    assert plain(text) == "Setup\nData.\n\n│ a quote\n\n" + "─" * 24 + "\nend"
    assert ("Setup", "bold") in spans(text)


def test_empty_text_is_empty():
    assert spans("") == [] and plain("") == ""


def test_importing_the_renderer_loads_no_markdown_parser():
    """The start-up path imports the renderer; the parser loads with the first card."""
    code = ("import sys, trainer.render, trainer.cardtext, trainer.export\n"
            "print([m for m in ('markdown_it', 'mdit_py_plugins', 'pylatexenc') "
            "if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"


TEXT_FIELDS = {"prompt", "answer", "solution", "notes", "feedback", "hint", "key_points",
               "question", "follow_ups", "mistakes", "steps"}


def _texts(node, field=""):
    if isinstance(node, str):
        if field in TEXT_FIELDS:
            yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _texts(value, key if key in TEXT_FIELDS else field if key not in (
                "id", "solver", "params", "symbols", "reference", "tests") else "")
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value, field)


def test_every_shipped_text_renders_all_its_math():
    """A `$` that opens no math (`$x = $` with a space before the closing dollar) would show
    LaTeX source to the learner: no shipped text may leave a dollar or a macro behind."""
    import re
    from pathlib import Path

    import yaml

    content = Path(__file__).resolve().parents[1] / "content"
    left = []
    for path in sorted(content.glob("*.yaml")):
        for text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            shown = "".join(piece for piece, style in spans(text) if "code" not in style)
            if "$" in shown or re.search(r"\\[A-Za-z]", shown):
                left.append(f"{path.name}: {shown[:120]!r}")
    assert left == []


def _parsed(text: str) -> list:
    from trainer.cardtext import _Lines, _tree

    return _Lines(text, False).blocks(_tree(text).children, depth=0)


PLAIN_ALPHABET = "aZkéα0 9 .,;:?'\"()-+=/%^{}@—…"


@given(st.text(alphabet=PLAIN_ALPHABET + "*_`$\\[]<>&!#|~\n\t ", max_size=40))
def test_text_drawn_without_the_parser_is_what_the_parser_makes(text):
    # one line of words needs no parser (the first card is drawn sooner): whatever takes
    # that path must come out exactly as the parser would have drawn it
    if is_plain(text):
        assert lines(text) == _parsed(text)


@given(st.text(alphabet=PLAIN_ALPHABET, min_size=1, max_size=40))
def test_plain_looking_text_drawn_without_the_parser_is_what_the_parser_makes(text):
    if is_plain(text):
        assert lines(text) == _parsed(text)


def test_shipped_one_line_texts_are_drawn_as_the_parser_draws_them():
    from pathlib import Path

    import yaml

    content = Path(__file__).resolve().parents[1] / "content"
    fast = 0
    for path in sorted(content.glob("*.yaml")):
        for text in _texts(yaml.safe_load(path.read_text(encoding="utf-8"))):
            if is_plain(text):
                fast += 1
                assert lines(text) == _parsed(text), text
    assert fast > 0  # the fast path is taken by real cards


def test_syntax_and_line_starts_that_mean_markdown_take_the_parser():
    for text in ("- item", "1. first", "# Title", "> quote", "    code", "a *b*", "a $x$",
                 "a &amp; b", "two\nlines", "tab\there", "ends with space "):
        assert not is_plain(text), text
    assert is_plain("What does GRPO's group normalisation do, and why?")
