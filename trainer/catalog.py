"""The decks a learner studies: loaded, shape-checked, and every expression parsed."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.decks import Deck, LoadResult, Problem, load_decks
from trainer.decks import cache as deck_cache
from trainer.decks.collect import deck_text, read_deck_bytes, read_deck_text

if TYPE_CHECKING:  # the YAML loader is imported only when a deck is not in the cache
    from trainer.decks.loader import Located
from trainer.render import plural


@functools.cache
def _checking_code() -> tuple[Path, ...]:
    """The files of the code that checks cards, found without importing it."""
    package = Path(__file__).parent
    return (*sorted((package / "exercises").glob("*.py")),
            *sorted((package / "coderun").glob("*.py")),
            *sorted((package / "registry").glob("*.py")))


def _load_checked(path: Path) -> tuple[Deck | None, list[Problem]]:
    """One deck file: from the cache when unchanged, else parsed and its expressions checked."""
    data, problems = read_deck_bytes(path)
    if data is None:
        return None, problems
    if b"\r" not in data:
        # no line end to translate: the bytes are the text's UTF-8 (if they are UTF-8 at
        # all), and give its key; a deck found in the cache is never decoded
        cached = _cached(deck_cache.entry_key(path, data, _checking_code()))
        if cached is not None:
            return cached, []
    text, problems = deck_text(path, data)
    if text is None:
        return None, problems
    return _checked(path, text)


def _cached(key: str) -> Deck | None:
    """The deck cached under `key`, unless a plugin it requires can not be used now."""
    cached = deck_cache.load(key)
    return None if cached is None or _missing_plugins(cached) else cached


def _checked(path: Path, text: str, no_aliases: bool = False) -> tuple[Deck | None, list[Problem]]:
    key = deck_cache.entry_key(path, text, _checking_code())
    cached = _cached(key)
    if cached is not None:
        return cached, []
    from trainer.decks.loader import load_text

    deck, problems = load_text(text, str(path), no_aliases=no_aliases)
    if deck is None:
        return None, problems
    if not deck.requires and not any(c.graded or c.kind == "code" for c in deck.cards):
        if not problems:  # recall cards alone (an import): no expression, no plugin
            deck_cache.store(key, deck)
        return deck, problems
    from trainer.exercises.validate import located_problems, unknown_call

    missing = _missing_plugins(deck)
    kept = []
    waiting: dict[str, set[str]] = {}  # card id -> the unknown functions it calls
    located: dict[str, Located] | None = None
    for card in deck.cards:
        found = located_problems(card) if card.graded or card.kind == "code" else []
        calls = {unknown_call(message) for _, message in found}
        if found and missing and None not in calls:
            # a function the missing plugin would provide: said once for the deck, below
            waiting[card.id] = {name for name in calls if name}
            continue
        if found and located is None:
            located = _card_nodes(text, str(path))
        for source, message in found:
            line, col = _place(located.get(card.id) if located else None, source) \
                or (card.line, card.col)
            problems.append(Problem(card.path, line, col, card.id, message))
        if not found:
            kept.append(card)
    problems[:0] = _plugin_problems(text, str(path), missing, waiting)
    deck = deck.with_cards(tuple(kept))
    if not problems:
        deck_cache.store(key, deck)
    return deck, problems


def _missing_plugins(deck: Deck) -> list[tuple[str, str]]:
    """The deck's required solver plugins that can not be used, each with the reason."""
    if not deck.requires:
        return []
    from trainer.registry import plugin_missing

    return [(name, why) for name in deck.requires if (why := plugin_missing(name))]


def _plugin_problems(text: str, path: str, missing: list[tuple[str, str]],
                     waiting: dict[str, set[str]]) -> list[Problem]:
    """One line per missing plugin, at its name under `requires:`; the cards that call
    functions no loaded solver provides are named once, not one line each."""
    out = []
    for i, (name, why) in enumerate(missing):
        line, col = _requires_place(text, path, name)
        message = f"requires the solver plugin {name!r}, {why}"
        if i == 0 and waiting:
            functions = sorted(set().union(*waiting.values()))
            cards = sorted(waiting)
            shown = ", ".join(cards[:5]) + (f" and {len(cards) - 5} more" if len(cards) > 5
                                            else "")
            message += (f"; {plural(len(cards), 'card')} calling {', '.join(functions)} "
                        f"{'is' if len(cards) == 1 else 'are'} left out until it loads "
                        f"({shown})")
        out.append(Problem(path, line, col, "", message))
    return out


def _requires_place(text: str, path: str, name: str) -> tuple[int, int]:
    """Where the deck names a required plugin (the exact parser knows positions)."""
    from trainer.decks.loader import compose

    try:
        root = compose(text, path)
        node = root.value["requires"][1]  # type: ignore[union-attr]
        item = next(i for i in node.value if i.value == name)
        return item.line, item.col
    except Exception:  # noqa: BLE001 - a position is a help; the deck's first line will do
        return 1, 1


def _card_nodes(text: str, path: str) -> dict[str, Located]:
    """Each card's YAML node by id, read by the exact parser (which knows positions)."""
    from trainer.decks.loader import compose

    try:
        root = compose(text, path)
        cards = root.value["cards"][1].value  # type: ignore[union-attr]
        return {c.value["id"][1].value: c for c in cards
                if isinstance(c.value, dict) and "id" in c.value}
    except Exception:  # noqa: BLE001 - positions are a help; the card's own line will do
        return {}


def _scalars(node: Located) -> Iterator[Located]:
    if isinstance(node.value, dict):
        for _key, value in node.value.values():
            yield from _scalars(value)
    elif isinstance(node.value, list):
        for item in node.value:
            yield from _scalars(item)
    elif isinstance(node.value, str):
        yield node


def _place(card: Located | None, source: str | None) -> tuple[int, int] | None:
    """Where in the card the deck text a problem is about stands: the field at fault."""
    if card is None or source is None:
        return None
    return next(((n.line, n.col) for n in _scalars(card) if n.value == source), None)


def _ids_of(path: Path) -> tuple[Deck | None, list[Problem]]:
    """A deck for its ids alone: from the cache, else read without checking expressions."""
    text, problems = read_deck_text(path)
    if text is None:
        return None, problems
    cached = deck_cache.load(deck_cache.entry_key(path, text, _checking_code()))
    if cached is not None:
        return cached, []
    from trainer.decks.loader import load_text

    return load_text(text, str(path))


def check_written(path: Path, text: str, paths: Iterable[Path | str]) -> list[Problem]:
    """The problems of a deck file `trainer import` has just written as `text`, among the
    decks under `paths`: its own, as the catalog finds them, and its deck and card ids
    used elsewhere. The writer puts no YAML anchors, aliases or tags in it.

    The other decks are read only for their ids, and the deck is cached as it stands, so
    that the first study after an import does not read it again.
    """
    written = path.resolve()
    named = {str(path)}  # as given, and as the deck folder's listing names it

    def load_one(found: Path) -> tuple[Deck | None, list[Problem]]:
        if found.resolve() != written:
            return _ids_of(found)
        named.add(str(found))
        return _checked(found, text, no_aliases=True)

    listed = [Path(p) for p in paths]
    if not any(p.resolve() == written or p.resolve() in written.parents for p in listed):
        listed.append(path)
    problems = load_decks(listed, load_one=load_one).problems
    return [p for p in problems if p.path in named or any(name in p.message for name in named)]


def load_catalog(paths: Iterable[Path | str]) -> LoadResult:
    """Load decks and check graded cards' expressions (params, solve, answers, mistakes).

    A card whose expressions do not parse is reported at its file and line and
    left out, so that a study session never meets it. Decks that load without a
    problem are cached, keyed by their text and by the code that checks them.
    """
    return load_decks(paths, load_one=_load_checked)
