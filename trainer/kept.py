"""A value kept in a small file beside what it was made from, so that a start need not make
it again: read back while that source is unchanged, made and written anew otherwise."""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any


def kept(path: Path, source: Any, make: Callable[[], Any]) -> Any:
    """`make()`'s value for `source`, from the note at `path` when it was written for an equal
    `source`; else made and the note written (atomically; a value that marshal can not
    write, or a folder that can not be written, only means it is made again next time).
    The value comes back as marshal gives it: tuples stay tuples, lists lists."""
    try:
        seen, value = marshal.loads(path.read_bytes())
        if seen == source:
            return value
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps((source, value)))
        tmp.replace(path)
    except (OSError, ValueError):
        pass
    return value
