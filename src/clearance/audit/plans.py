"""The audit's aggregates: what every check asks a table for (equivalence-class sizes,
record-age counts, key sets, distinct values, join counts), never the rows.

:class:`AuditTable` is the one engine-neutral interface the checks use; the checks compute their
findings from the small frames it returns, so there is one code path for findings and one
driver per engine. :class:`PolarsAggregates` is the local driver: each aggregate is a Polars
lazy plan. An in-memory table runs the plans on ``frame.lazy()``, a table read lazily (a large
Parquet or CSV file) on its scan; a lazily read table's plans are collected by Polars' streaming
engine, so memory is bounded by the aggregate and a batch of rows, not by the table; an
in-memory table's by the in-memory engine (a fifth of the fixed cost per query, which counts
with thousands of small tables). The plans give the same result on both engines
(``tests/audit/test_streaming.py``). The Spark driver (``clearance.engines.spark.audit``) runs
the same Polars expressions on each Arrow batch in the executors and aggregates with Spark.

Per-row expressions (``key``, ``keys``, ``sums`` below) are Polars expressions over the table's
columns: the canonical join key, a parsed timestamp's age. They are data, so both drivers
evaluate exactly the same ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from clearance.io.columns import column as column_expr
from clearance.io.columns import columns as column_exprs

__all__ = [
    "AuditTable",
    "ClassSizes",
    "Polars",
    "PolarsAggregates",
    "TextHit",
    "collect",
    "collect_all",
    "distinct_values",
    "streams",
]

ROWS = "rows"
_SIZE = "__clearance_class_size"
_COUNT = "__clearance_count"
_ENTROPY = "__clearance_entropy"
_DISTINCT = "__clearance_distinct"
_CLOGC = "__clearance_c_log_c"
ENTROPY_SCALE = 2.0**60  # fixed point for the entropy sums: c ln c < 2**37 for any c < 2**32

# (class size, number of classes) by size; per sensitive attribute (fewest distinct values in a
# class, smallest entropy in a class), None for an empty table
ClassSizes = tuple[list[tuple[int, int]], list[tuple[int | None, float | None]]]
# how many texts contain their author's identity, and the first such identity
TextHit = tuple[int, Any]


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


class AuditTable(Protocol):
    """A table as the audit's checks see it, whatever engine holds it: its shape and the small
    aggregates the checks need. Every method returns driver-side Polars data."""

    @property
    def name(self) -> str: ...

    @property
    def origin(self) -> str: ...

    @property
    def path(self) -> Path | None:
        """The file it was read from (None for a database or catalog table)."""
        ...

    @property
    def schema(self) -> pl.Schema:
        """The columns and their Polars types (what the per-row expressions are built for)."""
        ...

    @property
    def columns(self) -> list[str]: ...

    @property
    def height(self) -> int: ...

    def renamed(self, names: Mapping[str, str]) -> AuditTable:
        """The same table with columns renamed (``old -> new``)."""
        ...

    def head(self, column: str, rows: int) -> pl.Series:
        """The first ``rows`` values of ``column``, in table order."""
        ...

    def max_abs(self, column: str) -> Any:
        """The largest finite magnitude in a numeric column (None when it has none: NaN and
        infinities are no magnitude)."""
        ...

    def distinct(self, column: str) -> pl.Series:
        """The distinct values of ``column`` (with null, if any), in no particular order."""
        ...

    def group_counts(
        self, keys: Mapping[str, pl.Expr], sums: Mapping[str, pl.Expr]
    ) -> pl.DataFrame:
        """One row per distinct value of ``keys`` (null is a value): the keys, ``rows`` (how
        many records) and the sum of each of ``sums`` (boolean or integer), in no order."""
        ...

    def class_sizes(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str]) -> ClassSizes:
        """The equivalence classes over ``quasi_identifiers`` as a histogram of their sizes,
        and per sensitive attribute the fewest distinct values and smallest entropy (natural
        log) of one class (see :mod:`clearance.audit.anonymity`)."""
        ...

    def key_stats(self, key: pl.Expr) -> tuple[int, int, int]:
        """(rows, null keys, distinct keys with null counted as one) of a key expression."""
        ...

    def match_counts(self, key: pl.Expr, right: pl.DataFrame) -> tuple[int, int, int, int]:
        """Each record's ``key`` looked up in ``right`` (unique ``_k``, boolean ``_flag``):
        (rows, null keys, keys found, keys found with ``_flag`` true)."""
        ...

    def rows(self, exprs: Mapping[str, pl.Expr]) -> pl.DataFrame:
        """``exprs`` over every record, in table order (for a table of subjects)."""
        ...

    def text_hits(
        self, key: pl.Expr, text: pl.Expr, ids: pl.DataFrame, identities: int
    ) -> list[TextHit]:
        """Texts that contain their author's identity: each record's ``key`` and lowercased
        ``text`` joined with ``ids`` (``_subject_row``, ``_k``, lowercased ``_id0``...); per
        identity, how many texts contain it (3 characters or more) and the first such
        identity by subject row, then by record."""
        ...


def _sensitive_classes(lf: pl.LazyFrame, qis: list[str], sa: str) -> pl.LazyFrame:
    """One row per equivalence class: its size, its distinct values of ``sa`` and their entropy.

    Two group-bys of plain sums (no per-group expressions), so it stays vectorised. The entropy
    is ``ln n - sum(c ln c) / n`` over the counts ``c`` of each value in a class of ``n``
    records; the ``c ln c`` terms are summed as 128-bit fixed-point integers (exact sums of the
    float terms), so the result does not depend on the order of the rows.
    """
    count = pl.col(_COUNT).cast(pl.Float64)
    n = pl.col(_SIZE).cast(pl.Float64)
    entropy = n.log() - pl.col(_CLOGC).cast(pl.Float64) / ENTROPY_SCALE / n
    return (
        lf.group_by(column_exprs([*qis, sa]))
        .agg(pl.len().alias(_COUNT))
        .group_by(column_exprs(qis))
        .agg(
            pl.col(_COUNT).sum().alias(_SIZE),
            pl.len().alias(_DISTINCT),
            (count * count.log() * ENTROPY_SCALE).round().cast(pl.Int128).sum().alias(_CLOGC),
        )
        .select(
            _SIZE,
            _DISTINCT,
            pl.when(pl.col(_DISTINCT) == 1)
            .then(0.0)
            .otherwise(entropy.clip(lower_bound=0.0))
            .alias(_ENTROPY),
        )
    )


class PolarsAggregates:
    """The local driver of :class:`AuditTable`'s aggregates: Polars lazy plans over ``data``."""

    data: pl.DataFrame | pl.LazyFrame

    @property
    def _streamed(self) -> bool:
        return streams(self.data)

    def _collect(self, plan: pl.LazyFrame) -> pl.DataFrame:
        return collect(plan, self._streamed)

    def head(self, column: str, rows: int) -> pl.Series:
        return self._collect(self.data.lazy().select(column_expr(column)).head(rows)).to_series()

    def max_abs(self, column: str) -> Any:
        col = column_expr(column)
        plan = self.data.lazy().select(col.abs().filter(col.is_finite()).max())
        return self._collect(plan).item()

    def distinct(self, column: str) -> pl.Series:
        return distinct_values(self.data, column)

    def group_counts(
        self, keys: Mapping[str, pl.Expr], sums: Mapping[str, pl.Expr]
    ) -> pl.DataFrame:
        plan = (
            self.data.lazy()
            .select(*(e.alias(n) for n, e in keys.items()), *(e.alias(n) for n, e in sums.items()))
            .group_by(list(keys))
            .agg(pl.len().alias(ROWS), *(pl.col(n).sum() for n in sums))
        )
        return self._collect(plan)

    def class_sizes(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str]) -> ClassSizes:
        # Only aggregates leave the engine: the histogram of class sizes and, per sensitive
        # attribute, the smallest distinct count and entropy. The classes themselves (up to one
        # per record) stay inside the streaming group-by.
        lf = self.data.lazy()
        qis = list(quasi_identifiers)
        per_sa = [_sensitive_classes(lf, qis, sa) for sa in sensitive]
        classes = per_sa[0] if per_sa else lf.group_by(column_exprs(qis)).agg(pl.len().alias(_SIZE))
        histogram, *mins = collect_all(
            [
                classes.group_by(_SIZE).agg(pl.len().alias(_COUNT)).sort(_SIZE),
                *(q.select(pl.col(_DISTINCT, _ENTROPY).min()) for q in per_sa),
            ],
            self._streamed,
        )
        hist = [(int(s), int(n)) for s, n in histogram.iter_rows()]
        return hist, [m.row(0) for m in mins]

    def key_stats(self, key: pl.Expr) -> tuple[int, int, int]:
        k = pl.col("k")
        rows, nulls, distinct = self._collect(
            self.data.lazy()
            .select(key.alias("k"))
            .select(pl.len(), k.null_count().alias("nulls"), k.n_unique().alias("distinct"))
        ).row(0)
        return int(rows), int(nulls), int(distinct)

    def match_counts(self, key: pl.Expr, right: pl.DataFrame) -> tuple[int, int, int, int]:
        flag = pl.col("_flag")
        counts = self._collect(
            self.data.lazy()
            .select(key.alias("_k"))
            .join(right.lazy().with_columns(pl.lit(True).alias("_found")), on="_k", how="left")
            .select(
                pl.len().alias(ROWS),
                pl.col("_k").is_null().sum().alias("nulls"),
                pl.col("_found").is_not_null().sum().alias("found"),
                flag.fill_null(False).sum().alias("flagged"),
            )
        ).row(0)
        rows, nulls, found, flagged = counts
        return int(rows), int(nulls), int(found), int(flagged)

    def rows(self, exprs: Mapping[str, pl.Expr]) -> pl.DataFrame:
        return self._collect(self.data.lazy().select(*(e.alias(n) for n, e in exprs.items())))

    def text_hits(
        self, key: pl.Expr, text: pl.Expr, ids: pl.DataFrame, identities: int
    ) -> list[TextHit]:
        joined = (
            self.data.lazy()
            .with_row_index("_row")
            .select("_row", key.alias("_k"), text.alias("_text"))
            .join(ids.lazy(), on="_k", how="inner")
        )
        texts = pl.col("_text")
        plans = []
        for i in range(identities):
            ident = pl.col(f"_id{i}")
            hit = (ident.str.len_chars() >= 3) & texts.str.contains(ident, literal=True).fill_null(
                False
            )
            # the first of them (the first subject in the subject table, then that subject's
            # first text): the preview of the finding
            first = ident.sort_by(["_subject_row", "_row"]).first()
            plans.append(joined.filter(hit).select(pl.len(), first.alias("first")))
        return [r.row(0) for r in collect_all(plans, self._streamed)]


@dataclass(frozen=True)
class Polars(PolarsAggregates):
    """Polars data (in memory or lazy) as :class:`AuditTable` aggregates, for the helpers that
    take a frame (``clearance retention apply``, ``clearance anonymize``)."""

    data: pl.DataFrame | pl.LazyFrame
    name: str = "data"
    origin: str = "data"
    path: Path | None = None

    @property
    def columns(self) -> list[str]:
        return self.data.collect_schema().names()

    @property
    def schema(self) -> pl.Schema:
        return self.data.collect_schema()

    @property
    def height(self) -> int:
        return int(self._collect(self.data.lazy().select(pl.len())).item())

    def renamed(self, names: Mapping[str, str]) -> Polars:
        return Polars(self.data.rename(dict(names)), self.name, self.origin)
