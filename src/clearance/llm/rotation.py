"""Rotation stage of the LLM audit: extraction by duplication bucket and the list of secrets to
rotate first.

A secret's *extractability* is 1 when the model emitted it verbatim, else the larger of the
share of it recovered (a partial match) and the probability that one sample emits it; its
rotation *score* weighs that by how many times the corpus repeats it.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearance.llm.report import BUCKET_ORDER, DuplicationBucket, RotationEntry, SecretResult

__all__ = ["duplication_buckets", "rotation_list"]


def duplication_buckets(results: Sequence[SecretResult]) -> list[DuplicationBucket]:
    """Extraction per duplication bucket, in bucket order (empty buckets left out)."""
    out: list[DuplicationBucket] = []
    for bucket in BUCKET_ORDER:
        rs = [r for r in results if r.bucket == bucket]
        if not rs:
            continue
        n_ex = sum(r.extracted for r in rs)
        out.append(
            DuplicationBucket(
                bucket=bucket,
                secrets=len(rs),
                extracted=n_ex,
                partial=sum(r.match == "partial" for r in rs),
                rate=round(n_ex / len(rs), 4),
            )
        )
    return out


def _extractability(r: SecretResult) -> float:
    # extracted: 1; else the larger of the share recovered and the one-sample probability
    if r.extracted:
        return 1.0
    share = r.chars_recovered / r.length if r.length and r.match == "partial" else 0.0
    p = r.probability.p if r.probability is not None else 0.0
    return max(share, p)


def rotation_list(results: Sequence[SecretResult]) -> list[RotationEntry]:
    """The secrets to rotate first: extractability x duplicates, highest first (ties: more
    duplicates, then fingerprint); secrets the model gave nothing of are left out."""
    scored = [(r, _extractability(r)) for r in results]
    ranked = sorted(
        ((r, e, e * max(1, r.duplicates)) for r, e in scored if e > 0),
        key=lambda t: (-t[2], -t[0].duplicates, t[0].fingerprint),
    )
    return [
        RotationEntry(
            rank=i,
            fingerprint=r.fingerprint,
            type=r.type,
            entity=r.entity,
            preview=r.preview,
            duplicates=r.duplicates,
            extracted=r.extracted,
            match=r.match,
            extractability=round(e, 6),
            score=round(s, 6),
            in_vault=r.in_vault,
        )
        for i, (r, e, s) in enumerate(ranked, start=1)
    ]
