"""One study session per database: the lock a session holds on its database file."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


class SessionLock:
    """One study session per database: an advisory lock on `<db>.lock`, naming its holder.

    The kernel drops the lock when the process ends, however it ends, so a crashed
    session never leaves a stale lock behind.
    """

    def __init__(self, fh: Any) -> None:
        self.fh = fh

    @classmethod
    def take(cls, db: Path) -> SessionLock | None:
        from trainer.store.db import StoreError

        try:
            import fcntl
        except ImportError:  # no advisory locks here (Windows): SQLite's own locking only
            return None
        lock_path = db.with_name(db.name + ".lock")
        try:
            fh = open(lock_path, "a+")  # noqa: SIM115 - held open for the session
        except OSError as exc:
            raise StoreError(f"{lock_path}: cannot create the session lock: "
                             f"{exc.strerror or exc}", kind="read-only") from None
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            fh.close()
            raise StoreError(f"{db}: in use by another trainer ({holder}). Quit that one first: "
                             "two sessions on one database would show the same cards twice. "
                             "`trainer stats` and `trainer decks` work meanwhile.",
                             kind="in-use", holder=holder) from None
        fh.seek(0)
        fh.truncate()
        started = time.strftime("%Y-%m-%d %H:%M", time.localtime())
        fh.write(f"pid {os.getpid()}, started {started}")
        fh.flush()
        return cls(fh)

    def release(self) -> None:
        try:
            self.fh.seek(0)
            self.fh.truncate()
        except OSError:
            pass
        self.fh.close()  # closing drops the lock
