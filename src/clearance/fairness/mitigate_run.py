"""``run_mitigation``: what ``clearance fairness mitigate`` does, as one library call.

The data goes through the fairness audit's own preparation (``clearance.fairness.data``: label,
favourable value, derived sensitive attributes, missing values), so the mitigation compares
candidates on the rows and groups the audit would see; rendering and writing the report are the
caller's (the CLI's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from clearance.errors import InputError, PolicyError
from clearance.fairness.data import infer_features, prepare_outcomes, read_table
from clearance.fairness.mitigation import METHODS, Constraint
from clearance.fairness.policy import FairnessPolicy
from clearance.fairness.tradeoff import MitigationResult, mitigate, save_chosen

#: The most resamples a candidate's intervals use (each candidate is bootstrapped on its own).
MAX_RESAMPLES = 500


def stages(*, save_model: bool = False) -> tuple[str, ...]:
    """What ``run_mitigation`` reports to ``progress``, in order."""
    return ("loading", *METHODS, *(("saving",) if save_model else ()))


def run_mitigation(
    data_path: Path,
    policy: FairnessPolicy,
    *,
    constraint: Constraint = "demographic_parity",
    allow_randomized: bool = False,
    seed: int = 0,
    save_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> MitigationResult:
    """Reads and prepares the data, compares the candidates (``mitigate``) and saves the chosen
    model. The policy names the label (``target``), the favourable value, exactly one sensitive
    attribute (derived as the policy says), ``features`` (default: every other column), the
    minimum group size, the ratio the chosen candidate must reach
    (``thresholds.demographic_parity_ratio``) and the resamples (at most ``MAX_RESAMPLES``).
    ``progress`` is called with each stage's name as it starts (``stages()``)."""
    if progress is not None:
        progress("loading")
    if not policy.target:
        raise PolicyError("the label column (`target`) is required")
    if len(policy.sensitive) != 1:
        raise PolicyError("mitigation needs exactly one sensitive attribute (`sensitive`)")
    if constraint not in ("demographic_parity", "equalized_odds"):
        raise PolicyError(
            f"constraint {constraint!r}: allowed: demographic_parity, equalized_odds"
        )
    source = str(data_path)
    outcomes = prepare_outcomes(
        read_table(data_path),
        target=policy.target,
        favourable=policy.favourable,
        sensitive=policy.sensitive,
        derive=policy.derive,
        missing=policy.missing,
        source=source,
    )
    frame = outcomes.frame
    features = policy.features or infer_features(
        frame,
        target=policy.target,
        sensitive=policy.sensitive,
        derive=policy.derive,
        exclude=(policy.prediction, policy.score),
    )
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise InputError(source, f"feature column(s) not found: {', '.join(missing)}")
    try:
        result = mitigate(
            frame.select(features),
            outcomes.y_true,
            outcomes.sensitive.get_column(policy.sensitive[0]),
            constraint=constraint,
            seed=seed,
            allow_randomized=allow_randomized,
            min_ratio=policy.thresholds.demographic_parity_ratio,
            min_group_size=policy.min_group_size,
            n_resamples=min(policy.bootstrap, MAX_RESAMPLES) or 100,
            progress=progress,
        )
    except ValueError as exc:
        raise InputError(source, str(exc).splitlines()[0]) from None
    if save_model is not None:
        if progress is not None:
            progress("saving")
        # In the data's own labels, so `clearance fairness --model` audits it with the same
        # policy (favourable label) as the data.
        save_chosen(result, save_model, classes=[outcomes.unfavourable, outcomes.favourable])
    return result
