"""Alembic's environment for the evidence store: run by :func:`clearance.evidence.schema.upgrade`
on the store's own connection (no alembic.ini, no URL of its own)."""

from __future__ import annotations

from alembic import context

from clearance.evidence.models import Base
from clearance.evidence.schema import VERSION_TABLE

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
)
with context.begin_transaction():
    context.run_migrations()
