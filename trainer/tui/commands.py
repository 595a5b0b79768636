"""Command-palette entries for the main actions of the study app."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class TrainerCommands(Provider):
    """Command-palette entries for the main actions."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.app
        from trainer.tui.app import TrainerApp

        assert isinstance(app, TrainerApp)
        out: list[tuple[str, str, Callable[[], object]]] = [
            ("Study: all due cards", "Due reviews, then new cards, of every deck",
             lambda: app.start_session(decks=None, tag=None, ahead=False)),
            ("Study ahead: all decks", "Cram regardless of due dates",
             lambda: app.start_session(decks=None, tag=None, ahead=True)),
            ("Decks", "The deck list with due and new counts", app.action_home),
            ("Statistics", "Reviews, retention, heatmap, forecast, leeches", app.action_stats),
            ("Undo last review", "Restore the card as it was", app.action_undo),
            ("Help: keys", "Every key of the app", app.action_help),
        ]
        for deck in app.load_result.decks:
            deck_id = deck.id
            out.append((f"Study deck: {deck.title}", f"{deck_id}: due then new",
                        partial(app.start_session, decks=[deck_id], tag=None, ahead=False)))
            out.append((f"Cram deck: {deck.title}", f"{deck_id}: ignore due dates",
                        partial(app.start_session, decks=[deck_id], tag=None, ahead=True)))
        return out

    async def discover(self) -> Hits:
        for name, help_text, callback in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
