"""The verdict on an answer, one type from the grader to the review log (stdlib only)."""

from __future__ import annotations

from enum import StrEnum


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
