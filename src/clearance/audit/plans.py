"""The audit's aggregate plans: each check asks a table's lazy frame for the small aggregate it
needs (equivalence-class counts, record-age counts, key sets, distinct values) and computes its
findings from that, never from the rows.

One code path for both ways a table is held: an in-memory table runs the same plans on
``frame.lazy()``, a table read lazily (a large Parquet file) runs them on its scan. Plans are
collected by Polars' streaming engine, so memory is bounded by the aggregate and a batch of
rows, not by the table."""

from __future__ import annotations

import polars as pl

from clearance.io.columns import column as column_expr

__all__ = ["collect", "collect_all", "distinct_values"]


def collect(plan: pl.LazyFrame) -> pl.DataFrame:
    """``plan`` collected by the streaming engine."""
    return plan.collect(engine="streaming")


def collect_all(plans: list[pl.LazyFrame]) -> list[pl.DataFrame]:
    """Several plans of one table, collected together (common scans shared)."""
    return pl.collect_all(plans, engine="streaming")


def distinct_values(lf: pl.LazyFrame, column: str) -> pl.Series:
    """The distinct values of one column (with null, if any), in no particular order."""
    return collect(lf.select(column_expr(column).unique())).to_series()
