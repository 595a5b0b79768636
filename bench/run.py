"""Benchmarks: print the figures the README reports, as JSON. Run: python bench/run.py [--quick]."""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import re
import resource
import select
import signal
import sqlite3
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

from trainer.catalog import load_catalog  # noqa: E402
from trainer.config import Settings, default_deck_paths, shipped_deck_dir  # noqa: E402
from trainer.decks import load_decks  # noqa: E402
from trainer.decks.model import Card, Deck  # noqa: E402
from trainer.scheduling import Scheduler  # noqa: E402
from trainer.session import StudySession  # noqa: E402
from trainer.store import CardState, Store  # noqa: E402
from trainer.store.journal import Event, dump_payload, new_event_id  # noqa: E402
from trainer.store.logstate import pack  # noqa: E402

NOW = time.time()
BENCH_SETTINGS = Settings(reviews_per_day=1_000_000)


def build_big_store(path: Path, cards: int, reviews: int, extra_keys: list[tuple[str, str]]) -> None:
    """A store with `cards` card states and `reviews` review rows, written in bulk."""
    if path.exists():
        return
    store = Store.open(path)
    rng = random.Random(7)
    keys = [(f"archive-{i // 10_000}", f"archive-{i // 10_000}/c{i}") for i in range(cards)]
    keys[: len(extra_keys)] = extra_keys
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO cards (key, deck, state, step, stability, difficulty, due, last_review,"
            " reps, lapses, content_hash, suspended) VALUES (?,?,?,?,?,?,?,?,?,?,?,0)",
            (
                (key, deck, 2, None, rng.uniform(1, 200), rng.uniform(1, 10),
                 NOW + rng.uniform(-5, 60) * 86400, NOW - rng.uniform(1, 90) * 86400,
                 10, rng.randint(0, 3), "")
                for deck, key in keys
            ),
        )
        state = pack(CardState(key="x/x", deck="x", state=2, step=None, stability=5.0,
                               difficulty=5.0, due=NOW, last_review=NOW))
        # the journal behind the log: each review an event (its id shared with the log row)
        ids = [new_event_id(NOW - (reviews - i) * 10.0) for i in range(reviews)]
        conn.executemany(
            "INSERT INTO reviews (card_key, reviewed_at, rating, answer, verdict, duration_ms,"
            " state_was, state_before, state_after, event_id) VALUES (?,?,?,?,?,?,2,?,?,?)",
            (
                (keys[i % cards][1], NOW - (reviews - i) * 10.0, 3, None, None, 5000, state,
                 state, ids[i])
                for i in range(reviews)
            ),
        )
        device = store.device_id
        conn.executemany(
            "INSERT INTO events (id, device, card_key, at, kind, payload) "
            "VALUES (?,?,?,?,'review',?)",
            (
                (ids[i], device, keys[i % cards][1], NOW - (reviews - i) * 10.0,
                 dump_payload({"rating": 3, "duration_ms": 5000, "review_number": i // cards}))
                for i in range(reviews)
            ),
        )
    store.close()


ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")
FLOOR_APP = """
from textual.app import App
from textual.widgets import Static

class Floor(App):
    def compose(self):
        yield Static("textual floor ready")

Floor().run()
"""


def first_frame_ms(argv: list[str], env: dict[str, str], marker: str,
                   timeout: float = 60.0) -> tuple[float, float]:
    """From launch until `marker` is on an 80x24 terminal (a pty), as the user sees it:
    (wall ms, CPU ms the process used until then).

    Measured from outside the process: the terminal output is read as it is written and
    the escape sequences are dropped before looking for the text. The CPU time tells a
    busy machine from a slow program.
    """
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
    shown = 0.0
    env = dict(env, TERM="xterm-256color", COLUMNS="80", LINES="24")
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - start < timeout:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            text = seen.decode("utf-8", "replace")
            # a style change may fall inside a word, a cursor move between two lines
            if any(marker in " ".join(ANSI.sub(gap, text).split()) for gap in ("", " ")):
                shown = (time.perf_counter() - start) * 1000
                os.kill(proc.pid, signal.SIGSTOP)  # its CPU time up to here
                break
        if shown:
            proc.kill()
            proc.wait()
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            return shown, ((used.ru_utime - cpu.ru_utime) + (used.ru_stime - cpu.ru_stime)) * 1000
        tail = " ".join(ANSI.sub("", seen.decode("utf-8", "replace")).split())[-600:]
        raise RuntimeError(f"{marker!r} never appeared on screen; last output: {tail!r}")
    finally:
        proc.kill()
        proc.wait()
        os.close(master)


def first_card_marker(db: Path) -> str:
    """A few leading words of the card a session on this store would show first."""
    store = Store.open(db)
    try:
        cards = load_catalog(default_deck_paths()).cards
        session = StudySession(store=store, cards=cards, settings=BENCH_SETTINGS,
                               scheduler=Scheduler())
        card = session.current
        assert card is not None, "the bench store has nothing to show"
        # the longest run of plain words near the start: rendering leaves them as they are
        runs: list[list[str]] = [[]]
        for word in card.prompt.split()[:12]:
            if any(ch in word for ch in "$\\*_`{|[<"):
                runs.append([])
            else:
                runs[-1].append(word)
        return " ".join(max(runs, key=len)[:4]) or card.prompt.split()[0]
    finally:
        store.close()


def bench_cold_start(db: Path, runs: int) -> dict[str, object]:
    """Launch until the first card's text is on a terminal, and the same for an empty
    Textual app, alternating runs; medians."""
    config = OUT / "config"
    config.mkdir(exist_ok=True)
    # the big store's log already holds thousands of reviews today: lift the daily cap so
    # that there is a card to show
    (config / "config.toml").write_text(f"reviews_per_day = {BENCH_SETTINGS.reviews_per_day}\n")
    # backups go beside the bench's store, not into the user's data folder (bench_backup
    # has made today's, so no backup is due while the first card is measured)
    env = dict(os.environ, TRAINER_DB=str(db), TRAINER_DECKS=str(OUT / "no-user-decks"),
               TRAINER_CONFIG_DIR=str(config), TRAINER_BACKUPS=str(OUT / "backups"))
    marker = first_card_marker(db)
    # the project's bytecode, as an installed package has it (the empty app's Textual has
    # its own from pip): otherwise a PYTHONDONTWRITEBYTECODE shell makes every run compile
    # the project's sources again, a cost no user pays
    import compileall

    for package in ("trainer", "solvers"):
        compileall.compile_dir(ROOT / package, quiet=1)
    floor = OUT / "textual_floor.py"
    floor.write_text(FLOOR_APP)
    trainer, floor_runs = [], []
    for _ in range(runs):
        trainer.append(first_frame_ms([sys.executable, "-m", "trainer"], env, marker))
        floor_runs.append(first_frame_ms([sys.executable, str(floor)], env,
                                         "textual floor ready"))
    first, empty = (statistics.median(t for t, _ in trainer),
                    statistics.median(t for t, _ in floor_runs))
    first_cpu, empty_cpu = (statistics.median(c for _, c in trainer),
                            statistics.median(c for _, c in floor_runs))
    return {"cold_start_first_card_ms": round(first, 1),
            "textual_floor_ms": round(empty, 1),
            "first_card_over_floor": round(first / empty, 2),
            "cold_start_first_card_cpu_ms": round(first_cpu, 1),
            "textual_floor_cpu_ms": round(empty_cpu, 1),
            "cold_start_runs_ms": [round(t, 1) for t, _ in trainer],
            "cold_start_load_average": round(os.getloadavg()[0], 2)}


def bench_answer_next(db: Path, answers: int) -> dict[str, float]:
    """Rate the current card and get the next one, in the session layer, on the big store."""
    work = Path(tempfile.mkdtemp()) / "answer.db"
    work.write_bytes(db.read_bytes())
    store = Store.open(work)
    # the loaded deck: 10k cards of the store, all due now
    deck = "archive-0"
    cards = [Card(deck=deck, id=f"c{i}", kind="recall", prompt="p", answer="a")
             for i in range(10_000)]
    store.conn.execute("UPDATE cards SET due=? WHERE deck=?", (NOW - 60, deck))
    settings = Settings(reviews_per_day=100_000, new_per_day=0)
    session = StudySession(store=store, cards=cards, settings=settings,
                           scheduler=Scheduler(fuzz=False))
    session.rate(3)  # warm fsrs
    timings = []
    for i in range(answers):
        if session.current is None:
            break
        start = time.perf_counter()
        session.rate(3 if i % 5 else 1)
        timings.append((time.perf_counter() - start) * 1000)
    store.close()
    timings.sort()
    return {"answer_next_ms_median": round(statistics.median(timings), 3),
            "answer_next_ms_p99": round(timings[int(len(timings) * 0.99) - 1], 3),
            "answer_next_samples": len(timings)}


def archive_cards(n_cards: int, shipped: int) -> list[Card]:
    """The cards of the big store's archive decks, as if their deck files were loaded."""
    tags = [f"topic-{i}" for i in range(50)]
    return [Card(deck=f"archive-{i // 10_000}", id=f"c{i}", kind="recall", prompt="p",
                 answer="a", tags=(tags[i % 50], tags[(i * 7) % 50]))
            for i in range(shipped, n_cards)]


def bench_screens(db: Path, n_cards: int, runs: int) -> dict[str, object]:
    """Open the home screen and the statistics screen in the app, from the key press until
    the figures are drawn, and compute their figures alone (what their workers do): with
    the shipped decks loaded, and with every card of the store loaded (100k, tagged).
    Medians."""
    import asyncio

    from trainer.tui.app import TrainerApp

    shipped = load_catalog([shipped_deck_dir()])
    everything = load_catalog([shipped_deck_dir()])
    archive: dict[str, list[Card]] = {}
    for card in archive_cards(n_cards, len(shipped.cards)):
        archive.setdefault(card.deck, []).append(card)
    everything.decks += [Deck(deck, deck, "", tuple(cards)) for deck, cards in archive.items()]

    async def measure(result) -> dict[str, float]:  # noqa: ANN001
        """From the key press until the screen is drawn with its figures, in a new app (a
        new session): the first press of each key, and the median of the presses after it
        (wall and CPU ms).

        The end is the later of the last frame the app hands to the terminal (headless
        Textual skips making the terminal's bytes; the bench makes them, as the browser's
        does) and the moment the screen has taken its workers' figures: a screen shown
        again draws only what changed, so figures equal to the last ones draw nothing
        more. It used to end when `pilot.pause` returned, which waits for the app to look
        idle in 20 ms naps: tens of ms after the last frame. The screens' code is imported
        before the first press, as the app's warm-up does after the first card."""
        from textual._compositor import CompositorUpdate

        from trainer.tui.screens.home import HomeScreen
        from trainer.tui.screens.stats import StatsScreen

        store = Store.open(db)
        app = TrainerApp(store=store, load_result=result, settings=BENCH_SETTINGS,
                         warm_up=False, save_theme=False)
        out: dict[str, float] = {}
        ends: list[tuple[float, float]] = []  # frames shown, figures taken: wall, CPU
        display = app._display  # Textual's hand-over of each frame to the terminal

        def shown(screen: object, update: object) -> None:
            if isinstance(update, CompositorUpdate):
                update.render_segments(app.console)  # the bytes a terminal would be sent
            display(screen, update)  # type: ignore[arg-type]
            ends.append((time.perf_counter(), time.process_time()))

        app._display = shown  # type: ignore[method-assign]
        kinds = {kind: kind.on_worker_state_changed for kind in (HomeScreen, StatsScreen)}
        for kind, taken in kinds.items():

            def taking(screen, event, taken=taken) -> None:  # noqa: ANN001
                taken(screen, event)
                ends.append((time.perf_counter(), time.process_time()))

            kind.on_worker_state_changed = taking  # type: ignore[method-assign]
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.pause()
            for name, action in (("home", app.action_home), ("stats", app.action_stats)):
                times: list[tuple[float, float]] = []
                for _ in range(runs + 1):
                    ends.clear()
                    start, cpu = time.perf_counter(), time.process_time()
                    action()
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                    await pilot.pause()  # the figures drawn
                    end, end_cpu = ends[-1]
                    times.append(((end - start) * 1000, (end_cpu - cpu) * 1000))
                    app.pop_screen()
                    await pilot.pause()
                    await app.workers.wait_for_complete()
                out[f"{name}_first"], out[f"{name}_first_cpu"] = times[0]
                out[name] = statistics.median(t for t, _ in times[1:])
                out[f"{name}_cpu"] = statistics.median(c for _, c in times[1:])
        for kind, taken in kinds.items():
            kind.on_worker_state_changed = taken  # type: ignore[method-assign]
        store.close()
        return out

    def look(store: Store, result, times: dict[str, list[tuple[float, float]]]) -> None:  # noqa: ANN001
        """One look of each screen's figures alone (what their workers compute): deck
        counts and overview, then progress; (wall, CPU) ms of each."""
        from trainer.stats import deck_table, overview, progress

        cards = result.cards
        for name, compute in (
                ("home", lambda r: (deck_table(cards, r, BENCH_SETTINGS, NOW),
                                    overview(cards, r, NOW, days=14))),
                ("stats", lambda r: progress(cards, r, NOW))):
            start, cpu = time.perf_counter(), time.process_time()
            with store.reading() as reader:
                compute(reader)
            times.setdefault(name, []).append(((time.perf_counter() - start) * 1000,
                                               (time.process_time() - cpu) * 1000))

    def figures(result) -> dict[str, float]:  # noqa: ANN001
        """The figures alone: the very first look at a store (nothing kept: it indexes the
        loaded cards, reads their decks' stored cards and keeps the figures in the store),
        the first look of a new session (it starts from the kept figures), and the medians
        of the looks after it (wall and CPU)."""
        store = Store.open(db)
        store.conn.execute("DELETE FROM figures_kept")  # as if never looked at
        ever: dict[str, list[tuple[float, float]]] = {}
        look(store, result, ever)
        store.close()
        store = Store.open(db)  # a new session: nothing held in memory
        times: dict[str, list[tuple[float, float]]] = {}
        for _ in range(runs + 1):
            look(store, result, times)
        store.close()
        out: dict[str, float] = {}
        for name in ("home", "stats"):
            later = times[name][1:]
            out[f"{name}_ever_first"] = ever[name][0][0]
            out[f"{name}_ever_first_cpu"] = ever[name][0][1]
            out[f"{name}_first"], out[f"{name}_first_cpu"] = times[name][0]
            out[name] = statistics.median(t for t, _ in later)
            out[f"{name}_cpu"] = statistics.median(c for _, c in later)
        return out

    small = figures(shipped)
    big = figures(everything)
    drawn = asyncio.run(measure(shipped))
    drawn_all = asyncio.run(measure(everything))
    return {"home_figures_ms": round(small["home"], 1),
            "stats_figures_ms": round(small["stats"], 1),
            **{f"{name}_figures_all_loaded{part}_ms": round(big[f"{name}{part}"], 1)
               for name in ("home", "stats")
               for part in ("", "_cpu", "_first", "_first_cpu", "_ever_first",
                            "_ever_first_cpu")},
            **{f"{name}_screen{loaded}{part}_ms": round(looks[f"{name}{part}"], 1)
               for loaded, looks in (("", drawn), ("_all_loaded", drawn_all))
               for name in ("home", "stats")
               for part in ("", "_cpu", "_first", "_first_cpu")},
            "loaded_cards": len(shipped.cards),
            "all_loaded_cards": len(everything.cards),
            "load_average": os.getloadavg()[0]}


def bench_browser(db: Path, n_cards: int, runs: int) -> dict[str, object]:
    """The browser over every card of the big store loaded (100k): a search matching one
    archive deck's 10k cards, sorted and its first page drawn, typed into the open browser
    (the app, from Enter until the page is on screen, and `browser_query_all_rows_ms` until
    every row and their count are: the page comes first, read from the due index); the same
    search in the domain alone;
    and one card's history (the card detail: its reviews and retrievability curve) among
    the 1M reviews. Medians.

    What a user waits for is timed from the Enter key handed to the app to the frame that
    shows the new rows, seen as the app hands that frame to the terminal (headless
    Textual skips making the terminal's bytes; the bench makes them, as a terminal's app
    would). It used to be timed until `pilot.press` and `pilot.pause` returned: those
    wait for the process to look idle in 20 ms naps (three of them at least), about 60-80
    ms after the frame that nobody sees. Opening is timed the same way, once the app has
    made the cards' index in the background (a second or so after the first card): from
    `B` to the first frame with rows (the first page by due, read first), and
    (`browser_open_all_cards_done_ms`) until the search of every card is drawn."""
    import asyncio

    from trainer.browse.history import card_history, retrievability_curve
    from trainer.browse.query import TextIndex
    from trainer.browse.search import search, sort_matches
    from trainer.tui.app import TrainerApp
    from trainer.tui.screens.browser import BrowserScreen

    result = load_catalog([shipped_deck_dir()])
    archive: dict[str, list[Card]] = {}
    for card in archive_cards(n_cards, len(result.cards)):
        archive.setdefault(card.deck, []).append(card)
    result.decks += [Deck(deck, deck, "", tuple(cards)) for deck, cards in archive.items()]
    query = "deck:archive-3 is:review"
    store = Store.open(db)
    index = TextIndex(result.cards)
    domain, domain_cpu, matched = [], [], 0
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        found = sort_matches(search(index, store, query, NOW), "due")
        _ = [m.to_dict() for m in found[:100]]  # the first page's cells
        domain.append((time.perf_counter() - start) * 1000)
        domain_cpu.append((time.process_time() - cpu) * 1000)
        matched = len(found)
    keys = [c.key for c in archive["archive-3"][:runs * 10]]
    history, history_cpu = [], []
    for key in keys:
        start, cpu = time.perf_counter(), time.process_time()
        card_history(store, key)
        retrievability_curve(store.reviews(key), NOW)
        history.append((time.perf_counter() - start) * 1000)
        history_cpu.append((time.process_time() - cpu) * 1000)
    reviews_per_card = len(store.reviews(keys[0]))
    store.close()

    async def in_app() -> dict[str, float]:
        from textual._compositor import CompositorUpdate

        app_store = Store.open(db)
        app = TrainerApp(store=app_store, load_result=result, settings=BENCH_SETTINGS,
                         warm_up=False, save_theme=False)
        typed, typed_cpu, typed_all, typed_all_cpu = [], [], [], []
        done = asyncio.Event()  # a frame showed a search's whole rows
        frames: list[tuple[float, float, bool]] = []  # browser frames with rows: wall, CPU, all
        before = [0]  # the searches started before the one timed
        display = app._display  # Textual's hand-over of each frame to the terminal

        def shown(screen: object, update: object) -> None:
            if isinstance(update, CompositorUpdate):
                update.render_segments(app.console)  # the bytes a terminal would be sent
            display(screen, update)  # type: ignore[arg-type]
            if (isinstance(screen, BrowserScreen) and update is not None
                    and screen.table.row_count and screen.searches > before[0]):
                frames.append((time.perf_counter(), time.process_time(), not screen.searching))
                if not screen.searching:
                    done.set()

        app._display = shown  # type: ignore[method-assign]
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.index_thread is not None
            app.index_thread.join()  # made in the background after the first card
            frames.clear()
            done.clear()
            start, cpu = time.perf_counter(), time.process_time()
            app.action_browse()
            await done.wait()
            opened = frames[0][0] - start, frames[0][1] - cpu  # every card: the first rows
            last = next(f for f in frames if f[2])  # all of them
            opened_done = last[0] - start, last[1] - cpu
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BrowserScreen)
            box = screen.query_one("#query")
            for n in range(runs):
                box.value = query if n % 2 == 0 else query + " "  # a new search each time
                box.focus()
                await pilot.pause()
                await app.workers.wait_for_complete()
                frames.clear()
                done.clear()
                before[0] = screen.searches
                start, cpu = time.perf_counter(), time.process_time()
                await pilot.press("enter")
                await done.wait()
                at, at_cpu, _ = frames[0]  # the first page
                typed.append((at - start) * 1000)
                typed_cpu.append((at_cpu - cpu) * 1000)
                at, at_cpu, _ = next(f for f in frames if f[2])  # every row, and their count
                typed_all.append((at - start) * 1000)
                typed_all_cpu.append((at_cpu - cpu) * 1000)
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert len(screen.matches) == matched
        app_store.close()
        return {"browser_query_ms": statistics.median(typed),
                "browser_query_cpu_ms": statistics.median(typed_cpu),
                "browser_query_all_rows_ms": statistics.median(typed_all),
                "browser_query_all_rows_cpu_ms": statistics.median(typed_all_cpu),
                "browser_open_all_cards_ms": opened[0] * 1000,
                "browser_open_all_cards_cpu_ms": opened[1] * 1000,
                "browser_open_all_cards_done_ms": opened_done[0] * 1000,
                "browser_open_all_cards_done_cpu_ms": opened_done[1] * 1000}

    figures = {name: round(value, 1) for name, value in asyncio.run(in_app()).items()}
    return {**figures,
            "browser_query_search_ms": round(statistics.median(domain), 1),
            "browser_query_search_cpu_ms": round(statistics.median(domain_cpu), 1),
            "browser_query_matches": matched,
            "card_history_ms": round(statistics.median(history), 2),
            "card_history_cpu_ms": round(statistics.median(history_cpu), 2),
            "card_history_reviews": reviews_per_card}


def bench_optimize(db: Path) -> dict[str, object]:
    """`trainer optimize` on 100k reviews of a seeded simulated learner, in a copy of the big
    store (so 1.1M reviews in all): read the deck's review rows and fit (what `trainer
    optimize --deck` does), then apply (store the fit and recompute the deck's states)."""
    import shutil

    from trainer.scheduling.optimize import default_parameters, fit
    from trainer.scheduling.refit import apply_fit
    from trainer.scheduling.simulate import DAY, simulate_histories
    from trainer.store.journal import new_event_id

    copy = db.with_name(db.stem + "-optimize.db")
    deck = "fsrs-sim"
    if not copy.exists():
        shutil.copy(db, copy)
        truth = default_parameters()
        truth[0:4] = [0.1, 0.5, 1.2, 4.0]
        histories = simulate_histories(truth, cards=9_400, days=365, seed=3)
        start = NOW - 400 * DAY
        store = Store.open(copy)
        new = pack(CardState(key="x/x", deck="x", state=0, step=None, stability=None,
                             difficulty=None, due=start, last_review=None))
        seen = pack(CardState(key="x/x", deck="x", state=2, step=None, stability=5.0,
                              difficulty=5.0, due=NOW, last_review=NOW))
        with store.transaction() as conn:
            conn.executemany(
                "INSERT INTO reviews (card_key, reviewed_at, rating, duration_ms, state_was, "
                "state_before, state_after) VALUES (?,?,?,?,?,?,?)",
                ((f"{deck}/c{n}", start + day * DAY + 43_200, rating, 8000, 0 if i == 0 else 2,
                  new if i == 0 else seen, seen)
                 for n, h in enumerate(histories) for i, (day, rating) in enumerate(h)))
            conn.executemany(
                "INSERT INTO cards (key, deck, state, stability, difficulty, due, last_review, "
                "reps) VALUES (?,?,2,5.0,5.0,?,?,?)",
                ((f"{deck}/c{n}", deck, NOW, NOW, len(h)) for n, h in enumerate(histories)))
            # the journal: what --apply replays
            conn.executemany(
                "INSERT INTO events (id, device, card_key, at, kind, payload) "
                "VALUES (?,?,?,?,'review',?)",
                ((new_event_id(at), store.device_id, f"{deck}/c{n}", at,
                  json.dumps({"rating": rating}))
                 for n, h in enumerate(histories) for day, rating in h
                 for at in [start + day * DAY + 43_200]))
        store.close()
    store = Store.open(copy)
    start, cpu = time.perf_counter(), time.process_time()
    rows = store.review_rows([deck])
    report = fit(rows, deck=deck)
    took, took_cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    applied = 0
    if report.better:
        applied = apply_fit(store, report, Settings(), NOW)
        with store.transaction():  # the copy stays unfitted for the next run
            store.conn.execute("DELETE FROM fsrs_fits")
    apply_s = time.perf_counter() - start
    store.close()
    return {"optimize_100k_reviews_s": round(took, 2),
            "optimize_100k_reviews_cpu_s": round(took_cpu, 2), "optimize_reviews": report.reviews,
            "optimize_fit_s": round(report.seconds, 2),
            "optimize_apply_s": round(apply_s, 2), "optimize_cards_recomputed": applied,
            "optimize_log_loss_default": round(report.default.log_loss, 4)
            if report.default else None,
            "optimize_log_loss_fitted": round(report.fitted.log_loss, 4)
            if report.fitted else None}


def bench_replay_all(db: Path) -> dict[str, object]:
    """Rebuild every card's state from the journal (after new FSRS parameters, a migration)."""
    work = Path(tempfile.mkdtemp()) / "replay.db"
    work.write_bytes(db.read_bytes())
    store = Store.open(work)
    events = store.conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    start, cpu = time.perf_counter(), time.process_time()
    cards = store.replay_all()
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    store.close()
    work.unlink()
    return {"replay_all_1m_s": round(seconds, 2), "replay_all_1m_cpu_s": round(cpu_s, 2),
            "replay_all_events": events, "replay_all_cards": cards}


def bench_sync_merge(db: Path, n_events: int, n_cards: int) -> dict[str, object]:
    """Merge another device's events (a month of study, offline) from a sync folder into the
    big store: read and check the segments, add the events, replay the cards they touch.

    Its reviews fall among this device's own of the last month, so every touched card is
    replayed from its last review before them (or, where the review log's states are not
    the replay's, from its first event). The bench store's log holds placeholder states:
    the touched cards' logs are first written as this device's study would have written
    them, by replaying each card whole (not timed).
    """
    import shutil

    from trainer.sync.folder import SEGMENT_EVENTS, segment_bytes, sync_folder, write_segment

    tmp = Path(tempfile.mkdtemp())
    try:
        work = tmp / "merge.db"
        work.write_bytes(db.read_bytes())
        root = tmp / "shared"
        folder = root / "01OTHERDEVICE0000000000000"
        rng = random.Random(11)
        keys = [f"archive-{i // 10_000}/c{i}" for i in range(n_cards)]
        events = []
        for i in range(n_events):
            at = NOW - 30 * 86400 + i * (30 * 86400 / n_events)
            events.append(Event(new_event_id(at), folder.name, keys[i % len(keys)], at, "review",
                                {"rating": rng.choice((1, 3, 3, 3, 4)), "duration_ms": 4000}))
        store = Store.open(work)
        store.replay_cards(keys)
        sync_folder(store, root)  # this device has synced before: its own history is out
        folder.mkdir()
        for start in range(0, n_events, SEGMENT_EVENTS):
            write_segment(folder, f"{start:08d}.jsonl",
                          segment_bytes(folder.name, events[start:start + SEGMENT_EVENTS]))
        start, cpu = time.perf_counter(), time.process_time()
        report = sync_folder(store, root)
        seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        store.close()
    finally:
        shutil.rmtree(tmp)  # the copy of the big store: a gigabyte per run, whatever happens
    assert sum(report.received.values()) == n_events, report
    return {"sync_merge_100k_events_s": round(seconds, 2),
            "sync_merge_100k_events_cpu_s": round(cpu_s, 2), "sync_merge_events": n_events,
            "sync_merge_cards_replayed": report.cards}


def bench_backup(db: Path) -> dict[str, float]:
    """An automatic backup of the big store: online copy, check of the copy, prune.

    The app runs it on a thread of its own after the first card is on screen, so it never
    counts toward the first card; this is how long that thread works.
    """
    import shutil

    from trainer.store.backup import make_backup

    folder = OUT / "backups"
    shutil.rmtree(folder, ignore_errors=True)
    store = Store.open(db)
    start = time.perf_counter()
    made = make_backup(store, folder)
    took = (time.perf_counter() - start) * 1000
    size = made.path.stat().st_size
    copy = OUT / "copy-only.db"
    start = time.perf_counter()
    store.backup_to(copy)  # the online copy alone; the rest is checking the copy
    copy_ms = (time.perf_counter() - start) * 1000
    store.close()
    copy.unlink()
    return {"backup_ms": round(took, 1), "backup_copy_ms": round(copy_ms, 1),
            "backup_mb": round(size / 1e6, 1)}


def bench_validate(cards: int) -> dict[str, float]:
    """Validate a 10k-card deck (graded and recall cards mixed)."""
    parts = ["deck: big\ntitle: Big\ncards:\n"]
    for i in range(cards):
        if i % 2:
            parts.append(
                f"  - id: r{i}\n    kind: recall\n    prompt: Question {i} about $\\hat\\theta$?\n"
                f"    answer: |\n      Line one of {i}.\n      Line two.\n"
                f"    key_points: [one, two]\n    tags: [a, b]\n    difficulty: 2\n")
        else:
            parts.append(
                f"  - id: n{i}\n    kind: numeric\n    prompt: k={{{{k}}}} of n={{{{n}}}}\n"
                f"    params:\n      n: randint(10, 50)\n      k: randint(1, n - 1)\n"
                f"    solve: bernoulli_mle(k, n)\n"
                f"    mistakes:\n      - answer: (k + 1)/(n + 2)\n        feedback: mean\n")
    text = "".join(parts)
    path = OUT / "big-deck.yaml"
    path.write_text(text)
    from trainer.catalog import load_catalog

    cold, warm = float("inf"), float("inf")
    for _ in range(3):
        os.environ["TRAINER_CACHE"] = tempfile.mkdtemp()  # nothing cached: a full parse
        start = time.perf_counter()
        result = load_catalog([path])
        cold = min(cold, time.perf_counter() - start)
        assert not result.problems, result.problems[:3]
        start = time.perf_counter()
        load_catalog([path])  # unchanged deck: read from the cache
        warm = min(warm, time.perf_counter() - start)
    return {"validate_10k_cards_s": round(cold, 3), "validate_10k_cards_cached_s": round(warm, 3)}


def grading_cases(cards: list[Card], seeds: int) -> list[dict]:
    """What the app grades: each step's reference and each listed mistake, per draw."""
    from trainer.exercises import instantiate

    cases = []
    for card in cards:
        for review in range(seeds):
            exercise = instantiate(card, review)
            for step in range(len(exercise.steps)):
                ref = exercise.reference(step)
                typed = [repr(ref.value) if ref.kind == "numeric" else str(ref.expected)]
                typed += [m for m, _ in ref.mistakes]
                for answer in typed:
                    cases.append({"expected": ref.expected, "answer": answer,
                                  "symbols": ref.symbols or None, "rtol": ref.rtol,
                                  "atol": ref.atol, "mistakes": ref.mistakes})
    return cases


def bench_grading(seeds: int) -> dict[str, object]:
    """Grading latency over the shipped exercises' references and mistakes, sympy loaded."""
    from trainer.catalog import load_catalog
    from trainer.grading import grade, warm_up

    cards = [c for c in load_catalog([shipped_deck_dir()]).cards if c.graded]
    cases = grading_cases(cards, seeds)
    if not cases:
        return {"grading_cases": 0}
    warm_up()  # load numpy and start the sympy worker, as the app does after the first card
    timings = []
    for case in cases:
        start = time.perf_counter()
        grade(case["expected"], case["answer"], symbols=case["symbols"], rtol=case["rtol"],
              atol=case["atol"], mistakes=case["mistakes"])
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_grading import corpus_cases, worst_case

    return {"grading_cases": len(cases),
            "grading_ms_median": round(statistics.median(timings), 2),
            "grading_ms_p99": round(timings[max(0, int(len(timings) * 0.99) - 1)], 2),
            "grading_ms_max": round(timings[-1], 2),
            # the slowest verdict over the soundness corpus and hostile inputs (<= 2000)
            **worst_case(corpus_cases())}


SYMBOLIC = """
import json, time
t = time.perf_counter()
from solvers import symbolic as s
out = {"import": time.perf_counter() - t}
calls = [("mle_expr", f) for f in ("bernoulli", "poisson", "exponential", "gaussian_mean",
                                   "gaussian_var")]
calls += [("fisher_information_expr", f) for f in ("bernoulli", "binomial", "poisson",
          "exponential", "gaussian_mean", "gaussian_var", "gaussian")]
calls += [("crlb_expr", "gaussian")]
calls += [("kl_expr", f) for f in ("gaussian", "bernoulli", "exponential", "poisson")]
for name, family in calls:
    t = time.perf_counter(); getattr(s, name)(family); out[name + ":" + family] = time.perf_counter() - t
t = time.perf_counter(); s.beta_bernoulli_map_expr(); out["map"] = time.perf_counter() - t
print(json.dumps(out))
"""


def bench_symbolic() -> dict[str, float]:
    """The slowest symbolic derivation of solvers.symbolic, in a fresh process (cold caches)."""
    out = subprocess.run([sys.executable, "-c", SYMBOLIC], capture_output=True, text=True,
                         check=True)
    times = json.loads(out.stdout)
    slowest = max((k for k in times if k != "import"), key=times.get)
    return {"symbolic_import_s": round(times["import"], 2),
            "symbolic_slowest_derivation_s": round(times[slowest], 2),
            "symbolic_slowest_derivation": slowest}


def bench_preview(repeat: int = 2000) -> dict[str, float]:
    """The live parse-and-pretty-print shown under the answer input at every keystroke."""
    from trainer.grading import preview

    symbols = "k: integer; n: integer; alpha: positive; beta: positive"
    preview("(k+α-1)/(n+α+β-2)", symbols=symbols)
    start = time.perf_counter()
    for _ in range(repeat):
        preview("(k+α-1)/(n+α+β-2)", symbols=symbols)
    return {"preview_ms_mean": round((time.perf_counter() - start) * 1000 / repeat, 3)}


def bench_code_cards(runs: int) -> dict[str, float]:
    """Run each shipped code card's reference against its draws in the sandbox, warm: the
    spare child (numpy imported) is ready, as it is when a learner presses the run key."""
    from trainer.coderun import default_sandbox
    from trainer.coderun.card import CodeExercise

    cards = [c for c in load_decks([shipped_deck_dir()]).cards if c.kind == "code"]
    box = default_sandbox()
    times = []
    for card in cards:
        ex = CodeExercise(card, 0)
        ex.cases()  # expected values: computed once per review, before the learner runs
        for _ in range(runs):
            box.prepare()
            time.sleep(1.0)  # let the spare child finish importing numpy
            start = time.perf_counter()
            result = ex.run(ex.reference, box)
            times.append((time.perf_counter() - start) * 1000)
            assert result.correct, (card.key, result.summary())
    return {"code_card_run_ms": round(statistics.median(times), 1),
            "code_card_run_ms_max": round(max(times), 1), "code_cards": len(cards)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller store, fewer runs")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    n_cards, n_reviews = (10_000, 100_000) if args.quick else (100_000, 1_000_000)
    db = OUT / f"store-{n_cards}-{n_reviews}-journal.db"
    shipped = [(c.deck, c.key) for c in load_decks([shipped_deck_dir()]).cards]
    build_big_store(db, n_cards, n_reviews, shipped)
    conn = sqlite3.connect(db)
    counts = conn.execute("SELECT (SELECT COUNT(*) FROM cards), (SELECT COUNT(*) FROM reviews)")
    store_cards, store_reviews = counts.fetchone()
    conn.close()
    figures: dict[str, object] = {"store_cards": store_cards, "store_reviews": store_reviews}
    figures.update(bench_backup(db))  # first: today's backup exists before the cold starts
    figures.update(bench_cold_start(db, 3 if args.quick else 7))
    figures.update(bench_answer_next(db, 500 if args.quick else 3000))
    figures.update(bench_sync_merge(db, n_reviews // 10, 10_000))
    figures.update(bench_replay_all(db))
    figures.update(bench_screens(db, n_cards, 3 if args.quick else 7))
    figures.update(bench_browser(db, n_cards, 3 if args.quick else 7))
    figures.update(bench_optimize(db))
    figures.update(bench_validate(10_000))
    figures.update(bench_grading(3 if args.quick else 10))
    figures.update(bench_preview())
    figures.update(bench_symbolic())
    figures.update(bench_code_cards(1 if args.quick else 3))
    from bench_anki import bench_import_anki  # a package of 10k notes, written by Anki

    figures.update(bench_import_anki(OUT, runs=1 if args.quick else 3))
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
