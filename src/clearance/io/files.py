"""What kind of file system entry an input path is, before anything opens it.

Opening a FIFO blocks until a writer comes (forever, in a scan of a folder), and a device such as
``/dev/zero`` or ``/dev/urandom`` never ends: reading either as a file hangs the command or
exhausts memory. Every reader of a user-given input asks :func:`not_regular` first and skips or
refuses the path with the reason, instead of calling it missing or opening it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def not_regular(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as a file, without opening it: ``"no such file"``, ``"a
    broken symbolic link"``, ``"a FIFO (named pipe), not a regular file"``, a device, a socket,
    a folder; ``None`` for a regular file (a symbolic link to one included)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return "a broken symbolic link" if os.path.islink(path) else "no such file"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symbolic link loop"
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    if stat.S_ISREG(st.st_mode):
        return None
    for test, kind in _KINDS:
        if test(st.st_mode):
            return f"{kind}, not a regular file; not read"
    return "not a regular file; not read"


_UNDECODED = re.compile("[\udc80-\udcff]")


def shown_path(path: str | Path) -> str:
    """``path`` as text a report can hold: a file name of bytes that are not UTF-8 decodes to
    lone surrogates (``\\udcff``), which no UTF-8 file can store; each is written as the byte
    it stands for (``bad\\xff.txt``), like the control characters of names from data."""
    return _UNDECODED.sub(lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", str(path))


__all__ = ["not_regular", "shown_path"]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MiB blocks (manifests, records, ledgers)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
