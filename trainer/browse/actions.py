"""What the browser does to cards: suspend, bury, forget, reschedule; each one transaction, undoable."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from trainer.browse.search import Match
from trainer.review import State
from trainer.scheduling.days import next_day_start, study_day_start
from trainer.store import CardState, Store

ACTIONS = ("suspend", "unsuspend", "bury", "unbury", "forget", "reschedule")


@dataclass(frozen=True, slots=True)
class Change:
    """What an action changed: each card's state before and after (None: no stored row)."""

    action: str
    before: dict[str, CardState | None]
    after: dict[str, CardState | None]

    @property
    def count(self) -> int:
        return len(self.after)


def _new_row(match: Match, now: float) -> CardState:
    return CardState(key=match.key, deck=match.card.deck, state=State.NEW, step=None,
                     stability=None, difficulty=None, due=now, last_review=None)


def _changed(action: str, m: Match, now: float, *, day_hour: int,
             due_day: object = None) -> CardState | None:
    s = m.state
    if action == "suspend":
        return replace(s or _new_row(m, now), suspended=True)
    if action == "unsuspend":
        return None if s is None else replace(s, suspended=False)
    if action == "bury":
        return replace(s or _new_row(m, now), buried_until=next_day_start(now, day_hour))
    if action == "unbury":
        return None if s is None else replace(s, buried_until=None)
    if action == "forget":  # new again; the review log keeps its history; suspension stays
        if s is None or s.state == State.NEW:
            return s
        return replace(_new_row(m, now), suspended=s.suspended, content_hash=s.content_hash)
    if action == "reschedule":  # only a card with a schedule can move; new cards stay new
        if s is None or s.state == State.NEW:
            return s
        return replace(s, due=study_day_start(due_day, day_hour=day_hour))  # type: ignore[arg-type]
    raise ValueError(f"unknown action {action!r}; one of {', '.join(ACTIONS)}")


def apply(store: Store, matches: Sequence[Match], action: str, now: float, *,
          day_hour: int = 4, due_day: object = None) -> Change:
    """Do `action` to these cards in one transaction; returns what changed, for undo.

    `due_day` (a datetime.date) is the day a reschedule moves cards to.
    """
    if action == "reschedule" and due_day is None:
        raise ValueError("reschedule needs the day to move the cards to")
    before: dict[str, CardState | None] = {}
    after: dict[str, CardState | None] = {}
    for m in matches:
        new = _changed(action, m, now, day_hour=day_hour, due_day=due_day)
        if new != m.state:
            before[m.key], after[m.key] = m.state, new
    if after:
        store.write_states(after)
    return Change(action, before, after)


def undo(store: Store, change: Change) -> None:
    """Put every card an action changed back as it was, in one transaction."""
    if change.before:
        store.write_states(change.before)
