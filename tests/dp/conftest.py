from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest


@pytest.fixture
def table(tmp_path: Path) -> Path:
    """2,000 rows: region (three values), amount (0-100), a free-text column."""
    rng = np.random.default_rng(7)
    n = 2000
    path = tmp_path / "sales.csv"
    pl.DataFrame(
        {
            "region": rng.choice(["north", "south", "east"], n),
            "amount": rng.uniform(0, 100, n).round(2),
            "note": ["text"] * n,
        }
    ).write_csv(path)
    return path


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
