"""Deck-text checks in the author's terms: which card a line is in, bad indentation, swallowed fields."""

from __future__ import annotations

import re

from trainer.decks.model import Problem

_CARD_START = re.compile(r"^(?P<dash>[ ]*)-[ ]+id:[ ]*(?P<id>[^#\s][^#]*?)[ ]*(?:#.*)?$")
_BLOCK = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[A-Za-z_][\w-]*):[ ]*[|>][-+0-9]*[ ]*(?:#.*)?$")
_KEY = re.compile(r"^(?P<lead>[ ]*(?:-[ ]+)?)(?P<key>[A-Za-z_][\w-]*):(?:[ ]|$)")


def _field_names() -> frozenset[str]:
    from trainer.decks import spec

    names: set[str] = set()
    for record in [*spec.CARD_KINDS.values(), *spec.STEP_KINDS.values(), spec.MISTAKE,
                   spec.FOLLOW_UP, spec.PLOT]:
        names.update(f.name for f in record.fields)
    return frozenset(names)


def card_starts(lines: list[str]) -> list[tuple[int, int, str]]:
    """(1-based line, column of the card's fields, card id) of each `- id: ...` line."""
    out = []
    for number, line in enumerate(lines, 1):
        m = _CARD_START.match(line)
        if m:
            out.append((number, len(m["dash"]) + 2, m["id"].strip("'\"")))
    return out


def _card_at(starts: list[tuple[int, int, str]], line: int) -> tuple[int, int, str] | None:
    found = None
    for start in starts:
        if start[0] > line:
            break
        found = start
    return found


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def attribute(problems: list[Problem], text: str) -> list[Problem]:
    """Give each problem that names no card the id of the card whose lines hold it."""
    if all(p.card_id for p in problems):
        return problems
    starts = card_starts(text.splitlines())
    out = []
    for p in problems:
        card = _card_at(starts, p.line) if not p.card_id else None
        out.append(Problem(p.path, p.line, p.col, card[2], p.message) if card else p)
    return out


def explain_syntax(text: str, line: int, message: str) -> str:
    """A YAML syntax error said in the deck's terms when it is a card's indentation."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return message
    here = lines[line - 1]
    if "\t" in here[: _indent(here) + 1] or "'\\t'" in message:
        return (f"line {line}: a tab in the indentation; indent deck files with spaces "
                f"({message})")
    card = _card_at(card_starts(lines), line)
    if card is None or not _KEY.match(here) or card[0] == line:
        return message
    column, indent = card[1], _indent(here)
    if column - 2 < indent < column:
        return (f"line {line}: this line is indented less than the card it belongs to; "
                f"fields of a card line up under `id` (column {column + 1})")
    if indent > column:
        previous = next((lines[i] for i in range(line - 2, card[0] - 2, -1)
                         if lines[i].strip() and not lines[i].lstrip().startswith("#")), "")
        if _indent(previous) < indent and not previous.rstrip().endswith(":"):
            return (f"line {line}: this line is indented more than the field above it; "
                    f"fields of a card line up under `id` (column {column + 1})")
    return message


def swallowed_fields(text: str, path: str) -> list[Problem]:
    """Warnings: a known field name starting a line inside a block scalar (`prompt: |`).

    Such a line is text of the block, not a field, because it is indented deeper; the
    warning is given only when the field is not also set where it belongs.
    """
    known = _field_names()
    lines = text.splitlines()
    starts = card_starts(lines)
    out: list[Problem] = []
    number = 0
    while number < len(lines):
        m = _BLOCK.match(lines[number])
        number += 1
        if not m:
            continue
        key_col = len(m["lead"])
        begin = number
        while number < len(lines) and (not lines[number].strip()
                                       or _indent(lines[number]) > key_col):
            number += 1
        card = _card_at(starts, begin)
        region_end = next((s[0] - 1 for s in starts if s[0] > begin), len(lines))
        region = lines[(card[0] - 1 if card else 0):region_end]
        siblings = {k["key"] for ln in region if (k := _KEY.match(ln))
                    and len(k["lead"]) == key_col}
        for i in range(begin, number):
            inner = _KEY.match(lines[i])
            if inner and inner["key"] in known and inner["key"] not in siblings:
                out.append(Problem(
                    path, i + 1, _indent(lines[i]) + 1, card[2] if card else "",
                    f"warning: `{inner['key']}:` at line {i + 1} is inside the text of "
                    f"`{m['key']}: |` because it is indented deeper; move it left to line up "
                    f"with `{m['key']}`"))
    return out
