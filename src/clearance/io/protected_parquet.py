"""Parquet modular encryption (PyArrow's ``pyarrow.parquet.encryption``) over a
:class:`~clearance.io.kms.KeyManagementService`: writing a Parquet file with its sensitive
columns encrypted, and reading one back with the key.

Each encrypted column gets its own random data key; the data keys are wrapped by the column
master key, the footer (schema, statistics, key-value metadata) by a separate footer master key,
both through the KMS (double wrapping: the master keys are asked once per file, not per column).
Only wrapped keys are stored, in the file. Without the master keys the file cannot be opened at
all (the footer is encrypted too); with the footer key alone, the unencrypted columns can be
read and the encrypted ones cannot.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearance.errors import InputError, PolicyError
from clearance.io.kms import KeyManagementService
from clearance.io.readers import one_line

if TYPE_CHECKING:
    import polars as pl

ALGORITHM = "AES_GCM_V1"
_ENCRYPTED_FOOTER = b"PARE"  # Parquet's magic of a file whose footer is encrypted


def _factory(kms: KeyManagementService) -> Any:
    import pyarrow.parquet.encryption as pe

    class _Client(pe.KmsClient):  # type: ignore[misc]
        """PyArrow's KMS client over ours (errors pass through as they are raised)."""

        def __init__(self) -> None:
            super().__init__()

        def wrap_key(self, key_bytes: bytes, master_key_identifier: str) -> str:
            return kms.wrap_key(bytes(key_bytes), master_key_identifier)

        def unwrap_key(self, wrapped_key: str, master_key_identifier: str) -> bytes:
            return kms.unwrap_key(wrapped_key, master_key_identifier)

    return pe.CryptoFactory(lambda _config: _Client())


def encryption_properties(
    kms: KeyManagementService,
    columns: Sequence[str],
    *,
    footer_key_id: str,
    column_key_id: str,
) -> Any:
    """``FileEncryptionProperties`` for a ``pyarrow.parquet.ParquetWriter``: ``columns``
    (top-level names; a nested column is encrypted whole) under ``column_key_id``, the footer
    under ``footer_key_id``."""
    import pyarrow.parquet.encryption as pe

    config = pe.EncryptionConfiguration(
        footer_key=footer_key_id,
        column_keys={column_key_id: list(columns)} if columns else {},
        encryption_algorithm=ALGORITHM,
        plaintext_footer=False,
        double_wrapping=True,
    )
    return _factory(kms).file_encryption_properties(pe.KmsConnectionConfig(), config)


def decryption_properties(kms: KeyManagementService) -> Any:
    import pyarrow.parquet.encryption as pe

    return _factory(kms).file_decryption_properties(
        pe.KmsConnectionConfig(), pe.DecryptionConfiguration()
    )


def is_encrypted_parquet(path: Path) -> bool:
    """Whether ``path`` is a Parquet file with an encrypted footer (its magic is ``PARE``)."""
    try:
        with path.open("rb") as fh:
            return fh.read(4) == _ENCRYPTED_FOOTER
    except OSError:
        return False


def encrypt_parquet_file(
    source: Path,
    target: Path,
    kms: KeyManagementService,
    columns: Sequence[str],
    *,
    footer_key_id: str,
    column_key_id: str,
    batch_rows: int = 100_000,
    compression: str = "zstd",
) -> None:
    """Copies the plain Parquet file ``source`` to ``target`` encrypted, row group by row group
    (memory bounded by ``batch_rows``), keeping its schema and key-value metadata."""
    import pyarrow.parquet as pq

    plain = pq.ParquetFile(source)
    schema = plain.schema_arrow
    props = encryption_properties(
        kms, columns, footer_key_id=footer_key_id, column_key_id=column_key_id
    )
    with pq.ParquetWriter(
        target, schema, compression=compression, encryption_properties=props
    ) as writer:
        for batch in plain.iter_batches(batch_size=batch_rows):
            writer.write_batch(batch)
        extra = {k: v for k, v in (plain.metadata.metadata or {}).items() if k != b"ARROW:schema"}
        if extra:
            writer.add_key_value_metadata(extra)


def read_protected_parquet(
    path: Path | str, kms: KeyManagementService, columns: Sequence[str] | None = None
) -> pl.DataFrame:
    """A Parquet file written with :func:`encrypt_parquet_file` (or a plain one), decrypted
    with the master keys of ``kms``: the values as they were written. A key that does not open
    it is a :class:`PolicyError` (exit 4); a file that is not Parquet an :class:`InputError`."""
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    try:
        table = pq.read_table(
            path,
            columns=list(columns) if columns is not None else None,
            decryption_properties=decryption_properties(kms),
        )
    except PolicyError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise InputError(str(path), f"cannot read as protected Parquet: {one_line(exc)}") from None
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def parquet_key_value(
    path: Path, key: bytes, kms: KeyManagementService | None = None
) -> bytes | None:
    """The file's key-value metadata entry ``key`` (``None`` when absent); an encrypted footer
    needs ``kms``."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(
            path, decryption_properties=decryption_properties(kms) if kms is not None else None
        )
    except PolicyError:
        raise
    except (OSError, pa.ArrowException, ValueError) as exc:
        raise InputError(str(path), f"cannot read the Parquet metadata: {one_line(exc)}") from None
    return (meta.metadata or {}).get(key)
