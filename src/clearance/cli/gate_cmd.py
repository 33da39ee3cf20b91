"""``clearance gate training|deployment``: pass (exit 0) only when the latest audit of exactly
these files, matched by SHA-256, passed and carries the approvals the policy requires; else
print what is missing and exit 1. For CI/CD and training pipelines."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.audit.policy import load_policy
from clearance.cli._common import StoreOpt, say
from clearance.errors import InputError
from clearance.evidence import open_store
from clearance.evidence.record import hash_files
from clearance.governance.gates import Gate, check_gate
from clearance.io.files import not_regular

EXIT_BLOCKED = 1

gate_app = typer.Typer(
    help="Gates: the latest audit of these files passed and carries the required approvals.",
    no_args_is_help=True,
)

PolicyOpt = Annotated[
    Path,
    typer.Option("--policy", "-p", help="clearance.yaml (approvals.required: roles per gate)."),
]


def _run_gate(gate: Gate, paths: list[Path], policy: Path, store: str | None) -> None:
    for path in paths:
        reason = None if path.is_dir() else not_regular(path)
        if reason is not None:
            raise InputError(str(path), reason)
    if not policy.is_file():
        raise InputError(str(policy), "no policy here: approvals.required says what a gate needs")
    required = load_policy(policy).approvals.required.get(gate, [])
    files = hash_files(paths)
    opened = open_store(store, create=False)
    try:
        verification = opened.verify()
        entries = opened.entries()
    finally:
        opened.close()
    if not verification.intact:
        say(f"gate {gate}: FAIL: the evidence chain does not verify ({verification.broken})")
        raise typer.Exit(EXIT_BLOCKED)
    result = check_gate(entries, gate, files, required)
    if result.passed:
        roles = ", ".join(f"{r} ({i})" for r, i in sorted(result.approvals.items())) or "none"
        say(f"gate {gate}: PASS: run {result.run_id}; approvals: {roles}")
        return
    say(f"gate {gate}: FAIL")
    for line in result.missing:
        say(f"  missing: {line}")
    raise typer.Exit(EXIT_BLOCKED)


@gate_app.command("training")
def training(
    dataset: Annotated[
        list[Path], typer.Option("--dataset", help="A dataset file or folder (repeatable).")
    ],
    policy: PolicyOpt = Path("clearance.yaml"),
    store: StoreOpt = None,
) -> None:
    """Pass only if the latest `clearance audit` of exactly these files passed and is approved
    by every role in approvals.required.training."""
    _run_gate("training", dataset, policy, store)


@gate_app.command("deployment")
def deployment(
    model: Annotated[Path, typer.Option("--model", help="The model file.")],
    policy: PolicyOpt = Path("clearance.yaml"),
    store: StoreOpt = None,
) -> None:
    """Pass only if the latest `clearance fairness` (or `llm audit`) run of this model file
    passed and is approved by every role in approvals.required.deployment."""
    _run_gate("deployment", [model], policy, store)
