"""A mock interview: questions drawn across topics, timed, followed up, self-graded, debriefed.

No UI here: the command line and the app's interview screen build a `MockInterview` with
an injected clock and forward what the learner types and ticks. The rules of one card
(grading a whiteboard exercise, the rating suggested by the key points covered) are the
`Attempt`'s; this module adds what an interview has on top of them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from trainer.attempt import Attempt, StepResult, suggest_from_coverage
from trainer.decks.model import Card, FollowUp
from trainer.interview.matcher import covered_points
from trainer.interview.topics import Topics
from trainer.review import Rating, Verdict

QUESTION_SECONDS = 240.0  # four minutes a question, as in a phone screen

# answering: the main answer; follow_up: the interviewer's next question; review: the
# model answer beside the learner's text, ticks to confirm; done: ticked and scored
Stage = Literal["answering", "follow_up", "review", "done"]


class InterviewError(ValueError):
    """The interview can not be held as asked (an empty scope, a bad length)."""


def topic_of(card: Card) -> str:
    """The readable topic of a card on its own (an interview names topics with the
    deck's tag prefixes known: `Topics`)."""
    return Topics([card]).of(card)


def askable(card: Card) -> bool:
    """Recall cards with key points and graded exercises (the whiteboard) can be asked;
    code cards need the sandbox and an editor, not an interviewer."""
    return (card.kind == "recall" and bool(card.key_points)) or card.graded


def pick_next(candidates: Sequence[Card], asked_topics: Sequence[str],
              recall: Callable[[Card], float], rng: random.Random,
              topic: Callable[[Card], str] = topic_of) -> Card | None:
    """The next question: from a topic other than the last one, preferring topics not yet
    seen in this interview, then the card least likely to be recalled (new cards count 0).

    The random draw only breaks ties, so two interviews on an untouched deck differ.
    """
    if not candidates:
        return None
    last = asked_topics[-1] if asked_topics else None
    seen = set(asked_topics)

    def rank(card: Card) -> tuple[bool, bool, float, float]:
        name = topic(card)
        return (name == last, name in seen, round(recall(card), 2), rng.random())

    return min(candidates, key=rank)


def choose_follow_up(card: Card, answer: str) -> FollowUp | None:
    """The follow-up an interviewer would ask: the one whose key points the main answer
    covers least (probe the gap), the first of equals."""
    if card.graded or not card.follow_ups:
        return None
    def covered(f: FollowUp) -> float:
        return len(covered_points(answer, f.key_points)) / max(1, len(f.key_points))
    return min(card.follow_ups, key=covered)


@dataclass(slots=True)
class Question:
    """One question of the interview, as asked and as answered."""

    number: int  # from 1
    card: Card
    attempt: Attempt
    topic: str
    started: float  # by the interview's clock
    limit: float  # seconds for this question
    stage: Stage = "answering"
    answer: str = ""
    answered: float | None = None  # when the main answer was given
    follow_up: FollowUp | None = None
    follow_up_answer: str = ""
    ended: float | None = None  # when the answers were in (before ticking)
    pre_ticked: frozenset[int] = frozenset()  # the matcher's guesses, main key points
    follow_pre_ticked: frozenset[int] = frozenset()
    ticked: frozenset[int] = frozenset()  # the learner's, which decide
    follow_ticked: frozenset[int] = frozenset()
    time_up_seen: bool = False

    @property
    def prompt(self) -> str:
        return self.attempt.prompt

    @property
    def key_points(self) -> tuple[str, ...]:
        return self.card.key_points if not self.card.graded else ()

    @property
    def model_answer(self) -> str:
        if self.card.graded:
            return self.attempt.solution or ""
        return self.card.answer or ""

    @property
    def seconds(self) -> float:
        """Time taken to answer (main answer and follow-up), or so far."""
        end = self.ended if self.ended is not None else self.attempt.clock()
        return max(0.0, end - self.started)

    @property
    def points(self) -> tuple[int, int]:
        """(covered, total) over the main key points and the follow-up's; for a whiteboard
        exercise, (right steps, steps)."""
        if self.card.graded:
            right = sum(1 for r in self.attempt.results if r.verdict is Verdict.CORRECT)
            return right, max(1, self.attempt.step_count)
        follow = len(self.follow_up.key_points) if self.follow_up else 0
        return len(self.ticked) + len(self.follow_ticked), len(self.key_points) + follow

    @property
    def score(self) -> float:
        got, total = self.points
        return got / total if total else 0.0

    @property
    def missed(self) -> list[str]:
        out = [p for i, p in enumerate(self.key_points) if i not in self.ticked]
        if self.follow_up is not None:
            out += [p for i, p in enumerate(self.follow_up.key_points)
                    if i not in self.follow_ticked]
        return out

    @property
    def covered(self) -> list[str]:
        out = [p for i, p in enumerate(self.key_points) if i in self.ticked]
        if self.follow_up is not None:
            out += [p for i, p in enumerate(self.follow_up.key_points) if i in self.follow_ticked]
        return out

    @property
    def rating(self) -> Rating | None:
        """The rating for the card's review: the Attempt's, by the same policy as study.
        Only the main answer counts toward it (a follow-up goes beyond the card)."""
        if self.stage != "done":
            return None
        if self.card.graded:
            return self.attempt.suggested  # None: the grader could not tell, no review
        # the learner confirmed the ticks here, so none ticked means none covered
        return self.attempt.suggested or suggest_from_coverage(0, len(self.key_points))

    @property
    def verdict(self) -> str:
        """A word for the debrief: strong, partial or missed."""
        rating = self.rating
        if rating is None:
            return "unfinished" if self.stage != "done" else "undecided"
        return {Rating.GOOD: "strong", Rating.EASY: "strong", Rating.HARD: "partial"}.get(
            rating, "missed")


@dataclass(slots=True)
class TopicScore:
    topic: str
    questions: int
    score: float


@dataclass(slots=True)
class Debrief:
    """What the interview showed: per question, per topic, and what to review."""

    started_at: float  # wall clock (UTC seconds), for the report's date
    seconds: float
    questions: list[Question]
    topics: list[TopicScore]
    review: list[Card]

    @property
    def done(self) -> list[Question]:
        """The questions answered and ticked (one left half-way is not scored)."""
        return [q for q in self.questions if q.stage == "done"]

    @property
    def score(self) -> float:
        done = self.done
        return sum(q.score for q in done) / len(done) if done else 0.0


@dataclass(slots=True)
class MockInterview:
    """An interview of `questions` questions, or of `minutes` minutes (no new question is
    asked once the time is over), drawn from `cards`.

    `clock` is monotonic seconds (a fake one in tests); `wall` dates the record.
    `recall(card)` is the card's predicted recall now (0 for a new card).
    """

    cards: Sequence[Card]
    questions: int | None = None
    minutes: float | None = None
    question_seconds: float = QUESTION_SECONDS
    recall: Callable[[Card], float] = lambda card: 0.0
    review_numbers: Mapping[str, int] = field(default_factory=dict)
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    seed: int | None = None
    asked: list[Question] = field(default_factory=list)
    started: float = 0.0
    started_at: float = 0.0
    ended: float | None = None  # the clock at the first debrief: the interview's length
    _rng: random.Random = field(default_factory=random.Random)
    _topics: Topics | None = None

    def __post_init__(self) -> None:
        if (self.questions is None) == (self.minutes is None):
            raise InterviewError("give the length either in questions or in minutes")
        if self.questions is not None and self.questions < 1:
            raise InterviewError("an interview needs at least one question")
        if self.minutes is not None and self.minutes <= 0:
            raise InterviewError("an interview needs some minutes")
        if self.question_seconds <= 0:
            raise InterviewError("the time for a question must be positive")
        self._topics = Topics(self.cards)  # every card in scope shows the deck's tag families
        self.cards = [c for c in self.cards if askable(c)]
        if not self.cards:
            raise InterviewError("no card in scope can be asked (recall cards with key points "
                                 "or graded exercises)")
        if self.questions is not None:
            # a question is never asked twice: a small scope makes a shorter interview, and
            # "Question 1 of 6" on two cards would promise four that never come
            self.questions = min(self.questions, len(self.cards))
        self._rng = random.Random(self.seed)
        self.started = self.clock()
        self.started_at = self.wall()

    def topic(self, card: Card) -> str:
        """The readable topic of a card ("Efficiency" for the deep dive's "dd-efficiency")."""
        assert self._topics is not None
        return self._topics.of(card)

    # --- the clocks ---------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        return (self.clock() if self.ended is None else self.ended) - self.started

    @property
    def time_left(self) -> float | None:
        """Seconds left in a timed interview (negative when over), None when counted in questions."""
        return None if self.minutes is None else self.minutes * 60 - self.elapsed

    @property
    def current(self) -> Question | None:
        q = self.asked[-1] if self.asked else None
        return q if q is not None and q.stage != "done" else None

    def question_left(self) -> float:
        """Seconds left for the current question (negative when over)."""
        q = self.current
        if q is None:
            return 0.0
        return q.limit - (self.clock() - q.started)

    def time_up(self) -> bool:
        """True once the current question's time is over; the learner may still finish."""
        q = self.current
        if q is None or q.stage not in ("answering", "follow_up"):
            return False
        return self.question_left() <= 0

    # --- asking -------------------------------------------------------------------------

    def _no_more(self) -> bool:
        """No new question may be asked: the count is reached, the minutes are over, or
        every card in scope has been asked."""
        if self.questions is not None and len(self.asked) >= self.questions:
            return True
        if self.minutes is not None and self.elapsed >= self.minutes * 60:
            return True
        return len(self.asked) >= len(self.cards)

    @property
    def finished(self) -> bool:
        return self.current is None and self._no_more()

    @property
    def last_question(self) -> bool:
        """The question being asked is the interview's last (a timed interview's minutes
        may run out while it is answered: it is finished, and no other comes)."""
        return self.current is not None and self._no_more()

    @property
    def has_answers(self) -> bool:
        """Some question is answered and ticked: the interview is worth keeping."""
        return any(q.stage == "done" for q in self.asked)

    @property
    def planned(self) -> int | None:
        return self.questions

    def next_question(self) -> Question | None:
        """Ask the next question, or None when the interview is over."""
        if self.current is not None:
            raise RuntimeError("the current question is not finished")
        if self.finished:
            return None
        done = {q.card.key for q in self.asked}
        left = [c for c in self.cards if c.key not in done]
        card = pick_next(left, [q.topic for q in self.asked], self.recall, self._rng,
                         self.topic)
        assert card is not None  # `finished` covers an exhausted scope
        attempt = Attempt(card, self.review_numbers.get(card.key, 0), self.clock)
        q = Question(len(self.asked) + 1, card, attempt, self.topic(card), self.clock(),
                     self.question_seconds)
        if attempt.error is not None:  # a broken exercise: ask another instead
            self.cards = [c for c in self.cards if c.key != card.key]
            return self.next_question()
        self.asked.append(q)
        return q

    def answer(self, text: str) -> Question:
        """The main answer of the current question: for a whiteboard exercise, the answer
        to its current step (graded through the Attempt; the question moves on when the
        last step is in); for a recall card, the spoken or typed answer, then a follow-up
        if the card has one."""
        q = self._current()
        if q.stage == "follow_up":
            return self.answer_follow_up(text)
        if q.stage != "answering":
            raise RuntimeError("this question is already answered")
        if q.card.graded:
            sent = self.clock()
            return self.record_step(q, q.attempt.grade(text), sent)
        q.answer = text.strip()
        q.answered = self.clock()
        q.follow_up = choose_follow_up(q.card, q.answer)
        if q.follow_up is not None:
            q.stage = "follow_up"
            return q
        self._to_review(q)
        return q

    def record_step(self, q: Question, result: StepResult, sent: float | None = None) -> Question:
        """Take a whiteboard step graded elsewhere (`q.attempt.grade(text)`, which is slow
        and thread-safe: the app runs it in a worker). A result for a question or step that
        is no longer being answered is ignored; an unreadable answer is not recorded.
        `sent` is the clock when the answer was sent: the grader's time is not the learner's."""
        if q is not self.current or not q.card.graded or q.stage != "answering":
            return q
        q.attempt.record(result)
        q.answer = q.attempt.logged_answer or ""
        if q.attempt.answered:
            q.answered = q.ended = self.clock() if sent is None else sent
            q.stage = "review"
        return q

    def answer_follow_up(self, text: str) -> Question:
        q = self._current()
        if q.stage != "follow_up":
            raise RuntimeError("no follow-up is waiting for an answer")
        q.follow_up_answer = text.strip()
        self._to_review(q)
        return q

    def _to_review(self, q: Question) -> None:
        q.ended = self.clock()
        q.attempt.reveal(q.answer)
        q.pre_ticked = frozenset(covered_points(q.answer, q.key_points))
        if q.follow_up is not None:
            q.follow_pre_ticked = frozenset(covered_points(q.follow_up_answer,
                                                           q.follow_up.key_points))
        q.ticked, q.follow_ticked = q.pre_ticked, q.follow_pre_ticked
        q.stage = "review"

    def confirm(self, ticked: Iterable[int] | None = None,
                follow_ticked: Iterable[int] | None = None) -> Question:
        """The learner's ticks (None keeps the matcher's): they decide the score and rating."""
        q = self._current()
        if q.stage != "review":
            raise RuntimeError("the question is not waiting for ticks")
        if not q.card.graded:
            total = len(q.key_points)
            if ticked is not None:
                q.ticked = frozenset(i for i in ticked if 0 <= i < total)
            if follow_ticked is not None and q.follow_up is not None:
                n = len(q.follow_up.key_points)
                q.follow_ticked = frozenset(i for i in follow_ticked if 0 <= i < n)
            q.attempt.tick(q.ticked)
        q.stage = "done"
        return q

    def _current(self) -> Question:
        q = self.current
        if q is None:
            raise RuntimeError("no question is being asked")
        return q

    # --- the end ------------------------------------------------------------------------

    def debrief(self, review_limit: int = 5) -> Debrief:
        """The interview's summary; the first one ends its clock, so a report written
        later says the same length as the debrief on screen."""
        if self.ended is None:
            self.ended = self.clock()
        done = [q for q in self.asked if q.stage == "done"]
        by_topic: dict[str, list[float]] = {}
        for q in done:
            by_topic.setdefault(q.topic, []).append(q.score)
        topics = [TopicScore(t, len(s), sum(s) / len(s)) for t, s in by_topic.items()]
        topics.sort(key=lambda t: (t.score, t.topic))
        weak = sorted((q for q in done if q.score < 1), key=lambda q: (q.score, q.number))
        return Debrief(self.started_at, self.elapsed, list(self.asked), topics,
                       [q.card for q in weak[:review_limit]])
