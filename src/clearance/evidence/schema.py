"""The store's schema, kept by Alembic: the migrations in ``migrations/versions`` run on open
(``upgrade head``), on the store's own connection, with a version table of our own so that a
PostgreSQL database shared with other applications keeps theirs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import Connection

from clearance.errors import InputError

VERSION_TABLE = "clearance_evidence_alembic_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def upgrade(connection: Connection, shown: str) -> None:
    """Brings the store to the newest schema this clearance knows; a store written by a newer
    clearance (a revision not shipped here) is an :class:`InputError`, never rewritten."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
    except CommandError:
        raise InputError(
            shown, "evidence store schema is newer than this clearance (upgrade clearance)"
        ) from None
