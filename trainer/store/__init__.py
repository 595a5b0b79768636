"""SQLite persistence: card state and the append-only review log (no Textual here)."""

from trainer.store.db import SCHEMA_VERSION, CardState, Review, Store, StoreError

__all__ = ["SCHEMA_VERSION", "CardState", "Review", "Store", "StoreError"]
