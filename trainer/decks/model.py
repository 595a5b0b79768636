"""The card and deck records that the loader builds from YAML."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from trainer.decks.spec import GRADED_KINDS, Kind, StepKind


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a deck, located at a file, line and column (1-based)."""

    path: str
    line: int
    col: int
    card_id: str
    message: str

    def __str__(self) -> str:
        # a problem of the deck itself names no card (never a placeholder like "-")
        where = f"{self.card_id}: " if self.card_id else ""
        return f"{self.path}:{self.line}:{self.col}: {where}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "card_id": self.card_id,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Mistake:
    """A known wrong answer and the feedback to show when the learner gives it."""

    answer: str
    feedback: str
    line: int = field(default=0, compare=False)  # 0 when the fast parser read the deck


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A question an interviewer asks after a recall card's main answer, with its rubric."""

    question: str
    key_points: tuple[str, ...]
    answer: str | None = None
    line: int = field(default=0, compare=False)  # 0 when the fast parser read the deck


@dataclass(frozen=True, slots=True)
class Curve:
    """One curve of a plot: its height as an expression over the params and x."""

    y: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Marker:
    """A vertical line of a plot at an expression's value (`answer`: the learner's number)."""

    at: str
    label: str


@dataclass(frozen=True, slots=True)
class Plot:
    """What to draw beside a graded card's solution, for the numbers of one review."""

    x: str
    start: str
    end: str
    curves: tuple[Curve, ...]
    markers: tuple[Marker, ...] = ()
    title: str | None = None
    x_label: str | None = None
    y_label: str | None = None
    line: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Step:
    """One graded step of a derivation card."""

    prompt: str
    kind: StepKind
    answer: str | None = None
    solve: str | None = None
    symbols: dict[str, str] = field(default_factory=dict)
    tolerance: dict[str, float] = field(default_factory=dict)
    mistakes: tuple[Mistake, ...] = ()
    hint: str | None = None
    line: int = field(default=0, compare=False)  # 0 when the fast parser read the deck


@dataclass(frozen=True, slots=True)
class Card:
    """A card as written in a deck; graded cards are instantiated per review."""

    deck: str
    id: str
    kind: Kind
    prompt: str
    answer: str | None = None
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    difficulty: int | None = None
    hint: str | None = None
    solution: str | None = None
    notes: str | None = None
    params: tuple[tuple[str, str], ...] = ()
    constraints: tuple[str, ...] = ()
    solve: str | None = None
    symbols: dict[str, str] = field(default_factory=dict)
    tolerance: dict[str, float] = field(default_factory=dict)
    mistakes: tuple[Mistake, ...] = ()
    steps: tuple[Step, ...] = ()
    follow_ups: tuple[FollowUp, ...] = ()
    plot: Plot | None = None
    # code cards (trainer.coderun): the def and docstring shown, the worked solution (run
    # only by `trainer check`, in the sandbox), named checks, samples read as matrix rows
    signature: str | None = None
    reference: str | None = None
    checks: tuple[str, ...] = ()
    reshape: tuple[tuple[str, str], ...] = ()
    path: str = ""
    line: int = 0
    col: int = 1
    content_hash: str = ""

    @property
    def key(self) -> str:
        """The key review history is stored under: stable while the text changes."""
        return f"{self.deck}/{self.id}"

    @property
    def graded(self) -> bool:
        return self.kind in GRADED_KINDS


@dataclass(frozen=True, slots=True)
class Deck:
    id: str
    title: str
    path: str
    cards: tuple[Card, ...]
    requires: tuple[str, ...] = ()  # the solver plugins (package names) its cards call
    position: int | None = None  # its place when new cards come from each deck in turn


def study_order(decks: list[Deck]) -> list[Deck]:
    """Decks in the order their new cards are taken in turn: those with a `position` first,
    lowest first, then the rest; ties keep the order given (file-name order)."""
    return sorted(decks, key=lambda d: (d.position is None, d.position or 0))


@dataclass(slots=True)
class LoadResult:
    """Decks that loaded, and every problem found on the way (possibly both)."""

    decks: list[Deck] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def cards(self) -> list[Card]:
        return [card for deck in self.decks for card in deck.cards]
