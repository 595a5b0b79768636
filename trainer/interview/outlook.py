"""What the interview date means today: the readiness line and the new-card pace for the home screen."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trainer.config import Settings
from trainer.decks.model import Card
from trainer.interview.plan import InterviewPlan, Scope
from trainer.interview.readiness import DayReadiness, Readiness, forecast, history
from trainer.interview.topics import Topics
from trainer.scheduling import Scheduler
from trainer.scheduling.days import study_date, study_day_start
from trainer.store import Store


def readiness_at(cards: Sequence[Card], store: Store, settings: Settings, day: date,
                 scheduler: Scheduler | None = None) -> Readiness:
    """The forecast for the morning of `day`, over the interview scope."""
    scope = Scope.parse(settings.interview_scope).cards(cards)
    scheduler = scheduler or Scheduler.for_store(settings, store)
    states = store.states(sorted({c.deck for c in scope}))
    return forecast(scope, states, scheduler.retrievability,
                    study_day_start(day, day_hour=settings.day_starts_at))


def readiness_history(cards: Sequence[Card], store: Store, settings: Settings, day: date,
                      scheduler: Scheduler | None = None) -> list[DayReadiness]:
    """The forecast for the morning of `day` as it stood after each past study day."""
    scope = Scope.parse(settings.interview_scope).cards(cards)
    scheduler = scheduler or Scheduler.for_store(settings, store)
    states = store.states(sorted({c.deck for c in scope}))
    hour = settings.day_starts_at
    return history(scope, store.reviews(), scheduler.retrievability,
                   study_day_start(day, day_hour=hour),
                   lambda t: study_date(t, day_hour=hour),
                   suspended=[k for k, s in states.items() if s.suspended])


def readiness_line(readiness: Readiness, day: date, cards: Sequence[Card] = ()) -> str:
    """'On Dec 15 you would recall 78% · weakest: rlhf 52%, fisher 61%'; the weakest are
    subjects, not labels such as syl-19 or dd-graded (judged over `cards`' decks)."""
    text = f"On {day:%b} {day.day} you would recall {readiness.overall.recall:.0%}"
    weakest = readiness.weakest(2, Topics(cards).is_subject)
    if weakest:
        text += " · weakest: " + ", ".join(f"{g.name} {g.recall:.0%}" for g in weakest)
    return text


def home_lines(cards: Sequence[Card], store: Store, settings: Settings, now: float,
               scheduler: Scheduler | None = None) -> list[str]:
    """The home screen's lines about the interview date: none without a date; the
    readiness and the pace of new cards before it; after it, a prompt to set a new one."""
    plan = InterviewPlan.from_settings(settings)
    if plan is None:
        return []
    when = f"{plan.day:%b} {plan.day.day}"
    if plan.passed(now):
        return [f"Your interview on {when} has passed; scheduling is back to normal. "
                "Another one? Press i to set a new date."]
    readiness = readiness_at(cards, store, settings, plan.day, scheduler)
    scope = plan.scope.cards(cards)
    states = store.states(sorted({c.deck for c in scope}))
    pace = plan.pace(scope, states, now, settings.new_per_day)
    return [readiness_line(readiness, plan.day, cards), pace.line()]
