"""Join keys: one canonical text for every comparison the audit makes across tables."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from clearance.audit.keys import KeyTypeError, join_key


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        (pl.Series("k", [42, -7, 0, None]), ["42", "-7", "0", None]),
        (
            pl.Series("k", ["0042", " 42 ", "+42", "-007", "000", ""]),
            ["42", "42", "42", "-7", "0", None],
        ),
        (pl.Series("k", ["U0042", " u0042", "a b", "4 2"]), ["U0042", "u0042", "a b", "4 2"]),
        (pl.Series("k", [42.0, 1.5, None]), ["42", "1.5", None]),
        (pl.Series("k", ["42"], dtype=pl.Categorical), ["42"]),
    ],
)
def test_keys_are_canonical_text(series: pl.Series, expected: list[str | None]) -> None:
    out = join_key(series)
    assert out.to_list() == expected
    assert out.name == series.name and out.dtype == pl.String


def test_text_and_integer_keys_compare_equal() -> None:
    assert join_key(pl.Series(["0042", "7"])).to_list() == join_key(pl.Series([42, 7])).to_list()


@pytest.mark.parametrize(
    "series",
    [
        pl.Series("k", [True, False]),
        pl.Series("k", [date(2026, 1, 1)]),
        pl.Series("k", [[1, 2]]),
        pl.Series("k", [b"\x00"]),
    ],
)
def test_types_that_are_not_keys_are_refused_with_the_column_named(series: pl.Series) -> None:
    with pytest.raises(KeyTypeError, match=r"users\.user_id is of type"):
        join_key(series, "users.user_id")
