"""The ``clearance`` command: parses arguments, calls the library, picks a renderer.

Exit codes (the README's table; ``tests/cli/test_exit_codes.py`` drives each one):

- 0 success;
- 1 a result, never an error: findings at or above ``--fail-on`` or the policy's gate, a failed
  fairness verdict, a secret extracted by ``llm audit``;
- 2 usage error (unknown option, missing or malformed argument);
- 3 input error (``InputError``): an input unreadable or skipped, an output path refused;
- 4 configuration or policy error (``PolicyError``), including a fingerprint key that cannot be
  created without ``CLEARANCE_KEY``;
- 5 optional backend or model unavailable (``BackendUnavailableError``);
- 6 a database or service unreachable or refusing the credentials (``SourceUnavailableError``);
- 70 internal error: any other exception, caught at the boundary (:class:`Boundary`), one line;
  the traceback with ``clearance --debug`` or ``CLEARANCE_DEBUG=1``;
- 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from clearance._version import __version__
from clearance.cli._common import (
    Boundary,
    CalibrationOpt,
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    detection_settings,
    evidence_store,
    fail,
    is_stdout,
    output_folder,
    progress,
    record_run,
    say,
    write_atomic,
    write_outputs,
)
from clearance.cli.access_cmd import access_app
from clearance.cli.anonymize_cmd import anonymize
from clearance.cli.approve_cmd import approve
from clearance.cli.audit_cmd import audit, init
from clearance.cli.card_cmd import card_app
from clearance.cli.consent_cmd import consent_app
from clearance.cli.datasheet_cmd import datasheet_app
from clearance.cli.dp_cmd import dp
from clearance.cli.engine_opts import EngineOpt, MasterOpt, SparkConfOpt, spark_settings
from clearance.cli.erase_cmd import erase
from clearance.cli.evidence_cmd import evidence_app
from clearance.cli.fairness_cmd import fairness_app
from clearance.cli.gate_cmd import gate_app
from clearance.cli.guard_cmd import guard
from clearance.cli.llm_cmd import llm_app
from clearance.cli.redact_cmd import redact
from clearance.cli.report_cmd import report
from clearance.cli.retention_cmd import retention_app
from clearance.cli.risk_cmd import risk_app
from clearance.cli.serve_cmd import serve, users_app
from clearance.core.severity import Severity
from clearance.detection import fitting
from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.engines.spark import spark_scan_paths
from clearance.errors import ClearanceError, InputError, PolicyError
from clearance.io.files import not_regular
from clearance.privacy import Fingerprinter, load_key
from clearance.reports.registry import formats, render
from clearance.scan.options import ScanOptions
from clearance.scan.scanner import scan_paths

EXIT_FINDINGS = 1
EXIT_INPUT = 3

app = typer.Typer(
    name="clearance",
    help="Clears data, models and LLMs for training and deployment.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Boundary,
)


ThresholdOpt = Annotated[
    float, typer.Option("--threshold", help="Drop matches scoring below this (0-1).")
]
EntitiesOpt = Annotated[
    str | None, typer.Option("--entities", help="Comma-separated entity types to report.")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Processes for large inputs (default: CLEARANCE_WORKERS or every core; 1: none).",
    ),
]
NerOpt = Annotated[
    str | None,
    typer.Option(
        "--ner",
        help="Add a local NER model: spacy:PATH_OR_NAME, hf:PATH or gliner:PATH (no download).",
    ),
]


_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _documents(
    path: Path, text_field: str, id_field: str | None, invalid: list[int]
) -> Iterator[tuple[object, str]]:
    """Documents of a text file (one per line) or JSONL. Invalid UTF-8 is decoded with
    replacement characters; the numbers of the lines that held it are appended to ``invalid``."""
    jsonl = path.suffix.lower() in {".jsonl", ".ndjson"}
    try:
        with path.open(encoding="utf-8", errors="surrogateescape") as fh:
            for number, line in enumerate(fh, start=1):
                line = line.rstrip("\n")
                if _UNDECODABLE.search(line):
                    invalid.append(number)
                    line = line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                if not jsonl:
                    yield number, line
                    continue
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}", f"invalid JSON ({exc.msg})") from None
                if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
                    raise InputError(
                        f"{path}:{number}", f"no string field {text_field!r} (set --text-field)"
                    )
                yield (record.get(id_field, number) if id_field else number), record[text_field]
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None


def _calibration_path(value: str | None) -> Path | None:
    """The file ``--calibration`` names, if any (an input an output must not replace)."""
    return None if value is None or value.lower() == "none" else Path(value)


@app.command()
def detect(
    input: Annotated[Path, typer.Argument(help="Text file (one document per line) or JSONL.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write JSONL here (default: stdout).")
    ] = None,
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    id_field: Annotated[str | None, typer.Option(help="JSONL field holding the id.")] = "id",
    show_values: Annotated[
        bool, typer.Option("--show-values", help="Include raw values (sensitive!).")
    ] = False,
    threshold: ThresholdOpt = 0.0,
    entities: EntitiesOpt = None,
    ner: NerOpt = None,
    workers: WorkersOpt = None,
    calibration: CalibrationOpt = None,
) -> None:
    """Find PII and secrets in documents; one JSON line per document with character offsets."""
    try:
        check_outputs([output], [input, _calibration_path(calibration)])
        output = None if output is not None and is_stdout(output) else output
        reason = not_regular(input)
        if reason is not None:
            raise InputError(str(input), reason)
        engine = detection_settings(
            entities=entities,
            threshold=threshold,
            ner=ner,
            workers=workers,
            calibration=calibration,
        ).engine()
        lines: list[str] = []
        batch: list[tuple[object, str]] = []

        def flush() -> None:
            results = engine.detect_batch([t for _, t in batch])
            for (doc_id, _), ms in zip(batch, results, strict=True):
                lines.append(
                    json.dumps({"id": doc_id, "entities": [m.to_public(show_values) for m in ms]})
                )
            batch.clear()

        invalid: list[int] = []
        for doc in _documents(input, text_field, id_field, invalid):
            batch.append(doc)
            if len(batch) >= 50_000:
                flush()
        flush()
        if invalid:
            say(
                f"warning: {input}: invalid UTF-8 on {len(invalid)} line(s) (first: line "
                f"{invalid[0]}), decoded with replacement characters"
            )
        text = "\n".join(lines) + ("\n" if lines else "")
        if output is None:
            sys.stdout.write(text)
        else:
            write_atomic(output, text)
            say(f"wrote {len(lines)} documents to {output}")
    except ClearanceError as exc:
        raise fail(exc) from None


@app.command()
def scan(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files and folders to scan.", show_default=False)
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json | sarif | markdown | terminal")
    ] = "terminal",
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Report file.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="Exit 1 if findings at or above: low|medium|high|critical."),
    ] = None,
    sample: Annotated[
        int | None,
        typer.Option("--sample", min=1, help="Scan only the first N rows of each table."),
    ] = None,
    threshold: ThresholdOpt = 0.0,
    entities: EntitiesOpt = None,
    ner: NerOpt = None,
    workers: WorkersOpt = None,
    calibration: CalibrationOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    engine_name: EngineOpt = "local",
    master: MasterOpt = None,
    spark_conf: SparkConfOpt = None,
    tables: Annotated[
        list[str] | None,
        typer.Option(
            "--table", help="A table of the Spark catalog (db.reviews; repeatable; --engine spark)."
        ),
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Scan CSV, TSV, JSON, JSONL, Parquet and text/source files for PII and secrets."""
    paths = paths or []
    if not paths and not tables:
        raise typer.BadParameter("give files or folders to scan (or --table with --engine spark)")
    try:
        if fmt not in formats("scan"):
            raise PolicyError(f"--format {fmt!r}: allowed: {', '.join(formats('scan'))}")
        check_outputs([output], [*paths, _calibration_path(calibration)])
        output = None if output is not None and is_stdout(output) else output
        gate = None
        if fail_on:
            try:
                gate = Severity.parse(fail_on)
            except ValueError as exc:
                raise PolicyError(f"--fail-on: {exc}") from None
        spark = spark_settings(engine_name, master, spark_conf)
        if spark is not None and sample is not None:
            raise PolicyError("--sample is not supported with --engine spark")
        if spark is None and tables:
            raise PolicyError("--table reads the Spark catalog: it needs --engine spark")
        detection = detection_settings(
            entities=entities,
            threshold=threshold,
            ner=ner,
            workers=workers,
            calibration=calibration,
        )
        fp = Fingerprinter(load_key())
        evidence = evidence_store(store, no_evidence, [output] if output else [])
        with progress("scanning", unit="rows", quiet=quiet) as advance:

            def on_rows(label: str, n: int) -> None:
                advance(n, label=Path(label).name)

            if spark is not None:
                report = spark_scan_paths(
                    paths,
                    fingerprinter=fp,
                    spark=spark,
                    detection=detection,
                    progress=on_rows,
                    tables=tables or (),
                )
            else:
                report = scan_paths(
                    paths,
                    fingerprinter=fp,
                    engine=detection.engine(),
                    options=ScanOptions(sample=sample),
                    progress=on_rows,
                )
        text = render(report, fmt)
        if output is not None:
            write_atomic(output, text)
            if not quiet:
                say(render(report, "terminal").rstrip("\n"))
                say(f"report written to {output}")
        else:
            sys.stdout.write(text)
            if fmt != "terminal" and not quiet:
                # the report went to stdout: what was not scanned still shows on the terminal
                for skipped in report.skipped:
                    say(f"skipped {skipped.path}: {skipped.reason}")
                for warning in report.warnings:
                    say(f"warning: {warning}")
        failed = gate is not None and report.at_or_above(gate)
        record_run(
            evidence,
            "scan",
            report=report,
            verdict="fail"
            if failed
            else ("incomplete" if report.skipped else "findings" if report.findings else "clean"),
            inputs=list(paths),
            outputs=[output] if output is not None else [],
            quiet=quiet,
        )
        if failed:
            raise typer.Exit(EXIT_FINDINGS)
        if report.skipped:
            raise typer.Exit(EXIT_INPUT)
    except ClearanceError as exc:
        raise fail(exc) from None


@app.command()
def calibrate(
    labelled: Annotated[
        Path,
        typer.Argument(help='JSONL: {"text": ..., "spans": [{"type", "start", "end"}]} per line.'),
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="Score map to write (JSON).")],
    text_field: Annotated[str, typer.Option(help="JSONL field holding the text.")] = "text",
    prior_strength: Annotated[
        float,
        typer.Option(
            min=0.0, help="Pseudo-matches at the hand-set score per level (shrinks thin levels)."
        ),
    ] = 20.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Fit a score map on your own labelled documents (use it with --calibration).

    Every match of a type the labels use is judged (same type, or SECRET for any secret; overlap
    of at least half the labelled span); each detector's score levels are mapped to the
    precision observed there. Nothing of the texts is written, only counts per level."""
    try:
        check_outputs([output], [labelled])
        engine = Engine(calibration=None)
        known = {*engine.registry.entities, fitting.SECRET_TYPE}
        texts, gold = fitting.read_labelled(labelled, text_field, known)
        records = fitting.observations(engine, texts, gold)
        fitted = fitting.fit(
            records,
            source=f"clearance calibrate {labelled.name}",
            documents=len(texts),
            prior_strength=prior_strength,
        )
        write_atomic(output, fitted.to_json())
        if not quiet:
            right = sum(ok for _, _, ok in records)
            say(
                f"{len(texts)} documents, {len(records)} judged matches ({right} right), "
                f"{len(fitted.detectors)} detectors fitted; wrote {output}"
            )
    except ClearanceError as exc:
        raise fail(exc) from None


@app.command()
def rules(
    category: Annotated[str | None, typer.Option(help="pii, secret or special_category")] = None,
) -> None:
    """List the registered detectors."""
    reg = default_registry()
    allowed = sorted({d.category for d in reg})
    if category is not None and category not in allowed:
        raise fail(PolicyError(f"--category {category!r}: allowed: {', '.join(allowed)}"))
    for det in reg:
        if category is None or det.category == category:
            typer.echo(f"{det.id}\t{det.category}\t{det.entity}\t{det.severity.value}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder for the demo data and report.")] = Path(
        "clearance-demo"
    ),
    rows: Annotated[int, typer.Option(min=10, help="Users to generate.")] = 500,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 7,
) -> None:
    """Generate a seeded e-commerce dataset and audit it with the starter policy."""
    from clearance.audit.run import audit_sources
    from clearance.cli.audit_cmd import write_reports
    from clearance.demo.ecommerce import generate, write_policy

    try:
        data_dir = output_folder(out) / "data"
        generate(data_dir, users=rows, seed=seed)
        policy = write_policy(out / "clearance.yaml")
        fp = Fingerprinter(load_key())
        report = audit_sources([data_dir], policy_path=policy, fingerprinter=fp)
        names = ["audit.html", "audit.json", "audit.md"]
        write_reports(report, [out / n for n in names])
        # The config file is not a table: the file scan reports its hard-coded key (SARIF for
        # code-scanning UIs).
        file_scan = scan_paths([data_dir], fingerprinter=fp, engine=Engine())
        write_atomic(out / "scan.sarif", render(file_scan, "sarif"))
        say(render(report, "terminal").rstrip("\n"))
        say(
            f"demo data in {data_dir}; policy {policy}; reports in {out}: "
            f"{', '.join(names)}, scan.sarif\nopen {out / 'audit.html'}"
        )
        if report.summary.gate == "fail":
            say(
                "the gate FAILS on purpose: the demo data has planted problems (card numbers, "
                "e-mails and health details in reviews, expired records, missing consent); "
                "the demo exits 0 all the same"
            )
        _demo_fairness(out)
    except ClearanceError as exc:
        raise fail(exc) from None


GERMAN_DATA_ENV = "CLEARANCE_GERMAN_DATA"


def german_data_path() -> Path:
    """Where ``clearance demo`` reads German credit: ``CLEARANCE_GERMAN_DATA`` if set, else
    ``shared/data/german.data`` next to the source checkout (the development layout)."""
    env = os.environ.get(GERMAN_DATA_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3].parent / "shared" / "data" / "german.data"


def _demo_fairness(out: Path) -> None:
    """Scenario 2: train a credit model on German credit, save it with skops, audit it by sex
    and age group. Skipped with a message when the fairness extra or the data is missing."""
    import importlib.util

    if importlib.util.find_spec("sklearn") is None:
        say("fairness demo skipped: pip install 'clearance[fairness]'")
        return
    from clearance.demo.german import load_german, train_credit_model
    from clearance.fairness.policy import GERMAN_POLICY, load_fairness_policy
    from clearance.fairness.run import run_fairness

    german = german_data_path()
    if not german.is_file():
        say(f"fairness demo skipped: {german} not found")
        return
    folder = out / "fairness"
    frame = load_german(german)
    data = folder / "german_credit.csv"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(data, frame.write_csv())
    model = train_credit_model(frame, folder / "credit_model.skops")
    policy_path = folder / "fairness.yaml"
    write_atomic(policy_path, GERMAN_POLICY)
    report, reasons = run_fairness(data, load_fairness_policy(policy_path), model_path=model)
    files = [
        (folder / name, render(report, fmt))
        for name, fmt in (
            ("fairness.html", "html"),
            ("fairness.json", "json"),
            ("fairness.md", "markdown"),
        )
    ]
    if reasons is not None:
        files.append((folder / "adverse_action_reasons.csv", reasons.write_csv()))
    write_outputs(files)
    verdict = "PASS" if report.verdict.passed else "FAIL"
    say(f"fairness verdict for the German credit model: {verdict}")
    for reason in report.verdict.reasons:
        say(f"  - {reason}")
    if not report.verdict.passed:
        say(
            "the verdict FAILS as expected: the demo model is trained on German credit as it is, "
            "without mitigation (see clearance fairness mitigate); the demo exits 0 all the same"
        )
    say(f"open {folder / 'fairness.html'}")
    _demo_card(folder)


def _demo_card(folder: Path) -> None:
    """Scenario 3: the model card of the German credit model, built from the fairness report
    and checked against the EU AI Act's items; names what a human still has to fill."""
    from clearance.cli.card_cmd import print_check
    from clearance.demo.card import demo_card

    check = demo_card(folder, folder / "fairness.json")
    print_check(check)
    say(
        "the card check FAILS as expected: the sections only the model's owner can write are "
        f"left blank; fill {folder / 'card.yaml'}, then clearance card build and card check"
    )
    say(f"open {folder / 'card.html'}")


app.command("init")(init)
app.command("audit")(audit)
app.command("redact")(redact)
app.command("erase")(erase)
app.command("dp")(dp)
app.command("anonymize")(anonymize)
app.command("guard")(guard)
app.command("report")(report)
app.command("approve")(approve)
app.add_typer(fairness_app, name="fairness")
app.add_typer(llm_app, name="llm")
app.add_typer(retention_app, name="retention")
app.add_typer(card_app, name="card")
app.add_typer(datasheet_app, name="datasheet")
app.add_typer(evidence_app, name="evidence")
app.add_typer(risk_app, name="risk")
app.add_typer(gate_app, name="gate")
app.add_typer(access_app, name="access")
app.add_typer(consent_app, name="consent")
app.command("serve")(serve)
app.add_typer(users_app, name="users")


@app.callback(invoke_without_command=True)
def _root(
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="On an internal error (exit 70), print the traceback (it may quote data); "
            "also CLEARANCE_DEBUG=1.",
        ),
    ] = False,
) -> None:
    # --debug is read by the Boundary group that runs every subcommand.
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)


def main() -> None:
    app()
