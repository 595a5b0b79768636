"""Graded exercises: draw a card's params, fill its text, grade its steps.

The study app codes against :func:`instantiate`, :class:`Exercise`,
:class:`ExerciseStep` and :class:`Graded`; ``trainer validate`` calls
:func:`validate_card`; ``trainer check`` (:mod:`trainer.check`) proves every
card's references and mistakes.  Importing this package loads neither numpy
nor sympy.
"""

from __future__ import annotations

from trainer.exercises.exercise import (
    Exercise,
    ExerciseStep,
    Graded,
    Reference,
    instantiate,
    review_seed,
)
from trainer.exercises.params import ExerciseError, Sample, format_value
from trainer.exercises.validate import validate_card

__all__ = [
    "Exercise",
    "ExerciseError",
    "ExerciseStep",
    "Graded",
    "Reference",
    "Sample",
    "format_value",
    "instantiate",
    "review_seed",
    "validate_card",
]
