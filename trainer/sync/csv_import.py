"""A CSV or TSV file with a header row to a deck of recall cards; errors cite file:line."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

COLUMNS = ("id", "prompt", "answer", "tags", "key_points", "difficulty", "hint", "notes")
MAX_BYTES = 20 * 1024 * 1024


class CsvError(Exception):
    """The file can not be read as a deck at all; the message names the file and line."""


@dataclass(slots=True)
class CsvDeck:
    cards: list[dict[str, object]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # `path:line: message`, rows skipped


def _split(value: str, seps: str) -> list[str]:
    for sep in seps:
        if sep in value:
            return [v.strip() for v in value.split(sep) if v.strip()]
    return [value.strip()] if value.strip() else []


def read_csv(path: Path) -> CsvDeck:
    """Rows to recall cards. `prompt` and `answer` are required; tags split on spaces or commas,
    key points on `;` or `|`. A row without an `id` gets one from its prompt, stable across
    imports as long as the prompt is unchanged."""
    with open(path, "rb") as fh:
        raw = fh.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise CsvError(f"{path}: larger than {MAX_BYTES // 2**20} MB; split it")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvError(f"{path}:1: empty file; the first row names the columns "
                       f"({', '.join(COLUMNS)})") from None
    except csv.Error as exc:
        raise CsvError(f"{path}:1: {exc}") from exc
    names = [h.strip().lower().replace(" ", "_").replace("-", "_") for h in header]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise CsvError(f"{path}:1: unknown column {unknown[0]!r}; the columns are "
                       f"{', '.join(COLUMNS)}")
    for needed in ("prompt", "answer"):
        if needed not in names:
            raise CsvError(f"{path}:1: no {needed!r} column in the header row")
    out = CsvDeck()
    seen: dict[str, int] = {}
    start = reader.line_num + 1
    try:
        for row in reader:
            # a row is cited at its first line (a quoted cell may run over several)
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(names):
                runs_on = reader.line_num > line and any("\n" in cell for cell in row)
                out.problems.append(
                    f"{path}:{line}: {len(row)} cells where the header has {len(names)}"
                    + (f" (the row runs on to line {reader.line_num}: a quote left open?)"
                       if runs_on else "") + "; row skipped")
                continue
            values = dict(zip(names, (cell.strip() for cell in row), strict=True))
            if not values["prompt"] or not values["answer"]:
                out.problems.append(f"{path}:{line}: empty prompt or answer; row skipped")
                continue
            cid = values.get("id") or "csv-" + hashlib.sha1(
                values["prompt"].encode("utf-8")).hexdigest()[:12]
            if cid in seen:
                out.problems.append(f"{path}:{line}: the same id as line {seen[cid]} ({cid}); "
                                    "row skipped")
                continue
            seen[cid] = line
            card: dict[str, object] = {"id": cid, "kind": "recall", "prompt": values["prompt"],
                                       "answer": values["answer"]}
            if values.get("key_points"):
                card["key_points"] = _split(values["key_points"], ";|")
            if values.get("tags"):
                card["tags"] = _split(values["tags"].replace(",", " "), " ")
            if values.get("difficulty"):
                if values["difficulty"] not in {"1", "2", "3"}:
                    out.problems.append(f"{path}:{line}: difficulty must be 1, 2 or 3; "
                                        "left out")
                else:
                    card["difficulty"] = int(values["difficulty"])
            for extra in ("hint", "notes"):
                if values.get(extra):
                    card[extra] = values[extra]
            out.cards.append(card)
    except csv.Error as exc:
        raise CsvError(f"{path}:{reader.line_num}: {exc}") from exc
    return out
