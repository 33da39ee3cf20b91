"""``run_fairness``: what ``clearance fairness`` does as one library call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from clearance.errors import PolicyError
from clearance.fairness.audit import AUDIT_STAGES, ProgressFn, fairness_audit
from clearance.fairness.data import prepare, read_table
from clearance.fairness.loading import load_model
from clearance.fairness.policy import FairnessPolicy
from clearance.fairness.report import FairnessReport
from clearance.io.files import file_sha256

#: What ``run_fairness`` reports to ``progress``, in order.
STAGES = ("loading", *AUDIT_STAGES)


def run_fairness(
    data_path: Path,
    policy: FairnessPolicy,
    *,
    model_path: Path | None = None,
    trust_pickle: bool = False,
    trusted_types: Sequence[str] = (),
    progress: ProgressFn | None = None,
) -> tuple[FairnessReport, pl.DataFrame | None]:
    """Reads the evaluation data, loads the model (if any), prepares and audits.
    ``progress`` is called with each stage's name as it starts (``STAGES``, in order)."""
    if not policy.target:
        raise PolicyError("the label column (`target`) is required")
    if not policy.sensitive:
        raise PolicyError("at least one sensitive attribute (`sensitive`) is required")
    if (model_path is None) == (policy.prediction is None):
        raise PolicyError("give exactly one of a model file or a prediction column (`prediction`)")
    if progress is not None:
        progress("loading")
    frame = read_table(data_path)
    model = None
    if model_path is not None:
        model = load_model(
            model_path,
            trust_pickle=trust_pickle,
            trusted_types=trusted_types,
            favourable=policy.favourable,
            features=policy.features,
        )
    data, notes = prepare(
        frame,
        target=policy.target,
        favourable=policy.favourable,
        prediction=policy.prediction,
        score=policy.score,
        sensitive=policy.sensitive,
        derive=policy.derive,
        missing=policy.missing,
        model=model,
        features=policy.features,
        source=str(data_path),
    )
    report, reasons = fairness_audit(
        data,
        notes.model_copy(update={"sha256": _sha256(data_path)}),
        policy,
        model=model,
        model_source=str(model_path) if model_path else None,
        progress=progress,
    )
    if report.model is not None and model_path is not None:
        model_sha = _sha256(model_path)
        report = report.model_copy(
            update={"model": report.model.model_copy(update={"sha256": model_sha})}
        )
    return report, reasons


def _sha256(path: Path) -> str | None:
    """The file's SHA-256 (the fingerprint a model card keeps of the data behind a number);
    None for what is not a regular file (a named pipe was read once already)."""
    try:
        return file_sha256(path) if path.is_file() else None
    except OSError:
        return None
