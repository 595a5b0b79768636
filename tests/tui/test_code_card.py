"""Pilot test of a code card: a wrong function fails a case, the fix passes, the code is stored."""

from __future__ import annotations

import pytest

from tests.waiting import until

DECK = """\
deck: code-pilot
title: Code pilot
cards:
  - id: gauss-pilot
    kind: code
    prompt: Write the Gaussian MLE of the sample x.
    signature: |
      def gaussian_mle(x):
          \"\"\"Return (mean, variance) of the 1-D array x, maximum likelihood.\"\"\"
    params:
      x: normal(2, 1.5, 8, 2)
    solve: tuple(gaussian_mle_mean(x), gaussian_mle_var(x))
    checks: [returns_pair, vectorised]
    mistakes:
      - answer: tuple(gaussian_mle_mean(x), unbiased_var(x))
        feedback: You divided by n - 1; the MLE divides by n.
    reference: |
      import numpy as np

      def gaussian_mle(x):
          mu = float(np.mean(x))
          return mu, float(np.mean((x - mu) ** 2))
    solution: The mean, and the mean squared deviation (divide by $n$).
"""

WRONG = ("import numpy as np\n\n\ndef gaussian_mle(x):\n"
         "    return float(np.mean(x)), float(np.var(x, ddof=1))\n")
RIGHT = WRONG.replace("ddof=1", "ddof=0")


def text(app, widget_id: str) -> str:
    return str(app.screen.query_one(f"#{widget_id}").render())


def printed(app, widget_id: str) -> str:
    """What a Static holding rich renderables (code, groups) shows, as plain text."""
    import io

    from rich.console import Console

    console = Console(width=100, file=io.StringIO(), record=True)
    console.print(app.screen.query_one(f"#{widget_id}").content)
    return console.export_text()


async def run_and_wait(app, pilot, key: str) -> None:
    await pilot.press(key)
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def code_deck(write_deck):
    return write_deck(DECK, "code.yaml")


async def test_a_wrong_function_fails_a_case_then_the_fix_passes_and_is_stored(
        make_app, code_deck, tmp_path):
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        assert not editor.has_focus  # it takes the first key: the footer's u and q still work
        assert "the first key goes into the editor" in text(app, "status")
        assert "def gaussian_mle(x):" in editor.text  # the starter holds the signature
        assert "every draw, returns a tuple of two floats" in text(app, "prompt")
        editor.load_text(WRONG)
        await run_and_wait(app, pilot, "ctrl+r")  # goes into the editor and runs
        assert editor.has_focus
        results = text(app, "code-results")
        assert "✘ draw 1" in results and "expected (" in results
        assert "0 of 3 cases passed" in results
        assert app.screen.phase == "question"  # running records nothing
        assert app.store.reviews() == []
        editor.load_text(RIGHT)
        await run_and_wait(app, pilot, "ctrl+r")
        assert "3 of 3 cases passed, 2 of 2 checks" in text(app, "code-results")
        assert "fresh draws" not in text(app, "code-headline")
        await run_and_wait(app, pilot, "ctrl+s")
        assert "correct" in text(app, "verdict") and "incorrect" not in text(app, "verdict")
        assert "submitted, graded on fresh draws: 3 of 3" in text(app, "code-headline")
        assert "float(np.mean((x - mu) ** 2))" in printed(app, "model-answer")  # the worked reference
        assert editor.read_only
        assert "Suggested: Good" in text(app, "status")
        await pilot.press("enter")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert (review.rating, review.verdict, review.answer) == (3, "correct", RIGHT)


async def test_submitting_a_known_mistake_shows_its_feedback_and_keeps_the_code(
        make_app, code_deck, tmp_path):
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#code-editor").load_text(WRONG)
        await run_and_wait(app, pilot, "ctrl+s")
        verdict = text(app, "verdict")
        assert "incorrect" in verdict and "You divided by n - 1" in verdict
        assert "Suggested: Again" in text(app, "status")
        await pilot.press("2")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert (review.rating, review.verdict, review.answer) == (2, "incorrect", WRONG)


async def test_ctrl_z_in_the_editor_undoes_typing_not_the_last_review(make_app, code_deck,
                                                                      tmp_path):
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        before = editor.text
        await pilot.press("x")
        assert editor.text != before
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert editor.text == before


async def test_tab_enters_a_new_cards_editor_without_indenting_it(make_app, code_deck,
                                                                  tmp_path):
    """tab is the key the status offers to begin with a footer letter: it gives the editor
    the focus and is not typed (it indented the first line, found in tmux)."""
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        before = editor.text
        await pilot.press("tab")
        await pilot.pause()
        assert editor.has_focus and editor.text == before
        await pilot.press("d")  # d (decks) typed now that the editor has the focus
        await pilot.pause()
        assert editor.text == "d" + before


async def test_escape_leaves_the_editor_and_the_status_says_the_keys_are_live(
        make_app, code_deck, tmp_path):
    """Found in tmux: escape moved the focus on silently and the status still offered ctrl+r
    and ctrl+s while s, b and u already acted on the card."""
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        await pilot.press("tab", "x")
        await pilot.pause()
        assert editor.has_focus and "ctrl+r" in text(app, "status")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.focused is None
        assert "Keys are live" in text(app, "status") and "ctrl+r" not in text(app, "status")
        assert editor.text.startswith("x")  # what was typed stays
        await pilot.press("i")  # back to the editor, where the cursor was
        await pilot.pause()
        assert editor.has_focus and "ctrl+r" in text(app, "status")


LOOPED = ("def gaussian_mle(x):\n"
          "    m = sum(v for v in x) / len(x)\n"
          "    return float(m), float(sum((v - m) ** 2 for v in x) / len(x))\n")


def in_view(app, widget) -> bool:
    """The widget is drawn, all of it, inside the card's visible area (not scrolled away)."""
    card = app.screen.query_one("#card")
    region = widget.region
    return bool(region.height) and card.content_region.contains_region(region)


async def test_at_80x24_the_question_stays_in_view_while_the_function_is_written(
        make_app, code_deck, tmp_path):
    """Found in tmux: the editor (and the signature shown twice, above it and in it) pushed
    the question off a small terminal as soon as the editor took the focus. The card holds
    no blank lines below the editor either: they made it one line too long for its view, so
    that a first key sent in the frame its scroll bar came scrolled the question a line up
    (the editor's box counted its height before the terminal's 45% cap)."""
    from trainer.tui.widgets.steady_footer import SteadyFooter

    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(80, 24)) as pilot:
        # the key hints come a frame after the card and take a line from it
        await until(pilot, lambda: any(f.region.height for f in app.screen.query(SteadyFooter)),
                    "the key hints laid out")
        editor = app.screen.query_one("#code-editor")
        await pilot.press("tab", "x")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        assert editor.has_focus
        assert in_view(app, app.screen.query_one("#prompt"))
        assert in_view(app, editor)
        assert app.screen.query_one("#card").max_scroll_y == 0  # it all fits: nothing to scroll
        assert "def gaussian_mle(x):" in editor.text  # the signature, once


async def test_at_100x32_the_reason_a_run_failed_is_on_screen(make_app, code_deck, tmp_path):
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        editor.load_text(LOOPED)  # right values, but a Python loop over the samples
        await run_and_wait(app, pilot, "ctrl+r")
        headline = app.screen.query_one("#code-headline")
        shown = text(app, "code-headline")
        assert "3 of 3 cases passed, 1 of 2 checks" in shown
        assert "check vectorised: no Python loop over the samples: line 2" in shown
        assert in_view(app, headline) and in_view(app, editor)  # the reason beside the code

        editor.load_text(WRONG)  # a wrong value: the first case that differs, and how
        await run_and_wait(app, pilot, "ctrl+r")
        assert "draw 1: got (" in text(app, "code-headline")
        assert "item 2 differs" in text(app, "code-headline")
        assert in_view(app, headline)

        await run_and_wait(app, pilot, "ctrl+s")  # submitted: the verdict comes into view
        verdict = app.screen.query_one("#verdict")
        assert "You divided by n - 1" in text(app, "verdict")
        # scrolled to after a refresh, and laid out where it lands after another
        await until(pilot, lambda: in_view(app, verdict), "the verdict scrolled into view")


async def test_a_burst_of_moves_and_typing_on_a_new_card_lands_where_the_moves_put_it(
        make_app, code_deck, tmp_path):
    """The first keys of a new card, sent at once (tmux send-keys, a fast typist): the moves
    reached the screen before the editor had the focus and were dropped, so the text typed
    after them landed at the top of the file."""
    from textual import events

    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        lines = editor.text.splitlines()
        last = len(lines) - 1 - [ln.strip() for ln in reversed(lines)].index("...")
        body = "return 1.0, 2.0"
        keys = [("down", None)] * last + [("end", None)] + [("backspace", None)] * 3
        keys += [("space" if c == " " else c, c) for c in body]
        for key, char in keys:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert editor.has_focus
        assert editor.text.splitlines()[last] == lines[last].replace("...", body)
        assert editor.text.splitlines()[0] == lines[0]


async def test_ctrl_s_on_the_untouched_starter_asks_before_submitting_it(make_app, code_deck,
                                                                         tmp_path):
    """As an empty answer needs a second enter, a stray ctrl+s must not throw the card away."""
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await run_and_wait(app, pilot, "ctrl+s")
        assert "ctrl+s again submits the starter" in text(app, "code-results")
        assert app.screen.phase == "question" and not app.screen.query_one("#code-editor").read_only
        await run_and_wait(app, pilot, "ctrl+s")
        assert app.screen.phase == "answered"
        assert "Suggested: Again" in text(app, "status")


async def test_after_an_edit_and_its_revert_ctrl_s_on_the_starter_asks_again(make_app, code_deck,
                                                                            tmp_path):
    """The "ctrl+s again" notice holds for the next key only while the starter stays as it
    is: a learner who edits after it, then reverts, is asked again (it stayed armed)."""
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        editor = app.screen.query_one("#code-editor")
        starter = editor.text
        await run_and_wait(app, pilot, "ctrl+s")
        assert "ctrl+s again submits the starter" in text(app, "code-results")
        await pilot.press("x")  # the editor has the focus: typed
        await pilot.pause()
        assert "ctrl+s again" not in text(app, "code-results")  # the notice went with the edit
        await pilot.press("backspace")
        await pilot.pause()
        assert editor.text == starter
        await run_and_wait(app, pilot, "ctrl+s")
        assert "ctrl+s again submits the starter" in text(app, "code-results")
        assert app.screen.phase == "question" and not editor.read_only
        assert app.store.reviews() == []
        await run_and_wait(app, pilot, "ctrl+s")  # asked, then confirmed at once: submitted
        assert app.screen.phase == "answered"


async def test_undo_brings_back_the_submitted_function_to_mend_and_submit(make_app, code_deck,
                                                                          tmp_path):
    """Undoing a code card's rating shows the learner's own function again, not the starter
    (their work was lost), in an editor they can change and submit again."""
    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#code-editor").load_text(WRONG)
        await run_and_wait(app, pilot, "ctrl+s")
        await pilot.press("1")
        await pilot.pause()
        assert len(app.store.reviews()) == 1
        await pilot.press("escape", "u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.store.reviews() == []
        editor = app.screen.query_one("#code-editor")
        assert editor.text == WRONG and not editor.read_only
        editor.load_text(RIGHT)  # mended: submitted with one ctrl+s
        await run_and_wait(app, pilot, "ctrl+s")
        assert "correct" in text(app, "verdict") and "incorrect" not in text(app, "verdict")
        await pilot.press("3")
        await pilot.pause()
        assert [r.answer for r in app.store.reviews()] == [RIGHT]
        await pilot.press("escape", "u")  # once more: the last submission comes back
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#code-editor").text == RIGHT


async def test_a_run_that_fails_in_the_trainer_frees_the_editor_and_records_nothing(
        make_app, code_deck, tmp_path, monkeypatch):
    from trainer.attempt import Attempt

    def broken(self, source, submit=False):
        raise RecursionError("maximum recursion depth exceeded")

    app = make_app(code_deck, tmp_path / "t.db")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        app.screen.query_one("#code-editor").load_text(RIGHT)
        with monkeypatch.context() as m:
            m.setattr(Attempt, "run_code", broken)
            await run_and_wait(app, pilot, "ctrl+s")
            assert "The run failed inside the trainer" in text(app, "code-results")
            assert app.screen.phase == "question"
            assert not app.screen.query_one("CodeAnswer").busy
        await run_and_wait(app, pilot, "ctrl+s")  # the same card can be submitted again
        assert "correct" in text(app, "verdict")
        await pilot.press("enter")
        await pilot.pause()
    (review,) = app.store.reviews()
    assert review.verdict == "correct"


def test_a_solution_whose_values_are_all_right_but_a_check_failed_is_not_called_incorrect():
    # every value right and a style check failed suggests Hard: the verdict line says so,
    # rather than a red "incorrect" over a Hard (a wrong value stays "incorrect")
    from trainer.coderun.card import CaseResult, CheckResult, CodeResult
    from trainer.tui.study_text import code_verdict

    cases = [CaseResult("draw 1", "x", "2.5", "2.5", True), CaseResult("draw 2", "x", "1", "1", True)]
    loop = CheckResult("vectorised", "no Python loop over the data", False, "a for loop")
    style_only = CodeResult(cases=cases, checks=[loop], graded=True)
    assert style_only.suggested_rating() == 2
    shown = code_verdict(style_only).plain
    assert shown.startswith("~ every value right, a check failed") and "incorrect" not in shown
    wrong = CodeResult(cases=[*cases[:1], CaseResult("draw 2", "x", "1", "2", False)],
                       checks=[loop], graded=True)
    assert code_verdict(wrong).plain.startswith("✘ incorrect")
