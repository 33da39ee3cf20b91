"""The model card's HTML in a real browser (Debian's Chromium, driven by Playwright): built from
real fairness and audit reports with hostile group and column names; no errors, no request
leaving the file, every chart drawn inside the page, no sideways scrolling at 1280 px, the
hostile names shown as text. The browser fixtures (and the skip without one) are in
``conftest.py``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clearance.cards.build import build_card_paths
from clearance.cards.render_html import render_card_html
from tests.cards.conftest import complete_card, make_evidence, write_card
from tests.e2e.conftest import Opened, assert_clean, assert_svgs_inside, open_report

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def opened(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    root = tmp_path_factory.mktemp("card")
    evidence = make_evidence(root)
    card = complete_card("eu-ai-act")
    card["limitations"] = "<script>alert(1)</script> stays text"
    built = build_card_paths(
        write_card(root / "card.yaml", card), [evidence.fairness, evidence.audit]
    )
    html = root / "card.html"
    html.write_text(render_card_html(built), encoding="utf-8")
    with open_report(browser, html) as result:
        yield result


def test_card_in_a_browser(opened: Opened, tmp_path: Path) -> None:
    page = opened.page
    assert_clean(opened)
    assert_svgs_inside(page, at_least=2)  # selection rate and true positive rate by group
    assert (
        "<script>alert(1)</script> stays text" in page.locator("section#limitations").inner_text()
    )
    assert "<i>x</i>" in page.locator("section#quantitative-analysis").inner_text()
    verdict = page.locator(".verdict .badge")
    assert verdict.inner_text().strip() in {"PASS", "FAIL"}
