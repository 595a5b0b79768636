"""YAML decks: the card model, the safe loader with positions, and where decks live."""

from trainer.decks.loader import deck_files, load_decks, load_file, load_text
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
