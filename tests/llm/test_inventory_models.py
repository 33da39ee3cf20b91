"""Tests of clearance.llm.inventory_models."""

from __future__ import annotations

from clearance.llm.inventory_models import duplication_bucket


def test_duplication_bucket() -> None:
    assert [duplication_bucket(n) for n in (0, 1, 2, 4, 5, 19, 20, 500)] == [
        "0", "1", "2-4", "2-4", "5-19", "5-19", "20+", "20+",
    ]  # fmt: skip
