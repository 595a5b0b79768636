"""Journal events: the immutable record of everything done to a card, from which its state is replayed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from trainer.record import Record

# What an event can be. `set` writes a whole state that came from outside the journal
# (a migrated or imported card whose history can not explain it); `undo` cancels the
# event named by its payload's "event".
KINDS = ("review", "undo", "suspend", "unsuspend", "bury", "unbury", "forget", "reschedule", "set")

_set = object.__setattr__  # a record's fields are set once, in __init__


class Event(Record):
    """One immutable journal entry. `at` is UTC seconds; `id` a ULID, unique on every device.

    Payloads by kind: review {rating, answer, verdict, duration_ms, review_number,
    content_hash, due (only when the due was set outside FSRS: an interview cap, a migrated
    or imported review)}; undo {event}; bury {until}; reschedule {due}; set {state};
    suspend, unsuspend, unbury and forget carry nothing needed (content_hash at most).
    """

    __slots__ = ("id", "device", "card_key", "at", "kind", "payload")
    id: str
    device: str
    card_key: str
    at: float
    kind: str
    payload: dict[str, Any]

    def __init__(self, id: str, device: str, card_key: str, at: float, kind: str,  # noqa: A002
                 payload: dict[str, Any] | None = None) -> None:
        _set(self, "id", id)
        _set(self, "device", device)
        _set(self, "card_key", card_key)
        _set(self, "at", at)
        _set(self, "kind", kind)
        _set(self, "payload", {} if payload is None else payload)

    @property
    def order(self) -> tuple[float, str]:
        """Event-time order, ties broken by id: the same on every device."""
        return (self.at, self.id)

    @property
    def cancels(self) -> str | None:
        """The id of the event this one undoes (None unless an undo)."""
        return self.payload.get("event") if self.kind == "undo" else None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "device": self.device, "card": self.card_key, "at": self.at,
                "kind": self.kind, "payload": self.payload}

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, parsed: bool = False) -> Event:
        """An event from its JSON form; ValueError names what is missing or wrong.
        `parsed`: `data` was just parsed and is nobody else's, so its payload is taken
        as it is rather than copied."""
        if cls is Event and type(data) is dict:  # the form sync writes: no conversions
            i, device, card, at, kind, payload = (
                data.get("id"), data.get("device"), data.get("card"), data.get("at"),
                data.get("kind"), data.get("payload"))
            if (type(i) is str and type(device) is str and type(card) is str
                    and type(at) is float and type(kind) is str and kind in KINDS
                    and type(payload) is dict):
                return make_event(i, device, card, at, kind,
                                  payload if parsed else dict(payload))
        try:
            event = cls(id=str(data["id"]), device=str(data["device"]),
                        card_key=str(data["card"]), at=float(data["at"]),
                        kind=str(data["kind"]), payload=dict(data.get("payload") or {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"not an event ({exc!s})") from None
        if event.kind not in KINDS:
            raise ValueError(f"unknown event kind {event.kind!r}")
        return event


_new = object.__new__
_set_id, _set_device, _set_card, _set_at, _set_kind, _set_payload = (
    getattr(Event, name).__set__ for name in ("id", "device", "card_key", "at", "kind", "payload"))


def make_event(event_id: str, device: str, card_key: str, at: float, kind: str,
               payload: dict[str, Any]) -> Event:
    """Event(id, device, card_key, at, kind, payload), made by setting its slots directly:
    a record's __init__ sets each field through object.__setattr__, which cost more than
    the rest of reading a stored event. Only for values known to be of the
    right types (read from the journal or checked)."""
    e: Event = _new(Event)
    _set_id(e, event_id)
    _set_device(e, device)
    _set_card(e, card_key)
    _set_at(e, at)
    _set_kind(e, kind)
    _set_payload(e, payload)
    return e


def json_encoder(*, sort_keys: bool = False) -> Callable[[Any], str]:
    """json.dumps(obj, separators=(",", ":"), sort_keys=...) for many objects: json's own C
    encoder made once, not once per call as json.dumps makes it (the text is the same);
    json.dumps itself where json has no C speedups."""
    from json import encoder

    options = json.JSONEncoder(separators=(",", ":"), sort_keys=sort_keys)
    make = getattr(encoder, "c_make_encoder", None)
    if make is None:
        return options.encode
    c = make(None, options.default, encoder.encode_basestring_ascii, None,
             options.key_separator, options.item_separator, sort_keys, False, True)
    return lambda obj: "".join(c(obj, 0))


_dump_payload = json_encoder(sort_keys=True)


def dump_payload(payload: dict[str, Any]) -> str:
    """An event's payload as the journal stores it (compact, keys sorted)."""
    return _dump_payload(payload)


# orjson, once a path that reads or writes many events has imported it (fast_json): its
# import costs about 10 ms, so start-up and a single review go without it
_fast: Any = None
# a run of digits that may be an integer past 64 bits, which orjson reads as a float and
# json as an int: text with one is read by json
long_number = re.compile("[0-9]{19}").search


def fast_json() -> Any:
    """orjson (imported now if not yet), for decoding and encoding many events."""
    global _fast
    if _fast is None:
        import orjson

        _fast = orjson
    return _fast


def payload_dumper() -> Callable[[dict[str, Any]], str]:
    """dump_payload for many payloads: orjson's text where it reads back as json's does
    (non-ASCII text is UTF-8, not escaped), json's where orjson refuses a value (an int
    past 64 bits, a key that is not text) or wrote a NaN or an infinity as null (json
    writes NaN, Infinity)."""
    orjson = fast_json()
    dumps, option, fallback = orjson.dumps, orjson.OPT_SORT_KEYS, _dump_payload

    def dump(payload: dict[str, Any]) -> str:
        try:
            text: bytes = dumps(payload, option=option)
        except TypeError:  # (orjson.JSONEncodeError is one)
            return fallback(payload)
        if b"null" in text and not _finite(payload):
            return fallback(payload)
        return text.decode()

    return dump


def _finite(value: Any) -> bool:
    """No NaN or infinity anywhere in this JSON value."""
    if type(value) is float:
        return value - value == 0.0
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    return not isinstance(value, float) or value - value == 0.0


def new_event_id(at: float) -> str:
    """A fresh ULID whose time part is `at` (so ids sort roughly by event time)."""
    from ulid import ULID

    return str(ULID.from_timestamp(max(0.0, at)))
