"""``audit_sources``: what ``clearance audit`` does, as one library call (files and database
URIs in, ``AuditReport`` out), so the CLI and a service call the same thing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Literal

from clearance.audit.auditor import ProgressFn, audit_dataset
from clearance.audit.databases import load_database, mask_uri
from clearance.audit.policy import Policy, load_policy
from clearance.audit.report import AuditReport
from clearance.audit.sources import Table, load_files
from clearance.detection.calibration import Calibration
from clearance.detection.engine import Engine
from clearance.errors import InputError
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions


def load_sources(
    paths: Sequence[Path],
    databases: Sequence[str] = (),
    tables: Sequence[str] | None = None,
    *,
    streaming: bool | None = False,
) -> tuple[list[Table], list[tuple[str, str]]]:
    """Tables from files and databases; skipped inputs as (origin, reason). ``streaming``:
    which Parquet files are read lazily (:func:`clearance.audit.sources.load_files`)."""
    found, skipped = load_files(list(paths), streaming) if paths else ([], [])
    for uri in databases:
        db_tables, db_skipped = load_database(uri, tables or None)
        found += db_tables
        skipped += db_skipped
    if not found:
        raise no_table_error([str(p) for p in paths] + [mask_uri(u) for u in databases], skipped)
    return found, skipped


def no_table_error(inputs: Sequence[str], skipped: list[tuple[str, str]]) -> InputError:
    """The error of an audit that could read no table: the inputs, and why each was skipped."""
    return InputError(
        ", ".join(inputs) or "(nothing)", "no table could be read" + _reasons(skipped)
    )


def _reasons(skipped: list[tuple[str, str]], shown: int = 5) -> str:
    """The reasons themselves, on the one line of the error (nothing else prints them)."""
    if not skipped:
        return " (no table file found)"
    listed = "; ".join(f"{origin}: {reason}" for origin, reason in skipped[:shown])
    more = f"; and {len(skipped) - shown} more" if len(skipped) > shown else ""
    return f" ({listed}{more})"


def audit_sources(
    paths: Sequence[Path],
    *,
    databases: Sequence[str] = (),
    tables: Sequence[str] | None = None,
    policy: Policy | None = None,
    policy_path: Path | None = None,
    fingerprinter: Fingerprinter,
    sample: int | None = None,
    today: date | None = None,
    progress: ProgressFn | None = None,
    calibration: Calibration | Literal["bundled"] | None = "bundled",
    streaming: bool | None = None,
) -> AuditReport:
    """Reads the sources, loads the policy (``policy`` wins over ``policy_path``), audits.
    ``calibration``: the score map of the engine (``"bundled"``, your own, or ``None`` for the
    hand-set scores); the policy's ``min_score`` applies to the calibrated score.
    ``fingerprinter`` keys the findings' fingerprints (the CLI's comes from
    :func:`clearance.privacy.load_key`). ``streaming``: Parquet and CSV files are read lazily
    and audited in bounded memory (``True``), loaded whole (``False``), or streamed from a size
    on disk (``None``, :func:`clearance.audit.sources.load_files`); the report is the same."""
    chosen = policy or load_policy(policy_path)
    found, skipped = load_sources(paths, databases, tables, streaming=streaming)
    engine = None
    if calibration != "bundled":
        engine = Engine(threshold=chosen.min_score, calibration=calibration)
    return audit_dataset(
        found,
        chosen,
        engine=engine,
        policy_source=str(policy_path) if policy_path else "(gdpr profile defaults)",
        fingerprinter=fingerprinter,
        skipped=skipped,
        scan_options=ScanOptions(sample=sample),
        today=today,
        progress=progress,
    )
