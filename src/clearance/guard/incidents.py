"""Incident records: one JSON line per redaction or blocked response, never the secret.

``{"time", "request_id", "client", "action", "rule", "type", "fingerprint", "known"}``:
``fingerprint`` is the keyed ``of("value", value)`` (the inventory's ``value_fingerprint``, so
an incident joins with the inventory and the LLM audit), ``known`` whether the value is in the
inventory. Each record is written with one ``write`` to a file opened for appending, so lines of
concurrent requests never interleave and a crash leaves whole lines.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from clearance.guard.scanner import Hit


def incident_lines(
    hits: Iterable[Hit], *, request_id: str, client: str, action: str, now: datetime | None = None
) -> list[str]:
    when = (now or datetime.now(UTC)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return [
        json.dumps(
            {
                "time": when,
                "request_id": request_id,
                "client": client,
                "action": action,
                "rule": hit.rule,
                "type": hit.entity,
                "fingerprint": hit.fingerprint,
                "known": hit.known,
            },
            separators=(",", ":"),
        )
        for hit in hits
    ]


def append_lines(path: Path, lines: list[str]) -> None:
    """Appends each line with one ``write`` (O_APPEND: whole lines, in any concurrency)."""
    if not lines:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for line in lines:
            os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)
