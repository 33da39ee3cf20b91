"""Sources for ``clearance audit``: tables read from files (databases:
:mod:`clearance.audit.databases`).

Every table is typed Polars data (ints, floats, text, dates, timestamps with and without time
zone, booleans), named so that one audit report can cover many tables at once. A table is held
in memory (a ``DataFrame``) or, for a large Parquet or CSV file, read lazily (a ``LazyFrame``
of ``pl.scan_parquet`` / ``pl.scan_csv``, same schema as the eager read): the checks run the same lazy plans on both
(:mod:`clearance.audit.plans`), and a streamed table is never loaded whole.

Files (CSV, TSV, JSON, JSONL, Parquet, and folders of them, walked like ``io.readers.discover``)
never stop the audit: a missing, empty or corrupt file is returned in ``skipped`` with a one-line
reason, and so is every file that is not in a table format (text, source code, images), whether
named or found in a folder: a file the audit did not read must never look audited.
"""

from __future__ import annotations

import glob
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from clearance.audit.plans import PolarsAggregates, collect
from clearance.io.files import not_regular
from clearance.io.readers import MAX_COLUMNS, discover, kind_of, one_line, read_json

__all__ = [
    "STREAM_BYTES",
    "STREAM_TEXT_BYTES",
    "Skipped",
    "Table",
    "cell_text",
    "load_file",
    "load_files",
    "table_files",
]


_TABLE_KINDS = {"csv", "tsv", "json", "jsonl", "parquet"}
# Files at least this large are read lazily when the caller lets the size decide
# (``streaming=None``). Parquet: about 1 GiB or more once decompressed into memory. CSV/TSV
# takes about its own size in memory, and every plan parses it again, so only larger ones.
STREAM_BYTES = 128 * 1024 * 1024
STREAM_TEXT_BYTES = 1024 * 1024 * 1024


@dataclass(frozen=True)
class Table(PolarsAggregates):
    """One table to audit, held by Polars (its aggregates: :class:`PolarsAggregates`).

    ``name`` is the file stem (made unique with the relative path when two files share a stem) or
    the database table name, ``schema.table`` outside ``public``/``main``. ``origin`` is what
    reports display: the file path, or the masked URI + ``#`` + table name.
    """

    name: str
    origin: str
    data: pl.DataFrame | pl.LazyFrame
    path: Path | None = None
    """The file it was read from (None for a database table): fingerprinted in the report."""

    @property
    def streamed(self) -> bool:
        """Read lazily: never loaded whole by the audit."""
        return isinstance(self.data, pl.LazyFrame)

    def renamed(self, names: Mapping[str, str]) -> Table:
        return replace(self, data=self.data.rename(dict(names)))

    @property
    def lazy(self) -> pl.LazyFrame:
        """The table as a lazy plan: what every check aggregates (one code path for both)."""
        return self.data.lazy()

    @property
    def frame(self) -> pl.DataFrame:
        """The whole table in memory (collected from a lazy source: for callers that need it
        whole, e.g. ``clearance anonymize``; the audit's checks use :attr:`lazy`)."""
        return self.data if isinstance(self.data, pl.DataFrame) else collect(self.data)

    @cached_property
    def schema(self) -> pl.Schema:
        return self.data.collect_schema()

    @property
    def columns(self) -> list[str]:
        return self.schema.names()


    def batches(self, rows: int, limit: int | None = None) -> Iterator[pl.DataFrame]:
        """The first ``limit`` rows (all by default) as frames of exactly ``rows`` rows (the
        last shorter; one empty frame for an empty table), the slices
        :meth:`clearance.scan.scanner.Scanner.scan_frame` takes from an eager frame."""
        lf = self.lazy if limit is None else self.lazy.head(limit)
        pending: list[pl.DataFrame] = []
        held = 0
        sent = False
        for chunk in lf.collect_batches(chunk_size=rows, maintain_order=True, engine="streaming"):
            pending.append(chunk)
            held += chunk.height
            while held >= rows:
                joined = pl.concat(pending, rechunk=False) if len(pending) > 1 else pending[0]
                yield joined.slice(0, rows)
                sent = True
                rest = joined.slice(rows)
                pending, held = ([rest] if rest.height else []), rest.height
        if held or not sent:
            yield pl.concat(pending) if pending else self.schema.to_frame()


Skipped = list[tuple[str, str]]
_NOT_A_TABLE = (
    "not a table file (expected .csv, .tsv, .json, .jsonl, .parquet); not audited "
    "(clearance scan reads text files)"
)


# --------------------------------------------------------------------------------------- files


def load_files(
    paths: Sequence[Path], streaming: bool | None = False
) -> tuple[list[Table], Skipped]:
    """Read every table file under ``paths``; returns (tables, skipped as (origin, reason)).

    ``streaming``: Parquet, CSV and TSV files are read lazily (``True``), in memory
    (``False``), or lazily from :data:`STREAM_BYTES` (Parquet) or :data:`STREAM_TEXT_BYTES`
    (CSV, TSV) on disk (``None``). A Parquet file with nested columns (structs, lists), and
    JSON and JSONL files, are read in memory."""
    files, skipped = table_files(paths)
    tables: list[Table] = []
    for file, name in files:
        table = load_file(file, name, streaming)
        if isinstance(table, str):
            skipped.append((str(file), table))
        else:
            tables.append(table)
    return tables, skipped


def table_files(paths: Sequence[Path]) -> tuple[list[tuple[Path, str]], Skipped]:
    """The table files under ``paths`` with their table names (not read yet), and what is
    skipped as (origin, reason): files that are no table, missing or unreadable paths."""
    skipped: Skipped = []
    found: list[tuple[Path, Path | None]] = []  # (file, folder it was found in, if any)
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files, unlisted = discover([path])
            skipped += unlisted  # unreadable folders, FIFOs, links: never dropped silently
            for f in files:
                if kind_of(f) in _TABLE_KINDS:
                    found.append((f, path))
                else:
                    skipped.append((str(f), _NOT_A_TABLE))
        elif path.is_file():
            if kind_of(path) in _TABLE_KINDS:
                found.append((path, None))
            else:
                skipped.append((str(path), _NOT_A_TABLE))
        else:
            skipped.append((str(path), not_regular(path) or "cannot be read"))

    seen: set[Path] = set()
    unique: list[tuple[Path, Path | None]] = []
    for file, folder in found:  # the same file through two arguments is read once
        key = file.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((file, folder))
    return [(file, name) for (file, _), name in zip(unique, _unique_names(unique), strict=True)], (
        skipped
    )


def load_file(file: Path, name: str, streaming: bool | None = False) -> Table | str:
    """One table file as the table ``name`` (read as :func:`load_files` reads it), or the
    reason it is skipped."""
    try:
        lazy = _scan_lazily(file) if _streams(file, streaming) else None
        data = lazy if lazy is not None else _read_table_file(file)
    except _SkipFile as skip:
        return skip.reason
    return Table(name=name, origin=str(file), data=data, path=file)


class _SkipFile(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _streams(path: Path, streaming: bool | None) -> bool:
    kind = kind_of(path)
    if streaming is False or kind not in ("parquet", "csv", "tsv"):
        return False
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the eager read reports why
    return streaming is True or size >= (STREAM_BYTES if kind == "parquet" else STREAM_TEXT_BYTES)


def _scan_lazily(path: Path) -> pl.LazyFrame | None:
    """A lazy read of a Parquet or CSV/TSV file with the eager read's schema, or ``None`` where
    the eager read must decide (nested columns are flattened to JSON text in memory; an empty,
    unreadable or corrupt file gets the eager read's reason)."""
    kind = kind_of(path)
    try:
        if kind == "parquet":
            lf = pl.scan_parquet(path, glob=False)
        elif _has_content(path):
            lf = pl.scan_csv(path, **_csv_options(kind))
        else:
            return None
        schema = lf.collect_schema()
    except (Exception, pl.exceptions.PanicException):
        return None
    nested = (pl.Struct, pl.List, pl.Array, pl.Object)
    if not 0 < len(schema) <= MAX_COLUMNS or any(isinstance(t, nested) for t in schema.dtypes()):
        return None
    return lf


def _has_content(path: Path) -> bool:
    """Whether the file holds anything but whitespace (reads only as far as the first)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        while head and not head.strip():  # whitespace only so far: read on
            more = handle.read(1 << 20)
            if not more:
                break
            head = b" " if more.strip() == b"" else more
    return bool(head.strip())


def _csv_options(kind: str) -> dict[str, Any]:
    """How CSV and TSV are read, eagerly or lazily."""
    return {
        "separator": "\t" if kind == "tsv" else ",",
        # Text as written: inference would turn postcode "01234" into 1234 and merge
        # distinct values; the checks parse timestamps and numbers themselves.
        "infer_schema": False,
        "encoding": "utf8-lossy",
        "glob": False,  # a file name is a name: sales[2023].csv, not a pattern
    }


def _read_table_file(path: Path) -> pl.DataFrame:
    kind = kind_of(path)
    try:
        if not _has_content(path):
            raise _SkipFile("file is empty")
        if kind in ("csv", "tsv"):
            frame = pl.read_csv(path, **_csv_options(kind))
        elif kind == "jsonl":
            frame = pl.read_ndjson(glob.escape(str(path)), infer_schema_length=None)
        elif kind == "parquet":
            frame = pl.read_parquet(path, glob=False)
        else:
            frame = read_json(path)
    except _SkipFile:
        raise
    except OSError as exc:
        raise _SkipFile(f"cannot read: {exc.strerror or one_line(exc)}") from None
    except (Exception, pl.exceptions.PanicException) as exc:
        raise _SkipFile(f"cannot parse as {kind.upper()}: {one_line(exc)}") from None
    if frame.width == 0:
        raise _SkipFile("no columns")
    if frame.width > MAX_COLUMNS:
        raise _SkipFile(
            f"{frame.width:,} columns (the limit is {MAX_COLUMNS:,}); a table this wide, or a "
            "JSON object keyed by values, is not audited: split or transpose it"
        )
    return _flatten_nested(frame)


def _flatten_nested(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested values (JSON objects and arrays) become JSON text, as JSON columns do in databases."""
    nested = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Struct | pl.List | pl.Array | pl.Object)
    ]
    if not nested:
        return frame
    return frame.with_columns(
        pl.Series(name, [cell_text(v) for v in frame[name].to_list()], dtype=pl.String)
        for name in nested
    )


def _unique_names(found: Sequence[tuple[Path, Path | None]]) -> list[str]:
    """File stems; where two collide, the path relative to its folder argument without suffix,
    then with it, then the path as given without suffix, then with it, then a counter."""

    def candidates(file: Path, folder: Path | None) -> list[str]:
        relative = file.relative_to(folder) if folder is not None else file
        return [
            file.stem,
            relative.with_suffix("").as_posix(),
            relative.as_posix(),
            file.with_suffix("").as_posix(),
            file.as_posix(),
        ]

    options = [candidates(f, d) for f, d in found]
    level = [0] * len(found)
    while True:
        names = [opts[lvl] for opts, lvl in zip(options, level, strict=True)]
        groups: dict[str, list[int]] = {}
        for index, name in enumerate(names):
            groups.setdefault(name, []).append(index)
        clashes = [idx for idx in groups.values() if len(idx) > 1]
        if not clashes:
            return names
        if all(level[i] == len(options[i]) - 1 for idx in clashes for i in idx):
            break
        for idx in clashes:
            for i in idx:
                level[i] = min(level[i] + 1, len(options[i]) - 1)
    counts: dict[str, int] = {}
    result = []
    for name in names:
        counts[name] = counts.get(name, 0) + 1
        result.append(name if counts[name] == 1 else f"{name}#{counts[name]}")
    return result


def cell_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("utf-8", errors="replace")
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return str(value)  # UUID, Decimal, dates, network addresses, ...


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# ------------------------------------------------------------------------------------- errors
