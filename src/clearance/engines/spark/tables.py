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
FILE = "__clearance_file"  # the file a row was read from (redact counts each input's rows)
# Spark reads a quoted empty CSV cell ("") as null, as an unquoted one; the local reader keeps
# it as "". Read as this mark instead, and turned back into "" in the executor.
EMPTY = "\x00clearance-empty\x00"
LINE = "value"  # the one column of Spark's text source
# read by Spark's own readers; a JSON array file (parsed whole) and text files stay on the driver
SPARK_KINDS = frozenset({"csv", "tsv", "parquet", "jsonl"})


def read_table(
    spark: SparkSession,
    path: Path,
    kind: readers.Kind,
    files: list[Path] | None = None,
    with_file: bool = False,
) -> DataFrame:
    """``path`` as a DataFrame with the split each row was read in (column ``BLOCK``). CSV is
    read as text with a header row, as the local reader does; JSON lines as lines, parsed in
    the executor by Polars (Spark would sort the keys and infer other types). With ``files``:
    those files of the folder ``path`` as one table (its ``key=value`` subfolders are partition
    columns, as text); ``with_file``: also the column ``FILE`` (the file's URI)."""
    from pyspark.sql import functions as F

    reader: Any = spark.read
    names: list[str] = [str(path)]
    if files is not None:
        reader = reader.option("basePath", str(path))
        names = [str(f) for f in files]
    df: Any
    if kind in ("csv", "tsv"):
        df = (
            reader.option("header", "true")
            .option("inferSchema", "false")
            .option("sep", "\t" if kind == "tsv" else ",")
            .option("escape", '"')
            .option("multiLine", "true")
            .option("mode", "FAILFAST")
            .option("emptyValue", EMPTY)
            .csv(names)
        )
    elif kind == "parquet":
        df = reader.parquet(*names)
    else:
        df = reader.text(names)
    extra = [F.col("_metadata.file_block_start").alias(BLOCK)]
    if with_file:
        extra.append(F.col("_metadata.file_path").alias(FILE))
    columns = list(df.columns)
    if kind in ("csv", "tsv"):
        header = _csv_header(files[0] if files else path, kind)
        if header is not None and len(header) <= len(columns):
            columns[: len(header)] = header
    names = [encode_name(c) for c in columns]
    out: DataFrame = df.toDF(*names).select("*", *extra)
    return out


CATALOG = "catalog:"
"""How a table of the Spark catalog is named in reports (``catalog:db.reviews``)."""


def read_catalog_table(spark: SparkSession, name: str) -> DataFrame:
    """The table (or view) ``name`` of the Spark catalog as a DataFrame like
    :func:`read_table`'s: typed columns as stored (Arrow, made strings in the executor as a
    Parquet file's are), each partition a block. A catalog table has no file order: its rows
    are numbered partition by partition, in the order this read gives them."""
    from pyspark.sql import functions as F

    df: Any = spark.table(name)
    names = [encode_name(c) for c in df.columns]
    out: DataFrame = df.toDF(*names).select("*", F.spark_partition_id().cast("long").alias(BLOCK))
    return out


def _csv_header(path: Path, kind: readers.Kind) -> list[str] | None:
    """The column names the local reader gives (Spark renames a duplicate, ``a`` and ``A``
    included, by appending its place: ``a0``, ``A1``); ``None`` when Polars cannot tell."""
    try:
        schema = pl.scan_csv(
            path,
            separator="\t" if kind == "tsv" else ",",
            infer_schema=False,
            encoding="utf8-lossy",
            glob=False,
            n_rows=1,
        ).collect_schema()
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    return list(schema)


# PySpark hands mapInArrow its input columns by name (``df[name]``), which reads ``a.b`` as a
# field of ``a`` and compares names without case: a column named by data (``jane.doe@x.com``,
# ``Email`` beside ``email``) would fail the job. Each column travels under its name in hex
# (positional renaming, no lookup) and gets it back in the executor.
_NAMED = "__clearance_h_"


def encode_name(name: str) -> str:
    return _NAMED + name.encode("utf-8", "surrogatepass").hex()


def decode_name(name: str) -> str:
    if not name.startswith(_NAMED):
        return name
    return bytes.fromhex(name[len(_NAMED) :]).decode("utf-8", "surrogatepass")


@dataclass(frozen=True)
class Chunk:
    """Consecutive rows of one split, as all-string columns; ``start``: the first row's place
    in the split."""

    block: int
    start: int
    frame: pl.DataFrame


def _frame(table: pa.Table, kind: str, typed: bool, schema: pl.Schema | None) -> pl.DataFrame:
    if kind == "jsonl":
        lines = [line for line in table.column(LINE).to_pylist() if line and line.strip()]
        if not lines:
            return pl.DataFrame(schema=schema)
        data = io.BytesIO("\n".join(lines).encode())
        frame = (
            pl.read_ndjson(data, schema=schema)
            if schema is not None
            else pl.read_ndjson(data, infer_schema_length=None)
        )
    else:
        frame = pl.DataFrame(table)
        if kind in ("csv", "tsv"):
            frame = frame.with_columns(pl.col(pl.String).replace(EMPTY, ""))
    return frame if typed else readers.as_strings(frame)


def chunks(
    batches: Iterator[pa.RecordBatch],
    kind: str,
    rows: int,
    typed: bool = False,
    schema: pl.Schema | None = None,
) -> Iterator[Chunk]:
    """The executor's Arrow batches (one partition: one or more splits, each in order) as
    chunks of at most ``rows`` rows of one split: all-string columns as the scan reads them,
    or with ``typed`` as stored (as redact reads them; JSON lines parsed with ``schema``)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pending: list[pa.RecordBatch] = []
    block, start, held = -1, 0, 0

    def flush() -> Chunk | None:
        if not pending:
            return None
        table = pa.Table.from_batches(pending)
        table = table.drop_columns([c for c in (BLOCK, FILE) if c in table.column_names])
        table = table.rename_columns([decode_name(c) for c in table.column_names])
        return Chunk(block, start, _frame(table, kind, typed, schema))

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


__all__ = [
    "BLOCK",
    "CATALOG",
    "FILE",
    "SPARK_KINDS",
    "Chunk",
    "chunks",
    "decode_name",
    "encode_name",
    "read_catalog_table",
    "read_table",
]
