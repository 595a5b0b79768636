"""The review log's states (schema 10): a card's state before and after a review, packed in
a few dozen bytes instead of a JSON object of three hundred.

A replay or merge writes two per review and a statistics query reads the log by the
million, so the format is fixed-width numbers (`struct`, little-endian) and the content
hash after them:

    version 1 (B), state (B), flags (B), step (i), stability, difficulty, due,
    last_review, buried_until (5 d), reps, lapses (2 i), then the deck's name
    (only when the card's deck is not its key's first part, its length first in 4 bytes)
    and the content hash, in UTF-8.

A flag bit says which of the optional fields are there (their slot holds 0 otherwise).
The key is the row's `card_key`. Floats keep every bit, so a state read back equals the
state written, and two states are equal exactly when their bytes are (the merge compares
a replay with the log that way). JSON text is read too: the old form (schema 9 and
before), kept where the migration could not read a state, and what a state the numbers
can not hold (from a `set` event) is written as.
"""

from __future__ import annotations

import json
import sqlite3
import struct
from collections.abc import Sequence
from functools import cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from trainer.review import STATES

if TYPE_CHECKING:
    from trainer.store.db import CardState
    from trainer.store.journal import Event

# a review as a replay logs it: (its event, the FSRS state it was made in (0 new), the
# packed state before it (None: none), the packed state after it)
Logged = tuple["Event", int, "bytes | str | None", "bytes | str"]

VERSION = 1
_FIXED = struct.Struct("<BBBidddddii")
_pack = _FIXED.pack
_unpack = _FIXED.unpack_from
_SIZE = _FIXED.size
# the flag bits: which optional fields are there, and the two booleans
_STEP, _STABILITY, _DIFFICULTY, _LAST, _BURIED, _SUSPENDED, _DECK = 1, 2, 4, 8, 16, 32, 64
_LENGTH = struct.Struct("<I")  # the length of a deck's name, before it


@cache
def _fields() -> tuple[str, ...]:
    """CardState's fields in their order (the order of a state's values)."""
    from trainer.store.db import CardState

    return CardState.__slots__


@cache
def _values() -> Any:
    return attrgetter(*_fields())  # a state's field values, in order


def _json(values: Sequence[Any]) -> str:
    return json.dumps(dict(zip(_fields(), values, strict=True)), separators=(",", ":"))


def pack_values(v: Sequence[Any]) -> bytes | str:
    """The packed state with these field values (CardState's fields, in its order). A state
    the numbers can not hold (what a `set` event could write: a float count, a step past
    32 bits) is kept as JSON text instead, which `unpack` reads too."""
    key, deck, state, step, s, d, due, last, reps, lapses, content, suspended, buried = v
    flags = 0
    if step is None:
        step = 0
    else:
        flags = _STEP
    if s is None:
        s = 0.0
    else:
        flags |= _STABILITY
    if d is None:
        d = 0.0
    else:
        flags |= _DIFFICULTY
    if last is None:
        last = 0.0
    else:
        flags |= _LAST
    if buried is None:
        buried = 0.0
    else:
        flags |= _BURIED
    if suspended:
        flags |= _SUSPENDED
    try:
        tail = content.encode("utf-8", "surrogatepass") if content else b""
        if not key.startswith(deck) or key[len(deck):len(deck) + 1] != "/":
            name = deck.encode("utf-8", "surrogatepass")
            flags |= _DECK
            tail = _LENGTH.pack(len(name)) + name + tail
        return _pack(VERSION, state, flags, step, s, d, due, last, buried, reps, lapses) + tail
    except (struct.error, TypeError, AttributeError, UnicodeError):
        return _json(v)


def pack(state: CardState | None) -> bytes | str | None:
    """The review log's form of a state (None: the card had none, it was new)."""
    return None if state is None else pack_values(_values()(state))


def unpack(data: bytes | str | None, key: str) -> CardState | None:
    """The state a review log cell holds, for the card `key` (None: none, the card was new).
    Raises ValueError for a cell that is neither form (a damaged file)."""
    from trainer.store.db import CardState

    if isinstance(data, str):  # the old JSON text, kept where the migration could not read it
        try:
            return CardState.from_dict(json.loads(data))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"a review log state of {key} can not be read: {exc}") from None
    values = unpack_values(data, key)
    return None if values is None else CardState(*values)


def unpack_values(data: bytes | str | None, key: str) -> tuple[Any, ...] | None:
    """`unpack`'s state as its field values (CardState's, in order), as a replay carries
    them."""
    if data is None:
        return None
    if isinstance(data, str):
        return _values()(unpack(data, key))  # type: ignore[no-any-return]
    if len(data) < _SIZE or data[0] != VERSION:
        raise ValueError(f"a review log state of {key} can not be read")
    (_, state, flags, step, s, d, due, last, buried, reps, lapses) = _unpack(data)
    at = _SIZE
    if flags & _DECK:
        (length,) = _LENGTH.unpack_from(data, at)
        deck = data[at + 4:at + 4 + length].decode("utf-8", "surrogatepass")
        at += 4 + length
    else:
        deck = key.split("/", 1)[0]
    content = data[at:].decode("utf-8", "surrogatepass")
    try:
        code = STATES[state]
    except KeyError:
        raise ValueError(f"a review log state of {key} has no state {state}") from None
    return (key, deck, code, step if flags & _STEP else None,
            s if flags & _STABILITY else None, d if flags & _DIFFICULTY else None,
            due, last if flags & _LAST else None, reps, lapses, content,
            bool(flags & _SUSPENDED), buried if flags & _BURIED else None)


def from_json(text: str | None) -> bytes | str | None:
    """A schema 9 cell (JSON text) in the packed form; the text itself when it is not a
    whole state (kept: the reader says what is wrong with it), None for none."""
    if not isinstance(text, str):
        return text  # none, or packed already
    try:
        data = json.loads(text)
        if data["state"] not in STATES or len(data) != len(_fields()):
            return text
        return pack_values(tuple(data[name] for name in _fields()))
    except (ValueError, KeyError, TypeError):
        return text


def migrate(conn: sqlite3.Connection) -> None:
    """Schema 10: the review log's states packed (this module), and the state each review
    was made in (`state_was`) a column of its own, which the tallies read; the tally
    triggers made again to read it. A state that can not be read is kept as its text."""
    from trainer.store.figures import _STATE_JSON, _STATE_WAS, tally_triggers
    from trainer.store.schema import rebuild_reviews

    if "state_was" not in {r[1] for r in conn.execute("PRAGMA table_info(reviews)")}:
        conn.execute("ALTER TABLE reviews ADD COLUMN state_was INTEGER NOT NULL DEFAULT 0")
    conn.create_function("trainer_pack_state", 1, from_json, deterministic=True)
    # copied into a table of their new size (state_was read as the tallies read it until
    # now; a file set back by hand may hold packed states already)
    rebuild_reviews(conn, {"state_was": _STATE_JSON.format(r=""),
                           "state_before": "trainer_pack_state(state_before)",
                           "state_after": "trainer_pack_state(state_after)"})
    # (the tallies' tables exist from schema 3 on, which every file here has passed)
    for name in ("reviews_tally_insert", "reviews_tally_delete"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for statement in tally_triggers(_STATE_WAS):
        conn.execute(statement)
