"""Which files are decks, and every deck under some paths, ids checked across decks.

Kept apart from the YAML loader: when every deck comes from the deck cache, a start
reads its decks without importing the parser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from trainer.decks.model import Deck, LoadResult, Problem, study_order

MAX_DECK_BYTES = 5_000_000


def read_deck_text(path: Path) -> tuple[str | None, list[Problem]]:
    """A deck file's text, or the problem that stops it being read (never an exception)."""
    data, problems = read_deck_bytes(path)
    return (None, problems) if data is None else deck_text(path, data)


def read_deck_bytes(path: Path) -> tuple[bytes | None, list[Problem]]:
    """A deck file's bytes (`deck_text` decodes them), or the problem that stops it being
    read (never an exception)."""
    from trainer.files import UnreadableFile, read_bounded_bytes

    try:
        return read_bounded_bytes(path, MAX_DECK_BYTES), []
    except UnreadableFile as exc:
        return None, [_unreadable(path, exc)]


def deck_text(path: Path, data: bytes) -> tuple[str | None, list[Problem]]:
    """The text of a deck file's bytes, or why they are not text (never an exception)."""
    from trainer.files import UnreadableFile, bounded_text

    try:
        return bounded_text(data), []
    except UnreadableFile as exc:
        return None, [_unreadable(path, exc)]


def _unreadable(path: Path, exc: Exception) -> Problem:
    reason = str(exc).replace("larger than 5 MB", "deck file is larger than 5 MB")
    return Problem(str(path), 1, 1, "", reason)

def deck_files(paths: Iterable[Path]) -> list[Path]:
    """The deck files named by paths: files as given, folders searched for *.yaml/*.yml."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            out.append(path)
    return out

def load_decks(
    paths: Iterable[Path | str],
    load_one: Callable[[Path], tuple[Deck | None, list[Problem]]] | None = None,
) -> LoadResult:
    """Load every deck under paths. Broken decks are reported; the others still load.

    Ids are unique across all decks: a second card with an id already seen is
    reported with both places and left out. `load_one` reads one file
    (default: `load_file`); the catalog passes one that caches and checks more.
    """
    if load_one is None:
        from trainer.decks.loader import load_file

        load_one = load_file
    result = LoadResult()
    first_place: dict[str, str] = {}
    deck_place: dict[str, str] = {}
    for path in deck_files(Path(p) for p in paths):
        if not path.exists():
            result.problems.append(Problem(str(path), 1, 1, "", "no such file or folder"))
            continue
        deck, problems = load_one(path)
        result.problems.extend(problems)
        if deck is None:
            continue
        if deck.id in deck_place:
            result.problems.append(Problem(deck.path, 1, 1, "", f"deck id {deck.id!r} is also "
                                                               f"used by {deck_place[deck.id]}"))
            continue
        deck_place[deck.id] = deck.path
        kept = []
        for card in deck.cards:
            place = f"{card.path}:{card.line}"
            if card.id in first_place:
                result.problems.append(Problem(card.path, card.line, card.col, card.id,
                                               f"duplicate id {card.id!r}: also at "
                                               f"{first_place[card.id]}"))
                continue
            first_place[card.id] = place
            kept.append(card)
        result.decks.append(deck.with_cards(tuple(kept)))
    result.decks = study_order(result.decks)
    return result
