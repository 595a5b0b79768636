"""`trainer sync DIR [--git]`: the command's arguments and what it prints."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any


def add_sync_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path, nargs="?", metavar="DIR",
                        help="the shared folder (Syncthing, Dropbox …) or git work tree; "
                             "default: the sync_dir setting")
    parser.add_argument("--git", action="store_true",
                        help="DIR is a git work tree: also commit, pull --rebase and push")


def run_sync(args: argparse.Namespace, open_store: Callable[[], Any]) -> int:
    from trainer.config import SettingsError, load_settings
    from trainer.scheduling import Scheduler
    from trainer.store import StoreError
    from trainer.sync.folder import SyncError, sync_folder
    from trainer.sync.gitsync import sync_git

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    root = args.dir or (Path(settings.sync_dir).expanduser() if settings.sync_dir else None)
    if root is None:
        print("trainer: sync needs a folder: `trainer sync DIR`, or set one with "
              "`trainer config sync_dir DIR`", file=sys.stderr)
        return 2
    try:
        store = open_store()
    except StoreError as exc:
        if exc.kind != "in-use":
            raise
        # the app has it open: a merge under it would leave its session showing old states
        print(f"trainer: the app is open on this database ({exc.holder}); nothing was synced. "
              "Quit it and sync again, or let the app sync by itself (`trainer config sync_dir "
              "DIR`: once the first card is shown, every 50 reviews and when you quit).",
              file=sys.stderr)
        return 2
    try:
        # merged reviews replay as this device's study would: each deck's retention and
        # the FSRS parameters fitted to this learner
        scheduler = Scheduler.for_store(settings, store)
        report = sync_git(store, root, scheduler=scheduler) if args.git \
            else sync_folder(store, root, scheduler=scheduler)
    except SyncError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    for line in report.lines():
        print(line)
    return 1 if report.problems else 0
