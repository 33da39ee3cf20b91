"""The numbers a card copies from a fairness report: performance (overall, then by group) and
disparities, each carrying the SHA-256 of the file it came from and of the data it measured."""

from __future__ import annotations

from clearance.cards.models import Interval, Number
from clearance.fairness.models import GroupMetrics
from clearance.fairness.models import Interval as FairInterval
from clearance.fairness.report import FairnessReport

# the per-group rates a card shows (the report has more; these are the ones regulators read)
GROUP_METRICS = (
    "selection_rate",
    "true_positive_rate",
    "false_positive_rate",
    "precision",
    "accuracy",
    "roc_auc",
    "expected_calibration_error",
)


def _interval(iv: FairInterval | None) -> Interval | None:
    if iv is None:
        return None
    return Interval(lower_bound=iv.low, upper_bound=iv.high, level=iv.level)


def _group_numbers(
    g: GroupMetrics, slice_: str, where: str, sha: str, data_sha: str | None
) -> list[Number]:
    out = []
    for metric in GROUP_METRICS:
        value = getattr(g, metric)
        if value is None:
            continue
        out.append(
            Number(
                type=metric,
                value=value,
                slice=slice_,
                confidence_interval=_interval(g.ci.get(metric)),
                count=g.count,
                source=f"{where}.{metric}",
                evidence_sha256=sha,
                data_sha256=data_sha,
            )
        )
    return out


def performance_numbers(report: FairnessReport, sha: str) -> list[Number]:
    """Overall (when the report has it), then each group's, with the data's SHA-256."""
    data_sha = report.data.sha256
    out = []
    if report.overall is not None:
        out += _group_numbers(report.overall, "overall", "overall", sha, data_sha)
    for i, g in enumerate(report.by_group):
        out += _group_numbers(g, f"{g.attribute}={g.group}", f"by_group[{i}]", sha, data_sha)
    return out


def fairness_numbers(report: FairnessReport, sha: str) -> tuple[list[Number], list[Number]]:
    """The report's performance numbers (overall first, then by group) and its disparities,
    each with ``sha`` (the file they come from) and the data file's SHA-256 as recorded."""
    data_sha = report.data.sha256
    groups = performance_numbers(report, sha)
    gaps = []
    for i, d in enumerate(report.disparities):
        for metric, value in d.metrics.items():
            if value is None:
                continue
            gaps.append(
                Number(
                    type=metric,
                    value=value,
                    slice=f"{d.attribute} (reference {d.reference})",
                    confidence_interval=_interval(d.ci.get(metric)),
                    source=f"disparities[{i}].metrics.{metric}",
                    evidence_sha256=sha,
                    data_sha256=data_sha,
                )
            )
    return groups, gaps
