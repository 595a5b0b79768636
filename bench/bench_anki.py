"""Benchmark: `trainer import` of an Anki collection of 10k notes, deck alone and with its history."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DAY = 86_400


def build_anki_package(path: Path, notes: int, reviews_per_card: int) -> None:
    """A .colpkg (Anki's current layout, zstd) of Basic notes with MathJax, bold, italics,
    line breaks and (one in ten) a list, each card reviewed `reviews_per_card` times over
    the past months, written by the real Anki."""
    if path.exists():
        return
    from anki.collection import AddNoteRequest, Collection

    folder = Path(tempfile.mkdtemp(prefix="bench-anki-"))
    col = Collection(str(folder / "collection.anki2"))
    model = col.models.by_name("Basic")
    deck = col.decks.id("Bench::Statistics")
    requests = []
    for i in range(notes):
        note = col.new_note(model)
        note["Front"] = f"What is the <b>MLE</b> of \\(\\theta_{{{i}}}\\) in case {i}?"
        note["Back"] = (f"It is \\(\\hat\\theta = k/n\\) for case {i}.<br>Set the "
                        "<i>score</i> to zero.&nbsp;")
        if i % 10 == 0:  # a tenth of the notes with a list, converted by markdownify
            note["Back"] += "<ul><li>likelihood</li><li>score = 0</li></ul>"
        note.tags = ["mle", f"set{i % 10}"]
        requests.append(AddNoteRequest(note=note, deck_id=deck))
    col.add_notes(requests)
    rng = random.Random(3)
    now = time.time()
    rows, cards = [], []
    for n, cid in enumerate(col.find_cards("")):
        at = now - rng.uniform(60, 120) * DAY
        ivl = 1
        for r in range(reviews_per_card):
            at += ivl * DAY * rng.uniform(0.9, 1.2)
            ease = 1 if rng.random() < 0.1 else 3
            ivl = 1 if ease == 1 else max(1, round(ivl * 2.5))
            rows.append((int(at * 1000) + n % 1000, cid, -1, ease, ivl, 0, 2500, 6000,
                         0 if r == 0 else 1))
        cards.append((col.sched.today + max(0, round((at + ivl * DAY - now) / DAY)), ivl,
                      reviews_per_card, cid))
    for row in rows:
        col.db.execute("INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, "
                       "type) VALUES (?,?,?,?,?,?,?,?,?)", *row)
    for due, ivl, reps, cid in cards:
        col.db.execute("UPDATE cards SET type=2, queue=2, due=?, ivl=?, factor=2500, reps=? "
                       "WHERE id=?", due, ivl, reps, cid)
    col.export_collection_package(str(path), include_media=False, legacy=False)
    col.close()


def _import_seconds(package: Path, root: Path, *extra: str, runs: int) -> tuple[float, float]:
    """The best wall time of `trainer import` as a learner runs it (a fresh process), and
    the CPU time of that run (which tells a busy machine from a slow import)."""
    best, best_cpu = float("inf"), 0.0
    for run in range(runs):
        work = root / f"run-{len(extra)}-{run}"
        work.mkdir(parents=True)
        env = dict(os.environ, TRAINER_DB=str(work / "t.db"), TRAINER_DECKS=str(work / "decks"),
                   TRAINER_CONFIG_DIR=str(work / "config"), TRAINER_CACHE=str(work / "cache"))
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "trainer", "import", str(package), "-o",
                               str(work / "decks" / "bench.yaml"), *extra], env=env,
                              capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"trainer import failed: {done.stderr[-600:]}")
        if took < best:
            best = took
            best_cpu = (after.ru_utime - used.ru_utime) + (after.ru_stime - used.ru_stime)
    return best, best_cpu


def bench_import_anki(out: Path, notes: int = 10_000, reviews_per_card: int = 3,
                      runs: int = 3) -> dict[str, float | int]:
    try:
        import anki  # noqa: F401 - the real Anki writes the package (test extra)
    except ImportError:
        return {}
    package = out / f"anki-{notes}-notes-{reviews_per_card}-v2.colpkg"
    build_anki_package(package, notes, reviews_per_card)
    root = Path(tempfile.mkdtemp(prefix="bench-import-"))
    deck_only, deck_cpu = _import_seconds(package, root, runs=runs)
    history, history_cpu = _import_seconds(package, root, "--with-history", runs=runs)
    return {"import_anki_10k_notes_s": round(deck_only, 2),
            "import_anki_10k_notes_cpu_s": round(deck_cpu, 2),
            "import_anki_10k_notes_with_history_s": round(history, 2),
            "import_anki_10k_notes_with_history_cpu_s": round(history_cpu, 2),
            "import_anki_reviews": notes * reviews_per_card,
            "import_anki_load_average": round(os.getloadavg()[0], 1)}
