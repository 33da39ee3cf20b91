"""The privacy-budget ledger of ``clearance dp``: every release ever made, per dataset.

A JSON file of entries (dataset name and content hash, release name and hash, epsilon, delta,
UTC time, the output file's hash). What a dataset has spent is the sum over its entries, never a
stored total. Each entry carries the hash of the one before it and its own (a hash chain): an
edited, reordered or deleted entry breaks the chain, and the ledger is then refused as corrupt,
never reset. The chain is unkeyed: it catches mistakes and careless edits, not someone who
recomputes the hashes; keep the ledger where only the release officer can write.

Two runs on one ledger are serialized by an exclusive lock (``fcntl.flock``) on a sidecar
``LEDGER.lock`` held from reading the ledger to writing it, so both cannot spend the same budget.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError
from clearance.io.files import not_regular
from clearance.io.outputs import write_atomic

GENESIS = "0" * 64
MAX_LEDGER_BYTES = 64 << 20


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LedgerEntry(_Model):
    dataset: str
    data_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    release: str
    query_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: str
    epsilon: float = Field(ge=0, allow_inf_nan=False)
    delta: float = Field(ge=0, le=1)
    budget_epsilon: float = Field(gt=0, allow_inf_nan=False)
    budget_delta: float = Field(ge=0, lt=1)
    time: str
    output_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    prev_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    sha256: str = Field(default=GENESIS, pattern=r"^[0-9a-f]{64}$")

    def digest(self) -> str:
        body = self.model_dump(mode="json", exclude={"sha256"})
        text = json.dumps(body, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def sealed(self) -> LedgerEntry:
        return self.model_copy(update={"sha256": self.digest()})


class Ledger(_Model):
    version: int = Field(default=1, ge=1, le=1)
    entries: list[LedgerEntry] = Field(default_factory=list)

    @property
    def head(self) -> str:
        return self.entries[-1].sha256 if self.entries else GENESIS

    def spent(self, dataset: str, data_sha256: str) -> tuple[float, float]:
        """(epsilon, delta) spent on the dataset: entries under its name, and entries under
        another name on the same content (renaming data does not refill its budget)."""
        mine = [e for e in self.entries if e.dataset == dataset or e.data_sha256 == data_sha256]
        return sum(e.epsilon for e in mine), sum(e.delta for e in mine)

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def read_ledger(path: Path) -> Ledger:
    """The ledger at ``path`` with its chain checked; a missing file is a new, empty ledger
    (its folder must exist). Anything else unreadable or inconsistent is an InputError."""
    where = str(path)
    if not path.parent.is_dir():
        raise InputError(where, f"the ledger's folder {path.parent} does not exist; create it")
    if not path.exists() and not path.is_symlink():
        return Ledger()
    reason = not_regular(path)
    if reason is not None:
        raise InputError(where, f"cannot read the ledger: {reason}")
    try:
        if path.stat().st_size > MAX_LEDGER_BYTES:
            raise InputError(where, "the ledger is larger than 64 MiB; not a ledger")
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(where, f"cannot read the ledger ({exc.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise InputError(where, "the ledger is not valid JSON (corrupt); not reset") from None
    try:
        ledger = Ledger.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError(where, f"corrupt ledger at {key} ({err['msg']}); not reset") from None
    prev = GENESIS
    for number, entry in enumerate(ledger.entries):
        if entry.prev_sha256 != prev or entry.sha256 != entry.digest():
            raise InputError(
                where,
                f"corrupt ledger: entry {number} does not match its hash chain (edited, "
                "reordered or removed); not reset: restore it from a backup",
            )
        prev = entry.sha256
    return ledger


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``'s sidecar ``.lock`` file for the whole read-spend-write."""
    lock = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise InputError(str(lock), f"cannot create the ledger's lock ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def append(path: Path, ledger: Ledger, entries: list[LedgerEntry]) -> Ledger:
    """The ledger with ``entries`` chained on, written atomically to ``path``."""
    chained = list(ledger.entries)
    prev = ledger.head
    for entry in entries:
        sealed = entry.model_copy(update={"prev_sha256": prev}).sealed()
        chained.append(sealed)
        prev = sealed.sha256
    new = Ledger(entries=chained)
    write_atomic(path, new.to_json())
    return new


__all__ = ["Ledger", "LedgerEntry", "append", "locked", "read_ledger"]
