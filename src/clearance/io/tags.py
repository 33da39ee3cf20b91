"""Purpose and sensitivity tags of a cleared output: what the data was cleared for, what each
column held and what was done to it, and which run (manifest) produced it.

Where the tags live:

- every output ``F`` has a sidecar ``F.clearance.json`` (the tags' JSON, readable without any
  key, so that an access check can decide before the data is opened);
- a Parquet output also carries the same JSON in its key-value metadata under ``clearance``
  (inside the encrypted footer when the file is encrypted).

A file cannot hold the hash of a manifest that holds the file's own hash, so the two point at
each other instead: the tags carry the run's ``run_id`` and the manifest's path relative to the
file; the manifest carries the same ``run_id`` and the SHA-256 of every output and of every
sidecar. :func:`verify_tags` checks both directions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError
from clearance.io.files import file_sha256
from clearance.io.kms import KeyManagementService

FORMAT: Final = "clearance-tags/1"
METADATA_KEY = b"clearance"
SIDECAR_SUFFIX = ".clearance.json"


ColumnKind = Literal["entity", "free_text", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ColumnTag(_Model):
    name: str = Field(description="the column's name in the output")
    kind: ColumnKind = Field(description="what the scan classified the column as")
    entity: str | None = Field(default=None, description="entity type of an entity column")
    operator: str = Field(
        description="operator applied to the whole column ('pseudonym', 'mask', ...), 'spans' "
        "(found spans replaced in place) or 'keep'"
    )
    encrypted: bool = Field(default=False, description="encrypted with its own data key")


class EncryptionTag(_Model):
    scheme: Literal["parquet-modular-encryption"] = "parquet-modular-encryption"
    algorithm: str
    footer_key_id: str
    column_key_id: str


class OutputTags(_Model):
    format: Literal["clearance-tags/1"] = "clearance-tags/1"
    purpose: str = Field(description="the policy's purpose: what the data was cleared for")
    run_id: str = Field(description="the run that wrote the file; the manifest has the same")
    manifest: str = Field(description="the manifest's path, relative to the file's folder")
    policy_sha256: str | None
    input_sha256: str = Field(description="SHA-256 of the input the file was cleared from")
    columns: list[ColumnTag] = Field(default_factory=list, description="tables: every column")
    encryption: EncryptionTag | None = None

    def to_json(self) -> str:
        return self.model_dump_json(indent=2) + "\n"


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _parse(source: str, raw: bytes | str) -> OutputTags:
    try:
        return OutputTags.model_validate_json(raw)
    except ValidationError:
        raise InputError(source, f"holds no valid clearance tags ({FORMAT})") from None


def read_tags(path: Path | str, kms: KeyManagementService | None = None) -> OutputTags:
    """The tags of a cleared output. Parquet: the ``clearance`` key-value metadata (an
    encrypted footer needs ``kms``; without it the sidecar is read); other files: the sidecar.
    No tags (or malformed ones) is an :class:`InputError`."""
    from clearance.io.protected_parquet import is_encrypted_parquet, parquet_key_value

    path = Path(path)
    if path.suffix.lower() == ".parquet" and (kms is not None or not is_encrypted_parquet(path)):
        raw = parquet_key_value(path, METADATA_KEY, kms)
        if raw is not None:
            return _parse(f"{path} (Parquet metadata)", raw)
    side = sidecar_path(path)
    try:
        data = side.read_bytes()
    except FileNotFoundError:
        raise InputError(str(path), f"has no clearance tags (no {side.name})") from None
    except OSError as exc:
        raise InputError(str(side), f"cannot read ({exc.strerror})") from None
    return _parse(str(side), data)


def verify_tags(path: Path | str, kms: KeyManagementService | None = None) -> OutputTags:
    """The tags of ``path``, checked against the manifest they name: same ``run_id``, and the
    manifest lists the file (and its sidecar) with the hashes they have now. Any mismatch (a
    file changed or moved since it was cleared) is an :class:`InputError`."""
    path = Path(path)
    tags = read_tags(path, kms)
    manifest_path = path.parent / tags.manifest
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(str(manifest_path), "cannot read the manifest the tags name") from None
    if not isinstance(manifest, dict) or manifest.get("run_id") != tags.run_id:
        raise InputError(str(path), f"was not written by the run of {manifest_path}")
    try:
        rel = path.resolve().relative_to(manifest_path.resolve().parent).as_posix()
    except ValueError:
        raise InputError(str(path), f"is not under the folder of {manifest_path}") from None
    listed = {e.get("path"): e.get("sha256") for e in manifest.get("outputs", [])}
    if listed.get(rel) != file_sha256(path):
        raise InputError(str(path), f"differs from what {manifest_path} records (changed since)")
    side = sidecar_path(path)
    sides = {e.get("path"): e.get("sha256") for e in manifest.get("tags", [])}
    if side.exists() and sides.get(sidecar_path(Path(rel)).as_posix()) != file_sha256(side):
        raise InputError(str(side), f"differs from what {manifest_path} records (changed since)")
    return tags
