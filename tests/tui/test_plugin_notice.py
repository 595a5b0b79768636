"""A solver plugin that fails to import is a notice in the app, and the app goes on."""

from __future__ import annotations

from tests.waiting import after_first_frame


async def test_a_plugin_that_failed_to_load_is_a_notice_not_a_traceback(
        make_app, recall_deck, tmp_path, monkeypatch, notifications):
    from trainer.registry import core

    failure = ("solver plugin 'broken' (package my-solvers) failed to load: "
               "ModuleNotFoundError: No module named 'scipyy'")
    monkeypatch.setattr(core, "_PLUGIN_PROBLEMS", [failure])
    app = make_app(recall_deck, tmp_path / "t.db")
    seen = notifications(app)
    async with app.run_test() as pilot:
        await after_first_frame(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        notices = [n for n in seen if n.title == "A solver plugin did not load"]
        assert [n.severity for n in notices] == ["warning"]
        assert notices[0].message.startswith(failure)
        await pilot.press("space")  # the first card is still there to study
        assert app.screen.phase == "answered"


async def test_no_notice_when_every_plugin_loaded(make_app, recall_deck, tmp_path, monkeypatch,
                                                  notifications):
    from trainer.registry import core

    monkeypatch.setattr(core, "_PLUGIN_PROBLEMS", [])
    app = make_app(recall_deck, tmp_path / "t.db")
    seen = notifications(app)
    async with app.run_test() as pilot:
        await after_first_frame(pilot)
        await app.workers.wait_for_complete()
        assert [n for n in seen if "plugin" in n.title] == []
