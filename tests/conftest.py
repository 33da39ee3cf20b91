from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def _hyperscan_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Hyperscan database cache for the session (compiled once, never in the real home)."""
    return tmp_path_factory.mktemp("hyperscan-cache")


@pytest.fixture(autouse=True)
def _project_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _hyperscan_cache: Path
) -> Iterator[None]:
    """Every test runs in its own folder with a fixed key, so fingerprints are reproducible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLEARANCE_KEY", "test-key-0123456789")
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(_hyperscan_cache))
    yield
