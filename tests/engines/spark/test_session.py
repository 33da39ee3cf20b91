"""The Spark session's defaults and how a failed job is reported (no session needed)."""

from __future__ import annotations

import pytest

from clearance.engines.spark.session import (
    DRIVER_MEMORY,
    SparkSettings,
    job_errors,
    local_defaults,
)
from clearance.errors import InputError, PolicyError


def test_a_local_session_gets_a_quarter_of_the_memory_unless_the_user_sets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("SPARK_DRIVER_MEMORY", "PYSPARK_SUBMIT_ARGS"):
        monkeypatch.delenv(name, raising=False)
    chosen = local_defaults(SparkSettings.of("local[2]"))
    assert set(chosen) == {DRIVER_MEMORY} and chosen[DRIVER_MEMORY].endswith("g")
    assert 1 <= int(chosen[DRIVER_MEMORY][:-1]) <= 16
    assert local_defaults(SparkSettings.of("local[2]", {DRIVER_MEMORY: "2g"})) == {}
    assert local_defaults(SparkSettings.of("spark://cluster:7077")) == {}
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", "--driver-memory 3g pyspark-shell")
    assert local_defaults(SparkSettings.of("local[*]")) == {}


class _Py4JLike(Exception):
    """What py4j raises for a failed action: the Java trace in its text."""


def test_a_job_out_of_memory_says_how_to_give_it_more() -> None:
    trace = "An error occurred while calling o116.collectToPython.\n: java.lang.OutOfMemoryError: Java heap space\n\tat org.apache..."
    with pytest.raises(
        PolicyError, match=r"orders\.parquet: Spark ran out of memory.*spark\.driver\.memory=8g"
    ):
        with job_errors("orders.parquet"):
            raise _Py4JLike(trace)


def test_another_failed_job_is_an_input_error_naming_its_source() -> None:
    with pytest.raises(InputError, match=r"orders\.parquet.*Spark job failed \(_Py4JLike\)"):
        with job_errors("orders.parquet"):
            raise _Py4JLike("An error occurred: java.lang.IllegalStateException")
