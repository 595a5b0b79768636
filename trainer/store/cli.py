"""`trainer backup` (list or make backups) and `trainer restore` (put one back)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trainer.store.backup import list_backups, make_backup, restore
from trainer.store.db import Store, StoreError


def add_backup_arguments(backup: argparse.ArgumentParser,
                         restore_parser: argparse.ArgumentParser) -> None:
    backup.add_argument("--now", action="store_true", help="make a backup now")
    backup.add_argument("--json", action="store_true", help="machine-readable output")
    restore_parser.add_argument("backup", nargs="?", type=Path, metavar="BACKUP",
                                help="a backup file or its name (default: the newest)")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def run_backup(args: argparse.Namespace, db: Path, folder: Path) -> int:
    if args.now:
        store = Store.open(db, backup_dir=folder)
        try:
            made = make_backup(store, folder)
        finally:
            store.close()
        if not args.json:
            print(f"backed up {db} to {made.path}")
    backups = list_backups(folder)
    if args.json:
        print(json.dumps({"database": str(db), "folder": str(folder),
                          "backups": [b.to_dict() for b in backups]}))
        return 0
    if not backups:
        print(f"no backups yet in {folder}; one is made when you first study each day "
              "(or now: trainer backup --now)")
        return 0
    print(f"backups of {db} in {folder}, newest first:")
    for b in backups:
        print(f"  {b.made_text}  {_size(b.size):>9}  {b.path.name}")
    print("restore one with: trainer restore [NAME]  (default: the newest)")
    return 0


def run_restore(args: argparse.Namespace, db: Path, folder: Path) -> int:
    backups = list_backups(folder)
    if args.backup is None:
        if not backups:
            print(f"trainer: no backups in {folder} to restore", file=sys.stderr)
            return 2
        chosen = backups[0].path
    else:
        chosen = args.backup if args.backup.exists() else folder / args.backup.name
        if not chosen.is_file():
            names = ", ".join(b.path.name for b in backups[:5]) or "none"
            print(f"trainer: no backup {args.backup}; the newest are: {names}", file=sys.stderr)
            return 2
    try:
        saved = restore(chosen, db)
    except StoreError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    print(f"restored {chosen.name} to {db}")
    if saved is not None:
        print(f"the database it replaced is kept as {saved}")
    return 0
