"""The options that choose where a job runs: ``--engine local|spark``, ``--master`` and
``--spark-conf key=value`` (repeatable), shared by the commands that run on Spark."""

from __future__ import annotations

from typing import Annotated

import typer

from clearance.engines.spark.session import MASTER_ENV, SparkSettings
from clearance.errors import PolicyError

ENGINES = ("local", "spark")

EngineOpt = Annotated[
    str, typer.Option("--engine", help="local (this process) | spark (executors via PySpark).")
]
MasterOpt = Annotated[
    str | None,
    typer.Option(
        "--master",
        help=f"Spark master URL (default: ${MASTER_ENV} or local[*]); with --engine spark.",
    ),
]
SparkConfOpt = Annotated[
    list[str] | None,
    typer.Option("--spark-conf", help="Spark configuration key=value (repeatable)."),
]


def spark_settings(engine: str, master: str | None, conf: list[str] | None) -> SparkSettings | None:
    """The Spark settings for ``--engine spark``; ``None`` for the local engine (where a
    Spark option is refused rather than ignored)."""
    if engine not in ENGINES:
        raise PolicyError(f"--engine {engine!r}: allowed: {', '.join(ENGINES)}")
    if engine == "local":
        if master is not None or conf:
            raise PolicyError("--master and --spark-conf need --engine spark")
        return None
    pairs: dict[str, str] = {}
    for item in conf or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise PolicyError(f"--spark-conf {key.strip()!r}...: expected key=value")
        pairs[key.strip()] = value
    return SparkSettings.of(master, pairs)


__all__ = ["EngineOpt", "MasterOpt", "SparkConfOpt", "spark_settings"]
