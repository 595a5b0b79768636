"""Syncing from the app: at start, every 50 reviews and at exit, as a notice, never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trainer.render import plural
from trainer.store import Store, StoreError
from trainer.sync.folder import SyncError, SyncReport, sync_folder

if TYPE_CHECKING:
    from trainer.scheduling.fsrs_scheduler import Scheduler

REVIEWS_BETWEEN_SYNCS = 50


def sync_quietly(store: Store, sync_dir: str, scheduler: Scheduler | None = None
                 ) -> tuple[SyncReport | None, str | None]:
    """Sync with the configured folder: (the report, None), or (None, the notice to show).
    `scheduler` is the app's: it follows the fitted parameters another device sends.

    A failure of any kind leaves the database as it was (each merge is one transaction)
    and is retried at the next sync.
    """
    root = Path(sync_dir).expanduser()
    try:
        return sync_folder(store, root, scheduler=scheduler), None
    except (SyncError, StoreError, OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return None, (f"Sync with {root} failed: {detail}. Nothing here is lost; "
                      "it is tried again later.")


def notice(report: SyncReport) -> str | None:
    """One line for the learner when something came in or a file was skipped."""
    parts = []
    received = sum(report.received.values())
    if received:
        devices = len(report.received)
        parts.append(f"synced {plural(received, 'event')} from "
                     f"{plural(devices, 'other device')}")
    parts += report.fits
    if report.problems:
        parts.append(f"{plural(len(report.problems), 'damaged file')} skipped: "
                     f"{report.problems[0]}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] or None
