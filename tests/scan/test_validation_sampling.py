"""Large entity columns: validators run on the first ``validate_limit`` distinct values, the
rest are counted by pattern only when the validated ones confirm the pattern."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from clearance.privacy import Fingerprinter
from clearance.scan import ScanOptions, scan_paths

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def test_trusted_pattern_counts_every_row(tmp_path: Path) -> None:
    emails = [f"user{i}@example.com" for i in range(300)]
    pl.DataFrame({"email": emails}).write_csv(tmp_path / "e.csv")
    sampled = scan_paths([tmp_path], fingerprinter=FP, options=ScanOptions(validate_limit=50))
    full = scan_paths([tmp_path], fingerprinter=FP, options=ScanOptions(validate_limit=None))
    assert [f.count for f in sampled.findings] == [f.count for f in full.findings] == [300]
    # the validated ones are the other 50 (the count was validated minus counted: -200)
    (warning,) = [w for w in sampled.warnings if "counted by pattern" in w]
    assert "250 distinct values counted by pattern after validating 50 (" in warning, warning
    assert not full.warnings


def test_untrusted_pattern_falls_back_to_full_validation(tmp_path: Path) -> None:
    # Half of these card-shaped numbers fail the Luhn check: the pattern cannot be trusted.
    valid = [f"4111{i:011d}" for i in range(200)]
    valid = [v + _luhn_digit(v) for v in valid]
    invalid = [v[:-1] + str((int(v[-1]) + 1) % 10) for v in valid]
    column = [x for pair in zip(valid, invalid, strict=True) for x in pair]
    pl.DataFrame({"card_number": column}).write_csv(tmp_path / "c.csv")
    sampled = scan_paths([tmp_path], fingerprinter=FP, options=ScanOptions(validate_limit=50))
    full = scan_paths([tmp_path], fingerprinter=FP, options=ScanOptions(validate_limit=None))
    cards = [f for f in sampled.findings if f.entity == "CREDIT_CARD"]
    assert [f.count for f in cards] == [f.count for f in full.findings if f.entity == "CREDIT_CARD"]
    assert cards and cards[0].count == 200
    assert not any("counted by pattern" in w for w in sampled.warnings)
