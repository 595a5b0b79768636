"""Anki packages built by the real `anki` library: the oracle for import and export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trainer.review import Rating
from trainer.scheduling.fsrs_scheduler import Scheduler
from trainer.store import Store

DAY = 86_400


@pytest.fixture
def anki_collection(tmp_path: Path):
    """A fresh Anki collection with one Basic, one Cloze and one reversed note and a picture."""
    anki = pytest.importorskip("anki.collection")
    (tmp_path / "anki").mkdir()
    col = anki.Collection(str(tmp_path / "anki" / "collection.anki2"))
    deck = col.decks.id("Stats::MLE")
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = "What is the <b>MLE</b> of \\(p\\) after \\(k\\) heads in \\(n\\) tosses?"
    note["Back"] = 'It is \\(\\hat p = k/n\\).<br>See <img src="curve.png">'
    note.tags = ["mle", "Bernoulli_basics"]
    col.add_note(note, deck)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "The MLE of a Gaussian variance divides by {{c1::n}}, the unbiased one by {{c2::n-1::n or n-1?}}."
    col.add_note(cloze, deck)
    both = col.new_note(col.models.by_name("Basic (and reversed card)"))
    both["Front"] = "KL(p &lt; q)"
    both["Back"] = "relative entropy"
    col.add_note(both, deck)
    picture = tmp_path / "curve.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    col.media.add_file(str(picture))
    yield col
    col.close()


@pytest.fixture
def export_package(tmp_path: Path):
    """Write an Anki collection as a package the way Anki's File > Export does."""

    def export(col, name: str = "deck.apkg", *, legacy: bool = False) -> Path:
        from anki.collection import ExportAnkiPackageOptions
        from anki.import_export_pb2 import ExportLimit

        out = tmp_path / name
        if name.endswith(".colpkg"):
            col.export_collection_package(str(out), include_media=True, legacy=legacy)
        else:
            col.export_anki_package(
                out_path=str(out), limit=ExportLimit(),
                options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False,
                                                 with_media=True, legacy=legacy))
        return out

    return export


DECK = "deck: sched\ntitle: Scheduling\ncards:\n" + "".join(
    f"  - id: {name}\n    kind: recall\n    prompt: Question {name}?\n    answer: Answer {name}.\n"
    for name in ("new", "learning", "review", "relearning", "suspended", "buried"))


def study(store: Store, key: str, ratings: list[tuple[float, Rating]]) -> None:
    """Review a card at the given times (seconds) with the given ratings, as study does."""
    scheduler = Scheduler(fuzz=False)
    for at, rating in ratings:
        before = store.card_state(key)
        after = scheduler.review(key=key, deck="sched", state=before, rating=rating, now=at)
        store.record_review(before=before, after=after, rating=rating, reviewed_at=at,
                            duration_ms=4200)


@pytest.fixture
def studied(tmp_path: Path, write_deck) -> tuple[Path, Path, float]:
    """A deck and a store in which each card stands somewhere else in the schedule."""
    deck = write_deck(DECK, "sched.yaml")
    db = tmp_path / "t.db"
    now = time.time()
    store = Store.open(db)
    good, again = Rating.GOOD, Rating.AGAIN
    study(store, "sched/learning", [(now - 120, good)])
    long_history = [(now - 60 * DAY, good), (now - 60 * DAY + 600, good),
                    (now - 50 * DAY, good), (now - 20 * DAY, good)]
    study(store, "sched/review", long_history)
    study(store, "sched/relearning", [*long_history, (now - 300, again)])
    study(store, "sched/suspended", long_history)
    study(store, "sched/buried", long_history)
    store.append([store.new_event("suspend", "sched/suspended", now - 60),
                  store.new_event("bury", "sched/buried", now - 60, until=now + DAY / 2)])
    store.close()
    return deck, db, now


def _anki_import(tmp_path: Path, package: Path, col=None):
    """Import a package into Anki (a fresh collection, or `col`) as File › Import does."""
    anki = pytest.importorskip("anki.collection")
    if col is None:
        folder = tmp_path / "anki"
        folder.mkdir()
        col = anki.Collection(str(folder / "collection.anki2"))
    request = anki.ImportAnkiPackageRequest(
        package_path=str(package),
        # Anki's defaults (update notes and note types when the package's are newer)
        options=anki.ImportAnkiPackageOptions(with_scheduling=True, merge_notetypes=True))
    col.import_anki_package(request)
    return col


@pytest.fixture
def anki_import():
    """`anki_import(tmp_path, package, col=None)`: the package imported by the real Anki."""
    return _anki_import


@pytest.fixture
def study_cards():
    """`study_cards(store, key, [(time, rating), ...])`: reviews recorded as study does."""
    return study


def _kill_sync(stage: str, db: Path, root: Path, marker: Path) -> None:
    """Run `trainer sync ROOT --db DB` until the sync's test hook stops it at `stage`
    (trainer.sync.folder.HOOK), then kill -9 it."""
    env = {**os.environ, "TRAINER_SYNC_HOOK": f"{stage}:{marker}"}
    proc = subprocess.Popen([sys.executable, "-m", "trainer", "sync", str(root), "--db",
                             str(db)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120  # a generous bound, not a race: the hook waits
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never reached the hook"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()


@pytest.fixture
def kill_sync(tmp_path: Path):
    """`kill_sync(stage, db, root)`: `trainer sync ROOT --db DB` killed (-9) where the
    sync's test hook `stage` ("before-rename", "fits-after-rename" …) stops it."""
    return lambda stage, db, root: _kill_sync(stage, db, root, tmp_path / "stopped")
