"""The detection engine: one registry of PII and secret detectors, run in Polars batches."""

from clearance.detection.detector import Detector
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.detection.registry import Registry, default_registry

__all__ = ["Detector", "Engine", "Match", "Registry", "default_registry"]
