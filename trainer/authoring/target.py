"""Naming cards on the command line: a deck file or a deck id, each with an optional card id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

# A deck id (lower-case letters, digits, -), then /CARD-ID or :CARD-ID
_DECK_FORM = re.compile(r"^([a-z0-9][a-z0-9-]*)(?:[/:]([a-z0-9][a-z0-9_.-]*))?$")

FORMS = "PATH[:CARD-ID] or DECK[/CARD-ID]"


class TargetError(Exception):
    """The target names no deck, or names two different ones; the message says which."""


def _as_path(target: str) -> tuple[Path, str | None] | None:
    path = Path(target).expanduser()
    if path.is_file():
        return path, None
    file, sep, card_id = target.rpartition(":")
    if sep and file and Path(file).expanduser().is_file():
        return Path(file).expanduser(), card_id or None
    return None


def _deck_files(deck_paths: Iterable[Path]) -> dict[str, Path]:
    """Each deck id in these folders and files, and its file."""
    from trainer.decks import load_decks

    return {deck.id: Path(deck.path) for deck in load_decks(deck_paths).decks}


def resolve(target: str, deck_paths: Iterable[Path]) -> tuple[Path, str | None]:
    """The deck file and the card id (None: every card) that `target` names.

    `target` is a deck file (`decks/mine.yaml`, `decks/mine.yaml:card-id`) or the id
    of a deck found in `deck_paths` (`mine`, `mine/card-id`, `mine:card-id`). When it
    reads both ways and the two are different decks, it is refused with both readings:
    `./NAME` always means the file.
    """
    as_path = _as_path(target)
    deck_form = _DECK_FORM.match(target)
    if deck_form is None or target.startswith("."):
        if as_path is None:
            raise TargetError(f"{target}: no such deck file; name a card as {FORMS}")
        return as_path
    decks = _deck_files(deck_paths)
    deck_id, card_id = deck_form.group(1), deck_form.group(2)
    if deck_id not in decks:
        if as_path is not None:
            return as_path
        from trainer.authoring.suggest import did_you_mean

        raise TargetError(f"{target}: no deck file and no deck {deck_id!r}"
                          f"{did_you_mean(deck_id, decks)}; name a card as {FORMS}")
    as_deck = (decks[deck_id], card_id)
    if as_path is not None and as_path[0].resolve() != as_deck[0].resolve():
        raise TargetError(f"{target} is ambiguous: the file {as_path[0]} or the deck "
                          f"{deck_id!r} ({as_deck[0]}); write ./{target} for the file, or "
                          f"{as_deck[0]}{':' + card_id if card_id else ''} for the deck")
    return as_deck
