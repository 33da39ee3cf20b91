"""``clearance audit --engine spark``: the same audit, its tables held by Spark.

The tables and their names are those of the local audit
(:func:`clearance.audit.sources.table_files`); each CSV, TSV or Parquet file is read by Spark
into a :class:`~clearance.engines.spark.audit_tables.SparkTable`, whose aggregates run as Spark
jobs, and the same :func:`clearance.audit.auditor.audit_dataset` runs the same checks on them:
one code path for the findings, two drivers. The detection engine's scan of every column is the
Spark scan (``scan --engine spark``, in the executors through ``mapInArrow``).

Files Spark does not read as tables here (JSON and JSON lines, a Parquet file with nested
columns, an empty file or a table with no rows) and files it cannot read (corrupt, ragged, of a
type Spark has not) are left to the local reader, as the local audit reads them (a large
Parquet or CSV file lazily), and audited beside the Spark tables or skipped with the local
reason: the report is the local engine's."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from clearance.audit.auditor import ProgressFn, audit_dataset
from clearance.audit.keys import run_secret
from clearance.audit.plans import AuditTable
from clearance.audit.policy import Policy, load_policy
from clearance.audit.report import AuditReport
from clearance.audit.run import no_table_error
from clearance.audit.sources import load_file, table_files
from clearance.detection.settings import DetectionSettings
from clearance.engines.spark.audit_tables import SparkTable
from clearance.engines.spark.session import (
    SparkSettings,
    failure_kind,
    job_errors,
    spark_session,
)
from clearance.engines.spark.tables import CATALOG, read_catalog_table, read_table
from clearance.errors import InputError
from clearance.io import readers
from clearance.io.readers import MAX_COLUMNS
from clearance.scan.options import ScanOptions

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from clearance.privacy import Fingerprinter

# read by Spark here; JSON lines are typed by the whole file locally (read on the driver)
AUDIT_KINDS = frozenset({"csv", "tsv", "parquet"})


def _has_rows(path: Path) -> bool:
    with path.open("rb") as handle:
        return bool(handle.read(4096).strip())


def _spark_table(
    session: SparkSession, file: Path, name: str, kind: readers.Kind, detection: DetectionSettings
) -> SparkTable | None:
    """``file`` as a Spark table, or ``None`` where the local reader decides (an empty file,
    no rows, nested or too many columns: what the local audit does with them)."""
    from pyspark.sql import types as T

    if not _has_rows(file):
        return None
    with job_errors(str(file)):
        df = read_table(session, file, kind)
        table = SparkTable(name, str(file), df, kind, detection, path=file)
        nested = (T.StructType, T.ArrayType, T.MapType)
        if any(isinstance(f.dataType, nested) for f in df.schema.fields):
            return None
        if not 0 < len(table.columns) <= MAX_COLUMNS or table.height == 0:
            return None
    return table


def _catalog_table(session: SparkSession, name: str, detection: DetectionSettings) -> SparkTable:
    shown = CATALOG + name
    try:
        df = read_catalog_table(session, name)
    except Exception as exc:  # AnalysisException (no such table) or a name Spark cannot parse
        raise InputError(shown, f"not a table of the Spark catalog ({failure_kind(exc)})") from None
    return SparkTable(name, shown, df, "parquet", detection, first_split=None)


def spark_audit_paths(
    paths: Sequence[Path],
    *,
    fingerprinter: Fingerprinter,
    policy: Policy | None = None,
    policy_path: Path | None = None,
    spark: SparkSettings | None = None,
    detection: DetectionSettings | None = None,
    tables: Iterable[str] = (),
    today: date | None = None,
    progress: ProgressFn | None = None,
) -> AuditReport:
    """:func:`clearance.audit.run.audit_sources` on Spark (``spark``: where; ``local[*]`` by
    default): the same report for the same files. ``detection``: the engine's settings (its
    threshold is the policy's ``min_score``); ``tables``: tables (or views) of the Spark catalog
    (``db.reviews``), audited as tables named by their catalog name; one that does not exist is
    skipped (listed)."""
    chosen = policy or load_policy(policy_path)
    detection = (detection or DetectionSettings()).model_copy(
        update={"threshold": chosen.min_score}
    )
    session = spark_session(spark or SparkSettings())
    files, skipped = table_files(list(paths))
    found: list[AuditTable] = []
    for file, name in files:
        kind = readers.kind_of(file)
        table: AuditTable | str | None = None
        try:
            if kind in AUDIT_KINDS:
                table = _spark_table(session, file, name, kind, detection)
        except InputError:
            # A file Spark cannot read (corrupt, ragged, a type Spark has not): the local
            # reader decides, as in the local audit (read, or skipped with its reason).
            table = None
        if table is None:
            table = load_file(file, name, streaming=None)
        if isinstance(table, str):
            skipped.append((str(file), table))
        else:
            found.append(table)
    for name in tables:
        try:
            found.append(_catalog_table(session, name, detection))
        except InputError as exc:
            skipped.append((exc.source, exc.reason))
    if not found:
        raise no_table_error([str(p) for p in paths] + [CATALOG + t for t in tables], skipped)
    return audit_dataset(
        found,
        chosen,
        engine=detection.engine(),
        policy_source=str(policy_path) if policy_path else "(gdpr profile defaults)",
        fingerprinter=fingerprinter,
        skipped=skipped,
        scan_options=ScanOptions(),
        today=today,
        progress=progress,
        # keys move between executors and driver: compared as keyed fingerprints, never text
        key_secret=run_secret(),
    )


__all__ = ["AUDIT_KINDS", "spark_audit_paths"]
