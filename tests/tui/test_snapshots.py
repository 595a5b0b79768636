"""Snapshots of the main screens at 80x24 (update with --snapshot-update after a UI change)."""

from __future__ import annotations

from tests.waiting import home_counted


def test_snapshot_recall_question(snap_compare, make_app, recall_deck, tmp_path):
    assert snap_compare(make_app(recall_deck, tmp_path / "t.db"), terminal_size=(80, 24))


def test_snapshot_recall_revealed_with_key_points(snap_compare, make_app, recall_deck, tmp_path):
    assert snap_compare(make_app(recall_deck, tmp_path / "t.db"), terminal_size=(80, 24),
                        press=["space", "space"])


def test_snapshot_help(snap_compare, make_app, recall_deck, tmp_path):
    assert snap_compare(make_app(recall_deck, tmp_path / "t.db"), terminal_size=(80, 24),
                        press=["question_mark"])


def test_snapshot_home(snap_compare, make_app, recall_deck, tmp_path):
    async def home(pilot):
        await pilot.press("d")
        await home_counted(pilot)

    assert snap_compare(make_app(recall_deck, tmp_path / "t.db"), terminal_size=(80, 24),
                        run_before=home)


def test_snapshot_recall_revealed_light_theme(snap_compare, make_app, recall_deck, tmp_path):
    async def light(pilot):
        pilot.app.theme = "textual-light"

    assert snap_compare(make_app(recall_deck, tmp_path / "t.db", save_theme=False),
                        terminal_size=(80, 24), press=["space"], run_before=light)


def test_snapshot_graded_verdict(snap_compare, make_app, graded_deck, tmp_path):
    async def answer(pilot):
        await pilot.press(*"1/2", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(make_app(graded_deck, tmp_path / "t.db"), terminal_size=(80, 24),
                        run_before=answer)
