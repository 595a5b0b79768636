"""The mock interview screen: it renders a `MockInterview` and forwards keys; no rules here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static, TextArea
from textual.worker import Worker, WorkerState

from trainer.attempt import StepResult
from trainer.interview.mock import MockInterview, Question
from trainer.interview.report import clock_text, markdown
from trainer.render import render_math
from trainer.tui.answer_area import AnswerArea
from trainer.tui.screens.base import TrainerScreen
from trainer.tui.study_text import VERDICT_STYLE
from trainer.tui.widgets.debrief import DebriefView
from trainer.tui.widgets.tick_list import TickList


class InterviewScreen(TrainerScreen):
    """One question at a time: answer (ctrl+s), the follow-up, then tick the key points
    (space) and go on (ctrl+s); at the end, the debrief (w writes it as Markdown)."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Send / next", priority=True),
        # the answer above a follow-up (or a whiteboard's steps) scrolls while typing below
        Binding("ctrl+down", "scroll_said(3)", "Scroll your answer"),
        Binding("ctrl+up", "scroll_said(-3)", "Scroll your answer", show=False),
        Binding("w", "write_report", "Write report"),
        Binding("s", "study_weak", "Study the cards to review"),
        Binding("escape", "leave", "Leave"),
    ]
    DEFAULT_CSS = """
    InterviewScreen { padding: 0 1; }
    #iv-clock { height: auto; }  /* a long topic wraps; the clocks are never cut */
    #iv-prompt { margin: 1 0 0 0; }
    #iv-said {
        height: auto; max-height: 25%; margin: 1 0 0 0; padding: 0 0 0 1;
        border-left: outer $primary 40%; scrollbar-size-vertical: 1;
    }
    #iv-follow { margin: 1 0 0 0; }
    #iv-answer { height: 1fr; min-height: 5; margin: 1 0 0 0; }
    #iv-status { height: auto; }
    #iv-review { height: 1fr; margin: 1 0 0 0; }
    #iv-texts { width: 1fr; }
    #iv-points { width: 1fr; height: auto; }
    #iv-debrief { height: 1fr; }
    """

    def __init__(self, mock: MockInterview,
                 on_question: Callable[[Question], None] = lambda q: None,
                 on_finish: Callable[[MockInterview], None] = lambda m: None,
                 report_dir: Path | None = None) -> None:
        super().__init__()
        self.mock = mock
        self.on_question = on_question
        self.on_finish = on_finish
        self.report_dir = report_dir or Path.cwd()
        self.finished = False
        self.grading = False  # a whiteboard answer is being graded in a worker
        self.leave_armed = False  # escape pressed once mid-interview: a second one leaves

    def compose(self) -> ComposeResult:
        yield Static(id="iv-clock")
        yield Static(id="iv-prompt")
        with VerticalScroll(id="iv-said"):  # the main answer, while the follow-up is typed
            yield Static(id="iv-said-text")
        yield Static(id="iv-follow")
        yield AnswerArea(id="iv-answer", soft_wrap=True, show_line_numbers=False)
        yield Static(id="iv-status")
        with Horizontal(id="iv-review"):
            with VerticalScroll(id="iv-texts"):
                yield Static(id="iv-yours")
                yield Static(id="iv-model")
            yield TickList(id="iv-points")
        yield DebriefView(id="iv-debrief")
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The debrief's keys only in the debrief, sending only before it (in the footer too)."""
        if action in ("write_report", "study_weak"):
            return self.finished
        if action == "submit":
            return not self.finished
        if action == "scroll_said":
            said = self.query("#iv-said")
            return bool(said) and said.first().display
        return True

    def on_mount(self) -> None:
        self.set_interval(1, self.tick_clock)
        self._next()

    def on_unmount(self) -> None:
        """Quitting the app mid-interview (ctrl+q) keeps the questions answered, as leaving
        does: each was a review already, and the interview joins the history."""
        if not self.finished and self.mock.has_answers:
            self.finished = True
            self.on_finish(self.mock)

    # --- the clocks ---------------------------------------------------------------------

    def tick_clock(self) -> None:
        """Redraw the clocks; announce time up once per question (the learner may finish)."""
        q = self.mock.current
        if q is None:
            return
        left_in_all = self.mock.time_left
        if left_in_all is None:
            total = f" · interview {clock_text(self.mock.elapsed)}"
        elif left_in_all > 0:
            total = f" · interview {clock_text(left_in_all)} left"
        else:  # not "-1:56 left": the minutes are over, this question ends the interview
            total = " · interview time is up"
        if self.mock.last_question and not self.mock.questions:
            total += " · last question"  # "Question 3 of 3" says it already
        if q.stage == "review":  # the answer is in: its time stands still while read
            own = f"answered in {clock_text(q.seconds)}"
            late = q.seconds > q.limit
        else:
            own = clock_text(self.mock.question_left())
            late = self.mock.question_left() <= 0
        self.query_one("#iv-clock", Static).update(Text(
            f"Question {q.number}{self._of()} · {q.topic} · {own}{total}",
            style="bold red" if late else "bold"))
        if self.mock.time_up() and not q.time_up_seen:
            q.time_up_seen = True
            self.notify("Time is up: finish your sentence, then ctrl+s.", title="Time",
                        severity="warning")

    def _of(self) -> str:
        return f" of {self.mock.questions}" if self.mock.questions else ""

    # --- showing ------------------------------------------------------------------------

    def _show(self, answering: bool, reviewing: bool, debrief: bool,
              said: bool = False, asked: bool = False) -> None:
        self.query_one("#iv-answer").display = answering
        self.query_one("#iv-said").display = said
        self.query_one("#iv-follow").display = asked
        self.query_one("#iv-review").display = reviewing
        self.query_one("#iv-debrief").display = debrief
        self.query_one("#iv-prompt").display = not debrief
        self.query_one("#iv-clock").display = not debrief
        self.refresh_bindings()  # "Scroll your answer" only while there is one above

    def _next(self) -> None:
        q = self.mock.next_question()
        if q is None:
            self._debrief()
            return
        self._ask(q)

    def _ask(self, q: Question) -> None:
        """Ask the question, then its follow-up or a whiteboard's next step below it, under
        what stays on the board as it would in an interview room: the answer just given,
        or the steps written so far (in a compact box that scrolls)."""
        hint = "  [dim](whiteboard: type the result)[/dim]" if q.card.graded else ""
        self.query_one("#iv-prompt", Static).update(
            Text.from_markup(f"[b]{q.card.key}[/b]{hint}\n") + Text(render_math(q.prompt.strip())))
        said, asked = self._board(q)
        if said is not None:
            self.query_one("#iv-said-text", Static).update(said)
            self.query_one("#iv-said", VerticalScroll).scroll_home(animate=False)
        if asked is not None:
            self.query_one("#iv-follow", Static).update(asked)
        area = self.query_one("#iv-answer", TextArea)
        area.text = ""
        self.query_one("#iv-status", Static).update("")
        self._show(answering=True, reviewing=False, debrief=False,
                   said=said is not None, asked=asked is not None)
        area.focus()
        self.tick_clock()

    @staticmethod
    def _board(q: Question) -> tuple[Text | None, Text | None]:
        """(what stays on the board, what is asked now) below the question, if any."""
        if q.stage == "follow_up" and q.follow_up is not None:
            said = Text("You said: ", style="bold") + Text(
                render_math(q.answer) if q.answer else "(nothing written)",
                style="" if q.answer else "dim")
            return said, Text("Follow-up: ", style="bold") + Text(
                render_math(q.follow_up.question.strip()))
        step = q.attempt.current_step
        if step is None or q.attempt.step_count < 2:
            return None, None
        asked = Text(f"Step {q.attempt.step + 1} of {q.attempt.step_count}: ", style="bold")
        asked.append(render_math(step.prompt.strip()))
        if not q.attempt.results:
            return None, asked
        board = Text("On the board", style="bold")
        for r in q.attempt.results:  # what was written, not yet judged: that is the review's
            board.append(f"\nStep {r.index + 1}: {r.text or '(no answer)'}")
        return board, asked

    def _review(self, q: Question) -> None:
        yours = q.answer or "(nothing written)"
        if q.follow_up is not None:
            yours += f"\n\nFollow-up: {q.follow_up.question}\n{q.follow_up_answer or '(nothing)'}"
        mine = Text("Your answer\n", style="bold") + Text(render_math(yours))
        if q.card.graded:
            mine = Text("Your answer, graded\n", style="bold") + self._verdicts(q)
        self.query_one("#iv-yours", Static).update(mine)
        self.query_one("#iv-model", Static).update(
            Text("\nModel answer\n", style="bold") + Text(render_math(q.model_answer)))
        points = self.query_one("#iv-points", TickList)
        shown = [(render_math(p), i in q.pre_ticked) for i, p in enumerate(q.key_points)]
        if q.follow_up is not None:
            shown += [(f"(follow-up) {render_math(p)}", i in q.follow_pre_ticked)
                      for i, p in enumerate(q.follow_up.key_points)]
        points.set_points(shown)
        points.display = bool(shown)  # a whiteboard exercise is graded, not ticked
        self._show(answering=False, reviewing=True, debrief=False)
        # the focus on what is shown: the footer offers the keys of the focused widget, and
        # a hidden tick list's "Tick / untick" would do nothing
        texts = self.query_one("#iv-texts", VerticalScroll)
        texts.scroll_home(animate=False)
        (points if shown else texts).focus()
        self.tick_clock()

    @staticmethod
    def _verdicts(q: Question) -> Text:
        """Each whiteboard step as the grader judged it, with the reference."""
        out = Text()
        many = len(q.attempt.results) > 1
        for r in q.attempt.results:
            label, style = VERDICT_STYLE.get(r.verdict, (str(r.verdict), "bold"))
            if many:
                out.append(f"Step {r.index + 1}: ", style="bold")
            out.append(f"{r.text or '(no answer)'}  ")
            out.append(label + "\n", style=style)
            if r.graded is not None:
                if r.verdict != "correct" and r.graded.message:
                    out.append(r.graded.message + "\n", style="dim")
                out.append(f"reference  {r.graded.reference}\n")
            if r.error:
                out.append(f"the grader failed: {r.error}\n", style="red")
        return out

    def _debrief(self) -> None:
        self.finished = True
        self.refresh_bindings()
        self.on_finish(self.mock)
        self._show(answering=False, reviewing=False, debrief=True)
        self.query_one("#iv-status", Static).update("")
        stopped = [q for q in self.mock.asked if q.stage != "done"]
        left = (f"You left during question {stopped[0].number}: it is not scored. "
                if stopped else "")
        view = self.query_one("#iv-debrief", DebriefView)
        view.show(self.mock.debrief(), f"*{left}s studies the cards to review now · w writes "
                  "this report as Markdown · escape leaves*")
        view.focus()  # the arrows scroll it; the footer offers only the debrief's keys

    # --- keys ---------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if event.key != "escape":
            self._disarm_leave()

    @on(TextArea.Changed, "#iv-answer")
    def _disarm_leave(self) -> None:
        if self.leave_armed:
            self.leave_armed = False
            self.query_one("#iv-status", Static).update("")

    def action_scroll_said(self, lines: int) -> None:
        self.query_one("#iv-said", VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_submit(self) -> None:
        q = self.mock.current
        if q is None:
            return
        if self.grading:
            self.notify("Still grading your answer…", timeout=2)
            return
        if q.stage in ("answering", "follow_up"):
            # ctrl+s is a priority key: it can overtake keys still queued for the text
            # area (fast typing, a paste). Send once the area has taken them all.
            self.query_one("#iv-answer", TextArea).call_later(self._send, q,
                                                              (q.stage, q.attempt.step))
            return
        self._send(q, (q.stage, q.attempt.step))

    def _send(self, q: Question, asked: tuple[str, int]) -> None:
        # a second ctrl+s queued behind the first must not send the next stage's empty box
        if q is not self.mock.current or self.grading or (q.stage, q.attempt.step) != asked:
            return
        if q.stage in ("answering", "follow_up"):
            text = self.query_one("#iv-answer", TextArea).text
            if q.card.graded and q.stage == "answering":
                # the sympy grader can take seconds: never on the UI thread
                self.grading = True
                self.query_one("#iv-answer", TextArea).read_only = True
                self.query_one("#iv-status", Static).update(Text("grading…", style="bold"))
                self._grade(q, text, self.mock.clock())
                return
            self.mock.answer(text)
            if q.stage == "follow_up":
                self._ask(q)
            else:
                self._review(q)
            return
        if q.stage == "review":
            chosen = set(self.query_one("#iv-points", TickList).selected)
            main = len(q.key_points)
            self.mock.confirm([i for i in chosen if i < main],
                              [i - main for i in chosen if i >= main])
            self.on_question(q)
            got, total = q.points
            self.notify(f"{q.verdict}: {got}/{total} in {clock_text(q.seconds)}", timeout=3)
            self._next()

    @work(thread=True, exclusive=True, exit_on_error=False, group="iv-grade")
    def _grade(self, q: Question, text: str, sent: float) -> None:
        result = q.attempt.grade(text)  # thread-safe; recording is the UI thread's
        self.app.call_from_thread(self._graded, q, result, sent)

    def _graded(self, q: Question, result: StepResult, sent: float) -> None:
        self._grading_done()
        before = len(q.attempt.results)
        self.mock.record_step(q, result, sent)  # the time taken ends when it was sent
        if q.stage == "answering":  # a whiteboard step: the next, or read again
            if len(q.attempt.results) == before:
                why = result.graded.message if result.graded is not None else ""
                self.query_one("#iv-status", Static).update(Text(
                    f"? {why}  Change the answer and send again.".replace("?  ", "? "),
                    style="yellow"))
                self.notify("That answer could not be read; change it and send again.",
                            severity="warning")
                return  # keep the text to mend it
            self._ask(q)
        elif q.stage == "review":
            self._review(q)

    def _grading_done(self) -> None:
        self.grading = False
        self.query_one("#iv-answer", TextArea).read_only = False
        self.query_one("#iv-status", Static).update("")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "iv-grade" and event.state == WorkerState.ERROR:
            self._grading_done()
            self.notify(f"The answer could not be graded: {event.worker.error}",
                        severity="error")

    def action_write_report(self) -> None:
        if not self.finished:
            return
        stamp = datetime.fromtimestamp(self.mock.started_at).strftime("%Y%m%d-%H%M")
        path = self.report_dir / f"interview-{stamp}.md"
        try:
            path.write_text(markdown(self.mock.debrief()), encoding="utf-8")
        except OSError as exc:
            self.notify(f"Could not write {path}: {exc.strerror or exc}", severity="error")
            return
        self.notify(f"Wrote {path}")

    def action_study_weak(self) -> None:
        """Study the debrief's cards to review now, through the browser's "study these"."""
        if not self.finished:
            return
        cards = self.mock.debrief().review
        if not cards:
            self.notify("Nothing to review: every question was fully covered.", timeout=4)
            return
        self.app.study_cards(cards)  # leaves this screen for the study screen

    def action_leave(self) -> None:
        writing = self.query_one("#iv-answer", TextArea).text.strip()
        if not self.finished and not self.leave_armed and writing:
            # escape is an editor habit: one press must not throw away an answer being written
            self.leave_armed = True
            self.query_one("#iv-status", Static).update(Text(
                "escape again leaves the interview (the questions answered are kept and "
                "debriefed); any other key goes on", style="bold yellow"))
            return
        if not self.finished and self.mock.has_answers:
            self._debrief()  # what was answered is kept, and debriefed as the CLI does
            return
        self.app.pop_screen()
