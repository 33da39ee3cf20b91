"""``clearance guard``: clean one-line failures with the documented exit codes, and a real
process that serves within 5 seconds and exits 0 on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cli._evidence import assert_nothing_planted, only_run

runner = CliRunner()


def test_bad_upstream_and_listen_are_exit_4() -> None:
    result = runner.invoke(app, ["guard", "--upstream", "ftp://x"])
    assert result.exit_code == 4 and "--upstream" in result.output
    result = runner.invoke(app, ["guard", "--upstream", "http://h:1", "--listen", "nope"])
    assert result.exit_code == 4 and "--listen" in result.output
    result = runner.invoke(app, ["guard", "--upstream", "http://h:1", "--listen", "0.0.0.0:8080"])
    assert result.exit_code == 4 and "authentication" in result.output


def test_inventory_not_json_is_exit_3(tmp_path: Path) -> None:
    pytest.importorskip("starlette")
    bad = tmp_path / "inventory.json"
    bad.write_text("<script>not json\x1b[2J")
    result = runner.invoke(app, ["guard", "--upstream", "http://h:1", "--inventory", str(bad)])
    assert result.exit_code == 3, result.output
    assert "not JSON" in result.output and "\x1b" not in result.output
    result = runner.invoke(app, ["guard", "--upstream", "http://h:1", "--inventory", str(tmp_path)])
    assert result.exit_code == 3


def test_missing_server_packages_is_exit_5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    result = runner.invoke(app, ["guard", "--upstream", "http://h:1"])
    assert result.exit_code == 5 and "clearance[llm]" in result.output


def test_serves_quickly_and_exits_cleanly_on_sigterm(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "CLEARANCE_KEY": "k", "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "clearance", "guard", "--upstream", "http://127.0.0.1:9",
         "--listen", f"127.0.0.1:{port}"],
        cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60  # the README promises 5 s; a loaded CI gets slack
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the guard did not start serving")
        import httpx

        secret = "ghp_MlcV1yq9YMd70ohrmmvwiJbnR17phDygQX5E"
        answer = httpx.post(
            f"http://127.0.0.1:{port}/v1/chat/completions",
            json={"model": "m", "messages": [{"role": "user", "content": secret}]},
            headers={"authorization": f"Bearer {secret}"},
            timeout=30,
        )
        assert answer.status_code == 502  # nothing listens on the upstream's port
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate(timeout=30)
    assert "guarding http://127.0.0.1:9" in err
    # the request log: one JSON line per request, no body, key or header value in it
    [line] = [ln for ln in err.splitlines() if ln.startswith('{"event":"request"')]
    record = json.loads(line)
    assert (record["route"], record["status"], record["stream"]) == (
        "/v1/chat/completions",
        502,
        False,
    )
    assert record["request_id"] == answer.headers["x-request-id"]
    assert secret not in err and secret[:12] not in err
    # one evidence run for the session, recorded when it stopped; no value of the request in it
    entry = only_run("guard", err)
    assert entry["summary"]["requests"] == 1 and entry["verdict"] == "clean"
    assert entry["inputs"] == [] and entry["outputs"] == []
    assert_nothing_planted(secret, secret[:12])
