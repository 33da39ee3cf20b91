"""clearance: clears data, models and LLMs for training and deployment.

The public API: detect sensitive values in text (:class:`Engine`), scan files and folders into a
:class:`ScanReport` (:func:`scan_paths`), render it (:func:`render`); audit tables against a
policy into an :class:`AuditReport` (:func:`audit_sources`, :func:`audit`, :func:`load_policy`)
and render that (:func:`render_audit`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from clearance.audit.auditor import audit
from clearance.audit.policy import Policy, load_policy
from clearance.audit.run import audit_sources
from clearance.audit.sources import Table
from clearance.detection import Detector, Engine, Match, Registry, Severity, default_registry
from clearance.errors import (
    BackendUnavailableError,
    ClearanceError,
    InputError,
    PolicyError,
    SourceUnavailableError,
)
from clearance.privacy import Fingerprinter, load_key, mask
from clearance.reports import Finding, ScanReport, render
from clearance.reports.audit_renderers import render_audit
from clearance.reports.models import AuditReport
from clearance.scan import ScanOptions, scan_paths

__all__ = [
    "AuditReport",
    "BackendUnavailableError",
    "ClearanceError",
    "Detector",
    "Engine",
    "Finding",
    "Fingerprinter",
    "InputError",
    "Match",
    "Policy",
    "PolicyError",
    "Registry",
    "ScanOptions",
    "ScanReport",
    "Severity",
    "SourceUnavailableError",
    "Table",
    "__version__",
    "audit",
    "audit_sources",
    "default_registry",
    "load_key",
    "load_policy",
    "mask",
    "render",
    "render_audit",
    "scan_paths",
]
