"""Dashboard users (``clearance users add``, ``clearance serve``): name, role, password hash or
API token hash; and an index on the runs' command and verdict (the dashboard's filters).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clearance_users",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    op.create_index(
        "ix_clearance_evidence_runs_command_verdict",
        "clearance_evidence_runs",
        ["command", "verdict"],
    )


def downgrade() -> None:
    op.drop_index("ix_clearance_evidence_runs_command_verdict", "clearance_evidence_runs")
    op.drop_table("clearance_users")
