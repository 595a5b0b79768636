"""Static checks of a code card: its signature, checks, reshapes, solve and mistakes.

Like :mod:`trainer.exercises.validate`, nothing is run: the signature and the
reference solution are read with :mod:`ast`, the expressions with the deck's
safe parser. ``trainer check`` then runs the reference in the sandbox.
"""

from __future__ import annotations

from trainer.coderun.static import find_function, signature_of
from trainer.decks.model import Card
from trainer.exercises.params import (
    DETERMINISTIC_ARITY,
    PARAM_FUNCTIONS,
    RANDOM_ARITY,
    check_arity,
    parse_cached,
    placeholders,
)
from trainer.grading.expr import DEFAULT_FUNCTIONS, ParseError

__all__ = ["code_problems"]

Found = tuple[str | None, str]


def _expr(text: str, names: tuple[str, ...], functions: frozenset[str],
          arity: dict[str, tuple[int, int | None]]) -> list[str]:
    try:
        node, _ = parse_cached(text, names, functions)
    except ParseError as exc:
        return [str(exc)]
    return list(check_arity(node, arity))


def code_problems(card: Card) -> list[Found]:
    """Problems with a code card (empty: fine), each with the deck text it is about."""
    from trainer.coderun.card import CHECKS, TUPLE, parse_check, solve_names
    from trainer.registry import REGISTRY

    out: list[Found] = []
    params: list[str] = []
    for name, text in card.params:
        if name in params:
            out.append((text, f"param {name!r} is defined twice"))
        for msg in _expr(text, tuple(params), PARAM_FUNCTIONS,
                         {**DETERMINISTIC_ARITY, **RANDOM_ARITY}):
            out.append((text, f"param {name!r}: {text!r}: {msg}"))
        params.append(name)
    names = tuple(sorted(params))
    det = frozenset(DETERMINISTIC_ARITY) | DEFAULT_FUNCTIONS
    for what, shown in (("prompt", card.prompt), ("solution", card.solution),
                        ("hint", card.hint)):
        for inner in placeholders(shown):
            for msg in _expr(inner, names, det, DETERMINISTIC_ARITY):
                out.append((shown, f"{what}: placeholder {inner!r}: {msg}"))
    function, parameters = "", tuple[str, ...]()
    try:
        function, parameters = signature_of(card.signature or "")
    except ValueError as exc:
        out.append((card.signature, str(exc)))
    missing = [p for p in parameters if p not in params]
    if missing:
        out.append((card.signature, f"the signature's parameters {', '.join(missing)} are not "
                                    "params: every argument is a drawn param of the same name"))
    arity = {**DETERMINISTIC_ARITY, **{n: e.arity for n, e in REGISTRY.items()},
             TUPLE: (1, None)}
    if card.solve is not None:
        for msg in _expr(card.solve, names, solve_names(), arity):
            out.append((card.solve, f"solve {card.solve!r}: {msg}"))
    for m in card.mistakes:
        for msg in _expr(m.answer, names, solve_names(), arity):
            out.append((m.answer, f"mistake {m.answer!r}: {msg}"))
        for inner in placeholders(m.feedback):
            for msg in _expr(inner, names, det, DETERMINISTIC_ARITY):
                out.append((m.feedback, f"mistake feedback: placeholder {inner!r}: {msg}"))
    for name, text in card.reshape:
        if name not in params:
            out.append((text, f"reshape: {name!r} is not a param"))
        for msg in _expr(text, names, det, DETERMINISTIC_ARITY):
            out.append((text, f"reshape {name!r}: {text!r}: {msg}"))
    for text in card.checks:
        try:
            check, args = parse_check(text)
        except ValueError as exc:
            out.append((text, str(exc)))
            continue
        if check not in CHECKS:
            out.append((text, f"unknown check {check!r}; the checks are {', '.join(CHECKS)}"))
        elif check == "stable":
            if not args or args[0] not in params:
                out.append((text, "stable(name) or stable(name, shift, …) names a param to "
                                  "shift"))
            for shift in args[1:]:
                try:
                    float(shift)
                except ValueError:
                    out.append((text, f"stable: the shift {shift!r} is not a number"))
        elif check == "length_one":
            unknown = [a for a in args if a not in params]
            if unknown:
                out.append((text, f"length_one: {', '.join(unknown)} are not params"))
        elif args:
            out.append((text, f"the check {check!r} takes no arguments"))
    if function and card.reference is not None:
        try:
            compile(card.reference, "<reference>", "exec", dont_inherit=True,
                    flags=0x400)  # ast.PyCF_ONLY_AST: parsed, never run
        except SyntaxError as exc:
            out.append((card.reference, f"the reference solution does not parse: line "
                                        f"{exc.lineno}: {exc.msg}"))
        else:
            if find_function(card.reference, function) is None:
                out.append((card.reference, f"the reference solution has no `def {function}`"))
    return out
