"""trainer: a terminal spaced-repetition trainer for ML interviews."""
__version__ = "0.1.0"
