"""What one review is made of: the verdict on the answer, the rating and the card's state.

Stdlib only, below both the scheduler and the store, so that each value keeps its
type from the grader to the review log.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

# a card forgotten this many times is a leech (flagged on the study screen and in the stats)
LEECH_LAPSES = 8


class Verdict(StrEnum):
    """What the grader decided. Stored in the review log as its value ("correct", ...)."""

    CORRECT = "correct"
    INCORRECT = "incorrect"
    INVALID = "invalid"  # not understood: the learner changes the answer, nothing is recorded
    UNDECIDED = "undecided"  # the grader could not tell; never counted as wrong

    @classmethod
    def of(cls, value: object) -> Verdict:
        """The verdict named by a grader's verdict or its text; unknown text is undecided."""
        try:
            return cls(str(getattr(value, "value", value)))
        except ValueError:
            return cls.UNDECIDED


class Rating(IntEnum):
    """The learner's rating of a review, as FSRS numbers them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


class State(IntEnum):
    """Where a card is in FSRS's cycle; NEW (0) is ours: stored but never reviewed
    (suspended while new). The others are fsrs.State's numbers."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        return self.name.lower()


# by number, for reading rows quickly (an enum call costs more than an index)
STATES: tuple[State, ...] = tuple(State)
RATINGS: dict[int, Rating] = {int(r): r for r in Rating}
VERDICTS: dict[str, Verdict] = {v.value: v for v in Verdict}
