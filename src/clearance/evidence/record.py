"""What one run leaves in the store: who ran which command on which files (by SHA-256), and
what the report said. Only what the JSON report holds goes in: findings are already masked
and fingerprinted there, never raw values."""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clearance._version import __version__
from clearance.errors import InputError
from clearance.evidence.details import details_of
from clearance.io.files import file_sha256, shown_path

USER_ENV = "CLEARANCE_USER"

RunRecord = dict[str, Any]


def _sha256(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError as exc:
        raise InputError(shown_path(path), f"cannot hash: {exc.strerror or exc}") from None


FileHashes = list[dict[str, str | None]]


def hash_files(paths: Sequence[Path]) -> FileHashes:
    """Every regular file under ``paths`` (folders walked, sorted), with its hash; one that
    cannot be read (the command skipped it and said so) is listed with no hash. A command that
    changes its inputs in place (retention, erase) hashes them with this before it starts."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file())
        elif path.is_file():
            found.append(path)
    listed: list[dict[str, str | None]] = []
    for p in found:
        try:
            # a name of bytes that are not UTF-8 is written as those bytes (as reports do)
            listed.append({"path": shown_path(p), "sha256": _sha256(p)})
        except InputError:
            listed.append({"path": shown_path(p), "sha256": None})
    return listed


def current_user() -> str:
    user = os.environ.get(USER_ENV, "").strip()
    if user:
        return user
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no passwd entry (some containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def new_record(
    command: str,
    *,
    inputs: Sequence[Path] = (),
    outputs: Sequence[Path] = (),
    policy: Path | None = None,
    report: Mapping[str, Any] | None = None,
    summary: Mapping[str, Any] | None = None,
    verdict: str,
    run_id: str | None = None,
    hashed_inputs: FileHashes | None = None,
    user: str | None = None,
) -> RunRecord:
    """A record of one run. ``report`` is the JSON report as written (its ``summary`` and
    ``findings`` are kept); ``verdict`` is what the command's exit code says (``pass``,
    ``fail``, ``findings``, ``clean``); ``summary`` stands for the report's when it has none;
    ``run_id`` is the id the command already gave its outputs (redact's manifest), else new;
    ``hashed_inputs`` are inputs hashed (:func:`hash_files`) before the run changed them;
    ``user`` is who ran it when not the process's user (a dashboard user's sign-off)."""
    doc = dict(report or {})
    extra: dict[str, Any] = {}
    if isinstance(doc.get("checks"), list):
        # the audit's checks that ran on at least one table: a skipped check is evidence of
        # nothing (clearance report reads this)
        extra["checks"] = sorted(
            {
                str(c["rule"])
                for c in doc["checks"]
                if isinstance(c, dict) and c.get("status") == "ran" and "rule" in c
            }
        )
    details = details_of(doc)
    if details is not None:
        # the job's results the dashboard shows (evidence.details: a fairness audit's groups,
        # an LLM audit's secrets by kind, masked)
        extra["details"] = details
    return {
        "run_id": run_id or str(uuid.uuid4()),
        "command": command,
        "tool_version": __version__,
        "policy_sha256": _sha256(policy) if policy is not None and policy.is_file() else None,
        "inputs": [*(hashed_inputs or []), *hash_files(inputs)],
        "outputs": hash_files(outputs),
        # a fairness report has no summary: its verdict (passed, reasons) is what it concludes
        "summary": dict(summary) if summary is not None else doc.get("summary", doc.get("verdict")),
        "findings": doc.get("findings", []),
        "verdict": verdict,
        "user": user or current_user(),
        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        **extra,
    }
