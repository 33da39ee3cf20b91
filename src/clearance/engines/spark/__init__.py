"""``--engine spark``: the scan's per-batch detection inside Spark executors (``mapInArrow``),
the findings built on the driver by the same :class:`clearance.scan.scanner.Scanner`; the
redaction's per-batch :func:`clearance.redact.tables.apply_plan` there too, planned on the
driver; the audit's aggregates as Spark jobs (:mod:`clearance.engines.spark.audit_tables`) under
the same checks."""

from clearance.engines.spark.audit import spark_audit_paths
from clearance.engines.spark.redact import spark_redact_paths
from clearance.engines.spark.scan import spark_scan_paths
from clearance.engines.spark.session import SparkSettings, spark_session

__all__ = [
    "SparkSettings",
    "spark_audit_paths",
    "spark_redact_paths",
    "spark_scan_paths",
    "spark_session",
]
