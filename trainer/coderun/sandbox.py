"""Run a learner's function in a separate, limited Python process and collect what it returned.

What the sandbox is for (also the README's "Code cards"): the code it runs is the
learner's own, or a deck's reference solution under ``trainer check``. It stops an
honest mistake or a runaway (a loop, a memory or disk bomb, a stray write, a fork, a
socket, a sleep) with a clear verdict and leaves nothing running. It is not a wall
against a hostile author: see "Not protected" below.

What is enforced, and how:

* **Another process.** The learner's code never runs in the trainer's process: a
  child ``python -I -B`` (isolated: no user site, no ``PYTHON*`` variables, no script
  folder on ``sys.path``) in a fresh, empty temporary folder (its working directory,
  ``HOME`` and ``TMPDIR``; removed after the run), in its own session, with an
  environment of ``PATH``, ``LANG`` and single-threaded BLAS only (none of the
  trainer's variables), and no descriptor of the trainer's but its three pipes. A
  crash, a hang or ``os._exit`` in the child is a verdict for the parent, never an
  exception; so is a child that cannot be started.
* **Kernel limits** (``resource``, set in the child before the learner's code is
  compiled): CPU time (the real guard against an infinite loop, threads included),
  address space (a memory bomb meets ``MemoryError``), file size, 64 open files, no
  core dumps, and ``RLIMIT_NPROC`` = 0 so that ``fork`` (and a thread) fails. Root is
  exempt from ``RLIMIT_NPROC`` and the child runs as the trainer's own user (it does
  not switch to another one), so for root only the audit hook refuses ``fork``.
* **Clocks.** A wall clock in the parent kills the child's whole session when the
  CPU limit is not enough (a child that sleeps, or a busy machine); the child leaves
  as soon as its last case has reported (no atexit hooks, no wait for the threads the
  learner started). Should the trainer itself die, the child ends itself by
  ``SIGALRM`` two seconds after the wall clock, and a later child removes the folder
  it left once unchanged for ten minutes (folders are named after their trainer's pid).
* **Output caps.** What the learner prints is kept up to a cap (then the case fails
  with "printed more than …"); their raw writes to the standard streams go to
  ``/dev/null``; the report the parent reads is capped, and read as plain data
  (anything else stops the run as unreadable).
* **An audit hook** (``sys.addaudithook``, which Python code cannot remove) in the
  child refuses sockets, starting or signalling processes (``os.kill`` and the like),
  ``ctypes``, writing, renaming, deleting or changing files outside the temporary
  folder (and opening more than ``Limits.write_files`` files for writing inside it,
  each bounded by the file size limit), opening a folder outside it (whose descriptor
  would take writes through ``dir_fd``), changing the working folder (relative paths
  are checked from it), changing the kernel limits (root could raise them), and
  SQLite databases other than in memory.
* **Imports.** The learner's own ``import`` statements may name numpy, math and the
  standard library, minus the modules that reach the network, processes, raw memory
  or database files (``socket``, ``subprocess``, ``ctypes``, ``dbm``, …).

Not protected: the child can **read** whatever the trainer's user can read (the
trainer's store, the home folder, the trainer's environment through ``/proc``); the
audit hook and the import guard run inside the child's interpreter, so a determined
author gets past them (a system call that raises no audit event, such as
``pidfd_send_signal`` from the already loaded ``_signal`` module, which can signal
the trainer; a bug in CPython or numpy). No user switch, network namespace or
seccomp filter is used (they need privileges or platform code); ``RLIMIT_AS`` is not
enforced on macOS.

Expected values never enter the child: it reports what the function returned and
the parent compares, so a solution cannot claim to have passed.
"""

from __future__ import annotations

import atexit
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from trainer.coderun._child import FOLDER_PREFIX, decode, encode

__all__ = ["CaseRun", "Limits", "Run", "Sandbox", "run_function"]

_CHILD = str(Path(__file__).with_name("_child.py"))


@dataclass(frozen=True, slots=True)
class Limits:
    """How much one run may take. The CPU limit does the real work; the wall clock is
    generous so that a busy machine does not fail a correct solution."""

    cpu_s: float = 2.0
    wall_s: float = 20.0
    memory_mb: int = 512
    file_mb: int = 8
    output_kb: int = 64  # what the learner prints, per run
    report_mb: int = 8  # what the child reports back (the returned values)
    write_files: int = 16  # files opened for writing, per run (each up to file_mb)


@dataclass(frozen=True, slots=True)
class CaseRun:
    """What one call of the learner's function did: a value, or an error at a line."""

    value: object = None
    error: str | None = None  # the exception's type name, e.g. "ZeroDivisionError"
    message: str = ""
    line: int | None = None
    mutated: tuple[int, ...] = ()  # indices of the arguments the function changed
    printed: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe_error(self) -> str:
        """"your function raised ZeroDivisionError at line 3: division by zero"."""
        if self.error is None:
            return ""
        if self.error == "OutputLimit":
            return f"your function {self.message}"
        if self.error == "MemoryError":
            return "your function ran out of memory (MemoryError)"
        where = f" at line {self.line}" if self.line else ""
        text = f"your function raised {self.error}{where}"
        return f"{text}: {self.message}" if self.message else text


@dataclass(slots=True)
class Run:
    """The outcome of running a solution on a list of cases.

    ``fatal`` says why the run stopped early (the code does not compile, it took
    too long, the process died); ``cases`` holds one entry per case that finished.
    """

    cases: list[CaseRun] = field(default_factory=list)
    fatal: str | None = None
    fatal_line: int | None = None
    printed: str = ""  # printed while the module was loaded

    @property
    def complete(self) -> bool:
        return self.fatal is None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class _Child:
    """One started child process, warm (numpy imported) and waiting for its job."""

    def __init__(self) -> None:
        # the trainer's pid in the name: a later child removes the folders of trainers
        # that died without removing them (see _child.sweep)
        self.folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        env = {"PATH": os.defpath, "LANG": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1",
               "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "HOME": self.folder,
               "TMPDIR": self.folder}
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-B", _CHILD],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self.folder, env=env, start_new_session=True, close_fds=True,
            )
        except BaseException:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.kill()
        except ProcessLookupError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        shutil.rmtree(self.folder, ignore_errors=True)


class Sandbox:
    """Runs solutions, one fresh child process per run, the next one started ahead.

    Thread-safe: the study screen runs it in a worker thread. ``close()`` (also
    called at exit) kills the spare child.
    """

    def __init__(self, limits: Limits | None = None, *, warm: bool = True) -> None:
        self.limits = limits or Limits()
        self.warm = warm
        self._spare: _Child | None = None
        self._lock = threading.Lock()
        atexit.register(self.close)

    def close(self) -> None:
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.kill()

    def _take_child(self) -> _Child:
        with self._lock:
            spare, self._spare = self._spare, None
        child = spare if spare is not None and spare.alive() else None
        if spare is not None and child is None:
            spare.kill()
        return child or _Child()

    def _start_spare(self) -> None:
        if not self.warm:
            return
        with self._lock:
            if self._spare is None:
                try:
                    self._spare = _Child()
                except OSError:
                    pass  # no spare: the next run starts its child itself and says why

    def prepare(self) -> None:
        """Start a child ahead, so that the first run is warm too."""
        self._start_spare()

    def run(self, source: str, function: str, cases: list[list[object]],
            limits: Limits | None = None) -> Run:
        """Run ``function`` from ``source`` on each case (a list of arguments)."""
        limits = limits or self.limits
        try:
            child = self._take_child()
        except OSError as exc:  # no process, no memory, no temporary folder
            return Run(fatal=f"the sandbox could not start: {exc.strerror or exc}")
        try:
            return _drive(child, source, function, cases, limits)
        finally:
            child.kill()
            self._start_spare()


def job_line(source: str, function: str, cases: list[list[object]], limits: Limits) -> bytes:
    """The one line a child reads on its standard input: what to run, and its limits."""
    job = {"source": source, "function": function,
           "cases": [[encode(a) for a in case] for case in cases],
           "cpu_s": limits.cpu_s, "memory_mb": limits.memory_mb, "file_mb": limits.file_mb,
           "output_kb": limits.output_kb, "wall_s": limits.wall_s,
           "write_files": limits.write_files}
    return (json.dumps(job) + "\n").encode()


def _drive(child: _Child, source: str, function: str, cases: list[list[object]],
           limits: Limits) -> Run:
    run = Run()
    proc = child.proc
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    try:
        proc.stdin.write(job_line(source, function, cases, limits))
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the child is gone; its exit status says why, below
    deadline = time.monotonic() + limits.wall_s
    cap = limits.report_mb * 2**20
    buffer = b""
    received = 0
    errors = b""
    loaded = False
    timed_out = too_much = done = False
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    open_streams = 2
    while open_streams and not done:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        for key, _ in sel.select(timeout=min(left, 0.5)):
            chunk = os.read(key.fileobj.fileno(), 65536)  # type: ignore[union-attr]
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "err":
                errors = (errors + chunk)[-4096:]
                continue
            received += len(chunk)
            if received > cap:
                too_much = True
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                loaded = _take(run, line, loaded, len(cases)) or loaded
            # The run is over once a report is refused or fatal. A complete run is read on
            # to the end (the child leaves at once after its last report, see _child.py):
            # a line forged by the learner's code is followed by the real one, refused.
            done = run.fatal is not None
            if done:
                break
        if too_much:
            break
    sel.close()
    if not (done or timed_out or too_much):
        # Both pipes closed with reports missing: the child may still be running (it
        # closed them itself); its own end, within the wall clock, says why.
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
    child.kill()
    status = proc.returncode
    if too_much:
        run.fatal = f"your function returned more than {limits.report_mb} MB of results"
    elif timed_out:
        run.fatal = f"took longer than {limits.wall_s:g} s (wall clock)"
    elif run.fatal is None and len(run.cases) < len(cases):
        run.fatal = _death(status, limits, errors, loaded)
    return run


UNREADABLE = "the sandbox's report could not be read"


def _take(run: Run, line: bytes, loaded: bool, expected: int) -> bool:
    """Add one report line to ``run``; True once the module has loaded.

    The learner's code can write on the report's pipe, so a line is plain data until
    proven otherwise: anything that is not the next report in order (the load, then case
    0, 1, … up to ``expected``), or that does not decode, stops the run as unreadable
    rather than raise in the trainer.
    """
    if run.fatal is not None:
        return loaded
    try:
        return _take_line(run, line, loaded, expected)
    except Exception:  # noqa: BLE001 - RecursionError, MemoryError, forged fields
        run.fatal = UNREADABLE
        return loaded


def _text(value: object, cap: int = 65536) -> str:
    if not isinstance(value, str):
        raise ValueError("not a text")
    return value[:cap]


def _line_number(value: object) -> int | None:
    if value is None or (type(value) is int and 0 < value < 10**9):
        return value
    raise ValueError("not a line number")


def _take_line(run: Run, line: bytes, loaded: bool, expected: int) -> bool:
    if len(line) > 2**24:
        raise ValueError("too long")
    msg = json.loads(line)
    if not isinstance(msg, dict):
        raise ValueError("not an object")
    if "load" in msg:
        if loaded:
            raise ValueError("loaded twice")
        run.printed = _text(msg.get("printed", ""))
        err = msg["load"]
        if err:
            line_no = _line_number(err.get("line"))
            error, message = _text(err["error"], 200), _text(err["message"], 2000)
            where = f" at line {line_no}" if line_no else ""
            if error == "SyntaxError":
                run.fatal = f"your code has a syntax error{where}: {message}"
            elif error == "NameError" and line_no is None:
                run.fatal = message
            elif error == "OutputLimit":
                run.fatal = f"your code {message}"
            else:
                run.fatal = (f"your code raised {error}{where} while it was loaded: "
                             f"{message}")
            run.fatal_line = line_no
            return False
        return True
    if not loaded or msg.get("case") != len(run.cases) or len(run.cases) >= expected \
            or type(msg["case"]) is not int:
        raise ValueError("a case out of order")
    printed = _text(msg.get("printed", ""))
    if "error" in msg:
        run.cases.append(CaseRun(error=_text(msg["error"], 200),
                                 message=_text(msg.get("message", ""), 2000),
                                 line=_line_number(msg.get("line")), printed=printed))
        return loaded
    mutated = msg.get("mutated", [])
    if not (isinstance(mutated, list) and all(type(k) is int for k in mutated)):
        raise ValueError("mutated is not a list of indices")
    value = decode(msg["value"])  # a ReportError: encode never writes that, so forged
    run.cases.append(CaseRun(value=value, mutated=tuple(mutated), printed=printed))
    return loaded


def _death(status: int | None, limits: Limits, errors: bytes, loaded: bool) -> str:
    """Why a child stopped before reporting every case, in the learner's words."""
    if status is not None and status < 0:
        sig = -status
        if sig in (signal.SIGXCPU, signal.SIGKILL):
            return f"took longer than {limits.cpu_s:g} s (CPU time)"
        if sig == signal.SIGALRM:  # the child's own backstop, just after the wall clock
            return f"took longer than {limits.wall_s:g} s (wall clock)"
        if sig == signal.SIGXFSZ:
            return f"wrote a file larger than {limits.file_mb} MB"
        return f"your code crashed the Python process ({_signal_name(sig)})"
    tail = errors.decode("utf-8", "replace").strip().splitlines()
    if not loaded and tail:
        return f"the sandbox could not start: {tail[-1]}"
    return f"your code ended the Python process (exit status {status})"


_DEFAULT: Sandbox | None = None
_DEFAULT_LOCK = threading.Lock()


def default_sandbox() -> Sandbox:
    """The process-wide sandbox (one spare child kept warm)."""
    global _DEFAULT
    with _DEFAULT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = Sandbox()
        return _DEFAULT


def run_function(source: str, function: str, cases: list[list[object]],
                 limits: Limits | None = None) -> Run:
    """Run ``function`` from ``source`` on each case in the default sandbox."""
    return default_sandbox().run(source, function, cases, limits)
