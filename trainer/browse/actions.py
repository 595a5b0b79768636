"""What the browser does to cards: suspend, bury, forget, reschedule; each one transaction, undoable."""

from __future__ import annotations

import json
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
        # recorded first: should the append fail, its entry names no event and is passed over
        _remember(store, action, now, [(e.id, e.card_key) for e in events])
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


# --- the last actions, kept in the store ----------------------------------------------------
#
# The browser's recent actions, in the app or on the command line, are listed in the
# store's meta table (this database's, so this device's), newest last: `trainer cards
# --undo` undoes the newest one not undone yet, whichever front end did it. Each entry's
# events are kept under a key of their own, so that a large action does not make every
# later one rewrite its ids.

_RECENT = "browser_actions"
KEPT_ACTIONS = 10

# after these, a review of the card was made from the schedule the action set: undoing it
# would rewrite that review's outcome, so it is refused
_SCHEDULING = ("forget", "reschedule")


@dataclass(frozen=True, slots=True)
class Done:
    """An action of the browser as the store keeps it: what, when, and its events."""

    action: str
    at: float
    events: tuple[tuple[str, str], ...]  # (event id, card key)

    @property
    def keys(self) -> list[str]:
        return sorted({key for _, key in self.events})

    def describe(self) -> str:
        """'suspend of 3 cards (2026-12-01 08:12)'."""
        from datetime import datetime

        count = len(self.keys)
        when = datetime.fromtimestamp(self.at).strftime("%Y-%m-%d %H:%M")
        return f"{self.action} of {count} card{'' if count == 1 else 's'} ({when})"


class UndoRefused(Exception):
    """The last action can not be undone; the message says why."""


def _recent(store: Store) -> list[str]:
    text = store.meta(_RECENT)
    try:
        refs = json.loads(text) if text else []
    except ValueError:
        return []
    return [r for r in refs if isinstance(r, str)] if isinstance(refs, list) else []


def _done(store: Store, ref: str) -> Done | None:
    text = store.meta(ref)
    if not text:
        return None
    try:
        data = json.loads(text)
        return Done(str(data["action"]), float(data["at"]),
                    tuple((str(i), str(k)) for i, k in data["events"]))
    except (ValueError, TypeError, KeyError):  # missing or not ours: passed over
        return None


def _remember(store: Store, action: str, at: float, events: list[tuple[str, str]]) -> None:
    ref = f"{_RECENT}:{events[0][0]}"
    store.set_meta(ref, json.dumps({"action": action, "at": at, "events": events}))
    refs = [*_recent(store), ref]
    for old in refs[:-KEPT_ACTIONS]:
        store.set_meta(old, None)
    store.set_meta(_RECENT, json.dumps(refs[-KEPT_ACTIONS:]))


def _forget(store: Store, ref: str) -> None:
    store.set_meta(ref, None)
    store.set_meta(_RECENT, json.dumps([r for r in _recent(store) if r != ref]))


def _undone_already(store: Store, done: Done) -> bool:
    """Its events were cancelled (by the browser's own undo), or never stored."""
    first, key = done.events[0]
    events = store.events(key)
    return first not in {e.id for e in events} or any(e.cancels == first for e in events)


def _reviewed_since(store: Store, done: Done) -> list[str]:
    """The cards of the action with a review after it in their journal (not undone)."""
    action_of = {key: event_id for event_id, key in done.events}
    reviewed = sorted({r.card_key for r in store.reviews(since=done.at)} & action_of.keys())
    out = []
    for key in reviewed:  # a review at the action's very time may come before it
        events = store.events(key)  # in event-time order
        cancelled = {e.cancels for e in events if e.cancels}
        ids = [e.id for e in events]
        after = events[ids.index(action_of[key]) + 1:] if action_of[key] in ids else []
        if any(e.kind == "review" and e.id not in cancelled for e in after):
            out.append(key)
    return out


def undo_last(store: Store, now: float) -> Done | None:
    """Undo the newest action of the browser (in the app or `trainer cards`) that is not
    undone yet, in one transaction: every card it changed is as it was. None: nothing left
    to undo (the store keeps the last KEPT_ACTIONS). Raises UndoRefused when a card it
    forgot or rescheduled was reviewed since."""
    for ref in reversed(_recent(store)):
        done = _done(store, ref)
        if done is None or not done.events or _undone_already(store, done):
            _forget(store, ref)
            continue
        if done.action in _SCHEDULING:
            since = _reviewed_since(store, done)
            if since:
                raise UndoRefused(
                    f"the last action, {done.describe()}, can not be undone: {since[0]}"
                    + (f" and {len(since) - 1} more" if len(since) > 1 else "")
                    + f" {'was' if len(since) == 1 else 'were'} reviewed since, from the "
                    f"schedule it set")
        store.undo_events([i for i, _ in done.events], at=now)
        _forget(store, ref)
        return done
    return None
