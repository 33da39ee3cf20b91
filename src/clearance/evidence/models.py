"""The store's tables (SQLAlchemy 2). ``payload`` is the record's canonical JSON, stored as
text so the bytes that were hashed are the bytes that are read back. A change here needs a
migration in ``migrations/versions`` (the store is upgraded on open)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class RunRow(Base):
    __tablename__ = "clearance_evidence_runs"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    run_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[str] = mapped_column(String(40), nullable=False)
    command: Mapped[str] = mapped_column(String(200), nullable=False)
    verdict: Mapped[str] = mapped_column(String(40), nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class CheckpointRow(Base):
    """A signature over the chain's head at ``seq``: proves the chain up to there, so that
    records removed from the end (which leave an intact shorter chain) are seen."""

    __tablename__ = "clearance_evidence_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    head: Mapped[str] = mapped_column(String(64), nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), nullable=False)
    signature: Mapped[str] = mapped_column(String(128), nullable=False)


class UserRow(Base):
    """A dashboard user (``clearance users add``): a role and an Argon2 password hash or the
    SHA-256 of an API token (a random 256-bit token needs no slow hash), never either in clear.
    Not part of the hash chain: users are access control, not evidence."""

    __tablename__ = "clearance_users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    created_at: Mapped[str] = mapped_column(String(40), nullable=False)
