"""The redaction manifest (``OUTDIR/manifest.json``): hashes, operators and the re-scan, never a
value or key material. Its JSON is ``model_dump_json``: the schema is the model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clearance.core.run import SkippedInput


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileEntry(_Model):
    path: str = Field(description="inputs: as given; outputs: relative to the output folder")
    sha256: str
    rows: int = Field(description="table rows, or lines of a text file")


class TagsEntry(_Model):
    """A tags sidecar (``F.clearance.json``) of an output ``F``."""

    path: str = Field(description="relative to the output folder")
    sha256: str


class Rescan(_Model):
    """The outputs scanned again with the same engine."""

    remaining: int = Field(description="findings of remediated kinds left; 0 for exit 0")
    by_entity: dict[str, int] = Field(default_factory=dict)
    files_scanned: int = 0


class RedactManifest(_Model):
    version: str
    inputs: list[FileEntry]
    outputs: list[FileEntry]
    policy_sha256: str | None = Field(description="SHA-256 of the policy file; null: none")
    operators: dict[str, str] = Field(
        description="'entity:TYPE' or 'column:table.column' -> the operator applied"
    )
    rescan: Rescan
    published: bool = Field(
        description="whether the outputs were written (false when the re-scan found any)"
    )
    skipped: list[SkippedInput] = Field(default_factory=list)
    run_id: str | None = Field(
        default=None, description="the run's id; every output's tags carry the same"
    )
    purpose: str | None = Field(default=None, description="the policy's purpose")
    tags: list[TagsEntry] = Field(
        default_factory=list, description="the outputs' tags sidecars (published runs)"
    )

    @property
    def clean(self) -> bool:
        return self.published and self.rescan.remaining == 0
