"""clearance: clears data, models and LLMs for training and deployment.

The public API, one entry point per job:

- detect sensitive values in text: :class:`Engine`, built from validated
  :class:`DetectionSettings` (``DetectionSettings.of(threshold=0.5).engine()``);
- scan files and folders into a :class:`ScanReport`: :func:`scan_paths`, rendered by
  :func:`render`;
- audit a dataset against a policy into an :class:`AuditReport`: :func:`audit_sources` (files
  and databases; on Spark :func:`spark_audit_paths`) or :func:`audit_dataset` (tables already
  loaded), :func:`load_policy`, rendered by the same :func:`render` (every report kind, every
  format);
- audit a credit model's fairness: :func:`run_fairness` with :func:`load_fairness_policy`;
  mitigate it: :func:`run_mitigation`;
- k-anonymize (and l-diversify) a table into a verified copy: :func:`anonymize_table`,
  returning an :class:`AnonymizeReport`;
- redact files into checked copies with a manifest: :func:`redact_paths` with
  :class:`RedactSettings`, returning a :class:`RedactManifest`;
- enforce retention (:func:`apply_retention`, a :class:`RetentionRun`) and erase a data subject
  (:func:`erase_subject`, an :class:`ErasureRecord`);
- release differentially private aggregates under a budget ledger: :func:`dp_release`,
  returning a :class:`DpReport`;
- document a model: a card skeleton for a regime (:func:`init_card`), built from the card and
  the fairness / audit reports into a :class:`ModelCard` (:func:`build_card_paths`), checked
  against the regime's checklist (:func:`check_card_path`); a dataset's datasheet from its audit
  (:func:`build_datasheet_paths`);
- keep every run in a tamper-evident evidence store: :func:`open_store` (SQLite file or
  PostgreSQL URL), :func:`new_record` appended with :meth:`EvidenceStore.append`, checked with
  :meth:`EvidenceStore.verify`; read against a framework's controls into a
  :class:`GovernanceReport`: :func:`governance_report`;
- audit an LLM for memorised secrets: :func:`run_llm_audit_paths` with
  :class:`LlmAuditSettings` and a :class:`LocalModel` or :class:`EndpointModel`.
"""

from __future__ import annotations

import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from clearance._version import __version__

if TYPE_CHECKING:
    from clearance.anonymize.report import AnonymizeReport
    from clearance.anonymize.run import anonymize_table
    from clearance.audit.auditor import audit_dataset
    from clearance.audit.policy import Policy, load_policy
    from clearance.audit.report import AuditReport
    from clearance.audit.run import audit_sources
    from clearance.audit.sources import Table
    from clearance.cards import (
        ModelCard,
        build_card_paths,
        build_datasheet_paths,
        check_card_path,
        init_card,
    )
    from clearance.core.findings import Finding
    from clearance.core.severity import Severity
    from clearance.detection import Detector, Engine, Match, Registry, default_registry
    from clearance.detection.settings import DetectionSettings
    from clearance.dp import DpReport, dp_release
    from clearance.engines.spark import (
        SparkSettings,
        spark_audit_paths,
        spark_redact_paths,
        spark_scan_paths,
    )
    from clearance.errors import (
        BackendUnavailableError,
        ClearanceError,
        InputError,
        PolicyError,
        SourceUnavailableError,
    )
    from clearance.evidence import EvidenceStore, new_record, open_store
    from clearance.fairness.mitigate_run import run_mitigation
    from clearance.fairness.policy import load_fairness_policy
    from clearance.fairness.run import run_fairness
    from clearance.governance import GovernanceReport, governance_report
    from clearance.guard.proxy import build_guard, serve_guard
    from clearance.guard.settings import GuardSettings
    from clearance.lifecycle import ErasureRecord, RetentionRun, apply_retention, erase_subject
    from clearance.llm.audit import run_llm_audit_paths
    from clearance.llm.audit_settings import LlmAuditSettings
    from clearance.llm.model_target import EndpointModel, LocalModel
    from clearance.privacy import Fingerprinter, load_key, mask
    from clearance.redact import RedactManifest, RedactSettings, redact_database, redact_paths
    from clearance.reports import render
    from clearance.scan import ScanOptions, scan_paths
    from clearance.scan.report import ScanReport

# The public names load on first use (PEP 562): ``import clearance.llm.backends`` or the CLI's
# ``--help`` should not pay for Polars, SQLAlchemy and the detector registry. Each maps to its
# module.
_EXPORTS: dict[str, str] = {
    "AnonymizeReport": "clearance.anonymize.report",
    "AuditReport": "clearance.audit.report",
    "BackendUnavailableError": "clearance.errors",
    "ClearanceError": "clearance.errors",
    "DetectionSettings": "clearance.detection.settings",
    "Detector": "clearance.detection",
    "DpReport": "clearance.dp",
    "EndpointModel": "clearance.llm.model_target",
    "Engine": "clearance.detection",
    "ErasureRecord": "clearance.lifecycle",
    "EvidenceStore": "clearance.evidence",
    "Finding": "clearance.core.findings",
    "Fingerprinter": "clearance.privacy",
    "GovernanceReport": "clearance.governance",
    "GuardSettings": "clearance.guard.settings",
    "InputError": "clearance.errors",
    "LlmAuditSettings": "clearance.llm.audit_settings",
    "LocalModel": "clearance.llm.model_target",
    "Match": "clearance.detection",
    "ModelCard": "clearance.cards",
    "Policy": "clearance.audit.policy",
    "PolicyError": "clearance.errors",
    "RedactManifest": "clearance.redact",
    "RedactSettings": "clearance.redact",
    "Registry": "clearance.detection",
    "RetentionRun": "clearance.lifecycle",
    "ScanOptions": "clearance.scan",
    "ScanReport": "clearance.scan.report",
    "Severity": "clearance.core.severity",
    "SourceUnavailableError": "clearance.errors",
    "SparkSettings": "clearance.engines.spark",
    "Table": "clearance.audit.sources",
    "anonymize_table": "clearance.anonymize.run",
    "apply_retention": "clearance.lifecycle",
    "audit_dataset": "clearance.audit.auditor",
    "audit_sources": "clearance.audit.run",
    "build_card_paths": "clearance.cards",
    "build_datasheet_paths": "clearance.cards",
    "build_guard": "clearance.guard.proxy",
    "check_card_path": "clearance.cards",
    "default_registry": "clearance.detection",
    "dp_release": "clearance.dp",
    "erase_subject": "clearance.lifecycle",
    "governance_report": "clearance.governance",
    "init_card": "clearance.cards",
    "new_record": "clearance.evidence",
    "open_store": "clearance.evidence",
    "load_fairness_policy": "clearance.fairness.policy",
    "load_key": "clearance.privacy",
    "load_policy": "clearance.audit.policy",
    "mask": "clearance.privacy",
    "redact_database": "clearance.redact",
    "redact_paths": "clearance.redact",
    "render": "clearance.reports",
    "run_fairness": "clearance.fairness.run",
    "run_llm_audit_paths": "clearance.llm.audit",
    "run_mitigation": "clearance.fairness.mitigate_run",
    "scan_paths": "clearance.scan",
    "serve_guard": "clearance.guard.proxy",
    "spark_audit_paths": "clearance.engines.spark",
    "spark_redact_paths": "clearance.engines.spark",
    "spark_scan_paths": "clearance.engines.spark",
}


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'clearance' has no attribute {name!r}")
    value = getattr(import_module(target), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # the public names and the subpackages bound so far, not this module's own helpers
    bound = {n for n, v in globals().items() if isinstance(v, types.ModuleType)} - {"types"}
    return sorted(set(__all__) | {n for n in globals() if n.startswith("__")} | bound)


__all__ = [
    "AnonymizeReport",
    "AuditReport",
    "BackendUnavailableError",
    "ClearanceError",
    "DetectionSettings",
    "Detector",
    "DpReport",
    "EndpointModel",
    "Engine",
    "ErasureRecord",
    "EvidenceStore",
    "Finding",
    "Fingerprinter",
    "GovernanceReport",
    "GuardSettings",
    "InputError",
    "LlmAuditSettings",
    "LocalModel",
    "Match",
    "ModelCard",
    "Policy",
    "PolicyError",
    "RedactManifest",
    "RedactSettings",
    "Registry",
    "RetentionRun",
    "ScanOptions",
    "ScanReport",
    "Severity",
    "SourceUnavailableError",
    "SparkSettings",
    "Table",
    "__version__",
    "anonymize_table",
    "apply_retention",
    "audit_dataset",
    "audit_sources",
    "build_card_paths",
    "build_datasheet_paths",
    "build_guard",
    "check_card_path",
    "default_registry",
    "dp_release",
    "erase_subject",
    "governance_report",
    "init_card",
    "load_fairness_policy",
    "load_key",
    "load_policy",
    "mask",
    "new_record",
    "open_store",
    "redact_database",
    "redact_paths",
    "render",
    "run_fairness",
    "run_llm_audit_paths",
    "run_mitigation",
    "scan_paths",
    "serve_guard",
    "spark_audit_paths",
    "spark_redact_paths",
    "spark_scan_paths",
]
