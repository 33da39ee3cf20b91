"""The fitted mitigation comparisons the mitigation and trade-off tests share (fitting them
takes seconds, so once per package)."""

from __future__ import annotations

import pytest

from clearance.fairness.tradeoff import MitigationResult, mitigate
from tests.fairness.mitigation_data import N_RESAMPLES, german, synthetic


@pytest.fixture(scope="package")
def german_result() -> MitigationResult:
    X, y, s = german()
    return mitigate(X, y, s, seed=0, n_resamples=N_RESAMPLES)


@pytest.fixture(scope="package")
def synthetic_result() -> MitigationResult:
    X, y, s = synthetic()
    return mitigate(X, y, s, seed=3, n_resamples=N_RESAMPLES)
