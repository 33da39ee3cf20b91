"""The lifecycle tests use the audit's PostgreSQL server fixtures (a real server named by
``CLEARANCE_TEST_POSTGRES_URL``; ``eval "$(./scripts/postgres)"`` starts one)."""

from tests.audit.conftest import pg_schema, postgres_url

__all__ = ["pg_schema", "postgres_url"]
