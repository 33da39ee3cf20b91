from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


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
