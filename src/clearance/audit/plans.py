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

A streamed table's aggregates that grow with its distinct values (equivalence classes, key sets,
joins with the subjects) run in *passes*: each pass keeps the rows whose grouping or join key
hashes to it, so every class or key lies whole in one pass and the passes' results add up to
the one-pass result exactly. Polars' streaming group-by and join hold their whole state in
memory (no spilling): at 50M rows and 15.5M classes one k-anonymity group-by peaked at 4.4 GB,
in 8 passes at 0.8 GB for 40% more CPU (each pass reads the columns again). One pass per
:data:`PASS_KEYS` distinct values.

Per-row expressions (``key``, ``keys``, ``sums`` below) are Polars expressions over the table's
columns: the canonical join key, a parsed timestamp's age. They are data, so both drivers
evaluate exactly the same ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
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
    "streams",
]

ROWS = "rows"
_SIZE = "__clearance_class_size"
_COUNT = "__clearance_count"
_ENTROPY = "__clearance_entropy"
_DISTINCT = "__clearance_distinct"
_CLOGC = "__clearance_c_log_c"
# distinct values (classes, keys) per aggregate pass of a streamed table (see the module
# docstring): about 1.1 GB of hash table at the 265 bytes a 4-column class took
PASS_KEYS = 4_000_000
_PASS_SEED = 0x5EED  # any fixed seed: passes must split a table the same way for each plan
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


def _in_pass(by: Sequence[pl.Expr], i: int, passes: int) -> pl.Expr:
    """Whether a row's ``by`` values fall in pass ``i`` of ``passes`` (a hash, so equal values
    share a pass whatever table or frame they are in)."""
    return pl.struct(*by).hash(_PASS_SEED) % passes == i


def _passes_for(distinct: int) -> int:
    return max(1, -(-distinct // PASS_KEYS))


def _split(data: pl.LazyFrame, by: Sequence[pl.Expr], passes: int) -> list[pl.LazyFrame]:
    """``data`` as ``passes`` disjoint parts by ``by`` (itself when one pass)."""
    if passes == 1:
        return [data]
    return [data.filter(_in_pass(by, i, passes)) for i in range(passes)]


class PolarsAggregates:
    """The local driver of :class:`AuditTable`'s aggregates: Polars lazy plans over ``data``."""

    data: pl.DataFrame | pl.LazyFrame

    @property
    def _streamed(self) -> bool:
        return streams(self.data)

    @cached_property
    def height(self) -> int:
        """Rows, counted once (a lazy Parquet source answers from its metadata; a streamed CSV
        is parsed to the end, so never twice)."""
        if isinstance(self.data, pl.DataFrame):
            return self.data.height
        return int(collect(self.data.select(pl.len())).item())

    def _passes(self, data: pl.LazyFrame, by: Sequence[pl.Expr]) -> int:
        """How many passes an aggregate of ``data`` grouped by ``by`` takes (module docstring):
        one for an in-memory table (its rows are in memory anyway) and for a table of at most
        :data:`PASS_KEYS` rows; else one per :data:`PASS_KEYS` distinct values of ``by``, as
        estimated by HyperLogLog (one read of those columns, 1.5 s of CPU at 50M rows: a table
        with few distinct values, such as record ages, is not read again and again)."""
        if not self._streamed or self.height <= PASS_KEYS:
            return 1
        estimate = self._collect(data.select(pl.struct(*by).hash(_PASS_SEED).approx_n_unique()))
        return _passes_for(int(estimate.item()))

    def _join_passes(self, right: pl.DataFrame) -> int:
        """Passes of a join of this table with ``right`` on its keys: its hash table holds
        ``right``, whose size is known."""
        return _passes_for(right.height) if self._streamed else 1

    def _collect(self, plan: pl.LazyFrame) -> pl.DataFrame:
        return collect(plan, self._streamed)

    def _collect_passes(self, plans: list[pl.LazyFrame]) -> pl.DataFrame:
        """The passes' results, one after another (never together: that is the point)."""
        parts = [self._collect(p) for p in plans]
        return parts[0] if len(parts) == 1 else pl.concat(parts)

    def head(self, column: str, rows: int) -> pl.Series:
        return self._collect(self.data.lazy().select(column_expr(column)).head(rows)).to_series()

    def max_abs(self, column: str) -> Any:
        col = column_expr(column)
        plan = self.data.lazy().select(col.abs().filter(col.is_finite()).max())
        return self._collect(plan).item()

    def distinct(self, column: str) -> pl.Series:
        col = column_expr(column)
        lf = self.data.lazy()
        parts = _split(lf, [col], self._passes(lf, [col]))
        return self._collect_passes([p.select(col.unique()) for p in parts]).to_series()

    def group_counts(
        self, keys: Mapping[str, pl.Expr], sums: Mapping[str, pl.Expr]
    ) -> pl.DataFrame:
        selected = self.data.lazy().select(
            *(e.alias(n) for n, e in keys.items()), *(e.alias(n) for n, e in sums.items())
        )
        by = [pl.col(n) for n in keys]
        parts = _split(selected, by, self._passes(selected, by) if by else 1)
        return self._collect_passes(
            [
                p.group_by(list(keys)).agg(pl.len().alias(ROWS), *(pl.col(n).sum() for n in sums))
                for p in parts
            ]
        )

    def class_sizes(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str]) -> ClassSizes:
        # Only aggregates leave the engine: the histogram of class sizes and, per sensitive
        # attribute, the smallest distinct count and entropy. The classes themselves (up to one
        # per record) stay inside the streaming group-by, a part of them per pass.
        qis = list(quasi_identifiers)
        sizes: dict[int, int] = {}
        lows: list[list[tuple[Any, Any]]] = [[] for _ in sensitive]
        data = self.data.lazy()
        by = column_exprs(qis)
        for lf in _split(data, by, self._passes(data, by)):
            per_sa = [_sensitive_classes(lf, qis, sa) for sa in sensitive]
            classes = (
                per_sa[0] if per_sa else lf.group_by(column_exprs(qis)).agg(pl.len().alias(_SIZE))
            )
            histogram, *mins = collect_all(
                [
                    classes.group_by(_SIZE).agg(pl.len().alias(_COUNT)),
                    *(q.select(pl.col(_DISTINCT, _ENTROPY).min()) for q in per_sa),
                ],
                self._streamed,
            )
            for size, n in histogram.iter_rows():
                sizes[int(size)] = sizes.get(int(size), 0) + int(n)
            for low, m in zip(lows, mins, strict=True):
                low.append(m.row(0))
        # a pass without rows has no minimum (None); the table's is the least of the others'
        return sorted(sizes.items()), [_least(low) for low in lows]

    def key_stats(self, key: pl.Expr) -> tuple[int, int, int]:
        k = pl.col("k")
        keys = self.data.lazy().select(key.alias("k"))
        parts = _split(keys, [k], self._passes(keys, [k]))
        stats = self._collect_passes(
            [
                p.select(
                    pl.len().cast(pl.Int64).alias("rows"),
                    k.null_count().cast(pl.Int64).alias("nulls"),
                    k.n_unique().cast(pl.Int64).alias("distinct"),
                )
                for p in parts
            ]
        ).sum()
        rows, nulls, distinct = stats.row(0)
        return int(rows), int(nulls), int(distinct)

    def match_counts(self, key: pl.Expr, right: pl.DataFrame) -> tuple[int, int, int, int]:
        flag = pl.col("_flag")
        by = [pl.col("_k")]
        passes = self._join_passes(right)
        lefts = _split(self.data.lazy().select(key.alias("_k")), by, passes)
        rights = _split(right.lazy().with_columns(pl.lit(True).alias("_found")), by, passes)
        counts = self._collect_passes(
            [
                left.join(found, on="_k", how="left").select(
                    pl.len().cast(pl.Int64).alias(ROWS),
                    pl.col("_k").is_null().sum().cast(pl.Int64).alias("nulls"),
                    pl.col("_found").is_not_null().sum().cast(pl.Int64).alias("found"),
                    flag.fill_null(False).sum().cast(pl.Int64).alias("flagged"),
                )
                for left, found in zip(lefts, rights, strict=True)
            ]
        ).sum()
        rows, nulls, found, flagged = counts.row(0)
        return int(rows), int(nulls), int(found), int(flagged)

    def rows(self, exprs: Mapping[str, pl.Expr]) -> pl.DataFrame:
        return self._collect(self.data.lazy().select(*(e.alias(n) for n, e in exprs.items())))

    def text_hits(
        self, key: pl.Expr, text: pl.Expr, ids: pl.DataFrame, identities: int
    ) -> list[TextHit]:
        by = [pl.col("_k")]
        passes = self._join_passes(ids)
        texts_of = _split(
            self.data.lazy()
            .with_row_index("_row")
            .select("_row", key.alias("_k"), text.alias("_text")),
            by,
            passes,
        )
        ids_of = _split(ids.lazy(), by, passes)
        texts = pl.col("_text")
        order = ["_subject_row", "_row"]
        # per identity: how many texts hold it, and the first of them (the first subject in
        # the subject table, then that subject's first text: the preview of the finding),
        # with its place so the passes' firsts can be compared
        found: list[list[tuple[int, Any, Any, Any]]] = [[] for _ in range(identities)]
        for part_texts, part_ids in zip(texts_of, ids_of, strict=True):
            joined = part_texts.join(part_ids, on="_k", how="inner")
            plans = []
            for i in range(identities):
                ident = pl.col(f"_id{i}")
                hit = (ident.str.len_chars() >= 3) & texts.str.contains(
                    ident, literal=True
                ).fill_null(False)
                firsts = [
                    c.sort_by(order).first() for c in (pl.col(order[0]), pl.col(order[1]), ident)
                ]
                plans.append(joined.filter(hit).select(pl.len(), *firsts))
            for i, r in enumerate(collect_all(plans, self._streamed)):
                found[i].append(r.row(0))
        return [_first_hit(parts) for parts in found]


def _least(values: list[tuple[Any, Any]]) -> tuple[Any, Any]:
    """The least distinct count and the least entropy of the passes' (None: a pass of no rows)."""
    return tuple(  # type: ignore[return-value]
        min((v for v in column if v is not None), default=None)
        for column in zip(*values, strict=True)
    )


def _first_hit(parts: list[tuple[int, Any, Any, Any]]) -> TextHit:
    """The passes' (count, subject row, row, identity) as one: the counts added, the first by
    subject row then row."""
    count = sum(int(p[0]) for p in parts)
    hits = [p for p in parts if p[0]]
    if not hits:
        return count, None
    first = min(hits, key=lambda p: (p[1], p[2]))
    return count, first[3]


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

    def renamed(self, names: Mapping[str, str]) -> Polars:
        return Polars(self.data.rename(dict(names)), self.name, self.origin)
