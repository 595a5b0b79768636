"""The decks a learner studies: loaded, shape-checked, and every expression parsed."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from trainer.decks import Deck, LoadResult, Problem, load_decks, load_text
from trainer.decks import cache as deck_cache
from trainer.decks.loader import read_deck_text


def _checking_code() -> tuple[Path, ...]:
    """The files of the code that checks cards, found without importing it."""
    package = Path(__file__).parent
    return (*sorted((package / "exercises").glob("*.py")), package / "registry.py")


def _load_checked(path: Path) -> tuple[Deck | None, list[Problem]]:
    """One deck file: from the cache when unchanged, else parsed and its expressions checked."""
    text, problems = read_deck_text(path)
    if text is None:
        return None, problems
    key = deck_cache.entry_key(path, text, _checking_code())
    cached = deck_cache.load(key)
    if cached is not None:
        return cached, []
    from trainer.exercises import validate_card

    deck, problems = load_text(text, str(path))
    if deck is None:
        return None, problems
    kept = []
    for card in deck.cards:
        messages = validate_card(card) if card.graded else []
        problems.extend(Problem(card.path, card.line, card.col, card.id, m) for m in messages)
        if not messages:
            kept.append(card)
    deck = Deck(deck.id, deck.title, deck.path, tuple(kept))
    if not problems:
        deck_cache.store(key, deck)
    return deck, problems


def load_catalog(paths: Iterable[Path | str]) -> LoadResult:
    """Load decks and check graded cards' expressions (params, solve, answers, mistakes).

    A card whose expressions do not parse is reported at its file and line and
    left out, so that a study session never meets it. Decks that load without a
    problem are cached, keyed by their text and by the code that checks them.
    """
    return load_decks(paths, load_one=_load_checked)
