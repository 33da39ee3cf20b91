"""Protected storage of ``clearance redact``'s outputs: purpose and sensitivity tags on every
output (:mod:`clearance.io.tags`) and Parquet modular encryption of the sensitive columns
(:mod:`clearance.io.protected_parquet`).

The sensitive columns of a table are the ones the scan classified as an entity column (an
identifier, whatever operator replaced it) or as free text, every ``--text-field``, and the
columns named in :attr:`ParquetEncryption.columns`. Outputs are re-scanned in plain form;
only then is a staged Parquet copy encrypted (its plaintext staging file is removed with the
other temporary files, whatever happens).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from clearance.io.kms import KeyManagementService
from clearance.io.protected_parquet import ALGORITHM, encrypt_parquet_file
from clearance.io.tags import SIDECAR_SUFFIX, ColumnKind, ColumnTag, EncryptionTag, OutputTags
from clearance.redact.replace import describe
from clearance.redact.tables import TablePlan


class ParquetEncryption(BaseModel):
    """Encrypt Parquet outputs: which master keys of the KMS wrap the footer's and the columns'
    data keys, and columns to encrypt besides the ones the scan marks sensitive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    footer_key_id: str = Field(default="footer", min_length=1)
    column_key_id: str = Field(default="columns", min_length=1)
    columns: tuple[str, ...] = Field(
        default=(), description="output column names to encrypt as well"
    )


def without_tag_sidecars(pairs: list[tuple[Path, Path]]) -> list[tuple[Path, Path]]:
    """``(input, output name)`` pairs less the tags sidecars of inputs that are among them
    (redacting a cleared folder again): the copy of ``F`` gets new tags in ``F``'s sidecar, which
    the old sidecar's copy would otherwise collide with."""
    names = {rel for _, rel in pairs}
    return [
        (file, rel)
        for file, rel in pairs
        if not (
            rel.name.endswith(SIDECAR_SUFFIX)
            and rel.with_name(rel.name[: -len(SIDECAR_SUFFIX)]) in names
        )
    ]


def column_tags(
    plan: TablePlan,
    text_fields: frozenset[str],
    encryption: ParquetEncryption | None,
) -> list[ColumnTag]:
    """The tags of each output column of a planned table (dropped columns are not in the file);
    ``encrypted`` marks the sensitive ones when ``encryption`` is asked (Parquet only)."""
    extra = set(encryption.columns) if encryption is not None else set()
    out: list[ColumnTag] = []
    for col in plan.columns:
        if col.op is not None and col.op.op == "drop":
            continue
        name = plan.names.get(col.column, col.column)
        kind: ColumnKind
        if col.entity:
            kind = "entity"
        elif col.column in text_fields or plan.kinds.get(col.column) == "free_text":
            kind = "free_text"
        else:
            kind = "other"
        sensitive = kind != "other" or name in extra
        out.append(
            ColumnTag(
                name=name,
                kind=kind,
                entity=col.entity,
                operator="spans" if col.op is None else describe(col.op),
                encrypted=encryption is not None and sensitive,
            )
        )
    return out


def output_tags(
    *,
    purpose: str,
    run: str,
    target: Path,
    outdir: Path,
    manifest_name: str,
    policy_sha256: str | None,
    input_sha256: str,
    columns: list[ColumnTag],
    encryption: ParquetEncryption | None,
) -> OutputTags:
    manifest = Path(os.path.relpath(outdir / manifest_name, target.parent)).as_posix()
    return OutputTags(
        purpose=purpose,
        run_id=run,
        manifest=manifest,
        policy_sha256=policy_sha256,
        input_sha256=input_sha256,
        columns=columns,
        encryption=None
        if encryption is None
        else EncryptionTag(
            algorithm=ALGORITHM,
            footer_key_id=encryption.footer_key_id,
            column_key_id=encryption.column_key_id,
        ),
    )


def encrypt_staged(
    tmp: Path,
    encrypted_tmp: Path,
    tags: OutputTags,
    kms: KeyManagementService,
    encryption: ParquetEncryption,
    batch_rows: int,
) -> None:
    """Encrypts the staged plain Parquet copy ``tmp`` into ``encrypted_tmp`` and moves it over
    ``tmp`` (both hidden staging files of the run)."""
    encrypt_parquet_file(
        tmp,
        encrypted_tmp,
        kms,
        [c.name for c in tags.columns if c.encrypted],
        footer_key_id=encryption.footer_key_id,
        column_key_id=encryption.column_key_id,
        batch_rows=batch_rows,
    )
    os.replace(encrypted_tmp, tmp)
