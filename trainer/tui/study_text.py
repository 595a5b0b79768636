"""What the study screen writes, as rich Text: card text, the header, derivation steps and
their verdicts, a function's verdict, the session's figures. No widgets and no rules here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from trainer.render import plural, styled_spans
from trainer.review import LEECH_LAPSES, Verdict
from trainer.scheduling import format_interval

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rich.console import Group

    from trainer.attempt import Attempt, StepResult
    from trainer.coderun.card import CodeResult
    from trainer.decks.model import Card
    from trainer.exercises.exercise import ExerciseStep
    from trainer.review import Rating
    from trainer.session import StudySession

VERDICT_STYLE = {
    "correct": ("✔ correct", "bold green"),
    "incorrect": ("✘ incorrect", "bold red"),
    "undecided": ("? undecided", "bold yellow"),
    "invalid": ("! not understood", "bold yellow"),
}

# a card text's style tags as terminal styles (code spans and blocks in a colour of their own)
_TEXT_STYLE = {"code": "bold cyan", "link": "underline"}


def md(text: str, style: str = "") -> Text:
    """Card text (Markdown) for the screen: math as Unicode, emphasis and code styled,
    lists with bullets, hand-wrapped lines joined so the terminal wraps them."""
    out = Text(style=style)
    for piece, tags in styled_spans(text):
        out.append(piece, style=" ".join(_TEXT_STYLE.get(t, t) for t in tags.split()) or None)
    return out


def card_header(session: StudySession, card: Card) -> Text:
    """The top bar's line: the selection, the deck, the kind, the difficulty dots and
    what the learner should know before answering (a leech, an edit since the last review)."""
    info = Text()
    if session.tag:
        info.append(f"#{session.tag} ", style="bold")
    if session.ahead or session.chosen:
        info.append("cram ", style="bold")
    info.append(card.deck, style="bold")
    info.append(f" · {card.kind}")
    if card.difficulty:
        info.append(" · " + "●" * card.difficulty + "○" * (3 - card.difficulty))
    state = session.state_of(card)
    if state is not None and state.lapses >= LEECH_LAPSES:
        info.append(f" · leech ({state.lapses} lapses)", style="bold red")
    if session.is_edited(card):
        info.append(" · edited since last review", style="italic yellow")
    return info


# --- a graded card: its steps, one at a time --------------------------------------------------

def step_prompt(attempt: Attempt) -> Text | str:
    """Above the answer box: "Step 2 of 3: ..." in a derivation; a one-step card's own
    question only when it is not the prompt already shown."""
    step = attempt.current_step
    assert step is not None
    if attempt.step_count > 1:
        label = f"Step {attempt.step + 1} of {attempt.step_count}: "
        return Text(label, style="bold") + md(step.prompt, "bold")
    same = not step.prompt or step.prompt == attempt.prompt
    return "" if same else md(step.prompt)


def answer_placeholder(step: ExerciseStep) -> str:
    """What the empty answer box asks for: a number to its precision, or a formula in the
    step's symbols."""
    if step.kind == "numeric":
        return f"a number or fraction, to {step.precision}"
    from trainer.grading.expr import pretty_name

    names = ", ".join(pretty_name(n) for n in step.symbols)
    return f"a formula in {names}" if names else "a formula"


def step_verdict(result: StepResult, *, numbered: bool) -> Text:
    """A graded step in full: the verdict, what was read, the reference, the feedback."""
    label, style = VERDICT_STYLE.get(result.verdict, (result.verdict, "bold"))
    text, graded = result.text, result.graded
    out = Text()
    if numbered:
        out.append(f"Step {result.index + 1}: ", style="bold")
    out.append(label if text else "✘ no answer given", style=style)
    if graded is not None:
        if text and graded.parsed:
            out.append(f"   you wrote  {graded.parsed}\n")
        else:
            out.append("\n")
        out.append(f"reference  {graded.reference}\n", style="bold")
        if graded.feedback and text:
            out.append_text(md(graded.feedback, "italic"))
            out.append("\n")
        if graded.message and result.verdict != Verdict.CORRECT and text:
            out.append(graded.message + "\n", style="dim")
    if result.error:
        out.append(f"\nthe grader failed: {result.error}\n", style="red")
    return out


def step_line(result: StepResult) -> Text:
    """A finished step while the derivation goes on, on one line (its feedback below), so
    that the prompt and the next step stay on a small screen."""
    label, style = VERDICT_STYLE.get(result.verdict, (result.verdict, "bold"))
    text, graded = result.text, result.graded
    brief = Text(f"Step {result.index + 1} ", style="bold")
    brief.append(label if text else "✘ no answer", style=style)
    if graded is not None:
        brief.append(f"  {graded.parsed or text or '–'}" if text else "")
        if result.verdict != Verdict.CORRECT:
            # labelled: an arrow after the learner's answer reads as its value
            brief.append(f"  reference  {graded.reference}", style="bold")
            if graded.feedback and text:
                brief.append("\n  ")
                brief.append_text(md(graded.feedback, "italic"))
    return brief.append("\n")


def steps_done(attempt: Attempt) -> Text:
    """The steps answered so far, a line each."""
    done = Text("").join(step_line(r) for r in attempt.results)
    done.rstrip()  # the widget's margin separates them from the next step, not a blank line
    return done


def card_verdict(attempt: Attempt) -> Text:
    """Every step in full once the card is answered."""
    numbered = attempt.step_count > 1
    return Text("").join(step_verdict(r, numbered=numbered) for r in attempt.results)


def reference_answers(attempt: Attempt, references: Sequence[str]) -> Text:
    """A graded card's reference answers for one review's numbers, as its verdict gives them:
    one line, or a line for each step of a derivation."""
    out = Text()
    for i, shown in enumerate(references):
        if attempt.step_count > 1:
            out.append(f"Step {i + 1}: ", style="bold")
            out.append_text(md(attempt.exercise.steps[i].prompt if attempt.exercise else ""))
            out.append("\n")
        out.append(f"reference  {shown}\n", style="bold")
    out.rstrip()
    return out


def solution_text(solution: str) -> Text:
    return Text("Solution\n", style="bold").append(md(solution.strip()))


def rating_prompt(suggested: Rating | None, ticking: bool,
                  intervals: Mapping[Rating, float]) -> str:
    """The status line once a card is answered: the suggested rating Enter accepts, if any,
    whether space ticks key points, and each rating key's interval from the scheduler
    (`1 Again 10m · 2 Hard 2d · 3 Good 5d · 4 Easy 12d`)."""
    keys = " · ".join(f"[b]{int(r)}[/b] {r.label} {format_interval(seconds)}"
                      for r, seconds in intervals.items())
    if suggested is None and ticking:
        return f"[b]space[/b] ticks each key point you said ([b]↑↓[/b] move), or rate:\n{keys}"
    if suggested is None:
        return f"Rate it: {keys}"
    tick = "[b]space[/b] ticks what you said · " if ticking else ""
    return (f"{tick}Suggested: [b]{suggested.label}[/b] — [b]enter[/b] accepts, "
            f"[b]1-4[/b] overrides.\n{keys}")


# --- a code card ------------------------------------------------------------------------------

def code_verdict(result: CodeResult) -> Text:
    """A submitted function's verdict: the summary, why it failed, the feedback."""
    label, style = VERDICT_STYLE[result.verdict]
    if not result.correct and not result.fatal and result.cases \
            and all(c.passed for c in result.cases):  # only a check failed: Hard, not Again
        label, style = "~ every value right, a check failed", "bold yellow"
    verdict = Text(label, style=style)
    verdict.append(f"   {result.summary()}\n")
    why = result.first_failure()
    if why is not None and not result.fatal:
        verdict.append(why + "\n", style="red")
    if result.feedback:
        verdict.append_text(md(result.feedback, "italic"))
    return verdict


def code_solution(solution: str | None, reference: str) -> Group:
    """The solution's words above the reference function."""
    from rich.console import Group
    from rich.syntax import Syntax

    words = Text("Solution\n", style="bold")
    if solution:
        words.append_text(md(solution.strip())).append("\n")
    return Group(words, Syntax(reference, "python", background_color="default"))


# --- between cards and at the end -------------------------------------------------------------

def session_figures(session: StudySession, text: Text) -> Text:
    """The session's figures so far, appended to `text`."""
    s = session.summary()
    acc = "-" if s.accuracy is None else f"{s.accuracy:.0%}"
    spent = f"{s.seconds:.0f} s" if s.seconds < 60 else f"{s.seconds / 60:.1f} min"
    text.append(f"  cards studied   {s.studied}\n"
                f"  reviews         {len(session.outcomes)}\n"
                f"  accuracy        {acc}\n"
                f"  time            {spent}\n")
    if s.due_later_today:
        text.append(f"  later today     {s.due_later_today} (learning steps)\n")
    text.append(f"  due tomorrow    {s.due_tomorrow}\n")
    return text


def learning_left(session: StudySession) -> Text:
    """Under the countdown: what waits, and the figures so far."""
    waiting = len(session.learning)
    tail = Text(f"{plural(waiting, 'learning card')} left in this session; "
                f"{'it comes' if waiting == 1 else 'they come'} back when due.\n\n")
    if session.outcomes:
        session_figures(session, tail.append("So far:\n"))
    return tail


def session_complete(session: StudySession) -> Text:
    text = Text()
    text.append("Session complete.\n\n", style="bold green")
    return session_figures(session, text)


def nothing_due(session: StudySession) -> Text:
    """Why there is no card: none loaded or matching, a limit met, or when the next is due."""
    from trainer.scheduling.queue import next_due

    scope = session.scope
    when = next_due(scope, session.store)
    now = session.clock()
    text = Text("Nothing is due right now.\n\n", style="bold")
    if not session.cards:
        text.append("No decks loaded: run `trainer validate` to see why.\n")
    elif not scope:
        text.append("No card matches this deck or tag.\n")
    elif when is not None and when <= now:
        text.append(f"More cards are due, but today's limit of "
                    f"{session.settings.reviews_per_day} reviews is reached.\n")
    elif when is not None:
        from trainer.stats import describe_time  # the statistics: not on the first card's path

        text.append(f"The next card is due {describe_time(when, now)}.\n")
    else:
        text.append("You have met today's limit of new cards.\n")
    return text
