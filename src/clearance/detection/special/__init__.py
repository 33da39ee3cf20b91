"""GDPR Art. 9 special-category detectors: health, religion, ethnic origin, sexual orientation,
political opinion, trade union membership, biometric and genetic data.

They report statements about a person, anchored on the first person, a relative or "as a"
("as a diabetic", "at my mosque", "my DNA test"), never a topic word on its own.
"""

from __future__ import annotations

from clearance.detection.detector import Detector
from clearance.detection.special import beliefs, biodata, health, identity

SPECIAL_DETECTORS: tuple[Detector, ...] = (
    *health.DETECTORS,
    *beliefs.DETECTORS,
    *identity.DETECTORS,
    *biodata.DETECTORS,
)

__all__ = ["SPECIAL_DETECTORS"]
