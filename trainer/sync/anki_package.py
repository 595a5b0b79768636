"""Read an Anki package (.apkg / .colpkg) with the standard library: notes, cards, revlog, media.

Both layouts Anki writes are understood: the legacy one (`collection.anki2` or
`collection.anki21`, a JSON media map) and the current one (`collection.anki21b` and media
compressed with zstd, the media map a small protobuf message).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MAX_PACKAGE_BYTES = 2 * 1024**3  # refuse to inflate more than this from one package


class PackageError(Exception):
    """The file is not an Anki package this reader understands; the message says why."""


@dataclass(frozen=True, slots=True)
class NoteType:
    id: int
    name: str
    fields: tuple[str, ...]
    cloze: bool
    templates: int


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    guid: str
    notetype: NoteType
    fields: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnkiCard:
    id: int
    note_id: int
    ord: int
    deck_id: int
    type: int  # 0 new, 1 learning, 2 review, 3 relearning
    queue: int  # -1 suspended, -2/-3 buried, others as type
    due: int
    interval: int  # days (negative: seconds, for learning cards)
    factor: int
    reps: int
    lapses: int


@dataclass(frozen=True, slots=True)
class Review:
    id: int  # milliseconds since the epoch, when the review happened
    card_id: int
    ease: int  # 1 Again .. 4 Easy (0: a manual reschedule)
    interval: int
    last_interval: int
    factor: int
    time_ms: int
    type: int  # 0 learn, 1 review, 2 relearn, 3 filtered, 4 manual, 5 rescheduled


@dataclass(slots=True)
class Package:
    """What one package holds, read fully into memory (media stay in the zip until asked)."""

    path: Path
    notes: list[Note] = field(default_factory=list)
    cards: list[AnkiCard] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    decks: dict[int, str] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)  # file name -> entry in the zip
    collection_created: int = 0  # seconds since the epoch (card due days count from it)
    compressed_media: bool = False

    def media_bytes(self, name: str) -> bytes:
        with zipfile.ZipFile(self.path) as zf:
            data = _read_bounded(zf, self.media[name])
        return _unzstd(data) if self.compressed_media else data


def _read_bounded(zf: zipfile.ZipFile, name: str) -> bytes:
    info = zf.getinfo(name)
    if info.file_size > MAX_PACKAGE_BYTES:
        raise PackageError(f"{name} inflates to {info.file_size} bytes; refusing")
    with zf.open(info) as fh:
        data = fh.read(MAX_PACKAGE_BYTES + 1)
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageError(f"{name} inflates past {MAX_PACKAGE_BYTES} bytes; refusing")
    return data


def _unzstd(data: bytes) -> bytes:
    import zstandard

    try:
        out = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    except zstandard.ZstdError as exc:
        raise PackageError(f"a compressed part is damaged ({exc})") from exc
    if len(out) > MAX_PACKAGE_BYTES:
        raise PackageError("a compressed part inflates too far; refusing")
    return out


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = value = 0
    while True:
        if i >= len(buf):
            raise PackageError("a protobuf message is truncated")
        b = buf[i]
        i += 1
        value |= (b & 0x7F) << shift
        if not b & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise PackageError("a protobuf varint is too long")


def protobuf_fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) pairs of one protobuf message: varints as int, the rest as bytes."""
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
            yield number, value
        elif wire == 2:
            size, i = _varint(buf, i)
            if i + size > len(buf):
                raise PackageError("a protobuf message is truncated")
            yield number, buf[i:i + size]
            i += size
        elif wire == 1:
            yield number, buf[i:i + 8]
            i += 8
        elif wire == 5:
            yield number, buf[i:i + 4]
            i += 4
        else:
            raise PackageError(f"unknown protobuf wire type {wire}")


def _media_map(zf: zipfile.ZipFile, names: set[str], compressed: bool) -> dict[str, str]:
    if "media" not in names:
        return {}
    raw = _read_bounded(zf, "media")
    if not compressed:
        try:
            mapping = json.loads(raw.decode("utf-8") or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PackageError(f"the media list is damaged ({exc})") from exc
        return {str(name): str(entry) for entry, name in mapping.items()}
    # MediaEntries { repeated MediaEntry entries = 1 }, MediaEntry { string name = 1; ... }
    out: dict[str, str] = {}
    for index, (number, entry) in enumerate(
            (n, v) for n, v in protobuf_fields(_unzstd(raw)) if n == 1):
        del number
        if not isinstance(entry, bytes):
            continue
        for fnum, value in protobuf_fields(entry):
            if fnum == 1 and isinstance(value, bytes):
                out[value.decode("utf-8", "replace")] = str(index)
    return out


@contextmanager
def _collection(zf: zipfile.ZipFile, names: set[str]) -> Iterator[tuple[sqlite3.Connection, bool]]:
    if "collection.anki21b" in names:
        data, compressed = _unzstd(_read_bounded(zf, "collection.anki21b")), True
    elif "collection.anki21" in names:
        data, compressed = _read_bounded(zf, "collection.anki21"), False
    elif "collection.anki2" in names:
        data, compressed = _read_bounded(zf, "collection.anki2"), False
    else:
        raise PackageError("no Anki collection inside (expected collection.anki2/21/21b)")
    with tempfile.TemporaryDirectory(prefix="trainer-anki-") as tmp:
        db = Path(tmp) / "collection.sqlite"
        db.write_bytes(data)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA query_only = ON")
            yield con, compressed
        except sqlite3.DatabaseError as exc:
            raise PackageError(f"the collection inside is damaged ({exc})") from exc
        finally:
            con.close()


def _notetypes(con: sqlite3.Connection) -> dict[int, NoteType]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    out: dict[int, NoteType] = {}
    if "notetypes" in tables:
        for ntid, name, config in con.execute("SELECT id, name, config FROM notetypes"):
            cloze = any(n == 1 and v == 1 for n, v in protobuf_fields(config or b""))
            fields = tuple(r[0] for r in con.execute(
                "SELECT name FROM fields WHERE ntid = ? ORDER BY ord", (ntid,)))
            (templates,) = con.execute("SELECT count(*) FROM templates WHERE ntid = ?",
                                       (ntid,)).fetchone()
            out[ntid] = NoteType(ntid, name, fields, cloze, templates)
        return out
    (models,) = con.execute("SELECT models FROM col").fetchone()
    for model in json.loads(models or "{}").values():
        flds = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        out[int(model["id"])] = NoteType(int(model["id"]), str(model.get("name", "")),
                                         tuple(str(f.get("name", "")) for f in flds),
                                         model.get("type") == 1, len(model.get("tmpls", [])))
    return out


def _decks(con: sqlite3.Connection) -> dict[int, str]:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "decks" in tables:
        return {int(i): str(n).replace("\x1f", "::") for i, n in
                con.execute("SELECT id, name FROM decks")}
    (decks,) = con.execute("SELECT decks FROM col").fetchone()
    return {int(d["id"]): str(d.get("name", "")) for d in json.loads(decks or "{}").values()}


def read_package(path: Path, *, reviews: bool = True) -> Package:
    """Read a package's notes, cards, review log (unless `reviews` is false: a deck-only
    import, for which it would be a third of the reading), deck names and media list."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(f"{path}: not an Anki package ({exc})") from exc
    with zf:
        names = set(zf.namelist())
        pkg = Package(path=path)
        try:
            with _collection(zf, names) as (con, compressed):
                pkg.compressed_media = compressed
                types = _notetypes(con)
                pkg.decks = _decks(con)
                (pkg.collection_created,) = con.execute("SELECT crt FROM col").fetchone()
                for nid, guid, mid, tags, flds in con.execute(
                        "SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"):
                    if mid not in types:
                        raise PackageError(f"note {nid} has an unknown note type {mid}")
                    pkg.notes.append(Note(nid, str(guid), types[mid], tuple(flds.split("\x1f")),
                                          tuple(tags.split())))
                pkg.cards = [AnkiCard(*row) for row in con.execute(
                    "SELECT id, nid, ord, did, type, queue, due, ivl, factor, reps, lapses "
                    "FROM cards ORDER BY id")]
                pkg.reviews = [Review(*row) for row in con.execute(
                    "SELECT id, cid, ease, ivl, lastIvl, factor, time, type FROM revlog "
                    "ORDER BY id")] if reviews else []
            pkg.media = _media_map(zf, names, pkg.compressed_media)
        except sqlite3.DatabaseError as exc:
            raise PackageError(f"{path}: the collection inside is damaged ({exc})") from exc
        except PackageError as exc:
            raise PackageError(f"{path}: {exc}") from exc
    return pkg
