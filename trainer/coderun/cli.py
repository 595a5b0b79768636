"""`trainer try DECK/CARD-ID FILE.py`: run a solution file against a code card's draws."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("card", metavar="DECK/CARD-ID|PATH[:CARD-ID]", help="the code card, "
                        "e.g. mle-map-code/gaussian-mle-code, or a deck file and its id; a "
                        "deck or file with one code card needs no card id")
    parser.add_argument("file", type=Path, metavar="FILE.py", help="your solution")
    parser.add_argument("--seed", type=int, default=0, metavar="N",
                        help="the review number whose draws are used (default 0)")
    parser.add_argument("--run", action="store_true",
                        help="the draws the study screen's run (ctrl+r) shows; default: the "
                             "fresh draws a submission is graded on")
    parser.add_argument("--deck-path", action="append", type=Path, default=[], metavar="PATH",
                        help="look for the card in these deck files or folders as well")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _fail(message: str) -> int:
    print(f"trainer try: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    """Exit 0 when every case and check passes, 1 when not, 2 for bad usage or an invalid file."""
    from trainer.authoring.target import TargetError, resolve
    from trainer.catalog import load_catalog
    from trainer.config import default_deck_paths

    if args.seed < 0:
        return _fail("--seed must be 0 or more")
    try:
        path, card_id = resolve(args.card, [*default_deck_paths(), *args.deck_path])
    except TargetError as exc:
        return _fail(str(exc))
    result = load_catalog([path])
    code = [c for c in result.cards if c.kind == "code"]
    if card_id is None and len(code) != 1:
        known = ", ".join(c.key for c in code) or "none"
        return _fail(f"{args.card} holds {len(code)} code cards: name one ({known})")
    card = code[0] if card_id is None else next(
        (c for c in result.cards if c.id == card_id), None)
    if card is None:
        keys = sorted(c.key for c in code)
        hint = f"; the code cards there are: {', '.join(keys)}" if keys else ""
        found = next((p for p in result.problems if p.card_id == card_id), None)
        return _fail(f"{found}" if found else f"no card {card_id!r} in {path}{hint}")
    if card.kind != "code":
        return _fail(f"{args.card} is a {card.kind} card, not a code card")
    try:
        source = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return _fail(f"{args.file}: not UTF-8 text")
    except OSError as exc:
        return _fail(f"{args.file}: {exc.strerror or exc}")
    from trainer.coderun.card import CodeExercise, source_problems
    from trainer.exercises.params import ExerciseError

    try:
        ex = CodeExercise(card, args.seed)
    except ExerciseError as exc:
        return _fail(f"the card can not be drawn: {exc}")
    problem = source_problems(source, ex.function)
    if problem:
        return _fail(f"{args.file}: {problem}")
    outcome = (ex if args.run else ex.graded()).run(source)
    if args.json:
        print(json.dumps({"card": card.key, "seed": args.seed, "function": ex.function,
                          **outcome.to_dict()}, ensure_ascii=False))
        return 0 if outcome.correct else 1
    which = "the draws a run shows" if args.run else "the fresh draws a submission is graded on"
    print(f"{card.key} · review {args.seed} · {which} · "
          f"def {ex.function}({', '.join(ex.parameters)})")
    for c in outcome.cases:
        mark = "✔ pass" if c.passed else "✘ FAIL"
        print(f"{mark}  {c.label}: {c.inputs}")
        print(f"        expected {c.expected}")
        print(f"        got      {c.got}" + (f"  ({c.message})" if c.message else ""))
    for check in outcome.checks:
        mark = "✔ pass" if check.passed else "✘ FAIL"
        print(f"{mark}  check: {check.description}"
              + (f": {check.message}" if check.message else ""))
    print(f"{outcome.verdict}: {outcome.summary()}")
    if outcome.feedback:
        print(f"feedback: {outcome.feedback}")
    return 0 if outcome.correct else 1
