"""The demo audit's HTML report in a real browser: Debian's Chromium, driven by Playwright.

The report is a self-contained file (inline CSS and SVG, no scripts, nothing fetched) that privacy
officers open, read and print to sign. These tests render it in headless Chromium and check what a
reader gets: no errors, no request leaving the file, charts drawn inside the page, the gate
verdict, one findings row per finding, and a PDF when printed.

The browser fixtures (and the skip or fail without one) are in ``tests/e2e/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clearance.audit.report import AuditReport
from clearance.audit.run import audit_sources
from clearance.demo.ecommerce import generate, write_policy
from clearance.privacy import Fingerprinter, load_key
from clearance.reports.audit_html import render_audit_html
from tests.e2e.conftest import Opened, assert_clean, assert_svgs_inside, open_report, print_pdf

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def demo_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[AuditReport, Path]:
    """The demo's audit, as `clearance demo` makes it, and its HTML report on disk."""
    out = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLEARANCE_KEY", "test-key-0123456789")
        data_dir = out / "data"
        generate(data_dir, users=500, seed=7)
        policy = write_policy(out / "clearance.yaml")
        report = audit_sources(
            [data_dir], policy_path=policy, fingerprinter=Fingerprinter(load_key())
        )
    html = out / "audit.html"
    html.write_text(render_audit_html(report), encoding="utf-8")
    return report, html


@pytest.fixture(scope="module")
def opened(browser: Browser, demo_audit: tuple[AuditReport, Path]) -> Iterator[Opened]:
    """The report loaded once in a 1280 px wide page, with every request and error recorded."""
    _, html = demo_audit
    with open_report(browser, html) as result:
        yield result


def test_no_errors_and_nothing_fetched(opened: Opened) -> None:
    assert_clean(opened)


def test_charts_are_drawn_inside_the_page(opened: Opened) -> None:
    # severity, entities, anonymity, retention, consent
    assert_svgs_inside(opened.page, at_least=4)


def test_gate_verdict_is_visible(opened: Opened, demo_audit: tuple[AuditReport, Path]) -> None:
    report, _ = demo_audit
    gate = opened.page.locator("header p.gate")
    assert gate.count() == 1
    assert gate.is_visible()
    badge = gate.locator(".badge")
    assert badge.is_visible()
    assert badge.inner_text().strip() == report.summary.gate.upper()
    assert "the gate fails on" in gate.inner_text()


def test_findings_table_has_one_row_per_finding(
    opened: Opened, demo_audit: tuple[AuditReport, Path]
) -> None:
    report, _ = demo_audit
    assert report.findings, "the demo is meant to have findings"
    rows = opened.page.locator("section#findings table tbody tr")
    assert rows.count() == len(report.findings) == report.summary.findings
    assert rows.first.is_visible()


def test_anonymity_and_retention_charts_are_titled(
    opened: Opened, demo_audit: tuple[AuditReport, Path]
) -> None:
    report, _ = demo_audit
    page = opened.page
    assert report.anonymity and report.retention, "the demo measures anonymity and retention"
    for heading in ("Anonymity: k-anonymity and l-diversity", "Retention"):
        assert page.get_by_role("heading", name=heading, exact=True).is_visible()
    titles = [f"Equivalence class sizes of {a.table}" for a in report.anonymity] + [
        f"Record age of {r.table}.{r.column}" for r in report.retention
    ]
    for title in titles:
        chart = page.get_by_role("img", name=title, exact=True)
        assert chart.count() == 1, title
        assert chart.is_visible(), title
        assert chart.locator(":scope > title").text_content() == title


def test_prints_to_pdf(opened: Opened, tmp_path: Path) -> None:
    print_pdf(opened.page, tmp_path / "audit.pdf")


def test_screenshot(opened: Opened, tmp_path: Path) -> None:
    shot = tmp_path / "audit.png"
    png = opened.page.screenshot(path=shot, full_page=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size == len(png) > 10_000
