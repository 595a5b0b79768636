"""The study screen's pause while only learning cards due later are left: a countdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from trainer.session import describe_wait
from trainer.tui.study_text import learning_left

if TYPE_CHECKING:
    from textual.timer import Timer

    from trainer.session import StudySession


class Countdown(Static):
    """"Next card in 4 min." above what waits and the figures so far. It reads the
    session's clock on each tick, so the time shown is the app's (a fake one in tests),
    whatever the timer's pace; when a card is back, `on_due` is called."""

    DEFAULT_CSS = "Countdown { margin-bottom: 1; }"

    def __init__(self, on_due: Callable[[], None], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.on_due = on_due
        self.session: StudySession | None = None
        self.below = Text()  # drawn once per pause; each tick redraws the first line only
        self.display = False
        self.ticker: Timer | None = None

    def on_mount(self) -> None:
        # it may be started before it is mounted (mounted when first needed)
        self.ticker = self.set_interval(1.0, self.tick, pause=self.session is None)

    def start(self, session: StudySession, wait: float) -> None:
        """Count down `wait` seconds to the session's next learning card."""
        self.session = session
        self.below = learning_left(session)
        self.display = True
        self._draw(wait)
        if self.ticker is not None:
            self.ticker.resume()

    def stop(self) -> None:
        self.session = None
        self.display = False
        if self.ticker is not None:
            self.ticker.pause()

    def tick(self) -> None:
        """The countdown's step: the next learning card appears when its time comes."""
        session = self.session
        if session is None:
            if self.ticker is not None:
                self.ticker.pause()
            return
        wait = session.next_card_in()
        if wait is None or session.bring_back() is not None:
            self.stop()
            self.on_due()
            return
        self._draw(wait)

    def _draw(self, wait: float) -> None:
        text = Text(f"Next card in {describe_wait(wait)}.\n", style="bold")
        self.update(text.append_text(self.below))
