"""Anki packages built by the real `anki` library: the oracle for import and export."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def anki_collection(tmp_path: Path):
    """A fresh Anki collection with one Basic, one Cloze and one reversed note and a picture."""
    anki = pytest.importorskip("anki.collection")
    (tmp_path / "anki").mkdir()
    col = anki.Collection(str(tmp_path / "anki" / "collection.anki2"))
    deck = col.decks.id("Stats::MLE")
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = "What is the <b>MLE</b> of \\(p\\) after \\(k\\) heads in \\(n\\) tosses?"
    note["Back"] = 'It is \\(\\hat p = k/n\\).<br>See <img src="curve.png">'
    note.tags = ["mle", "Bernoulli_basics"]
    col.add_note(note, deck)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "The MLE of a Gaussian variance divides by {{c1::n}}, the unbiased one by {{c2::n-1::n or n-1?}}."
    col.add_note(cloze, deck)
    both = col.new_note(col.models.by_name("Basic (and reversed card)"))
    both["Front"] = "KL(p &lt; q)"
    both["Back"] = "relative entropy"
    col.add_note(both, deck)
    picture = tmp_path / "curve.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    col.media.add_file(str(picture))
    yield col
    col.close()


@pytest.fixture
def export_package(tmp_path: Path):
    """Write an Anki collection as a package the way Anki's File > Export does."""

    def export(col, name: str = "deck.apkg", *, legacy: bool = False) -> Path:
        from anki.collection import ExportAnkiPackageOptions
        from anki.import_export_pb2 import ExportLimit

        out = tmp_path / name
        if name.endswith(".colpkg"):
            col.export_collection_package(str(out), include_media=True, legacy=legacy)
        else:
            col.export_anki_package(
                out_path=str(out), limit=ExportLimit(),
                options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False,
                                                 with_media=True, legacy=legacy))
        return out

    return export
