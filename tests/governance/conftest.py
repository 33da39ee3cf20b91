"""The governance tests read real stores: SQLite, and PostgreSQL when the audit's test server
is up (``CLEARANCE_TEST_POSTGRES_URL``), as the evidence store's own tests do."""

from __future__ import annotations

from tests.evidence.conftest import pg_schema, postgres_url, store_url

__all__ = ["pg_schema", "postgres_url", "store_url"]
