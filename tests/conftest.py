from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="session", autouse=True)
def _hyperscan_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One Hyperscan database cache for the session, never in the real home (session-wide and
    set first: module fixtures build engines before a test's own fixtures run)."""
    folder = tmp_path_factory.mktemp("hyperscan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(folder))
        yield folder


@pytest.fixture(autouse=True)
def _project_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs in its own folder with a fixed key, so fingerprints are reproducible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLEARANCE_KEY", "test-key-0123456789")
    # lineage goes to the test's own folder only: never to a backend the machine configures
    for name in (
        "CLEARANCE_LINEAGE",
        "CLEARANCE_LINEAGE_URL",
        "CLEARANCE_LINEAGE_TIMEOUT",
        "OPENLINEAGE_URL",
        "OPENLINEAGE_DISABLED",
        "OPENLINEAGE_ENDPOINT",
        "OPENLINEAGE_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)
    yield


# --- the browser of the HTML-report and dashboard tests: Debian's Chromium, driven by Playwright.
# One session fixture for every folder: Playwright's sync API refuses a second instance in the
# thread while one is open (tests/e2e and tests/server each had their own and failed in one run).

DEFAULT_CHROMIUM = Path("/usr/bin/chromium")


def _no_browser(reason: str) -> None:
    hint = 'install one with `eval "$(./scripts/chromium)"` or point CLEARANCE_CHROMIUM at it'
    message = f"browser tests of the HTML report: {reason}; {hint}"
    if os.environ.get("CLEARANCE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{message} (CLEARANCE_REQUIRE_BROWSER=1 requires them)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
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


@pytest.fixture(scope="session")
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
