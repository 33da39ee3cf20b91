"""What ``retention apply`` and ``erase`` report and record: counts, hashes and keyed
fingerprints, never a value. The record's JSON is ``model_dump_json``: the schema is the model.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clearance.privacy import Fingerprinter


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TableRetention(_Model):
    table: str
    source: str = Field(description="the file, or the masked database URI + '#' + table")
    column: str = Field(description="the timestamp column the record ages come from")
    limit_days: int
    cutoff: str = Field(description="ISO date: records dated before it are past retention")
    rows: int
    expired: int = Field(description="records past retention (deleted or archived on --apply)")
    unparseable: int = Field(description="records whose timestamp cannot be read: kept")
    conflict: str | None = Field(
        default=None, description="the EU AI Act log-keeping conflict, when there is one"
    )
    override: str | None = Field(
        default=None, description="the policy's ai_act_log_retention_override, when it resolves it"
    )
    id_column: str | None = Field(
        default=None, description="what the ids are: a primary key or subject key; null: the row"
    )
    removed_ids: list[str] = Field(
        default_factory=list, description="keyed fingerprints of the removed records' ids, sorted"
    )
    archived_to: str | None = None
    sha256_before: str | None = None
    sha256_after: str | None = None
    archived_sha256: str | None = Field(default=None, description="the archive file's SHA-256")


class RetentionRun(_Model):
    """A dry run's counts, or a real run's record (``applied: true``)."""

    kind: str = "retention"
    version: str
    time: str = Field(description="UTC time of the run")
    applied: bool
    reference_date: str
    policy_sha256: str
    tables: list[TableRetention]
    skipped: list[str] = Field(
        default_factory=list,
        description="files under the inputs that are not tables (no records to age): untouched",
    )
    run_id: str | None = Field(
        default=None, description="the run's id; the tags of every rewritten file carry it"
    )


class FileErasure(_Model):
    path: str
    rows_deleted: int
    spans_redacted: int
    sha256_before: str
    sha256_after: str | None = Field(description="null in a dry run and when nothing changed")


class ConsentSource(_Model):
    """Where an erasure's subjects came from: the subjects of a consent table who withdrew
    consent for the policy's purpose (``clearance erase --withdrawn``)."""

    table: str
    sha256: str
    purpose: str
    withdrawn: int = Field(description="subjects whose consent for the purpose is withdrawn")


class ErasureRecord(_Model):
    """The subject's erasure (GDPR Art. 17): no identifier of the subject, only its keyed
    fingerprint."""

    kind: str = "erasure"
    version: str
    time: str
    applied: bool
    subject: str | None = Field(
        description="keyed fingerprint of the subject id (CLEARANCE_KEY); null when the run "
        "erased the subjects of a consent table"
    )
    subjects: list[str] = Field(
        default_factory=list, description="keyed fingerprints of every subject erased, sorted"
    )
    consent: ConsentSource | None = Field(
        default=None, description="the consent table whose withdrawals chose the subjects"
    )
    found: bool
    identifiers: int = Field(description="distinct identifiers of the subject searched for")
    remaining: int = Field(description="occurrences left after the erasure (0 to publish)")
    policy_sha256: str
    files: list[FileErasure]
    run_id: str | None = Field(
        default=None, description="the run's id; the tags of every rewritten file carry it"
    )


def id_fingerprint(fingerprinter: Fingerprinter, table: str, value: str) -> str:
    """A removed record's id as a keyed fingerprint (per table: id 7 of two tables differ)."""
    return fingerprinter.of(f"record-id:{table}", value)


def subject_fingerprint(fingerprinter: Fingerprinter, subject: str) -> str:
    return fingerprinter.of("subject", subject)
