"""Tests of clearance.llm.probability (the deployed-decoding paths run through the audit in
tests/llm/test_audit.py)."""

from __future__ import annotations

import pytest

from clearance.llm.probability import Decoding, extraction_probability


def test_extraction_probability() -> None:
    assert extraction_probability(0.0, 100) == 0.0
    assert extraction_probability(1.0, 3) == 1.0
    assert extraction_probability(0.5, 2) == pytest.approx(0.75)
    assert extraction_probability(1e-12, 100) == pytest.approx(1e-10, rel=1e-6)


def test_plain_decoding_needs_no_second_scoring_pass() -> None:
    assert Decoding(1.0).plain
    assert not Decoding(1.0, top_k=40).plain and not Decoding(0.7).plain
    assert Decoding(0.0).describe() == "greedy"
