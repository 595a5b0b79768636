"""A finished interview as a stored record, and the trend of interview scores over time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from trainer.interview.mock import Debrief, Question
from trainer.interview.report import clock_text
from trainer.render import plural
from trainer.store.interviews import InterviewRecord

SPARK = "▁▂▃▄▅▆▇█"


def _question(q: Question) -> dict[str, Any]:
    # the texts themselves, so that the record reads the same after the deck changes
    return {
        "number": q.number, "card": q.card.key, "kind": q.card.kind, "topic": q.topic,
        "prompt": q.prompt, "model_answer": q.model_answer, "key_points": list(q.key_points),
        "answer": q.answer, "seconds": round(q.seconds, 3), "limit": q.limit,
        "follow_up": None if q.follow_up is None else {
            "question": q.follow_up.question, "key_points": list(q.follow_up.key_points),
            "answer": q.follow_up_answer, "pre_ticked": sorted(q.follow_pre_ticked),
            "ticked": sorted(q.follow_ticked)},
        "pre_ticked": sorted(q.pre_ticked), "ticked": sorted(q.ticked),
        "points": list(q.points), "score": round(q.score, 4), "verdict": q.verdict,
        "rating": None if q.rating is None else int(q.rating),
    }


def to_record(debrief: Debrief) -> dict[str, Any]:
    """The interview's data as stored: its questions with their texts, ticks and timings,
    the topic scores and the cards to review."""
    return {
        "questions": [_question(q) for q in debrief.done],
        "topics": [{"topic": t.topic, "questions": t.questions, "score": round(t.score, 4)}
                   for t in debrief.topics],
        "review": [c.key for c in debrief.review],
    }


def trend(records: Sequence[InterviewRecord]) -> list[str]:
    """One line per interview (date, questions, time, score), then the scores as a sparkline
    and the change from the first to the last."""
    if not records:
        return ["no interviews yet: `trainer interview` holds one"]
    lines = []
    for r in records:
        day = datetime.fromtimestamp(r.started_at).strftime("%Y-%m-%d %H:%M")
        kept = "" if r.reviewed else "  (not reviewed)"
        lines.append(f"{day}  {plural(r.questions, 'question'):>12}  {clock_text(r.seconds):>6}  "
                     f"{r.score:>4.0%}{kept}")
    spark = "".join(SPARK[min(len(SPARK) - 1, int(r.score * len(SPARK)))] for r in records)
    change = records[-1].score - records[0].score
    lines.append(f"trend  {spark}  {change * 100:+.0f} points since the first"
                 if len(records) > 1 else f"trend  {spark}")
    return lines
