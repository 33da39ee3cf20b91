"""Keyed HMAC-SHA256 fingerprints of found values, for deduplication and baselines.

The key comes from ``CLEARANCE_KEY`` (hex or any string) or from a per-project key file
(``.clearance/key``) created on first use with mode 0600. Without the key a fingerprint cannot be
reversed or brute-forced from a dictionary of likely values.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from clearance.errors import PolicyError

KEY_ENV = "CLEARANCE_KEY"
KEY_FILE = Path(".clearance") / "key"
_SPACE = re.compile(r"[\s\-.()]+")


def load_key(project_dir: Path | None = None) -> bytes:
    """The fingerprint key: ``CLEARANCE_KEY``, else ``.clearance/key`` in ``project_dir`` (the
    working directory), created on first use. A folder where it cannot be read or created (a
    read-only checkout) raises a :class:`PolicyError` naming ``CLEARANCE_KEY`` and the folder."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode()
    path = (project_dir or Path.cwd()) / KEY_FILE
    try:
        if path.exists():
            data = path.read_bytes().strip()
            if not data:
                raise PolicyError(f"{path}: key file is empty; delete it to generate a new key")
            return data
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        os.replace(tmp, path)
        return path.read_bytes().strip()
    except OSError as exc:
        raise PolicyError(
            f"{path}: cannot read or create the fingerprint key ({exc.strerror or exc}); set "
            f"{KEY_ENV} to a secret string, or run from a folder where {path.parent} can be "
            "created"
        ) from None


def normalise(value: str) -> str:
    """The same value written differently (spaces, dashes, case) gets the same fingerprint."""
    return _SPACE.sub("", value).casefold()


class Fingerprinter:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "Fingerprinter(key=<hidden>)"

    def of(self, rule: str, value: str) -> str:
        msg = f"{rule}\x00{normalise(value)}".encode()
        return hmac.new(self._key, msg, hashlib.sha256).hexdigest()
