"""The card and deck records that the loader builds from YAML."""

# Plain classes on trainer.record.Record, not @dataclass: these ten are read before the
# first card, and building them as dataclasses at import was ~40 M instructions.

from __future__ import annotations

from typing import Any

from trainer.decks.spec import GRADED_KINDS, Kind, StepKind
from trainer.record import Record

_set = object.__setattr__


class Problem(Record):
    """One thing wrong with a deck, located at a file, line and column (1-based)."""

    __slots__ = ("path", "line", "col", "card_id", "message")
    path: str
    line: int
    col: int
    card_id: str
    message: str

    def __init__(self, path: str, line: int, col: int, card_id: str, message: str) -> None:
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "card_id", card_id)
        _set(self, "message", message)

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


class Mistake(Record):
    """A known wrong answer and the feedback to show when the learner gives it."""

    __slots__ = ("answer", "feedback", "line")
    _uncompared = frozenset({"line"})
    answer: str
    feedback: str
    line: int  # 0 when the fast parser read the deck

    def __init__(self, answer: str, feedback: str, line: int = 0) -> None:
        _set(self, "answer", answer)
        _set(self, "feedback", feedback)
        _set(self, "line", line)


class FollowUp(Record):
    """A question an interviewer asks after a recall card's main answer, with its rubric."""

    __slots__ = ("question", "key_points", "answer", "line")
    _uncompared = frozenset({"line"})
    question: str
    key_points: tuple[str, ...]
    answer: str | None
    line: int  # 0 when the fast parser read the deck

    def __init__(self, question: str, key_points: tuple[str, ...], answer: str | None = None,
                 line: int = 0) -> None:
        _set(self, "question", question)
        _set(self, "key_points", key_points)
        _set(self, "answer", answer)
        _set(self, "line", line)


class Curve(Record):
    """One curve of a plot: its height as an expression over the params and x."""

    __slots__ = ("y", "label")
    y: str
    label: str | None

    def __init__(self, y: str, label: str | None = None) -> None:
        _set(self, "y", y)
        _set(self, "label", label)


class Marker(Record):
    """A vertical line of a plot at an expression's value (`answer`: the learner's number)."""

    __slots__ = ("at", "label")
    at: str
    label: str

    def __init__(self, at: str, label: str) -> None:
        _set(self, "at", at)
        _set(self, "label", label)


class Plot(Record):
    """What to draw beside a graded card's solution, for the numbers of one review."""

    __slots__ = ("x", "start", "end", "curves", "markers", "title", "x_label", "y_label", "line")
    _uncompared = frozenset({"line"})
    x: str
    start: str
    end: str
    curves: tuple[Curve, ...]
    markers: tuple[Marker, ...]
    title: str | None
    x_label: str | None
    y_label: str | None
    line: int

    def __init__(self, x: str, start: str, end: str, curves: tuple[Curve, ...],
                 markers: tuple[Marker, ...] = (), title: str | None = None,
                 x_label: str | None = None, y_label: str | None = None,
                 line: int = 0) -> None:
        _set(self, "x", x)
        _set(self, "start", start)
        _set(self, "end", end)
        _set(self, "curves", curves)
        _set(self, "markers", markers)
        _set(self, "title", title)
        _set(self, "x_label", x_label)
        _set(self, "y_label", y_label)
        _set(self, "line", line)


class Step(Record):
    """One graded step of a derivation card."""

    __slots__ = ("prompt", "kind", "answer", "solve", "symbols", "tolerance", "mistakes",
                 "hint", "line", "up_to_constant")
    _uncompared = frozenset({"line"})
    prompt: str
    kind: StepKind
    answer: str | None
    solve: str | None
    symbols: dict[str, str]
    tolerance: dict[str, float]
    mistakes: tuple[Mistake, ...]
    hint: str | None
    line: int  # 0 when the fast parser read the deck
    up_to_constant: tuple[str, ...]  # symbols the answer may differ by a term free of

    def __init__(self, prompt: str, kind: StepKind, answer: str | None = None,
                 solve: str | None = None, symbols: dict[str, str] | None = None,
                 tolerance: dict[str, float] | None = None, mistakes: tuple[Mistake, ...] = (),
                 hint: str | None = None, line: int = 0,
                 up_to_constant: tuple[str, ...] = ()) -> None:
        _set(self, "prompt", prompt)
        _set(self, "kind", kind)
        _set(self, "answer", answer)
        _set(self, "solve", solve)
        _set(self, "symbols", {} if symbols is None else symbols)
        _set(self, "tolerance", {} if tolerance is None else tolerance)
        _set(self, "mistakes", mistakes)
        _set(self, "hint", hint)
        _set(self, "line", line)
        _set(self, "up_to_constant", tuple(up_to_constant))


class Card(Record):
    """A card as written in a deck; graded cards are instantiated per review."""

    __slots__ = ("deck", "id", "kind", "prompt", "answer", "key_points", "tags", "difficulty",
                 "hint", "solution", "notes", "params", "constraints", "solve", "symbols",
                 "tolerance", "up_to_constant", "mistakes", "steps", "follow_ups", "plot",
                 "signature", "reference", "checks", "reshape", "path", "line", "col",
                 "content_hash")
    deck: str
    id: str
    kind: Kind
    prompt: str
    answer: str | None
    key_points: tuple[str, ...]
    tags: tuple[str, ...]
    difficulty: int | None
    hint: str | None
    solution: str | None
    notes: str | None
    params: tuple[tuple[str, str], ...]
    constraints: tuple[str, ...]
    solve: str | None
    symbols: dict[str, str]
    tolerance: dict[str, float]
    up_to_constant: tuple[str, ...]
    mistakes: tuple[Mistake, ...]
    steps: tuple[Step, ...]
    follow_ups: tuple[FollowUp, ...]
    plot: Plot | None
    # code cards (trainer.coderun): the def and docstring shown, the worked solution (run
    # only by `trainer check`, in the sandbox), named checks, samples read as matrix rows
    signature: str | None
    reference: str | None
    checks: tuple[str, ...]
    reshape: tuple[tuple[str, str], ...]
    path: str
    line: int
    col: int
    content_hash: str

    def __init__(self, deck: str, id: str, kind: Kind, prompt: str,  # noqa: A002 - the field
                 answer: str | None = None, key_points: tuple[str, ...] = (),
                 tags: tuple[str, ...] = (), difficulty: int | None = None,
                 hint: str | None = None, solution: str | None = None,
                 notes: str | None = None, params: tuple[tuple[str, str], ...] = (),
                 constraints: tuple[str, ...] = (), solve: str | None = None,
                 symbols: dict[str, str] | None = None,
                 tolerance: dict[str, float] | None = None,
                 up_to_constant: tuple[str, ...] = (),
                 mistakes: tuple[Mistake, ...] = (), steps: tuple[Step, ...] = (),
                 follow_ups: tuple[FollowUp, ...] = (), plot: Plot | None = None,
                 signature: str | None = None, reference: str | None = None,
                 checks: tuple[str, ...] = (), reshape: tuple[tuple[str, str], ...] = (),
                 path: str = "", line: int = 0, col: int = 1, content_hash: str = "") -> None:
        _set(self, "deck", deck)
        _set(self, "id", id)
        _set(self, "kind", kind)
        _set(self, "prompt", prompt)
        _set(self, "answer", answer)
        _set(self, "key_points", key_points)
        _set(self, "tags", tags)
        _set(self, "difficulty", difficulty)
        _set(self, "hint", hint)
        _set(self, "solution", solution)
        _set(self, "notes", notes)
        _set(self, "params", params)
        _set(self, "constraints", constraints)
        _set(self, "solve", solve)
        _set(self, "symbols", {} if symbols is None else symbols)
        _set(self, "tolerance", {} if tolerance is None else tolerance)
        _set(self, "up_to_constant", tuple(up_to_constant))
        _set(self, "mistakes", mistakes)
        _set(self, "steps", steps)
        _set(self, "follow_ups", follow_ups)
        _set(self, "plot", plot)
        _set(self, "signature", signature)
        _set(self, "reference", reference)
        _set(self, "checks", checks)
        _set(self, "reshape", reshape)
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "col", col)
        _set(self, "content_hash", content_hash)

    @property
    def key(self) -> str:
        """The key review history is stored under: stable while the text changes."""
        return f"{self.deck}/{self.id}"

    @property
    def graded(self) -> bool:
        return self.kind in GRADED_KINDS


class Deck(Record):
    __slots__ = ("id", "title", "path", "cards", "requires", "position")
    id: str
    title: str
    path: str
    cards: tuple[Card, ...]
    requires: tuple[str, ...]  # the solver plugins (package names) its cards call
    position: int | None  # its place when new cards come from each deck in turn

    def __init__(self, id: str, title: str, path: str, cards: tuple[Card, ...],  # noqa: A002
                 requires: tuple[str, ...] = (), position: int | None = None) -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "path", path)
        _set(self, "cards", cards)
        _set(self, "requires", requires)
        _set(self, "position", position)

    def with_cards(self, cards: tuple[Card, ...]) -> Deck:
        """The same deck holding these cards instead."""
        return Deck(self.id, self.title, self.path, cards, self.requires, self.position)


def study_order(decks: list[Deck]) -> list[Deck]:
    """Decks in the order their new cards are taken in turn: those with a `position` first,
    lowest first, then the rest; ties keep the order given (file-name order)."""
    return sorted(decks, key=lambda d: (d.position is None, d.position or 0))


class LoadResult:
    """Decks that loaded, and every problem found on the way (possibly both)."""

    __slots__ = ("decks", "problems")

    def __init__(self, decks: list[Deck] | None = None,
                 problems: list[Problem] | None = None) -> None:
        self.decks: list[Deck] = [] if decks is None else decks
        self.problems: list[Problem] = [] if problems is None else problems

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, LoadResult)
        return (self.decks, self.problems) == (other.decks, other.problems)

    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable, as its dataclass was

    def __repr__(self) -> str:
        return f"LoadResult(decks={self.decks!r}, problems={self.problems!r})"

    @property
    def cards(self) -> list[Card]:
        return [card for deck in self.decks for card in deck.cards]
