"""The first card on a terminal counted in instructions: valgrind's callgrind counts what
the process executes, whatever else the machine is doing, so the ratio to an empty Textual
app can be checked on a busy machine (CPU and wall times, `bench_cold_start` in run.py,
need a quiet one).

The same launch as `bench_cold_start` (`python -m trainer` on an 80x24 pty, the bench's
store and config.toml), with one difference: the process ends itself at the write that
puts the card's text on the terminal, so the count stops exactly there, as the clock of
`first_frame_ms` does. Usage (after run.py has built its store):

    python bench/cold_start_instructions.py [--runs 3]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run  # noqa: E402 - the bench's store, its settings and the empty app

# Run inside the counted process: wraps the stream Textual writes the screen to, and ends
# the process once the text written so far shows the marker (escape sequences dropped).
ENDER = """
import os, re, runpy, sys
pattern, marker, target = re.compile(sys.argv[1]), sys.argv[2], sys.argv[3:]

class Ending:
    def __init__(self, stream):
        self._stream, self._written, self._seen = stream, [], False

    def write(self, text):
        self._written.append(text)
        written = "".join(self._written)
        self._seen = any(marker in " ".join(pattern.sub(gap, written).split())
                         for gap in ("", " "))
        return self._stream.write(text)

    def flush(self):
        self._stream.flush()
        if self._seen:
            os._exit(0)

    def __getattr__(self, name):
        return getattr(self._stream, name)

sys.__stderr__ = sys.stderr = Ending(sys.__stderr__)
sys.path[0] = os.getcwd()
if target[0] == "-m":
    sys.argv = [target[1]]
    runpy.run_module(target[1], run_name="__main__", alter_sys=True)
else:
    sys.argv = target
    runpy.run_path(target[0], run_name="__main__")
"""


def count(target: list[str], env: dict[str, str], marker: str, work: Path) -> int:
    """Instructions from launch until `marker` is written to the terminal."""
    ender, out = work / "ender.py", work / "callgrind.out"
    ender.write_text(ENDER)
    out.unlink(missing_ok=True)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    argv = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
            str(ender), run.ANSI.pattern, marker, *target]
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                            env=dict(env, TERM="xterm-256color", COLUMNS="80", LINES="24"),
                            start_new_session=True)
    os.close(slave)
    try:
        while proc.poll() is None:  # keep the terminal drained until the process ends
            if select.select([master], [], [], 0.5)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        proc.wait(timeout=600)
    finally:
        proc.kill()
        os.close(master)
    for line in out.read_text().splitlines() if out.exists() else []:
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no count for {target}: did {marker!r} reach the screen?")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs of each (medians)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: the instruction counts need its callgrind tool")
    db = run.OUT / "store-100000-1000000-journal.db"
    if not db.exists():
        sys.exit(f"no bench store at {db}: run bench/run.py first")
    config = run.OUT / "config"
    config.mkdir(exist_ok=True)
    (config / "config.toml").write_text(
        f"reviews_per_day = {run.BENCH_SETTINGS.reviews_per_day}\n")
    env = dict(os.environ, TRAINER_DB=str(db), TRAINER_DECKS=str(run.OUT / "no-user-decks"),
               TRAINER_CONFIG_DIR=str(config), TRAINER_BACKUPS=str(run.OUT / "backups"))
    marker = run.first_card_marker(db)
    import compileall

    for package in ("trainer", "solvers"):  # as in bench_cold_start: no compiling counted
        compileall.compile_dir(run.ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        floor = work / "textual_floor.py"
        floor.write_text(run.FLOOR_APP)
        # a first start may fill the deck cache and settings note: not counted
        count(["-m", "trainer"], env, marker, work)
        trainer, empty = [], []
        for _ in range(args.runs):
            trainer.append(count(["-m", "trainer"], env, marker, work))
            empty.append(count([str(floor)], env, "textual floor ready", work))
    first, base = statistics.median(trainer), statistics.median(empty)
    print(json.dumps({"first_card_instructions_m": round(first / 1e6, 1),
                      "textual_floor_instructions_m": round(base / 1e6, 1),
                      "first_card_over_floor_instructions": round(first / base, 3),
                      "runs_m": [round(t / 1e6, 1) for t in trainer]}))


if __name__ == "__main__":
    main()
