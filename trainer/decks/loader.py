"""Load YAML decks safely, keeping the file position of every node for error messages."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainer.decks.collect import MAX_DECK_BYTES, deck_files, load_decks, read_deck_text
from trainer.decks.header import read_position, read_requires
from trainer.decks.model import (
    Card,
    Curve,
    Deck,
    FollowUp,
    Marker,
    Mistake,
    Plot,
    Problem,
    Step,
)
from trainer.decks.node_props import may_hold_anchor_alias_or_tag
from trainer.decks.spec import (
    ALL_CARD_FIELDS,
    CARD_KINDS,
    CURVE,
    DECK_FIELDS,
    FOLLOW_UP,
    GRADED_KINDS,
    KINDS,
    MARKER,
    MISTAKE,
    PLOT,
    STEP_KINDS,
    TOLERANCE_FIELDS,
    FieldSpec,
    RecordSpec,
)

try:  # a Rust YAML 1.2 parser, ten times faster than libyaml through PyYAML
    import yaml12 as _yaml12
except ImportError:  # pragma: no cover - the exact path alone is correct, only slower
    _yaml12 = None  # type: ignore[assignment]

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
DECK_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class DeckError(Exception):
    """A problem that stops one node from loading; collected, never raised to the user."""

    def __init__(self, message: str, line: int, col: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col


@dataclass(slots=True)
class Located:
    """A YAML value together with where it starts (1-based line and column)."""

    value: Any
    line: int
    col: int
    raw: Any = None  # the plain data, when the fast parser read it


Fields = dict[str, Located]  # a mapping's fields by name


_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT_HEX = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL = {
    "": None, "~": None, "null": None, "Null": None, "NULL": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan"),
}


def resolve_plain(value: str) -> Any:
    """A plain scalar read by the YAML 1.2 core schema, as the fast parser reads it.

    PyYAML follows YAML 1.1 (`yes` is true, `1e-3` is text); both parsers must
    agree, and 1.2 is what authors expect.
    """
    if value in _SPECIAL:
        return _SPECIAL[value]
    if _INT.match(value):
        return int(value)
    if _OCT_HEX.match(value):
        return int(value, 0)
    if _FLOAT.match(value):
        return float(value)
    return value


def _closest(name: str, known: Iterable[str]) -> str:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


class _CardReader:
    """Checks one card's fields, collecting problems instead of stopping at the first."""

    def __init__(self, path: str, card_id: str, problems: list[Problem]) -> None:
        self.path = path
        self.card_id = card_id
        self.problems = problems
        self.ok = True

    def problem(self, where: Located, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.path, where.line, where.col, self.card_id, message))

    def fields(self, node: Located, allowed: Iterable[str], known: Iterable[str],
               what: str) -> Fields:
        allowed = set(allowed)
        out: dict[str, Located] = {}
        for name, (key, value) in node.value.items():
            if name in allowed:
                out[name] = value
            elif name in known:
                self.problem(key, f"field {name!r} does not belong on {what}")
            else:
                self.problem(key, f"unknown field {name!r}{_closest(name, allowed)}")
        return out

    def text(self, fields: Fields, name: str, where: Located, *,
             required: bool = False) -> str | None:
        node = fields.get(name)
        if node is None or node.value is None:
            if required:
                self.problem(where, f"missing required field {name!r}")
            return None
        if isinstance(node.value, bool) or not isinstance(node.value, (str, int, float)):
            self.problem(node, f"{name!r} must be text")
            return None
        value = str(node.value)
        if required and not value.strip():
            self.problem(node, f"{name!r} is empty")
        return value

    def text_list(self, fields: Fields, name: str, min_items: int = 0) -> tuple[str, ...]:
        node = fields.get(name)
        if node is None or node.value is None:
            return ()
        if not isinstance(node.value, list):
            self.problem(node, f"{name!r} must be a list")
            return ()
        if len(node.value) < min_items:
            self.problem(node, f"{name!r} is empty" if min_items == 1
                         else f"{name!r} needs at least {min_items} items")
        out = []
        for item in node.value:
            if isinstance(item.value, (str, int, float)) and not isinstance(item.value, bool):
                out.append(str(item.value))
            else:
                self.problem(item, f"every item of {name!r} must be text")
        return tuple(out)

    def record(self, node: Located, spec: RecordSpec, fields: Fields, prefix: str = "",
               *, skip: tuple[str, ...] = ("id", "kind"), required: bool = True
               ) -> dict[str, Any]:
        """The values of `spec`'s fields (all but `skip`), read by their type."""
        out: dict[str, Any] = {}
        for fs in spec.fields:
            if fs.name in skip:
                continue
            present = fields.get(fs.name)
            if fs.required and required and (present is None or present.value is None):
                self.problem(node, prefix + spec.missing_message(fs))
            out[fs.name] = self.value(fs, spec, fields, node)
        return out

    def value(self, fs: FieldSpec, spec: RecordSpec, fields: Fields, node: Located) -> Any:
        """One field's value by its type; a missing field reads as its empty value."""
        match fs.type:
            case "text" | "expr":
                value = self.text(fields, fs.name, node)
                present = fields.get(fs.name)
                if fs.required and value is not None and not value.strip() and present:
                    self.problem(present, f"{fs.name!r} is empty")
                return value
            case "texts":
                return self.text_list(fields, fs.name, fs.min_items)
            case "difficulty":
                return self.difficulty(fields)
            case "params":
                return self.params(fields, fs.name)
            case "symbols":
                return self.symbols(fields)
            case "tolerance":
                return self.tolerance(fields)
            case "mistakes":
                return self.mistakes(fields)
            case "follow_ups":
                return self.follow_ups(fields)
            case "steps":
                return self.steps(fields, spec, fs)
            case "plot":
                return self.plot(fields)
            case "curves" | "markers":
                raise AssertionError("read inside a plot")  # pragma: no cover
        raise AssertionError(f"no reader for field type {fs.type!r}")  # pragma: no cover

    def difficulty(self, fields: Fields) -> int | None:
        d = fields.get("difficulty")
        if d is None or d.value is None:
            return None
        if isinstance(d.value, bool) or d.value not in (1, 2, 3):
            self.problem(d, "difficulty must be 1, 2 or 3")
            return None
        return int(d.value)

    def items(self, fields: Fields, name: str, spec: RecordSpec, must: str
              ) -> list[tuple[Located, dict[str, Any]]]:
        """The records of a list field that read without a problem, with their nodes."""
        node = fields.get(name)
        if node is None or node.value is None:
            return []
        if not isinstance(node.value, list):
            self.problem(node, f"{name!r} must be a list of {must}")
            return []
        out = []
        for item in node.value:
            if not isinstance(item.value, dict):
                needed = " and ".join(repr(f.name) for f in spec.fields if f.required)
                self.problem(item, f"{spec.what} must be a mapping with {needed}")
                continue
            before = len(self.problems)
            f = self.fields(item, spec.names, spec.names, spec.what)
            values = self.record(item, spec, f, skip=())
            if len(self.problems) == before:
                out.append((item, values))
        return out

    def symbols(self, fields: Fields) -> dict[str, str]:
        node = fields.get("symbols")
        if node is None or node.value is None:
            return {}
        if isinstance(node.value, str):
            out = {}
            for part in node.value.split(";"):
                if not part.strip():
                    continue
                name, sep, domain = part.partition(":")
                if not sep or not name.strip() or not domain.strip():
                    self.problem(node, f"symbols: expected 'name: domain', got {part.strip()!r}")
                    continue
                out[name.strip()] = domain.strip()
            return out
        if isinstance(node.value, dict):
            out = {}
            for name, (_key, value) in node.value.items():
                if not isinstance(value.value, str):
                    self.problem(value, f"the domain of symbol {name!r} must be text")
                    continue
                out[name] = value.value
            return out
        self.problem(node, "'symbols' must be a mapping of name: domain")
        return {}

    def tolerance(self, fields: Fields) -> dict[str, float]:
        node = fields.get("tolerance")
        if node is None or node.value is None:
            return {}
        if not isinstance(node.value, dict):
            self.problem(node, "'tolerance' must be a mapping like {rtol: 1e-3}")
            return {}
        out = {}
        for name, (key, value) in node.value.items():
            if name not in TOLERANCE_FIELDS:
                self.problem(key, f"unknown tolerance {name!r}{_closest(name, TOLERANCE_FIELDS)}")
            elif (
                isinstance(value.value, bool)
                or not isinstance(value.value, (int, float))
                or not 0 <= value.value < 1
            ):
                self.problem(value, f"{name} must be a number in [0, 1)")
            else:
                out[name] = float(value.value)
        return out

    def mistakes(self, fields: Fields) -> tuple[Mistake, ...]:
        return tuple(Mistake(**values, line=item.line) for item, values
                     in self.items(fields, "mistakes", MISTAKE, "{answer, feedback}"))

    def plot(self, fields: Fields) -> Plot | None:
        node = fields.get("plot")
        if node is None or node.value is None:
            return None
        if not isinstance(node.value, dict):
            self.problem(node, "'plot' must be a mapping with x, from, to and curves")
            return None
        before = len(self.problems)
        f = self.fields(node, PLOT.names, PLOT.names, PLOT.what)
        values = self.record(node, PLOT, {k: v for k, v in f.items()
                                          if k not in ("curves", "markers")}, "plot: ",
                             skip=("curves", "markers"))
        curves = tuple(Curve(**v) for _, v in self.items(f, "curves", CURVE, "{y, label}"))
        markers = tuple(Marker(**v) for _, v in self.items(f, "markers", MARKER, "{at, label}"))
        if "curves" not in f:
            self.problem(node, "plot: a plot needs 'curves': a list of {y, label}")
        elif not curves and len(self.problems) == before:
            self.problem(f["curves"], "plot: 'curves' is empty")
        x = values["x"]
        if x is not None and not PARAM_NAME.match(x):
            self.problem(f["x"], f"plot: x must be a name, got {x!r}")
        if len(self.problems) != before:
            return None
        return Plot(x=x, start=values["from"], end=values["to"], curves=curves, markers=markers,
                    title=values["title"], x_label=values["x_label"],
                    y_label=values["y_label"], line=node.line)

    def follow_ups(self, fields: Fields) -> tuple[FollowUp, ...]:
        return tuple(FollowUp(**values, line=item.line) for item, values in
                     self.items(fields, "follow_ups", FOLLOW_UP, "{question, key_points, answer}"))

    def params(self, fields: Fields, name: str = "params") -> tuple[tuple[str, str], ...]:
        node = fields.get(name)
        if node is None or node.value is None:
            return ()
        if not isinstance(node.value, dict):
            self.problem(node, f"{name!r} must be a mapping of name: expression")
            return ()
        out = []
        for name, (key, value) in node.value.items():
            if not PARAM_NAME.match(name):
                self.problem(key, f"param name {name!r} must be letters, digits and _")
            elif isinstance(value.value, bool) or not isinstance(value.value, (str, int, float)):
                self.problem(value, f"param {name!r} must be an expression")
            else:
                out.append((name, str(value.value)))
        return tuple(out)

    def steps(self, fields: Fields, card: RecordSpec, fs: FieldSpec) -> tuple[Step, ...]:
        node = fields.get(fs.name)
        if node is None or node.value is None:
            return ()  # reported as missing
        if not isinstance(node.value, list):
            self.problem(node, card.missing_message(fs))
            return ()
        n = len(node.value)
        if n < fs.min_items or fs.max_items is not None and n > fs.max_items:
            self.problem(node, f"{card.what} has {fs.min_items} to {fs.max_items} steps, not {n}")
        out = []
        for i, item in enumerate(node.value, 1):
            step = self.step(item, i)
            if step is not None:
                out.append(step)
        return tuple(out)

    def step(self, node: Located, number: int) -> Step | None:
        if not isinstance(node.value, dict):
            self.problem(node, f"step {number} must be a mapping")
            return None
        kind_node = node.value.get("kind", (None, None))[1]
        kind = kind_node.value if kind_node is not None else None
        spec = STEP_KINDS.get(kind) if isinstance(kind, str) else None
        if kind_node is None or kind is None:
            self.problem(node, "missing required field 'kind'")
        elif spec is None:
            self.problem(kind_node, f"step kind must be one of {', '.join(STEP_KINDS)}")
        # a step of unknown kind is still checked, without the fields that depend on its kind
        checked = spec or next(iter(STEP_KINDS.values()))
        f = self.fields(node, checked.names, checked.names, "a step")
        values = self.record(node, checked, f, f"step {number}: ", skip=("kind",),
                             required=spec is not None)
        step_kind: Any = spec.name if spec is not None else ""  # "": the step is refused
        return Step(kind=step_kind, line=node.line, **values)


def _content_hash(raw: Located) -> str:
    """A hash of what the card says (not where it is), to flag cards edited since review."""

    def plain(node: Located) -> Any:
        if isinstance(node.value, dict):
            return {k: plain(v) for k, (_, v) in node.value.items()}
        if isinstance(node.value, list):
            return [plain(v) for v in node.value]
        return node.value

    data = raw.raw if raw.raw is not None else plain(raw)
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(body.encode(), digest_size=8).hexdigest()


def _read_card(
    node: Located, deck_id: str, path: str, problems: list[Problem]
) -> tuple[str, Card | None]:
    """The card's id (even when the card is broken) and the card, or None if broken."""
    if not isinstance(node.value, dict):
        problems.append(Problem(path, node.line, node.col, "", "a card must be a mapping"))
        return "", None
    id_node = node.value.get("id", (None, None))[1]
    card_id = str(id_node.value) if id_node is not None and id_node.value is not None else ""
    reader = _CardReader(path, card_id, problems)
    if id_node is None:
        reader.problem(node, "missing required field 'id'")
    elif not isinstance(id_node.value, str) or not ID_PATTERN.match(id_node.value):
        reader.problem(id_node, "id must be lowercase letters, digits, '-', '_' or '.'")
    kind_node = node.value.get("kind", (None, None))[1]
    kind: Any = kind_node.value if kind_node is not None else None  # checked just below
    if kind_node is None:
        reader.problem(node, "missing required field 'kind'")
        kind = "recall"
    elif kind not in KINDS:
        reader.problem(kind_node, f"unknown kind {kind!r}{_closest(str(kind), KINDS)}; "
                                  f"one of {', '.join(KINDS)}")
        # check the rest as the kind it was most likely meant to be, so that one typo
        # does not bring a cascade of problems that belong to another kind
        guess = difflib.get_close_matches(str(kind), list(KINDS), n=1, cutoff=0.6)
        kind = guess[0] if guess else "recall"
    spec = CARD_KINDS[kind]
    f = reader.fields(node, spec.names, ALL_CARD_FIELDS, spec.what)
    values = reader.record(node, spec, f)
    card = Card(
        deck=deck_id,
        id=card_id,
        kind=kind,
        **values,
        path=path,
        line=node.line,
        col=node.col,
        content_hash=_content_hash(node),
    )
    return card_id, card if reader.ok else None


_CARD_ID = re.compile(r"^( *)(?:- +)?(id): *(['\"]?)([A-Za-z0-9_.-]+)\3 *(?:#.*)?$", re.M)
_KEY_LINES = re.compile(r"^ *(?:- +)*[A-Za-z_][\w-]* *:(?: |$)", re.M)


_NOWHERE = Located(None, 0, 0)  # stands for every key read by the fast parser


def _plain_to_located(value: Any, counter: list[int]) -> Located:
    """Wrap plain data as Located (positions unknown), counting mapping entries."""
    if isinstance(value, dict):
        counter[0] += len(value)
        return Located({k: (_NOWHERE, _plain_to_located(v, counter)) for k, v in value.items()},
                       0, 0)
    if isinstance(value, list):
        return Located([_plain_to_located(v, counter) for v in value], 0, 0)
    return Located(value, 0, 0)


# py-yaml12 reads a few plain scalars as numbers that YAML 1.2 reads as text (`+-1` as -1,
# `++1` as 1, `0x+1` as 1): where one may stand as a whole scalar, the exact parser reads
# the deck (found inside a sentence, it only costs that deck the fast path)
_MISREAD_AS_NUMBER = re.compile(r"(?:\+[+-]|0[xXoO][+-])[0-9a-fA-F]")
_BEFORE_A_SCALAR = frozenset(" \t\r\n:[]{},-")


def _may_be_misread(text: str) -> bool:
    return any(m.start() == 0 or text[m.start() - 1] in _BEFORE_A_SCALAR
               for m in _MISREAD_AS_NUMBER.finditer(text))


def _fast_root(text: str, no_aliases: bool = False) -> Located | None:
    """Parse with the fast YAML 1.2 parser when the exact one would read the same data.

    Text that may hold anchors, aliases or tags, or a repeated key, goes the exact
    way, which refuses them with their positions. Card positions come from their
    `id:` lines; a card whose id line is not found also sends the deck the exact way.
    `no_aliases`: the text's writer wrote none of them (`trainer import`), so the
    guess from the text (trainer.decks.node_props) is not needed.
    """
    if _yaml12 is None or (not no_aliases and may_hold_anchor_alias_or_tag(text)):
        return None
    if _may_be_misread(text):
        return None
    try:
        data = _yaml12.parse_yaml(text)
    except Exception:  # noqa: BLE001 - any failure: the exact parser will explain it
        return None
    if not isinstance(data, dict) or not isinstance(data.get("cards"), list):
        return None
    # The fast parser keeps the last of two equal keys without a word. Every key
    # line must therefore be one entry of the data; when the counts differ (a
    # repeated key, a flow mapping, a `key:` line inside a text block) the exact
    # parser decides.
    entries = [0]
    root = _plain_to_located(data, entries)
    if len(_KEY_LINES.findall(text)) != entries[0]:
        return None
    positions: dict[str, tuple[int, int]] = {}
    line, counted = 1, 0
    for match in _CARD_ID.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        positions.setdefault(match.group(4), (line, match.start(2) - match.start() + 1))
    for item in root.value["cards"][1].value:
        if not isinstance(item.value, dict) or "id" not in item.value:
            return None
        card_id = item.value["id"][1].value
        if not isinstance(card_id, str) or card_id not in positions:
            return None
        item.line, item.col = positions.pop(card_id)
    cards = data["cards"]
    if not isinstance(cards, list):  # checked above; said again for the type checker
        return None
    for item, raw in zip(root.value["cards"][1].value, cards, strict=True):
        item.raw = raw
    return root


def load_text(text: str, path: str, *,
              no_aliases: bool = False) -> tuple[Deck | None, list[Problem]]:
    """Load one deck from its text; problems carry `path` and positions within it.

    A valid deck is read by a fast parser; a deck with problems is read again by
    the exact one, so that every problem has its line and column. `no_aliases`: the
    caller wrote the text without YAML anchors, aliases or tags (see _fast_root).
    """
    root = _fast_root(text, no_aliases)
    if root is not None:
        deck, problems = _read_deck(root, path)
        if not problems:
            return deck, problems
    from trainer.decks.exact import compose  # PyYAML: only for decks with problems
    from trainer.decks.structure import attribute, explain_syntax

    try:
        exact = compose(text, path)
    except DeckError as exc:
        message = explain_syntax(text, exc.line, exc.message)
        return None, attribute([Problem(path, exc.line, exc.col, "", message)], text)
    deck, problems = _read_deck(exact, path)
    return deck, attribute(problems, text)


def _read_deck(root: Located | None, path: str) -> tuple[Deck | None, list[Problem]]:
    problems: list[Problem] = []
    if root is None or not isinstance(root.value, dict):
        where = root or Located(None, 1, 1)
        return None, [Problem(path, where.line, where.col, "",
                              "a deck is a mapping with 'deck', 'title' and 'cards'")]
    fields: Fields = {}
    for name, (key, value) in root.value.items():
        if name in DECK_FIELDS:
            fields[name] = value
        else:
            problems.append(Problem(path, key.line, key.col, "",
                                    f"unknown deck field {name!r}{_closest(name, DECK_FIELDS)}"))
    deck_id = fields.get("deck")
    if deck_id is None:
        problems.append(Problem(path, root.line, root.col, "", "missing required field 'deck'"))
        return None, problems
    if not isinstance(deck_id.value, str) or not DECK_ID_PATTERN.match(deck_id.value):
        problems.append(Problem(path, deck_id.line, deck_id.col, "",
                                "deck id must be lowercase letters, digits and '-'"))
        return None, problems
    title = fields.get("title")
    if title is None or not isinstance(title.value, str):
        problems.append(Problem(path, (title or root).line, (title or root).col, "",
                                "missing required field 'title' (text)"))
    cards_node = fields.get("cards")
    cards: list[Card] = []
    if cards_node is not None and cards_node.value is None:
        pass  # `cards:` and no card yet (a new deck, its examples commented out)
    elif cards_node is None or not isinstance(cards_node.value, list):
        where = cards_node or root
        problems.append(Problem(path, where.line, where.col, "", "'cards' must be a list of cards"))
    else:
        seen: dict[str, int] = {}
        for item in cards_node.value:
            card_id, card = _read_card(item, deck_id.value, path, problems)
            if card_id and card_id in seen:
                problems.append(Problem(path, item.line, item.col, card_id,
                                        f"duplicate id {card_id!r}: also at {path}:{seen[card_id]}"))
                continue
            if card_id:
                seen[card_id] = item.line
            if card is not None:
                cards.append(card)
    title_text = title.value if title is not None and isinstance(title.value, str) else deck_id.value
    requires = read_requires(fields.get("requires"), path, problems)
    position = read_position(fields.get("position"), path, problems)
    return Deck(deck_id.value, title_text, path, tuple(cards), requires, position), problems


def load_file(path: Path) -> tuple[Deck | None, list[Problem]]:
    """Load one deck file; an unreadable file is a problem, not an exception."""
    text, problems = read_deck_text(path)
    return (None, problems) if text is None else load_text(text, str(path))


__all__ = ["GRADED_KINDS", "MAX_DECK_BYTES", "DeckError", "deck_files", "load_decks", "load_file",
           "load_text", "read_deck_text"]


def compose(text: str, path: str) -> Located | None:
    """Parse YAML text into Located values by the exact path (see trainer.decks.exact)."""
    from trainer.decks.exact import compose as exact_compose

    return exact_compose(text, path)
