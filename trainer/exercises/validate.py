"""Static checks of a graded card's expressions: parse, known names, arities.

Fast and free of numpy/sympy (parses are cached, so ten thousand cards that
share expressions cost little more than one): ``trainer validate`` calls
:func:`validate_card` for every card.  Running the expressions is the job of
``trainer check``.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer.decks.model import Card, Mistake
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

__all__ = ["validate_card"]

_ALL_ARITY = {**DETERMINISTIC_ARITY, **RANDOM_ARITY}
_DETERMINISTIC = frozenset(DETERMINISTIC_ARITY)


def _registry() -> tuple[frozenset[str], dict[str, tuple[int, int | None]]]:
    from trainer.registry import REGISTRY

    arity = {name: entry.arity for name, entry in REGISTRY.items()}
    return frozenset(REGISTRY), arity


def _symbols(raw: dict[str, str], problems: list[str], what: str
             ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from trainer.grading.domains import parse_symbols

    try:
        domains = parse_symbols(dict(raw))
    except ValueError as exc:
        problems.append(f"{what}symbols: {exc}")
        return (), ()
    return (tuple(sorted(domains)),
            tuple(sorted(n for n, d in domains.items() if d.is_matrix)))


class _Checker:
    def __init__(self, card: Card):
        self.card = card
        self.problems: list[str] = []
        reg_names, reg_arity = _registry()
        self.solve_functions = reg_names | _DETERMINISTIC | DEFAULT_FUNCTIONS
        self.solve_arity = {**DETERMINISTIC_ARITY, **reg_arity}

    def expr(self, what: str, text: str, names: Iterable[str], functions: frozenset[str],
             arity: dict, matrices: tuple[str, ...] = ()) -> bool:
        try:
            node, warnings = parse_cached(text, tuple(sorted(set(names))), functions, matrices)
        except ParseError as exc:
            self.problems.append(f"{what} {text!r}: {exc}")
            return False
        for w in warnings:
            self.problems.append(f"{what} {text!r}: {w}; write the operators explicitly")
        for msg in check_arity(node, arity):
            self.problems.append(f"{what} {text!r}: {msg}")
        return True

    def text(self, what: str, text: str | None, params: tuple[str, ...]) -> None:
        for inner in placeholders(text):
            if not inner:
                self.problems.append(f"{what}: empty placeholder {{{{}}}}")
                continue
            self.expr(f"{what}: placeholder", inner, params, _DETERMINISTIC | DEFAULT_FUNCTIONS,
                      DETERMINISTIC_ARITY)

    def mistakes(self, what: str, mistakes: tuple[Mistake, ...], kind: str,
                 params: tuple[str, ...], names: tuple[str, ...],
                 matrices: tuple[str, ...]) -> None:
        for m in mistakes:
            self.text(f"{what}mistake feedback", m.feedback, params)
            if kind == "numeric":
                self.expr(f"{what}mistake", m.answer, params, self.solve_functions,
                          self.solve_arity)
            else:
                self.expr(f"{what}mistake", m.answer, set(names) | set(params),
                          DEFAULT_FUNCTIONS, {}, matrices)

    def graded(self, what: str, kind: str, answer: str | None, solve: str | None,
               symbols: dict[str, str], mistakes: tuple[Mistake, ...],
               params: tuple[str, ...]) -> None:
        names, matrices = _symbols(symbols, self.problems, what) if symbols else ((), ())
        clash = sorted(set(names) & set(params))
        if clash:
            self.problems.append(f"{what}{', '.join(clash)} is both a param and a symbol")
        if kind == "numeric":
            if solve is None:
                self.problems.append(f"{what}a numeric answer needs 'solve' (a registry call)")
            else:
                self.expr(f"{what}solve", solve, params, self.solve_functions, self.solve_arity)
            if answer is not None:
                self.expr(f"{what}answer", answer, params, self.solve_functions,
                          self.solve_arity)
        elif kind == "symbolic":
            if answer is None:
                self.problems.append(f"{what}a symbolic answer needs 'answer' (the formula); "
                                     "'solve' only checks it")
            else:
                self.expr(f"{what}answer", answer, set(names) | set(params), DEFAULT_FUNCTIONS,
                          {}, matrices)
            if solve is not None:
                self.expr(f"{what}solve", solve, set(names) | set(params), self.solve_functions,
                          self.solve_arity, matrices)
        self.mistakes(what, mistakes, kind, params, names, matrices)

    def run(self) -> list[str]:
        card = self.card
        if not card.graded:
            return []
        params: list[str] = []
        for name, text in card.params:
            if name in PARAM_FUNCTIONS or name in ("pi", "e", "I"):
                self.problems.append(f"param {name!r}: the name is taken by a function or a "
                                     "constant")
            elif name in params:
                self.problems.append(f"param {name!r} is defined twice")
            self.expr(f"param {name!r}:", text, params, PARAM_FUNCTIONS, _ALL_ARITY)
            params.append(name)
        pnames = tuple(params)
        all_symbols = dict(card.symbols)
        for step in card.steps:
            all_symbols.update(step.symbols)
        sym_names, _ = (_symbols(all_symbols, [], "") if all_symbols else ((), ()))
        for c in card.constraints:
            try:
                parse_constraint(c, tuple(sorted(set(pnames) | set(sym_names))),
                                 _DETERMINISTIC | DEFAULT_FUNCTIONS)
            except ParseError as exc:
                self.problems.append(f"constraint {c!r}: {exc}")
        self.text("prompt", card.prompt, pnames)
        self.text("solution", card.solution, pnames)
        self.text("hint", card.hint, pnames)
        if card.kind == "derivation":
            if card.symbols:
                _symbols(card.symbols, self.problems, "")
            for i, step in enumerate(card.steps, 1):
                what = f"step {i}: "
                self.text(f"step {i} prompt", step.prompt, pnames)
                self.text(f"step {i} hint", step.hint, pnames)
                self.graded(what, step.kind, step.answer, step.solve,
                            {**card.symbols, **step.symbols}, step.mistakes, pnames)
        else:
            self.graded("", card.kind, card.answer, card.solve, card.symbols, card.mistakes,
                        pnames)
        return self.problems


def validate_card(card: Card) -> list[str]:
    """Problems with a graded card's expressions, one message each (empty: fine).

    Checks that every param, constraint, placeholder, ``solve``, ``answer`` and
    mistake parses, names only declared params/symbols and known functions
    (registry functions only where a solver may be called), with the right
    number of arguments.  Nothing is executed.
    """
    try:
        return _Checker(card).run()
    except Exception as exc:  # noqa: BLE001 - a validator reports, it does not crash
        return [f"could not be validated: {type(exc).__name__}: {exc}"]
