"""A scripted OpenAI-compatible upstream for the guard's tests (a real uvicorn server), and the
secrets the tests plant: detector positives and one known secret no detector recognises."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearance.detection.settings import DetectionSettings
from clearance.guard.app import Guard
from clearance.guard.holdback import derive
from clearance.guard.known import known_from_inventory, read_inventory
from clearance.guard.scanner import Redactor
from clearance.guard.settings import GuardSettings
from clearance.llm.inventory import inventory_paths
from clearance.privacy import Fingerprinter
from tests.llm._fake_openai import LocalServer

KEY = b"guard-test-key"
GITHUB = "ghp_MlcV1yq9YMd70ohrmmvwiJbnR17phDygQX5E"
SLACK = "xoxb-994711068592-7327104600213-LPOXcSqGN5q44Hsayhxvbwhn"
AWS_SECRET = "eVJw9CIDfhptIqaCERrHVtc9iq63q4cbeZOMnHhu"
KNOWN = "plum7-Orbit-velvet-93"  # a password no rule knows: only the inventory has it
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEA8Z0KWHAXoxefq4PvyhLnelUKfnvEaHNWIPTjXbb5KgzGd0Hd\n"
    "U+foM03AcocRj012PCbX2e5qGZaMOkkqWPUU0I4d+2oYgI578f/rmCAGHscEMJHq\n"
    "5z6xa4X38/Z2HTsXsTiPp+GwYyVK0F==\n"
    "-----END RSA PRIVATE KEY-----"
)
SECRETS = (GITHUB, SLACK, AWS_SECRET, KNOWN, PEM.splitlines()[1])


def make_inventory(tmp: Path) -> Path:
    """An inventory written as ``clearance llm inventory -o`` writes it: a corpus holding the
    GitHub token, and a vault holding the password."""
    corpus = tmp / "corpus"
    corpus.mkdir()
    (corpus / "settings.py").write_text(f'GITHUB_TOKEN = "{GITHUB}"\n')
    vault = tmp / "vault.txt"
    vault.write_text(KNOWN + "\n")
    inventory = inventory_paths([corpus], fingerprinter=Fingerprinter(KEY), vault=vault)
    path = tmp / "inventory.json"
    path.write_text(inventory.to_json())
    return path


def make_redactor(inventory: Path | None, settings: GuardSettings | None = None) -> Redactor:
    settings = settings or GuardSettings()
    fp = Fingerprinter(KEY)
    known = None
    if inventory is not None:
        known = known_from_inventory(read_inventory(inventory), fp, max_length=settings.block_cap)
    engine = DetectionSettings.of(categories=("secret",), workers=1).engine()
    hold = derive(
        engine.registry, holdback=settings.holdback, extra_width=known.longest if known else 0
    )
    return Redactor(engine, hold, fp, known)


def make_guard(upstream: str, redactor: Redactor, settings: GuardSettings | None = None) -> Guard:
    return Guard(upstream, redactor, settings or GuardSettings())


def chat_chunk(content: str | None = None, *, index: int = 0, finish: str | None = None) -> str:
    delta: dict[str, Any] = {} if content is None else {"content": content}
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "m",
            "system_fingerprint": "fp_x",
            "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
        }
    )


def sse_bytes(events: list[str]) -> bytes:
    return b"".join(f"data: {e}\n\n".encode() for e in events)


def chat_stream(text: str, pieces: list[int], *, done: bool = True) -> bytes:
    """The SSE bytes of a chat answer ``text`` cut at ``pieces`` (character offsets)."""
    cuts = [0, *sorted(set(p for p in pieces if 0 < p < len(text))), len(text)]
    events = [chat_chunk(text[a:b]) for a, b in itertools.pairwise(cuts)]
    events.append(chat_chunk(finish="stop"))
    if done:
        events.append("[DONE]")
    return sse_bytes(events)


@dataclass
class Script:
    """What the upstream does next: ``status`` and ``body`` (bytes, sent in ``pieces`` byte
    cuts), ``hang`` seconds before the rest, ``reset`` (drop the connection after the pieces)."""

    status: int = 200
    body: bytes = b""
    pieces: list[int] = field(default_factory=list)
    content_type: str = "text/event-stream"
    hang_after: int | None = None
    hang: float = 0.0
    fail_after: int | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


def upstream_app(script: Script) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response, StreamingResponse
    from starlette.routing import Route

    async def models(request: Request) -> Any:
        return JSONResponse({"object": "list", "data": [{"id": "m", "object": "model"}]})

    def parts() -> Iterator[bytes]:
        cuts = [0, *sorted(set(p for p in script.pieces if 0 < p < len(script.body)))]
        cuts.append(len(script.body))
        for a, b in itertools.pairwise(cuts):
            yield script.body[a:b]

    async def gen() -> AsyncIterator[bytes]:
        for i, part in enumerate(parts()):
            if script.hang_after is not None and i == script.hang_after:
                await asyncio.sleep(script.hang)
            if script.fail_after is not None and i == script.fail_after:
                raise ConnectionResetError("scripted reset")  # uvicorn drops the connection
            yield part
            await asyncio.sleep(0)

    async def complete(request: Request) -> Any:
        script.requests.append(json.loads(await request.body()))
        script.headers.append(dict(request.headers))
        if script.content_type == "text/event-stream" and script.status == 200:
            return StreamingResponse(gen(), media_type=script.content_type)
        return Response(script.body, status_code=script.status, media_type=script.content_type)

    return Starlette(
        routes=[
            Route("/v1/models", models),
            Route("/v1/chat/completions", complete, methods=["POST"]),
            Route("/v1/completions", complete, methods=["POST"]),
        ]
    )


class Served(LocalServer):
    """An ASGI app served by uvicorn on a free port of 127.0.0.1 in a thread, with its lifespan
    run (the guard closes its upstream connections at shutdown)."""

    def __init__(self, app: Any) -> None:
        super().__init__(app, lifespan="on")
