"""Deck-writing commands: solvers, schema, new, preview (issue: writing decks)."""
