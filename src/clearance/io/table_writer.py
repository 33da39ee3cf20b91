"""Tables written batch by batch (memory bounded by the batch), as ``redact`` writes its copies
and ``retention apply`` its rewritten files."""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

import polars as pl

from clearance.io import readers


class TableWriter:
    """Writes batches one after another to ``tmp`` in ``kind``'s format: the same bytes as
    one write of the whole table for CSV, TSV and JSONL (the header once); Parquet gets a row
    group per batch and ``metadata`` (the tags, :func:`clearance.io.tags.parquet_metadata`) in
    its footer on :meth:`close`. JSON is one document: one batch only."""

    def __init__(self, tmp: Path, kind: readers.Kind) -> None:
        self.tmp, self.kind = tmp, kind
        self.fh: IO[bytes] | None = None
        self.parquet: Any = None
        self.schema: Any = None
        self.metadata: dict[bytes, bytes] = {}  # Parquet key-value metadata (the tags)

    def write(self, frame: pl.DataFrame) -> None:
        if self.kind == "parquet":
            import pyarrow.parquet as pq

            table = frame.to_arrow()
            if self.parquet is None:
                self.schema = table.schema
                self.parquet = pq.ParquetWriter(self.tmp, table.schema, compression="zstd")
            self.parquet.write_table(table.cast(self.schema))
            return
        if self.kind == "json":
            frame.write_json(self.tmp)
            return
        first = self.fh is None
        if self.fh is None:
            self.fh = self.tmp.open("wb")
        if self.kind == "jsonl":
            frame.write_ndjson(self.fh)
        else:
            sep = "\t" if self.kind == "tsv" else ","
            frame.write_csv(self.fh, separator=sep, include_header=first)

    def close(self) -> None:
        if self.parquet is not None:
            if self.metadata:
                self.parquet.add_key_value_metadata(self.metadata)
            self.parquet.close()
        if self.fh is not None:
            self.fh.close()
