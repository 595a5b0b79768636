"""Reading a user's file safely: regular files only, never more than a bound, never blocking."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class UnreadableFile(Exception):
    """The file was not read; the message says why, for a notice beside its path."""


_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def read_bounded_text(path: Path, limit: int) -> str:
    """The UTF-8 text of the regular file at `path`, read at most `limit` + 1 bytes
    (`read_bounded_bytes`), with its line ends as text mode reads them."""
    return bounded_text(read_bounded_bytes(path, limit))


def bounded_text(data: bytes) -> str:
    """The text of bytes `read_bounded_bytes` gave, as `read_bounded_text` returns it."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text: {exc.reason}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")  # as text mode reads it


def read_bounded_bytes(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, read at most `limit` + 1 bytes.

    A FIFO, a device (a symlink to /dev/zero) or a socket is refused without reading
    it: the size a stat reports says nothing about what such a file yields, and opening
    a FIFO for reading would wait for a writer. So the file is opened without blocking,
    checked on the open descriptor (no race with a swap), and read with a bound of its own.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            raise UnreadableFile(f"skipped: {kind}, not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise UnreadableFile(f"larger than {limit // 1_000_000} MB" if limit >= 1_000_000
                             else f"larger than {limit} bytes")
    return b"".join(chunks)
