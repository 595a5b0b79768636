"""Fitted FSRS parameters through the sync folder: each device's own fits in
`DIR/<device>/fits.json`, the newest fit of each scope used on every device."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trainer.store.fits import StoredFit

if TYPE_CHECKING:
    from trainer.scheduling.fsrs_scheduler import Scheduler
    from trainer.store import Store
    from trainer.sync.folder import Problem

FITS_FILE = "fits.json"  # rewritten whole (temporary name, fsync, rename) by its device only
FITS_FORMAT = 1  # the fits file format this trainer writes and reads
MAX_FITS_BYTES = 1 << 20  # a fit is ~600 bytes: a bigger file is not one of ours

_METRICS = ("log_loss", "rmse_bins", "default_log_loss", "default_rmse_bins")


def rank(fit: StoredFit) -> tuple[float, str, tuple[float, ...]]:
    """The order in which fits of one scope win: the newest, then the greater device id (and
    the parameters, should one device have written two fits at one instant), so every device
    picks the same one."""
    return fit.fitted_at, fit.device or "", fit.parameters


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, allow_nan=False).encode("utf-8")


def fits_bytes(device: str, fits: Iterable[StoredFit]) -> bytes:
    """A device's fits file: its fits (one per scope, all decks' first) and the SHA-256 of
    their canonical JSON, so a file damaged in transit is told from a sound one."""
    ordered = sorted(fits, key=lambda f: f.deck or "")
    body: dict[str, Any] = {"format": FITS_FORMAT, "device": device,
                            "fits": [f.to_dict() for f in ordered]}
    body["sha256"] = hashlib.sha256(_canonical(body)).hexdigest()
    return (json.dumps(body, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def read_fits(path: Path) -> tuple[list[StoredFit], Problem | None]:
    """The fits in a device's fits file, or the problem that makes it unusable (none of
    its fits are used then)."""
    from trainer.sync.folder import Problem

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FITS_BYTES + 1)
    except OSError as exc:
        return [], Problem(path, 0, f"can not be read ({exc.strerror or exc})")
    if len(data) > MAX_FITS_BYTES:
        return [], Problem(path, 1, "too big to be a fits file")
    try:
        body = json.loads(data)
    except ValueError as exc:  # (a UnicodeDecodeError is one)
        line = getattr(exc, "lineno", 1)
        return [], Problem(path, line, "damaged or cut short (not JSON)")
    version = body.get("format") if isinstance(body, dict) else None
    if type(version) is int and version > FITS_FORMAT:
        return [], Problem(path, 1, f"written by a newer trainer (format {version}, this "
                                    f"one reads {FITS_FORMAT}); upgrade trainer to use it")
    if type(version) is not int or not isinstance(body.get("fits"), list) \
            or not isinstance(body.get("device"), str):
        return [], Problem(path, 1, "not a trainer fits file")
    told = body.pop("sha256", None)
    try:
        sound = told == hashlib.sha256(_canonical(body)).hexdigest()
    except ValueError:  # NaN or infinity: never written by a trainer
        sound = False
    if not sound:
        return [], Problem(path, 1, "checksum does not match: the file was changed or damaged")
    fits = []
    for number, record in enumerate(body["fits"], start=1):
        fit, reason = _fit_of(record)
        if fit is None:
            return [], Problem(path, 1, f"fit {number}: {reason}")
        fits.append(fit)
    return fits, None


def _number(value: Any) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _fit_of(record: Any) -> tuple[StoredFit | None, str]:
    """A fit from its file record, or None and why it can not be used: parameters fsrs
    refuses would reschedule every card of the scope wrongly."""
    if not isinstance(record, dict):
        return None, "not a fit"
    deck, device, params = record.get("deck"), record.get("device"), record.get("parameters")
    if not (deck is None or (isinstance(deck, str) and deck)):
        return None, "its deck is not a deck id"
    if not (isinstance(device, str) and device):
        return None, "no device"
    if not (isinstance(params, list) and all(_number(p) for p in params)):
        return None, "its parameters are not numbers"
    if not (_number(record.get("fitted_at")) and type(record.get("reviews")) is int
            and record["reviews"] >= 0 and all(_number(record.get(m)) for m in _METRICS)):
        return None, "its time, review count or scores are missing or not numbers"
    import fsrs

    try:
        fsrs.Scheduler(parameters=[float(p) for p in params])
    except ValueError as exc:
        return None, f"FSRS refuses its parameters ({exc})"
    loss, rmse, default_loss, default_rmse = (float(record[m]) for m in _METRICS)
    return StoredFit(deck, tuple(float(p) for p in params), float(record["fitted_at"]),
                     record["reviews"], loss, rmse, default_loss, default_rmse,
                     device=device), ""


def describe(fit: StoredFit) -> str:
    """'parameters fitted on <device> on <date> now used for <scope>'."""
    scope = "all decks" if fit.deck is None else f"deck {fit.deck}"
    return (f"parameters fitted on {fit.device} on "
            f"{datetime.fromtimestamp(fit.fitted_at):%Y-%m-%d} now used for {scope}")


def exchange_fits(store: Store, root: Path, mine: Path, scheduler: Scheduler | None,
                  problems: list[Problem]) -> tuple[list[StoredFit], int]:
    """Use the newest fit of each scope among every device's fits file and this store,
    and write this device's own fits to its file. Returns the fits taken from other
    devices' files and how many cards were replayed with them.

    The fits taken are stored and their scopes' cards replayed in one transaction;
    `scheduler` (this device's: its retention per deck) follows them in place. A damaged
    or newer file is added to `problems` and skipped; nothing local is lost.
    """
    from trainer.sync.folder import write_atomically

    local = {f.deck: f for f in store.fits()}
    found: list[StoredFit] = []
    own_written: list[StoredFit] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        path = folder / FITS_FILE
        if not path.is_file():
            continue
        got, problem = read_fits(path)
        if problem is not None:
            problems.append(problem)
            continue
        found += got
        if folder == mine:
            own_written = [f for f in got if f.device == store.device_id]
    best: dict[str | None, StoredFit] = {}
    for fit in found:
        if fit.deck not in best or rank(fit) > rank(best[fit.deck]):
            best[fit.deck] = fit
    taken = [fit for deck, fit in sorted(best.items(), key=lambda kv: kv[0] or "")
             if deck not in local or rank(fit) > rank(local[deck])]
    count = _take(store, taken, scheduler) if taken else 0
    # this device's own fits: the newest of each scope it has written or holds
    own: dict[str | None, StoredFit] = {}
    for fit in own_written + [f for f in store.fits() if f.device == store.device_id]:
        if fit.deck not in own or rank(fit) > rank(own[fit.deck]):
            own[fit.deck] = fit
    if own:
        data = fits_bytes(store.device_id, own.values())
        path = mine / FITS_FILE
        try:
            same = path.read_bytes() == data
        except OSError:
            same = False
        if not same:
            write_atomically(mine, FITS_FILE, data, hook="fits-")
    return taken, count


def _take(store: Store, taken: list[StoredFit], scheduler: Scheduler | None) -> int:
    """Store these fits and replay their scopes' cards with them, in one transaction."""
    from trainer.scheduling.refit import recompute_states

    if scheduler is None:
        from trainer.config import SettingsError, load_settings
        from trainer.scheduling.fsrs_scheduler import Scheduler
        from trainer.sync.folder import SyncError

        try:
            scheduler = Scheduler.for_store(load_settings(), store)
        except SettingsError as exc:
            raise SyncError(f"{exc}: fitted parameters from another device can not be "
                            "used until it is fixed") from None
        store.replay_with(scheduler.replayer)
    before = store.fitted_parameters()
    try:
        with store.transaction():
            for fit in taken:
                store.save_fit(fit)
            fitted = store.fitted_parameters()
            scheduler.use_fitted(fitted)
            decks = {fit.deck for fit in taken}
            if None in decks:  # the decks with a fit of their own keep it
                own = {d for d in fitted if d is not None and d not in decks}
                return recompute_states(store, scheduler, None, skip=own)
            return recompute_states(store, scheduler, sorted(d for d in decks if d is not None))
    except BaseException:
        scheduler.use_fitted(before)  # the transaction was rolled back: so is the scheduler
        raise
