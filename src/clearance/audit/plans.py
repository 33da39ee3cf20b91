"""The audit's aggregate plans: each check asks a table's lazy frame for the small aggregate it
needs (equivalence-class counts, record-age counts, key sets, distinct values) and computes its
findings from that, never from the rows.

One code path for both ways a table is held: an in-memory table runs the same plans on
``frame.lazy()``, a table read lazily (a large Parquet or CSV file) runs them on its scan. A
lazily read table's plans are collected by Polars' streaming engine, so memory is bounded by the
aggregate and a batch of rows, not by the table; an in-memory table's by the in-memory engine
(a fifth of the fixed cost per query, which counts with thousands of small tables). The plans
give the same result on both engines (``tests/audit/test_streaming.py``)."""

from __future__ import annotations

import polars as pl

from clearance.io.columns import column as column_expr

__all__ = ["collect", "collect_all", "distinct_values", "streams"]


def collect(plan: pl.LazyFrame, streaming: bool = True) -> pl.DataFrame:
    """``plan`` collected by the streaming engine (by the in-memory one for a plan over an
    in-memory table: ``streaming=False``)."""
    return plan.collect(engine="streaming" if streaming else "in-memory")


def collect_all(plans: list[pl.LazyFrame], streaming: bool = True) -> list[pl.DataFrame]:
    """Several plans of one table, collected together (common scans shared)."""
    return pl.collect_all(plans, engine="streaming" if streaming else "in-memory")


def streams(data: pl.DataFrame | pl.LazyFrame) -> bool:
    """Whether plans over ``data`` are collected by the streaming engine (a lazy source)."""
    return isinstance(data, pl.LazyFrame)


def distinct_values(data: pl.DataFrame | pl.LazyFrame, column: str) -> pl.Series:
    """The distinct values of one column (with null, if any), in no particular order."""
    plan = data.lazy().select(column_expr(column).unique())
    return collect(plan, streams(data)).to_series()
