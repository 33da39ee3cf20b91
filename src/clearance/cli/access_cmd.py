"""``clearance access check|export``: tag-based access decisions from the policy's ``access``
rules (:mod:`clearance.governance.access`), recorded in the evidence store; and the same rules
as Apache Ranger tag policies (:mod:`clearance.governance.ranger`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from clearance.audit.policy import load_policy
from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    is_stdout,
    record_run,
    say,
    write_atomic,
)
from clearance.errors import InputError, PolicyError
from clearance.evidence import open_store
from clearance.evidence.chain import Entry
from clearance.evidence.record import current_user, hash_files
from clearance.governance.access import check_access
from clearance.governance.ranger import DEFAULT_ACCESSES, DEFAULT_SERVICE, ranger_policies
from clearance.io.files import not_regular
from clearance.reports.escape import terminal_line

EXIT_DENIED = 1
DEFAULT_POLICY = Path("clearance.yaml")

access_app = typer.Typer(
    help="Tag-based access decisions: check one, or export the rules to Apache Ranger.",
    no_args_is_help=True,
)

PolicyOpt = Annotated[
    Path, typer.Option("--policy", "-p", help="clearance.yaml (its access: users and rules).")
]


@access_app.command("check")
def check(
    dataset: Annotated[Path, typer.Option("--dataset", help="The dataset file or folder.")],
    purpose: Annotated[str, typer.Option("--purpose", help="What it is for: training...")],
    user: Annotated[
        str | None,
        typer.Option("--user", help="Who asks (default: CLEARANCE_USER, else the OS user)."),
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="Act in this role only (default: all held).")
    ] = None,
    policy: PolicyOpt = DEFAULT_POLICY,
    as_json: Annotated[bool, typer.Option("--json", help="The decision as JSON on stdout.")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No run id line.")] = False,
) -> None:
    """Allow (exit 0) or deny (exit 1) USER the DATASET for PURPOSE, naming the rule that
    decided; the decision is recorded in the evidence store."""
    who = (user if user is not None else current_user()).strip()
    if not who:
        raise PolicyError("--user: give a user name")
    if not purpose.strip():
        raise PolicyError("--purpose: give a purpose (training, analytics...)")
    reason = None if dataset.is_dir() else not_regular(dataset)
    if reason is not None:
        raise InputError(str(dataset), reason)
    loaded = load_policy(policy) if policy.is_file() else None
    if loaded is None:
        raise InputError(str(policy), "no policy here: access.rules says who may use what")
    files = hash_files([dataset])
    opened = evidence_store(store, no_evidence)
    entries: list[Entry] = []
    intact = True
    reader = opened
    if reader is None:
        try:
            reader = open_store(store, create=False)
        except InputError:
            reader = None  # no store yet: nothing is audited
    if reader is not None:
        verification = reader.verify()
        intact = verification.intact
        entries = reader.entries() if intact else []
        if reader is not opened:
            reader.close()
    decision = check_access(
        loaded.access,
        loaded.approvals,
        entries,
        user=who,
        role=role,
        purpose=purpose.strip(),
        dataset=dataset,
        files=files,
        chain_intact=intact,
    )
    if as_json:
        # ASCII JSON: a tag from a file (bidirectional overrides...) reaches no terminal raw
        typer.echo(json.dumps(decision.model_dump(mode="json")))
    else:
        typer.echo(
            terminal_line(f"{decision.decision}: rule {decision.rule}: {decision.reason}")
        )
    record_run(
        opened,
        "access check",
        report=None,
        summary=decision.model_dump(mode="json"),
        verdict=decision.decision,
        inputs=[dataset],
        policy=policy,
        quiet=quiet,
    )
    if decision.decision == "deny":
        raise typer.Exit(EXIT_DENIED)


@access_app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The JSON file (- : stdout).")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="ranger")] = "ranger",
    policy: PolicyOpt = DEFAULT_POLICY,
    service: Annotated[
        str, typer.Option("--service", help="The Ranger tag service's name.")
    ] = DEFAULT_SERVICE,
    accesses: Annotated[
        list[str] | None,
        typer.Option(
            "--access",
            help="Ranger access type granted or denied (repeatable; default hdfs:read, "
            "hive:select).",
        ),
    ] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Only the rules that apply to this purpose.")
    ] = None,
) -> None:
    """Write the policy's access rules as Apache Ranger tag-based policies (JSON)."""
    if fmt != "ranger":
        raise PolicyError(f"--format {fmt!r}: allowed: ranger")
    if not policy.is_file():
        raise InputError(str(policy), "no policy here: access.rules says who may use what")
    check_outputs([output], [policy])
    loaded = load_policy(policy)
    doc, skipped = ranger_policies(
        loaded.access,
        service=service,
        accesses=tuple(accesses or DEFAULT_ACCESSES),
        purpose=purpose,
    )
    write_atomic(output, json.dumps(doc, indent=2, sort_keys=True) + "\n")
    for rule in skipped:
        say(f"warning: rule {rule}: tags * (any dataset) has no Ranger tag; not exported")
    if not is_stdout(output):
        say(f"wrote {len(doc['policies'])} Ranger tag policies to {output}")
