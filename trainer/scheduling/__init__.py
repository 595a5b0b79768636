"""Scheduling: FSRS (the `fsrs` package) and the policy that builds the study queue."""

from trainer.scheduling.days import day_start, next_day_start
from trainer.scheduling.fsrs_scheduler import (
    AGAIN,
    EASY,
    GOOD,
    HARD,
    NEW,
    RATING_NAMES,
    STATE_NAMES,
    Scheduler,
    card_number,
    format_interval,
)
from trainer.scheduling.queue import (
    Queue,
    build_queue,
    in_scope,
    is_new,
    learning_horizon,
    new_left_today,
    next_due,
    study_ahead,
)

__all__ = [
    "AGAIN", "EASY", "GOOD", "HARD", "NEW", "RATING_NAMES", "STATE_NAMES", "Scheduler",
    "Queue", "build_queue", "card_number", "format_interval", "in_scope", "learning_horizon",
    "new_left_today", "next_due",
    "study_ahead",
    "day_start", "is_new", "next_day_start",
]
