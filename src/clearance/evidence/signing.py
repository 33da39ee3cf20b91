"""Signed checkpoints: an Ed25519 signature over ``seq:head``. The private key is a PEM file
named by ``CLEARANCE_EVIDENCE_KEY``; without it no checkpoint is written (the chain alone
still shows edits, deletions and reordering, but not records cut from the end)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from clearance.errors import PolicyError

KEY_ENV = "CLEARANCE_EVIDENCE_KEY"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    head: str
    public_key: str  # raw 32 bytes, hex
    signature: str  # hex

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "head": self.head,
            "public_key": self.public_key,
            "signature": self.signature,
        }


def _message(seq: int, head: str) -> bytes:
    return f"clearance-evidence:{seq}:{head}".encode()


def load_signing_key() -> Ed25519PrivateKey | None:
    name = os.environ.get(KEY_ENV, "").strip()
    if not name:
        return None
    path = Path(name)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise PolicyError(
            f"{path}: cannot read the evidence signing key: {exc.strerror or exc}"
        ) from None
    except (ValueError, TypeError):
        raise PolicyError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise PolicyError(f"{path}: the evidence signing key must be Ed25519")
    return key


def configured_public_key() -> str | None:
    """The public key (raw, hex) of the key ``CLEARANCE_EVIDENCE_KEY`` names, for verifying:
    the signing key's PEM or, on an auditor's machine, the Ed25519 public key's PEM alone.
    None when the variable is not set; a key that cannot be read or is not Ed25519 is a
    :class:`PolicyError` (one line, naming the file)."""
    name = os.environ.get(KEY_ENV, "").strip()
    if not name:
        return None
    path = Path(name)
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise PolicyError(
            f"{path} ({KEY_ENV}): cannot read the evidence key: {exc.strerror or exc}"
        ) from None
    public: object
    try:
        public = serialization.load_pem_public_key(pem)
    except (ValueError, TypeError):
        try:
            private = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError):
            raise PolicyError(
                f"{path} ({KEY_ENV}): not an Ed25519 PEM key (private unencrypted, or public)"
            ) from None
        public = private.public_key()
    if not isinstance(public, Ed25519PublicKey):
        raise PolicyError(f"{path} ({KEY_ENV}): the evidence key must be Ed25519")
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def sign(key: Ed25519PrivateKey, seq: int, head: str) -> Checkpoint:
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return Checkpoint(seq, head, public.hex(), key.sign(_message(seq, head)).hex())


def signature_valid(checkpoint: Checkpoint) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(checkpoint.public_key))
        public.verify(
            bytes.fromhex(checkpoint.signature), _message(checkpoint.seq, checkpoint.head)
        )
    except (ValueError, InvalidSignature):
        return False
    return True
