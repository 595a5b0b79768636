"""The browser's search language, parsed into terms each card is tested against.

    deck:mle-map-grill tag:kl is:suspended due:<7 prop:r<0.8 "fisher" -kind:recall

Words and quoted phrases match the prompt, answer and key points (any case). `deck:`,
`tag:` and `kind:` match exactly (`*` is a wildcard). `is:` is one of new, learning,
review, relearning, suspended, buried, leech, edited. `due:<7` is due within 7 days
(overdue included), `due:>30` due later than 30 days from now. `prop:` compares r
(retrievability), s (stability, days), d (difficulty), reps or lapses: `prop:r<0.8`.
A leading `-` negates a term. Terms are and-ed.

The state terms also compile to a WHERE clause over the store's `cards` table, so that
a query such as `is:review prop:r<0.8` reads only the rows it can match.
"""

from __future__ import annotations

import fnmatch
import operator
import re
import shlex
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trainer.decks.model import Card
from trainer.review import State
from trainer.scheduling.fsrs_scheduler import DEFAULT_DECAY
from trainer.store import CardState

DAY = 86400.0
LEECH_LAPSES = 8  # the same threshold as the statistics' leeches (trainer.stats)
IS_VALUES = ("new", "learning", "review", "relearning", "suspended", "buried", "leech", "edited")
PROPS = ("r", "s", "d", "reps", "lapses")
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt, "=": operator.eq,
}
_COMPARISON = re.compile(r"^(<=|>=|<|>|=)?(-?\d+(?:\.\d+)?)$")


class QueryError(ValueError):
    """The query can not be read; the message says which word and why."""


def recall(stability: float, last_review: float, now: float, decay: float = DEFAULT_DECAY) -> float:
    """FSRS-6's forgetting curve, R = (1 + f·t/S)^-d with R(S) = 0.9, over whole days
    elapsed as fsrs counts them, so the browser agrees with the scheduler."""
    days = max(0, int((now - last_review) // DAY))
    return float((1 + (0.9 ** (-1 / decay) - 1) * days / stability) ** -decay)


def retrievability(state: CardState | None, now: float,
                   decay: float = DEFAULT_DECAY) -> float | None:
    """The chance of recalling the card now (None for a card never reviewed), on the
    curve of the deck's FSRS parameters (`decay`: their w20; see Scheduler.decay_for)."""
    if state is None or state.state == State.NEW or not state.stability or state.last_review is None:
        return None
    return recall(state.stability, state.last_review, now, decay)


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query: a field, what it must match, and whether it is negated."""

    field: str  # text, deck, tag, kind, is, due, prop
    value: str
    negated: bool = False
    op: str = ""
    number: float = 0.0
    prop: str = ""

    def matches(self, card: Card, state: CardState | None, text: str, now: float,
                decay: float = DEFAULT_DECAY) -> bool:
        """`decay`: the forgetting curve of the card's deck (prop:r)."""
        return self._test(card, state, text, now, decay) != self.negated

    def _test(self, card: Card, state: CardState | None, text: str, now: float,
              decay: float) -> bool:
        f = self.field
        if f == "text":
            return self.value in text
        if f == "deck":
            return fnmatch.fnmatchcase(card.deck, self.value)
        if f == "tag":
            if not any(c in self.value for c in "*?["):
                return any(t.lower() == self.value for t in card.tags)  # no wildcard
            return any(fnmatch.fnmatchcase(t.lower(), self.value) for t in card.tags)
        if f == "kind":
            return card.kind == self.value
        if f == "is":
            return _is(self.value, card, state, now)
        if f == "due":
            if state is None or state.state == State.NEW:
                return False
            return _OPS[self.op]((state.due - now) / DAY, self.number)
        if f == "prop":
            value = _prop(self.prop, state, now, decay)
            return value is not None and _OPS[self.op](value, self.number)
        raise AssertionError(f)

    def sql(self) -> tuple[str, list[object]] | None:
        """A WHERE clause every stored row this term matches satisfies; None when the
        term says nothing about stored rows or can match a card with no row at all."""
        if self.negated:
            return None
        if self.field == "is":
            clause = {
                "learning": f"state = {State.LEARNING:d}",
                "review": f"state = {State.REVIEW:d}",
                "relearning": f"state = {State.RELEARNING:d}",
                "suspended": "suspended = 1",
                "buried": "buried_until IS NOT NULL",
                "leech": f"lapses >= {LEECH_LAPSES:d}",
                "edited": "last_review IS NOT NULL",
            }.get(self.value)
            return None if clause is None else (clause, [])
        if self.field == "due":
            return (f"state > {State.NEW:d}", [])
        if self.field == "prop":
            if self.prop in ("reps", "lapses"):  # a card with no row has 0 of each
                return None
            column = {"s": "stability", "d": "difficulty"}.get(self.prop)
            if column is None:  # retrievability is computed, not stored
                return (f"state > {State.NEW:d}", [])
            return (f"{column} {'=' if self.op == '=' else self.op} ?", [self.number])
        if self.field == "deck" and "*" not in self.value:
            return ("deck = ?", [self.value])
        return None

    @property
    def reads_card_only(self) -> bool:
        """True when the term looks at the card (and its text) alone, not at its state."""
        return self.field in ("text", "deck", "tag", "kind")

    @property
    def settled_by_sql(self) -> bool:
        """True when every stored row its WHERE clause reads matches the term: the search
        need not test it again on a card with a row."""
        if self.negated:
            return False
        if self.field == "is":
            return self.value in ("learning", "review", "relearning", "suspended", "leech")
        return self.field == "deck" and "*" not in self.value


def _is(value: str, card: Card, state: CardState | None, now: float) -> bool:
    if value == "new":
        return state is None or state.state == State.NEW
    if value in ("learning", "review", "relearning"):
        return state is not None and state.state.label == value
    if state is None:
        return False
    if value == "suspended":
        return state.suspended
    if value == "buried":
        return state.buried(now)
    if value == "leech":
        return state.lapses >= LEECH_LAPSES
    if value == "edited":  # the deck text changed since the card was last reviewed
        return (state.last_review is not None and bool(state.content_hash)
                and bool(card.content_hash) and state.content_hash != card.content_hash)
    raise AssertionError(value)


def _prop(name: str, state: CardState | None, now: float, decay: float) -> float | None:
    if name == "r":
        return retrievability(state, now, decay)
    if state is None:
        return 0.0 if name in ("reps", "lapses") else None
    return {"s": state.stability, "d": state.difficulty,
            "reps": float(state.reps), "lapses": float(state.lapses)}[name]


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: every term must match."""

    text: str
    terms: tuple[Term, ...]

    def matches(self, card: Card, state: CardState | None, text: str, now: float,
                decay: float = DEFAULT_DECAY) -> bool:
        return all(t.matches(card, state, text, now, decay) for t in self.terms)

    def left_to_test(self) -> tuple[Term, ...]:
        """The terms the stored rows read by `where` do not already settle."""
        return tuple(t for t in self.terms if not t.settled_by_sql)

    def decks(self, known: Sequence[str]) -> list[str]:
        """Those of the known decks a card must be in to match (the deck terms)."""
        out = list(known)
        for t in self.terms:
            if t.field == "deck":
                out = [d for d in out if fnmatch.fnmatchcase(d, t.value) != t.negated]
        return out

    def needs_row(self) -> bool:
        """True when only cards with a stored state can match (no new card without a row)."""
        return any(t.sql() is not None and t.field != "deck" for t in self.terms)

    def where(self) -> tuple[str, list[object]]:
        """The WHERE clause (with its arguments) narrowing the stored rows to read."""
        clauses, args = [], []
        for term in self.terms:
            compiled = term.sql()
            if compiled is not None:
                clauses.append(f"({compiled[0]})")
                args.extend(compiled[1])
        return (" AND ".join(clauses) or "1", args)


def _split(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        raise QueryError(f"unclosed quote in {text!r}") from None


def _comparison(word: str, rest: str) -> tuple[str, float]:
    m = _COMPARISON.match(rest)
    if not m:
        raise QueryError(f"{word!r}: expected a comparison such as <7, >30 or =2")
    return m.group(1) or "=", float(m.group(2))


def parse(text: str) -> Query:
    """Parse a query; raises QueryError naming the word it could not read."""
    terms: list[Term] = []
    for word in _split(text):
        negated = word.startswith("-") and len(word) > 1
        body = word[1:] if negated else word
        field, colon, value = body.partition(":")
        field = field.lower()
        if not colon or field not in ("deck", "tag", "kind", "is", "due", "prop"):
            terms.append(Term("text", body.lower(), negated))
            continue
        if not value:
            raise QueryError(f"{word!r}: give a value after {field}:")
        if field == "is":
            if value.lower() not in IS_VALUES:
                raise QueryError(f"{word!r}: is: takes one of {', '.join(IS_VALUES)}")
            terms.append(Term("is", value.lower(), negated))
        elif field == "kind":
            from trainer.decks.spec import KINDS

            if value.lower() not in KINDS:
                raise QueryError(f"{word!r}: kind: takes one of {', '.join(KINDS)}")
            terms.append(Term("kind", value.lower(), negated))
        elif field == "due":
            op, number = _comparison(word, value)
            terms.append(Term("due", value, negated, op=op, number=number))
        elif field == "prop":
            m = re.match(r"^([a-z]+)(.*)$", value.lower())
            name = m.group(1) if m else ""
            if name not in PROPS:
                raise QueryError(f"{word!r}: prop: takes one of {', '.join(PROPS)}, as in prop:r<0.8")
            op, number = _comparison(word, m.group(2) if m else "")
            terms.append(Term("prop", value, negated, op=op, number=number, prop=name))
        else:
            terms.append(Term(field, value.lower() if field == "tag" else value, negated))
    return Query(text, tuple(terms))


def card_text(card: Card) -> str:
    """What free text searches: id, prompt, answer and key points, in lower case."""
    return "\n".join((card.id, card.prompt, card.answer or "", *card.key_points)).lower()


class TextIndex:
    """The loaded cards grouped for searching, built once and kept (the cards do not
    change): each deck's (key, card) pairs in file order, decks in order of first
    appearance (a deck: term reads only its decks' cards); the cards' searchable text and
    each card by its key are made when first asked for (only a text term reads the text)."""

    def __init__(self, cards: Sequence[Card]) -> None:
        self.cards = list(cards)
        keyed: dict[str, list[tuple[str, Card]]] = {}
        for card in self.cards:
            deck = card.deck
            pairs = keyed.get(deck)
            if pairs is None:
                pairs = keyed[deck] = []
            pairs.append((f"{deck}/{card.id}", card))  # Card.key, without its call
        self.keyed = keyed
        self._text: dict[str, str] | None = None
        self._card_of: dict[str, Card] | None = None
        self._lock = threading.Lock()  # the text is made once, whichever thread asks

    @property
    def text(self) -> dict[str, str]:
        """Each card's searchable text (card_text) by its key."""
        if self._text is None:
            with self._lock:
                if self._text is None:
                    self._text = {key: card_text(card) for pairs in self.keyed.values()
                                  for key, card in pairs}
        return self._text

    @property
    def text_ready(self) -> bool:
        return self._text is not None

    @property
    def card_of(self) -> dict[str, Card]:
        """Each loaded card by its key."""
        if self._card_of is None:
            self._card_of = {key: card for pairs in self.keyed.values() for key, card in pairs}
        return self._card_of


class LazyIndex:
    """One deck load's TextIndex, made once by whichever thread asks first: the app has it
    made in the background after the first card, so the browser opens on it at once."""

    def __init__(self, cards: Callable[[], Sequence[Card]]) -> None:
        self._cards = cards
        self._index: TextIndex | None = None
        self._lock = threading.Lock()

    def get(self) -> TextIndex:
        """The index, made now if no thread has (waits for one making it)."""
        if self._index is None:
            with self._lock:
                if self._index is None:
                    self._index = TextIndex(self._cards())
        return self._index

    def ready(self) -> TextIndex | None:
        """The index if it is made, without waiting."""
        return self._index

    def build(self) -> None:
        """Make all of it: the groups, the text and the cards by key."""
        index = self.get()
        index.text  # noqa: B018 - made now, not at the first text search
        index.card_of  # noqa: B018
