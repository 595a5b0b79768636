"""`trainer optimize`: fit FSRS to your review log, compare with the defaults, apply when better."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from trainer.render import plural


def add_optimize_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deck", metavar="ID",
                        help="fit this deck's reviews only; applied, the fit is for that deck")
    parser.add_argument("--apply", action="store_true",
                        help="store the fitted parameters and recompute the cards' states "
                             "(only when they predict your reviews better)")
    parser.add_argument("--json", action="store_true")


def _err(message: str) -> int:
    print(f"trainer: {message}", file=sys.stderr)
    return 2


def run_optimize(args: argparse.Namespace, open_store: Callable[..., Any],
                 known_decks: Callable[[], set[str]]) -> int:
    """`open_store(exclusive=...)` opens the database; `known_decks()` loads the deck ids."""
    from trainer.config import SettingsError, load_settings
    from trainer.scheduling.optimize import MIN_REVIEWS, fit
    from trainer.scheduling.refit import apply_fit

    try:
        settings = load_settings()
    except SettingsError as exc:
        return _err(str(exc))
    if args.deck is not None:
        decks = known_decks()
        if args.deck not in decks:
            return _err(f"no deck {args.deck!r}; the decks are: {', '.join(sorted(decks))}")
    # recomputing states while a study session runs would race it: --apply takes its lock
    store = open_store(exclusive=args.apply)
    try:
        current = store.fitted_parameters()
        in_use = current.get(args.deck, current.get(None)) if args.deck else current.get(None)
        rows = store.review_rows(None if args.deck is None else [args.deck])
        report = fit(rows, deck=args.deck, day_hour=settings.day_starts_at, current=in_use)
        applied = None
        if args.apply and report.better:
            applied = apply_fit(store, report, settings, time.time())
    finally:
        store.close()
    scope = f"deck {args.deck}" if args.deck else "all decks"
    if args.json:
        print(json.dumps({**report.to_dict(), "applied": applied is not None,
                          "cards_recomputed": applied or 0}))
        return 0
    if not report.enough:
        print(f"{scope}: {plural(report.reviews, 'review')}; fitting needs at least "
              f"{MIN_REVIEWS} to mean anything. The default parameters are kept.")
        return 0
    if report.fitted is None or report.default is None:
        print(f"{scope}: nothing to fit ({'; '.join(report.notes)}); the defaults are kept.")
        return 0
    print(f"{scope}: {plural(report.reviews, 'review')}, {report.predictions} predicted from "
          f"the history before them; fitted in {report.seconds:.1f} s")
    print(f"{'':<12} {'log loss':>9} {'RMSE (bins)':>12}")
    rows_out = [("default", report.default)]
    if report.current is not None:
        rows_out.append(("in use", report.current))
    rows_out.append(("fitted", report.fitted))
    for name, ev in rows_out:
        print(f"{name:<12} {ev.log_loss:>9.4f} {ev.rmse_bins:>12.4f}")
    if not report.better:
        print("The fit predicts your reviews no better; the parameters in use are kept.")
    elif applied is not None:
        print(f"Applied: {plural(applied, 'card')} rescheduled with the fitted parameters.")
    else:
        print("The fit is better: `trainer optimize"
              f"{' --deck ' + args.deck if args.deck else ''} --apply` uses it.")
    return 0
