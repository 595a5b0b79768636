"""`trainer cards QUERY`: list the cards a search matches, or suspend, bury or forget them;
`trainer cards --undo` undoes the browser's last action."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from trainer.render import plural

if TYPE_CHECKING:
    from trainer.config import Settings
    from trainer.decks import LoadResult
    from trainer.store import Store

_ACTIONS = ("suspend", "unsuspend", "forget", "bury", "unbury")
_PAST = {"suspend": "suspended", "unsuspend": "unsuspended", "forget": "forgot",
         "bury": "buried", "unbury": "unburied"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="*", metavar="QUERY",
                        help='search words, e.g. deck:mle-map-grill is:review prop:r<0.8 "fisher"'
                             " (see the README); none: every card")
    parser.add_argument("--decks", dest="paths", action="append", type=Path, default=[],
                        metavar="PATH", help="deck files or folders (default: all your decks)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    group = parser.add_mutually_exclusive_group()
    for action in _ACTIONS:
        group.add_argument(f"--{action}", dest="action", action="store_const", const=action,
                           help=f"{action} every matching card and say how many changed")
    group.add_argument("--undo", dest="action", action="store_const", const="undo",
                       help="undo the last action of the card browser or of `trainer cards` "
                            "(again: the one before); takes no query")


_FLAGS = {"--json", "-h", "--help", "--undo", *(f"--{a}" for a in _ACTIONS)}
_VALUED = {"--db", "--decks"}


def query_after_options(argv: list[str]) -> list[str]:
    """`cards` arguments with the query words moved behind `--`.

    A negated term (`-is:new`) looks like an option to argparse; the words that are
    not this command's options are the query, wherever they stand.
    """
    if not argv or argv[0] != "cards":
        return argv
    options: list[str] = []
    words: list[str] = []
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--":
            words.extend(rest)
        elif arg in _FLAGS or arg.split("=", 1)[0] in _VALUED and "=" in arg:
            options.append(arg)
        elif arg in _VALUED:
            options.extend([arg, next(rest, "")])
        else:
            words.append(arg)
    return ["cards", *options, "--", *words] if words else ["cards", *options]


def _due(t: float | None, now: float) -> str:
    """When the card is due, in the rating keys' units (10m, 5h, 12d, 3.2mo), or now."""
    if t is None:
        return "-"
    from trainer.scheduling.fsrs_scheduler import format_interval

    return "now" if t <= now else format_interval(t - now)


def run(args: argparse.Namespace, store_opener: Callable[..., Store],
        loader: Callable[[argparse.Namespace], LoadResult]) -> int:
    """The command's body; `store_opener` and `loader` are cli.py's (one place for --db)."""
    from trainer.browse import actions
    from trainer.browse.query import QueryError, parse
    from trainer.browse.search import search

    text = " ".join(args.query)
    if args.action == "undo":
        if text.strip():
            print("trainer: --undo takes no query: it undoes the last action, whichever "
                  "cards it changed", file=sys.stderr)
            return 2
        return _undo(args, store_opener)
    try:
        query = parse(text)
    except QueryError as exc:
        print(f"trainer: query: {exc}", file=sys.stderr)
        return 2
    if args.action and not text.strip():  # a forgotten query must not act on every card
        print(f"trainer: --{args.action} needs a query saying which cards; every card is "
              f"`trainer cards 'deck:*' --{args.action}`", file=sys.stderr)
        return 2
    result = loader(args)
    for problem in result.problems:
        print(f"warning: {problem}", file=sys.stderr)
    store = store_opener(args)
    now = time.time()
    matches = search(result.cards, store, query, now)
    if args.action:
        settings = _replaying(store)
        if settings is None:
            return 2
        change = actions.apply(store, matches, args.action, now,
                               day_hour=settings.day_starts_at)
        if args.json:
            print(json.dumps({"action": args.action, "matched": len(matches),
                              "changed": change.count, "keys": sorted(change.after)}))
        else:
            print(f"{_PAST[args.action]} {plural(change.count, 'card')} "
                  f"({len(matches)} matched)")
        return 0
    if args.json:
        print(json.dumps([m.to_dict() for m in matches]))
        return 0
    for m in matches:
        r = "-" if m.retrievability is None else f"{m.retrievability:.0%}"
        print(f"{m.key:<44} {m.card.kind:<10} {m.state_label:<10} "
              f"due {_due(m.due, now):>5}  R {r:>4}")
    print(f"{plural(len(matches), 'card')} matched", file=sys.stderr)
    return 0


def _replaying(store: Store) -> Settings | None:
    """The settings, with the store set to replay cards as study does (each deck's retention,
    the fitted parameters); None, said why, when config.toml can not be read."""
    from trainer.config import SettingsError, load_settings
    from trainer.scheduling import Scheduler

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"trainer: {exc}; nothing was changed", file=sys.stderr)
        return None
    store.replay_with(Scheduler.for_store(settings, store).replayer)
    return settings


def _undo(args: argparse.Namespace, store_opener: Callable[..., Store]) -> int:
    """`trainer cards --undo`: the browser's newest action not undone yet, undone."""
    from trainer.browse.actions import KEPT_ACTIONS, UndoRefused, undo_last

    store = store_opener(args)
    if _replaying(store) is None:
        return 2
    try:
        done = undo_last(store, time.time())
    except UndoRefused as exc:
        print(f"trainer: {exc}", file=sys.stderr)
        return 1
    if done is None:
        if args.json:
            print(json.dumps({"action": "undo", "undid": None, "changed": 0, "keys": []}))
        print("trainer: nothing to undo: no action of the card browser or of `trainer cards` "
              f"is left to undo (the last {KEPT_ACTIONS} are kept)", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"action": "undo", "undid": done.action, "at": done.at,
                          "changed": len(done.keys), "keys": done.keys}))
    else:
        print(f"undid {done.describe()}")
    return 0
