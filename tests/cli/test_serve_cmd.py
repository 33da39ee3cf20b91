"""``clearance users add`` (a password from stdin, or a token printed once; only hashes kept)
and ``clearance serve``'s option checks (the server itself: tests/server)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.evidence import open_store
from clearance.evidence.users import by_token, sign_in

runner = CliRunner()
PASSWORD = "a long enough passphrase"


def test_a_password_from_stdin_is_stored_hashed(tmp_path: Path) -> None:
    store = str(tmp_path / "e.db")
    result = runner.invoke(
        app, ["users", "add", "dpo", "--role", "approver", "--store", store], input=PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and "password set" in result.stderr
    assert sign_in(open_store(store), "dpo", PASSWORD) is not None
    assert sign_in(open_store(store), "dpo", PASSWORD + "x") is None
    for written in tmp_path.iterdir():  # the database and its WAL
        assert PASSWORD.encode() not in written.read_bytes()
    with sqlite3.connect(store) as db:
        [(stored,)] = db.execute("SELECT password_hash FROM clearance_users").fetchall()
    assert stored.startswith("$argon2id$")


def test_no_password_makes_a_token_printed_once(tmp_path: Path) -> None:
    store = str(tmp_path / "e.db")
    result = runner.invoke(
        app, ["users", "add", "robot", "--role", "auditor", "--store", store, "--token"]
    )
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("clr_") and len(token) > 40
    user = by_token(open_store(store), token)
    assert user is not None and user.role == "auditor"
    with sqlite3.connect(store) as db:
        [(stored,)] = db.execute("SELECT token_hash FROM clearance_users").fetchall()
    assert stored != token and token not in result.stderr


@pytest.mark.parametrize(
    ("argv", "stdin", "code", "says"),
    [
        (["x", "--role", "owner"], "", 4, "--role owner"),
        (["<script>", "--role", "viewer"], PASSWORD, 4, "user name"),
        (["dpo", "--role", "viewer"], "short\n", 4, "password: 12"),
    ],
)
def test_bad_users_are_refused(
    tmp_path: Path, argv: list[str], stdin: str, code: int, says: str
) -> None:
    store = str(tmp_path / "e.db")
    result = runner.invoke(app, ["users", "add", *argv, "--store", store], input=stdin)
    assert result.exit_code == code and says in result.stderr, result.output
    assert "<script>" not in result.stderr or "user name" in result.stderr


def test_serve_needs_both_tls_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["serve", "--tls-cert", str(tmp_path / "c.pem")])
    assert result.exit_code == 4 and "--tls-cert and --tls-key go together" in result.stderr


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"])
def test_serve_answers_on_its_port_and_stops_on_ctrl_c_or_sigterm(tmp_path: Path, stop: str) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = str(tmp_path / "e.db")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "clearance", "serve", "--store", store, "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline, server.stderr
                time.sleep(0.2)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{port}/api/runs").status_code == 401
    finally:
        server.send_signal(getattr(signal, stop))
        _, err = server.communicate(timeout=30)
    assert server.returncode == 0, err
    assert f"clearance dashboard on http://127.0.0.1:{port}/" in err
    assert not Path(store).exists()  # reading made no store


def test_an_address_in_use_is_one_line_and_exit_4_before_the_announcement(
    tmp_path: Path,
) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["serve", "--store", str(tmp_path / "e.db"), "--port", str(port)],
        )
    assert result.exit_code == 4, result.output
    assert f"--port {port}: cannot listen there" in result.output
    assert "dashboard on" not in result.output
