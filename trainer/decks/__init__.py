"""YAML decks: the card model, the safe loader with positions, and where decks live."""

from typing import TYPE_CHECKING, Any

from trainer.decks.collect import deck_files, load_decks
from trainer.decks.model import (
    Card,
    Deck,
    FollowUp,
    LoadResult,
    Mistake,
    Problem,
    Step,
)
from trainer.decks.spec import GRADED_KINDS, KINDS

if TYPE_CHECKING:
    from trainer.decks.loader import load_file, load_text


def __getattr__(name: str) -> Any:
    # the YAML loader is imported when a deck is parsed, not when the decks come from the cache
    if name in ("load_file", "load_text"):
        from trainer.decks import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "GRADED_KINDS",
    "KINDS",
    "Card",
    "Deck",
    "FollowUp",
    "LoadResult",
    "Mistake",
    "Problem",
    "Step",
    "deck_files",
    "load_decks",
    "load_file",
    "load_text",
]
