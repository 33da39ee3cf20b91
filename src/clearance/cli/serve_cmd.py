"""``clearance serve`` (the dashboard) and ``clearance users add`` (who may sign in to it)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import StoreOpt, say
from clearance.errors import BackendUnavailableError, PolicyError
from clearance.evidence import open_store
from clearance.evidence.users import ROLES, add_user

users_app = typer.Typer(help="Users of the dashboard (clearance serve).", no_args_is_help=True)


def serve(
    store: StoreOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8765,
    policy: Annotated[
        Path,
        typer.Option(
            "--policy", "-p", help="clearance.yaml: approvals.roles and approvals.required."
        ),
    ] = Path("clearance.yaml"),
    tls_cert: Annotated[
        Path | None, typer.Option("--tls-cert", help="PEM certificate: serve HTTPS.")
    ] = None,
    tls_key: Annotated[Path | None, typer.Option("--tls-key", help="PEM private key.")] = None,
) -> None:
    """Serve the dashboard: runs and findings, control coverage per framework, gates and
    approvals, and the JSON API under /api/ (schema at /openapi.json). Sign-in with the users
    of `clearance users add`. Runs until stopped (Ctrl-C or SIGTERM: exit 0)."""
    try:
        from clearance.server import create_app
        from clearance.server import serve as run_server
    except ImportError as exc:
        raise BackendUnavailableError(
            str(exc.name or "fastapi"), "pip install 'clearance[server]'"
        ) from None
    if (tls_cert is None) != (tls_key is None):
        raise PolicyError("--tls-cert and --tls-key go together")
    app = create_app(store, policy=policy, secure_cookies=True if tls_cert else None)
    scheme = "https" if tls_cert else "http"
    options: dict[str, object] = {}
    if tls_cert is not None:
        options = {"ssl_certfile": str(tls_cert), "ssl_keyfile": str(tls_key)}
    run_server(
        app,
        host,
        port,
        announce=lambda: say(f"clearance dashboard on {scheme}://{host}:{port}/ (Ctrl-C stops it)"),
        **options,
    )


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name (as the policy's approvals.roles).")],
    role: Annotated[str, typer.Option("--role", help=" | ".join(ROLES))],
    token: Annotated[
        bool,
        typer.Option(
            "--token", help="Make an API token (printed once) instead of reading a password."
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Add (or update) a dashboard user. The password is read from stdin (one line; at least
    12 characters); with --token, or when stdin is a terminal with nothing typed, an API token
    is generated and printed once on stdout. Only hashes are stored."""
    if role not in ROLES:
        raise PolicyError(f"--role {role}: one of {', '.join(ROLES)}")
    password: str | None = None
    if not token:
        if sys.stdin.isatty():
            import getpass

            password = getpass.getpass("password (empty: make an API token): ") or None
        else:
            line = sys.stdin.readline()
            password = line.rstrip("\r\n") or None
    opened = open_store(store)
    try:
        made = add_user(opened, name, role, password=password)
    finally:
        opened.close()
    if made is not None:
        typer.echo(made)
        say(f"user {name} ({role}): API token printed above; it is not stored and not shown again")
    else:
        say(f"user {name} ({role}): password set")
