"""A study session: queue -> present -> grade -> rate -> store, with undo. No UI here."""

from __future__ import annotations

import bisect
import math
import time
from collections.abc import Callable, Sequence

from trainer.attempt import Attempt, next_review_number
from trainer.config import Settings
from trainer.decks.model import Card
from trainer.record import Record
from trainer.review import RATINGS, Rating, State, Verdict
from trainer.scheduling import (
    AGAIN,
    NEW,
    Scheduler,
    build_queue,
    in_scope,
    learning_horizon,
    new_left_today,
    next_day_start,
    study_ahead,
)
from trainer.store import CardState, Store, StoreError
from trainer.store.db import row_to_state
from trainer.store.journal import new_event_id

# what a write to the store may fail with (locked by another program, a full disk); the
# review is not recorded and the session stays on the card
WRITE_ERRORS = (StoreError, OSError)


def describe_wait(seconds: float) -> str:
    """A countdown as the study screen shows it: '4 min', '3 min 59 s', '42 s', '1 h 05 min'."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if not minutes:
        return f"{secs} s"
    return f"{minutes} min" if not secs else f"{minutes} min {secs:02d} s"


_set = object.__setattr__  # a Record's fields are set once, in __init__


class Outcome(Record):
    """What happened to one card in this session, for the summary at the end."""

    __slots__ = ("key", "rating", "verdict", "duration_ms")
    key: str
    rating: Rating
    verdict: Verdict | None
    duration_ms: int | None

    def __init__(self, key: str, rating: Rating, verdict: Verdict | None,
                 duration_ms: int | None) -> None:
        _set(self, "key", key)
        _set(self, "rating", rating)
        _set(self, "verdict", verdict)
        _set(self, "duration_ms", duration_ms)


class _Action(Record):
    __slots__ = ("kind", "card", "before", "requeued", "event_id")
    kind: str  # "review", "suspend" or "bury"
    card: Card
    before: CardState | None
    requeued: bool
    event_id: str  # the journal event this session recorded: undo cancels exactly that one

    def __init__(self, kind: str, card: Card, before: CardState | None,
                 requeued: bool = False, event_id: str = "") -> None:
        _set(self, "kind", kind)
        _set(self, "card", card)
        _set(self, "before", before)
        _set(self, "requeued", requeued)
        _set(self, "event_id", event_id)


class Summary(Record):
    __slots__ = ("studied", "correct", "graded", "again", "seconds", "due_later_today",
                 "due_tomorrow")
    studied: int
    correct: int
    graded: int
    again: int
    seconds: float
    due_later_today: int  # before the study day ends, or a step within the learn-ahead limit
    due_tomorrow: int  # due during the next study day

    def __init__(self, studied: int, correct: int, graded: int, again: int, seconds: float,
                 due_later_today: int, due_tomorrow: int) -> None:
        _set(self, "studied", studied)
        _set(self, "correct", correct)
        _set(self, "graded", graded)
        _set(self, "again", again)
        _set(self, "seconds", seconds)
        _set(self, "due_later_today", due_later_today)
        _set(self, "due_tomorrow", due_tomorrow)

    @property
    def accuracy(self) -> float | None:
        """Share of graded answers judged correct, or of all cards not rated Again."""
        if self.graded:
            return self.correct / self.graded
        if self.studied:
            return 1 - self.again / self.studied
        return None


class StudySession:
    """Presents cards in order, records each rating as it is made, and can undo.

    Cards rated into (re)learning come back within the session when they fall due,
    as in Anki: a learning card due now is shown before the next queued card, and
    when the queue is empty the earliest learning card inside the learn-ahead window.
    When only learning cards due later remain, no card is current: `next_card_in` says
    how long until one is, `bring_back` shows it then, and `learn_ahead` shows it at once.
    """

    # a plain class, not a dataclass: it is built before the first card, and a dataclass's
    # generated methods are compiled at import
    __slots__ = ("store", "cards", "settings", "scheduler", "clock", "decks", "tag", "ahead",
                 "chosen", "queue", "learning", "current", "outcomes", "history", "started",
                 "total", "_tiebreak", "_undone_answer")

    def __init__(self, store: Store, cards: Sequence[Card], settings: Settings,
                 scheduler: Scheduler, clock: Callable[[], float] = time.time,
                 decks: Sequence[str] | None = None, tag: str | None = None,
                 ahead: bool = False, chosen: bool = False) -> None:
        self.store = store
        self.cards = cards
        self.settings = settings
        self.scheduler = scheduler
        self.clock = clock
        self.decks = decks
        self.tag = tag
        self.ahead = ahead
        # the learner picked these cards (the browser's "study these", a debrief's cards to
        # review): all of them, due or not, new ones beyond today's limit too, as an Anki
        # filtered deck takes them
        self.chosen = chosen
        self.queue: list[Card] = []
        self.learning: list[tuple[float, int, Card]] = []
        self.current: Card | None = None
        self.outcomes: list[Outcome] = []
        self.history: list[_Action] = []
        self.total = 0
        self._tiebreak = 0
        # (card key, answer) of the review undone last: shown again when that card is, so
        # that undoing a rating keeps what the learner had typed or written (a code card's
        # function)
        self._undone_answer: tuple[str, str] | None = None
        self.started = self.clock()
        # an undo replays the card's events: with this session's scheduler, it gives back
        # exactly the state this session's reviews gave
        self.store.replay_with(self.scheduler.replayer)
        self.reload()

    def reload(self) -> None:
        """Build the queue afresh from the store (due first, then new)."""
        now = self.clock()
        if self.chosen:
            self.queue = study_ahead(self.cards, self.store, now, decks=self.decks, tag=self.tag,
                                     limit=len(self.cards))
        elif self.ahead:
            self.queue = study_ahead(self.cards, self.store, now, decks=self.decks, tag=self.tag,
                                     new_limit=new_left_today(self.store, self.settings, now))
        else:
            self.queue = build_queue(self.cards, self.store, self.settings, now,
                                     decks=self.decks, tag=self.tag).cards
        self.queue.reverse()  # pop() from the end is O(1)
        if not (self.ahead or self.chosen):
            self.learning = self._learning_later_today(now)
        self.total = len(self.queue) + len(self.learning) + len(self.outcomes)
        self.current = None
        self.advance()

    def _learning_later_today(self, now: float, *,
                              due_already: bool = False) -> list[tuple[float, int, Card]]:
        """(Re)learning cards not yet due that fall due today (before the day ends, or
        within the learn-ahead limit across the rollover): they wait to come back in this
        session, as those rated in it do (a session started again after quitting picks up
        the steps of the one before). `due_already`: those due by now too (the queue was
        built earlier)."""
        horizon = learning_horizon(now, self.settings)
        decks = self.decks if self.decks is not None else sorted({c.deck for c in self.cards})
        # over the (deck, due) index: the few rows waiting today, not every state of the decks
        rows = self.store.state_rows_where(
            decks, f"state IN ({State.LEARNING:d}, {State.RELEARNING:d}) AND suspended = 0 "
            "AND (buried_until IS NULL OR buried_until <= ?) AND due > ? AND due <= ?",
            (now, float("-inf") if due_already else now, horizon))
        queued = {c.key for c in self.queue}
        if due_already and self.current is not None:
            queued.add(self.current.key)
        waiting = {key: row_to_state(row).due for key, row in rows.items() if key not in queued}
        if not waiting:
            return []
        learning = []
        for card in sorted((c for c in self.scope if c.key in waiting),
                           key=lambda c: (waiting[c.key], c.key)):
            self._tiebreak += 1
            learning.append((waiting[card.key], self._tiebreak, card))
        return learning

    def merged(self) -> None:
        """Another device's events came in (a sync): what is left of the session follows the
        cards' states now. A queued card reviewed there and no longer due, suspended or
        buried there leaves the queue; (re)learning cards wait for their steps as the store
        has them, those learnt there among them. The card on screen stays."""
        now = self.clock()
        if self.queue:
            states = self.store.states(sorted({c.deck for c in self.queue}))

            def settled(card: Card) -> bool:
                s = states.get(card.key)
                if s is None:
                    return False
                if _set_aside(s, now):
                    return True
                return not (self.ahead or self.chosen) and s.state != NEW and s.due > now

            self.queue = [c for c in self.queue if not settled(c)]
        if not (self.ahead or self.chosen):
            self.learning = self._learning_later_today(now, due_already=True)
        elif self.learning:
            states = self.store.states(sorted({item[2].deck for item in self.learning}))
            self.learning = [item for item in self.learning
                             if not _set_aside(states.get(item[2].key), now)]
        self.total = self.done + self.remaining

    def replace_cards(self, cards: Sequence[Card]) -> list[Card]:
        """Use the cards of reloaded decks from now on; nothing done is lost or asked again.

        Queued cards (and the current one) become their new versions, a removed card leaves
        the queue, and a card new to the decks, in this session's scope and never reviewed,
        joins the end of the queue. Returns the cards that joined.
        """
        by_key = {c.key: c for c in cards}
        before = {c.key for c in self.cards}
        self.cards = list(cards)
        self.queue = [by_key[c.key] for c in self.queue if c.key in by_key]
        self.learning = [(t, i, by_key[c.key]) for t, i, c in self.learning if c.key in by_key]
        if self.current is not None:
            self.current = by_key.get(self.current.key, self.current)
        added = [c for c in in_scope(self.cards, self.decks, self.tag)
                 if c.key not in before and self.store.card_state(c.key) is None]
        self.queue[0:0] = reversed(added)  # pop() takes from the end: these come last
        self.total += len(added)
        if self.current is None and added:
            self.advance()
        return added

    # --- what is shown -----------------------------------------------------------------

    @property
    def remaining(self) -> int:
        return len(self.queue) + len(self.learning) + (1 if self.current is not None else 0)

    def counts(self) -> tuple[int, int, int]:
        """New · learning · review cards left in this session, as Anki's header shows them.

        Learning counts (re)learning cards, the ones waiting to come back included; a card
        moves from new to learning as it is rated, so the counts move as cards are learnt.
        """
        cards = [*self.queue, *(item[2] for item in self.learning)]
        if self.current is not None:
            cards.append(self.current)
        states = self.store.states(sorted({c.deck for c in cards})) if cards else {}
        new = learning = review = 0
        for card in cards:
            state = states.get(card.key)
            if state is None or state.state == NEW:
                new += 1
            elif state.state == State.REVIEW:
                review += 1
            else:
                learning += 1
        return new, learning, review

    def rating_intervals(self) -> dict[Rating, float]:
        """Seconds until the current card is due again after each rating (empty: no card)."""
        card = self.current
        if card is None:
            return {}
        return self.scheduler.intervals(key=card.key, state=self.store.card_state(card.key),
                                        now=self.clock())

    @property
    def done(self) -> int:
        return len(self.outcomes)

    @property
    def scope(self) -> list[Card]:
        """The cards this session may show: its decks and tag, before any limit."""
        return in_scope(self.cards, self.decks, self.tag)

    def state_of(self, card: Card) -> CardState | None:
        return self.store.card_state(card.key)

    def review_number(self, card: Card) -> int:
        """How many times the card was reviewed before: seeds its params for this review."""
        return next_review_number(self.store.card_state(card.key))

    def is_edited(self, card: Card) -> bool:
        """True when the card's text changed since it was last reviewed."""
        state = self.store.card_state(card.key)
        return bool(state is not None and state.reps and state.content_hash
                    and state.content_hash != card.content_hash)

    def advance(self) -> Card | None:
        self._undone_answer = None  # the undone card is answered again or set aside
        now = self.clock()
        if self.learning and self.learning[0][0] <= now:
            self.current = self.learning.pop(0)[2]
        elif self.queue:
            self.current = self.queue.pop()
        elif self.learning and self.learning[0][0] <= now + self.settings.learn_ahead_minutes * 60:
            self.current = self.learning.pop(0)[2]
        else:
            self.current = None
        return self.current

    def next_card_in(self) -> float | None:
        """Seconds until the next waiting learning card is shown (0: it can be now), when
        no card is current; None when a card is current or none waits (the session is over).

        A card is shown once it is inside the learn-ahead window, as `advance` does."""
        if self.current is not None or not self.learning:
            return None
        shown_at = self.learning[0][0] - self.settings.learn_ahead_minutes * 60
        return max(0.0, shown_at - self.clock())

    def bring_back(self) -> Card | None:
        """With no card current, show the waiting learning card whose time has come."""
        if self.current is None and self.next_card_in() == 0:
            self.current = self.learning.pop(0)[2]
        return self.current

    def learn_ahead(self) -> Card | None:
        """With no card current, show the next waiting learning card now, before it is due."""
        if self.current is None and self.learning:
            self.current = self.learning.pop(0)[2]
        return self.current

    # --- acting on the current card ------------------------------------------------------

    def attempt(self, clock: Callable[[], float] = time.monotonic) -> Attempt | None:
        """An attempt at the current card for its next review number (None: no card)."""
        card = self.current
        if card is None:
            return None
        attempt = Attempt(card, self.review_number(card), clock)
        if self._undone_answer is not None and self._undone_answer[0] == card.key:
            attempt.restored = self._undone_answer[1]
        return attempt

    def finish(self, attempt: Attempt, rating: Rating | int) -> CardState:
        """Record the rating of an answered attempt at the current card and move on."""
        # by key: a live reload may have replaced the current card by its edited version
        if self.current is None or attempt.card.key != self.current.key:
            raise RuntimeError(f"{attempt.card.key} is not the current card")
        if not attempt.answered:
            raise RuntimeError(f"{attempt.card.key} is not answered yet")
        return self.rate(rating, answer=attempt.logged_answer, verdict=attempt.verdict,
                         duration_ms=attempt.duration_ms())

    def rate(
        self,
        rating: Rating | int,
        *,
        answer: str | None = None,
        verdict: Verdict | None = None,
        duration_ms: int | None = None,
    ) -> CardState:
        """Record the rating of the current card and move on to the next one."""
        card = self.current
        if card is None:
            raise RuntimeError("no card to rate")
        if rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        rating = RATINGS[rating]
        verdict = None if verdict is None else Verdict.of(verdict)
        now = self.clock()
        before = self.store.card_state(card.key)
        event_id = new_event_id(now)  # draws the fuzz, so a replay of the event gives `after`
        drawn = self.scheduler.review(key=card.key, deck=card.deck, state=before, rating=rating,
                                      now=now, content_hash=card.content_hash, seed=event_id)
        from trainer.interview.plan import InterviewPlan  # off the first card's path

        plan = InterviewPlan.from_settings(self.settings)
        # seen again in the last days before the interview
        after = drawn if plan is None else plan.cap(card, drawn, now)
        self.store.record_review(
            before=before, after=after, rating=rating, reviewed_at=now, answer=answer,
            verdict=verdict, duration_ms=duration_ms, event_id=event_id,
            fixed_due=None if after.due == drawn.due else after.due)
        # a (re)learning step due today comes back in this session, whatever the rating
        # (a Hard step may be due after the learn-ahead window and must not be lost)
        requeue = after.due <= now + self.settings.learn_ahead_minutes * 60 or (
            after.state != State.REVIEW and after.due <= learning_horizon(now, self.settings))
        if requeue:
            self._tiebreak += 1
            bisect.insort(self.learning, (after.due, self._tiebreak, card),
                          key=lambda item: (item[0], item[1]))
        self.history.append(_Action("review", card, before, requeued=requeue,
                                    event_id=event_id))
        self.outcomes.append(Outcome(card.key, rating, verdict, duration_ms))
        self.advance()
        return after

    def suspend(self) -> None:
        """Take the current card out of all reviews until it is unsuspended."""
        self._set_aside("suspend")

    def bury(self) -> None:
        """Hide the current card until the next study day."""
        self._set_aside("bury")

    def _set_aside(self, kind: str) -> None:
        card = self.current
        if card is None:
            return
        now = self.clock()
        before = self.store.card_state(card.key)
        extra: dict[str, object] = {"content_hash": card.content_hash}
        if kind == "bury":
            extra["until"] = next_day_start(now, self.settings.day_starts_at)
        event = self.store.new_event(kind, card.key, now, **extra)
        self.store.append([event])
        self.history.append(_Action(kind, card, before, event_id=event.id))
        self.advance()

    def undo(self) -> Card | None:
        """Undo the last review, suspension or burial; that card is shown again."""
        if not self.history:
            return None
        action = self.history[-1]
        self._undone_answer = None
        if action.kind == "review":
            # a refusal leaves the history as it was
            review = self.store.undo_review(action.event_id)
            if review is not None and review.answer:
                self._undone_answer = (action.card.key, review.answer)
            self.outcomes.pop()
            if action.requeued:
                self.learning = [item for item in self.learning if item[2] is not action.card]
        else:
            self.store.undo_events([action.event_id], at=self.clock())
        self.history.pop()
        if self.current is not None and self.current is not action.card:
            self.queue.append(self.current)
        self.current = action.card
        return action.card

    # --- the end ------------------------------------------------------------------------

    def summary(self) -> Summary:
        now = self.clock()
        today_end = next_day_start(now, self.settings.day_starts_at)
        tomorrow_end = next_day_start(today_end, self.settings.day_starts_at)
        scope = self.scope  # a deck's or a tag's session speaks of its own cards
        decks = sorted({c.deck for c in scope})
        keys = {c.key for c in scope}
        horizon = learning_horizon(now, self.settings)
        later = tomorrow = 0
        for s in self.store.states(decks).values():
            if s.key not in keys or s.state == NEW or s.suspended or s.due <= now:
                continue
            if s.due < today_end or (s.due <= horizon and s.state != State.REVIEW):
                later += 1  # a learning step within the learn-ahead limit is today's
            elif s.due < tomorrow_end:
                tomorrow += 1
        graded = [o for o in self.outcomes if o.verdict is not None]
        return Summary(
            studied=len({o.key for o in self.outcomes}),
            correct=sum(1 for o in graded if o.verdict is Verdict.CORRECT),
            graded=len(graded),
            again=sum(1 for o in self.outcomes if o.rating == AGAIN),
            seconds=now - self.started,
            due_later_today=later,
            due_tomorrow=tomorrow,
        )


def _set_aside(state: CardState | None, now: float) -> bool:
    """Suspended, or buried until a time still to come."""
    return state is not None and (state.suspended or state.buried(now))
