"""``clearance dp``: differentially private aggregates (OpenDP) under a per-dataset privacy budget."""

from clearance.dp.report import DpReport
from clearance.dp.run import dp_release

__all__ = ["DpReport", "dp_release"]
