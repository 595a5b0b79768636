"""The mock interview as a candidate sees it in a small terminal: the follow-up under the
question and the answer just given, a debrief whose tables keep every column at 80 and 100
columns and that scrolls, and a footer that offers only keys that work."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region

from tests.interview.fixtures import FakeClock, hold_the_grader
from tests.interview.test_interview_screen import WHITEBOARD, start
from tests.waiting import until
from trainer.tui.screens.interview import InterviewScreen
from trainer.tui.screens.interview_start import InterviewStart

FOLLOW = r"""
deck: mle-map-deep-dive
title: Deep dive
cards:
  - id: best-of-n-rejection-sampling-vs-optimal-policy
    kind: recall
    prompt: How does best-of-n sampling compare with the KL-regularised optimal policy?
    answer: Best-of-n tilts the base policy by the CDF of the reward to the power n - 1.
    key_points: [tilts by the reward's CDF, KL is at most log n - (n - 1)/n]
    tags: [dd-best-of-n-sampling-and-rejection-sampling]
    follow_ups:
      - question: What KL from the base policy does best-of-n spend?
        key_points: [log n - (n - 1)/n]
  - id: fisher-information-sd-reparametrised
    kind: recall
    prompt: What is the Fisher information of a Gaussian's standard deviation?
    answer: 2n over sigma squared.
    key_points: [2n over sigma squared]
    tags: [dd-fisher-information-under-reparametrisation]
  - id: nce-logistic-regression-against-noise
    kind: recall
    prompt: Why is noise-contrastive estimation a logistic regression?
    answer: It classifies data against noise samples.
    key_points: [classifies data against noise]
    tags: [dd-noise-contrastive-estimation]
"""

LONG_ANSWER = " ".join(
    f"Point {i}: best-of-n reweights each sample by how likely it is to beat n - 1 others."
    for i in range(1, 13))


def shown_lines(widget) -> list[str]:
    """The lines the widget draws at its size on screen."""
    width, height = widget.size
    return [strip.text for strip in widget.render_lines(Region(0, 0, width, height))]


def on_screen(screen, widget) -> bool:
    """Drawn whole, above the footer."""
    region = widget.region
    return (widget.display and region.height > 0
            and region.bottom <= screen.size.height - 1 and region.y >= 0)


async def test_the_follow_up_is_typed_under_the_question_and_the_answer_given(
        make_app, write_deck, tmp_path: Path):
    """An interviewer's follow-up builds on what was said: at 80x24 the question, the main
    answer (a long one in a compact box that scrolls) and the follow-up stay on screen
    above a box of five lines or more; the review and the next question drop the box."""
    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "I", length="3")
        screen = app.screen
        while not screen.mock.current.card.follow_ups:  # to the card with a follow-up
            screen.query_one("#iv-answer").text = "no idea"
            await pilot.press("ctrl+s", "ctrl+s")
        q = screen.mock.current
        area = screen.query_one("#iv-answer")
        area.text = LONG_ANSWER
        await pilot.press("ctrl+s")
        await until(pilot, lambda: q.stage == "follow_up" and area.text == "", "the follow-up")
        await pilot.pause()
        prompt, said, follow = (screen.query_one(f"#iv-{name}")
                                for name in ("prompt", "said", "follow"))
        assert "How does best-of-n sampling compare" in str(prompt.render())
        assert str(screen.query_one("#iv-said-text").render()).startswith(
            "You said: Point 1: best-of-n reweights")
        assert str(follow.render()) == (
            "Follow-up: What KL from the base policy does best-of-n spend?")
        for widget in (prompt, said, follow, area):
            assert on_screen(screen, widget), widget
        assert prompt.region.bottom <= said.region.y < follow.region.y < area.region.y
        assert area.region.height >= 5 and area.has_focus
        # the long answer is cut to a few lines that scroll to its end
        assert said.max_scroll_y > 0 and said.region.height <= 6
        assert "Point 12" in str(screen.query_one("#iv-said-text").render())
        # keyboard only: ctrl+down scrolls it while the follow-up is typed below
        await pilot.press(*"log n")
        assert "Scroll your answer" in [b.binding.description for b in
                                        screen.active_bindings.values() if b.binding.show]
        for _ in range(10):
            await pilot.press("ctrl+down")
        await until(pilot, lambda: said.scroll_y == said.max_scroll_y, "the scroll")
        assert area.has_focus and area.text == "log n"
        await pilot.press("ctrl+up")
        await until(pilot, lambda: said.scroll_y < said.max_scroll_y, "the scroll back")
        area.text = "log n minus (n - 1)/n"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: q.stage == "review", "the review")
        assert not said.display and not follow.display
        assert "Scroll your answer" not in [b.binding.description for b in
                                            screen.active_bindings.values() if b.binding.show]
        yours = str(screen.query_one("#iv-yours").render())
        assert "Point 12" in yours and "log n minus (n - 1)/n" in yours
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.mock.current is not q, "the next question")
        assert not said.display and not follow.display


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_debrief_tables_keep_every_column(make_app, write_deck, tmp_path: Path,
                                                    size: tuple[int, int]):
    """Long card ids and topic names wrap; the number, time, points and verdict of every
    question are drawn whole (the Markdown table cut the time at 100 columns and emptied
    the number at 80)."""
    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    clock = FakeClock()
    app.interview_clock = clock
    async with app.run_test(size=size) as pilot:
        await start(app, pilot, "I", length="3")
        screen = app.screen
        seconds = iter([754, 62, 5])  # the first over its four minutes
        while (q := screen.mock.current) is not None:
            screen.query_one("#iv-answer").text = "tilts by the reward's CDF"
            clock.advance(next(seconds) if q.stage == "answering" else 0)
            await pilot.press("ctrl+s")
            if q.stage == "follow_up":
                await pilot.press("ctrl+s")
            await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.finished, "the debrief")
        await pilot.pause()
        table = screen.query_one("#debrief-questions")
        assert on_screen(screen, table)
        lines = shown_lines(table)
        assert max(len(line.rstrip()) for line in lines) <= table.size.width
        header = lines[0].split()
        assert header == ["#", "Topic", "Card", "Time", "Points", "Verdict"]
        card = slice(lines[0].index("Card"), lines[0].index("Time") - 1)  # its column
        starts = [i for i, line in enumerate(lines) if line[:3].strip().isdigit()]
        assert len(starts) == 3
        for q, start_, end in zip(screen.mock.asked, starts, [*starts[1:], None], strict=True):
            got, total = q.points
            row = lines[start_]
            assert row.split()[-3:] == [f"{q.seconds // 60:.0f}:{q.seconds % 60:02.0f}",
                                        f"{got}/{total}", q.verdict], row
            # the whole id, wrapped over lines of its column after its hyphens
            wrapped = [line[card].strip() for line in lines[start_:end] if line[card].strip()]
            assert "".join(wrapped) == q.card.id
            assert all(part.endswith("-") for part in wrapped[:-1]), wrapped
        topics = "\n".join(shown_lines(screen.query_one("#debrief-topics")))
        assert topics.split()[:3] == ["Topic", "Questions", "Score"]


async def test_the_footer_never_offers_the_hidden_tick_list(make_app, write_deck,
                                                            tmp_path: Path):
    """A whiteboard question has nothing to tick: its review, and a debrief after it, had
    the hidden tick list focused and the footer offered 'Tick / untick'. The focus goes to
    what is shown: the graded answer and solution, then the debrief, which the keys scroll."""
    app = make_app(write_deck(WHITEBOARD), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()

    def offered() -> list[str]:
        return [b.binding.description for b in app.screen.active_bindings.values()
                if b.binding.show]

    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "escape", "I", length="1")
        screen = app.screen
        q = screen.mock.current
        screen.query_one("#iv-answer").text = "k/n"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: q.stage == "review", "the graded review")
        assert "Tick / untick" not in offered()
        assert app.focused is screen.query_one("#iv-texts")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.finished, "the debrief")
        assert "Tick / untick" not in offered()
        assert offered()[:2] == ["Write report", "Study the cards to review"]
        debrief = screen.query_one("#iv-debrief")
        assert app.focused is debrief
        await pilot.press("pagedown")
        await until(pilot, lambda: debrief.scroll_y > 0, "the debrief to scroll")


async def test_the_length_takes_a_burst_of_keys_in_the_order_typed(make_app, write_deck,
                                                                     tmp_path: Path):
    """ctrl+u and a new length sent at once (tmux, a fast typist): the digits typed after
    ctrl+u were wiped by it."""
    from textual import events

    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("I")
        await until(pilot, lambda: isinstance(app.screen, InterviewStart), "the start form")
        await pilot.pause()
        for key, char in [("ctrl+u", None), ("2", "2")]:
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert app.screen.query_one("#iv-length").value == "2"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, InterviewScreen), "the interview")
        assert app.screen.mock.questions == 2


MATH = r"""
deck: math
title: Math
cards:
  - id: elbo
    kind: recall
    prompt: Derive $\log p(x) = \mathrm{ELBO} + \mathrm{KL}$ for $q$ against $\pi_{ref}$.
    answer: |
      The gap is $\mathrm{KL}(q \,\|\, p(z \mid x)) \ge 0$, so $\sigma^2$ stays.
      Maximising the ELBO tightens it.
    key_points:
      - the gap is $\mathrm{KL}(q \| p) \ge 0$
    tags: [kl]
"""


async def test_the_debrief_on_screen_shows_math_as_on_the_study_screen(make_app, write_deck,
                                                                        tmp_path: Path):
    """The debrief's answers showed the decks' LaTeX raw ($\\log p(x) = \\mathrm{ELBO}$);
    they are rendered as everywhere in the app, line by line, and the learner's a*b*c
    and π_ref stay as typed (not emphasis); the report file keeps the deck's Markdown."""
    from textual.widgets._markdown import MarkdownBlock

    app = make_app(write_deck(MATH), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot, "I", length="1")
        screen = app.screen
        screen.query_one("#iv-answer").text = "the gap is KL(q||p), a*b*c with π_ref"
        await pilot.press("ctrl+s")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.finished, "the debrief")
        await pilot.pause()
        rest = screen.query_one("#debrief-rest")
        await until(pilot, lambda: bool(rest.query(MarkdownBlock)), "the debrief's text")
        shown = "\n".join(str(block.render()) for block in rest.query(MarkdownBlock))
        assert "log p(x) = ELBO + KL for q against π" in shown
        # the model answer's lines stay lines (a quote joined them into one)
        assert "KL(q ‖ p(z | x)) ≥ 0, so σ² stays.\nMaximising the ELBO tightens it." in shown
        assert "a*b*c with π_ref" in shown
        assert "$" not in shown and "\\" not in shown
        screen.report_dir = tmp_path
        await pilot.press("w")
        [report] = tmp_path.glob("interview-*.md")
        assert r"$\log p(x) = \mathrm{ELBO} + \mathrm{KL}$" in report.read_text(encoding="utf-8")


async def test_the_time_of_a_whiteboard_answer_ends_when_it_is_sent(make_app, write_deck,
                                                                      tmp_path: Path,
                                                                      monkeypatch):
    """The grader can take seconds (sympy's first load): the candidate is not charged for
    them, nor put over time by them."""
    app = make_app(write_deck(WHITEBOARD), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    clock = FakeClock()
    app.interview_clock = clock
    release = hold_the_grader(monkeypatch)
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "escape", "I", length="1")
        screen = app.screen
        q = screen.mock.current
        clock.advance(230)  # ten seconds before the four minutes are up
        screen.query_one("#iv-answer").text = "(k + alpha - 1)/(n + alpha + beta - 2)"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.grading, "the grader to start")
        clock.advance(20)  # the grader is slow
        release.set()
        await app.workers.wait_for_complete()
        await until(pilot, lambda: q.stage == "review", "the graded review")
        assert q.seconds == 230 and q.seconds <= q.limit


async def test_a_timed_interview_says_when_its_time_is_up_and_the_question_is_the_last(
        make_app, write_deck, tmp_path: Path):
    """The clock line said 'interview -1:56 left' once the minutes were over; it says the
    time is up and that this question is the last, and the next send ends in the debrief."""
    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    clock = FakeClock()
    app.interview_clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "I", length="2 min")
        screen = app.screen
        line = screen.query_one("#iv-clock")
        assert str(line.render()).endswith("· interview 2:00 left")
        clock.advance(130)
        screen.tick_clock()
        assert str(line.render()).endswith("· interview time is up · last question")
        q = screen.mock.current
        screen.query_one("#iv-answer").text = "something"
        await pilot.press("ctrl+s")
        if q.stage == "follow_up":
            await pilot.press("ctrl+s")
        await until(pilot, lambda: q.stage == "review", "the review")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.finished, "the debrief")
        assert len(screen.mock.asked) == 1


async def test_the_question_clock_stops_when_the_answer_is_sent(make_app, write_deck,
                                                                tmp_path: Path):
    """While the model answer is read the countdown ran on (and went red): the clock line
    shows the time the answer took, which is what the debrief counts."""
    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    clock = FakeClock()
    app.interview_clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "I", length="2")
        screen = app.screen
        q = screen.mock.current
        clock.advance(75)
        screen.query_one("#iv-answer").text = "something"
        await pilot.press("ctrl+s")
        if q.stage == "follow_up":
            await pilot.press("ctrl+s")
        await until(pilot, lambda: q.stage == "review", "the review")
        clock.advance(300)  # reading the model answer, past the four minutes
        screen.tick_clock()
        line = screen.query_one("#iv-clock").content
        assert "· answered in 1:15 ·" in str(line) and "red" not in str(line.style)
        # a long topic at 80 columns: the line wraps, the clocks are all drawn
        await pilot.pause()
        shown = " ".join(text.strip() for text in shown_lines(screen.query_one("#iv-clock")))
        assert shown.endswith("· answered in 1:15 · interview 6:15"), shown


async def test_leaving_half_way_debriefs_the_questions_answered(make_app, write_deck,
                                                                tmp_path: Path):
    """Leaving after some answers showed nothing of them (the command line debriefs them):
    the debrief of the questions answered comes first, the one left is named as not scored,
    and the next escape leaves. The interview is kept with the answered question only."""
    from textual.widgets._markdown import MarkdownBlock

    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, first = await _first_question_answered(app, pilot)
        await pilot.press(*"half")
        await pilot.press("escape", "escape")
        await until(pilot, lambda: screen.finished, "the debrief")
        assert app.screen is screen and screen.query_one("#iv-debrief").display
        assert not str(screen.query_one("#iv-status").render())
        rest = screen.query_one("#debrief-rest")
        await until(pilot, lambda: bool(rest.query(MarkdownBlock)), "the debrief's text")
        text = "\n".join(str(block.render()) for block in rest.query(MarkdownBlock))
        assert "You left during question 2: it is not scored." in text
        await pilot.press("escape")
        assert not isinstance(app.screen, InterviewScreen)
    [record] = app.store.interviews()
    assert record.questions == 1


def test_a_text_for_the_debrief_keeps_its_lines_and_its_characters():
    from trainer.tui.widgets.debrief import as_markdown_text

    assert as_markdown_text("") == ""
    assert as_markdown_text("π_ref and a*b\nsecond line\n\nnew paragraph") == (
        "π\\_ref and a\\*b\\\nsecond line\n\nnew paragraph")


STEPS = r"""
deck: steps
title: Steps
cards:
  - id: bernoulli-score
    kind: derivation
    prompt: Bernoulli, $k$ heads in $n$ tosses.
    symbols: "k: nonnegative integer; n: positive integer; p: (0,1)"
    steps:
      - prompt: The log-likelihood $\ell(p)$.
        kind: symbolic
        answer: k*log(p) + (n - k)*log(1 - p)
      - prompt: The score $\ell'(p)$.
        kind: symbolic
        answer: k/p - (n - k)/(1 - p)
"""


async def test_a_whiteboards_steps_so_far_stay_on_the_board(make_app, write_deck,
                                                             tmp_path: Path):
    """Step 2 was asked with step 1's answer gone: what was written stays on the board
    (unjudged until the review), the next step is asked below it."""
    app = make_app(write_deck(STEPS), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        await start(app, pilot, "escape", "I", length="1")
        screen = app.screen
        q = screen.mock.current
        said, asked = screen.query_one("#iv-said"), screen.query_one("#iv-follow")
        assert not said.display and str(asked.render()) == "Step 1 of 2: The log-likelihood ℓ(p)."
        screen.query_one("#iv-answer").text = "k*log(p)"  # a slip: graded at the review
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: q.attempt.step == 1, "the second step")
        await pilot.pause()
        assert "Bernoulli, k heads in n tosses." in str(screen.query_one("#iv-prompt").render())
        assert "Step" not in str(screen.query_one("#iv-prompt").render())
        assert str(screen.query_one("#iv-said-text").render()) == "On the board\nStep 1: k*log(p)"
        assert str(asked.render()) == "Step 2 of 2: The score ℓ′(p)."
        for widget in (said, asked, screen.query_one("#iv-answer")):
            assert on_screen(screen, widget), widget
        assert said.region.bottom <= asked.region.y


async def test_quitting_the_app_mid_interview_keeps_the_questions_answered(
        make_app, write_deck, tmp_path: Path):
    """ctrl+q during the second question: the first was a review already, and the interview
    is kept too (it was lost from the history)."""
    app = make_app(write_deck(FOLLOW), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    async with app.run_test(size=(80, 24)) as pilot:
        screen, first = await _first_question_answered(app, pilot)
        await pilot.press("ctrl+q")
    [record] = app.store.interviews()
    assert record.questions == 1 and record.data["questions"][0]["card"] == first.card.key
    assert [r.card_key for r in app.store.reviews()] == [first.card.key]


ONE = FOLLOW[:FOLLOW.index("  - id: fisher-information-sd-reparametrised")]



async def _first_question_answered(app, pilot):  # type: ignore[no-untyped-def]
    """A three-question interview started, its first question answered (and its follow-up,
    if it has one) and its review done; the interview's screen and that question."""
    await start(app, pilot, "I", length="3")
    screen = app.screen
    first = screen.mock.current
    screen.query_one("#iv-answer").text = "tilts by the reward's CDF"
    await pilot.press("ctrl+s")
    if first.stage == "follow_up":
        await pilot.press("ctrl+s")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: first.stage == "done", "the first question's ticks")
    return screen, first

async def _to_the_follow_up(pilot) -> None:
    await start(pilot.app, pilot, "I", length="1")
    screen = pilot.app.screen
    q = screen.mock.current
    screen.query_one("#iv-answer").text = LONG_ANSWER
    await pilot.press("ctrl+s")
    await until(pilot, lambda: q.stage == "follow_up", "the follow-up")
    await pilot.pause()


def test_snapshot_follow_up_under_the_question_and_the_answer(snap_compare, make_app,
                                                              write_deck, tmp_path: Path):
    """80x24: the question, the answer given (its first lines, a scroll bar), the follow-up
    and a box of five lines or more above the footer."""
    app = make_app(write_deck(ONE), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()
    assert snap_compare(app, terminal_size=(80, 24), run_before=_to_the_follow_up)


def test_snapshot_debrief_at_80_columns(snap_compare, make_app, write_deck, tmp_path: Path):
    """80x24: the debrief's table with every column, the long card id wrapped after a
    hyphen, the footer with the debrief's keys only."""
    app = make_app(write_deck(ONE), tmp_path / "t.db", clock=lambda: 1_796_000_000.0)
    app.interview_clock = FakeClock()

    async def debrief(pilot):
        await _to_the_follow_up(pilot)
        screen = pilot.app.screen
        screen.query_one("#iv-answer").text = "log n - (n - 1)/n"
        await pilot.press("ctrl+s", "ctrl+s")
        await until(pilot, lambda: screen.finished, "the debrief")
        pilot.app.clear_notifications()  # the question's score: a toast that times out
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=debrief)
