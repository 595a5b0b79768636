"""What an interview is asked to be: its length ("6 questions", "30 minutes") and its scope."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from trainer.decks.model import Card

DEFAULT_LENGTH = "6 questions"
MAX_QUESTIONS = 100
MAX_MINUTES = 240.0

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")
_QUESTIONS = {"", "q", "question", "questions"}
_MINUTES = {"m", "min", "mins", "minute", "minutes"}


class LengthError(ValueError):
    """A length that is neither a number of questions nor of minutes, in words."""


@dataclass(frozen=True, slots=True)
class Length:
    """An interview of `questions` questions or of `minutes` minutes (exactly one is set)."""

    questions: int | None = None
    minutes: float | None = None

    def __str__(self) -> str:
        if self.questions is not None:
            return f"{self.questions} question{'s' if self.questions != 1 else ''}"
        return f"{self.minutes:g} minute{'s' if self.minutes != 1 else ''}"


def parse_length(text: str) -> Length:
    """'6', '6 questions', '6q' are questions; '30 min', '30m', '30 minutes' are minutes."""
    match = _LENGTH.match(text.lower())
    how = "give the length as a number of questions (6) or of minutes (30 min)"
    if match is None:
        raise LengthError(f"{text.strip()!r}: {how}")
    number, unit = float(match[1]), match[2]
    if unit in _QUESTIONS:
        if number != int(number) or not 1 <= number <= MAX_QUESTIONS:
            raise LengthError(f"an interview asks from 1 to {MAX_QUESTIONS} questions, "
                              f"not {match[1]}")
        return Length(questions=int(number))
    if unit in _MINUTES:
        if not 0 < number <= MAX_MINUTES:
            raise LengthError(f"an interview lasts more than 0 and at most {MAX_MINUTES:g} "
                              f"minutes, not {match[1]}")
        return Length(minutes=number)
    raise LengthError(f"{text.strip()!r}: {unit!r} is not questions or minutes; {how}")


def interview_scope(cards: Sequence[Card], scope: str, decks: Sequence[str] | None,
                    tag: str | None) -> list[Card]:
    """The cards of the interview scope (the `interview_scope` setting), narrowed to these
    decks and this tag. Raises InterviewError naming a deck or tag that matches nothing."""
    from trainer.interview.mock import InterviewError
    from trainer.interview.plan import Scope  # the plan: not on the first card's path (settings)

    known = {c.deck for c in cards}
    unknown = [d for d in decks or [] if d not in known]
    if unknown:
        raise InterviewError(f"no deck {', '.join(unknown)}; the decks are: "
                             f"{', '.join(sorted(known))}")
    chosen = [c for c in Scope.parse(scope).cards(cards)
              if (not decks or c.deck in decks) and (tag is None or tag in c.tags)]
    if tag and not chosen:
        where = f" of {', '.join(decks)}" if decks else ""
        raise InterviewError(f"no card{where} in the interview scope has the tag {tag!r}")
    return chosen
