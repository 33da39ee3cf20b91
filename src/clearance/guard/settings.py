"""The guard's configuration (``guard.yaml``), validated; and the upstream URL and listen address.

Every key is optional::

    action: redact            # or block: a response with a secret ends in an error instead
    pii: [EMAIL_ADDRESS]      # PII types redacted too (default: the secret rules only)
    upstream_api_key_env: OPENAI_API_KEY   # where the upstream key is read from
    clients:                  # client API keys, by SHA-256 (hex); none: no authentication
      - {name: ci, key_sha256: 9f86d0...}
    incidents: incidents.jsonl
    max_body_bytes: 1048576
    upstream_timeout: 60      # seconds without a byte from the upstream
    request_timeout: 600      # seconds for a whole answer
    holdback: 256             # rules wider than this are held by partial matching
    block_cap: 16384          # the most held for one long match (a key block)
    rate_limit: 600           # requests per minute per client (default: none)
"""

from __future__ import annotations

import hashlib
import ipaddress
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.errors import PolicyError
from clearance.io.policy_files import read_policy_file, validation_error


class ClientKey(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    key_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class GuardSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    action: Literal["redact", "block"] = "redact"
    prompts: Literal["off", "log", "redact"] = "off"
    pii: tuple[str, ...] = ()
    upstream_api_key_env: str = Field(default="OPENAI_API_KEY", pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    clients: tuple[ClientKey, ...] = ()
    incidents: Path | None = None
    max_body_bytes: int = Field(default=1 << 20, ge=1024, le=1 << 30)
    upstream_timeout: float = Field(default=60.0, gt=0, le=3600)
    request_timeout: float = Field(default=600.0, gt=0, le=86400)
    holdback: int = Field(default=256, ge=16, le=65536)
    block_cap: int = Field(default=16384, ge=256, le=1 << 22)
    rate_limit: int | None = Field(default=None, ge=1, le=1_000_000)

    @field_validator("pii")
    @classmethod
    def _known_pii(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        from clearance.detection.registry import default_registry

        known = {d.entity for d in default_registry() if d.category == "pii"}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ValueError(f"unknown PII type {', '.join(unknown)}")
        return value

    def client_for(self, key: str) -> str | None:
        """The name of the client whose key this is (``None``: not a client's key)."""
        digest = hashlib.sha256(key.encode()).hexdigest()
        for client in self.clients:
            if client.key_sha256 == digest:
                return client.name
        return None


def load_settings(path: Path | None) -> GuardSettings:
    """The settings of ``path`` (defaults without one); ``PolicyError`` naming the file and key."""
    if path is None:
        return GuardSettings()
    data = read_policy_file(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: expected a mapping of settings at the top level")
    try:
        settings = GuardSettings(**data)
    except ValidationError as exc:
        raise validation_error(str(path), exc, GuardSettings) from None
    if settings.incidents is not None and not settings.incidents.is_absolute():
        settings = settings.model_copy(update={"incidents": path.parent / settings.incidents})
    return settings


def upstream_base(url: str) -> str:
    """``url`` as the upstream's base (``http://host:port``, a path kept, no trailing ``/``);
    ``PolicyError`` when it is not an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError:
        raise PolicyError(f"upstream {url!r}: not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PolicyError(f"upstream {url!r}: expected http://HOST:PORT or https://HOST")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise PolicyError(f"upstream {url!r}: no credentials, query or fragment allowed")
    base = url.rstrip("/")
    return base.removesuffix("/v1")


def listen_address(value: str) -> tuple[str, int]:
    """``HOST:PORT`` as (host, port); ``PolicyError`` when it is not one."""
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise PolicyError(f"listen {value!r}: expected HOST:PORT, e.g. 127.0.0.1:8080")
    return host, int(port)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
