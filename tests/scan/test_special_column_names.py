"""Column-name hints for GDPR Art. 9 special categories, and the hints they must not take."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from clearance.privacy import Fingerprinter
from clearance.scan import scan_paths
from clearance.scan.column_names import name_hint

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


@pytest.mark.parametrize(
    ("column", "entity"),
    [
        ("diagnosis", "HEALTH_DATA"),
        ("medical_condition", "HEALTH_DATA"),
        ("Medications", "HEALTH_DATA"),
        ("allergies", "HEALTH_DATA"),
        ("religion", "RELIGIOUS_BELIEF"),
        ("ethnicity", "ETHNIC_ORIGIN"),
        ("race", "ETHNIC_ORIGIN"),
        ("sexual_orientation", "SEXUAL_ORIENTATION"),
        ("political_party", "POLITICAL_OPINION"),
        ("union_member", "TRADE_UNION_MEMBERSHIP"),
        ("trade_union_membership", "TRADE_UNION_MEMBERSHIP"),
        ("fingerprint_template", "BIOMETRIC_DATA"),
        ("biometric_hash", "BIOMETRIC_DATA"),
        ("faceEmbedding", "BIOMETRIC_DATA"),
        ("genotype", "GENETIC_DATA"),
        ("dna_sample", "GENETIC_DATA"),
    ],
)
def test_special_category_hints(column: str, entity: str) -> None:
    assert name_hint(column) == entity


@pytest.mark.parametrize(
    ("column", "entity"),
    [
        ("email", "EMAIL_ADDRESS"),
        ("phone", "PHONE_NUMBER"),
        ("card_number", "CREDIT_CARD"),
        ("city", "LOCATION"),
        ("medical_license", "US_DRIVER_LICENSE"),
        ("diagnosis_date", "DATE_TIME"),
        ("religion_updated_at", "DATE_TIME"),
        ("api_key", "SECRET"),
        ("product_condition", None),
        ("image_orientation", None),
        ("key_fingerprint", None),
        ("file_fingerprint", None),
        ("race_id", None),
        ("party_size", None),
    ],
)
def test_existing_hints_keep_their_names(column: str, entity: str | None) -> None:
    assert name_hint(column) == entity


def test_special_column_name_finding(tmp_path: Path) -> None:
    pl.DataFrame({"religion": ["Catholic", "none", "Sunni"], "n": ["1", "2", "3"]}).write_csv(
        tmp_path / "r.csv"
    )
    report = scan_paths([tmp_path / "r.csv"], fingerprinter=FP)
    (finding,) = [f for f in report.findings if f.location.column == "religion"]
    assert finding.category == "special_category"
    assert finding.entity == "RELIGIOUS_BELIEF"
    assert finding.severity.value == "high"
    assert "Catholic" not in finding.preview
    assert "Art. 9" in finding.remediation


def test_special_free_text_findings(tmp_path: Path) -> None:
    reviews = [
        "Great kettle, as a diabetic I love the timer.",
        "Arrived quickly and works as described.",
        "I'm a union member and we bought ten.",
    ]
    pl.DataFrame({"review": reviews}).write_csv(tmp_path / "reviews.csv")
    report = scan_paths([tmp_path / "reviews.csv"], fingerprinter=FP)
    special = [f for f in report.findings if f.category == "special_category"]
    assert {f.entity for f in special} == {"HEALTH_DATA", "TRADE_UNION_MEMBERSHIP"}
    previews = {f.preview for f in special}
    assert previews == {"as ***", "I'm ***"}
