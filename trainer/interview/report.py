"""The debrief of a mock interview as text: the Markdown report and the terminal summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from trainer.interview.mock import Debrief, Question
from trainer.render import plural


def clock_text(seconds: float) -> str:
    """m:ss, with a minus sign once a countdown is over."""
    sign = "-" if seconds < 0 else ""
    whole = int(abs(seconds) + 0.5) if seconds >= 0 else int(abs(seconds))
    return f"{sign}{whole // 60}:{whole % 60:02d}"


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _same(text: str) -> str:
    return text


def _quote(text: str) -> list[str]:
    lines = text.strip().splitlines() or ["(nothing written)"]
    return [f"> {line}" if line.strip() else ">" for line in lines]


def _question(q: Question, shown: Callable[[str], str]) -> list[str]:
    got, total = q.points
    over = " (over time)" if q.seconds > q.limit else ""
    out = [
        f"### {q.number}. {q.topic} — {q.verdict}",
        "",
        f"*{q.card.key}* · {clock_text(q.seconds)}{over} · {got}/{total} "
        f"{'steps right' if q.card.graded else 'key points'}",
        "",
        shown(q.prompt.strip()),
        "",
        "Your answer:",
        "",
        *_quote(shown(q.answer)),
        "",
    ]
    if q.follow_up is not None:
        out += [f"Follow-up: {shown(q.follow_up.question.strip())}", "",
                *_quote(shown(q.follow_up_answer)), ""]
    if q.model_answer.strip():
        out += ["Model answer:", "", *_quote(shown(q.model_answer)), ""]
    if q.covered:
        out += ["Covered:", "", *(f"- [x] {shown(p)}" for p in q.covered), ""]
    if q.missed:
        out += ["Missed:", "", *(f"- [ ] {shown(p)}" for p in q.missed), ""]
    return out


def heading(debrief: Debrief) -> str:
    """The debrief's first line: when, how many questions, how long, the score."""
    day = datetime.fromtimestamp(debrief.started_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (f"{day} · {plural(len(debrief.done), 'question')} · {clock_text(debrief.seconds)} · "
            f"score {percent(debrief.score)}")


def review_and_answers(debrief: Debrief, shown: Callable[[str], str] = _same) -> list[str]:
    """The Markdown sections after the tables: the cards to review, then every answer.
    `shown` turns each text of a card or of the learner into the Markdown to write (the
    report keeps them as written; the screen renders their math)."""
    lines = ["## To review", ""]
    if debrief.review:
        lines += [f"- {c.key}: {shown(c.prompt.strip().splitlines()[0])}"
                  for c in debrief.review]
    else:
        lines.append("Nothing: every key point was covered.")
    lines += ["", "## Answers", ""]
    for q in debrief.done:
        lines += _question(q, shown)
    return lines


def markdown(debrief: Debrief) -> str:
    """The whole debrief as a Markdown document (times and ticks as recorded)."""
    lines = [
        "# Mock interview",
        "",
        heading(debrief),
        "",
        "## Questions",
        "",
        "| # | Topic | Card | Time | Points | Verdict |",
        "|---|-------|------|------|--------|---------|",
    ]
    for q in debrief.done:
        got, total = q.points
        lines.append(f"| {q.number} | {q.topic} | {q.card.key} | {clock_text(q.seconds)} | "
                     f"{got}/{total} | {q.verdict} |")
    lines += ["", "## Topics", "", "| Topic | Questions | Score |", "|-------|-----------|-------|"]
    for t in debrief.topics:
        lines.append(f"| {t.topic} | {t.questions} | {percent(t.score)} |")
    lines += ["", *review_and_answers(debrief)]
    return "\n".join(lines).rstrip() + "\n"
