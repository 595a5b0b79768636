"""Pilot tests of the study app: what the learner sees and what the store records."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from tests.waiting import home_counted, until
from trainer.tui.app import TrainerApp
from trainer.tui.widgets.session_bar import SessionBar


def screen_text(app: TrainerApp, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def card_info(app: TrainerApp) -> str:
    """The top line's part about the card on screen."""
    info = app.screen.query_one(SessionBar).info
    return info.plain if info is not None else ""


async def test_study_two_recall_cards_and_find_them_in_the_log(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        assert "What is a likelihood?" in screen_text(app, "prompt")
        await pilot.press("space")
        assert "as a function of θ" in screen_text(app, "model-answer")
        await pilot.press("3")
        assert "Why the log?" in screen_text(app, "prompt")
        await pilot.press("space", "1")
        await pilot.pause()
    reviews = app.store.reviews()
    assert [(r.card_key, r.rating) for r in reviews] == [
        ("basics/likelihood", 3), ("basics/log-likelihood", 1)]
    assert all(r.duration_ms is not None and r.duration_ms >= 0 for r in reviews)  # optimizers


async def test_rating_keys_do_nothing_before_the_answer_is_revealed(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        assert app.store.reviews() == []
        assert "What is a likelihood?" in screen_text(app, "prompt")


async def test_ticking_key_points_suggests_a_rating_that_enter_accepts(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        assert "Suggested" not in screen_text(app, "status")  # nothing ticked yet
        await pilot.press("enter")  # so enter records nothing (and no accidental Again)
        await pilot.pause()
        assert app.store.reviews() == []
        await pilot.press("space")  # tick the first key point
        await pilot.pause()
        assert "Hard" in screen_text(app, "status")
        points = app.screen.query_one("#key-points")
        # ticked and not ticked differ in more than colour (monochrome, colour-blind)
        assert "[x]" in points.render_line(0).text and "[ ]" in points.render_line(1).text
        await pilot.press("down", "space")
        await pilot.pause()
        assert "Good" in screen_text(app, "status")
        await pilot.press("enter")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.rating == 3
    assert review.answer == "key points: function of theta; data fixed"


async def test_a_long_key_point_wraps_at_words_and_is_ticked_whole(make_app, write_deck,
                                                                    tmp_path):
    point = ("the Fisher information is the expected curvature of the negative "
             "log-likelihood at the true parameter, and its inverse bounds the variance")
    deck = write_deck("deck: fi\ntitle: F\ncards:\n  - id: a\n    kind: recall\n"
                      "    prompt: What is the Fisher information?\n    answer: A curvature.\n"
                      f"    key_points: ['{point}', short]\n", "fi.yaml")
    app = make_app(deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.wait_for_scheduled_animations()
        points = app.screen.query_one("#key-points")
        raw = [points.render_line(y).text for y in range(points.size.height)]
        shown = " ".join(line.strip() for line in raw)
        assert "…" not in shown and "bounds the variance" in shown  # nothing cut off
        assert all(not line.rstrip().endswith("-") for line in raw)
        # the point's next line starts under its first word, not under the tick box
        box = raw[0].index("[ ]")
        assert raw[1][box:box + 4] == "    " and raw[1][box + 4] != " "
        await pilot.press("space", "enter")  # the long point ticked: Hard, accepted
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.answer == f"key points: {point}"


async def test_u_after_coming_back_says_undo_is_for_this_session(make_app, recall_deck,
                                                                 tmp_path, notifications):
    """Found in tmux: after quitting and coming back, u only said "Nothing to undo."."""
    async with make_app(recall_deck, tmp_path / "t.db").run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "4")
    app = make_app(recall_deck, tmp_path / "t.db")
    seen = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("u")
        await pilot.pause()
    assert [n.message for n in seen] == ["Nothing to undo in this session."]
    assert len(app.store.reviews()) == 1  # the review of the session before stays


async def test_undo_shows_the_card_again_and_removes_its_review(make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "4", "u")
        assert "What is a likelihood?" in screen_text(app, "prompt")
        assert app.store.reviews() == []


async def test_when_nothing_is_due_the_app_says_when_and_offers_to_study_ahead(
        make_app, recall_deck, tmp_path):
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("space", "4")
        summary = screen_text(app, "prompt")
        assert "Session complete" in summary
        assert "cards studied   3" in summary and "accuracy        100%" in summary
        assert "due tomorrow    0" in summary and "later today" not in summary
    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        text = screen_text(app, "prompt")
        assert "Nothing is due" in text and "next card is due in" in text
        await pilot.press("a")
        assert "What is" in screen_text(app, "prompt") or "Why" in screen_text(app, "prompt")


async def test_shift_e_shows_the_deck_file_and_line_of_the_card(make_app, recall_deck,
                                                                 tmp_path):
    from trainer.tui.screens.source import SourceScreen

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("E")  # before the reveal: it would show the answer
        assert not isinstance(app.screen, SourceScreen)
        await pilot.press("space", "E")
        assert isinstance(app.screen, SourceScreen)
        scroll = app.screen.query_one("VerticalScroll")
        assert scroll.border_title == f"{recall_deck}:4  (basics/likelihood)"
        await pilot.press("escape")
        assert not isinstance(app.screen, SourceScreen)


async def test_the_home_screen_lists_decks_and_starts_one(make_app, recall_deck, tmp_path):
    from trainer.tui.screens.home import HomeScreen

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        assert isinstance(app.screen, HomeScreen)
        await home_counted(pilot)
        table = app.screen.query_one("#decks")
        assert table.row_count == 2  # all decks, basics
        assert [str(c) for c in table.get_row("basics")] == ["basics", "Basics", "0", "3", "3"]
        await pilot.press("down", "c")  # cram the basics deck
        assert not isinstance(app.screen, HomeScreen)
        assert "What is a likelihood?" in screen_text(app, "prompt")


async def test_a_tag_is_completed_as_typed_and_studied(make_app, recall_deck, tmp_path):
    from trainer.tui.screens.home import HomeScreen

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d", "t", "m", "a")
        await pilot.pause()
        await pilot.press("right")  # accept the completion
        assert app.screen.query_one("#tag").value == "map"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, HomeScreen)
        assert app.screen.session.tag == "map"
        assert app.screen.session.current.id == "map"
        assert card_info(app).startswith("#map ")


def test_card_source_stops_at_the_next_card(recall_deck):
    from trainer.decks import load_decks
    from trainer.tui.screens.source import card_source

    card = load_decks([recall_deck]).cards[0]
    text = card_source(card)
    assert text.splitlines()[0] == "  - id: likelihood"
    assert "log-likelihood" not in text and "key_points" in text


async def test_a_card_edited_since_its_last_review_is_marked(make_app, recall_deck, tmp_path):
    from dataclasses import replace

    db = tmp_path / "t.db"
    app = make_app(recall_deck, db, ahead=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space", "1")
    recall_deck.write_text(recall_deck.read_text().replace("What is a likelihood?",
                                                           "What is a likelihood, exactly?"))
    app = make_app(recall_deck, db, ahead=True)
    async with app.run_test(size=(80, 24)):
        assert "likelihood, exactly?" in screen_text(app, "prompt")
        assert "edited since last review" in card_info(app)
        state = app.store.card_state("basics/likelihood")
        app.store.put_state(replace(state, lapses=8))
        app.screen.show_current()
        assert "leech (8 lapses)" in card_info(app)
    assert len(app.store.reviews("basics/likelihood")) == 1  # history kept


FIRST_CARD = """
import asyncio, sys
from pathlib import Path
from trainer.catalog import load_catalog
from trainer.config import default_deck_paths, load_settings
from trainer.store import Store
from trainer.tui.app import TrainerApp
from trainer.tui.widgets.session_bar import SessionBar

async def main():
    decks = [Path(sys.argv[2])] if sys.argv[2] != "-" else default_deck_paths()
    app = TrainerApp(store=Store.open(sys.argv[1]), load_result=load_catalog(decks),
                     settings=load_settings(), warm_up=False, save_theme=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = str(app.screen.query_one("#prompt").render()).strip()
        print(bool(shown), ",".join(m for m in sys.argv[3:] if m in sys.modules))

asyncio.run(main())
"""


def first_card_imports(db: Path, decks: Path | None, modules: Sequence[str]) -> str:
    """'True ' when a first card was drawn and none of `modules` was imported on the way
    (a fresh process, without the background warm-up that follows the first card)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", FIRST_CARD, str(db), str(decks or "-"),
                           *modules], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.split("\n")[-2]


def test_the_first_card_is_drawn_before_sympy_or_numpy_is_imported(tmp_path):
    assert first_card_imports(tmp_path / "t.db", None, ["sympy", "numpy"]) == "True "


def test_a_first_recall_card_loads_no_code_editor_statistics_or_interview_plan(
        recall_deck, tmp_path):
    # Textual's TextArea and its syntax trees come with the first code card, the statistics
    # with their screen, the interview plan with an interview, the answer box and the key
    # points with the first card that shows them, the countdown with the first wait
    import os

    config = Path(os.environ["TRAINER_CONFIG_DIR"])
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.toml").write_text("new_per_day = 20\n")  # a config file is checked
    modules = ["textual.widgets._text_area", "tree_sitter", "trainer.tui.code_answer",
               "trainer.stats", "trainer.interview.plan", "trainer.tui.answer_box",
               "trainer.tui.widgets.card_parts", "trainer.tui.widgets.countdown"]
    assert first_card_imports(tmp_path / "t.db", recall_deck, modules) == "True "


async def test_the_study_screen_is_the_apps_first_and_only_screen(make_app, recall_deck, tmp_path):
    # no blank screen under it: the app's first frame is the card's, not one drawn over
    from trainer.tui.screens.study import StudyScreen

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)):
        assert app.screen_stack == [app.screen] and isinstance(app.screen, StudyScreen)
        assert "What is a likelihood?" in screen_text(app, "prompt")


async def test_the_chosen_theme_is_remembered(make_app, recall_deck, tmp_path):
    from trainer.config import load_settings

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await pilot.pause()
    assert load_settings().theme == "textual-light"
    app = make_app(recall_deck, tmp_path / "t.db", settings=load_settings())
    async with app.run_test(size=(80, 24)):
        assert app.theme == "textual-light"


async def test_an_unknown_theme_is_named_and_the_default_kept(make_app, recall_deck, tmp_path, notifications):
    from trainer.config import Settings

    app = make_app(recall_deck, tmp_path / "t.db", settings=Settings(theme="bogus"))
    notes = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("no theme 'bogus'" in n.message for n in notes)


async def test_the_command_palette_offers_the_main_actions(make_app, recall_deck, tmp_path):
    from trainer.tui.screens.home import HomeScreen

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Decks")
        await app.workers.wait_for_complete()  # the palette searches in a worker
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_broken_deck_is_reported_once_and_the_other_decks_are_studied(
        make_app, recall_deck, write_deck, tmp_path, notifications):
    write_deck("deck: broken\ntitle: B\ncards:\n  - id: a\n    kind: recal\n    prompt: P\n"
               "    answer: A\n  - id: b\n    kind: recall\n    promt: P\n    answer: A\n",
               "broken.yaml")
    app = make_app(recall_deck.parent, tmp_path / "t.db")
    notes = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        (toast,) = notes
        assert toast.title.startswith("3 deck problems")
        assert "broken.yaml:5:11: a: unknown kind 'recal'" in toast.message
        assert "2 more: run `trainer validate`" in toast.message
        assert "What is a likelihood?" in screen_text(app, "prompt")


async def test_when_the_review_limit_is_reached_the_app_says_so(make_app, recall_deck, tmp_path):
    from trainer.config import Settings

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(3):
            await pilot.press("space", "4")
    later = time.time() + 60 * 86400  # all three are due by then
    app = make_app(recall_deck, tmp_path / "t.db", clock=lambda: later,
                   settings=Settings(reviews_per_day=0))
    async with app.run_test(size=(80, 24)):
        text = screen_text(app, "prompt")
        assert "Nothing is due" in text and "limit of 0 reviews is reached" in text


async def test_a_long_answer_scrolls_from_the_keyboard(make_app, write_deck, tmp_path):
    answer = "\\n".join(f"      line {i} of a long model answer." for i in range(60))
    deck = write_deck("deck: long\ntitle: L\ncards:\n  - id: a\n    kind: recall\n"
                      "    prompt: Explain at length.\n    answer: |\n" + answer.replace("\\n", "\n")
                      + "\n    key_points: [one, two]\n", "long.yaml")
    app = make_app(deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        await pilot.wait_for_scheduled_animations()
        card = app.screen.query_one("#card")
        assert card.max_scroll_y > 0
        # revealing may scroll towards the key points; start from the top to test the keys
        card.scroll_home(animate=False)
        await pilot.pause()
        # the scrolls are animated, after a refresh: waited for where they land, not for the
        # animations Textual knows of when asked (a loaded machine can ask before they start)
        await pilot.press("pagedown")
        await until(pilot, lambda: card.scroll_y > 0, "the card scrolled down")
        await pilot.press("pageup")
        await until(pilot, lambda: card.scroll_y == 0, "the card back at its top")


async def test_a_locked_database_is_reported_and_the_card_stays(make_app, recall_deck, tmp_path, notifications):
    import sqlite3

    app = make_app(recall_deck, tmp_path / "t.db")
    notes = notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        other = sqlite3.connect(tmp_path / "t.db", timeout=0)
        other.execute("BEGIN EXCLUSIVE")  # another process holds the database
        app.store.conn.execute("PRAGMA busy_timeout=50")
        await pilot.press("space", "4")
        await pilot.pause()
        assert "What is a likelihood?" in screen_text(app, "prompt")  # not moved on
        assert any("Could not save" in n.message for n in notes)
        other.rollback()
        other.close()
        await pilot.press("4")  # the learner tries again
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.rating == 4


async def test_help_lines_fit_the_box_beside_its_scrollbar(make_app, recall_deck, tmp_path):
    # a line longer than the box wrapped to its left edge, under the key column
    from trainer.tui.screens.help import KEYS

    app = make_app(recall_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        keys = app.screen.query_one("#help-keys")
        assert keys.parent.show_vertical_scrollbar  # 30 rows: the help scrolls
        assert keys.size.height == KEYS.count("\n") + 1  # not one line wrapped
