"""``clearance fairness``: audit a credit model for unfair treatment of protected groups, and
``clearance fairness mitigate``: train and compare candidate fixes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from clearance.cli._common import (
    TRUST_FLAGS,
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
    write_outputs,
)
from clearance.errors import (
    BackendUnavailableError,
    ClearanceError,
    PolicyError,
    UntrustedModelError,
)
from clearance.reports.registry import format_for_path, render

if TYPE_CHECKING:
    from clearance.fairness.policy import FairnessPolicy

EXIT_VERDICT = 1

fairness_app = typer.Typer(
    help="Fairness audit of a credit-scoring model (and `mitigate`).",
    invoke_without_command=True,
    no_args_is_help=False,
)


def _pairs(values: list[str] | None, flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or []:
        key, sep, group = value.partition("=")
        if not sep or not key or not group:
            raise PolicyError(f"{flag} {value!r}: expected ATTRIBUTE=GROUP")
        out[key] = group
    return out


def _policy(policy_path: Path | None, overrides: dict[str, Any]) -> FairnessPolicy:
    from clearance.fairness.policy import fairness_policy_from_mapping, load_fairness_policy

    base = load_fairness_policy(policy_path)
    merged = base.model_dump(exclude_unset=False)
    for key, value in overrides.items():
        if value is None or value == [] or value == {}:
            continue
        merged[key] = value
    return fairness_policy_from_mapping(merged, str(policy_path or "command line"))


_NO_TARGET = "--target: the label column is required (or `target:` in the policy)"


def _require_audit_settings(policy: FairnessPolicy, model: Path | None) -> None:
    """What the audit needs from the flags and the policy, named as the user can give it."""
    if not policy.target:
        raise PolicyError(_NO_TARGET)
    if not policy.sensitive:
        raise PolicyError("--sensitive: name at least one sensitive attribute")
    if (model is None) == (policy.prediction is None):
        raise PolicyError("give exactly one of --model FILE or --prediction COLUMN")


def _fairness_extra() -> None:
    import importlib.util

    for module in ("sklearn", "fairlearn", "skops", "scipy"):
        if importlib.util.find_spec(module) is None:
            raise BackendUnavailableError(module, "pip install 'clearance[fairness]'")


DataOpt = Annotated[Path | None, typer.Option("--data", help="Evaluation data (CSV or Parquet).")]
TargetOpt = Annotated[str | None, typer.Option("--target", help="Label column.")]
SensitiveOpt = Annotated[
    list[str] | None, typer.Option("--sensitive", help="Sensitive attribute (repeatable).")
]
PolicyOpt = Annotated[
    Path | None, typer.Option("--policy", "-p", help="fairness.yaml (derivations, thresholds).")
]
OutOpt = Annotated[
    list[Path] | None, typer.Option("-o", "--output", help="Report: .html, .json or .md.")
]


@fairness_app.callback()
def fairness(
    ctx: typer.Context,
    data: DataOpt = None,
    target: TargetOpt = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Model: .skops, .onnx (.pkl with --trust-model).")
    ] = None,
    prediction: Annotated[
        str | None, typer.Option("--prediction", help="Column with the model's decisions.")
    ] = None,
    score: Annotated[
        str | None, typer.Option("--score", help="Column with the favourable-class score.")
    ] = None,
    sensitive: SensitiveOpt = None,
    policy: PolicyOpt = None,
    reference: Annotated[
        list[str] | None, typer.Option("--reference", help="ATTRIBUTE=GROUP (repeatable).")
    ] = None,
    favourable: Annotated[
        str | None, typer.Option("--favourable", help="Label value meaning approved/good.")
    ] = None,
    min_group_size: Annotated[int | None, typer.Option("--min-group-size", min=1)] = None,
    alpha: Annotated[float | None, typer.Option("--alpha")] = None,
    correction: Annotated[str | None, typer.Option("--correction", help="holm | bh")] = None,
    bootstrap: Annotated[int | None, typer.Option("--bootstrap", min=0)] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    missing: Annotated[
        str | None, typer.Option("--missing", help="Missing sensitive values: group | drop")
    ] = None,
    trust_model: Annotated[
        bool, typer.Option("--trust-model", help="Allow loading a pickle/joblib model.")
    ] = False,
    trust_type: Annotated[
        list[str] | None, typer.Option("--trust-type", help="skops type to trust (repeatable).")
    ] = None,
    output: OutOpt = None,
    reasons_out: Annotated[
        Path | None,
        typer.Option(
            "--reasons-out", help="Adverse-action reasons per denied applicant (.csv/.json)."
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Audit a model's decisions by sensitive attribute: group metrics with bootstrap CIs,
    disparities, corrected significance tests, proxies, adverse-action reasons, a verdict."""
    if ctx.invoked_subcommand is not None:
        return
    try:
        _fairness_extra()
        from clearance.fairness.run import STAGES, run_fairness

        if data is None:
            raise typer.BadParameter("--data is required")
        outputs = list(output or [])
        for path in outputs:
            format_for_path(path, "fairness")
        check_outputs([*outputs, reasons_out], [data, model, policy])
        evidence = evidence_store(
            store, no_evidence, [*outputs, *([reasons_out] if reasons_out else [])]
        )
        chosen = _policy(
            policy,
            {
                "target": target,
                "prediction": prediction,
                "score": score,
                "sensitive": sensitive,
                "reference": _pairs(reference, "--reference"),
                "favourable": favourable,
                "min_group_size": min_group_size,
                "alpha": alpha,
                "correction": correction,
                "bootstrap": bootstrap,
                "seed": seed,
                "missing": missing,
            },
        )
        if model is not None and trust_model:
            typer.echo(
                f"warning: {model}: loading a pickle can run arbitrary code; only do this for "
                "files you produced",
                err=True,
            )
        with progress("fairness", quiet=quiet) as advance:

            def on_stage(stage: str) -> None:
                advance(1, label=stage, total=len(STAGES))

            _require_audit_settings(chosen, model)
            report, reasons = run_fairness(
                data,
                chosen,
                model_path=model,
                trust_pickle=trust_model,
                trusted_types=list(trust_type or []),
                progress=on_stage,
            )
        files = [(path, render(report, format_for_path(path, "fairness"))) for path in outputs]
        if reasons_out is not None:
            if reasons is None:
                typer.echo(
                    "warning: no adverse-action reasons written: they need --model with a "
                    "scikit-learn model and at least one denied applicant",
                    err=True,
                )
            elif reasons_out.suffix.lower() == ".json":
                files.append((reasons_out, json.dumps(reasons.to_dicts(), indent=1) + "\n"))
            else:
                files.append((reasons_out, reasons.write_csv()))
        write_outputs(files)
        record_run(
            evidence,
            "fairness",
            report=report,
            verdict="pass" if report.verdict.passed else "fail",
            inputs=[p for p in (data, model) if p is not None],
            outputs=[path for path, _ in files],
            policy=policy,
            quiet=quiet,
        )
        # Warnings reach the terminal even with -q: a gap in the audit must never read as clean.
        for warning in (report.model.warnings if report.model else []) + report.warnings:
            say(f"warning: {warning}")
        if not quiet:
            v = report.verdict
            typer.echo(f"fairness verdict: {'PASS' if v.passed else 'FAIL'}", err=True)
            for reason in v.reasons:
                say(f"  - {reason}")
            for path in outputs:
                typer.echo(f"report written to {path}", err=True)
        if not report.verdict.passed:
            raise typer.Exit(EXIT_VERDICT)
    except ClearanceError as exc:
        if isinstance(exc, UntrustedModelError):  # the library names its argument, we our flag
            exc = PolicyError(exc.ending(TRUST_FLAGS[exc.option]))
        raise fail(exc) from None


@fairness_app.command("mitigate")
def mitigate_command(
    data: DataOpt = None,
    target: TargetOpt = None,
    sensitive: Annotated[
        str | None, typer.Option("--sensitive", help="The sensitive attribute to mitigate for.")
    ] = None,
    policy: PolicyOpt = None,
    constraint: Annotated[
        str, typer.Option("--constraint", help="demographic_parity | equalized_odds")
    ] = "demographic_parity",
    allow_randomized: Annotated[
        bool,
        typer.Option("--allow-randomized", help="Keep fairlearn's randomized classifiers."),
    ] = False,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    output: OutOpt = None,
    save_model: Annotated[
        Path | None, typer.Option("--save-model", help="Save the chosen model (.skops).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Train and compare fixes (reweighing, exponentiated gradient, threshold optimizer,
    per-group thresholds) on the same split; save the chosen model with skops."""
    try:
        _fairness_extra()
        from clearance.fairness.mitigate_run import run_mitigation, stages

        if data is None:
            raise typer.BadParameter("--data is required")
        chosen = _policy(
            policy, {"target": target, "sensitive": [sensitive] if sensitive else None}
        )
        if constraint not in ("demographic_parity", "equalized_odds"):
            raise PolicyError(
                f"--constraint {constraint!r}: allowed: demographic_parity, equalized_odds"
            )
        check_outputs([*(output or []), save_model], [data, policy])
        if not chosen.target:
            raise PolicyError(_NO_TARGET)
        if len(chosen.sensitive) != 1:
            raise PolicyError("--sensitive: name exactly one attribute to mitigate for")
        total = len(stages(save_model=save_model is not None))
        evidence = evidence_store(
            store, no_evidence, [*(output or []), *([save_model] if save_model else [])]
        )

        with progress("mitigation", quiet=quiet) as advance:

            def on_stage(stage: str) -> None:
                advance(1, label=stage, total=total)

            result = run_mitigation(
                data,
                chosen,
                constraint=constraint,  # type: ignore[arg-type]  # checked above
                allow_randomized=allow_randomized,
                seed=seed,
                save_model=save_model,
                progress=on_stage,
            )
        write_outputs(
            [(path, render(result, format_for_path(path, "mitigation"))) for path in output or []]
        )
        record_run(
            evidence,
            "fairness mitigate",
            report=None,
            summary={
                "chosen": result.chosen,
                "constraint": result.constraint,
                "candidates": len(result.candidates),
                "n_train": result.n_train,
                "n_test": result.n_test,
            },
            # the chosen model's fairness is the next `clearance fairness` run's verdict
            verdict="built",
            inputs=[data],
            outputs=[*(output or []), *([save_model] if save_model else [])],
            policy=policy,
            quiet=quiet,
        )
        if not quiet:
            say(render(result, "markdown"))
    except ClearanceError as exc:
        raise fail(exc) from None
