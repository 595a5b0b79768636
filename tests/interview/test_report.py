"""The Markdown debrief of a three-question interview, against a committed expected file."""

from __future__ import annotations

from pathlib import Path

from tests.interview.fixtures import BIAS, KL, MAP, WALL, FakeClock
from trainer.interview.mock import MockInterview
from trainer.interview.report import clock_text, markdown

EXPECTED = Path(__file__).with_name("expected_report.md")

ANSWERS = {
    KL.key: ("Forward KL is mass covering; reverse is the one that picks a mode.", None),
    MAP.key: ("A Gaussian prior gives ridge.", None),
    BIAS.key: ("It divides by n so it is biased low by (n-1)/n.",
               "No: the square root is concave, Jensen's inequality."),
}


def run_interview() -> str:
    clock = FakeClock()
    mock = MockInterview([BIAS, KL, MAP], questions=3, clock=clock, wall=lambda: WALL, seed=7,
                         question_seconds=120)
    times = iter([95, 130, 60])
    while (q := mock.next_question()) is not None:
        main, follow = ANSWERS[q.card.key]
        clock.advance(next(times))
        mock.answer(main)
        if q.stage == "follow_up":
            clock.advance(25)
            mock.answer_follow_up(follow)
        if q.card is KL:
            mock.confirm([0, 1])  # the learner knows "picks a mode" is mode-seeking
        elif q.card is MAP:
            mock.confirm([0])  # the matcher took "prior gives" for the lasso point: unticked
        else:
            mock.confirm([0, 1])  # Bessel's correction was not said: unticked
        clock.advance(10)  # reading the model answer
    return markdown(mock.debrief())


def test_the_markdown_report_matches_the_expected_file():
    text = run_interview()
    assert text == EXPECTED.read_text(encoding="utf-8")


def test_clock_text():
    assert clock_text(0) == "0:00"
    assert clock_text(95) == "1:35"
    assert clock_text(-30) == "-0:30"
