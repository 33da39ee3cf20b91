"""Where the records live: SQLite (``.clearance/evidence.db`` by default; WAL, a busy timeout
and ``BEGIN IMMEDIATE`` so concurrent writers queue instead of forking the chain) or
PostgreSQL (a table lock for the append)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVarTuple

from sqlalchemy import Engine, Select, create_engine, event, func, select, text
from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from clearance.errors import InputError, PolicyError, SourceUnavailableError
from clearance.evidence.audit_trail import verify_entries
from clearance.evidence.chain import GENESIS, Entry, Verification, canonical_json, entry_hash
from clearance.evidence.models import CheckpointRow, RunRow
from clearance.evidence.record import RunRecord
from clearance.evidence.schema import upgrade
from clearance.evidence.signing import Checkpoint, load_signing_key, sign

STORE_ENV = "CLEARANCE_STORE"
DEFAULT_PATH = Path(".clearance") / "evidence.db"
BUSY_TIMEOUT_S = 60
_Row = TypeVarTuple("_Row")
_SCHEMA_LOCK = 0x636C656172  # "clear": the advisory lock key of schema upgrades


def default_store_url(store: str | None = None) -> str:
    """``store``, else ``CLEARANCE_STORE``, else ``.clearance/evidence.db`` in the working
    directory; a plain path means an SQLite file."""
    chosen = (store or os.environ.get(STORE_ENV, "")).strip() or str(DEFAULT_PATH)
    scheme, sep, rest = chosen.partition("://")
    if not sep:
        return f"sqlite:///{Path(chosen)}"
    if scheme in {"postgresql", "postgres"}:
        return f"postgresql+psycopg://{rest}"
    if scheme in {"postgresql+psycopg", "sqlite"}:
        return chosen
    raise PolicyError(f"evidence store {scheme}://...: only sqlite:/// and postgresql:// stores")


def _shown(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    creds, at, host = rest.rpartition("@")
    return f"{scheme}{sep}{creds.partition(':')[0]}@{host}" if at else url


@dataclass(frozen=True)
class RunLine:
    """A run as a list shows it: the store's plain columns, no payload read (a page of a store
    of millions of findings reads a few hundred bytes per run). The chain vouches for the
    record, not for these columns: :meth:`EvidenceStore.verify` names a row where they differ."""

    seq: int
    run_id: str
    created_at: str
    command: str
    verdict: str


class EvidenceStore:
    """An open store. Records are only ever appended; :meth:`verify` recomputes the chain."""

    def __init__(
        self,
        engine: Engine,
        shown: str,
        *,
        folder: Path | None = None,
        path: Path | None = None,
        writer: bool = True,
        reader: Engine | None = None,
    ) -> None:
        self._engine = engine
        # SQLite: reads in deferred transactions on their own engine (WAL lets them run beside
        # the one writer; BEGIN IMMEDIATE would queue every page view behind every other)
        self._reader = reader or engine
        self.shown = shown
        # when the command began its work, as far as the store knows: commands open their
        # store before any work (the START time of the run's lineage)
        self.opened_at = datetime.now(UTC)
        self.path = path  # the SQLite file; None for a server
        # read on open: a missing or wrong key stops the command before it writes anything;
        # a reader (list, verify, export) signs nothing and needs no private key
        self._key = load_signing_key() if writer else None
        # an SQLite store that does not exist yet: made by the first append, so that a command
        # that fails before recording leaves nothing behind
        self._folder = folder

    @property
    def empty(self) -> bool:
        """An SQLite store not made yet (its first append, or ``create``, makes it)."""
        return self._folder is not None

    @property
    def is_sqlite(self) -> bool:
        return self._engine.dialect.name == "sqlite"

    @contextmanager
    def _session(self, *, read: bool = False) -> Iterator[Session]:
        try:
            with Session(self._reader if read else self._engine) as session, session.begin():
                yield session
        except OperationalError as exc:
            if self.is_sqlite and "locked" not in str(exc.orig):
                raise InputError(
                    self.shown, f"cannot use the evidence store: {_reason(exc)}"
                ) from None
            raise SourceUnavailableError(self.shown, _reason(exc)) from None
        except DatabaseError as exc:
            raise InputError(self.shown, f"not a usable evidence store: {_reason(exc)}") from None

    def create(self) -> None:
        if self._folder is not None:
            try:
                self._folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InputError(
                    self.shown, f"cannot create the evidence store: {exc.strerror or exc}"
                ) from None
            self._folder = None
        try:
            with self._engine.begin() as connection:
                if not self.is_sqlite:
                    # two first runs against a fresh database would both create the tables;
                    # SQLite's BEGIN IMMEDIATE already serialises them
                    connection.execute(text(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})"))
                upgrade(connection, self.shown)
        except OperationalError as exc:
            if self.is_sqlite:
                raise InputError(
                    self.shown, f"cannot open the evidence store: {_reason(exc)}"
                ) from None
            raise SourceUnavailableError(self.shown, _reason(exc)) from None
        except DatabaseError as exc:
            raise InputError(self.shown, f"not a usable evidence store: {_reason(exc)}") from None

    def append(self, record: RunRecord) -> str:
        """Appends ``record`` at the end of the chain (one writer at a time) and signs a
        checkpoint when a key is configured; returns the run id."""
        key = self._key
        payload = canonical_json(record)
        if self._folder is not None:
            self.create()
        with self._session() as session:
            if not self.is_sqlite:
                session.execute(text(f"LOCK TABLE {RunRow.__tablename__} IN EXCLUSIVE MODE"))
            last = session.execute(select(RunRow).order_by(RunRow.seq.desc()).limit(1)).scalar()
            seq = 1 if last is None else last.seq + 1
            prev = GENESIS if last is None else last.hash
            digest = entry_hash(seq, prev, json.loads(payload))
            session.add(
                RunRow(
                    seq=seq,
                    run_id=record["run_id"],
                    created_at=record["created_at"],
                    command=record["command"],
                    verdict=record["verdict"],
                    payload=payload,
                    prev_hash=prev,
                    hash=digest,
                )
            )
            if key is not None:
                cp = sign(key, seq, digest)
                session.add(
                    CheckpointRow(
                        seq=cp.seq, head=cp.head, public_key=cp.public_key, signature=cp.signature
                    )
                )
        return str(record["run_id"])

    def entries(self) -> list[Entry]:
        if self._folder is not None:
            return []
        with self._session(read=True) as session:
            rows = session.execute(select(RunRow).order_by(RunRow.seq)).scalars().all()
            return [_entry(row) for row in rows]

    def checkpoint(self) -> Checkpoint | None:
        listed = self.checkpoints()
        return listed[-1] if listed else None

    def checkpoints(self) -> list[Checkpoint]:
        """Every signed checkpoint, oldest first (one per run appended with a key)."""
        if self._folder is not None:
            return []
        with self._session(read=True) as session:
            rows = session.execute(select(CheckpointRow).order_by(CheckpointRow.seq)).scalars()
            return [Checkpoint(r.seq, r.head, r.public_key, r.signature) for r in rows]

    def verify(self, *, public_key: str | None = None) -> Verification:
        """The chain, then every signed checkpoint (the first that does not verify is named),
        each signed by ``public_key`` when one is pinned."""
        return verify_entries(self.entries(), self.checkpoints(), public_key=public_key)

    def transaction(self, *, read: bool = False) -> AbstractContextManager[Session]:
        """One transaction on the store (``read``: one that writes nothing), its errors mapped
        as every read's (for the tables beside the chain: ``evidence.users``)."""
        return self._session(read=read)

    def head(self) -> tuple[int, str]:
        """The number of records and the last one's hash (``GENESIS`` when empty): what changes
        whenever a record is appended, for callers that cache what they read."""
        if self._folder is not None:
            return 0, GENESIS
        with self._session(read=True) as session:
            last = session.execute(
                select(RunRow.seq, RunRow.hash).order_by(RunRow.seq.desc()).limit(1)
            ).first()
            return (0, GENESIS) if last is None else (int(last[0]), str(last[1]))

    @staticmethod
    def _where(
        query: Select[*_Row], command: str | tuple[str, ...] | None, verdict: str | None
    ) -> Select[*_Row]:
        if isinstance(command, tuple):
            query = query.where(RunRow.command.in_(command))
        elif command is not None:
            query = query.where(RunRow.command == command)
        if verdict is not None:
            query = query.where(RunRow.verdict == verdict)
        return query

    def count(
        self, *, command: str | tuple[str, ...] | None = None, verdict: str | None = None
    ) -> int:
        """Runs in the store, optionally of one command (or any of a tuple) and verdict."""
        if self._folder is not None:
            return 0
        with self._session(read=True) as session:
            query = self._where(select(func.count()).select_from(RunRow), command, verdict)
            return int(session.execute(query).scalar_one())

    def lines(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        command: str | tuple[str, ...] | None = None,
        verdict: str | None = None,
    ) -> list[RunLine]:
        """A page of runs, newest first, optionally of one command (or any of a tuple) and
        verdict."""
        if self._folder is not None:
            return []
        columns = (RunRow.seq, RunRow.run_id, RunRow.created_at, RunRow.command, RunRow.verdict)
        query = self._where(select(*columns), command, verdict)
        with self._session(read=True) as session:
            rows = session.execute(
                query.order_by(RunRow.seq.desc()).offset(offset).limit(limit)
            ).all()
            return [RunLine(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def distinct(self, column: str) -> list[str]:
        """The commands (``command``) or verdicts (``verdict``) the store holds, sorted."""
        col = {"command": RunRow.command, "verdict": RunRow.verdict}[column]
        if self._folder is not None:
            return []
        with self._session(read=True) as session:
            return [str(v) for v in session.execute(select(col).distinct().order_by(col)).scalars()]

    def entry(self, run_id: str) -> Entry | None:
        """One run by id, or None."""
        if self._folder is not None:
            return None
        with self._session(read=True) as session:
            row = session.execute(select(RunRow).where(RunRow.run_id == run_id)).scalar()
            return None if row is None else _entry(row)

    def hash_at(self, seq: int) -> str | None:
        """The stored hash of record ``seq`` (None: no such record): whether a chain verified up
        to there still ends there."""
        if self._folder is not None:
            return None
        with self._session(read=True) as session:
            found = session.execute(select(RunRow.hash).where(RunRow.seq == seq)).scalar()
            return None if found is None else str(found)

    def iter_entries(self, upto: int, *, batch: int = 500, after: int = 0) -> Iterator[Entry]:
        """Entries ``after``+1..``upto`` in order, read ``batch`` at a time, each batch its own
        short transaction (an export of millions of findings neither holds them all nor blocks
        writers while it is read)."""
        while after < upto and self._folder is None:
            with self._session(read=True) as session:
                rows = session.execute(
                    select(RunRow)
                    .where(RunRow.seq > after, RunRow.seq <= upto)
                    .order_by(RunRow.seq)
                    .limit(batch)
                ).scalars().all()
                read = [_entry(row) for row in rows]
            if not read:
                return
            yield from read
            after = read[-1].seq

    def close(self) -> None:
        self._engine.dispose()
        if self._reader is not self._engine:
            self._reader.dispose()


def _entry(row: RunRow) -> Entry:
    try:
        record: Any = json.loads(row.payload)
    except ValueError:
        record = {"run_id": row.run_id, "unreadable_payload": row.payload}
    if not isinstance(record, dict):
        record = {"run_id": row.run_id, "unreadable_payload": row.payload}
    plain = {
        "run_id": row.run_id,
        "created_at": row.created_at,
        "command": row.command,
        "verdict": row.verdict,
    }
    disagrees = tuple(k for k, v in plain.items() if record.get(k) != v)
    return Entry(row.seq, row.prev_hash, row.hash, record, disagrees)


def _reason(exc: SQLAlchemyError) -> str:
    """The driver's first line (never the SQL or its parameters, which would hold records)."""
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _sqlite_engine(url: str, *, immediate: bool = True) -> Engine:
    if immediate:
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S}, poolclass=NullPool)
    else:
        # readers keep their connections (a server's page views open several each); closed by
        # EvidenceStore.close. check_same_thread: a pooled connection serves one thread at a time
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
            pool_size=8,
            max_overflow=56,
        )

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would BEGIN DEFERRED; two writers reading the
        # same head then both append. BEGIN IMMEDIATE (below) takes the write lock first.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def open_store(store: str | None = None, *, create: bool = True) -> EvidenceStore:
    """Opens the store ``store`` names, or the default; an SQLite file that does not exist yet
    is created (with its folder) by the first append. A file that is not a database is an
    :class:`InputError`; a server that cannot be reached a :class:`SourceUnavailableError`.
    ``create=False`` (reading) refuses an SQLite file that does not exist rather than making
    an empty store, and loads no signing key (it signs nothing)."""
    url = default_store_url(store)
    shown = _shown(url)
    folder: Path | None = None
    try:
        if url.startswith("sqlite"):
            path = url.removeprefix("sqlite:///")
            if path and path != ":memory:":
                shown = path
                if Path(path).is_dir():
                    raise InputError(path, "is a folder, not an evidence store")
                if not Path(path).exists():
                    if not create:
                        raise InputError(path, "no evidence store here (no run recorded yet?)")
                    folder = Path(path).parent
            engine = _sqlite_engine(url)
            reader: Engine | None = _sqlite_engine(url, immediate=False)
        else:
            # NullPool: a connection lives as long as one operation, so a command that fails
            # between opening the store and recording leaves no connection open
            engine = create_engine(url, connect_args={"connect_timeout": 10}, poolclass=NullPool)
            reader = None
    except ArgumentError:
        raise PolicyError(f"{shown}: not a database URL") from None
    is_file = url.startswith("sqlite") and shown not in ("", ":memory:") and shown != url
    opened = EvidenceStore(
        engine,
        shown,
        folder=folder,
        path=Path(shown) if is_file else None,
        writer=create,
        reader=reader,
    )
    if folder is None:
        opened.create()  # an existing file or a server: checked now, before any work
    return opened
