"""`trainer preview PATH[:CARD-ID]|DECK[/CARD-ID] [--seed N]`: a card as studied, with its answers."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from trainer.render import render_math

if TYPE_CHECKING:
    from trainer.decks.model import Card
    from trainer.exercises.exercise import Exercise


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", metavar="PATH[:CARD-ID]|DECK[/CARD-ID]",
                        help="a deck file or a deck id, optionally with the id of one card "
                             "(default: every card)")
    parser.add_argument("--seed", type=int, default=None,
                        help="the draw of the params (default: the first review's draw; "
                             "`trainer check` prints the seed of a failing draw)")


def _text(text: str | None) -> str:
    return render_math(text).strip() if text else ""


def _indent(text: str, by: str = "  ") -> str:
    return "\n".join(by + line if line else line for line in text.splitlines())


def _code(card: Card, params: dict[str, object]) -> list[str]:
    """What the learner's function must return for these params, and each mistake's value."""
    from trainer.coderun.card import CodeExercise, show
    from trainer.exercises import ExerciseError

    try:
        # the case the study screen would run first, with this preview's params
        case = CodeExercise(card, 1, draws=1)._case("preview", params)
    except ExerciseError as exc:
        return [f"returns: fails: {exc}"]
    out = [f"called with: {case.inputs}", f"returns: {card.solve} = {show(case.expected)}"]
    for m, value in zip(card.mistakes, case.mistakes, strict=False):
        out.append(f"  mistake {m.answer} = {'fails' if value is None else show(value)}")
        out.append(_indent(_text(m.feedback), "      "))
    if card.checks:
        out.append(f"checks: {', '.join(card.checks)}")
    return out


def _graded(ex: Exercise) -> list[str]:
    from trainer.exercises import ExerciseError
    from trainer.exercises.exercise import format_number

    out: list[str] = []
    for i, step in enumerate(ex.steps):
        spec = ex.spec(i)
        if len(ex.steps) > 1:
            out += ["", f"step {i + 1} of {len(ex.steps)} ({step.kind})", _indent(_text(step.prompt))]
        else:
            out += ["", f"answer ({step.kind})"]
        try:
            ref = ex.reference(i)
        except ExerciseError as exc:
            out.append(f"  reference: fails: {exc}")
            continue
        if step.kind == "numeric":
            out.append(f"  reference: {ref.shown}   (asked to {step.precision})")
            for m, value in zip(spec.mistakes, ref.mistake_values, strict=False):
                shown = "fails" if value is None else format_number(value)
                out.append(f"  mistake {m.answer} = {shown}")
                out.append(_indent(_text(m.feedback), "      "))
        else:
            symbols = ", ".join(f"{n}: {d}" for n, d in step.symbols.items())
            out.append(f"  reference: {ref.shown}")
            out.append(f"  symbols: {symbols}")
            for answer, feedback in ref.mistakes:
                out.append(f"  mistake {answer}")
                out.append(_indent(_text(feedback), "      "))
        out += [f"  {e}" for e in ref.mistake_errors]
        if step.hint:
            out.append(f"  hint: {_text(step.hint)}")
    return out


def render_card(card: Card, seed: int | None) -> str:
    """The card's text with params drawn at ``seed``, then what grading compares with."""
    from trainer.exercises import ExerciseError
    from trainer.exercises.exercise import Exercise, review_seed
    from trainer.exercises.params import draw_params, fill

    head = f"{card.key}  ({card.kind}{', difficulty ' + str(card.difficulty) if card.difficulty else ''})"
    if seed is None:
        seed = review_seed(card.key, 1)
    try:
        params = (draw_params(card.params, card.constraints, seed, f"{card.key}: ")
                  if card.params else {})
        ex = Exercise(card, seed, params)
    except ExerciseError as exc:
        return f"{head}\n  cannot draw this card at seed {seed}: {exc}"
    out = [head]
    if params:
        out.append(f"seed {seed}; params: " + ", ".join(
            f"{name} = {fill('{{' + name + '}}', params)}" for name in params))
    out += ["", _text(ex.prompt)]
    if card.kind == "recall":
        out += ["", "answer", _indent(_text(card.answer))]
        if card.key_points:
            out += ["key points"] + [f"  - {_text(p)}" for p in card.key_points]
        for f in card.follow_ups:
            out += [f"follow-up: {_text(f.question)}"] + [f"  - {_text(p)}" for p in f.key_points]
    elif card.kind == "code":
        out += ["", _indent(card.signature or "", "    ")]
        out += _code(card, params)
    else:
        out += _graded(ex)
    if ex.hint:
        out += ["", f"hint: {_text(ex.hint)}"]
    if ex.solution:
        out += ["", "solution", _indent(_text(ex.solution))]
    if card.plot is not None:
        out += ["", f"plot after grading: {fill(card.plot.title, params) or '(untitled)'}"]
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    from trainer.authoring.target import TargetError, resolve
    from trainer.config import default_deck_paths
    from trainer.decks import load_file

    try:
        path, card_id = resolve(args.target, default_deck_paths())
    except TargetError as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 2
    deck, problems = load_file(path)
    for problem in problems:
        print(problem, file=sys.stderr)
    if deck is None or problems:
        print(f"trainer: {path} has problems; `trainer validate {path}` lists them",
              file=sys.stderr)
        return 1
    cards = [c for c in deck.cards if card_id is None or c.id == card_id]
    if not deck.cards:
        print(f"trainer: {path} has no cards yet: write one (or uncomment an example), then "
              "preview it", file=sys.stderr)
        return 1
    if not cards:
        from trainer.authoring.suggest import did_you_mean

        print(f"trainer: no card {card_id!r} in {path}"
              f"{did_you_mean(card_id or '', [c.id for c in deck.cards])}", file=sys.stderr)
        return 2  # as an unknown deck: nothing of that name
    print(f"\n\n{'─' * 60}\n\n".join(render_card(c, args.seed) for c in cards))
    return 0
