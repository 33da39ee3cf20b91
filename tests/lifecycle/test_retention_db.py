"""apply_retention on SQLite and PostgreSQL: one transaction, the audit's ages, archive tables,
rollback on error, a server that is down."""

from __future__ import annotations

import json
import socket
import sqlite3
from pathlib import Path

import pytest

from clearance.errors import InputError, PolicyError, SourceUnavailableError
from clearance.lifecycle.retention import apply_retention
from tests.audit.conftest import PgSchema

KEY = b"test-key"
POLICY = (
    "reference_date: 2026-01-31\n"
    "tables:\n  events:\n    timestamp: created_at\n    retention_days: 90\n"
)


def _sqlite(tmp_path: Path, stamps: list[str]) -> Path:
    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, created_at TEXT, note TEXT)")
        conn.executemany(
            "INSERT INTO events VALUES (?, ?, ?)",
            [(i + 1, s, f"note {i}") for i, s in enumerate(stamps)],
        )
    conn.close()
    return db


def _ids(db: Path, table: str = "events") -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute(f"SELECT id FROM {table} ORDER BY id")]
    finally:
        conn.close()


def _policy(tmp_path: Path, text: str = POLICY) -> Path:
    pol = tmp_path / "p.yaml"
    pol.write_text(text)
    return pol


STAMPS = ["2024-01-05", "2026-01-20", "2025-11-01 23:59:00", "2025-11-02", "garbage"]


def test_sqlite_dry_run_then_apply(tmp_path: Path) -> None:
    db = _sqlite(tmp_path, STAMPS)
    uri = f"sqlite:///{db}"
    dry = apply_retention(policy_path=_policy(tmp_path), databases=[uri])
    (t,) = dry.tables
    assert (t.expired, t.unparseable, t.rows) == (2, 1, 5)
    assert _ids(db) == [1, 2, 3, 4, 5]
    record = tmp_path / "r.json"
    run = apply_retention(
        policy_path=_policy(tmp_path), databases=[uri], apply=True, key=KEY, record=record
    )
    assert _ids(db) == [2, 4, 5]
    saved = json.loads(record.read_text())
    assert saved["tables"][0]["id_column"] == "id"
    assert len(saved["tables"][0]["removed_ids"]) == 2 == run.tables[0].expired


def test_sqlite_archive_table(tmp_path: Path) -> None:
    db = _sqlite(tmp_path, STAMPS)
    apply_retention(
        policy_path=_policy(tmp_path),
        databases=[f"sqlite:///{db}"],
        apply=True,
        key=KEY,
        record=tmp_path / "r.json",
        archive="archive_",
    )
    assert _ids(db) == [2, 4, 5]
    assert _ids(db, "archive_events") == [1, 3]


def test_timestamps_the_database_compares_differently_roll_back(tmp_path: Path) -> None:
    # 2025/01/05 is old for the audit's parser, but sorts after "2025-11-02" as text
    db = _sqlite(tmp_path, ["2025/01/05", "2026-01-20"])
    with pytest.raises(InputError, match="nothing deleted"):
        apply_retention(
            policy_path=_policy(tmp_path),
            databases=[f"sqlite:///{db}"],
            apply=True,
            key=KEY,
            record=tmp_path / "r.json",
        )
    assert _ids(db) == [1, 2]
    assert not (tmp_path / "r.json").exists()


def test_a_missing_sqlite_file_is_never_created(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailableError):
        apply_retention(policy_path=_policy(tmp_path), databases=[f"sqlite:///{tmp_path}/no.db"])
    assert not (tmp_path / "no.db").exists()


def test_a_server_that_is_down(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceUnavailableError) as info:
        apply_retention(
            policy_path=_policy(tmp_path),
            databases=[f"postgresql://u:secretpw@127.0.0.1:{port}/shop"],
        )
    assert "secretpw" not in str(info.value)


def test_postgres_apply_in_one_transaction(tmp_path: Path, pg_schema: PgSchema) -> None:
    pg_schema.execute(
        "CREATE TABLE events (id serial PRIMARY KEY, created_at timestamptz, note text)",
        "INSERT INTO events (created_at, note) VALUES "
        "('2024-01-05T10:00:00Z', 'a'), ('2026-01-20T10:00:00Z', 'b'), "
        "('2025-11-01T23:59:00Z', 'c'), ('2025-11-02T00:00:00Z', 'd'), (NULL, 'e')",
        "CREATE TABLE logs (id serial PRIMARY KEY, ts date)",
        "INSERT INTO logs (ts) VALUES ('2020-01-01'), ('2026-01-30')",
    )
    name = pg_schema.name
    policy = _policy(
        tmp_path,
        "reference_date: 2026-01-31\ntables:\n"
        f"  {name}.events:\n    timestamp: created_at\n    retention_days: 90\n"
        f"  {name}.logs:\n    timestamp: ts\n    retention_days: 30\n",
    )
    url = pg_schema.url
    dry = apply_retention(policy_path=policy, databases=[url])
    assert {t.table: t.expired for t in dry.tables} == {f"{name}.events": 2, f"{name}.logs": 1}
    record = tmp_path / "r.json"
    apply_retention(
        policy_path=policy, databases=[url], apply=True, key=KEY, record=record, archive="old_"
    )
    import psycopg

    from tests.audit.conftest import _libpq

    with psycopg.connect(_libpq(url)) as conn:
        left = [r[0] for r in conn.execute(f'SELECT note FROM "{name}".events ORDER BY id')]
        archived = [r[0] for r in conn.execute(f'SELECT note FROM "{name}".old_events ORDER BY id')]
        logs = conn.execute(f'SELECT count(*) FROM "{name}".logs').fetchone()
    assert left == ["b", "d", "e"] and archived == ["a", "c"] and logs == (1,)
    assert "secret" not in record.read_text() and "@" not in record.read_text().split('"source"')[0]


def test_postgres_conflict_refused_before_anything_changes(
    tmp_path: Path, pg_schema: PgSchema
) -> None:
    pg_schema.execute(
        "CREATE TABLE inference_log (id serial PRIMARY KEY, created_at date)",
        "INSERT INTO inference_log (created_at) VALUES ('2020-01-01')",
    )
    name = pg_schema.name
    policy = _policy(
        tmp_path,
        "reference_date: 2026-01-31\nai_act_risk: high\ntables:\n"
        f"  {name}.inference_log:\n    retention_days: 90\n    kind: system_logs\n",
    )
    with pytest.raises(PolicyError, match="six months"):
        apply_retention(
            policy_path=policy,
            databases=[pg_schema.url],
            apply=True,
            key=KEY,
            record=tmp_path / "r.json",
        )
    import psycopg

    from tests.audit.conftest import _libpq

    with psycopg.connect(_libpq(pg_schema.url)) as conn:
        assert conn.execute(f'SELECT count(*) FROM "{name}".inference_log').fetchone() == (1,)
