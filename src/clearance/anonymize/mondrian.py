"""Mondrian multidimensional partitioning (LeFevre, DeWitt and Ramakrishnan, ICDE 2006), strict.

A partition is split on the quasi-identifier with the widest normalised range, at the median of
its values (records ``<= median`` left, the rest right); a split is allowed only when both halves
keep at least ``k`` records (and, when asked, ``l`` distinct sensitive values). When the widest
dimension cannot be split, the next widest is tried; a partition no dimension splits is final.

The recursion runs level by level over every open partition at once (sorts, ``reduceat`` and
``bincount`` over whole arrays, never a Python loop over partitions or records), so a million
records take about twenty passes of array work. Ties: when the median equals the largest value
the split ``< median`` is tried as well and the more balanced allowed one is taken; dimensions of
equal width are taken in column order, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

_TINY = 1e-12  # two different codes at the same position (a null and the smallest value) differ


def _diverse(
    local: Codes, left: Flags, sensitive: Codes, n_sensitive: int, parts: int, l_min: int
) -> Flags:
    """Per partition: both halves hold at least ``l_min`` distinct sensitive values."""
    child = local * 2 + (~left).astype(np.int64)
    pairs = np.unique(child * n_sensitive + sensitive)
    distinct = np.bincount(pairs // n_sensitive, minlength=2 * parts)
    ok: Flags = (distinct[0::2] >= l_min) & (distinct[1::2] >= l_min)
    return ok


def partition(
    codes: Sequence[Codes],
    positions: Sequence[Floats],
    k: int,
    *,
    sensitive: Codes | None = None,
    l_min: int = 1,
    progress: Callable[[int], None] | None = None,
) -> Codes:
    """The partition of each record (``0 .. partitions-1``, in order of first split)."""
    n = len(codes[0]) if codes else 0
    d = len(codes)
    table = np.stack(codes, axis=1) if d else np.zeros((n, 0), dtype=np.int64)
    width = int(table.max()) + 2 if n else 1
    n_sens = int(sensitive.max()) + 1 if sensitive is not None and n else 1
    pid = np.zeros(n, dtype=np.int64)
    next_id = 1
    work = np.arange(n, dtype=np.int64)
    while len(work):
        order = np.argsort(pid[work], kind="stable")
        work = work[order]
        p = pid[work]
        starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
        counts = np.diff(np.r_[starts, len(p)])
        parts = len(starts)
        local = np.repeat(np.arange(parts, dtype=np.int64), counts)
        spread = np.empty((parts, d))
        for j in range(d):
            col = table[work, j]
            lo, hi = np.minimum.reduceat(col, starts), np.maximum.reduceat(col, starts)
            spread[:, j] = positions[j][hi] - positions[j][lo] + (hi != lo) * _TINY
        ranking = np.argsort(-spread, axis=1, kind="stable")
        open_ = counts >= 2 * k
        split = np.zeros(parts, dtype=bool)
        goes_left = np.zeros(len(work), dtype=bool)
        for attempt in range(d):
            dim = ranking[:, attempt]
            cand = open_ & ~split & (spread[np.arange(parts), dim] > 0)
            if not cand.any():
                break
            idx = np.flatnonzero(cand[local])
            loc = local[idx]
            v = table[work[idx], dim[loc]]
            ordered = np.sort(loc * width + v) % width  # v in (partition, value) order
            sizes = counts[cand]
            first = np.r_[0, np.cumsum(sizes)[:-1]]
            median = np.zeros(parts, dtype=np.int64)
            median[cand] = ordered[first + (sizes - 1) // 2]
            m = median[loc]
            best = np.zeros(parts, dtype=bool)
            chosen = np.zeros(len(idx), dtype=bool)
            balance = np.full(parts, -1, dtype=np.int64)
            for left in (v <= m, v < m):
                n_left = np.bincount(loc, weights=left, minlength=parts).astype(np.int64)
                ok = cand & (n_left >= k) & (counts - n_left >= k)
                if sensitive is not None and l_min > 1 and ok.any():
                    ok &= _diverse(loc, left, sensitive[work[idx]], n_sens, parts, l_min)
                bal = np.minimum(n_left, counts - n_left)
                better = ok & (bal > balance)
                balance = np.where(better, bal, balance)
                take = better[loc]
                chosen = np.where(take, left, chosen)
                best |= better
            goes_left[idx] = np.where(best[loc], chosen, goes_left[idx])
            split |= best
        moved = split[local]
        rank = np.cumsum(split) - 1
        pid[work[moved]] = next_id + 2 * rank[local[moved]] + (~goes_left[moved]).astype(np.int64)
        next_id += 2 * int(split.sum())
        if progress is not None:
            progress(int((~moved).sum()))
        work = work[moved]
    _, dense = np.unique(pid, return_inverse=True)
    result: Codes = dense.astype(np.int64)
    return result
