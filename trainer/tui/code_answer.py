"""The answer box of a code card: a Python editor, keys to run, edit in $EDITOR and submit;
it runs the function in a worker and takes a submitted one into the attempt."""

from __future__ import annotations

import importlib.util
import os
import shlex
import subprocess
import tempfile
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static, TextArea

from trainer.attempt import Attempt
from trainer.coderun.card import CodeResult
from trainer.tui.answer_area import AnswerArea

KEYS = ("[b]ctrl+r[/b] runs against the draws · [b]ctrl+s[/b] submits · "
        "[b]ctrl+o[/b] opens $EDITOR · [b]esc[/b] keys")
INPUT_WIDTH = 68


def highlighting() -> str | None:
    """"python" when tree-sitter's Python grammar is installed; else plain text (the editor
    works the same, without colours)."""
    if importlib.util.find_spec("tree_sitter") and importlib.util.find_spec("tree_sitter_python"):
        return "python"
    return None


def _short(text: str, width: int = INPUT_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_headline(result: CodeResult) -> Text:
    """One or two lines above the editor: the summary and why the run failed, so that the
    reason is on screen however long the cases below are."""
    why = result.first_failure()
    out = Text("✔ " if why is None else "✘ ", style="bold green" if why is None else "bold red")
    if result.graded:
        out.append("submitted, graded on fresh draws: ")
    out.append(result.summary(), style="bold")
    if why is not None and not result.fatal:  # the summary already names what stopped it
        out.append(" · ")
        out.append(why, style="red")
    return out


def render_result(result: CodeResult) -> Text:
    """Each case (input, expected, got, pass or fail), each check, and the summary."""
    out = Text()
    for c in result.cases:
        out.append("✔ " if c.passed else "✘ ", style="bold green" if c.passed else "bold red")
        out.append(f"{c.label}  ", style="bold")
        out.append(_short(c.inputs) + "\n")
        out.append(f"    expected {c.expected}\n")
        out.append(f"    got      {c.got}", style="" if c.passed else "red")
        if c.message:
            out.append(f"  {c.message}", style="dim" if c.passed else "red")
        out.append("\n")
    for check in result.checks:
        out.append("✔ " if check.passed else "✘ ",
                   style="bold green" if check.passed else "bold red")
        out.append(f"check: {check.description}")
        if check.message:
            out.append(f": {check.message}", style="red")
        out.append("\n")
    if result.fatal:
        out.append(result.fatal + "\n", style="bold red")
    out.append(result.summary(), style="bold")
    return out


class CodeEditor(AnswerArea):
    """The editor of a code card. Escape leaves it as it leaves the one-line answer box (the
    screen's keys are live and the status says so); a code editor's own escape moved the
    focus on silently, and the status kept offering ctrl+r and ctrl+s."""

    BINDINGS = [Binding("escape", "screen.leave_input", "Keys", show=False)]


class CodeAnswer(Vertical):
    """Where the learner writes the function; the screen runs it and shows the cases here."""

    DEFAULT_CSS = """
    CodeAnswer { height: auto; margin: 1 0 0 0; }
    /* at most 45% of the terminal: the question above stays in view while writing (a
       height of 14 capped by max-height: 45vh left the box below 14 lines tall all the same) */
    CodeAnswer > #code-editor { height: 45vh; max-height: 14; }
    CodeAnswer > #code-headline { height: auto; margin: 0 0 1 0; }
    CodeAnswer > #code-results { height: auto; margin: 1 0 0 0; }
    """

    BINDINGS = [
        Binding("ctrl+r", "run", "Run", show=True),
        Binding("ctrl+s", "submit", "Submit", show=True),
        Binding("ctrl+o", "edit", "Edit in $EDITOR", show=True),
    ]

    class RunRequested(Message):
        """The learner asked to run (or submit) the function: the screen says whether it
        may, by calling :meth:`run`."""

        def __init__(self, source: str, submit: bool) -> None:
            super().__init__()
            self.source = source
            self.submit = submit

    class RunFailed(Message):
        """A run or submission failed in the trainer (not the learner's code): not recorded."""

    class Submitted(Message):
        """A submitted function was run and taken into the attempt (the editor is frozen)."""

        def __init__(self, result: CodeResult) -> None:
            super().__init__()
            self.result = result

    def __init__(self, attempt: Attempt, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.attempt = attempt
        assert attempt.code is not None  # the screen shows a card that can not run otherwise
        self.starter = attempt.code.starter
        # ctrl+s pressed once on the untouched starter, and nothing edited since: any edit
        # disarms it, so that ctrl+s on a starter edited and then reverted asks again
        self.starter_armed = False
        self.busy = False

    def compose(self) -> ComposeResult:
        # the function submitted before an undo comes back, as a typed answer does
        editor = CodeEditor.code_editor(self.attempt.code_start, language=highlighting(),
                                        id="code-editor", soft_wrap=False)
        editor.cursor_blink = False
        headline = Static(id="code-headline")
        headline.display = False  # until the first run
        yield headline
        yield editor
        yield Static(id="code-results")

    @property
    def editor(self) -> TextArea:
        return self.query_one("#code-editor", TextArea)

    @property
    def source(self) -> str:
        return self.editor.text

    def focus_editor(self) -> None:
        if not self.editor.read_only:
            self.editor.focus()

    def show(self, content: Text | str) -> None:
        self.query_one("#code-results", Static).update(content)

    def show_result(self, result: CodeResult) -> None:
        self.busy = False
        headline = self.query_one("#code-headline", Static)
        headline.update(render_headline(result))
        headline.display = True
        self.show(render_result(result))

    def freeze(self) -> None:
        """After submitting: the code stays on screen, read-only."""
        self.editor.read_only = True

    def _request(self, submit: bool) -> None:
        if self.busy or self.editor.read_only:
            return
        self.busy = True
        self.show(Text("running your function in the sandbox…", style="italic"))
        self.post_message(self.RunRequested(self.source, submit))

    @work(thread=True, exclusive=True, exit_on_error=False, group="code")
    def run(self, source: str, submit: bool) -> None:
        """Run ``source`` against the card's draws in the sandbox (a thread: it is slow);
        nothing is recorded unless ``submit``."""
        try:
            result = self.attempt.run_code(source, submit=submit)
        except Exception as exc:  # noqa: BLE001 - a trainer fault: say so, let them retry
            self.app.call_from_thread(self._run_failed, f"{type(exc).__name__}: {exc}")
            return
        self.app.call_from_thread(self._ran, source, result, submit)

    def _run_failed(self, why: str) -> None:
        """The run itself failed (not the learner's code): nothing recorded, run again."""
        self.busy = False
        if not self.is_attached:
            return
        self.show(Text(f"The run failed inside the trainer ({why[:300]}); nothing was "
                       "recorded: run or submit again.", style="bold red"))
        self.post_message(self.RunFailed())

    def _ran(self, source: str, result: CodeResult, submit: bool) -> None:
        if not self.is_attached:
            return  # the learner moved on (undo, another card) while it ran
        self.show_result(result)
        if submit and self.attempt.record_code(source, result) is not None:
            self.freeze()
            self.post_message(self.Submitted(result))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.starter_armed:
            self.starter_armed = False
            self.show("")  # the "ctrl+s again" notice no longer holds

    def action_run(self) -> None:
        self._request(submit=False)

    def action_submit(self) -> None:
        if self.source.strip() == self.starter.strip() and not self.starter_armed:
            # as an empty answer needs a second enter: a stray ctrl+s must not throw the card
            self.starter_armed = True
            self.show(Text("Nothing written yet: ctrl+s again submits the starter as it is "
                           "(counts as not known).", style="bold yellow"))
            return
        self.starter_armed = False
        self._request(submit=True)

    def action_edit(self) -> None:
        """Edit the code in $VISUAL or $EDITOR; the terminal is handed over meanwhile."""
        if self.editor.read_only:
            return
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set $EDITOR (or $VISUAL) to edit in your own editor.", timeout=4)
            return
        fd, name = tempfile.mkstemp(prefix="trainer-", suffix=".py")
        path = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(self.source)
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), str(path)], check=False)
            except Exception as exc:  # noqa: BLE001 - SuspendNotSupported, a missing editor
                self.notify(f"Could not open {command}: {exc}", severity="error", timeout=5)
                return
            self.editor.load_text(path.read_text(encoding="utf-8"))
            self.focus_editor()
        finally:
            path.unlink(missing_ok=True)
