"""``--engine spark``: the scan's per-batch detection inside Spark executors (``mapInArrow``),
the findings built on the driver by the same :class:`clearance.scan.scanner.Scanner`."""

from clearance.engines.spark.scan import spark_scan_paths
from clearance.engines.spark.session import SparkSettings, spark_session

__all__ = ["SparkSettings", "spark_scan_paths", "spark_session"]
