"""Export decks to an Anki package (.apkg) through `genanki`, with math kept as MathJax.

Recall cards become notes with the prompt on the front and the model answer and key
points on the back. A graded card is frozen at one parameter draw (seed 0): Anki cannot
draw fresh numbers, so the note shows that draw's prompt, reference and worked solution.
Note GUIDs derive from `deck/id`, so exporting again updates the notes already imported
rather than duplicating them.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.cardtext import to_html
from trainer.decks.model import Card

if TYPE_CHECKING:
    from trainer.sync.anki_export import CardSchedule

MODEL_ID = 1_731_702_211  # fixed: Anki matches re-imported notes to this note type
MODEL_NAME = "trainer (front/back/source)"
EXPORT_SEED = 0

_CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.kp { margin-top: 0.6em; } .src { color: #888; font-size: 12px; margin-top: 1em; }"""


@dataclass(frozen=True, slots=True)
class ExportedNote:
    key: str
    deck: str
    front: str
    back: str
    tags: tuple[str, ...]
    media: tuple[tuple[str, bytes], ...] = ()  # (file name, content), e.g. the plot's SVG


def _tags(card: Card) -> tuple[str, ...]:
    # Anki tags can not hold spaces; `::` makes a hierarchy in Anki's browser
    kind = f"trainer::{card.kind}"
    return (kind, *(re.sub(r"\s+", "_", t) for t in card.tags))


def note_for(card: Card) -> ExportedNote:
    """The front and back of one card (graded cards at the export draw)."""
    source = (f'<div class="src">{html.escape(card.key)} · '
              f'{html.escape(Path(card.path).name)}</div>')
    if card.kind == "code":  # Anki can not run code: the task, and the worked solution
        front = to_html(card.prompt) + f"<pre>{html.escape(card.signature or '')}</pre>"
        back = (to_html(card.solution) if card.solution else "") + \
            f"<pre>{html.escape(card.reference or '')}</pre>"
        return ExportedNote(card.key, card.deck, front, back + source, _tags(card))
    if not card.graded:
        back = to_html(card.answer)
        if card.key_points:
            items = "".join(f"<li>{to_html(p)}</li>" for p in card.key_points)
            back += f'<div class="kp">Key points:<ul>{items}</ul></div>'
        return ExportedNote(card.key, card.deck, to_html(card.prompt), back + source,
                            _tags(card))
    from trainer.exercises import instantiate

    exercise = instantiate(card, EXPORT_SEED)
    front_parts = [to_html(exercise.prompt)]
    back_parts: list[str] = []
    for i, step in enumerate(exercise.steps):
        ref = exercise.reference(i)
        if len(exercise.steps) > 1:
            front_parts.append(f"<br><b>Step {i + 1}.</b> {to_html(step.prompt)}")
        label = f"Step {i + 1}: " if len(exercise.steps) > 1 else ""
        back_parts.append(f"<div>{label}<b>{html.escape(ref.shown)}</b></div>")
    if exercise.solution:
        back_parts.append(f"<hr>{to_html(exercise.solution)}")
    media: tuple[tuple[str, bytes], ...] = ()
    if card.plot is not None:
        from trainer.plots import PlotError, plot_data, to_svg

        try:
            svg = to_svg(plot_data(card.plot, exercise.params))
        except PlotError:
            svg = ""  # `trainer check` reports it; the note goes without its picture
        if svg:
            name = "trainer-" + hashlib.sha256(f"{card.key}:{EXPORT_SEED}:{svg}".encode()
                                               ).hexdigest()[:16] + ".svg"
            back_parts.append(f'<div><img src="{name}"></div>')
            media = ((name, svg.encode("utf-8")),)
    return ExportedNote(card.key, card.deck, "".join(front_parts),
                        "".join(back_parts) + source,
                        _tags(card), media)


def _deck_id(deck: str) -> int:
    # stable across exports and machines (Python's hash() is salted per process)
    return int.from_bytes(hashlib.sha256(deck.encode()).digest()[:6], "big") | 1 << 40


def export_apkg(notes: Sequence[ExportedNote], titles: dict[str, str], out: Path, *,
                schedules: Mapping[str, CardSchedule] | None = None) -> None:
    """Write the notes to `out` as an Anki package, one Anki deck per trainer deck; with
    `schedules` (by card key) each card's state and review log travel too."""
    import genanki

    model = genanki.Model(
        MODEL_ID, MODEL_NAME,
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Key"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": '{{FrontSide}}<hr id="answer">{{Back}}'}],
        css=_CSS,
    )
    decks: dict[str, genanki.Deck] = {}
    for note in notes:
        deck = decks.get(note.deck)
        if deck is None:
            deck = decks[note.deck] = genanki.Deck(
                _deck_id(note.deck), f"trainer::{titles.get(note.deck, note.deck)}")
        deck.add_note(genanki.Note(model=model, fields=[note.front, note.back, note.key],
                                   guid=genanki.guid_for("trainer", note.key),
                                   tags=list(note.tags)))
    import tempfile

    try:
        with tempfile.TemporaryDirectory(prefix="trainer-export-") as tmp:
            files = []
            for note in notes:
                for name, data in note.media:
                    path = Path(tmp) / name
                    path.write_bytes(data)
                    files.append(str(path))
            if schedules is None:
                package = genanki.Package(list(decks.values()), media_files=files)
            else:
                from trainer.sync.anki_export import scheduled_package

                package = scheduled_package(
                    list(decks.values()), files,
                    {genanki.guid_for("trainer", k): s for k, s in schedules.items()})
            _write_atomically(package, out)
    except OSError as exc:  # the media could not be staged: nothing was written
        raise ExportError(f"{out}: not written ({exc.strerror or exc})") from None


class ExportError(Exception):
    """The package could not be written; the previous one, if any, is untouched."""


def _write_atomically(package: object, out: Path) -> None:
    """Write to a temporary file beside `out`, then rename it over `out`.

    A full disk or a crash halfway leaves the previous package as it was, never a
    truncated zip in its place.
    """
    import os
    import sqlite3
    import tempfile
    import zipfile

    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent)
    except OSError as exc:
        raise ExportError(f"{out}: cannot write there: {exc.strerror or exc}") from None
    os.close(fd)
    tmp = Path(name)
    try:
        package.write_to_file(str(tmp))  # type: ignore[attr-defined]
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        umask = os.umask(0o022)  # mkstemp made it private: read it back to honour it
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as any file the learner writes
        os.replace(tmp, out)
    except (OSError, sqlite3.Error, zipfile.BadZipFile) as exc:
        detail = getattr(exc, "strerror", None) or str(exc)
        raise ExportError(f"{out}: not written ({detail}); "
                          f"{'the previous package is untouched' if out.exists() else 'nothing was written'}."
                          ) from None
    finally:
        tmp.unlink(missing_ok=True)
