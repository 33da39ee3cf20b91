"""Helpers of the HTML reports' browser tests (the ``chromium`` and ``browser`` fixtures are in
``tests/conftest.py``, one Playwright for the whole session: a second one in the same thread
refuses to start).

The browser is ``$CLEARANCE_CHROMIUM``, else ``/usr/bin/chromium`` (``eval "$(./scripts/chromium)"``
installs it). Without one the tests skip, unless ``CLEARANCE_REQUIRE_BROWSER=1`` (CI), which makes
them fail. Playwright never downloads a browser here: never run ``playwright install``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

WIDTH, HEIGHT = 1280, 900


@dataclass
class Opened:
    page: Page
    url: str
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@contextmanager
def open_report(browser: Browser, html: Path) -> Iterator[Opened]:
    """The file loaded in a 1280 px wide page, with every request and error recorded."""
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


def assert_clean(opened: Opened) -> None:
    """No console or page error, no request but the file itself, no script."""
    assert opened.console_errors == []
    assert opened.page_errors == []
    assert opened.requests == [opened.url]
    assert opened.page.locator("script").count() == 0


def svg_boxes(page: Page) -> list[dict[str, Any]]:
    """Each SVG's aria-label and bounding box on the page."""
    boxes: list[dict[str, Any]] = page.evaluate(
        """() => [...document.querySelectorAll('svg')].map(svg => {
            const r = svg.getBoundingClientRect();
            return {label: svg.getAttribute('aria-label'), left: r.left, right: r.right,
                    width: r.width, height: r.height};
        })"""
    )
    return boxes


def assert_svgs_inside(page: Page, at_least: int) -> None:
    """At least ``at_least`` SVGs, each with a size and inside the page, which does not scroll
    sideways."""
    boxes = svg_boxes(page)
    assert len(boxes) >= at_least, boxes
    for box in boxes:
        assert box["width"] > 0 and box["height"] > 0, box
        assert box["left"] >= 0 and box["right"] <= WIDTH + 1, box
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert scroll_width <= WIDTH + 1, f"the page scrolls sideways: {scroll_width} px > {WIDTH} px"


def print_pdf(page: Page, path: Path) -> bytes:
    """The page printed to an A4 PDF at ``path`` (print media), checked to be a whole PDF."""
    page.emulate_media(media="print")
    try:
        pdf = page.pdf(path=path, format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000
    assert path.stat().st_size == len(pdf)
    return pdf
