"""What retention removes from one table: the audit's record ages against the policy's limit,
the timestamp column, the AI Act log-keeping conflict, and the keyed fingerprints of the removed
records' ids. Shared by files (:mod:`clearance.lifecycle.retention`) and databases
(:mod:`clearance.lifecycle.retention_db`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from clearance.audit.checks.retention import (
    cutoff_day,
    detect_timestamp,
    log_duty_conflict,
    record_ages,
)
from clearance.audit.policy import Policy
from clearance.errors import PolicyError
from clearance.lifecycle.records import id_fingerprint
from clearance.privacy import Fingerprinter


@dataclass
class Expiry:
    """One table's retention: its limit, the timestamp column, and which rows are past it."""

    table: str
    column: str
    limit: int
    cutoff: date
    expired: pl.Series  # boolean per row; an unreadable timestamp is never expired
    unparseable: int
    conflict: str | None
    override: str | None
    extra: dict[str, str] = field(default_factory=dict)


def timestamp_column(
    policy: Policy, table: str, columns: Sequence[str], frame: pl.DataFrame
) -> str:
    """The policy's timestamp column, else the one the audit detects; a table with a retention
    period and no such column is a policy error (its records' ages cannot be known)."""
    declared = policy.table(table).timestamp
    if declared:
        if declared not in columns:
            raise PolicyError(f"tables.{table}.timestamp: column {declared!r} is not in the table")
        return declared
    detected = detect_timestamp(frame)
    if detected is None:
        raise PolicyError(
            f"tables.{table}: a retention period is set but no timestamp column is declared "
            f"(tables.{table}.timestamp) or recognised"
        )
    return detected


def expiry(policy: Policy, table: str, stamps: pl.Series, column: str, today: date) -> Expiry:
    limit = policy.retention_days(table)
    assert limit is not None  # callers select tables with a retention period
    ages = record_ages(stamps, today)
    empty = stamps.is_null() | (stamps.cast(pl.String).str.strip_chars() == "")
    return Expiry(
        table=table,
        column=column,
        limit=limit,
        cutoff=cutoff_day(today, limit),
        expired=(ages > limit).fill_null(False),
        unparseable=int((ages.is_null() & ~empty).sum()),
        conflict=log_duty_conflict(policy, table),
        override=policy.table(table).ai_act_log_retention_override,
    )


def refuse_conflicts(found: Sequence[Expiry]) -> None:
    """A real run never deletes the logs of a high-risk AI system under six months unless the
    policy resolves the conflict: exit 4, naming the table, its retention and the duty."""
    for e in found:
        if e.conflict is not None and e.override is None:
            raise PolicyError(
                f"{e.conflict}; not deleted: keep them six months or set "
                f"tables.{e.table}.ai_act_log_retention_override to the reason"
            )


def id_column(policy: Policy, table: str, columns: Sequence[str]) -> str | None:
    """Which column identifies a record in the record's fingerprints: ``id``, else the table's
    subject key; ``None``: the whole row."""
    if "id" in columns:
        return "id"
    key = policy.table(table).subject_key or policy.subject_key
    return key if key is not None and key in columns else None


def row_ids(frame: pl.DataFrame, column: str | None) -> list[str]:
    if column is not None:
        return ["" if v is None else str(v) for v in frame[column].to_list()]
    return [json.dumps(row, sort_keys=True, default=str) for row in frame.rows(named=True)]


def fingerprints(fp: Fingerprinter | None, table: str, ids: list[str]) -> list[str]:
    return sorted({id_fingerprint(fp, table, i) for i in ids}) if fp is not None else []
