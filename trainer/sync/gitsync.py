"""Sync through a git work tree: the folder sync, then commit, pull with rebase and push."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.store import Store
from trainer.sync.folder import SyncError, SyncReport, sync_folder

if TYPE_CHECKING:
    from trainer.scheduling.fsrs_scheduler import Scheduler

GIT_TIMEOUT_S = 120.0


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    git = shutil.which("git")
    if git is None:
        raise SyncError("git is not installed (or not on PATH): `trainer sync --git` needs it; "
                        "`trainer sync DIR` without --git needs nothing but a shared folder")
    try:
        done = subprocess.run([git, "-C", str(root), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SyncError(f"git {args[0]} took over {GIT_TIMEOUT_S:.0f} s and was stopped; "
                        "nothing local is lost, try again") from None
    if check and done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SyncError(f"git {' '.join(args[:2])} failed in {root}: "
                        f"{' '.join(detail[-3:]) or 'exit ' + str(done.returncode)}")
    return done


def sync_git(store: Store, root: Path, *, scheduler: Scheduler | None = None) -> SyncReport:
    """Sync through the folder, commit this device's new segments, pull with rebase (only
    files in each device's own folder: a rebase never conflicts), merge what came, push."""
    root = Path(root)
    if not root.is_dir():
        raise SyncError(f"{root}: no such folder (clone your sync repository there first)")
    inside = _git(root, "rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise SyncError(f"{root}: not a git work tree (run `git init` there, or clone your "
                        "sync repository into it)")
    report = sync_folder(store, root, scheduler=scheduler)
    folder = store.device_id
    # with no identity of the user's, the trainer's own makes the commit and its rebase
    who = [] if _git(root, "config", "user.email", check=False).stdout.strip() else [
        "-c", "user.name=trainer", "-c", f"user.email=trainer@{folder.lower()}"]
    _git(root, "add", "-A", "--", folder)
    if _git(root, "diff", "--cached", "--quiet", check=False).returncode != 0:
        _git(root, *who, "commit", "-q", "-m",
             f"trainer sync: {report.sent} events from {folder}", "--", folder)
    remotes = _git(root, "remote").stdout.split()
    if not remotes:
        report.notes.append("git: committed; no remote to pull from or push to")
        return report
    remote = "origin" if "origin" in remotes else remotes[0]
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD").stdout.strip()
    try:
        has_branch = _git(root, "ls-remote", "--exit-code", "--heads", remote, branch,
                          check=False).returncode == 0
        if has_branch:
            try:
                _git(root, *who, "pull", "-q", "--rebase", remote, branch)
            except SyncError:
                # never leave the clone half way through a rebase: the next sync could
                # not commit
                _git(root, "rebase", "--abort", check=False)
                raise
            later = sync_folder(store, root, scheduler=scheduler)  # what the pull brought
            for device, count in later.received.items():
                report.received[device] = report.received.get(device, 0) + count
            report.cards += later.cards
            report.problems.extend(later.problems)
            report.fits.extend(later.fits)
            report.refit_cards += later.refit_cards
        _git(root, "push", "-q", remote, f"HEAD:{branch}")
    except SyncError as exc:
        raise SyncError(f"{exc}. Your events are committed in {root} and nothing local is "
                        "lost; sync again once it is fixed.") from None
    report.notes.append(f"git: pulled and pushed {remote}/{branch}")
    return report
