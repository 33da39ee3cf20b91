"""One real local Spark session (``local[2]``) per test module, with its event log kept in a
temporary folder so that tests can read what Spark recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyspark.sql import SparkSession

from clearance.engines.spark import SparkSettings, spark_session

MASTER = "local[2]"


@pytest.fixture(scope="module")
def event_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("spark-events")


@pytest.fixture(scope="module")
def spark(event_log: Path) -> Iterator[SparkSession]:
    settings = SparkSettings(
        master=MASTER,
        conf=(
            ("spark.eventLog.enabled", "true"),
            ("spark.eventLog.dir", event_log.as_uri()),
            ("spark.eventLog.compress", "false"),  # read as text by the tests
            ("spark.ui.enabled", "false"),
            ("spark.sql.shuffle.partitions", "2"),
        ),
    )
    session = spark_session(settings)
    yield session
    session.stop()


def settings() -> SparkSettings:
    """The settings a test passes to a job: the module's session is the active one."""
    return SparkSettings(master=MASTER)
