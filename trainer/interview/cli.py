"""`trainer interview` (a mock interview in the terminal) and `trainer readiness`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from trainer.config import Settings
    from trainer.decks.model import Card
    from trainer.interview.mock import MockInterview, Question
    from trainer.scheduling import Scheduler
    from trainer.store import Store


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=argparse.SUPPRESS,
                        help="the database file (default: $TRAINER_DB or the user data folder)")
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="deck files or folders (default: shipped decks and your deck folder)")


def add_interview_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--questions", type=int, metavar="N", help="ask N questions (default: the interview_length setting, 6 questions)")
    length.add_argument("--minutes", type=float, metavar="M",
                        help="ask questions until M minutes have passed")
    parser.add_argument("--tag", help="only cards with this tag")
    parser.add_argument("--deck", action="append", help="only this deck id (repeatable)")
    parser.add_argument("--no-review", action="store_true",
                        help="keep the interview apart from the schedule (no reviews recorded)")
    parser.add_argument("--report", type=Path, metavar="FILE.md",
                        help="write the debrief as Markdown")
    parser.add_argument("--history", action="store_true",
                        help="list past interviews and the trend of their scores")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)


def add_readiness_arguments(parser: argparse.ArgumentParser) -> None:
    _add_common(parser)
    parser.add_argument("--date", help="the interview date (default: the interview_date setting)")
    parser.add_argument("--all", action="store_true",
                        help=f"every tag (default: the {WEAKEST_TAGS} weakest)")
    parser.add_argument("--json", action="store_true")


WEAKEST_TAGS = 15  # tags `trainer readiness` lists without --all, weakest first


def _err(message: str) -> int:
    print(f"trainer: {message}", file=sys.stderr)
    return 2


def _setup(args: argparse.Namespace) -> tuple[Settings, Sequence[Card], Store] | int:
    """(settings, cards, store), or the exit status of an error already reported."""
    from trainer.catalog import load_catalog
    from trainer.config import SettingsError, default_db_path, default_deck_paths, load_settings
    from trainer.store import Store

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _err(str(exc))
    result = load_catalog(args.paths or default_deck_paths())
    for problem in result.problems:
        print(problem, file=sys.stderr)
    store = Store.open(getattr(args, "db", None) or default_db_path())
    return settings, result.cards, store


# --- readiness ------------------------------------------------------------------------------


def run_readiness(args: argparse.Namespace) -> int:
    from trainer.interview.outlook import readiness_at, readiness_line

    setup = _setup(args)
    if isinstance(setup, int):
        return setup
    settings, cards, store = setup
    text = args.date or settings.interview_date
    if not text:
        return _err("no interview date: set one with `trainer config interview_date 2026-12-15` "
                    "or pass --date")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return _err(f"--date must be a date like 2026-12-15, not {text!r}")
    r = readiness_at(cards, store, settings, day)
    if args.json:
        print(json.dumps({"date": day.isoformat(), **r.to_dict()}))
        return 0
    print(readiness_line(r, day, cards))
    print(f"{r.overall.cards} cards in scope, {r.overall.unseen} never studied (counted as 0)")
    for title, groups in (("deck", r.decks), ("tag", r.tags)):
        if not groups:
            continue
        ranked = sorted(groups, key=lambda g: (g.recall, g.name))  # weakest first
        shown = ranked if title == "deck" or args.all else ranked[:WEAKEST_TAGS]
        width = min(40, max(24, *(len(g.name) for g in shown)))
        print(f"\n{title:<{width}} recall  cards  unseen")
        for g in shown:
            name = g.name if len(g.name) <= width else g.name[:width - 1] + "…"
            print(f"{name:<{width}} {g.recall:>6.0%}  {g.cards:>5}  {g.unseen:>6}")
        if len(shown) < len(ranked):
            print(f"… and {len(ranked) - len(shown)} more tags (--all lists them)")
    return 0


# --- the interview --------------------------------------------------------------------------


def _read_answer(ask: Callable[[str], str], out: TextIO) -> str:
    """Lines until an empty one (or the end of input): free text, math, or just keywords."""
    lines: list[str] = []
    while True:
        try:
            line = ask("  ")
        except EOFError:
            break
        if not line.strip():
            break
        lines.append(line)
    return "\n".join(lines)


def _parse_ticks(text: str, total: int) -> list[int] | None:
    """'1 3' -> [0, 2]; '0' or '-' -> []; None when the text is not numbers in range."""
    words = text.replace(",", " ").split()
    if words in (["0"], ["-"]):
        return []
    try:
        numbers = [int(w) for w in words]
    except ValueError:
        return None
    if any(not 1 <= n <= total for n in numbers):
        return None
    return [n - 1 for n in numbers]


def _ticks(q: Question, ask: Callable[[str], str],
           out: TextIO) -> tuple[list[int], list[int]]:
    """Show the model answer and key points with the matcher's ticks; the learner's
    corrections: (main key points, follow-up key points), from 0."""
    points = list(q.key_points) + (list(q.follow_up.key_points) if q.follow_up else [])
    main = len(q.key_points)
    ticked = set(q.ticked) | {main + i for i in q.follow_ticked}
    from trainer.render import render_math

    out.write("\nModel answer:\n" + render_math(q.model_answer.strip()) + "\n\nKey points (x: the matcher "
              "thinks you said it):\n")
    for i, point in enumerate(points):
        label = " (follow-up)" if i >= main else ""
        out.write(f"  {i + 1}. [{'x' if i in ticked else ' '}] {point}{label}\n")
    while True:
        try:
            text = ask("Enter keeps these ticks; or type the numbers you covered (0: none): ")
        except EOFError:
            text = ""
        if not text.strip():
            choice = sorted(ticked)
            break
        parsed = _parse_ticks(text, len(points))
        if parsed is not None:
            choice = parsed
            break
        out.write(f"  numbers from 1 to {len(points)}, separated by spaces, please\n")
    return [i for i in choice if i < main], [i - main for i in choice if i >= main]


def conduct(mock: MockInterview, ask: Callable[[str], str], out: TextIO,
            on_done: Callable[[Question], None] = lambda q: None) -> None:
    """Hold the interview in a terminal: ask, time, follow up, tick; `on_done` records."""
    from trainer.interview.report import clock_text
    from trainer.render import render_math

    while (q := mock.next_question()) is not None:
        total = f" of {mock.questions}" if mock.questions else ""
        left = mock.time_left
        clock = f" · {clock_text(left)} left in the interview" if left is not None else ""
        out.write(f"\n— Question {q.number}{total} · {q.topic} · {clock_text(q.limit)} to answer"
                  f"{clock} —\n{render_math(q.prompt.strip())}\n")
        if q.card.graded:
            out.write("(whiteboard: work it out, then type the result; empty line to send)\n")
        else:
            out.write("(answer in words and math, or say it aloud and type keywords; "
                      "an empty line ends the answer)\n")
        while q.stage == "answering":
            step = q.attempt.current_step
            if step is not None and q.attempt.step_count > 1:
                out.write(f"Step {q.attempt.step + 1}: {step.prompt.strip()}\n")
            text = _read_answer(ask, out)
            if mock.time_up():
                out.write(f"  time is up ({clock_text(-mock.question_left())} over)\n")
            before = len(q.attempt.results)
            mock.answer(text)
            if q.card.graded and len(q.attempt.results) == before and q.stage == "answering":
                out.write("  that answer could not be read; try again\n")
        if q.stage == "follow_up" and q.follow_up is not None:
            out.write(f"\nFollow-up: {render_math(q.follow_up.question.strip())}\n")
            text = _read_answer(ask, out)
            if mock.time_up():
                out.write(f"  time is up ({clock_text(-mock.question_left())} over)\n")
            mock.answer_follow_up(text)
        if q.card.graded:
            for r in q.attempt.results:
                detail = r.graded.message if r.graded is not None else (r.error or "")
                reference = f" (reference: {r.graded.reference})" if r.graded is not None else ""
                out.write(f"  {r.verdict}: {detail}{reference}\n")
            if q.model_answer:
                out.write("Solution:\n" + render_math(q.model_answer.strip()) + "\n")
            mock.confirm()
        else:
            mock.confirm(*_ticks(q, ask, out))
        got, all_ = q.points
        out.write(f"→ {q.verdict}: {got}/{all_} in {clock_text(q.seconds)}\n")
        on_done(q)


def print_debrief(mock: MockInterview, out: TextIO) -> None:
    """The debrief in the terminal. A question left half-way (ctrl+c) is named as stopped:
    it is not scored, so none of its key points is listed as missed."""
    from trainer.interview.report import clock_text
    from trainer.render import plural

    d = mock.debrief()
    stopped = [q for q in d.questions if q.stage != "done"]
    more = f" ({len(stopped)} stopped, not scored)" if stopped else ""
    out.write(f"\nDebrief: {plural(len(d.done), 'question')}{more} in "
              f"{clock_text(d.seconds)}, score {d.score:.0%}\n")
    width = max(len(q.card.key) for q in d.questions)
    for q in d.questions:
        if q.stage != "done":
            out.write(f"  {q.number}. {q.card.key:<{width}}  stopped\n")
            continue
        got, total = q.points
        out.write(f"  {q.number}. {q.card.key:<{width}} {clock_text(q.seconds):>6}  "
                  f"{got}/{total}  {q.verdict}\n")
        for point in q.missed:
            out.write(f"       missed: {point}\n")
    out.write("Per topic: " + ", ".join(f"{t.topic} {t.score:.0%}" for t in d.topics) + "\n")
    if d.review:
        out.write("To review: " + " ".join(c.key for c in d.review) + "\n")


def record_review(store: Store, scheduler: Scheduler, settings: Settings, q: Question,
                  now: float) -> None:
    """The interview question as a review of its card: the rubric's rating, as in study, the
    interval capped toward the interview date like any other review."""
    from trainer.interview.plan import InterviewPlan

    rating = q.rating
    if rating is None:
        return  # the grader could not tell: nothing to learn from
    from trainer.store.journal import new_event_id

    card = q.card
    before = store.card_state(card.key)
    event_id = new_event_id(now)  # draws the fuzz: a replay of the event gives the same state
    drawn = scheduler.review(key=card.key, deck=card.deck, state=before, rating=rating, now=now,
                             content_hash=card.content_hash, seed=event_id)
    plan = InterviewPlan.from_settings(settings)
    after = drawn if plan is None else plan.cap(card, drawn, now)
    store.record_review(before=before, after=after, rating=rating, reviewed_at=now,
                        answer=q.attempt.logged_answer, verdict=q.attempt.verdict,
                        duration_ms=int(q.seconds * 1000), event_id=event_id,
                        fixed_due=None if after.due == drawn.due else after.due)


def make_interview(scope: Sequence[Card], store: Store, settings: Settings,
                   scheduler: Scheduler, *, questions: int | None, minutes: float | None,
                   clock: Callable[[], float], wall: Callable[[], float],
                   seed: int | None = None) -> MockInterview:
    """An interview over `scope`, drawing weak cards first by their recall now. Raises
    InterviewError for an empty scope or a bad length."""
    from trainer.interview.mock import MockInterview

    states = store.states(sorted({c.deck for c in scope}))
    now = wall()

    def recall(card: Card) -> float:
        state = states.get(card.key)
        return scheduler.retrievability(state, now) if state is not None else 0.0

    return MockInterview(scope, questions=questions, minutes=minutes,
                         question_seconds=settings.interview_question_minutes * 60,
                         recall=recall, review_numbers={k: s.reps for k, s in states.items()},
                         clock=clock, wall=wall, seed=seed)


def save_interview(store: Store, mock: MockInterview, reviewed: bool) -> None:
    """Store the finished interview whole."""
    from trainer.interview.records import to_record

    debrief = mock.debrief()
    store.record_interview(started_at=debrief.started_at, seconds=debrief.seconds,
                           score=debrief.score, reviewed=reviewed, data=to_record(debrief))


def run_interview(args: argparse.Namespace, ask: Callable[[str], str] = input,
                  out: TextIO | None = None, clock: Callable[[], float] = time.monotonic,
                  wall: Callable[[], float] = time.time) -> int:
    from trainer.interview.mock import InterviewError
    from trainer.interview.report import markdown
    from trainer.interview.start import interview_scope, parse_length
    from trainer.scheduling import Scheduler

    out = out or sys.stdout
    setup = _setup(args)
    if isinstance(setup, int):
        return setup
    settings, cards, store = setup
    if args.history:
        from trainer.interview.records import trend

        out.write("\n".join(trend(store.interviews())) + "\n")
        return 0
    if args.report is not None and args.report.suffix.lower() not in (".md", ".markdown"):
        return _err(f"{args.report}: the report is Markdown: name it FILE.md")
    scheduler = Scheduler.for_store(settings, store)
    questions, minutes = args.questions, args.minutes
    if questions is None and minutes is None:  # the configured length (6 questions)
        length = parse_length(settings.interview_length)
        questions, minutes = length.questions, length.minutes
    try:
        scope = interview_scope(cards, settings.interview_scope, args.deck, args.tag)
        mock = make_interview(scope, store, settings, scheduler, questions=questions,
                              minutes=minutes, clock=clock, wall=wall, seed=args.seed)
    except InterviewError as exc:
        return _err(str(exc))

    def done(q: Question) -> None:
        if not args.no_review:
            record_review(store, scheduler, settings, q, wall())

    try:
        conduct(mock, ask, out, done)
    except KeyboardInterrupt:
        out.write("\ninterview stopped\n")
    if not mock.has_answers:
        return 0
    save_interview(store, mock, not args.no_review)
    print_debrief(mock, out)
    if args.report is not None:
        try:
            tmp = args.report.with_name(f".{args.report.name}.tmp")
            tmp.write_text(markdown(mock.debrief()), encoding="utf-8")
            tmp.replace(args.report)
        except OSError as exc:
            return _err(f"{args.report}: {exc.strerror or exc}")
        out.write(f"wrote the report to {args.report}\n")
    store.close()
    return 0
