"""The redaction operators: what replaces one value (a cell or a span of text).

Keyed operators (``pseudonym``, ``encrypt``) take the key from the caller; each derives its own
subkey (HKDF-SHA256 with its own label), so a pseudonym never equals a finding's fingerprint made
with the same key, and the encryption key is not the pseudonym key. Without a key they refuse
(:class:`PolicyError`): never a default key, never one created on the side.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import polars as pl

from clearance.errors import BackendUnavailableError, PolicyError
from clearance.privacy.fingerprint import normalise

if TYPE_CHECKING:
    from clearance.audit.policy import RedactOperator

ENCRYPTED_PREFIX = "enc:"
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y")
_ISO_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}")
_ENTITY_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


def _derive(key: bytes, label: bytes, length: int) -> bytes:
    """HKDF-SHA256 (RFC 5869) of ``key`` for one purpose; written out so that pseudonyms need
    no optional package."""
    prk = hmac.new(b"clearance-redact", key, hashlib.sha256).digest()
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + label + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


# What fingerprint.normalise removes, for ASCII text: Python's ``\s`` there is also \x1c-\x1f,
# which the Rust regex's ``\s`` is not, so the class is spelt out.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f \-.()]+"


def _normalised(values: Sequence[str]) -> list[bytes]:
    """``normalise(v).encode()`` of each value: ASCII values in Polars (where casefold is
    lower), the others (whose casefold and whitespace Python defines) one by one."""
    col = pl.col("v")
    fast = (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(
            pl.when(col.str.len_bytes() == col.str.len_chars())
            .then(col.str.replace_all(_ASCII_SPACE, "").str.to_lowercase().cast(pl.Binary))
            .alias("n")
        )
        .to_series()
        .to_list()
    )
    return [normalise(v).encode() if n is None else n for v, n in zip(values, fast, strict=True)]


class Keys:
    """The subkeys of the keyed operators, from one secret (``CLEARANCE_KEY``)."""

    def __init__(self, key: bytes | None) -> None:
        self._key = key
        self._subkeys: dict[bytes, bytes] = {}

    def __repr__(self) -> str:
        return "Keys(<hidden>)"

    def _need(self, op: str, where: str) -> bytes:
        if not self._key:
            raise PolicyError(
                f"{where}: the {op} operator needs a key (CLEARANCE_KEY or a key file) and none "
                "was given; refused rather than using a default key"
            )
        return self._key

    def _subkey(self, op: str, where: str) -> bytes:
        label = op.encode()
        sub = self._subkeys.get(label)
        if sub is None:
            sub = self._subkeys[label] = _derive(self._need(op, where), label, 32)
        return sub

    def pseudonym(self, value: str, entity: str, where: str) -> str:
        """``EMAIL_ADDRESS_3f1c…``: HMAC-SHA256 of the normalised value (case, spaces and
        dashes ignored), the same in every table and column, so joins survive."""
        return self.pseudonyms([value], entity, where)[0]

    def pseudonyms(self, values: Sequence[str], entity: str, where: str) -> list[str]:
        """:meth:`pseudonym` of each value; one loop with the one-shot HMAC (a million
        distinct values of a column cost about a second, not ten)."""
        sub = self._subkey("pseudonym", where)
        digest, sha256 = hmac.digest, hashlib.sha256
        return [f"{entity}_{digest(sub, v, sha256)[:8].hex()}" for v in _normalised(values)]

    def date_offset(self, subject: str, max_days: int, where: str) -> int:
        """The shift in days (1 to ``max_days``, either way; never 0, which would keep the
        date) of every date of one subject: keyed HMAC-SHA256 of the subject key's canonical
        text, so the same subject moves by the same offset in every table and run."""
        sub = self._subkey("date_shift", where)
        n = int.from_bytes(hmac.digest(sub, subject.encode(), hashlib.sha256)[:8], "big")
        magnitude = 1 + (n >> 1) % max_days
        return magnitude if n & 1 else -magnitude

    def _siv(self, where: str) -> Any:
        key = self._need("encrypt", where)
        try:
            # through importlib: typed as Any whether or not cryptography is installed
            aead = importlib.import_module("cryptography.hazmat.primitives.ciphers.aead")
        except ImportError:  # a core dependency, but an install may lack it
            raise BackendUnavailableError(
                "cryptography", "the encrypt operator needs it; pip install cryptography"
            ) from None
        return aead.AESSIV(_derive(key, b"aes-siv", 64))

    def encrypt(self, value: str, where: str) -> str:
        """AES-SIV (RFC 5297), deterministic: the same value gives the same ciphertext, so joins
        survive; the key holder gets the value back with :meth:`decrypt`."""
        token: bytes = self._siv(where).encrypt(value.encode(), None)
        return ENCRYPTED_PREFIX + base64.urlsafe_b64encode(token).decode().rstrip("=")

    def decrypt(self, token: str, where: str = "value") -> str:
        """The value :meth:`encrypt` turned into ``token``; a wrong key or a changed token
        raises :class:`PolicyError` (authenticated encryption)."""
        invalid = importlib.import_module("cryptography.exceptions").InvalidTag
        if not token.startswith(ENCRYPTED_PREFIX):
            raise PolicyError(f"{where}: not a clearance ciphertext")
        body = token[len(ENCRYPTED_PREFIX) :]
        siv = self._siv(where)
        try:
            data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            plain: bytes = siv.decrypt(data, None)
            return plain.decode()
        except (invalid, ValueError):
            raise PolicyError(f"{where}: cannot decrypt (wrong key or changed text)") from None


def token_pattern(op: str, entity: str) -> str | None:
    """A regex that every cell a column operator ``op`` wrote (for a column of ``entity``)
    matches in full, and nothing else does: a keyed pseudonym (:meth:`Keys.pseudonyms`) or the
    type placeholder. ``None`` for operators whose output is not one fixed shape."""
    if not _ENTITY_NAME.fullmatch(entity):
        return None  # (entity types are such names; anything else is not vouched for here)
    if op == "pseudonym":
        return f"^{entity}_[0-9a-f]{{16}}$"
    if op == "placeholder":
        return f"^{placeholder(entity)}$"
    return None


def placeholder(entity: str, code: bool = False) -> str:
    """``<EMAIL_ADDRESS>`` in text; ``REDACTED_EMAIL_ADDRESS`` in source code, where it stays
    a valid token in a string, a comment or in place of a bare literal."""
    return f"REDACTED_{entity}" if code else f"<{entity}>"


def mask_keep(value: str, keep: int) -> str:
    """The first ``keep`` characters, the rest as ``*`` (the length stays)."""
    return value[:keep] + "*" * max(0, len(value) - keep)


def parse_date(value: str) -> date | None:
    text = value.strip()
    head = _ISO_PREFIX.match(text)
    if head is not None:
        text = head.group()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def generalize(value: str, op: RedactOperator, today: date) -> str | None:
    """The coarser value, or ``None`` when ``value`` does not fit the generalization (not a
    date, a birth date in the future)."""
    if op.to == "prefix":
        return value.strip()[: op.keep]
    day = parse_date(value)
    if day is None:
        return None
    if op.to == "year":
        return f"{day.year:04d}"
    if op.to == "month":
        return f"{day.year:04d}-{day.month:02d}"
    age = today.year - day.year - ((today.month, today.day) < (day.month, day.day))
    if age < 0:
        return None
    lo = age // op.band * op.band
    return f"{lo}-{lo + op.band - 1}"
