"""Evidence for a card: a clearance fairness or dataset audit report, read through its own report
model (never parsed loosely), with the SHA-256 of the file's bytes. Also the card YAML's reader:
both turn a malformed file into an ``InputError`` naming the file and the key path."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from clearance.audit.report import AuditReport
from clearance.cards.models import DataFile, EvidenceRef
from clearance.errors import InputError
from clearance.fairness.report import FairnessReport
from clearance.io.files import file_sha256

# A card is a page of prose; a report is machine-written and may be large.
MAX_YAML_BYTES = 1 << 20
MAX_EVIDENCE_BYTES = 512 << 20

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Evidence:
    ref: EvidenceRef
    report: FairnessReport | AuditReport


def describe(exc: ValidationError, limit: int = 3) -> str:
    """The first errors of a validation as ``key.path: what is expected``."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            parts.append(f"{where}: unknown key")
        else:
            parts.append(f"{where}: {err['msg'].lower()}")
    more = len(exc.errors()) - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def read_bytes(path: Path, limit: int, what: str) -> bytes:
    """The file's bytes; a missing, unreadable, non-regular or oversized file is an InputError."""
    try:
        if not path.is_file():
            reason = "not found" if not path.exists() else "not a regular file"
            raise InputError(str(path), f"{reason} (expected {what})")
        size = path.stat().st_size
        if size > limit:
            raise InputError(str(path), f"{size} bytes, more than the {limit} a {what} may have")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read ({exc.strerror}; expected {what})") from None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def current_sha256(path: Path) -> str | None:
    """The file's SHA-256 now, or None when it is gone or unreadable (for staleness)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def load_yaml(path: Path, what: str) -> object:
    """A YAML file as plain data. Anchors and aliases are refused: a few lines of them expand
    to billions of nodes."""
    raw = read_bytes(path, MAX_YAML_BYTES, what)
    try:
        text = raw.decode("utf-8")
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                raise InputError(str(path), f"YAML aliases (*name) are not accepted in a {what}")
        return yaml.safe_load(text)
    except UnicodeDecodeError:
        raise InputError(str(path), f"not UTF-8 text (expected {what})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(str(path), f"not valid YAML{where} (expected {what})") from None


def validate(model: type[M], data: object, path: Path, what: str) -> M:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(
            str(path), f"expected {what} (a mapping of sections), got {type(data).__name__}"
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(str(path), f"{describe(exc)}") from None


def load_evidence(path: Path) -> Evidence:
    """A fairness report (``clearance fairness``) or a dataset audit report (``clearance
    audit``) in JSON; anything else is an InputError naming the file."""
    what = "a clearance fairness or audit report in JSON"
    raw = read_bytes(path, MAX_EVIDENCE_BYTES, what)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise InputError(str(path), f"not JSON (expected {what})") from None
    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("tool") != "clearance" or kind not in KINDS:
        raise InputError(str(path), f"not a clearance report of kind fairness or audit ({what})")
    report = validate(KINDS[kind], data, path, what)
    sources: list[str]
    files: list[DataFile]
    if isinstance(report, FairnessReport):
        sources = [report.data.source] + ([report.model.source] if report.model else [])
        files = [
            DataFile(role="evaluation data", path=report.data.source, sha256=report.data.sha256)
        ]
        if report.model is not None:
            files.append(
                DataFile(role="model", path=report.model.source, sha256=report.model.sha256)
            )
    else:
        sources = [t.origin for t in report.tables]
        files = [
            DataFile(role=f"table {t.name}", path=t.origin, sha256=t.sha256) for t in report.tables
        ]
    ref = EvidenceRef(
        path=str(path),
        sha256=sha256_of(raw),
        kind=report.kind,
        tool_version=report.version,
        data_source=sources,
        data=files,
        warnings=list(report.warnings),
    )
    return Evidence(ref=ref, report=report)


KINDS: dict[str, type[FairnessReport] | type[AuditReport]] = {
    "fairness": FairnessReport,
    "audit": AuditReport,
}
