"""``clearance redact --engine spark``: the local redaction's per-batch function in executors.

Per table (:mod:`clearance.engines.spark.tablesets`), the driver plans as the local redact
plans (:func:`clearance.redact.tables.plan_table` on the table's first rows, brought back by a
probe job); the executors run :func:`clearance.redact.tables.apply_plan` on every chunk of the
table through ``mapInArrow`` and Spark writes the result as Parquet (partitioned as the input
was) into a hidden staging folder under OUTDIR. The copies are re-scanned on Spark with the
same engine; only when nothing of a remediated kind remains is each staging folder renamed into
place, its tags sidecar written next to it, and the manifest last. A failed job or re-scan
leaves no output folder.

The key of the pseudonym and encrypt operators reaches the executors as a broadcast variable
(never a Spark conf value or a literal in a plan); the operators the executors apply to spans
come back through an accumulator, for the manifest."""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import polars as pl

from clearance._version import __version__
from clearance.audit.policy import Policy, RedactPolicy, load_policy
from clearance.core.run import SkippedInput
from clearance.detection.engine import Engine
from clearance.engines.spark.scan import _engine, spark_scan_paths
from clearance.engines.spark.session import (
    SparkSettings,
    executor_errors,
    job_errors,
    spark_session,
)
from clearance.engines.spark.tables import BLOCK, FILE, chunks, read_table
from clearance.engines.spark.tablesets import TableSet, table_sets
from clearance.errors import InputError, PolicyError
from clearance.io.files import file_sha256, shown_path
from clearance.io.outputs import output_folder, write_atomic
from clearance.io.tags import run_id, sidecar_path
from clearance.privacy import Fingerprinter
from clearance.redact.manifest import FileEntry, RedactManifest, TagsEntry
from clearance.redact.operators import Keys
from clearance.redact.paths import check_text_fields
from clearance.redact.replace import Replacer
from clearance.redact.rescan import found_of, tally
from clearance.redact.run import MANIFEST, RedactSettings
from clearance.redact.storage import column_tags, output_tags
from clearance.redact.tables import TablePlan, apply_plan, plan_table
from clearance.scan import ScanOptions

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark import Accumulator, Broadcast
    from pyspark.sql import DataFrame, SparkSession

ProgressFn = Callable[[str, int], None]
_PAYLOAD = "block long, start long, payload binary"


@dataclass(frozen=True)
class _Job:
    """What a redaction task needs; pickled with the function. The key is only the broadcast's
    handle (its id), never its bytes."""

    name: str
    kind: str
    detection: Any
    batch_rows: int
    plan: TablePlan
    redact: RedactPolicy
    today: date
    schema: pl.Schema | None  # JSON lines: the table's schema (all rows' keys)
    out: pa.Schema
    key: Broadcast[bytes] | None
    operators: Accumulator[dict[str, str]]


def _payload(block: int, start: int, payload: object) -> pa.RecordBatch:
    import pyarrow as pa

    return pa.RecordBatch.from_pydict(
        {"block": [block], "start": [start], "payload": [pickle.dumps(payload)]},
        schema=pa.schema([("block", pa.int64()), ("start", pa.int64()), ("payload", pa.binary())]),
    )


def _collect(df: DataFrame, task: Callable[..., Any], source: str) -> list[Any]:
    with job_errors(source):
        rows = df.mapInArrow(task, _PAYLOAD).collect()
    out = sorted((int(r["block"]), int(r["start"]), r["payload"]) for r in rows)
    return [pickle.loads(p) for _, _, p in out]


def _schema_task(name: str) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(name):
            for chunk in chunks(batches, "jsonl", 100_000, typed=True):
                yield _payload(chunk.block, chunk.start, chunk.frame.clear())

    return run


def _probe_task(
    name: str, kind: str, schema: pl.Schema | None, rows: int
) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(name):
            for chunk in chunks(batches, kind, rows, typed=True, schema=schema):
                if chunk.block == 0 and chunk.start == 0:
                    yield _payload(0, 0, chunk.frame.head(rows))
                    return

    return run


def _redact_task(job: _Job) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        with executor_errors(job.name):
            engine: Engine = _engine(job.detection)
            key = job.key.value if job.key is not None else None
            replacer = Replacer(job.redact, Keys(key), job.today)
            for chunk in chunks(batches, job.kind, job.batch_rows, typed=True, schema=job.schema):
                out = apply_plan(job.plan, chunk.frame, engine, replacer)
                if out.height:
                    table = out.to_arrow(compat_level=pl.CompatLevel.oldest()).cast(job.out)
                    yield from table.to_batches()
            job.operators.add(dict(replacer.operators))

    return run


def _small(dtype: pa.DataType) -> pa.DataType:
    """Spark's Arrow types: ``string``, ``binary`` and ``list`` where Polars gives large ones."""
    import pyarrow as pa

    if pa.types.is_large_string(dtype) or pa.types.is_string_view(dtype):
        return pa.string()
    if pa.types.is_large_binary(dtype) or pa.types.is_binary_view(dtype):
        return pa.binary()
    if pa.types.is_large_list(dtype) or pa.types.is_list(dtype):
        return pa.list_(_small(dtype.value_type))
    if pa.types.is_struct(dtype):
        return pa.struct([pa.field(f.name, _small(f.type)) for f in dtype])
    return dtype


def _out_schema(frame: pl.DataFrame) -> pa.Schema:
    import pyarrow as pa

    arrow = frame.to_arrow(compat_level=pl.CompatLevel.oldest()).schema
    return pa.schema([pa.field(f.name, _small(f.type)) for f in arrow])


def _operators_accumulator(spark: SparkSession) -> Accumulator[dict[str, str]]:
    from pyspark.accumulators import AccumulatorParam

    class Union(AccumulatorParam[dict[str, str]]):  # type: ignore[misc]
        # a retried task adds the same entries again: a union, not a count
        def zero(self, value: dict[str, str]) -> dict[str, str]:
            return {}

        def addInPlace(self, a: dict[str, str], b: dict[str, str]) -> dict[str, str]:
            a.update(b)
            return a

    return spark.sparkContext.accumulator({}, Union())


@dataclass(frozen=True)
class _Staged:
    table: TableSet
    folder: Path  # hidden staging folder
    target: Path
    plan: TablePlan
    rows: dict[Path, int]  # rows of each input file


def _local_path(uri: str) -> Path:
    return Path(unquote(urlparse(uri).path)).resolve()


def _rows_of(table: TableSet, df: DataFrame, parts: list[Path]) -> dict[Path, int]:
    """Rows of each input file: the copy's rows for one file (from the Parquet footers), else a
    count per file (a job that runs no Python)."""
    import pyarrow.parquet as pq

    if table.single:
        return {table.files[0]: sum(pq.ParquetFile(p).metadata.num_rows for p in parts)}
    with job_errors(table.shown):
        counts = {_local_path(r[FILE]): int(r["count"]) for r in df.groupBy(FILE).count().collect()}
    return {f: counts.get(f.resolve(), 0) for f in table.files}


def _redact_table(
    spark: SparkSession,
    table: TableSet,
    folder: Path,
    engine: Engine,
    replacer: Replacer,
    settings: RedactSettings,
    key: Broadcast[bytes] | None,
) -> tuple[TablePlan, dict[Path, int]]:
    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    name = table.shown
    if table.single and table.root.stat().st_size == 0:
        raise InputError(str(table.root), "file is empty")
    with job_errors(name):
        df = read_table(
            spark, table.root, table.kind, None if table.single else list(table.files), True
        )
    schema = None
    if table.kind == "jsonl":
        # every line's keys in the order first seen, as the local reader infers them
        empties = _collect(df, _schema_task(name), name)
        schema = pl.concat(empties, how="diagonal_relaxed").schema if empties else None
    probe_rows = ScanOptions().probe_rows
    probes = _collect(
        df.where(F.col(BLOCK) == 0), _probe_task(name, table.kind, schema, probe_rows), name
    )
    if not probes or probes[0].height == 0:
        raise InputError(name, "no rows")
    probe: pl.DataFrame = probes[0]
    text_fields = frozenset(settings.text_fields)
    plan = plan_table(probe, name, table.name, engine, replacer, text_fields)
    out = _out_schema(apply_plan(plan, probe, engine, replacer))
    operators = _operators_accumulator(spark)
    job = _Job(
        name,
        table.kind,
        settings.detection,
        settings.batch_rows,
        plan,
        replacer.policy,
        replacer.today,
        schema,
        out,
        key,
        operators,
    )
    partitions = {
        part.split("=", 1)[0]
        for file in table.files
        for part in file.relative_to(table.root).parts[:-1]
        if "=" in part
    }
    by = [c for c in out.names if c in {plan.names.get(p, p) for p in partitions}]
    redacted = df.mapInArrow(_redact_task(job), from_arrow_schema(out))
    with job_errors(name):
        redacted.write.option("compression", "zstd").partitionBy(*by).parquet(str(folder))
    for junk in [*folder.rglob(".*.crc"), *folder.rglob("_SUCCESS")]:
        junk.unlink()
    for entity, op in operators.value.items():
        replacer.operators.setdefault(entity, op)
    return plan, _rows_of(table, df, sorted(folder.rglob("*.parquet")))


def _dataset_sha256(table: TableSet, sha: dict[Path, str | None]) -> str:
    """The input's hash in the tags: the file's, or for a folder of files a hash of each
    file's place and hash."""
    if table.single:
        return sha[table.files[0]] or ""
    digest = hashlib.sha256()
    for file in table.files:
        digest.update(f"{file.relative_to(table.root).as_posix()}\0{sha[file] or ''}\n".encode())
    return digest.hexdigest()


def _publish(folder: Path, target: Path) -> None:
    """The staging folder renamed into place; a copy there from an earlier run is moved aside
    first and removed after."""
    old = None
    if target.exists():
        old = target.with_name(f".clearance-old-{secrets.token_hex(4)}-{target.name}")
        os.replace(target, old)
    os.replace(folder, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def spark_redact_paths(
    paths: Iterable[Path | str],
    outdir: Path | str,
    settings: RedactSettings | None = None,
    *,
    key: bytes | None,
    spark: SparkSettings | None = None,
    progress: ProgressFn | None = None,
) -> RedactManifest:
    """:func:`clearance.redact.redact_paths` on Spark for tables (Parquet, CSV, TSV, JSON
    lines; files, globs, folders): each table's copy is a folder of Parquet files under
    ``outdir``, with the same manifest and tags. Other files are listed as skipped."""
    settings = settings or RedactSettings()
    if settings.parquet_encryption is not None:
        raise PolicyError("Parquet encryption of the copies is not available on Spark yet")
    out = Path(outdir)
    policy = load_policy(settings.policy_path)
    policy_hash = file_sha256(settings.policy_path) if settings.policy_path is not None else None
    tables, skipped = table_sets([Path(p) for p in paths], out)
    output_folder(out)
    in_sha = {f: _sha256_or_none(f) for t in tables for f in t.files}
    run = run_id(
        [
            __version__,
            "spark",
            policy_hash or "",
            policy.purpose,
            *sorted(settings.text_fields),
            *(
                f"{(t.rel / f.relative_to(t.root)).as_posix() if not t.single else t.rel.as_posix()}"
                f"\0{in_sha[f] or ''}"
                for t in tables
                for f in t.files
            ),
        ]
    )
    session = spark_session(spark or SparkSettings())
    # partition values stay text, as the folder names wrote them
    session.conf.set("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
    # Email and email are two columns, as they are locally (the Parquet writer would refuse)
    session.conf.set("spark.sql.caseSensitive", "true")
    engine = settings.detection.engine()
    replacer = Replacer(
        policy.redact,
        Keys(key),
        policy.reference_date or date.today(),
        lambda table: policy.table(table).subject_key or policy.subject_key,
    )
    broadcast = session.sparkContext.broadcast(key) if key else None
    staged: list[_Staged] = []
    columns_seen: set[str] = set()
    try:
        for table in tables:
            target = out / table.rel
            if target.exists() and not target.is_dir():
                skipped.append(
                    SkippedInput(
                        path=table.shown,
                        reason=f"its copy is a folder and {shown_path(target)} is a file",
                    )
                )
                continue
            folder = target.with_name(f".clearance-{secrets.token_hex(6)}-{target.name}")
            try:
                plan, rows = _redact_table(
                    session, table, folder, engine, replacer, settings, broadcast
                )
            except Exception as exc:
                # a failed write job may have left part files: never published, never kept
                shutil.rmtree(folder, ignore_errors=True)
                if not isinstance(exc, InputError):
                    raise  # a policy error in an executor stops the run (exit 4), as locally
                skipped.append(SkippedInput(path=shown_path(exc.source), reason=exc.reason))
                continue
            staged.append(_Staged(table, folder, target, plan, rows))
            columns_seen.update(c.column for c in plan.columns)
            if progress is not None:
                progress(table.rel.name, sum(rows.values()))
        check_text_fields(frozenset(settings.text_fields), columns_seen)
        where = spark or SparkSettings()
        return _finish(staged, skipped, out, settings, replacer, policy, run, in_sha, where)
    finally:
        for item in staged:
            shutil.rmtree(item.folder, ignore_errors=True)
        if broadcast is not None:
            broadcast.destroy()


def _finish(
    staged: list[_Staged],
    skipped: list[SkippedInput],
    out: Path,
    settings: RedactSettings,
    replacer: Replacer,
    policy: Policy,
    run: str,
    in_sha: dict[Path, str | None],
    spark: SparkSettings,
) -> RedactManifest:
    """The re-scan of the staged copies (on Spark), then, when it is clean, the folders
    renamed into place, their tags and the manifest (last)."""
    parts = {item.folder: sorted(item.folder.rglob("*.parquet")) for item in staged}
    every = [p for ps in parts.values() for p in ps]
    found: list[Any] = []
    if every:
        report = spark_scan_paths(
            every,
            fingerprinter=Fingerprinter(secrets.token_bytes(32)),
            spark=spark,
            detection=settings.detection,
        )
        if report.skipped:
            raise InputError(
                report.skipped[0].path,
                "the redacted copy cannot be read back for the re-scan "
                f"({report.skipped[0].reason}); nothing published",
            )
        found = found_of(report.findings)
    kept = {shown_path(p): item.plan.kept for item in staged for p in parts[item.folder]}
    purpose = policy.purpose
    policy_hash = file_sha256(settings.policy_path) if settings.policy_path is not None else None
    rescan = tally(found, kept, replacer.remediated_kinds(), len(every))
    published = rescan.remaining == 0
    text_fields = frozenset(settings.text_fields)
    inputs = [
        FileEntry(path=shown_path(f), sha256=in_sha[f] or file_sha256(f), rows=n)
        for item in staged
        for f, n in item.rows.items()
    ]
    outputs: list[FileEntry] = []
    tags: list[TagsEntry] = []
    for item in staged:
        import pyarrow.parquet as pq

        for part in parts[item.folder]:
            rel = item.target / part.relative_to(item.folder)
            outputs.append(
                FileEntry(
                    path=rel.relative_to(out).as_posix(),
                    sha256=file_sha256(part),
                    rows=pq.ParquetFile(part).metadata.num_rows,
                )
            )
    sidecars: list[tuple[Path, str]] = []
    if published:
        for item in staged:
            text = output_tags(
                purpose=purpose,
                run=run,
                target=item.target,
                outdir=out,
                manifest_name=MANIFEST,
                policy_sha256=policy_hash,
                input_sha256=_dataset_sha256(item.table, in_sha),
                columns=column_tags(item.plan, text_fields, None),
                encryption=None,
            ).to_json()
            side = sidecar_path(item.target)
            sidecars.append((side, text))
            digest = hashlib.sha256(text.encode()).hexdigest()
            tags.append(TagsEntry(path=side.relative_to(out).as_posix(), sha256=digest))
    manifest = RedactManifest(
        version=__version__,
        inputs=inputs,
        outputs=outputs,
        policy_sha256=policy_hash,
        operators=dict(sorted(replacer.operators.items())),
        rescan=rescan,
        published=published,
        skipped=skipped,
        run_id=run,
        purpose=purpose,
        tags=tags,
    )
    if published:
        for item in staged:
            _publish(item.folder, item.target)
        for side, text in sidecars:
            write_atomic(side, text)
    write_atomic(out / MANIFEST, manifest.model_dump_json(indent=2) + "\n")
    return manifest


def _sha256_or_none(path: Path) -> str | None:
    try:
        return file_sha256(path)
    except OSError:
        return None


__all__ = ["spark_redact_paths"]
