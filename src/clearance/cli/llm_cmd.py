"""``clearance llm``: audit an LLM for memorised secrets against the organisation's inventory.

``clearance llm inventory CORPUS...`` scans the training corpus and writes the inventory (keyed
fingerprints and masked previews only, see ``clearance.llm.inventory``).

``clearance llm audit --corpus DIR (--model PATH | --endpoint URL --endpoint-model NAME)
-o report.json -o incident.md`` builds the inventory in memory, probes the model and writes the
audit report (JSON) and the incident report (Markdown); exit code 1 when a secret was extracted
(see ``clearance.llm.audit``).
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import (
    Advance,
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
    write_atomic,
    write_outputs,
)
from clearance.errors import ClearanceError, PolicyError
from clearance.llm.inventory import inventory_paths
from clearance.llm.inventory_models import Inventory, duplication_bucket
from clearance.privacy import Fingerprinter, load_key

EXIT_INPUT = 3
_BUCKETS = ("1", "2-4", "5-19", "20+")

llm_app = typer.Typer(help="LLM memorization audit", no_args_is_help=True)


@llm_app.callback()
def llm() -> None:
    """LLM memorization audit: inventory the secrets of a training corpus, then probe a model."""


def _categories(text: str) -> list[str]:
    cats = [c.strip() for c in text.split(",") if c.strip()]
    if not cats:
        raise PolicyError("--categories: give at least one of secret, pii, special_category")
    return cats


def summary_lines(inventory: Inventory, output: Path | None = None) -> list[str]:
    """The terse summary printed to stderr: counts only, never a value."""
    corpus = [i for i in inventory.items if i.occurrences > 0]
    occurrences = sum(i.occurrences for i in corpus)
    lines = [
        f"inventory: {len(corpus)} distinct values, {occurrences} occurrences in "
        f"{inventory.files_scanned} files ({inventory.records_scanned} lines/records)"
    ]
    by_type: Counter[str] = Counter()
    occ_by_type: Counter[str] = Counter()
    for item in corpus:
        by_type[item.entity] += 1
        occ_by_type[item.entity] += item.occurrences
    for entity, n in sorted(by_type.items(), key=lambda kv: (-occ_by_type[kv[0]], kv[0])):
        lines.append(f"  {entity:<28} {n:>6} values {occ_by_type[entity]:>8} occurrences")
    buckets = Counter(duplication_bucket(i.occurrences) for i in corpus)
    lines.append(
        "  duplication: " + ", ".join(f"{b}x: {buckets.get(b, 0)}" for b in _BUCKETS) + " values"
    )
    if inventory.vault is not None:
        v = inventory.vault
        lines.append(
            f"vault: {v.imported} imported from {v.lines} lines ({v.blank} blank, "
            f"{v.duplicates} duplicate), {v.found_in_corpus} found in the corpus"
        )
    for warning in inventory.warnings:
        lines.append(f"warning: {warning}")
    if inventory.skipped:
        lines.append(f"skipped {len(inventory.skipped)} input(s):")
        lines.extend(f"  {s.path}: {s.reason}" for s in inventory.skipped)
    if output is not None:
        lines.append(f"inventory written to {output}")
    return lines


@llm_app.command("inventory")
def inventory(
    corpus: Annotated[
        list[Path], typer.Argument(help="Corpus files and folders (code, docs, JSON Lines).")
    ],
    vault: Annotated[
        Path | None,
        typer.Option(
            "--vault", help="Known secrets, one per line (a vault export); hashed on read."
        ),
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the inventory (JSON).")
    ] = Path("inventory.json"),
    categories: Annotated[
        str, typer.Option("--categories", help="Comma-separated: secret, pii, special_category.")
    ] = "secret,pii",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Inventory a training corpus's secrets and personal data (fingerprints, no plaintext)."""
    try:
        check_outputs([output], [*corpus, vault])
        cats = _categories(categories)
        fingerprinter = Fingerprinter(load_key())
        # file names come from data: the shared bar shows them escaped, never as markup
        with progress("inventory", unit="lines", quiet=quiet) as advance:

            def on_progress(label: str, n: int) -> None:
                advance(n, label=label)

            inv = inventory_paths(
                corpus,
                fingerprinter=fingerprinter,
                categories=cats,
                vault=vault,
                progress=on_progress,
            )
        write_atomic(output, inv.to_json())
        if not quiet:
            for line in summary_lines(inv, output):
                say(line)
        if inv.skipped:
            raise typer.Exit(EXIT_INPUT)
    except ClearanceError as exc:
        raise fail(exc) from None


# ------------------------------------------------------------------------------------ canaries

canary_app = typer.Typer(
    help="Canaries: random secrets to insert into a training set, and their exposure",
    no_args_is_help=True,
)


@canary_app.command("make")
def canary_make(
    formats: Annotated[
        list[str],
        typer.Option(
            "--format",
            "-f",
            help="Canary format (repeatable): digits:N, hex:N, alnum:N, aws-key, api-key.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="Canary records, values included (JSON Lines): the input of `canary measure`; "
            "keep it out of the training set.",
        ),
    ] = Path("canaries.jsonl"),
    count: Annotated[int, typer.Option("--count", "-n", help="Canaries per format.")] = 10,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed (reproducible canaries); default: the OS generator."),
    ] = None,
    text: Annotated[
        Path | None,
        typer.Option("--text", help="Also write the canary texts, one a line, for insertion."),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", help="Fingerprint manifest (default: <output>.manifest.json)."),
    ] = None,
) -> None:
    """Write random canary records to insert into a future training set."""
    from clearance.llm.canary import make_canaries, write_canaries

    try:
        # Every path is checked before the first is written: a bad --text or --manifest must
        # not leave a records file (canary values included) behind an error.
        check_outputs([output, text, manifest or output.with_name(output.stem + ".manifest.json")])
        canaries = make_canaries(formats, count, seed)
        out, text_out, manifest_out = write_canaries(
            canaries,
            output,
            fingerprinter=Fingerprinter(load_key()),
            text_path=text,
            manifest_path=manifest,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    typer.echo(f"{len(canaries)} synthetic canaries written to {out} (values included)", err=True)
    if text_out is not None:
        typer.echo(f"texts to insert written to {text_out}", err=True)
    typer.echo(f"fingerprint manifest written to {manifest_out}", err=True)


@canary_app.command("measure")
def canary_measure(
    canaries_path: Annotated[
        Path, typer.Option("--canaries", help="Canary records written by `canary make`.")
    ],
    model: Annotated[
        str,
        typer.Option(
            "--model", help="Model: a local folder, hf:PATH[#FILE.gguf] or openai:URL#MODEL."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Exposure report (JSON, no canary value).")
    ] = Path("exposure.json"),
    candidates: Annotated[
        int, typer.Option("--candidates", help="Reference values scored per canary.")
    ] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the reference values.")] = 0,
    device: Annotated[str, typer.Option("--device", help="hf: models: torch device.")] = "cpu",
    batch_size: Annotated[int, typer.Option("--batch-size", help="hf: models: batch size.")] = 8,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Exposure of each canary (Carlini et al. 2019): rank among references and skew-normal."""
    from clearance.llm.canary_report import measure_canary_file

    try:
        check_outputs([output], [canaries_path])
        fingerprinter = Fingerprinter(load_key())
        with progress("canary measure: scoring", unit="values", quiet=quiet) as advance:
            last = 0

            def on_progress(done: int, total: int) -> None:
                nonlocal last
                advance(done - last, total=total)
                last = done

            report = measure_canary_file(
                canaries_path,
                model,
                fingerprinter=fingerprinter,
                candidates=candidates,
                seed=seed,
                device=device,
                batch_size=batch_size,
                progress=on_progress,
            )
        write_atomic(output, report.to_json())
    except ClearanceError as exc:
        raise fail(exc) from None
    for r in report.canaries:
        typer.echo(
            f"{r.id} {r.format:<10} rank {r.rank:>5}/{candidates + 1} "
            f"exposure {r.exposure_rank:.2f} bits (extrapolated {r.exposure_extrapolated:.2f}"
            f" of {r.log2_space:.1f})",
            err=True,
        )
    typer.echo(f"exposure report written to {output}", err=True)


llm_app.add_typer(canary_app, name="canary")


def _prefix_lines(text: str) -> tuple[int, ...]:
    try:
        counts = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        raise PolicyError(f"--prefix-lines {text!r}: expected comma-separated integers") from None
    if not counts or min(counts) < 1:
        raise PolicyError(f"--prefix-lines {text!r}: expected positive integers, e.g. 1,3,10")
    return counts


@llm_app.command("audit")
def audit(
    corpus: Annotated[
        list[Path],
        typer.Option("--corpus", help="Training corpus files and folders (repeat the option)."),
    ],
    output: Annotated[
        list[Path],
        typer.Option(
            "--output",
            "-o",
            help="Report files: .json or .html (audit report), .md or *incident*.html (incident "
            "report); repeatable.",
        ),
    ],
    model: Annotated[
        Path | None, typer.Option("--model", help="Local model folder (transformers).")
    ] = None,
    gguf_file: Annotated[
        str | None, typer.Option("--gguf-file", help="GGUF file inside --model.")
    ] = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="OpenAI-compatible base URL.")
    ] = None,
    endpoint_model: Annotated[
        str | None, typer.Option("--endpoint-model", help="Model name at --endpoint.")
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option("--reference", help="Local reference model: ranks untargeted outputs."),
    ] = None,
    vault: Annotated[
        Path | None,
        typer.Option("--vault", help="Known secrets, one per line (a vault export)."),
    ] = None,
    samples: Annotated[
        int, typer.Option("--samples", min=0, help="Samples per prompt besides greedy.")
    ] = 4,
    temperature: Annotated[
        float, typer.Option("--temperature", min=0.0, help="Sampling temperature.")
    ] = 0.7,
    deployed_temperature: Annotated[
        float | None,
        typer.Option(
            "--deployed-temperature",
            min=0.0,
            help="Decoding temperature of the deployed model, for the deployed extraction "
            "probability (0: greedy; default: --temperature).",
        ),
    ] = None,
    deployed_top_p: Annotated[
        float,
        typer.Option(
            "--deployed-top-p",
            min=0.0,
            max=1.0,
            help="Nucleus (top-p) truncation of the deployed decoding, in (0, 1] (1: none).",
        ),
    ] = 1.0,
    deployed_top_k: Annotated[
        int,
        typer.Option(
            "--deployed-top-k",
            min=0,
            help="Top-k truncation of the deployed decoding (0: none).",
        ),
    ] = 0,
    max_new_tokens: Annotated[int, typer.Option("--max-new-tokens", min=1)] = 48,
    prefix_lines: Annotated[
        str, typer.Option("--prefix-lines", help="Context lengths of targeted prompts.")
    ] = "1,3,10",
    min_partial: Annotated[
        int, typer.Option("--min-partial", min=1, help="Characters for a partial match.")
    ] = 8,
    untargeted: Annotated[
        int, typer.Option("--untargeted", min=0, help="Untargeted samples (0: none).")
    ] = 16,
    seed: Annotated[int, typer.Option("--seed")] = 0,
    categories: Annotated[
        str, typer.Option("--categories", help="Comma-separated: secret, pii, special_category.")
    ] = "secret",
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=0.001,
            help="--endpoint: seconds the whole audit may spend on the endpoint (default: no "
            "limit); past it the audit stops with exit code 6.",
        ),
    ] = None,
    request_timeout: Annotated[
        float,
        typer.Option(
            "--request-timeout",
            min=0.001,
            help="--endpoint: seconds one request may take in full (connection, headers, body).",
        ),
    ] = 60.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Probe a model for memorised corpus secrets; writes fingerprints and masked previews only.

    Exit code: 0 no secret extracted, 1 at least one extracted verbatim, 3 unreadable or
    unusable input (a corpus file skipped, a model that cannot be loaded, a malformed endpoint
    answer), 4 invalid option, 5 missing backend (torch/transformers) or model not found,
    6 endpoint unreachable or out of time (--timeout).
    """
    from datetime import UTC, datetime

    from clearance.errors import InputError, SourceUnavailableError
    from clearance.llm.audit import run_llm_audit_paths
    from clearance.llm.audit_settings import LlmAuditSettings
    from clearance.llm.model_target import EndpointModel, LocalModel, ModelTarget
    from clearance.llm.openai_backend import RunOutOfTimeError
    from clearance.llm.report import exit_code
    from clearance.reports.registry import format_for_path, render

    try:
        if (model is None) == (endpoint is None):
            raise PolicyError("give exactly one of --model PATH or --endpoint URL")
        if endpoint is not None and not endpoint_model:
            raise PolicyError("--endpoint needs --endpoint-model NAME")
        if endpoint is None and timeout is not None:
            raise PolicyError("--timeout applies to --endpoint audits only")
        outputs: list[tuple[Path, str, str]] = []
        for path in output:
            fmt = format_for_path(path, "llm")
            # an HTML file named *incident* gets the incident report (Markdown always is one)
            incident = fmt == "markdown" or (fmt == "html" and "incident" in path.name.lower())
            outputs.append((path, "llm-incident" if incident else "llm", fmt))
        check_outputs(output, [*corpus, vault])
        settings = LlmAuditSettings(
            n_samples=samples,
            temperature=temperature,
            deployed_temperature=deployed_temperature,
            deployed_top_p=deployed_top_p,
            deployed_top_k=deployed_top_k,
            max_new_tokens=max_new_tokens,
            prefix_lines=_prefix_lines(prefix_lines),
            min_partial=min_partial,
            seed=seed,
            untargeted=untargeted,
            categories=tuple(_categories(categories)),
        )
        target: ModelTarget
        if model is not None:
            target = LocalModel(path=model, gguf_file=gguf_file)
        else:
            assert endpoint is not None and endpoint_model is not None
            if not endpoint.startswith(("http://", "https://")):
                raise InputError("--endpoint", "the URL must start with http:// or https://")
            target = EndpointModel(
                url=endpoint, model=endpoint_model, request_timeout=request_timeout,
                deadline_s=timeout,
            )  # fmt: skip
        fingerprinter = Fingerprinter(load_key())
        evidence = evidence_store(store, no_evidence, list(output))
        with ExitStack() as bars:
            advance: list[Advance] = []
            last = 0

            def on_inventory(inv: Inventory) -> None:
                if not quiet:
                    say(f"audit: {len(inv.items)} inventory items from {inv.files_scanned} files")
                advance.append(
                    bars.enter_context(progress("audit: probing", unit="model calls", quiet=quiet))
                )

            def on_progress(stage: str, done: int, total: int) -> None:
                nonlocal last
                advance[-1](done - last, label=f"({stage})", total=total)
                last = done

            run = run_llm_audit_paths(
                corpus,
                target,
                settings,
                fingerprinter=fingerprinter,
                vault=vault,
                reference=reference,
                on_inventory=on_inventory,
                progress=on_progress,
            )
        report, skipped = run.report, run.inventory.skipped
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        files: list[tuple[Path, str]] = []
        corpus_names = [str(c) for c in corpus]
        for path, kind, fmt in outputs:
            options = {"generated_at": now, "corpus": corpus_names} if kind != "llm" else {}
            files.append((path, render(report, fmt, kind=kind, **options)))
        write_outputs(files)
        # the vault is not hashed: a hash of a file of secrets is one more thing to guess at
        record_run(
            evidence,
            "llm audit",
            report=report,
            verdict="fail" if exit_code(report) else "pass",
            inputs=[*corpus, *([model] if model is not None else [])],
            outputs=list(output),
            quiet=quiet,
        )
        if not quiet:
            s = report.summary
            typer.echo(
                f"audit: {s.extracted}/{s.secrets} secrets extracted, {s.partial} partial, "
                f"{s.hallucinated} hallucinated candidates, {s.generations} generations",
                err=True,
            )
            for b in report.extraction_by_duplication:
                typer.echo(
                    f"  {b.bucket:>5}x: {b.extracted}/{b.secrets} extracted ({b.rate:.0%})",
                    err=True,
                )
            for w in report.warnings:
                if not w.startswith("skipped "):
                    say(f"warning: {w}")
            for path, _, _ in outputs:
                typer.echo(f"written: {path}", err=True)
        if skipped:  # listed even with -q: the exit code says an input was left out
            typer.echo(f"skipped {len(skipped)} corpus input(s):", err=True)
            for skip in skipped:
                say(f"  {skip.path}: {skip.reason}")
        # 1 (a secret extracted) wins; else 3 when a corpus input could not be read
        code = exit_code(report) or (EXIT_INPUT if skipped else 0)
        if code:
            raise typer.Exit(code)
    except RunOutOfTimeError as exc:
        hint = SourceUnavailableError(exc.source, f"{exc.reason} (raise --timeout)")
        raise fail(hint) from None
    except ClearanceError as exc:
        raise fail(exc) from None


@llm_app.command("serve")
def serve(
    model: Annotated[Path, typer.Option("--model", help="Local model folder (transformers).")],
    gguf_file: Annotated[
        str | None, typer.Option("--gguf-file", help="GGUF file inside --model.")
    ] = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind (no authentication: keep it local).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to bind.")] = 8000,
    model_name: Annotated[
        str | None,
        typer.Option("--model-name", help="Model name the API reports (default: the folder name)."),
    ] = None,
) -> None:
    """Serve a local model over an OpenAI-compatible HTTP API (/v1/completions, chat, models).

    Exit code: 3 unreadable model, 5 missing backend (torch/transformers/fastapi/uvicorn).
    """
    from clearance.llm.serve import load_served_model
    from clearance.llm.serve import serve as run_server

    try:
        backend = load_served_model(model, gguf_file=gguf_file)
        typer.echo(f"serving {backend.name} on http://{host}:{port}/v1", err=True)
        run_server(backend, model_name=model_name or model.name, host=host, port=port)
    except ClearanceError as exc:
        raise fail(exc) from None
