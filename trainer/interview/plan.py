"""Scheduling toward an interview date: the scope, intervals capped before the day, new-card pace."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta, tzinfo

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.review import State
from trainer.scheduling.days import study_date, study_day_start
from trainer.store import CardState

MAX_YEARS_AHEAD = 2  # further than this is taken for a typo in the year


class DateError(ValueError):
    """An interview date that can not be set, with the reason in words."""


def parse_interview_date(text: str, today: date) -> date | None:
    """The interview date as typed (YYYY-MM-DD), which must lie after `today` (the study
    day now); an empty text clears the date (None). Raises DateError saying what is wrong."""
    text = text.strip()
    if not text:
        return None
    example = today + timedelta(days=21)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise DateError(f"{text!r} is not a date: type it as YYYY-MM-DD, "
                        f"e.g. {example.isoformat()}") from None
    if day <= today:
        when = "is today" if day == today else "has passed"
        raise DateError(f"{day:%b} {day.day}, {day.year} {when}: the interview date must be "
                        f"after today ({today:%b} {today.day})")
    if (day - today).days > 366 * MAX_YEARS_AHEAD:
        raise DateError(f"{day.isoformat()} is more than {MAX_YEARS_AHEAD} years away: "
                        "check the year")
    return day


@dataclass(frozen=True, slots=True)
class Scope:
    """The cards an interview is about: any of these decks or tags; empty means everything."""

    decks: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> Scope:
        """From "deck:ID tag:NAME ..." (validated by the settings)."""
        decks: set[str] = set()
        tags: set[str] = set()
        for word in text.split():
            kind, _, name = word.partition(":")
            (decks if kind == "deck" else tags).add(name)
        return cls(frozenset(decks), frozenset(tags))

    def __contains__(self, card: object) -> bool:
        if not isinstance(card, Card):
            return False
        if not self.decks and not self.tags:
            return True
        return card.deck in self.decks or any(t in self.tags for t in card.tags)

    def cards(self, cards: Iterable[Card]) -> list[Card]:
        return [c for c in cards if c in self]

    def unmatched(self, cards: Iterable[Card]) -> list[str]:
        """The scope's words (deck:ID, tag:NAME) that name no deck or tag of these cards:
        a scope with one would quietly leave its cards out."""
        decks: set[str] = set()
        tags: set[str] = set()
        for card in cards:
            decks.add(card.deck)
            tags.update(card.tags)
        return sorted([f"deck:{d}" for d in self.decks - decks]
                      + [f"tag:{t}" for t in self.tags - tags])


@dataclass(frozen=True, slots=True)
class Pace:
    """New cards left in the scope and how many a day see them all by the deadline."""

    left: int
    days: int  # study days from today until the deadline (at least 1)
    per_day: int
    deadline: date  # the date by which every card should have been seen
    limit: int  # the daily new-card limit
    late: bool = False  # today is on or after the deadline: no pace can see them all by then

    @property
    def fits(self) -> bool:
        return self.per_day <= self.limit

    def line(self) -> str:
        """'42 new cards left, 6 a day until Dec 12' (and whether the limit allows it)."""
        if self.left == 0:
            return "every card in scope has been seen"
        until = f"{self.deadline:%b} {self.deadline.day}"
        noun = "card" if self.left == 1 else "cards"
        if self.late:
            return (f"{self.left} new {noun} left; the final days before the interview "
                    f"began on {until}: review what you know, new cards only if time allows")
        text = f"{self.left} new {noun} left, {self.per_day} a day until {until}"
        if not self.fits:
            text += f" — more than new_per_day ({self.limit}): raise it or some stay unseen"
        return text


@dataclass(frozen=True, slots=True)
class InterviewPlan:
    """An interview date and its scope, as the scheduler and the home screen use them."""

    day: date
    scope: Scope
    final_days: int
    day_hour: int
    zone: tzinfo | None = None

    @classmethod
    def from_settings(cls, settings: Settings, zone: tzinfo | None = None) -> InterviewPlan | None:
        """The plan the settings ask for, or None when no date is set."""
        if not settings.interview_date:
            return None
        return cls(date.fromisoformat(settings.interview_date),
                   Scope.parse(settings.interview_scope), settings.interview_final_days,
                   settings.day_starts_at, zone)

    @property
    def starts(self) -> float:
        """The morning of the interview: the start of its study day (UTC seconds)."""
        return study_day_start(self.day, day_hour=self.day_hour, zone=self.zone)

    def passed(self, now: float) -> bool:
        """True from the interview's study day on: ordinary scheduling resumes."""
        return now >= self.starts

    def days_left(self, now: float) -> int:
        return (self.day - study_date(now, day_hour=self.day_hour, zone=self.zone)).days

    def cap(self, card: Card, after: CardState, now: float) -> CardState:
        """The state after a review, its due moved into the last days before the interview
        when it would fall after it. Only `due` moves: stability and difficulty are what FSRS
        said, so the next review is scheduled from the true memory state.

        Cards are spread over the final days by their key, so that the final pass does not
        all land on the eve. A review made inside the final days is itself the final pass:
        it is not capped again.
        """
        if self.passed(now) or card not in self or after.due <= self.starts:
            return after
        if after.state == State.NEW:
            return after
        days = max(1, self.final_days)
        first_final = self.day - timedelta(days=days)
        if study_date(now, day_hour=self.day_hour, zone=self.zone) >= first_final:
            return after
        from trainer.scheduling.fsrs_scheduler import card_number

        offset = 1 + card_number(card.key) % days  # 1 .. days before the date
        due = study_day_start(self.day - timedelta(days=offset), day_hour=self.day_hour,
                              zone=self.zone)
        return replace(after, due=max(due, now))

    def __contains__(self, card: object) -> bool:
        return card in self.scope

    def pace(self, cards: Iterable[Card], states: Mapping[str, CardState], now: float,
             limit: int) -> Pace:
        """New cards of the scope left, and the daily pace that sees them all `final_days`
        before the date (today counts as a study day)."""
        left = 0
        for card in self.scope.cards(cards):
            state = states.get(card.key)
            if state is None or (state.state == State.NEW and not state.suspended):
                left += 1
        deadline = self.day - timedelta(days=self.final_days)
        today = study_date(now, day_hour=self.day_hour, zone=self.zone)
        days = max(1, (deadline - today).days)
        return Pace(left, days, math.ceil(left / days), deadline, limit, late=today >= deadline)
