from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _project_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs in its own folder with a fixed key, so fingerprints are reproducible."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CLEARANCE_KEY", "test-key-0123456789")
    yield
