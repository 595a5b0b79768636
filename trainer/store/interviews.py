"""The store's record of mock interviews: each one whole, as JSON, readable after decks change."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from trainer.record import Record

# One migration step. The questions are kept with their text (prompt, key points, answers,
# ticks, timings), not only card keys, so an old interview reads the same after its deck
# is edited or removed.
MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS interviews (
        id INTEGER PRIMARY KEY,
        started_at REAL NOT NULL,
        seconds REAL NOT NULL,
        questions INTEGER NOT NULL,
        score REAL NOT NULL,
        reviewed INTEGER NOT NULL,
        data TEXT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS interviews_time ON interviews(started_at)",
)


_set = object.__setattr__  # a record's fields are set once, in __init__


class InterviewRecord(Record):
    """One stored interview; `data` holds its questions as recorded."""

    __slots__ = ("id", "started_at", "seconds", "questions", "score", "reviewed", "data")
    id: int
    started_at: float
    seconds: float
    questions: int
    score: float
    reviewed: bool
    data: dict[str, Any]

    def __init__(self, id: int, started_at: float, seconds: float,  # noqa: A002
                 questions: int, score: float, reviewed: bool, data: dict[str, Any]) -> None:
        _set(self, "id", id)
        _set(self, "started_at", started_at)
        _set(self, "seconds", seconds)
        _set(self, "questions", questions)
        _set(self, "score", score)
        _set(self, "reviewed", reviewed)
        _set(self, "data", data)


class InterviewQueries:
    """Mixed into Store: write and read interview records."""

    conn: sqlite3.Connection

    def record_interview(self, *, started_at: float, seconds: float, score: float,
                         reviewed: bool, data: dict[str, Any]) -> int:
        with self.transaction():  # type: ignore[attr-defined]
            cur = self.conn.execute(
                "INSERT INTO interviews (started_at, seconds, questions, score, reviewed, data)"
                " VALUES (?,?,?,?,?,?)",
                (started_at, seconds, len(data.get("questions", [])), score, int(reviewed),
                 json.dumps(data, ensure_ascii=False, separators=(",", ":"))))
        return int(cur.lastrowid or 0)

    def interviews(self) -> list[InterviewRecord]:
        """Every stored interview, oldest first."""
        rows = self.conn.execute("SELECT id, started_at, seconds, questions, score, reviewed, "
                                 "data FROM interviews ORDER BY started_at, id")
        return [InterviewRecord(r[0], r[1], r[2], r[3], r[4], bool(r[5]), json.loads(r[6]))
                for r in rows]
