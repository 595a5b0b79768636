"""SQLite persistence: card state and the append-only review log (no Textual here)."""

from trainer.store.db import CardState, Review, Store, StoreError
from trainer.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "CardState", "Review", "Store", "StoreError"]
