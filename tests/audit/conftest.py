"""PostgreSQL for the audit tests: a real server named by ``CLEARANCE_TEST_POSTGRES_URL``.

Start one with ``eval "$(./scripts/postgres)"``. Without the variable the PostgreSQL tests are
skipped, unless ``CLEARANCE_REQUIRE_POSTGRES=1`` (set by CI), which makes them fail instead.

Also ``audit_passes``: the local driver's aggregates in passes of 300 distinct values (not 4M),
with the number of passes of each aggregate recorded.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl
import pytest

from clearance.audit import plans

URL_VAR = "CLEARANCE_TEST_POSTGRES_URL"
REQUIRE_VAR = "CLEARANCE_REQUIRE_POSTGRES"


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ.get(URL_VAR, "").strip()
    if not url:
        if os.environ.get(REQUIRE_VAR) == "1":
            pytest.fail(
                f"{REQUIRE_VAR}=1 but {URL_VAR} is not set; start a server with "
                '`eval "$(./scripts/postgres)"`',
                pytrace=False,
            )
        pytest.skip(f'{URL_VAR} is not set (start a server with `eval "$(./scripts/postgres)"`)')
    import psycopg

    try:
        psycopg.connect(_libpq(url), connect_timeout=5).close()
    except psycopg.Error as exc:
        pytest.fail(
            f"{URL_VAR} is set but the server cannot be used: {type(exc).__name__}", pytrace=False
        )
    return url


def _libpq(url: str) -> str:
    """psycopg takes postgresql:// but not SQLAlchemy's postgresql+psycopg://."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else url


@dataclass(frozen=True)
class PgSchema:
    url: str
    name: str

    def execute(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            conn.execute(f'SET search_path TO "{self.name}"')
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]


@pytest.fixture
def pg_schema(postgres_url: str) -> Iterator[PgSchema]:
    """A fresh schema (the search path of ``execute``), dropped with everything in it afterwards."""
    schema = PgSchema(postgres_url, f"clearance_t_{uuid.uuid4().hex[:12]}")
    PgSchema(postgres_url, "public").execute(f'CREATE SCHEMA "{schema.name}"')
    try:
        yield schema
    finally:
        PgSchema(postgres_url, "public").execute(f'DROP SCHEMA "{schema.name}" CASCADE')


@pytest.fixture
def audit_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Streamed tables' aggregates take a pass per 300 distinct values; the list fills with
    the number of passes of each aggregate run."""
    monkeypatch.setattr(plans, "PASS_KEYS", 300)
    split = plans._split
    passes: list[int] = []

    def counted(data: pl.LazyFrame, by: list[pl.Expr], n: int) -> list[pl.LazyFrame]:
        passes.append(n)
        return split(data, by, n)

    monkeypatch.setattr(plans, "_split", counted)
    return passes
