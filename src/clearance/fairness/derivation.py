"""Sensitive attributes derived from a source column, as the fairness policy declares them:
a value map (``personal_status_sex`` A92 -> female) or explicit numeric bins (age ``[0, 25)`` ->
``<25``). The definitions are validated when the policy is read; ``derive_column`` applies one."""

from __future__ import annotations

import math
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, Field, model_validator

from clearance.errors import InputError
from clearance.io.columns import column as col_of

__all__ = ["Bins", "Derivation", "derive_column"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bins(_Model):
    """Numeric bins with explicit closure: ``closed="left"`` gives ``[a, b)``, ``"right"``
    gives ``(a, b]``. ``edges`` increase strictly (``inf`` / ``-inf`` allowed) and there is one
    label per interval."""

    edges: list[float] = Field(min_length=2)
    labels: list[str] = Field(min_length=1)
    closed: Literal["left", "right"]

    @model_validator(mode="after")
    def _check(self) -> Bins:
        if any(math.isnan(e) for e in self.edges):
            raise ValueError("bin edges must be numbers, not NaN")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("bin edges must increase strictly")
        if len(self.labels) != len(self.edges) - 1:
            raise ValueError(
                f"{len(self.edges)} edges make {len(self.edges) - 1} bins but "
                f"{len(self.labels)} labels were given"
            )
        if len(set(self.labels)) != len(self.labels):
            raise ValueError("bin labels must be distinct")
        return self

    def intervals(self) -> list[str]:
        """Each bin as text, e.g. ``[25, inf) -> >=25``."""
        out = []
        for (low, high), label in zip(
            zip(self.edges, self.edges[1:], strict=False), self.labels, strict=True
        ):
            left, right = ("[", ")") if self.closed == "left" else ("(", "]")
            out.append(f"{left}{_number(low)}, {_number(high)}{right} -> {label}")
        return out


class Derivation(_Model):
    """A sensitive attribute derived from one source column: either ``map`` (value -> group;
    source values are compared as text) or ``bins`` (numeric source)."""

    source: str = Field(min_length=1)
    map: dict[str, str] | None = None
    bins: Bins | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Derivation:
        if (self.map is None) == (self.bins is None):
            raise ValueError("a derivation needs exactly one of 'map' or 'bins'")
        if self.map is not None and not self.map:
            raise ValueError("'map' must not be empty")
        return self

    def definition(self) -> list[str]:
        if self.map is not None:
            return [f"{key} -> {value}" for key, value in self.map.items()]
        assert self.bins is not None
        return self.bins.intervals()


def _number(value: float) -> str:
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return str(int(value)) if float(value).is_integer() else str(value)


def derive_column(frame: pl.DataFrame, source: str, name: str, derivation: Derivation) -> pl.Series:
    """The attribute ``name`` derived from ``frame`` (``source`` names the table in messages);
    a value the definition does not cover is an InputError with a count, never the value."""
    column = derivation.source
    if column not in frame.columns:
        raise InputError(source, f"no source (for derived attribute {name!r}) column {column!r}")
    values = frame.get_column(column)
    if values.dtype.is_float():
        values = values.fill_nan(None)  # NaN is a missing value, not a number to bin or map
    if derivation.map is not None:
        text = values.cast(pl.String)
        derived = text.replace_strict(derivation.map, default=None, return_dtype=pl.String)
    else:
        bins = derivation.bins
        assert bins is not None
        if not values.dtype.is_numeric():
            raise InputError(
                source, f"column {column!r} is {values.dtype}, but binning needs numbers"
            )
        expr: pl.Expr = pl.lit(None, dtype=pl.String)
        for (low, high), label in reversed(
            list(zip(zip(bins.edges, bins.edges[1:], strict=False), bins.labels, strict=True))
        ):
            x = col_of(column)
            inside = (x >= low) & (x < high) if bins.closed == "left" else (x > low) & (x <= high)
            expr = pl.when(inside).then(pl.lit(label)).otherwise(expr)
        numbers = values.cast(pl.Float64)
        derived = pl.DataFrame({column: numbers}).select(expr.alias(name)).to_series()
    unmapped = int((derived.is_null() & values.is_not_null()).sum())
    if unmapped:
        what = "value map" if derivation.map is not None else "bins"
        raise InputError(
            source,
            f"column {column!r}: {unmapped} row(s) have values that the {what} of derived "
            f"attribute {name!r} does not cover; extend the definition",
        )
    return derived.alias(name)
