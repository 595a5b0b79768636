"""Waiting in pilot tests for what the screen shows, not for a time."""

from __future__ import annotations

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


async def home_counted(pilot) -> None:
    """The home screen's counts (or why they failed) are on screen: its title no longer
    says counting."""
    from textual.worker import WorkerFailed

    title = pilot.app.screen.query_one("#home-title")
    with suppress(WorkerFailed):  # a failure is shown in the title: the tests read it there
        await pilot.app.workers.wait_for_complete()
    await until(pilot, lambda: "counting" not in str(title.content), "the home screen's counts")
