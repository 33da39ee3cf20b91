"""What every job's report says about the run besides its findings: the inputs it skipped."""

from __future__ import annotations

from clearance.core.model import FrozenModel


class SkippedInput(FrozenModel):
    path: str
    reason: str
