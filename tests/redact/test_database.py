from __future__ import annotations

import hashlib
import sqlite3
import uuid
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance import redact_database
from clearance.audit import databases
from clearance.cli.app import app
from clearance.errors import InputError, SourceUnavailableError
from clearance.redact import database as redact_db
from tests.audit.conftest import PgSchema

KEY = b"test-db-key"
HOSTILE = 'we"ird\x1b[31m<b>'


def _make(path: Path, n: int = 30) -> Path:
    with sqlite3.connect(path) as conn:
        conn.execute("create table users (user_id integer, email text, note text)")
        conn.execute(f'create table "{HOSTILE.replace(chr(34), chr(34) * 2)}" ("co""l" text)')
        for i in range(n):
            conn.execute(
                "insert into users values (?, ?, ?)",
                (i, f"user{i}@example.org", f"call me at +1 415 555 01{i:02d} please"),
            )
            conn.execute(
                f'insert into "{HOSTILE.replace(chr(34), chr(34) * 2)}" values (?)',
                (f"mail x{i}@example.org",),
            )
    return path


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        quoted = table.replace('"', '""')
        return conn.execute(f'select * from "{quoted}"').fetchall()


def test_sqlite_tables_are_redacted_into_a_new_database(tmp_path: Path) -> None:
    src = _make(tmp_path / "in.db")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / "out.db"
    manifest = redact_database(
        f"sqlite:///{src}", tmp_path / "m", key=KEY, out_uri=f"sqlite:///{out}"
    )
    assert manifest.published and manifest.rescan.remaining == 0
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before  # the input is only read
    users = _rows(out, "users")
    assert users[3][0] == 3 and users[3][1].startswith("EMAIL_ADDRESS_")
    assert users[3][2] == "call me at <PHONE_NUMBER> please"
    assert _rows(out, HOSTILE)[0][0].startswith("EMAIL_ADDRESS_")
    paths = [e.path for e in manifest.outputs]
    assert paths == [f"sqlite:///{out}#users", f"sqlite:///{out}#{HOSTILE}"]
    assert [e.rows for e in manifest.inputs] == [30, 30]
    # sha256: the rows as NDJSON in table order, so the key holder can check the copy
    with databases.open_database(f"sqlite:///{out}")[0].connect() as conn:
        frame = pl.concat(list(databases.read_batches(conn, None, "users", 7)))
    assert manifest.outputs[0].sha256 == hashlib.sha256(frame.write_ndjson().encode()).hexdigest()
    text = (tmp_path / "m" / "manifest.json").read_text()
    assert "user3@example.org" not in text and "\x1b" not in text


def test_pseudonyms_match_the_file_redaction(tmp_path: Path) -> None:
    src = _make(tmp_path / "in.db", n=5)
    redact_database(
        f"sqlite:///{src}", tmp_path / "m", key=KEY, out_uri=f"sqlite:///{tmp_path}/o.db"
    )
    from clearance.redact.operators import Keys

    assert _rows(tmp_path / "o.db", "users")[0][1] == Keys(KEY).pseudonym(
        "user0@example.org", "EMAIL_ADDRESS", "t"
    )


@pytest.mark.parametrize(
    ("out", "schema", "message"),
    [
        ("same", None, "is the input database"),
        (None, None, "is the input database"),
        ("other", "cleared", "SQLite has no schemas"),
    ],
)
def test_an_output_that_is_the_input_is_refused(
    tmp_path: Path, out: str | None, schema: str | None, message: str
) -> None:
    src = _make(tmp_path / "in.db", n=3)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    target = {"same": f"sqlite:///{src}", "other": f"sqlite:///{tmp_path}/o.db", None: None}[out]
    with pytest.raises(InputError, match=message):
        redact_database(
            f"sqlite:///{src}", tmp_path / "m", key=KEY, out_uri=target, out_schema=schema
        )
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before


def test_an_existing_table_is_never_replaced(tmp_path: Path) -> None:
    src = _make(tmp_path / "in.db", n=3)
    out = tmp_path / "out.db"
    with sqlite3.connect(out) as conn:
        conn.execute("create table keepme (x text)")
        conn.execute(f'create table "{HOSTILE.replace(chr(34), chr(34) * 2)}" (x text)')
        conn.execute("insert into keepme values ('mine')")
    with pytest.raises(InputError, match="already exists"):
        redact_database(f"sqlite:///{src}", tmp_path / "m", key=KEY, out_uri=f"sqlite:///{out}")
    with sqlite3.connect(out) as conn:  # rolled back: no users table, the others as they were
        names = {r[0] for r in conn.execute("select name from sqlite_master")}
    assert names == {"keepme", HOSTILE}
    assert _rows(out, "keepme") == [("mine",)]


def test_nothing_is_written_when_the_rescan_finds_remaining(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = _make(tmp_path / "in.db", n=5)
    monkeypatch.setattr(redact_db, "apply_plan", lambda plan, batch, engine, replacer: batch)
    out = tmp_path / "out.db"
    manifest = redact_database(
        f"sqlite:///{src}", tmp_path / "m", key=KEY, out_uri=f"sqlite:///{out}"
    )
    assert not manifest.published and manifest.rescan.remaining > 0
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clearance")] == []


@pytest.mark.parametrize(
    ("uri", "error", "message"),
    [
        ("mysql://u:secret@h/db", InputError, "unsupported database URI"),
        ("postgresql://u:p@ss@h/db", InputError, "percent-encode"),
        ("sqlite:///does/not/exist.db", SourceUnavailableError, "no such SQLite file"),
        ("postgresql://u:secret@127.0.0.1:1/db", SourceUnavailableError, "connection refused"),
    ],
)
def test_bad_or_unreachable_databases(
    tmp_path: Path, uri: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message) as info:
        redact_database(uri, tmp_path / "m", key=KEY, out_schema="cleared")
    assert "secret" not in str(info.value)


def test_cli_exit_codes(tmp_path: Path) -> None:
    src = _make(tmp_path / "in.db", n=5)
    runner = CliRunner()
    down = ["redact", "--db", "postgresql://u:secret@127.0.0.1:1/db", "--out-schema", "c"]
    result = runner.invoke(app, [*down, "-o", str(tmp_path / "m")], env={"CLEARANCE_KEY": "k"})
    assert result.exit_code == 6 and "secret" not in result.output
    same = ["redact", "--db", f"sqlite:///{src}", "--out-db", f"sqlite:///{src}"]
    result = runner.invoke(app, [*same, "-o", str(tmp_path / "m")], env={"CLEARANCE_KEY": "k"})
    assert result.exit_code == 3
    both = ["redact", str(src), "--db", f"sqlite:///{src}", "--out-db", "sqlite:///x.db"]
    assert runner.invoke(app, [*both, "-o", str(tmp_path / "m")]).exit_code == 2
    ok = ["redact", "--db", f"sqlite:///{src}", "--out-db", f"sqlite:///{tmp_path}/o.db"]
    result = runner.invoke(app, [*ok, "-o", str(tmp_path / "m")], env={"CLEARANCE_KEY": "k"})
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output


def test_postgres_tables_go_to_a_new_schema(pg_schema: PgSchema) -> None:
    quoted = HOSTILE.replace('"', '""')
    pg_schema.execute(
        "create table users (user_id integer, email text, signup date)",
        f'create table "{quoted}" (note text)',
        "insert into users select i, 'user' || i || '@example.org', date '2025-01-01' + i "
        "from generate_series(1, 40) i",
        f"insert into \"{quoted}\" values ('write to ana.lopez@example.org today')",
    )
    url = pg_schema.url
    cleared = f"clearance_out_{uuid.uuid4().hex[:10]}"
    names = ["users", HOSTILE]
    tables = [f"{pg_schema.name}.{n}" for n in names]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = redact_database(url, Path(tmp), key=KEY, out_schema=cleared, tables=tables)
            assert manifest.published, manifest.rescan
            engine, _, masked = databases.open_database(url)
            with engine.connect() as conn:
                users = pl.concat(list(databases.read_batches(conn, cleared, "users", 100)))
                hostile = pl.concat(list(databases.read_batches(conn, cleared, HOSTILE, 100)))
            engine.dispose()
            assert users.height == 40 and users["email"][0].startswith("EMAIL_ADDRESS_")
            assert hostile["note"][0] == "write to <EMAIL_ADDRESS> today"
            assert manifest.outputs[1].path == f"{masked}#{cleared}.{HOSTILE}"
            # the same schema again: the tables exist, nothing is replaced
            with pytest.raises(InputError, match="already exists"):
                redact_database(url, Path(tmp), key=KEY, out_schema=cleared, tables=tables)
            # the schema of the inputs, or no schema on the same database: refused
            with pytest.raises(InputError, match="holds input tables"):
                redact_database(url, Path(tmp), key=KEY, out_schema=pg_schema.name, tables=tables)
            with pytest.raises(InputError, match="is the input database"):
                redact_database(url, Path(tmp), key=KEY, out_uri=url, tables=tables)
        finally:
            pg_schema.execute(f'drop schema if exists "{cleared}" cascade')
