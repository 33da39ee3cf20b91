"""Database sources for ``clearance audit``: every table of a database as a :class:`Table`.

Databases are read with SQLAlchemy: SQLite files (opened read-only, never created) and PostgreSQL
(psycopg 3, all schemas except the system ones, inside a read-only transaction). Rows are fetched
in batches and each column is built with the Polars type that matches its declared SQL type.
``pl.read_database`` does work without pandas on a SQLAlchemy connection, but it infers types from
the first rows only: it turns Decimals, JSON objects and UUIDs into Decimal/Struct/Object columns,
leaves SQLite timestamps as text, gives ``Null`` columns for empty tables and fails on SQLite's
mixed-type columns. So the fetch is done here, with the types taken from the table's definition;
a column whose values do not fit its declared type (SQLite allows that) falls back to text rather
than losing values.

Error messages never quote a cell value or a password: database URIs are shown masked
(``postgresql://user:***@host:port/db``) and connection failures are described by our own reason,
not by the driver's message.
"""

from __future__ import annotations

import sqlite3
import warnings
from collections.abc import Callable, Generator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from clearance.audit.sources import Skipped, Table, cell_text
from clearance.errors import InputError, SourceUnavailableError
from clearance.io.readers import one_line

__all__ = [
    "SUPPORTED_SCHEMES",
    "database_error",
    "list_tables",
    "load_database",
    "mask_uri",
    "open_database",
    "parse_database_uri",
    "read_batches",
    "select_tables",
    "server_engine",
]

SUPPORTED_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://", "sqlite:///")
BATCH_ROWS = 10_000
CONNECT_TIMEOUT_S = 10

_PG_SYSTEM_SCHEMAS = {"information_schema", "pg_catalog", "pg_toast"}
_DEFAULT_SCHEMAS = {"postgresql": "public", "sqlite": "main"}


# ----------------------------------------------------------------------------------- databases


_AMBIGUOUS = (
    "cannot tell the password from the host: percent-encode '@' (as %40), '/', '?' and ':' "
    "in the user name and password"
)


def _parse_masked(uri: str) -> tuple[URL | None, str]:
    """(the URL as SQLAlchemy parses it, or None when that parse would misplace part of the
    credentials; the URI as it may be shown).

    The mask is rendered from SQLAlchemy's own parse (``URL.render_as_string(hide_password=
    True)``, query dropped: it may hold ``password=``), so what is hidden is exactly what the
    driver would send as the password. An unencoded ``@`` in a password makes SQLAlchemy end the
    password at the first ``@`` and read the rest as the host or database; such a URI is shown
    as ``scheme://***@`` + what follows its last ``@``, and not used."""
    scheme, sep, rest = uri.partition("://")
    if not sep:
        return None, "<database URI>"
    after = rest[rest.rfind("@") + 1 :].split("?", 1)[0] if "@" in rest else ""
    conservative = f"{scheme}://***@{after}" if after else f"{scheme}://***"
    try:
        url = make_url(uri)
    except (sa_exc.ArgumentError, ValueError):
        return None, conservative
    if url.get_backend_name() == "sqlite":
        return url, f"{url.drivername}://" + (f"/{url.database}" if url.database else "")
    if "@" in (url.host or "") or "@" in (url.database or ""):
        return None, conservative
    return url, url.set(query={}).render_as_string(hide_password=True)


def mask_uri(uri: str) -> str:
    """The URI without its password and query string: ``postgresql://user:***@host:port/db``.

    Parsed as SQLAlchemy parses it (see :func:`_parse_masked`): no part of a password, however
    written, is ever in the result."""
    return _parse_masked(uri)[1]


def load_database(uri: str, tables: Sequence[str] | None = None) -> tuple[list[Table], Skipped]:
    """Read all tables of a database, or those named in ``tables``.

    Raises ``InputError`` for an unsupported or ambiguous URI or an unknown table, and
    ``SourceUnavailableError`` when the server cannot be reached or refuses the login, or the
    SQLite file does not exist (it is never created).
    """
    engine, url, masked = open_database(uri)
    try:
        return _load(engine, masked, url, tables)
    finally:
        engine.dispose()


def open_database(uri: str, *, writable: bool = False) -> tuple[Engine, URL, str]:
    """(engine, parsed URL, masked URI) for ``uri``, with the checks of :func:`load_database`.
    A SQLite file is opened read-only unless ``writable`` (``clearance retention apply``), and
    never created either way. The caller disposes of the engine."""
    masked = mask_uri(uri)
    url = _parse_url(uri, masked)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, masked, writable), url, masked
    return _pg_engine(url), url, masked


def list_tables(conn: Connection, backend: str) -> dict[str, tuple[str | None, str]]:
    """Display name (``table``, or ``schema.table`` outside the default schema) -> (schema or
    None for the default one, table name), as the audit names database tables."""
    return _discover_tables(conn, backend, _DEFAULT_SCHEMAS[backend])


def database_error(
    exc: sa_exc.DBAPIError, url: URL, masked: str
) -> InputError | SourceUnavailableError:
    """Our own one-line error for a driver error (never the driver's text, which can carry
    connection details): a SQLite file that cannot be read is an input error, a PostgreSQL
    server that cannot be used is unavailable."""
    if url.get_backend_name() == "sqlite":
        return InputError(masked, _sqlite_reason(exc))
    return SourceUnavailableError(masked, _pg_reason(exc, url))


def _parse_url(uri: str, masked: str) -> URL:
    scheme = uri.partition("://")[0].lower()
    if scheme == "postgres":
        uri = "postgresql" + uri[len("postgres") :]
        scheme = "postgresql"
    if scheme not in {"postgresql", "postgresql+psycopg", "sqlite", "sqlite+pysqlite"}:
        raise InputError(
            masked, "unsupported database URI; supported: " + ", ".join(SUPPORTED_SCHEMES)
        )
    url, _ = _parse_masked(uri)
    if url is None:
        if "@" in uri.partition("://")[2]:
            raise InputError(masked, _AMBIGUOUS)
        raise InputError(masked, "cannot parse the database URI")
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_engine(url: URL, masked: str, writable: bool = False) -> Engine:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise InputError(masked, "expected sqlite:///path/to/file.db")
    path = Path(database)
    if not path.exists():
        # Like a server that is not there (README: exit 6); never created, so never "empty".
        raise SourceUnavailableError(masked, "no such SQLite file (it is never created)")
    if not path.is_file():
        raise InputError(masked, "not a file")
    # mode=ro: never writes; ro and rw never create an empty database for a mistyped path.
    target = path.resolve().as_uri() + ("?mode=rw" if writable else "?mode=ro")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(target, uri=True)

    return sa.create_engine("sqlite+pysqlite://", creator=connect, poolclass=NullPool)


def _pg_engine(url: URL) -> Engine:
    return sa.create_engine(
        url,
        poolclass=NullPool,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_S, "application_name": "clearance"},
    )


def _load(
    engine: Engine, masked: str, url: URL, wanted: Sequence[str] | None
) -> tuple[list[Table], Skipped]:
    backend = url.get_backend_name()
    default_schema = _DEFAULT_SCHEMAS[backend]
    try:
        with engine.connect() as conn:
            available = _discover_tables(conn, backend, default_schema)
            conn.rollback()
            selected = _select(available, wanted, masked)
            tables: list[Table] = []
            skipped: Skipped = []
            for name, (schema, table) in selected:
                origin = f"{masked}#{name}"
                try:
                    with conn.begin():
                        if backend == "postgresql":
                            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                        frame = _read_db_table(conn, schema, table)
                except sa_exc.DBAPIError as exc:
                    if exc.connection_invalidated or _is_connection_error(exc):
                        raise
                    skipped.append((origin, _table_error(exc)))
                    continue
                tables.append(Table(name=name, origin=origin, data=frame))
            return tables, skipped
    except sa_exc.DBAPIError as exc:
        raise database_error(exc, url, masked) from None


def _discover_tables(
    conn: Connection, backend: str, default_schema: str
) -> dict[str, tuple[str | None, str]]:
    """Display name -> (schema or None for the default one, table name)."""
    inspector = sa.inspect(conn)
    found: dict[str, tuple[str | None, str]] = {}
    if backend == "sqlite":
        schemas: list[str | None] = [None]
    else:
        others = sorted(
            s
            for s in inspector.get_schema_names()
            if s not in _PG_SYSTEM_SCHEMAS and not s.startswith("pg_") and s != default_schema
        )
        schemas = [None, *others]
    for schema in schemas:
        for table in sorted(inspector.get_table_names(schema=schema)):
            name = table if schema is None else f"{schema}.{table}"
            found.setdefault(name, (schema, table))
    return found


def _select(
    available: dict[str, tuple[str | None, str]], wanted: Sequence[str] | None, masked: str
) -> list[tuple[str, tuple[str | None, str]]]:
    if wanted is None:
        return list(available.items())
    selected: list[tuple[str, tuple[str | None, str]]] = []
    for requested in wanted:
        name = requested
        for default in _DEFAULT_SCHEMAS.values():  # "public.users" is "users"
            if name not in available and name.startswith(default + "."):
                name = name[len(default) + 1 :]
        if name not in available:
            listing = ", ".join(list(available)[:30]) or "none"
            if len(available) > 30:
                listing += f", … ({len(available)} in all)"
            raise InputError(f"{masked}#{requested}", f"no such table; available tables: {listing}")
        if all(name != done for done, _ in selected):
            selected.append((name, available[name]))
    return selected


def _read_db_table(conn: Connection, schema: str | None, table: str) -> pl.DataFrame:
    batches = list(read_batches(conn, schema, table, BATCH_ROWS))
    return _concat(batches) if batches else pl.DataFrame()


def read_batches(
    conn: Connection, schema: str | None, table: str, rows: int
) -> Generator[pl.DataFrame, None, None]:
    """The table in batches of ``rows`` (an empty table: one empty batch with its columns),
    each column typed from its declared SQL type."""
    with warnings.catch_warnings():  # unknown column types are read as text, no need to warn
        warnings.simplefilter("ignore", sa_exc.SAWarning)
        columns = sa.inspect(conn).get_columns(table, schema=schema)
    names = [str(c["name"]) for c in columns]
    types = [c["type"] for c in columns]
    # Untyped column() constructs: no SQLAlchemy result processing (which would fail on odd
    # SQLite values); the names are quoted by the dialect's identifier preparer.
    if not names:
        return
    selected: list[sa.ColumnClause[Any]] = [sa.column(n) for n in names]
    query = sa.select(*selected).select_from(sa.table(table, schema=schema))
    # Server-side cursor where the driver has one: memory holds one batch of rows, not the table.
    result = conn.execute(query.execution_options(stream_results=True, yield_per=rows))
    empty = True
    try:
        for part in result.partitions(rows):
            values = list(zip(*part, strict=True)) if part else [() for _ in names]
            empty = False
            yield pl.DataFrame(
                [_column(n, list(v), t) for n, v, t in zip(names, values, types, strict=True)]
            )
    finally:  # a caller that stops early (an error) must not leave a server cursor open
        result.close()
    if empty:
        yield pl.DataFrame([_column(n, [], t) for n, t in zip(names, types, strict=True)])


def parse_database_uri(uri: str) -> tuple[URL, str]:
    """``(parsed URL, masked URI)``; :class:`InputError` for an unsupported or ambiguous URI."""
    masked = mask_uri(uri)
    return _parse_url(uri, masked), masked


def server_engine(url: URL) -> Engine:
    """An engine for a PostgreSQL URL parsed by :func:`parse_database_uri` (read and write)."""
    return _pg_engine(url)


def select_tables(
    conn: Connection, url: URL, wanted: Sequence[str] | None, masked: str
) -> list[tuple[str, tuple[str | None, str]]]:
    """``(display name, (schema or None, table))`` of every table, or of those ``wanted``."""
    backend = url.get_backend_name()
    return _select(_discover_tables(conn, backend, _DEFAULT_SCHEMAS[backend]), wanted, masked)


def _concat(batches: list[pl.DataFrame]) -> pl.DataFrame:
    if len(batches) == 1:
        return batches[0]
    schema = batches[0].schema
    mixed = [n for n in schema if any(b.schema[n] != schema[n] for b in batches)]
    if mixed:  # one batch fell back to text: the whole column becomes text
        batches = [b.with_columns(pl.col(mixed).cast(pl.String)) for b in batches]
    return pl.concat(batches, how="vertical")


def _polars_type(sql_type: Any) -> pl.DataType | None:
    """The Polars type for a reflected SQL type; None means text through ``_to_text``."""
    if isinstance(sql_type, sa.Boolean):
        return pl.Boolean()
    if isinstance(sql_type, sa.Integer):
        return pl.Int64()
    if isinstance(sql_type, sa.Float | sa.Numeric):
        return pl.Float64()
    if isinstance(sql_type, sa.DateTime):
        return pl.Datetime("us", "UTC" if sql_type.timezone else None)
    if isinstance(sql_type, sa.Date):
        return pl.Date()
    if isinstance(sql_type, sa.Time):
        return pl.Time()
    if isinstance(sql_type, sa.Interval | postgresql.INTERVAL):
        return pl.Duration("us")
    if isinstance(sql_type, sa.LargeBinary):
        return pl.Binary()
    return None


_TEXT_PARSERS: dict[type[pl.DataType], Callable[[pl.Series], pl.Series]] = {
    pl.Datetime: lambda s: s.str.to_datetime(strict=True, time_unit="us"),
    pl.Date: lambda s: s.str.to_date(strict=True),
    pl.Time: lambda s: s.str.to_time(strict=True),
}


def _column(name: str, values: list[Any], sql_type: Any) -> pl.Series:
    dtype = _polars_type(sql_type)
    if dtype is not None:
        try:
            return _typed(name, values, dtype)
        except (Exception, pl.exceptions.PanicException):
            pass  # values that do not fit the declared type (SQLite): keep them as text
    return pl.Series(name, [cell_text(v) for v in values], dtype=pl.String)


def _typed(name: str, values: list[Any], dtype: pl.DataType) -> pl.Series:
    present = [v for v in values if v is not None]
    if isinstance(dtype, pl.Boolean):
        if not all(isinstance(v, bool) or v in (0, 1) for v in present):
            raise ValueError("not a boolean")
        values = [None if v is None else bool(v) for v in values]
    elif isinstance(dtype, pl.Float64):
        values = [float(v) if isinstance(v, Decimal) else v for v in values]
    elif isinstance(dtype, pl.Binary):
        values = [bytes(v) if isinstance(v, memoryview | bytearray) else v for v in values]
    parser = _TEXT_PARSERS.get(type(dtype))
    if parser is not None and present and all(isinstance(v, str) for v in present):
        # SQLite stores dates and timestamps as text
        parsed = parser(pl.Series(name, values, dtype=pl.String))
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
            parsed = parsed.dt.replace_time_zone(dtype.time_zone)
        if parsed.null_count() != len(values) - len(present):
            raise ValueError("unparsed values")
        return parsed.cast(dtype)
    if any(isinstance(v, str) for v in present):
        raise ValueError("text in a typed column")
    return pl.Series(name, values, dtype=dtype, strict=True)


def _driver_text(exc: sa_exc.DBAPIError) -> str:
    return str(exc.orig or "").lower()


_CONNECTION_MARKERS = (
    "connection refused",
    "server closed the connection",
    "terminating connection",
    "connection failed",
    "could not connect",
    "timeout expired",
    "connection timed out",
)


def _is_connection_error(exc: sa_exc.DBAPIError) -> bool:
    text = _driver_text(exc)
    return isinstance(exc, sa_exc.OperationalError) and any(m in text for m in _CONNECTION_MARKERS)


def _pg_reason(exc: sa_exc.DBAPIError, url: URL) -> str:
    """Our own one-line reason: the driver's text can carry connection details we do not echo."""
    text = _driver_text(exc)
    user = url.username or "(default)"
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    host = url.host or "localhost"
    rules: list[tuple[Callable[[str], bool], str]] = [
        (
            lambda t: "password authentication failed" in t,
            f'password authentication failed for user "{user}"',
        ),
        (
            lambda t: "no password supplied" in t or "fe_sendauth" in t,
            "the server requires a password and none was given",
        ),
        (lambda t: "authentication failed" in t, f'authentication failed for user "{user}"'),
        (lambda t: "role" in t and "does not exist" in t, f'role "{user}" does not exist'),
        (
            lambda t: "database" in t and "does not exist" in t,
            f'database "{url.database}" does not exist',
        ),
        (
            lambda t: "permission denied for database" in t,
            f'permission denied for database "{url.database}"',
        ),
        (
            lambda t: "no pg_hba.conf entry" in t,
            "the server does not accept this host or user (pg_hba.conf)",
        ),
        (
            lambda t: "connection refused" in t,
            f"connection refused by {where} (is the server running?)",
        ),
        (lambda t: "timeout expired" in t or "timed out" in t, f"connection to {where} timed out"),
        (
            lambda t: (
                "could not translate host name" in t
                or "name or service not known" in t
                or "nodename nor servname" in t
            ),
            f'unknown host "{host}"',
        ),
        (
            lambda t: "too many connections" in t or "too many clients" in t,
            "the server has too many connections",
        ),
        (lambda t: "starting up" in t, "the database server is starting up"),
        (lambda t: "shutting down" in t, "the database server is shutting down"),
        (lambda t: "server closed the connection" in t, "the server closed the connection"),
        (lambda t: "ssl" in t, "SSL negotiation with the server failed"),
    ]
    for matches, reason in rules:
        if matches(text):
            return reason
    return f"cannot connect to {where} ({type(exc.orig).__name__})"


def _sqlite_reason(exc: sa_exc.DBAPIError) -> str:
    text = _driver_text(exc)
    if "not a database" in text:
        return "not a SQLite database"
    if "unable to open" in text:
        return "cannot open the SQLite file"
    if "malformed" in text or "corrupt" in text:
        return "the SQLite file is corrupt"
    return f"cannot read the SQLite file ({type(exc.orig).__name__})"


_SQLSTATE_REASONS = {
    "42501": "permission denied",
    "42P01": "table disappeared while reading",
    "57014": "query cancelled (statement timeout)",
}


def _table_error(exc: sa_exc.DBAPIError) -> str:
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _SQLSTATE_REASONS:
        return _SQLSTATE_REASONS[sqlstate]
    return f"cannot read table: {one_line(exc.orig or exc)}"
