from __future__ import annotations

import pytest

from clearance.core.severity import Severity


def test_rank_orders_severities() -> None:
    ranks = [s.rank for s in (Severity.INFO, Severity.LOW, Severity.MEDIUM, Severity.HIGH)]
    assert ranks == sorted(ranks) and len(set(ranks)) == 4
    assert Severity.CRITICAL.rank > Severity.HIGH.rank


def test_parse_is_case_insensitive_and_lists_allowed_values() -> None:
    assert Severity.parse("HIGH") is Severity.HIGH
    with pytest.raises(ValueError, match="allowed: info, low, medium, high, critical"):
        Severity.parse("urgent")
