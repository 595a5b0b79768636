"""The interview settings checked against what the learner has: `trainer config` refuses a
date the app's date field would refuse, and a scope that names no loaded deck or tag."""

from __future__ import annotations

from collections.abc import Sequence

from trainer.decks.model import Card


def scope_problem(text: str, cards: Sequence[Card]) -> str | None:
    """Why `text` can not be the interview scope: a deck or tag that none of `cards` has
    (well-formed words only; the settings check the form), or None."""
    from trainer.interview.plan import Scope

    words = [w for w in text.split() if w.startswith(("deck:", "tag:"))]
    if not words:
        return None
    unmatched = Scope.parse(" ".join(words)).unmatched(cards)
    if not unmatched:
        return None
    decks = ", ".join(sorted({c.deck for c in cards}))
    return (f"interview_scope: no loaded card has {', '.join(unmatched)} (decks: {decks}); "
            "nothing was saved")


def date_problem(text: str, now: float, day_hour: int) -> str | None:
    """Why `text` can not be the interview date (today or before, or too far), or None;
    a text that is no date at all is left to the settings' own check."""
    from datetime import date

    from trainer.interview.plan import DateError, parse_interview_date
    from trainer.scheduling.days import study_date

    try:
        date.fromisoformat(text.strip())
    except ValueError:
        return None
    try:
        parse_interview_date(text, study_date(now, day_hour=day_hour))
    except DateError as exc:
        return f"interview_date: {exc}"
    return None
