"""Sync through a shared folder: each device appends checksummed JSON-lines segments of its events."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.store import Store
from trainer.store.events import collector_paused
from trainer.store.journal import Event, new_event_id

if TYPE_CHECKING:
    from trainer.scheduling.fsrs_scheduler import Scheduler

FORMAT = 1  # the segment format this trainer writes and reads
SEGMENT_EVENTS = 50_000  # events per segment: a first sync of a long history writes several
# tests: "before-rename:MARKER" (or after-rename) touches MARKER and blocks there, to be killed
HOOK = "TRAINER_SYNC_HOOK"


@dataclass(slots=True)
class Problem:
    """A segment that was skipped, and why (the file and the line that shows it)."""

    path: Path
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}; skipped"


@dataclass(slots=True)
class SyncReport:
    """What one sync did: events sent, events in per device, fits taken from other devices,
    cards replayed, problems."""

    sent: int = 0
    received: dict[str, int] = field(default_factory=dict)
    cards: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fits: list[str] = field(default_factory=list)  # 'parameters fitted on … now used for …'
    refit_cards: int = 0  # cards replayed with those parameters

    def lines(self) -> list[str]:
        out = [f"sent {self.sent} event{'s' * (self.sent != 1)}"]
        for device, count in sorted(self.received.items()):
            out.append(f"from {device}: {count} new event{'s' * (count != 1)}")
        if not self.received:
            out.append("nothing new from other devices")
        if self.cards:
            out.append(f"{self.cards} card{'s' * (self.cards != 1)} replayed")
        out.extend(self.fits)
        if self.refit_cards:
            out.append(f"{self.refit_cards} card{'s' * (self.refit_cards != 1)} replayed "
                       "with the new parameters")
        out.extend(self.notes)
        out.extend(str(p) for p in self.problems)
        return out


class SyncError(Exception):
    """The folder can not be used (missing, not writable, not a git work tree …)."""


# --- segments ---------------------------------------------------------------------------------


def segment_bytes(device: str, events: list[Event]) -> bytes:
    """A segment: a header line, one event per line, and an end line with the SHA-256 of
    everything before it (a segment cut short has no end line)."""
    lines = [json.dumps({"format": FORMAT, "device": device, "events": len(events)},
                        sort_keys=True)]
    lines += [json.dumps(e.to_dict(), sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False) for e in events]
    body = ("\n".join(lines) + "\n").encode("utf-8")
    end = json.dumps({"end": True, "sha256": hashlib.sha256(body).hexdigest()}, sort_keys=True)
    return body + (end + "\n").encode("utf-8")


def read_segment(path: Path) -> tuple[list[Event], Problem | None]:
    """The events of a segment, or the problem that makes it unusable (none are used then)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], Problem(path, 0, f"can not be read ({exc.strerror or exc})")
    raw = data.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    if not raw:
        return [], Problem(path, 1, "empty")
    try:
        header = json.loads(raw[0])
        version = int(header["format"])
        count = int(header["events"])
    except (ValueError, KeyError, TypeError):
        return [], Problem(path, 1, "not a trainer sync segment (no header)")
    if version > FORMAT:
        return [], Problem(path, 1, f"written by a newer trainer (format {version}, this one "
                                    f"reads {FORMAT}); upgrade trainer to merge it")
    whole = _read_whole(data, raw, count)
    if whole is not None:
        return whole
    # something is wrong: read line by line to say which line
    events: list[Event] = []
    for number, line in enumerate(raw[1:], start=2):
        try:
            record = json.loads(line)
        except ValueError:
            return [], Problem(path, number, "damaged or cut short (not JSON)")
        if isinstance(record, dict) and record.get("end") is True:
            body = b"".join(x + b"\n" for x in raw[:number - 1])
            if record.get("sha256") != hashlib.sha256(body).hexdigest():
                return [], Problem(path, number, "checksum does not match: the segment was "
                                                 "changed or damaged")
            if len(events) != count or number != len(raw):
                return [], Problem(path, number, "damaged: event count does not match")
            return events, None
        try:
            events.append(Event.from_dict(record))
        except ValueError as exc:
            return [], Problem(path, number, str(exc))
    return [], Problem(path, len(raw), "cut short (no end line): a sync was interrupted "
                                       "or the copy is incomplete")


def _read_whole(data: bytes, raw: list[bytes],
                count: int) -> tuple[list[Event], Problem | None] | None:
    """A whole, sound segment's events, each line read by orjson (json's decoder cost
    most of reading a segment); None when anything is off, for the line-by-line reading
    (by json, which also reads what orjson refuses, NaN, and long integers, which orjson
    reads as floats) to find and name it. Each line is read alone, as json.loads reads it
    there."""
    from trainer.store.journal import fast_json

    if len(raw) < 2:
        return None
    try:
        end = json.loads(raw[-1])
    except ValueError:  # (UnicodeDecodeError is one)
        return None
    if not (isinstance(end, dict) and end.get("end") is True):
        return None
    # where the events' lines begin in `data`, and where the end line begins
    body = len(raw[0]) + 1, len(data) - len(raw[-1]) - (1 if data.endswith(b"\n") else 0)
    if _LONG_NUMBER in data[body[0]:body[1]].translate(_DIGITS):
        return None  # a number orjson may read as a float where json reads an int
    loads = fast_json().loads
    try:
        records = [loads(line) for line in raw[1:-1]]
    except ValueError:  # (orjson.JSONDecodeError is one)
        return None
    if len(records) != count or any(type(r) is not dict or r.get("end") is True
                                    for r in records):
        return None
    if end.get("sha256") != hashlib.sha256(data[:body[1]]).hexdigest():
        return None
    try:
        return [Event.from_dict(r, parsed=True) for r in records], None
    except ValueError:
        return None


_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return  # not every system opens folders (Windows): the rename is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _hook(stage: str) -> None:
    """Tests stop a sync here (and kill it) to prove an interrupted sync loses nothing."""
    spec = os.environ.get(HOOK, "")
    want, _, marker = spec.partition(":")
    if want == stage and marker:
        Path(marker).touch()
        while True:
            time.sleep(3600)


def write_segment(folder: Path, name: str, data: bytes) -> Path:
    """Write a segment so that it exists whole or not at all (a torn write is never a
    segment)."""
    return write_atomically(folder, name, data)


def write_atomically(folder: Path, name: str, data: bytes, *, hook: str = "") -> Path:
    """Write a file so that it exists whole or not at all, the old one until then: a
    temporary name (a dot file the next sync removes), fsync, rename. `hook` prefixes the
    tests' stop points."""
    target = folder / name
    tmp = folder / f".{name}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    _hook(f"{hook}before-rename")
    os.replace(tmp, target)
    _fsync_dir(folder)
    _hook(f"{hook}after-rename")
    return target


# --- the sync ----------------------------------------------------------------------------------


def _key(root: Path) -> str:
    return str(root.resolve())


def sync_folder(store: Store, root: Path, *, scheduler: Scheduler | None = None,
                progress: Callable[[str], None] | None = None) -> SyncReport:
    """Send this device's new events to `root/<device>/` and merge every device's segments;
    write this device's fitted FSRS parameters to `root/<device>/fits.json` and use the
    newest fit of each scope among every device's.

    `scheduler` is the one this device studies with (its retention per deck): merges
    replay with it, and it follows the fits taken from other devices (None: the settings'
    and the store's, made when a fit comes in). Nothing local is ever changed but by adding
    events or a newer fit; a damaged segment or fits file is reported and skipped; an
    interrupted sync is finished or redone by the next one.
    """
    from trainer.sync.fitshare import describe, exchange_fits

    report = SyncReport()
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise SyncError(f"{root}: not a folder")
    device = store.device_id
    mine = root / device
    try:
        mine.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SyncError(f"{mine}: can not be created ({exc.strerror or exc})") from None
    if scheduler is not None:
        store.replay_with(scheduler.replayer)
    _finish_pending(store, root, mine)
    taken, replayed = exchange_fits(store, root, mine, scheduler, report.problems)
    report.fits, report.refit_cards = [describe(fit) for fit in taken], replayed
    with collector_paused():  # while the segments' events are read and merged
        _receive(store, root, report)
    _send(store, root, mine, report)
    return report


def _finish_pending(store: Store, root: Path, mine: Path) -> None:
    """A sync killed between writing its segment and noting it: note it now if the
    segment is whole, else forget it (its events are sent again)."""
    key = f"sync_pending:{_key(root)}"
    pending = store.meta(key)
    for stale in mine.glob(".*.tmp"):  # a torn write: never a segment
        stale.unlink(missing_ok=True)
    if pending is None:
        return
    note = json.loads(pending)
    path = mine / note["name"]
    with store.transaction():
        if path.exists() and read_segment(path)[1] is None:
            store.set_meta(f"sync_sent:{_key(root)}", str(note["upto"]))
            store.conn.execute("INSERT OR IGNORE INTO synced_segments (name) VALUES (?)",
                               (f"{mine.name}/{note['name']}",))
        store.set_meta(key, None)


# what a segment's events can raise when merged (a rating that is not a number, a number
# past SQLite's 64 bits, text that is not Unicode): the segment is reported, not merged
_UNMERGEABLE = (ValueError, TypeError, LookupError, ArithmeticError)


def _receive(store: Store, root: Path, report: SyncReport) -> None:
    seen = {r[0] for r in store.conn.execute("SELECT name FROM synced_segments")}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        parts: list[tuple[Path, str, list[Event]]] = []
        for path in sorted(folder.glob("*.jsonl")):
            name = f"{folder.name}/{path.name}"
            if name in seen:
                continue
            got, problem = read_segment(path)
            if problem is not None:
                report.problems.append(problem)
                continue
            parts.append((path, name, got))
        if not parts:
            continue
        try:
            merges = [store.merge_events([e for _, _, got in parts for e in got],
                                         origin=folder.name, segments=[n for _, n, _ in parts])]
        except _UNMERGEABLE:  # (rolled back) one segment at a time: the others still merge
            merges = []
            for path, name, got in parts:
                try:
                    merges.append(store.merge_events(got, origin=folder.name, segments=[name]))
                except _UNMERGEABLE as exc:
                    report.problems.append(Problem(path, 0, f"can not be merged ({exc})"))
        for merged in merges:
            for device, count in merged.per_device.items():
                if device != store.device_id:
                    report.received[device] = report.received.get(device, 0) + count
            report.cards += merged.cards


def _send(store: Store, root: Path, mine: Path, report: SyncReport) -> None:
    sent_key, pending_key = f"sync_sent:{_key(root)}", f"sync_pending:{_key(root)}"
    after = int(store.meta(sent_key) or 0)
    events, last = store.events_to_send(after)
    if not events:
        return
    for start in range(0, len(events), SEGMENT_EVENTS):
        part = events[start:start + SEGMENT_EVENTS]
        final = start + SEGMENT_EVENTS >= len(events)
        upto = last if final else _seq_of(store, part[-1].id)
        name = f"{new_event_id(time.time())}.jsonl"
        with store.transaction():
            store.set_meta(pending_key, json.dumps({"name": name, "upto": upto}))
        write_segment(mine, name, segment_bytes(store.device_id, part))
        with store.transaction():
            store.set_meta(sent_key, str(upto))
            store.set_meta(pending_key, None)
            store.conn.execute("INSERT OR IGNORE INTO synced_segments (name) VALUES (?)",
                               (f"{mine.name}/{name}",))
        report.sent += len(part)


def _seq_of(store: Store, event_id: str) -> int:
    return int(store.conn.execute("SELECT seq FROM events WHERE id=?", (event_id,)).fetchone()[0])
