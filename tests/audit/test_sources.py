from __future__ import annotations

import datetime as dt
import hashlib
import json
import socket
import sqlite3
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from clearance.audit import databases, sources
from clearance.audit.databases import load_database, mask_uri
from clearance.audit.sources import Table, load_files
from clearance.errors import ClearanceError, InputError, SourceUnavailableError
from tests.audit.conftest import PgSchema

SECRET_CELL = "sk_live_SECRET_CELL_VALUE"


def _by_name(tables: list[Table]) -> dict[str, Table]:
    return {t.name: t for t in tables}


# ------------------------------------------------------------------------------------------ files


def _write_formats(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users.csv").write_text(
        "id,name,score,born\n1,Ann,1.5,1990-01-02\n2,Bob,2.5,1985-12-31\n"
    )
    (folder / "visits.tsv").write_text("user_id\tpage\n1\t/home\n2\t/cart\n")
    (folder / "orders.json").write_text(
        json.dumps(
            {
                "orders": [
                    {"id": 1, "total": 9.5, "meta": {"a": 1}},
                    {"id": 2, "total": 3.0, "meta": None},
                ]
            }
        )
    )
    (folder / "events.jsonl").write_text(
        '{"kind": "login", "ok": true}\n{"kind": "logout", "ok": false}\n'
    )
    pl.DataFrame({"x": [1, 2, 3], "when": [dt.datetime(2024, 1, 1)] * 3}).write_parquet(
        folder / "facts.parquet"
    )


def test_load_files_reads_every_format_with_types(tmp_path: Path) -> None:
    _write_formats(tmp_path / "data")
    tables, skipped = load_files([tmp_path / "data"])
    assert skipped == []
    by = _by_name(tables)
    assert sorted(by) == ["events", "facts", "orders", "users", "visits"]
    users = by["users"].frame
    # CSV cells stay text as written (no inference that would turn "01234" into 1234).
    assert users.schema == pl.Schema(
        {"id": pl.String, "name": pl.String, "score": pl.String, "born": pl.String}
    )
    assert users["name"].to_list() == ["Ann", "Bob"]
    assert users["born"].to_list() == ["1990-01-02", "1985-12-31"]
    assert by["visits"].frame.columns == ["user_id", "page"]
    assert by["visits"].frame["page"].to_list() == ["/home", "/cart"]
    orders = by["orders"].frame
    assert orders["total"].dtype == pl.Float64
    assert orders["meta"].dtype == pl.String  # nested JSON becomes JSON text
    assert json.loads(orders["meta"][0]) == {"a": 1}
    assert by["events"].frame["ok"].to_list() == [True, False]
    assert by["facts"].frame.schema["when"] == pl.Datetime("us")
    assert by["users"].origin == str(tmp_path / "data" / "users.csv")


def test_load_files_recurses_and_lists_non_table_files_as_skipped(tmp_path: Path) -> None:
    (tmp_path / "data" / "nested" / "deeper").mkdir(parents=True)
    (tmp_path / "data" / "nested" / "deeper" / "people.csv").write_text("a\n1\n")
    (tmp_path / "data" / "README.md").write_text("# not a table\n")
    (tmp_path / "data" / "script.py").write_text("print(1)\n")
    (tmp_path / "data" / ".git").mkdir()
    (tmp_path / "data" / ".git" / "hidden.csv").write_text("a\n1\n")
    (tmp_path / "data" / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    tables, skipped = load_files([tmp_path / "data"])
    assert [t.name for t in tables] == ["people"]
    assert sorted(origin for origin, _ in skipped) == [
        str(tmp_path / "data" / name) for name in ("README.md", "photo.png", "script.py")
    ]
    assert all(reason.startswith("not a table file") for _, reason in skipped)


def test_explicit_non_table_and_missing_paths_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    tables, skipped = load_files([tmp_path / "notes.txt", tmp_path / "nope.csv"])
    assert tables == []
    assert [origin for origin, _ in skipped] == [
        str(tmp_path / "notes.txt"),
        str(tmp_path / "nope.csv"),
    ]
    assert "not a table file" in skipped[0][1]
    assert skipped[1][1] == "no such file"


def test_corrupt_and_empty_files_are_skipped_not_raised(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "good.csv").write_text("a,b\n1,2\n")
    (data / "empty.csv").write_text("")
    (data / "blank.jsonl").write_text("\n\n")
    (data / "broken.parquet").write_bytes(b"PAR1 this is not parquet " + SECRET_CELL.encode())
    (data / "broken.json").write_text('[{"token": "' + SECRET_CELL + '", ')
    (data / "broken.jsonl").write_text('{"token": "' + SECRET_CELL + '"}\n{"token": \n')
    (data / "scalar.json").write_text('"just a string"')
    tables, skipped = load_files([data])
    assert [t.name for t in tables] == ["good"]
    reasons = dict(skipped)
    assert set(reasons) == {
        str(data / n)
        for n in [
            "empty.csv",
            "blank.jsonl",
            "broken.parquet",
            "broken.json",
            "broken.jsonl",
            "scalar.json",
        ]
    }
    assert reasons[str(data / "empty.csv")] == "file is empty"
    assert reasons[str(data / "blank.jsonl")] == "file is empty"
    assert reasons[str(data / "broken.parquet")].startswith("cannot parse as PARQUET")
    for reason in reasons.values():
        assert "\n" not in reason
        assert SECRET_CELL not in reason


def test_header_only_csv_is_an_empty_table(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("id,email\n")
    tables, skipped = load_files([tmp_path / "t.csv"])
    assert skipped == []
    assert tables[0].frame.columns == ["id", "email"]
    assert tables[0].frame.height == 0


def test_names_are_unique(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for sub in ("eu", "us"):
        (data / sub).mkdir(parents=True)
        (data / sub / "customers.csv").write_text("a\n1\n")
    (data / "orders.csv").write_text("a\n1\n")
    (data / "orders.json").write_text('[{"a": 1}]')
    (data / "items.csv").write_text("a\n1\n")
    tables, _ = load_files([data])
    assert sorted(t.name for t in tables) == [
        "eu/customers",
        "items",
        "orders.csv",
        "orders.json",
        "us/customers",
    ]


def test_same_relative_path_in_two_folder_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "t.csv").write_text("x\n1\n")
    tables, _ = load_files([Path("a"), Path("b"), Path("a/t.csv")])  # a/t.csv read once
    assert [t.name for t in tables] == ["a/t", "b/t"]


# ----------------------------------------------------------------------------------------- mask_uri


@pytest.mark.parametrize(
    ("uri", "masked"),
    [
        (
            "postgresql://alice:s3cr%40t@db.example:5432/shop",
            "postgresql://alice:***@db.example:5432/shop",
        ),
        ("postgresql://alice:p@ss:w/rd@db:5432/shop", "postgresql://***@db:5432/shop"),
        ("postgresql://user:p@ss@host/db", "postgresql://***@host/db"),
        ("postgresql://alice@db/shop", "postgresql://alice@db/shop"),
        ("postgresql://db/shop?password=hunter2&sslmode=require", "postgresql://db/shop"),
        ("postgresql+psycopg://u:pw@h/d", "postgresql+psycopg://u:***@h/d"),
        ("postgresql://u:@h/d", "postgresql://u:***@h/d"),
        ("postgresql://u:p/w:x%y@h:5/d", "postgresql://u:***@h:5/d"),
        ("sqlite:///data/app.db", "sqlite:///data/app.db"),
        ("sqlite:////abs/app.db", "sqlite:////abs/app.db"),
        ("not a uri with hunter2", "<database URI>"),
    ],
)
def test_mask_uri(uri: str, masked: str) -> None:
    assert mask_uri(uri) == masked


# ------------------------------------------------------------------------------------------- SQLite


def _sqlite_db(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY, email TEXT, score REAL, balance NUMERIC(10, 2),
            active BOOLEAN, born DATE, seen DATETIME, avatar BLOB, note VARCHAR(20)
        );
        INSERT INTO users VALUES
            (1, 'ann@example.com', 1.5, 10.25, 1, '1990-01-02', '2024-05-06 07:08:09', x'00ff', 'x'),
            (2, NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL);
        CREATE TABLE "order items" ("order id" INTEGER, "we""ird" TEXT);
        INSERT INTO "order items" VALUES (1, 'a');
        CREATE TABLE empty (a INTEGER, b TEXT, c DATETIME);
        CREATE TABLE loose (n INTEGER, d DATETIME);
        INSERT INTO loose VALUES (1, '2024-01-01 00:00:00'), ('n/a', 'yesterday');
        CREATE VIEW user_emails AS SELECT email FROM users;
        """
    )
    conn.commit()
    conn.close()
    return path


def test_sqlite_reads_all_tables_with_types(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    uri = f"sqlite:///{db}"
    tables, skipped = load_database(uri)
    assert skipped == []
    by = _by_name(tables)
    assert sorted(by) == ["empty", "loose", "order items", "users"]  # views are not tables
    users = by["users"].frame
    assert users.schema == pl.Schema(
        {
            "id": pl.Int64,
            "email": pl.String,
            "score": pl.Float64,
            "balance": pl.Float64,
            "active": pl.Boolean,
            "born": pl.Date,
            "seen": pl.Datetime("us"),
            "avatar": pl.Binary,
            "note": pl.String,
        }
    )
    assert users.row(0) == (
        1, "ann@example.com", 1.5, 10.25, True, dt.date(1990, 1, 2),
        dt.datetime(2024, 5, 6, 7, 8, 9), b"\x00\xff", "x",
    )  # fmt: skip
    assert users.row(1) == (2, None, None, None, False, None, None, None, None)
    assert by["users"].origin == f"{uri}#users"
    assert by["order items"].frame.columns == ["order id", 'we"ird']


def test_sqlite_values_that_do_not_fit_the_declared_type_become_text(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    tables, _ = load_database(f"sqlite:///{db}", ["loose"])
    frame = tables[0].frame
    assert frame.schema == pl.Schema({"n": pl.String, "d": pl.String})
    assert frame["n"].to_list() == ["1", "n/a"]
    assert frame["d"].to_list() == ["2024-01-01 00:00:00", "yesterday"]


def test_sqlite_empty_table_keeps_its_columns(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    tables, _ = load_database(f"sqlite:///{db}", ["empty"])
    assert tables[0].frame.height == 0
    assert tables[0].frame.schema == pl.Schema(
        {"a": pl.Int64, "b": pl.String, "c": pl.Datetime("us")}
    )


def test_sqlite_table_selection(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    tables, _ = load_database(f"sqlite:///{db}", ["users", "main.order items", "users"])
    assert [t.name for t in tables] == ["users", "order items"]


def test_sqlite_unknown_table_names_the_available_ones(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    with pytest.raises(InputError) as err:
        load_database(f"sqlite:///{db}", ["users; DROP TABLE users"])
    message = str(err.value)
    assert "users; DROP TABLE users" in message
    assert "available tables: empty, loose, order items, users" in message
    assert err.value.exit_code == 3
    assert [t.name for t in load_database(f"sqlite:///{db}", ["users"])[0]] == ["users"]


def test_sqlite_missing_file_is_a_missing_database_and_not_created(tmp_path: Path) -> None:
    for uri, path in [
        (f"sqlite:///{tmp_path / 'missing.db'}", tmp_path / "missing.db"),
        ("sqlite:///relative-missing.db", tmp_path / "relative-missing.db"),  # cwd is tmp_path
    ]:
        with pytest.raises(SourceUnavailableError, match="no such SQLite file") as err:
            load_database(uri)
        assert err.value.exit_code == 6  # README: a database that does not exist
        assert not path.exists()
    with pytest.raises(InputError, match="expected sqlite:///path"):
        load_database("sqlite://")


def test_sqlite_relative_path(tmp_path: Path) -> None:
    _sqlite_db(tmp_path / "app.db")
    tables, _ = load_database("sqlite:///app.db", ["users"])
    assert tables[0].frame.height == 2


def test_sqlite_is_opened_read_only(tmp_path: Path) -> None:
    db = _sqlite_db(tmp_path / "app.db")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    load_database(f"sqlite:///{db}")
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no journal or WAL left
    engine = databases._sqlite_engine(databases._parse_url(f"sqlite:///{db}", "x"), "x")
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="readonly"):
        conn.exec_driver_sql("DELETE FROM users")
    engine.dispose()


def test_sqlite_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "fake.db").write_text("id,name\n1," + SECRET_CELL + "\n" * 100)
    with pytest.raises(InputError, match="not a SQLite database") as err:
        load_database(f"sqlite:///{tmp_path / 'fake.db'}")
    assert SECRET_CELL not in str(err.value)


def test_sqlite_batches_are_joined_and_mixed_batches_become_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(databases, "BATCH_ROWS", 3)
    conn = sqlite3.connect(tmp_path / "big.db")
    conn.execute("CREATE TABLE t (n INTEGER, m INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(i, i) for i in range(10)])
    conn.execute("UPDATE t SET m = 'eight' WHERE n = 8")
    conn.commit()
    conn.close()
    frame = load_database(f"sqlite:///{tmp_path / 'big.db'}")[0][0].frame
    assert frame["n"].dtype == pl.Int64
    assert frame["n"].to_list() == list(range(10))
    assert frame["m"].dtype == pl.String
    assert frame["m"].to_list() == [str(i) if i != 8 else "eight" for i in range(10)]


@pytest.mark.parametrize(
    "uri", ["mysql://root:hunter2@localhost/shop", "oracle://u:hunter2@h/d", "just-a-path.db"]
)
def test_unsupported_scheme(uri: str) -> None:
    with pytest.raises(InputError, match="supported: postgresql://") as err:
        load_database(uri)
    assert "hunter2" not in str(err.value)


# --------------------------------------------------------------------------------------- PostgreSQL


def _pg_types_table(schema: PgSchema) -> None:
    schema.execute(
        """
        CREATE TABLE customers (
            id bigint, small smallint, price numeric(10, 2), ratio real, score double precision,
            name text, code varchar(8), created timestamp, seen timestamptz, born date,
            active boolean, doc jsonb, raw json, ref uuid, avatar bytea, tags text[],
            ip inet, wake time, wait interval, "Mixed Case" text, "we""ird" integer
        )
        """,
        """
        INSERT INTO customers VALUES
            (9000000000, 2, 3.14, 1.5, 2.25, 'Ann', 'AB', '2024-01-02 03:04:05',
             '2024-01-02 03:04:05+02', '1990-01-02', true, '{"email": "ann@example.com"}',
             '[1, 2]', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\xdeadbeef', '{a,b}',
             '10.0.0.1', '12:30', '1 day 2 hours', 'm', 7),
            (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
             NULL, NULL, NULL, NULL, NULL, NULL, NULL)
        """,
        "CREATE TABLE empty (a integer, b text, c timestamptz)",
        'CREATE TABLE "Odd ""Name""" (x integer)',
        'INSERT INTO "Odd ""Name""" VALUES (1)',
        "CREATE VIEW customer_names AS SELECT name FROM customers",
    )


def _in_schema(tables: list[Table], schema: PgSchema) -> dict[str, Table]:
    return {
        t.name.removeprefix(schema.name + "."): t
        for t in tables
        if t.name.startswith(schema.name + ".")
    }


def test_postgres_reads_all_tables_with_types(pg_schema: PgSchema) -> None:
    _pg_types_table(pg_schema)
    tables, skipped = load_database(pg_schema.url)
    assert skipped == []
    by = _in_schema(tables, pg_schema)
    assert sorted(by) == ['Odd "Name"', "customers", "empty"]
    customers = by["customers"]
    assert customers.name == f"{pg_schema.name}.customers"
    assert customers.origin == f"{mask_uri(pg_schema.url)}#{pg_schema.name}.customers"
    frame = customers.frame
    assert frame.schema == pl.Schema(
        {
            "id": pl.Int64,
            "small": pl.Int64,
            "price": pl.Float64,
            "ratio": pl.Float64,
            "score": pl.Float64,
            "name": pl.String,
            "code": pl.String,
            "created": pl.Datetime("us"),
            "seen": pl.Datetime("us", "UTC"),
            "born": pl.Date,
            "active": pl.Boolean,
            "doc": pl.String,
            "raw": pl.String,
            "ref": pl.String,
            "avatar": pl.Binary,
            "tags": pl.String,
            "ip": pl.String,
            "wake": pl.Time,
            "wait": pl.Duration("us"),
            "Mixed Case": pl.String,
            'we"ird': pl.Int64,
        }
    )
    row = frame.row(0, named=True)
    assert row["id"] == 9_000_000_000
    assert row["price"] == pytest.approx(3.14)
    assert row["created"] == dt.datetime(2024, 1, 2, 3, 4, 5)
    assert json.loads(row["doc"]) == {"email": "ann@example.com"}
    assert json.loads(row["raw"]) == [1, 2]
    assert row["ref"] == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"
    assert row["avatar"] == b"\xde\xad\xbe\xef"
    assert json.loads(row["tags"]) == ["a", "b"]
    assert row["ip"] == "10.0.0.1"
    assert row["wake"] == dt.time(12, 30)
    assert row["wait"] == dt.timedelta(days=1, hours=2)
    assert row['we"ird'] == 7
    assert all(v is None for v in frame.row(1))
    assert by["empty"].frame.height == 0
    assert by["empty"].frame.schema == pl.Schema(
        {"a": pl.Int64, "b": pl.String, "c": pl.Datetime("us", "UTC")}
    )
    assert by['Odd "Name"'].frame["x"].to_list() == [1]


def test_postgres_timestamp_with_time_zone_is_utc(pg_schema: PgSchema) -> None:
    pg_schema.execute(
        "CREATE TABLE events (at timestamptz)",
        "INSERT INTO events VALUES ('2024-06-01 12:00:00+02'), ('2024-12-01 12:00:00-05')",
    )
    tables, _ = load_database(pg_schema.url, [f"{pg_schema.name}.events"])
    values = tables[0].frame["at"].to_list()
    assert values == [
        dt.datetime(2024, 6, 1, 10, 0, tzinfo=dt.UTC),
        dt.datetime(2024, 12, 1, 17, 0, tzinfo=dt.UTC),
    ]


def test_postgres_one_table_and_scheme_aliases(pg_schema: PgSchema) -> None:
    _pg_types_table(pg_schema)
    for url in (pg_schema.url, pg_schema.url.replace("postgresql://", "postgres://", 1)):
        tables, skipped = load_database(url, [f"{pg_schema.name}.empty"])
        assert skipped == []
        assert [t.name for t in tables] == [f"{pg_schema.name}.empty"]


def test_postgres_public_tables_have_bare_names(pg_schema: PgSchema) -> None:
    table = f"clearance_pub_{pg_schema.name[-12:]}"
    PgSchema(pg_schema.url, "public").execute(
        f"CREATE TABLE {table} (a int)", f"INSERT INTO {table} VALUES (1)"
    )
    try:
        for requested in (table, f"public.{table}"):
            tables, _ = load_database(pg_schema.url, [requested])
            assert [t.name for t in tables] == [table]
            assert tables[0].frame["a"].to_list() == [1]
    finally:
        PgSchema(pg_schema.url, "public").execute(f"DROP TABLE {table}")


def test_postgres_unknown_table(pg_schema: PgSchema) -> None:
    _pg_types_table(pg_schema)
    injection = f'{pg_schema.name}.customers"; DROP TABLE customers; --'
    with pytest.raises(InputError) as err:
        load_database(pg_schema.url, [injection])
    message = str(err.value)
    assert injection in message
    assert f"{pg_schema.name}.customers" in message.split("available tables:")[1]
    tables, _ = load_database(pg_schema.url, [f"{pg_schema.name}.customers"])
    assert tables[0].frame.height == 2


def _password(url: str) -> str:
    password = sa.make_url(url).password
    assert password, "the test URL needs a password"
    return str(password)


def test_postgres_wrong_password(postgres_url: str) -> None:
    url = sa.make_url(postgres_url).set(password="wrong-Pa55word-xyz")
    uri = url.render_as_string(hide_password=False)
    with pytest.raises(SourceUnavailableError) as err:
        load_database(uri)
    message = str(err.value)
    assert f'password authentication failed for user "{url.username}"' in message
    assert "wrong-Pa55word-xyz" not in message
    assert "***" in message
    assert err.value.exit_code == 6
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_postgres_server_down(postgres_url: str) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        free_port = sock.getsockname()[1]
    url = sa.make_url(postgres_url).set(host="127.0.0.1", port=free_port)
    with pytest.raises(SourceUnavailableError, match="connection refused") as err:
        load_database(url.render_as_string(hide_password=False))
    assert _password(postgres_url) not in str(err.value)


def test_postgres_unknown_database(postgres_url: str) -> None:
    url = sa.make_url(postgres_url).set(database="clearance_no_such_db")
    with pytest.raises(
        SourceUnavailableError, match='database "clearance_no_such_db" does not exist'
    ):
        load_database(url.render_as_string(hide_password=False))


def test_postgres_password_never_in_messages(pg_schema: PgSchema) -> None:
    _pg_types_table(pg_schema)
    password = _password(pg_schema.url)
    messages: list[str] = []
    tables, skipped = load_database(pg_schema.url)
    messages += [t.origin for t in tables] + [f"{o} {r}" for o, r in skipped]
    base = sa.make_url(pg_schema.url)
    failing = [
        (pg_schema.url, ["no_such_table"]),
        (base.set(database="clearance_no_such_db").render_as_string(hide_password=False), None),
        (base.set(username="clearance_no_such_role").render_as_string(hide_password=False), None),
        (base.set(port=1).render_as_string(hide_password=False), None),
        (pg_schema.url.replace("postgresql", "mysql", 1), None),
    ]
    for uri, wanted in failing:
        with pytest.raises(ClearanceError) as err:
            load_database(uri, wanted)
        messages.append(str(err.value))
        assert err.value.__cause__ is None
    assert mask_uri(pg_schema.url) in messages[0]
    for message in messages:
        assert password not in message
        assert "\n" not in message


# ----------------------------------------------------------------------------- lazy Parquet


def _parquet(path: Path, rows: int = 10) -> pl.DataFrame:
    frame = pl.DataFrame(
        {
            "id": list(range(rows)),
            "postcode": [f"{i % 7:05d}" for i in range(rows)],
            "when": [dt.datetime(2024, 1, 1 + i % 28) for i in range(rows)],
            "score": [i / 3 for i in range(rows)],
            "blob": [bytes([i % 256]) for i in range(rows)],
        }
    )
    frame.write_parquet(path, row_group_size=3)
    return frame


def test_streaming_reads_parquet_lazily_with_the_eager_schema_and_values(tmp_path: Path) -> None:
    written = _parquet(tmp_path / "t.parquet")
    (eager,), _ = load_files([tmp_path / "t.parquet"], streaming=False)
    (lazy,), _ = load_files([tmp_path / "t.parquet"], streaming=True)
    assert isinstance(eager.data, pl.DataFrame) and isinstance(lazy.data, pl.LazyFrame)
    assert lazy.streamed and not eager.streamed
    assert lazy.schema == eager.schema == written.schema
    assert lazy.columns == eager.columns and lazy.height == eager.height == 10
    assert lazy.frame.equals(eager.frame)


def test_streaming_by_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _parquet(tmp_path / "t.parquet")
    (small,), _ = load_files([tmp_path / "t.parquet"], streaming=None)
    assert not small.streamed
    monkeypatch.setattr(sources, "STREAM_BYTES", 1)
    (large,), _ = load_files([tmp_path / "t.parquet"], streaming=None)
    assert large.streamed
    (tmp_path / "a.csv").write_text("a\n1\n")
    assert not load_files([tmp_path / "a.csv"], streaming=None)[0][0].streamed
    monkeypatch.setattr(sources, "STREAM_TEXT_BYTES", 1)
    assert load_files([tmp_path / "a.csv"], streaming=None)[0][0].streamed
    (tmp_path / "a.jsonl").write_text('{"a": 1}\n')
    (jsonl,), _ = load_files([tmp_path / "a.jsonl"], streaming=True)
    assert not jsonl.streamed  # JSON and JSONL are always read in memory


def test_streaming_reads_csv_and_tsv_as_text_like_the_eager_read(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes('postcode,note\n01234,"x, y"\n,\n\xe9,z\n'.encode("latin-1"))
    (tmp_path / "b.tsv").write_text("id\tv\n007\t1.50\n")
    for name in ("a.csv", "b.tsv"):
        (eager,), _ = load_files([tmp_path / name], streaming=False)
        (lazy,), _ = load_files([tmp_path / name], streaming=True)
        assert lazy.streamed and lazy.schema == eager.schema
        assert lazy.frame.equals(eager.frame)
    assert lazy.frame["id"].to_list() == ["007"]


def test_nested_parquet_is_read_in_memory_and_flattened(tmp_path: Path) -> None:
    pl.DataFrame({"meta": [{"a": 1}, {"a": 2}], "tags": [["x"], []]}).write_parquet(
        tmp_path / "n.parquet"
    )
    (table,), _ = load_files([tmp_path / "n.parquet"], streaming=True)
    assert not table.streamed
    assert table.frame["meta"].to_list() == ['{"a": 1}', '{"a": 2}']


def test_streaming_corrupt_and_empty_parquet_get_the_eager_reasons(tmp_path: Path) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not parquet " + SECRET_CELL.encode())
    (tmp_path / "empty.parquet").write_bytes(b"")
    for streaming in (False, True):
        tables, skipped = load_files(
            [tmp_path / "broken.parquet", tmp_path / "empty.parquet"], streaming=streaming
        )
        reasons = dict(skipped)
        assert not tables
        assert reasons[str(tmp_path / "broken.parquet")].startswith("cannot parse as PARQUET")
        assert reasons[str(tmp_path / "empty.parquet")] == "file is empty"
        assert SECRET_CELL not in str(skipped)


@pytest.mark.parametrize("rows", [0, 1, 3, 7, 9, 10, 25])
def test_batches_are_the_slices_of_the_eager_frame(tmp_path: Path, rows: int) -> None:
    written = _parquet(tmp_path / "t.parquet", rows)
    (table,), _ = load_files([tmp_path / "t.parquet"], streaming=True)
    for step, limit in ((3, None), (4, None), (100, None), (4, 6), (5, 100)):
        expected = written if limit is None else written.head(limit)
        slices = [expected.slice(lo, step) for lo in range(0, max(expected.height, 1), step)]
        got = list(table.batches(step, limit))
        assert [b.height for b in got] == [s.height for s in slices]
        assert all(b.equals(s) for b, s in zip(got, slices, strict=True))
