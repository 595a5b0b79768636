"""Interviews are stored whole (readable after decks change) and their scores make a trend."""

from __future__ import annotations

import io

from tests.interview.fixtures import BIAS, DECK, KL, WALL, FakeClock
from tests.interview.test_cli import answers
from trainer.cli import build_parser
from trainer.interview.cli import run_interview
from trainer.interview.mock import MockInterview
from trainer.interview.records import to_record, trend
from trainer.store import Store


def test_a_record_keeps_the_texts_ticks_and_timings_and_reads_back(tmp_path):
    clock = FakeClock()
    mock = MockInterview([BIAS, KL], questions=2, clock=clock, wall=lambda: WALL, seed=2)
    while (q := mock.next_question()) is not None:
        clock.advance(50)
        mock.answer("the MLE divides by n; forward KL is mass covering")
        if q.stage == "follow_up":
            clock.advance(20)
            mock.answer_follow_up("Jensen")
        mock.confirm([0])
    d = mock.debrief()
    store = Store.open(tmp_path / "t.db")
    store.record_interview(started_at=d.started_at, seconds=d.seconds, score=d.score,
                           reviewed=True, data=to_record(d))
    store.close()
    # read from a fresh connection: nothing needs the deck any more
    [record] = Store.open(tmp_path / "t.db").interviews()
    assert record.questions == 2 and record.seconds == 120 and record.started_at == WALL
    by_card = {q["card"]: q for q in record.data["questions"]}
    bias = by_card[BIAS.key]
    assert bias["prompt"] == BIAS.prompt and bias["key_points"] == list(BIAS.key_points)
    assert bias["answer"].startswith("the MLE divides by n")
    assert bias["ticked"] == [0] and bias["seconds"] == 70
    assert bias["follow_up"]["answer"] == "Jensen"
    assert by_card[KL.key]["model_answer"] == KL.answer
    assert record.score == d.score


def test_the_history_shows_the_trend_of_scores(write_deck, tmp_path):
    deck = write_deck(DECK)
    for ticks in ("0", "1 2 3"):  # a poor interview, then a good one (kl: 2 + 1 follow-up)
        args = build_parser().parse_args(["interview", str(deck), "--questions", "1",
                                          "--deck", "iv", "--tag", "kl", "--no-review"])
        out = io.StringIO()
        assert run_interview(args, ask=answers("x", "", "y", "", ticks), out=out,
                             clock=FakeClock()) == 0, out.getvalue()
    args = build_parser().parse_args(["interview", str(deck), "--history"])
    out = io.StringIO()
    assert run_interview(args, out=out) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("0%  (not reviewed)") and "1 question " in lines[0]
    assert lines[1].endswith("100%  (not reviewed)")
    assert lines[2] == "trend  ▁█  +100 points since the first"


def test_no_interviews_yet():
    assert trend([]) == ["no interviews yet: `trainer interview` holds one"]
