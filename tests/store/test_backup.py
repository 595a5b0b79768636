"""Backups: made online, pruned to 7 daily and 4 weekly, listed, restored with nothing lost."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from trainer.store import CardState, Store
from trainer.store.backup import (
    REVIEWS_BETWEEN_BACKUPS,
    Backup,
    backup_needed,
    list_backups,
    make_backup,
    to_keep,
)

NOON = datetime(2026, 11, 30, 12, 0).timestamp()  # local time: backups are named by it


def state(key: str) -> CardState:
    return CardState(key=key, deck="d", state=2, step=None, stability=3.5, difficulty=5.0,
                     due=1000.0, last_review=500.0, reps=1, lapses=0, content_hash="h")


def review(store: Store, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        store.record_review(before=None, after=state(f"d/{i}"), rating=3, reviewed_at=float(i))


def trainer(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, timeout=120)


def test_backups_keep_the_last_7_days_and_4_weeks_before_them():
    # two backups a day for 60 days, newest first
    backups = [Backup(Path(f"b{d}-{h}"), NOON - d * 86400 - h * 3600, 1)
               for d in range(60) for h in (0, 5)]
    kept = to_keep(backups)
    days = [datetime.fromtimestamp(b.made).date() for b in kept]
    assert [b.made for b in kept[:7]] == [NOON - d * 86400 for d in range(7)]  # newest per day
    weeks = [datetime.fromtimestamp(b.made).isocalendar()[:2] for b in kept[7:]]
    assert len(weeks) == 4 and len(set(weeks)) == 4
    assert len(set(days)) == len(kept) == 11
    # a week already kept by a daily backup is not kept twice
    assert not set(weeks) & {datetime.fromtimestamp(b.made).isocalendar()[:2]
                             for b in kept[:7]}


def test_a_backup_is_due_on_a_new_day_and_after_500_reviews(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    folder = tmp_path / "backups"
    assert backup_needed(store, folder, NOON, day_hour=4) == "first"
    make_backup(store, folder, now=NOON)
    assert backup_needed(store, folder, NOON + 60, day_hour=4) is None
    review(store, REVIEWS_BETWEEN_BACKUPS - 1)
    assert backup_needed(store, folder, NOON + 60, day_hour=4) is None
    review(store, 1, start=REVIEWS_BETWEEN_BACKUPS)
    assert backup_needed(store, folder, NOON + 60, day_hour=4) == "500 reviews"
    make_backup(store, folder, now=NOON + 120)
    assert backup_needed(store, folder, NOON + 86400, day_hour=4) == "daily"


def test_the_whole_cycle_damage_then_restore_finds_every_review_of_the_backup(tmp_path: Path):
    db = Path(os.environ["TRAINER_DB"])
    store = Store.open(db)
    review(store, 400)
    store.close()
    made = trainer("backup", "--now")
    assert made.returncode == 0, made.stderr
    (backup,) = list_backups(Path(json.loads(trainer("backup", "--json").stdout)["folder"]))
    store = Store.open(db)
    review(store, 50, start=400)  # reviews after the backup: lost to the damage
    store.close()
    # damage every page after the first
    data = bytearray(db.read_bytes())
    data[4096:] = b"\x07" * (len(data) - 4096)
    db.write_bytes(bytes(data))
    damaged = hashlib.sha256(bytes(data)).hexdigest()

    stats = trainer("stats")
    assert stats.returncode == 2
    assert "the database is damaged" in stats.stderr and str(backup.path) in stats.stderr

    restored = trainer("restore")
    assert restored.returncode == 0, restored.stderr
    aside = next(db.parent.glob("trainer.db.before-restore-*"))
    assert hashlib.sha256(aside.read_bytes()).hexdigest() == damaged  # kept as it was
    store = Store.open(db)
    with sqlite3.connect(backup.path) as conn:
        in_backup = conn.execute("SELECT id, card_key FROM reviews ORDER BY id").fetchall()
    assert [(r.id, r.card_key) for r in store.reviews()] == in_backup
    assert len(in_backup) == 400
    assert trainer("stats").returncode == 0


def test_backup_lists_newest_first_and_restore_names_a_missing_backup(tmp_path: Path,
                                                                       monkeypatch):
    store = Store.open(os.environ["TRAINER_DB"])
    folder = tmp_path / "backups"
    monkeypatch.setenv("TRAINER_BACKUPS", str(folder))
    make_backup(store, folder, now=NOON - 86400)
    make_backup(store, folder, now=NOON)
    store.close()
    listing = json.loads(trainer("backup", "--json").stdout)["backups"]
    assert [b["made"] for b in listing] == [NOON, NOON - 86400]
    text = trainer("backup").stdout
    assert text.index("2026-11-30 12:00") < text.index("2026-11-29 12:00")
    missing = trainer("restore", "nope.db")
    assert missing.returncode == 2 and "no backup nope.db" in missing.stderr


async def test_the_app_backs_up_after_the_first_card_in_the_background(
        make_app, recall_deck, tmp_path: Path):
    folder = tmp_path / "backups"
    app = make_app(recall_deck, tmp_path / "t.db", backup_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):  # started after the first frame: as many frames as that takes
            await pilot.pause()
            if app.backup_thread is not None:
                break
        assert app.backup_thread is not None
        app.backup_thread.join(timeout=60)
        (made,) = list_backups(folder)
        assert made.made <= time.time()
        await pilot.press("space", "3")  # studying goes on
        await pilot.pause()
    assert len(app.store.reviews()) == 1


def test_a_backup_made_while_reviews_are_written_is_a_consistent_snapshot(tmp_path: Path):
    import threading

    from trainer.store.backup import check_file

    store = Store.open(tmp_path / "t.db")
    review(store, 3000)
    folder = tmp_path / "backups"
    made: list = []
    thread = threading.Thread(target=lambda: made.append(make_backup(store, folder, now=NOON)))
    thread.start()
    review(store, 300, start=3000)  # the session goes on writing meanwhile
    thread.join(timeout=120)
    (backup,) = made
    assert check_file(backup.path) is None
    with sqlite3.connect(backup.path) as conn:
        count = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        ids = conn.execute("SELECT MAX(id) FROM reviews").fetchone()[0]
    assert 3000 <= count <= 3300 and ids == count  # a prefix of the log, nothing torn
    assert len(store.reviews()) == 3300
