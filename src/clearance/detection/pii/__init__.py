"""Built-in PII detectors, one module per family, assembled explicitly."""

from __future__ import annotations

from clearance.detection.detector import Detector
from clearance.detection.pii import (
    addresses,
    contact,
    datetime,
    financial,
    government,
    names,
    network,
    places,
)

PII_DETECTORS: tuple[Detector, ...] = (
    *contact.DETECTORS,
    *datetime.DETECTORS,
    *financial.DETECTORS,
    *government.DETECTORS,
    *names.DETECTORS,
    *network.DETECTORS,
    *addresses.DETECTORS,
    *places.DETECTORS,
)

__all__ = ["PII_DETECTORS"]
