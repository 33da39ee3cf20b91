"""Golden files of the report renderers (``tests/reports/golden/``).

``CLEARANCE_UPDATE_GOLDEN=1 pytest tests/reports`` rewrites them; a test in that mode is
reported as skipped, never as passed: comparing a file with what was just written into it
proves nothing. Review the diff, then run again without the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
UPDATE = "CLEARANCE_UPDATE_GOLDEN"


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE) == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"{name} rewritten (CLEARANCE_UPDATE_GOLDEN=1); review it, rerun without")
    assert path.exists(), f"{path} is missing; run with CLEARANCE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; CLEARANCE_UPDATE_GOLDEN=1"
