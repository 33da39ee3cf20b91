"""The whole audit over database tables: the demo dataset loaded into SQLite and into a real
PostgreSQL server gives the same counts as the generator planted."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from clearance.audit.policy import STARTER
from clearance.audit.report import AuditReport
from clearance.audit.run import audit_sources
from clearance.audit.sources import load_files
from clearance.cli.app import app
from clearance.demo.ecommerce import REFERENCE_DATE, Planted, generate
from clearance.privacy import Fingerprinter

from .conftest import PgSchema, _libpq

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


def _demo(tmp_path: Path) -> tuple[dict[str, pl.DataFrame], Planted]:
    planted = generate(tmp_path / "data", users=150, seed=4)
    tables, _ = load_files([tmp_path / "data"])
    frames = {t.name: t.frame for t in tables}
    # Timestamps as ISO text, the way many operational databases hold them.
    frames["orders"] = frames["orders"].with_columns(
        pl.col("ordered_at").dt.strftime("%Y-%m-%dT%H:%M:%S")
    )
    return frames, planted


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return [tuple(None if v is None else str(v) for v in row) for row in frame.iter_rows()]


def _policy(path: Path, prefix: str = "") -> Path:
    data = yaml.safe_load(STARTER)
    data["reference_date"] = REFERENCE_DATE.isoformat()
    data["tables"] = {f"{prefix}{name}": spec for name, spec in data["tables"].items()}
    data["consent"]["table"] = f"{prefix}users"
    path.write_text(yaml.safe_dump(data))
    return path


def _assert_planted(report: AuditReport, planted: Planted, prefix: str = "") -> None:
    def count(rule: str, table: str) -> int:
        found = [
            f for f in report.findings if f.rule == rule and f.location.table == prefix + table
        ]
        assert len(found) == 1, (rule, table, [c for c in report.checks if c.status != "ran"])
        return found[0].count

    assert count("consent", "users") == planted.users_without_consent
    assert count("consent", "orders") == planted.orders_without_consent
    assert count("consent", "reviews") == planted.reviews_without_consent
    assert count("retention", "orders") == planted.stale_orders
    assert count("retention", "reviews") == planted.stale_reviews
    assert count("retention-unparseable", "reviews") == planted.unparseable_review_dates
    linkage = sum(f.count for f in report.findings if f.rule == "linkage-self-identifying-text")
    assert linkage == planted.review_emails + planted.review_phones + planted.review_names
    assert report.tables and all(t.origin for t in report.tables)


def test_audit_sqlite_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frames, planted = _demo(tmp_path)
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        for name, frame in frames.items():
            cols = ", ".join(f'"{c}" TEXT' for c in frame.columns)
            conn.execute(f'CREATE TABLE "{name}" ({cols})')
            marks = ", ".join("?" for _ in frame.columns)
            conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', _rows(frame))
    report = audit_sources(
        [],
        databases=[f"sqlite:///{db}"],
        policy_path=_policy(tmp_path / "p.yaml"),
        fingerprinter=FP,
    )
    _assert_planted(report, planted)
    assert db.stat().st_size > 0


def test_audit_postgres_database_via_cli(tmp_path: Path, pg_schema: PgSchema) -> None:
    import psycopg

    frames, planted = _demo(tmp_path)
    with psycopg.connect(_libpq(pg_schema.url), autocommit=True) as conn:
        conn.execute(f'SET search_path TO "{pg_schema.name}"')
        for name, frame in frames.items():
            cols = ", ".join(f'"{c}" TEXT' for c in frame.columns)
            conn.execute(f'CREATE TABLE "{name}" ({cols})')  # type: ignore[arg-type]
            marks = ", ".join("%s" for _ in frame.columns)
            with conn.cursor() as cur:
                cur.executemany(f'INSERT INTO "{name}" VALUES ({marks})', _rows(frame))  # type: ignore[arg-type]
    prefix = f"{pg_schema.name}."
    policy = _policy(tmp_path / "p.yaml", prefix)
    out = tmp_path / "audit.json"
    args = ["audit", "--db", pg_schema.url, "-p", str(policy), "-o", str(out), "-q"]
    for name in frames:
        args += ["--table", prefix + name]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # the gate fails on the planted problems
    report = AuditReport.model_validate_json(out.read_text())
    _assert_planted(report, planted, prefix)
    password = pg_schema.url.split("://", 1)[1].split("@", 1)[0].partition(":")[2]
    assert password and password not in out.read_text() and password not in result.output
