"""The mock interview's rules without a screen: drawing, clocks, follow-ups, ticks, debrief."""

from __future__ import annotations

import random

import pytest

from tests.interview.fixtures import BIAS, KL, MAP, MLE2, WALL, FakeClock
from trainer.decks.model import Card
from trainer.interview.mock import InterviewError, MockInterview, pick_next
from trainer.review import Rating


def interview(cards=(BIAS, KL, MAP, MLE2), **kw) -> tuple[MockInterview, FakeClock]:
    clock = FakeClock()
    kw.setdefault("questions", 3)
    return MockInterview(list(cards), clock=clock, wall=lambda: WALL, seed=1, **kw), clock


def test_the_next_question_comes_from_another_topic_favouring_unseen_topics_and_low_recall():
    recall = {BIAS.key: 0.9, MLE2.key: 0.2, KL.key: 0.8, MAP.key: 0.5}.get
    rng = random.Random(0)
    first = pick_next([BIAS, MLE2, KL, MAP], [], lambda c: recall(c.key), rng)
    assert first is MLE2  # the lowest recall of all
    # after an mle question: not mle again, and of kl and map the weaker one
    second = pick_next([BIAS, KL, MAP], ["MLE"], lambda c: recall(c.key), rng)
    assert second is MAP
    # kl is the only topic not yet seen: it comes before a weaker card of a seen topic
    third = pick_next([BIAS, KL], ["MLE", "MAP"], lambda c: recall(c.key), rng)
    assert third is KL
    # only the last topic is left: asked anyway rather than ending early
    assert pick_next([BIAS], ["MLE"], lambda c: recall(c.key), rng) is BIAS


def test_an_interview_of_n_questions_never_asks_a_card_twice_and_then_ends():
    mock, _ = interview(questions=3)
    keys = []
    while (q := mock.next_question()) is not None:
        keys.append(q.card.key)
        mock.answer("I do not know")
        if q.stage == "follow_up":
            mock.answer_follow_up("")
        mock.confirm()
    assert len(keys) == 3 == len(set(keys))
    topics = [mock.asked[i].topic for i in range(3)]
    assert topics[0] != topics[1] and topics[1] != topics[2]
    assert mock.finished


def test_more_questions_than_cards_makes_a_shorter_interview_that_says_so():
    mock, _ = interview(cards=(BIAS, KL), questions=6)
    assert mock.planned == 2  # the screen says "Question 1 of 2", not "of 6"
    asked = 0
    while (q := mock.next_question()) is not None:
        asked += 1
        mock.answer("I do not know")
        if q.stage == "follow_up":
            mock.answer_follow_up("")
        mock.confirm()
    assert asked == 2 and mock.finished


def test_the_question_clock_announces_time_up_but_the_answer_is_still_taken():
    mock, clock = interview(question_seconds=60)
    q = mock.next_question()
    clock.advance(59)
    assert not mock.time_up() and mock.question_left() == pytest.approx(1)
    clock.advance(31)
    assert mock.time_up() and mock.question_left() == pytest.approx(-30)
    mock.answer("forward KL is mass covering, reverse KL is mode seeking")
    if q.stage == "follow_up":
        mock.answer_follow_up("")
    assert q.stage == "review" and q.seconds == pytest.approx(90)


def test_a_timed_interview_asks_no_new_question_once_its_minutes_are_over():
    mock, clock = interview(questions=None, minutes=5)
    q = mock.next_question()
    clock.advance(4 * 60)
    assert mock.time_left == pytest.approx(60)
    mock.answer("x")
    if q.stage == "follow_up":
        mock.answer_follow_up("y")
    mock.confirm()
    assert mock.next_question() is not None  # a minute is left: one more
    assert not mock.last_question
    clock.advance(120)
    assert mock.last_question and mock.time_left == pytest.approx(-60)
    mock.answer("x")
    if mock.current.stage == "follow_up":
        mock.answer_follow_up("y")
    mock.confirm()  # the learner finishes the question that was running
    assert mock.finished and mock.next_question() is None


def test_a_card_with_follow_ups_asks_the_one_the_answer_left_uncovered_before_revealing():
    mock, clock = interview(cards=[BIAS], questions=1)
    q = mock.next_question()
    clock.advance(100)
    mock.answer("The MLE divides by n, so it is biased; Bessel's correction divides by n-1. "
                "The square root is concave, so by Jensen's inequality even the corrected "
                "sigma is biased.")
    # the answer already covered the square-root follow-up: the MSE one is asked
    assert q.stage == "follow_up"
    assert q.follow_up is BIAS.follow_ups[1]
    assert q.attempt.phase == "question"  # the model answer is not shown yet
    clock.advance(40)
    mock.answer("dividing by n has lower MSE: a bias-variance trade-off")
    assert q.stage == "review" and q.attempt.answered
    assert q.pre_ticked == {0, 1, 2}
    assert q.follow_pre_ticked == {0, 1}
    assert q.seconds == pytest.approx(140)


def test_the_learners_ticks_decide_the_score_and_the_rating_by_the_study_policy():
    mock, _ = interview(cards=[KL], questions=1)
    q = mock.next_question()
    mock.answer("forward KL is mass covering")
    assert q.pre_ticked == {0}
    mock.confirm([0, 1])  # the learner says they covered both
    assert q.score == 1 and q.rating is Rating.GOOD and q.verdict == "strong"
    mock2, _ = interview(cards=[KL], questions=1)
    q2 = mock2.next_question()
    mock2.answer("forward KL is mass covering, reverse KL is mode seeking")
    mock2.confirm([])  # the matcher was generous; the learner untick both
    assert q2.score == 0 and q2.rating is Rating.AGAIN and q2.verdict == "missed"
    mock3, _ = interview(cards=[KL], questions=1)
    q3 = mock3.next_question()
    mock3.answer("forward KL is mass covering")
    mock3.confirm()  # keeps the matcher's one of two: Hard, as in study
    assert q3.rating is Rating.HARD and q3.verdict == "partial"


def test_the_debrief_scores_each_topic_and_lists_the_weakest_cards_to_review():
    mock, clock = interview(cards=[KL, MAP, MLE2], questions=3)
    ticks = {KL.key: [0, 1], MAP.key: [0], MLE2.key: []}
    while (q := mock.next_question()) is not None:
        clock.advance(30)
        mock.answer("...")
        mock.confirm(ticks[q.card.key])
    d = mock.debrief()
    assert {t.topic: t.score for t in d.topics} == {"KL divergence": 1.0, "MAP": 0.5, "MLE": 0.0}
    assert [c.key for c in d.review] == [MLE2.key, MAP.key]
    assert d.score == pytest.approx(0.5)
    assert d.seconds == pytest.approx(90)
    clock.advance(40)  # the debrief read before the report is written ("w", --report)
    assert mock.debrief().seconds == pytest.approx(90)


def test_a_whiteboard_exercise_is_graded_through_the_attempt():
    ex = Card(deck="ex", id="mean", kind="numeric", prompt="The mean of {a} and {b}?",
              params=(("a", "2"), ("b", "4")), solve="(a+b)/2", tags=("moments",))
    mock, _ = interview(cards=[ex], questions=1)
    q = mock.next_question()
    mock.answer("3")
    assert q.stage == "review" and q.attempt.answered
    mock.confirm()
    assert q.points == (1, 1) and q.rating is Rating.GOOD


def test_a_whiteboard_answers_time_ends_when_it_is_sent_not_when_graded(monkeypatch):
    """The grader's seconds are not the learner's: they neither add to the time taken nor
    put an answer sent in time over it."""
    from trainer.attempt import Attempt

    ex = Card(deck="ex", id="mean", kind="numeric", prompt="The mean of {a} and {b}?",
              params=(("a", "2"), ("b", "4")), solve="(a+b)/2", tags=("moments",))
    mock, clock = interview(cards=[ex], questions=1, question_seconds=60)
    grade = Attempt.grade

    def slow(self, text):
        clock.advance(30)
        return grade(self, text)

    monkeypatch.setattr(Attempt, "grade", slow)
    q = mock.next_question()
    clock.advance(50)
    mock.answer("3")
    assert q.stage == "review" and q.seconds == 50 and q.seconds <= q.limit


def test_a_scope_with_nothing_to_ask_and_a_bad_length_are_refused_clearly():
    code = Card(deck="c", id="f", kind="code", prompt="write f")
    with pytest.raises(InterviewError, match="no card in scope"):
        MockInterview([code], questions=2)
    with pytest.raises(InterviewError, match="either in questions or in minutes"):
        MockInterview([KL], questions=2, minutes=10)
    with pytest.raises(InterviewError, match="at least one"):
        MockInterview([KL], questions=0)


def test_topics_are_readable_names_from_the_tags():
    from trainer.interview.topics import Topics, title

    def card(deck: str, cid: str, *tags: str) -> Card:
        return Card(deck=deck, id=cid, kind="recall", prompt="?", answer="!",
                    key_points=("k",), tags=tags)

    dd = [card("deep", "a", "dd-efficiency", "asymptotics"), card("deep", "b", "dd-em"),
          card("deep", "c", "dd-graded", "cox-snell", "bias"), card("deep", "d", "dd-vae")]
    grill = [card("grill", "a", "syl-19", "map-bayes"), card("grill", "b", "syl-2", "syl-3"),
             card("grill", "c", "syl-4", "kl-info"), card("grill", "d", "kl", "kl-x", "kl-y")]
    ex = [card("ex", "a", "B", "numeric", "mle", "bernoulli")]
    topics = Topics(dd + grill + ex)
    # the deep dive's "dd-" family loses its prefix; a card-kind tag is never the topic
    assert [topics.of(c) for c in dd] == ["Efficiency", "EM", "Cox-Snell", "VAE"]
    # syllabus numbers are not topics: the deck's name stands in when nothing else does
    assert [topics.of(c) for c in grill] == ["MAP & Bayes", "Grill", "KL & information",
                                             "KL divergence"]
    assert "kl" not in topics.prefixes["grill"]  # "kl" is a topic itself: kept on "kl-info"
    assert topics.of(ex[0]) == "MLE"  # "B" is a section label and "numeric" a card kind
    # a deck's initials are its prefix even on one tag
    assert Topics([card("mle-deep-dive", "a", "dd-fisher")]).of(card("mle-deep-dive", "a",
                                                                   "dd-fisher")) == \
        "Fisher information"
    assert title("mle-foundations") == "MLE foundations"
    assert title("policy-gradient") == "Policy gradient"
    assert title("mle-map-deep-dive") == "MLE MAP deep dive"
