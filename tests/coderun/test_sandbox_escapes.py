"""What a runaway or careless solution can do to the machine, and how the sandbox stops it.

Each test runs a hostile solution through the real child process and asserts the verdict
and that no process of the child's session is left; none asserts how long anything took
(a limit stops the child, or the test's own bound fails it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from trainer.coderun import Limits, Sandbox
from trainer.coderun import sandbox as sandbox_module

LIMITS = Limits(cpu_s=1.0, wall_s=120.0, memory_mb=256)

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads processes from /proc (Linux)")


def _stat(pid: int) -> list[str] | None:
    """A process's /proc stat fields after its name (state first), None when gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rpartition(")")[2].split()


def running(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def session(sid: int) -> list[int]:
    """The live processes of session ``sid`` (the child leads its own)."""
    members = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields is not None and fields[0] not in ("Z", "X") and int(fields[3]) == sid:
                members.append(int(entry.name))
    return members


@pytest.fixture
def box(monkeypatch):
    """A sandbox without a spare child, whose children are recorded as they start."""
    started: list[sandbox_module._Child] = []

    class Recorded(sandbox_module._Child):
        def __init__(self) -> None:
            super().__init__()
            started.append(self)

    monkeypatch.setattr(sandbox_module, "_Child", Recorded)
    sandbox = Sandbox(LIMITS, warm=False)
    sandbox.started = started  # type: ignore[attr-defined]
    yield sandbox
    sandbox.close()


def nothing_left(box: Sandbox) -> None:
    """Every child the sandbox started is gone, with its whole session and its folder."""
    for child in box.started:  # type: ignore[attr-defined]
        assert not running(child.proc.pid)
        assert session(child.proc.pid) == []
        assert not os.path.exists(child.folder)


def run_one(box: Sandbox, source: str, *args, limits: Limits | None = None):
    return box.run(source, "f", [list(args)], limits)


def test_a_copy_of_the_report_pipe_and_an_atexit_sleep_do_not_keep_the_trainer_waiting(box):
    # the run is over when every case has reported, whatever the child does next
    source = ("import atexit, os, time\n"
              "for fd in range(3, 10):\n"
              "    try:\n        os.dup(fd)\n    except OSError:\n        pass\n"
              "atexit.register(time.sleep, 3600)\n"
              "def f(x):\n    return x + 1\n")
    run = box.run(source, "f", [[1], [2]])
    assert run.complete and [c.value for c in run.cases] == [2, 3]
    nothing_left(box)


CLOSES_ITS_REPORT = ("import os, time\ndef f(x):\n"
                     "    for fd in range(3, 64):\n"
                     "        try:\n            os.close(fd)\n"
                     "        except OSError:\n            pass\n")


@pytest.mark.parametrize(("end", "wall_s", "verdict"), [
    # asleep, only the wall clock ends it; spinning, the CPU limit long before 120 s
    ("    time.sleep(3600)\n", 3.0, "took longer than 3 s (wall clock)"),
    ("    os._exit(0)\n", 120.0, "your code ended the Python process (exit status 0)"),
    ("    while True:\n        pass\n", 120.0, "took longer than 1 s (CPU time)"),
])
def test_a_child_that_closes_its_report_is_judged_by_how_it_ends(box, end, wall_s, verdict):
    run = run_one(box, CLOSES_ITS_REPORT + end, 1,
                  limits=Limits(cpu_s=1.0, wall_s=wall_s, memory_mb=256))
    assert run.cases == [] and run.fatal == verdict
    nothing_left(box)


def test_sqlite_cannot_write_a_database_outside_the_folder(box, tmp_path: Path):
    target = tmp_path / "store.db"
    source = ("import sqlite3\ndef f(path):\n"
              "    db = sqlite3.connect(path or ':memory:')\n"
              "    db.execute('create table t (x)')\n"
              "    return db.execute('select count(*) from t').fetchone()[0]\n")
    run = box.run(source, "f", [[str(target)], [""]])
    refused, in_memory = run.cases
    assert refused.error == "PermissionError" and refused.line == 3
    assert "in-memory database" in refused.message
    assert in_memory.ok and in_memory.value == 0
    assert not target.exists()


def test_dbm_files_are_out_of_reach(box, tmp_path: Path):
    source = f"import dbm\ndef f(x):\n    dbm.open({str(tmp_path / 'db')!r}, 'c')\n"
    run = run_one(box, source, 1)
    assert run.fatal.startswith("your code raised ImportError at line 1")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("body", "says"), [
    ("    os.setxattr(TARGET, 'user.x', b'1')\n", "os.setxattr on"),
    # os.remove(name, dir_fd=d) names the file relative to d: the hook sees only the name
    ("    d = os.open(FOLDER, os.O_RDONLY)\n    os.remove('keep.txt', dir_fd=d)\n",
     "opening the folder"),
    # relative paths are checked from the working folder, so it must stay where it is
    ("    os.chdir(FOLDER)\n    os.remove('keep.txt')\n", "changing the working folder"),
])
def test_a_file_outside_is_not_changed_through_a_side_door(box, tmp_path: Path, body, says):
    target = tmp_path / "keep.txt"
    target.write_text("keep")
    source = (f"import os\nTARGET, FOLDER = {str(target)!r}, {str(tmp_path)!r}\n"
              "def f(x):\n" + body + "    return 1\n")
    run = run_one(box, source, 1)
    case = run.cases[0]
    assert case.error == "PermissionError" and case.line == 4
    assert says in case.message and "not allowed" in case.message
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    assert target.read_text() == "keep"


def test_a_loop_writing_files_stops_at_the_count_of_files(box):
    # each file may reach the file size limit: their number bounds the disk a run fills
    source = ("def f(n):\n    for i in range(n):\n"
              "        with open(f'part{i}', 'w') as out:\n"
              "            out.write('x')\n    return n\n")
    run = box.run(source, "f", [[16], [17]])
    assert run.cases[0].ok and run.cases[0].value == 16
    second = run.cases[1]
    assert second.error == "PermissionError" and second.line == 3
    assert "more than 16 files for writing" in second.message


def test_a_value_nested_too_deeply_to_report_is_a_case_error(box):
    source = ("def f(n):\n    value = []\n    for _ in range(n):\n"
              "        value = [value]\n    return value\n")
    run = box.run(source, "f", [[100_000], [1]])
    deep, shallow = run.cases
    assert deep.error == "RecursionError"
    assert "returned a value nested too deeply" in deep.describe_error()
    assert shallow.ok and shallow.value == [[]]
    nothing_left(box)


def test_a_result_too_big_to_report_is_out_of_memory_not_a_dead_process(box):
    # 128 MB of floats fit; as 16 million Python floats (512 MB) they do not
    source = "import numpy as np\ndef f(n):\n    return np.ones(n)\n"
    run = box.run(source, "f", [[2**24], [2]])
    big, small = run.cases
    assert big.describe_error() == "your function ran out of memory (MemoryError)"
    assert small.ok and small.value.tolist() == [1.0, 1.0]


def test_an_exception_whose_message_fails_is_still_reported(box):
    source = ("class Odd(Exception):\n    def __str__(self):\n        raise ValueError\n"
              "def f(x):\n    raise Odd()\n")
    run = box.run(source, "f", [[1], [2]])
    assert [c.error for c in run.cases] == ["Odd", "Odd"]
    assert run.cases[0].line == 5
    assert "could not be shown" in run.cases[0].message


def test_a_sandbox_that_cannot_start_is_a_verdict(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    sandbox = Sandbox(LIMITS)
    sandbox.prepare()  # the study screen calls it on the UI thread: it must not raise
    run = sandbox.run("def f(x):\n    return x\n", "f", [[1]])
    sandbox.close()
    assert run.fatal is not None and run.fatal.startswith("the sandbox could not start: ")
    assert list(tmp_path.glob("trainer-code-*")) == []  # no folder left behind either


ORPHAN = """
import os, sys, time
from trainer.coderun import sandbox as sb

child = sb._Child()
child.proc.stdin.write(sb.job_line(sys.argv[1], "f", [[1]], sb.Limits(wall_s=2.0)))
child.proc.stdin.close()
started = os.path.join(child.folder, "started")
while not os.path.exists(started) and child.proc.poll() is None:
    time.sleep(0.01)
print(child.proc.pid, child.folder, os.path.exists(started), flush=True)
os._exit(0)  # the trainer dies without a word: nothing kills the child
"""


def test_a_child_outliving_a_dead_trainer_ends_itself_after_the_wall_clock():
    source = "import time\ndef f(x):\n    open('started', 'w').close()\n    time.sleep(3600)\n"
    out = subprocess.run([sys.executable, "-c", ORPHAN, source], capture_output=True,
                         text=True, timeout=300, check=True).stdout.split()
    pid, folder = int(out[0]), out[1]
    try:
        assert out[2] == "True"  # the child was running the learner's code when left
        bound = time.monotonic() + 120  # the test's own bound; the child's alarm is at 4 s
        while running(pid) and time.monotonic() < bound:
            time.sleep(0.05)
        assert not running(pid)
        assert session(pid) == []
    finally:
        if running(pid):
            os.kill(pid, 9)
        shutil.rmtree(folder, ignore_errors=True)


def test_the_child_gets_a_clean_environment_folder_and_descriptors(box, monkeypatch):
    monkeypatch.setenv("TRAINER_SECRET_TOKEN", "hunter2")
    source = ("import os\ndef f(x):\n"
              "    return sorted(os.environ), os.listdir('.'), len(os.listdir('/proc/self/fd'))\n")
    run = run_one(box, source, 1)
    names, listing, fds = run.cases[0].value
    assert "TRAINER_SECRET_TOKEN" not in names and set(names) <= {
        "PATH", "LANG", "HOME", "TMPDIR", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
        "MKL_NUM_THREADS", "LC_CTYPE"}
    assert listing == []
    # 0-2 (/dev/null), the report, /dev/null itself and the listing's own descriptor
    assert fds <= 6
    nothing_left(box)


def test_arrays_still_round_trip_through_the_reworked_report(box):
    run = box.run("def f(x):\n    x[0] = 5.0\n    return x * 2\n", "f",
                  [[np.array([1.0, 2.0])]])
    assert run.cases[0].value.tolist() == [10.0, 4.0] and run.cases[0].mutated == (0,)


def test_a_spare_child_whose_trainer_has_gone_removes_its_folder():
    spare = sandbox_module._Child()
    try:
        spare.proc.stdin.close()  # what the trainer's death does to the spare's job pipe
        assert spare.proc.wait(timeout=120) == 0  # a bound, not a measure
        assert not os.path.exists(spare.folder)
    finally:
        spare.kill()


def test_the_limits_cannot_be_changed_from_inside(box):
    # the resource module is loaded (the child set its limits with it); root could raise them
    source = ("import sys\ndef f(x):\n    r = sys.modules['resource']\n"
              "    r.setrlimit(r.RLIMIT_CPU, r.getrlimit(r.RLIMIT_CPU))\n    return 1\n")
    run = run_one(box, source, 1)
    case = run.cases[0]
    assert case.error == "PermissionError" and case.line == 4
    assert "limits cannot be changed" in case.message


def test_an_integer_too_long_to_report_is_a_case_error(box):
    # Python refuses to write an int of more than 4,300 digits as text
    run = box.run("def f(n):\n    return 10 ** n\n", "f", [[5000], [3]])
    long, short = run.cases
    assert long.error == "ValueError"
    assert "returned a value that could not be read back" in long.message
    assert short.ok and short.value == 1000


def test_the_childs_own_alarm_reads_as_the_wall_clock():
    # a busy trainer may see the child's backstop (SIGALRM) before its own deadline
    import signal

    from trainer.coderun.sandbox import _death

    limits = Limits(wall_s=3.0)
    assert _death(-signal.SIGALRM, limits, b"", True) == "took longer than 3 s (wall clock)"
    assert _death(-signal.SIGSEGV, limits, b"", True) == (
        "your code crashed the Python process (SIGSEGV)")


def test_folders_left_by_a_dead_trainer_are_removed_by_the_next_child(monkeypatch,
                                                                      tmp_path: Path):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a trainer that is no longer running
    stale = tmp_path / f"trainer-code-{gone.pid}-abc123"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "scratch.txt").write_text("x")
    recent = tmp_path / f"trainer-code-{gone.pid}-new456"  # maybe another pid namespace's
    recent.mkdir()
    running_trainer = tmp_path / f"trainer-code-{os.getpid()}-xyz789"
    running_trainer.mkdir()
    unrelated = tmp_path / "trainer-code-notes"
    unrelated.mkdir()
    hour_ago = time.time() - 3600
    for folder in (stale, running_trainer, unrelated):
        os.utime(folder, (hour_ago, hour_ago))
    sandbox = Sandbox(LIMITS, warm=False)
    run = sandbox.run("def f(x):\n    return x\n", "f", [[1]])
    sandbox.close()
    assert run.complete and run.cases[0].value == 1
    assert not stale.exists()
    assert recent.exists() and running_trainer.exists() and unrelated.exists()
