"""The deck format as data: one table per card kind, from which every check is derived.

The loader reads fields by their `type`, `trainer validate` parses expression
fields in their `language`, the exercise grades against each kind's
`reference`, and `json_schema` describes the same rules for editors. A new
card kind is one more `KindSpec` in `CARD_KINDS`.
"""

from __future__ import annotations

from typing import Any, Literal

from trainer.record import Record

# How a field's value is read (and described in the JSON Schema).
FieldType = Literal[
    "id",          # a card id: [a-z0-9][a-z0-9_.-]*
    "kind",        # one of the kinds of the table the field sits in
    "text",        # text (numbers are read as their text); Markdown where shown to the learner
    "expr",        # text in the deck's expression language (see `Language`)
    "texts",       # a list of text
    "difficulty",  # 1, 2 or 3
    "params",      # a mapping name -> expression
    "symbols",     # a mapping name -> domain, or the string "p: (0,1); n: positive integer"
    "tolerance",   # {rtol, atol}, each in [0, 1)
    "mistakes",    # a list of MISTAKE records
    "steps",       # a list of derivation steps (STEP_KINDS)
    "follow_ups",  # a list of FOLLOW_UP records
    "plot",        # a PLOT record: curves and markers drawn after grading
    "curves",      # a list of CURVE records (in a plot)
    "markers",     # a list of MARKER records (in a plot)
    "packages",    # a list of Python package names, as pip installs them
]

# Which functions and names an expression may use (trainer.exercises.validate):
#   param   - drawing functions over earlier params
#   solve   - registry solvers and computing functions, over params (and symbols)
#   formula - a formula over symbols and params, with the grader's functions only
Language = Literal["param", "solve", "formula"]

Kind = Literal["recall", "numeric", "symbolic", "derivation", "code"]
StepKind = Literal["numeric", "symbolic"]


_set = object.__setattr__  # a record's fields are set once, in __init__


class FieldSpec(Record):
    """One field of a card, step, mistake or follow-up."""

    __slots__ = ("name", "type", "doc", "required", "language", "missing", "min_items",
                 "max_items")
    name: str
    type: FieldType
    doc: str
    required: bool
    language: Language | None  # for "expr" fields
    missing: str  # said after "a numeric card needs 'solve'" when it is missing
    min_items: int  # lists: how many items at least (and at most, below)
    max_items: int | None

    def __init__(self, name: str, type: FieldType, doc: str,  # noqa: A002
                 required: bool = False, language: Language | None = None, missing: str = "",
                 min_items: int = 0, max_items: int | None = None) -> None:
        _set(self, "name", name)
        _set(self, "type", type)
        _set(self, "doc", doc)
        _set(self, "required", required)
        _set(self, "language", language)
        _set(self, "missing", missing)
        _set(self, "min_items", min_items)
        _set(self, "max_items", max_items)


class RecordSpec(Record):
    """A mapping in a deck: a card of one kind, a step of one kind, a mistake, a follow-up."""

    __slots__ = ("name", "what", "fields", "reference", "mistake_language", "over_symbols")
    name: str  # the kind, or the record's name
    what: str  # how messages name it: "a numeric card"
    fields: tuple[FieldSpec, ...]
    # graded kinds: the field whose value the learner's answer is graded against,
    # the language of mistake answers, and whether symbols are names in expressions
    reference: str | None
    mistake_language: Language | None
    over_symbols: bool

    def __init__(self, name: str, what: str, fields: tuple[FieldSpec, ...],
                 reference: str | None = None, mistake_language: Language | None = None,
                 over_symbols: bool = False) -> None:
        _set(self, "name", name)
        _set(self, "what", what)
        _set(self, "fields", fields)
        _set(self, "reference", reference)
        _set(self, "mistake_language", mistake_language)
        _set(self, "over_symbols", over_symbols)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def reference_field(self) -> FieldSpec:
        """The field a graded kind's answers are graded against."""
        spec = self.field(self.reference or "")
        if spec is None:
            raise ValueError(f"{self.what} is not graded against a field")
        return spec

    @property
    def graded(self) -> bool:
        """Graded against a reference, itself or step by step."""
        return self.reference is not None or self.field("steps") is not None

    def missing_message(self, spec: FieldSpec) -> str:
        if spec.missing:
            return f"{self.what} needs {spec.name!r}{spec.missing}"
        return f"missing required field {spec.name!r}"


_f = FieldSpec  # short, so that each field of the tables fits on a line or two


# --------------------------------------------------------------- common fields

_ID = _f("id", "id", "stable and unique across all decks; review history is keyed by deck/id",
         required=True)
_KIND = _f("kind", "kind", "what the card asks for", required=True)
_PROMPT = _f("prompt", "text", "Markdown with LaTeX between $…$; {{name}} is replaced by a param",
             required=True)
_TAGS = _f("tags", "texts", "topics, for filtering and statistics")
_DIFFICULTY = _f("difficulty", "difficulty", "1 basic, 2 standard, 3 frontier-lab follow-up")
_HINT = _f("hint", "text", "shown on request (Markdown)")
_SOLUTION = _f("solution", "text", "the worked solution, shown after grading (Markdown)")
_PARAMS = _f("params", "params", "name -> expression, drawn fresh at each review, in order")
_CONSTRAINTS = _f("constraints", "texts",
                  "relations that must hold over params (redrawn) or symbols (compared where "
                  "they hold)")
_TOLERANCE = _f("tolerance", "tolerance", "{rtol: 1e-3} (default) and/or {atol: 1e-9}")
_SYMBOLS = _f("symbols", "symbols", "name: domain pairs of the formula's variables")
_UP_TO_CONSTANT = _f("up_to_constant", "texts",
                     "symbols the answer may differ from the reference by a term free of "
                     "([w]: a negative log posterior with or without its terms without w)")

# ------------------------------------------------------------- nested records

MISTAKE = RecordSpec("mistake", "a mistake", (
    _f("answer", "expr", "the wrong answer, an expression in the card's mistake language",
       required=True),
    _f("feedback", "text", "what to tell a learner who gives it", required=True),
))

FOLLOW_UP = RecordSpec("follow_up", "a follow-up", (
    _f("question", "text", "what an interviewer asks next (Markdown)", required=True),
    _f("key_points", "texts", "what the interviewer listens for", required=True, min_items=1),
    _f("answer", "text", "a model answer (Markdown)"),
))

_MISTAKES = _f("mistakes", "mistakes", "known wrong answers and what to say")

CURVE = RecordSpec("curve", "a curve", (
    _f("y", "expr", "the height at x: an expression over the params and x", required=True,
       language="solve"),
    _f("label", "text", "its name in the legend"),
))

MARKER = RecordSpec("marker", "a marker", (
    _f("at", "expr", "where the vertical line stands: an expression over the params, or "
                     "`answer` for the learner's own number", required=True, language="solve"),
    _f("label", "text", "its name in the legend", required=True),
))

PLOT = RecordSpec("plot", "a plot", (
    _f("x", "text", "the name of the variable on the horizontal axis", required=True),
    _f("from", "expr", "where the axis starts: an expression over the params", required=True,
       language="solve"),
    _f("to", "expr", "where the axis ends: an expression over the params", required=True,
       language="solve"),
    _f("curves", "curves", "the curves, each {y, label}", required=True, min_items=1),
    _f("markers", "markers", "vertical lines, each {at, label}"),
    _f("title", "text", "the title; {{name}} is replaced by a param"),
    _f("x_label", "text", "the horizontal axis' label"),
    _f("y_label", "text", "the vertical axis' label"),
))

_PLOT = _f("plot", "plot", "a plot drawn beside the solution after grading, for this review's "
                           "numbers, with the learner's answer marked")

# --------------------------------------------------------------------- steps

_STEP_COMMON = (
    _f("prompt", "text", "what this step asks (Markdown)", required=True),
    _f("kind", "kind", "numeric or symbolic", required=True),
)
_STEP_TAIL = (_SYMBOLS, _TOLERANCE, _MISTAKES, _HINT)

STEP_KINDS: dict[str, RecordSpec] = {
    "numeric": RecordSpec("numeric", "a numeric step", (
        *_STEP_COMMON,
        _f("solve", "expr", "the solver call that computes the answer", required=True,
           language="solve", missing=": the solver that computes its answer"),
        _f("answer", "expr", "optional: an expression that must agree with solve",
           language="solve"),
        *_STEP_TAIL,
    ), reference="solve", mistake_language="solve"),
    "symbolic": RecordSpec("symbolic", "a symbolic step", (
        *_STEP_COMMON,
        _f("answer", "expr", "the reference formula over the symbols", required=True,
           language="formula", missing=": the formula it is graded against"),
        _f("solve", "expr", "optional: a solver call that `trainer check` proves answer against",
           language="solve"),
        _UP_TO_CONSTANT, *_STEP_TAIL,
    ), reference="answer", mistake_language="formula", over_symbols=True),
}

# --------------------------------------------------------------------- cards

_NOTES = _f("notes", "text", "more to read after the answer (Markdown); `trainer import` keeps "
            "an Anki note's other fields here")
_TAIL = (_TAGS, _DIFFICULTY, _HINT, _SOLUTION, _NOTES)

CARD_KINDS: dict[str, RecordSpec] = {
    "recall": RecordSpec("recall", "a recall card", (
        _ID, _KIND, _PROMPT,
        _f("answer", "text", "the model answer (Markdown)", required=True),
        _f("key_points", "texts", "2-5 things an interviewer listens for"),
        *_TAIL,
        _f("follow_ups", "follow_ups", "questions an interviewer asks next"),
    )),
    "numeric": RecordSpec("numeric", "a numeric card", (
        _ID, _KIND, _PROMPT, _PARAMS, _CONSTRAINTS,
        _f("solve", "expr", "the solver call that computes the answer", required=True,
           language="solve", missing=": the solver that computes its answer"),
        _f("answer", "expr", "optional: an expression that must agree with solve",
           language="solve"),
        _TOLERANCE, _MISTAKES, *_TAIL, _PLOT,
    ), reference="solve", mistake_language="solve"),
    "symbolic": RecordSpec("symbolic", "a symbolic card", (
        _ID, _KIND, _PROMPT, _PARAMS, _CONSTRAINTS,
        _f("symbols", "symbols", "name: domain pairs of the formula's variables", required=True,
           missing=" with their domains"),
        _f("answer", "expr", "the reference formula over the symbols", required=True,
           language="formula", missing=": the formula it is graded against"),
        _f("solve", "expr", "optional: a solver call that `trainer check` proves answer against",
           language="solve"),
        _UP_TO_CONSTANT, _TOLERANCE, _MISTAKES, *_TAIL, _PLOT,
    ), reference="answer", mistake_language="formula", over_symbols=True),
    "derivation": RecordSpec("derivation", "a derivation", (
        _ID, _KIND, _PROMPT, _PARAMS, _CONSTRAINTS,
        _f("symbols", "symbols", "symbols shared by every step"),
        _f("steps", "steps", "the steps, each numeric or symbolic", required=True,
           min_items=2, max_items=4, missing=": a list of 2 to 4 steps"),
        *_TAIL, _PLOT,
    )),
    # Not `graded` in the expression sense: a learner's function is run (trainer.coderun)
    # and compared with `solve` on several draws; mistakes are `solve`-language calls of
    # wrong reference functions whose values identify a slip.
    "code": RecordSpec("code", "a code card", (
        _ID, _KIND, _PROMPT,
        _f("signature", "text", "the def line and docstring the learner completes (Python, "
           "shown, never run)", required=True,
           missing=": the def and docstring the learner completes"),
        _PARAMS, _CONSTRAINTS,
        _f("solve", "expr", "what the function returns, from solvers; tuple(a, b) for a tuple",
           required=True, language="solve",
           missing=": the solver call that computes what the function returns"),
        _f("reference", "text", "a worked solution in Python, shown after submitting; only "
           "`trainer check` runs it, in the sandbox", required=True,
           missing=": a worked solution, proven by `trainer check`"),
        _f("checks", "texts", "named properties: returns_pair, no_mutation, length_one[(x)], "
           "stable(z[, shift]), vectorised, no_inverse"),
        _f("reshape", "params", "sample params passed as matrices: name -> number of columns"),
        _TOLERANCE, _MISTAKES, *_TAIL,
    ), mistake_language="solve"),
}

KINDS: tuple[str, ...] = tuple(CARD_KINDS)
GRADED_KINDS: tuple[str, ...] = tuple(k for k, s in CARD_KINDS.items() if s.graded)
ALL_CARD_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(
    name for spec in CARD_KINDS.values() for name in spec.names))
ALL_STEP_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(
    name for spec in STEP_KINDS.values() for name in spec.names))
REQUIRES = _f("requires", "packages", "the solver plugins (package names, as pip installs them) "
              "whose functions the cards call; `trainer validate` names one that is missing")
# the deck's place in the turns new cards take (trainer.decks.model.study_order)
POSITION_DOC = ("a whole number: new cards come from each deck in turn, decks with a position "
                "first, lowest first, then the others in file-name order")
DECK_FIELDS = ("deck", "title", "description", REQUIRES.name, "position", "cards")
TOLERANCE_FIELDS = ("rtol", "atol")


# ---------------------------------------------------------------- JSON Schema

_ID_PATTERN = "^[a-z0-9][a-z0-9_.-]*$"
_DECK_ID_PATTERN = "^[a-z0-9][a-z0-9-]*$"
_SCALAR_TEXT: dict[str, Any] = {"type": ["string", "number"]}
PACKAGE_PATTERN = "^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"  # a name pip installs


def _field_schema(spec: FieldSpec, record: RecordSpec, kinds: dict[str, RecordSpec]
                  ) -> dict[str, Any]:
    out: dict[str, Any]
    match spec.type:
        case "id":
            out = {"type": "string", "pattern": _ID_PATTERN}
        case "kind":
            out = {"const": record.name}
        case "text" | "expr":
            out = dict(_SCALAR_TEXT)
        case "texts":
            out = {"type": "array", "items": _SCALAR_TEXT}
        case "difficulty":
            out = {"enum": [1, 2, 3]}
        case "params":
            out = {"type": "object", "propertyNames": {"pattern": "^[A-Za-z][A-Za-z0-9_]*$"},
                   "additionalProperties": _SCALAR_TEXT}
        case "symbols":
            out = {"oneOf": [{"type": "string"},
                             {"type": "object", "additionalProperties": {"type": "string"}}]}
        case "tolerance":
            number = {"type": "number", "minimum": 0, "exclusiveMaximum": 1}
            out = {"type": "object", "additionalProperties": False,
                   "properties": {name: number for name in TOLERANCE_FIELDS}}
        case "mistakes":
            out = {"type": "array", "items": _record_schema(MISTAKE, kinds)}
        case "follow_ups":
            out = {"type": "array", "items": _record_schema(FOLLOW_UP, kinds)}
        case "steps":
            out = {"type": "array",
                   "items": {"oneOf": [_record_schema(s, STEP_KINDS) for s in STEP_KINDS.values()]}}
        case "plot":
            out = _record_schema(PLOT, kinds)
        case "curves":
            out = {"type": "array", "items": _record_schema(CURVE, kinds)}
        case "markers":
            out = {"type": "array", "items": _record_schema(MARKER, kinds)}
        case "packages":
            out = {"type": "array", "items": {"type": "string", "pattern": PACKAGE_PATTERN}}
    if spec.min_items and spec.type in ("texts", "steps", "mistakes", "follow_ups", "curves"):
        out["minItems"] = spec.min_items
    if spec.max_items is not None:
        out["maxItems"] = spec.max_items
    out["description"] = spec.doc
    return out


def _record_schema(record: RecordSpec, kinds: dict[str, RecordSpec]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in record.fields if f.required],
        "properties": {f.name: _field_schema(f, record, kinds) for f in record.fields},
    }


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a deck file, for editors and yaml-language-server.

    It states the shapes the loader accepts; what it can not state (expressions
    that parse, names that exist) is for `trainer validate`.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "trainer deck",
        "type": "object",
        "additionalProperties": False,
        "required": ["deck", "title", "cards"],
        "properties": {
            "deck": {"type": "string", "pattern": _DECK_ID_PATTERN},
            "title": {"type": "string"},
            "description": {"type": "string"},
            REQUIRES.name: _field_schema(REQUIRES, CARD_KINDS["recall"], CARD_KINDS),
            "position": {"type": "integer", "description": POSITION_DOC},
            # null: `cards:` with none written yet
            "cards": {"type": ["array", "null"], "items": {
                "oneOf": [_record_schema(s, CARD_KINDS) for s in CARD_KINDS.values()]}},
        },
    }
