from __future__ import annotations

import numpy as np

from clearance.anonymize.mondrian import partition


def _sizes(pid: np.ndarray) -> list[int]:
    return sorted(np.bincount(pid).tolist())


def test_median_splits_down_to_k() -> None:
    codes = np.arange(20, dtype=np.int64)
    pid = partition([codes], [codes / 19], 5)
    assert _sizes(pid) == [5, 5, 5, 5]
    # each partition is a contiguous run of values
    for p in range(4):
        members = codes[pid == p]
        assert members.max() - members.min() == 4


def test_the_widest_normalised_dimension_is_split_first() -> None:
    rng = np.random.default_rng(1)
    a = rng.permutation(40).astype(np.int64)
    b = rng.integers(0, 2, 40).astype(np.int64)
    pid = partition([a, b], [np.arange(40) / 39, np.array([0.0, 0.01])], 20)
    # one split, on a (b's range is narrow): the halves split a at its median
    assert _sizes(pid) == [20, 20]
    assert a[pid == 0].max() <= a[pid == 1].min() or a[pid == 1].max() <= a[pid == 0].min()


def test_no_split_when_a_half_would_fall_below_k() -> None:
    codes = np.array([0, 0, 0, 0, 0, 0, 0, 0, 1, 1], dtype=np.int64)
    pid = partition([codes], [np.array([0.0, 1.0])], 3)
    assert _sizes(pid) == [10]


def test_l_diversity_blocks_splits_that_leave_a_half_uniform() -> None:
    codes = np.arange(12, dtype=np.int64)
    sensitive = np.array([0] * 6 + [1] * 6, dtype=np.int64)
    assert _sizes(partition([codes], [codes / 11], 3)) == [3, 3, 3, 3]
    pid = partition([codes], [codes / 11], 3, sensitive=sensitive, l_min=2)
    assert _sizes(pid) == [12]  # every split at the median leaves one sensitive value per half


def test_deterministic_and_every_partition_at_least_k() -> None:
    rng = np.random.default_rng(7)
    cols = [rng.integers(0, n, 5000).astype(np.int64) for n in (80, 2, 900)]
    pos = [np.arange(n) / (n - 1) for n in (80, 2, 900)]
    first = partition(cols, pos, 5)
    assert np.array_equal(first, partition(cols, pos, 5))
    assert min(np.bincount(first)) >= 5
    assert first.max() > 300  # it did split deep
