"""``clearance init`` and ``clearance audit``: the dataset compliance audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml

from clearance.audit.databases import mask_uri
from clearance.audit.policy import STARTER, policy_from_mapping
from clearance.audit.report import AuditReport
from clearance.audit.run import audit_sources, load_sources
from clearance.audit.starter import starter_for
from clearance.cli._common import (
    CalibrationOpt,
    NoEvidenceOpt,
    StoreOpt,
    calibration_option,
    check_outputs,
    detection_settings,
    err,
    evidence_store,
    fail,
    record_run,
    say,
    write_atomic,
    write_outputs,
)
from clearance.cli.engine_opts import EngineOpt, MasterOpt, SparkConfOpt, spark_settings
from clearance.engines.spark import spark_audit_paths
from clearance.engines.spark.session import SparkSettings
from clearance.errors import ClearanceError, PolicyError
from clearance.privacy import Fingerprinter, load_key
from clearance.reports.audit_terminal import render_audit_notices
from clearance.reports.registry import format_for_path, render

EXIT_GATE = 1
EXIT_INPUT = 3


def init(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Your tables (as audit takes them): the policy is written for them."),
    ] = None,
    db: Annotated[
        list[str] | None, typer.Option("--db", help="Database URI, as audit takes it.")
    ] = None,
    table: Annotated[
        list[str] | None, typer.Option("--table", help="Only these database tables (repeatable).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the policy.")] = Path(
        "clearance.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter policy (clearance.yaml): for your own tables when given DATA
    or --db (subject key, timestamps and quasi-identifiers as the audit detects them), else the
    demo's."""
    try:
        if (out.exists() or out.is_symlink()) and not force:
            raise PolicyError(f"{out}: already exists; use --force to overwrite")
        check_outputs([out], list(paths or []))
        text = STARTER
        data = [str(p) for p in paths or []] + [f"--db {mask_uri(u)}" for u in db or []]
        if data:
            found, skipped = load_sources(  # large Parquet and CSV read lazily, as audit does
                list(paths or []), list(db or []), list(table or []) or None, streaming=None
            )
            text, guesses = starter_for(found)
            policy_from_mapping(yaml.safe_load(text), str(out))  # what we write must load
            for origin, reason in skipped:
                say(f"skipped input {origin}: {reason}")
            for line in guesses.summary(len(found)):
                say(f"guessed: {line}")
        write_atomic(out, text)
    except ClearanceError as exc:
        raise fail(exc) from None
    target = " ".join(data) if data else "DATA"
    say(f"wrote {out}; edit it, then run: clearance audit {target} --policy {out}")


def write_reports(report: AuditReport, outputs: list[Path]) -> None:
    write_outputs([(path, render(report, format_for_path(path, "audit"))) for path in outputs])


def audit(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Table files and folders (CSV, TSV, JSON(L), Parquet)."),
    ] = None,
    db: Annotated[
        list[str] | None,
        typer.Option("--db", help="Database URI: postgresql://user@host/db or sqlite:///file.db."),
    ] = None,
    table: Annotated[
        list[str] | None,
        typer.Option(
            "--table",
            help="Only these database tables (repeatable); with --engine spark: a table of the "
            "Spark catalog (db.reviews).",
        ),
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", "-p", help="Policy file (see clearance init).")
    ] = None,
    output: Annotated[
        list[Path] | None,
        typer.Option("-o", "--output", help="Report file: .html, .json or .md (repeatable)."),
    ] = None,
    sample: Annotated[
        int | None, typer.Option("--sample", min=1, help="Engine scan on the first N rows only.")
    ] = None,
    calibration: CalibrationOpt = None,
    streaming: Annotated[
        bool | None,
        typer.Option(
            "--streaming/--in-memory",
            help="Read Parquet and CSV lazily and audit in bounded memory, or load every table "
            "whole (default: stream Parquet from 128 MiB, CSV from 1 GiB). Same report.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
    engine_name: EngineOpt = "local",
    master: MasterOpt = None,
    spark_conf: SparkConfOpt = None,
) -> None:
    """Audit a dataset against a policy: identifiers, secrets, special categories,
    re-identification risk, retention, consent, minimisation, linkage."""
    try:
        outputs = list(output or [])
        for path in outputs:
            format_for_path(path, "audit")
        check_outputs(outputs, [*(paths or []), policy])
        spark = _spark_options(engine_name, master, spark_conf, db, sample, streaming)
        if not paths and not db and not (spark and table):
            raise typer.BadParameter("give table files/folders, --db URI, or both")
        fingerprinter = Fingerprinter(load_key())  # a key problem (exit 4) before the store's
        evidence = evidence_store(store, no_evidence, outputs)
        with err.status("auditing", spinner="dots") if not quiet else _Null() as status:

            def on_check(rule: str) -> None:
                if status is not None:
                    status.update(f"auditing: {rule}")

            if spark is not None:
                report = spark_audit_paths(
                    list(paths or []),
                    policy_path=policy,
                    fingerprinter=fingerprinter,
                    spark=spark,
                    detection=detection_settings(calibration=calibration),
                    tables=list(table or []),
                    progress=on_check,
                )
            else:
                report = audit_sources(
                    list(paths or []),
                    databases=list(db or []),
                    tables=list(table or []) or None,
                    policy_path=policy,
                    fingerprinter=fingerprinter,
                    sample=sample,
                    progress=on_check,
                    calibration=calibration_option(calibration),
                    streaming=streaming,
                )
        write_reports(report, outputs)
        record_run(
            evidence,
            "audit",
            report=report,
            # an input not read never looks audited (the exit code is 3 then too)
            verdict="incomplete"
            if report.skipped and report.summary.gate == "pass"
            else report.summary.gate,
            inputs=list(paths or []),
            outputs=outputs,
            policy=policy,
            quiet=quiet,
        )
        if not quiet:
            typer.echo(render(report, "terminal"), err=True, nl=False)
            for path in outputs:
                typer.echo(f"report written to {path}", err=True)
        else:  # skipped inputs and warnings are never silent: they change what "clean" means
            typer.echo(render_audit_notices(report), err=True, nl=False)
        if report.summary.gate == "fail":
            raise typer.Exit(EXIT_GATE)
        if report.skipped:
            raise typer.Exit(EXIT_INPUT)
    except ClearanceError as exc:
        raise fail(exc) from None


def _spark_options(
    engine: str,
    master: str | None,
    conf: list[str] | None,
    db: list[str] | None,
    sample: int | None,
    streaming: bool | None,
) -> SparkSettings | None:
    """The Spark settings of ``--engine spark``, refusing what only the local engine does."""
    spark = spark_settings(engine, master, conf)
    if spark is not None:
        for given, option in ((db, "--db"), (sample, "--sample"), (streaming, "--streaming")):
            if given:  # --in-memory (False) chooses how the local engine reads, too
                raise PolicyError(f"{option} is not supported with --engine spark")
        if streaming is not None:
            raise PolicyError("--in-memory is not supported with --engine spark")
    return spark


class _Null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
