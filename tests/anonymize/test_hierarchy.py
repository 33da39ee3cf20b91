from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from clearance.anonymize.hierarchy import Coder, coder_for
from clearance.audit.policy import Hierarchy
from clearance.errors import InputError, PolicyError


def _per_partition(
    coder: Coder, lo: list[int], hi: list[int], **kw: object
) -> tuple[list[str | None], list[float]]:
    texts, ncp, index = coder.generalize(np.array(lo), np.array(hi), **kw)  # type: ignore[arg-type]
    return [texts[i] for i in index], [float(ncp[i]) for i in index]


def _show(
    column: str, values: pl.Series, hierarchy: Hierarchy | None, lo: int, hi: int
) -> str | None:
    coder = coder_for(column, values, hierarchy, "t.csv", "p.yaml")
    return _per_partition(coder, [lo], [hi])[0][0]


def test_numbers_in_text_are_numeric_and_ranges_print_as_brackets() -> None:
    values = pl.Series(["34", "31", "38", "45"])
    coder = coder_for("age", values, None, "t.csv", "p.yaml")
    assert coder.kind == "numeric"
    shown, ncp = _per_partition(coder, [0, 0], [2, 0])
    assert shown == ["[31-38]", "31"]
    assert ncp == pytest.approx([7 / 14, 0.0])


def test_a_bin_width_snaps_ranges_to_multiples() -> None:
    values = pl.Series([31, 34, 38, 45])
    assert _show("age", values, Hierarchy(type="numeric", width=10), 0, 0) == "[30-39]"
    assert _show("age", values, Hierarchy(type="numeric", width=10), 0, 1) == "[30-49]"


def test_leading_zeros_are_codes_not_numbers() -> None:
    coder = coder_for("code", pl.Series(["0123", "0456", "789"]), None, "t.csv", "p.yaml")
    assert coder.kind == "category"


def test_postcode_by_name_generalizes_to_a_prefix() -> None:
    values = pl.Series(["02139", "02134", "02210"])
    coder = coder_for("zip", values, None, "t.csv", "p.yaml")
    assert coder.kind == "postcode"
    shown, ncp = _per_partition(coder, [0, 0, 1], [1, 2, 1])
    assert shown == ["0213*", "02*", "02139"]
    assert ncp == pytest.approx([2 / 3, 1.0, 0.0])


def test_postcode_digits_cap_what_is_shown() -> None:
    values = pl.Series(["02139", "02134", "02210"])
    assert _show("zip", values, Hierarchy(type="postcode", digits=3), 0, 0) == "021*"


def test_dates_by_granularity() -> None:
    values = pl.Series([date(1980, 3, 4), date(1980, 3, 30), date(1982, 7, 1)])
    assert _show("dob", values, None, 0, 1) == "[1980-03-04..1980-03-30]"
    month = Hierarchy(type="date", granularity="month")
    assert _show("dob", values, month, 0, 0) == "1980-03"
    assert _show("dob", values, month, 0, 1) == "[1980-03..1982-07]"
    assert _show("dob", values, Hierarchy(type="date", granularity="year"), 0, 1) == "[1980..1982]"


def test_categories_without_groups_show_the_set_or_star() -> None:
    coder = coder_for("sex", pl.Series(["F", "M", "X"]), None, "t.csv", "p.yaml")
    members = [np.array([0, 1]), np.array([0, 1, 2])]
    shown, ncp = _per_partition(coder, [0, 0], [1, 2], members=lambda: members)
    assert (shown, ncp) == _per_partition(coder, [0, 0], [1, 2], masks=np.array([0b11, 0b111]))
    assert shown == ["{F,M}", "*"]
    assert ncp == pytest.approx([2 / 3, 1.0])


def test_groups_generalize_to_the_smallest_group_holding_the_range() -> None:
    groups = {
        "skilled": ["A173", "A174"],
        "unskilled": ["A171", "A172"],
        "any": ["skilled", "unskilled"],
    }
    values = pl.Series(["A171", "A172", "A173", "A174"])
    coder = coder_for("job", values, Hierarchy(type="category", groups=groups), "t.csv", "p.yaml")
    # depth-first order of the tree: A173, A174 (skilled), A171, A172 (unskilled)
    shown, ncp = _per_partition(coder, [0, 2, 1, 3], [1, 3, 2, 3])
    assert shown == ["skilled", "unskilled", "any", "A172"]
    assert ncp == pytest.approx([0.5, 0.5, 1.0, 0.0])


def test_a_value_in_no_group_is_a_policy_error_without_the_value() -> None:
    groups = {"skilled": ["A173"]}
    with pytest.raises(PolicyError) as err:
        coder_for(
            "job",
            pl.Series(["A173", "SECRET-9"]),
            Hierarchy(type="category", groups=groups),
            "t.csv",
            "p.yaml",
        )
    assert "1 value(s)" in str(err.value) and "SECRET-9" not in str(err.value)


def test_cyclic_groups_are_refused() -> None:
    groups = {"a": ["b"], "b": ["a"]}
    with pytest.raises(PolicyError, match="cycle"):
        coder_for(
            "job", pl.Series(["x"]), Hierarchy(type="category", groups=groups), "t.csv", "p.yaml"
        )


@pytest.mark.parametrize(
    ("kind", "values"), [("numeric", ["a", "b"]), ("date", ["1980-13-45", "x"])]
)
def test_a_hierarchy_that_does_not_fit_the_type_is_exit_4(kind: str, values: list[str]) -> None:
    with pytest.raises(PolicyError, match=f"type {kind} does not fit column"):
        coder_for("col", pl.Series(values), Hierarchy(type=kind), "t.csv", "p.yaml")  # type: ignore[arg-type]


def test_nested_values_are_refused() -> None:
    with pytest.raises(InputError, match="nested"):
        coder_for("tags", pl.Series([[1], [2]]), None, "t.csv", "p.yaml")


def test_a_null_is_its_own_value_and_mixed_with_values_shows_star() -> None:
    coder = coder_for("age", pl.Series([None, 30.0, 40.0]), None, "t.csv", "p.yaml")
    shown, ncp = _per_partition(coder, [0, 0, 1], [0, 1, 2])
    assert shown == [None, "*", "[30-40]"]
    assert ncp == [0.0, 1.0, 1.0]


@pytest.mark.parametrize("values", [["1", "inf"], [1.0, float("inf")]])
def test_infinity_is_not_a_number_to_range(values: list[object]) -> None:
    assert coder_for("x", pl.Series(values), None, "t.csv", "p.yaml").kind == "category"
    with pytest.raises(PolicyError, match="type numeric does not fit"):
        coder_for("x", pl.Series(values), Hierarchy(type="numeric"), "t.csv", "p.yaml")
