"""Applying a fit: store the parameters, recompute each affected card's state, suggest refitting."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from trainer.config import Settings
from trainer.scheduling.fsrs_scheduler import Scheduler
from trainer.scheduling.optimize import FitReport
from trainer.store import Store
from trainer.store.fits import StoredFit
from trainer.store.journal import Event

# the home screen suggests fitting again after this long or this many reviews since
REFIT_DAYS = 30
REFIT_REVIEWS = 1000


def apply_fit(store: Store, report: FitReport, settings: Settings, now: float) -> int:
    """Store a better fit and recompute the states of the cards it covers, in one
    transaction; returns how many cards were recomputed."""
    if not report.better or report.parameters is None or report.fitted is None \
            or report.default is None:
        raise ValueError("only a fit better than the parameters in use is applied")
    fit = StoredFit(deck=report.deck, parameters=tuple(report.parameters), fitted_at=now,
                    reviews=report.reviews, log_loss=report.fitted.log_loss,
                    rmse_bins=report.fitted.rmse_bins,
                    default_log_loss=report.default.log_loss,
                    default_rmse_bins=report.default.rmse_bins)
    with store.transaction():
        store.save_fit(fit)
        scheduler = Scheduler.from_settings(settings, fitted=store.fitted_parameters())
        decks = None if report.deck is None else [report.deck]
        # a collection-wide fit leaves the decks with a fit of their own as they are
        own = {d for d in store.fitted_parameters() if d is not None}
        return recompute_states(store, scheduler, decks, skip=own if decks is None else set())


def recompute_states(store: Store, scheduler: Scheduler, decks: Sequence[str] | None,
                     *, skip: set[str] | frozenset[str] = frozenset()) -> int:
    """Replay each reviewed card of these decks (all: None) through FSRS with the
    scheduler's parameters and retention for its deck; the caller's transaction.

    Suspension, burial and the content hash stay as they are; every due is drawn afresh
    (a due set outside FSRS, such as an interview cap, is recomputed too).
    """
    from trainer.scheduling.replay import Replayer

    by_card: dict[str, list[tuple[float, int, bool]]] = {}
    for key, at, rating, first in store.review_rows(decks):
        by_card.setdefault(key, []).append((at, rating, first))
    histories: dict[str, list[Event]] = {}
    for key, rows in by_card.items():
        rows.sort(key=lambda r: r[0])
        if not rows[0][2]:  # the log begins mid-life: its history can not explain the state
            continue
        events = histories[key] = []
        for at, rating, first in rows:
            if first and events:  # the card was forgotten before this review
                events.append(Event(f"{len(events):08d}", "", key, at, "forget", {}))
            events.append(Event(f"{len(events):08d}", "", key, at, "review",
                                {"rating": rating}))
    replayers: dict[str, Replayer] = {}
    count = 0
    for key, events in histories.items():
        deck = key.split("/", 1)[0]
        if deck in skip:
            continue
        replayer = replayers.get(deck)
        if replayer is None:
            replayer = replayers[deck] = Replayer(
                parameters=scheduler.parameters_for(deck),
                desired_retention=scheduler.retention_for(deck), fuzz=scheduler.fuzz,
                keep_due=False)
        state = replayer.replay(events)
        before = store.card_state(key)
        if state is None or before is None:
            continue
        store._write_state(replace(  # inside the caller's transaction
            state, suspended=before.suspended, buried_until=before.buried_until,
            content_hash=before.content_hash or state.content_hash))
        count += 1
    return count


def refit_suggestion(store: Store, now: float) -> str | None:
    """'Fitted 34 days ago: `trainer optimize --apply` may fit you better' when the last
    fit is older than REFIT_DAYS or REFIT_REVIEWS reviews were made since; None otherwise
    (and when nothing was ever fitted: the defaults are what a new learner needs)."""
    fits = store.fits()
    if not fits:
        return None
    last = max(f.fitted_at for f in fits)
    days = int((now - last) // 86400)
    since = store.reviews_since(last)
    if days >= REFIT_DAYS:
        return f"FSRS was fitted {days} days ago: `trainer optimize --apply` may fit you better"
    if since >= REFIT_REVIEWS:
        return (f"{since} reviews since FSRS was fitted: `trainer optimize --apply` may fit "
                "you better")
    return None


def describe_fits(fits: Sequence[StoredFit], now: float) -> list[str]:
    """'fitted 2026-11-30 (3 days ago) on 1,234 reviews' per scope, or the defaults."""
    from datetime import datetime

    if not fits:
        return ["the defaults (never fitted: `trainer optimize`)"]
    out = []
    for f in fits:
        days = int((now - f.fitted_at) // 86400)
        ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
        scope = f"deck {f.deck}: " if f.deck else ""
        out.append(f"{scope}fitted {datetime.fromtimestamp(f.fitted_at):%Y-%m-%d} ({ago}) on "
                   f"{f.reviews:,} reviews, log loss {f.log_loss:.4f} "
                   f"(defaults {f.default_log_loss:.4f})")
    return out
