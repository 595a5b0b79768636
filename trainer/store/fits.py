"""The store's fitted FSRS parameters (one set for all decks, or per deck) and the review rows they are fitted on."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from trainer.record import Record

_NEW = 0  # State.NEW: a review of a card never seen (or forgotten) starts its history

# One migration step. `scope` is '' for all decks, else a deck id; the metrics are those of
# the fit and of fsrs's defaults on the same reviews, as `trainer optimize` reported them.
MIGRATION: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS fsrs_fits (
        scope TEXT PRIMARY KEY,
        parameters TEXT NOT NULL,
        fitted_at REAL NOT NULL,
        reviews INTEGER NOT NULL,
        log_loss REAL NOT NULL,
        rmse_bins REAL NOT NULL,
        default_log_loss REAL NOT NULL,
        default_rmse_bins REAL NOT NULL
    ) WITHOUT ROWID
    """,
)


# The device a stored fit came from, when another device fitted it: a meta row per scope
# (`fit-device:` + scope), none for the fits made here (all of them, before fits synced).
_ORIGIN = "fit-device:"

_set = object.__setattr__  # a record's fields are set once, in __init__


class StoredFit(Record):
    """Parameters applied by `trainer optimize --apply`, with when and on how many reviews."""

    __slots__ = ("deck", "parameters", "fitted_at", "reviews", "log_loss", "rmse_bins",
                 "default_log_loss", "default_rmse_bins", "device")
    deck: str | None  # None: all decks
    parameters: tuple[float, ...]
    fitted_at: float
    reviews: int
    log_loss: float
    rmse_bins: float
    default_log_loss: float
    default_rmse_bins: float
    device: str | None  # the device that fitted it (None: this one)

    def __init__(self, deck: str | None, parameters: tuple[float, ...], fitted_at: float,
                 reviews: int, log_loss: float, rmse_bins: float, default_log_loss: float,
                 default_rmse_bins: float, device: str | None = None) -> None:
        _set(self, "deck", deck)
        _set(self, "parameters", parameters)
        _set(self, "fitted_at", fitted_at)
        _set(self, "reviews", reviews)
        _set(self, "log_loss", log_loss)
        _set(self, "rmse_bins", rmse_bins)
        _set(self, "default_log_loss", default_log_loss)
        _set(self, "default_rmse_bins", default_rmse_bins)
        _set(self, "device", device)

    def to_dict(self) -> dict[str, Any]:
        return {"deck": self.deck, "parameters": list(self.parameters),
                "fitted_at": self.fitted_at, "reviews": self.reviews,
                "log_loss": self.log_loss, "rmse_bins": self.rmse_bins,
                "default_log_loss": self.default_log_loss,
                "default_rmse_bins": self.default_rmse_bins, "device": self.device}


class FitQueries:
    """Mixed into Store: fitted parameters and the review rows a fit reads."""

    conn: sqlite3.Connection
    if TYPE_CHECKING:  # the journal half of the Store
        device_id: str

        def meta(self, key: str) -> str | None: ...
        def set_meta(self, key: str, value: str | None) -> None: ...

    def fits(self) -> list[StoredFit]:
        """Every applied fit, all decks' first, each with the device that fitted it."""
        rows = self.conn.execute(
            "SELECT scope, parameters, fitted_at, reviews, log_loss, rmse_bins, "
            "default_log_loss, default_rmse_bins FROM fsrs_fits ORDER BY scope").fetchall()
        origins = dict(self.conn.execute(
            "SELECT substr(key, length(?) + 1), value FROM meta WHERE key >= ? AND key < ?",
            (_ORIGIN, _ORIGIN, _ORIGIN[:-1] + ";")))
        return [StoredFit(r[0] or None, tuple(json.loads(r[1])), r[2], r[3], r[4], r[5], r[6],
                          r[7], device=origins.get(r[0]) or self.device_id) for r in rows]

    def fitted_parameters(self) -> dict[str | None, tuple[float, ...]]:
        """The parameters to schedule with: [None] for all decks, [deck] for one."""
        return {f.deck: f.parameters for f in self.fits()}

    def save_fit(self, fit: StoredFit) -> None:
        """Store a fit (replacing the scope's previous one), and the device that fitted it
        when it is not this one (a sync brought it); the caller's transaction."""
        scope = fit.deck or ""
        origin = fit.device if fit.device and fit.device != self.device_id else None
        self.conn.execute(
            "INSERT OR REPLACE INTO fsrs_fits (scope, parameters, fitted_at, reviews, log_loss, "
            "rmse_bins, default_log_loss, default_rmse_bins) VALUES (?,?,?,?,?,?,?,?)",
            (fit.deck or "", json.dumps(list(fit.parameters)), fit.fitted_at, fit.reviews,
             fit.log_loss, fit.rmse_bins, fit.default_log_loss, fit.default_rmse_bins))
        self.set_meta(_ORIGIN + scope, origin)

    def review_rows(self, decks: Sequence[str] | None = None) -> list[tuple[str, float, int, bool]]:
        """(card key, time, rating, first review) of every review of these decks (all: None),
        by card. A first review is one of a card that was new (never seen, or forgotten)."""
        first = f"state_was = {_NEW}"
        sql = f"SELECT card_key, reviewed_at, rating, {first} FROM reviews"
        if decks is None:
            return [(k, t, r, bool(f)) for k, t, r, f in self.conn.execute(sql)]
        out: list[tuple[str, float, int, bool]] = []
        for deck in decks:  # a key range per deck: the reviews_card index serves it
            out += [(k, t, r, bool(f)) for k, t, r, f in self.conn.execute(
                sql + " WHERE card_key >= ? AND card_key < ?", (f"{deck}/", f"{deck}0"))]
        return out
