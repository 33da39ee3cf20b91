"""clearance.io.columns: a column by its exact name, even one Polars would read as a pattern."""

from __future__ import annotations

import polars as pl
import pytest

from clearance.io.columns import column, columns

NAMES = ["^.*$", "^a$", "^(x|y)+$", "plain", "^not anchored", "a$", "^\\d{3}$", "^[é]$"]


@pytest.mark.parametrize("name", NAMES)
def test_a_column_is_selected_by_its_exact_name(name: str) -> None:
    frame = pl.DataFrame({n: [i, i] for i, n in enumerate(NAMES)} | {"x": [9, 9]})
    picked = frame.select(column(name))
    assert picked.columns == [name]
    assert picked.to_series().to_list() == [NAMES.index(name)] * 2
    assert frame.group_by(columns([name])).len().columns == [name, "len"]
