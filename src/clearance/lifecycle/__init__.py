"""``clearance retention apply`` and ``clearance erase``: records removed from the data for good."""

from clearance.lifecycle.erase import erase_subject, erase_subjects, withdrawn_subjects
from clearance.lifecycle.records import ErasureRecord, RetentionRun
from clearance.lifecycle.retention import apply_retention

__all__ = [
    "ErasureRecord",
    "RetentionRun",
    "apply_retention",
    "erase_subject",
    "erase_subjects",
    "withdrawn_subjects",
]
