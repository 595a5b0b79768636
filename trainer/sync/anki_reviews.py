"""`trainer import --with-history` and `--reviews-only`: Anki's reviews into the learner's store."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from trainer.render import plural

if TYPE_CHECKING:
    from trainer.store import Store
    from trainer.sync.anki_history import History
    from trainer.sync.anki_import import Converted
    from trainer.sync.anki_package import Note, Package


def _open_store(args: argparse.Namespace) -> Store:
    from trainer.config import backup_dir, default_db_path
    from trainer.store import Store

    path = getattr(args, "db", None) or default_db_path()
    # exclusive: a study session open on this database would keep showing the old states
    return Store.open(path, exclusive=True, backup_dir=backup_dir(path))


def _record(store: Store, pkg: Package, key_for: Callable[[Note, int], str | None], *,
            from_anki: bool) -> tuple[History, int]:
    """`from_anki`: the cards came from Anki and keep its due dates; otherwise they are the
    trainer's, and the reviews it exported itself are recognised by their time."""
    from trainer.sync.anki_history import (
        TIME_SLACK_MS,
        read_history,
        record_events,
        reviewed_times,
        seen_in,
    )

    # a review the store has at the same time is passed over: one the trainer exported
    # itself, or one imported before under another id (the journal merges by id)
    times = reviewed_times(store, _candidate_keys(pkg, key_for))
    history = read_history(pkg, key_for, keep_due=from_anki,
                           seen=seen_in(times, 0 if from_anki else TIME_SLACK_MS))
    return history, record_events(store, history.events)


def _candidate_keys(pkg: Package, key_for: Callable[[Note, int], str | None]) -> set[str]:
    notes = {n.id: n for n in pkg.notes}
    keys = set()
    for card in pkg.cards:
        note = notes.get(card.note_id)
        key = key_for(note, card.ord) if note is not None else None
        if key is not None:
            keys.add(key)
    return keys


def _summary(history: History, added: int) -> str:
    reviews = sum(1 for e in history.events if e.kind == "review") + history.already
    cards = plural(len(history.cards), "card")
    if not reviews:
        return "no reviews to import"
    if added == 0:
        return f"{plural(reviews, 'review')} of {cards} read, all here already: nothing new"
    if added < len(history.events) or history.already:
        return (f"imported {plural(added, 'new event')} from {plural(reviews, 'review')} of "
                f"{cards}; the rest were here already")
    return f"imported {plural(reviews, 'review')} of {cards}"


def import_history(pkg: Package, conv: Converted, deck_id: str,
                   args: argparse.Namespace) -> str:
    """The package's review log as events on the cards of the deck just written."""
    from trainer.sync.anki_history import card_suffix
    from trainer.sync.anki_import import card_id_for

    # the deck this import has just written: its cards are a list of dicts
    cards = cast("list[dict[str, object]]", conv.deck["cards"])
    ids = {str(c["id"]) for c in cards}

    def key_for(note: Note, ord_: int) -> str | None:
        suffix = card_suffix(note, ord_)
        if suffix is None:
            return None
        card_id = card_id_for(note.guid, suffix)
        return f"{deck_id}/{card_id}" if card_id in ids else None

    store = _open_store(args)
    try:
        history, added = _record(store, pkg, key_for, from_anki=True)
    finally:
        store.close()
    return _summary(history, added)


def import_reviews_only(src: Path, args: argparse.Namespace) -> int:
    """Reviews done in Anki on cards the trainer exported, matched by GUID, as events."""
    import genanki

    from trainer.catalog import load_catalog
    from trainer.config import default_deck_paths
    from trainer.sync.anki_package import PackageError, read_package

    try:
        pkg = read_package(src)
    except PackageError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    cards = load_catalog(default_deck_paths()).cards
    by_guid = {genanki.guid_for("trainer", card.key): card.key for card in cards}

    def key_for(note: Note, ord_: int) -> str | None:
        return by_guid.get(note.guid) if ord_ == 0 else None

    store = _open_store(args)
    try:
        history, added = _record(store, pkg, key_for, from_anki=False)
    finally:
        store.close()
    print(f"{src.name}: {_summary(history, added)}")
    if history.unknown_notes:
        shown = ", ".join(sorted(history.unknown_notes)[:5])
        more = len(history.unknown_notes) - 5
        print(f"skipped {plural(history.unknown_reviews, 'review')} of "
              f"{plural(len(history.unknown_notes), 'note')} whose GUID matches no card in "
              f"your decks: {shown}" + (f" and {more} more" if more > 0 else ""),
              file=sys.stderr)
    return 0
