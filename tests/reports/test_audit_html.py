from __future__ import annotations

import re

import pytest

from clearance.audit.report import (
    AgeBin,
    AnonymityResult,
    AuditReport,
    AuditSummary,
    CheckRun,
    ConsentResult,
    PolicySummary,
    RetentionResult,
    TableProfile,
)
from clearance.core.findings import Finding, Location
from clearance.core.severity import Severity
from clearance.reports.audit_html import render_audit_html
from clearance.reports.audit_markdown import render_audit_markdown
from clearance.reports.json_report import render_json as render_audit_json
from clearance.reports.registry import formats, render
from clearance.scan.report import ColumnProfile
from tests.reports.golden_files import assert_golden
from tests.reports.html_check import parse as _parse

EVIL = "<script>alert(1)</script>"


def _finding(
    n: int, rule: str, category: str, entity: str, severity: Severity, **kw: object
) -> Finding:
    defaults: dict[str, object] = {
        "scope": "column",
        "count": 1,
        "score": 0.9,
        "fingerprint": f"{n:064x}",
        "remediation": f"Remediate {entity}.",
        "why": f"{entity} puts the subjects at risk.",
    }
    return Finding(
        rule=rule,
        category=category,  # type: ignore[arg-type]
        entity=entity,
        severity=severity,
        **{**defaults, **kw},  # type: ignore[arg-type]
    )


def _findings() -> list[Finding]:
    pii = ["GDPR-5.1.c", "GDPR-25", "GDPR-35", "EUAIA-10", "NIST-MEASURE-2.10", "ISO42001-A.7.2"]
    qi = ["GDPR-25", "GDPR-35", "EUAIA-10", "NIST-MEASURE-2.10", "ISO42001-A.7.6"]
    return [
        _finding(1, "github-token", "secret", "GITHUB_TOKEN", Severity.CRITICAL, scope="value",
                 location=Location(file="tickets.csv", table="support_tickets", column="body", row=17),
                 preview="ghp_********************************bRt", fix="rotate",
                 controls=["GDPR-5.1.f", "GDPR-32", "NIST-MEASURE-2.7", "ISO42001-A.7.2"],
                 why="A credential in training data can be memorised and repeated by the model.",
                 remediation="Rotate the token, then redact it (clearance remediation: redact)."),
        _finding(2, "email", "pii", "EMAIL_ADDRESS", Severity.HIGH, count=1200, share=1.0,
                 location=Location(file="customers.csv", table="customers", column="email"),
                 preview="j***@e******.com", fix="pseudonymize", controls=pii),
        _finding(3, "k-anonymity", "quasi_identifier", "QUASI_IDENTIFIERS", Severity.HIGH,
                 scope="table", count=374, share=0.312, preview="k=1 < 5", fix="generalize",
                 location=Location(file="customers.csv", table="customers",
                                   column="postcode, birth_date, gender"),
                 controls=qi, metrics={"k": 1.0, "k_threshold": 5.0}),
        _finding(4, "special-category", "special_category", "MEDICAL_CONDITION", Severity.HIGH,
                 scope="value", count=60, share=0.067, preview="di*****s",
                 location=Location(file="tickets.csv", table="support_tickets", column="body", row=3),
                 fix="redact", controls=["GDPR-9", "GDPR-35", "EUAIA-10"]),
        _finding(5, "consent", "consent", "CONSENT", Severity.HIGH, scope="table", count=640,
                 share=0.133, preview="640 of 4800 rows", fix="exclude-unconsented",
                 location=Location(file="orders.csv", table="orders"),
                 controls=["GDPR-5.1.b", "GDPR-6", "GDPR-7", "INTERNAL-DP-7"]),
        _finding(6, "l-diversity", "quasi_identifier", "SENSITIVE_ATTRIBUTE", Severity.MEDIUM,
                 scope="table", count=1200, preview="l=1 < 2", fix="generalize",
                 location=Location(file="customers.csv", table="customers", column="diagnosis"),
                 controls=qi, why="Knowing the quasi-identifiers reveals the sensitive value."),
        _finding(7, "retention", "retention", "RETENTION", Severity.MEDIUM, scope="table",
                 count=800, share=0.167, preview="oldest 2900 days > 1095", fix="purge",
                 location=Location(file="orders.csv", table="orders", column="created_at"),
                 controls=["GDPR-5.1.e", "GDPR-25"]),
        _finding(8, "linkage-repeated-identifier", "linkage", "EMAIL_ADDRESS", Severity.MEDIUM,
                 scope="dataset", count=1180, preview="1180 values shared with customers.email",
                 location=Location(file="orders.csv, customers.csv"), fix="drop-column",
                 controls=["GDPR-25", "GDPR-35"]),
        _finding(9, "minimization", "minimization", "UNUSED_COLUMN", Severity.LOW, preview=EVIL,
                 location=Location(file="tickets.csv", table="support_tickets", column=EVIL),
                 count=900, share=1.0, fix="drop-column", controls=["GDPR-5.1.c"]),
    ]  # fmt: skip


def _class_sizes() -> list[tuple[int, int]]:
    """27 class sizes holding 1200 records, 374 of them in classes below k = 5."""
    return [(size, max(1, 180 // size**2)) for size in range(1, 26)] + [(40, 2), (346, 1)]


def _report() -> AuditReport:
    findings = _findings()
    by_sev: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    for f in findings:
        by_sev[f.severity.value] = by_sev.get(f.severity.value, 0) + 1
        by_cat[f.category] = by_cat.get(f.category, 0) + 1
    sizes = _class_sizes()
    tables = [
        TableProfile(name="customers", origin="customers.csv", rows=1200, subject_key="customer_id",
                     columns=["customer_id", "email", "phone", "postcode", "birth_date", "gender",
                              "diagnosis"], subject_table=True, key_overlap=1.0,
                     quasi_identifiers=["postcode", "birth_date", "gender"]),
        TableProfile(name="orders", origin="orders.csv", rows=4800, subject_key="customer_id",
                     columns=["order_id", "customer_id", "ship_postcode", "order_month",
                              "created_at", "amount"], key_overlap=0.95,
                     quasi_identifiers=["ship_postcode", "order_month"]),
        TableProfile(name="support_tickets", origin="postgresql://app:***@db/crm#support_tickets",
                     rows=900, columns=["ticket_id", "customer_id", "opened", "body", EVIL],
                     subject_key="customer_id", key_overlap=0.98),
    ]  # fmt: skip
    columns = [
        ColumnProfile(file="customers.csv", table="customers", column="email", kind="entity",
                      entity="EMAIL_ADDRESS", share=1.0, confidence=0.99, rows=1200,
                      matches={"EMAIL_ADDRESS": 1200}),
        ColumnProfile(file="customers.csv", table="customers", column="phone", kind="entity",
                      entity="PHONE_NUMBER", share=0.96, confidence=0.9, rows=1200,
                      matches={"PHONE_NUMBER": 1150}),
        ColumnProfile(file="orders.csv", table="orders", column="amount", kind="other",
                      share=0.0, confidence=0.0, rows=4800),
        ColumnProfile(file="tickets.csv", table="support_tickets", column="body",
                      kind="free_text", share=0.46, confidence=0.7, rows=900,
                      matches={"PERSON": 410, "EMAIL_ADDRESS": 95, "MEDICAL_CONDITION": 60}),
        ColumnProfile(file="tickets.csv", table="support_tickets", column=EVIL, kind="other",
                      share=0.003, confidence=0.2, rows=900, matches={"URL": 3}),
    ]  # fmt: skip
    checks = [
        CheckRun(rule="identifiers", category="pii", status="ran", findings=2),
        CheckRun(rule="k-anonymity", category="quasi_identifier", status="ran", table="customers", findings=1),
        CheckRun(rule="k-anonymity", category="quasi_identifier", status="ran", table="orders"),
        CheckRun(rule="l-diversity", category="quasi_identifier", status="ran", table="customers", findings=1),
        CheckRun(rule="l-diversity", category="quasi_identifier", status="skipped", table="orders",
                 reason="orders: the policy declares no sensitive attributes"),
        CheckRun(rule="retention", category="retention", status="ran", table="orders", findings=1),
        CheckRun(rule="retention", category="retention", status="failed", table="support_tickets",
                 reason="support_tickets.opened: timestamps in an unknown format (e.g. 31/13/2024)"),
        CheckRun(rule="consent", category="consent", status="ran", table="orders", findings=1),
    ]  # fmt: skip
    anonymity = [
        AnonymityResult(table="customers", quasi_identifiers=["postcode", "birth_date", "gender"],
                        k=1, k_threshold=5, rows=sum(s * n for s, n in sizes),
                        classes=sum(n for _, n in sizes), class_size_histogram=sizes,
                        records_below_k=374, share_below_k=0.312, unique_records=180,
                        sample_uniqueness=0.15, prosecutor_risk_max=1.0, prosecutor_risk_avg=0.31,
                        l_diversity={"diagnosis": 1}),
        AnonymityResult(table="orders", quasi_identifiers=["ship_postcode", "order_month"], k=6,
                        k_threshold=5, rows=4800, classes=120,
                        class_size_histogram=[(6, 20), (12, 40), (40, 50), (120, 10)],
                        records_below_k=0, share_below_k=0.0, unique_records=0,
                        sample_uniqueness=0.0, prosecutor_risk_max=0.167,
                        prosecutor_risk_avg=0.025),
    ]  # fmt: skip
    retention = [
        RetentionResult(table="orders", column="created_at", limit_days=1095, rows=4800,
                        expired=800, unparseable=12, missing=38, oldest_age_days=2900,
                        histogram=[AgeBin(lo_days=lo, hi_days=hi, count=n) for lo, hi, n in (
                            (0, 365, 1800), (365, 730, 1300), (730, 1095, 900),
                            (1095, 1460, 500), (1460, 2190, 250), (2190, 2920, 50))]),
        RetentionResult(table="support_tickets", column="opened", limit_days=365, rows=900,
                        expired=0, unparseable=0, missing=0, oldest_age_days=200,
                        histogram=[AgeBin(lo_days=0, hi_days=90, count=700),
                                   AgeBin(lo_days=90, hi_days=365, count=200)]),
    ]  # fmt: skip
    consent = [
        ConsentResult(table="orders", rows=4800, consented=4160, not_consented=400, no_record=240),
        ConsentResult(table="support_tickets", rows=900, consented=900, not_consented=0, no_record=0),
    ]  # fmt: skip
    return AuditReport(
        version="0.1.0",
        policy=PolicySummary(
            source="policies/churn-training.yaml",
            profile="gdpr-strict",
            purpose="train the churn model",
            k=5,
            l=2,
            reference_date="2025-06-30",
            subject_key="customer_id",
        ),
        summary=AuditSummary(
            tables=3,
            rows=6900,
            findings=len(findings),
            by_severity=dict(sorted(by_sev.items())),
            by_category=dict(sorted(by_cat.items())),
            gate="fail",
            fail_on=Severity.HIGH,
        ),
        tables=tables,
        findings=findings,
        columns=columns,
        checks=checks,
        anonymity=anonymity,
        retention=retention,
        consent=consent,
        skipped=[],  # the one empty section
        warnings=[
            "policy: tables.payments: no such table in the input; not checked",
            "consent register exported from https://intranet.example/consent is 40 days old",
        ],
    )


@pytest.fixture
def report() -> AuditReport:
    return _report()


def _sections(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([\w-]+)">(.*?)</section>', html, flags=re.S))


# --- HTML -------------------------------------------------------------------------------------


def test_html_is_well_formed(report: AuditReport) -> None:
    checker = _parse(render_audit_html(report))
    assert checker.errors == []
    assert checker.stack == []
    assert checker.tags[0] == "html" and "svg" in checker.tags and "title" in checker.tags


def test_html_is_self_contained(report: AuditReport) -> None:
    html = render_audit_html(report)
    checker = _parse(html)
    for needle in ("<link", "<script", "@import", "url(", "<img", "<iframe", "<object"):
        assert needle not in html.lower(), needle
    assert not [name for name, _ in checker.attrs if name in {"src", "href", "xmlns", "srcset"}]
    # Every http(s) reference is text that came from the report (here: one warning).
    text = "".join(checker.text)
    for scheme in ("http://", "https://"):
        assert html.count(scheme) == text.count(scheme)
    assert html.count("https://") == 1


def test_html_has_a_chart_per_chart_section(report: AuditReport) -> None:
    sections = _sections(render_audit_html(report))
    expected = {"severity": 1, "entities": 1, "anonymity": 2, "retention": 2, "consent": 1}
    for anchor, n in expected.items():
        assert sections[anchor].count("<svg") == n, anchor
        assert sections[anchor].count("<title>") >= n, anchor
    assert "<svg" not in sections["findings"]
    svgs = re.findall(r"<svg.*?</svg>", render_audit_html(report), flags=re.S)
    assert all('role="img"' in s and "<title>" in s and "<text" in s for s in svgs)


def test_html_marks_k_and_retention_limits(report: AuditReport) -> None:
    sections = _sections(render_audit_html(report))
    anonymity, retention = sections["anonymity"], sections["retention"]
    assert anonymity.count('class="marker"') == 2 and ">k = 5</text>" in anonymity
    assert ">retention limit 1095 d</text>" in retention
    assert ">retention limit 365 d</text>" in retention
    assert "sample uniqueness" in anonymity.lower() and "prosecutor risk" in anonymity.lower()
    assert "l = 1 (threshold l = 2)" in anonymity
    # the 27 class sizes of customers are bucketed, and the k line falls on a bucket edge
    assert ">5–9</text>" in anonymity and ">1</text>" in anonymity
    # orders.created_at: 800 expired, 12 unparseable timestamps
    assert '<td class="num">800 (16.7%)</td><td class="num">12</td>' in retention


def test_html_escapes_report_text(report: AuditReport) -> None:
    html = render_audit_html(report)
    findings = _sections(html)["findings"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in findings
    assert "support_tickets.&lt;script&gt;" in findings
    assert EVIL not in html and "<script" not in html


def test_html_lists_controls_checks_and_signoff(report: AuditReport) -> None:
    sections = _sections(render_audit_html(report))
    assert "GDPR Art. 5(1)(c): Data minimisation" in sections["controls"]
    assert "INTERNAL-DP-7" in sections["controls"]
    assert "(not in the control catalogue)" in sections["controls"]
    for check in report.checks:
        if check.status != "ran":
            assert check.reason in sections["checks"]
    assert "6 ran, 1 skipped, 1 failed" in sections["checks"]
    assert "None." in sections["skipped"]
    for label in ("Reviewed by", "Role", "Date", "Decision"):
        assert f"<th>{label}</th>" in sections["signoff"]
    assert 'class="badge fail"' in render_audit_html(report)


def test_html_of_an_empty_audit(report: AuditReport) -> None:
    empty = report.model_copy(
        update={"findings": [], "columns": [], "anonymity": [], "retention": [], "consent": []}
    )
    html = render_audit_html(empty)
    checker = _parse(html)
    assert checker.errors == [] and checker.stack == []
    sections = _sections(html)
    assert "No findings." in sections["findings"]
    assert "No anonymity measurement" in sections["anonymity"]
    for anchor in ("entities", "anonymity", "retention", "consent", "controls"):
        assert "<svg" not in sections[anchor], anchor


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_lists_findings_checks_and_signoff(report: AuditReport) -> None:
    md = render_audit_markdown(report)
    for f in report.findings:
        assert f"`{f.rule}`" in md and f.preview in md
    not_ran = md.split("### Skipped or failed")[1].split("### Ran")[0]
    for check in report.checks:
        if check.status != "ran":
            assert check.reason in not_ran and check.status in not_ran
    for line in ("- Reviewed by: ", "- Role: ", "- Date: ", "- Decision: "):
        assert line in md.split("## Sign-off")[1]
    assert "**FAIL**: 5 finding(s) at or above severity high" in md
    assert "- Purpose: train the churn model" in md and "- Reference date: 2025-06-30" in md
    assert "`GDPR-5.1.e`: GDPR Art. 5(1)(e): Storage limitation" in md
    assert "| `orders` | 4800 | 4160 | 400 | 240 | 86.7% |" in md
    assert "## Skipped inputs\n\nNone." in md


def test_markdown_keeps_raw_html_out_of_free_text(report: AuditReport) -> None:
    md = render_audit_markdown(report)
    outside_code = re.sub(r"`[^`]*`", "", md)
    assert "<" not in outside_code


# --- JSON, registry, golden files -----------------------------------------------


def test_json_round_trips(report: AuditReport) -> None:
    text = render_audit_json(report)
    assert text.endswith("}\n")
    assert AuditReport.model_validate_json(text) == report


def test_a_report_read_back_renders_the_same(report: AuditReport) -> None:
    again = AuditReport.model_validate_json(render_audit_json(report))
    for fmt in formats("audit"):
        assert render(again, fmt) == render(report, fmt)


def test_registry() -> None:
    assert formats("audit") == ["json", "markdown", "html", "terminal"]
    with pytest.raises(ValueError, match="allowed: json, markdown, html, terminal"):
        render(_report(), "pdf")


@pytest.mark.parametrize(("name", "fmt"), [("audit.md", "markdown"), ("audit.html", "html")])
def test_golden(report: AuditReport, name: str, fmt: str) -> None:
    """Regenerate with ``CLEARANCE_UPDATE_GOLDEN=1 pytest tests/reports``."""
    assert_golden(name, render(report, fmt))
