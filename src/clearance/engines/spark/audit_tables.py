"""A table of ``audit --engine spark``: the audit's aggregates
(:class:`clearance.audit.plans.AuditTable`) as Spark jobs.

The per-row expressions the checks build (canonical join keys, parsed timestamps' ages,
lowercased texts) are Polars expressions: each executor evaluates them on its Arrow batches
(``mapInArrow``, the same expressions the local engine evaluates), and Spark aggregates their
results (group-bys, joins, counts). Only the aggregates come back to the driver, as Polars
frames, and the checks compute their findings from them exactly as locally. Equivalence
classes are grouped by Spark on the stored columns themselves (a null is one value, NaN one
value and -0.0 the same as 0.0, as in Polars)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clearance.audit.plans import ENTROPY_SCALE, ROWS, ClassSizes, TextHit
from clearance.detection.settings import DetectionSettings
from clearance.engines.spark.session import executor_errors, job_errors
from clearance.engines.spark.tables import BLOCK, FILE, chunks, decode_name, encode_name
from clearance.io import readers
from clearance.io.columns import column as column_expr
from clearance.scan.scanner import Scanner

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import Column, DataFrame

_ORDER = ("_block", "_pos")  # a record's place: its split, then its place in the split
_CHUNK_ROWS = 65_536


def _arrow_schema(schema: pl.Schema) -> pa.Schema:
    """The Arrow schema Spark is given for Polars columns (strings as ``string``: Spark's
    ``mapInArrow`` output is checked against its own types)."""
    import pyarrow as pa

    arrow = pl.DataFrame(schema=schema).to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    return pa.schema(
        [
            pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
            for f in arrow
        ]
    )


def to_polars(df: DataFrame) -> pl.DataFrame:
    """A (small, aggregated) Spark DataFrame on the driver, as Polars."""
    table = df.toArrow()
    out = pl.from_arrow(table)
    assert isinstance(out, pl.DataFrame)
    return out


@dataclass(frozen=True, eq=False)
class SparkTable:
    """One table read by Spark (``df``: columns named as :func:`read_table` names them, with
    the split of each row) as the audit sees it. ``kind``: how the executors read its batches
    (``csv`` and ``tsv`` as text, ``parquet`` typed)."""

    name: str
    origin: str
    df: DataFrame
    kind: readers.Kind
    detection: DetectionSettings
    # the split holding the first rows (a file's starts at byte 0); None: a catalog table,
    # whose partitions have no order (the scan probes its first rows of any)
    first_split: int | None = 0
    path: Path | None = None
    """The file it was read from (None for a catalog table): fingerprinted in the report."""
    _polars_schema: pl.Schema | None = field(default=None, repr=False)

    # ------------------------------------------------------------------ shape

    @cached_property
    def schema(self) -> pl.Schema:
        if self._polars_schema is not None:
            return self._polars_schema
        from pyspark.sql.pandas.types import to_arrow_schema
        from pyspark.sql.types import StructType

        fields = [f for f in self.df.schema.fields if f.name not in (BLOCK, FILE)]
        arrow = to_arrow_schema(StructType(fields))
        empty = pl.from_arrow(arrow.empty_table())
        assert isinstance(empty, pl.DataFrame)
        return pl.Schema({decode_name(n): t for n, t in empty.schema.items()})

    @property
    def columns(self) -> list[str]:
        return self.schema.names()

    @cached_property
    def height(self) -> int:
        with job_errors(self.origin):
            return int(self.df.count())

    def renamed(self, names: Mapping[str, str]) -> SparkTable:
        df = self.df.withColumnsRenamed({encode_name(a): encode_name(b) for a, b in names.items()})
        schema = pl.Schema({names.get(n, n): t for n, t in self.schema.items()})
        out = replace(self, df=df, _polars_schema=schema)
        if "height" in self.__dict__:  # counted once (a Spark job), not again after a rename
            out.__dict__["height"] = self.__dict__["height"]
        return out

    def _col(self, name: str) -> Column:
        from pyspark.sql import functions as F

        return F.col(encode_name(name))

    # ------------------------------------------------------------------ the executors' part

    def derive(self, exprs: Mapping[str, pl.Expr], order: bool = False) -> DataFrame:
        """``exprs`` evaluated by Polars on each batch in the executors, as a Spark DataFrame
        (with ``order``: and each record's place, ``_block`` and ``_pos``)."""
        from pyspark.sql.pandas.types import from_arrow_schema

        schema = self.schema
        named = {n: e.alias(n) for n, e in exprs.items()}
        out = pl.DataFrame(schema=schema).lazy().select(*named.values()).collect_schema()
        if order:
            out = pl.Schema({**out, "_block": pl.Int64(), "_pos": pl.Int64()})
        arrow = _arrow_schema(out)
        task = _derive_task(self.name, self.kind, schema, list(named.values()), order, arrow)
        return self.df.mapInArrow(task, from_arrow_schema(arrow))

    # ------------------------------------------------------------------ AuditTable

    def head(self, column: str, rows: int) -> pl.Series:
        df = self.derive({column: column_expr(column)}, order=True)
        with job_errors(self.origin):
            first = to_polars(df.orderBy(*_ORDER).limit(rows))
        return first.sort(_ORDER).get_column(column)

    def max_abs(self, column: str) -> Any:
        from pyspark.sql import functions as F

        df = self.derive({"v": column_expr(column).abs()})
        v = F.col("v")
        # finite magnitudes only, as locally (Spark's max would return NaN, and infinity is
        # no magnitude)
        finite = ~F.isnan(v) & (v != F.lit(float("inf")))
        valid = F.when(finite, v) if self.schema[column].is_float() else v
        with job_errors(self.origin):
            return df.agg(F.max(valid)).collect()[0][0]

    def distinct(self, column: str) -> pl.Series:
        with job_errors(self.origin):
            values = to_polars(self.df.select(self._col(column)).distinct())
        return values.to_series().rename(column)

    def group_counts(
        self, keys: Mapping[str, pl.Expr], sums: Mapping[str, pl.Expr]
    ) -> pl.DataFrame:
        from pyspark.sql import functions as F

        df = self.derive({**keys, **sums})
        aggs = [F.count(F.lit(1)).alias(ROWS)]
        aggs += [F.coalesce(F.sum(F.col(n).cast("long")), F.lit(0)).alias(n) for n in sums]
        with job_errors(self.origin):
            return to_polars(df.groupBy(*keys).agg(*aggs))

    def class_sizes(self, quasi_identifiers: Sequence[str], sensitive: Sequence[str]) -> ClassSizes:
        from pyspark.sql import functions as F

        qis = [self._col(q) for q in quasi_identifiers]
        size, count, distinct, clogc = "_size", "_count", "_distinct", "_clogc"
        per_sa: list[DataFrame] = []
        for sa in sensitive:
            c = F.col(count).cast("double")
            n = F.col(size).cast("double")
            entropy = F.log(n) - F.col(clogc).cast("double") / ENTROPY_SCALE / n
            per_sa.append(
                self.df.groupBy(*qis, self._col(sa))
                .agg(F.count(F.lit(1)).alias(count))
                .groupBy(*qis)
                .agg(
                    F.sum(count).alias(size),
                    F.count(F.lit(1)).alias(distinct),
                    # exact sums of the rounded terms, as locally (fixed point, 128 bits there)
                    F.sum(F.round(c * F.log(c) * ENTROPY_SCALE).cast("decimal(38,0)")).alias(clogc),
                )
                .select(
                    size,
                    distinct,
                    F.when(F.col(distinct) == 1, F.lit(0.0))
                    .otherwise(F.greatest(entropy, F.lit(0.0)))
                    .alias("_entropy"),
                )
            )
        classes = per_sa[0] if per_sa else self.df.groupBy(*qis).agg(F.count(F.lit(1)).alias(size))
        with job_errors(self.origin):
            histogram = classes.groupBy(size).agg(F.count(F.lit(1)).alias(count)).collect()
            mins = [q.agg(F.min(distinct), F.min("_entropy")).collect()[0] for q in per_sa]
        hist = sorted((int(r[0]), int(r[1])) for r in histogram)
        return hist, [
            (None if d is None else int(d), None if e is None else float(e)) for d, e in mins
        ]

    def key_stats(self, key: pl.Expr) -> tuple[int, int, int]:
        from pyspark.sql import functions as F

        k = F.col("k")
        df = self.derive({"k": key})
        with job_errors(self.origin):
            rows, nulls, distinct = df.agg(
                F.count(F.lit(1)),
                F.coalesce(F.sum(k.isNull().cast("long")), F.lit(0)),
                F.countDistinct(k),
            ).collect()[0]
        # Polars' n_unique counts null as one more value
        return int(rows), int(nulls), int(distinct) + (1 if nulls else 0)

    def _spark_frame(self, frame: pl.DataFrame) -> DataFrame:
        from pyspark.sql.pandas.types import from_arrow_schema

        arrow = frame.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(
            _arrow_schema(frame.schema)
        )
        session = self.df.sparkSession
        return session.createDataFrame(arrow, schema=from_arrow_schema(arrow.schema))

    def match_counts(self, key: pl.Expr, right: pl.DataFrame) -> tuple[int, int, int, int]:
        from pyspark.sql import functions as F

        lookup = self._spark_frame(right.select("_k", "_flag")).withColumn("_found", F.lit(True))
        joined = self.derive({"_k": key}).join(F.broadcast(lookup), on="_k", how="left")
        with job_errors(self.origin):
            rows, nulls, found, flagged = joined.agg(
                F.count(F.lit(1)),
                F.coalesce(F.sum(F.col("_k").isNull().cast("long")), F.lit(0)),
                F.count("_found"),
                F.coalesce(F.sum(F.col("_flag").cast("long")), F.lit(0)),
            ).collect()[0]
        return int(rows), int(nulls), int(found), int(flagged)

    def rows(self, exprs: Mapping[str, pl.Expr]) -> pl.DataFrame:
        with job_errors(self.origin):
            out = to_polars(self.derive(exprs, order=True))
        return out.sort(_ORDER).drop(_ORDER)

    def text_hits(
        self, key: pl.Expr, text: pl.Expr, ids: pl.DataFrame, identities: int
    ) -> list[TextHit]:
        from pyspark.sql import functions as F

        subjects = self._spark_frame(ids.with_columns(pl.col("_subject_row").cast(pl.Int64)))
        joined = self.derive({"_k": key, "_text": text}, order=True).join(
            subjects, on="_k", how="inner"
        )
        aggs: list[Column] = []
        for i in range(identities):
            ident = F.col(f"_id{i}")
            hit = (F.char_length(ident) >= 3) & F.coalesce(
                F.col("_text").contains(ident), F.lit(False)
            )
            first = F.struct(F.col("_subject_row"), *map(F.col, _ORDER), ident.alias("v"))
            aggs += [
                F.coalesce(F.sum(hit.cast("long")), F.lit(0)),
                F.min(F.when(hit, first)).getField("v"),
            ]
        with job_errors(self.origin):
            row = joined.agg(*aggs).collect()[0]
        return [(int(row[2 * i]), row[2 * i + 1]) for i in range(identities)]

    # ------------------------------------------------------------------ the scan

    def scan_into(self, scanner: Scanner) -> None:
        """The detection engine over every column, by the Spark scan (``--engine spark`` of
        ``clearance scan``): findings located at this table."""
        from pyspark.sql import functions as F

        from clearance.engines.spark.scan import scan_frame

        first = self.df
        if self.first_split is not None:
            first = self.df.where(F.col(BLOCK) == F.lit(self.first_split))
        scan_frame(scanner, self.df, first, self.origin, self.kind, self.detection, self.name)
        scanner.files += 1


def _derive_task(
    where: str,
    kind: str,
    schema: pl.Schema,
    exprs: list[pl.Expr],
    order: bool,
    arrow: pa.Schema,
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(where + ": per-row expression"):
            for chunk in chunks(batches, kind, _CHUNK_ROWS, typed=True, schema=schema):
                frame = chunk.frame
                if frame.width == 0 and frame.height == 0:
                    continue
                out = frame.select(exprs)
                if order:
                    out = out.with_columns(
                        pl.lit(chunk.block, pl.Int64).alias("_block"),
                        pl.int_range(chunk.start, chunk.start + out.height, dtype=pl.Int64).alias(
                            "_pos"
                        ),
                    )
                table = out.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(arrow)
                yield from table.to_batches()

    return run


__all__ = ["SparkTable", "to_polars"]
