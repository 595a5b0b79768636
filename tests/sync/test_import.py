"""`trainer import`: Anki packages (every layout Anki writes) and CSV files become decks."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trainer.cli import main
from trainer.decks import load_decks
from trainer.sync.anki_import import cloze_sides, html_to_markdown


def cards_of(path: Path) -> dict[str, object]:
    result = load_decks([path])
    assert result.problems == []
    (deck,) = result.decks
    return {c.id: c for c in deck.cards}


@pytest.mark.parametrize("name,legacy", [("new.apkg", False), ("old.apkg", True),
                                         ("all.colpkg", False)])
def test_an_anki_package_becomes_a_deck_that_loads(anki_collection, export_package, tmp_path,
                                                   name, legacy, capsys):
    package = export_package(anki_collection, name, legacy=legacy)
    out = tmp_path / "decks" / "anki-mle.yaml"
    assert main(["import", str(package), "-o", str(out)]) == 0
    assert "wrote 5 cards" in capsys.readouterr().out
    cards = cards_of(out)
    assert len(cards) == 5  # basic, two clozes, a reversed pair
    basic = next(c for c in cards.values() if "heads" in c.prompt)
    assert basic.prompt == "What is the **MLE** of $p$ after $k$ heads in $n$ tosses?"
    assert basic.answer.startswith("It is $\\hat p = k/n$.\nSee ![curve.png](anki-mle.media/curve.png)")
    assert set(basic.tags) == {"mle", "bernoulli-basics"}
    assert (out.parent / "anki-mle.media" / "curve.png").read_bytes().startswith(b"\x89PNG")
    clozes = sorted((c for c in cards.values() if "variance" in c.prompt), key=lambda c: c.id)
    assert [c.prompt for c in clozes] == [
        "The MLE of a Gaussian variance divides by […], the unbiased one by n-1.",
        "The MLE of a Gaussian variance divides by n, the unbiased one by [n or n-1?].",
    ]
    assert clozes[1].answer.endswith("the unbiased one by **n-1**.")
    pair = sorted((c for c in cards.values() if "entropy" in c.answer + c.prompt),
                  key=lambda c: c.id)
    assert [(c.prompt, c.answer) for c in pair] == [("KL(p < q)", "relative entropy"),
                                                    ("relative entropy", "KL(p < q)")]


def test_importing_again_rewrites_the_same_cards(anki_collection, export_package, tmp_path):
    out = tmp_path / "decks" / "a.yaml"
    assert main(["import", str(export_package(anki_collection)), "-o", str(out)]) == 0
    first = cards_of(out)
    note = anki_collection.get_note(anki_collection.find_notes("heads")[0])
    note["Back"] = "It is \\(k/n\\)."
    anki_collection.update_note(note)
    assert main(["import", str(export_package(anki_collection, "again.apkg")), "-o",
                 str(out)]) == 0
    second = cards_of(out)
    assert set(first) == set(second)  # same ids: history keyed by deck/id is kept
    changed = [k for k in first if first[k].answer != second[k].answer]
    assert len(changed) == 1 and second[changed[0]].answer == "It is $k/n$."


def test_a_damaged_package_gets_a_message_and_no_deck(tmp_path, capsys):
    bad = tmp_path / "bad.apkg"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    out = tmp_path / "decks" / "bad.yaml"
    assert main(["import", str(bad), "-o", str(out)]) == 2
    assert "not an Anki package" in capsys.readouterr().err
    assert not out.exists()


def test_math_and_markup_convert_without_escaping_the_math():
    assert html_to_markdown("\\(a_1 &lt; b_2\\) and <i>x_y</i>") == "$a_1 < b_2$ and *x_y*"
    assert html_to_markdown("\\[\\sum_i x_i\\]") == "$\\sum_i x_i$"
    assert cloze_sides("{{c1::a}} {{c2::b::hint}}", 2) == ("a [hint]", "a <b>b</b>")


def test_a_csv_with_a_header_row_becomes_a_deck(tmp_path, capsys):
    src = tmp_path / "cards.csv"
    src.write_text("prompt,answer,tags,key_points\n"
                   "What is MLE?,The argmax of the likelihood,mle basics,argmax; likelihood\n"
                   "\n"
                   "Missing answer,,mle,\n"
                   '"Multi, line?","one\ntwo",,\n', encoding="utf-8")
    out = tmp_path / "decks" / "cards.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{src}:4: empty prompt or answer; row skipped" in err
    cards = list(cards_of(out).values())
    assert [c.prompt for c in cards] == ["What is MLE?", "Multi, line?"]
    assert cards[0].key_points == ("argmax", "likelihood") and cards[0].tags == ("mle", "basics")
    assert cards[1].answer == "one\ntwo"


def test_an_import_never_replaces_a_deck_from_another_file_or_a_hand_written_one(
        tmp_path, capsys):
    from trainer.config import user_deck_dir

    first, other = tmp_path / "q.csv", tmp_path / "q.tsv"
    first.write_text("prompt,answer\nFirst?,Yes.\nSecond?,Yes.\n", encoding="utf-8")
    other.write_text("prompt\tanswer\nOther?\tNo.\n", encoding="utf-8")
    assert main(["import", str(first)]) == 0
    deck = user_deck_dir() / "q.yaml"
    kept = deck.read_text(encoding="utf-8")
    assert main(["import", str(other)]) == 2  # same deck file by default: refused
    assert "was imported from q.csv: importing q.tsv would replace its cards" in (
        capsys.readouterr().err)
    assert deck.read_text(encoding="utf-8") == kept
    assert main(["import", str(first)]) == 0  # importing the same file again updates it
    assert main(["import", str(other), "-o", str(deck)]) == 0  # named: replaced on purpose
    assert [c.prompt for c in cards_of(deck).values()] == ["Other?"]
    mine = user_deck_dir() / "mine.yaml"
    mine.write_text("deck: mine\ntitle: Mine\ncards: []\n", encoding="utf-8")
    (tmp_path / "mine.csv").write_text("prompt,answer\nQ?,A.\n", encoding="utf-8")
    for extra in ([], ["-o", str(mine)]):
        assert main(["import", str(tmp_path / "mine.csv"), *extra]) == 2
        assert "is a deck of yours" in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8").startswith("deck: mine")


def test_a_csv_with_no_usable_row_writes_nothing(tmp_path, capsys):
    src = tmp_path / "cards.csv"
    src.write_text("prompt,answer\nWhat is MLE?,The argmax of the likelihood\n",
                   encoding="utf-8")
    out = tmp_path / "decks" / "cards.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    kept = out.read_text(encoding="utf-8")
    src.write_text('prompt,answer\n"What is MLE?,cut short\n', encoding="utf-8")  # damaged
    assert main(["import", str(src), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{src}:2:" in err and "no row made a card; nothing written" in err
    assert out.read_text(encoding="utf-8") == kept  # the good import is not emptied


def test_a_csv_row_is_cited_at_its_first_line_and_an_open_quote_is_named(tmp_path, capsys):
    src = tmp_path / "cards.csv"
    src.write_text('prompt,answer\n"Two\nlines",\n"Open quote,x\nQ2,A2\nQ3,A3\n',
                   encoding="utf-8")
    assert main(["import", str(src), "-o", str(tmp_path / "cards.yaml")]) == 1
    err = capsys.readouterr().err
    assert f"{src}:2: empty prompt or answer" in err  # the row of lines 2-3
    assert (f"{src}:4: 1 cells where the header has 2 (the row runs on to line 6: a quote "
            "left open?)") in err


def test_a_csv_with_an_unknown_column_names_it_and_its_line(tmp_path, capsys):
    src = tmp_path / "cards.tsv"
    src.write_text("prompt\tanswr\nQ\tA\n", encoding="utf-8")
    assert main(["import", str(src), "-o", str(tmp_path / "x.yaml")]) == 2
    assert f"{src}:1: unknown column 'answr'" in capsys.readouterr().err


def test_an_anki_note_with_more_fields_keeps_them_as_notes(tmp_path):
    anki = pytest.importorskip("anki.collection")
    (tmp_path / "a").mkdir()
    col = anki.Collection(str(tmp_path / "a" / "c.anki2"))
    model = col.models.copy(col.models.by_name("Basic"))
    model["name"] = "Basic with source"
    col.models.add_field(model, col.models.new_field("Source"))
    col.models.update_dict(model)
    note = col.new_note(col.models.by_name("Basic with source"))
    note["Front"], note["Back"], note["Source"] = "Q?", "A.", "Casella &amp; Berger, ch. 7"
    col.add_note(note, col.decks.id("Default"))
    from anki.collection import ExportAnkiPackageOptions
    from anki.import_export_pb2 import ExportLimit

    package = tmp_path / "p.apkg"
    col.export_anki_package(out_path=str(package), limit=ExportLimit(),
                            options=ExportAnkiPackageOptions(with_scheduling=False,
                                                             with_deck_configs=False,
                                                             with_media=False, legacy=False))
    col.close()
    out = tmp_path / "decks" / "p.yaml"
    assert main(["import", str(package), "-o", str(out)]) == 0
    (card,) = cards_of(out).values()
    assert (card.prompt, card.answer) == ("Q?", "A.")
    assert card.notes == "**Source** — Casella & Berger, ch. 7"


async def test_notes_are_shown_under_the_model_answer(make_app, write_deck, tmp_path):
    deck = write_deck("deck: n\ntitle: N\ncards:\n  - id: a\n    kind: recall\n    prompt: Q?\n"
                      "    answer: A.\n    notes: '**Source** — a textbook'\n", "n.yaml")
    app = make_app(deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        shown = str(app.screen.query_one("#model-answer").render())
        assert "A." in shown and "Source — a textbook" in shown


def test_a_csv_deck_says_where_its_ids_come_from(tmp_path):
    src = tmp_path / "cards.csv"
    src.write_text("prompt,answer\nQ?,A.\n", encoding="utf-8")
    out = tmp_path / "decks" / "cards.yaml"
    assert main(["import", str(src), "-o", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[1]
    assert "hash of the prompt" in header and "Anki" not in header


FRAGMENTS = ["a", "b c", " ", "  ", "\n", "\r\n", "\t", "&amp;", "&nbsp;", "&lt;b&gt;", "AT&T",
             "&#10;", "*", "_", "# ", "1. ", "> ", "`", "\\", "\x00MATH0\x00", "é", "<b>", "</b>",
             "<i>", "</i>", "<strong>", "</strong>", "<em>", "</em>", "<B>", "<br>", "<br/>",
             "<BR />", "<u>", "</u>", "<div>", "</div>", "<p>", "</p>", "<ul>", "</ul>", "<ol>",
             "</ol>", "<li>", "</li>", "x<y", "<", ">", "\xa0", "&foo;", "&#0;", "&#128;", "&amp"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_the_fast_path_is_exactly_markdownify_or_steps_aside(parts):
    from trainer.sync.anki_html import markdownify_field, simple_markdown

    text = "".join(parts)
    fast = simple_markdown(text)
    if fast is not None:
        assert fast == markdownify_field(text)


TAGS = ["b", "i", "strong", "em", "div", "p", "ul", "ol", "li", "B", "LI"]
TEXT_PARTS = ["a", "b c", " ", "  ", "\n", "\r\n", "\t", "&amp;", "&nbsp;", "&lt;b&gt;", "\xa0",
              "&#10;", "&#0;", "&#128;", "&#x9F;", "*", "_", "# ", "1. ", "- ", "> ", "`", "\\",
              "é", "<br>", "<br/>", "x ", " y", "\x00MATH0\x00"]
FIELDS = st.recursive(
    st.sampled_from(TEXT_PARTS),
    lambda inner: st.one_of(
        st.tuples(st.sampled_from(TAGS), st.lists(inner, max_size=4)).map(
            lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0]}>"),
        st.lists(inner, min_size=2, max_size=4).map("".join)),
    max_leaves=14)


@settings(max_examples=600, deadline=None)
@given(FIELDS)
def test_fields_of_the_usual_tags_take_the_fast_path_and_read_as_markdownify_reads_them(text):
    """Nested blocks, lists in lists, emphasis with spaces at its edges, &nbsp; by a block."""
    from trainer.sync.anki_html import markdownify_field, simple_markdown

    assert simple_markdown(text) == markdownify_field(text)


def test_the_fast_path_takes_the_usual_fields():
    from trainer.sync.anki_html import simple_markdown

    assert simple_markdown("Paris") == "Paris"
    assert simple_markdown("What is the <b>MLE</b> of p?<br>Say why.") == \
        "What is the **MLE** of p?  \nSay why."
    assert simple_markdown("<div>Two steps:</div><ol><li>score</li><li>solve</li></ol>") == \
        "Two steps:\n\n1. score\n2. solve"
    assert simple_markdown('<span style="color: red">x</span>') is None  # markdownify's
    assert simple_markdown("<b>open") is None


TEXTS = st.text(st.sampled_from(list("ab yn:#-.0123456789eEox+_*&!|>'\"\n\t\\é~%@`[]{},?")),
                max_size=12)


@settings(max_examples=300, deadline=None)
@example([{"id": "", "prompt": "+-0"}, {"id": "0x+1", "prompt": "++1"}])
@given(st.lists(st.fixed_dictionaries({"id": TEXTS, "prompt": TEXTS},
                                      optional={"tags": st.lists(TEXTS, max_size=3),
                                                "difficulty": st.integers(0, 5)}),
                max_size=4))
def test_the_deck_yaml_is_what_pyyaml_writes_and_reads_back_as_written(cards):
    import yaml
    import yaml12

    from trainer.sync.anki_import import _Dumper, deck_yaml

    deck = {"deck": "d", "title": "T", "cards": cards}
    text = deck_yaml(deck, "p.apkg")
    assert text.split("\n", 2)[2] == yaml.dump(deck, Dumper=_Dumper, sort_keys=False,
                                               allow_unicode=True, width=100)
    # the loader reads YAML 1.2: an answer like 1e-8 or 0o17 must come back as text
    assert yaml12.parse_yaml(text) == deck
    assert yaml.safe_load(text) == deck


def test_an_answer_that_reads_as_a_number_in_yaml_1_2_stays_text(tmp_path):
    from trainer.sync.anki_import import deck_yaml

    out = tmp_path / "n.yaml"
    out.write_text(deck_yaml({"deck": "n", "title": "N", "cards": [
        {"id": "eps", "kind": "recall", "prompt": "Adam's default epsilon?", "answer": "1e-8"},
        {"id": "oct", "kind": "recall", "prompt": "Fifteen in octal?", "answer": "0o17"}]},
        "n.csv"), encoding="utf-8")
    cards = cards_of(out)
    assert (cards["eps"].answer, cards["oct"].answer) == ("1e-8", "0o17")


def _package(tmp_path: Path, *notes: tuple[str, str, str, tuple[str, ...]]):
    """A package of Basic (and reversed card) notes: (guid, front, back, tags)."""
    from trainer.sync.anki_package import AnkiCard, Note, NoteType, Package

    both = NoteType(1, "Basic (and reversed card)", ("Front", "Back"), False, 2)
    pkg = Package(path=tmp_path / "p.apkg")
    for i, (guid, front, back, tags) in enumerate(notes):
        pkg.notes.append(Note(i, guid, both, (front, back), tags))
        pkg.cards += [AnkiCard(10 * i + o, i, o, 1, 0, 0, 0, 0, 0, 0, 0) for o in (0, 1)]
    return pkg


def test_a_tagged_reversed_note_writes_its_tags_twice_not_as_a_yaml_alias(tmp_path):
    from trainer.sync.anki_import import import_package

    out = tmp_path / "decks" / "p.yaml"
    out.parent.mkdir()
    conv = import_package(_package(tmp_path, ("g1", "KL(p, q)", "relative entropy",
                                              ("info", "Entropy"))), out)
    assert "&id" not in conv.text and "*id" not in conv.text
    cards = cards_of(out)
    assert [c.tags for c in cards.values()] == [("info", "entropy")] * 2


def test_an_imported_deck_is_checked_once_and_its_first_study_reads_it_from_the_cache(
        tmp_path, monkeypatch, capsys):
    from trainer.catalog import load_catalog
    from trainer.config import default_deck_paths, user_deck_dir

    src = tmp_path / "emphasis.csv"
    src.write_text("prompt,answer\nWhat is the *score*?,The gradient of the log-likelihood\n",
                   encoding="utf-8")
    assert main(["import", str(src)]) == 0
    out = user_deck_dir() / "emphasis.yaml"
    assert out.is_file() and capsys.readouterr().err == ""
    parsed = []
    import trainer.decks.loader

    monkeypatch.setattr(trainer.decks.loader, "load_text",
                        lambda *a, **k: parsed.append(a[1]) or (None, []))
    result = load_catalog(default_deck_paths())
    assert str(out) not in parsed
    (deck,) = [d for d in result.decks if d.path == str(out)]
    assert [c.prompt for c in deck.cards] == ["What is the *score*?"]


def test_importing_the_same_cards_twice_into_the_deck_folder_names_the_duplicates(
        tmp_path, capsys):
    from trainer.config import user_deck_dir

    src = tmp_path / "a.csv"
    src.write_text("id,prompt,answer\nq1,Q?,A.\n", encoding="utf-8")
    assert main(["import", str(src)]) == 0
    assert main(["import", str(src), "-o", str(user_deck_dir() / "b.yaml")]) == 1
    err = capsys.readouterr().err
    assert "duplicate id 'q1'" in err and "1 problem in the new deck" in err
    assert main(["import", str(src), "-o", str(tmp_path / "c.yaml"), "--deck", "a"]) == 1
    assert "deck id 'a' is also used by" in capsys.readouterr().err


def test_values_other_than_text_numbers_lists_and_mappings_are_written_by_pyyaml():
    import yaml

    from trainer.sync.anki_import import _Dumper, deck_yaml

    deck = {"deck": "d", "title": None, "cards": [{"id": "x", "weight": 1.5, "new": True}]}
    assert deck_yaml(deck, "s").split("\n", 2)[2] == yaml.dump(
        deck, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
