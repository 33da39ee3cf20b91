"""``clearance scan --engine spark``: the local scan's per-batch work in Spark executors.

Each table file is two Spark jobs. The first brings back the probe (the first rows of the
file) on which the driver classifies each column, exactly as the local scan does; the second
runs, in the executors, the local scan's per-batch functions on every chunk of the file
(:func:`clearance.scan.scanner.column_distinct`, the column's engine from
:func:`clearance.scan.scanner.column_engine`) and sends back, per column, only the distinct
values with a match (and the first value). The driver feeds them, in file order, to the same
:class:`~clearance.scan.scanner.Scanner` that builds the local report, so findings, counts, rows
and previews are the local engine's. The fingerprint key never leaves the driver: findings are
fingerprinted there.

Differences from the local engine: an entity column's values are all validated (the local
scan counts them by pattern beyond ``validate_limit``), and a JSON array file and text files
are scanned on the driver by the local code."""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from clearance.core.run import SkippedInput
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.detection.settings import DetectionSettings
from clearance.engines.spark.session import (
    SparkSettings,
    executor_errors,
    failure_kind,
    job_errors,
    spark_session,
)
from clearance.engines.spark.tables import (
    BLOCK,
    CATALOG,
    SPARK_KINDS,
    Chunk,
    chunks,
    read_catalog_table,
    read_table,
)
from clearance.errors import InputError, PolicyError
from clearance.io import readers
from clearance.io.files import shown_path
from clearance.privacy import Fingerprinter
from clearance.scan.columns import ColumnState, Distinct
from clearance.scan.options import ScanOptions
from clearance.scan.report import ScanReport
from clearance.scan.scanner import (
    ProgressFn,
    Scanner,
    column_distinct,
    column_engine,
    context_of,
    safe_column_names,
)

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

_ENGINES: dict[str, Engine] = {}


def _engine(settings: DetectionSettings) -> Engine:
    """The executor's engine, built once per Python worker (one process, no worker pool: Spark
    gives each task its core)."""
    key = repr(settings)
    if key not in _ENGINES:
        _ENGINES[key] = settings.model_copy(update={"workers": 1}).engine()
    return _ENGINES[key]


@dataclass(frozen=True)
class ColumnChunk:
    """What a chunk of a column sends back: its rows and non-empty cells, and the distinct
    values the record needs (the first, then those with a match) with the engine's matches."""

    rows: int
    nonempty: int
    distinct: Distinct
    results: list[list[Match]]
    # set when the column was not in the probe (a JSON key first seen later): how the
    # executor classified it on this chunk
    kind: str | None = None
    entity_rules: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ChunkResult:
    rows: int
    columns: dict[str, ColumnChunk] = field(default_factory=dict)


@dataclass(frozen=True)
class _Job:
    """What the executors need (pickled with the function; holds no key and no value)."""

    name: str
    kind: str
    detection: DetectionSettings
    options: ScanOptions
    states: dict[str, tuple[str, str | None, frozenset[str]]]  # column -> shown, kind, rules


def _column_chunk(engine: Engine, job: _Job, column: str, series: pl.Series) -> ColumnChunk:
    shown, kind, rules = job.states.get(column) or (None, None, frozenset())
    if shown is None:
        names, _ = safe_column_names(engine, [column])
        shown = names[0]
    state = ColumnState(shown, None, kind, set(rules))
    new = kind is None
    if new:
        Scanner(engine, Fingerprinter(b"\0" * 32), job.options).classify_column(
            state, series.head(job.options.probe_rows).to_list()
        )
    distinct = column_distinct(series)
    results = column_engine(engine, state).detect_batch(distinct.values, context_of(state))
    keep = [i for i, ms in enumerate(results) if ms or i == 0]
    return ColumnChunk(
        rows=series.len(),
        nonempty=sum(distinct.counts),
        distinct=Distinct(
            [distinct.values[i] for i in keep],
            [distinct.firsts[i] for i in keep],
            [distinct.counts[i] for i in keep],
        ),
        results=[results[i] for i in keep],
        kind=state.kind if new else None,
        entity_rules=frozenset(state.entity_rules) if new else frozenset(),
    )


def _output(block: int, start: int, payload: object) -> pa.RecordBatch:
    import pyarrow as pa

    return pa.RecordBatch.from_pydict(
        {"block": [block], "start": [start], "payload": [pickle.dumps(payload)]},
        schema=_schema(),
    )


def _schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema([("block", pa.int64()), ("start", pa.int64()), ("payload", pa.binary())])


def _probe_task(job: _Job) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(job.name):
            # the first rows of each block given (a file's first split; each partition of a
            # catalog table): the driver takes the first block's. The rest is not read.
            for chunk in chunks(batches, job.kind, job.options.probe_rows):
                if chunk.start == 0 and chunk.frame.height:
                    yield _output(chunk.block, 0, chunk.frame.head(job.options.probe_rows))
                    return

    return run


def _scan_task(job: _Job) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(job.name):
            engine = _engine(job.detection)
            for chunk in chunks(batches, job.kind, job.options.batch_rows):
                yield _output(chunk.block, chunk.start, _scan_chunk(engine, job, chunk))

    return run


def _scan_chunk(engine: Engine, job: _Job, chunk: Chunk) -> ChunkResult:
    frame = chunk.frame
    return ChunkResult(
        frame.height, {c: _column_chunk(engine, job, c, frame[c]) for c in frame.columns}
    )


def _collect(df: DataFrame, task: Callable[..., Any], source: str) -> list[tuple[int, int, Any]]:
    with job_errors(source):
        rows = df.mapInArrow(task, "block long, start long, payload binary").collect()
    out = [(int(r["block"]), int(r["start"]), pickle.loads(r["payload"])) for r in rows]
    return sorted(out, key=lambda r: (r[0], r[1]))


def _scan_table(
    spark: SparkSession,
    scanner: Scanner,
    path: Path,
    kind: readers.Kind,
    detection: DetectionSettings,
) -> None:
    from pyspark.sql import functions as F

    name = shown_path(path)
    if path.stat().st_size == 0:
        raise InputError(str(path), "file is empty")
    with job_errors(name):
        df = read_table(spark, path, kind)
    scan_frame(scanner, df, df.where(F.col(BLOCK) == 0), name, kind, detection)


def _scan_catalog_table(
    spark: SparkSession, scanner: Scanner, table: str, detection: DetectionSettings
) -> None:
    name = CATALOG + shown_path(table)
    try:
        df = read_catalog_table(spark, table)
    except Exception as exc:  # AnalysisException (no such table) or a name Spark cannot parse
        raise InputError(name, f"not a table of the Spark catalog ({failure_kind(exc)})") from None
    scan_frame(scanner, df, df, name, "parquet", detection)


def scan_frame(
    scanner: Scanner,
    df: DataFrame,
    first: DataFrame,
    name: str,
    kind: readers.Kind,
    detection: DetectionSettings,
    table: str | None = None,
) -> None:
    """``df`` scanned as one table named ``name``; ``first``: where its first rows are (the
    probe on which columns are classified is the first rows of its first block). ``table``:
    the table findings are located in (the audit's table name), if any."""
    job = _Job(name, kind, detection, scanner.opts, {})
    probes = _collect(first, _probe_task(job), name)
    if not probes or probes[0][2].width == 0:
        raise InputError(name, "no rows")
    probe: pl.DataFrame = probes[0][2]
    shown = scanner.scan_column_names(name, table, probe.columns, {})
    states: dict[str, ColumnState] = {}
    for column in probe.columns:
        state = states[column] = ColumnState(shown[column], table)
        scanner.classify_column(state, probe[column].to_list())
    job = _Job(
        name,
        kind,
        job.detection,
        scanner.opts,
        {c: (s.name, s.kind, frozenset(s.entity_rules)) for c, s in states.items()},
    )
    base = 0
    for _, _, result in _collect(df, _scan_task(job), name):
        if set(result.columns) - set(shown):
            shown = scanner.scan_column_names(name, table, list(result.columns), shown)
        for column, part in result.columns.items():
            if column not in states:
                states[column] = ColumnState(
                    shown[column], table, part.kind, set(part.entity_rules)
                )
            state = states[column]
            scanner.record(name, state, part.distinct, part.results, part.rows, base, part.nonempty)
        base += result.rows
        if scanner.progress is not None:
            scanner.progress(name, result.rows)
    scanner.rows += base
    for state in states.values():
        scanner.finish_column(name, state)


def spark_scan_paths(
    paths: Iterable[Path | str],
    *,
    fingerprinter: Fingerprinter,
    spark: SparkSettings | None = None,
    detection: DetectionSettings | None = None,
    options: ScanOptions | None = None,
    progress: ProgressFn | None = None,
    tables: Iterable[str] = (),
) -> ScanReport:
    """:func:`clearance.scan.scan_paths` on Spark (``spark``: where; the local ``local[*]`` by
    default): the same report for the same files. Parquet, CSV, TSV and JSON-lines files are
    read by Spark and scanned in its executors; other files on the driver. ``tables``: tables
    (or views) of the Spark catalog (``db.reviews``), scanned the same way and named
    ``catalog:db.reviews`` in the report; one that does not exist is skipped (listed)."""
    options = options or ScanOptions()
    if options.sample is not None:
        raise PolicyError("a sample of rows is not supported on Spark; scan every row")
    detection = detection or DetectionSettings()
    session = spark_session(spark or SparkSettings())
    scanner = Scanner(detection.engine(), fingerprinter, options, progress)
    files, missing = readers.discover([Path(p) for p in paths])
    for missing_path, reason in missing:
        scanner.skipped.append(SkippedInput(path=shown_path(missing_path), reason=reason))
    for path in files:
        kind = readers.kind_of(path)
        if kind not in SPARK_KINDS:
            scanner.scan_file(path)
            continue
        try:
            _scan_table(session, scanner, path, kind, detection)
            scanner.files += 1
        except InputError as exc:
            scanner.skipped.append(SkippedInput(path=shown_path(exc.source), reason=exc.reason))
    for table in tables:
        try:
            _scan_catalog_table(session, scanner, table, detection)
            scanner.files += 1
        except InputError as exc:
            scanner.skipped.append(SkippedInput(path=exc.source, reason=exc.reason))
    return scanner.report()


__all__ = ["ChunkResult", "ColumnChunk", "scan_frame", "spark_scan_paths"]
