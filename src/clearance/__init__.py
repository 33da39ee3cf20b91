"""clearance: clears data, models and LLMs for training and deployment.

The public API: detect sensitive values in text (:class:`Engine`), scan files and folders into a
:class:`ScanReport` (:func:`scan_paths`), render it (:func:`render`); audit tables against a
policy into an :class:`AuditReport` (:func:`audit_sources`, :func:`audit`, :func:`load_policy`)
and render that with the same :func:`render`.
"""

from __future__ import annotations

import sys
import types
from importlib import import_module
from typing import TYPE_CHECKING, Any

from clearance._version import __version__

if TYPE_CHECKING:
    from clearance.audit.auditor import audit
    from clearance.audit.policy import Policy, load_policy
    from clearance.audit.report import AuditReport
    from clearance.audit.run import audit_sources
    from clearance.audit.sources import Table
    from clearance.core.findings import Finding
    from clearance.core.severity import Severity
    from clearance.detection import Detector, Engine, Match, Registry, default_registry
    from clearance.errors import (
        BackendUnavailableError,
        ClearanceError,
        InputError,
        PolicyError,
        SourceUnavailableError,
    )
    from clearance.privacy import Fingerprinter, load_key, mask
    from clearance.reports import render
    from clearance.scan import ScanOptions, scan_paths
    from clearance.scan.report import ScanReport

# The public names load on first use (PEP 562): ``import clearance.llm.backends`` or the CLI's
# ``--help`` should not pay for Polars, SQLAlchemy and the detector registry.
_EXPORTS: dict[str, str] = {
    "AuditReport": "clearance.audit.report",
    "BackendUnavailableError": "clearance.errors",
    "ClearanceError": "clearance.errors",
    "Detector": "clearance.detection",
    "Engine": "clearance.detection",
    "Finding": "clearance.core.findings",
    "Fingerprinter": "clearance.privacy",
    "InputError": "clearance.errors",
    "Match": "clearance.detection",
    "Policy": "clearance.audit.policy",
    "PolicyError": "clearance.errors",
    "Registry": "clearance.detection",
    "ScanOptions": "clearance.scan",
    "ScanReport": "clearance.scan.report",
    "Severity": "clearance.core.severity",
    "SourceUnavailableError": "clearance.errors",
    "Table": "clearance.audit.sources",
    "audit": "clearance.audit.auditor",
    "audit_sources": "clearance.audit.run",
    "default_registry": "clearance.detection",
    "load_key": "clearance.privacy",
    "load_policy": "clearance.audit.policy",
    "mask": "clearance.privacy",
    "render": "clearance.reports",
    "scan_paths": "clearance.scan",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clearance' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # the public names and the subpackages bound so far, not this module's own helpers
    bound = {n for n, v in globals().items() if isinstance(v, types.ModuleType)} - {"sys", "types"}
    return sorted(set(__all__) | {n for n in globals() if n.startswith("__")} | bound)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        # Importing the ``clearance.audit`` subpackage binds it here under the name of the
        # public ``audit`` function; the function keeps the name, as the eager imports gave it.
        if name == "audit" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
    "scan_paths",
]
