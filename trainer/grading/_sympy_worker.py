"""sympy's second opinion, in a long-lived worker process.

A thread can not interrupt sympy (``simplify`` may run for a minute and
``10**10**10`` forever), so the check runs in a separate process that is
started once, kept warm, and killed at the deadline; it is restarted after a
kill.  Requests and replies are small picklable objects (expression trees and
domains), never text for sympy to parse.
"""

from __future__ import annotations

import atexit
import math
import sys
import threading
import time
from typing import Any

__all__ = ["SympyWorker", "check_equal", "get_worker"]


def _sym_env(domains: dict[str, Any]) -> dict[str, Any] | None:
    import sympy

    env: dict[str, Any] = {}
    for name, d in domains.items():
        if d.is_matrix:
            return None
        kw: dict[str, bool] = {"real": True}
        if d.is_integer:
            kw["integer"] = True
        lo, hi = d.lo, d.hi
        if d.is_integer or (math.isinf(lo) and math.isinf(hi)):
            if lo > 0 or (lo == 0 and d.lo_open):
                kw["positive"] = True
            elif lo == 0:
                kw["nonnegative"] = True
            elif hi < 0 or (hi == 0 and d.hi_open):
                kw["negative"] = True
            env[name] = sympy.Symbol(name, **kw)
            continue
        # real intervals: write the symbol through a positive parameter q so that
        # sympy knows both bounds, e.g. p = q/(1+q) lies in (0, 1).
        q = sympy.Symbol(name + "_q", positive=True)
        if math.isfinite(lo) and math.isfinite(hi):
            lo_s, hi_s = sympy.nsimplify(lo), sympy.nsimplify(hi)
            env[name] = lo_s + (hi_s - lo_s) * q / (1 + q)
        elif math.isfinite(lo):
            env[name] = q if lo == 0 else sympy.nsimplify(lo) + q
        else:
            env[name] = sympy.nsimplify(hi) - q
    return env


def check_equal(expected: Any, answer: Any, domains: dict[str, Any]) -> tuple[str, str]:
    """("equal" | "different" | "unknown", reason).  Runs sympy in-process."""
    import sympy

    from trainer.grading.expr import to_sympy

    env = _sym_env(domains)
    if env is None:
        return ("unknown", "matrix expressions are decided by sampling only")
    e = to_sympy(expected, env)
    a = to_sympy(answer, env)
    d = sympy.simplify(a - e)  # type: ignore[operator]
    if d == 0:
        return ("equal", "")
    d2 = sympy.simplify(sympy.expand_log(sympy.expand(d), force=False))
    if d2 == 0:
        return ("equal", "")
    r = d2.equals(0)
    if r is True:
        return ("equal", "")
    if r is False:
        return ("different", "sympy finds them different")
    return ("unknown", "sympy could not decide")


def _worker_main(conn: Any) -> None:  # pragma: no cover - runs in the child
    try:
        import sympy

        x = sympy.Symbol("x", positive=True)
        sympy.simplify(sympy.log(x * x) - 2 * sympy.log(x))
        conn.send(("ready", ""))
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return
            if msg is None:
                return
            try:
                result = check_equal(*msg)
            except Exception as exc:  # noqa: BLE001 - any failure is "unknown"
                result = ("unknown", f"sympy failed: {type(exc).__name__}")
            conn.send(result)
    except KeyboardInterrupt:
        return


class SympyWorker:
    """A warm worker process; :meth:`call` is bounded in time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: Any = None
        self._conn: Any = None
        self._ready = False
        self.kills = 0

    def start(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child,), daemon=True,
                           name="trainer-sympy")
        # Keep the child from re-running the parent's __main__ (a TUI script,
        # <stdin>, ...): it only needs this module.
        main = sys.modules.get("__main__")
        saved = {k: getattr(main, k) for k in ("__file__", "__spec__") if hasattr(main, k)}
        try:
            if main is not None:
                if "__file__" in saved:
                    del main.__file__
                main.__spec__ = None
            proc.start()
        finally:
            if main is not None:
                for k, v in saved.items():
                    setattr(main, k, v)
                if "__spec__" not in saved:
                    del main.__spec__
        child.close()
        self._proc, self._conn, self._ready = proc, parent, False

    def alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    def _wait_ready(self, deadline: float) -> bool:
        if self._ready:
            return True
        remaining = deadline - time.monotonic()
        if remaining > 0 and self._conn.poll(remaining):
            try:
                msg = self._conn.recv()
            except (EOFError, OSError):
                return False
            self._ready = msg[0] == "ready"
        return self._ready

    def warm_up(self, timeout: float = 30.0) -> bool:
        with self._lock:
            if not self.alive():
                self._discard()
                self.start()
            return self._wait_ready(time.monotonic() + timeout)

    def call(self, payload: tuple[object, ...], timeout: float) -> tuple[str, str]:
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._lock:
            if not self.alive():
                self._discard()
                self.start()
            if not self._wait_ready(deadline):
                return ("unknown", "sympy is still loading")
            try:
                self._conn.send(payload)
            except (OSError, ValueError):
                self._restart()
                return ("unknown", "sympy worker failed")
            remaining = deadline - time.monotonic()
            if remaining > 0 and self._conn.poll(remaining):
                try:
                    reply: tuple[str, str] = self._conn.recv()  # (verdict, detail)
                    return reply
                except (EOFError, OSError):
                    self._restart()
                    return ("unknown", "sympy worker failed")
            self.kills += 1
            self._restart()
            return ("unknown", "sympy ran out of time")

    def _discard(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        self._ready = False
        if proc is not None:
            if proc.is_alive():
                proc.kill()
            proc.join(2)
            proc.close()
        if conn is not None:
            conn.close()

    def _restart(self) -> None:
        self._discard()
        self.start()

    def shutdown(self) -> None:
        with self._lock:
            if self._conn is not None and self.alive():
                try:
                    self._conn.send(None)
                except (OSError, ValueError):
                    pass
                self._proc.join(0.5)
            self._discard()


_WORKER: SympyWorker | None = None


def get_worker() -> SympyWorker:
    global _WORKER
    if _WORKER is None:
        _WORKER = SympyWorker()
        atexit.register(_WORKER.shutdown)
    return _WORKER
