"""``clearance evidence list|verify|export``: read, check and hand over the evidence store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import StoreOpt, check_outputs, fail, say, write_atomic
from clearance.errors import ClearanceError, PolicyError
from clearance.evidence import Verification, open_store
from clearance.evidence.audit_trail import verify_entries
from clearance.evidence.bundle import bundle_text, read_bundle
from clearance.evidence.signing import KEY_ENV, configured_public_key
from clearance.reports.escape import terminal_line

EXIT_BROKEN = 1  # a result, like findings: the chain does not verify

evidence_app = typer.Typer(
    help="The evidence store: every run of a command that writes a report.",
    no_args_is_help=True,
)


@evidence_app.command("list")
def list_runs(
    store: StoreOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines: one record each.")] = False,
) -> None:
    """The recorded runs, oldest first."""
    try:
        opened = open_store(store, create=False)
        entries = opened.entries()
        opened.close()
    except ClearanceError as exc:
        raise fail(exc) from None
    for e in entries:
        if as_json:
            typer.echo(json.dumps({"seq": e.seq, "hash": e.hash, **e.record}, sort_keys=True))
        else:
            r = e.record
            typer.echo(
                terminal_line(
                    f"{e.seq:>5}  {r.get('run_id')}  {r.get('created_at')}  "
                    f"{r.get('command')}  {r.get('verdict')}  {r.get('user')}"
                )
            )


def _report(result: Verification, where: str) -> None:
    if result.broken is not None:
        typer.echo(f"evidence: chain broken at {terminal_line(str(result.broken))}", err=True)
        raise typer.Exit(EXIT_BROKEN)
    say(f"evidence: {result.count} record(s) intact in {where}; head {result.head}")


@evidence_app.command("verify")
def verify(
    store: StoreOpt = None,
    bundle: Annotated[
        Path | None, typer.Option("--bundle", help="Verify an exported bundle instead.")
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option(
            "--public-key",
            help=f"Hex Ed25519 public key the checkpoint must carry (default: {KEY_ENV}'s).",
        ),
    ] = None,
) -> None:
    """Recompute the hash chain and check every signed checkpoint (signed by the key of
    CLEARANCE_EVIDENCE_KEY, private or public PEM, when set); exit 1 naming the first record
    that was altered, deleted or reordered, or the checkpoint whose signature does not verify."""
    try:
        if bundle is not None and store is not None:
            raise PolicyError("give --store or --bundle, not both")
        if public_key is not None:
            public_key = _hex_key(public_key)
        else:
            public_key = configured_public_key()
        if bundle is not None:
            entries, checkpoint = read_bundle(bundle)
            result = verify_entries(entries, checkpoint, public_key=public_key)
            where = str(bundle)
        else:
            opened = open_store(store, create=False)
            result = opened.verify(public_key=public_key)
            where = opened.shown
            opened.close()
    except ClearanceError as exc:
        raise fail(exc) from None
    _report(result, where)


def _hex_key(value: str) -> str:
    text = value.strip().lower()
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise PolicyError("--public-key: expected 64 hex digits (a raw Ed25519 public key)")
    return text


@evidence_app.command("export")
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="The bundle (JSON lines).")],
    store: StoreOpt = None,
) -> None:
    """Write every record and the latest checkpoint to a bundle an auditor verifies with
    `clearance evidence verify --bundle FILE`."""
    try:
        check_outputs([output])
        opened = open_store(store, create=False)
        entries = opened.entries()
        checkpoint = opened.checkpoint()
        opened.close()
        write_atomic(output, bundle_text(entries, checkpoint))
    except ClearanceError as exc:
        raise fail(exc) from None
    say(f"wrote {len(entries)} record(s) to {output}")
