"""The sandbox's child process: runs a learner's function on JSON cases, one report line each.

Started by :mod:`trainer.coderun.sandbox` as ``python -I _child.py`` in a fresh
temporary folder. It imports numpy, then waits for one job on stdin (so a spare
child can be started ahead and be warm), locks itself down and runs the job.
Only the standard library is imported here: the parent also imports this file
for :func:`encode` and :func:`decode`, so both sides share one wire format.
"""

from __future__ import annotations

import json
import math
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType
    from typing import Any

# Modules the learner's own `import` statements may not name, although they are in
# the standard library: they reach the network, start processes or poke at memory.
BLOCKED_IMPORTS = frozenset({
    "socket", "_socket", "ssl", "_ssl", "select", "selectors", "asyncio", "http", "urllib",
    "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "socketserver",
    "subprocess", "_posixsubprocess", "multiprocessing", "_multiprocessing", "concurrent",
    "pty", "ctypes", "_ctypes", "mmap", "signal", "resource", "webbrowser", "trainer",
    "solvers", "dbm", "_dbm", "_gdbm",
})
ALLOWED_EXTRA = frozenset({"numpy"})

_PROCESS_EVENTS = ("os.fork", "os.forkpty", "os.system", "os.exec", "os.posix_spawn",
                   "os.spawn", "subprocess.Popen", "pty.spawn", "os.kill", "os.killpg",
                   "signal.pthread_kill", "os.setuid", "os.setgid", "os.setreuid",
                   "os.setresuid", "os.chroot")
_PATH_EVENTS = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                "os.symlink", "os.link", "os.truncate", "os.utime", "os.setxattr",
                "os.removexattr", "shutil.rmtree", "shutil.copyfile", "shutil.copytree",
                "shutil.move")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

SOURCE_NAME = "<your code>"
FOLDER_PREFIX = "trainer-code-"  # then the trainer's pid, "-" and mkdtemp's letters


class OutputLimit(BaseException):
    """Raised inside the learner's print once the output cap is reached (not an Exception,
    so a bare ``except Exception`` in their code does not swallow it)."""


# ---------------------------------------------------------------- wire format


def encode(value: object) -> object:
    """A returned value as JSON data: arrays keep dtype and shape, tuples stay tuples."""
    np = sys.modules.get("numpy")
    if np is not None:  # first: numpy.float64 is also a float
        if isinstance(value, np.ndarray):
            if value.dtype.kind not in "biuf":
                raise TypeError(f"an array of dtype {value.dtype}")
            return {"$array": value.tolist(), "dtype": str(value.dtype),
                    "shape": list(value.shape)}
        if isinstance(value, np.generic):
            if value.dtype.kind not in "biuf":
                raise TypeError(f"a numpy {value.dtype}")
            return {"$scalar": value.item(), "dtype": str(value.dtype)}
    if value is None or isinstance(value, (bool, str, int, float)):
        return value
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"$dict": {k: encode(v) for k, v in value.items()}}
    raise TypeError(f"a value of type {type(value).__name__}")


class ReportError(ValueError):
    """A report that is not what :func:`encode` writes (forged or garbled)."""


# Decoded arrays: plain numbers only, at most this many in one report line's value.
_DTYPE_KINDS = "biuf"
_MAX_ITEMS = 2**22


def decode(data: object, budget: list[int] | None = None) -> object:
    """The inverse of :func:`encode` (imports numpy only when an array is met).

    The parent reads the child's report with it, and the learner's code can write on the
    report's pipe: an array must be of a plain number dtype (bool, int, float, at most 8
    bytes an item) whose shape matches its items, and a value holds at most ``_MAX_ITEMS``
    numbers; anything else is a :class:`ReportError`.
    """
    if budget is None:
        budget = [_MAX_ITEMS]
    if isinstance(data, list):
        return [decode(v, budget) for v in data]
    if isinstance(data, dict):
        if "$array" in data:
            import numpy as np

            items, shape = data["$array"], data["shape"]
            dtype = np.dtype(_plain_dtype(data["dtype"]))
            if not (isinstance(shape, list) and all(type(n) is int and n >= 0 for n in shape)):
                raise ReportError("an array's shape is not a list of sizes")
            size = math.prod(shape)
            budget[0] -= size
            if budget[0] < 0 or len(shape) > 32:
                raise ReportError("an array is too large")
            arr = np.asarray(items, dtype=dtype)
            if arr.size != size:
                raise ReportError("an array's items do not fit its shape")
            return arr.reshape(shape)
        if "$scalar" in data:
            import numpy as np

            value = data["$scalar"]
            if type(value) not in (bool, int, float):
                raise ReportError("a scalar is not a number")
            return np.dtype(_plain_dtype(data["dtype"])).type(value)
        if "$tuple" in data:
            items = data["$tuple"]
            if not isinstance(items, list):
                raise ReportError("a tuple is not a list of items")
            return tuple(decode(v, budget) for v in items)
        if "$dict" in data:
            items = data["$dict"]
            if not isinstance(items, dict):
                raise ReportError("a dict is not a mapping")
            return {k: decode(v, budget) for k, v in items.items()}
        raise ReportError("an object that is not an encoded value")
    if data is None or type(data) in (bool, int, float, str):
        budget[0] -= 1
        return data
    raise ReportError(f"a value of type {type(data).__name__}")


def _plain_dtype(name: object) -> str:
    """``name`` when it is a plain number dtype (``float64``, ``int32``, ``bool``…)."""
    import numpy as np

    if not isinstance(name, str) or len(name) > 16:
        raise ReportError("a dtype that is not a name")
    try:
        dtype = np.dtype(name)
    except TypeError:
        raise ReportError(f"an unknown dtype {name!r}") from None
    if dtype.kind not in _DTYPE_KINDS or dtype.itemsize > 8 or dtype.fields is not None:
        raise ReportError(f"the dtype {name!r} is not a plain number type")
    return name


def same(a: object, b: object) -> bool:
    """Exact equality of two decoded values (arrays element by element, NaN equal to NaN)."""
    np = sys.modules.get("numpy")
    if np is not None and (isinstance(a, np.ndarray) or isinstance(b, np.ndarray)):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        return a.shape == b.shape and a.dtype == b.dtype and bool(
            np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(
            same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


# ------------------------------------------------------------------ lock-down


def _inside(path: object, root: str) -> bool:
    if isinstance(path, int):
        return True  # an already open descriptor: opened under these same rules
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    try:
        full = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return full == root or full.startswith(root + os.sep)


def _is_folder(path: object) -> bool:
    try:
        return os.path.isdir(os.fsdecode(path))  # type: ignore[arg-type]
    except (TypeError, ValueError, OSError):
        return False


def _limit_resources(job: dict[str, Any]) -> None:
    import resource

    def cap(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        try:
            resource.setrlimit(which, (value, value if which != resource.RLIMIT_CPU
                                       else value + 1))
        except (ValueError, OSError):
            pass  # best effort: a platform without this limit keeps the others

    used = resource.getrusage(resource.RUSAGE_SELF)
    cpu = math.ceil(used.ru_utime + used.ru_stime + job["cpu_s"])
    cap(resource.RLIMIT_CPU, cpu)
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, int(job["file_mb"] * 2**20))
    cap(resource.RLIMIT_NOFILE, 64)
    try:
        with open("/proc/self/statm") as f:
            mapped = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 256 * 2**20
    cap(resource.RLIMIT_AS, mapped + int(job["memory_mb"] * 2**20))
    # Root is exempt from RLIMIT_NPROC, so for root only the audit hook refuses fork.
    # Becoming `nobody` would make the limit hold, but then the standard library can
    # be unreadable (a Python installed under /root): the child stays who it is.
    if hasattr(resource, "RLIMIT_NPROC"):
        cap(resource.RLIMIT_NPROC, 0)


def _install_guards(root: str, learner_module: str, max_writes: int) -> None:
    import builtins

    stdlib = set(sys.stdlib_module_names)
    writes = [0]  # files opened for writing so far: each may grow to RLIMIT_FSIZE

    def audit(event: str, args: tuple[object, ...]) -> None:
        if event.startswith("socket."):
            raise PermissionError("network access is not allowed here")
        if event.startswith(_PROCESS_EVENTS) or event.startswith("ctypes."):
            raise PermissionError(f"{event} is not allowed here: your function runs alone")
        if event == "open":
            path, mode, flags = args
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing and path is not None and not isinstance(path, int):
                if not _inside(path, root):
                    raise PermissionError(f"writing to {path!r} is not allowed: only the "
                                          "temporary working folder is writable")
                writes[0] += 1
                if writes[0] > max_writes:
                    raise PermissionError(f"opening more than {max_writes} files for "
                                          "writing is not allowed here")
            elif path is not None and not _inside(path, root) and _is_folder(path):
                # a folder's descriptor outside would take writes there (dir_fd=)
                raise PermissionError(f"opening the folder {path!r} is not allowed here")
        elif event == "os.chdir":
            # relative paths are checked from the working folder: it stays the same
            raise PermissionError("changing the working folder is not allowed here")
        elif event == "resource.setrlimit" or (event == "resource.prlimit"
                                               and len(args) > 2 and args[2] is not None):
            raise PermissionError("the sandbox's limits cannot be changed here")
        elif event == "sqlite3.connect":
            # SQLite opens its files itself (no "open" event): in memory only
            if args and args[0] not in (":memory:", "", b":memory:", b""):
                raise PermissionError("sqlite3 may only open an in-memory database here")
        elif event in _PATH_EVENTS:
            for p in args:
                if isinstance(p, (str, bytes, os.PathLike)) and not _inside(p, root):
                    raise PermissionError(f"{event} on {p!r} is not allowed: only the "
                                          "temporary working folder may be changed")
        elif event == "import" and args and isinstance(args[0], str):
            top = args[0].partition(".")[0]
            if top in BLOCKED_IMPORTS and args[0] not in sys.modules:
                raise ImportError(f"import {args[0]} is not allowed here")

    sys.addaudithook(audit)
    real_import = builtins.__import__

    def guarded_import(name: str, globals: Mapping[str, object] | None = None,  # noqa: A002
                       locals: Mapping[str, object] | None = None,  # noqa: A002
                       fromlist: Sequence[str] | None = (), level: int = 0) -> ModuleType:
        # Only the learner's own import statements are checked: numpy and the standard
        # library import what they need for themselves.
        if globals is not None and globals.get("__name__") == learner_module and level == 0:
            top = name.partition(".")[0]
            if top in BLOCKED_IMPORTS:
                raise ImportError(f"import {name} is not allowed here: your function may use "
                                  "numpy, math and the standard library, without network, "
                                  "processes or ctypes")
            if top not in stdlib and top not in ALLOWED_EXTRA:
                raise ImportError(f"import {name}: only numpy, math and the standard library "
                                  "are available here")
        return real_import(name, globals, locals, fromlist, level)

    builtins.__import__ = guarded_import


class _CappedOutput:
    """What the learner prints: kept up to a cap, then OutputLimit."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        if self.size + len(text) > self.cap:
            room = max(0, self.cap - self.size)
            self.parts.append(text[:room])
            self.size = self.cap
            raise OutputLimit()
        self.parts.append(text)
        self.size += len(text)
        return len(text)

    def flush(self) -> None:
        pass

    def take(self) -> str:
        out = "".join(self.parts)
        self.parts.clear()
        return out


# ------------------------------------------------------------------- running


def _outcome(i: int, value: object, args: list[object], kept: list[object],
             printed: str) -> str:
    """Case ``i``'s report line for a returned ``value``: what the function returned and
    which arguments it changed, or why that cannot be reported."""
    try:
        mutated = [k for k, (a, b) in enumerate(zip(args, kept, strict=True))
                   if not same(a, b)]
        return json.dumps({"case": i, "value": encode(value), "mutated": mutated,
                           "printed": printed})
    except TypeError as exc:
        why = f"returned {exc}, which is not a number, an array or a tuple"
        error = {"error": "TypeError", "message": why}
    except RecursionError:
        error = {"error": "RecursionError",
                 "message": "returned a value nested too deeply to be read back"}
    except MemoryError:
        error = {"error": "MemoryError", "message": ""}
    except Exception as exc:  # noqa: BLE001 - an int too long for json, a failing method
        error = {"error": type(exc).__name__,
                 "message": f"returned a value that could not be read back: {_message(exc)}"}
    return json.dumps({"case": i, **error, "line": None, "printed": printed})


def _message(exc: BaseException) -> str:
    try:
        return str(exc)[:500]
    except BaseException:  # noqa: BLE001 - the learner's own __str__ failed
        return "(its message could not be shown)"


def _error(exc: BaseException, cap: int) -> dict[str, object]:
    """What went wrong, at which line of the learner's code."""
    import traceback

    line = None
    if isinstance(exc, SyntaxError) and exc.filename == SOURCE_NAME:
        line = exc.lineno
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == SOURCE_NAME:
            line = frame.lineno
    if isinstance(exc, OutputLimit):
        return {"error": "OutputLimit", "message": f"printed more than {cap // 1024} KB",
                "line": line}
    return {"error": type(exc).__name__, "message": _message(exc), "line": line}


def sweep(parent: str) -> None:
    """Remove the folders that children of dead trainers left in ``parent`` (a trainer
    killed while its child ran): ``trainer-code-<pid>-…``, this user's, pid not running,
    unchanged for ten minutes (a trainer in another pid namespace may share the folder)."""
    import shutil
    import time

    try:
        names = os.listdir(parent)
    except OSError:
        return
    for name in names:
        pid, dash, _ = name[len(FOLDER_PREFIX):].partition("-")
        if not (name.startswith(FOLDER_PREFIX) and dash and pid.isdigit()):
            continue
        try:
            os.kill(int(pid), 0)
            continue  # its trainer is running
        except PermissionError:
            continue  # another user's process
        except (ProcessLookupError, OverflowError):
            pass
        path = os.path.join(parent, name)
        try:
            info = os.lstat(path)
            if info.st_uid == os.getuid() and time.time() - info.st_mtime > 600:
                shutil.rmtree(path, ignore_errors=True)
        except OSError:
            pass


def main() -> None:
    import copy
    import traceback  # noqa: F401 - for _error, loaded before the limits

    import numpy  # noqa: F401 - imported before the job arrives: a spare child is warm

    report = os.fdopen(os.dup(1), "w", encoding="utf-8")
    sweep(os.path.dirname(os.path.realpath(os.getcwd())))  # while the child waits anyway
    line = sys.stdin.readline()
    if not line:  # a spare child whose trainer has gone: leave nothing behind
        import shutil

        shutil.rmtree(os.getcwd(), ignore_errors=True)
        return
    job = json.loads(line)
    # A backstop for a trainer that died without killing this process (its wall clock
    # is gone): SIGALRM's default action ends the process a little after that clock.
    import signal

    signal.alarm(math.ceil(job["wall_s"]) + 2)
    root = os.path.realpath(os.getcwd())
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # the learner's raw writes go nowhere; reports use `report`
        os.dup2(devnull, fd)
    _limit_resources(job)
    module = "solution"
    _install_guards(root, module, int(job["write_files"]))
    out = _CappedOutput(int(job["output_kb"] * 1024))
    sys.stdout = sys.stderr = out

    def send(message: dict[str, object] | str) -> None:
        report.write((message if isinstance(message, str) else json.dumps(message)) + "\n")
        report.flush()

    namespace: dict[str, object] = {"__name__": module, "__builtins__": __builtins__}
    try:
        code = compile(job["source"], SOURCE_NAME, "exec")
        exec(code, namespace)  # noqa: S102 - the learner's own code, in this sandbox only
    except BaseException as exc:  # noqa: BLE001 - reported, never raised
        send({"load": _error(exc, out.cap), "printed": out.take()})
        return
    func = namespace.get(job["function"])
    if not callable(func):
        send({"load": {"error": "NameError",
                       "message": f"no function named {job['function']!r} is defined",
                       "line": None}, "printed": out.take()})
        return
    send({"load": None, "printed": out.take()})
    for i, case in enumerate(job["cases"]):
        args = [decode(a) for a in case]
        kept = copy.deepcopy(args)
        try:
            value = func(*args)
        except BaseException as exc:  # noqa: BLE001 - reported, never raised
            send({"case": i, **_error(exc, out.cap), "printed": out.take()})
            continue
        send(_outcome(i, value, args, kept, out.take()))


if __name__ == "__main__":
    _leave = os._exit  # kept before the learner's code can replace it
    status = 0
    try:
        main()
    except BaseException:  # noqa: BLE001 - before the lock-down, the parent shows its end
        status = 1
        try:
            import traceback

            traceback.print_exc()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001, S110 - the learner's stderr: nothing to add
            pass
    # The run is over: leave now, without the atexit hooks or the joins of threads that
    # the learner's code may have left (they would hold the report's pipe open).
    _leave(status)
