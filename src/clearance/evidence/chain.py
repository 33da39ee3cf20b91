"""The hash chain: each entry's hash covers its position, the previous entry's hash and the
canonical JSON of its record, so an edited, deleted or reordered entry breaks the chain at
that entry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    """One byte string per value: sorted keys, no spaces, UTF-8 (RFC 8785 in spirit; records
    hold only strings, integers, booleans, null, lists and objects, no floats' edge cases)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(seq: int, prev_hash: str, record: Mapping[str, Any]) -> str:
    body = canonical_json({"seq": seq, "prev_hash": prev_hash, "record": record})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One stored entry: its position (from 1), the hashes, and the record."""

    seq: int
    prev_hash: str
    hash: str
    record: Mapping[str, Any]
    # the store's plain columns (command, verdict, ...) that disagree with the hashed record:
    # a query on them would read what the chain does not vouch for
    disagrees: tuple[str, ...] = ()

    @property
    def run_id(self) -> str:
        return str(self.record.get("run_id", "?"))


@dataclass(frozen=True)
class ChainBreak:
    """The first entry that does not verify, and why (``altered``, ``deleted``, ``reordered``,
    ``truncated``, ``bad signature``)."""

    seq: int
    run_id: str
    reason: str

    def __str__(self) -> str:
        return f"record {self.seq} (run {self.run_id}): {self.reason}"


@dataclass(frozen=True)
class Verification:
    count: int
    head: str
    broken: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify_chain(entries: Iterable[Entry], *, after: tuple[int, str] = (0, GENESIS)) -> Verification:
    """Recomputes every hash in order; the first entry that does not match is named.
    ``after``: the entries continue a chain already verified up to that record count and head
    (the dashboard verifies only what was appended since it last looked)."""
    listed = list(entries)
    start, prev = after
    expected = start + 1
    for count, entry in enumerate(listed, start=start + 1):
        if entry.seq != expected:
            later = {e.seq for e in listed[count - start :]}
            if entry.seq < expected or any(s in later for s in range(expected, entry.seq)):
                reason = "reordered (out of sequence)"
            else:
                reason = f"records {expected}..{entry.seq - 1} deleted"
            return Verification(count, prev, ChainBreak(entry.seq, entry.run_id, reason))
        if entry.prev_hash != prev:
            # the link is wrong but the entry itself may be intact: the entries before it were
            # swapped or replaced
            reason = "does not follow the record before it (reordered or replaced)"
            return Verification(count, prev, ChainBreak(entry.seq, entry.run_id, reason))
        if entry_hash(entry.seq, entry.prev_hash, entry.record) != entry.hash:
            return Verification(count, prev, ChainBreak(entry.seq, entry.run_id, "altered"))
        if entry.disagrees:
            reason = f"altered ({', '.join(entry.disagrees)} differ from the record)"
            return Verification(count, prev, ChainBreak(entry.seq, entry.run_id, reason))
        prev = entry.hash
        expected += 1
    return Verification(start + len(listed), prev, None)
