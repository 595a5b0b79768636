"""`trainer schema [-o FILE]`: the deck format's JSON Schema, generated from the card-kind spec."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# The file name `trainer new` writes beside the decks and its schema line points at.
SCHEMA_FILE = "deck.schema.json"


def schema_text() -> str:
    from trainer.decks.spec import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path) -> None:
    """Write (or refresh) the schema file; unchanged text is not rewritten."""
    text = schema_text()
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--out", type=Path, metavar="FILE",
                        help="write the schema to FILE instead of printing it")


def run(args: argparse.Namespace) -> int:
    if args.out is None:
        sys.stdout.write(schema_text())
        return 0
    try:
        write_schema(args.out)
    except OSError as exc:
        print(f"trainer: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0
