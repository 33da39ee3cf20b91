"""Built-in secret rules, one module per family, assembled explicitly (no import side effects)."""

from __future__ import annotations

from clearance.detection.detector import Detector
from clearance.detection.secrets import cloud

SECRET_DETECTORS: tuple[Detector, ...] = (*cloud.RULES,)

__all__ = ["SECRET_DETECTORS"]
