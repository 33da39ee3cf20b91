"""Compiled Hyperscan databases kept on disk between processes (:mod:`clearance.detection.
multigate`).

Compiling the gate of the built-in detectors costs tens of seconds of CPU (the large lexicons);
loading it back costs milliseconds. A database is stored under a SHA-256 of everything that
determines it (the Hyperscan version, the platform, every expression with its flags and id:
:func:`key`), in ``$CLEARANCE_HYPERSCAN_CACHE`` when set to a folder, else
``$XDG_CACHE_HOME/clearance/hyperscan`` (default ``~/.cache/clearance/hyperscan``);
``CLEARANCE_HYPERSCAN_CACHE=off`` turns it off. Files are written atomically. The cache is only
an optimisation: a file that cannot be read, is cut short or corrupt, or was written by another
Hyperscan build is ignored (the database is compiled again and the file replaced), and a folder
that cannot be written (a read-only home) leaves every process compiling its own.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from clearance.errors import ClearanceError
from clearance.io.outputs import write_atomic

log = logging.getLogger(__name__)

ENV = "CLEARANCE_HYPERSCAN_CACHE"
# Each file: this line, the SHA-256 of the rest (hex) and a newline, then the payload.
_MAGIC = b"clearance-hyperscan-1\n"
_DIGEST_HEX = 64


def folder() -> Path | None:
    """Where databases are kept, or ``None`` when the cache is off."""
    env = os.environ.get(ENV, "").strip()
    if env.lower() == "off":
        return None
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "clearance" / "hyperscan"


def key(parts: list[bytes]) -> str:
    """The file name of what ``parts`` (each a length-prefixed field, so no two lists share a
    key) compile to."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def load(name: str) -> bytes | None:
    """The payload stored under ``name``, or ``None`` (none, off, unreadable or corrupt)."""
    where = folder()
    if where is None:
        return None
    try:
        data = (where / f"{name}.hsdb").read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + _DIGEST_HEX + 1
    if not data.startswith(_MAGIC) or len(data) < head:
        log.debug("Hyperscan cache file %s ignored (not ours)", name)
        return None
    payload = data[head:]
    if hashlib.sha256(payload).hexdigest().encode("ascii") != data[len(_MAGIC) : head - 1]:
        log.debug("Hyperscan cache file %s ignored (corrupt)", name)
        return None
    return payload


def store(name: str, payload: bytes) -> None:
    """Keeps ``payload`` under ``name`` (atomically); a folder that cannot be written is
    skipped, never an error."""
    where = folder()
    if where is None:
        return
    digest = hashlib.sha256(payload).hexdigest().encode("ascii")
    try:
        where.mkdir(parents=True, exist_ok=True)
        write_atomic(where / f"{name}.hsdb", _MAGIC + digest + b"\n" + payload)
    except (OSError, ClearanceError) as exc:
        log.debug("Hyperscan cache not written (%s)", type(exc).__name__)
