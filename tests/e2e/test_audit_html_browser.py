"""The demo audit's HTML report in a real browser: Debian's Chromium, driven by Playwright.

The report is a self-contained file (inline CSS and SVG, no scripts, nothing fetched) that privacy
officers open, read and print to sign. These tests render it in headless Chromium and check what a
reader gets: no errors, no request leaving the file, charts drawn inside the page, the gate
verdict, one findings row per finding, and a PDF when printed.

The browser is ``$CLEARANCE_CHROMIUM``, else ``/usr/bin/chromium`` (``eval "$(./scripts/chromium)"``
installs it). Without one the tests skip, unless ``CLEARANCE_REQUIRE_BROWSER=1`` (CI), which makes
them fail. Playwright never downloads a browser here: never run ``playwright install``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from clearance.audit.run import audit_sources
from clearance.demo.ecommerce import generate, write_policy
from clearance.privacy import Fingerprinter, load_key
from clearance.reports.audit_renderers import render_audit_html
from clearance.reports.models import AuditReport

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WIDTH, HEIGHT = 1280, 900
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")


def _no_browser(reason: str) -> None:
    hint = 'install one with `eval "$(./scripts/chromium)"` or point CLEARANCE_CHROMIUM at it'
    message = f"browser tests of the HTML report: {reason}; {hint}"
    if os.environ.get("CLEARANCE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (CLEARANCE_REQUIRE_BROWSER=1 requires them)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The Chromium executable: skips, or fails under CLEARANCE_REQUIRE_BROWSER=1, without one."""
    configured = os.environ.get("CLEARANCE_CHROMIUM")
    path = Path(configured) if configured else DEFAULT_CHROMIUM
    if not (path.is_file() and os.access(path, os.X_OK)):
        where = f"CLEARANCE_CHROMIUM={configured}" if configured else str(DEFAULT_CHROMIUM)
        _no_browser(f"no Chromium executable at {where}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _no_browser("the playwright package is not installed (pip install -e '.[dev]')")
    return path


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        # --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
        launched = pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox"], timeout=30_000
        )
        try:
            yield launched
        finally:
            launched.close()


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


@dataclass
class Opened:
    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def opened(browser: Browser, demo_audit: tuple[AuditReport, Path]) -> Iterator[Opened]:
    """The report loaded once in a 1280 px wide page, with every request and error recorded."""
    _, html = demo_audit
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1, locale="en-US"
    )
    # Whatever leaves the file is recorded by the page (below) and never reaches the network.
    context.route(re.compile(r"^(?!file:)"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    result = Opened(page=page, url=html.as_uri())
    page.on("request", lambda request: result.requests.append(request.url))
    page.on(
        "console",
        lambda msg: result.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: result.page_errors.append(str(exc)))
    response = page.goto(result.url, wait_until="load")
    assert response is not None and response.ok
    try:
        yield result
    finally:
        context.close()


def test_no_errors_and_nothing_fetched(opened: Opened) -> None:
    assert opened.console_errors == []
    assert opened.page_errors == []
    assert opened.requests == [opened.url]
    assert opened.page.locator("script").count() == 0


def test_charts_are_drawn_inside_the_page(opened: Opened) -> None:
    page = opened.page
    boxes: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('svg')].map(svg => {
            const r = svg.getBoundingClientRect();
            return {label: svg.getAttribute('aria-label'), left: r.left, right: r.right,
                    width: r.width, height: r.height};
        })"""
    )
    assert len(boxes) >= 4, boxes  # severity, entities, anonymity, retention, consent
    for box in boxes:
        assert box["width"] > 0 and box["height"] > 0, box
        assert box["left"] >= 0 and box["right"] <= WIDTH + 1, box
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH + 1, f"the page scrolls sideways: {scroll_width} px > {WIDTH} px"


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
    page = opened.page
    page.emulate_media(media="print")
    try:
        pdf = page.pdf(path=tmp_path / "audit.pdf", format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000
    assert (tmp_path / "audit.pdf").stat().st_size == len(pdf)


def test_screenshot(opened: Opened, tmp_path: Path) -> None:
    shot = tmp_path / "audit.png"
    png = opened.page.screenshot(path=shot, full_page=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size == len(png) > 10_000
