"""Purpose and sensitivity tags of a cleared output: what the data was cleared for, what each
column held and what was done to it, and which run (manifest) produced it.

Where the tags live:

- every output ``F`` has a sidecar ``F.clearance.json`` (the tags' JSON, readable without any
  key, so that an access check can decide before the data is opened);
- a Parquet output also carries the same JSON in its key-value metadata under ``clearance``
  (inside the encrypted footer when the file is encrypted).

A file cannot hold the hash of a manifest that holds the file's own hash, so the two point at
each other instead: the tags carry the run's ``run_id`` and the manifest's path relative to the
file; the manifest carries the same ``run_id`` and the SHA-256 of every output (``redact``'s
``outputs``, ``retention``'s and ``erase``'s ``sha256_after``, ``dp``'s ledger
``output_sha256``). Where the report does not hold the output's hash (``anonymize``), the tags
carry the report's own hash instead (``manifest_sha256``). :func:`verify_tags` checks whichever
applies.

Every command writes its tags with the functions here (:func:`tagged_outputs`,
:func:`parquet_metadata`, :func:`write_parquet`): one writer, one format.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError
from clearance.io.files import file_sha256
from clearance.io.kms import KeyManagementService

FORMAT: Final = "clearance-tags/1"
METADATA_KEY = b"clearance"
SIDECAR_SUFFIX = ".clearance.json"


ColumnKind = Literal["entity", "free_text", "other"]
Treatment = Literal[
    "k-anonymity", "differential-privacy", "retention", "retention-archive", "erasure"
]
# fields added after clearance-tags/1 was first written: left out of the JSON when unset, so the
# tags of a redacted output stay byte for byte what they were
_OPTIONAL: Final = ("command", "manifest_sha256", "sensitivity")


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


class Sensitivity(_Model):
    """What the command did to the data, as an access check needs it: the guarantee reached
    and its parameters (column names, counts, budgets), never a value of the data."""

    treatment: Treatment = Field(description="what the command did to the data")
    k: int | None = Field(default=None, description="k-anonymity reached (verified)")
    l: int | None = Field(default=None, description="distinct l-diversity reached")  # noqa: E741
    quasi_identifiers: list[str] | None = Field(default=None, description="generalized columns")
    sensitive_column: str | None = Field(default=None, description="the l-diverse column")
    suppressed_records: int | None = None
    epsilon: float | None = Field(default=None, description="epsilon spent by this release")
    delta: float | None = Field(default=None, description="delta spent by this release")
    budget_epsilon: float | None = Field(default=None, description="the dataset's budget")
    budget_delta: float | None = None
    retention_days: int | None = Field(default=None, description="the policy's retention")
    cutoff: str | None = Field(default=None, description="ISO date: older records removed")
    records_removed: int | None = None


class OutputTags(_Model):
    format: Literal["clearance-tags/1"] = "clearance-tags/1"
    purpose: str = Field(description="the policy's purpose: what the data was cleared for")
    run_id: str = Field(description="the run that wrote the file; the manifest has the same")
    manifest: str = Field(description="the manifest's path, relative to the file's folder")
    policy_sha256: str | None
    input_sha256: str = Field(description="SHA-256 of the input the file was cleared from")
    columns: list[ColumnTag] = Field(default_factory=list, description="tables: every column")
    encryption: EncryptionTag | None = None
    command: str | None = Field(default=None, description="the command that wrote the file")
    manifest_sha256: str | None = Field(
        default=None,
        description="SHA-256 of the report named by manifest (when it does not "
        "hold the file's own hash)",
    )
    sensitivity: Sensitivity | None = None

    def to_json(self) -> str:
        exclude: dict[str, Any] = {name: True for name in _OPTIONAL if getattr(self, name) is None}
        if self.sensitivity is not None:
            unset = [n for n, v in self.sensitivity if v is None]
            exclude["sensitivity"] = dict.fromkeys(unset, True)
        return self.model_dump_json(indent=2, exclude=exclude) + "\n"


def run_id(parts: Sequence[str]) -> str:
    """A run's id from what determines its outputs (version, policy hash, inputs, settings):
    the same run gives the same id, so plain outputs stay byte for byte deterministic."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()[:32]


def parquet_metadata(tags: OutputTags) -> dict[bytes, bytes]:
    """The Parquet key-value metadata that carries ``tags`` (PyArrow's form)."""
    return {METADATA_KEY: tags.to_json().encode()}


def write_parquet(frame: Any, target: Path | IO[bytes], tags: OutputTags | None) -> None:
    """Writes the Polars ``frame`` as Parquet (zstd) with ``tags`` in its key-value metadata."""
    meta = None
    if tags is not None:
        meta = {k.decode(): v.decode() for k, v in parquet_metadata(tags).items()}
    frame.write_parquet(target, compression="zstd", metadata=meta)


def tagged_outputs(
    path: Path, data: str | bytes, tags: OutputTags
) -> list[tuple[Path, str | bytes]]:
    """``(path, data)`` and its sidecar ``(path.clearance.json, tags)``, for
    :func:`clearance.io.outputs.write_outputs` to write together (both or neither). A Parquet
    ``data`` must already carry the tags (:func:`write_parquet`)."""
    return [(path, data), (sidecar_path(path), tags.to_json())]


def without_sidecars(files: Sequence[Path]) -> list[Path]:
    """``files`` less the tags sidecars of files among them (a cleared folder read again: the
    sidecars are not data, and the file's new tags replace them)."""
    present = {str(f) for f in files}
    return [
        f
        for f in files
        if not (
            f.name.endswith(SIDECAR_SUFFIX)
            and str(f.with_name(f.name[: -len(SIDECAR_SUFFIX)])) in present
        )
    ]


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _parse(source: str, raw: bytes | str) -> OutputTags:
    try:
        return OutputTags.model_validate_json(raw)
    except ValidationError:
        raise InputError(source, f"holds no valid clearance tags ({FORMAT})") from None


def _folder_output(path: Path) -> Path | None:
    """The folder output that holds the file ``path`` (a Spark copy: a folder of part files,
    partitioned or not, with one sidecar next to the folder), if any."""
    for parent in list(path.parents)[:_FOLDER_DEPTH]:
        if parent.name and sidecar_path(parent).is_file():
            return parent
    return None


_FOLDER_DEPTH: Final = 8  # a part file's depth under its output folder (partition levels)


def _tags_of(path: Path, kms: KeyManagementService | None) -> tuple[OutputTags, Path]:
    """The tags that apply to ``path`` and the output they belong to (``path`` itself, or the
    folder output holding it)."""
    from clearance.io.protected_parquet import is_encrypted_parquet, parquet_key_value

    if (
        path.suffix.lower() == ".parquet"
        and path.is_file()
        and (kms is not None or not is_encrypted_parquet(path))
    ):
        raw = parquet_key_value(path, METADATA_KEY, kms)
        if raw is not None:
            return _parse(f"{path} (Parquet metadata)", raw), path
    side = sidecar_path(path)
    try:
        data = side.read_bytes()
    except FileNotFoundError:
        folder = _folder_output(path) if path.is_file() else None
        if folder is not None:
            return _tags_of(folder, kms)[0], folder
        raise InputError(str(path), f"has no clearance tags (no {side.name})") from None
    except OSError as exc:
        raise InputError(str(side), f"cannot read ({exc.strerror})") from None
    return _parse(str(side), data), path


def read_tags(path: Path | str, kms: KeyManagementService | None = None) -> OutputTags:
    """The tags of a cleared output. Parquet: the ``clearance`` key-value metadata (an
    encrypted footer needs ``kms``; without it the sidecar is read); other files and folder
    outputs (``redact --engine spark``): the sidecar; a part file of a folder output: the
    folder's. No tags (or malformed ones) is an :class:`InputError`."""
    return _tags_of(Path(path), kms)[0]


def verify_tags(path: Path | str, kms: KeyManagementService | None = None) -> OutputTags:
    """The tags of ``path``, checked against the manifest they name: same ``run_id``, and the
    manifest lists the file (and its sidecar) with the hashes they have now. Any mismatch (a
    file changed or moved since it was cleared) is an :class:`InputError`."""
    path = Path(path)
    tags, owner = _tags_of(path, kms)
    manifest_path = owner.parent / tags.manifest
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(str(manifest_path), "cannot read the manifest the tags name") from None
    if tags.manifest_sha256 is not None:
        if file_sha256(manifest_path) != tags.manifest_sha256:
            raise InputError(str(manifest_path), "differs from the report the tags name")
        return tags
    if isinstance(manifest, list) or (isinstance(manifest, dict) and "outputs" not in manifest):
        if path.is_dir():
            raise InputError(str(path), f"is a folder; {manifest_path} records files")
        return _verify_recorded(path, tags, manifest, manifest_path)
    if not isinstance(manifest, dict) or manifest.get("run_id") != tags.run_id:
        raise InputError(str(path), f"was not written by the run of {manifest_path}")
    root = manifest_path.resolve().parent
    listed = {e.get("path"): e.get("sha256") for e in manifest.get("outputs", [])}
    if path.is_dir():
        # a folder output: exactly the files the manifest lists under it, none changed, none
        # missing, none added
        prefix = _relative(path, root, manifest_path) + "/"
        files = sorted(f for f in path.rglob("*") if f.is_file())
        under = {p for p in listed if isinstance(p, str) and p.startswith(prefix)}
        if not under or {_relative(f, root, manifest_path) for f in files} != under:
            raise InputError(str(path), f"holds other files than {manifest_path} records")
    else:
        files = [path]
    for file in files:
        if listed.get(_relative(file, root, manifest_path)) != file_sha256(file):
            raise InputError(
                str(file), f"differs from what {manifest_path} records (changed since)"
            )
    side = sidecar_path(owner)
    sides = {e.get("path"): e.get("sha256") for e in manifest.get("tags", [])}
    rel_side = sidecar_path(Path(_relative(owner, root, manifest_path))).as_posix()
    if side.exists() and sides.get(rel_side) != file_sha256(side):
        raise InputError(str(side), f"differs from what {manifest_path} records (changed since)")
    return tags


def _relative(path: Path, root: Path, manifest_path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        raise InputError(str(path), f"is not under the folder of {manifest_path}") from None


_RECORDED = frozenset({"sha256_after", "archived_sha256", "output_sha256"})


def _recorded_hashes(node: object) -> Iterator[str]:
    """The output hashes a record or ledger holds (``sha256_after``, ``archived_sha256``,
    ``output_sha256``)."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name in _RECORDED and isinstance(value, str):
                yield value
            else:
                yield from _recorded_hashes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _recorded_hashes(item)


def _verify_recorded(path: Path, tags: OutputTags, record: object, record_path: Path) -> OutputTags:
    """A file rewritten by ``retention apply`` / ``erase`` (its record) or released by ``dp``
    (its ledger): the record has the tags' ``run_id`` (a ledger has none) and holds the file's
    hash as it is now."""
    if isinstance(record, dict) and "run_id" in record and record["run_id"] != tags.run_id:
        raise InputError(str(path), f"was not written by the run of {record_path}")
    if file_sha256(path) not in set(_recorded_hashes(record)):
        raise InputError(str(path), f"differs from what {record_path} records (changed since)")
    return tags
