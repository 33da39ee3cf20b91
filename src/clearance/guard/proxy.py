"""The guard's entry point: :func:`build_guard` (settings, inventory, key -> a ready proxy) and
:func:`serve_guard` (uvicorn, until SIGTERM or Ctrl-C).

The detection engine is built once, with the secret rules (plus the PII types of ``pii``), in
this process only (``workers=1``: a proxy's texts are short). The known secrets come from an
inventory written by ``clearance llm inventory``; they are matched by keyed fingerprints under
the ``Fingerprinter`` given, which must hold the key the inventory was made with.
"""

from __future__ import annotations

import contextlib
import importlib.util
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from clearance.detection.registry import default_registry
from clearance.detection.settings import DetectionSettings
from clearance.errors import BackendUnavailableError
from clearance.guard.app import Guard, create_guard_app
from clearance.guard.holdback import derive
from clearance.guard.known import KnownSecrets, known_from_inventory, read_inventory
from clearance.guard.scanner import Redactor
from clearance.guard.settings import GuardSettings, upstream_base
from clearance.llm.backend_protocol import LLM_EXTRA_HINT
from clearance.privacy import Fingerprinter

__all__ = ["build_guard", "serve_guard"]


def _require_server() -> None:
    for module in ("starlette", "httpx", "uvicorn"):
        if importlib.util.find_spec(module) is None:
            raise BackendUnavailableError(module, LLM_EXTRA_HINT)


def build_guard(
    upstream: str,
    settings: GuardSettings,
    *,
    fingerprinter: Fingerprinter,
    inventory: Path | None = None,
) -> Guard:
    """A proxy to ``upstream`` (``PolicyError``: not an http(s) URL; ``InputError``: an
    inventory that cannot be read; ``BackendUnavailableError``: the ``llm`` extra missing)."""
    base = upstream_base(upstream)
    _require_server()
    known: KnownSecrets | None = None
    if inventory is not None:
        known = known_from_inventory(
            read_inventory(inventory), fingerprinter, max_length=settings.block_cap
        )
    if settings.pii:
        secret_types = sorted({d.entity for d in default_registry() if d.category == "secret"})
        detection = DetectionSettings.of(entities=(*secret_types, *settings.pii), workers=1)
    else:
        detection = DetectionSettings.of(categories=("secret",), workers=1)
    engine = detection.engine()
    holdback = derive(
        engine.registry,
        holdback=settings.holdback,
        block_cap=settings.block_cap,
        extra_width=known.longest if known is not None else 0,
    )
    redactor = Redactor(engine, holdback, fingerprinter, known)
    redactor.redact("warm up")  # compiles the engine's patterns before the first request
    return Guard(base, redactor, settings)


def serve_guard(guard: Guard, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve ``guard`` until SIGTERM or Ctrl-C (blocking; uvicorn finishes open requests)."""
    try:
        import uvicorn
    except ImportError:
        raise BackendUnavailableError("uvicorn", LLM_EXTRA_HINT) from None
    config = uvicorn.Config(
        create_guard_app(guard), host=host, port=port, log_level="warning", access_log=False
    )
    _Server(config).run()


def _server_class() -> type[Any]:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, except that SIGTERM/SIGINT end it with exit 0: uvicorn re-raises
        the signal once shut down, which would kill the process with it."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return Server


_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _Server(config: Any) -> Any:  # built lazily: uvicorn is optional
    return _server_class()(config)
