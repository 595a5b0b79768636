"""Applying a fit: store the parameters, recompute each affected card's state, suggest refitting."""

from __future__ import annotations

from collections.abc import Sequence

from trainer.config import Settings
from trainer.scheduling.fsrs_scheduler import Scheduler
from trainer.scheduling.optimize import FitReport
from trainer.store import Store
from trainer.store.fits import StoredFit

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
    """Replay each card of these decks (all: None) from its journal events through FSRS
    with the scheduler's parameters and retention for its deck; the caller's transaction.

    The same replay live study, an undo and a sync use, so the cache stays what the
    journal gives. Returns how many cards were replayed.
    """
    return store.replay_states(scheduler.replayer, decks, skip=skip)


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


def describe_fits(fits: Sequence[StoredFit], now: float, here: str | None = None) -> list[str]:
    """'fitted 2026-11-30 (3 days ago) on 1,234 reviews' per scope, or the defaults; a fit
    made on another device than `here` (a sync brought it) names that device."""
    from datetime import datetime

    if not fits:
        return ["the defaults (never fitted: `trainer optimize`)"]
    out = []
    for f in fits:
        days = int((now - f.fitted_at) // 86400)
        ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
        scope = f"deck {f.deck}: " if f.deck else ""
        where = f" on device {f.device}" if here and f.device and f.device != here else ""
        out.append(f"{scope}fitted{where} {datetime.fromtimestamp(f.fitted_at):%Y-%m-%d} ({ago}) on "
                   f"{f.reviews:,} reviews, log loss {f.log_loss:.4f} "
                   f"(defaults {f.default_log_loss:.4f})")
    return out
