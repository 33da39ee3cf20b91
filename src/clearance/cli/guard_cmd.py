"""``clearance guard``: the streaming redaction proxy in front of an OpenAI-compatible model."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import NoEvidenceOpt, StoreOpt, evidence_store, record_run, say
from clearance.errors import PolicyError
from clearance.privacy import Fingerprinter, load_key


def guard(
    upstream: Annotated[
        str, typer.Option("--upstream", help="The model server to protect: http://HOST:PORT.")
    ],
    listen: Annotated[
        str, typer.Option("--listen", help="Address to serve on (HOST:PORT).")
    ] = "127.0.0.1:8080",
    inventory: Annotated[
        Path | None,
        typer.Option(
            "--inventory",
            help="Known secrets: the JSON of `clearance llm inventory -o` (same CLEARANCE_KEY).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="guard.yaml: action, PII types, client keys, incidents..."),
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Serve an OpenAI-compatible proxy that redacts secrets from the model's answers, streaming
    included (/v1/chat/completions, /v1/completions, /v1/models). Stops on SIGTERM or Ctrl-C.

    One evidence run per session, recorded when the guard stops: its redaction and block counts
    and the incident file's hash (each incident is a line of that file, not a run).

    Exit code: 0 stopped cleanly, 3 unreadable --inventory, 4 bad --upstream, --listen or
    --config, 5 the llm extra (starlette, httpx, uvicorn) missing.
    """
    from clearance.guard.proxy import build_guard, serve_guard
    from clearance.guard.settings import is_loopback, listen_address, load_settings

    try:
        host, port = listen_address(listen)
    except PolicyError as exc:
        raise PolicyError(f"--{exc}") from None
    settings = load_settings(config)
    if not settings.clients and not is_loopback(host):
        raise PolicyError(
            f"--listen {listen}: not a loopback address, and no client keys (clients in "
            "--config): refusing to serve without authentication"
        )
    try:
        proxy = build_guard(
            upstream, settings, fingerprinter=Fingerprinter(load_key()), inventory=inventory
        )
    except PolicyError as exc:
        raise PolicyError(f"--{exc}" if str(exc).startswith("upstream ") else str(exc)) from None
    incidents = [settings.incidents] if settings.incidents is not None else []
    evidence = evidence_store(store, no_evidence, incidents)
    known = proxy.redactor.known
    say(
        f"guarding {proxy.upstream} on http://{host}:{port}/v1 ("
        f"{len(known) if known else 0} known secrets, action {settings.action}, "
        f"holdback {proxy.redactor.holdback.chars} characters)"
    )
    if known is not None and known.too_long:
        say(f"warning: {known.too_long} known secrets longer than block_cap are left to the rules")
    # the request log: one JSON line per request on stderr (no body, key or header value)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    request_log = logging.getLogger("clearance.guard")
    request_log.addHandler(handler)
    request_log.setLevel(logging.INFO)
    request_log.propagate = False
    serve_guard(proxy, host=host, port=port)
    counts: dict[str, int] = {}
    by_type: dict[str, int] = {}  # redactions per entity type (the dashboard's incidents view)
    for (name, labels), value in proxy.metrics.counts.items():
        short = name.removeprefix("clearance_guard_").removesuffix("_total")
        counts[short] = counts.get(short, 0) + value
        if short == "redactions":
            kind = dict(labels).get("type", "?")
            by_type[kind] = by_type.get(kind, 0) + value
    record_run(
        evidence,
        "guard",
        report=None,
        summary={
            "requests": counts.get("requests", 0),
            "redactions": counts.get("redactions", 0),
            "blocked": counts.get("blocked", 0),
            "stream_errors": counts.get("stream_errors", 0),
            "redactions_by_type": dict(sorted(by_type.items())),
        },
        verdict="findings" if counts.get("redactions") or counts.get("blocked") else "clean",
        inputs=[p for p in (inventory, config) if p is not None],
        outputs=incidents,
    )
