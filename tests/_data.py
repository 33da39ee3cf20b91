"""Shared test data locations: German credit lives in ../shared/data next to the repository (or
CLEARANCE_GERMAN_DATA); tests that need it skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.demo.german import default_german_path


def german_path() -> Path:
    path = default_german_path()
    if not path.is_file():
        pytest.skip(f"German credit data not present at {path} (set CLEARANCE_GERMAN_DATA)")
    return path
