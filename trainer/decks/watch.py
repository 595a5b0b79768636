"""Live reload: notice changed deck files and reload them, keeping a broken deck's last good version."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from trainer.decks.collect import deck_files
from trainer.decks.model import LoadResult, Problem, study_order
from trainer.record import Fielded


class DeckWatch:
    """Polls the deck files (size and modification time): no thread, no watcher library."""

    def __init__(self, paths: Iterable[Path | str]) -> None:
        self.paths = [Path(p) for p in paths]
        self._seen = self._snapshot()

    def _snapshot(self) -> dict[Path, tuple[int, int]]:
        out = {}
        for path in deck_files(self.paths):
            try:
                st = path.stat()
            except OSError:
                continue
            out[path] = (st.st_mtime_ns, st.st_size)
        return out

    def poll(self) -> list[Path]:
        """The deck files added, changed or removed since the last poll."""
        now = self._snapshot()
        changed = sorted(p for p in now.keys() | self._seen.keys()
                         if now.get(p) != self._seen.get(p))
        self._seen = now
        return changed


class Reload(Fielded):
    """What a reload gives: the catalog to use and what to tell the learner."""

    __slots__ = ("result", "new_problems", "kept")
    result: LoadResult
    new_problems: list[Problem]
    kept: list[str]  # deck ids kept at their last good version

    def __init__(self, result: LoadResult, new_problems: list[Problem] | None = None,
                 kept: list[str] | None = None) -> None:
        self.result = result
        self.new_problems = [] if new_problems is None else new_problems
        self.kept = [] if kept is None else kept


def reload_decks(previous: LoadResult, paths: Sequence[Path | str]) -> Reload:
    """Load the decks again; a deck whose file now has a problem it did not have keeps its
    last good version (its cards as they were), and the new problems are reported."""
    from trainer.catalog import load_catalog

    fresh = load_catalog(paths)
    known = {(p.path, p.line, p.message) for p in previous.problems}
    new_problems = [p for p in fresh.problems if (p.path, p.line, p.message) not in known]
    broken = {str(Path(p.path).resolve()) for p in new_problems}
    old_by_path = {str(Path(d.path).resolve()): d for d in previous.decks}
    decks, kept, kept_paths = [], [], set()
    for deck in fresh.decks:
        where = str(Path(deck.path).resolve())
        if where in broken and where in old_by_path:
            decks.append(old_by_path.pop(where))
            kept.append(deck.id)
            kept_paths.add(where)
        else:
            decks.append(deck)
            old_by_path.pop(where, None)
    # a deck that no longer loads at all (a syntax error) keeps its last good version too
    for where, deck in old_by_path.items():
        if where in broken:
            decks.append(deck)
            kept.append(deck.id)
            kept_paths.add(where)
    # a kept deck keeps the problems it was loaded with, so that the next reload still
    # sees the broken edit as new and keeps the good version until the file is fixed
    problems = [p for p in fresh.problems if str(Path(p.path).resolve()) not in kept_paths]
    problems += [p for p in previous.problems if str(Path(p.path).resolve()) in kept_paths]
    return Reload(LoadResult(decks=study_order(decks), problems=problems), new_problems, kept)
