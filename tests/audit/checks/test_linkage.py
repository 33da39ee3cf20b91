"""Linkage checks: keys of different types still join (item 9), a check that cannot compare
says so, and the one-pass repeated-identifier search equals a brute-force pairwise oracle."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearance.audit.auditor import audit_dataset
from clearance.audit.checks.consent import CONSENT
from clearance.audit.checks.linkage import REPEATED_IDENTIFIER, SELF_IDENTIFYING_TEXT
from clearance.audit.policy import policy_from_mapping
from clearance.audit.report import AuditReport, CheckRun
from clearance.audit.sources import Table
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"k" * 32)
TEXTS = [
    "Lovely teapot, questions to ana.silva@example.org please",
    "The lid broke after two weeks of daily use, sadly",
    "Good value for the money, would buy this again",
]


def _audit(
    tables: dict[str, dict[str, Any]], policy: dict[str, Any], checks: list[Any]
) -> AuditReport:
    return audit_dataset(
        [Table(n, f"t/{n}", pl.DataFrame(c)) for n, c in tables.items()],
        policy_from_mapping(policy),
        checks=checks,
        fingerprinter=FP,
        today=date(2026, 1, 31),
    )


def _run(report: AuditReport, rule: str) -> CheckRun:
    return next(r for r in report.checks if r.rule == rule)


USERS = {
    "user_id": ["0001", "0002", " 3 "],
    "email": ["ana.silva@example.org", "bo.chen@example.net", "cy.ode@example.com"],
    "consent": ["model-training", "marketing", "model-training"],
}


def test_text_key_and_integer_key_link_self_identifying_text() -> None:
    reviews = {"user_id": [1, 2, 3], "text": TEXTS}
    for policy in ({"subject_key": "user_id"}, {}):  # declared and detected
        report = _audit({"users": USERS, "reviews": reviews}, policy, [SELF_IDENTIFYING_TEXT])
        assert _run(report, "linkage-self-identifying-text").status == "ran"
        found = [f for f in report.findings if f.rule == "linkage-self-identifying-text"]
        assert [(f.location.table, f.count) for f in found] == [("reviews", 1)]
        profile = {t.name: t for t in report.tables}
        assert profile["reviews"].key_overlap == 1.0


def test_consent_joins_text_and_integer_keys() -> None:
    reviews = {"user_id": [1, 2, 2, 3], "rating": [5, 4, 3, 2]}
    policy = {"subject_key": "user_id", "consent": {"table": "users", "column": "consent"}}
    report = _audit({"users": USERS, "reviews": reviews}, policy, [CONSENT])
    by_table = {c.table: c for c in report.consent}
    assert by_table["reviews"].no_record == 0
    assert (by_table["reviews"].consented, by_table["reviews"].not_consented) == (2, 2)


def test_keys_that_cannot_be_compared_are_skipped_with_the_reason() -> None:
    reviews = {"user_id": [True, False, True], "text": TEXTS}
    policy = {"subject_key": "user_id", "consent": {"table": "users", "column": "consent"}}
    report = _audit({"users": USERS, "reviews": reviews}, policy, [SELF_IDENTIFYING_TEXT, CONSENT])
    for rule in ("linkage-self-identifying-text", "consent"):
        run = _run(report, rule)
        assert run.status in ("skipped", "ran")
        reasons = (run.reason or "") + " ".join(report.warnings)
        assert "reviews.user_id is of type Boolean" in reasons, (rule, run, report.warnings)
    assert _run(report, "linkage-self-identifying-text").status == "skipped"


# ------------------------------------------------------------------------- repeated identifiers


def _norm(value: object) -> str | None:
    """The documented key normalisation, written out by hand for the oracle."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return str(int(text))
    return text


def _oracle(
    report: AuditReport, tables: dict[str, dict[str, list[Any]]]
) -> set[tuple[str, str, str, int]]:
    """Every pair of identifier columns compared one by one (the approach before item 18)."""
    kinds = ("EMAIL_ADDRESS", "PHONE_NUMBER", "PERSON", "CREDIT_CARD", "IBAN_CODE", "US_SSN")
    columns = [c for c in report.columns if c.kind == "entity" and c.entity in kinds]
    out = set()
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            if a.entity != b.entity or a.table == b.table:
                continue
            left = {_norm(v) for v in tables[a.table or ""][a.column]} - {None}
            right = {_norm(v) for v in tables[b.table or ""][b.column]} - {None}
            if shared := len(left & right):
                out.add((f"{a.table}.{a.column}", b.table or "", b.column, shared))
    return out


EMAILS = [f"person{i}@example.org" for i in range(6)]
PHONES = ["(212) 555-0142", "(212) 555-0199", "(415) 555-0123"]


@st.composite
def _tables(draw: st.DrawFn) -> dict[str, dict[str, list[Any]]]:
    out: dict[str, dict[str, list[Any]]] = {}
    for t in range(draw(st.integers(2, 5))):
        rows = draw(st.integers(1, 4))
        table: dict[str, list[Any]] = {}
        for name in draw(st.sets(st.sampled_from(["email", "contact", "phone"]), min_size=1)):
            pool = PHONES if name == "phone" else EMAILS
            pad = draw(st.sampled_from(["", " "]))
            table[name] = [pad + draw(st.sampled_from(pool)) + pad for _ in range(rows)]
        out[f"t{t}"] = table
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables())
def test_repeated_identifiers_equal_the_pairwise_oracle(
    tables: dict[str, dict[str, list[Any]]],
) -> None:
    report = _audit(tables, {}, [REPEATED_IDENTIFIER])
    found = {
        (
            f.preview.split("shared with ")[1],
            f.location.table or "",
            f.location.column or "",
            f.count,
        )
        for f in report.findings
    }
    assert found == _oracle(report, tables)
