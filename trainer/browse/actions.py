"""What the browser does to cards: suspend, bury, forget, reschedule; each one transaction, undoable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trainer.browse.search import Match
from trainer.review import State
from trainer.scheduling.days import next_day_start, study_day_start
from trainer.store import CardState, Store
from trainer.store.journal import Event

ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "forget", "reschedule")


@dataclass(frozen=True, slots=True)
class Change:
    """What an action changed: each card's state before and after (None: no stored row), and
    the journal events that did it (undo cancels them)."""

    action: str
    before: dict[str, CardState | None]
    after: dict[str, CardState | None]
    events: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.after)


def _event(store: Store, action: str, m: Match, now: float, *, day_hour: int,
           due_day: object = None) -> Event:
    """The journal event of `action` on one card (the replay says what it changes)."""
    extra: dict[str, object] = {}
    if action == "bury":
        extra["until"] = next_day_start(now, day_hour)
    elif action == "reschedule":  # only a card with a schedule moves; new cards stay new
        extra["due"] = study_day_start(due_day, day_hour=day_hour)  # type: ignore[arg-type]
    elif action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")
    return store.new_event(action, m.key, now, **extra)


def apply(store: Store, matches: Sequence[Match], action: str, now: float, *,
          day_hour: int = 4, due_day: object = None) -> Change:
    """Do `action` to these cards: one journal event per card that it changes, all in one
    transaction; returns what changed, for undo.

    Forget makes a card new again and keeps its history; suspension stays. `due_day` (a
    datetime.date) is the day a reschedule moves cards to.
    """
    if action == "reschedule" and due_day is None:
        raise ValueError("reschedule needs the day to move the cards to")
    before: dict[str, CardState | None] = {}
    after: dict[str, CardState | None] = {}
    events = []
    for m in matches:
        event = _event(store, action, m, now, day_hour=day_hour, due_day=due_day)
        new = store.replayer_for(m.key).apply(m.state, event)
        if new != m.state:  # an event that changes nothing is not written
            before[m.key], after[m.key] = m.state, new
            events.append(event)
    if events:
        after.update(store.append(events))
    return Change(action, before, after, tuple(e.id for e in events))


def report(change: Change, chosen: Sequence[Match]) -> str:
    """What the action did, for the learner: how many of the chosen cards changed and, for
    a reschedule, why the new ones among them did not move."""
    text = f"{change.action}: {change.count} of {len(chosen)} changed."
    if change.action == "reschedule":
        new = sum(1 for m in chosen if m.key not in change.after
                  and (m.state is None or m.state.state == State.NEW))
        if new:
            text += (f" {new} new: a new card has no schedule to move (t studies the "
                     "chosen cards now).")
    return text


def undo(store: Store, change: Change) -> None:
    """Cancel the action's events: every card it changed is as it was, in one transaction."""
    if change.events:
        store.undo_events(change.events)
