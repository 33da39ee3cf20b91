from __future__ import annotations

import types

import clearance

# The public API, pinned: adding or removing a name is a decision, made here as well.
PUBLIC = [
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


def test_all_is_the_pinned_list() -> None:
    assert clearance.__all__ == PUBLIC


def test_all_is_exported() -> None:
    for name in clearance.__all__:
        assert hasattr(clearance, name), name
    # Subpackages appear as attributes once imported anywhere; they are namespaces, not API.
    public = {
        n
        for n in dir(clearance)
        if not n.startswith("_") and not isinstance(getattr(clearance, n), types.ModuleType)
    } - {"annotations"}
    assert public <= set(clearance.__all__)


def test_one_entry_point_per_job() -> None:
    from clearance.anonymize.run import anonymize_table
    from clearance.audit.auditor import audit_dataset
    from clearance.audit.run import audit_sources
    from clearance.cards.build import build_card_paths
    from clearance.detection.settings import DetectionSettings
    from clearance.fairness.mitigate_run import run_mitigation
    from clearance.fairness.run import run_fairness
    from clearance.llm.audit import run_llm_audit_paths
    from clearance.redact.run import redact_paths
    from clearance.scan.scanner import scan_paths

    assert clearance.DetectionSettings is DetectionSettings
    assert clearance.scan_paths is scan_paths
    assert clearance.anonymize_table is anonymize_table
    assert clearance.audit_sources is audit_sources
    assert clearance.audit_dataset is audit_dataset
    assert clearance.run_fairness is run_fairness
    assert clearance.run_mitigation is run_mitigation
    assert clearance.run_llm_audit_paths is run_llm_audit_paths
    assert clearance.redact_paths is redact_paths
    assert clearance.build_card_paths is build_card_paths


def test_audit_is_the_subpackage_and_audit_dataset_the_function() -> None:
    import clearance.audit.run  # binds the subpackage on the parent

    assert isinstance(clearance.audit, types.ModuleType)
    assert clearance.audit.__name__ == "clearance.audit"
    assert callable(clearance.audit_dataset)
    assert clearance.audit_dataset.__module__ == "clearance.audit.auditor"


def test_unknown_names_raise_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = clearance.no_such_name  # type: ignore[attr-defined]


def test_llm_backends_import_without_the_table_stack() -> None:
    # the LLM backends run where Polars and SQLAlchemy may be absent (a GPU box)
    import subprocess
    import sys

    code = (
        "import sys, clearance.llm.backends;"
        "print(sorted(m for m in ('polars', 'sqlalchemy', 'phonenumbers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
