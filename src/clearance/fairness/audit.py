"""``fairness_audit``: prepared data in, ``FairnessReport`` out.

Group metrics and disparities come from ``metrics`` (exact, vectorized), their confidence
intervals and the group-versus-reference tests from ``stats`` (one family of tests for the
whole audit, corrected together), proxies and adverse-action reasons when the model's features
are at hand. Groups below the minimum size are reported as insufficient, never ranked.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import polars as pl

from clearance._version import __version__
from clearance.errors import PolicyError
from clearance.fairness.curves import GroupCurves, group_curves
from clearance.fairness.loading import LoadedModel
from clearance.fairness.metrics import MISSING, disparities, group_metrics
from clearance.fairness.models import (
    Comparison,
    Disparity,
    FairnessData,
    GroupMetrics,
    Interval,
    Proxy,
    Verdict,
)
from clearance.fairness.notes import PreparationNotes
from clearance.fairness.policy import FairnessPolicy
from clearance.fairness.report import (
    FairnessReport,
    FairnessSettings,
    ModelSummary,
    ReasonSummary,
)
from clearance.fairness.stats import (
    COMPARED_METRICS,
    ComparisonInput,
    GroupCounts,
    bootstrap_indices,
    bootstrap_rates,
    compare_to_reference,
    confusion_counts,
    percentile_interval,
)
from clearance.io.columns import column

INTERSECTION = " & "
#: The stages ``fairness_audit`` reports to its ``progress`` callback, in order.
AUDIT_STAGES = ("metrics", "bootstrap", "proxies", "reasons", "report")
ProgressFn = Callable[[str], None]

#: Group metrics and disparities whose intervals need the rows (scores, or the reference
#: group's rates together with another group's), not just the confusion counts: they come from
#: the row-level bootstrap (``_row_bootstrap``), the others from ``bootstrap_rates``.
ROW_GROUP_METRICS = ("roc_auc", "expected_calibration_error", "calibration_in_the_large")
ROW_DISPARITIES = (
    "average_odds_difference",
    "predictive_parity_difference",
    "auc_gap",
    "calibration_gap",
)
#: Cost control of the row-level bootstrap: at most this many replicates (each one recomputes
#: every group's metrics of an attribute), and none at all above this many rows.
ROW_BOOTSTRAP_MAX_RESAMPLES = 200
ROW_BOOTSTRAP_MAX_ROWS = 200_000
_GROUP = "group"


def group_labels(sensitive: pl.DataFrame, attribute: str) -> np.ndarray:
    """Each row's group for an attribute or an intersection (``"sex & age_group"``)."""
    parts = attribute.split(INTERSECTION)
    if len(parts) == 1:
        return sensitive[attribute].cast(pl.String).to_numpy()
    joined = sensitive.select(
        pl.concat_str([column(p).cast(pl.String) for p in parts], separator=INTERSECTION)
    )
    return joined.to_series().to_numpy()


def _xn(counts: GroupCounts, metric: str) -> tuple[int, int]:
    if metric == "selection_rate":
        return counts.tp + counts.fp, counts.n
    if metric == "true_positive_rate":
        return counts.tp, counts.tp + counts.fn
    return counts.fp, counts.fp + counts.tn  # false_positive_rate


def _statistics(
    data: FairnessData,
    groups: list[GroupMetrics],
    disps: list[Disparity],
    policy: FairnessPolicy,
) -> tuple[list[GroupMetrics], list[Disparity]]:
    """Bootstrap intervals and the corrected tests against each attribute's reference."""
    items: list[ComparisonInput] = []
    group_ci: dict[tuple[str, str], dict[str, object]] = {}
    disp_ci: dict[str, dict[str, object]] = {}
    for d in disps:
        labels = group_labels(data.sensitive, d.attribute)
        counts = confusion_counts(data.y_true, data.y_pred, labels)
        usable = {g: c for g, c in counts.items() if g not in d.insufficient_groups}
        if policy.bootstrap and len(usable) >= 1:
            boot = bootstrap_rates(
                usable,
                reference=d.reference if d.reference in usable else None,
                n_resamples=policy.bootstrap,
                seed=policy.seed,
                # Per-group resampling: fixing each group's positives (group x label strata)
                # makes selection-rate intervals too narrow when labels are random.
                stratify="group",
            )
            for g, per_metric in boot.group.items():
                group_ci[(d.attribute, g)] = dict(per_metric)
            disp_ci[d.attribute] = dict(boot.disparity)
            differences = boot.difference
        else:
            differences = {}
        if d.reference not in usable:
            continue
        for g in sorted(usable):
            if g == d.reference:
                continue
            for metric in COMPARED_METRICS:
                x_g, n_g = _xn(usable[g], metric)
                x_r, n_r = _xn(usable[d.reference], metric)
                items.append(
                    ComparisonInput(
                        metric=metric,
                        attribute=d.attribute,
                        group=g,
                        reference=d.reference,
                        x_g=x_g,
                        n_g=n_g,
                        x_ref=x_r,
                        n_ref=n_r,
                        ci=differences.get(g, {}).get(metric),
                    )
                )
    tested = compare_to_reference(items, method=policy.correction, alpha=policy.alpha)
    by_attribute: dict[str, list[Comparison]] = {}
    for item, comparison in zip(items, tested, strict=True):
        by_attribute.setdefault(item.attribute, []).append(comparison)
    new_groups = [
        g.model_copy(update={"ci": group_ci.get((g.attribute, g.group), {})}) for g in groups
    ]
    new_disps = [
        d.model_copy(
            update={
                "ci": disp_ci.get(d.attribute, {}),
                "comparisons": by_attribute.get(d.attribute, []),
            }
        )
        for d in disps
    ]
    return new_groups, new_disps


def _row_groups(sensitive: pl.DataFrame, attribute: str) -> pl.Series:
    """Each row's group as ``group_metrics`` names it (missing values are ``"(missing)"``)."""
    parts = [column(p).cast(pl.String).fill_null(MISSING) for p in attribute.split(INTERSECTION)]
    return sensitive.select(pl.concat_str(parts, separator=INTERSECTION).alias(_GROUP))[_GROUP]


def _nan(value: float | None) -> float:
    return float("nan") if value is None else value


def _row_bootstrap(
    data: FairnessData,
    groups: list[GroupMetrics],
    disps: list[Disparity],
    policy: FairnessPolicy,
) -> tuple[list[GroupMetrics], list[Disparity], list[str]]:
    """Intervals for ``ROW_GROUP_METRICS`` and ``ROW_DISPARITIES``, added to the count-based
    ones (never replacing them), and the warnings of this step.

    Per attribute (or intersection), rows are resampled within each of its groups (so every
    group keeps its size, and with it whether it is sufficient), and each replicate is audited
    again with ``group_metrics`` (that attribute only, same minimum group size) and
    ``disparities`` (the point estimate's reference group); intervals are percentiles over
    the replicates where a figure is defined. Only figures defined on the data get one, and
    only sufficient groups. ``min(policy.bootstrap, ROW_BOOTSTRAP_MAX_RESAMPLES)`` replicates,
    seeded by ``policy.seed`` plus a stable per-attribute offset (CRC-32 of its name), so
    results do not depend on which other attributes are audited.
    """
    if not policy.bootstrap or not disps:
        return groups, disps, []
    n_rows = len(data.y_true)
    if n_rows > ROW_BOOTSTRAP_MAX_ROWS:
        names = (ROW_GROUP_METRICS if data.scores is not None else ()) + ROW_DISPARITIES
        return (
            groups,
            disps,
            [
                f"confidence intervals of {', '.join(names)} not computed: they need a "
                f"row-level bootstrap, skipped above {ROW_BOOTSTRAP_MAX_ROWS:,} rows "
                f"(the data has {n_rows:,}); the other intervals are unaffected"
            ],
        )
    n_resamples = min(policy.bootstrap, ROW_BOOTSTRAP_MAX_RESAMPLES)
    by_attribute: dict[str, list[GroupMetrics]] = {}
    for g in groups:
        by_attribute.setdefault(g.attribute, []).append(g)
    group_ci: dict[tuple[str, str], dict[str, Interval]] = {}
    disp_ci: dict[str, dict[str, Interval]] = {}
    for d in disps:
        wanted = {
            g.group: [m for m in ROW_GROUP_METRICS if getattr(g, m) is not None]
            for g in by_attribute.get(d.attribute, [])
            if g.sufficient
        }
        wanted = {g: metrics for g, metrics in wanted.items() if metrics}
        wanted_disps = [m for m in ROW_DISPARITIES if d.metrics.get(m) is not None]
        if not wanted and not wanted_disps:
            continue
        labels = _row_groups(data.sensitive, d.attribute)
        strata = labels.to_numpy()
        _, codes = np.unique(strata, return_inverse=True)
        codes = codes.reshape(-1)
        # Replicates keep every group's size, and ``bootstrap_indices`` lays them out the same
        # way each time, so the replicates' group column is gathered once and reused (it is
        # the costly part of building a replicate); checked per replicate, in case it is not.
        layout: np.ndarray | None = None
        frame = labels.to_frame()
        group_reps: dict[tuple[str, str], list[float]] = {
            (g, m): [] for g, metrics in wanted.items() for m in metrics
        }
        disp_reps: dict[str, list[float]] = {m: [] for m in wanted_disps}
        seed = policy.seed + zlib.crc32(d.attribute.encode("utf-8"))
        for block in bootstrap_indices(strata, n_resamples, seed):
            for rows in block:
                if layout is None or not np.array_equal(codes[rows], layout):
                    layout = codes[rows]
                    sensitive = frame[rows]
                replicate = FairnessData(
                    y_true=data.y_true[rows],
                    y_pred=data.y_pred[rows],
                    sensitive=sensitive,
                    scores=None if data.scores is None else data.scores[rows],
                )
                rep_groups = group_metrics(
                    replicate,
                    [_GROUP],
                    intersections=False,
                    min_group_size=policy.min_group_size,
                )
                for rg in rep_groups:
                    for m in wanted.get(rg.group, ()):
                        group_reps[(rg.group, m)].append(_nan(getattr(rg, m)))
                if disp_reps:
                    (rep_disp,) = disparities(rep_groups, {_GROUP: d.reference})
                    for m, values in disp_reps.items():
                        values.append(_nan(rep_disp.metrics.get(m)))
        for (name, m), values in group_reps.items():
            interval = percentile_interval(np.array(values))
            if interval is not None:
                group_ci.setdefault((d.attribute, name), {})[m] = interval
        for m, values in disp_reps.items():
            interval = percentile_interval(np.array(values))
            if interval is not None:
                disp_ci.setdefault(d.attribute, {})[m] = interval

    def merged(old: dict[str, Interval], new: dict[str, Interval]) -> dict[str, Interval]:
        out = dict(old)
        for name, interval in new.items():
            out.setdefault(name, interval)
        return out

    new_groups = [
        g
        if (g.attribute, g.group) not in group_ci
        else g.model_copy(update={"ci": merged(g.ci, group_ci[(g.attribute, g.group)])})
        for g in groups
    ]
    new_disps = [
        d
        if d.attribute not in disp_ci
        else d.model_copy(update={"ci": merged(d.ci, disp_ci[d.attribute])})
        for d in disps
    ]
    return new_groups, new_disps, []


OVERALL = "overall"
"""The attribute name of the all-rows metrics (``FairnessReport.overall``; group ``all``)."""


def _overall(data: FairnessData, policy: FairnessPolicy) -> GroupMetrics | None:
    """The group metrics of every row as one group, with intervals from the same bootstraps as
    the groups' (the model's performance a model card states next to the groups')."""
    n = len(data.y_true)
    if n == 0:
        return None
    whole = FairnessData(
        y_true=data.y_true,
        y_pred=data.y_pred,
        sensitive=pl.DataFrame({OVERALL: ["all"] * n}, schema={OVERALL: pl.String}),
        scores=data.scores,
    )
    groups = group_metrics(whole, [OVERALL], intersections=False, min_group_size=1)
    disps = disparities(groups, {OVERALL: "all"})
    groups, disps = _statistics(whole, groups, disps, policy)
    groups, _, _ = _row_bootstrap(whole, groups, disps, policy)
    return groups[0]


def verdict(disps: list[Disparity], policy: FairnessPolicy) -> Verdict:
    """Fails when a ratio is under the four-fifths line or a gap to the reference is
    significant after correction (or the equalized-odds difference is over its limit)."""
    reasons: list[str] = []
    limit = policy.thresholds.demographic_parity_ratio
    eo_max = policy.thresholds.equalized_odds_difference
    for d in disps:
        ratio = d.metrics.get("demographic_parity_ratio")
        if ratio is not None and ratio < limit:
            reasons.append(
                f"{d.attribute}: demographic parity ratio {ratio:.3f} < {limit} (four-fifths rule)"
            )
        eo = d.metrics.get("equalized_odds_difference")
        if eo_max is not None and eo is not None and eo > eo_max:
            reasons.append(f"{d.attribute}: equalized odds difference {eo:.3f} > {eo_max}")
        for c in d.comparisons:
            if c.significant:
                reasons.append(
                    f"{d.attribute}: {c.metric} of {c.group} differs from {c.reference} by "
                    f"{c.difference:+.3f} (adjusted p = {c.p_value_adjusted:.3g} < "
                    f"{policy.alpha})"
                )
    thresholds = {"demographic_parity_ratio": limit, "alpha": policy.alpha}
    if eo_max is not None:
        thresholds["equalized_odds_difference"] = eo_max
    return Verdict(passed=not reasons, reasons=reasons, thresholds=thresholds)


def _curves(data: FairnessData, attributes: Sequence[str]) -> list[GroupCurves]:
    if data.scores is None:
        return []
    out: list[GroupCurves] = []
    for attribute in attributes:
        labels = group_labels(data.sensitive, attribute)
        out += group_curves(attribute, labels, data.y_true, data.scores)
    return out


def _proxies(data: FairnessData, notes: PreparationNotes, policy: FairnessPolicy) -> list[Proxy]:
    if data.features is None or not policy.proxies.enabled:
        return []
    from clearance.fairness.proxies import find_proxies

    # A feature that is the source of a derived attribute (personal_status_sex for sex) is
    # that attribute, not a proxy of it.
    exclude = {d.name: [d.source] for d in notes.derivations}
    return find_proxies(
        data.features,
        data.sensitive,
        exclude=exclude,
        mi_threshold=policy.proxies.mi_threshold,
        auc_threshold=policy.proxies.auc_threshold,
        seed=policy.seed,
    )


def _reasons(
    data: FairnessData, model: LoadedModel | None, policy: FairnessPolicy
) -> tuple[list[ReasonSummary], pl.DataFrame | None]:
    if model is None or model.estimator is None or data.features is None:
        return [], None
    from clearance.fairness.reasons import adverse_action_reasons, summarise_reasons

    denied = np.asarray(data.y_pred) == 0
    if not denied.any():
        return [], None
    # The LoadedModel, not its bare estimator: it knows which class is favourable (German
    # credit codes good = 1, bad = 2, so the favourable class is classes_[0]).
    table = adverse_action_reasons(
        model,
        data.features,
        denied,
        reason_texts=policy.reasons or None,
        seed=policy.seed,
    )
    summaries: list[ReasonSummary] = []
    for attribute in data.sensitive.columns:
        for row in summarise_reasons(table, data.sensitive[attribute], denied=denied):
            summaries.append(
                ReasonSummary(
                    attribute=attribute,
                    group=str(row["group"]),
                    denied=int(row["denied"]),
                    top_reasons=[(str(r), int(n)) for r, n in row["top1"]],
                )
            )
    return summaries, table


_MAX_NAMES_SHOWN = 20


def _names(values: Sequence[str]) -> str:
    """Names taken from data, for a one-line message: quoted and escaped (a control character
    or terminal escape shows as ``\\x1b``, never acts), at most ``_MAX_NAMES_SHOWN``."""
    shown = ", ".join(repr(str(v)) for v in values[:_MAX_NAMES_SHOWN])
    more = len(values) - _MAX_NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


def _check_reference(groups: list[GroupMetrics], reference: Mapping[str, str]) -> None:
    """``--reference ATTRIBUTE=GROUP`` (or ``reference:``) must name an audited attribute and
    one of its groups: a PolicyError listing what exists, never a traceback or a silent skip."""
    by_attribute: dict[str, list[str]] = {}
    for g in groups:
        by_attribute.setdefault(g.attribute, []).append(g.group)
    for attribute, given in reference.items():
        if attribute not in by_attribute:
            raise PolicyError(
                f"reference: {attribute!r} is not an audited attribute; "
                f"audited: {_names(list(by_attribute))}"
            )
        names = sorted(by_attribute[attribute])
        if given not in names:
            raise PolicyError(
                f"reference: no group {given!r} in {attribute!r}; its groups: {_names(names)}"
            )


def fairness_audit(
    data: FairnessData,
    notes: PreparationNotes,
    policy: FairnessPolicy,
    *,
    model: LoadedModel | None = None,
    model_source: str | None = None,
    progress: ProgressFn | None = None,
) -> tuple[FairnessReport, pl.DataFrame | None]:
    """The report, and the adverse-action reasons table (one row per denied applicant and
    reason) when the model is available. ``progress`` is called with each stage's name as it
    starts (``AUDIT_STAGES``, in order)."""
    say = progress or (lambda _stage: None)
    attributes = list(data.sensitive.columns)
    say("metrics")
    groups = group_metrics(
        data,
        attributes,
        intersections=policy.intersections and len(attributes) > 1,
        min_group_size=policy.min_group_size,
    )
    _check_reference(groups, policy.reference)
    disps = disparities(groups, policy.reference or None)
    say("bootstrap")
    groups, disps = _statistics(data, groups, disps, policy)
    groups, disps, warnings = _row_bootstrap(data, groups, disps, policy)
    for d in disps:
        if d.insufficient_groups:
            warnings.append(
                f"{d.attribute}: {len(d.insufficient_groups)} group(s) below "
                f"{policy.min_group_size} records reported as insufficient data"
            )
    overall = _overall(data, policy)
    say("proxies")
    proxies = _proxies(data, notes, policy)
    say("reasons")
    reasons, table = _reasons(data, model, policy)
    if model is not None and model.estimator is None:
        warnings.append(
            f"adverse-action reasons not computed: they need a scikit-learn model (.skops or a "
            f"trusted pickle); the {model.kind} model gives decisions only"
        )
    say("report")
    report = FairnessReport(
        version=__version__,
        data=notes,
        model=None
        if model is None
        else ModelSummary(
            source=model_source or "model", kind=model.kind, warnings=list(model.warnings)
        ),
        settings=FairnessSettings(
            min_group_size=policy.min_group_size,
            alpha=policy.alpha,
            correction=policy.correction,
            bootstrap=policy.bootstrap,
            seed=policy.seed,
            intersections=policy.intersections,
            demographic_parity_ratio_min=policy.thresholds.demographic_parity_ratio,
            equalized_odds_difference_max=policy.thresholds.equalized_odds_difference,
            reference=dict(policy.reference),
        ),
        overall=overall,
        by_group=groups,
        disparities=disps,
        proxies=proxies,
        reasons=reasons,
        curves=_curves(data, [d.attribute for d in disps]),
        verdict=verdict(disps, policy),
        warnings=warnings,
    )
    return report, table
