"""The evidence store tests run on SQLite and on the audit's real PostgreSQL server
(``CLEARANCE_TEST_POSTGRES_URL``; ``eval "$(./scripts/postgres)"`` starts one)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from tests.audit.conftest import PgSchema, pg_schema, postgres_url

__all__ = ["pg_schema", "postgres_url", "store_url"]


def schema_url(schema: PgSchema) -> str:
    """The server's URL with the schema as its search path: each test gets its own tables."""
    joiner = "&" if "?" in schema.url else "?"
    return f"{schema.url}{joiner}options={quote(f'-csearch_path={schema.name}')}"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store" / "evidence.db")
    return schema_url(request.getfixturevalue("pg_schema"))
