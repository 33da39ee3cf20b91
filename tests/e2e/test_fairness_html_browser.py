"""The fairness report's HTML in a real browser: Debian's Chromium, driven by Playwright.

The hand-made report of ``tests/reports/test_fairness_html.py`` (three attributes, an
insufficient group, a hostile group name, curves, a failing verdict) is rendered to one
self-contained file and loaded in headless Chromium: no errors, no request leaving the file,
every chart drawn with a size inside the page, no sideways scrolling at 1280 px, a PDF when
printed. The browser fixtures (and the skip or fail without one) are in ``conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clearance.reports.fairness_html import render_fairness_html
from tests.e2e.conftest import Opened, assert_clean, assert_svgs_inside, open_report, print_pdf
from tests.reports.test_fairness_html import EVIL, fairness_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def opened(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    html = tmp_path_factory.mktemp("fairness") / "fairness.html"
    html.write_text(render_fairness_html(fairness_report()), encoding="utf-8")
    with open_report(browser, html) as result:
        yield result


def test_fairness_report_in_a_browser(opened: Opened, tmp_path: Path) -> None:
    page = opened.page
    assert_clean(opened)
    # three rate charts, ROC and calibration for each of the three attributes
    assert_svgs_inside(page, at_least=15)
    verdict = page.locator("header .verdict")
    assert verdict.is_visible() and verdict.locator(".badge").inner_text().strip() == "FAIL"
    assert verdict.locator("li").count() == 4
    # the hostile group name is text on the page, not markup
    assert EVIL in page.locator("section#attribute-0").inner_text()
    chart = page.get_by_role("img", name="Selection rate of sex & age_group by group", exact=True)
    assert chart.is_visible()
    assert "insufficient data (n = 12), not ranked" in (chart.text_content() or "")
    print_pdf(page, tmp_path / "fairness.pdf")
