"""``run_mitigation``: what ``clearance fairness mitigate`` does as one library call (its
trade-off report is rendered by ``clearance.reports``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from clearance.errors import InputError, PolicyError
from clearance.fairness.data import derive_sensitive, read_table
from clearance.fairness.mitigation import (
    MitigationResult,
    mitigate,
    save_chosen,
)
from clearance.fairness.policy import FairnessPolicy


def run_mitigation(
    data_path: Path,
    policy: FairnessPolicy,
    *,
    constraint: str = "demographic_parity",
    allow_randomized: bool = False,
    seed: int = 0,
    save_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> MitigationResult:
    """Reads the data, compares the candidates (``mitigate``) and saves the chosen model.
    ``progress`` is called with each stage's name as it starts: ``loading``, each method of
    ``METHODS``, then ``saving`` when a model is saved."""
    if progress is not None:
        progress("loading")
    if not policy.target:
        raise PolicyError("--target: the label column is required (or `target:` in the policy)")
    if len(policy.sensitive) != 1:
        raise PolicyError("--sensitive: name exactly one attribute to mitigate for")
    frame = read_table(data_path)
    if policy.target not in frame.columns:
        raise InputError(str(data_path), f"no label column {policy.target!r}")
    sensitive, notes = derive_sensitive(frame, policy.sensitive, policy.derive, str(data_path))
    groups = sensitive.to_series()
    if groups.null_count():
        if policy.missing == "drop":
            keep = groups.is_not_null().to_numpy()
            frame, groups = frame.filter(keep), groups.filter(keep)
        else:
            groups = groups.fill_null("(missing)")
    excluded = {policy.target, *policy.sensitive, *(n.source for n in notes)}
    features = policy.features or [c for c in frame.columns if c not in excluded]
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise InputError(str(data_path), f"feature column(s) not found: {', '.join(missing)}")
    values = frame[policy.target].drop_nulls().unique(maintain_order=True).to_list()
    favourable = [v for v in values if str(v) == str(policy.favourable)]
    if len(values) != 2 or not favourable:
        shown = ", ".join(repr(v) for v in values[:5]) + (", ..." if len(values) > 5 else "")
        raise InputError(
            str(data_path),
            f"label {policy.target!r} must have two values, one of them the favourable "
            f"{policy.favourable!r}; it has {shown or 'none'}",
        )
    if frame[policy.target].null_count():
        raise InputError(str(data_path), f"label {policy.target!r} has missing values")
    unfavourable = next(v for v in values if str(v) != str(policy.favourable))
    label = frame[policy.target].cast(pl.String)
    y = np.asarray((label == str(policy.favourable)).to_numpy(), dtype=np.int64)
    try:
        result = mitigate(
            frame.select(features),
            y,
            groups,
            constraint=constraint,  # type: ignore[arg-type]
            seed=seed,
            allow_randomized=allow_randomized,
            min_ratio=policy.thresholds.demographic_parity_ratio,
            n_resamples=min(policy.bootstrap, 500) or 100,
            progress=progress,
        )
    except ValueError as exc:
        raise InputError(str(data_path), str(exc).splitlines()[0]) from None
    if save_model is not None:
        if progress is not None:
            progress("saving")
        # In the data's own labels, so `clearance fairness --model` audits it with the same
        # policy (favourable label) as the data.
        save_chosen(result, save_model, classes=[unfavourable, favourable[0]])
    return result
