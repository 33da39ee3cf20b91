"""Shared test data locations: German credit lives where ``clearance demo`` reads it
(CLEARANCE_GERMAN_DATA, else ../shared/data next to the repository). Tests that need it skip when it is absent, unless
``CLEARANCE_REQUIRE_GERMAN_DATA=1`` (set by CI), which makes them fail instead: the real-data
oracle tests must never skip quietly where the data is expected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.cli.app import german_data_path

REQUIRE_VAR = "CLEARANCE_REQUIRE_GERMAN_DATA"


def german_path() -> Path:
    """The German credit file; skips, or fails under ``CLEARANCE_REQUIRE_GERMAN_DATA=1``."""
    path = german_data_path()
    if not path.is_file():
        message = f"German credit data not present at {path} (set CLEARANCE_GERMAN_DATA)"
        if os.environ.get(REQUIRE_VAR) == "1":
            pytest.fail(f"{message}; {REQUIRE_VAR}=1 requires it", pytrace=False)
        pytest.skip(message)
    return path


# For tests that read German credit through ``german_data_path`` themselves: skipped without
# the data, except under CLEARANCE_REQUIRE_GERMAN_DATA=1, where they run and fail on the missing
# file.
needs_german = pytest.mark.skipif(
    not german_data_path().is_file() and os.environ.get(REQUIRE_VAR) != "1",
    reason="German credit data not present (set CLEARANCE_GERMAN_DATA)",
)


def german_workspace(folder: Path) -> tuple[Path, Path, Path]:
    """German credit as CSV, the demo's credit model trained on it (skops) and the German
    fairness policy, written into ``folder``: (data, model, policy)."""
    from clearance.demo.german import load_german, train_credit_model
    from clearance.fairness.policy import GERMAN_POLICY

    frame = load_german(german_path())
    data = folder / "german.csv"
    frame.write_csv(data)
    model = train_credit_model(frame, folder / "model.skops")
    policy = folder / "fairness.yaml"
    policy.write_text(GERMAN_POLICY)
    return data, model, policy
