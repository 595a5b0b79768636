"""Live reload while studying: edits take effect, new cards join, a broken edit keeps the last
good version; nothing done is lost or asked again. The reload is triggered directly (no timer)."""

from __future__ import annotations

from pathlib import Path

from trainer.decks.watch import DeckWatch
from trainer.tui.app import TrainerApp


def screen_text(app: TrainerApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _app(make_app, deck: Path, tmp_path: Path) -> TrainerApp:
    return make_app(deck, tmp_path / "t.db", deck_paths=[deck], watch_seconds=None)


NEW_CARD = """\
  - id: fisher
    kind: recall
    prompt: What is the Fisher information?
    answer: The variance of the score.
"""


def test_the_watch_notices_an_added_a_changed_and_a_removed_file(tmp_path):
    folder = tmp_path / "decks"
    folder.mkdir()
    first = folder / "a.yaml"
    first.write_text("deck: a\n", encoding="utf-8")
    watch = DeckWatch([folder])
    assert watch.poll() == []
    second = folder / "b.yaml"
    second.write_text("deck: b\n", encoding="utf-8")
    first.write_text("deck: a\ntitle: A longer text\n", encoding="utf-8")
    assert watch.poll() == [first, second]
    assert watch.poll() == []
    second.unlink()
    assert watch.poll() == [second]


async def test_an_edit_to_the_card_on_screen_shows_at_once(make_app, recall_deck, tmp_path):
    app = _app(make_app, recall_deck, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        assert "What is a likelihood?" in screen_text(app, "prompt")
        _edit(recall_deck, "What is a likelihood?", "What is a likelihood, in one line?")
        app.deck_files_changed()
        await pilot.pause()
        assert "What is a likelihood, in one line?" in screen_text(app, "prompt")


async def test_an_edited_later_card_shows_its_new_text_and_done_cards_are_not_asked_again(
        make_app, recall_deck, tmp_path):
    app = _app(make_app, recall_deck, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "4")  # the first card is done
        assert "Why the log?" in screen_text(app, "prompt")
        _edit(recall_deck, "What is a likelihood?", "What is a likelihood (edited)?")
        _edit(recall_deck, "What is MAP?", "What is a MAP estimate?")
        app.deck_files_changed()
        await pilot.pause()
        await pilot.press("space", "4")
        assert "What is a MAP estimate?" in screen_text(app, "prompt")
        await pilot.press("space", "4")
        await pilot.pause()
        assert app.screen.phase == "empty"  # the edited first card is not asked again
    assert [r.card_key for r in app.store.reviews()] == [
        "basics/likelihood", "basics/log-likelihood", "basics/map"]


async def test_a_new_card_joins_the_queue(make_app, recall_deck, tmp_path):
    app = _app(make_app, recall_deck, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        remaining = app.screen.session.remaining
        recall_deck.write_text(recall_deck.read_text(encoding="utf-8") + NEW_CARD,
                               encoding="utf-8")
        app.deck_files_changed()
        await pilot.pause()
        assert app.screen.session.remaining == remaining + 1
        for _ in range(3):
            await pilot.press("space", "4")
        assert "What is the Fisher information?" in screen_text(app, "prompt")


async def test_a_new_card_after_the_last_one_is_shown_at_once(make_app, recall_deck, tmp_path):
    app = _app(make_app, recall_deck, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("space", "4")
        await pilot.pause()
        assert app.screen.phase == "empty"
        recall_deck.write_text(recall_deck.read_text(encoding="utf-8") + NEW_CARD,
                               encoding="utf-8")
        app.deck_files_changed()
        await pilot.pause()
        assert "What is the Fisher information?" in screen_text(app, "prompt")


async def test_a_broken_edit_is_a_notice_and_the_last_good_version_stays(make_app, recall_deck,
                                                                        tmp_path, notifications):
    app = _app(make_app, recall_deck, tmp_path)
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "4")
        good = recall_deck.read_text(encoding="utf-8")
        # the MAP card loses its answer, and the log card's prompt changes in the same edit
        _edit(recall_deck, "    answer: argmax of log-likelihood plus log-prior.\n", "")
        _edit(recall_deck, "Why the log?", "Why the log, really?")
        for _ in range(2):  # a second reload of the same broken file changes nothing
            app.deck_files_changed()
            await pilot.pause()
        (notice,) = [n for n in seen if n.severity == "warning"][:1]
        assert "map: missing required field 'answer'" in notice.message
        assert "kept the last good version of basics" in notice.title
        assert "Why the log?" in screen_text(app, "prompt")  # the good version
        keys = [c.key for c in app.load_result.cards]
        assert keys == ["basics/likelihood", "basics/log-likelihood", "basics/map"]
        await pilot.press("space", "4", "space", "4")
        await pilot.pause()
        assert app.screen.phase == "empty"
        # fixed: the edit takes effect, and nothing done is lost
        recall_deck.write_text(good.replace("Why the log?", "Why the log, really?"),
                               encoding="utf-8")
        app.deck_files_changed()
        await pilot.pause()
        assert [c.prompt for c in app.load_result.cards][1] == "Why the log, really?"
        assert app.screen.phase == "empty"
    assert len(app.store.reviews()) == 3


async def test_a_syntax_error_keeps_the_deck_too(make_app, recall_deck, tmp_path, notifications):
    app = _app(make_app, recall_deck, tmp_path)
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        _edit(recall_deck, "    kind: recall\n    prompt: Why the log?",
              "    kind: recall\n   prompt: Why the log?")
        app.deck_files_changed()
        await pilot.pause()
        assert any("indented less than the card" in n.message for n in seen)
        assert len(app.load_result.cards) == 3
        assert "What is a likelihood?" in screen_text(app, "prompt")
