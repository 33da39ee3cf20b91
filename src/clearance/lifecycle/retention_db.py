"""Retention in SQLite and PostgreSQL tables: one transaction for every table of a database,
rolled back on any error.

The records past retention are those the audit's age computation marks (the timestamp column is
read and aged by :func:`clearance.lifecycle.retention.expiry`); the rows are then selected and
deleted with ``WHERE ts < cutoff`` in SQL, and the transaction is rolled back unless the
database's comparison picks exactly as many rows as the age computation (a timestamp stored as
text in another form than ISO 8601 would compare wrongly: refused, nothing deleted).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection, Engine

from clearance.audit.databases import database_error, list_tables, open_database
from clearance.audit.policy import Policy
from clearance.audit.sources import cell_text
from clearance.errors import InputError
from clearance.lifecycle.expiry import (
    Expiry,
    expiry,
    fingerprints,
    row_ids,
    timestamp_column,
)
from clearance.lifecycle.records import TableRetention
from clearance.privacy import Fingerprinter


@dataclass
class _Table:
    name: str
    schema: str | None
    table: str
    columns: list[str]
    ts_type: Any
    key: list[str]
    expiry: Expiry


@dataclass
class DbRetention:
    """A database opened for retention (a transaction begun); :meth:`close` rolls back what
    was not committed and releases the connection."""

    engine: Engine
    url: URL
    masked: str
    conn: Connection
    tables: list[_Table] = field(default_factory=list)
    committed: bool = False

    @property
    def expiries(self) -> list[Expiry]:
        return [t.expiry for t in self.tables]

    def _guard(self, exc: sa_exc.DBAPIError) -> Exception:
        return database_error(exc, self.url, self.masked)

    def summaries(
        self, *, apply: bool, archive: str | None, fp: Fingerprinter | None
    ) -> list[TableRetention]:
        out = []
        for t in self.tables:
            e = t.expiry
            expected = int(e.expired.sum())
            base = {
                "table": e.table,
                "source": f"{self.masked}#{t.name}",
                "column": e.column,
                "limit_days": e.limit,
                "cutoff": e.cutoff.isoformat(),
                "rows": e.expired.len(),
                "expired": expected,
                "unparseable": e.unparseable,
                "conflict": e.conflict,
                "override": e.override if e.conflict is not None else None,
            }
            if not apply or expected == 0:
                out.append(TableRetention(**base))  # type: ignore[arg-type]
                continue
            try:
                more = self._remove(t, expected, archive, fp)
            except sa_exc.DBAPIError as exc:
                raise self._guard(exc) from None
            out.append(TableRetention(**base, **more))  # type: ignore[arg-type]
        return out

    def _cutoff(self, t: _Table) -> Any:
        day = t.expiry.cutoff
        if self.url.get_backend_name() == "sqlite" or not isinstance(
            t.ts_type, sa.Date | sa.DateTime
        ):
            return day.isoformat()  # ISO text compares in date order
        if isinstance(t.ts_type, sa.DateTime):
            start = datetime(day.year, day.month, day.day)
            return start.replace(tzinfo=UTC) if t.ts_type.timezone else start
        return day

    def _remove(
        self, t: _Table, expected: int, archive: str | None, fp: Fingerprinter | None
    ) -> dict[str, Any]:
        source = sa.table(t.table, *[sa.column(c) for c in t.columns], schema=t.schema)
        where = source.c[t.expiry.column] < sa.bindparam("cutoff", self._cutoff(t))
        id_cols = t.key or []
        picked = [source.c[c] for c in (id_cols or t.columns)]
        rows = self.conn.execute(sa.select(*picked).select_from(source).where(where)).all()
        if len(rows) != expected:
            raise InputError(
                f"{self.masked}#{t.name}",
                f"column {t.expiry.column}: the database's comparison with the cut-off "
                f"{t.expiry.cutoff.isoformat()} selects {len(rows)} records, the age check "
                f"{expected}; nothing deleted (store the timestamps as a date/time type or ISO "
                "8601 text)",
            )
        names = id_cols or t.columns
        frame = pl.DataFrame(
            {n: [cell_text(r[i]) for r in rows] for i, n in enumerate(names)},
            schema={n: pl.String for n in names},
        )
        id_column = "+".join(id_cols) if id_cols else None
        ids = (
            row_ids(frame, names[0])
            if len(id_cols) == 1
            else ["\x1f".join(map(str, r)) for r in frame.rows()]
            if id_cols
            else row_ids(frame, None)
        )
        archived = None
        if archive is not None:
            target = sa.table(f"{archive}{t.table}", schema=t.schema)
            archived = f"{self.masked}#{(t.schema + '.') if t.schema else ''}{archive}{t.table}"
            prep = self.conn.dialect.identifier_preparer
            target_sql = prep.format_table(target)
            source_sql = prep.format_table(source)
            if not sa.inspect(self.conn).has_table(target.name, schema=t.schema):
                self.conn.exec_driver_sql(
                    f"CREATE TABLE {target_sql} AS SELECT * FROM {source_sql} WHERE 1 = 0"
                )
            into = sa.table(target.name, *[sa.column(c) for c in t.columns], schema=t.schema)
            self.conn.execute(
                sa.insert(into).from_select(
                    t.columns, sa.select(*[source.c[c] for c in t.columns]).where(where)
                )
            )
        deleted = self.conn.execute(sa.delete(source).where(where)).rowcount
        if deleted != expected:
            raise InputError(
                f"{self.masked}#{t.name}",
                f"deleted {deleted} records where the age check expected {expected}; rolled back",
            )
        return {
            "id_column": id_column,
            "removed_ids": fingerprints(fp, t.expiry.table, ids),
            "archived_to": archived,
        }

    def commit(self) -> None:
        try:
            self.conn.commit()
        except sa_exc.DBAPIError as exc:
            raise self._guard(exc) from None
        self.committed = True

    def close(self) -> None:
        try:
            if not self.committed:
                self.conn.rollback()
            self.conn.close()
        except sa_exc.DBAPIError:
            pass  # the connection is gone: the server rolls back what was not committed
        finally:
            self.engine.dispose()


def plan(uri: str, policy: Policy, today: date, *, writable: bool) -> DbRetention:
    """Opens ``uri`` (SQLite read-only unless ``writable``), begins the transaction and ages
    every table with a retention period. The caller closes it (:meth:`DbRetention.close`)."""
    engine, url, masked = open_database(uri, writable=writable)
    try:
        conn = engine.connect()
    except sa_exc.DBAPIError as exc:
        engine.dispose()
        raise database_error(exc, url, masked) from None
    db = DbRetention(engine, url, masked, conn)
    try:
        conn.begin()
        backend = url.get_backend_name()
        with warnings.catch_warnings():  # unknown column types: their names are enough
            warnings.simplefilter("ignore", sa_exc.SAWarning)
            inspector = sa.inspect(conn)
            for name, (schema, table) in list_tables(conn, backend).items():
                if policy.retention_days(name) is None:
                    continue
                reflected = inspector.get_columns(table, schema=schema)
                columns = [str(c["name"]) for c in reflected]
                empty = pl.DataFrame(
                    {c: [] for c in columns}, schema={c: pl.String for c in columns}
                )
                column = timestamp_column(policy, name, columns, empty)
                ts_type = next(c["type"] for c in reflected if c["name"] == column)
                key = list(inspector.get_pk_constraint(table, schema=schema)["constrained_columns"])
                if not key:
                    subject = policy.table(name).subject_key or policy.subject_key
                    key = [subject] if subject is not None and subject in columns else []
                query: sa.Select[Any] = sa.select(sa.column(column)).select_from(
                    sa.table(table, schema=schema)
                )
                values = [v for (v,) in conn.execute(query)]
                stamps = _series(column, values)
                db.tables.append(
                    _Table(
                        name,
                        schema,
                        table,
                        columns,
                        ts_type,
                        key,
                        expiry(policy, name, stamps, column, today),
                    )
                )
    except sa_exc.DBAPIError as exc:
        db.close()
        raise database_error(exc, url, masked) from None
    except BaseException:
        db.close()
        raise
    return db


def _series(name: str, values: list[Any]) -> pl.Series:
    """The timestamp values as the audit ages them: datetimes and dates typed, the rest text."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, datetime) for v in present):
        aware = [v.astimezone(UTC).replace(tzinfo=None) if v.tzinfo else v for v in present]
        it = iter(aware)
        return pl.Series(
            name, [None if v is None else next(it) for v in values], dtype=pl.Datetime("us")
        )
    if present and all(isinstance(v, date) for v in present):
        return pl.Series(name, values, dtype=pl.Date)
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return pl.Series(name, values, dtype=pl.Float64)
    return pl.Series(name, [cell_text(v) for v in values], dtype=pl.String)
