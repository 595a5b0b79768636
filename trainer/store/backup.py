"""Automatic backups of the database with SQLite's online backup API: make, list, prune, restore."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from trainer.store.db import Store, StoreError, as_store_error
from trainer.store.schema import SCHEMA_VERSION

REVIEWS_BETWEEN_BACKUPS = 500
KEEP_DAILY = 7
KEEP_WEEKLY = 4
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})\.db$")


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    made: float  # UTC seconds, from the name (local time when it was made)
    size: int

    @property
    def made_text(self) -> str:
        return datetime.fromtimestamp(self.made).strftime("%Y-%m-%d %H:%M")

    def to_dict(self) -> dict[str, object]:
        return {"path": str(self.path), "made": self.made, "made_text": self.made_text,
                "size": self.size}


def list_backups(folder: Path | None) -> list[Backup]:
    """The backups in `folder`, newest first (half-written ones are never listed)."""
    if folder is None or not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if not m or not entry.is_file():
            continue
        try:
            made = time.mktime(time.strptime(m["stamp"], "%Y%m%d-%H%M%S"))
            found.append(Backup(entry, made, entry.stat().st_size))
        except (ValueError, OSError):
            continue
    return sorted(found, key=lambda b: (b.made, b.path.name), reverse=True)


def newest_backup(folder: Path | None) -> Path | None:
    backups = list_backups(folder)
    return backups[0].path if backups else None


def review_id_of(backup: Path) -> int:
    """The newest review id in a backup (0 when it cannot be read)."""
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT MAX(id) FROM reviews").fetchone()[0] or 0)
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def backup_needed(store: Store, folder: Path, now: float, *, day_hour: int) -> str | None:
    """Why a backup should be made now ('first' ever, 'daily', '500 reviews'), or None."""
    from trainer.scheduling.days import study_date

    backups = list_backups(folder)
    if not backups:
        return "first"
    newest = backups[0]
    if study_date(newest.made, day_hour=day_hour) < study_date(now, day_hour=day_hour):
        return "daily"
    if store.last_review_id() - review_id_of(newest.path) >= REVIEWS_BETWEEN_BACKUPS:
        return f"{REVIEWS_BETWEEN_BACKUPS} reviews"
    return None


def check_file(path: Path) -> str | None:
    """None when `path` is a sound trainer database, else what is wrong with it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"damaged ({result})"
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if not 1 <= version <= SCHEMA_VERSION:
                return f"not a database this trainer can use (schema {version})"
            conn.execute("SELECT COUNT(*) FROM reviews").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    return None


def make_backup(store: Store, folder: Path, now: float | None = None) -> Backup:
    """Copy the database into `folder` (online, page by page), check the copy, then prune.

    The copy is written under a temporary name and renamed once checked, so a crash or a
    full disk never leaves a half backup that looks whole, and a damaged database never
    replaces good backups with a damaged copy.
    """
    now = time.time() if now is None else now
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    final = folder / f"{store.path.stem}-{stamp}.db"
    partial = folder / f".{final.name}.partial"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        store.backup_to(partial)
        problem = check_file(partial)
        if problem is not None:
            partial.unlink(missing_ok=True)
            raise StoreError(f"{store.path}: not backed up: the database is {problem}. The "
                             f"backups in {folder} are kept as they are.", kind="damaged")
        os.replace(partial, final)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"{folder}: cannot write a backup: {exc.strerror or exc}",
                         kind="full") from None
    prune(folder)
    return Backup(final, now, final.stat().st_size)


def to_keep(backups: list[Backup]) -> list[Backup]:
    """The newest backup of each of the last KEEP_DAILY days that have one, then the newest
    of each of the KEEP_WEEKLY weeks before those (backups are given newest first)."""
    per_day: list[Backup] = []
    days: set[object] = set()
    for b in backups:
        day = datetime.fromtimestamp(b.made).date()
        if day not in days:
            days.add(day)
            per_day.append(b)
    daily = per_day[:KEEP_DAILY]
    weeks = {datetime.fromtimestamp(b.made).isocalendar()[:2] for b in daily}
    weekly: list[Backup] = []
    for b in per_day[KEEP_DAILY:]:
        week = datetime.fromtimestamp(b.made).isocalendar()[:2]
        if week not in weeks and len(weekly) < KEEP_WEEKLY:
            weeks.add(week)
            weekly.append(b)
    return daily + weekly


def prune(folder: Path) -> list[Path]:
    """Delete the backups that `to_keep` does not keep, and leftovers of interrupted ones."""
    backups = list_backups(folder)
    keep = {b.path for b in to_keep(backups)}
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                pass
    for stale in folder.glob(".*.db.partial"):
        try:
            if time.time() - stale.stat().st_mtime > 3600:  # not one being written now
                stale.unlink()
        except OSError:
            pass
    return removed


def restore(backup: Path, db: Path, now: float | None = None) -> Path | None:
    """Put `backup` in place of the database `db`, after moving the current one aside.

    Returns where the previous database was saved (None if there was none). Refused,
    untouched, while a study session holds the database or when the backup is unsound.
    """
    problem = check_file(backup)
    if problem is not None:
        raise StoreError(f"{backup}: cannot restore: the backup is {problem}", kind="damaged")
    from trainer.store.lock import SessionLock

    lock = SessionLock.take(db)
    try:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(time.time() if now is None
                                                             else now))
        aside = db.with_name(f"{db.name}.before-restore-{stamp}")
        incoming = db.with_name(f".{db.name}.restoring")
        try:
            shutil.copyfile(backup, incoming)
            with open(incoming, "rb+") as fh:
                os.fsync(fh.fileno())
            saved = None
            if db.exists():
                # the -wal file travels with its database (SQLite pairs them by name), so
                # the saved copy keeps every review, even ones not yet checkpointed
                os.replace(db, aside)
                saved = aside
            for suffix in ("-wal", "-shm"):
                side = db.with_name(db.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
            os.replace(incoming, db)
        except OSError as exc:
            incoming.unlink(missing_ok=True)
            raise StoreError(f"{db}: cannot restore: {exc.strerror or exc}",
                             kind="full") from None
        return saved
    finally:
        if lock is not None:
            lock.release()


__all__ = [
    "Backup", "REVIEWS_BETWEEN_BACKUPS", "as_store_error", "backup_needed", "check_file",
    "list_backups", "make_backup", "newest_backup", "prune", "restore", "review_id_of",
    "to_keep",
]
