"""Waiting in pilot tests for what the screen shows, not for a time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from contextlib import suppress


async def until(pilot, shown: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    """Let the app run until `shown()` holds; fail after a generous `timeout` (seconds).

    A worker's result reaches a screen as a message after the worker ends, so waiting for
    the workers and one frame can look too early on a loaded machine."""
    end = time.monotonic() + timeout
    while not shown():
        if time.monotonic() > end:
            raise AssertionError(f"still waiting after {timeout:.0f} s for {what}")
        await pilot.pause(0.01)


async def after_first_frame(pilot) -> None:
    """The work the app starts once its first frame is out (the start's sync, the backup,
    the plugins' notices: each asked for with call_after_refresh) has been started: a
    callback asked for now runs after those. One pause may come before that frame on a
    loaded machine, and the workers waited for then are not there yet."""
    started = asyncio.Event()
    pilot.app.call_after_refresh(started.set)
    await until(pilot, started.is_set, "the app's first frame")


def measuring(table) -> bool:
    """True while a DataTable has rows it has not measured yet (it does when idle).

    Textual (8.2) has no public flag for it: its private one is read here and nowhere else;
    tests/tui/test_textual_private.py fails if Textual changes what it means."""
    return table._require_update_dimensions


async def tables_measured(pilot) -> None:
    """Let the screen's tables measure the rows just added and draw again: a table measures
    new rows when idle, and until then its header may still be drawn at the old column
    widths (a home snapshot caught that; no public flag says it is done)."""
    from textual.widgets import DataTable

    tables = list(pilot.app.screen.query(DataTable))
    await until(pilot, lambda: not any(measuring(t) for t in tables),
                "the tables to measure their rows")
    for table in tables:
        table.refresh()
    await pilot.pause()


async def home_counted(pilot) -> None:
    """The home screen's counts (or why they failed) are on screen: it is no longer
    counting (a home screen shown again shows its last counts meanwhile)."""
    from textual.worker import WorkerFailed

    screen = pilot.app.screen
    with suppress(WorkerFailed):  # a failure is shown in the title: the tests read it there
        await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: not screen.counting, "the home screen's counts")
    await tables_measured(pilot)


async def stats_counted(pilot) -> None:
    """The statistics screen shows its three workers' results (the figures, the readiness
    note, the mock interviews), not its placeholders; a failure is shown in their place."""
    from textual.worker import WorkerFailed

    screen = pilot.app.screen

    def text(widget_id: str) -> str:
        return str(screen.query_one(f"#{widget_id}").render())

    with suppress(WorkerFailed):
        await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: not screen.pending, "the statistics")
    assert "counting reviews" not in text("stats-summary")
    assert text("readiness-note").strip() and text("interview-trend").strip()
