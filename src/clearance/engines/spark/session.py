"""Starting a Spark session, and Spark's failures as clearance errors.

A session that cannot start (no PySpark, no Java, a master URL Spark refuses) is a
:class:`BackendUnavailableError` with one line, never a Java stack trace. A job that fails is
reported by the type of its first error only: Spark's messages quote rows and Python
tracebacks, and clearance never prints a value it protects."""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from clearance.errors import BackendUnavailableError, ClearanceError, InputError, PolicyError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"
MASTER_ENV = "CLEARANCE_SPARK_MASTER"
# what an executor raises instead of the error it caught (see executor_errors): the type and
# where, never the message (it may quote a cell)
EXECUTOR_MARK = "clearance-executor-error:"
# a policy error keeps its class across the job (exit 4, as locally) and its message: a policy
# error names the policy and the column, never a value
POLICY_MARK = "clearance-executor-policy-error:"
_MARKED = re.compile(re.escape(EXECUTOR_MARK) + r" ([^\n]*)")
_POLICY = re.compile(re.escape(POLICY_MARK) + r" ([^\n]*)")


class SparkSettings(BaseModel):
    """Where the Spark jobs run: the master URL and extra Spark configuration."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    master: str = Field(default=DEFAULT_MASTER, description="Spark master URL")
    conf: tuple[tuple[str, str], ...] = Field(default=(), description="Spark conf key/values")

    @classmethod
    def of(cls, master: str | None, conf: Mapping[str, str] | None = None) -> SparkSettings:
        """``master`` or, when None, ``CLEARANCE_SPARK_MASTER`` or ``local[*]``."""
        chosen = master or os.environ.get(MASTER_ENV) or DEFAULT_MASTER
        return cls(master=chosen, conf=tuple(sorted((conf or {}).items())))


def _check_java() -> None:
    """Spark's launcher prints its own errors and a stack trace when Java is missing; checked
    first so that the user reads one line."""
    home = os.environ.get("JAVA_HOME")
    if home:
        if not os.access(Path(home) / "bin" / "java", os.X_OK):
            raise BackendUnavailableError(
                "Spark", f"JAVA_HOME ({home}) holds no bin/java; point it at a Java 17+ install"
            )
    elif shutil.which("java") is None:
        raise BackendUnavailableError("Spark", "no Java found; install Java 17+ or set JAVA_HOME")


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """The JVM's start-up chatter (log4j defaults, native-library warnings) goes to file
    descriptor 2 before the log level can be set: hidden while the session starts."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def spark_session(settings: SparkSettings) -> SparkSession:
    """A Spark session on ``settings.master`` (the active one when it runs on that master)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BackendUnavailableError(
            "Spark", "PySpark is not installed; pip install 'clearance[spark]'"
        ) from None
    _check_java()
    builder: Any = SparkSession.builder.master(settings.master).appName("clearance")
    for key, value in {**local_defaults(settings), **dict(settings.conf)}.items():
        builder = builder.config(key, value)
    try:
        with _quiet_stderr():
            session: SparkSession = builder.getOrCreate()
    except Exception as exc:  # py4j and PySpark raise many types for one cause: Spark is down
        raise BackendUnavailableError(
            "Spark",
            f"the session on master {settings.master!r} did not start ({failure_kind(exc)})",
        ) from None
    context = session.sparkContext
    context.setLogLevel("ERROR")
    if settings.master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        # local executors run this interpreter (with its packages), not the first python3
        context.pythonExec = sys.executable
    return session


DRIVER_MEMORY = "spark.driver.memory"


def local_defaults(settings: SparkSettings) -> dict[str, str]:
    """Configuration a local session gets unless the user sets it: in local mode the executors
    run inside the driver's JVM, whose default heap (1 GB) a 10M-row audit outgrows (the job
    failed with ``OutOfMemoryError``); a quarter of the machine's memory, 1 to 16 GB. Only
    when nothing else sets the driver's memory (``--spark-conf``, ``SPARK_DRIVER_MEMORY``,
    ``PYSPARK_SUBMIT_ARGS``), and only for a JVM this process starts."""
    if not settings.master.startswith("local") or DRIVER_MEMORY in dict(settings.conf):
        return {}
    if os.environ.get("SPARK_DRIVER_MEMORY") or "driver-memory" in os.environ.get(
        "PYSPARK_SUBMIT_ARGS", ""
    ):
        return {}
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return {}
    gigabytes = min(16, max(1, total // 4 // 2**30))
    return {DRIVER_MEMORY: f"{gigabytes}g"}


def failure_kind(exc: BaseException) -> str:
    """The name of a failure: the Java exception class for py4j errors, else the type."""
    java = getattr(exc, "java_exception", None)
    if java is not None:
        try:
            return str(java.getClass().getSimpleName())
        except Exception:
            pass
    return type(exc).__name__


@contextmanager
def executor_errors(where: str) -> Iterator[None]:
    """Inside an executor: any error becomes one marked line with its type and ``where``."""
    try:
        yield
    except PolicyError as exc:
        message = " ".join(str(exc).split())
        raise RuntimeError(f"{POLICY_MARK} {message}") from None
    except ClearanceError as exc:
        reason = exc.reason if isinstance(exc, InputError) else type(exc).__name__
        raise RuntimeError(f"{EXECUTOR_MARK} {where}: {reason}") from None
    except Exception as exc:
        raise RuntimeError(f"{EXECUTOR_MARK} {where}: {type(exc).__name__}") from None


@contextmanager
def job_errors(source: str) -> Iterator[None]:
    """On the driver, around a job's action: a failed job is an :class:`InputError` naming
    ``source`` and the first error (an executor's marked line, or the Java exception's type);
    a :class:`PolicyError` in an executor is that policy error again (exit 4, as locally)."""
    try:
        yield
    except ClearanceError:
        raise
    except Exception as exc:
        policy = _POLICY.search(str(exc))
        if policy:
            raise PolicyError(policy.group(1)) from None
        if "java.lang.OutOfMemoryError" in str(exc):
            # other threads then fail as well (a NullPointerException was the first one seen)
            raise PolicyError(
                f"{source}: Spark ran out of memory (java.lang.OutOfMemoryError); give it more "
                f"with --spark-conf {DRIVER_MEMORY}=8g (local mode) or spark.executor.memory "
                "(a cluster)"
            ) from None
        found = _MARKED.search(str(exc))
        reason = found.group(1) if found else f"Spark job failed ({failure_kind(exc)})"
        raise InputError(source, reason) from None


__all__ = [
    "DEFAULT_MASTER",
    "MASTER_ENV",
    "SparkSettings",
    "executor_errors",
    "failure_kind",
    "job_errors",
    "local_defaults",
    "spark_session",
]
