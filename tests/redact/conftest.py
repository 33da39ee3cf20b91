"""The real PostgreSQL server of the audit tests (``tests/audit/conftest.py``) for redaction."""

from tests.audit.conftest import pg_schema, postgres_url

__all__ = ["pg_schema", "postgres_url"]
