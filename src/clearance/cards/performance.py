"""Performance recomputed on the evaluation data at build time (``card build --eval-data``).

The numbers come from the fairness job itself (:func:`clearance.fairness.run.run_fairness`: the
same preparation, metrics and bootstraps), run on the evaluation data with the configuration the
fairness report records: label, favourable value, sensitive attributes, prediction or score
columns, minimum group size, seed. What the report cannot carry (derivations of sensitive
attributes, adverse-action reason names) comes from the fairness policy, when given. The
evaluation data file is then evidence in its own right: its SHA-256 is on every number, and
``card check`` says the numbers are stale when the file changes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from clearance._version import __version__
from clearance.cards.models import DataFile, EvidenceRef, Number
from clearance.cards.numbers import performance_numbers
from clearance.errors import InputError, PolicyError
from clearance.fairness.policy import FairnessPolicy, fairness_policy_from_mapping
from clearance.fairness.report import FairnessReport
from clearance.io.files import file_sha256, not_regular


def policy_from_report(report: FairnessReport, given: FairnessPolicy | None) -> FairnessPolicy:
    """The fairness policy to rerun ``report``'s audit with: ``given`` when there is one (the
    policy the audit ran with), else the settings the report records."""
    if given is not None:
        return given
    notes, settings = report.data, report.settings
    if notes.derivations:
        names = ", ".join(sorted(d.name for d in notes.derivations))
        raise PolicyError(
            f"the fairness report derived {names} from other columns; the derivations are in "
            "the fairness policy it ran with: give that policy to recompute on evaluation data"
        )
    mapping = {
        "target": notes.target,
        "favourable": notes.favourable,
        "sensitive": list(notes.sensitive),
        "prediction": notes.prediction_column if notes.predictions_from == "column" else None,
        "score": notes.score_column if notes.scores_from == "column" else None,
        "missing": notes.missing,
        "features": None if notes.features_inferred else notes.features,
        "intersections": settings.intersections,
        "min_group_size": settings.min_group_size,
        "alpha": settings.alpha,
        "correction": settings.correction,
        "bootstrap": settings.bootstrap,
        "seed": settings.seed,
        "reference": dict(settings.reference),
        "thresholds": {
            "demographic_parity_ratio": settings.demographic_parity_ratio_min,
            "equalized_odds_difference": settings.equalized_odds_difference_max,
        },
    }
    return fairness_policy_from_mapping(mapping, "the fairness report's settings")


def recompute(
    report: FairnessReport,
    eval_path: Path,
    *,
    policy: FairnessPolicy | None = None,
    model_path: Path | None = None,
    trust_pickle: bool = False,
    trusted_types: Sequence[str] = (),
) -> tuple[list[Number], EvidenceRef]:
    """The overall and by-group performance of the report's model (or prediction column) on
    ``eval_path``, and the evidence entry for that file."""
    # scikit-learn and the model loaders: only when a card is built with evaluation data
    from clearance.fairness.run import run_fairness

    chosen = policy_from_report(report, policy)
    if report.model is not None and model_path is None and chosen.prediction is None:
        raise PolicyError(
            f"the fairness report measured a model ({report.model.kind}); give the model file "
            "to recompute its performance on the evaluation data"
        )
    if model_path is not None and chosen.prediction is not None:
        chosen = chosen.model_copy(update={"prediction": None, "score": None})
    why = not_regular(eval_path)
    if why is not None:  # a FIFO would be read (and drained) by the hash, then hang the audit
        raise InputError(str(eval_path), f"{why} (expected evaluation data, CSV or Parquet)")
    try:
        sha = file_sha256(eval_path)
    except OSError as exc:
        raise InputError(str(eval_path), f"cannot read ({exc.strerror})") from None
    measured, _ = run_fairness(
        eval_path,
        chosen,
        model_path=model_path,
        trust_pickle=trust_pickle,
        trusted_types=trusted_types,
    )
    data = [DataFile(role="evaluation data", path=str(eval_path), sha256=sha)]
    if measured.model is not None:
        data.append(
            DataFile(role="model", path=measured.model.source, sha256=measured.model.sha256)
        )
    ref = EvidenceRef(
        path=str(eval_path),
        sha256=sha,
        kind="evaluation",
        tool_version=__version__,
        data_source=[str(eval_path)],
        data=data,
        warnings=list(measured.warnings),
    )
    return performance_numbers(measured, sha), ref
