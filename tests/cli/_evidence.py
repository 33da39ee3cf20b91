"""What a command recorded in the default evidence store (``.clearance/evidence.db`` of the
test's working directory): the entries, and the store's bytes for leak checks."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from clearance.cli.app import app

RUN_ID = re.compile(r"evidence: run ([0-9a-f-]{32,36}) recorded")
FOLDER = Path(".clearance")


def recorded() -> list[dict[str, Any]]:
    """Every record in the default store, oldest first ([] when none was made)."""
    if not (FOLDER / "evidence.db").exists():
        return []
    result = CliRunner().invoke(app, ["evidence", "list", "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def only_run(command: str, stderr: str) -> dict[str, Any]:
    """The one record there is: of ``command``, with the run id the command printed."""
    [entry] = recorded()
    assert entry["command"] == command
    assert RUN_ID.findall(stderr) == [entry["run_id"]]
    return entry


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(files: list[dict[str, Any]]) -> dict[str, str]:
    return {f["path"]: f["sha256"] for f in files}


def store_bytes() -> bytes:
    """The store's files (the database, its WAL), to search for planted values."""
    return b"".join(p.read_bytes() for p in sorted(FOLDER.iterdir()) if p.is_file())


def assert_nothing_planted(*values: str) -> None:
    stored = store_bytes()
    for value in values:
        assert value.encode() not in stored, "a raw value reached the evidence store"
