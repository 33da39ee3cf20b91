"""Verifies a chain together with its latest signed checkpoint (the store's or a bundle's)."""

from __future__ import annotations

from collections.abc import Sequence

from clearance.evidence.chain import ChainBreak, Entry, Verification, verify_chain
from clearance.evidence.signing import Checkpoint, signature_valid


def verify_entries(
    entries: Sequence[Entry], checkpoint: Checkpoint | None, *, public_key: str | None = None
) -> Verification:
    """The chain's own check, then the checkpoint's: a valid signature (by ``public_key`` when
    the auditor pins one) over a head the chain still holds at that position."""
    result = verify_chain(entries)
    if not result.intact:
        return result
    if checkpoint is None:
        if public_key is not None:  # the signed line removed, perhaps with the records it signed
            return _broken(
                result, len(entries), _run(entries, len(entries)), "no signed checkpoint"
            )
        return result
    if public_key is not None and checkpoint.public_key != public_key.lower():
        seq = checkpoint.seq
        return _broken(result, seq, _run(entries, seq), "checkpoint signed by another key")
    if not signature_valid(checkpoint):
        seq = checkpoint.seq
        return _broken(result, seq, _run(entries, seq), "checkpoint signature invalid")
    if checkpoint.seq > len(entries):
        return _broken(
            result,
            len(entries) + 1,
            "?",
            f"records {len(entries) + 1}..{checkpoint.seq} deleted (signed checkpoint at {checkpoint.seq})",
        )
    if checkpoint.seq >= 1:
        entry = entries[checkpoint.seq - 1]
        if entry.hash != checkpoint.head:
            return _broken(result, entry.seq, entry.run_id, "does not match the signed checkpoint")
    return result


def _run(entries: Sequence[Entry], seq: int) -> str:
    return entries[seq - 1].run_id if 1 <= seq <= len(entries) else "?"


def _broken(result: Verification, seq: int, run_id: str, reason: str) -> Verification:
    return Verification(result.count, result.head, ChainBreak(seq, run_id, reason))
