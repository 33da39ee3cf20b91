"""A recorded world for the dashboard's tests: a store with a passing audit of a clean folder
(a training gate that needs the privacy officer), a scan of a file holding a planted raw e-mail
address and secret, a run whose command and file names are markup, and one user per role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.cli.app import app as cli
from clearance.evidence import new_record, open_store
from clearance.evidence.users import add_user
from clearance.server import create_app
from clearance.server.security import RateLimit
from tests.audit.conftest import pg_schema, postgres_url  # noqa: F401 (PostgreSQL fixtures)

POLICY = (
    "approvals:\n  roles:\n    privacy-officer: [dpo]\n    security: [ciso]\n"
    "  required:\n    training: [privacy-officer]\n"
)
PASSWORD = "correct horse battery staple"
# planted in the scanned file: never to appear in any page or API answer
RAW_EMAIL = "jane.planted.doe@example.org"
RAW_SECRET = "AKIA" + "QZ7XPLANTED4SECR"
EVIL = '<script>alert("x")</script>&<b>'
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')
USERS = {"vic": "viewer", "aud": "auditor", "dpo": "approver", "ciso": "approver", "root": "admin"}


@dataclass(frozen=True)
class World:
    folder: Path
    store: str
    policy: Path
    audit_run: str
    scan_run: str
    evil_run: str
    token: str  # an auditor's API token


def _run(folder: Path, store: str, *argv: str) -> str:
    result = CliRunner().invoke(
        cli, [*argv, "--store", store], env={"CLEARANCE_USER": "dpo"}, catch_exceptions=False
    )
    assert result.exit_code in (0, 1), result.output
    found = re.findall(r"evidence: run ([0-9a-f-]{36}) recorded", result.stderr)
    assert found, (result.stdout, result.stderr)
    return found[-1]


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("dash")
    store = str(folder / "evidence.db")
    policy = folder / "clearance.yaml"
    policy.write_text(POLICY)
    clean = folder / "clean"
    clean.mkdir()
    (clean / "t.csv").write_text("id,colour\n1,red\n2,blue\n")
    leaky = folder / "leaky"
    leaky.mkdir()
    (leaky / "notes.txt").write_text(f"contact {RAW_EMAIL}\naws_access_key_id = {RAW_SECRET}\n")
    audit_run = _run(
        folder, store, "audit", str(clean), "-o", str(folder / "a.json"), "-p", str(policy)
    )
    scan_run = _run(folder, store, "scan", str(leaky), "-o", str(folder / "s.json"))
    opened = open_store(store)
    evil_run = opened.append(
        new_record(
            EVIL,
            summary={"note": EVIL},
            report={
                "findings": [
                    {
                        "rule": EVIL,
                        "severity": "high",
                        "preview": EVIL,
                        "location": {"file": EVIL, "column": EVIL},
                        "count": 1,
                        "fingerprint": "ab" * 32,
                        "controls": [],
                    }
                ]
            },
            verdict="fail",
        )
    )
    for name, role in USERS.items():
        add_user(opened, name, role, password=PASSWORD)
    token = add_user(opened, "robot", "auditor")
    assert token is not None
    opened.close()
    return World(folder, store, policy, audit_run, scan_run, evil_run, token)


def make_client(world: World, **options: object) -> TestClient:
    return TestClient(
        create_app(world.store, policy=world.policy, **options),  # type: ignore[arg-type]
        base_url="http://testserver",
        follow_redirects=False,
    )


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with make_client(world, rate_limit=RateLimit(max_failures=1000)) as c:
        yield c


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Signs ``name`` in; returns the session's CSRF token (from a page's form)."""
    form = client.get("/login")
    token = CSRF_FIELD.search(form.text)
    assert token, form.text
    answer = client.post(
        "/login", data={"username": name, "password": password, "csrf": token.group(1)}
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/runs")
    assert page.status_code == 200
    found = CSRF_FIELD.search(page.text)
    assert found
    return found.group(1)
