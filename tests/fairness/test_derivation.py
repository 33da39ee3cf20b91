"""Derived sensitive attributes (``clearance.fairness.derivation``)."""

from __future__ import annotations

import polars as pl
import pytest
from pydantic import ValidationError

from clearance.errors import InputError
from clearance.fairness.derivation import Bins, Derivation, derive_column


def test_derivation_definitions_are_validated() -> None:
    with pytest.raises(ValidationError, match="exactly one of 'map' or 'bins'"):
        Derivation(source="age")
    with pytest.raises(ValidationError, match="exactly one"):
        Derivation(
            source="age", map={"1": "a"}, bins=Bins(edges=[0, 1], labels=["x"], closed="left")
        )
    with pytest.raises(ValidationError, match="increase strictly"):
        Bins(edges=[0, 25, 25], labels=["a", "b"], closed="left")
    with pytest.raises(ValidationError, match="3 edges make 2 bins but 1 labels"):
        Bins(edges=[0, 25, 99], labels=["a"], closed="left")
    with pytest.raises(ValidationError, match="closed"):
        Bins.model_validate({"edges": [0, 1], "labels": ["a"]})  # closure must be explicit
    parsed = Derivation.model_validate(
        {
            "source": "age",
            "bins": {"edges": [0, 25, "inf"], "labels": ["<25", ">=25"], "closed": "left"},
        }
    )
    assert parsed.bins is not None and parsed.bins.edges[-1] == float("inf")


def test_derive_column_names_a_missing_source_column() -> None:
    frame = pl.DataFrame({"age": [20, 30]})
    derivation = Derivation(source="birth_year", map={"1990": "a"})
    with pytest.raises(InputError) as err:
        derive_column(frame, "data.csv", "cohort", derivation)
    assert str(err.value) == (
        "data.csv: no source (for derived attribute 'cohort') column 'birth_year'"
    )
    bins = Bins(edges=[0, 25, float("inf")], labels=["<25", ">=25"], closed="left")
    derived = derive_column(frame, "data.csv", "age_group", Derivation(source="age", bins=bins))
    assert derived.name == "age_group" and derived.to_list() == ["<25", ">=25"]
