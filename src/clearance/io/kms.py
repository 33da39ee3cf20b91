"""Key management for protected outputs: the interface a key-management service plugs into
(:class:`KeyManagementService`: wrap and unwrap a data key under a named master key), and the
local key-file service that ships with clearance (:class:`LocalKeyFileKms`) for tests and
single-machine use.

The master keys never leave the service: clearance generates the data keys, the service wraps
them, and only the wrapped keys are stored in the output (Parquet modular encryption keeps them
in the file's metadata). A Vault transit engine or a cloud KMS implements the same two methods.

Key file format (text, one master key a line, ``#`` starts a comment)::

    # clearance local KMS master keys: keep apart from the data, mode 0600
    footer: 3q2+7w...base64 of 16, 24 or 32 random bytes...
    columns: Zm9vYmFy...

The file must be a regular file readable by its owner only (like an SSH private key): a key
file that group or others can read is refused, as is a missing or malformed one
(:class:`PolicyError`, exit 4). :func:`create_key_file` writes a new one.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
import stat
from pathlib import Path
from typing import Protocol, runtime_checkable

from clearance.errors import PolicyError

NONCE_BYTES = 12
KEY_SIZES = (16, 24, 32)
DEFAULT_KEY_IDS = ("footer", "columns")


@runtime_checkable
class KeyManagementService(Protocol):
    """What protected outputs need from a KMS. ``wrap_key`` returns a text token that only the
    same service (with the same master key) can turn back into ``key``; ``unwrap_key`` raises
    :class:`PolicyError` when it cannot (wrong or missing master key), never returns other bytes.
    """

    def wrap_key(self, key: bytes, master_key_id: str) -> str: ...

    def unwrap_key(self, wrapped: str, master_key_id: str) -> bytes: ...


def _check_file(path: Path) -> None:
    where = f"key file {path}"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise PolicyError(f"{where}: does not exist; create one with create_key_file") from None
    except OSError as exc:
        raise PolicyError(f"{where}: cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise PolicyError(f"{where}: is not a regular file")
    if os.name == "posix" and st.st_mode & 0o077:
        mode = stat.S_IMODE(st.st_mode)
        raise PolicyError(
            f"{where}: readable by group or others (mode {mode:o}); restrict it to its owner "
            "(chmod 600)"
        )


def _parse(path: Path, text: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"key file {path}, line {number}"
        key_id, sep, value = line.partition(":")
        key_id = key_id.strip()
        if not sep or not key_id or not key_id.isprintable():
            raise PolicyError(f"{where}: expected 'ID: BASE64-KEY'")
        try:
            key = base64.b64decode(value.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise PolicyError(f"{where}: the key of {key_id!r} is not base64") from None
        if len(key) not in KEY_SIZES:
            raise PolicyError(
                f"{where}: the key of {key_id!r} has {len(key)} bytes; 16, 24 or 32 are allowed"
            )
        if key_id in keys:
            raise PolicyError(f"{where}: {key_id!r} is given twice")
        keys[key_id] = key
    if not keys:
        raise PolicyError(f"key file {path}: holds no master key")
    return keys


class LocalKeyFileKms:
    """Master keys from a key file the user names (see the module docstring); keys are wrapped
    with AES-GCM under the master key, the master key's id bound in as associated data, so a
    wrapped key opened with another master key fails instead of giving wrong bytes."""

    def __init__(self, keys: dict[str, bytes], source: str = "key file") -> None:
        self._keys = dict(keys)
        self.source = source

    def __repr__(self) -> str:  # never the keys
        return f"LocalKeyFileKms({self.source!r}, ids={sorted(self._keys)})"

    @classmethod
    def load(cls, path: Path | str) -> LocalKeyFileKms:
        """Reads and checks the key file (:class:`PolicyError` when missing, unreadable,
        readable by others, or malformed)."""
        path = Path(path)
        _check_file(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PolicyError(f"key file {path}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise PolicyError(f"key file {path}: is not UTF-8 text") from None
        return cls(_parse(path, text), source=str(path))

    @property
    def key_ids(self) -> list[str]:
        return sorted(self._keys)

    def _master(self, master_key_id: str) -> bytes:
        try:
            return self._keys[master_key_id]
        except KeyError:
            raise PolicyError(
                f"{self.source}: has no master key {master_key_id!r} "
                f"(it holds {', '.join(self.key_ids)})"
            ) from None

    def wrap_key(self, key: bytes, master_key_id: str) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = AESGCM(self._master(master_key_id)).encrypt(nonce, key, master_key_id.encode())
        return base64.b64encode(nonce + sealed).decode("ascii")

    def unwrap_key(self, wrapped: str, master_key_id: str) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        master = self._master(master_key_id)
        try:
            blob = base64.b64decode(wrapped, validate=True)
            return AESGCM(master).decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], master_key_id.encode()
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise PolicyError(
                f"{self.source}: master key {master_key_id!r} does not open this data "
                "(a different key than the one it was written with)"
            ) from None


def create_key_file(path: Path | str, key_ids: tuple[str, ...] = DEFAULT_KEY_IDS) -> Path:
    """Writes a new key file with a random 256-bit master key per id, readable by its owner
    only. An existing file is never replaced (:class:`PolicyError`)."""
    path = Path(path)
    lines = ["# clearance local KMS master keys: keep apart from the data, mode 0600"]
    lines += [f"{k}: {base64.b64encode(secrets.token_bytes(32)).decode('ascii')}" for k in key_ids]
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PolicyError(f"key file {path}: exists already; not replaced") from None
    except OSError as exc:
        raise PolicyError(f"key file {path}: cannot be created ({exc.strerror})") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path
