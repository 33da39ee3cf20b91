"""clearance: clears data, models and LLMs for training and deployment.

The public API: detect sensitive values in text (:class:`Engine`), scan files and folders into a
:class:`ScanReport` (:func:`scan_paths`), render it (:func:`render`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from clearance.detection import Detector, Engine, Match, Registry, Severity, default_registry
from clearance.errors import BackendUnavailableError, ClearanceError, InputError, PolicyError
from clearance.privacy import Fingerprinter, load_key, mask
from clearance.reports import Finding, ScanReport, render
from clearance.scan import ScanOptions, scan_paths

__all__ = [
    "BackendUnavailableError",
    "ClearanceError",
    "Detector",
    "Engine",
    "Finding",
    "Fingerprinter",
    "InputError",
    "Match",
    "PolicyError",
    "Registry",
    "ScanOptions",
    "ScanReport",
    "Severity",
    "__version__",
    "default_registry",
    "load_key",
    "mask",
    "render",
    "scan_paths",
]
