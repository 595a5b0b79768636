"""Syncing the journal through a shared folder (and git): union by id, identical states."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from trainer.scheduling import Scheduler
from trainer.store import Store
from trainer.store.journal import new_event_id
from trainer.sync.folder import read_segment, sync_folder
from trainer.sync.gitsync import sync_git

DAY = 86400.0
T0 = 1_790_000_000.0
SCHED = Scheduler()  # fuzz on, as for a learner: the event ids draw it


def rate(store: Store, key: str, rating: int, at: float) -> str:
    """What a study session does when a card is rated."""
    store.replay_with(SCHED.replayer)
    before = store.card_state(key)
    event_id = new_event_id(at)
    after = SCHED.review(key=key, deck=key.split("/")[0], state=before, rating=rating, now=at,
                         seed=event_id)
    store.record_review(before=before, after=after, rating=rating, reviewed_at=at,
                        event_id=event_id)
    return event_id


def journal(store: Store) -> dict[str, tuple]:
    return {e.id: (e.device, e.card_key, e.at, e.kind, json.dumps(e.payload, sort_keys=True))
            for e in store.events()}


def states(store: Store) -> dict:
    return {s.key: s for s in store.states(["d"]).values()}


def segments(root: Path) -> list[Path]:
    return sorted(root.glob("*/*.jsonl"))


@pytest.fixture
def two(tmp_path: Path) -> tuple[Store, Store, Path]:
    a, b = Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")
    a.replay_with(SCHED.replayer)
    b.replay_with(SCHED.replayer)
    return a, b, tmp_path / "shared"


def test_two_devices_end_with_the_same_events_and_states(two):
    a, b, root = two
    for k in range(4):  # each its own cards, and one card on both on the same days
        rate(a, "d/laptop", 3, T0 + k * 4 * DAY)
        rate(b, "d/desktop", 3 if k % 2 else 4, T0 + k * 5 * DAY + 60)
        rate(a, "d/both", 3, T0 + k * 3 * DAY + 10)
        rate(b, "d/both", 1 if k == 2 else 3, T0 + k * 3 * DAY + 3600)
    undone = rate(b, "d/desktop", 1, T0 + 30 * DAY)
    assert b.undo_review(undone) is not None
    first_a = sync_folder(a, root)
    first_b = sync_folder(b, root)
    assert first_a.received == {} and first_a.sent == 8
    assert first_b.received == {a.device_id: 8} and first_b.sent == 10  # 9 reviews, 1 undo
    for _ in range(2):
        sync_folder(a, root)
        sync_folder(b, root)
    assert journal(a) == journal(b) and len(journal(a)) == 18
    assert states(a) == states(b)
    assert set(states(a)) == {"d/laptop", "d/desktop", "d/both"}
    assert states(a)["d/both"].reps == 8  # both devices' reviews, in time order
    assert len(a.reviews("d/desktop")) == 4  # the undone review is not in either log
    # each device wrote only its own folder; nothing more to send or take
    assert {p.parent.name for p in segments(root)} == {a.device_id, b.device_id}
    again = sync_folder(a, root)
    assert (again.sent, again.received, again.problems) == (0, {}, [])


def test_a_device_offline_for_a_month_merges_in_one_step(two):
    a, b, root = two
    rate(a, "d/x", 3, T0)
    sync_folder(a, root)
    sync_folder(b, root)
    for day in range(30):  # b studies alone for a month, then comes back
        rate(b, "d/x", 3, T0 + (day + 1) * DAY)
        rate(b, f"d/n{day}", 4, T0 + (day + 1) * DAY + 5)
    report = sync_folder(b, root)
    assert report.sent == 60
    report = sync_folder(a, root)
    assert report.received == {b.device_id: 60} and report.cards == 31
    assert states(a) == states(b) and journal(a) == journal(b)


def two_segments(a: Store, root: Path) -> list[Path]:
    """Device a's two segments: a review of d/x, then one of d/y."""
    rate(a, "d/x", 3, T0)
    sync_folder(a, root)
    rate(a, "d/y", 3, T0 + 5)
    sync_folder(a, root)
    return segments(root)


def test_a_damaged_segment_is_reported_and_skipped_and_the_rest_merges(two):
    a, b, root = two
    good, cut = two_segments(a, root)
    data = cut.read_bytes()
    cut.write_bytes(data[: len(data) // 2])  # a copy cut short
    report = sync_folder(b, root)
    assert report.received == {a.device_id: 1}
    (problem,) = report.problems
    assert problem.path == cut and "cut short" in problem.reason
    assert str(problem).startswith(f"{cut}:")
    assert b.card_state("d/x") == a.card_state("d/x") and b.card_state("d/y") is None
    # a changed byte fails the checksum; a newer format is refused by its header
    cut.write_bytes(data.replace(b'"rating":3', b'"rating":4'))
    (problem,) = sync_folder(b, root).problems
    assert "checksum" in problem.reason and problem.line == 3
    newer = b'{"device": "z", "events": 0, "format": 2}\n'
    (root / "zz").mkdir()
    (root / "zz" / "01.jsonl").write_bytes(newer)
    reasons = sorted(p.reason for p in sync_folder(b, root).problems)
    assert any("newer trainer (format 2" in r for r in reasons)
    cut.write_bytes(data)  # repaired (say, the copy finished): it merges now
    sync_folder(b, root)
    assert b.card_state("d/y") == a.card_state("d/y")
    assert len(journal(b)) == 2 and len(journal(a)) == 2  # nothing lost, nothing doubled


@pytest.mark.parametrize("stage", ["before-rename", "after-rename"])
def test_kill_9_in_the_middle_of_a_sync_loses_and_duplicates_nothing(tmp_path, two, stage,
                                                                     kill_sync):
    a, b, root = two
    for k in range(5):
        rate(a, f"d/c{k}", 3, T0 + k)
    a.close()
    kill_sync(stage, tmp_path / "a.db", root)
    a = Store.open(tmp_path / "a.db")
    report = sync_folder(a, root)
    assert report.problems == []
    assert report.sent == (5 if stage == "before-rename" else 0)
    assert not list(root.glob("*/.*.tmp"))  # the torn write is gone
    ids = [json.loads(line)["id"] for path in segments(root)
           for line in path.read_text().splitlines()[1:-1]]
    assert len(ids) == 5 == len(set(ids))  # every event in the folder once
    sync_folder(b, root)
    assert journal(b) == journal(a) and states(b) == states(a)


def test_the_sync_command_reports_per_device(tmp_path, two, capsys):
    from trainer.cli import main

    a, b, root = two
    rate(a, "d/x", 3, T0)
    a.close()
    assert main(["sync", str(root), "--db", str(tmp_path / "a.db")]) == 0
    assert "sent 1 event" in capsys.readouterr().out
    b.close()
    assert main(["sync", str(root), "--db", str(tmp_path / "b.db")]) == 0
    out = capsys.readouterr().out
    assert "1 new event" in out and "sent 0 events" in out
    assert main(["sync", "--db", str(tmp_path / "b.db")]) == 2
    assert "sync_dir" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["sync", str(tmp_path / "file"), "--db", str(tmp_path / "b.db")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_a_segment_whose_events_can_not_be_stored_is_reported_and_the_rest_merges(two):
    # sound JSON with a sound checksum, but a number past SQLite's 64 bits, text that is not
    # Unicode, a rating that is not a number: reported (no traceback), the other segments
    # of that device merge, and a repaired segment merges later
    import hashlib

    a, b, root = two
    good, bad = two_segments(a, root)
    data = bad.read_bytes()
    for damage in (b'"duration_ms":100000000000000000000000,"rating":3',
                   b'"answer":"\\ud800","rating":3', b'"rating":"three"'):
        lines = data.replace(b'"rating":3', damage).split(b"\n")[:-2]
        body = b"".join(line + b"\n" for line in lines)
        bad.write_bytes(body + json.dumps({"end": True, "sha256": hashlib.sha256(
            body).hexdigest()}).encode() + b"\n")
        fresh = Store.open(b.path.with_name(f"fresh-{len(damage)}.db"))
        fresh.replay_with(SCHED.replayer)
        report = sync_folder(fresh, root)
        (problem,) = report.problems
        assert problem.path == bad and "can not be merged" in problem.reason, problem
        assert report.received == {a.device_id: 1}
        assert fresh.card_state("d/x") == a.card_state("d/x")
        assert fresh.card_state("d/y") is None and len(journal(fresh)) == 1
        fresh.close()
    bad.write_bytes(data)  # repaired: it merges now
    report = sync_folder(b, root)
    assert not report.problems and report.received == {a.device_id: 2}
    assert states(b) == states(a)


def test_a_segment_is_read_back_whole(two):
    a, _, root = two
    ids = [rate(a, "d/x", r, T0 + k * DAY) for k, r in enumerate([3, 1, 3])]
    sync_folder(a, root)
    (path,) = segments(root)
    events, problem = read_segment(path)
    assert problem is None and [e.id for e in events] == ids


def _resealed(lines: list[bytes]) -> bytes:
    """A segment whose end line's checksum is made to fit whatever its lines say (as a
    hand-edited file might): only the reading of the lines can refuse it."""
    import hashlib

    body = b"".join(line + b"\n" for line in lines)
    return body + json.dumps({"end": True, "sha256": hashlib.sha256(body).hexdigest()},
                             sort_keys=True).encode() + b"\n"


def test_a_segment_read_in_one_pass_is_read_as_line_by_line(tmp_path, monkeypatch):
    # Reading a sound segment in one pass of the decoder must give exactly what reading
    # it line by line gives, for sound segments and for any damage the checksum passes
    import random

    from trainer.store.journal import Event
    from trainer.sync import folder
    from trainer.sync.folder import segment_bytes

    rng = random.Random(4)
    events = [Event(new_event_id(T0 + k), "dev", f"d/σ{k % 3}", T0 + k * 0.37,
                    rng.choice(("review", "suspend")), {"rating": 3, "answer": "√2/π"})
              for k in range(12)]
    lines = segment_bytes("dev", events).split(b"\n")[:-2]  # header and events
    cases = [lines, lines[:1]]
    for _ in range(300):
        edited = list(lines)
        k = rng.randrange(1, len(edited))
        roll = rng.randrange(7)
        if roll == 0:  # two records on one line
            edited[k - 1:k + 1] = [edited[k - 1] + b"," + edited[k]] if k > 1 else edited[k:k + 1]
        elif roll == 1:  # a record split over two lines
            cut = rng.randrange(1, len(edited[k]))
            edited[k:k + 1] = [edited[k][:cut], edited[k][cut:]]
        elif roll == 2:  # space around a record, a blank line
            edited[k] = rng.choice((b" ", b"")) + edited[k] + rng.choice((b" ", b"\t", b""))
            if rng.random() < 0.3:
                edited.insert(k, b"")
        elif roll == 3:  # a byte changed
            i = rng.randrange(len(edited[k]))
            edited[k] = edited[k][:i] + bytes([rng.randrange(256)]) + edited[k][i + 1:]
        elif roll == 4:  # not an event, or an end line too early
            edited[k] = rng.choice((b"1", b"[]", b'{"end":true}', b'{"id":"x"}'))
        elif roll == 5:  # what json reads and orjson refuses: infinities, big numbers, a lone surrogate
            edited[k] = edited[k].replace(b'"rating":3', rng.choice(
                (b'"rating":-Infinity', b'"rating":1e999',
                 b'"rating":123456789012345678901234567890', b'"rating":3,"x":"\\ud800"')))
        else:
            del edited[k]
        cases.append(edited)
    reference = []
    for n, case in enumerate(cases):
        path = tmp_path / f"{n}.jsonl"
        data = _resealed(case)
        path.write_bytes(data[:-1] if n % 3 == 2 else data)  # (some with no last newline)
        reference.append(path)
    whole = [read_segment(p) for p in reference]
    monkeypatch.setattr(folder, "_read_whole", lambda *args: None)
    by_line = [read_segment(p) for p in reference]
    for n, (one_pass, line_by_line) in enumerate(zip(whole, by_line, strict=True)):
        assert one_pass == line_by_line, cases[n]
    assert whole[0][1] is None and len(whole[0][0]) == len(events)  # the sound one
    assert sum(problem is not None for _, problem in whole) > 100


# --- git ---------------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout


def clones(tmp_path: Path) -> Path:
    """A bare repository and two clones of it on branch main, wa and wb, in tmp_path."""
    bare = tmp_path / "journal.git"
    git("init", "-q", "--bare", "-b", "main", str(bare))
    for name in ("wa", "wb"):
        git("clone", "-q", str(bare), str(tmp_path / name))
        git("checkout", "-q", "-B", "main", cwd=tmp_path / name)
    return bare


@needs_git
def test_a_git_round_trip_through_a_bare_repository(tmp_path, two):
    a, b, _ = two
    bare = clones(tmp_path)
    rate(a, "d/x", 3, T0)
    rate(b, "d/x", 1, T0 + 3600)
    rate(b, "d/y", 3, T0 + 7200)
    first = sync_git(a, tmp_path / "wa")
    assert first.sent == 1
    sync_git(b, tmp_path / "wb")  # pulls a's segment with a rebase, pushes its own
    report = sync_git(a, tmp_path / "wa")
    assert report.received == {b.device_id: 2}
    assert journal(a) == journal(b) and states(a) == states(b)
    log = git("log", "--format=%s", "main", cwd=bare)
    assert log.count("trainer sync") == 2


@needs_git
def test_git_failures_are_messages(tmp_path, two):
    from trainer.sync.folder import SyncError

    a, _, _ = two
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(SyncError, match="not a git work tree"):
        sync_git(a, plain)
    work = tmp_path / "w"
    git("init", "-q", "-b", "main", str(work))
    git("remote", "add", "origin", str(tmp_path / "missing.git"), cwd=work)
    rate(a, "d/x", 3, T0)
    with pytest.raises(SyncError, match="nothing local is lost"):
        sync_git(a, work)
    assert git("log", "--format=%s", cwd=work).startswith("trainer sync: 1 events")


@needs_git
def test_a_device_without_a_git_identity_pulls_and_pushes(tmp_path, two, monkeypatch):
    """No user.name/email anywhere (a new machine): the trainer's own identity makes the
    commit and the rebase of it onto what the pull brought; the clone is left clean."""
    a, b, _ = two
    bare = clones(tmp_path)
    anonymous = tmp_path / "gitconfig"
    anonymous.write_text("[user]\n\tuseConfigOnly = true\n")  # git may not guess one
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(anonymous))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("NAME", "EMAIL"):
        for who in ("AUTHOR", "COMMITTER"):
            monkeypatch.delenv(f"GIT_{who}_{name}", raising=False)
    rate(a, "d/x", 3, T0)
    rate(b, "d/y", 3, T0 + 60)
    sync_git(a, tmp_path / "wa")
    report = sync_git(b, tmp_path / "wb")  # its commit is rebased onto a's
    assert report.received == {a.device_id: 1}
    assert git("status", "--porcelain", cwd=tmp_path / "wb") == ""
    rate(b, "d/y", 3, T0 + 3 * DAY)
    assert sync_git(b, tmp_path / "wb").sent == 1  # and the next sync works
    assert sync_git(a, tmp_path / "wa").received == {b.device_id: 2}
    assert journal(a) == journal(b) and states(a) == states(b)
    assert git("log", "--format=%s", "main", cwd=bare).count("trainer sync") == 3


@needs_git
def test_a_failed_pull_leaves_no_rebase_behind(tmp_path, two):
    """A pull that stops in a conflict (a file both clones changed, outside the devices'
    folders) is a message; the clone is not left half way through the rebase, so the
    trainer's next commit is not refused."""
    from trainer.sync.folder import SyncError

    a, b, _ = two
    clones(tmp_path)
    for name, text in (("wa", "from a"), ("wb", "from b")):
        (tmp_path / name / "NOTES.md").write_text(text)
        git("add", "NOTES.md", cwd=tmp_path / name)
        git("commit", "-q", "-m", "notes", cwd=tmp_path / name)
    rate(a, "d/x", 3, T0)
    sync_git(a, tmp_path / "wa")
    rate(b, "d/y", 3, T0 + 60)
    with pytest.raises(SyncError, match="pull"):
        sync_git(b, tmp_path / "wb")
    work = tmp_path / "wb"
    assert not (work / ".git" / "rebase-merge").exists()
    assert not (work / ".git" / "rebase-apply").exists()
    rate(b, "d/y", 3, T0 + 3 * DAY)
    with pytest.raises(SyncError, match="pull"):  # the same message, not a refused commit
        sync_git(b, work)
    assert git("log", "-1", "--format=%s", cwd=work).startswith("trainer sync: 1 events")


def test_a_missing_git_is_a_clear_message(tmp_path, two, monkeypatch):
    from trainer.sync.folder import SyncError

    a, _, _ = two
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(SyncError, match="git is not installed"):
        sync_git(a, tmp_path)


def test_trainer_sync_is_refused_while_a_study_session_has_the_database(tmp_path, capsys):
    """A session open on the database built its queue from the states before: a sync
    from the command line beside it would leave it showing cards settled elsewhere (the
    app syncs itself, and follows what it merged). Refused, as import --reviews-only is."""
    from trainer.cli import main

    db, shared = tmp_path / "t.db", tmp_path / "shared"
    studying = Store.open(db, exclusive=True)
    try:
        assert main(["sync", str(shared), "--db", str(db)]) == 2
        said = capsys.readouterr().err
        assert f"the app is open on this database (pid {os.getpid()}, started" in said
        assert "nothing was synced" in said and "same cards twice" not in said
    finally:
        studying.close()
    assert main(["sync", str(shared), "--db", str(db)]) == 0


@needs_git
def test_fitted_parameters_travel_through_git_like_the_segments(tmp_path, two):
    from trainer.config import Settings
    from trainer.scheduling.optimize import Evaluation, FitReport, default_parameters
    from trainer.scheduling.refit import apply_fit

    a, b, _ = two
    for n, store in enumerate(two[:2]):
        rate(store, f"d/{n}", 3, T0 + 60 * n)
    fitted = default_parameters()
    fitted[0:4] = [0.05, 0.3, 0.6, 2.0]
    bare = clones(tmp_path)
    apply_fit(a, FitReport(deck=None, reviews=800, predictions=700, default=Evaluation(0.4, 0.08),
                           fitted=Evaluation(0.3, 0.05), parameters=fitted), Settings(), T0 + DAY)
    on_a, on_b = Scheduler.for_store(Settings(), a), Scheduler()
    sync_git(a, tmp_path / "wa", scheduler=on_a)
    report = sync_git(b, tmp_path / "wb", scheduler=on_b)
    assert [line.split(" on ")[1] for line in report.fits] == [a.device_id]
    assert b.fitted_parameters() == a.fitted_parameters() == {None: tuple(fitted)}
    sync_git(a, tmp_path / "wa", scheduler=on_a)
    assert journal(a) == journal(b) and states(a) == states(b)
    assert f"{a.device_id}/fits.json" in git("ls-tree", "-r", "--name-only", "main", cwd=bare)
    for work in ("wa", "wb"):  # taking a fit leaves nothing uncommitted
        assert git("status", "--porcelain", cwd=tmp_path / work) == ""
