"""The decks that ship with trainer (YAML files beside this module)."""
