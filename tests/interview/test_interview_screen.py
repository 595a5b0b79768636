"""Pilot test: a three-question interview in the app with a fake clock: time up, a
follow-up, the learner's ticks, the debrief, and what is stored."""

from __future__ import annotations

from pathlib import Path

from tests.interview.fixtures import DECK_OF_THREE, FakeClock, hold_the_grader
from trainer.tui.screens.interview import InterviewScreen
from trainer.tui.screens.interview_start import InterviewStart
from trainer.tui.screens.study import StudyScreen

ANSWERS = {
    "iv/kl": "forward KL is mass covering, reverse KL is mode seeking",
    "iv/ridge": "a Laplace prior",
    "iv/bias": "it divides by n",
}


async def start(app, pilot, *keys: str, length: str) -> None:
    """Open the start form with `keys`, type the length and press enter."""
    await pilot.press(*keys)
    await pilot.pause()
    assert isinstance(app.screen, InterviewStart)
    app.screen.query_one("#iv-length").value = length
    await pilot.press("enter")
    await pilot.pause()


async def test_a_three_question_interview(make_app, write_deck, tmp_path: Path, notifications):
    deck = write_deck(DECK_OF_THREE)
    app = make_app(deck, tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    clock = FakeClock()
    app.interview_clock = clock
    seen = notifications(app)
    async with app.run_test(size=(110, 40)) as pilot:
        await start(app, pilot, "I", length="3")
        screen = app.screen
        assert isinstance(screen, InterviewScreen)
        for _ in range(3):
            q = screen.mock.current
            assert "Question" in str(screen.query_one("#iv-clock").render())
            screen.query_one("#iv-answer").text = ANSWERS[q.card.key]
            if q.card.key == "iv/bias":
                clock.advance(250)  # past the four minutes
                screen.tick_clock()
                assert any("Time is up" in n.message for n in seen)
            else:
                clock.advance(60)
            await pilot.press("ctrl+s")
            if q.card.key == "iv/kl":
                # the follow-up is asked before the model answer is shown
                assert q.stage == "follow_up"
                # the question stays on screen, the answer given and the follow-up below it
                assert "Which KL covers the modes?" in str(screen.query_one("#iv-prompt").render())
                assert str(screen.query_one("#iv-follow").render()) == (
                    "Follow-up: Which one does variational inference minimise?")
                assert not screen.query_one("#iv-review").display
                screen.query_one("#iv-answer").text = "reverse KL"
                await pilot.press("ctrl+s")
            assert q.stage == "review"
            points = screen.query_one("#iv-points")
            if q.card.key == "iv/kl":  # both main points and the follow-up's, pre-ticked
                assert set(points.selected) == {0, 1, 2}
            if q.card.key == "iv/bias":
                # the matcher ticked "divides by n"; the learner adds "biased low"
                assert points.selected == [0]
                points.select(1)
            await pilot.press("ctrl+s")
            assert q.stage == "done"
        await pilot.pause()
        assert screen.finished and screen.query_one("#iv-debrief").display
        scores = {q.card.key: (q.points, q.verdict) for q in screen.mock.asked}
        assert scores == {"iv/kl": ((3, 3), "strong"), "iv/ridge": ((0, 1), "missed"),
                          "iv/bias": ((2, 2), "strong")}
        bias = next(q for q in screen.mock.asked if q.card.key == "iv/bias")
        assert bias.seconds == 250
        screen.report_dir = tmp_path
        await pilot.press("w")
        [report] = tmp_path.glob("interview-*.md")
        assert "| iv/ridge |" in report.read_text(encoding="utf-8")
        # s studies the cards to review, exactly those, now
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StudyScreen)
        assert [c.key for c in app.screen.session.cards] == ["iv/ridge"]
        assert app.screen.session.current.key == "iv/ridge"
    store = app.store
    ratings = {r.card_key: int(r.rating) for r in store.reviews()}
    assert ratings == {"iv/kl": 3, "iv/ridge": 1, "iv/bias": 3}
    durations = {r.card_key: r.duration_ms for r in store.reviews()}
    assert durations["iv/bias"] == 250_000 and None not in durations.values()
    [record] = store.interviews()
    assert record.questions == 3


WHITEBOARD = r"""
deck: wb
title: Whiteboard
cards:
  - id: map-formula
    kind: symbolic
    prompt: Give the posterior mode of $p$ under a Beta($\alpha$, $\beta$) prior after $k$ heads in $n$ tosses.
    symbols: "k: nonnegative integer; n: positive integer; alpha: positive; beta: positive"
    answer: (k + alpha - 1)/(n + alpha + beta - 2)
"""


async def test_a_whiteboard_answer_is_graded_in_a_worker(make_app, write_deck, tmp_path: Path,
                                                         monkeypatch):
    app = make_app(write_deck(WHITEBOARD), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    release = hold_the_grader(monkeypatch)  # the grader waits until the test lets it go
    async with app.run_test(size=(110, 40)) as pilot:
        # out of the study screen's answer box first
        await start(app, pilot, "escape", "I", length="1 question")
        screen = app.screen
        q = screen.mock.current
        area = screen.query_one("#iv-answer")
        status = screen.query_one("#iv-status")
        # an unreadable answer: said so, and kept to be mended
        area.text = "(k + alpha"
        await pilot.press("ctrl+s")
        # the UI is free while the grader works: it says so and ignores a second send
        assert str(status.render()) == "grading…" and area.read_only
        await pilot.press("ctrl+s")
        assert screen.grading and q.stage == "answering"
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert str(status.render()).startswith("? ") and area.text == "(k + alpha"
        assert not area.read_only and q.stage == "answering"
        area.text = "(k + alpha - 1)/(n + alpha + beta - 2)"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert q.stage == "review" and q.points == (1, 1)
        assert str(status.render()) == ""
        # the grader's verdict and the reference are shown; there is nothing to tick
        graded = str(screen.query_one("#iv-yours").render())
        assert "(k + alpha - 1)/(n + alpha + beta - 2)  ✔ correct" in graded
        assert "reference" in graded and not screen.query_one("#iv-points").display
        await pilot.press("ctrl+s")
        assert screen.finished


LONG = r"""
deck: deep-dive
title: Deep dive
cards:
  - id: normality
    kind: recall
    prompt: State the asymptotic distribution of the maximum-likelihood estimator and sketch why it holds, as you would at a whiteboard in a phone screen.
    answer: Under regularity conditions the root-n scaled error of the MLE converges in distribution to a normal with mean zero and covariance the inverse Fisher information of one observation; expand the score around the true value.
    key_points:
      - root-n times the error converges to a normal with the inverse Fisher information as covariance
      - Taylor-expand the score around the true parameter and solve for the error
      - the CLT for the score and the LLN for the Hessian, then Slutsky's lemma
    tags: [dd-asymptotics]
"""


def test_snapshot_review_wraps_long_key_points_at_words(snap_compare, make_app, write_deck,
                                                        tmp_path: Path):
    """The review at 100x32: the prompt, both answers and every key point wrap at word
    boundaries (no point is cut off) and the topic is a readable name."""
    app = make_app(write_deck(LONG), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()

    async def review(pilot):
        await start(pilot.app, pilot, "I", length="1")
        screen = pilot.app.screen
        screen.query_one("#iv-answer").text = (
            "The MLE is asymptotically normal: root-n times the error tends to a normal with "
            "the inverse Fisher information as covariance, by a Taylor expansion of the score.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        points = screen.query_one("#iv-points")
        assert points.option_count == 3
        assert points.virtual_size.height > 3  # long points take more than one line each

    assert snap_compare(app, terminal_size=(100, 32), run_before=review)


async def test_a_send_waits_for_the_typed_keys_and_a_second_one_is_not_the_next_answer(
        make_app, write_deck, tmp_path: Path):
    app = make_app(write_deck(DECK_OF_THREE), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(110, 40)) as pilot:
        await start(app, pilot, "I", length="3")
        screen = app.screen
        while screen.mock.current.card.key != "iv/kl":  # the card with a follow-up
            screen.query_one("#iv-answer").text = "something"
            await pilot.press("ctrl+s")
            await pilot.press("ctrl+s")
        q = screen.mock.current
        area = screen.query_one("#iv-answer")
        area.text = "forward KL is mass covering"
        # two sends queued at once (a double key press): the first sends the answer, the
        # second finds the follow-up asked and does not send its empty box
        screen.action_submit()
        screen.action_submit()
        await pilot.pause()
        await pilot.pause()
        assert q.stage == "follow_up" and q.answer == "forward KL is mass covering"
        assert area.text == ""


async def test_one_escape_does_not_throw_away_an_answer_being_written(make_app, write_deck,
                                                                       tmp_path: Path):
    """escape is an editor habit: with an answer half written the first asks and the second
    leaves; typing in between goes on with the interview. With nothing written, one leaves."""
    app = make_app(write_deck(DECK_OF_THREE), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(110, 40)) as pilot:
        await start(app, pilot, "I", length="3")
        screen = app.screen
        area = screen.query_one("#iv-answer")
        await pilot.press(*"half an answer")
        await pilot.press("escape")
        assert app.screen is screen and area.text == "half an answer"
        assert "escape again leaves" in str(screen.query_one("#iv-status").render())
        await pilot.press("space", "m", "o", "r", "e")  # typing goes on: the next escape asks again
        await pilot.press("escape")
        assert app.screen is screen and area.text == "half an answer more"
        await pilot.press("escape")
        assert not isinstance(app.screen, InterviewScreen)
        await start(app, pilot, "I", length="3")
        await pilot.press("escape")
        assert not isinstance(app.screen, InterviewScreen)
