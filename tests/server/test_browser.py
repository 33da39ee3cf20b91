"""The dashboard in a real browser: Debian's Chromium driven by Playwright against a real
uvicorn server on a free loopback port. An approver signs in, opens the audit, approves it and
sees its training gate turn green; a viewer sees no approve form, and a forged approval from
the viewer's page is refused. Nothing is loaded from anywhere but the server, and the page
runs no script."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import uvicorn

from clearance.evidence import open_store
from clearance.server import create_app
from tests.server.conftest import EVIL, PASSWORD, World

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(world: World, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    store = tmp_path / "evidence.db"
    store.write_bytes(Path(world.store).read_bytes())
    port = _free_port()
    config = uvicorn.Config(
        create_app(str(store), policy=world.policy),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", store
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def _page(browser: Browser, base: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    elsewhere: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(base) else elsewhere.append(r.url))
    return page, elsewhere


def _sign_in(page: Page, base: str, name: str) -> None:
    page.goto(f"{base}/runs")
    assert page.get_by_role("button", name="Sign in").is_visible()
    page.get_by_label("User").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/runs")


def test_an_approver_approves_and_the_gate_turns_green(
    browser: Browser, server: tuple[str, Path], world: World
) -> None:
    base, store = server
    page, elsewhere = _page(browser, base)
    _sign_in(page, base, "dpo")
    assert page.locator("nav.top .who").inner_text() == "dpo (approver)"
    page.get_by_role("link", name="Approvals").click()
    page.get_by_role("link", name=world.audit_run).click()
    page.wait_for_url(f"{base}/runs/{world.audit_run}")
    gate = page.locator("section#gate p.gate")
    assert gate.get_attribute("data-gate") == "fail"
    assert "no approval of run" in page.locator("section#gate ul.missing").inner_text()
    page.get_by_label("Role").select_option("privacy-officer")
    page.get_by_label("Comment").fill("reviewed the audit <b>ok</b>")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{base}/runs/{world.audit_run}#gate")
    assert gate.get_attribute("data-gate") == "pass"
    assert gate.locator(".badge").inner_text() == "PASS"
    assert "privacy-officer" in page.locator("section#gate").inner_text()
    page.get_by_role("link", name="Approvals").click()
    assert "Nothing waits for an approval." in page.locator("table.gates").inner_text()
    page.get_by_role("link", name="Gates").click()
    assert page.locator("table.gates .badge").first.inner_text() == "PASS"
    approval = open_store(str(store)).entries()[-1].record
    assert approval["user"] == "dpo" and approval["summary"]["approves"] == world.audit_run
    assert elsewhere == []


def test_a_viewer_cannot_approve(browser: Browser, server: tuple[str, Path], world: World) -> None:
    base, store = server
    page, elsewhere = _page(browser, base)
    _sign_in(page, base, "vic")
    page.goto(f"{base}/runs/{world.audit_run}")
    assert page.locator("section#gate p.gate").get_attribute("data-gate") == "fail"
    assert page.locator("section#approve").count() == 0
    assert page.get_by_role("button", name="Approve").count() == 0
    csrf = page.locator('input[name="csrf"]').first.get_attribute("value")
    before = open_store(str(store)).count()
    # the viewer's own session, its own CSRF token, a hand-made form post: still refused
    answer = page.request.post(
        f"{base}/runs/{world.audit_run}/approve",
        form={"role": "privacy-officer", "comment": "sneaky", "csrf": csrf or ""},
    )
    assert answer.status == 403
    assert open_store(str(store)).count() == before
    page.reload()
    assert page.locator("section#gate p.gate").get_attribute("data-gate") == "fail"
    assert elsewhere == []


def test_the_fairness_page_shows_its_charts(
    browser: Browser, server: tuple[str, Path], world: World
) -> None:
    base, _ = server
    page, elsewhere = _page(browser, base)
    _sign_in(page, base, "vic")
    page.get_by_role("link", name="Fairness").click()
    page.wait_for_url(f"{base}/fairness")
    page.get_by_role("link", name=world.fairness_run).click()
    page.wait_for_url(f"{base}/fairness/{world.fairness_run}")
    charts = page.locator("svg.chart")
    assert charts.count() >= 2
    chart = charts.first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 50
    # one bar per group, each with its interval's whisker, drawn (not zero-sized)
    assert chart.locator("rect.rate, rect.rate-ref").count() >= 2
    whisker = chart.locator("line.err").first.bounding_box()
    assert whisker is not None and whisker["width"] > 0
    # the group names from data are text, never markup: no element was made from them
    assert page.locator("b").count() == 0 and page.locator("script").count() == 0
    assert EVIL in page.locator("table.groups").inner_text()  # shown as text
    assert elsewhere == []
