"""`trainer solvers [NAME] [--json]`: the registry's functions, their parameters and an example."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING

from trainer.authoring.suggest import did_you_mean

if TYPE_CHECKING:
    from trainer.registry import Entry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="only functions whose name contains NAME")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _plain(value: object) -> object:
    """A JSON-able form of a solver's result (numbers, lists of numbers)."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return value


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else f"{value:.6g}"
    return str(value)


def example_value(entry: Entry) -> tuple[object, str | None]:
    """The example call's value, or (None, why it failed)."""
    try:
        return _plain(entry.func(*entry.example)), None
    except Exception as exc:  # noqa: BLE001 - a plugin's function may raise anything
        return None, f"{type(exc).__name__}: {exc}"


def entries(name: str | None = None) -> list[Entry]:
    from trainer.registry import REGISTRY

    chosen = sorted(REGISTRY.values(), key=lambda e: e.name)
    if name:
        chosen = [e for e in chosen if name.lower() in e.name.lower()]
    return chosen


def as_dict(entry: Entry) -> dict[str, object]:
    value, error = example_value(entry)
    return {"name": entry.name, "signature": entry.signature(),
            "description": entry.description, "origin": entry.origin,
            "params": entry.param_docs(),
            "example": {"call": entry.example_call(), "value": value, "error": error}}


def as_text(entry: Entry) -> str:
    origin = "" if entry.origin == "trainer" else f"   [from {entry.origin}]"
    lines = [f"{entry.signature()}{origin}", f"    {entry.description}"]
    docs = entry.param_docs()
    width = max((len(p) for p in docs), default=0)
    lines += [f"    {p.ljust(width)}  {doc or '(undocumented)'}" for p, doc in docs.items()]
    value, error = example_value(entry)
    shown = _show(value) if error is None else f"fails: {error}"
    lines.append(f"    e.g. {entry.example_call()} = {shown}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from trainer.registry import REGISTRY, load_problems

    chosen = entries(args.name)
    if args.json:
        print(json.dumps([as_dict(e) for e in chosen], indent=1))
    else:
        print("\n\n".join(as_text(e) for e in chosen))
    for problem in load_problems():
        print(f"warning: {problem}", file=sys.stderr)
    if not chosen:
        print(f"no solver function matches {args.name!r}{did_you_mean(args.name, REGISTRY)}",
              file=sys.stderr)
        return 1
    return 0
