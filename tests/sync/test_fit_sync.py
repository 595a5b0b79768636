"""Fitted FSRS parameters travel with sync: every device schedules with the newest fit."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from trainer.config import Settings
from trainer.scheduling import Scheduler
from trainer.scheduling.optimize import Evaluation, FitReport, default_parameters
from trainer.scheduling.refit import apply_fit, describe_fits
from trainer.store import Store
from trainer.store.fits import StoredFit
from trainer.store.journal import new_event_id
from trainer.sync.fitshare import FITS_FILE, fits_bytes, read_fits
from trainer.sync.folder import sync_folder

DAY = 86400.0
T0 = 1_790_000_000.0
DECKS = ("d", "e")


def rate(store: Store, scheduler: Scheduler, key: str, rating: int, at: float) -> None:
    """What a study session does when a card is rated (with the device's own scheduler)."""
    before = store.card_state(key)
    event_id = new_event_id(at)
    after = scheduler.review(key=key, deck=key.split("/")[0], state=before, rating=rating,
                             now=at, seed=event_id)
    store.record_review(before=before, after=after, rating=rating, reviewed_at=at,
                        event_id=event_id)


def states(store: Store) -> dict:
    return dict(store.states(DECKS))


def parameters(first_memory: float) -> list[float]:
    """A learner unlike FSRS's average one: `first_memory` is S0 after Good."""
    w = default_parameters()
    w[0:4] = [0.05, 0.3, first_memory, 2.0]
    return w


def fit_and_apply(store: Store, now: float, first_memory: float, deck: str | None = None) -> None:
    """`trainer optimize --apply` with a fit that predicts the reviews better."""
    report = FitReport(deck=deck, reviews=800, predictions=700,
                       default=Evaluation(0.40, 0.08), fitted=Evaluation(0.30, 0.05),
                       parameters=parameters(first_memory))
    apply_fit(store, report, Settings(), now)


class Device:
    """A store and the scheduler its study sessions use (each device has its own)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.store = Store.open(path)
        self.scheduler = Scheduler()  # fuzz on, as for a learner: the event ids draw it
        self.store.replay_with(self.scheduler.replayer)

    def sync(self, root: Path):
        return sync_folder(self.store, root, scheduler=self.scheduler)

    def refit(self, now: float, first_memory: float, deck: str | None = None) -> None:
        """Fit and apply, then study on: `trainer optimize --apply` runs alone, and the
        next session's scheduler reads the fits."""
        fit_and_apply(self.store, now, first_memory, deck)
        self.scheduler = Scheduler.for_store(Settings(), self.store)
        self.store.replay_with(self.scheduler.replayer)


@pytest.fixture
def two(tmp_path: Path) -> tuple[Device, Device, Path]:
    """Two devices that reviewed cards of two decks, some the same, and synced both ways."""
    a, b = Device(tmp_path / "a.db"), Device(tmp_path / "b.db")
    for k in range(4):
        for day, rating in ((0, 3), (1, 3), (4, 2), (9, 3)):
            rate(a.store, a.scheduler, f"d/c{k}", rating, T0 + day * DAY + k)
            rate(b.store, b.scheduler, f"e/c{k}", 4 - (day % 2), T0 + day * DAY + 60 + k)
    rate(b.store, b.scheduler, "d/c0", 1, T0 + 20 * DAY)
    root = tmp_path / "shared"
    for device in (a, b, a):
        device.sync(root)
    assert states(a.store) == states(b.store)
    return a, b, root


def test_a_fit_applied_on_one_device_is_used_on_the_other(two):
    a, b, root = two
    before = states(b.store)
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    assert a.sync(root).fits == []  # its own fit: written out, nothing taken
    assert json.loads((root / a.store.device_id / FITS_FILE).read_text())["fits"][0][
        "parameters"] == parameters(0.6)
    report = b.sync(root)
    date = time.strftime("%Y-%m-%d", time.localtime(T0 + 30 * DAY))
    assert report.fits == [f"parameters fitted on {a.store.device_id} on {date} now used "
                           "for all decks"]
    assert report.refit_cards == 8
    assert "8 cards replayed with the new parameters" in report.lines()
    assert b.store.fits() == a.store.fits()
    assert b.store.fits()[0].device == a.store.device_id
    assert b.scheduler.parameters == tuple(parameters(0.6))  # study on B uses them now
    # trainer stats on B says where its fit was made
    now = T0 + 31 * DAY
    assert describe_fits(b.store.fits(), now, here=b.store.device_id)[0].startswith(
        f"fitted on device {a.store.device_id} {date} (1 day ago) on 800 reviews")
    assert describe_fits(a.store.fits(), now, here=a.store.device_id)[0].startswith(
        f"fitted {date} (1 day ago)")
    after = states(b.store)
    assert after == states(a.store)  # every card, every field
    assert after["d/c1"].stability != pytest.approx(before["d/c1"].stability)
    # B studies on with A's parameters; A takes B's new review: still the same states
    rate(b.store, b.scheduler, "e/c1", 3, T0 + 40 * DAY)
    b.sync(root)
    a.sync(root)
    assert states(a.store) == states(b.store)


def test_re_syncing_changes_nothing(two):
    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    for device in (a, b, a):
        device.sync(root)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.glob(f"*/{FITS_FILE}")}
    assert len(files) == 1  # B fitted nothing: it writes no fits file
    snapshot = states(a.store), states(b.store), a.store.fits(), b.store.fits()
    for device in (b, a, b):
        report = device.sync(root)
        assert report.fits == [] and report.refit_cards == 0 and report.problems == []
    assert (states(a.store), states(b.store), a.store.fits(), b.store.fits()) == snapshot
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in root.glob(f"*/{FITS_FILE}")} == files  # not even rewritten


def test_a_later_fit_on_the_other_device_wins_scope_by_scope(two):
    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    a.sync(root)
    b.sync(root)
    b.refit(T0 + 31 * DAY, first_memory=1.5, deck="e")  # one deck: A's stays for deck d
    b.refit(T0 + 32 * DAY, first_memory=4.0)  # all decks, newer than A's
    b.sync(root)
    report = a.sync(root)
    assert report.fits == [
        f"parameters fitted on {b.store.device_id} on "
        f"{time.strftime('%Y-%m-%d', time.localtime(T0 + 32 * DAY))} now used for all decks",
        f"parameters fitted on {b.store.device_id} on "
        f"{time.strftime('%Y-%m-%d', time.localtime(T0 + 31 * DAY))} now used for deck e"]
    assert a.store.fits() == b.store.fits()
    assert a.store.fitted_parameters() == {None: tuple(parameters(4.0)),
                                           "e": tuple(parameters(1.5))}
    assert a.scheduler.parameters_for("d") == tuple(parameters(4.0))
    assert a.scheduler.parameters_for("e") == tuple(parameters(1.5))
    assert states(a.store) == states(b.store)
    # A's own fits file still says what A fitted; B's own fit is in B's file
    (mine,), _ = read_fits(root / a.store.device_id / FITS_FILE)
    assert mine.parameters == tuple(parameters(0.6))
    # an older fit made later on A (its clock behind) does not undo B's
    a.refit(T0 + 30.5 * DAY, first_memory=0.6, deck="e")
    for device in (a, b):
        device.sync(root)
    assert b.store.fitted_parameters()["e"] == tuple(parameters(1.5))
    a.sync(root)
    assert a.store.fitted_parameters()["e"] == tuple(parameters(1.5))
    assert states(a.store) == states(b.store)


def test_fits_of_the_same_instant_are_settled_by_device_id_alike_everywhere(two):
    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    b.refit(T0 + 30 * DAY, first_memory=4.0)
    for device in (a, b, a, b):
        device.sync(root)
    winner = max((a, 0.6), (b, 4.0), key=lambda d: d[0].store.device_id)[1]
    assert a.store.fitted_parameters() == b.store.fitted_parameters() == {
        None: tuple(parameters(winner))}
    assert states(a.store) == states(b.store)


def _damage(path: Path, how: str) -> None:
    text = path.read_text()
    if how == "cut short":
        path.write_text(text[:len(text) // 2])
    elif how == "edited":
        path.write_text(text.replace('"reviews": 800', '"reviews": 801'))
    elif how == "newer":  # laid out otherwise, too
        body = json.loads(text)
        path.write_text(json.dumps({"format": 2, "device": body["device"], "scopes": {}}))
    elif how == "not ours":
        path.write_text("[1, 2]\n")
    elif how == "refused parameters":  # a sound file whose parameters FSRS refuses
        body = json.loads(text)
        device = body["device"]
        (fit,) = read_fits(path)[0]
        path.write_bytes(fits_bytes(device, [StoredFit(
            None, (-5.0,) * 21, fit.fitted_at, 1, 0.1, 0.1, 0.2, 0.2, device=device)]))
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how, reason", [
    ("cut short", "damaged or cut short"),
    ("edited", "checksum does not match"),
    ("newer", "written by a newer trainer (format 2"),
    ("not ours", "not a trainer fits file"),
    ("refused parameters", "FSRS refuses its parameters"),
])
def test_a_damaged_fits_file_is_reported_and_skipped(two, how, reason):
    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    a.sync(root)
    rate(a.store, a.scheduler, "d/c3", 3, T0 + 35 * DAY)
    a.sync(root)
    path = root / a.store.device_id / FITS_FILE
    _damage(path, how)
    before = states(b.store)
    report = b.sync(root)
    (problem,) = report.problems
    assert problem.path == path and reason in problem.reason
    assert str(problem).startswith(f"{path}:") and str(problem).endswith("skipped")
    assert report.fits == [] and b.store.fits() == []  # nothing taken, nothing lost
    assert report.received == {a.store.device_id: 1}  # the events still merge
    assert {k: v for k, v in states(b.store).items() if k != "d/c3"} == \
        {k: v for k, v in before.items() if k != "d/c3"}
    # A's next sync says so too, and writes its own file whole again: B takes the fit
    assert [p.path for p in a.sync(root).problems] == [path]
    assert read_fits(path)[1] is None
    report = b.sync(root)
    assert report.problems == [] and len(report.fits) == 1
    assert states(a.store) == states(b.store)


def test_the_sync_command_says_which_parameters_came(tmp_path, two, capsys):
    from trainer.cli import main

    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    a.sync(root)
    b.store.close()
    assert main(["sync", str(root), "--db", str(b.path)]) == 0
    out = capsys.readouterr().out
    assert f"parameters fitted on {a.store.device_id} on " in out
    assert "now used for all decks" in out and "8 cards replayed with the new parameters" in out
    assert Store.open(b.path).fitted_parameters() == {None: tuple(parameters(0.6))}


@pytest.mark.parametrize("stage", ["fits-before-rename", "fits-after-rename"])
def test_a_killed_sync_leaves_no_torn_fits_file(two, stage, kill_sync):
    a, b, root = two
    a.refit(T0 + 30 * DAY, first_memory=0.6)
    a.sync(root)
    a.refit(T0 + 31 * DAY, first_memory=4.0)  # the file is replaced when killed
    a.store.close()
    path = root / a.store.device_id / FITS_FILE
    kill_sync(stage, a.path, root)
    assert (path.parent / f".{FITS_FILE}.tmp").exists() == (stage == "fits-before-rename")
    # whatever B reads meanwhile is a whole file: the old fit or the new one
    (seen,), problem = read_fits(path)
    assert problem is None
    assert seen.parameters == tuple(parameters(0.6 if stage == "fits-before-rename" else 4.0))
    a.store = Store.open(a.path)
    a.store.replay_with(a.scheduler.replayer)
    assert a.sync(root).problems == []
    assert not list(root.glob("*/.*.tmp"))  # the torn write is gone
    (seen,), problem = read_fits(path)
    assert problem is None and seen.parameters == tuple(parameters(4.0))
    b.sync(root)
    assert b.store.fitted_parameters() == {None: tuple(parameters(4.0))}
    assert states(b.store) == states(a.store)
