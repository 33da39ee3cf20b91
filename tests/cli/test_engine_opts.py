"""``--engine``, ``--master`` and ``--spark-conf``: a Spark session that cannot start is one
line and exit 5 (never a Java stack trace, never 1); Spark options without Spark are refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _scan(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "people.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n")
    run_env = {**os.environ, "CLEARANCE_KEY": "k" * 32, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "clearance", "scan", str(data), "-q", "-f", "json", *args],
        capture_output=True, text=True, env=run_env, timeout=300, cwd=tmp_path,
    )  # fmt: skip


def _one_line(done: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert done.returncode == code, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], lines
    assert "Exception" not in done.stderr and "at org.apache" not in done.stderr


def test_java_home_nowhere_is_one_line_exit_5(tmp_path: Path) -> None:
    done = _scan(tmp_path, "--engine", "spark", env={"JAVA_HOME": str(tmp_path / "nowhere")})
    _one_line(done, 5, "JAVA_HOME")


def test_bad_master_url_is_one_line_exit_5(tmp_path: Path) -> None:
    done = _scan(tmp_path, "--engine", "spark", "--master", "bogus://nowhere:1")
    _one_line(done, 5, "bogus://nowhere:1")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--master", "local[2]"), "need --engine spark"),
        (("--engine", "dask"), "--engine 'dask'"),
        (("--engine", "spark", "--spark-conf", "novalue"), "key=value"),
        (("--engine", "spark", "--sample", "5"), "--sample"),
    ],
)
def test_refused_options(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    _one_line(_scan(tmp_path, *args), 4, needle)


def test_redact_on_spark_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    data = tmp_path / "people.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n")
    done = subprocess.run(
        [sys.executable, "-m", "clearance", "redact", str(data), "-o", str(tmp_path / "out"),
         "--engine", "spark", "--encrypt-parquet", "--kms-key-file", str(tmp_path / "k"), "-q"],
        capture_output=True, text=True, env={**os.environ, "CLEARANCE_KEY": "k" * 32},
        timeout=300, cwd=tmp_path,
    )  # fmt: skip
    _one_line(done, 4, "--engine spark")
    assert not (tmp_path / "out").exists()


def _audit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "people.csv"
    data.write_text("id,email\n1,jane.doe@example.com\n")
    return subprocess.run(
        [sys.executable, "-m", "clearance", "audit", str(data), "-q", "--no-evidence", *args],
        capture_output=True, text=True, env={**os.environ, "CLEARANCE_KEY": "k" * 32},
        timeout=300, cwd=tmp_path,
    )  # fmt: skip


def test_audit_bad_master_url_is_one_line_exit_5(tmp_path: Path) -> None:
    _one_line(_audit(tmp_path, "--engine", "spark", "--master", "bogus://nowhere:1"), 5, "bogus")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--master", "local[2]"), "need --engine spark"),
        (("--engine", "spark", "--sample", "5"), "--sample"),
        (("--engine", "spark", "--db", "sqlite:///x.db"), "--db"),
        (("--engine", "spark", "--in-memory"), "--in-memory"),
        (("--engine", "spark", "--streaming"), "--streaming"),
    ],
)
def test_audit_refused_options(tmp_path: Path, args: tuple[str, ...], needle: str) -> None:
    _one_line(_audit(tmp_path, *args), 4, needle)
