"""The audit finds exactly what the demo generator planted, and nothing in the clean columns."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from clearance.audit.report import AuditReport
from clearance.audit.run import audit_sources
from clearance.core.findings import Finding
from clearance.demo.ecommerce import Planted, generate, write_policy
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Planted, AuditReport]:
    root = tmp_path_factory.mktemp("demo")
    planted = generate(root / "data", users=400, seed=11)
    policy = write_policy(root / "clearance.yaml")
    mp = pytest.MonkeyPatch()
    mp.setenv("CLEARANCE_KEY", "test-key-0123456789")
    try:
        report = audit_sources([root / "data"], policy_path=policy, fingerprinter=FP)
    finally:
        mp.undo()
    return root, planted, report


def _one(report: AuditReport, rule: str, table: str) -> Finding:
    found = [f for f in report.findings if f.rule == rule and f.location.table == table]
    assert len(found) == 1, (rule, table, found)
    return found[0]


def test_consent_counts_equal_planted(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, planted, report = demo
    assert _one(report, "consent", "users").count == planted.users_without_consent
    assert _one(report, "consent", "orders").count == planted.orders_without_consent
    assert _one(report, "consent", "reviews").count == planted.reviews_without_consent
    coverage = {c.table: c for c in report.consent}
    assert coverage["orders"].consented + planted.orders_without_consent == 1200


def test_retention_counts_equal_planted(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, planted, report = demo
    assert _one(report, "retention", "orders").count == planted.stale_orders
    assert _one(report, "retention", "reviews").count == planted.stale_reviews
    bad = _one(report, "retention-unparseable", "reviews")
    assert bad.count == planted.unparseable_review_dates
    hist = {r.table: r for r in report.retention}
    assert sum(b.count for b in hist["orders"].histogram) == 1200
    assert hist["reviews"].unparseable == planted.unparseable_review_dates


def test_free_text_identifiers_and_linkage(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, planted, report = demo
    text = [f for f in report.findings if f.location.column == "text"]
    by_entity = Counter[str]()
    for f in text:
        if f.category == "pii":
            by_entity[f.entity] += f.count
    assert by_entity["EMAIL_ADDRESS"] == planted.review_emails
    assert by_entity["PHONE_NUMBER"] == planted.review_phones
    assert by_entity["PERSON"] == planted.review_names
    assert len([f for f in text if f.category == "secret"]) == planted.review_keys
    linkage = {f.entity: f.count for f in text if f.rule == "linkage-self-identifying-text"}
    assert linkage == {
        "EMAIL_ADDRESS": planted.review_emails,
        "PHONE_NUMBER": planted.review_phones,
        "PERSON": planted.review_names,
    }


def test_special_category_counts_equal_planted(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, planted, report = demo
    special = [f for f in report.findings if f.category == "special_category"]
    assert sum(f.count for f in special) == planted.review_special
    assert {f.severity.value for f in special} == {"high"}


def test_k_anonymity_matches_direct_count(demo: tuple[Path, Planted, AuditReport]) -> None:
    root, _, report = demo
    users = pl.read_csv(root / "data" / "users.csv", infer_schema=False)
    qis = ["postcode", "birth_date", "gender", "city"]
    classes = Counter(tuple(row) for row in users.select(qis).iter_rows())
    finding = _one(report, "k-anonymity", "users")
    assert finding.metrics["k"] == min(classes.values())
    below = sum(n for n in classes.values() if n < 5)
    assert finding.count == below
    assert finding.location.column == ", ".join(qis)


def test_minimization_and_clean_columns(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, _, report = demo
    minimised = {f.location.column for f in report.findings if f.rule == "minimization"}
    assert {"email", "full_name", "phone", "card_number", "postcode"} <= minimised
    assert not minimised & {"user_id", "country", "signup_at", "loyalty_tier"}
    clean = {("orders", c) for c in ("sku", "quantity", "price", "status", "order_id")} | {
        ("users", "loyalty_tier"),
        ("reviews", "rating"),
        ("reviews", "product_id"),
    }
    hits = [f for f in report.findings if (f.location.table, f.location.column) in clean]
    assert hits == []


def test_every_finding_is_mapped_and_gate_fails(demo: tuple[Path, Planted, AuditReport]) -> None:
    _, _, report = demo
    assert report.summary.gate == "fail"
    assert all(f.controls and f.remediation and f.fix for f in report.findings)
    assert set(report.summary.by_category) >= {
        "pii", "secret", "quasi_identifier", "retention", "consent", "minimization", "linkage"
    }  # fmt: skip
    assert not [c for c in report.checks if c.status == "failed"]


def test_audit_is_deterministic(
    demo: tuple[Path, Planted, AuditReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _, report = demo
    monkeypatch.setenv("CLEARANCE_KEY", "test-key-0123456789")
    again = audit_sources([root / "data"], policy_path=root / "clearance.yaml", fingerprinter=FP)
    assert again.model_dump_json() == report.model_dump_json()
