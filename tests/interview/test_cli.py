"""`trainer interview` in a terminal with a fake clock, and `trainer readiness`."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest

from tests.interview.fixtures import DECK, FakeClock
from trainer.cli import build_parser, main
from trainer.interview.cli import run_interview
from trainer.store import Store


def answers(*lines: str):
    feed = iter(lines)

    def ask(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return ask


def test_an_interview_in_the_terminal_times_follows_up_ticks_and_records_reviews(
        write_deck, tmp_path):
    deck = write_deck(DECK)
    report = tmp_path / "debrief.md"
    args = build_parser().parse_args(["interview", str(deck), "--questions", "2",
                                      "--report", str(report), "--seed", "3"])
    clock = FakeClock()
    # (seconds the learner takes, what they type); seed 3 asks kl first, then ridge
    script = iter([
        (60, "forward KL is mass covering, reverse KL is mode seeking"), (0, ""),
        (200, "reverse KL"), (0, ""),  # the follow-up, past the 4 minutes
        (0, ""),  # Enter keeps the matcher's ticks
        (30, "a Laplace prior"), (0, ""),
        (0, "0"),  # the learner says no key point was covered
    ])

    def feed(prompt: str) -> str:
        seconds, line = next(script)
        clock.advance(seconds)
        return line

    out = io.StringIO()
    code = run_interview(args, ask=feed, out=out, clock=clock, wall=lambda: 1_796_000_000.0)
    text = out.getvalue()
    assert code == 0, text
    assert "Follow-up: Which one does variational inference minimise?" in text
    assert "time is up (0:20 over)" in text
    assert "Debrief: 2 questions" in text
    assert "iv/kl" in text and "iv/ridge" in text
    assert "missed: Gaussian prior" in text
    md = report.read_text(encoding="utf-8")
    assert md.startswith("# Mock interview")
    assert "| MAP | 1 | 0% |" in md and "| KL divergence | 1 | 100% |" in md
    # each question was also a review of its card, rated by the rubric as in study
    store = Store.open(tmp_path / "user" / "trainer.db")
    ratings = {r.card_key: int(r.rating) for r in store.reviews()}
    assert ratings == {"iv/kl": 3, "iv/ridge": 1}
    assert all(r.duration_ms is not None and r.duration_ms > 0 for r in store.reviews())


def test_no_review_keeps_the_interview_off_the_schedule(write_deck, tmp_path):
    deck = write_deck(DECK)
    args = build_parser().parse_args(["interview", str(deck), "--questions", "1", "--no-review"])
    out = io.StringIO()
    assert run_interview(args, ask=answers("x", ""), out=out, clock=FakeClock()) == 0
    assert "Debrief: 1 question in" in out.getvalue()
    assert Store.open(tmp_path / "user" / "trainer.db").reviews() == []


def test_bad_requests_get_a_clear_message(write_deck, capsys):
    deck = write_deck(DECK)
    assert main(["interview", str(deck), "--tag", "nothing"]) == 2
    assert "no card in the interview scope has the tag 'nothing'" in capsys.readouterr().err
    assert main(["interview", str(deck), "--deck", "nope"]) == 2
    assert "no deck nope" in capsys.readouterr().err
    assert main(["interview", str(deck), "--questions", "0"]) == 2
    assert "at least one question" in capsys.readouterr().err
    assert main(["interview", str(deck), "--report", "out.txt"]) == 2
    assert "name it FILE.md" in capsys.readouterr().err
    assert main(["readiness", str(deck)]) == 2
    assert "no interview date" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["interview", str(deck), "--questions", "2", "--minutes", "3"])


def test_readiness_prints_the_line_and_json(write_deck, capsys):
    deck = write_deck(DECK)
    day = date.today() + timedelta(days=14)  # the date must lie ahead
    assert main(["config", "interview_date", day.isoformat()]) == 0
    assert main(["config", "interview_scope", "tag:kl", "tag:map"]) == 0
    capsys.readouterr()
    assert main(["readiness", str(deck)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"On {day:%b} {day.day} you would recall 0%")
    assert "2 cards in scope, 2 never studied" in out
    assert main(["readiness", str(deck), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["date"] == day.isoformat() and data["overall"]["cards"] == 2


def test_readiness_lists_the_weakest_tags_and_all_of_them_on_request(write_deck, capsys):
    cards = "".join(f"  - id: c{i}\n    kind: recall\n    prompt: p{i}\n    answer: a{i}\n"
                    f"    tags: [topic-{i:02d}{'-with-a-very-long-name-indeed' * (i == 0)}]\n"
                    for i in range(20))
    deck = write_deck(f"deck: many\ntitle: Many\ncards:\n{cards}", "many.yaml")
    day = date.today() + timedelta(days=14)
    assert main(["readiness", str(deck), "--date", day.isoformat()]) == 0
    out = capsys.readouterr().out
    tag_lines = [line for line in out.splitlines() if line.startswith("topic-")]
    assert len(tag_lines) == 15 and "… and 5 more tags (--all lists them)" in out
    assert len({line.index("%") for line in tag_lines}) == 1  # a long tag keeps the columns
    assert main(["readiness", str(deck), "--date", day.isoformat(), "--all"]) == 0
    out = capsys.readouterr().out
    assert len([line for line in out.splitlines() if line.startswith("topic-")]) == 20
    assert "more tags" not in out


def test_config_refuses_an_interview_scope_that_names_no_loaded_deck_or_tag(capsys):
    # it was stored, and readiness then covered 0 cards without a word
    assert main(["config", "interview_scope", "deck:nosuch", "tag:kl"]) == 2
    err = capsys.readouterr().err
    assert "no loaded card has deck:nosuch" in err and "mle-map-grill" in err
    from trainer.config import load_settings

    assert load_settings().interview_scope == ""  # nothing saved
    assert main(["config", "interview_scope", "deck:mle-map-grill", "tag:kl"]) == 0


def test_config_refuses_an_interview_date_already_past_as_the_app_does(capsys):
    # it was stored, and readiness then forecast recall "On Jan 1" of a year gone
    assert main(["config", "interview_date", (date.today() - timedelta(days=3)).isoformat()]
                ) == 2
    assert "has passed: the interview date must be after today" in capsys.readouterr().err
    assert main(["config", "interview_date", "3026-01-01"]) == 2
    assert "years away" in capsys.readouterr().err
    assert main(["config", "interview_date", "someday"]) == 2
    assert "must be a date like" in capsys.readouterr().err
    assert main(["config"]) == 0
    assert "interview_date       \n" in capsys.readouterr().out  # nothing was stored
    ahead = (date.today() + timedelta(days=30)).isoformat()
    assert main(["config", "interview_date", ahead]) == 0
    assert f"interview_date       {ahead}\n" in capsys.readouterr().out


def test_an_interview_stopped_half_way_debriefs_what_was_answered(write_deck, tmp_path):
    """ctrl+c during the second question: the debrief counts and scores the first one; the
    second is named as stopped, and none of its key points is listed as missed."""
    deck = write_deck(DECK)
    args = build_parser().parse_args(["interview", str(deck), "--questions", "2", "--seed", "3"])
    feed = iter(["forward KL is mass covering, reverse KL is mode seeking", "",
                 "reverse KL", "", ""])

    def ask(prompt: str) -> str:
        line = next(feed, None)
        if line is None:
            raise KeyboardInterrupt  # ctrl+c while the second answer is typed
        return line

    out = io.StringIO()
    assert run_interview(args, ask=ask, out=out, clock=FakeClock()) == 0
    text = out.getvalue()
    assert "Debrief: 1 question (1 stopped, not scored) in" in text and "score 100%" in text
    assert "  2. iv/ridge  stopped" in text
    assert "missed: Gaussian prior" not in text
