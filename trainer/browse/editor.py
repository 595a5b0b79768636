"""The command that opens a card's deck file in the learner's $EDITOR at the card's line."""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping
from datetime import date, timedelta

from trainer.decks.model import Card


def editor_command(card: Card, env: Mapping[str, str] | None = None) -> list[str]:
    """`$VISUAL`/`$EDITOR +LINE FILE` (vi when neither is set); most editors take +LINE."""
    env = os.environ if env is None else env
    editor = env.get("VISUAL") or env.get("EDITOR") or "vi"
    return [*shlex.split(editor), f"+{max(card.line, 1)}", card.path]


def parse_day(text: str, today: date) -> date:
    """A reschedule target: YYYY-MM-DD, or +N / N for N days from today. Raises ValueError."""
    text = text.strip()
    if text.lstrip("+").isdigit():
        return today + timedelta(days=int(text.lstrip("+")))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-12-15 or a number of days like +7") \
            from None
