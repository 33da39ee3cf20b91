"""``redact_database``: the tables of a database (SQLite or PostgreSQL) redacted into new tables
of another database file or a new PostgreSQL schema, never the source tables.

Tables are read with :mod:`clearance.audit.databases` (its URI parsing, masking and one-line
errors; SQLite opened read-only), planned and redacted batch by batch with the same
:func:`plan_table` / :func:`apply_plan` as files, and written inside one transaction: the copies
are scanned again there, and the transaction commits only when no finding of a remediated kind
remains (else it rolls back and nothing is left). A new SQLite file is built under a temporary
name next to its target and renamed after the commit. Every identifier (schema, table, column)
goes through SQLAlchemy's quoting; no SQL is formatted from data.

The manifest (``OUTDIR/manifest.json``) lists each table as ``masked URI#table`` with the rows
and the SHA-256 of its canonical serialization: the rows as NDJSON (Polars ``write_ndjson``,
columns in table order), in the order read (inputs) or written (outputs).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

from clearance._version import __version__
from clearance.audit import databases
from clearance.audit.policy import load_policy
from clearance.errors import InputError
from clearance.io.outputs import output_folder, write_atomic
from clearance.privacy import Fingerprinter
from clearance.redact.manifest import FileEntry, RedactManifest, Rescan
from clearance.redact.operators import Keys
from clearance.redact.paths import check_text_fields
from clearance.redact.replace import Replacer
from clearance.redact.tables import TablePlan, apply_plan, plan_table
from clearance.scan import ScanOptions
from clearance.scan.scanner import Scanner

MANIFEST = "manifest.json"


def _sql_type(dtype: pl.DataType) -> Any:
    if dtype == pl.Boolean:
        return sa.Boolean()
    if dtype.is_integer():
        return sa.BigInteger()
    if dtype.is_float():
        return sa.Float()
    if isinstance(dtype, pl.Datetime):
        return sa.DateTime(timezone=dtype.time_zone is not None)
    if dtype == pl.Date:
        return sa.Date()
    if dtype == pl.Time:
        return sa.Time()
    if isinstance(dtype, pl.Duration):
        return sa.Interval()
    if dtype == pl.Binary:
        return sa.LargeBinary()
    return sa.Text()


class _Digest:
    def __init__(self) -> None:
        self.sha, self.rows = hashlib.sha256(), 0

    def add(self, frame: pl.DataFrame) -> None:
        self.sha.update(frame.write_ndjson().encode())
        self.rows += frame.height


def _same_sqlite(a: URL, b: URL) -> bool:
    pa, pb = Path(a.database or ""), Path(b.database or "")
    return pa.exists() and pb.exists() and os.path.samefile(pa, pb)


def _same_server_db(a: URL, b: URL) -> bool:
    def where(u: URL) -> tuple[str, int, str]:
        return ((u.host or "localhost").lower(), u.port or 5432, u.database or "")

    return where(a) == where(b)


class _Output:
    """Where the copies go: an engine, the schema (None: the default one) and, for a new
    SQLite file, the temporary file renamed into place after the commit."""

    def __init__(
        self, src: URL, src_masked: str, out_uri: str | None, out_schema: str | None
    ) -> None:
        url, self.masked = databases.parse_database_uri(out_uri) if out_uri else (src, src_masked)
        self.url, self.schema = url, out_schema
        self.tmp: Path | None = None
        self.target: Path | None = None
        if url.get_backend_name() != "sqlite":
            if _same_server_db(src, url) and src.get_backend_name() == "postgresql":
                if out_schema is None:
                    raise InputError(
                        self.masked, "is the input database; name a new schema for the copies"
                    )
            self.engine = databases.server_engine(url)
            return
        if out_schema is not None:
            raise InputError(self.masked, "SQLite has no schemas; write to another file")
        if out_uri is None or _same_sqlite(src, url):
            raise InputError(self.masked, "is the input database; write elsewhere")
        self.target = Path(url.database or "")
        if not self.target.exists():
            self.target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                dir=self.target.parent, prefix=".clearance-", suffix=f"-{self.target.name}"
            )
            try:
                mask = os.umask(0o022)
                os.umask(mask)
                os.fchmod(fd, 0o666 & ~mask)  # as any new file of the user's, not 0600
            finally:
                os.close(fd)
            self.tmp = Path(name)
        path = str(self.tmp or self.target)
        self.engine = sa.create_engine(
            "sqlite+pysqlite://",
            creator=lambda: sqlite3.connect(path, isolation_level=None),
            poolclass=NullPool,
        )

        @sa.event.listens_for(self.engine, "begin")
        def _begin(conn: Connection) -> None:  # transactional DDL in SQLite
            conn.exec_driver_sql("BEGIN")

    def close(self, published: bool) -> None:
        self.engine.dispose()
        if self.tmp is not None and self.target is not None:
            if published:
                os.replace(self.tmp, self.target)
            else:
                self.tmp.unlink(missing_ok=True)


def _create(conn: Connection, schema: str | None, name: str, frame: pl.DataFrame) -> sa.Table:
    if sa.inspect(conn).has_table(name, schema=schema):
        raise InputError(
            f"{schema + '.' if schema else ''}{name}", "already exists; the copies go to new tables"
        )
    table = sa.Table(
        name,
        sa.MetaData(),
        *[sa.Column(c, _sql_type(t), quote=True) for c, t in frame.schema.items()],
        schema=schema,
        quote=True,
        quote_schema=True,
    )
    table.create(conn)
    return table


def _remaining(
    report: Any, kept: dict[str, dict[str, set[str]]], kinds: set[str], tables: int
) -> Rescan:
    by_entity: dict[str, int] = {}
    for f in report.findings:
        if f.rule == "column-name" or f.entity not in kinds:
            continue
        column = f.location.column
        if column is not None and f.entity in kept.get(f.location.file, {}).get(column, set()):
            continue
        by_entity[f.entity] = by_entity.get(f.entity, 0) + 1
    return Rescan(
        remaining=sum(by_entity.values()),
        by_entity=dict(sorted(by_entity.items())),
        files_scanned=tables,
    )


def redact_database(
    uri: str,
    outdir: Path | str,
    settings: Any = None,
    *,
    key: bytes | None,
    out_uri: str | None = None,
    out_schema: str | None = None,
    tables: Sequence[str] | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> RedactManifest:
    """Redacts the tables of ``uri`` (all, or ``tables``) into ``out_uri`` (another database)
    and/or ``out_schema`` (a new schema; PostgreSQL), writes ``outdir/manifest.json`` and
    returns the manifest. Nothing is committed unless the re-scan finds no finding of a
    remediated kind. Raises :class:`InputError` (an unusable URI, an output that is the input,
    a table that exists), :class:`SourceUnavailableError` (a server down, a missing SQLite file)
    and :class:`PolicyError` as ``redact_paths`` does."""
    from clearance.redact.run import RedactSettings

    settings = settings or RedactSettings()
    out = Path(outdir)
    policy = load_policy(settings.policy_path)
    policy_hash = (
        hashlib.sha256(settings.policy_path.read_bytes()).hexdigest()
        if settings.policy_path is not None
        else None
    )
    engine = settings.detection.engine()
    replacer = Replacer(
        policy.redact,
        Keys(key),
        policy.reference_date or date.today(),
        lambda table: policy.table(table).subject_key or policy.subject_key,
    )
    source, url, masked = databases.open_database(uri)
    target = _Output(url, masked, out_uri, out_schema)
    output_folder(out)
    published = False
    try:
        with source.connect() as src:
            try:
                selected = databases.select_tables(src, url, tables, masked)
                src.rollback()
            except sa_exc.DBAPIError as exc:
                raise databases.database_error(exc, url, masked) from None
            names = [t for _, (_, t) in selected]
            if len(set(names)) < len(names):
                raise InputError(masked, "two tables of the same name in different schemas")
            if out_schema is not None and any(
                (s or "public") == out_schema for _, (s, _) in selected
            ):
                raise InputError(f"schema {out_schema}", "holds input tables; name a new schema")
            with target.engine.connect() as dst:
                try:
                    manifest, published = _copy(
                        src,
                        dst,
                        selected,
                        url,
                        masked,
                        target,
                        engine,
                        replacer,
                        settings,
                        progress,
                    )
                except sa_exc.DBAPIError as exc:
                    which = (
                        (url, masked) if not dst.in_transaction() else (target.url, target.masked)
                    )
                    raise databases.database_error(exc, *which) from None
    except sa_exc.DBAPIError as exc:
        raise databases.database_error(exc, url, masked) from None
    finally:
        source.dispose()
        target.close(published)
    manifest = manifest.model_copy(
        update={"policy_sha256": policy_hash, "operators": dict(sorted(replacer.operators.items()))}
    )
    write_atomic(out / MANIFEST, manifest.model_dump_json(indent=2) + "\n")
    return manifest


def _copy(
    src: Connection,
    dst: Connection,
    selected: list[tuple[str, tuple[str | None, str]]],
    url: URL,
    masked: str,
    target: _Output,
    engine: Any,
    replacer: Replacer,
    settings: Any,
    progress: Callable[[str, int], None] | None,
) -> tuple[RedactManifest, bool]:
    text_fields = frozenset(settings.text_fields)
    inputs: list[FileEntry] = []
    outputs: list[FileEntry] = []
    kept: dict[str, dict[str, set[str]]] = {}
    columns_seen: set[str] = set()
    written: list[tuple[str, sa.Table]] = []
    with dst.begin() as tx:
        if target.schema is not None:
            dst.execute(sa.schema.CreateSchema(target.schema, if_not_exists=True))
        for name, (schema, table) in selected:
            origin = f"{masked}#{name}"
            digest_in, digest_out = _Digest(), _Digest()
            plan: TablePlan | None = None
            out_table: sa.Table | None = None
            with src.begin():
                if url.get_backend_name() == "postgresql":
                    src.exec_driver_sql("SET TRANSACTION READ ONLY")
                batches = databases.read_batches(src, schema, table, settings.batch_rows)
                with closing(batches):
                    for batch in batches:
                        if plan is None:
                            columns_seen.update(batch.columns)
                            probe = batch.head(ScanOptions().probe_rows)
                            plan = plan_table(probe, origin, table, engine, replacer, text_fields)
                        digest_in.add(batch)
                        redacted = apply_plan(plan, batch, engine, replacer)
                        if out_table is None:
                            out_table = _create(dst, target.schema, table, redacted)
                        if redacted.height:
                            dst.execute(out_table.insert(), redacted.to_dicts())
                        digest_out.add(redacted)
                        if progress is not None:
                            progress(name, batch.height)
            if out_table is None or plan is None:
                continue  # a table without columns
            out_origin = f"{target.masked}#{(target.schema + '.') if target.schema else ''}{table}"
            kept[out_origin] = plan.kept
            written.append((out_origin, out_table))
            inputs.append(
                FileEntry(path=origin, sha256=digest_in.sha.hexdigest(), rows=digest_in.rows)
            )
            outputs.append(
                FileEntry(path=out_origin, sha256=digest_out.sha.hexdigest(), rows=digest_out.rows)
            )
        check_text_fields(text_fields, columns_seen)
        kinds = replacer.remediated_kinds()
        scanner = Scanner(engine, Fingerprinter(secrets.token_bytes(32)))
        for out_origin, out_table in written:
            frames = list(
                databases.read_batches(dst, out_table.schema, out_table.name, settings.batch_rows)
            )
            frame = pl.concat(frames, how="vertical_relaxed") if frames else pl.DataFrame()
            scanner.scan_frame(out_origin, out_table.name, frame)
        rescan = _remaining(scanner.report(), kept, kinds, len(written))
        published = rescan.remaining == 0
        if not published:
            tx.rollback()
    manifest = RedactManifest(
        version=__version__,
        inputs=inputs,
        outputs=outputs,
        policy_sha256=None,
        operators={},
        rescan=rescan,
        published=published,
    )
    return manifest, published
