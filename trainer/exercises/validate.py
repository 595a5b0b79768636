"""Static checks of a graded card's expressions: parse, known names, arities.

Fast and free of numpy/sympy (parses are cached, so ten thousand cards that
share expressions cost little more than one): ``trainer validate`` calls
:func:`validate_card` for every card.  Running the expressions is the job of
``trainer check``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from trainer.decks.model import Card, Plot, Step
from trainer.decks.spec import CARD_KINDS, STEP_KINDS, RecordSpec
from trainer.exercises.params import (
    DETERMINISTIC_ARITY,
    PARAM_FUNCTIONS,
    RANDOM_ARITY,
    check_arity,
    parse_cached,
    parse_constraint,
    placeholders,
)
from trainer.grading.expr import DEFAULT_FUNCTIONS, ParseError

__all__ = ["located_problems", "unknown_call", "validate_card"]

_ALL_ARITY = {**DETERMINISTIC_ARITY, **RANDOM_ARITY}
_DETERMINISTIC = frozenset(DETERMINISTIC_ARITY)


@lru_cache(maxsize=1)
def _tables() -> dict[str, tuple[frozenset[str], dict[str, tuple[int, int | None]]]]:
    """Function names and arities allowed in each kind of expression."""
    from trainer.registry import REGISTRY

    solve_arity = {**DETERMINISTIC_ARITY, **{n: e.arity for n, e in REGISTRY.items()}}
    return {
        "param": (PARAM_FUNCTIONS, _ALL_ARITY),
        "det": (_DETERMINISTIC | DEFAULT_FUNCTIONS, DETERMINISTIC_ARITY),
        "solve": (frozenset(REGISTRY) | _DETERMINISTIC | DEFAULT_FUNCTIONS, solve_arity),
        "formula": (DEFAULT_FUNCTIONS, {}),
    }


@lru_cache(maxsize=65536)
def _expr_messages(text: str, names: tuple[str, ...], table: str,
                   matrices: tuple[str, ...]) -> tuple[str, ...]:
    functions, arity = _tables()[table]
    try:
        node, warnings = parse_cached(text, names, functions, matrices)
    except ParseError as exc:
        return (str(exc) + _suggestion(exc, text, functions, table),)
    out = [f"{w}: if you meant one name, declare it; else write the operators explicitly"
           for w in warnings]
    out.extend(check_arity(node, arity))
    return tuple(out)


_UNKNOWN_NAME = re.compile(r"'(\w+)' is not a declared symbol or a known function")


def _suggestion(exc: ParseError, text: str, functions: frozenset[str], table: str) -> str:
    """Closest function names for a misspelt call, and where to find the solver functions."""
    from trainer.authoring.suggest import SOLVERS_HINT, did_you_mean

    found = _UNKNOWN_NAME.search(exc.message)
    if not found:
        return ""
    name = found.group(1)
    # only a call (a name followed by a bracket) is taken for a misspelt function
    if not re.search(re.escape(name) + r"\s*\(", text):
        return ""
    hint = f"; {SOLVERS_HINT}" if table == "solve" else ""
    if table == "solve":
        from trainer.registry import load_problems

        # a deck that needs a plugin which did not load: say which one
        hint += "".join(f"; {problem}" for problem in load_problems())
    if table == "param":
        hint = f"; params are drawn with {', '.join(sorted(RANDOM_ARITY))}"
    return did_you_mean(name, functions) + hint


@lru_cache(maxsize=4096)
def _symbols_cached(items: tuple[tuple[str, str], ...]
                    ) -> tuple[tuple[str, ...], tuple[str, ...], str]:
    from trainer.grading.domains import parse_symbols

    try:
        domains = parse_symbols(dict(items))
    except ValueError as exc:
        return (), (), str(exc) + _domain_suggestion(str(exc))
    return (tuple(sorted(domains)),
            tuple(sorted(n for n, d in domains.items() if d.is_matrix)), "")


def _domain_suggestion(message: str) -> str:
    from trainer.authoring.suggest import did_you_mean
    from trainer.grading.domains import KNOWN

    found = re.search(r"unknown domain '([^']*)'", message)
    if not found:
        return ""
    words = [w for w in KNOWN.split(", ") if not w.startswith("an ")]
    return did_you_mean(found.group(1), words)


# a problem, and the deck text it is about (to find its line), or None for the card itself
Found = tuple[str | None, str]


def _symbols(raw: dict[str, str], problems: list[Found], what: str
             ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names, matrices, error = _symbols_cached(tuple(raw.items()))
    if error:
        problems.append((None, f"{what}symbols: {error}"))
    return names, matrices


class _Checker:
    def __init__(self, card: Card):
        self.card = card
        self.problems: list[Found] = []

    def add(self, message: str, source: str | None = None) -> None:
        self.problems.append((source, message))

    def expr(self, what: str, text: str, names: Iterable[str], table: str,
             matrices: tuple[str, ...] = (), source: str | None = None) -> None:
        for msg in _expr_messages(text, tuple(sorted(set(names))), table, matrices):
            self.add(f"{what} {text!r}: {msg}", source or text)

    def text(self, what: str, text: str | None, params: tuple[str, ...]) -> None:
        for inner in placeholders(text):
            if not inner:
                self.add(f"{what}: empty placeholder {{{{}}}}", text)
                continue
            self.expr(f"{what}: placeholder", inner, params, "det", source=text)

    def graded(self, what: str, spec: RecordSpec, record: Card | Step,
               symbols: dict[str, str], params: tuple[str, ...]) -> None:
        """Every expression field of a card or step, in the language its kind's spec gives."""
        names, matrices = _symbols(symbols, self.problems, what) if symbols else ((), ())
        clash = sorted(set(names) & set(params))
        if clash:
            self.add(f"{what}{', '.join(clash)} is both a param and a symbol")
        # a formula's names are its symbols and the params written into it
        over = tuple(sorted(set(names) | set(params))) if spec.over_symbols else params
        shapes = matrices if spec.over_symbols else ()
        for fs in spec.fields:
            if fs.type != "expr" or fs.language is None:
                continue
            text = getattr(record, fs.name)
            if text is None:
                if fs.required:
                    self.add(f"{what}{spec.missing_message(fs)}")
                continue
            self.expr(f"{what}{fs.name}", text, over, fs.language, shapes)
        for name in record.up_to_constant:
            if name not in names:
                self.add(f"{what}up_to_constant: {name!r} is not a symbol of this "
                         f"{'step' if isinstance(record, Step) else 'card'}")
        for m in record.mistakes:
            self.text(f"{what}mistake feedback", m.feedback, params)
            self.expr(f"{what}mistake", m.answer, over, spec.mistake_language or "formula",
                      shapes)

    def plot(self, plot: Plot, params: tuple[str, ...]) -> None:
        """A plot's expressions: the range over the params, curves over the params and x,
        markers over the params (or `answer`, the learner's number)."""
        if plot.x in params:
            self.add(f"plot: x {plot.x!r} is also a param; name the axis variable apart",
                     plot.x)
        self.expr("plot from:", plot.start, params, "solve")
        self.expr("plot to:", plot.end, params, "solve")
        over_x = tuple(sorted({*params, plot.x}))
        for i, curve in enumerate(plot.curves, 1):
            self.expr(f"plot curve {i}:", curve.y, over_x, "solve")
            self.text(f"plot curve {i} label", curve.label, params)
        for marker in plot.markers:
            if marker.at.strip() != "answer":
                self.expr(f"plot marker {marker.label!r}:", marker.at, params, "solve")
            self.text("plot marker label", marker.label, params)
        self.text("plot title", plot.title, params)

    def run(self) -> list[Found]:
        card = self.card
        if not card.graded:
            return []
        params: list[str] = []
        for name, text in card.params:
            if name in PARAM_FUNCTIONS or name in ("pi", "e", "I"):
                self.add(f"param {name!r}: the name is taken by a function or a constant", text)
            elif name in params:
                self.add(f"param {name!r} is defined twice", text)
            self.expr(f"param {name!r}:", text, params, "param")
            params.append(name)
        pnames = tuple(params)
        all_symbols = dict(card.symbols)
        for step in card.steps:
            all_symbols.update(step.symbols)
        sym_names, _ = (_symbols(all_symbols, [], "") if all_symbols else ((), ()))
        for c in card.constraints:
            error = _constraint_message(c, tuple(sorted(set(pnames) | set(sym_names))))
            if error:
                self.add(f"constraint {c!r}: {error}", c)
        self.text("prompt", card.prompt, pnames)
        self.text("solution", card.solution, pnames)
        self.text("hint", card.hint, pnames)
        if card.plot is not None:
            self.plot(card.plot, pnames)
        spec = CARD_KINDS[card.kind]
        if spec.reference is not None:
            self.graded("", spec, card, card.symbols, pnames)
            return self.problems
        if card.symbols:
            _symbols(card.symbols, self.problems, "")
        for i, step in enumerate(card.steps, 1):
            self.text(f"step {i} prompt", step.prompt, pnames)
            self.text(f"step {i} hint", step.hint, pnames)
            step_spec = STEP_KINDS.get(step.kind)
            if step_spec is not None:
                self.graded(f"step {i}: ", step_spec, step, {**card.symbols, **step.symbols},
                            pnames)
        return self.problems


@lru_cache(maxsize=16384)
def _constraint_message(text: str, names: tuple[str, ...]) -> str:
    try:
        parse_constraint(text, names, _DETERMINISTIC | DEFAULT_FUNCTIONS)
    except ParseError as exc:
        return str(exc)
    return ""


def unknown_call(message: str) -> str | None:
    """The function a problem says is unknown, when the expression calls it (`name(`)."""
    found = _UNKNOWN_NAME.search(message)
    if found and re.search(re.escape(found.group(1)) + r"\s*\(", message):
        return found.group(1)
    return None


def located_problems(card: Card) -> list[Found]:
    """Like `validate_card`, each message with the deck text it is about (None: the card)."""
    try:
        if card.kind == "code":
            from trainer.coderun.validate import code_problems

            return code_problems(card)
        return _Checker(card).run()
    except Exception as exc:  # noqa: BLE001 - a validator reports, it does not crash
        return [(None, f"could not be validated: {type(exc).__name__}: {exc}")]


def validate_card(card: Card) -> list[str]:
    """Problems with a graded card's expressions, one message each (empty: fine).

    Checks that every param, constraint, placeholder, ``solve``, ``answer`` and
    mistake parses, names only declared params/symbols and known functions
    (registry functions only where a solver may be called), with the right
    number of arguments.  Nothing is executed.
    """
    return [message for _, message in located_problems(card)]
