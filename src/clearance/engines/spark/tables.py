"""Tables on Spark: a file read into a DataFrame that keeps where each row came from (the split
of the file it was read in), and, inside an executor, that DataFrame's Arrow batches as the
all-string Polars batches the local readers give (:func:`clearance.io.readers.as_strings`).

Rows are numbered as the local engine numbers them: a split is read in order, so a row's
number in its file is its place in its split plus the rows of the splits before it
(``file_block_start`` orders the splits)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clearance.io import readers

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

BLOCK = "__clearance_block"
LINE = "value"  # the one column of Spark's text source
# read by Spark's own readers; a JSON array file (parsed whole) and text files stay on the driver
SPARK_KINDS = frozenset({"csv", "tsv", "parquet", "jsonl"})


def read_table(spark: SparkSession, path: Path, kind: readers.Kind) -> DataFrame:
    """``path`` as a DataFrame with the split each row was read in (column ``BLOCK``). CSV is
    read as text with a header row, as the local reader does; JSON lines as lines, parsed in
    the executor by Polars (Spark would sort the keys and infer other types)."""
    from pyspark.sql import functions as F

    reader = spark.read
    name = str(path)
    df: Any
    if kind in ("csv", "tsv"):
        df = (
            reader.option("header", "true")
            .option("inferSchema", "false")
            .option("sep", "\t" if kind == "tsv" else ",")
            .option("escape", '"')
            .option("multiLine", "true")
            .option("mode", "FAILFAST")
            .csv(name)
        )
    elif kind == "parquet":
        df = reader.parquet(name)
    else:
        df = reader.text(name)
    out: DataFrame = df.select("*", F.col("_metadata.file_block_start").alias(BLOCK))
    return out


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of one split, as all-string columns; ``start``: the first row's place
    in the split."""

    block: int
    start: int
    frame: pl.DataFrame


def _strings(table: pa.Table, kind: str) -> pl.DataFrame:
    if kind == "jsonl":
        lines = [line for line in table.column(LINE).to_pylist() if line and line.strip()]
        if not lines:
            return pl.DataFrame()
        frame = pl.read_ndjson(io.BytesIO("\n".join(lines).encode()), infer_schema_length=None)
        return readers.as_strings(frame)
    return readers.as_strings(pl.DataFrame(table))


def chunks(batches: Iterator[pa.RecordBatch], kind: str, rows: int) -> Iterator[Chunk]:
    """The executor's Arrow batches (one partition: one or more splits, each in order) as
    chunks of at most ``rows`` rows of one split."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pending: list[pa.RecordBatch] = []
    block, start, held = -1, 0, 0

    def flush() -> Chunk | None:
        if not pending:
            return None
        table = pa.Table.from_batches(pending).drop_columns([BLOCK])
        return Chunk(block, start, _strings(table, kind))

    for batch in batches:
        blocks = batch.column(BLOCK)
        # a batch may hold the end of one split and the start of the next
        for value in dict.fromkeys(blocks.to_pylist()):
            part = batch.filter(pc.equal(blocks, value))
            if value != block or held >= rows:
                done = flush()
                if done is not None:
                    yield done
                start = start + held if value == block else 0
                block, held, pending = value, 0, []
            pending.append(part)
            held += part.num_rows
    done = flush()
    if done is not None:
        yield done


__all__ = ["BLOCK", "SPARK_KINDS", "Chunk", "chunks", "read_table"]
