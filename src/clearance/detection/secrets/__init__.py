"""Built-in secret rules, one module per family, assembled explicitly (no import side effects)."""

from __future__ import annotations

from clearance.detection.detector import Detector
from clearance.detection.secrets import (
    ai,
    cloud,
    database,
    generic,
    keys,
    messaging,
    observability,
    payment,
    saas,
    vcs,
)

SECRET_DETECTORS: tuple[Detector, ...] = (
    *cloud.RULES,
    *vcs.RULES,
    *payment.RULES,
    *messaging.RULES,
    *ai.RULES,
    *observability.RULES,
    *keys.RULES,
    *database.RULES,
    *generic.RULES,
    *saas.RULES,
)

__all__ = ["SECRET_DETECTORS"]
