"""A cache of decks that loaded cleanly, so an unchanged deck is not parsed again.

Entries are keyed by the file's path and text, by the code that reads decks and
by the installed solver plugins, and hold plain data in `marshal` format (which
can not run code when read). A missing, stale or unreadable entry only costs a parse.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any

from trainer.config import deck_cache_dir
from trainer.decks.model import Card, Curve, Deck, FollowUp, Marker, Mistake, Plot, Step
from trainer.kept import kept
from trainer.record import field_names

FORMAT = 3
_CODE = ("loader.py", "header.py", "node_props.py", "model.py", "cache.py", "spec.py")


def cache_dir() -> Path:
    return deck_cache_dir()


@functools.cache
def _code_stamp(extra: tuple[Path, ...]) -> str:
    """Changes whenever the code that reads or checks decks changes. Read once per process
    (for each deck it would stat the same files again), as that code is imported once."""
    here = Path(__file__).parent
    parts = [str(FORMAT), ",".join(field_names(Card))]
    for path in (*(here / name for name in _CODE), *extra):
        try:
            stat = path.stat()
            parts.append(f"{path.name}:{stat.st_mtime_ns}:{stat.st_size}")
        except OSError:
            parts.append(f"{path.name}:missing")
    return "|".join(parts)


PLUGIN_GROUP = "trainer.solvers"
_PLUGIN_INDEX = "plugins.index"  # not a deck: decks are KEY.bin


def _package_folders() -> tuple[tuple[str, int], ...]:
    """The folders Python finds packages in, each with its modification time: installing,
    upgrading or removing a package adds or removes an entry there and changes the time.
    The first entry (the started script's folder, or the current folder for `python -m`) and
    the current folder are left out: no plugin is installed there, and they change often
    (`trainer` and `python -m trainer` would otherwise disagree on every start)."""
    here = os.getcwd()
    out = []
    for entry in sys.path[1:]:
        if not entry or os.path.abspath(entry) == here:
            continue
        try:
            out.append((entry, os.stat(entry).st_mtime_ns))
        except OSError:
            continue
    return tuple(out)


def _scan_plugins() -> tuple[tuple[str, str, str, str], ...]:
    """Every `trainer.solvers` entry point: (name, package, version, the file of its
    top-level module). Only the top level is looked up: finding `pkg.sub` would import
    `pkg`, and the deck cache never runs a plugin's code (the registry does, when needed)."""
    from importlib.metadata import entry_points
    from importlib.util import find_spec

    found = []
    for ep in entry_points(group=PLUGIN_GROUP):
        dist = ep.dist
        try:
            spec = find_spec(ep.module.partition(".")[0])
            origin = (spec.origin or "") if spec is not None else ""
        except Exception:  # noqa: BLE001 - a broken plugin is the registry's to report
            origin = ""
        found.append((ep.name, dist.name if dist else "", dist.version if dist else "",
                      origin))
    return tuple(sorted(found))


def _installed_plugins() -> tuple[tuple[str, str, str, str], ...]:
    """The plugins as last scanned while the package folders were as they are now (a note
    in the cache folder), else scanned again: the scan reads every installed package's
    metadata, too slow for each start."""
    plugins = kept(cache_dir() / _PLUGIN_INDEX, _package_folders(), _scan_plugins)
    return tuple(tuple(p) for p in plugins)


@functools.cache
def plugin_stamp() -> str:
    """The installed solver plugins as part of a deck's cache key: each one's entry point,
    package and version, and the size and time of its module's file (an editable plugin's
    edits count). A deck checked with a plugin is checked again once it is removed, even
    when the deck does not say it `requires` it. Read once per process, as the registry
    loads the plugins once."""
    parts = []
    for name, dist, version, origin in _installed_plugins():
        try:
            stat = os.stat(origin)
            mark = f"{stat.st_mtime_ns}:{stat.st_size}"
        except (OSError, ValueError):
            mark = "missing"
        parts.append(f"{name}={dist}:{version}:{origin}:{mark}")
    return ";".join(parts)


def entry_key(path: Path, text: str | bytes, extra_code: tuple[Path, ...] = ()) -> str:
    """The cache key of a deck file's text. Its UTF-8 bytes give the same key: a file with
    no carriage return to translate is keyed without decoding it."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (_code_stamp(extra_code), plugin_stamp(), str(path), text):
        digest.update(part if isinstance(part, bytes)
                      else part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


_STEP_FIELDS = field_names(Step)
_STEP_MISTAKES = _STEP_FIELDS.index("mistakes")
_CARD_FIELDS = field_names(Card)
# a card read back is made by setting its slots in order (as the store makes an event):
# Card(**fields) bound thirty keywords and set each field by name, most of a cached
# deck's load
_CARD_SLOTS = tuple(getattr(Card, name).__set__ for name in _CARD_FIELDS)
_MISTAKES, _STEPS, _FOLLOW_UPS, _PLOT = (
    _CARD_FIELDS.index(name) for name in ("mistakes", "steps", "follow_ups", "plot"))


def _mistake_plain(m: Mistake) -> tuple[Any, ...]:
    return (m.answer, m.feedback, m.line)


def _step_plain(step: Step) -> tuple[Any, ...]:
    values = [getattr(step, name) for name in _STEP_FIELDS]
    values[_STEP_MISTAKES] = tuple(_mistake_plain(m) for m in step.mistakes)
    return tuple(values)


def _card_plain(card: Card) -> tuple[Any, ...]:
    values = []
    for name in _CARD_FIELDS:
        value = getattr(card, name)
        if name == "mistakes":
            value = tuple(_mistake_plain(m) for m in value)
        elif name == "steps":
            value = tuple(_step_plain(s) for s in value)
        elif name == "follow_ups":
            value = tuple((f.question, f.key_points, f.answer, f.line) for f in value)
        elif name == "plot" and value is not None:
            value = (value.x, value.start, value.end,
                     tuple((c.y, c.label) for c in value.curves),
                     tuple((m.at, m.label) for m in value.markers),
                     value.title, value.x_label, value.y_label, value.line)
        values.append(value)
    return tuple(values)


def _card_from_plain(plain: tuple[Any, ...]) -> Card:
    values = list(plain)
    if values[_MISTAKES]:
        values[_MISTAKES] = tuple(Mistake(*m) for m in values[_MISTAKES])
    if values[_STEPS]:
        steps = []
        for s in values[_STEPS]:
            s = list(s)
            s[_STEP_MISTAKES] = tuple(Mistake(*m) for m in s[_STEP_MISTAKES])
            steps.append(Step(*s))
        values[_STEPS] = tuple(steps)
    if values[_FOLLOW_UPS]:
        values[_FOLLOW_UPS] = tuple(FollowUp(*f) for f in values[_FOLLOW_UPS])
    if values[_PLOT] is not None:
        x, start, end, curves, markers, *rest = values[_PLOT]
        values[_PLOT] = Plot(x, start, end, tuple(Curve(*c) for c in curves),
                             tuple(Marker(*m) for m in markers), *rest)
    card: Card = _new(Card)
    for put, value in zip(_CARD_SLOTS, values, strict=True):
        put(card, value)
    return card


_new = object.__new__


def load(key: str) -> Deck | None:
    try:
        raw = (cache_dir() / f"{key}.bin").read_bytes()
        deck_id, title, path, cards, requires, position = marshal.loads(raw)
        return Deck(deck_id, title, path, tuple(_card_from_plain(c) for c in cards),
                    tuple(requires), position)
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None


def store(key: str, deck: Deck) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = marshal.dumps((deck.id, deck.title, deck.path,
                              tuple(_card_plain(c) for c in deck.cards), deck.requires,
                              deck.position))
        tmp = folder / f"{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        tmp.replace(folder / f"{key}.bin")
    except (OSError, ValueError):
        pass  # a cache that can not be written only costs speed
