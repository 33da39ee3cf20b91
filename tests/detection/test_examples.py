"""Every registered detector proves itself with its own examples (gitleaks' Validate(r, tps, fps))."""

from __future__ import annotations

import json

import polars as pl
import pytest

from clearance.detection.detector import Detector
from clearance.detection.engine import Engine, match_detector
from clearance.detection.registry import Registry, default_registry

DETECTORS = list(default_registry())
IDS = [d.id for d in DETECTORS]


def embeddings(example: str) -> dict[str, str]:
    return {
        "bare": example,
        "csv": f'id,note\n7,"{example}"\n',
        "json": json.dumps({"note": example}, ensure_ascii=False),
        "log": f"2024-05-01T10:00:00Z INFO worker: {example} (retry=0)",
        "sentence": f"Please note that {example} was used yesterday.",
        "code": f"value = '{example}'",
    }


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_detector_declares_examples(det: Detector) -> None:
    assert det.positives, f"{det.id} has no positive examples"
    assert det.negatives, f"{det.id} has no negative examples"


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_positives_found_in_every_embedding(det: Detector) -> None:
    for example in det.positives:
        for where, text in embeddings(example).items():
            lo = text.find(example) if where != "json" else 0
            hits = list(match_detector(det, text))
            assert hits, f"{det.id}: positive not found in {where}: {example!r}"
            if where != "json":
                assert any(lo <= m.start and m.end <= lo + len(example) for m in hits), (
                    f"{det.id}: match outside the example in {where}"
                )


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_negatives_not_found(det: Detector) -> None:
    for example in det.negatives:
        assert not list(match_detector(det, example)), f"{det.id}: negative matched: {example!r}"


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_rust_prefilter_flags_every_positive(det: Detector) -> None:
    flags = pl.Series(list(det.positives)).str.contains(det.rust_pattern)
    assert flags.all(), f"{det.id}: the Polars prefilter misses a positive"


@pytest.mark.parametrize("det", DETECTORS, ids=IDS)
def test_engine_finds_positive_through_prefilter(det: Detector) -> None:
    engine = Engine(registry=Registry([det]))
    for example, found in zip(det.positives, engine.detect_batch(list(det.positives)), strict=True):
        assert found, f"{det.id}: engine lost {example!r}"


def test_registry_coverage() -> None:
    reg = default_registry()
    pii = {d.entity for d in reg if d.category == "pii"}
    secrets = [d for d in reg if d.category == "secret"]
    assert len(pii) >= 25
    assert len(secrets) >= 100
    for required in (
        "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "IBAN_CODE",
        "IP_ADDRESS", "LOCATION", "DATE_TIME", "URL", "US_DRIVER_LICENSE", "US_PASSPORT",
        "US_BANK_NUMBER", "CRYPTO", "MAC_ADDRESS", "MEDICAL_LICENSE", "UK_NHS", "UK_NINO",
        "DE_TAX_ID", "FR_NIR", "ES_NIF", "IN_AADHAAR",
    ):  # fmt: skip
        assert required in pii


def test_duplicate_ids_refused() -> None:
    det = DETECTORS[0]
    with pytest.raises(ValueError, match="duplicate detector id"):
        Registry([det, det])


def test_select_unknown_entity_names_allowed() -> None:
    with pytest.raises(ValueError, match="known:"):
        default_registry().select(entities=["NOT_A_TYPE"])
