"""Faults from outside: a second process, damaged pages, locks, read-only files, a full disk."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from trainer.store import CardState, Store, StoreError
from trainer.store import db as store_db


def state(key: str = "d/a", **kw) -> CardState:
    base = dict(key=key, deck="d", state=2, step=None, stability=3.5, difficulty=5.0,
                due=1000.0, last_review=500.0, reps=1, lapses=0, content_hash="h")
    base.update(kw)
    return CardState(**base)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def trainer(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "trainer", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})}, **kw)


DRIVER = textwrap.dedent("""
    import sys
    from trainer.store import Store, CardState
    store = Store.open(sys.argv[1])
    for line in sys.stdin:
        verb, key = line.split()
        if verb == "rate":
            s = CardState(key=key, deck="d", state=2, step=None, stability=1.0, difficulty=5.0,
                          due=9.0, last_review=1.0, reps=1)
            print(store.record_review(before=None, after=s, rating=3, reviewed_at=1.0),
                  flush=True)
        else:
            print(store.undo_review(int(key)) is not None, flush=True)
""")


def test_undo_in_one_process_removes_its_own_review_not_the_other_process(tmp_path: Path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    a = subprocess.Popen([sys.executable, "-c", DRIVER, str(path)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    b = subprocess.Popen([sys.executable, "-c", DRIVER, str(path)], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, text=True)
    try:
        a.stdin.write("rate d/a\n")
        a.stdin.flush()
        a_id = int(a.stdout.readline())
        b.stdin.write("rate d/b\n")
        b.stdin.flush()
        b_id = int(b.stdout.readline())
        a.stdin.write(f"undo {a_id}\n")  # A presses u after B has rated
        a.stdin.flush()
        assert a.stdout.readline().strip() == "True"
    finally:
        for p in (a, b):
            p.stdin.close()
            p.wait(timeout=60)
            p.stdout.close()
    store = Store.open(path)
    assert [r.id for r in store.reviews()] == [b_id]  # B's review stays; A's is gone
    assert store.card_state("d/b") is not None and store.card_state("d/a") is None


HOLDER = textwrap.dedent("""
    import sys
    from trainer.store import Store
    store = Store.open(sys.argv[1], exclusive=True)
    print("ready", flush=True)
    sys.stdin.read()
""")


def test_a_second_study_session_on_one_database_is_refused_naming_the_first(tmp_path: Path):
    path = tmp_path / "t.db"
    first = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout.readline().strip() == "ready"
        second = trainer("--db", str(path), "study")
        assert second.returncode == 2
        assert f"in use by another trainer (pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        # reading commands still work beside it
        assert trainer("--db", str(path), "stats").returncode == 0
        first.kill()  # like kill -9: the kernel drops the lock with the process
        first.wait(timeout=60)
    finally:
        first.kill()
        first.stdout.close()
        first.stdin.close()
    Store.open(path, exclusive=True).close()  # free again; no stale lock file blocks it


def _damage_after_the_header(path: Path) -> None:
    """Zero every page but the first: the header and schema read fine, the tables do not."""
    conn = sqlite3.connect(path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 2 * page
    data[page:] = b"\x07" * (len(data) - page)
    path.write_bytes(bytes(data))


def _filled(path: Path, n: int = 300) -> None:
    store = Store.open(path)
    for i in range(n):
        store.record_review(before=None, after=state(f"d/{i}"), rating=3, reviewed_at=float(i),
                            answer="x" * 50)
    store.close()


@pytest.mark.parametrize("command", ["stats", "decks"])
def test_damage_found_after_opening_is_a_message_and_exit_2(tmp_path: Path, command: str):
    path = tmp_path / "t.db"
    _filled(path)
    _damage_after_the_header(path)
    before = digest(path)
    proc = trainer("--db", str(path), command)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{path}: the database is damaged" in proc.stderr
    assert "no backup yet" in proc.stderr  # and what to do instead
    assert digest(path) == before


def _run_app_in_a_pty(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run `trainer ARGS` in a pseudo-terminal; (exit code, terminal output, stderr)."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "trainer", *args], stdin=follower,
                            stdout=follower, stderr=subprocess.PIPE,
                            env={**os.environ, **env, "TERM": "xterm-256color"})
    os.close(follower)
    screen: list[bytes] = []

    def pump() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.append(chunk)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        # all of the output read before the terminal is closed (the reader ends at its end:
        # closed first, a loaded machine's last frames were lost unread)
        reader.join(timeout=60)
        os.close(leader)
    return proc.returncode, b"".join(screen).decode(errors="replace"), err.decode()


def test_the_app_stops_on_a_damaged_database_with_a_message_and_exit_2(
        tmp_path: Path, write_deck):
    deck = write_deck("deck: d\ntitle: D\ncards:\n" + "".join(
        f"  - id: '{i}'\n    kind: recall\n    prompt: secret prompt {i}\n    answer: A\n"
        for i in range(300)))
    path = tmp_path / "t.db"
    _filled(path)
    _damage_after_the_header(path)
    before = digest(path)
    code, screen, err = _run_app_in_a_pty(["--db", str(path), "study", str(deck)], {})
    assert code == 2
    said = " ".join(err.split())  # the message, as wrapped to the terminal's width
    assert "t.db: the database is damaged" in said and "no backup yet" in said
    assert "Traceback" not in err + screen and "secret prompt" not in err
    assert digest(path) == before


def test_a_schema_with_tables_missing_is_refused_and_the_file_stays_byte_identical(
        tmp_path: Path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE reviews")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="lacks the table reviews") as caught:
        Store.open(path)
    assert caught.value.kind == "schema"
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()  # journal_mode=WAL never ran


def test_a_database_locked_by_another_program_says_locked(tmp_path: Path, monkeypatch):
    path = tmp_path / "t.db"
    Store.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("PRAGMA locking_mode=EXCLUSIVE")
    other.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.05)
    try:
        with pytest.raises(StoreError, match="locked by another program") as caught:
            Store.open(path)
        assert caught.value.kind == "locked" and "damaged" not in str(caught.value)
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder holding a small trainer database, then made read-only for everyone.

    Root may write anywhere, so as root the folder is a tmpfs remounted read-only;
    otherwise permissions do.
    """
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        _filled(folder / "t.db", 5)
        (folder / "t.db").chmod(0o444)
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a read-only tmpfs here")
    try:
        _filled(folder / "t.db", 5)
        Store.open(folder / "t.db").close()  # checkpointed: no -wal or -shm left
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_read_only_database_is_said_at_start_and_stats_still_read_it(read_only_folder: Path):
    path = read_only_folder / "t.db"
    before = digest(path)
    study = trainer("--db", str(path), "study")
    assert study.returncode == 2
    assert "read-only: reviews cannot be saved" in study.stderr
    assert "damaged" not in study.stderr and "Traceback" not in study.stderr
    stats = trainer("--db", str(path), "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert digest(path) == before
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["t.db"]


FULL = textwrap.dedent("""
    import resource, signal, sys
    from trainer.store import Store, StoreError, CardState
    store = Store.open(sys.argv[1])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails instead
    size = __import__("os").path.getsize(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 64 * 1024, size + 64 * 1024))
    saved = 0
    try:
        for i in range(100_000):
            s = CardState(key=f"d/{i}", deck="d", state=2, step=None, stability=1.0,
                          difficulty=5.0, due=9.0, last_review=1.0, reps=1)
            store.record_review(before=None, after=s, rating=3, reviewed_at=1.0,
                                answer="y" * 400)
            saved += 1
    except StoreError as exc:
        print(saved, exc.kind, exc, sep="\\t")
""")


def test_a_full_disk_is_reported_as_such_and_saved_reviews_stay(tmp_path: Path):
    path = tmp_path / "t.db"
    Store.open(path).close()
    proc = subprocess.run([sys.executable, "-c", FULL, str(path)], capture_output=True,
                          text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    saved, kind, message = proc.stdout.strip().split("\t")
    assert kind == "full" and "another trainer" not in message
    assert "full" in message and str(path) in message
    store = Store.open(path)
    assert len(store.reviews()) == int(saved) > 0
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sqlite_errors_never_leave_the_store(tmp_path: Path):
    store = Store.open(tmp_path / "t.db")
    store.conn.execute("DROP TABLE reviews")
    with pytest.raises(StoreError, match="no such table"):
        store.reviews()
    with pytest.raises(StoreError):
        store.record_review(before=None, after=state(), rating=3, reviewed_at=1.0)


def test_a_worker_thread_uses_a_connection_of_its_own(tmp_path: Path):
    import threading

    store = Store.open(tmp_path / "t.db")
    store.record_review(before=None, after=state(), rating=3, reviewed_at=1.0)
    seen = {}

    def work() -> None:
        seen["conn"] = store.conn
        seen["reviews"] = len(store.reviews())

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen["conn"] is not store.conn and seen["reviews"] == 1


def test_kill_9_during_backups_leaves_the_database_and_every_listed_backup_whole(
        tmp_path: Path):
    from trainer.store.backup import check_file, list_backups

    path, folder = tmp_path / "t.db", tmp_path / "backups"
    _filled(path, 2000)
    script = textwrap.dedent(f"""
        from pathlib import Path
        from trainer.store import Store
        from trainer.store.backup import make_backup
        store = Store.open({str(path)!r})
        day = 0
        while True:
            make_backup(store, Path({str(folder)!r}), now=1_700_000_000 + day * 86400)
            print(day, flush=True)
            day += 1
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    for _ in range(12):  # enough days for pruning to have run
        proc.stdout.readline()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    backups = list_backups(folder)
    assert 1 <= len(backups) <= 11  # pruned to 7 daily and 4 weekly
    assert all(check_file(b.path) is None for b in backups)
    store = Store.open(path)
    assert len(store.reviews()) == 2000
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


async def test_a_full_disk_in_the_app_says_so_and_the_card_stays(make_app, recall_deck,
                                                                  tmp_path: Path):
    app = make_app(recall_deck, tmp_path / "t.db")
    notes = []
    async with app.run_test(size=(80, 24)) as pilot:
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(message), real_notify(message, **kw))
        conn = app.store.conn
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages + 2}")  # SQLite's own "database is full"
        for size in (300, 30, 1):  # fill what room there is with another deck's rows
            with pytest.raises(sqlite3.OperationalError, match="full"):
                for i in range(10_000):
                    conn.execute("INSERT INTO reviews (card_key, reviewed_at, rating, "
                                 "state_after) VALUES (?, 0, 3, ?)", (f"zz/{size}/{i}",
                                                                      "x" * size))
        await pilot.press("space", "4")
        await pilot.pause()
        assert app.store.reviews("basics/likelihood") == []
        (said,) = [n for n in notes if "Could not save" in n]
        assert "the disk is full" in said and "another trainer" not in said
        app.store.conn.execute(f"PRAGMA max_page_count={pages * 100}")  # space freed
        await pilot.press("4")
        await pilot.pause()
    assert len(app.store.reviews("basics/likelihood")) == 1


def test_study_names_the_error_of_a_deck_whose_yaml_is_broken(tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "probability.yaml").write_text("deck: probability\ntitle: P\ncards:\n  - id: [\n")
    proc = trainer("study", "--deck", "probability", env={"TRAINER_DECKS": str(folder)})
    assert proc.returncode == 2
    assert "deck probability could not be loaded" in proc.stderr
    assert "probability.yaml" in proc.stderr and "no deck" not in proc.stderr
