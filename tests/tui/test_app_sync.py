"""The app syncs the journal with sync_dir after the first card is on screen, quietly."""

from __future__ import annotations

from pathlib import Path

from trainer.config import Settings
from trainer.store import Store
from trainer.store.journal import Event
from trainer.sync import auto
from trainer.sync.folder import sync_folder

T0 = 1_790_000_000.0


def other_device(tmp_path: Path, root: Path) -> Store:
    """Another device that reviewed the first card and synced."""
    other = Store.open(tmp_path / "other.db")
    other.merge_events([Event("01OTHER0000000000000000001", "phone", "basics/likelihood", T0,
                              "review", {"rating": 3})])
    sync_folder(other, root)
    return other


async def until_synced(app, pilot, seen: list, says: str) -> None:
    """Wait for the sync the app starts after its first refresh to have said `says` (its
    notice is sent when its worker is done), however slowly a loaded machine gets there."""
    for _ in range(1000):
        if any(says in n.message for n in seen):
            return
        await pilot.pause()
        await app.workers.wait_for_complete()
    raise AssertionError(f"the app's sync never said {says!r}: {[n.message for n in seen]}")


async def test_the_app_takes_in_other_devices_reviews_at_start(make_app, recall_deck, tmp_path,
                                                               notifications):
    root = tmp_path / "shared"
    other = other_device(tmp_path, root)
    app = make_app(recall_deck, tmp_path / "t.db", settings=Settings(sync_dir=str(root)))
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_synced(app, pilot, seen, "Synced 1 event from 1 other device")
        assert app.store.card_state("basics/likelihood") == other.card_state("basics/likelihood")
    assert (root / app.store.device_id).is_dir()


async def test_every_50_reviews_the_app_syncs_again(make_app, recall_deck, tmp_path,
                                                    monkeypatch):
    root = tmp_path / "shared"
    monkeypatch.setattr(auto, "REVIEWS_BETWEEN_SYNCS", 2)
    app = make_app(recall_deck, tmp_path / "t.db", settings=Settings(sync_dir=str(root)))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("space", "3", "space", "3")
        await pilot.pause()
        await app.workers.wait_for_complete()
    sent = [line for p in (root / app.store.device_id).glob("*.jsonl")
            for line in p.read_text().splitlines()[1:-1]]
    assert len(sent) == 2  # the two reviews went out without waiting for the exit


async def test_a_failing_sync_is_a_notice_not_a_crash(make_app, recall_deck, tmp_path,
                                                      notifications):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    app = make_app(recall_deck, tmp_path / "t.db", settings=Settings(sync_dir=str(blocker)))
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_synced(app, pilot, seen, "Sync with")
        await pilot.press("space", "3")  # studying goes on
        await pilot.pause()
    assert len(app.store.reviews()) == 1
    (failure,) = [n for n in seen if "Sync with" in n.message]
    assert failure.severity == "warning" and "Nothing here is lost" in failure.message


async def test_cards_settled_on_another_device_leave_the_session_the_sync_found(
        make_app, recall_deck, tmp_path, notifications):
    """The first card is on screen before the start's sync: the queue behind it was built
    from the states before. A card reviewed on the phone minutes ago and one suspended
    there are not shown again; the one learnt there comes back at its step."""
    import time

    from trainer.tui.screens.study import StudyScreen

    root = tmp_path / "shared"
    phone = Store.open(tmp_path / "phone.db")
    now = time.time()
    phone.merge_events([
        Event("01PHONE000000000000000001", "phone", "basics/log-likelihood", now - 60, "review",
              {"rating": 3}),
        Event("01PHONE000000000000000002", "phone", "basics/map", now - 50, "suspend", {})])
    sync_folder(phone, root)
    app = make_app(recall_deck, tmp_path / "t.db",
                   settings=Settings(sync_dir=str(root), learn_ahead_minutes=0))
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_synced(app, pilot, seen, "Synced 2 events")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StudyScreen)
        assert screen.session.current.id == "likelihood"
        await pilot.press("space", "3")
        await pilot.pause()
        # nothing is due now: the two learning cards wait for their steps
        assert screen.phase == "waiting" and screen.session.current is None
        assert screen.session.counts() == (0, 2, 0)


async def test_parameters_fitted_on_another_device_are_studied_with(make_app, recall_deck,
                                                                     tmp_path, notifications):
    """A fit applied on the phone comes in with the start's sync: the cards are replayed
    with it and the review made next in the app is scheduled with it."""
    from trainer.scheduling.optimize import default_parameters
    from trainer.scheduling.replay import Replayer
    from trainer.store.fits import StoredFit

    root = tmp_path / "shared"
    fitted = default_parameters()
    fitted[0:4] = [0.05, 0.3, 0.6, 2.0]
    phone = other_device(tmp_path, root)
    with phone.transaction():
        phone.save_fit(StoredFit(None, tuple(fitted), T0 + 60, 800, 0.3, 0.05, 0.4, 0.08))
    sync_folder(phone, root)
    app = make_app(recall_deck, tmp_path / "t.db", settings=Settings(sync_dir=str(root)))
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await until_synced(app, pilot, seen, f"parameters fitted on {phone.device_id} on ")
        await pilot.pause()
        assert app.scheduler.parameters == tuple(fitted)
        key = f"basics/{app.screen.session.current.id}"
        await pilot.press("space", "3")
        await pilot.pause()
    with_fit = Replayer(parameters=fitted, fuzz=False)
    assert app.store.card_state(key) == with_fit.replay(app.store.events(key))
    assert app.store.card_state(key) != Replayer(fuzz=False).replay(app.store.events(key))
    assert app.store.card_state("basics/likelihood") == \
        with_fit.replay(app.store.events("basics/likelihood"))
