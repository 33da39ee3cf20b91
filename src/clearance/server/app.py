"""The dashboard's application (``clearance serve``): :func:`create_app` builds it over one
evidence store; :func:`serve` runs it with uvicorn."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from clearance._version import __version__
from clearance.errors import ClearanceError, PolicyError
from clearance.server import api, pages, result_pages
from clearance.server.auth import caller
from clearance.server.models import Health
from clearance.server.render import render
from clearance.server.security import RateLimit, Sessions
from clearance.server.state import Dashboard, StoreDown

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
# the pages load nothing but themselves: inline CSS, no script, forms posted back here
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def _problem(
    request: Request, status: int, detail: str, headers: dict[str, str] | None = None
) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    if status == 401:
        return pages.login_page(request, 401, "Sign in to see this page.")
    context: dict[str, Any] = {
        "title": {403: "Forbidden", 404: "Not found", 503: "Evidence store unavailable"}.get(
            status, "Error"
        ),
        "message": detail,
    }
    try:
        found = caller(request) if status not in (503,) else None
    except (StoreDown, ClearanceError):
        found = None
    if found is not None:
        context.update(user=found.user, csrf=found.session.csrf if found.session else "")
    response = render(request, "error.html", context, status=status)
    for k, v in (headers or {}).items():
        response.headers[k] = v
    return response


def create_app(
    store_url: str | None = None,
    *,
    policy: Path | None = Path("clearance.yaml"),
    secure_cookies: bool | None = None,
    rate_limit: RateLimit | None = None,
) -> FastAPI:
    """The dashboard over the store ``store_url`` (an SQLite path or URL, a PostgreSQL URL;
    None: ``CLEARANCE_STORE``, else ``.clearance/evidence.db``). ``policy``: the clearance.yaml
    whose ``approvals`` say who may approve in which role and what each gate requires.
    ``secure_cookies``: None marks cookies Secure when the request came over TLS."""
    board = Dashboard(store_url, policy)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        board.close()

    app = FastAPI(
        lifespan=lifespan,
        title="clearance dashboard",
        version=__version__,
        description="The evidence store's runs, control coverage, gates and approvals.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.dashboard = board
    app.state.sessions = Sessions()
    app.state.rate_limit = rate_limit or RateLimit()
    app.state.secure_cookies = secure_cookies

    @app.middleware("http")
    async def headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _problem(request, exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            # field locations and messages, never the input (it may be a password)
            errors = [
                {
                    "loc": [x if isinstance(x, int) else str(x) for x in err.get("loc", ())],
                    "msg": str(err.get("msg", "")),
                    "type": str(err.get("type", "")),
                }
                for err in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        return _problem(request, 422, "The request's parameters are not valid.")

    @app.exception_handler(StoreDown)
    async def store_down(request: Request, exc: StoreDown) -> Response:
        return _problem(
            request, 503, f"The evidence store cannot be used: {exc}", {"Retry-After": "30"}
        )

    @app.exception_handler(ClearanceError)
    async def store_error(request: Request, exc: ClearanceError) -> Response:
        return _problem(
            request, 503, f"The evidence store cannot be used: {exc}", {"Retry-After": "30"}
        )

    @app.get("/healthz", response_model=Health, responses={503: {"model": Health}}, tags=["health"])
    def healthz(request: Request) -> Response:
        """ok when the evidence store answers; 503 with the reason otherwise."""
        try:
            app.state.dashboard.store().head()
        except (StoreDown, ClearanceError) as exc:
            return JSONResponse(
                Health(status="unavailable", reason=str(exc)).model_dump(), status_code=503
            )
        return JSONResponse(Health(status="ok").model_dump())

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(result_pages.router)
    return app


def serve(
    app: FastAPI,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    announce: Callable[[], None] | None = None,
    **uvicorn_options: object,
) -> None:
    """Runs ``app`` with uvicorn until interrupted. The socket is bound here first, so that an
    address in use is a :class:`~clearance.errors.PolicyError` (exit 4) before ``announce``
    says where the dashboard is (uvicorn would print its own error after it)."""
    import signal
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or type(exc).__name__
        raise PolicyError(
            f"--host {host} --port {port}: cannot listen there ({reason}); "
            "choose another port or address"
        ) from None
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, **uvicorn_options  # type: ignore[arg-type]
    )
    if announce is not None:
        announce()
    try:
        # uvicorn shuts down cleanly on SIGTERM, then raises it again under the handler it
        # found: a no-op one makes a stop by SIGTERM exit 0, as Ctrl-C does (a service manager
        # stopping the dashboard is no failure)
        previous = signal.signal(signal.SIGTERM, lambda *_: None)
    except ValueError:  # not the main thread: leave signals to the caller
        previous = None
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # as uvicorn.run: Ctrl-C after a clean shutdown is a normal stop
        pass
    finally:
        sock.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "HTTPException", "create_app", "serve"]
