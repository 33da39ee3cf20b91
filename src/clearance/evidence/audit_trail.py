"""Verifies a chain together with its signed checkpoints (every one the store holds, or a
bundle's latest)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from clearance.evidence.chain import ChainBreak, Entry, Verification, verify_chain
from clearance.evidence.signing import Checkpoint, signature_valid


def verify_entries(
    entries: Sequence[Entry],
    checkpoints: Checkpoint | Sequence[Checkpoint] | None,
    *,
    public_key: str | None = None,
) -> Verification:
    """The chain's own check, then each checkpoint's, oldest first: a valid signature over a
    head the chain still holds at that position; the latest one (which vouches for the whole
    chain) signed by ``public_key`` when the auditor pins one. Earlier checkpoints may carry
    an older key: keys are rotated."""
    result = verify_chain(entries)
    if not result.intact:
        return result
    if checkpoints is None:
        listed: list[Checkpoint] = []
    elif isinstance(checkpoints, Checkpoint):
        listed = [checkpoints]
    else:
        listed = sorted(checkpoints, key=lambda c: c.seq)
    if not listed:
        if public_key is not None:  # the signed line removed, perhaps with the records it signed
            return _broken(
                result, len(entries), _run(entries, len(entries)), "no signed checkpoint"
            )
        return result
    latest = listed[-1]
    if public_key is not None and latest.public_key != public_key.lower():
        seq = latest.seq
        return _broken(
            result, seq, _run(entries, seq), f"signed checkpoint {seq}: signed by another key"
        )
    for checkpoint in listed:
        seq = checkpoint.seq
        if not signature_valid(checkpoint):
            return _broken(
                result, seq, _run(entries, seq), f"signed checkpoint {seq}: signature invalid"
            )
    if latest.seq > len(entries):
        return _broken(
            result,
            len(entries) + 1,
            "?",
            f"records {len(entries) + 1}..{latest.seq} deleted (signed checkpoint at {latest.seq})",
        )
    for checkpoint in listed:
        if checkpoint.seq >= 1:
            entry = entries[checkpoint.seq - 1]
            if entry.hash != checkpoint.head:
                return _broken(
                    result,
                    entry.seq,
                    entry.run_id,
                    f"does not match signed checkpoint {checkpoint.seq}",
                )
    return result


def verify_appended(
    entries: Sequence[Entry],
    checkpoints: Sequence[Checkpoint],
    verified: Verification,
    seen: Collection[Checkpoint],
) -> Verification:
    """The chain ``entries`` whose first ``verified.count`` records were verified before (intact,
    ending in ``verified.head``: the caller checked that the store still holds that head at
    that position) with the checkpoints ``seen`` then: only the records appended since are
    hashed and only the checkpoints not seen before are checked. What :func:`verify_entries`
    says of the same chain, at the cost of what changed, so long as the verified records were
    not edited in place without their hashes (only a full verification sees that)."""
    result = verify_chain(entries[verified.count :], after=(verified.count, verified.head))
    if not result.intact:
        return result
    listed = sorted(checkpoints, key=lambda c: c.seq)
    if listed and listed[-1].seq > len(entries):
        latest = listed[-1].seq
        return _broken(
            result,
            len(entries) + 1,
            "?",
            f"records {len(entries) + 1}..{latest} deleted (signed checkpoint at {latest})",
        )
    for checkpoint in listed:
        if checkpoint in seen:
            continue
        seq = checkpoint.seq
        if not signature_valid(checkpoint):
            return _broken(
                result, seq, _run(entries, seq), f"signed checkpoint {seq}: signature invalid"
            )
        if seq >= 1 and entries[seq - 1].hash != checkpoint.head:
            return _broken(
                result, seq, entries[seq - 1].run_id, f"does not match signed checkpoint {seq}"
            )
    return result


def _run(entries: Sequence[Entry], seq: int) -> str:
    return entries[seq - 1].run_id if 1 <= seq <= len(entries) else "?"


def _broken(result: Verification, seq: int, run_id: str, reason: str) -> Verification:
    return Verification(result.count, result.head, ChainBreak(seq, run_id, reason))
