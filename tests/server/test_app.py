"""The dashboard over a real store (FastAPI's TestClient): who may see and do what (401, 403),
CSRF on every state-changing form, cookies, the sign-in rate limit, a store that cannot be
used (503), paths that are not runs, markup from data, pagination and the JSON API."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clearance.evidence import open_store
from clearance.evidence.audit_trail import verify_entries
from clearance.evidence.bundle import read_bundle
from clearance.server import create_app
from clearance.server.security import RateLimit
from tests.server.conftest import EVIL, PASSWORD, World, make_client, sign_in

PAGES = ["/runs", "/controls", "/gates", "/approvals"]
API = ["/api/runs", "/api/controls", "/api/approvals", "/api/export/runs.jsonl"]


@pytest.mark.parametrize("path", [*PAGES, "/runs/x", *API])
def test_nobody_signed_in_gets_401_and_no_data(client: TestClient, world: World, path: str) -> None:
    path = path.replace("/runs/x", f"/runs/{world.audit_run}")
    answer = client.get(path)
    assert answer.status_code == 401
    # the page may say where to return after signing in (the path asked for), nothing more
    shown = answer.text.replace(f'value="{path}"', "")
    assert world.audit_run not in shown and world.scan_run not in shown and "audit" not in shown
    if path.startswith("/api/"):
        assert answer.json() == {"detail": "sign in first"}
    else:
        assert 'action="/login"' in answer.text


def test_a_wrong_token_or_session_is_401(client: TestClient) -> None:
    assert client.get("/api/runs", headers={"Authorization": "Bearer clr_nope"}).status_code == 401
    client.cookies.set("clearance_session", "forged")
    assert client.get("/runs").status_code == 401


def test_sign_in_sets_a_strict_httponly_cookie_not_secure_over_http(client: TestClient) -> None:
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": csrf})
    assert answer.status_code == 303 and answer.headers["location"] == "/runs"
    cookie = answer.headers["set-cookie"].lower()
    assert "clearance_session=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie


def test_over_tls_the_session_cookie_is_secure(world: World) -> None:
    with TestClient(
        create_app(world.store, policy=world.policy),
        base_url="https://testserver",
        follow_redirects=False,
    ) as c:
        form = c.get("/login")
        assert "secure" in form.headers["set-cookie"].lower()
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        answer = c.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": csrf})
        assert answer.status_code == 303 and "secure" in answer.headers["set-cookie"].lower()


def test_sign_in_without_the_form_token_is_refused(client: TestClient) -> None:
    client.get("/login")
    answer = client.post("/login", data={"username": "vic", "password": PASSWORD, "csrf": "x"})
    assert answer.status_code == 403 and "clearance_session" not in answer.headers.get(
        "set-cookie", ""
    )


def test_wrong_passwords_are_rate_limited(world: World) -> None:
    with make_client(world, rate_limit=RateLimit(max_failures=3, window_s=60)) as c:
        codes = []
        for _ in range(5):
            form = c.get("/login")
            csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
            codes.append(
                c.post(
                    "/login", data={"username": "dpo", "password": "wrong" * 3, "csrf": csrf}
                ).status_code
            )
        assert codes == [401, 401, 401, 429, 429]
        form = c.get("/login")
        csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
        # even the right password waits: the limit is on the name and the address
        answer = c.post("/login", data={"username": "dpo", "password": PASSWORD, "csrf": csrf})
        assert answer.status_code == 429 and int(answer.headers["retry-after"]) > 0


def test_the_next_target_after_sign_in_stays_on_this_site(client: TestClient) -> None:
    form = client.get("/login")
    csrf = form.text.split('name="csrf" value="')[1].split('"')[0]
    answer = client.post(
        "/login",
        data={"username": "vic", "password": PASSWORD, "csrf": csrf, "next": "//evil.example/x"},
    )
    assert answer.headers["location"] == "/runs"


def test_a_viewer_reads_but_cannot_approve_or_export(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "vic")
    page = client.get(f"/runs/{world.audit_run}")
    assert page.status_code == 200 and 'action="/runs/' not in page.text  # no approve form
    answer = client.post(
        f"/runs/{world.audit_run}/approve",
        data={"role": "privacy-officer", "comment": "ok", "csrf": csrf},
    )
    assert answer.status_code == 403 and "approver" in answer.text
    assert client.get("/api/export/runs.jsonl").status_code == 403
    body = {"run_id": world.audit_run, "role": "privacy-officer", "comment": "ok"}
    assert (
        client.post("/api/approvals", json=body, headers={"x-csrf-token": csrf}).status_code == 403
    )


def test_state_changing_forms_need_the_csrf_token(client: TestClient, world: World) -> None:
    sign_in(client, "dpo")
    before = open_store(world.store).count()
    for token in ("", "wrong"):
        answer = client.post(
            f"/runs/{world.audit_run}/approve",
            data={"role": "privacy-officer", "comment": "ok", "csrf": token},
        )
        assert answer.status_code == 403 and "CSRF" in answer.text
    body = {"run_id": world.audit_run, "role": "privacy-officer", "comment": "ok"}
    assert client.post("/api/approvals", json=body).status_code == 403
    assert client.post("/logout", data={"csrf": "wrong"}).status_code == 403
    assert open_store(world.store).count() == before


def test_an_approver_without_the_policy_role_is_refused(client: TestClient, world: World) -> None:
    csrf = sign_in(client, "ciso")  # holds security, not privacy-officer
    before = open_store(world.store).count()
    answer = client.post(
        f"/runs/{world.audit_run}/approve",
        data={"role": "privacy-officer", "comment": "ok", "csrf": csrf},
    )
    assert (
        answer.status_code == 403 and "ciso does not hold the role privacy-officer" in answer.text
    )
    assert open_store(world.store).count() == before


def test_approving_turns_the_gate_green(world: World, tmp_path: Path) -> None:
    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    with TestClient(create_app(str(copy), policy=world.policy), follow_redirects=False) as c:
        csrf = sign_in(c, "dpo")
        assert 'data-gate="fail"' in c.get(f"/runs/{world.audit_run}").text
        assert [p["run_id"] for p in c.get("/api/approvals").json()] == [world.audit_run]
        answer = c.post(
            f"/runs/{world.audit_run}/approve",
            data={"role": "privacy-officer", "comment": "reviewed <ok>", "csrf": csrf},
        )
        assert answer.status_code == 303
        page = c.get(f"/runs/{world.audit_run}")
        assert 'data-gate="pass"' in page.text
        assert c.get("/api/approvals").json() == []
        record = open_store(str(copy)).entries()[-1].record
        assert record["command"] == "approve" and record["user"] == "dpo"
        assert record["summary"]["approves"] == world.audit_run
        assert open_store(str(copy)).verify().intact
        # an approval of an approval, and of a run that does not exist
        body = {"run_id": record["run_id"], "role": "privacy-officer", "comment": "x"}
        assert (
            c.post("/api/approvals", json=body, headers={"x-csrf-token": csrf}).status_code == 409
        )
        body["run_id"] = "no-such-run"
        assert (
            c.post("/api/approvals", json=body, headers={"x-csrf-token": csrf}).status_code == 404
        )


def test_an_api_token_approves_without_csrf(world: World, tmp_path: Path) -> None:
    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    store = open_store(str(copy))
    from clearance.evidence.users import add_user

    token = add_user(store, "dpo", "approver")
    assert token is not None
    with TestClient(create_app(str(copy), policy=world.policy)) as c:
        body = {"run_id": world.audit_run, "role": "privacy-officer", "comment": "ok"}
        answer = c.post("/api/approvals", json=body, headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 201, answer.text
        assert answer.json()["gate"]["passed"] is True


def test_a_store_that_cannot_connect_is_503(tmp_path: Path) -> None:
    down = "postgresql://nobody:secret-pw@127.0.0.1:1/none"
    with TestClient(create_app(down, policy=None)) as c:
        health = c.get("/healthz")
        assert health.status_code == 503 and health.json()["status"] == "unavailable"
        page = c.get("/runs")
        assert page.status_code == 503 and "evidence store cannot be used" in page.text
        api = c.get("/api/runs")
        assert api.status_code == 503 and "secret-pw" not in api.text + page.text + health.text


def test_a_file_that_is_not_a_store_is_503(tmp_path: Path) -> None:
    bad = tmp_path / "evidence.db"
    bad.write_bytes(b"not a database" * 100)
    with TestClient(create_app(str(bad), policy=None)) as c:
        assert c.get("/runs").status_code == 503
        assert c.get("/healthz").status_code == 503


def test_healthz_is_ok(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "reason": None}


@pytest.mark.parametrize(
    "path",
    [
        "/runs/..%2F..%2Fetc%2Fpasswd",
        "/runs/../../etc/passwd",
        "/runs/%2e%2e/%2e%2e/etc/passwd",
        "/api/runs/..%2Fevidence.db",
        "/static/../../etc/passwd",
        "/runs/<script>",
    ],
)
def test_paths_that_are_not_runs_are_404(client: TestClient, path: str) -> None:
    sign_in(client, "vic")
    answer = client.get(path)
    assert answer.status_code == 404
    assert "root:" not in answer.text and "SQLite" not in answer.text


def test_names_from_data_are_escaped_everywhere(client: TestClient, world: World) -> None:
    sign_in(client, "vic")
    pages = [
        client.get(p).text for p in ["/runs", f"/runs/{world.evil_run}", "/runs?command=" + EVIL]
    ]
    for text in pages:
        assert "<script>" not in text and "<b>" not in text
    assert pages[1].count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&lt;b&gt;") >= 5


def test_control_characters_from_data_are_shown_not_sent(world: World, tmp_path: Path) -> None:
    from clearance.evidence import new_record

    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    run = open_store(str(copy)).append(new_record("scan\x1b[31m red", verdict="clean"))
    with TestClient(create_app(str(copy), policy=world.policy), follow_redirects=False) as c:
        sign_in(c, "vic")
        for text in (c.get("/runs").text, c.get(f"/runs/{run}").text):
            assert "\x1b" not in text and "scan\\x1b[31m red" in text


def test_security_headers(client: TestClient) -> None:
    answer = client.get("/login")
    assert "default-src 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"


def test_runs_are_paginated_and_filtered(world: World, tmp_path: Path) -> None:
    from clearance.evidence import new_record

    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    store = open_store(str(copy))
    for i in range(120):
        store.append(new_record("scan", summary={"i": i}, verdict="clean" if i % 2 else "findings"))
    with TestClient(create_app(str(copy), policy=world.policy), follow_redirects=False) as c:
        sign_in(c, "vic")
        n = len(world.runs) + 120
        first = c.get("/api/runs", params={"limit": 50}).json()
        assert first["total"] == n and len(first["runs"]) == 50
        assert [r["seq"] for r in first["runs"]][:2] == [n, n - 1]
        last = c.get("/api/runs", params={"limit": 50, "offset": 100}).json()
        assert [r["seq"] for r in last["runs"]] == list(range(n - 100, 0, -1))
        clean = c.get("/api/runs", params={"command": "scan", "verdict": "clean"}).json()
        assert clean["total"] == 60 and {r["verdict"] for r in clean["runs"]} == {"clean"}
        assert c.get("/api/runs", params={"limit": 201}).status_code == 422
        assert c.get("/api/runs", params={"offset": -1}).status_code == 422
        page3 = c.get("/runs", params={"page": 3})
        assert (
            page3.status_code == 200
            and 'rel="prev"' in page3.text
            and 'rel="next"' not in page3.text
        )
        assert c.get("/runs", params={"page": 2}).text.count('<tr><td class="num">') == 50


def test_api_run_detail_and_controls(client: TestClient, world: World) -> None:
    headers = {"Authorization": f"Bearer {world.token}"}
    run = client.get(f"/api/runs/{world.scan_run}", headers=headers).json()
    assert run["command"] == "scan" and run["findings_total"] >= 2 and run["gate"] is None
    assert all(f["fingerprint"] and f["preview"] for f in run["findings"])
    audit = client.get(f"/api/runs/{world.audit_run}", headers=headers).json()
    assert audit["gate"]["gate"] == "training" and not audit["gate"]["passed"]
    for framework in ("nist-ai-rmf", "iso-42001", "eu-ai-act", "gdpr"):
        report = client.get("/api/controls", params={"framework": framework}, headers=headers)
        assert report.status_code == 200 and report.json()["framework"] == framework
        assert report.json()["records"] == len(world.runs) and report.json()["controls"]
    assert (
        client.get("/api/controls", params={"framework": "x"}, headers=headers).status_code == 422
    )


def test_export_streams_a_bundle_that_verifies(
    client: TestClient, world: World, tmp_path: Path
) -> None:
    answer = client.get(
        "/api/export/runs.jsonl", headers={"Authorization": f"Bearer {world.token}"}
    )
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/x-ndjson"
    bundle = tmp_path / "bundle.jsonl"
    bundle.write_bytes(answer.content)
    entries, checkpoint = read_bundle(bundle)
    assert [e.run_id for e in entries] == world.runs
    assert verify_entries(entries, checkpoint).intact
    assert json.loads(answer.text.splitlines()[-1])["checkpoint"]["head"] == entries[-1].hash


def test_a_tampered_chain_shows_a_warning_and_blocks_approvals(
    world: World, tmp_path: Path
) -> None:
    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    with sqlite3.connect(copy) as db:
        db.execute("UPDATE clearance_evidence_runs SET verdict = 'pass' WHERE seq = 2")
    with TestClient(create_app(str(copy), policy=world.policy), follow_redirects=False) as c:
        csrf = sign_in(c, "dpo")
        assert "does not verify" in c.get("/controls").text
        answer = c.post(
            f"/runs/{world.audit_run}/approve",
            data={"role": "privacy-officer", "comment": "ok", "csrf": csrf},
        )
        assert answer.status_code == 409 and "nothing approved" in answer.text


def test_sign_out_ends_the_session(client: TestClient) -> None:
    csrf = sign_in(client, "vic")
    assert client.post("/logout", data={"csrf": csrf}).status_code == 303
    assert client.get("/runs").status_code == 401


def test_a_removed_role_takes_effect_at_once(world: World, tmp_path: Path) -> None:
    from clearance.evidence.users import add_user

    copy = tmp_path / "evidence.db"
    copy.write_bytes(Path(world.store).read_bytes())
    with TestClient(create_app(str(copy), policy=world.policy), follow_redirects=False) as c:
        sign_in(c, "aud")
        assert c.get("/api/export/runs.jsonl").status_code == 200
        add_user(open_store(str(copy)), "aud", "viewer", password=PASSWORD)
        assert c.get("/api/export/runs.jsonl").status_code == 403
